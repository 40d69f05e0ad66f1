import type { GuardrailRule } from "../../types";
import { blocks, type Check, cmkProblems, KMS_KEY, list, MWAA, perResource, refName, SECURITY_GROUP } from "../../terraform";

/**
 * Custom (security-rules.md: no upstream rule covers aws_mwaa_environment.kms_key):
 * the environment encrypts with a key of the stack, not an AWS-owned one, and
 * runs in two subnets behind security groups of the stack only.
 */
export const checkMwaaKeyAndNetwork: Check = (stacks) =>
  perResource("mwaa-cmk-network", stacks, MWAA, (e, s) => {
    const out = cmkProblems(s, "kms_key", e.kms_key);
    if (out.length === 0 && !refName(e.kms_key, KMS_KEY)) out.push(`kms_key ${String(e.kms_key)} is not a key of the stack`);
    const net = blocks(e.network_configuration)[0];
    const groups = list(net?.security_group_ids);
    if (groups.length === 0) out.push("no security group");
    for (const g of groups) if (!s.json.resource?.[SECURITY_GROUP]?.[refName(g, SECURITY_GROUP) ?? ""]) out.push(`security group ${String(g)} is not one of the stack`);
    if (list(net?.subnet_ids).length !== 2) out.push(`${list(net?.subnet_ids).length} subnets; MWAA runs in exactly two private subnets`);
    return out;
  });

export const rule: GuardrailRule = {
  id: "MWAA-004",
  severity: "error",
  scope: "terraform",
  rule: "MWAA uses a customer-managed key of its stack, two private subnets and the stack's security groups.",
  explanation: "No upstream rule checks MWAA's key; security-rules.md asks for a custom rule.",
  source: ["custom"],
  check: ({ stacks }) => checkMwaaKeyAndNetwork(stacks),
};
