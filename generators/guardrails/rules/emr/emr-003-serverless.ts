import type { GuardrailRule } from "../../types";
import { blocks, type Check, EMR_SERVERLESS, list, nonEmpty, perResource, refName, SECURITY_GROUP } from "../../terraform";

/**
 * EMR Serverless has no upstream rule; the custom one: workers only in the
 * VPC behind security groups of the stack, auto-stop on, a maximum capacity,
 * and no interactive endpoints (EMR Studio, Livy).
 */
export const checkEmrServerless: Check = (stacks) =>
  perResource("emr-serverless", stacks, EMR_SERVERLESS, (a, s) => {
    const out: string[] = [];
    const net = blocks(a.network_configuration)[0];
    if (!net || list(net.subnet_ids).length === 0) out.push("not in the VPC: no network_configuration.subnet_ids");
    const groups = list(net?.security_group_ids);
    if (groups.length === 0) out.push("no security group");
    for (const g of groups) if (!refName(g, SECURITY_GROUP) || !s.json.resource?.[SECURITY_GROUP]?.[refName(g, SECURITY_GROUP)!]) out.push(`security group ${String(g)} is not one of the stack`);
    if (blocks(a.auto_stop_configuration)[0]?.enabled !== true) out.push("auto-stop is not on");
    const max = blocks(a.maximum_capacity)[0];
    if (!nonEmpty(max?.cpu) || !nonEmpty(max?.memory)) out.push("no maximum capacity (cpu and memory)");
    const interactive = blocks(a.interactive_configuration)[0];
    if (interactive?.livy_endpoint_enabled !== false || interactive?.studio_enabled !== false) out.push("interactive endpoints (Livy, EMR Studio) are not off");
    return out;
  });

export const rule: GuardrailRule = {
  id: "EMR-003",
  severity: "error",
  scope: "terraform",
  rule: "EMR Serverless applications run in the VPC, capped, auto-stopping, with no interactive endpoints.",
  explanation: "No upstream rule covers EMR Serverless; these are the properties that keep it private and bounded.",
  source: ["custom"],
  check: ({ stacks }) => checkEmrServerless(stacks),
};
