import type { GuardrailRule } from "../../types";
import { byName, type Check, DATA_LAKE_PRINCIPAL, entries, IAM_ALLOWED_PRINCIPALS, LF_PERMISSIONS, stringsIn, violation } from "../../terraform";

/**
 * (a) No grant to IAMAllowedPrincipals: every Lake Formation grant names a
 * role, user, Identity Center group or account, and no string of any
 * resource equals or contains IAM_ALLOWED_PRINCIPALS / IAMAllowedPrincipals.
 */
export const checkNoIamAllowedGrants: Check = (stacks) =>
  stacks.flatMap((s) => [
    ...entries(s, LF_PERMISSIONS)
      .filter(([, r]) => typeof r.principal !== "string" || !DATA_LAKE_PRINCIPAL.test(r.principal))
      .map(([n, r]) => violation("no-back-doors/lf-principal", s.name, `${LF_PERMISSIONS}.${n}`, `principal ${JSON.stringify(r.principal)} is not an IAM role or user, Identity Center group or account`)),
    ...Object.entries(s.json.resource ?? {}).flatMap(([type, ofType]) =>
      Object.entries(ofType)
        .sort(byName)
        .filter(([, r]) => stringsIn(r).some((x) => IAM_ALLOWED_PRINCIPALS.test(x)))
        .map(([n]) => violation("no-back-doors/lf-principal", s.name, `${type}.${n}`, "names IAM_ALLOWED_PRINCIPALS / IAMAllowedPrincipals")),
    ),
    ...(stringsIn(Object.fromEntries(Object.entries(s.json).filter(([k]) => k !== "resource"))).some((x) => IAM_ALLOWED_PRINCIPALS.test(x))
      ? [violation("no-back-doors/lf-principal", s.name, "(stack)", "names IAM_ALLOWED_PRINCIPALS / IAMAllowedPrincipals outside the resources")]
      : []),
  ]);

export const rule: GuardrailRule = {
  id: "LF-004",
  severity: "error",
  scope: "terraform",
  rule: "Lake Formation grants name roles, users, Identity Center groups or accounts, never IAMAllowedPrincipals or everyone.",
  explanation: "A grant to IAMAllowedPrincipals (in any spelling) or a wildcard turns table access back into IAM access.",
  source: ["custom (ARCHITECTURE: no back doors)"],
  check: ({ stacks }) => checkNoIamAllowedGrants(stacks),
};
