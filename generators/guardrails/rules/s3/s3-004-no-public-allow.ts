import type { GuardrailRule } from "../../types";
import { type Check, isWildcardPrincipal, perResource, POLICY, policyProblems } from "../../terraform";

/** CKV_AWS_70, stricter than checkov: no Allow to a wildcard principal at all. */
export const checkNoPublicAllow: Check = (stacks) =>
  perResource("CKV_AWS_70", stacks, POLICY, (p) => {
    const { statements, problems } = policyProblems(p);
    return [...problems, ...statements.filter((st) => st.Effect === "Allow" && isWildcardPrincipal(st.Principal)).map((st) => `statement ${st.Sid ?? "?"} allows a wildcard principal`)];
  });

export const rule: GuardrailRule = {
  id: "S3-004",
  severity: "error",
  scope: "terraform",
  rule: "No bucket policy allows a wildcard principal.",
  explanation: "Stricter than checkov's CKV_AWS_70, which accepts some conditions: lake access is granted by Lake Formation, and buckets allow named principals only. A policy that is not a literal JSON document cannot be read and fails.",
  source: ["CKV_AWS_70"],
  check: ({ stacks }) => checkNoPublicAllow(stacks),
};
