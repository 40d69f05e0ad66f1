import { z } from "zod";
import { CostCentre, LfTagAssignment, LfTagKey, LfTagValue, NameSegment, PrincipalName, TeamName } from "./common";
import { IngestionManifest } from "./ingestion";
import { EMR_FLEET_JOB_FIELDS } from "./fleet";
import { EnvironmentName } from "./platform";
import { emrEksJobFields } from "./emr-eks";
import { DiscoveryManifest } from "./discovery";
import { queryTaskFields } from "./pipeline-task";
import { GuardrailsManifest } from "./guardrails";

/** The zones a domain gets when it declares none. */
export const DEFAULT_ZONES = ["raw", "processed", "curated"] as const;

export const ZoneName = z
  .string()
  .regex(/^[a-z][a-z0-9]{1,15}$/, "a zone name is 2-16 lower-case letters and digits, starting with a letter");

export const StagingManifest = z
  .strictObject({
    prefix: z
      .string()
      .regex(/^[a-z0-9_][a-z0-9_.-]*\/$/, "a staging prefix is one lower-case path segment ending in /, like _staging/")
      .default("_staging/")
      .describe("Key prefix for temporary objects (job scratch, failed loads).\n@default - \"_staging/\""),
    expireAfterDays: z
      .int()
      .min(1)
      .max(365)
      .default(7)
      .describe("Days after which objects under the staging prefix are deleted.\n@default - 7"),
  })
  .describe("Staging prefix and its expiry.");

export const LifecycleManifest = z
  .strictObject({
    intelligentTiering: z
      .boolean()
      .optional()
      .describe("Move objects to S3 Intelligent-Tiering as soon as they land.\n@default - true for the raw zone, false for the others"),
    glacierAfterDays: z
      .int()
      .min(1)
      .max(36500)
      .nullable()
      .optional()
      .describe("Days after which current objects move to Glacier Flexible Retrieval; null keeps them out of Glacier.\n@default - 540 for the raw zone (18 months), null for the others"),
    expireAfterDays: z
      .int()
      .min(1)
      .max(36500)
      .nullable()
      .default(null)
      .describe("Days after which current objects are deleted; null keeps them for ever. Must be later than glacierAfterDays.\n@default - null (kept)"),
    noncurrentVersionExpiryDays: z
      .int()
      .min(1)
      .max(3650)
      .default(90)
      .describe("Days a replaced or deleted object version is kept before it is removed.\n@default - 90"),
    abortIncompleteMultipartUploadDays: z
      .int()
      .min(1)
      .max(30)
      .default(7)
      .describe("Days after which unfinished multipart uploads are aborted.\n@default - 7"),
    staging: StagingManifest.default({ prefix: "_staging/", expireAfterDays: 7 }),
  })
  .describe("Lifecycle of the zone's objects.");

export const ZoneManifest = z
  .strictObject({
    description: z.string().max(2048).default("").describe("What the zone holds; becomes the Glue database description.\n@default - a description derived from the zone name"),
    lfTags: LfTagAssignment.default({}).describe("LF-tags on the zone's database; they override the domain's tags of the same key.\n@default - the domain's tags only"),
    lifecycle: LifecycleManifest.default({
      expireAfterDays: null,
      noncurrentVersionExpiryDays: 90,
      abortIncompleteMultipartUploadDays: 7,
      staging: { prefix: "_staging/", expireAfterDays: 7 },
    }),
  })
  .describe("One storage zone: a KMS key, a bucket and a Glue database.");

export const ColumnManifest = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,254}$/, "a column name is lower-case letters, digits and underscores, starting with a letter or underscore")
      .describe("Column name."),
    type: z
      .string()
      .describe("Hive/Glue type: boolean, tinyint, smallint, int, bigint, float, double, decimal(p,s), string, char(n), varchar(n), date, timestamp, binary, array<T>, map<K,V>, struct<name:T,...>."),
    comment: z.string().max(255).default("").describe("Column comment, shown in the catalog.\n@default - empty"),
    lfTags: LfTagAssignment.default({}).describe("LF-tags on this column; they override the table's tags of the same key.\n@default - the table's tags"),
  })
  .describe("A table column.");

export const TableManifest = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,127}$/, "a table name is lower-case letters, digits and underscores, starting with a letter, at most 128 characters")
      .describe("Table name, unique within its zone."),
    zone: ZoneName.describe("Zone whose database and bucket hold the table."),
    description: z.string().max(2048).default("").describe("What the table holds.\n@default - empty"),
    format: z
      .enum(["parquet", "iceberg", "json"])
      .default("parquet")
      .describe("Storage format: Parquet (Hive-style table), Apache Iceberg, or JSON lines (raw landings).\n@default - \"parquet\""),
    columns: z.array(ColumnManifest).min(1, "a table needs at least one column").describe("Data columns, in order."),
    partitionKeys: z.array(ColumnManifest).default([]).describe("Partition columns, in partition order.\n@default - none"),
    lfTags: LfTagAssignment.default({}).describe("LF-tags on the table; they override the database's tags of the same key.\n@default - the zone database's tags"),
    quality: z
      .array(z.string().min(1).max(2048))
      .default([])
      .describe('Glue Data Quality rules (DQDL), e.g. `IsComplete "msisdn"`, `RowCount > 0`; a pipeline quality task evaluates them and fails on any failed rule.\n@default - none'),
  })
  .describe("A catalog table in one of the domain's zones.");

/** Lake Formation permissions a domain may grant on its tables. */
export const TABLE_PERMISSIONS = ["SELECT", "DESCRIBE", "INSERT", "DELETE", "ALTER"] as const;

const TableRef = z
  .string()
  .regex(/^[a-z][a-z0-9]{1,15}\.[a-z][a-z0-9_]{0,127}$/, "a table is named <zone>.<table>, like processed.calls");

export const GrantManifest = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,47}$/, "a grant name is 2-48 lower-case letters, digits and hyphens, starting with a letter")
      .describe("Grant name, unique in the domain; names the Terraform resources and shows in access reports."),
    description: z.string().max(512).default("").describe("Why this principal gets this access; shown in reviews.\n@default - empty"),
    principal: PrincipalName.describe("Name of the grantee in the platform manifest's `principals` of each environment."),
    tags: z
      .record(LfTagKey, z.array(LfTagValue).min(1))
      .optional()
      .describe(
        "LF-tag expression (preferred): every key must match one of its values. Covers the domain's tables and columns whose effective tags match, now and in future; must include the domain tag so it never reaches another domain's data.",
      ),
    tables: z.array(TableRef).min(1).optional().describe("Named tables (<zone>.<table>), all columns and rows."),
    table: TableRef.optional().describe("One table (<zone>.<table>) reached through a data-cells filter; use with mask and/or rows."),
    mask: z
      .array(z.string().regex(/^[a-z_][a-z0-9_]{0,254}$/, "a column name is lower-case letters, digits and underscores"))
      .min(1)
      .optional()
      .describe("Columns of `table` this principal must not see (Lake Formation removes them; it cannot rewrite values).\n@default - every column visible"),
    rows: z
      .string()
      .min(1)
      .max(2048)
      .optional()
      .describe("Row filter of `table` in Lake Formation's PartiQL subset, e.g. `region = 'EU'`.\n@default - all rows"),
    permissions: z
      .array(z.enum(TABLE_PERMISSIONS))
      .min(1)
      .optional()
      .describe("Lake Formation permissions.\n@default - SELECT and DESCRIBE; SELECT only for a filtered `table`"),
    grantable: z
      .boolean()
      .default(false)
      .describe("Let the principal grant these permissions on; only for the environment's Lake Formation admins.\n@default - false"),
  })
  .describe("Access for one principal: by LF-tag expression (tags), by named tables (tables), or to one table through a column mask and/or row filter (table + mask/rows).");

export const ConsumesManifest = z
  .strictObject({
    domain: NameSegment.describe("The producing domain (a folder under domains/)."),
    zone: ZoneName.describe("The producer's zone whose database is linked."),
    description: z.string().max(2048).default("").describe("What the consumer uses the data for; shown in reviews.\n@default - empty"),
  })
  .describe(
    "A database of another domain, made visible in this domain's catalog as a resource link. The producer's grants still decide who reads what through it.",
  );

const JobName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,39}$/, "a job name is 2-40 lower-case letters, digits and hyphens, starting with a letter");

const jobBase = {
  name: JobName.describe("Job name, unique in the domain; names its role, log group and Terraform resources."),
  description: z.string().max(1024).default("").describe("What the job does.\n@default - empty"),
  script: z
    .string()
    .regex(/^jobs\/[A-Za-z0-9_.-]+\.py$/, "a script is a Python file under the domain's jobs/ folder, like jobs/conform_calls.py")
    .describe("PySpark script, relative to the domain folder (jobs/<file>.py). Uploaded by content hash, so a changed script is a new object."),
  reads: z.array(TableRef).default([]).describe("Tables the job reads (<zone>.<table>): its role gets SELECT on them through Lake Formation.\n@default - none"),
  writes: z
    .array(TableRef)
    .default([])
    .describe("Tables the job writes (<zone>.<table>): its role gets SELECT, INSERT, DELETE and ALTER on them.\n@default - none"),
  processesPii: z
    .string()
    .min(20, "say in a sentence why the job needs PII unmasked: reviewers read it")
    .max(1024)
    .optional()
    .describe("Why this job reads PII columns unmasked. Without it, a job that reads PII is a finding like any other principal.\n@default - the job may not read PII"),
  arguments: z
    .record(z.string().regex(/^--[A-Za-z0-9_.-]+$/, "a job argument looks like --name"), z.string().max(4096))
    .default({})
    .describe("Extra job arguments; they cannot override the secure ones Lakeform sets.\n@default - none"),
};

export const GlueJobManifest = z
  .strictObject({
    ...jobBase,
    engine: z.literal("glue").describe("AWS Glue (serverless Spark): the default for routine scheduled transforms."),
    glueVersion: z.enum(["5.0"]).default("5.0").describe("Glue version.\n@default - \"5.0\" (Spark 3.5)"),
    workerType: z.enum(["G.1X", "G.2X", "G.4X", "G.8X"]).default("G.1X").describe("Worker type.\n@default - \"G.1X\""),
    workers: z.int().min(2).max(299).default(2).describe("Number of workers.\n@default - 2"),
    flex: z.boolean().default(false).describe("Flex execution class: cheaper, may start later; for non-urgent jobs (G.1X and G.2X only).\n@default - false"),
    timeoutMinutes: z.int().min(1).max(2880).default(60).describe("Run time limit.\n@default - 60"),
    maxRetries: z.int().min(0).max(10).default(1).describe("Retries after a failed run.\n@default - 1"),
    bookmarks: z.boolean().default(true).describe("Job bookmarks: process only new data on each run.\n@default - true"),
    schedule: z
      .string()
      .regex(/^cron\(.+\)$/, "a Glue schedule is an AWS cron(...) expression (Glue triggers take no rate(...))")
      .optional()
      .describe("Schedule, as an AWS cron(...) expression.\n@default - not scheduled (started by another job or the pipeline)"),
    after: z.array(JobName).min(1).optional().describe("Glue jobs of this domain that must all succeed before this one starts.\n@default - none"),
  })
  .describe("A Glue ETL job.");

export const EmrServerlessJobManifest = z
  .strictObject({
    ...jobBase,
    engine: z.literal("emr-serverless").describe("EMR Serverless: Spark with no cluster, scales to zero; for spiky and ad-hoc work."),
    releaseLabel: z.string().regex(/^emr-[67]\.\d+\.\d+$/, "a release label looks like emr-7.5.0").default("emr-7.5.0").describe("EMR release.\n@default - \"emr-7.5.0\""),
    architecture: z.enum(["ARM64", "X86_64"]).default("ARM64").describe("CPU architecture.\n@default - \"ARM64\" (Graviton)"),
    idleTimeoutMinutes: z.int().min(1).max(10080).default(15).describe("Stop the application after this long idle.\n@default - 15"),
    maximumCapacity: z
      .strictObject({
        cpu: z.string().regex(/^\d+ vCPU$/, 'cpu looks like "200 vCPU"').describe("Total vCPU cap, e.g. \"200 vCPU\"."),
        memory: z.string().regex(/^\d+ GB$/, 'memory looks like "800 GB"').describe("Total memory cap, e.g. \"800 GB\"."),
      })
      .describe("Upper bound of the application's capacity: a runaway job stops here."),
    preInitialized: z
      .strictObject({
        drivers: z.int().min(1).max(100).describe("Warm driver workers."),
        executors: z.int().min(0).max(1000).describe("Warm executor workers."),
      })
      .optional()
      .describe("Pre-initialized (warm) capacity for latency-sensitive jobs; it costs while the application runs.\n@default - none: cold start, nothing standing"),
  })
  .describe("An EMR Serverless application and its runtime role.");

export const EmrEksJobManifest = z.strictObject({ ...jobBase, ...emrEksJobFields }).describe("An EMR on EKS job: its execution role, run in the domain's virtual cluster.");

export const EmrFleetJobManifest = z
  .strictObject({ ...jobBase, ...EMR_FLEET_JOB_FIELDS })
  .describe("A Spark job on a transient EMR on EC2 cluster (instance fleets, Spot task nodes), run by its Step Functions state machine.");

export const JobManifest = z
  .discriminatedUnion("engine", [GlueJobManifest, EmrServerlessJobManifest, EmrEksJobManifest, EmrFleetJobManifest])
  .describe("A compute job: Glue, EMR Serverless, EMR on EKS or a transient EMR on EC2 fleet.");

const TaskName = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, "a task name is lower-case letters, digits, _ and -, starting with a letter");

export const PipelineTaskManifest = z
  .strictObject({
    name: TaskName.describe("Task id in the DAG."),
    after: z.array(TaskName).default([]).describe("Tasks that must succeed first.\n@default - none"),
    job: JobName.optional().describe("Run this job of the domain and wait for it."),
    quality: TableRef.optional().describe("Evaluate this table's quality rules and fail the run on any failed rule (a gate before publishing)."),
    ...queryTaskFields,
  })
  .describe("One DAG task: a job run, a quality gate or an Athena statement.");

export const PipelineManifest = z
  .strictObject({
    schedule: z
      .string()
      .regex(/^(@(daily|hourly|weekly|monthly)|(\S+\s+){4}\S+)$/, "a schedule is a 5-field cron expression or @daily, @hourly, @weekly, @monthly")
      .describe("When the DAG runs (Airflow cron, UTC)."),
    retries: z.int().min(0).max(10).default(2).describe("Retries of a failed task.\n@default - 2"),
    retryDelayMinutes: z.int().min(1).max(1440).default(5).describe("Wait before a retry.\n@default - 5"),
    slaMinutes: z.int().min(1).max(10080).optional().describe("Tasks missing this many minutes after the scheduled time are reported.\n@default - none"),
    startDate: z.iso.date().default("2026-01-01").describe("First schedule date (fixed, so the DAG file never changes by itself).\n@default - \"2026-01-01\""),
    tasks: z.array(PipelineTaskManifest).min(1).describe("The DAG's tasks."),
  })
  .describe("The domain's pipeline, generated as an Airflow DAG for the environment's MWAA.");

export const DomainManifest = z
  .strictObject({
    name: NameSegment.min(2).max(24, "a domain name is at most 24 characters, so physical names stay within AWS limits").describe(
      "Domain name, equal to its folder under domains/. Starts every stack name and physical name of the domain.",
    ),
    description: z.string().max(2048).default("").describe("What data the domain owns.\n@default - empty"),
    owner: z
      .strictObject({
        team: TeamName,
        email: z.email("an owner email looks like team@example.com").describe("Where budget alerts and reviews go."),
      })
      .describe("The team that owns the domain's data and approves its changes."),
    costCentre: CostCentre,
    environments: z
      .array(EnvironmentName)
      .min(1)
      .optional()
      .describe("Environments this domain is deployed to.\n@default - every environment of the platform"),
    lfTags: LfTagAssignment.default({}).describe("LF-tags on every zone database of the domain.\n@default - none"),
    zones: z
      .record(ZoneName, ZoneManifest)
      .optional()
      .describe("Storage zones by name.\n@default - raw, processed and curated with default settings"),
    tables: z.array(TableManifest).default([]).describe("Catalog tables.\n@default - none"),
    consumes: z
      .array(ConsumesManifest)
      .default([])
      .describe("Zones of other domains this domain reads: each gets a resource link in this domain's catalog.\n@default - none"),
    athena: z
      .strictObject({
        bytesScannedCutoffGb: z
          .int()
          .min(1)
          .max(1048576)
          .default(1024)
          .describe("Per-query scan cap of the domain's Athena workgroups, in GiB: a runaway SELECT * stops here.\n@default - 1024 (1 TiB)"),
      })
      .default({ bytesScannedCutoffGb: 1024 })
      .describe("Athena workgroups: one per consumer of the domain, results encrypted with the domain's ops key."),
    access: z.array(GrantManifest).default([]).describe("Who may read the domain's data, with column masks and row filters.\n@default - nobody but the Lake Formation admins"),
    jobs: z.array(JobManifest).default([]).describe("The domain's compute jobs.\n@default - none"),
    pipeline: PipelineManifest.optional().describe("The domain's Airflow DAG.\n@default - no DAG"),
    discovery: z
      .array(DiscoveryManifest)
      .default([])
      .describe("Crawlers started by arrivals under prefixes of a zone, cataloguing new folders as tables.\n@default - none"),
    ingestion: IngestionManifest.default({ streams: [], partnerDrops: [] }).describe("How data arrives in raw: Firehose streams and partner drop prefixes.\n@default - none"),
    guardrails: GuardrailsManifest.default({ suppress: [] }).describe("Guardrail findings this domain's stacks accept on purpose, each with a written reason.\n@default - none suppressed"),
  })
  .describe("A data domain: the team's zones, tags, tables, access, jobs and pipeline.");

export type DomainManifestInput = z.input<typeof DomainManifest>;
export type DomainManifestOutput = z.output<typeof DomainManifest>;
export type ZoneManifestOutput = z.output<typeof ZoneManifest>;
export type TableManifestOutput = z.output<typeof TableManifest>;
export type GrantManifestOutput = z.output<typeof GrantManifest>;
export type JobManifestOutput = z.output<typeof JobManifest>;
export type PipelineManifestOutput = z.output<typeof PipelineManifest>;
