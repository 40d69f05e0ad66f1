import { describe, expect, it } from "vitest";
import { DiscoveryWorkflow, type DiscoveryWorkflowProps, arrivalsPattern } from "../../../modules/orchestration/discovery-workflow";
import { policyOf, resource, resourcesOf, synthScope, type TfJson, errorOf } from "../../helpers/synth";

const ACCOUNT = "111111111111";
const WF = "sales-dev-leads";
const WF_ARN = `arn:aws:glue:eu-west-1:${ACCOUNT}:workflow/${WF}`;
const BUCKET = "acme-sales-raw-dev-111111111111-eu-west-1";

function props(over: Partial<DiscoveryWorkflowProps> = {}): DiscoveryWorkflowProps {
  return {
    workflowName: WF,
    workflowArn: WF_ARN,
    description: "Lead files",
    crawlerName: "sales-dev-leads",
    bucketName: BUCKET,
    prefixes: ["leads/", "imports/"],
    batchSize: 20,
    batchWindowSeconds: 600,
    eventsRoleName: "acme-sales-events-leads-dev-eu-west-1",
    accountId: ACCOUNT,
    ...over,
  };
}

const synth = (p: DiscoveryWorkflowProps): TfJson => synthScope((s) => void new DiscoveryWorkflow(s, "leads", p));
describe("DiscoveryWorkflow", () => {
  const tf = synth(props());

  it("is one workflow, one run at a time, started by an EVENT trigger that batches arrivals and starts the crawler", () => {
    expect(resource(tf, "aws_glue_workflow", "leads")).toMatchObject({ name: WF, max_concurrent_runs: 1 });
    expect(Object.keys(resourcesOf(tf, "aws_glue_trigger"))).toEqual(["discovery__leads"]);
    const t = resource(tf, "aws_glue_trigger", "discovery__leads");
    expect(t).toMatchObject({
      name: `${WF}-arrivals`,
      type: "EVENT",
      enabled: false,
      workflow_name: "${aws_glue_workflow.leads.name}",
      event_batching_condition: [{ batch_size: 20, batch_window: 600 }],
      actions: [{ crawler_name: "sales-dev-leads" }],
    });
  });

  it("matches object-created events of the bucket under the prefixes, sorted, and targets the workflow through its own role", () => {
    const rule = resource(tf, "aws_cloudwatch_event_rule", "discovery__leads");
    expect(rule.name).toBe(`${WF}-arrivals`);
    expect(JSON.parse(rule.event_pattern as string)).toEqual({
      source: ["aws.s3"],
      "detail-type": ["Object Created"],
      detail: { bucket: { name: [BUCKET] }, object: { key: [{ prefix: "imports/" }, { prefix: "leads/" }] } },
    });
    expect(arrivalsPattern(BUCKET, ["b/", "a/", "b/"])).toMatchObject({ detail: { object: { key: [{ prefix: "a/" }, { prefix: "b/" }] } } });
    const target = resource(tf, "aws_cloudwatch_event_target", "discovery__leads");
    expect(target).toMatchObject({ arn: WF_ARN, role_arn: "${aws_iam_role.events__leads.arn}", rule: "${aws_cloudwatch_event_rule.discovery__leads.name}" });
    expect(target.depends_on).toEqual(expect.arrayContaining(["aws_glue_workflow.leads", "aws_glue_trigger.discovery__leads", "aws_iam_role_policy.events__leads__notify-workflow"]));
  });

  it("lets EventBridge, for this account only, notify this workflow and nothing else", () => {
    const role = resource(tf, "aws_iam_role", "events__leads");
    const trust = JSON.parse(role.assume_role_policy as string).Statement;
    expect(trust).toEqual([expect.objectContaining({ Principal: { Service: "events.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } })]);
    expect(policyOf(resource(tf, "aws_iam_role_policy", "events__leads__notify-workflow")).Statement).toEqual([
      { Sid: "NotifyThisWorkflow", Effect: "Allow", Action: "glue:NotifyEvent", Resource: WF_ARN },
    ]);
  });

  it("has no backstop and no follow-up trigger unless asked", () => {
    expect(Object.keys(resourcesOf(tf, "aws_cloudwatch_event_rule"))).toEqual(["discovery__leads"]);
    expect(resourcesOf(tf, "aws_glue_trigger")["discovery__leads--then"]).toBeUndefined();
  });

  it("sends the backstop schedule to the same EVENT trigger, not a second start trigger", () => {
    const t = synth(props({ schedule: "cron(0 3 * * ? *)" }));
    expect(resource(t, "aws_cloudwatch_event_rule", "discovery__leads--schedule")).toMatchObject({ name: `${WF}-schedule`, schedule_expression: "cron(0 3 * * ? *)" });
    expect(resource(t, "aws_cloudwatch_event_target", "discovery__leads--schedule")).toMatchObject({ arn: WF_ARN, role_arn: "${aws_iam_role.events__leads.arn}" });
    expect(Object.values(resourcesOf(t, "aws_glue_trigger")).filter((x) => x.type !== "CONDITIONAL")).toHaveLength(1);
  });

  it("runs the follow-up jobs in the workflow when the crawl succeeds", () => {
    const t = synth(props({ thenJobs: ["sales-dev-load-leads", "sales-dev-score-leads"] }));
    expect(resource(t, "aws_glue_trigger", "discovery__leads--then")).toMatchObject({
      name: `${WF}-then`,
      type: "CONDITIONAL",
      start_on_creation: true,
      workflow_name: "${aws_glue_workflow.leads.name}",
      predicate: { logical: "AND", conditions: [{ crawler_name: "sales-dev-leads", crawl_state: "SUCCEEDED", logical_operator: "EQUALS" }] },
      actions: [{ job_name: "sales-dev-load-leads" }, { job_name: "sales-dev-score-leads" }],
    });
  });

  it("fails when the batch is outside Glue's limits", () => {
    const msg = errorOf(() => synth(props({ batchSize: 101, batchWindowSeconds: 901 })));
    expect(msg).toMatch(/batchSize 101 is not a whole number from 1 to 100/);
    expect(msg).toMatch(/batchWindowSeconds 901 is not a whole number from 1 to 900/);
  });

  it("fails when there are no prefixes: every object of the bucket would start a crawl", () => {
    expect(errorOf(() => synth(props({ prefixes: [] })))).toMatch(/prefixes is empty/);
  });

  it("fails when the ARN names another workflow", () => {
    expect(errorOf(() => synth(props({ workflowArn: `arn:aws:glue:eu-west-1:${ACCOUNT}:workflow/other` })))).toMatch(/names workflow "other"/);
  });

  it("fails when the schedule is a rate or a five-field cron", () => {
    expect(errorOf(() => synth(props({ schedule: "rate(1 hour)" })))).toMatch(/not an AWS cron expression/);
    expect(errorOf(() => synth(props({ schedule: "cron(0 3 * * ?)" })))).toMatch(/not an AWS cron expression/);
  });

  it("fails when the workflow name leaves no room for the rule suffixes", () => {
    expect(errorOf(() => synth(props({ workflowName: "w".repeat(56), workflowArn: `arn:aws:glue:eu-west-1:${ACCOUNT}:workflow/${"w".repeat(56)}` })))).toMatch(/must be 1-55/);
  });
});
