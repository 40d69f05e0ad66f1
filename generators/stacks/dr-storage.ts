import type { Construct } from "constructs";
import { secondRegionProvider, inRegionOf } from "../../modules/stack/second-region";
import { ArtifactObject } from "../../modules/storage/artifact-object";
import { BucketReplication } from "../../modules/storage/bucket-replication";
import { EncryptionKey } from "../../modules/storage/encryption-key";
import { LakeBucket } from "../../modules/storage/lake-bucket";
import { ReplicaKey } from "../../modules/storage/replica-key";
import { catalogExportText } from "../export/build";
import type { DomainDeploymentModel, EnvironmentModel, StackModel } from "../model/types";
import { accessLogBucket, zoneLifecycle } from "./buckets";

/**
 * Always-on disaster recovery, in the stacks that exist before any disaster.
 *
 * A zone key's replica needs the primary key's ARN, which exists only once
 * the key does; a separate DR stack could get it only through a cross-stack
 * reference or a data source, and Lakeform stacks use neither (each plans
 * alone, offline). So the domain stack holds its DR side under a second
 * provider, `aws.dr`, and Terraform orders it: zone key → replica key →
 * DR bucket → replication configuration. The platform stack holds the
 * environment's catalog-export bucket in the DR region the same way.
 */

/** The DR provider of a stack (created once). */
const drProvider = (scope: Construct, stack: StackModel, region: string) =>
  secondRegionProvider(scope, { alias: "dr", region, accountId: stack.accountId, defaultTags: stack.defaultTags });

/** Who may read a zone bucket's objects besides its registration role: the replication role, when the zone is replicated. */
export function replicationReaders(dep: DomainDeploymentModel, zone: string): string[] {
  const z = dep.dr.zones.find((x) => x.zone === zone);
  return z?.replication && dep.dr.replicationRole ? [dep.dr.replicationRole.arn] : [];
}

/**
 * The domain's DR side: its catalog export (shipCatalogExport); per zone
 * `aws_kms_replica_key.dr__<zone>` with `aws_kms_alias.dr__<zone>` (the
 * zone's alias in the DR region) and `aws_s3_bucket.dr__<zone>` with every
 * protection of a lake bucket; their logs, and those of the DR artifacts
 * bucket the DR compute stack creates, in `aws_s3_bucket.dr__access_logs`;
 * per replicated zone `aws_s3_bucket_replication_configuration.<zone>` on the
 * zone bucket, under `aws_iam_role.replication`. A zone that is not
 * replicated has its DR bucket all the same, empty until a failover
 * recomputes into it, so a rebuild registers every zone.
 */
export function alwaysOnDrStorage(
  scope: Construct,
  stack: StackModel,
  dep: DomainDeploymentModel,
  zoneKeys: ReadonlyMap<string, string>,
  zoneBuckets: ReadonlyMap<string, LakeBucket>,
): void {
  const dr = dep.dr;
  const provider = drProvider(scope, stack, dr.region);
  shipCatalogExport(scope, stack, dep);
  const replicaKeys = new Map<string, ReplicaKey>();
  for (const z of dr.zones) {
    replicaKeys.set(
      z.zone,
      new ReplicaKey(scope, `dr-${z.zone}-key`, {
        terraformName: `dr__${z.zone}`,
        primaryKeyArn: zoneKeys.get(z.zone)!,
        alias: z.key.alias,
        description: z.key.description,
        accountId: dep.accountId,
        partition: dep.partition,
        provider,
      }),
    );
  }

  const logs = accessLogBucket(scope, "dr-access-logs", {
    terraformName: "dr__access_logs",
    bucket: dr.logBucket,
    retentionDays: dr.logBucket.logRetentionDays,
    accountId: dep.accountId,
    sourceBucketArns: [...dr.zones.map((z) => z.bucket.arn), dr.artifactsBucket.arn],
  });
  inRegionOf(logs, provider);

  const drBuckets = new Map<string, LakeBucket>();
  for (const z of dr.zones) {
    const bucket = new LakeBucket(scope, `dr-${z.zone}-bucket`, {
      terraformName: `dr__${z.zone}`,
      bucketName: z.bucket.name,
      bucketArn: z.bucket.arn,
      encryption: { kind: "kms", kmsKeyArn: replicaKeys.get(z.zone)!.key.arn },
      // DR compute knows the replica only by its alias: its key ID exists once the primary stack has applied.
      additionalUploadKeyArns: [z.key.aliasArn],
      // As in the primary: only the (DR) registration role reads objects, so a rebuilt lake reads them through Lake Formation.
      onlyObjectReaders: [z.readerRoleArn],
      accessLogs: { targetBucket: logs.bucket.id, targetPrefix: z.bucket.logPrefix },
      lifecycle: zoneLifecycle(z.bucket.lifecycle),
    });
    inRegionOf(bucket, provider);
    drBuckets.set(z.zone, bucket);
  }

  const replicated = dr.zones.filter((z) => z.replication);
  if (replicated.length === 0 || !dr.replicationRole) return;
  const buckets = replicated.map((z) => {
    const bucket = drBuckets.get(z.zone)!;
    const source = zoneBuckets.get(z.zone)!;
    return {
      name: z.zone,
      sourceBucket: source.bucket.id,
      sourceBucketArn: dep.zones.find((x) => x.name === z.zone)!.bucket.arn,
      sourceKeyArn: zoneKeys.get(z.zone)!,
      sourceRegion: dep.region,
      destinationBucketArn: z.bucket.arn,
      destinationKeyArn: replicaKeys.get(z.zone)!.key.arn,
      destinationRegion: dr.region,
      timeControl: z.replication!.timeControl,
      deleteMarkers: z.replication!.deleteMarkers,
      dependsOn: [source.versioning, bucket.versioning, bucket.policy],
    };
  });
  new BucketReplication(scope, "replication", {
    roleName: dr.replicationRole.name,
    accountId: dep.accountId,
    partition: dep.partition,
    buckets,
  });
}

/**
 * The deployment's catalog export, `aws_s3_object.catalog_export`, in the
 * environment's export bucket (DR region, platform stack): the file's
 * bytes in the configuration, SSE-KMS under the export bucket's key (named
 * by alias: that key belongs to the platform stack).
 */
export function shipCatalogExport(scope: Construct, stack: StackModel, dep: DomainDeploymentModel): void {
  const content = catalogExportText(dep);
  const provider = drProvider(scope, stack, dep.dr.region);
  const object = new ArtifactObject(scope, "catalog-export", {
    terraformName: "catalog_export",
    bucket: dep.dr.export.bucket.name,
    key: dep.dr.export.objectKey,
    content,
    contentType: "application/json",
    kmsKeyArn: dep.dr.export.keyAliasArn,
  });
  inRegionOf(object, provider);
}

/**
 * The environment's catalog-export storage in the DR region (platform
 * stack): `aws_kms_key.catalog_export` (with its alias), `aws_s3_bucket.catalog_export`
 * (versioned: every export a domain stack ever shipped stays, old versions
 * for 400 days) and its log bucket `aws_s3_bucket.dr__access_logs`.
 */
export function catalogExportStorage(scope: Construct, stack: StackModel, env: EnvironmentModel): void {
  const dr = env.dr;
  const provider = drProvider(scope, stack, dr.region);
  const key = new EncryptionKey(scope, "catalog-export-key", {
    terraformName: "catalog_export",
    alias: dr.exportKey.alias,
    description: dr.exportKey.description,
    accountId: env.accountId,
    partition: env.partition,
  });
  inRegionOf(key, provider);
  const logs = accessLogBucket(scope, "dr-access-logs", {
    terraformName: "dr__access_logs",
    bucket: dr.logBucket,
    retentionDays: dr.logBucket.logRetentionDays,
    accountId: env.accountId,
    sourceBucketArns: [dr.exportBucket.arn],
  });
  inRegionOf(logs, provider);
  const bucket = new LakeBucket(scope, "catalog-export-bucket", {
    terraformName: "catalog_export",
    bucketName: dr.exportBucket.name,
    bucketArn: dr.exportBucket.arn,
    encryption: { kind: "kms", kmsKeyArn: key.key.arn },
    // Domain stacks name the key by its alias ARN (they cannot know its ID).
    additionalUploadKeyArns: [dr.exportKey.aliasArn],
    accessLogs: { targetBucket: logs.bucket.id, targetPrefix: "catalog-export/" },
    lifecycle: { intelligentTiering: false, noncurrentVersionExpiryDays: 400, abortIncompleteMultipartUploadDays: 7 },
    eventBridge: false,
  });
  inRegionOf(bucket, provider);
}
