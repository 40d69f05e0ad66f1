import type { GuardrailRule } from "../../types";
import { type Check, entries, KMS_KEY, perResource, refersTo } from "../../terraform";

/** CKV2_AWS_64: a key policy is set inline or by a connected aws_kms_key_policy. */
export const checkKeyPolicySet: Check = (stacks) =>
  perResource("CKV2_AWS_64", stacks, KMS_KEY, (k, s, name) => {
    const inline = typeof k.policy === "string" && k.policy.trim() !== "";
    const separate = entries(s, "aws_kms_key_policy").some(([, p]) => refersTo(p.key_id, KMS_KEY, name));
    return inline || separate ? [] : ["no key policy"];
  });

export const rule: GuardrailRule = {
  id: "KMS-003",
  severity: "error",
  scope: "terraform",
  rule: "Every KMS key has an explicit policy.",
  explanation: "The default key policy delegates everything to IAM; Lakeform writes each key's policy.",
  source: ["CKV2_AWS_64"],
  check: ({ stacks }) => checkKeyPolicySet(stacks),
};
