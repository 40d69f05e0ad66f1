import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { Construct } from "constructs";
import type { PolicyStatement } from "../identity/policy-document";
import { EncryptionKey } from "../storage/encryption-key";
import { LakeBucket } from "../storage/lake-bucket";

export interface DataEventTrailProps {
  /**
   * Terraform resource name of every resource of this construct.
   * @default - the construct id
   */
  readonly terraformName?: string;
  /** Trail name (3–128 letters, digits, `.`, `_`, `-`); part of the trail ARN the policies name. */
  readonly trailName: string;
  /** Name of the bucket this construct creates for the trail's log files. */
  readonly bucketName: string;
  /** ARN of that bucket, known in advance from its name. */
  readonly bucketArn: string;
  /** Alias of the key this construct creates for the log files, with the `alias/` prefix. */
  readonly keyAlias: string;
  readonly keyDescription: string;
  /** Account that owns the trail, its bucket and its key. */
  readonly accountId: string;
  readonly partition: string;
  /** Region of the trail: the region of the watched buckets (the trail is single-Region). */
  readonly region: string;
  /** ARNs of the buckets whose object-level reads and writes are recorded (the domain's zone buckets). */
  readonly watchedBucketArns: readonly string[];
  /** Where S3 server access logs of the trail bucket go: the domain's existing access-log bucket. */
  readonly accessLogs: { readonly targetBucket: string; readonly targetPrefix: string };
  /**
   * Days after which trail log files expire: a year of audit history plus a
   * month to finish a yearly review. Expired files stay recoverable as
   * noncurrent versions for 30 more days.
   * @default 400
   */
  readonly logRetentionDays?: number;
  /**
   * Record object reads as well as writes. Reads are what "who read which
   * object when" needs; dropping them is a reasoned manifest choice.
   * @default true
   */
  readonly readEvents?: boolean;
}

const DEFAULT_LOG_RETENTION_DAYS = 400;
/** An expired log file stays recoverable this long, then is gone. */
const NONCURRENT_VERSION_EXPIRY_DAYS = 30;
const ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS = 7;
/** CloudTrail allows 500 values over all conditions of a trail's advanced event selectors. */
const MAX_SELECTOR_VALUES = 500;

/**
 * A CloudTrail trail that records S3 data events — object-level reads and
 * writes: who read which object, when — on one data domain's lake buckets.
 * It records no management events (the account's organization trail does);
 * its log files go to a bucket and key of its own, so the people who may read
 * the audit trail need not be those who may read the data.
 *
 * Fixed in code: SSE-KMS under a dedicated key (with rotation), log-file
 * integrity validation, single-Region (the watched buckets are in the trail's
 * Region), and every protection of a LakeBucket on the log bucket.
 *
 * Terraform addresses (all named `<terraformName>`): `aws_cloudtrail`,
 * `aws_kms_key`, `aws_kms_alias`, and the `aws_s3_bucket*` resources of a
 * LakeBucket.
 */
export class DataEventTrail extends Construct {
  readonly trail: Cloudtrail;
  readonly key: EncryptionKey;
  readonly bucket: LakeBucket;
  /** Known in advance, so the key and bucket policies can name it without a cycle. */
  readonly trailArn: string;

  constructor(scope: Construct, id: string, props: DataEventTrailProps) {
    super(scope, id);
    const name = props.terraformName ?? id;
    const retentionDays = props.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
    const problems = validate(props, retentionDays);
    if (problems.length > 0) throw new Error(`DataEventTrail ${name}: ${problems.join("; ")}`);

    const { partition, accountId } = props;
    this.trailArn = `arn:${partition}:cloudtrail:${props.region}:${accountId}:trail/${props.trailName}`;
    const fromThisTrail = { "aws:SourceArn": this.trailArn };
    const cloudtrail = { Service: "cloudtrail.amazonaws.com" };

    this.key = new EncryptionKey(this, "key", {
      terraformName: name,
      alias: props.keyAlias,
      description: props.keyDescription,
      accountId,
      partition,
      statements: [
        {
          Sid: "AllowCloudTrailToEncryptLogs",
          Effect: "Allow",
          Principal: cloudtrail,
          Action: "kms:GenerateDataKey*",
          Resource: "*",
          Condition: {
            StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:${partition}:cloudtrail:*:${accountId}:trail/*` },
            StringEquals: fromThisTrail,
          },
        },
        {
          Sid: "AllowCloudTrailToDescribeKey",
          Effect: "Allow",
          Principal: cloudtrail,
          Action: "kms:DescribeKey",
          Resource: "*",
          Condition: { StringEquals: fromThisTrail },
        },
      ],
    });
    const keyArn = this.key.key.arn;

    // ACLs are off (BucketOwnerEnforced), so the usual x-amz-acl condition on the write grant has nothing to check.
    const grants: PolicyStatement[] = [
      {
        Sid: "AllowCloudTrailAclCheck",
        Effect: "Allow",
        Principal: cloudtrail,
        Action: "s3:GetBucketAcl",
        Resource: props.bucketArn,
        Condition: { StringEquals: fromThisTrail },
      },
      {
        Sid: "AllowCloudTrailWrite",
        Effect: "Allow",
        Principal: cloudtrail,
        Action: "s3:PutObject",
        Resource: `${props.bucketArn}/AWSLogs/${accountId}/*`,
        Condition: { StringEquals: fromThisTrail },
      },
    ];
    this.bucket = new LakeBucket(this, "bucket", {
      terraformName: name,
      bucketName: props.bucketName,
      bucketArn: props.bucketArn,
      // The bucket policy refuses uploads under any key but this one (DenyUploadsWithOtherKeys);
      // CloudTrail writes with kms_key_id, which is this same key ARN, so its deliveries pass.
      encryption: { kind: "kms", kmsKeyArn: keyArn },
      accessLogs: props.accessLogs,
      lifecycle: {
        // Log files are small (below Intelligent-Tiering's 128 KB floor) and read rarely but at once in an audit.
        intelligentTiering: false,
        expireAfterDays: retentionDays,
        noncurrentVersionExpiryDays: NONCURRENT_VERSION_EXPIRY_DAYS,
        abortIncompleteMultipartUploadDays: ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS,
      },
      policyStatements: grants,
      // Nothing is started by trail deliveries.
      eventBridge: false,
    });

    this.trail = new Cloudtrail(this, "trail", {
      name: props.trailName,
      s3BucketName: this.bucket.bucket.bucket,
      kmsKeyId: keyArn,
      enableLogFileValidation: true,
      enableLogging: true,
      includeGlobalServiceEvents: false,
      isMultiRegionTrail: false,
      isOrganizationTrail: false,
      // Only a Data selector: with advanced selectors, a trail with no Management selector records no management events.
      advancedEventSelector: [
        {
          name: "S3 object-level reads and writes on the watched lake buckets",
          fieldSelector: [
            { field: "eventCategory", equalTo: ["Data"] },
            { field: "resources.type", equalTo: ["AWS::S3::Object"] },
            ...(props.readEvents === false ? [{ field: "readOnly", equalTo: ["false"] }] : []),
            { field: "resources.ARN", startsWith: [...props.watchedBucketArns].sort().map((arn) => `${arn}/`) },
          ],
        },
      ],
      // CreateTrail checks that CloudTrail may write to the bucket, so the trail waits for the bucket policy.
      dependsOn: [this.bucket.policy],
    });
    this.trail.overrideLogicalId(name);
  }
}

const BUCKET_NAME = "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]";
const TRAIL_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9]|[._-](?=[A-Za-z0-9]))*$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Every problem with the props, in a fixed order. */
function validate(props: DataEventTrailProps, retentionDays: number): string[] {
  const problems: string[] = [];
  const bucketArnOf = (bucket: string) => `arn:${props.partition}:s3:::${bucket}`;
  const bucketArn = new RegExp(`^arn:${escape(props.partition)}:s3:::${BUCKET_NAME}$`);

  const n = props.trailName;
  if (n.length < 3 || n.length > 128 || !TRAIL_NAME.test(n) || IPV4.test(n)) {
    problems.push(
      `trailName "${n}" is not a CloudTrail trail name (3–128 letters, digits, ".", "_", "-"; starting and ending with a letter or digit; no two of ".", "_", "-" in a row; not an IP address)`,
    );
  }
  if (props.bucketArn !== bucketArnOf(props.bucketName)) {
    problems.push(`bucketArn "${props.bucketArn}" is not the ARN of bucketName "${props.bucketName}" (expected "${bucketArnOf(props.bucketName)}")`);
  }
  if (!/^\d{12}$/.test(props.accountId)) problems.push(`accountId "${props.accountId}" is not a 12-digit AWS account id`);
  if (!/^[a-z]{2,4}(?:-[a-z]+)+-\d+$/.test(props.region)) problems.push(`region "${props.region}" is not an AWS Region code such as "eu-west-1"`);
  if (!props.keyAlias.startsWith("alias/") || props.keyAlias.startsWith("alias/aws/")) {
    problems.push(`keyAlias "${props.keyAlias}" must start with "alias/" and not with "alias/aws/" (reserved for AWS managed keys)`);
  }
  if (!Number.isInteger(retentionDays) || retentionDays < 1) problems.push(`logRetentionDays must be a whole number of days, at least 1; got ${retentionDays}`);

  const watched = props.watchedBucketArns;
  if (watched.length === 0) {
    problems.push("watchedBucketArns is empty: a data-event trail must watch at least one bucket (pass the domain's zone bucket ARNs)");
  }
  const seen = new Set<string>();
  for (const [i, arn] of watched.entries()) {
    if (!bucketArn.test(arn)) {
      problems.push(`watchedBucketArns[${i}] "${arn}" is not an S3 bucket ARN in partition ${props.partition} ("arn:${props.partition}:s3:::<bucket>", no "/" and no wildcard)`);
    }
    if (seen.has(arn)) problems.push(`watchedBucketArns[${i}] "${arn}" is listed twice`);
    seen.add(arn);
    // Each delivery to the trail bucket would be a data event of the trail, recorded and delivered again, without end.
    if (arn === props.bucketArn) problems.push(`watchedBucketArns[${i}] is the trail's own log bucket, which would make every delivery log itself in a loop`);
    // Each delivery writes an access-log record, whose delivery is a data event the trail delivers again, without end.
    if (arn === bucketArnOf(props.accessLogs.targetBucket)) {
      problems.push(`watchedBucketArns[${i}] is the access-log bucket of the trail bucket, which would make trail and access-log deliveries log each other in a loop`);
    }
  }
  // eventCategory and resources.type take one value each.
  if (watched.length + 2 > MAX_SELECTOR_VALUES) {
    problems.push(`watchedBucketArns has ${watched.length} buckets; CloudTrail allows ${MAX_SELECTOR_VALUES - 2} in one trail's selectors (split the domain's buckets over more trails)`);
  }
  return problems;
}
