import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { FirehoseDelivery, firehoseFailureSource } from "../../modules/ingest/firehose-delivery";
import type { FailureSource } from "../../modules/orchestration/failure-alarms";
import type { PrefixWriter } from "../../modules/storage/bucket-policy";
import type { S3PrefixWriter } from "../../modules/storage/encryption-key";
import type { LakeBucket } from "../../modules/storage/lake-bucket";
import type { DomainDeploymentModel } from "../model/types";

/**
 * Ingestion into raw, the domain stack's section: a Firehose delivery stream
 * per manifest stream (into its table's location in the raw bucket, under
 * the raw key), and, per partner drop, an output telling the partner where
 * to upload and under which key. The drops' bucket- and key-policy
 * statements are options of the raw bucket and key (partnerDropBucketOptions,
 * partnerDropKeyOptions). Returns the failure source of the streams' alarms,
 * for the domain's failure alarms; none without streams.
 *
 * Terraform addresses: see FirehoseDelivery (`…<stream>`, `firehose__<stream>`),
 * and `output.partner_drop__<drop>`.
 */
export function ingestion(
  scope: Construct,
  dep: DomainDeploymentModel,
  zoneBuckets: ReadonlyMap<string, LakeBucket>,
  zoneKeys: ReadonlyMap<string, string>,
  opsKeyArn: string,
): FailureSource[] {
  const raw = zoneBuckets.get("raw");
  const rawKey = zoneKeys.get("raw");
  if (!raw || !rawKey) return []; // the manifest rules require a raw zone for any ingestion
  const alarmArns: string[] = [];
  for (const s of dep.ingestion.streams) {
    const delivery = new FirehoseDelivery(scope, `firehose-${s.name}`, {
      terraformName: s.name,
      streamName: s.streamName,
      accountId: dep.accountId,
      region: dep.region,
      partition: dep.partition,
      bucketArn: raw.bucket.arn,
      prefix: s.prefix,
      errorPrefix: s.errorPrefix,
      kmsKeyArn: rawKey,
      logKmsKeyArn: opsKeyArn,
      logGroupName: s.logGroup,
      roleName: s.role.name,
      bufferSizeMib: s.bufferSizeMib,
      bufferIntervalSeconds: s.bufferIntervalSeconds,
      compression: s.compression,
      alarms: { freshnessName: s.alarms.freshness.name, deliveryName: s.alarms.delivery.name, freshnessThresholdSeconds: s.freshnessThresholdSeconds },
    });
    alarmArns.push(...delivery.alarmArns);
  }
  for (const d of dep.ingestion.partnerDrops) {
    new TerraformOutput(scope, `partner-drop-${d.name}`, {
      description: `Where partner ${d.principal ?? d.accountId} uploads (${d.name}): PutObject with x-amz-server-side-encryption: aws:kms and x-amz-server-side-encryption-aws-kms-key-id: kms_key_arn`,
      value: { account: d.accountId, bucket: raw.bucket.bucket, prefix: d.prefix, kms_key_arn: rawKey },
    }).overrideLogicalId(`partner_drop__${d.name}`);
  }
  return alarmArns.length === 0 ? [] : [firehoseFailureSource(`Firehose streams of ${dep.stack} failing or falling behind`, alarmArns)];
}

const dropsInto = (dep: DomainDeploymentModel, zone: string) => (zone === "raw" ? dep.ingestion.partnerDrops : []);

/** The raw bucket's policy lets each partner upload under its prefix; nothing for other zones. */
export function partnerDropBucketOptions(dep: DomainDeploymentModel, zone: string): { prefixWriters?: readonly PrefixWriter[] } {
  const drops = dropsInto(dep, zone);
  return drops.length === 0 ? {} : { prefixWriters: drops.map((d) => ({ name: d.name, accountId: d.accountId, prefix: d.prefix })) };
}

/** The raw key's policy lets each partner encrypt through S3, for the raw bucket; nothing for other zones. */
export function partnerDropKeyOptions(dep: DomainDeploymentModel, zone: string, bucketArn: string): { s3PrefixWriters?: readonly S3PrefixWriter[] } {
  const drops = dropsInto(dep, zone);
  return drops.length === 0 ? {} : { s3PrefixWriters: drops.map((d) => ({ name: d.name, accountId: d.accountId, region: dep.region, bucketArn, prefix: d.prefix })) };
}
