import { INGEST_ERRORS_PREFIX, defaultPartitionPattern } from "../manifest/ingestion-rules";
import type { Problem } from "../manifest/errors";
import type { IngestionManifestOutput } from "../manifest/schema/ingestion";
import { boundedName, iamRoleArn, iamRoleName, type NameContext } from "./names";
import type { EnvironmentModel, Model, TableModel } from "./types";

/**
 * Ingestion into the raw zone, named: Firehose streams (their delivery
 * stream, role, log group and alarms) and partner drop prefixes.
 */
export interface IngestionModel {
  /** In manifest order. */
  readonly streams: readonly FirehoseStreamModel[];
  /** In manifest order. */
  readonly partnerDrops: readonly PartnerDropModel[];
}

export interface FirehoseStreamModel {
  /** Name in the manifest; Terraform names are `firehose__<name>`. */
  readonly name: string;
  readonly description: string;
  /** Index in the manifest's ingestion.streams, for messages. */
  readonly index: number;
  /** Delivery stream name `<org>-<domain>-<name>-<env>`, at most 64 characters. */
  readonly streamName: string;
  readonly arn: string;
  /** The raw table written. */
  readonly table: { readonly zone: string; readonly table: string; readonly database: string };
  /** `<table>/<key>=!{timestamp:<pattern>}/…`: the table's location, Hive-style partitions from the arrival time (UTC). */
  readonly prefix: string;
  /** `_errors/<name>/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/`, outside every table. */
  readonly errorPrefix: string;
  readonly bufferSizeMib: number;
  readonly bufferIntervalSeconds: number;
  readonly compression: "GZIP" | "HADOOP_SNAPPY" | "UNCOMPRESSED";
  readonly role: { readonly name: string; readonly arn: string };
  /** `/aws/kinesisfirehose/<streamName>`, with the one stream `DestinationDelivery`. */
  readonly logGroup: string;
  /** CloudWatch alarms on the stream's delivery metrics; their state changes feed the domain's failure alarms. */
  readonly alarms: {
    /** DeliveryToS3.DataFreshness above freshnessThresholdSeconds. */
    readonly freshness: { readonly name: string; readonly arn: string };
    /** DeliveryToS3.Success below 1 (some delivery failed). */
    readonly delivery: { readonly name: string; readonly arn: string };
  };
  /** Three buffer intervals, at least 15 minutes: records older than this are stuck. */
  readonly freshnessThresholdSeconds: number;
}

export interface PartnerDropModel {
  readonly name: string;
  readonly description: string;
  readonly index: number;
  /** The principal's name in the platform catalogue, or null when the manifest gives the account ID itself. */
  readonly principal: string | null;
  readonly accountId: string;
  /** Key prefix under the raw bucket, ending in `/`. */
  readonly prefix: string;
}

/** Manifest ingestion (already cross-checked) → Model, for one deployment. */
export function ingestionOf(
  ingestion: IngestionManifestOutput,
  domain: string,
  ctx: NameContext,
  env: EnvironmentModel,
  tables: readonly TableModel[],
  principals: Readonly<Record<string, string>>,
): IngestionModel {
  const streams = ingestion.streams.map((s, index): FirehoseStreamModel => {
    const [zone, name] = s.table.split(".") as [string, string];
    const table = tables.find((t) => t.zone === zone && t.name === name);
    const partitions = (table?.partitionKeys ?? []).map((k) => `${k.name}=!{timestamp:${s.partitions?.[k.name] ?? defaultPartitionPattern(k.type) ?? ""}}/`);
    const prefix = `${name}/${partitions.join("")}`;
    const errorPrefix = `${INGEST_ERRORS_PREFIX}${s.name}/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/`;
    const streamName = boundedName([ctx.organization, domain, s.name], [ctx.environment], 64);
    const role = iamRoleName(ctx, domain, `firehose-${s.name}`);
    const alarm = (kind: string) => {
      const alarmName = `${streamName}-${kind}`;
      return { name: alarmName, arn: `arn:${env.partition}:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:${alarmName}` };
    };
    return {
      name: s.name,
      description: s.description,
      index,
      streamName,
      arn: `arn:${env.partition}:firehose:${ctx.region}:${ctx.accountId}:deliverystream/${streamName}`,
      table: { zone, table: name, database: table?.database ?? "" },
      prefix,
      errorPrefix,
      bufferSizeMib: s.bufferSizeMib,
      bufferIntervalSeconds: s.bufferIntervalSeconds,
      compression: s.compression,
      role: { name: role, arn: iamRoleArn(env.partition, env.accountId, role) },
      logGroup: `/aws/kinesisfirehose/${streamName}`,
      alarms: { freshness: alarm("freshness"), delivery: alarm("delivery") },
      freshnessThresholdSeconds: Math.max(900, 3 * s.bufferIntervalSeconds),
    };
  });
  const partnerDrops = ingestion.partnerDrops.flatMap((d, index): PartnerDropModel[] => {
    const literal = /^\d{12}$/.test(d.partner);
    const accountId = literal ? d.partner : principals[d.partner];
    return accountId === undefined ? [] : [{ name: d.name, description: d.description, index, principal: literal ? null : d.partner, accountId, prefix: d.prefix }];
  });
  return { streams, partnerDrops };
}

/** Layer 3 for ingestion: derived stream and role names unique per account and Region. */
export function ingestionInvariants(model: Model): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  for (const d of model.domains) {
    for (const dep of d.deployments) {
      for (const s of dep.ingestion.streams) {
        const owner = `${d.name} stream ${s.name} (${dep.environment})`;
        for (const key of [`stream:${dep.accountId}/${dep.region}:${s.streamName}`, `role:${dep.accountId}:${s.role.name}`]) {
          const prior = seen.get(key);
          if (prior) problems.push({ file: d.sourceFile, path: ["ingestion", "streams", s.index, "name"], code: "name-collision", message: `derived ${key.split(":")[0]} name is already used by ${prior}`, got: key.split(":").pop(), hint: "rename one of the two streams (or domains) so their physical names differ" });
          else seen.set(key, owner);
        }
      }
    }
  }
  return problems;
}
