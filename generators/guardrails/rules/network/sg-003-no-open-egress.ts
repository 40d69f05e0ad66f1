import type { GuardrailRule } from "../../types";
import { type Check, cidrsOf, isAllAddresses, sgViolations } from "../../terraform";

/** CKV_AWS_382, AVD-AWS-0104 (the stricter): no egress to an address block ending in /0, on any protocol. */
export const checkNoOpenEgress: Check = (stacks) =>
  sgViolations("CKV_AWS_382/AVD-AWS-0104", stacks, (r) => {
    if (r.direction !== "egress") return [];
    const open = cidrsOf(r.rule).filter(isAllAddresses);
    return open.length > 0 ? [`lets out to ${open.join(", ")}`] : [];
  });

export const rule: GuardrailRule = {
  id: "SG-003",
  severity: "error",
  scope: "terraform",
  rule: "No egress to 0.0.0.0/0 or ::/0.",
  explanation: "Jobs reach AWS through VPC endpoints and S3 through its prefix list; an open egress would let data leave.",
  source: ["CKV_AWS_382", "AVD-AWS-0104"],
  check: ({ stacks }) => checkNoOpenEgress(stacks),
};
