import type { GuardrailRule } from "../../types";
import { type Check, cidrsOf, isAllAddresses, otherSourcesOf, sgViolations } from "../../terraform";

/**
 * CKV_AWS_24/25/260/277, AVD-AWS-0107, AwsSolutions-EC23, read strictly: no
 * ingress from an address block ending in /0 on any port, and no ingress rule
 * without a source (which the scanners read as open).
 */
export const checkNoOpenIngress: Check = (stacks) =>
  sgViolations("CKV_AWS_24/25/260/277/AVD-AWS-0107/AwsSolutions-EC23", stacks, (r) => {
    if (r.direction !== "ingress") return [];
    const open = cidrsOf(r.rule).filter(isAllAddresses);
    if (open.length > 0) return [`admits ${open.join(", ")}`];
    return cidrsOf(r.rule).length === 0 && otherSourcesOf(r.rule).length === 0 ? ["ingress rule with no source, read as open"] : [];
  });

export const rule: GuardrailRule = {
  id: "SG-002",
  severity: "error",
  scope: "terraform",
  rule: "No ingress from 0.0.0.0/0 or ::/0.",
  explanation: "Compute and endpoints are reached from the VPC only.",
  source: ["CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260", "CKV_AWS_277", "AVD-AWS-0107", "AwsSolutions-EC23"],
  check: ({ stacks }) => checkNoOpenIngress(stacks),
};
