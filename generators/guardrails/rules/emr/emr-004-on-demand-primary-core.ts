import type { GuardrailRule } from "../../types";
import { type Check, type Json, perResource } from "../../terraform";

const STATE_MACHINE = "aws_sfn_state_machine";

/** Every `Instances` object of a definition that declares instance fleets or groups (createCluster parameters). */
function clusterInstances(x: unknown, out: Json[] = []): Json[] {
  if (Array.isArray(x)) for (const v of x) clusterInstances(v, out);
  else if (typeof x === "object" && x !== null) {
    const o = x as Json;
    if (o.InstanceFleets !== undefined || o.InstanceGroups !== undefined) out.push(o);
    for (const v of Object.values(o)) clusterInstances(v, out);
  }
  return out;
}

/**
 * A transient cluster's primary and core nodes are On-Demand: losing the
 * primary loses the cluster, losing a core node loses HDFS blocks and the
 * job. Read from the state machine's createCluster parameters, which is what
 * reaches EMR. Spot belongs to task nodes.
 */
export const checkOnDemandPrimaryCore: Check = (stacks) =>
  perResource("emr-on-demand-primary-core", stacks, STATE_MACHINE, (m) => {
    let definition: unknown;
    try {
      definition = JSON.parse(String(m.definition));
    } catch {
      return String(m.definition).includes("elasticmapreduce:createCluster") ? ["definition is not a literal JSON document (UNKNOWN), so its cluster cannot be read"] : [];
    }
    const out: string[] = [];
    for (const inst of clusterInstances(definition)) {
      for (const f of Array.isArray(inst.InstanceFleets) ? (inst.InstanceFleets as Json[]) : []) {
        if (f.InstanceFleetType !== "MASTER" && f.InstanceFleetType !== "CORE") continue;
        if (f.TargetSpotCapacity !== undefined && f.TargetSpotCapacity !== 0) out.push(`${String(f.InstanceFleetType)} fleet ${String(f.Name)} asks for ${String(f.TargetSpotCapacity)} Spot units`);
        if (typeof f.TargetOnDemandCapacity !== "number" || f.TargetOnDemandCapacity < 1) out.push(`${String(f.InstanceFleetType)} fleet ${String(f.Name)} has no On-Demand capacity`);
      }
      for (const g of Array.isArray(inst.InstanceGroups) ? (inst.InstanceGroups as Json[]) : []) {
        if ((g.InstanceRole === "MASTER" || g.InstanceRole === "CORE") && g.Market !== "ON_DEMAND") out.push(`${String(g.InstanceRole)} group ${String(g.Name)} runs on ${String(g.Market ?? "an unset market")}, not ON_DEMAND`);
      }
    }
    return out;
  });

export const rule: GuardrailRule = {
  id: "EMR-004",
  severity: "error",
  scope: "terraform",
  rule: "Transient EMR clusters run their primary and core nodes On-Demand; Spot only for task nodes.",
  explanation: "A Spot interruption of the primary ends the cluster, of a core node loses HDFS data and shuffle: the run fails and is paid twice. Task nodes hold no state, so Spot is safe there.",
  source: ["custom"],
  check: ({ stacks }) => checkOnDemandPrimaryCore(stacks),
};
