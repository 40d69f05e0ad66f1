import type { GuardrailRule } from "../../types";
import { type Check, GLUE_JOB, iamDocuments, type Json, list, perResource, refName, ROLE, statementsOf } from "../../terraform";

/**
 * Glue jobs that publish metrics (`--enable-metrics`, `--enable-observability-metrics`)
 * do so with their role's credentials: the role must allow
 * cloudwatch:PutMetricData in the `Glue` namespace, or the metrics — and
 * alarms on them — silently never exist. The action has no resource type:
 * `*`, held to that namespace.
 */
export const checkGlueJobMetrics: Check = (stacks) =>
  perResource("Glue job metrics published", stacks, GLUE_JOB, (j, s) => {
    const args = { ...(j.default_arguments as Json | undefined), ...(j.non_overridable_arguments as Json | undefined) };
    const publishes = ["--enable-metrics", "--enable-observability-metrics"].filter((a) => args[a] === "true");
    if (publishes.length === 0) return [];
    const role = refName(j.role_arn, ROLE);
    const allowed = iamDocuments(s)
      .filter((d) => d.kind === "role" && d.role === role)
      .flatMap((d) => statementsOf(d.policy) ?? [])
      .some((st) => {
        if (st.Effect !== "Allow" || !list(st.Action).some((a) => String(a).toLowerCase() === "cloudwatch:putmetricdata") || !list(st.Resource).includes("*")) return false;
        const ns = st.Condition?.StringEquals?.["cloudwatch:namespace"];
        return st.Condition === undefined || list(ns).includes("Glue");
      });
    return allowed ? [] : [`${publishes.join(" and ")} on, but its role ${String(j.role_arn)} may not put metric data in the Glue namespace: the metrics are dropped`];
  });

export const rule: GuardrailRule = {
  id: "GLUE-007",
  severity: "error",
  scope: "terraform",
  rule: "A Glue job that publishes metrics has a role allowed cloudwatch:PutMetricData in the Glue namespace.",
  explanation:
    "Glue publishes a job's metrics with the job role's credentials: without the permission the metrics, and the alarms on them, silently never exist. The action has no resource type, so the statement is on * held to the Glue namespace (one of the documented unscopable actions).",
  source: ["custom"],
  check: ({ stacks }) => checkGlueJobMetrics(stacks),
};
