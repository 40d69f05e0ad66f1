import type { GuardrailRule } from "../../types";
import { type Check, isWildcardPrincipal, list, LOCKOUT_ACTIONS, perResource, POLICY, policyProblems } from "../../terraform";

/** CKV_AWS_93: no unconditioned Deny to everyone that would lock the account out of the bucket. */
export const checkNoLockoutDeny: Check = (stacks) =>
  perResource("CKV_AWS_93", stacks, POLICY, (p) => {
    const { statements, problems } = policyProblems(p);
    return [
      ...problems,
      ...statements
        .filter((st) => st.Effect === "Deny" && isWildcardPrincipal(st.Principal) && list(st.Action).some((a) => LOCKOUT_ACTIONS.includes(a as string)) && Object.keys(st.Condition ?? {}).length === 0)
        .map((st) => `statement ${st.Sid ?? "?"} denies ${JSON.stringify(st.Action)} to everyone without a condition`),
    ];
  });

export const rule: GuardrailRule = {
  id: "S3-005",
  severity: "error",
  scope: "terraform",
  rule: "No bucket policy denies everyone bucket or policy changes without a condition.",
  explanation: "An unconditioned Deny of s3:*, s3:Put* or s3:PutBucketPolicy to * locks the account out of its own bucket; the guards Lakeform writes all carry conditions.",
  source: ["CKV_AWS_93"],
  check: ({ stacks }) => checkNoLockoutDeny(stacks),
};
