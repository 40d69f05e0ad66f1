import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { type PolicyStatement, denyInsecureTransport, policyDocument, renderPolicy } from "../identity/policy-document";

/** One EventBridge pattern that means "a run failed", with a stable name. */
export interface FailureSource {
  /** Rule name suffix and Terraform name part, e.g. `glue-jobs`. */
  readonly name: string;
  readonly description: string;
  /** The event pattern (source, detail-type, detail), as EventBridge takes it. */
  readonly pattern: Readonly<Record<string, unknown>>;
}

export interface FailureAlarmsProps {
  /** Terraform resource name stem. @default - the construct id */
  readonly terraformName?: string;
  /** Topic name; rule names are `<topicName>-<source>`. */
  readonly topicName: string;
  /** Who is told: an email subscription (confirmed by its owner). */
  readonly email: string;
  /** Customer-managed key of the topic; its policy must let EventBridge use it (see alarmsKeyStatements). */
  readonly kmsKeyArn: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly sources: readonly FailureSource[];
}

export const ruleArn = (p: { partition: string; region: string; accountId: string }, name: string) =>
  `arn:${p.partition}:events:${p.region}:${p.accountId}:rule/${name}`;

/** Key-policy statement that lets EventBridge publish to topics encrypted with the key. */
export function alarmsKeyStatements(accountId: string): PolicyStatement[] {
  return [
    {
      Sid: "AllowEventBridgeToPublishEncrypted",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    },
  ];
}

/**
 * Failure alarms: EventBridge rules matching failed runs (jobs, state
 * machines, quality checks) publish to a KMS-encrypted SNS topic with an
 * email subscription. The topic accepts only these rules, only over TLS.
 *
 * Terraform addresses: `aws_sns_topic.<name>`, `aws_sns_topic_policy.<name>`,
 * `aws_sns_topic_subscription.<name>`, and per source
 * `aws_cloudwatch_event_rule.<name>--<source>` with its target.
 */
export class FailureAlarms extends Construct {
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: FailureAlarmsProps) {
    super(scope, id);
    const name = props.terraformName ?? id;
    const problems: string[] = [];
    if (props.sources.length === 0) problems.push("no failure sources: an alarm topic nobody publishes to");
    if (!/^[A-Za-z0-9_-]{1,200}$/.test(props.topicName)) problems.push(`topic name "${props.topicName}" must be 1-200 letters, digits, _ or -`);
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.email)) problems.push(`"${props.email}" is not an email address`);
    const seen = new Set<string>();
    for (const s of props.sources) {
      if (seen.has(s.name)) problems.push(`source "${s.name}" appears twice`);
      seen.add(s.name);
    }
    if (problems.length > 0) throw new Error(`FailureAlarms ${name}: ${problems.join("; ")}`);

    const topicArn = `arn:${props.partition}:sns:${props.region}:${props.accountId}:${props.topicName}`;
    const sources = [...props.sources].sort((a, b) => (a.name < b.name ? -1 : 1));
    this.topic = new SnsTopic(this, "topic", { name: props.topicName, kmsMasterKeyId: props.kmsKeyArn });
    this.topic.overrideLogicalId(name);
    new SnsTopicPolicy(this, "policy", {
      arn: this.topic.arn,
      policy: renderPolicy(
        policyDocument([
          denyInsecureTransport("sns:Publish", topicArn),
          {
            Sid: "AllowFailureRules",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sns:Publish",
            Resource: topicArn,
            Condition: { ArnEquals: { "aws:SourceArn": sources.map((s) => ruleArn(props, `${props.topicName}-${s.name}`)) } },
          },
        ]),
      ),
    }).overrideLogicalId(name);
    new SnsTopicSubscription(this, "email", { topicArn: this.topic.arn, protocol: "email", endpoint: props.email }).overrideLogicalId(name);
    for (const s of sources) {
      const rule = new CloudwatchEventRule(this, `rule-${s.name}`, {
        name: `${props.topicName}-${s.name}`,
        description: s.description,
        eventPattern: JSON.stringify(s.pattern),
        state: "ENABLED",
      });
      rule.overrideLogicalId(`${name}--${s.name}`);
      new CloudwatchEventTarget(this, `target-${s.name}`, { rule: rule.name, arn: this.topic.arn, targetId: "alerts" }).overrideLogicalId(`${name}--${s.name}`);
    }
  }
}
