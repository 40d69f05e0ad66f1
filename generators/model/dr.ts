import { bucketArn, bucketName, iamRoleArn, iamRoleName, kmsAlias, kmsAliasArn, type NameContext } from "./names";
import { type OwnPrincipalKind, ownRoleName, ownRolesOf } from "./own-roles";
import type { BucketModel, LifecycleModel, Partition } from "./types";

/**
 * Disaster-recovery names. A DR resource has the name its primary
 * counterpart would have in the DR region: bucket and role names end in the
 * region, and KMS aliases are per region, so the primary's naming functions
 * with `region` set to the DR region give names that are unique, readable and
 * known before apply — and a rebuild in the DR region finds its storage under
 * the names its own stacks would derive.
 *
 * - zone bucket in the DR region: `<org>-<domain>-<zone>-<env>-<account>-<dr region>`,
 *   always on for every zone (a replicated zone's replicas; for the others,
 *   empty until a failover recomputes into it);
 * - zone key replica: the zone key's multi-Region replica, aliased
 *   `alias/<org>/<env>/<domain>/<zone>` in the DR region;
 * - DR access-log bucket: `<org>-<domain>-logs-<env>-<account>-<dr region>`;
 * - the domain's artifacts bucket in the DR region (created by the DR compute
 *   stack, its access logs in the DR access-log bucket):
 *   `<org>-<domain>-artifacts-<env>-<account>-<dr region>`;
 * - Lake Formation registration role of a DR bucket:
 *   `<org>-<domain>-lf-<zone>-<env>-<dr region>` (the only reader of its objects);
 * - replication role: `<org>-<domain>-replication-<env>-<primary region>`;
 * - Lakeform's own roles (jobs, quality, crawlers, the pipeline's MWAA role):
 *   the names the Model gives them with the DR region as primary
 *   (own-roles.ts), which the DR compute stacks create;
 * - catalog-export bucket, one per environment, in the DR region:
 *   `<org>-platform-catalog-export-<env>-<account>-<dr region>`, encrypted
 *   with `alias/<org>/<env>/platform/catalog-export`, its access logs in
 *   `<org>-platform-logs-<env>-<account>-<dr region>`;
 * - export object: `catalog-export/<env>/<domain>.json`, the same path as
 *   the file written on synth under `cdktf.out/`.
 */

/** The name context of the DR region: the same organization, environment and account. */
export const drContext = (ctx: NameContext, drRegion: string): NameContext => ({ ...ctx, region: drRegion });

/** Purpose segment of the platform's DR buckets and keys. */
export const PLATFORM_SEGMENT = "platform";

/** The zone's bucket in the DR region. */
export function drZoneBucket(ctx: NameContext, partition: Partition, drRegion: string, domain: string, zone: string): BucketModel {
  const name = bucketName(drContext(ctx, drRegion), domain, zone);
  return { name, arn: bucketArn(partition, name) };
}

/** The zone key's replica in the DR region: the primary's alias, in the DR region. */
export function replicaKeyAlias(ctx: NameContext, partition: Partition, drRegion: string, domain: string, zone: string): { alias: string; aliasArn: string } {
  const alias = kmsAlias(ctx, domain, zone);
  return { alias, aliasArn: kmsAliasArn(partition, drContext(ctx, drRegion), alias) };
}

/** Receives the server access logs of the domain's DR buckets (zones and artifacts). */
export function drLogBucket(ctx: NameContext, partition: Partition, drRegion: string, domain: string): BucketModel {
  const name = bucketName(drContext(ctx, drRegion), domain, "logs");
  return { name, arn: bucketArn(partition, name) };
}

/** The domain's artifacts bucket when the Model is built with the DR region as primary (generators/model/build.ts), as the DR compute stack creates it. */
export function drArtifactsBucket(ctx: NameContext, partition: Partition, drRegion: string, domain: string): BucketModel {
  const name = bucketName(drContext(ctx, drRegion), domain, "artifacts");
  return { name, arn: bucketArn(partition, name) };
}

/** The role Lake Formation uses to reach a zone's DR bucket: the only reader its read guard lets through. */
export function drRegistrationRole(ctx: NameContext, partition: Partition, drRegion: string, domain: string, zone: string): { name: string; arn: string } {
  const name = iamRoleName(drContext(ctx, drRegion), domain, `lf-${zone}`);
  return { name, arn: iamRoleArn(partition, ctx.accountId, name) };
}

/**
 * The DR-region role of one of Lakeform's own principals in an exported
 * grant: `principal` (the primary's role ARN) with kind `job`, `pipeline` or
 * `crawler` and its principal name (`job:<job>`, `job:quality`,
 * `pipeline:<env>`, `crawler:<crawler>`). `ctx` is the export's source (the
 * primary region). The principal must be the role the Model names for that
 * principal name in the primary region (which also tells the quality role
 * from a job named `quality`); the DR role is the one it names in the DR
 * region — the role the DR compute stacks create. Otherwise `why` says why
 * the principal stays as exported.
 */
export function drOwnPrincipal(
  ctx: NameContext,
  partition: Partition,
  drRegion: string,
  domain: string,
  kind: OwnPrincipalKind,
  principalName: string | null,
  principal: string,
): { readonly name: string; readonly arn: string } | { readonly why: string } {
  const of = ownRolesOf(kind, principalName, ctx.environment);
  if ("why" in of) return of;
  const arnIn = (c: NameContext, role: (typeof of.roles)[number]) => iamRoleArn(partition, ctx.accountId, ownRoleName(c, domain, role));
  const role = of.roles.find((r) => arnIn(ctx, r) === principal);
  if (!role) return { why: `it is not the role Lakeform names ${principalName} in ${ctx.region} (${of.roles.map((r) => arnIn(ctx, r)).join(" or ")})` };
  const name = ownRoleName(drContext(ctx, drRegion), domain, role);
  return { name, arn: iamRoleArn(partition, ctx.accountId, name) };
}

/** The role S3 replicates the domain's zones with (in the primary region). */
export function replicationRole(ctx: NameContext, partition: Partition, domain: string): { name: string; arn: string } {
  const name = iamRoleName(ctx, domain, "replication");
  return { name, arn: iamRoleArn(partition, ctx.accountId, name) };
}

/** The environment's catalog-export bucket, in the DR region. */
export function catalogExportBucket(ctx: NameContext, partition: Partition, drRegion: string): BucketModel {
  const name = bucketName(drContext(ctx, drRegion), PLATFORM_SEGMENT, "catalog-export");
  return { name, arn: bucketArn(partition, name) };
}

/** The key of the environment's catalog-export bucket (single-Region, in the DR region). */
export function catalogExportKey(ctx: NameContext, partition: Partition, drRegion: string): { alias: string; aliasArn: string } {
  const alias = kmsAlias(ctx, PLATFORM_SEGMENT, "catalog-export");
  return { alias, aliasArn: kmsAliasArn(partition, drContext(ctx, drRegion), alias) };
}

/** Receives the server access logs of the platform's DR-region buckets (the export bucket). */
export function platformDrLogBucket(ctx: NameContext, partition: Partition, drRegion: string): BucketModel {
  const name = bucketName(drContext(ctx, drRegion), PLATFORM_SEGMENT, "logs");
  return { name, arn: bucketArn(partition, name) };
}

/** `catalog-export/<env>/<domain>.json`: the object key in the export bucket, and the file's path under the synth output directory. */
export const catalogExportPath = (environment: string, domain: string) => `catalog-export/${environment}/${domain}.json`;

// ---------------------------------------------------------------------------
// The Model's DR parts

/** A zone's DR side: its key replica and its DR bucket (every zone) and, when replicated, its replication settings. */
export interface ZoneDrModel {
  readonly zone: string;
  /** The zone key's replica in the DR region. */
  readonly key: { readonly alias: string; readonly aliasArn: string; readonly description: string };
  /** The zone's bucket in the DR region, always on: it receives the replicas when `replication` is set, else stays empty until a failover recomputes into it. */
  readonly bucket: BucketModel & { readonly logPrefix: string; readonly lifecycle: LifecycleModel };
  /** The DR registration role: the only reader the DR bucket's read guard lets through. */
  readonly readerRoleArn: string;
  /** null: the zone is not replicated (recomputed from raw into its DR bucket after a failover). */
  readonly replication: {
    /** S3 Replication Time Control: 99.99 % of objects within 15 minutes, with metrics. */
    readonly timeControl: boolean;
    /** Replicate delete markers (off: a delete in the primary leaves the replica's current version). */
    readonly deleteMarkers: boolean;
  } | null;
}

/** The deployment's always-on DR storage, created by the domain stack under its DR-region provider. */
export interface DomainDrModel {
  readonly region: string;
  readonly zones: readonly ZoneDrModel[];
  /** null when no zone is replicated. */
  readonly replicationRole: { readonly name: string; readonly arn: string } | null;
  /** Server access logs of the DR zone buckets and of the DR artifacts bucket. */
  readonly logBucket: BucketModel & { readonly logRetentionDays: number };
  /** The domain's artifacts bucket in the DR region: not created here (the DR compute stack creates it), but its access logs go to `logBucket`. */
  readonly artifactsBucket: BucketModel;
  /**
   * The deployment's catalog export: where it goes (the environment's export
   * bucket, object key, the bucket's key), and what it needs beyond the
   * deployment (the organization, the domain, the platform's LF-tag taxonomy).
   */
  readonly export: {
    readonly bucket: BucketModel;
    readonly objectKey: string;
    readonly keyAliasArn: string;
    readonly organization: string;
    readonly domain: string;
    readonly lfTags: readonly { readonly key: string; readonly values: readonly string[] }[];
  };
}

/** The environment's DR-region resources in the platform stack. */
export interface EnvironmentDrModel {
  readonly region: string;
  readonly exportBucket: BucketModel;
  readonly exportKey: { readonly alias: string; readonly aliasArn: string; readonly description: string };
  /** Access logs of the export bucket. */
  readonly logBucket: BucketModel & { readonly logRetentionDays: number };
}

/** A zone's replication settings as the manifest gives them (all optional). */
export interface ZoneReplicationInput {
  readonly replicate?: boolean | undefined;
  readonly replicationTimeControl?: boolean | undefined;
  readonly replicateDeletes?: boolean | undefined;
}

/** raw is the system of record: replicated unless the manifest says otherwise; other zones only when marked. */
export const replicatesByDefault = (zone: string) => zone === "raw";

export function environmentDrOf(ctx: NameContext, partition: Partition, drRegion: string, logRetentionDays: number): EnvironmentDrModel {
  const key = catalogExportKey(ctx, partition, drRegion);
  return {
    region: drRegion,
    exportBucket: catalogExportBucket(ctx, partition, drRegion),
    exportKey: { ...key, description: `Catalog exports of every domain (${ctx.environment}), in the DR region` },
    logBucket: { ...platformDrLogBucket(ctx, partition, drRegion), logRetentionDays },
  };
}

export function domainDrOf(
  ctx: NameContext,
  partition: Partition,
  drRegion: string,
  domain: string,
  zones: readonly { readonly name: string; readonly lifecycle: LifecycleModel; readonly manifest: ZoneReplicationInput }[],
  logRetentionDays: number,
  taxonomy: Readonly<Record<string, { readonly values: readonly string[] }>>,
): DomainDrModel {
  const drZones: ZoneDrModel[] = zones.map((z) => {
    const replicate = z.manifest.replicate ?? replicatesByDefault(z.name);
    const key = replicaKeyAlias(ctx, partition, drRegion, domain, z.name);
    return {
      zone: z.name,
      key: { ...key, description: `${domain} ${z.name} zone (${ctx.environment}): replica of the zone key in the DR region` },
      bucket: { ...drZoneBucket(ctx, partition, drRegion, domain, z.name), logPrefix: `${z.name}/`, lifecycle: z.lifecycle },
      readerRoleArn: drRegistrationRole(ctx, partition, drRegion, domain, z.name).arn,
      replication: replicate ? { timeControl: z.manifest.replicationTimeControl ?? false, deleteMarkers: z.manifest.replicateDeletes ?? false } : null,
    };
  });
  const any = drZones.some((z) => z.replication);
  return {
    region: drRegion,
    zones: drZones,
    replicationRole: any ? replicationRole(ctx, partition, domain) : null,
    logBucket: { ...drLogBucket(ctx, partition, drRegion, domain), logRetentionDays },
    artifactsBucket: drArtifactsBucket(ctx, partition, drRegion, domain),
    export: {
      bucket: catalogExportBucket(ctx, partition, drRegion),
      objectKey: catalogExportPath(ctx.environment, domain),
      keyAliasArn: catalogExportKey(ctx, partition, drRegion).aliasArn,
      organization: ctx.organization,
      domain,
      lfTags: Object.keys(taxonomy)
        .sort()
        .map((key) => ({ key, values: [...new Set(taxonomy[key]!.values)].sort() })),
    },
  };
}
