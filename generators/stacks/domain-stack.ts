import type { Construct } from "constructs";
import { GlueDatabase } from "../../modules/catalog/glue-database";
import { GlueTable } from "../../modules/catalog/glue-table";
import { ResourceLink } from "../../modules/catalog/resource-link";
import { DataEventTrail } from "../../modules/governance/data-event-trail";
import { CellsFilterGrant, TableGrant, TagPolicyGrant } from "../../modules/governance/lf-grant";
import { LocationRegistration } from "../../modules/governance/location-registration";
import { logsKeyStatements } from "../../modules/compute/log-group";
import { FailureAlarms, type FailureSource, alarmsKeyStatements } from "../../modules/orchestration/failure-alarms";
import { AthenaWorkgroup } from "../../modules/query/athena-workgroup";
import { EmrServerlessApp } from "../../modules/compute/emr-serverless-app";
import { GLUE_METRICS_NAMESPACE, GlueJob, glueJobLogGroupNames } from "../../modules/compute/glue-job";
import { GlueSecurityConfiguration } from "../../modules/compute/glue-security-configuration";
import { JobRole, type JobTableArns } from "../../modules/identity/job-role";
import { ArtifactObject, escapeTemplates } from "../../modules/storage/artifact-object";
import { DataQualityRuleset, dataQualityFailurePattern } from "../../modules/catalog/data-quality-ruleset";
import { renderDag } from "../dags/render";
import type { ITerraformDependable } from "cdktf";
import { AwsStack } from "../../modules/stack/aws-stack";
import { EncryptionKey } from "../../modules/storage/encryption-key";
import { LakeBucket } from "../../modules/storage/lake-bucket";
import { type DomainDeploymentModel, type EnvironmentModel, type JobModel, type StackModel, type TableRefModel, emrServerlessPlaceholder } from "../model/types";
import { fleetFailureSources, fleetJob, fleetKeyStatements, fleetUploadKeyArns } from "./fleet-job";
import { DEFAULT_STATE_ROOT, stackProps } from "./stack-props";
import { emrEksJobs } from "./emr-eks-jobs";
import { EMR_EKS_VIRTUAL_CLUSTER_PLACEHOLDER } from "../model/emr-eks";
import { addDiscovery, discoveryFailureSources } from "./discovery";
import { ingestion, partnerDropBucketOptions, partnerDropKeyOptions } from "./ingestion";
import { domainBudget } from "./budget";
import { pipelineQueryArtifactStatements, pipelineQueryBucketStatements, pipelineQueryKeyStatements, pipelineQueryUploadKeyArns, pipelineQueryWorkgroups } from "./pipeline-queries";
import { alwaysOnDrStorage, replicationReaders } from "./dr-storage";
import { accessLogBucket, zoneLifecycle } from "./buckets";

/**
 * `<domain>-<env>`: the domain's storage and catalog in one state. Terraform
 * names are a public contract: for zone `raw`, `aws_kms_key.raw`,
 * `aws_s3_bucket.raw`, `aws_glue_catalog_database.raw`, …; the log bucket is
 * `aws_s3_bucket.access_logs`; table `events` of raw is
 * `aws_glue_catalog_table.raw__events`; grant `analysts` is
 * `aws_lakeformation_permissions.analysts` (tag or filter grant) or
 * `aws_lakeformation_permissions.analysts--<zone>__<table>` (named tables).
 */
export class DomainStack extends AwsStack {
  constructor(scope: Construct, stack: StackModel, dep: DomainDeploymentModel, env: EnvironmentModel, stateRoot = DEFAULT_STATE_ROOT) {
    super(scope, stack.name, stackProps(stack, stateRoot));

    const logs = accessLogBucket(this, "access_logs", {
      bucket: dep.logBucket,
      retentionDays: dep.logBucket.logRetentionDays,
      accountId: dep.accountId,
      sourceBucketArns: [...dep.zones.map((z) => z.bucket.arn), dep.audit.bucket.arn, dep.artifacts.bucket.arn],
    });

    new DataEventTrail(this, "audit", {
      trailName: dep.audit.trailName,
      bucketName: dep.audit.bucket.name,
      bucketArn: dep.audit.bucket.arn,
      keyAlias: dep.audit.keyAlias,
      keyDescription: dep.audit.keyDescription,
      accountId: dep.accountId,
      partition: dep.partition,
      region: dep.region,
      watchedBucketArns: dep.zones.map((z) => z.bucket.arn),
      accessLogs: { targetBucket: logs.bucket.id, targetPrefix: "audit/" },
      logRetentionDays: dep.audit.logRetentionDays,
      readEvents: dep.audit.readEvents,
    });

    const databases = new Map<string, GlueDatabase>();
    const zoneKeys = new Map<string, string>();
    const zoneBuckets = new Map<string, LakeBucket>();
    for (const zone of dep.zones) {
      const key = new EncryptionKey(this, `${zone.name}-key`, {
        terraformName: zone.name,
        alias: zone.key.alias,
        description: zone.key.description,
        accountId: dep.accountId,
        partition: dep.partition,
        // Glue jobs writing this zone log under its key (their security configuration's).
        statements: [
          ...(dep.jobs.some((j) => j.glueSecurityConfiguration?.zone === zone.name) ? logsKeyStatements(dep.accountId, dep.region, dep.partition) : []),
          ...pipelineQueryKeyStatements(dep, zone.name),
        ],
        ...partnerDropKeyOptions(dep, zone.name, zone.bucket.arn),
      });
      zoneKeys.set(zone.name, key.key.arn);
      const bucket = new LakeBucket(this, `${zone.name}-bucket`, {
        terraformName: zone.name,
        onlyObjectReaders: [zone.registrationRole.arn, ...replicationReaders(dep, zone.name)],
        policyStatements: pipelineQueryBucketStatements(dep, zone.name),
        bucketName: zone.bucket.name,
        bucketArn: zone.bucket.arn,
        encryption: { kind: "kms", kmsKeyArn: key.key.arn },
        ...partnerDropBucketOptions(dep, zone.name),
        accessLogs: { targetBucket: logs.bucket.id, targetPrefix: zone.bucket.logPrefix },
        lifecycle: zoneLifecycle(zone.bucket.lifecycle),
      });
      zoneBuckets.set(zone.name, bucket);
      // Lake Formation reaches the bytes through this role alone; nobody else may read them.
      new LocationRegistration(this, `${zone.name}-registration`, {
        terraformName: zone.name,
        roleName: zone.registrationRole.name,
        bucketArn: bucket.bucket.arn,
        kmsKeyArn: key.key.arn,
        accountId: dep.accountId,
        partition: dep.partition,
      });
      databases.set(
        zone.name,
        new GlueDatabase(this, `${zone.name}-database`, {
          terraformName: zone.name,
          name: zone.database.name,
          catalogId: dep.accountId,
          description: zone.database.description,
          locationUri: zone.database.locationUri,
          lfTags: zone.database.lfTags,
        }),
      );
    }

    // Zone key replicas, every zone's DR bucket and replication into the DR region.
    alwaysOnDrStorage(this, stack, dep, zoneKeys, zoneBuckets);

    for (const link of dep.resourceLinks) {
      new ResourceLink(this, `link-${link.producer}-${link.zone}`, {
        terraformName: `link__${link.producer}__${link.zone}`,
        name: link.name,
        catalogId: dep.accountId,
        description: link.description,
        target: link.target,
      });
    }

    const tables = new Map<string, GlueTable>();
    for (const t of dep.tables) {
      const table = new GlueTable(this, `${t.zone}-table-${t.name}`, {
        terraformName: `${t.zone}__${t.name}`,
        name: t.name,
        databaseName: databases.get(t.zone)!.database.name,
        catalogId: dep.accountId,
        description: t.description,
        format: t.format,
        location: t.location,
        columns: t.columns,
        partitionKeys: t.partitionKeys,
        lfTags: t.lfTags,
      });
      tables.set(`${t.zone}.${t.name}`, table);
    }

    // Scripts, temp data, logs and query results: readable with IAM (no Lake Formation in front), encrypted with the ops key.
    const ops = new EncryptionKey(this, "ops-key", {
      terraformName: "ops",
      alias: dep.artifacts.keyAlias,
      description: dep.artifacts.keyDescription,
      accountId: dep.accountId,
      partition: dep.partition,
      statements: [...logsKeyStatements(dep.accountId, dep.region, dep.partition), ...alarmsKeyStatements(dep.accountId), ...fleetKeyStatements(dep)],
    });
    const artifacts = new LakeBucket(this, "artifacts-bucket", {
      terraformName: "artifacts",
      bucketName: dep.artifacts.bucket.name,
      bucketArn: dep.artifacts.bucket.arn,
      encryption: { kind: "kms", kmsKeyArn: ops.key.arn },
      // A Glue job's security configuration encrypts all it writes, its temp data too, with the written zone's key.
      additionalUploadKeyArns: [...new Set([...dep.jobs.flatMap((j) => (j.glueSecurityConfiguration?.zone ? [zoneKeys.get(j.glueSecurityConfiguration.zone)!] : [])), ...pipelineQueryUploadKeyArns(dep, zoneKeys), ...fleetUploadKeyArns(dep, zoneKeys)])],
      policyStatements: pipelineQueryArtifactStatements(dep),
      accessLogs: { targetBucket: logs.bucket.id, targetPrefix: "artifacts/" },
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
      new AthenaWorkgroup(this, `workgroup-${wg.principal}`, {
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
    pipelineQueryWorkgroups(this, dep, zoneKeys);

    const ingestFailures = ingestion(this, dep, zoneBuckets, zoneKeys, ops.key.arn);
    const jobRoles = this.jobs(dep, env, ops.key.arn, artifacts.bucket.id, zoneKeys, tables, ingestFailures);
    addDiscovery(this, dep);
    domainBudget(this, dep);

    // Grants reference the tables' names, so Terraform creates tables first and revokes grants first.
    for (const g of dep.grants) {
      // A job's role must exist before Lake Formation can grant to it.
      const role = jobRoles.get(g.principal.id);
      const base = { catalogId: dep.accountId, principal: g.principal.id, ...(role ? { dependsOn: [role] as ITerraformDependable[] } : {}) };
      const target = g.target;
      if (target.kind === "tags") {
        new TagPolicyGrant(this, `grant-${g.name}`, { ...base, terraformName: g.name, permissions: g.permissions, grantable: g.grantable, expression: target.expression });
      } else if (target.kind === "tables") {
        for (const ref of target.tables) {
          const table = tables.get(`${ref.zone}.${ref.table}`)!.table;
          new TableGrant(this, `grant-${g.name}-${ref.zone}-${ref.table}`, {
            ...base,
            terraformName: `${g.name}--${ref.zone}__${ref.table}`,
            permissions: g.permissions,
            grantable: g.grantable,
            databaseName: table.databaseName,
            tableName: table.name,
          });
        }
      } else {
        const table = tables.get(`${target.table.zone}.${target.table.table}`)!.table;
        new CellsFilterGrant(this, `grant-${g.name}`, {
          ...base,
          terraformName: g.name,
          filterName: g.name,
          databaseName: table.databaseName,
          tableName: table.name,
          excludedColumns: target.excludedColumns,
          rowFilter: target.rowFilter,
        });
      }
    }
  }

  /**
   * Each job: its script as an object keyed by content hash, its own role
   * (Lake Formation data access, its tables' catalog entries, its script and
   * scratch prefixes, nothing else), and the engine: a Glue job with its
   * triggers, or an EMR Serverless application. Returns the roles by ARN.
   */
  private jobs(
    dep: DomainDeploymentModel,
    env: EnvironmentModel,
    opsKeyArn: string,
    artifactsBucketId: string,
    zoneKeys: ReadonlyMap<string, string>,
    tables: ReadonlyMap<string, GlueTable>,
    otherFailures: readonly FailureSource[] = [],
  ): Map<string, ITerraformDependable> {
    const roles = new Map<string, ITerraformDependable>();
    if (dep.jobs.length === 0 && dep.quality.rulesets.length === 0 && dep.discovery.crawlers.length === 0 && otherFailures.length === 0) return roles;
    const emrApplicationIds = new Map<string, string>();
    const failures: FailureSource[] = [...discoveryFailureSources(dep), ...otherFailures];
    const glueJobNames: string[] = [];
    const emrApps: string[] = [];
    // One security configuration per zone Glue jobs write (or "ops" for jobs writing no table).
    const securityConfigurations = new Map<string, GlueSecurityConfiguration>();
    const keyOf = (zone: string | null) => (zone ? zoneKeys.get(zone)! : opsKeyArn);
    for (const job of dep.jobs) {
      const c = job.glueSecurityConfiguration;
      if (!c || securityConfigurations.has(c.name)) continue;
      securityConfigurations.set(c.name, new GlueSecurityConfiguration(this, `glue-security-${c.zone ?? "ops"}`, { terraformName: `glue__${c.zone ?? "ops"}`, name: c.name, kmsKeyArn: keyOf(c.zone) }));
    }
    const glueJobs = new Map<string, GlueJob>();
    const catalogArn = `arn:${dep.partition}:glue:${dep.region}:${dep.accountId}:catalog`;
    const tableArns = (t: TableRefModel): JobTableArns => ({
      catalogArn,
      databaseArn: `arn:${dep.partition}:glue:${dep.region}:${dep.accountId}:database/${t.database}`,
      tableArn: `arn:${dep.partition}:glue:${dep.region}:${dep.accountId}:table/${t.database}/${t.table}`,
    });
    const prefixArn = (uri: string) => `arn:${dep.partition}:s3:::${uri.replace(/^s3:\/\//, "")}`;
    for (const job of dependencyOrder(dep.jobs)) {
      new ArtifactObject(this, `script-${job.name}`, {
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
        roles.set(job.role.arn, fleetJob(this, job, { dep, env, opsKeyArn, zoneKeyArn: keyOf(job.fleet.zone), tableArns, prefixArn }).role);
        continue;
      }
      const logs = job.glueSecurityConfiguration ? glueJobLogGroupNames(job.glueSecurityConfiguration.name, job.role.name) : undefined;
      const role = new JobRole(this, `role-${job.name}`, {
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
        const glueJob = new GlueJob(this, `job-${job.name}`, {
          terraformName: job.name,
          name: `${dep.stack}-${job.name}`,
          roleArn: role.role.arn,
          roleName: job.role.name,
          scriptLocation: job.script.uri,
          tempDir: job.tempDir,
          securityConfigurationName: securityConfigurations.get(c.name)!.name,
          logKmsKeyArn: keyOf(c.zone),
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
        const app = new EmrServerlessApp(this, `app-${job.name}`, {
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
    const eks = emrEksJobs(this, dep, opsKeyArn, tableArns, prefixArn);
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
      const role = new JobRole(this, "role-quality", {
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
        const table = tables.get(`${r.zone}.${r.table}`)!.table;
        new DataQualityRuleset(this, `quality-${r.zone}-${r.table}`, {
          terraformName: `${r.zone}__${r.table}`,
          name: r.name,
          description: `Quality rules of ${r.zone}.${r.table}`,
          ruleset: r.ruleset,
          databaseName: table.databaseName,
          tableName: table.name,
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
      new ArtifactObject(this, "dag", {
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

    new FailureAlarms(this, "alerts", {
      terraformName: "alerts",
      topicName: dep.alerts.topicName,
      email: dep.alerts.email,
      kmsKeyArn: opsKeyArn,
      accountId: dep.accountId,
      region: dep.region,
      partition: dep.partition,
      sources: failures,
    });
    return roles;
  }
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
