import type { GuardrailRule } from "../../types";
import { blocks, BUCKET, type Check, entries, iamDocuments, type Json, lakeBuckets, list, providerOf, refersTo, refName, ROLE, servicesOf, statementsOf, violation, type Violation } from "../../terraform";

/**
 * EventBridge → Glue workflow: every target that is a workflow names a role
 * of the stack that only events.amazonaws.com assumes and whose policies
 * allow glue:NotifyEvent on that workflow and nothing else; every workflow is
 * started by an EVENT trigger with a batching condition, one run at a time,
 * and its arrivals rule matches object-created events of one lake bucket of
 * the stack under literal prefixes.
 */
export const checkWorkflowTargets: Check = (stacks) =>
  stacks.flatMap((s) => {
    const out: Violation[] = [];
    const flag = (address: string, message: string) => void out.push(violation("eventbridge-workflows", s.name, address, message));
    const { account, region, partition } = providerOf(s);
    for (const [n, t] of entries(s, "aws_cloudwatch_event_target")) {
      const m = /^arn:([\w-]+):glue:([\w-]+):(\d{12}):workflow\/(.+)$/.exec(String(t.arn));
      if (!m) continue;
      const at = `aws_cloudwatch_event_target.${n}`;
      if (m[1] !== partition || m[2] !== region || m[3] !== account) flag(at, `targets a workflow of another account or Region: ${String(t.arn)}`);
      if (!entries(s, "aws_glue_workflow").some(([, w]) => w.name === m[4])) flag(at, `targets ${m[4]}, no workflow of the stack`);
      const role = refName(t.role_arn, ROLE);
      if (!role) {
        flag(at, "names no role of the stack");
        continue;
      }
      const trust = statementsOf(s.json.resource?.[ROLE]?.[role]?.assume_role_policy) ?? [];
      if (!trust.every((st) => JSON.stringify(servicesOf(st.Principal)) === JSON.stringify(["events.amazonaws.com"]))) flag(at, `its role ${role} is assumed by others than EventBridge`);
      for (const d of iamDocuments(s).filter((x) => x.role === role)) {
        for (const st of statementsOf(d.policy) ?? []) {
          if (st.Effect !== "Allow") continue;
          if (JSON.stringify(list(st.Action)) !== JSON.stringify(["glue:NotifyEvent"]) || JSON.stringify(list(st.Resource)) !== JSON.stringify([t.arn])) {
            flag(d.address, `statement ${st.Sid ?? "?"} allows ${JSON.stringify(st.Action)} on ${JSON.stringify(st.Resource)}, not glue:NotifyEvent on ${String(t.arn)} alone`);
          }
        }
      }
    }
    for (const [n, w] of entries(s, "aws_glue_workflow")) {
      const at = `aws_glue_workflow.${n}`;
      if (w.max_concurrent_runs !== 1) flag(at, "runs more than once at a time");
      const starts = entries(s, "aws_glue_trigger").filter(([, t]) => refersTo(t.workflow_name, "aws_glue_workflow", n) && t.type !== "CONDITIONAL");
      if (starts.length !== 1 || starts[0]![1].type !== "EVENT" || blocks(starts[0]![1].event_batching_condition).length !== 1) flag(at, "is not started by exactly one EVENT trigger with a batching condition");
    }
    // A DR compute stack's arrivals come from the DR zone buckets, which the always-on DR storage holds (companions).
    const lake = [...lakeBuckets(s).map(([b]) => s.json.resource?.[BUCKET]?.[b]?.bucket), ...(s.companions?.zones.map((z) => z.bucket) ?? [])];
    for (const [n, r] of entries(s, "aws_cloudwatch_event_rule")) {
      if (typeof r.event_pattern !== "string" || !r.event_pattern.includes('"aws.s3"')) continue;
      const p = JSON.parse(r.event_pattern) as { "detail-type"?: unknown; detail?: { bucket?: { name?: unknown }; object?: { key?: unknown } } };
      const at = `aws_cloudwatch_event_rule.${n}`;
      if (JSON.stringify(p["detail-type"]) !== JSON.stringify(["Object Created"])) flag(at, "matches other S3 events than Object Created");
      const names = list(p.detail?.bucket?.name);
      if (names.length !== 1 || !lake.includes(names[0] as string)) flag(at, `matches buckets ${JSON.stringify(names)}, not one lake bucket of the stack`);
      const keys = list(p.detail?.object?.key);
      if (keys.length === 0 || !keys.every((k) => typeof (k as Json).prefix === "string" && /^([^*/]+\/)+$/.test((k as Json).prefix as string))) flag(at, "does not limit the keys to literal prefixes");
    }
    return out;
  });

export const rule: GuardrailRule = {
  id: "GLUE-006",
  severity: "error",
  scope: "terraform",
  rule: "EventBridge starts Glue workflows through a role allowed glue:NotifyEvent on that workflow alone, for object-created events of one lake bucket under prefixes.",
  explanation: "Arrival-driven discovery must not become a way to start other workflows or react to other buckets.",
  source: ["custom"],
  check: ({ stacks }) => checkWorkflowTargets(stacks),
};
