import type { GuardrailRule } from "../../types";
import { ATTACHMENTS_EXCLUSIVE, type Check, list, MANAGED_ATTACHMENTS, perResource, ROLE } from "../../terraform";

/** (e) AwsSolutions-IAM4 / CKV_AWS_274: no managed policy on any role, user or group, AWS-managed or not. */
export const checkNoManagedPolicies: Check = (stacks) => [
  ...perResource("AwsSolutions-IAM4/CKV_AWS_274", stacks, ROLE, (r) => (list(r.managed_policy_arns).length > 0 ? [`managed_policy_arns ${JSON.stringify(r.managed_policy_arns)}`] : [])),
  ...MANAGED_ATTACHMENTS.flatMap((type) => perResource("AwsSolutions-IAM4/CKV_AWS_274", stacks, type, (r) => [`attaches managed policy ${String(r.policy_arn)}`])),
  ...perResource("AwsSolutions-IAM4/CKV_AWS_274", stacks, ATTACHMENTS_EXCLUSIVE, (r) => (list(r.policy_arns).length > 0 ? [`policy_arns ${JSON.stringify(r.policy_arns)}`] : [])),
];

export const rule: GuardrailRule = {
  id: "IAM-004",
  severity: "error",
  scope: "terraform",
  rule: "No role, user or group has a managed policy attached, AWS-managed or customer-managed.",
  explanation: "AWS managed policies grant far more than a job needs and change without review; a standalone policy can be attached to anyone. Every role carries its own inline policies.",
  source: ["AwsSolutions-IAM4", "CKV_AWS_274"],
  check: ({ stacks }) => checkNoManagedPolicies(stacks),
};
