import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";
import type { PolicyStatement } from "../identity/policy-document";
import { renderPolicy } from "../identity/policy-document";
import { type PrefixWriter, secureBucketPolicy } from "./bucket-policy";

/** How objects are encrypted at rest. */
export type LakeBucketEncryption =
  | { readonly kind: "kms"; readonly kmsKeyArn: string }
  /**
   * SSE-S3, for the one case AWS requires it: a target of S3 server access
   * logs (log delivery cannot use SSE-KMS). The reason shows in the code.
   */
  | { readonly kind: "s3-managed-for-access-logs" };

export interface LakeBucketLifecycle {
  /** Move current objects to Intelligent-Tiering on day 0. */
  readonly intelligentTiering: boolean;
  /** @default - never moved to Glacier */
  readonly glacierAfterDays?: number | null;
  /** @default - never expired */
  readonly expireAfterDays?: number | null;
  readonly noncurrentVersionExpiryDays: number;
  readonly abortIncompleteMultipartUploadDays: number;
  /** Prefixes whose objects are deleted after a number of days (scratch, staging). */
  readonly prefixExpirations?: readonly { readonly prefix: string; readonly days: number }[];
}

export interface LakeBucketProps {
  /**
   * Terraform resource name of every resource of this construct.
   * @default - the construct id
   */
  readonly terraformName?: string;
  readonly bucketName: string;
  /** ARN of the bucket, known in advance from its name. */
  readonly bucketArn: string;
  readonly encryption: LakeBucketEncryption;
  /**
   * Where S3 server access logs go.
   * @default - none: only for the log bucket itself, which is the destination
   */
  readonly accessLogs?: { readonly targetBucket: string; readonly targetPrefix: string };
  readonly lifecycle: LakeBucketLifecycle;
  /**
   * Keys uploads may name besides the bucket key; see secureBucketPolicy.
   * @default - only the bucket key
   */
  readonly additionalUploadKeyArns?: readonly string[];
  /**
   * The only principals allowed to read objects; see secureBucketPolicy.
   * @default - reads are left to IAM
   */
  readonly onlyObjectReaders?: readonly string[];
  /**
   * Other accounts that may upload under a prefix each; see secureBucketPolicy.
   * @default - no other account writes
   */
  readonly prefixWriters?: readonly PrefixWriter[];
  /** Statements appended to the guard statements of the bucket policy. */
  readonly policyStatements?: readonly PolicyStatement[];
  /**
   * Send object events to EventBridge (crawlers and pipelines start from them).
   * @default true
   */
  readonly eventBridge?: boolean;
}

/**
 * An S3 bucket with the protections every lake bucket has, none of them
 * optional: SSE (KMS with bucket keys), all four Block Public Access flags,
 * BucketOwnerEnforced (ACLs off), versioning, a TLS-only policy that refuses
 * uploads under any other key, access logging, and a lifecycle that always
 * aborts stale multipart uploads and expires old versions.
 *
 * Every resource has the Terraform name `<id>`: `aws_s3_bucket.<id>`,
 * `aws_s3_bucket_policy.<id>`, …
 */
export class LakeBucket extends Construct {
  readonly bucket: S3Bucket;
  /** The bucket policy; services that check it on creation (CloudTrail) depend on it. */
  readonly policy: S3BucketPolicy;
  /** Versioning; objects whose version ID is used (MWAA requirements) wait for it. */
  readonly versioning: S3BucketVersioningA;

  constructor(scope: Construct, id: string, props: LakeBucketProps) {
    super(scope, id);
    const name = props.terraformName ?? id;
    const named = <T extends { overrideLogicalId(id: string): void }>(r: T): T => {
      r.overrideLogicalId(name);
      return r;
    };
    this.bucket = named(new S3Bucket(this, "bucket", { bucket: props.bucketName, forceDestroy: false, objectLockEnabled: false }));
    const bucket = this.bucket.id;

    const pab = named(
      new S3BucketPublicAccessBlock(this, "public-access-block", {
        bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      }),
    );
    const ownership = named(new S3BucketOwnershipControls(this, "ownership", { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }));
    this.versioning = named(new S3BucketVersioningA(this, "versioning", { bucket, versioningConfiguration: { status: "Enabled" } }));
    named(
      new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
        bucket,
        rule: [
          props.encryption.kind === "kms"
            ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.encryption.kmsKeyArn }, bucketKeyEnabled: true }
            : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
        ],
      }),
    );
    // The policy is applied after Block Public Access, so a mistake in it can never open the bucket.
    this.policy = named(
      new S3BucketPolicy(this, "policy", {
        bucket,
        policy: renderPolicy(
          secureBucketPolicy({
            bucketArn: props.bucketArn,
            ...(props.encryption.kind === "kms" ? { kmsKeyArn: props.encryption.kmsKeyArn } : {}),
            ...(props.onlyObjectReaders ? { onlyObjectReaders: props.onlyObjectReaders } : {}),
            ...(props.additionalUploadKeyArns ? { additionalUploadKeyArns: props.additionalUploadKeyArns } : {}),
            ...(props.prefixWriters ? { prefixWriters: props.prefixWriters } : {}),
            statements: props.policyStatements ?? [],
          }),
        ),
        dependsOn: [pab, ownership],
      }),
    );
    if (props.accessLogs) {
      named(new S3BucketLoggingA(this, "logging", { bucket, targetBucket: props.accessLogs.targetBucket, targetPrefix: props.accessLogs.targetPrefix }));
    }
    if (props.eventBridge ?? true) named(new S3BucketNotification(this, "notification", { bucket, eventbridge: true }));
    named(new S3BucketLifecycleConfiguration(this, "lifecycle", { bucket, rule: lifecycleRules(props.lifecycle) }));
  }
}

/** The lifecycle rules, in a fixed order. The first applies to every object, as CKV_AWS_300 asks. */
export function lifecycleRules(l: LakeBucketLifecycle): S3BucketLifecycleConfigurationRule[] {
  const transitions = [
    ...(l.intelligentTiering ? [{ days: 0, storageClass: "INTELLIGENT_TIERING" }] : []),
    ...(l.glacierAfterDays ? [{ days: l.glacierAfterDays, storageClass: "GLACIER" }] : []),
  ];
  const rules: S3BucketLifecycleConfigurationRule[] = [
    {
      id: "all-objects",
      status: "Enabled",
      filter: [{}],
      abortIncompleteMultipartUpload: [{ daysAfterInitiation: l.abortIncompleteMultipartUploadDays }],
      noncurrentVersionExpiration: [{ noncurrentDays: l.noncurrentVersionExpiryDays }],
      expiration: l.expireAfterDays ? [{ days: l.expireAfterDays }] : [{ expiredObjectDeleteMarker: true }],
      ...(transitions.length > 0 ? { transition: transitions } : {}),
    },
  ];
  for (const p of l.prefixExpirations ?? []) {
    rules.push({
      id: `expire-${p.prefix.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "")}`,
      status: "Enabled",
      filter: [{ prefix: p.prefix }],
      expiration: [{ days: p.days }],
    });
  }
  return rules;
}
