import type { GuardrailRule } from "../../types";
import { attached, type Check, PAB, perBucket } from "../../terraform";

/** CKV2_AWS_6, CKV_AWS_53/54/55/56, AVD-AWS-0086/0087/0091/0093/0094, AwsSolutions-S2. */
export const checkPublicAccessBlock: Check = (stacks) =>
  perBucket("CKV2_AWS_6/CKV_AWS_53-56/AVD-AWS-0086-0094", stacks, (s, name) => {
    const pabs = attached(s, PAB, name);
    if (pabs.length === 0) return ["no public access block is connected"];
    return pabs.flatMap(([pabName, p]) =>
      ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"].filter((f) => p[f] !== true).map((f) => `${PAB}.${pabName}: ${f} is not true`),
    );
  });

export const rule: GuardrailRule = {
  id: "S3-002",
  severity: "error",
  scope: "terraform",
  rule: "Every bucket has a connected public access block with all four flags true.",
  explanation: "Block Public Access stops a later ACL or policy change from exposing the bucket; checkov and trivy need the block connected to the bucket by reference.",
  source: ["CKV2_AWS_6", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "AVD-AWS-0086", "AVD-AWS-0087", "AVD-AWS-0091", "AVD-AWS-0093", "AVD-AWS-0094", "AwsSolutions-S2"],
  check: ({ stacks }) => checkPublicAccessBlock(stacks),
};
