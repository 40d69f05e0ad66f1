import type { GuardrailRule } from "../../types";
import { blocks, type Check, cmkProblems, LOG_GROUP, perResource, refName, STATE_MACHINE } from "../../terraform";

/**
 * CKV_AWS_285, AwsSolutions-SF1, CKV_AWS_284, AwsSolutions-SF2, and the
 * custom rule security-rules.md asks for (no upstream rule reads
 * `encryption_configuration`): every state machine logs ALL events with
 * execution data to a log group of the stack, traces with X-Ray, and
 * encrypts its definition and history under a customer-managed key of the
 * stack; its log group is under /aws/vendedlogs/states/.
 */
export const checkStateMachines: Check = (stacks) =>
  perResource("CKV_AWS_284/285/AwsSolutions-SF1/SF2/sfn-cmk", stacks, STATE_MACHINE, (m, s) => {
    const out: string[] = [];
    const logging = blocks(m.logging_configuration)[0];
    if (logging?.level !== "ALL") out.push(`logging level is ${String(logging?.level)}, not ALL (AwsSolutions-SF1)`);
    if (logging?.include_execution_data !== true) out.push("execution data is not logged (CKV_AWS_285)");
    const group = refName(logging?.log_destination, LOG_GROUP);
    const g = group ? s.json.resource?.[LOG_GROUP]?.[group] : undefined;
    if (!g || logging?.log_destination !== `\${${LOG_GROUP}.${group}.arn}:*`) out.push(`log destination ${String(logging?.log_destination)} is not the streams of a log group of the stack`);
    else if (typeof g.name !== "string" || !g.name.startsWith("/aws/vendedlogs/states/")) out.push(`log group ${String(g.name)} is not under /aws/vendedlogs/states/`);
    if (blocks(m.tracing_configuration)[0]?.enabled !== true) out.push("X-Ray tracing is off (CKV_AWS_284, AwsSolutions-SF2)");
    const enc = blocks(m.encryption_configuration)[0];
    if (enc?.type !== "CUSTOMER_MANAGED_KMS_KEY") out.push(`encryption is ${String(enc?.type)}, not a customer-managed key`);
    else out.push(...cmkProblems(s, "encryption_configuration.kms_key_id", enc.kms_key_id));
    return out;
  });

export const rule: GuardrailRule = {
  id: "SFN-001",
  severity: "error",
  scope: "terraform",
  rule: "State machines log ALL events with execution data, trace with X-Ray, and encrypt under a CMK.",
  explanation: "The state machine is the only record of a transient cluster's life.",
  source: ["CKV_AWS_284", "CKV_AWS_285", "AwsSolutions-SF1", "AwsSolutions-SF2", "custom"],
  check: ({ stacks }) => checkStateMachines(stacks),
};
