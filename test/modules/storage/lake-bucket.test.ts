import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { describe, expect, it } from "vitest";
import { LakeBucket, type LakeBucketProps, lifecycleRules } from "../../../modules/storage/lake-bucket";
import { policyOf, resource, resourcesOf, synthScope, type TfJson } from "../../helpers/synth";

const ARN = "arn:aws:s3:::acme-sales-raw-dev-111111111111-eu-west-1";
const KEY = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001";

const LIFECYCLE: LakeBucketProps["lifecycle"] = {
  intelligentTiering: false,
  noncurrentVersionExpiryDays: 90,
  abortIncompleteMultipartUploadDays: 7,
};

function props(over: Partial<LakeBucketProps> = {}): LakeBucketProps {
  return {
    bucketName: "acme-sales-raw-dev-111111111111-eu-west-1",
    bucketArn: ARN,
    encryption: { kind: "kms", kmsKeyArn: KEY },
    accessLogs: { targetBucket: "acme-sales-logs-dev-111111111111-eu-west-1", targetPrefix: "raw/" },
    lifecycle: LIFECYCLE,
    ...over,
  };
}

const synth = (p: LakeBucketProps, id = "raw"): TfJson => synthScope((s) => void new LakeBucket(s, id, p));

/** The resource types a lake bucket is made of, besides the bucket itself. */
const ATTACHED = [
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_ownership_controls",
  "aws_s3_bucket_versioning",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_policy",
  "aws_s3_bucket_logging",
  "aws_s3_bucket_notification",
  "aws_s3_bucket_lifecycle_configuration",
];

describe("LakeBucket", () => {
  it("creates the bucket with its physical name, no force-destroy and no object lock", () => {
    const b = resource(synth(props()), "aws_s3_bucket", "raw");
    expect(b.bucket).toBe("acme-sales-raw-dev-111111111111-eu-west-1");
    expect(b.force_destroy).toBe(false);
    expect(b.object_lock_enabled).toBe(false);
    // Everything else is a separate resource, so the deprecated inline blocks must be absent.
    for (const inline of ["acl", "grant", "policy", "versioning", "logging", "lifecycle_rule", "server_side_encryption_configuration"]) {
      expect(b, inline).not.toHaveProperty(inline);
    }
  });

  it("names every resource after the construct id and links each to the bucket by reference", () => {
    const tf = synth(props());
    for (const type of ATTACHED) {
      expect(Object.keys(resourcesOf(tf, type)), type).toEqual(["raw"]);
      expect(resource(tf, type, "raw").bucket, type).toBe("${aws_s3_bucket.raw.id}");
    }
  });

  it("uses terraformName instead of the construct id when given", () => {
    const tf = synth(props({ terraformName: "curated" }), "curated-bucket");
    expect(Object.keys(resourcesOf(tf, "aws_s3_bucket"))).toEqual(["curated"]);
    for (const type of ATTACHED) expect(resource(tf, type, "curated").bucket, type).toBe("${aws_s3_bucket.curated.id}");
  });

  it("blocks every kind of public access", () => {
    expect(resource(synth(props()), "aws_s3_bucket_public_access_block", "raw")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  it("turns ACLs off with BucketOwnerEnforced and writes no ACL resource", () => {
    const tf = synth(props());
    expect(resource(tf, "aws_s3_bucket_ownership_controls", "raw").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    expect(resourcesOf(tf, "aws_s3_bucket_acl")).toEqual({});
  });

  it("enables versioning", () => {
    expect(resource(synth(props()), "aws_s3_bucket_versioning", "raw").versioning_configuration).toEqual({ status: "Enabled" });
  });

  it("encrypts with the given KMS key and S3 bucket keys", () => {
    const sse = resource(synth(props()), "aws_s3_bucket_server_side_encryption_configuration", "raw");
    expect(sse.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: KEY }, bucket_key_enabled: true }]);
  });

  it("uses SSE-S3 only for the access-log variant, with no key", () => {
    const sse = resource(synth(props({ encryption: { kind: "s3-managed-for-access-logs" } })), "aws_s3_bucket_server_side_encryption_configuration", "raw");
    expect(sse.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }]);
  });

  it("guards the bucket with a TLS-only policy that refuses uploads under any other key", () => {
    const policy = policyOf(resource(synth(props()), "aws_s3_bucket_policy", "raw"));
    expect(policy.Version).toBe("2012-10-17");
    expect(policy.Statement.map((s) => s.Sid)).toEqual(["DenyInsecureTransport", "DenyOutdatedTls", "DenyUploadsNotSseKms", "DenyUploadsWithOtherKeys"]);
    expect(policy.Statement[0]).toEqual({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: "s3:*",
      Resource: [ARN, `${ARN}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    expect(policy.Statement[3]!.Condition).toEqual({ StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY } });
    expect(policy.Statement.filter((s) => s.Effect === "Allow")).toEqual([]);
  });

  it("lets uploads name the further keys of additionalUploadKeyArns besides its own, and still refuses every other key", () => {
    const glueKey = "${aws_kms_key.processed.arn}";
    const policy = policyOf(resource(synth(props({ additionalUploadKeyArns: [glueKey] })), "aws_s3_bucket_policy", "raw"));
    expect(policy.Statement.map((s) => s.Sid)).toEqual(["DenyInsecureTransport", "DenyOutdatedTls", "DenyUploadsNotSseKms", "DenyUploadsWithOtherKeys"]);
    expect(policy.Statement[3]!.Condition).toEqual({ StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": [KEY, glueKey] } });
    // The default encryption stays the bucket's own key.
    expect(resource(synth(props({ additionalUploadKeyArns: [glueKey] })), "aws_s3_bucket_server_side_encryption_configuration", "raw").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: KEY }, bucket_key_enabled: true },
    ]);
    expect(policyOf(resource(synth(props({ additionalUploadKeyArns: [] })), "aws_s3_bucket_policy", "raw"))).toEqual(policyOf(resource(synth(props()), "aws_s3_bucket_policy", "raw")));
  });

  it("leaves out the KMS upload guards for the SSE-S3 access-log variant", () => {
    const policy = policyOf(resource(synth(props({ encryption: { kind: "s3-managed-for-access-logs" } })), "aws_s3_bucket_policy", "raw"));
    expect(policy.Statement.map((s) => s.Sid)).toEqual(["DenyInsecureTransport", "DenyOutdatedTls"]);
  });

  it("appends extra policy statements after the guards", () => {
    const extra = { Sid: "AllowX", Effect: "Allow" as const, Principal: { Service: "logging.s3.amazonaws.com" }, Action: "s3:PutObject", Resource: `${ARN}/*` };
    const policy = policyOf(resource(synth(props({ policyStatements: [extra] })), "aws_s3_bucket_policy", "raw"));
    expect(policy.Statement.map((s) => s.Sid)).toEqual(["DenyInsecureTransport", "DenyOutdatedTls", "DenyUploadsNotSseKms", "DenyUploadsWithOtherKeys", "AllowX"]);
    expect(policy.Statement[4]).toEqual(extra);
  });

  it("denies object reads to everyone but onlyObjectReaders, after the guards and before extra statements", () => {
    const reader = "arn:aws:iam::111111111111:role/acme-sales-lf-raw-dev-eu-west-1";
    const extra = { Sid: "AllowX", Effect: "Allow" as const, Principal: { Service: "logging.s3.amazonaws.com" }, Action: "s3:PutObject", Resource: `${ARN}/*` };
    const policy = policyOf(resource(synth(props({ onlyObjectReaders: [reader], policyStatements: [extra] })), "aws_s3_bucket_policy", "raw"));
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      "DenyInsecureTransport",
      "DenyOutdatedTls",
      "DenyUploadsNotSseKms",
      "DenyUploadsWithOtherKeys",
      "DenyObjectReadsOutsideLakeFormation",
      "AllowX",
    ]);
    expect(policy.Statement[4]).toEqual({
      Sid: "DenyObjectReadsOutsideLakeFormation",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectVersionForReplication"],
      Resource: `${ARN}/*`,
      Condition: { ArnNotEquals: { "aws:PrincipalArn": [reader] } },
    });
  });

  it("leaves object reads to IAM when onlyObjectReaders is not given", () => {
    const policy = policyOf(resource(synth(props()), "aws_s3_bucket_policy", "raw"));
    expect(policy.Statement.map((s) => s.Sid)).not.toContain("DenyObjectReadsOutsideLakeFormation");
  });

  it("fails when onlyObjectReaders is empty", () => {
    expect(() => synth(props({ onlyObjectReaders: [] }))).toThrow("onlyObjectReaders is empty: nobody could read the bucket");
  });

  it("exposes the bucket policy, so a service that checks it on creation can wait for it", () => {
    const tf = synthScope((s) => {
      const b = new LakeBucket(s, "raw", props());
      new S3Object(s, "marker", { bucket: b.bucket.id, key: "x", content: "x", dependsOn: [b.policy] });
    });
    expect(resource(tf, "aws_s3_object", "marker").depends_on).toEqual(["aws_s3_bucket_policy.raw"]);
  });

  it("exposes the versioning resource, so an object whose version is pinned (MWAA's requirements) is written after it", () => {
    const tf = synthScope((s) => {
      const b = new LakeBucket(s, "raw", props());
      new S3Object(s, "marker", { bucket: b.bucket.id, key: "x", content: "x", dependsOn: [b.versioning] });
    });
    expect(resource(tf, "aws_s3_object", "marker").depends_on).toEqual(["aws_s3_bucket_versioning.raw"]);
  });

  it("applies the policy only after Block Public Access and ownership controls", () => {
    const policy = resource(synth(props()), "aws_s3_bucket_policy", "raw");
    expect(policy.depends_on).toEqual(["aws_s3_bucket_public_access_block.raw", "aws_s3_bucket_ownership_controls.raw"]);
  });

  it("fails when a policy statement reuses a guard Sid", () => {
    const dup = { Sid: "DenyInsecureTransport", Effect: "Deny" as const, Principal: "*" as const, Action: "s3:*", Resource: ARN };
    expect(() => synth(props({ policyStatements: [dup] }))).toThrow(/duplicate policy statement Sid DenyInsecureTransport/);
  });

  it("sends server access logs to the given target and prefix", () => {
    const logging = resource(synth(props()), "aws_s3_bucket_logging", "raw");
    expect(logging.target_bucket).toBe("acme-sales-logs-dev-111111111111-eu-west-1");
    expect(logging.target_prefix).toBe("raw/");
  });

  it("writes no logging resource for the log bucket itself", () => {
    expect(resourcesOf(synth(props({ accessLogs: undefined })), "aws_s3_bucket_logging")).toEqual({});
  });

  it("sends object events to EventBridge by default, and not when turned off", () => {
    expect(resource(synth(props()), "aws_s3_bucket_notification", "raw").eventbridge).toBe(true);
    expect(resourcesOf(synth(props({ eventBridge: false })), "aws_s3_bucket_notification")).toEqual({});
  });

  it("always has a whole-bucket rule that aborts stale multipart uploads and expires old versions", () => {
    const lc = resource(synth(props()), "aws_s3_bucket_lifecycle_configuration", "raw");
    const rules = lc.rule as Record<string, unknown>[];
    expect(rules).toHaveLength(1);
    expect(rules[0]).toEqual({
      id: "all-objects",
      status: "Enabled",
      filter: [{}],
      abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      noncurrent_version_expiration: [{ noncurrent_days: 90 }],
      expiration: [{ expired_object_delete_marker: true }],
    });
  });

  it("writes transitions and expiry into the whole-bucket rule, and one rule per expiring prefix", () => {
    const lc = resource(
      synth(
        props({
          lifecycle: {
            ...LIFECYCLE,
            intelligentTiering: true,
            glacierAfterDays: 540,
            expireAfterDays: 730,
            prefixExpirations: [{ prefix: "_staging/", days: 3 }],
          },
        }),
      ),
      "aws_s3_bucket_lifecycle_configuration",
      "raw",
    );
    const rules = lc.rule as Record<string, unknown>[];
    expect(rules[0]).toMatchObject({
      transition: [
        { days: 0, storage_class: "INTELLIGENT_TIERING" },
        { days: 540, storage_class: "GLACIER" },
      ],
      expiration: [{ days: 730 }],
    });
    expect(rules[1]).toEqual({ id: "expire-staging", status: "Enabled", filter: [{ prefix: "_staging/" }], expiration: [{ days: 3 }] });
  });
});

describe("lifecycleRules", () => {
  it("puts the whole-bucket rule first, with an empty filter", () => {
    const rules = lifecycleRules({ ...LIFECYCLE, prefixExpirations: [{ prefix: "tmp/", days: 1 }] });
    expect(rules.map((r) => r.id)).toEqual(["all-objects", "expire-tmp"]);
    expect(rules[0]!.filter).toEqual([{}]);
    expect(rules[0]!.abortIncompleteMultipartUpload).toEqual([{ daysAfterInitiation: 7 }]);
  });

  it("derives rule ids from prefixes with only letters, digits and single hyphens", () => {
    const rules = lifecycleRules({ ...LIFECYCLE, prefixExpirations: [{ prefix: "_staging/", days: 7 }, { prefix: "job.scratch/tmp_/", days: 2 }] });
    expect(rules.map((r) => r.id)).toEqual(["all-objects", "expire-staging", "expire-job-scratch-tmp"]);
  });

  it("writes no transition block when neither Intelligent-Tiering nor Glacier is asked for", () => {
    const [all] = lifecycleRules({ ...LIFECYCLE, glacierAfterDays: null, expireAfterDays: null });
    expect(all).not.toHaveProperty("transition");
    expect(all!.expiration).toEqual([{ expiredObjectDeleteMarker: true }]);
  });

  it("moves objects to Glacier without Intelligent-Tiering when only glacierAfterDays is set", () => {
    const [all] = lifecycleRules({ ...LIFECYCLE, glacierAfterDays: 365 });
    expect(all!.transition).toEqual([{ days: 365, storageClass: "GLACIER" }]);
  });
});

describe("LakeBucket prefixWriters", () => {
  it("passes partner prefix writers into the bucket policy, after the guards", () => {
    const tf = synth(props({ prefixWriters: [{ name: "mvno-nordic", accountId: "555555555555", prefix: "drops/mvno-nordic/" }] }));
    const doc = policyOf(resource(tf, "aws_s3_bucket_policy", "raw"));
    expect(doc.Statement.at(-1)).toMatchObject({ Sid: "AllowUploadsByPartnerMvnoNordic", Resource: `${ARN}/drops/mvno-nordic/*` });
    expect(doc.Statement.filter((s) => s.Effect === "Allow")).toHaveLength(1);
  });
});
