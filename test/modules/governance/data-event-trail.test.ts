import { describe, expect, it } from "vitest";
import { DataEventTrail, type DataEventTrailProps } from "../../../modules/governance/data-event-trail";
import { policyOf, resource, resourcesOf, synthScope, type TfJson } from "../../helpers/synth";

const ACCOUNT = "111111111111";
const TRAIL_NAME = "acme-sales-dev-data-events";
const TRAIL_ARN = `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/${TRAIL_NAME}`;
const BUCKET = "acme-sales-audit-dev-111111111111-eu-west-1";
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const RAW = "arn:aws:s3:::acme-sales-raw-dev-111111111111-eu-west-1";
const CURATED = "arn:aws:s3:::acme-sales-curated-dev-111111111111-eu-west-1";
const PROCESSED = "arn:aws:s3:::acme-sales-processed-dev-111111111111-eu-west-1";
const LOG_BUCKET = "acme-sales-logs-dev-111111111111-eu-west-1";

function props(over: Partial<DataEventTrailProps> = {}): DataEventTrailProps {
  return {
    trailName: TRAIL_NAME,
    bucketName: BUCKET,
    bucketArn: BUCKET_ARN,
    keyAlias: "alias/acme/dev/sales/audit",
    keyDescription: "sales data-event trail (dev)",
    accountId: ACCOUNT,
    partition: "aws",
    region: "eu-west-1",
    watchedBucketArns: [RAW, PROCESSED, CURATED],
    accessLogs: { targetBucket: LOG_BUCKET, targetPrefix: "audit/" },
    ...over,
  };
}

const synth = (p: DataEventTrailProps, id = "audit"): TfJson => synthScope((s) => void new DataEventTrail(s, id, p));

type FieldSelector = { field: string; equals?: string[]; starts_with?: string[] };
const selectorsOf = (tf: TfJson, name = "audit") =>
  resource(tf, "aws_cloudtrail", name).advanced_event_selector as { name: string; field_selector: FieldSelector[] }[];

/** The resource types the construct is made of. */
const TYPES = [
  "aws_cloudtrail",
  "aws_kms_key",
  "aws_kms_alias",
  "aws_s3_bucket",
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_ownership_controls",
  "aws_s3_bucket_versioning",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_policy",
  "aws_s3_bucket_logging",
  "aws_s3_bucket_lifecycle_configuration",
];

describe("DataEventTrail", () => {
  it("names every resource after the construct id", () => {
    const tf = synth(props());
    for (const type of TYPES) expect(Object.keys(resourcesOf(tf, type)), type).toEqual(["audit"]);
    expect(Object.keys(tf.resource).sort()).toEqual([...TYPES].sort());
  });

  it("uses terraformName instead of the construct id when given", () => {
    const tf = synth(props({ terraformName: "sales_audit" }), "sales-audit-trail");
    for (const type of TYPES) expect(Object.keys(resourcesOf(tf, type)), type).toEqual(["sales_audit"]);
    const trail = resource(tf, "aws_cloudtrail", "sales_audit");
    expect(trail.s3_bucket_name).toBe("${aws_s3_bucket.sales_audit.bucket}");
    expect(trail.kms_key_id).toBe("${aws_kms_key.sales_audit.arn}");
  });

  it("exposes the trail ARN, built from partition, Region, account and name", () => {
    let arn = "";
    synthScope((s) => void (arn = new DataEventTrail(s, "audit", props()).trailArn));
    expect(arn).toBe(TRAIL_ARN);
    synthScope((s) => void (arn = new DataEventTrail(s, "audit", cn()).trailArn));
    expect(arn).toBe(`arn:aws-cn:cloudtrail:cn-north-1:${ACCOUNT}:trail/${TRAIL_NAME}`);
  });

  describe("trail", () => {
    it("logs to its own bucket under its own key, validated, in one Region, with no global service events", () => {
      const trail = resource(synth(props()), "aws_cloudtrail", "audit");
      expect(trail).toMatchObject({
        name: TRAIL_NAME,
        s3_bucket_name: "${aws_s3_bucket.audit.bucket}",
        kms_key_id: "${aws_kms_key.audit.arn}",
        enable_log_file_validation: true,
        include_global_service_events: false,
        is_multi_region_trail: false,
        is_organization_trail: false,
        enable_logging: true,
      });
      // Deliveries go to AWSLogs/<account>/, the only prefix the bucket policy lets CloudTrail write to.
      expect(trail).not.toHaveProperty("s3_key_prefix");
      // Advanced and basic selectors exclude each other; management events belong to the organization trail.
      expect(trail).not.toHaveProperty("event_selector");
      expect(trail).not.toHaveProperty("insight_selector");
    });

    it("records S3 object-level data events only, on every watched bucket", () => {
      const selectors = selectorsOf(synth(props()));
      expect(selectors).toHaveLength(1);
      expect(selectors[0]!.name).toBe("S3 object-level reads and writes on the watched lake buckets");
      expect(selectors[0]!.field_selector).toEqual([
        { field: "eventCategory", equals: ["Data"] },
        { field: "resources.type", equals: ["AWS::S3::Object"] },
        { field: "resources.ARN", starts_with: [`${CURATED}/`, `${PROCESSED}/`, `${RAW}/`] },
      ]);
    });

    it("records reads and writes alike (no readOnly or eventName filter)", () => {
      const fields = selectorsOf(synth(props()))[0]!.field_selector.map((f) => f.field);
      expect(fields).not.toContain("readOnly");
      expect(fields).not.toContain("eventName");
    });

    it("ends each watched ARN with a slash, so a bucket whose name extends another's is not matched", () => {
      const arns = selectorsOf(synth(props()))[0]!.field_selector.find((f) => f.field === "resources.ARN")!.starts_with!;
      for (const a of arns) expect(a).toMatch(/^arn:aws:s3:::[a-z0-9.-]+\/$/);
    });

    it("sorts the watched buckets, so any input order gives the same JSON, without changing the input", () => {
      const input = [RAW, PROCESSED, CURATED];
      const a = synth(props({ watchedBucketArns: input }));
      const b = synth(props({ watchedBucketArns: [CURATED, RAW, PROCESSED] }));
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      expect(input).toEqual([RAW, PROCESSED, CURATED]);
    });

    it("is created only after its bucket policy, by an explicit depends_on that names a resource, not an interpolation", () => {
      const dependsOn = resource(synth(props()), "aws_cloudtrail", "audit").depends_on as string[];
      expect(dependsOn).toEqual(["aws_s3_bucket_policy.audit"]);
      for (const d of dependsOn) expect(d).not.toContain("${");
    });
  });

  describe("key", () => {
    const keyPolicy = (p = props()) => policyOf(resource(synth(p), "aws_kms_key", "audit"));

    it("is a rotating, multi-Region customer-managed key with the given alias and description", () => {
      const tf = synth(props());
      expect(resource(tf, "aws_kms_key", "audit")).toMatchObject({
        description: "sales data-event trail (dev)",
        enable_key_rotation: true,
        multi_region: true,
        is_enabled: true,
      });
      expect(resource(tf, "aws_kms_alias", "audit")).toEqual({ name: "alias/acme/dev/sales/audit", target_key_id: "${aws_kms_key.audit.key_id}" });
    });

    it("lets CloudTrail generate data keys for this trail only", () => {
      const policy = keyPolicy();
      expect(policy.Statement.map((s) => s.Sid)).toEqual(["AccountAdministersKeyThroughIam", "AllowCloudTrailToEncryptLogs", "AllowCloudTrailToDescribeKey"]);
      expect(policy.Statement[1]).toEqual({
        Sid: "AllowCloudTrailToEncryptLogs",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:GenerateDataKey*",
        Resource: "*",
        Condition: {
          StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*` },
          StringEquals: { "aws:SourceArn": TRAIL_ARN },
        },
      });
    });

    it("lets CloudTrail describe the key for this trail only", () => {
      expect(keyPolicy().Statement[2]).toEqual({
        Sid: "AllowCloudTrailToDescribeKey",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:DescribeKey",
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceArn": TRAIL_ARN } },
      });
    });

    it("gives CloudTrail nothing but encryption: no decrypt, no key administration", () => {
      const actions = keyPolicy()
        .Statement.filter((s) => JSON.stringify(s.Principal).includes("cloudtrail"))
        .flatMap((s) => [s.Action].flat());
      expect(actions.sort()).toEqual(["kms:DescribeKey", "kms:GenerateDataKey*"]);
    });

    it("writes the key policy in the trail's partition", () => {
      const policy = keyPolicy(cn());
      const arn = `arn:aws-cn:cloudtrail:cn-north-1:${ACCOUNT}:trail/${TRAIL_NAME}`;
      expect(policy.Statement[0]!.Principal).toEqual({ AWS: `arn:aws-cn:iam::${ACCOUNT}:root` });
      expect(policy.Statement[1]!.Condition).toEqual({
        StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws-cn:cloudtrail:*:${ACCOUNT}:trail/*` },
        StringEquals: { "aws:SourceArn": arn },
      });
      expect(policy.Statement[2]!.Condition).toEqual({ StringEquals: { "aws:SourceArn": arn } });
    });
  });

  describe("bucket", () => {
    const bucketPolicy = (p = props()) => policyOf(resource(synth(p), "aws_s3_bucket_policy", "audit"));

    it("is the given bucket, encrypted with the trail key and S3 bucket keys", () => {
      const tf = synth(props());
      expect(resource(tf, "aws_s3_bucket", "audit").bucket).toBe(BUCKET);
      expect(resource(tf, "aws_s3_bucket_server_side_encryption_configuration", "audit").rule).toEqual([
        { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "${aws_kms_key.audit.arn}" }, bucket_key_enabled: true },
      ]);
    });

    it("has every lake-bucket protection: Block Public Access, ACLs off, versioning", () => {
      const tf = synth(props());
      expect(resource(tf, "aws_s3_bucket_public_access_block", "audit")).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(resource(tf, "aws_s3_bucket_ownership_controls", "audit").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
      expect(resource(tf, "aws_s3_bucket_versioning", "audit").versioning_configuration).toEqual({ status: "Enabled" });
    });

    it("keeps the guard statements first, including the one that refuses uploads under other keys", () => {
      const policy = bucketPolicy();
      expect(policy.Statement.map((s) => s.Sid)).toEqual([
        "DenyInsecureTransport",
        "DenyOutdatedTls",
        "DenyUploadsNotSseKms",
        "DenyUploadsWithOtherKeys",
        "AllowCloudTrailAclCheck",
        "AllowCloudTrailWrite",
      ]);
      expect(policy.Statement[0]!.Condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
      // CloudTrail encrypts with kms_key_id, the same key ARN, so its deliveries pass this guard.
      const trail = resource(synth(props()), "aws_cloudtrail", "audit");
      expect(policy.Statement[3]!.Condition).toEqual({ StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": trail.kms_key_id } });
    });

    it("lets CloudTrail read the bucket ACL, for this trail only", () => {
      expect(bucketPolicy().Statement[4]).toEqual({
        Sid: "AllowCloudTrailAclCheck",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:GetBucketAcl",
        Resource: BUCKET_ARN,
        Condition: { StringEquals: { "aws:SourceArn": TRAIL_ARN } },
      });
    });

    it("lets CloudTrail write log files under AWSLogs/<account>/ only, for this trail only, with no ACL condition", () => {
      expect(bucketPolicy().Statement[5]).toEqual({
        Sid: "AllowCloudTrailWrite",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${BUCKET_ARN}/AWSLogs/${ACCOUNT}/*`,
        Condition: { StringEquals: { "aws:SourceArn": TRAIL_ARN } },
      });
    });

    it("sends its server access logs to the domain's access-log bucket", () => {
      const logging = resource(synth(props()), "aws_s3_bucket_logging", "audit");
      expect(logging.target_bucket).toBe(LOG_BUCKET);
      expect(logging.target_prefix).toBe("audit/");
    });

    it("sends no events to EventBridge", () => {
      expect(resourcesOf(synth(props()), "aws_s3_bucket_notification")).toEqual({});
    });

    it("expires log files after 400 days by default, and old versions 30 days later", () => {
      const rules = resource(synth(props()), "aws_s3_bucket_lifecycle_configuration", "audit").rule as Record<string, unknown>[];
      expect(rules).toEqual([
        {
          id: "all-objects",
          status: "Enabled",
          filter: [{}],
          abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
          noncurrent_version_expiration: [{ noncurrent_days: 30 }],
          expiration: [{ days: 400 }],
        },
      ]);
    });

    it("expires log files after logRetentionDays when given", () => {
      const rules = resource(synth(props({ logRetentionDays: 2557 })), "aws_s3_bucket_lifecycle_configuration", "audit").rule as Record<string, unknown>[];
      expect(rules[0]!.expiration).toEqual([{ days: 2557 }]);
    });
  });

  it("names no wildcard principal in any Allow, and none at all in the key policy", () => {
    const tf = synth(props());
    const key = policyOf(resource(tf, "aws_kms_key", "audit"));
    const bucket = policyOf(resource(tf, "aws_s3_bucket_policy", "audit"));
    const wildcard = (p: unknown) => p === "*" || JSON.stringify(p).includes('"*"');
    expect(key.Statement.filter((s) => wildcard(s.Principal)).map((s) => s.Sid)).toEqual([]);
    expect(bucket.Statement.filter((s) => s.Effect === "Allow" && wildcard(s.Principal)).map((s) => s.Sid)).toEqual([]);
    // Every Allow to the CloudTrail service is tied to this trail.
    for (const s of [...key.Statement, ...bucket.Statement].filter((s) => JSON.stringify(s.Principal).includes("cloudtrail"))) {
      expect(s.Condition?.StringEquals?.["aws:SourceArn"], s.Sid).toBe(TRAIL_ARN);
    }
  });

  it("uses no aws_iam_policy_document data source", () => {
    expect(synth(props()).data).toBeUndefined();
  });

  describe("validation", () => {
    it("fails when watchedBucketArns is empty", () => {
      expect(() => synth(props({ watchedBucketArns: [] }))).toThrow(
        'DataEventTrail audit: watchedBucketArns is empty: a data-event trail must watch at least one bucket (pass the domain\'s zone bucket ARNs)',
      );
    });

    it("fails when a watched ARN is an object ARN, a wildcard or not an S3 bucket ARN", () => {
      for (const bad of [`${RAW}/`, `${RAW}/*`, "arn:aws:s3:::acme-*", "acme-sales-raw", "arn:aws:dynamodb:eu-west-1:111111111111:table/x"]) {
        expect(() => synth(props({ watchedBucketArns: [CURATED, bad] })), bad).toThrow(
          `watchedBucketArns[1] "${bad}" is not an S3 bucket ARN in partition aws ("arn:aws:s3:::<bucket>", no "/" and no wildcard)`,
        );
      }
    });

    it("fails when a watched ARN is in another partition", () => {
      expect(() => synth(cn({ watchedBucketArns: [RAW] }))).toThrow(`watchedBucketArns[0] "${RAW}" is not an S3 bucket ARN in partition aws-cn`);
    });

    it("fails when a bucket is listed twice", () => {
      expect(() => synth(props({ watchedBucketArns: [RAW, CURATED, RAW] }))).toThrow(`watchedBucketArns[2] "${RAW}" is listed twice`);
    });

    it("fails when the trail would watch its own log bucket", () => {
      expect(() => synth(props({ watchedBucketArns: [RAW, BUCKET_ARN] }))).toThrow(/watchedBucketArns\[1\] is the trail's own log bucket/);
    });

    it("fails when the trail would watch the access-log bucket of its log bucket", () => {
      expect(() => synth(props({ watchedBucketArns: [`arn:aws:s3:::${LOG_BUCKET}`] }))).toThrow(/watchedBucketArns\[0\] is the access-log bucket of the trail bucket/);
    });

    it("fails when there are more buckets than CloudTrail's 500 selector values allow", () => {
      const many = Array.from({ length: 499 }, (_, i) => `arn:aws:s3:::acme-bucket-${String(i).padStart(3, "0")}`);
      expect(() => synth(props({ watchedBucketArns: many }))).toThrow(/watchedBucketArns has 499 buckets; CloudTrail allows 498/);
      expect(() => synth(props({ watchedBucketArns: many.slice(0, 498) }))).not.toThrow();
    });

    it("fails when the trail name is not one CloudTrail accepts", () => {
      for (const bad of ["ab", "-sales", "sales-", "sales--trail", "sales._trail", "sales trail", "192.168.5.4", "x".repeat(129)]) {
        expect(() => synth(props({ trailName: bad })), bad).toThrow(`trailName "${bad}" is not a CloudTrail trail name`);
      }
      for (const good of ["abc", "Sales_Trail.v2", "a-b_c.d", "x".repeat(128)]) expect(() => synth(props({ trailName: good })), good).not.toThrow();
    });

    it("fails when bucketArn is not the ARN of bucketName", () => {
      expect(() => synth(props({ bucketArn: "arn:aws:s3:::another-bucket" }))).toThrow(
        `bucketArn "arn:aws:s3:::another-bucket" is not the ARN of bucketName "${BUCKET}" (expected "${BUCKET_ARN}")`,
      );
    });

    it("fails when logRetentionDays is not a whole number of days, at least 1", () => {
      for (const bad of [0, -1, 1.5, Number.NaN]) {
        expect(() => synth(props({ logRetentionDays: bad })), String(bad)).toThrow(`logRetentionDays must be a whole number of days, at least 1; got ${bad}`);
      }
    });

    it("fails when the account id, Region or key alias is malformed", () => {
      expect(() => synth(props({ accountId: "1111" }))).toThrow('accountId "1111" is not a 12-digit AWS account id');
      expect(() => synth(props({ region: "Ireland" }))).toThrow('region "Ireland" is not an AWS Region code');
      expect(() => synth(props({ keyAlias: "acme/audit" }))).toThrow('keyAlias "acme/audit" must start with "alias/"');
      expect(() => synth(props({ keyAlias: "alias/aws/audit" }))).toThrow(/reserved for AWS managed keys/);
    });

    it("reports every problem at once, in a fixed order", () => {
      expect(() => synth(props({ trailName: "x", logRetentionDays: 0, watchedBucketArns: [] }))).toThrow(
        /^DataEventTrail audit: trailName "x" is not .*; logRetentionDays must be .*; watchedBucketArns is empty: .*$/,
      );
    });
  });
});

/** The props in the China partition. */
function cn(over: Partial<DataEventTrailProps> = {}): DataEventTrailProps {
  return props({
    partition: "aws-cn",
    region: "cn-north-1",
    bucketArn: `arn:aws-cn:s3:::${BUCKET}`,
    watchedBucketArns: [RAW.replace("arn:aws:", "arn:aws-cn:")],
    ...over,
  });
}

describe("DataEventTrail readEvents", () => {
  it("records only writes when readEvents is false, and reads too by default", async () => {
    const { DataEventTrail } = await import("../../../modules/governance/data-event-trail");
    const { synthScope, resource } = await import("../../helpers/synth");
    const selectors = (readEvents?: boolean) => {
      const tf = synthScope((s) => {
        new DataEventTrail(s, "audit", {
          trailName: "acme-x-dev-data-events",
          bucketName: "acme-x-audit-dev-111111111111-eu-west-1",
          bucketArn: "arn:aws:s3:::acme-x-audit-dev-111111111111-eu-west-1",
          keyAlias: "alias/acme/dev/x/audit",
          keyDescription: "k",
          accountId: "111111111111",
          partition: "aws",
          region: "eu-west-1",
          watchedBucketArns: ["arn:aws:s3:::acme-x-raw-dev-111111111111-eu-west-1"],
          accessLogs: { targetBucket: "logs", targetPrefix: "audit/" },
          ...(readEvents === undefined ? {} : { readEvents }),
        });
      });
      return (resource(tf, "aws_cloudtrail", "audit").advanced_event_selector as { field_selector: { field: string; equals?: string[] }[] }[])[0]!.field_selector.map((f) => f.field);
    };
    expect(selectors()).not.toContain("readOnly");
    expect(selectors(false)).toContain("readOnly");
  });
});
