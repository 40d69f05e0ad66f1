import type { GuardrailRule } from "../../types";
import { attached, blocks, type Check, OWNERSHIP, perBucket } from "../../terraform";

/** CKV2_AWS_65. */
export const checkOwnership: Check = (stacks) =>
  perBucket("CKV2_AWS_65", stacks, (s, name) => {
    const oc = attached(s, OWNERSHIP, name);
    if (oc.length === 0) return ["no ownership controls are connected"];
    return oc.flatMap(([ocName, o]) => {
      const own = blocks(o.rule)[0]?.object_ownership;
      return own === "BucketOwnerEnforced" ? [] : [`${OWNERSHIP}.${ocName}: object_ownership is ${String(own)}`];
    });
  });

export const rule: GuardrailRule = {
  id: "S3-010",
  severity: "error",
  scope: "terraform",
  rule: "Every bucket has ownership controls BucketOwnerEnforced.",
  explanation: "With ACLs disabled, the bucket owner owns every object and only policies decide access.",
  source: ["CKV2_AWS_65"],
  check: ({ stacks }) => checkOwnership(stacks),
};
