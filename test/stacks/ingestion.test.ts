import { describe, expect, it } from "vitest";
import { modelFrom, synthStackOf } from "../helpers/model-fixtures";
import { domainFixture, platformFixture } from "../helpers/project";
import { policyOf, resource, resourcesOf, type TfJson } from "../helpers/synth";

const RAW_BUCKET = "acme-sales-raw-dev-111111111111-eu-west-1";
const RAW_ARN = `arn:aws:s3:::${RAW_BUCKET}`;

function platform(): Record<string, any> {
  const p = platformFixture();
  p.environments.dev.principals = { reseller: "555555555555" };
  p.environments.prod.principals = { reseller: "666666666666" };
  return p;
}

/** The fixture domain (no jobs) with a raw table, a stream into it and a partner drop. */
function domain(mutate: (d: Record<string, any>) => void = () => {}): Record<string, any> {
  const d = domainFixture();
  d.tables.push({ name: "clicks", zone: "raw", format: "json", columns: [{ name: "payload", type: "string" }], partitionKeys: [{ name: "ingest_date", type: "date" }] });
  d.ingestion = {
    streams: [{ name: "clicks", table: "raw.clicks" }],
    partnerDrops: [{ name: "reseller", partner: "reseller", prefix: "drops/reseller/", description: "The reseller uploads its nightly order files." }],
  };
  mutate(d);
  return d;
}

const synth = (d = domain()): TfJson => synthStackOf(modelFrom(platform(), [d]), "sales-dev");

describe("DomainStack ingestion", () => {
  const tf = synth();

  it("adds a delivery stream per manifest stream, with its role, log group, log stream and two alarms, named after the stream", () => {
    expect(Object.keys(resourcesOf(tf, "aws_kinesis_firehose_delivery_stream"))).toEqual(["clicks"]);
    expect(Object.keys(resourcesOf(tf, "aws_iam_role"))).toContain("firehose__clicks");
    expect(Object.keys(resourcesOf(tf, "aws_iam_role_policy"))).toContain("firehose__clicks__deliver");
    expect(Object.keys(resourcesOf(tf, "aws_cloudwatch_log_group"))).toEqual(["firehose__clicks"]);
    expect(Object.keys(resourcesOf(tf, "aws_cloudwatch_log_stream"))).toEqual(["firehose__clicks"]);
    expect(Object.keys(resourcesOf(tf, "aws_cloudwatch_metric_alarm")).sort()).toEqual(["clicks--delivery", "clicks--freshness"]);
  });

  it("writes into the raw bucket under the raw key, by reference, into the table's location; logs under the ops key", () => {
    const s = resource(tf, "aws_kinesis_firehose_delivery_stream", "clicks");
    expect(s.name).toBe("acme-sales-clicks-dev");
    expect(s.server_side_encryption).toEqual({ enabled: true, key_type: "CUSTOMER_MANAGED_CMK", key_arn: "${aws_kms_key.raw.arn}" });
    expect(s.extended_s3_configuration).toMatchObject({ bucket_arn: "${aws_s3_bucket.raw.arn}", kms_key_arn: "${aws_kms_key.raw.arn}", prefix: "clicks/ingest_date=!{timestamp:yyyy-MM-dd}/" });
    expect(resource(tf, "aws_glue_catalog_table", "raw__clicks").storage_descriptor).toMatchObject({ location: `s3://${RAW_BUCKET}/clicks/` });
    expect(resource(tf, "aws_cloudwatch_log_group", "firehose__clicks").kms_key_id).toBe("${aws_kms_key.ops.arn}");
  });

  it("sends the alarms' state changes to the domain's alerts topic, even in a domain without jobs", () => {
    expect(resourcesOf(tf, "aws_glue_job")).toEqual({});
    const rule = resource(tf, "aws_cloudwatch_event_rule", "alerts--ingestion");
    expect(JSON.parse(rule.event_pattern as string)).toEqual({
      source: ["aws.cloudwatch"],
      "detail-type": ["CloudWatch Alarm State Change"],
      resources: ["arn:aws:cloudwatch:eu-west-1:111111111111:alarm:acme-sales-clicks-dev-delivery", "arn:aws:cloudwatch:eu-west-1:111111111111:alarm:acme-sales-clicks-dev-freshness"],
      detail: { state: { value: ["ALARM"] } },
    });
    expect(resource(tf, "aws_cloudwatch_event_target", "alerts--ingestion").arn).toBe("${aws_sns_topic.alerts.arn}");
    const publish = policyOf(resource(tf, "aws_sns_topic_policy", "alerts")).Statement.find((s) => s.Sid === "AllowFailureRules")!;
    expect(publish.Condition).toEqual({ ArnEquals: { "aws:SourceArn": ["arn:aws:events:eu-west-1:111111111111:rule/acme-sales-dev-alerts-ingestion"] } });
  });

  it("lets the partner upload under its prefix of the raw bucket only, and use the raw key only through S3 for that bucket", () => {
    const bucket = policyOf(resource(tf, "aws_s3_bucket_policy", "raw"));
    expect(bucket.Statement.filter((s) => s.Effect === "Allow")).toEqual([
      {
        Sid: "AllowUploadsByPartnerReseller",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::555555555555:root" },
        Action: ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:PutObject"],
        Resource: `${RAW_ARN}/drops/reseller/*`,
      },
    ]);
    expect(bucket.Statement.map((s) => s.Sid)).toEqual(["DenyInsecureTransport", "DenyOutdatedTls", "DenyUploadsNotSseKms", "DenyUploadsWithOtherKeys", "DenyObjectReadsOutsideLakeFormation", "AllowUploadsByPartnerReseller"]);
    const key = policyOf(resource(tf, "aws_kms_key", "raw"));
    expect(key.Statement.map((s) => s.Sid)).toEqual(["AccountAdministersKeyThroughIam", "AllowS3UploadsByPartnerReseller"]);
    expect(key.Statement[1]!.Condition).toEqual({
      StringEquals: { "kms:CallerAccount": "555555555555", "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
      StringLike: { "kms:EncryptionContext:aws:s3:arn": [RAW_ARN, `${RAW_ARN}/drops/reseller/*`] },
    });
  });

  it("leaves the other zones' buckets and keys to their own account", () => {
    for (const zone of ["processed", "curated"]) {
      expect(policyOf(resource(tf, "aws_s3_bucket_policy", zone)).Statement.filter((s) => s.Effect === "Allow")).toEqual([]);
      expect(policyOf(resource(tf, "aws_kms_key", zone)).Statement.map((s) => s.Sid)).toEqual(["AccountAdministersKeyThroughIam"]);
    }
  });

  it("outputs where each partner uploads and which key it names", () => {
    expect((tf as unknown as { output: Record<string, unknown> }).output["partner_drop__reseller"]).toMatchObject({
      value: { account: "555555555555", bucket: "${aws_s3_bucket.raw.bucket}", prefix: "drops/reseller/", kms_key_arn: "${aws_kms_key.raw.arn}" },
    });
  });

  it("names each environment's partner account in that environment's stack", () => {
    const prod = synthStackOf(modelFrom(platform(), [domain()]), "sales-prod");
    expect(policyOf(resource(prod, "aws_s3_bucket_policy", "raw")).Statement.at(-1)!.Principal).toEqual({ AWS: "arn:aws:iam::666666666666:root" });
  });

  it("adds nothing to a domain without ingestion", () => {
    const plain = synthStackOf(modelFrom(), "sales-dev");
    expect(resourcesOf(plain, "aws_kinesis_firehose_delivery_stream")).toEqual({});
    expect(resourcesOf(plain, "aws_sns_topic")).toEqual({});
    expect((plain as unknown as { output?: unknown }).output).toBeUndefined();
    expect(policyOf(resource(plain, "aws_kms_key", "raw")).Statement).toHaveLength(1);
  });
});
