import type { GuardrailRule } from "../../types";
import { type Check, isSymmetric, KMS_KEY, perResource } from "../../terraform";

/** CKV_AWS_7, AVD-AWS-0065, AwsSolutions-KMS5. */
export const checkKeyRotation: Check = (stacks) =>
  perResource("CKV_AWS_7/AVD-AWS-0065/AwsSolutions-KMS5", stacks, KMS_KEY, (k) => (!isSymmetric(k) || k.enable_key_rotation === true ? [] : ["enable_key_rotation is not true"]));

export const rule: GuardrailRule = {
  id: "KMS-001",
  severity: "error",
  scope: "terraform",
  rule: "Every symmetric KMS key rotates yearly.",
  explanation: "Rotation limits what one key version protects; asymmetric signing keys cannot rotate and are not asked to.",
  source: ["CKV_AWS_7", "AVD-AWS-0065", "AwsSolutions-KMS5"],
  check: ({ stacks }) => checkKeyRotation(stacks),
};
