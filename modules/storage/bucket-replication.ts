import { S3BucketReplicationConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { PolicyStatement } from "../identity/policy-document";
import { policyDocument } from "../identity/policy-document";
import { ServiceRole } from "../identity/service-role";
import { pascalCase } from "./bucket-policy";

/** One source bucket replicated into one destination bucket in another region. */
export interface ReplicatedBucket {
  /** Names the replication configuration (`aws_s3_bucket_replication_configuration.<name>`) and the role's statements. */
  readonly name: string;
  /** The source bucket's `id` (pass the resource's, so the configuration waits for it). */
  readonly sourceBucket: string;
  readonly sourceBucketArn: string;
  /** The key the source objects are encrypted with. */
  readonly sourceKeyArn: string;
  readonly sourceRegion: string;
  readonly destinationBucketArn: string;
  /** The key replicas are encrypted with (the source key's multi-Region replica); pass the resource's `arn`. */
  readonly destinationKeyArn: string;
  readonly destinationRegion: string;
  /**
   * S3 Replication Time Control (15 minutes) with replication metrics.
   * @default false
   */
  readonly timeControl?: boolean;
  /**
   * Replicate delete markers; the role may then `s3:ReplicateDelete` into this destination.
   * @default false
   */
  readonly deleteMarkers?: boolean;
  /** Versioning of both buckets: S3 refuses a replication configuration before it is on. */
  readonly dependsOn: readonly ITerraformDependable[];
}

export interface BucketReplicationProps {
  /** Terraform name of the role (`aws_iam_role.<name>`). @default - the construct id */
  readonly terraformName?: string;
  readonly roleName: string;
  readonly accountId: string;
  readonly partition: string;
  readonly buckets: readonly ReplicatedBucket[];
}

/** `s3.<region>.amazonaws.com` (or `.amazonaws.com.cn`): the only way the role may use a key. */
const s3Via = (partition: string, region: string) => `s3.${region}.${partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com"}`;

/**
 * The replication role's one policy, least privilege: read the replication
 * configuration and the object versions of the source buckets, write
 * replicas (and delete markers only where they are replicated) into the
 * destinations, decrypt with each source key and encrypt with each replica
 * key only through S3 in that key's region and only for that bucket (the
 * encryption context is the object's ARN, or the bucket's with S3 Bucket
 * Keys, so both are listed).
 */
export function replicationPolicyStatements(partition: string, buckets: readonly ReplicatedBucket[]): PolicyStatement[] {
  const sorted = [...buckets].sort((a, b) => (a.name < b.name ? -1 : 1));
  const deletes = sorted.filter((b) => b.deleteMarkers);
  return [
    {
      Sid: "ReadReplicationConfiguration",
      Effect: "Allow",
      Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
      Resource: sorted.map((b) => b.sourceBucketArn),
    },
    {
      Sid: "ReadSourceVersions",
      Effect: "Allow",
      Action: ["s3:GetObjectVersionAcl", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging"],
      Resource: sorted.map((b) => `${b.sourceBucketArn}/*`),
    },
    {
      Sid: "WriteReplicas",
      Effect: "Allow",
      Action: ["s3:ReplicateObject", "s3:ReplicateTags"],
      Resource: sorted.map((b) => `${b.destinationBucketArn}/*`),
    },
    ...(deletes.length > 0
      ? [{ Sid: "ReplicateDeleteMarkers", Effect: "Allow" as const, Action: "s3:ReplicateDelete", Resource: deletes.map((b) => `${b.destinationBucketArn}/*`) }]
      : []),
    ...sorted.flatMap((b): PolicyStatement[] => [
      {
        Sid: `DecryptSource${pascalCase(b.name)}`,
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: b.sourceKeyArn,
        Condition: {
          StringEquals: { "kms:ViaService": s3Via(partition, b.sourceRegion) },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": [b.sourceBucketArn, `${b.sourceBucketArn}/*`] },
        },
      },
      {
        Sid: `EncryptReplicas${pascalCase(b.name)}`,
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:GenerateDataKey"],
        Resource: b.destinationKeyArn,
        Condition: {
          StringEquals: { "kms:ViaService": s3Via(partition, b.destinationRegion) },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": [b.destinationBucketArn, `${b.destinationBucketArn}/*`] },
        },
      },
    ]),
  ];
}

/**
 * Cross-region replication of buckets under one role. Every rule replicates
 * the whole bucket, SSE-KMS objects included (re-encrypted under the
 * destination key), into the STANDARD class; Replication Time Control and
 * delete markers per bucket. Objects that existed before the configuration
 * are not replicated (S3 Batch Replication copies them once).
 *
 * Terraform addresses: `aws_iam_role.<name>` (with `aws_iam_role_policy.<name>__replicate`)
 * and `aws_s3_bucket_replication_configuration.<bucket name>` per bucket.
 */
export class BucketReplication extends Construct {
  readonly role: ServiceRole;
  readonly configurations: S3BucketReplicationConfigurationA[] = [];

  constructor(scope: Construct, id: string, props: BucketReplicationProps) {
    super(scope, id);
    if (props.buckets.length === 0) throw new Error(`BucketReplication ${id}: no buckets to replicate`);
    const same = props.buckets.filter((b) => b.sourceRegion === b.destinationRegion).map((b) => b.name);
    if (same.length > 0) throw new Error(`BucketReplication ${id}: ${same.join(", ")} would replicate within one region; cross-region replication needs another`);
    this.role = new ServiceRole(this, "role", {
      terraformName: props.terraformName ?? id,
      roleName: props.roleName,
      description: `S3 replicates ${props.buckets.map((b) => b.name).sort().join(", ")} into the DR region`,
      servicePrincipal: "s3.amazonaws.com",
      accountId: props.accountId,
      policies: { replicate: policyDocument(replicationPolicyStatements(props.partition, props.buckets)) },
    });
    for (const b of props.buckets) {
      const rtc = b.timeControl ?? false;
      const config = new S3BucketReplicationConfigurationA(this, `configuration-${b.name}`, {
        bucket: b.sourceBucket,
        role: this.role.role.arn,
        rule: [
          {
            id: `replicate-${b.name}`,
            status: "Enabled",
            priority: 1,
            filter: { prefix: "" },
            deleteMarkerReplication: { status: b.deleteMarkers ? "Enabled" : "Disabled" },
            sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
            destination: {
              bucket: b.destinationBucketArn,
              storageClass: "STANDARD",
              encryptionConfiguration: { replicaKmsKeyId: b.destinationKeyArn },
              ...(rtc ? { replicationTime: { status: "Enabled", time: { minutes: 15 } }, metrics: { status: "Enabled", eventThreshold: { minutes: 15 } } } : {}),
            },
          },
        ],
        // The role's policy must exist before S3 tries it.
        dependsOn: [...b.dependsOn, ...Object.values(this.role.policies)],
      });
      config.overrideLogicalId(b.name);
      this.configurations.push(config);
    }
  }
}
