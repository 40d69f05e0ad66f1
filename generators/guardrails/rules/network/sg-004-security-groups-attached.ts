import type { GuardrailRule } from "../../types";
import { type Check, escapeRe, perResource, SECURITY_GROUP } from "../../terraform";

/** CKV2_AWS_5: every security group is used by some resource of its stack. */
export const checkSecurityGroupsAttached: Check = (stacks) =>
  perResource("CKV2_AWS_5", stacks, SECURITY_GROUP, (_, s, n) => (new RegExp(`\\$\\{${SECURITY_GROUP}\\.${escapeRe(n)}\\.id\\}`).test(s.text) ? [] : ["no resource uses the group"]));

export const rule: GuardrailRule = {
  id: "SG-004",
  severity: "warning",
  scope: "terraform",
  rule: "Every security group is used by a resource of the stack.",
  explanation: "An unused group is a leftover that someone may attach later.",
  source: ["CKV2_AWS_5"],
  check: ({ stacks }) => checkSecurityGroupsAttached(stacks),
};
