import type { Construct } from "constructs";
import { GlueDatabase } from "../../modules/catalog/glue-database";
import { GlueTable } from "../../modules/catalog/glue-table";
import { AwsStack } from "../../modules/stack/aws-stack";
import { logDeliveryStatement } from "../../modules/storage/bucket-policy";
import { EncryptionKey } from "../../modules/storage/encryption-key";
import { LakeBucket } from "../../modules/storage/lake-bucket";
import type { DomainDeploymentModel, StackModel } from "../model/types";
import { DEFAULT_STATE_ROOT, stackProps } from "./stack-props";

/**
 * `<domain>-<env>`: the domain's storage and catalog in one state. Terraform
 * names are a public contract: for zone `raw`, `aws_kms_key.raw`,
 * `aws_s3_bucket.raw`, `aws_glue_catalog_database.raw`, …; the log bucket is
 * `aws_s3_bucket.access_logs`; table `events` of raw is
 * `aws_glue_catalog_table.raw__events`.
 */
export class DomainStack extends AwsStack {
  constructor(scope: Construct, stack: StackModel, dep: DomainDeploymentModel, stateRoot = DEFAULT_STATE_ROOT) {
    super(scope, stack.name, stackProps(stack, stateRoot));

    const logs = new LakeBucket(this, "access_logs", {
      bucketName: dep.logBucket.name,
      bucketArn: dep.logBucket.arn,
      encryption: { kind: "s3-managed-for-access-logs" },
      lifecycle: {
        intelligentTiering: false,
        expireAfterDays: dep.logBucket.logRetentionDays,
        noncurrentVersionExpiryDays: 30,
        abortIncompleteMultipartUploadDays: 7,
      },
      policyStatements: [logDeliveryStatement(dep.logBucket.arn, dep.accountId, dep.zones.map((z) => z.bucket.arn))],
      eventBridge: false,
    });

    const databases = new Map<string, GlueDatabase>();
    for (const zone of dep.zones) {
      const key = new EncryptionKey(this, `${zone.name}-key`, {
        terraformName: zone.name,
        alias: zone.key.alias,
        description: zone.key.description,
        accountId: dep.accountId,
        partition: dep.partition,
      });
      const l = zone.bucket.lifecycle;
      new LakeBucket(this, `${zone.name}-bucket`, {
        terraformName: zone.name,
        bucketName: zone.bucket.name,
        bucketArn: zone.bucket.arn,
        encryption: { kind: "kms", kmsKeyArn: key.key.arn },
        accessLogs: { targetBucket: logs.bucket.id, targetPrefix: zone.bucket.logPrefix },
        lifecycle: {
          intelligentTiering: l.intelligentTiering,
          glacierAfterDays: l.glacierAfterDays,
          expireAfterDays: l.expireAfterDays,
          noncurrentVersionExpiryDays: l.noncurrentVersionExpiryDays,
          abortIncompleteMultipartUploadDays: l.abortIncompleteMultipartUploadDays,
          prefixExpirations: [{ prefix: l.stagingPrefix, days: l.stagingExpireAfterDays }],
        },
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

    for (const t of dep.tables) {
      new GlueTable(this, `${t.zone}-table-${t.name}`, {
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
    }
  }
}
