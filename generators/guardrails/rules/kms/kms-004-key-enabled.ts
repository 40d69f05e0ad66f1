import type { GuardrailRule } from "../../types";
import { type Check, KMS_KEY, perResource } from "../../terraform";

/** CKV_AWS_227. */
export const checkKeyEnabled: Check = (stacks) =>
  perResource("CKV_AWS_227", stacks, KMS_KEY, (k) => (k.is_enabled === undefined || k.is_enabled === true ? [] : [`is_enabled is ${String(k.is_enabled)}`]));

export const rule: GuardrailRule = {
  id: "KMS-004",
  severity: "error",
  scope: "terraform",
  rule: "No KMS key is disabled.",
  explanation: "A disabled key makes its data unreadable; disabling is an operation, not a configuration.",
  source: ["CKV_AWS_227"],
  check: ({ stacks }) => checkKeyEnabled(stacks),
};
