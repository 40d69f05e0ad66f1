import { createHash } from "node:crypto";
import { dqdlRuleset } from "../manifest/dqdl";
import { parseColumnType } from "../manifest/column-type";
import { parseRowFilter } from "../manifest/row-filter";
import type { Problem } from "../manifest/errors";
import type { ParsedDomain } from "../manifest/rules";
import {
  DEFAULT_ZONES,
  type DomainManifestOutput,
  type GrantManifestOutput,
  type JobManifestOutput,
  type ZoneManifestOutput,
} from "../manifest/schema/domain";
import type { DagTaskModel } from "../dags/types";
import type { PlatformManifestOutput } from "../manifest/schema/platform";
import { ingestionInvariants, ingestionOf } from "./ingestion";
import { guardrailsOf } from "./guardrails";
import {
  LIMITS,
  bucketArn,
  bucketName,
  bucketNameProblems,
  databaseArn,
  databaseName,
  iamRoleArn,
  iamRoleName,
  kmsAlias,
  kmsAliasArn,
  partitionOf,
  resourceLinkName,
  tableArn,
  trailName,
  type NameContext,
} from "./names";
import type {
  BackendModel,
  ColumnModel,
  DomainDeploymentModel,
  DomainModel,
  EnvironmentModel,
  GrantModel,
  JobModel,
  LfTagAssignmentModel,
  LifecycleModel,
  Model,
  PrincipalKind,
  StackModel,
  TableModel,
  ZoneModel,
} from "./types";
import { emrServerlessPlaceholder } from "./types";
import { eksOf, emrEksDeploymentOf, emrEksTask } from "./emr-eks";
import { discoveryOf } from "./discovery";
import { type PipelineQueriesModel, defaultTaskTimeoutMinutes, queriesOf, queryGrants } from "./queries";
import { fleetDagTask, fleetOf } from "./fleet";
import { budgetOf, costAllocationTagsOf } from "./budget";

/**
 * The run reads and writes through Lake Formation (fine-grained access
 * control): masks and row filters apply, and the lake buckets' objects are
 * reached with Lake Formation's credentials, never the role's.
 */
export const EMR_SERVERLESS_LAKE_FORMATION = "--conf spark.emr-serverless.lakeformation.enabled=true";
import { domainDrOf, environmentDrOf } from "./dr";
import { ownRoleName, pipelineRoleName } from "./own-roles";

/** Days the per-domain access-log bucket keeps server access logs. */
export const ACCESS_LOG_RETENTION_DAYS = 400;


const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const sorted = (xs: readonly string[]) => [...new Set(xs)].sort();
const sortedRecord = (r: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const assignments = (r: Record<string, string>): LfTagAssignmentModel[] =>
  Object.entries(sortedRecord(r)).map(([key, value]) => ({ key, value }));

/** raw, processed, curated first (in flow order), then any other zone by name. */
export function zoneOrder(a: string, b: string): number {
  const rank = (z: string) => {
    const i = (DEFAULT_ZONES as readonly string[]).indexOf(z);
    return i < 0 ? DEFAULT_ZONES.length : i;
  };
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

const DEFAULT_ZONE: ZoneManifestOutput = {
  description: "",
  lfTags: {},
  lifecycle: {
    expireAfterDays: null,
    noncurrentVersionExpiryDays: 90,
    abortIncompleteMultipartUploadDays: 7,
    staging: { prefix: "_staging/", expireAfterDays: 7 },
  },
};

const ZONE_DESCRIPTIONS: Record<string, string> = {
  raw: "as landed, immutable, partitioned by ingest date; the system of record",
  processed: "cleaned, conformed, deduplicated, columnar",
  curated: "business-level marts and feature tables",
};

function lifecycleOf(zone: string, z: ZoneManifestOutput): LifecycleModel {
  const l = z.lifecycle;
  return {
    intelligentTiering: l.intelligentTiering ?? zone === "raw",
    glacierAfterDays: l.glacierAfterDays === undefined ? (zone === "raw" ? 540 : null) : l.glacierAfterDays,
    expireAfterDays: l.expireAfterDays,
    noncurrentVersionExpiryDays: l.noncurrentVersionExpiryDays,
    abortIncompleteMultipartUploadDays: l.abortIncompleteMultipartUploadDays,
    stagingPrefix: l.staging.prefix,
    stagingExpireAfterDays: l.staging.expireAfterDays,
  };
}

function backendOf(env: PlatformManifestOutput["environments"][string], stack: string, primary: string): BackendModel {
  const b = env.backend;
  if (b.type === "local") return { type: "local", path: `terraform.${stack}.tfstate` };
  return { type: "s3", bucket: b.bucket, key: `${b.keyPrefix}/${stack}.tfstate`, region: b.region ?? primary, ...(b.kmsKeyArn ? { kmsKeyArn: b.kmsKeyArn } : {}) };
}

function column(c: { name: string; type: string; comment: string; lfTags: Record<string, string> }): ColumnModel {
  const parsed = parseColumnType(c.type);
  return { name: c.name, type: parsed.ok ? parsed.canonical : c.type, comment: c.comment, lfTags: assignments(c.lfTags) };
}

function mwaaOf(platform: PlatformManifestOutput, env: string, accountId: string): EnvironmentModel["mwaa"] {
  const region = platform.regions.primary;
  const ctx: NameContext = { organization: platform.organization, environment: env, accountId, region };
  const bucket = bucketName(ctx, "platform", "airflow");
  const role = pipelineRoleName(ctx);
  return {
    name: `${platform.organization}-${env}`,
    bucket: { name: bucket, arn: bucketArn(partitionOf(region), bucket) },
    keyAlias: kmsAlias(ctx, "platform", "mwaa"),
    keyAliasArn: kmsAliasArn(partitionOf(region), ctx, kmsAlias(ctx, "platform", "mwaa")),
    executionRole: { name: role, arn: iamRoleArn(partitionOf(region), accountId, role) },
    ...platform.mwaa,
    requirements: [...platform.mwaa.requirements].sort(),
  };
}

/** The DAG of a domain's pipeline, every name resolved (EMR Serverless application IDs as placeholders). */
function dagOf(
  m: DomainManifestOutput,
  env: EnvironmentModel,
  stack: string,
  jobs: readonly JobModel[],
  quality: DomainDeploymentModel["quality"],
  artifactsBucket: string,
  queries: PipelineQueriesModel,
  emrEks: DomainDeploymentModel["emrEks"] = null,
): DomainDeploymentModel["pipeline"] {
  const p = m.pipeline;
  if (!p) return null;
  const dagId = `${m.name.replace(/-/g, "_")}_${env.name}`;
  const tasks: DagTaskModel[] = p.tasks.map((t) => {
    const after = [...t.after].sort();
    const timeout = (kind: DagTaskModel["kind"]) => ({ timeoutMinutes: t.timeoutMinutes ?? defaultTaskTimeoutMinutes(kind, m.jobs.find((j) => j.name === t.job)) });
    if (t.query !== undefined) {
      const q = queries.tasks.find((x) => x.task === t.name)!;
      const wg = queries.workgroups.find((w) => w.name === q.workgroup)!;
      return { kind: "athena", ...timeout("athena"), id: t.name, after, query: q.sql, database: q.into.database, workgroup: wg.name, outputLocation: wg.outputLocation };
    }
    if (t.job !== undefined) {
      const job = jobs.find((j) => j.name === t.job)!;
      if (job.engine === "glue") return { kind: "glue", ...timeout("glue"), id: t.name, after, jobName: `${stack}-${job.name}` };
      if (job.engine === "emr-eks" && emrEks) return { ...emrEksTask(t.name, after, job, emrEks, env.name, m.name), ...(t.timeoutMinutes !== undefined ? { timeoutMinutes: t.timeoutMinutes } : {}) };
      if (job.fleet) return fleetDagTask(t.name, after, job.fleet, timeout("emr-fleet").timeoutMinutes);
      return {
        kind: "emr-serverless",
        ...timeout("emr-serverless"),
        id: t.name,
        after,
        applicationId: emrServerlessPlaceholder(job.name),
        executionRoleArn: job.role.arn,
        entryPoint: job.script.uri,
        entryPointArguments: [job.arguments["--source_database"] ?? "", job.arguments["--target_database"] ?? ""],
        sparkSubmitParameters: EMR_SERVERLESS_LAKE_FORMATION,
        logUri: `s3://${artifactsBucket}/logs/${job.name}/`,
      };
    }
    const [zone, table] = t.quality!.split(".") as [string, string];
    const rulesets = quality.rulesets.filter((r) => r.zone === zone && r.table === table);
    return { kind: "quality", ...timeout("quality"), id: t.name, after, database: rulesets[0]?.database ?? "", table, rulesetNames: rulesets.map((r) => r.name), roleArn: quality.role.arn };
  });
  return {
    key: `dags/${dagId}.py`,
    dag: {
      dagId,
      domain: m.name,
      description: m.description || `${m.name} pipeline`,
      schedule: p.schedule,
      owner: m.owner.team,
      retries: p.retries,
      retryDelayMinutes: p.retryDelayMinutes,
      slaMinutes: p.slaMinutes ?? null,
      startDate: p.startDate,
      region: env.region,
      tags: sorted(["lakeform", m.name, env.name]),
      tasks,
    },
  };
}

export function principalKind(id: string): PrincipalKind {
  if (/^\d{12}$/.test(id)) return "account";
  if (id.includes(":identitystore:")) return "identity-center-group";
  return /:user\//.test(id) ? "iam-user" : "iam-role";
}

/** `<zone>.<table>` of a manifest → the table's zone, name and database in the Model. */
function tableRef(tables: readonly TableModel[], r: string): { zone: string; table: string; database: string } {
  const [zone, table] = r.split(".") as [string, string];
  return { zone, table, database: tables.find((t) => t.zone === zone && t.name === table)?.database ?? "" };
}

function grantOf(g: GrantManifestOutput, index: number, principalId: string, env: EnvironmentModel, tables: readonly TableModel[]): GrantModel {
  const principal = {
    name: g.principal,
    id: principalId,
    kind: principalKind(principalId),
    external: (/^\d{12}$/.test(principalId) ? principalId : /:iam::(\d{12}):/.exec(principalId)?.[1] ?? env.accountId) !== env.accountId,
  };
  const ref = (r: string) => tableRef(tables, r);
  const cells = g.table !== undefined;
  const permissions = [...new Set(g.permissions ?? (cells ? ["SELECT"] : ["SELECT", "DESCRIBE"]))].sort();
  let target: GrantModel["target"];
  if (g.tags) {
    target = { kind: "tags", expression: Object.keys(g.tags).sort().map((key) => ({ key, values: sorted(g.tags![key]!) })) };
  } else if (g.tables) {
    target = { kind: "tables", tables: [...new Set(g.tables)].sort().map(ref) };
  } else {
    const t = tables.find((x) => `${x.zone}.${x.name}` === g.table);
    const types = new Map([...(t?.columns ?? []), ...(t?.partitionKeys ?? [])].map((c) => [c.name, c.type]));
    const parsed = g.rows ? parseRowFilter(g.rows, types) : undefined;
    target = {
      kind: "cells",
      table: ref(g.table!),
      excludedColumns: sorted(g.mask ?? []),
      rowFilter: parsed ? (parsed.ok ? parsed.canonical : g.rows!) : null,
    };
  }
  return { name: g.name, description: g.description, source: "access", index, piiReason: null, principal, permissions, grantable: g.grantable, target };
}

/** Manifest fields every job has; the rest are its engine's settings. */
const JOB_BASE_KEYS = new Set(["name", "description", "script", "reads", "writes", "processesPii", "arguments", "engine"]);

const READ_PERMISSIONS = ["DESCRIBE", "SELECT"];
const WRITE_PERMISSIONS = ["ALTER", "DELETE", "DESCRIBE", "INSERT", "SELECT"];

function jobOf(
  j: JobManifestOutput,
  index: number,
  ctx: NameContext,
  env: EnvironmentModel,
  domain: string,
  artifactsBucket: string,
  tables: readonly TableModel[],
  zones: readonly ZoneModel[],
  scripts: ReadonlyMap<string, string> | undefined,
): JobModel {
  const content = scripts?.get(j.script) ?? "";
  const sha256 = createHash("sha256").update(content).digest("hex");
  const key = `jobs/${j.name}/${sha256.slice(0, 16)}.py`;
  const role = ownRoleName(ctx, domain, { kind: "job", job: j.name });
  const ref = (r: string) => tableRef(tables, r);
  const writes = sorted(j.writes);
  const writeZone = writes[0]?.split(".")[0] ?? null;
  return {
    name: j.name,
    description: j.description,
    index,
    engine: j.engine,
    script: { path: j.script, content, sha256, key, uri: `s3://${artifactsBucket}/${key}` },
    role: { name: role, arn: iamRoleArn(env.partition, env.accountId, role) },
    tempDir: `s3://${artifactsBucket}/tmp/${j.name}/`,
    glueSecurityConfiguration: j.engine === "glue" ? { name: `${ctx.organization}-${domain}-${env.name}-${writeZone ?? "ops"}`, zone: writeZone } : null,
    fleet: j.engine === "emr-fleet" ? fleetOf(j, ctx, env, domain, artifactsBucket, writeZone) : null,
    reads: sorted(j.reads).filter((r) => !writes.includes(r)).map(ref),
    writes: writes.map(ref),
    processesPii: j.processesPii ?? null,
    arguments: sortedRecord({
      ...j.arguments,
      ...Object.fromEntries(zones.map((z) => [`--database_${z.name}`, z.database.name])),
      ...(j.reads[0] ? { "--source_database": ref(j.reads[0]).database } : {}),
      ...(j.writes[0] ? { "--target_database": ref(j.writes[0]).database } : {}),
    }),
    settings: Object.fromEntries(Object.entries(j).filter(([k]) => !JOB_BASE_KEYS.has(k))),
  };
}

/** The Lake Formation grants a job's role gets: SELECT on what it reads, read-write on what it writes. */
function jobGrants(job: JobModel): GrantModel[] {
  const principal = { name: `job:${job.name}`, id: job.role.arn, kind: "job" as const, external: false };
  const grant = (suffix: string, permissions: string[], tables: readonly { zone: string; table: string; database: string }[]): GrantModel[] =>
    tables.length === 0
      ? []
      : [
          {
            name: `job-${job.name}-${suffix}`,
            description: `${job.engine} job ${job.name} ${suffix} its tables`,
            source: "jobs",
            index: job.index,
            piiReason: job.processesPii,
            principal,
            permissions,
            grantable: false,
            target: { kind: "tables", tables },
          },
        ];
  return [...grant("reads", READ_PERMISSIONS, job.reads), ...grant("writes", WRITE_PERMISSIONS, job.writes)];
}

export interface BuildResult {
  readonly model: Model;
  /** Layer 3: invariants of the derived names (collisions, limits). */
  readonly problems: readonly Problem[];
}

/** Manifests (already shape- and cross-checked) → Model. Pure. */
export function buildModel(platform: PlatformManifestOutput, platformFile: string, domains: readonly ParsedDomain[]): BuildResult {
  const problems: Problem[] = [];
  const envNames = Object.keys(platform.environments).sort();
  const environments: EnvironmentModel[] = envNames.map((name) => {
    const e = platform.environments[name]!;
    return {
      name,
      accountId: e.accountId,
      region: platform.regions.primary,
      drRegion: platform.regions.dr,
      partition: partitionOf(platform.regions.primary),
      network: {
        vpcId: e.network.vpcId,
        vpcCidr: e.network.vpcCidr,
        privateSubnetIds: sorted(e.network.privateSubnetIds),
        privateRouteTableIds: sorted(e.network.privateRouteTableIds),
        s3PrefixListId: e.network.s3PrefixListId,
        organizationId: e.network.organizationId ?? null,
      },
      lakeFormationAdmins: sorted(e.lakeFormationAdmins),
      emrTlsCertificates: e.emr?.tlsCertificates ?? null,
      piiReaders: sorted(e.piiReaders),
      mwaa: mwaaOf(platform, name, e.accountId),
      logBucket: (() => {
        const n = bucketName({ organization: platform.organization, environment: name, accountId: e.accountId, region: platform.regions.primary }, "platform", "logs");
        return { name: n, arn: bucketArn(partitionOf(platform.regions.primary), n) };
      })(),
      eks: eksOf(e.eks),
      costAllocationTags: costAllocationTagsOf(platform, name),
      dr: environmentDrOf({ organization: platform.organization, environment: name, accountId: e.accountId, region: platform.regions.primary }, partitionOf(platform.regions.primary), platform.regions.dr, ACCESS_LOG_RETENTION_DAYS),
    };
  });

  const stacks: StackModel[] = [];
  const tagsFor = (domain: string, env: string, owner: string, costCentre: string) =>
    sortedRecord({ ...platform.defaultTags, domain, environment: env, owner, "cost-centre": costCentre, "managed-by": "lakeform" });

  for (const env of environments) {
    const name = `platform-${env.name}`;
    stacks.push({
      name,
      kind: "platform",
      environment: env.name,
      accountId: env.accountId,
      region: env.region,
      backend: backendOf(platform.environments[env.name]!, name, platform.regions.primary),
      defaultTags: tagsFor("platform", env.name, platform.owner, platform.costCentre),
    });
  }

  const domainModels: DomainModel[] = [];
  for (const d of [...domains].sort((a, b) => (a.manifest.name < b.manifest.name ? -1 : 1))) {
    const m = d.manifest;
    const zoneEntries: [string, ZoneManifestOutput][] = m.zones
      ? Object.entries(m.zones)
      : DEFAULT_ZONES.map((z) => [z, DEFAULT_ZONE] as [string, ZoneManifestOutput]);
    zoneEntries.sort(([a], [b]) => zoneOrder(a, b));
    const deployments: DomainDeploymentModel[] = [];
    for (const envName of sorted(m.environments ?? envNames)) {
      const env = environments.find((e) => e.name === envName);
      if (!env) continue; // reported by the cross-reference rules
      const ctx: NameContext = { organization: platform.organization, environment: env.name, accountId: env.accountId, region: env.region };
      const stack = `${m.name}-${env.name}`;
      const logName = bucketName(ctx, m.name, "logs");
      const zones: ZoneModel[] = zoneEntries.map(([zone, z]) => {
        const bucket = bucketName(ctx, m.name, zone);
        const db = databaseName(ctx, m.name, zone);
        const alias = kmsAlias(ctx, m.name, zone);
        const role = iamRoleName(ctx, m.name, `lf-${zone}`);
        return {
          name: zone,
          key: {
            alias,
            aliasArn: kmsAliasArn(env.partition, ctx, alias),
            description: `${m.name} ${zone} zone (${env.name}): encrypts the zone bucket's objects`,
          },
          bucket: { name: bucket, arn: bucketArn(env.partition, bucket), logPrefix: `${zone}/`, lifecycle: lifecycleOf(zone, z) },
          registrationRole: { name: role, arn: iamRoleArn(env.partition, env.accountId, role) },
          database: {
            name: db,
            arn: databaseArn(env.partition, ctx, db),
            description: z.description || `${m.name} ${zone} zone: ${ZONE_DESCRIPTIONS[zone] ?? `${zone} data`}`,
            locationUri: `s3://${bucket}/`,
            lfTags: assignments({ ...m.lfTags, ...z.lfTags }),
          },
        };
      });
      const tables: TableModel[] = m.tables
        .map((t) => {
          const zone = zones.find((z) => z.name === t.zone);
          const database = zone?.database.name ?? "";
          return {
            name: t.name,
            zone: t.zone,
            database,
            arn: tableArn(env.partition, ctx, database, t.name),
            description: t.description,
            format: t.format,
            location: `s3://${zone?.bucket.name ?? ""}/${t.name}/`,
            columns: t.columns.map(column),
            partitionKeys: t.partitionKeys.map(column),
            lfTags: assignments(t.lfTags),
          };
        })
        .sort((a, b) => zoneOrder(a.zone, b.zone) || byName(a, b));
      const artifactsName = bucketName(ctx, m.name, "artifacts");
      const jobs = m.jobs.map((j, i) => jobOf(j, i, ctx, env, m.name, artifactsName, tables, zones, d.scripts));
      const emrEks = emrEksDeploymentOf(env, platform.organization, m.name, jobs, artifactsName);
      const envPrincipals = platform.environments[env.name]!.principals;
      const grants = [
        ...m.access.flatMap((g, i) => {
          const id = envPrincipals[g.principal];
          return id === undefined ? [] : [grantOf(g, i, id, env, tables)];
        }),
        ...jobs.flatMap(jobGrants),
      ];
      const queries = queriesOf(m, env, zones, tables, artifactsName, d.scripts);
      grants.push(...queryGrants(queries));
      const resourceLinks = m.consumes
        .map((c) => ({
          name: resourceLinkName(ctx, m.name, c.domain, c.zone),
          description: c.description || `${c.domain} ${c.zone} zone, as ${m.name} reads it`,
          producer: c.domain,
          zone: c.zone,
          target: { catalogId: env.accountId, databaseName: databaseName(ctx, c.domain, c.zone) },
        }));
      const qualityRole = ownRoleName(ctx, m.name, { kind: "quality" });
      const quality: DomainDeploymentModel["quality"] = {
        role: { name: qualityRole, arn: iamRoleArn(env.partition, env.accountId, qualityRole) },
        rulesets: tables.flatMap((t) => {
          const rules = m.tables.find((x) => x.zone === t.zone && x.name === t.name)?.quality ?? [];
          return rules.length === 0
            ? []
            : [{ name: `${m.name}-${env.name}-${t.zone}-${t.name}`, zone: t.zone, table: t.name, database: t.database, ruleset: dqdlRuleset(rules) }];
        }),
      };
      if (quality.rulesets.length > 0) {
        // Glue Data Quality reads whole rows of the checked tables, PII included: the role is the platform's, its purpose fixed.
        grants.push({
          name: "quality-reads",
          description: "Glue Data Quality evaluates the tables' rules",
          source: "jobs",
          index: -1,
          piiReason: "Glue Data Quality evaluates rules over whole rows; results hold counts, not values.",
          principal: { name: "job:quality", id: quality.role.arn, kind: "job", external: false },
          permissions: READ_PERMISSIONS,
          grantable: false,
          target: { kind: "tables", tables: quality.rulesets.map((r) => ({ zone: r.zone, table: r.table, database: r.database })) },
        });
      }
      const consumers = sorted(grants.filter((g) => g.source === "access" && g.principal.kind !== "account").map((g) => g.principal.name));
      const workgroups = consumers.map((principal) => {
        const name = `${m.name}-${principal}-${env.name}`;
        return { name, principal, outputLocation: `s3://${artifactsName}/athena/${name}/`, bytesScannedCutoffPerQuery: m.athena.bytesScannedCutoffGb * 1024 ** 3 };
      });
      deployments.push({
        stack,
        quality,
        pipeline: dagOf(m, env, stack, jobs, quality, artifactsName, queries, emrEks),
        queries,
        alerts: { topicName: `${platform.organization}-${m.name}-${env.name}-alerts`, email: m.owner.email },
        workgroups,
        artifacts: {
          bucket: { name: artifactsName, arn: bucketArn(env.partition, artifactsName) },
          keyAlias: kmsAlias(ctx, m.name, "ops"),
          keyDescription: `${m.name} (${env.name}): encrypts job scripts, temp data, logs, query results and state-machine data`,
        },
        jobs,
        emrEks,
        discovery: discoveryOf(m, ctx, env.partition, stack, zones, platform.pii),
        grants,
        ingestion: ingestionOf(m.ingestion, m.name, ctx, env, tables, envPrincipals),
        budget: budgetOf(m, platform, env.name),
        resourceLinks,
        environment: env.name,
        accountId: env.accountId,
        region: env.region,
        partition: env.partition,
        logBucket: { name: logName, arn: bucketArn(env.partition, logName), logRetentionDays: ACCESS_LOG_RETENTION_DAYS },
        audit: {
          trailName: trailName(ctx, m.name, "data-events"),
          bucket: { name: bucketName(ctx, m.name, "audit"), arn: bucketArn(env.partition, bucketName(ctx, m.name, "audit")) },
          keyAlias: kmsAlias(ctx, m.name, "audit"),
          keyDescription: `${m.name} (${env.name}): encrypts the CloudTrail data-event logs of the domain's lake buckets`,
          logRetentionDays: platform.audit.retentionDays,
          readEvents: platform.audit.dataEvents === "read-write",
        },
        zones,
        tables,
        dr: domainDrOf(ctx, env.partition, env.drRegion, m.name, zones.map((z, i) => ({ name: z.name, lifecycle: z.bucket.lifecycle, manifest: zoneEntries[i]![1] })), ACCESS_LOG_RETENTION_DAYS, platform.lfTags),
      });
      stacks.push({
        name: stack,
        kind: "domain",
        environment: env.name,
        domain: m.name,
        accountId: env.accountId,
        region: env.region,
        backend: backendOf(platform.environments[env.name]!, stack, platform.regions.primary),
        defaultTags: tagsFor(m.name, env.name, m.owner.team, m.costCentre),
      });
    }
    domainModels.push({ name: m.name, description: m.description, owner: { ...m.owner }, costCentre: m.costCentre, sourceFile: d.file, deployments });
  }

  const model: Model = {
    organization: platform.organization,
    owner: platform.owner,
    costCentre: platform.costCentre,
    regions: { primary: platform.regions.primary, dr: platform.regions.dr },
    lfTags: Object.keys(platform.lfTags)
      .sort()
      .map((key) => ({ key, description: platform.lfTags[key]!.description, values: sorted(platform.lfTags[key]!.values) })),
    pii: { ...platform.pii },
    governance: { ...platform.governance },
    environments,
    domains: domainModels,
    stacks: stacks.sort(byName),
    guardrails: guardrailsOf(platform, platformFile, domains, stacks),
  };
  problems.push(...checkInvariants(model, platformFile));
  problems.push(...ingestionInvariants(model));
  return { model, problems };
}

/**
 * Layer 3: what only shows once names are derived. Physical names must be
 * unique where AWS requires it (bucket names globally, databases and key
 * aliases per account and region, stacks per app) and within AWS limits.
 */
export function checkInvariants(model: Model, platformFile: string): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  const claim = (scope: string, name: string, owner: string, file: string, path: (string | number)[]) => {
    const key = `${scope}\u0000${name}`;
    const prior = seen.get(key);
    if (prior && prior !== owner) {
      problems.push({ file, path, code: "name-collision", message: `derived ${scope.split(":")[0]} name is already used by ${prior}`, got: name, hint: "rename one of the two (domain, zone or environment) so their physical names differ" });
    } else seen.set(key, owner);
  };
  for (const s of model.stacks) {
    const file = s.domain ? model.domains.find((d) => d.name === s.domain)?.sourceFile ?? platformFile : platformFile;
    claim("stack", s.name, s.domain ? `domain ${s.domain}` : "the platform", file, s.domain ? ["name"] : ["environments", s.environment]);
  }
  for (const d of model.domains) {
    for (const dep of d.deployments) {
      const where = `${dep.accountId}/${dep.region}`;
      const check = (kind: string, name: string, owner: string, zone: string | undefined, limit: number) => {
        const path = zone ? ["zones", zone] : ["name"];
        claim(kind === "bucket" ? "bucket" : `${kind}:${where}`, name, owner, d.sourceFile, path);
        if (name.length > limit) problems.push({ file: d.sourceFile, path, code: "name-too-long", message: `derived ${kind} name is over ${limit} characters`, got: name, hint: "shorten the domain or zone name" });
        if (kind === "bucket") for (const why of bucketNameProblems(name)) problems.push({ file: d.sourceFile, path, code: "invalid-format", message: `derived bucket name ${why}`, got: name, hint: "change the domain or zone name" });
      };
      check("bucket", dep.logBucket.name, `${d.name} access logs (${dep.environment})`, undefined, LIMITS.s3Bucket);
      check("bucket", dep.audit.bucket.name, `${d.name} audit trail (${dep.environment})`, undefined, LIMITS.s3Bucket);
      check("key alias", dep.audit.keyAlias, `${d.name} audit trail (${dep.environment})`, undefined, LIMITS.kmsAlias);
      check("bucket", dep.artifacts.bucket.name, `${d.name} artifacts (${dep.environment})`, undefined, LIMITS.s3Bucket);
      check("key alias", dep.artifacts.keyAlias, `${d.name} ops key (${dep.environment})`, undefined, LIMITS.kmsAlias);
      for (const j of dep.jobs) claim(`role:${dep.accountId}`, j.role.name, `${d.name} job ${j.name} (${dep.environment})`, d.sourceFile, ["jobs", j.index]);
      for (const z of dep.zones) {
        const owner = `${d.name} zone ${z.name} (${dep.environment})`;
        check("bucket", z.bucket.name, owner, z.name, LIMITS.s3Bucket);
        check("database", z.database.name, owner, z.name, LIMITS.glueDatabase);
        check("key alias", z.key.alias, owner, z.name, LIMITS.kmsAlias);
        claim(`role:${dep.accountId}`, z.registrationRole.name, owner, d.sourceFile, ["zones", z.name]);
      }
      for (const [i, link] of dep.resourceLinks.entries()) {
        claim(`database:${where}`, link.name, `${d.name} link to ${link.producer}.${link.zone} (${dep.environment})`, d.sourceFile, ["consumes", i]);
      }
    }
  }
  return problems;
}
