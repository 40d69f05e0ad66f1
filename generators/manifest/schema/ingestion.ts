import { z } from "zod";

/**
 * Ingestion into the raw zone: Firehose streams that land records in a raw
 * table's location, and prefixes where a partner account drops files.
 * Cross-field checks are in generators/manifest/ingestion-rules.ts.
 */

const StreamName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,31}$/, "a stream name is 2-32 lower-case letters, digits and hyphens, starting with a letter");

/** What `!{timestamp:…}` may hold here: Java date-time letters for year, month, day and hour, joined by - or _. */
export const TIMESTAMP_PATTERN = /^(yyyy|MM|dd|HH)([-_]?(yyyy|MM|dd|HH))*$/;

export const FirehoseStreamManifest = z
  .strictObject({
    name: StreamName.describe("Stream name, unique in the domain; names the delivery stream, its role, log group and alarms."),
    description: z.string().max(1024).default("").describe("Who sends what to the stream.\n@default - empty"),
    table: z
      .string()
      .regex(/^raw\.[a-z][a-z0-9_]{0,127}$/, "a stream writes a raw table, named raw.<table>")
      .describe("The raw table (raw.<table>, format json) whose location the stream writes: objects land under <table>/<key>=<value>/… in Hive style, so the table reads them without a crawler."),
    partitions: z
      .record(
        z.string().regex(/^[a-z_][a-z0-9_]{0,254}$/, "a partition key is a column name"),
        z.string().regex(TIMESTAMP_PATTERN, "a partition pattern is made of yyyy, MM, dd and HH, joined by - or _, like yyyy-MM-dd-HH"),
      )
      .optional()
      .describe(
        "How each partition key of the table is made from the record's arrival time (UTC), as Java date-time letters: { ingest_hour: yyyy-MM-dd-HH }. Every partition key needs one; date keys default to yyyy-MM-dd.\n@default - yyyy-MM-dd for date keys; other keys must be given",
      ),
    bufferSizeMib: z
      .int()
      .min(1)
      .max(128)
      .default(64)
      .describe("Firehose writes an object when this many MiB are buffered (or the interval passes): larger objects, fewer small files in raw.\n@default - 64"),
    bufferIntervalSeconds: z
      .int()
      .min(60, "buffer at least a minute: shorter intervals make many small objects")
      .max(900)
      .default(300)
      .describe("…or when this many seconds have passed since the first buffered record.\n@default - 300"),
    compression: z
      .enum(["GZIP", "HADOOP_SNAPPY", "UNCOMPRESSED"])
      .default("GZIP")
      .describe("Compression of the delivered objects; Athena, Glue and Spark read all three.\n@default - \"GZIP\""),
  })
  .describe("A Firehose delivery stream (Direct PUT) writing records into a raw table, encrypted under the raw zone key.");

export const PartnerDropManifest = z
  .strictObject({
    name: StreamName.describe("Drop name, unique in the domain; names its bucket- and key-policy statements."),
    partner: z
      .string()
      .regex(/^([a-z][a-z0-9-]{1,62}|\d{12})$/, "a partner is the name of an account principal of the platform, or a 12-digit account ID")
      .describe("The account that uploads: an account principal of the platform's `principals` (by name, so each environment has its own), or a 12-digit account ID."),
    prefix: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.=-]*(\/[a-z0-9][a-z0-9_.=-]*)*\/$/, "a drop prefix is lower-case path segments ending in /, like drops/mvno-nordic/")
      .max(256)
      .describe("Key prefix under the raw bucket where the partner may upload, and nowhere else. Not a table location: a job conforms what lands here."),
    description: z
      .string()
      .min(20, "say in a sentence what the partner sends and why: reviewers read it")
      .max(1024)
      .describe("What the partner sends, and why it may write into raw; shown in reviews."),
  })
  .describe("A prefix of the raw bucket another account may upload to (SSE-KMS under the raw key, no reads, no listing).");

export const IngestionManifest = z
  .strictObject({
    streams: z.array(FirehoseStreamManifest).default([]).describe("Firehose delivery streams into raw tables.\n@default - none"),
    partnerDrops: z.array(PartnerDropManifest).default([]).describe("Prefixes of the raw bucket that partner accounts upload to.\n@default - none"),
  })
  .describe("Ingestion into the raw zone: Firehose streams and partner drop prefixes.");

export type IngestionManifestOutput = z.output<typeof IngestionManifest>;
export type FirehoseStreamManifestOutput = z.output<typeof FirehoseStreamManifest>;
export type PartnerDropManifestOutput = z.output<typeof PartnerDropManifest>;
