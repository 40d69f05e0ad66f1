import { CloudwatchLogStream } from "@cdktf/provider-aws/lib/cloudwatch-log-stream";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { KinesisFirehoseDeliveryStream } from "@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { EncryptedLogGroup, kmsKeyArnProblems, retentionProblems } from "../compute/log-group";
import { type PolicyStatement, policyDocument } from "../identity/policy-document";
import { ServiceRole } from "../identity/service-role";
import type { FailureSource } from "../orchestration/failure-alarms";

export interface FirehoseDeliveryProps {
  /**
   * Terraform name of the delivery stream and its alarms (`<name>--freshness`,
   * `<name>--delivery`); the role and log group are `firehose__<name>`.
   * @default - the construct id
   */
  readonly terraformName?: string;
  /** Delivery stream name: 1–64 letters, digits and `._-`. */
  readonly streamName: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  /** ARN of the destination bucket (a reference makes the stream wait for it). */
  readonly bucketArn: string;
  /**
   * Key prefix of delivered objects, with Firehose expressions
   * (`events/dt=!{timestamp:yyyy-MM-dd}/`); its literal head bounds what the role may write.
   */
  readonly prefix: string;
  /** Key prefix of records that failed delivery; must hold `!{firehose:error-output-type}`. */
  readonly errorPrefix: string;
  /**
   * Key ARN (not an alias) of the destination bucket's key: the delivered
   * objects are SSE-KMS under it, as the bucket's policy demands, and the
   * stream encrypts what it buffers with it too (CKV_AWS_240/241).
   */
  readonly kmsKeyArn: string;
  /** Key ARN of the stream's log group; its policy must let CloudWatch Logs use it (logsKeyStatements). */
  readonly logKmsKeyArn: string;
  /** Log group name, `/aws/kinesisfirehose/<stream>` by convention; the one stream in it is DestinationDelivery. */
  readonly logGroupName: string;
  /** @default 400 */
  readonly logRetentionDays?: number;
  /** Physical name of the stream's role. */
  readonly roleName: string;
  /** 1–128 MiB. */
  readonly bufferSizeMib: number;
  /** 60–900 seconds. */
  readonly bufferIntervalSeconds: number;
  readonly compression: "GZIP" | "HADOOP_SNAPPY" | "UNCOMPRESSED";
  /** Alarm names; their state changes are what failure alarms match (firehoseFailureSource). */
  readonly alarms: { readonly freshnessName: string; readonly deliveryName: string; readonly freshnessThresholdSeconds: number };
}

/** The log stream Firehose writes S3 delivery errors to. */
export const DELIVERY_LOG_STREAM = "DestinationDelivery";

/** The literal head of a Firehose prefix, before its first `!{…}` expression. */
const headOf = (prefix: string) => prefix.split("!{")[0]!;

/**
 * A Firehose delivery stream (Direct PUT) into one prefix of a lake bucket.
 * Fixed in code, not offered as options: the stream encrypts its buffer with
 * the bucket's customer-managed key (CKV_AWS_240, CKV_AWS_241); objects are
 * written SSE-KMS under that key (Firehose names it on every upload, which is
 * what the bucket's guard statements ask); records that fail go under their
 * own error prefix; delivery errors are logged to an encrypted log group with
 * a retention; and two CloudWatch alarms watch delivery (records older than
 * the threshold, failed S3 puts).
 *
 * The role (ServiceRole, trusted by firehose.amazonaws.com for this account
 * only) may: put objects and abort its multipart uploads under the literal
 * heads of its two prefixes; list the bucket under them and its unfinished
 * uploads; use the key only through S3 in this Region for this bucket
 * (kms:ViaService, and the encryption context: the object's ARN under its
 * prefixes, or the bucket's, which is the context when S3 Bucket Keys are on);
 * write to its one log stream. It cannot read objects: the zone bucket's
 * read guard would refuse it anyway, and Firehose only writes.
 *
 * Terraform addresses: `aws_kinesis_firehose_delivery_stream.<name>`,
 * `aws_iam_role.firehose__<name>` with `aws_iam_role_policy.firehose__<name>__deliver`,
 * `aws_cloudwatch_log_group.firehose__<name>`, `aws_cloudwatch_log_stream.firehose__<name>`,
 * `aws_cloudwatch_metric_alarm.<name>--freshness` and `…<name>--delivery`.
 */
export class FirehoseDelivery extends Construct {
  readonly stream: KinesisFirehoseDeliveryStream;
  readonly role: ServiceRole;
  readonly alarmArns: readonly string[];

  constructor(scope: Construct, id: string, props: FirehoseDeliveryProps) {
    super(scope, id);
    const problems = firehoseDeliveryProblems(props);
    if (problems.length > 0) {
      throw new Error(`FirehoseDelivery ${this.node.path}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    const name = props.terraformName ?? id;
    const support = `firehose__${name}`;
    const logs = new EncryptedLogGroup(this, "log-group", {
      terraformName: support,
      name: props.logGroupName,
      kmsKeyArn: props.logKmsKeyArn,
      ...(props.logRetentionDays !== undefined ? { retentionDays: props.logRetentionDays } : {}),
    });
    const logStream = new CloudwatchLogStream(this, "log-stream", { name: DELIVERY_LOG_STREAM, logGroupName: logs.logGroup.name });
    logStream.overrideLogicalId(support);

    this.role = new ServiceRole(this, "role", {
      terraformName: support,
      roleName: props.roleName,
      description: `Firehose stream ${props.streamName}: writes under its prefixes of one bucket, nothing else`,
      servicePrincipal: "firehose.amazonaws.com",
      accountId: props.accountId,
      policies: { deliver: policyDocument(firehoseRoleStatements(props)) },
    });

    this.stream = new KinesisFirehoseDeliveryStream(this, "stream", {
      name: props.streamName,
      destination: "extended_s3",
      serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: props.kmsKeyArn },
      extendedS3Configuration: {
        roleArn: this.role.role.arn,
        bucketArn: props.bucketArn,
        prefix: props.prefix,
        errorOutputPrefix: props.errorPrefix,
        kmsKeyArn: props.kmsKeyArn,
        bufferingSize: props.bufferSizeMib,
        bufferingInterval: props.bufferIntervalSeconds,
        compressionFormat: props.compression,
        customTimeZone: "UTC",
        s3BackupMode: "Disabled",
        cloudwatchLoggingOptions: { enabled: true, logGroupName: logs.logGroup.name, logStreamName: logStream.name },
      },
      // Firehose checks the role when the stream is created: wait for its permissions, not just the role.
      dependsOn: [...Object.values(this.role.policies), logStream],
    });
    this.stream.overrideLogicalId(name);

    const alarm = (kind: string, alarmName: string, metric: string, cfg: { statistic: string; comparisonOperator: string; threshold: number; evaluationPeriods: number }, description: string) => {
      const a = new CloudwatchMetricAlarm(this, `alarm-${kind}`, {
        alarmName,
        alarmDescription: description,
        namespace: "AWS/Firehose",
        metricName: metric,
        dimensions: { DeliveryStreamName: props.streamName },
        period: 300,
        datapointsToAlarm: cfg.evaluationPeriods,
        treatMissingData: "notBreaching",
        actionsEnabled: true,
        ...cfg,
      });
      a.overrideLogicalId(`${name}--${kind}`);
      return `arn:${props.partition}:cloudwatch:${props.region}:${props.accountId}:alarm:${alarmName}`;
    };
    const t = props.alarms.freshnessThresholdSeconds;
    this.alarmArns = [
      alarm("delivery", props.alarms.deliveryName, "DeliveryToS3.Success", { statistic: "Average", comparisonOperator: "LessThanThreshold", threshold: 1, evaluationPeriods: 3 }, `Firehose stream ${props.streamName} failed S3 puts for 15 minutes`),
      alarm("freshness", props.alarms.freshnessName, "DeliveryToS3.DataFreshness", { statistic: "Maximum", comparisonOperator: "GreaterThanThreshold", threshold: t, evaluationPeriods: 1 }, `Firehose stream ${props.streamName} holds records older than ${t} seconds`),
    ].sort();
  }
}

/** The delivery role's statements; see FirehoseDelivery. */
export function firehoseRoleStatements(props: FirehoseDeliveryProps): PolicyStatement[] {
  const heads = [...new Set([headOf(props.prefix), headOf(props.errorPrefix)])].sort();
  const s3 = props.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  const logGroupArn = `arn:${props.partition}:logs:${props.region}:${props.accountId}:log-group:${props.logGroupName}`;
  return [
    { Sid: "WriteUnderOwnPrefixes", Effect: "Allow", Action: ["s3:AbortMultipartUpload", "s3:PutObject"], Resource: heads.map((h) => `${props.bucketArn}/${h}*`) },
    { Sid: "FindBucketAndOwnUploads", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"], Resource: props.bucketArn },
    { Sid: "ListOwnPrefixes", Effect: "Allow", Action: "s3:ListBucket", Resource: props.bucketArn, Condition: { StringLike: { "s3:prefix": heads.map((h) => `${h}*`) } } },
    {
      Sid: "UseBucketKeyThroughS3",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: props.kmsKeyArn,
      Condition: {
        StringEquals: { "kms:ViaService": `s3.${props.region}.${s3}` },
        StringLike: { "kms:EncryptionContext:aws:s3:arn": [props.bucketArn, ...heads.map((h) => `${props.bucketArn}/${h}*`)] },
      },
    },
    { Sid: "WriteOwnDeliveryLog", Effect: "Allow", Action: "logs:PutLogEvents", Resource: `${logGroupArn}:log-stream:${DELIVERY_LOG_STREAM}` },
  ];
}

/**
 * One failure source for the domain's alarms: EventBridge's "CloudWatch Alarm
 * State Change" events of the given alarms entering ALARM.
 */
export function firehoseFailureSource(description: string, alarmArns: readonly string[]): FailureSource {
  return {
    name: "ingestion",
    description,
    pattern: { source: ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"], resources: [...alarmArns].sort(), detail: { state: { value: ["ALARM"] } } },
  };
}

/** Every problem with the props, one sentence each; empty when they are fine. Tokens are not checked. */
export function firehoseDeliveryProblems(props: FirehoseDeliveryProps): string[] {
  const out: string[] = [];
  const literal = (s: string) => !Token.isUnresolved(s);
  if (literal(props.streamName) && !/^[A-Za-z0-9_.-]{1,64}$/.test(props.streamName)) out.push(`streamName "${props.streamName}" must be 1-64 letters, digits and ._-`);
  if (!Number.isInteger(props.bufferSizeMib) || props.bufferSizeMib < 1 || props.bufferSizeMib > 128) out.push(`bufferSizeMib ${props.bufferSizeMib} is not 1-128`);
  if (!Number.isInteger(props.bufferIntervalSeconds) || props.bufferIntervalSeconds < 60 || props.bufferIntervalSeconds > 900) out.push(`bufferIntervalSeconds ${props.bufferIntervalSeconds} is not 60-900`);
  for (const [field, p] of [["prefix", props.prefix], ["errorPrefix", props.errorPrefix]] as const) {
    if (p.startsWith("/") || !p.endsWith("/") || headOf(p) === "") out.push(`${field} "${p}" must start with a literal folder and end with /: the role writes under its literal head only`);
  }
  if (!props.errorPrefix.includes("!{firehose:error-output-type}")) out.push(`errorPrefix "${props.errorPrefix}" must hold !{firehose:error-output-type}, so failed records are sorted by failure`);
  // The first folder of the data prefix is the table's location: failed records must land outside it.
  const [data, errors] = [headOf(props.prefix), headOf(props.errorPrefix)].map((h) => h.slice(0, h.indexOf("/") + 1));
  if (data && errors && (data.startsWith(errors) || errors.startsWith(data))) {
    out.push(`errorPrefix "${props.errorPrefix}" shares the folder ${data.length <= errors.length ? data : errors} with prefix "${props.prefix}": failed records would be read as data`);
  }
  out.push(...kmsKeyArnProblems("kmsKeyArn", props.kmsKeyArn), ...kmsKeyArnProblems("logKmsKeyArn", props.logKmsKeyArn), ...retentionProblems("logRetentionDays", props.logRetentionDays));
  if (literal(props.logGroupName) && !/^[A-Za-z0-9._\-/#]{1,512}$/.test(props.logGroupName)) out.push(`logGroupName "${props.logGroupName}" may hold only letters, digits and ._-/#`);
  return out;
}
