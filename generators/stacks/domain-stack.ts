import type { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { GlueDatabase } from "../../modules/catalog/glue-database";
import { GlueTable } from "../../modules/catalog/glue-table";
import { ResourceLink } from "../../modules/catalog/resource-link";
import { logsKeyStatements } from "../../modules/compute/log-group";
import { DataEventTrail } from "../../modules/governance/data-event-trail";
import { CellsFilterGrant, TableGrant, TagPolicyGrant } from "../../modules/governance/lf-grant";
import { LocationRegistration } from "../../modules/governance/location-registration";
import { AwsStack } from "../../modules/stack/aws-stack";
import { EncryptionKey } from "../../modules/storage/encryption-key";
import { LakeBucket } from "../../modules/storage/lake-bucket";
import type { DomainDeploymentModel, EnvironmentModel, StackModel } from "../model/types";
import { accessLogBucket, zoneLifecycle } from "./buckets";
import { domainBudget } from "./budget";
import { domainCompute } from "./domain-compute";
import { alwaysOnDrStorage, replicationReaders } from "./dr-storage";
import { ingestion, partnerDropBucketOptions, partnerDropKeyOptions } from "./ingestion";
import { pipelineQueryBucketStatements, pipelineQueryKeyStatements } from "./pipeline-queries";
import { DEFAULT_STATE_ROOT, stackProps } from "./stack-props";

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
    const registrations = new Map<string, LocationRegistration>();
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
      registrations.set(
        zone.name,
        new LocationRegistration(this, `${zone.name}-registration`, {
          terraformName: zone.name,
          roleName: zone.registrationRole.name,
          bucketArn: bucket.bucket.arn,
          kmsKeyArn: key.key.arn,
          accountId: dep.accountId,
          partition: dep.partition,
        }),
      );
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

    const tableNames = new Map([...tables].map(([k, t]) => [k, { databaseName: t.table.databaseName, tableName: t.table.name }]));
    const { jobRoles } = domainCompute(this, {
      stack,
      dep,
      env,
      zoneKeys,
      zoneKeysServeLogs: true,
      accessLogBucket: logs.bucket.id,
      tables: tableNames,
      discovery: { kind: "in-stack", buckets: zoneBuckets, registrations },
      beforeJobs: (opsKeyArn) => ingestion(this, dep, zoneBuckets, zoneKeys, opsKeyArn),
    });
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
}
