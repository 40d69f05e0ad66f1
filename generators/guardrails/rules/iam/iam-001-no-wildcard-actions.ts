import type { GuardrailRule } from "../../types";
import { type Check, iamStatements, list } from "../../terraform";

/**
 * (e) CKV_AWS_62/63/49 (no Action `*`), NIST IAMPolicyNoStatementsWithFullAccess
 * and AVD-AWS-0345 (no `<service>:*`), and AwsSolutions-IAM5 read strictly on
 * actions (no wildcard in any allowed action) and on NotAction.
 */
export const checkIamActions: Check = (stacks) =>
  iamStatements("CKV_AWS_62/63/49/IAMPolicyNoStatementsWithFullAccess/AVD-AWS-0345/AwsSolutions-IAM5", stacks, (st) => {
    if (st.Effect !== "Allow") return [];
    const out: string[] = [];
    if (st.NotAction !== undefined) out.push("Allow with NotAction grants every other action");
    for (const a of list(st.Action).map(String)) {
      if (a === "*") out.push('Action "*" (CKV_AWS_62/63/49)');
      else if (/^[\w-]+:\*$/.test(a)) out.push(`Action "${a}" grants a whole service`);
      else if (a.includes("*") || a.includes("?")) out.push(`Action "${a}" has a wildcard (AwsSolutions-IAM5)`);
    }
    return out;
  });

export const rule: GuardrailRule = {
  id: "IAM-001",
  severity: "error",
  scope: "terraform",
  rule: "No Allow statement has Action *, a whole service, a wildcard action or NotAction.",
  explanation: "Least privilege is written action by action.",
  source: ["CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_49", "NIST.800.53.R5-IAMPolicyNoStatementsWithFullAccess", "AVD-AWS-0345", "AwsSolutions-IAM5"],
  check: ({ stacks }) => checkIamActions(stacks),
};
