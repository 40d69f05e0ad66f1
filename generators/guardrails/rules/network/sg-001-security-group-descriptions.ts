import type { GuardrailRule } from "../../types";
import { type Check, nonEmpty, perResource, SECURITY_GROUP, sgViolations } from "../../terraform";

/** CKV_AWS_23, AVD-AWS-0099/0124, AwsSolutions-EC27: every group and every rule says what it is for. */
export const checkSecurityGroupDescriptions: Check = (stacks) => [
  ...perResource("CKV_AWS_23/AVD-AWS-0099", stacks, SECURITY_GROUP, (g) =>
    !nonEmpty(g.description) ? ["description is empty"] : g.description === "Managed by Terraform" ? ['description is the default "Managed by Terraform"'] : [],
  ),
  ...sgViolations("CKV_AWS_23/AVD-AWS-0124/AwsSolutions-EC27", stacks, (r) => (nonEmpty(r.rule.description) ? [] : ["rule has no description"])),
];

export const rule: GuardrailRule = {
  id: "SG-001",
  severity: "warning",
  scope: "terraform",
  rule: "Every security group and rule has a description.",
  explanation: "Descriptions say why a path is open.",
  source: ["CKV_AWS_23", "AVD-AWS-0099", "AVD-AWS-0124", "AwsSolutions-EC27"],
  check: ({ stacks }) => checkSecurityGroupDescriptions(stacks),
};
