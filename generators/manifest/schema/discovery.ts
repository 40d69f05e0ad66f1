import { z } from "zod";

/**
 * The manifest's `discovery` list: crawlers that catalogue what lands under
 * prefixes of a zone bucket, started by the arrivals themselves (S3 →
 * EventBridge → Glue workflow → crawler), optionally followed by Glue jobs.
 * Cross-field rules live in ../discovery-rules.ts.
 */

const DiscoveryName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,18}$/, "a discovery name is 2-19 lower-case letters, digits and hyphens, starting with a letter (it names EventBridge rules, at most 64 characters)");

/** One S3 key prefix under the zone bucket: path segments, each ending in `/`. */
export const DiscoveryPrefix = z
  .string()
  .max(512)
  .regex(/^([A-Za-z0-9_.=-]+\/)+$/, "a prefix is one or more path segments of letters, digits and _.=-, each ending in /, like streams/ or partners/incoming/");

export const DiscoveryManifest = z
  .strictObject({
    name: DiscoveryName.describe("Name, unique in the domain; names the crawler, its workflow, roles and Terraform resources."),
    description: z.string().max(2048).default("").describe("What lands under the prefixes and who sends it.\n@default - empty"),
    zone: z
      .string()
      .regex(/^[a-z][a-z0-9]{1,15}$/, "a zone name is 2-16 lower-case letters and digits, starting with a letter")
      .default("raw")
      .describe("Zone whose bucket is watched; discovered tables go to that zone's discovery database.\n@default - \"raw\""),
    prefixes: z
      .array(DiscoveryPrefix)
      .min(1)
      .max(10)
      .describe("Key prefixes under the zone bucket to watch and crawl, all of the same depth: each folder directly under a prefix becomes one table (e.g. streams/ → streams/<stream>/)."),
    exclude: z
      .array(z.string().min(1).max(512))
      .default([])
      .describe("Glob patterns, relative to each prefix, the crawler skips (e.g. **/_temporary/**, **.crc).\n@default - none"),
    tablePrefix: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,31}$/, "a table prefix is up to 32 lower-case letters, digits and underscores, starting with a letter")
      .optional()
      .describe("Prefix of the names of discovered tables.\n@default - none: a table is named after its folder"),
    batch: z
      .strictObject({
        size: z.int().min(1).max(100).default(100).describe("Arrivals that start a crawl at once (Glue EVENT trigger batch size, 1-100).\n@default - 100"),
        windowSeconds: z
          .int()
          .min(1)
          .max(900)
          .default(300)
          .describe("Seconds after the first arrival of a batch when the crawl starts anyway (batch window, 1-900).\n@default - 300: new streams are in the catalog within minutes"),
      })
      .default({ size: 100, windowSeconds: 300 })
      .describe("How arrivals are batched into crawls: whichever of size and window comes first starts one.\n@default - { size: 100, windowSeconds: 300 }"),
    schedule: z
      .string()
      .regex(/^cron\(\S+( \S+){5}\)$/, "a schedule is an AWS cron(...) expression with six fields, like cron(0 3 * * ? *)")
      .optional()
      .describe("Backstop: also start a crawl on this AWS cron schedule (UTC), in case an event was lost; Glue does not guarantee delivery.\n@default - arrivals only"),
    then: z
      .array(z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, "a job name is 2-40 lower-case letters, digits and hyphens"))
      .min(1)
      .optional()
      .describe("Glue jobs of this domain to run, in the same workflow, when a crawl succeeds (a conditional trigger). They may not also have a schedule, `after` or a pipeline task.\n@default - none"),
  })
  .describe("Event-driven discovery: a crawler started when objects land under the prefixes, cataloguing new folders as tables.");

export type DiscoveryManifestOutput = z.output<typeof DiscoveryManifest>;
