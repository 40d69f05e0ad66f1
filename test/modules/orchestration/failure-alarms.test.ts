import { describe, expect, it } from "vitest";
import { FailureAlarms, alarmsKeyStatements } from "../../../modules/orchestration/failure-alarms";
import { policyOf, resource, resourcesOf, synthScope } from "../../helpers/synth";

const KEY = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000";
const props = (over: Record<string, unknown> = {}) => ({
  topicName: "acme-cdr-dev-alerts",
  email: "telco-data@acme.example",
  kmsKeyArn: KEY,
  accountId: "111111111111",
  region: "eu-west-1",
  partition: "aws",
  sources: [
    { name: "glue-jobs", description: "g", pattern: { source: ["aws.glue"], "detail-type": ["Glue Job State Change"], detail: { jobName: ["j"], state: ["FAILED"] } } },
    { name: "emr-serverless-jobs", description: "e", pattern: { source: ["aws.emr-serverless"] } },
  ],
  ...over,
});
const synth = (over: Record<string, unknown> = {}) => synthScope((s) => void new FailureAlarms(s, "alerts", props(over) as never));

describe("FailureAlarms", () => {
  it("encrypts the topic with the given key and emails the owner", () => {
    const tf = synth();
    expect(resource(tf, "aws_sns_topic", "alerts")).toMatchObject({ name: "acme-cdr-dev-alerts", kms_master_key_id: KEY });
    expect(resource(tf, "aws_sns_topic_subscription", "alerts")).toMatchObject({ protocol: "email", endpoint: "telco-data@acme.example" });
  });

  it("lets only its own rules publish, only over TLS", () => {
    const p = policyOf(resource(synth(), "aws_sns_topic_policy", "alerts"));
    expect(p.Statement.map((s) => [s.Sid, s.Effect])).toEqual([
      ["DenyInsecureTransport", "Deny"],
      ["AllowFailureRules", "Allow"],
    ]);
    expect(p.Statement[1]!.Principal).toEqual({ Service: "events.amazonaws.com" });
    expect(p.Statement[1]!.Condition).toEqual({
      ArnEquals: {
        "aws:SourceArn": [
          "arn:aws:events:eu-west-1:111111111111:rule/acme-cdr-dev-alerts-emr-serverless-jobs",
          "arn:aws:events:eu-west-1:111111111111:rule/acme-cdr-dev-alerts-glue-jobs",
        ],
      },
    });
  });

  it("has one rule and target per source, sorted, with the pattern as given", () => {
    const tf = synth();
    expect(Object.keys(resourcesOf(tf, "aws_cloudwatch_event_rule"))).toEqual(["alerts--emr-serverless-jobs", "alerts--glue-jobs"]);
    const rule = resource(tf, "aws_cloudwatch_event_rule", "alerts--glue-jobs");
    expect(JSON.parse(rule.event_pattern as string)).toEqual({ source: ["aws.glue"], "detail-type": ["Glue Job State Change"], detail: { jobName: ["j"], state: ["FAILED"] } });
    expect(resource(tf, "aws_cloudwatch_event_target", "alerts--glue-jobs")).toMatchObject({ rule: "${aws_cloudwatch_event_rule.alerts--glue-jobs.name}", arn: "${aws_sns_topic.alerts.arn}" });
  });

  it("fails when there is nothing to alarm on, the email is malformed or a source repeats", () => {
    expect(() => synth({ sources: [] })).toThrow("no failure sources");
    expect(() => synth({ email: "nobody" })).toThrow('"nobody" is not an email address');
    const s = props().sources[0]!;
    expect(() => synth({ sources: [s, s] })).toThrow('source "glue-jobs" appears twice');
  });

  it("gives EventBridge use of the key for this account only", () => {
    expect(alarmsKeyStatements("111111111111")).toEqual([
      {
        Sid: "AllowEventBridgeToPublishEncrypted",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
      },
    ]);
  });
});
