import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { DataQualityRuleset, dataQualityFailurePattern } from "../../modules/catalog/data-quality-ruleset";
import { EmrServerlessApp } from "../../modules/compute/emr-serverless-app";
import { GLUE_METRICS_NAMESPACE, GlueJob, glueJobLogGroupNames } from "../../modules/compute/glue-job";
import { GlueSecurityConfiguration } from "../../modules/compute/glue-security-configuration";
import { logsKeyStatements } from "../../modules/compute/log-group";
import { JobRole, type JobTableArns } from "../../modules/identity/job-role";
import { FailureAlarms, type FailureSource, alarmsKeyStatements } from "../../modules/orchestration/failure-alarms";
import { AthenaWorkgroup } from "../../modules/query/athena-workgroup";
import { ArtifactObject, escapeTemplates } from "../../modules/storage/artifact-object";
import { EncryptionKey } from "../../modules/storage/encryption-key";
import { LakeBucket } from "../../modules/storage/lake-bucket";
import { renderDag } from "../dags/render";
import { EMR_EKS_VIRTUAL_CLUSTER_PLACEHOLDER } from "../model/emr-eks";
import { type DomainDeploymentModel, type EnvironmentModel, type JobModel, type StackModel, type TableRefModel, emrServerlessPlaceholder } from "../model/types";
import { type DiscoveryCatalog, addDiscovery, discoveryFailureSources } from "./discovery";
import { emrEksJobs } from "./emr-eks-jobs";
import { fleetFailureSources, fleetJob, fleetKeyStatements, fleetUploadKeyArns } from "./fleet-job";
import { pipelineQueryArtifactStatements, pipelineQueryUploadKeyArns, pipelineQueryWorkgroups } from "./pipeline-queries";

/** A catalog table by name: references to the table where the stack declares it, literal names where another stack does. */
export interface TableNames {
  readonly databaseName: string;
  readonly tableName: string;
}

export interface DomainComputeProps {
  readonly stack: StackModel;
  readonly dep: DomainDeploymentModel;
  readonly env: EnvironmentModel;
  /**
   * Each zone's key: a reference to the key's ARN where the stack holds the
   * key, or the alias ARN of a key known only by alias (the zone key's
   * replica in the DR region). Services that take an alias ARN get it (S3
   * SSE-KMS: Glue and EMR writes, Athena results, uploads); IAM statements
   * name it through `kms:ResourceAliases` (modules/identity/kms-key-access).
   */
  readonly zoneKeys: ReadonlyMap<string, string>;
  /**
   * Whether the zone keys' policies let CloudWatch Logs in (the primary's
   * zone keys carry logsKeyStatements for Glue jobs writing the zone). When
   * not — a replica key's policy is the account's alone, and CloudWatch Logs
   * needs a key ARN — Glue jobs log under the ops key.
   */
  readonly zoneKeysServeLogs: boolean;
  /** The bucket the artifacts bucket's server access logs go to: a reference to the stack's log bucket, or a name. */
  readonly accessLogBucket: string;
  /** Catalog tables by `<zone>.<table>`, for the quality rulesets. */
  readonly tables: ReadonlyMap<string, TableNames>;
  /** How discovery reaches the catalog: see DiscoveryCatalog. */
  readonly discovery: DiscoveryCatalog;
  /**
   * Sections made after the workgroups and before the jobs (ingestion),
   * given the ops key's ARN; their failure sources join the domain's alarms.
   * @default - none
   */
  readonly beforeJobs?: (opsKeyArn: string) => FailureSource[];
}

export interface DomainCompute {
  /** The ops key's ARN (a reference). */
  readonly opsKeyArn: string;
  /** Job, quality and runtime roles by ARN: grants to them wait for them. */
  readonly jobRoles: ReadonlyMap<string, ITerraformDependable>;
}

/**
 * The compute half of a domain deployment, shared by `<domain>-<env>` and
 * `dr-compute-<domain>-<env>` so both make the same resources under the same
 * Terraform addresses: the ops key `aws_kms_key.ops`, the artifacts bucket
 * `aws_s3_bucket.artifacts`, the principals' Athena workgroups
 * `aws_athena_workgroup.<principal>` and the pipeline's `…pipeline__<zone>`,
 * then (beforeJobs), the jobs (DomainCompute's jobs: scripts, roles, Glue
 * security configurations, Glue jobs and triggers, EMR Serverless apps,
 * fleet state machines, EMR on EKS, the quality role and rulesets, the DAG,
 * the failure alarms), and discovery.
 */
export function domainCompute(scope: Construct, p: DomainComputeProps): DomainCompute {
  const { stack, dep, zoneKeys } = p;
  // Scripts, temp data, logs and query results: readable with IAM (no Lake Formation in front), encrypted with the ops key.
  const ops = new EncryptionKey(scope, "ops-key", {
    terraformName: "ops",
    alias: dep.artifacts.keyAlias,
    description: dep.artifacts.keyDescription,
    accountId: dep.accountId,
    partition: dep.partition,
    statements: [...logsKeyStatements(dep.accountId, dep.region, dep.partition), ...alarmsKeyStatements(dep.accountId), ...fleetKeyStatements(dep)],
  });
  const artifacts = new LakeBucket(scope, "artifacts-bucket", {
    terraformName: "artifacts",
    bucketName: dep.artifacts.bucket.name,
    bucketArn: dep.artifacts.bucket.arn,
    encryption: { kind: "kms", kmsKeyArn: ops.key.arn },
    // A Glue job's security configuration encrypts all it writes, its temp data too, with the written zone's key.
    additionalUploadKeyArns: [...new Set([...dep.jobs.flatMap((j) => (j.glueSecurityConfiguration?.zone ? [zoneKeys.get(j.glueSecurityConfiguration.zone)!] : [])), ...pipelineQueryUploadKeyArns(dep, zoneKeys), ...fleetUploadKeyArns(dep, zoneKeys)])],
    policyStatements: pipelineQueryArtifactStatements(dep),
    accessLogs: { targetBucket: p.accessLogBucket, targetPrefix: "artifacts/" },
    lifecycle: {
      intelligentTiering: false,
      noncurrentVersionExpiryDays: 30,
      abortIncompleteMultipartUploadDays: 7,
      prefixExpirations: [
        { prefix: "tmp/", days: 7 },
        { prefix: "athena/", days: 30 },
        { prefix: "logs/", days: 90 },
      ],
    },
    eventBridge: false,
  });
  for (const wg of dep.workgroups) {
    new AthenaWorkgroup(scope, `workgroup-${wg.principal}`, {
      terraformName: wg.principal,
      name: wg.name,
      description: `Athena for ${wg.principal} on ${stack.domain} data (${dep.environment})`,
      outputLocation: wg.outputLocation,
      kmsKeyArn: ops.key.arn,
      accountId: dep.accountId,
      bytesScannedCutoffPerQuery: wg.bytesScannedCutoffPerQuery,
    });
  }

  // The pipeline's Athena statements run in workgroups of their own, one per zone they write.
  pipelineQueryWorkgroups(scope, dep, zoneKeys);

  const otherFailures = p.beforeJobs ? p.beforeJobs(ops.key.arn) : [];
  const { roles: jobRoles, glueJobs } = computeJobs(scope, p, ops.key.arn, artifacts.bucket.id, otherFailures);
  addDiscovery(scope, dep, p.discovery, ops.key.arn, glueJobs);
  return { opsKeyArn: ops.key.arn, jobRoles };
}

/**
 * Each job: its script as an object keyed by content hash, its own role
 * (Lake Formation data access, its tables' catalog entries, its script and
 * scratch prefixes, nothing else), and the engine: a Glue job with its
 * triggers, or an EMR Serverless application. Returns the roles by ARN,
 * and the Glue jobs by job name (crawlers' workflows start some of them).
 */
function computeJobs(
  scope: Construct,
  p: DomainComputeProps,
  opsKeyArn: string,
  artifactsBucketId: string,
  otherFailures: readonly FailureSource[],
): { roles: Map<string, ITerraformDependable>; glueJobs: Map<string, GlueJob> } {
  const { dep, env, zoneKeys } = p;
  const roles = new Map<string, ITerraformDependable>();
  const glueJobs = new Map<string, GlueJob>();
  if (dep.jobs.length === 0 && dep.quality.rulesets.length === 0 && dep.discovery.crawlers.length === 0 && otherFailures.length === 0) return { roles, glueJobs };
  const emrApplicationIds = new Map<string, string>();
  const failures: FailureSource[] = [...discoveryFailureSources(dep), ...otherFailures];
  const glueJobNames: string[] = [];
  const emrApps: string[] = [];
  // One security configuration per zone Glue jobs write (or "ops" for jobs writing no table).
  const securityConfigurations = new Map<string, GlueSecurityConfiguration>();
  const keyOf = (zone: string | null) => (zone ? zoneKeys.get(zone)! : opsKeyArn);
  // Where a Glue job's security configuration sends its CloudWatch logs and bookmarks: see zoneKeysServeLogs.
  const logKeyOf = (zone: string | null) => (p.zoneKeysServeLogs ? keyOf(zone) : opsKeyArn);
  for (const job of dep.jobs) {
    const c = job.glueSecurityConfiguration;
    if (!c || securityConfigurations.has(c.name)) continue;
    const s3Key = keyOf(c.zone);
    const logKey = logKeyOf(c.zone);
    securityConfigurations.set(
      c.name,
      new GlueSecurityConfiguration(scope, `glue-security-${c.zone ?? "ops"}`, {
        terraformName: `glue__${c.zone ?? "ops"}`,
        name: c.name,
        kmsKeyArn: logKey,
        ...(s3Key === logKey ? {} : { s3KmsKeyArn: s3Key }),
      }),
    );
  }
  const catalogArn = `arn:${dep.partition}:glue:${dep.region}:${dep.accountId}:catalog`;
  const tableArns = (t: TableRefModel): JobTableArns => ({
    catalogArn,
    databaseArn: `arn:${dep.partition}:glue:${dep.region}:${dep.accountId}:database/${t.database}`,
    tableArn: `arn:${dep.partition}:glue:${dep.region}:${dep.accountId}:table/${t.database}/${t.table}`,
  });
  const prefixArn = (uri: string) => `arn:${dep.partition}:s3:::${uri.replace(/^s3:\/\//, "")}`;
  for (const job of dependencyOrder(dep.jobs)) {
    new ArtifactObject(scope, `script-${job.name}`, {
      terraformName: `script__${job.name}`,
      bucket: artifactsBucketId,
      key: job.script.key,
      content: job.script.content,
      contentType: "text/x-python",
      kmsKeyArn: opsKeyArn,
    });
    if (job.engine === "emr-eks") continue; // see emrEksJobs below
    // A transient EMR fleet: its state machine, cluster roles and groups, and its runtime role.
    if (job.fleet) {
      roles.set(job.role.arn, fleetJob(scope, job, { dep, env, opsKeyArn, zoneKeyArn: keyOf(job.fleet.zone), tableArns, prefixArn }).role);
      continue;
    }
    const logs = job.glueSecurityConfiguration ? glueJobLogGroupNames(job.glueSecurityConfiguration.name, job.role.name) : undefined;
    const role = new JobRole(scope, `role-${job.name}`, {
      terraformName: `job__${job.name}`,
      roleName: job.role.name,
      description: `${job.engine} job ${job.name} of ${dep.stack}: Lake Formation access to its tables only`,
      accountId: dep.accountId,
      servicePrincipal: job.engine === "glue" ? "glue.amazonaws.com" : "emr-serverless.amazonaws.com",
      reads: job.reads.map(tableArns),
      writes: job.writes.map(tableArns),
      readObjectArns: [prefixArn(job.script.uri)],
      scratchPrefixArns: [prefixArn(job.tempDir), ...(job.engine === "emr-serverless" ? [prefixArn(logsUri(dep, job))] : [])],
      kmsKeyArns: [...new Set([opsKeyArn, keyOf(job.glueSecurityConfiguration?.zone ?? null)])],
      ...(logs
        ? { logGroupArns: [logs.error, logs.output].map((n) => `arn:${dep.partition}:logs:${dep.region}:${dep.accountId}:log-group:${n}`) }
        : {}),
      ...(job.engine === "glue" ? { metricsNamespace: GLUE_METRICS_NAMESPACE } : {}),
    });
    roles.set(job.role.arn, role.role);
    const s = job.settings as Record<string, unknown>;
    if (job.engine === "glue") {
      glueJobNames.push(`${dep.stack}-${job.name}`);
      const c = job.glueSecurityConfiguration!;
      const after = (s.after as string[] | undefined) ?? [];
      const glueJob = new GlueJob(scope, `job-${job.name}`, {
        terraformName: job.name,
        name: `${dep.stack}-${job.name}`,
        roleArn: role.role.arn,
        roleName: job.role.name,
        scriptLocation: job.script.uri,
        tempDir: job.tempDir,
        securityConfigurationName: securityConfigurations.get(c.name)!.name,
        logKmsKeyArn: logKeyOf(c.zone),
        workerType: s.workerType as "G.1X",
        numberOfWorkers: s.workers as number,
        flex: s.flex as boolean,
        timeoutMinutes: s.timeoutMinutes as number,
        maxRetries: s.maxRetries as number,
        bookmarks: s.bookmarks as boolean,
        arguments: job.arguments,
        ...(s.schedule ? { schedule: s.schedule as string } : {}),
        ...(after.length > 0 ? { after: after.map((n) => `${dep.stack}-${n}`), afterJobs: after.map((n) => glueJobs.get(n)!.job) } : {}),
      });
      glueJobs.set(job.name, glueJob);
    } else {
      const warm = s.preInitialized as { drivers: number; executors: number } | undefined;
      const worker = { cpu: "4 vCPU", memory: "16 GB" };
      const app = new EmrServerlessApp(scope, `app-${job.name}`, {
        terraformName: job.name,
        name: `${dep.stack}-${job.name}`,
        releaseLabel: s.releaseLabel as string,
        architecture: s.architecture as "ARM64",
        idleTimeoutMinutes: s.idleTimeoutMinutes as number,
        maximumCapacity: s.maximumCapacity as { cpu: string; memory: string },
        ...(warm ? { initialCapacity: { driver: { workerCount: warm.drivers, ...worker }, executor: { workerCount: warm.executors, ...worker } } } : {}),
        vpcId: env.network.vpcId,
        vpcCidr: env.network.vpcCidr,
        s3PrefixListId: env.network.s3PrefixListId,
        subnetIds: env.network.privateSubnetIds,
        securityGroupName: `${dep.stack}-${job.name}-emr-serverless`,
      });
      emrApps.push(app.application.id);
      emrApplicationIds.set(job.name, app.application.id);
    }
  }
  const eks = emrEksJobs(scope, dep, opsKeyArn, tableArns, prefixArn);
  if (eks) {
    for (const [arn, role] of eks.roles) roles.set(arn, role);
    failures.push(eks.failure);
  }
  if (glueJobNames.length > 0) {
    failures.push({
      name: "glue-jobs",
      description: `Failed Glue job runs of ${dep.stack}`,
      pattern: { source: ["aws.glue"], "detail-type": ["Glue Job State Change"], detail: { jobName: glueJobNames.sort(), state: ["ERROR", "FAILED", "TIMEOUT"] } },
    });
  }
  if (emrApps.length > 0) {
    failures.push({
      name: "emr-serverless-jobs",
      description: `Failed EMR Serverless job runs of ${dep.stack}`,
      pattern: { source: ["aws.emr-serverless"], "detail-type": ["EMR Serverless Job Run State Change"], detail: { applicationId: emrApps, state: ["FAILED"] } },
    });
  }
  failures.push(...fleetFailureSources(dep));
  // Quality gates: Glue evaluates each table's rules as the quality role, which reads the tables through Lake Formation.
  if (dep.quality.rulesets.length > 0) {
    const role = new JobRole(scope, "role-quality", {
      terraformName: "quality",
      roleName: dep.quality.role.name,
      description: `Glue Data Quality evaluation of ${dep.stack}'s tables: Lake Formation reads only`,
      accountId: dep.accountId,
      servicePrincipal: "glue.amazonaws.com",
      reads: dep.quality.rulesets.map((r) => tableArns({ zone: r.zone, table: r.table, database: r.database })),
      writes: [],
      readObjectArns: [],
      scratchPrefixArns: [],
      kmsKeyArns: [opsKeyArn],
    });
    roles.set(dep.quality.role.arn, role.role);
    for (const r of dep.quality.rulesets) {
      const table = p.tables.get(`${r.zone}.${r.table}`)!;
      new DataQualityRuleset(scope, `quality-${r.zone}-${r.table}`, {
        terraformName: `${r.zone}__${r.table}`,
        name: r.name,
        description: `Quality rules of ${r.zone}.${r.table}`,
        ruleset: r.ruleset,
        databaseName: table.databaseName,
        tableName: table.tableName,
        catalogId: dep.accountId,
      });
    }
    failures.push({ name: "quality", description: `Failed quality evaluations of ${dep.stack}`, pattern: dataQualityFailurePattern(dep.quality.rulesets.map((r) => r.name)) });
  }

  // The DAG goes into the environment's MWAA bucket (the platform stack's; applied first).
  if (dep.pipeline) {
    let content = escapeTemplates(renderDag(dep.pipeline.dag));
    for (const [job, id] of emrApplicationIds) content = content.split(emrServerlessPlaceholder(job)).join(id);
    if (eks) content = content.split(EMR_EKS_VIRTUAL_CLUSTER_PLACEHOLDER).join(eks.virtualClusterId);
    new ArtifactObject(scope, "dag", {
      terraformName: "dag",
      bucket: env.mwaa.bucket.name,
      key: dep.pipeline.key,
      content,
      contentIsTemplate: true,
      contentType: "text/x-python",
      // The MWAA bucket accepts uploads naming its key; this stack knows it by alias only.
      kmsKeyArn: env.mwaa.keyAliasArn,
    });
  }

  new FailureAlarms(scope, "alerts", {
    terraformName: "alerts",
    topicName: dep.alerts.topicName,
    email: dep.alerts.email,
    kmsKeyArn: opsKeyArn,
    accountId: dep.accountId,
    region: dep.region,
    partition: dep.partition,
    sources: failures,
  });
  return { roles, glueJobs };
}

/** Where an EMR Serverless job's driver and executor logs go (passed at job-run time). */
export const logsUri = (dep: DomainDeploymentModel, job: JobModel) => `s3://${dep.artifacts.bucket.name}/logs/${job.name}/`;

/** Jobs with every job they run `after` first (the manifest rules exclude loops); otherwise manifest order. */
function dependencyOrder(jobs: readonly JobModel[]): JobModel[] {
  const byName = new Map(jobs.map((j) => [j.name, j]));
  const out: JobModel[] = [];
  const placed = new Set<string>();
  const place = (j: JobModel) => {
    if (placed.has(j.name)) return;
    placed.add(j.name);
    for (const n of ((j.settings as { after?: string[] }).after ?? [])) {
      const dep = byName.get(n);
      if (dep) place(dep);
    }
    out.push(j);
  };
  jobs.forEach(place);
  return out;
}
