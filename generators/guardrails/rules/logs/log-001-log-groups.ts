import type { GuardrailRule } from "../../types";
import { type Check, cmkProblems, KMS_KEY, LOG_GROUP, perResource, providerOf, refName, servicesOf, statementsOf } from "../../terraform";

/**
 * CKV_AWS_158 (a CMK, here one of the stack whose policy lets CloudWatch
 * Logs use it, or creating the group fails), CKV_AWS_66 (a retention) and
 * CKV_AWS_338 (at least a year; checkov also passes 0, never expire, which
 * the log-group module does not offer).
 */
export const checkLogGroups: Check = (stacks) =>
  perResource("CKV_AWS_158/CKV_AWS_66/CKV_AWS_338", stacks, LOG_GROUP, (g, s) => {
    const out = cmkProblems(s, "kms_key_id", g.kms_key_id);
    const key = refName(g.kms_key_id, KMS_KEY);
    const { region } = providerOf(s);
    const keyStatements = key ? statementsOf(s.json.resource?.[KMS_KEY]?.[key]?.policy) ?? [] : [];
    if (key && out.length === 0 && !keyStatements.some((st) => st.Effect === "Allow" && servicesOf(st.Principal).includes(`logs.${region}.amazonaws.com`))) {
      out.push(`${KMS_KEY}.${key} does not let logs.${region}.amazonaws.com use it`);
    }
    const days = g.retention_in_days;
    if (days === undefined || days === null) out.push("retention_in_days is not set (CKV_AWS_66)");
    else if (typeof days !== "number" || !Number.isInteger(days) || days < 365) out.push(`retention_in_days is ${String(days)}, less than a year (CKV_AWS_338)`);
    return out;
  });

export const rule: GuardrailRule = {
  id: "LOG-001",
  severity: "error",
  scope: "terraform",
  rule: "Every log group is encrypted with a CMK of the stack and kept at least a year.",
  explanation: "Job logs can hold data values; they stay under a key and long enough for audits.",
  source: ["CKV_AWS_158", "AVD-AWS-0017", "CKV_AWS_66", "CKV_AWS_338", "NIST.800.53.R5-CloudWatchLogGroupEncrypted", "NIST.800.53.R5-CloudWatchLogGroupRetentionPeriod"],
  check: ({ stacks }) => checkLogGroups(stacks),
};
