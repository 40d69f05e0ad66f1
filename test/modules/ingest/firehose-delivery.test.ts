import { describe, expect, it } from "vitest";
import { EncryptionKey } from "../../../modules/storage/encryption-key";
import { FirehoseDelivery, type FirehoseDeliveryProps, firehoseDeliveryProblems, firehoseFailureSource } from "../../../modules/ingest/firehose-delivery";
import { serviceRoleProblems } from "../../../modules/identity/service-role";
import { policyOf, resource, resourcesOf, synthScope, type TfJson } from "../../helpers/synth";

const BUCKET = "arn:aws:s3:::acme-shop-raw-dev-111111111111-eu-west-1";
const RAW_KEY = "arn:aws:kms:eu-west-1:111111111111:key/mrk-00000000000000000000000000000001";
const OPS_KEY = "arn:aws:kms:eu-west-1:111111111111:key/mrk-00000000000000000000000000000002";

function props(over: Partial<FirehoseDeliveryProps> = {}): FirehoseDeliveryProps {
  return {
    streamName: "acme-shop-orders-dev",
    accountId: "111111111111",
    region: "eu-west-1",
    partition: "aws",
    bucketArn: BUCKET,
    prefix: "orders/dt=!{timestamp:yyyy-MM-dd}/",
    errorPrefix: "_errors/orders/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/",
    kmsKeyArn: RAW_KEY,
    logKmsKeyArn: OPS_KEY,
    logGroupName: "/aws/kinesisfirehose/acme-shop-orders-dev",
    roleName: "acme-shop-firehose-orders-dev-eu-west-1",
    bufferSizeMib: 64,
    bufferIntervalSeconds: 300,
    compression: "GZIP",
    alarms: { freshnessName: "acme-shop-orders-dev-freshness", deliveryName: "acme-shop-orders-dev-delivery", freshnessThresholdSeconds: 900 },
    ...over,
  };
}

const synth = (p: FirehoseDeliveryProps, id = "orders"): TfJson => synthScope((s) => void new FirehoseDelivery(s, id, p));
const STREAM = "aws_kinesis_firehose_delivery_stream";

describe("FirehoseDelivery", () => {
  it("is a Direct PUT stream into the bucket, its buffer encrypted under the customer-managed key (CKV_AWS_240/241)", () => {
    const s = resource(synth(props()), STREAM, "orders");
    expect(s).toMatchObject({ name: "acme-shop-orders-dev", destination: "extended_s3", server_side_encryption: { enabled: true, key_type: "CUSTOMER_MANAGED_CMK", key_arn: RAW_KEY } });
    expect(s).not.toHaveProperty("kinesis_source_configuration");
  });

  it("writes SSE-KMS objects under the bucket's key, Hive-style under the prefix, failures under the error prefix, in UTC", () => {
    const d = resource(synth(props()), STREAM, "orders").extended_s3_configuration as Record<string, unknown>;
    expect(d).toMatchObject({
      bucket_arn: BUCKET,
      kms_key_arn: RAW_KEY,
      prefix: "orders/dt=!{timestamp:yyyy-MM-dd}/",
      error_output_prefix: "_errors/orders/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/",
      buffering_size: 64,
      buffering_interval: 300,
      compression_format: "GZIP",
      custom_time_zone: "UTC",
      s3_backup_mode: "Disabled",
      role_arn: "${aws_iam_role.firehose__orders.arn}",
    });
    expect(d).not.toHaveProperty("data_format_conversion_configuration");
    expect(d).not.toHaveProperty("processing_configuration");
  });

  it("logs delivery errors to its own log stream in an encrypted log group kept 400 days", () => {
    const tf = synth(props());
    expect(resource(tf, "aws_cloudwatch_log_group", "firehose__orders")).toMatchObject({ name: "/aws/kinesisfirehose/acme-shop-orders-dev", kms_key_id: OPS_KEY, retention_in_days: 400 });
    expect(resource(tf, "aws_cloudwatch_log_stream", "firehose__orders")).toMatchObject({ name: "DestinationDelivery", log_group_name: "${aws_cloudwatch_log_group.firehose__orders.name}" });
    expect((resource(tf, STREAM, "orders").extended_s3_configuration as Record<string, unknown>).cloudwatch_logging_options).toEqual({
      enabled: true,
      log_group_name: "${aws_cloudwatch_log_group.firehose__orders.name}",
      log_stream_name: "${aws_cloudwatch_log_stream.firehose__orders.name}",
    });
  });

  it("waits for its role's permissions and its log stream before it is created", () => {
    expect(resource(synth(props()), STREAM, "orders").depends_on).toEqual(["aws_iam_role_policy.firehose__orders__deliver", "aws_cloudwatch_log_stream.firehose__orders"]);
  });

  it("runs as a role Firehose assumes for this account only", () => {
    const role = resource(synth(props()), "aws_iam_role", "firehose__orders");
    expect(policyOf(role, "assume_role_policy").Statement).toEqual([
      { Sid: "ServiceAssumesRoleForThisAccountOnly", Effect: "Allow", Principal: { Service: "firehose.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } } },
    ]);
  });

  it("lets the role write under the literal heads of its two prefixes, use the key only through S3 for the bucket, and log to its stream: nothing else, no reads", () => {
    const doc = policyOf(resource(synth(props()), "aws_iam_role_policy", "firehose__orders__deliver"));
    const heads = [`${BUCKET}/_errors/orders/*`, `${BUCKET}/orders/dt=*`];
    expect(doc.Statement).toEqual([
      { Sid: "WriteUnderOwnPrefixes", Effect: "Allow", Action: ["s3:AbortMultipartUpload", "s3:PutObject"], Resource: heads },
      { Sid: "FindBucketAndOwnUploads", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"], Resource: BUCKET },
      { Sid: "ListOwnPrefixes", Effect: "Allow", Action: "s3:ListBucket", Resource: BUCKET, Condition: { StringLike: { "s3:prefix": ["_errors/orders/*", "orders/dt=*"] } } },
      {
        Sid: "UseBucketKeyThroughS3",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: RAW_KEY,
        Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" }, StringLike: { "kms:EncryptionContext:aws:s3:arn": [BUCKET, ...heads] } },
      },
      { Sid: "WriteOwnDeliveryLog", Effect: "Allow", Action: "logs:PutLogEvents", Resource: "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/kinesisfirehose/acme-shop-orders-dev:log-stream:DestinationDelivery" },
    ]);
    expect(doc.Statement.flatMap((s) => [s.Action].flat()).filter((a) => /Get(Object)|Delete/.test(a))).toEqual([]);
  });

  it("alarms when delivery fails for 15 minutes and when records are older than the threshold, with no actions of their own", () => {
    const alarms = resourcesOf(synth(props()), "aws_cloudwatch_metric_alarm");
    expect(Object.keys(alarms).sort()).toEqual(["orders--delivery", "orders--freshness"]);
    expect(alarms["orders--delivery"]).toMatchObject({
      alarm_name: "acme-shop-orders-dev-delivery",
      namespace: "AWS/Firehose",
      metric_name: "DeliveryToS3.Success",
      dimensions: { DeliveryStreamName: "acme-shop-orders-dev" },
      statistic: "Average",
      comparison_operator: "LessThanThreshold",
      threshold: 1,
      period: 300,
      evaluation_periods: 3,
      datapoints_to_alarm: 3,
      treat_missing_data: "notBreaching",
    });
    expect(alarms["orders--freshness"]).toMatchObject({ metric_name: "DeliveryToS3.DataFreshness", statistic: "Maximum", comparison_operator: "GreaterThanThreshold", threshold: 900 });
    for (const a of Object.values(alarms)) expect(a).not.toHaveProperty("alarm_actions");
  });

  it("gives the alarms' ARNs, sorted, for the failure alarms' EventBridge rule", () => {
    let arns: readonly string[] = [];
    synthScope((s) => void (arns = new FirehoseDelivery(s, "orders", props()).alarmArns));
    expect(arns).toEqual(["arn:aws:cloudwatch:eu-west-1:111111111111:alarm:acme-shop-orders-dev-delivery", "arn:aws:cloudwatch:eu-west-1:111111111111:alarm:acme-shop-orders-dev-freshness"]);
    expect(firehoseFailureSource("streams", [...arns].reverse())).toEqual({
      name: "ingestion",
      description: "streams",
      pattern: { source: ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"], resources: arns, detail: { state: { value: ["ALARM"] } } },
    });
  });

  it("refers to keys made in the same stack", () => {
    const tf = synthScope((s) => {
      const key = new EncryptionKey(s, "raw", { alias: "alias/acme/dev/shop/raw", description: "raw", accountId: "111111111111", partition: "aws" });
      new FirehoseDelivery(s, "orders", props({ kmsKeyArn: key.key.arn, bucketArn: "${aws_s3_bucket.raw.arn}" }));
    });
    const s = resource(tf, STREAM, "orders");
    expect(s.server_side_encryption).toMatchObject({ key_arn: "${aws_kms_key.raw.arn}" });
    expect((s.extended_s3_configuration as Record<string, unknown>).kms_key_arn).toBe("${aws_kms_key.raw.arn}");
  });

  it("passes ServiceRole's own checks", () => {
    expect(serviceRoleProblems({ roleName: "x", description: "x", servicePrincipal: "firehose.amazonaws.com", accountId: "111111111111", policies: {} })).toEqual([]);
  });
});

describe("firehoseDeliveryProblems", () => {
  it("accepts the fixture", () => {
    expect(firehoseDeliveryProblems(props())).toEqual([]);
  });

  it("fails when the buffer is out of Firehose's limits", () => {
    expect(firehoseDeliveryProblems(props({ bufferSizeMib: 129, bufferIntervalSeconds: 30 }))).toEqual(["bufferSizeMib 129 is not 1-128", "bufferIntervalSeconds 30 is not 60-900"]);
  });

  it("fails when the error prefix lacks the error type, or overlaps the data prefix", () => {
    expect(firehoseDeliveryProblems(props({ errorPrefix: "_errors/orders/" }))).toEqual([expect.stringContaining("must hold !{firehose:error-output-type}")]);
    expect(firehoseDeliveryProblems(props({ errorPrefix: "orders/errors/!{firehose:error-output-type}/" }))).toEqual([expect.stringContaining("shares the folder orders/ with prefix")]);
  });

  it("fails when a prefix starts with an expression, with a slash, or does not end with one", () => {
    expect(firehoseDeliveryProblems(props({ prefix: "!{timestamp:yyyy}/" }))).toEqual([expect.stringContaining('prefix "!{timestamp:yyyy}/" must start with a literal folder')]);
    expect(firehoseDeliveryProblems(props({ prefix: "/orders/" }))).toHaveLength(1);
    expect(firehoseDeliveryProblems(props({ prefix: "orders" }))).toHaveLength(1);
  });

  it("fails when a key is an alias, a stream name is illegal, or the log retention is not one CloudWatch takes", () => {
    const problems = firehoseDeliveryProblems(props({ kmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:alias/raw", streamName: "orders stream", logRetentionDays: 42 }));
    expect(problems).toEqual([
      expect.stringContaining('streamName "orders stream"'),
      expect.stringContaining("kmsKeyArn"),
      expect.stringContaining("logRetentionDays 42"),
    ]);
  });

  it("throws once, with every problem, from the constructor", () => {
    expect(() => synth(props({ bufferSizeMib: 0, errorPrefix: "_errors/" }))).toThrow(/FirehoseDelivery .*2 problems/s);
  });
});
