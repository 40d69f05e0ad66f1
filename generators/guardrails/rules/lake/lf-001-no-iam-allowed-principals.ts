import type { GuardrailRule } from "../../types";
import { type Check } from "../../terraform";

// ---------------------------------------------------------------------------
// Lake Formation and the stacks as a whole

/** Lake Formation is the only path to data: IAMAllowedPrincipals appears nowhere. */
export const checkNoIamAllowedPrincipals: Check = (stacks) =>
  stacks
    .filter((s) => /IAM_ALLOWED_PRINCIPALS|IAMAllowedPrincipals/i.test(s.text))
    .map((s) => ({ rule: "no-iam-allowed-principals", stack: s.name, address: "(stack)", message: "mentions IAM_ALLOWED_PRINCIPALS / IAMAllowedPrincipals" }));

export const rule: GuardrailRule = {
  id: "LF-001",
  severity: "error",
  scope: "terraform",
  rule: "IAMAllowedPrincipals appears nowhere in any stack.",
  explanation: "IAMAllowedPrincipals hands Lake Formation's decisions back to IAM; Lake Formation is the only path to data, so the group is named in no grant, default or setting.",
  source: ["custom (ARCHITECTURE: no back doors)"],
  check: ({ stacks }) => checkNoIamAllowedPrincipals(stacks),
};
