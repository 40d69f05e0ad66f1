import { describe, expect, it } from "vitest";
import { formatProblem } from "../../generators/manifest/errors";
import { checkIngestion, partitionPatternProblem } from "../../generators/manifest/ingestion-rules";
import { DomainManifest } from "../../generators/manifest/schema/domain";
import { PlatformManifest } from "../../generators/manifest/schema/platform";
import { lakeform } from "../helpers/cli";
import { domainFixture, makeProject, platformFixture } from "../helpers/project";

const FILE = "domains/sales/domain.yaml";

/** The fixture domain with a raw json table partitioned by arrival date and hour, and a stream and drop that fit. */
function domain(mutate: (d: Record<string, any>) => void = () => {}): Record<string, any> {
  const d = domainFixture();
  d.tables.push({
    name: "clicks",
    zone: "raw",
    format: "json",
    columns: [{ name: "payload", type: "string" }],
    partitionKeys: [
      { name: "ingest_date", type: "date" },
      { name: "ingest_hour", type: "string" },
    ],
  });
  d.ingestion = {
    streams: [{ name: "clicks", table: "raw.clicks", partitions: { ingest_hour: "HH" } }],
    partnerDrops: [{ name: "reseller", partner: "reseller", prefix: "drops/reseller/", description: "The reseller uploads its nightly order files for reconciliation." }],
  };
  mutate(d);
  return d;
}

function platform(mutate: (p: Record<string, any>) => void = () => {}): Record<string, any> {
  const p = platformFixture();
  p.environments.dev.principals = { reseller: "555555555555", analysts: "arn:aws:iam::111111111111:role/analysts" };
  p.environments.prod.principals = { reseller: "666666666666", analysts: "arn:aws:iam::222222222222:role/analysts" };
  mutate(p);
  return p;
}

function problems(d: Record<string, any>, p: Record<string, any> = platform()): string[] {
  const manifest = DomainManifest.parse(d);
  return checkIngestion({ file: FILE, folder: "sales", manifest }, PlatformManifest.parse(p)).map(formatProblem);
}

describe("checkIngestion", () => {
  it("accepts a stream into a raw json table whose partitions it can make, and a partner's own prefix", () => {
    expect(problems(domain())).toEqual([]);
  });

  it("has nothing to say about a domain without ingestion", () => {
    expect(problems(domainFixture())).toEqual([]);
  });

  it("fails when a stream names a table the domain does not have, or two streams write one table", () => {
    expect(problems(domain((d) => d.ingestion.streams.push({ name: "clicks", table: "raw.clicks", partitions: { ingest_hour: "HH" } }, { name: "views", table: "raw.clickz" })))).toEqual([
      `${FILE} › ingestion.streams[1].name: duplicate stream name, got "clicks"; ingestion.streams[0] has the same name`,
      `${FILE} › ingestion.streams[1].table: two streams write one table, got "raw.clicks"; ingestion.streams[0] writes it already; send both producers to one stream`,
      `${FILE} › ingestion.streams[2].table: the domain has no such raw table, got "raw.clickz"; did you mean "raw.clicks"? (raw tables: "raw.clicks")`,
    ]);
  });

  it("fails when the domain has no raw zone", () => {
    const out = problems(domain((d) => (d.zones = { processed: {} }, (d.tables = d.tables.filter((t: any) => t.zone !== "raw")))));
    expect(out).toEqual([
      `${FILE} › ingestion.streams[0].table: the domain has no raw zone to stream into, got "raw.clicks"; declare a raw zone`,
      `${FILE} › ingestion.partnerDrops[0].prefix: the domain has no raw zone to drop into, got "drops/reseller/"; declare a raw zone`,
    ]);
  });

  it("fails when the table is not json, or not partitioned", () => {
    expect(problems(domain((d) => (d.tables[1].format = "parquet")))).toEqual([
      `${FILE} › ingestion.streams[0].table: Firehose delivers records as they are sent, so its table is json, and raw.clicks is parquet, got "raw.clicks"; set format: json on the table, and conform it into processed with a job`,
    ]);
    expect(problems(domain((d) => ((d.tables[1].partitionKeys = []), (d.ingestion.streams[0].partitions = undefined))))).toEqual([
      `${FILE} › ingestion.streams[0].table: the table has no partition keys, so Firehose would add its own YYYY/MM/dd/HH folders the table cannot read, got "raw.clicks"; partition the table by arrival time, e.g. partitionKeys: [{ name: ingest_date, type: date }]`,
    ]);
  });

  it("fails when a partition key has no pattern, a pattern does not fit its type, or names no partition key — all at once", () => {
    const out = problems(
      domain((d) => {
        d.tables[1].partitionKeys.push({ name: "ingest_minute", type: "int" }, { name: "ingest_ts", type: "timestamp" });
        d.ingestion.streams[0].partitions = { ingest_date: "yyyyMMdd", ingest_minute: "HH-dd", ingest_ts: "HH", ingest_day: "dd" };
      }),
    );
    expect(out).toEqual([
      `${FILE} › ingestion.streams[0].partitions.ingest_date: a date partition reads only yyyy-MM-dd (ingest_date is date), got "yyyyMMdd"; use yyyy-MM-dd`,
      `${FILE} › ingestion.streams[0].partitions: partition key "ingest_hour" (string) of raw.clicks has no pattern; add ingest_hour: <pattern> from yyyy, MM, dd and HH, e.g. yyyy-MM-dd-HH`,
      `${FILE} › ingestion.streams[0].partitions.ingest_minute: an integer partition reads digits only, without - or _ (ingest_minute is int), got "HH-dd"; use a string partition key, or a pattern that fits its type`,
      `${FILE} › ingestion.streams[0].partitions.ingest_ts: a timestamp partition cannot be made from the arrival time (ingest_ts is timestamp), got "HH"; use a string partition key, or a pattern that fits its type`,
      `${FILE} › ingestion.streams[0].partitions.ingest_day: raw.clicks has no such partition key, got "ingest_day"; did you mean "ingest_date"? (partition keys: "ingest_date", "ingest_hour", "ingest_minute", "ingest_ts")`,
    ]);
  });

  it("fails when a drop's prefix overlaps a table, the staging prefix, or another drop", () => {
    const out = problems(
      domain((d) => {
        d.zones = { raw: { lifecycle: { staging: { prefix: "landing/" } } }, processed: {}, curated: {} };
        d.ingestion.partnerDrops.push(
          { name: "aa", partner: "reseller", prefix: "clicks/partner/", description: "Files that would land inside a table." },
          { name: "bb", partner: "reseller", prefix: "landing/bb/", description: "Files that would be deleted with the staging area." },
          { name: "dd", partner: "reseller", prefix: "drops/", description: "A prefix above another partner's drop." },
        );
      }),
    );
    expect(out).toEqual([
      `${FILE} › ingestion.partnerDrops[1].prefix: the prefix overlaps the location of table raw.clicks (clicks/), got "clicks/partner/"; give the partner a prefix of its own, like drops/<partner>/; a job conforms the files into a table`,
      `${FILE} › ingestion.partnerDrops[2].prefix: the prefix overlaps the raw zone's staging prefix (landing/), got "landing/bb/"; give the partner a prefix of its own, like drops/<partner>/; a job conforms the files into a table`,
      `${FILE} › ingestion.partnerDrops[3].prefix: the prefix overlaps ingestion.partnerDrops[0] (drops/reseller/), got "drops/"; give each drop a prefix of its own`,
    ]);
  });

  it("fails when the partner is unknown in an environment, not an account, or the environment's own account", () => {
    const out = problems(
      domain((d) =>
        d.ingestion.partnerDrops.push(
          { name: "aa", partner: "resseller", prefix: "drops/aa/", description: "A misspelt partner name, in every environment." },
          { name: "bb", partner: "analysts", prefix: "drops/bb/", description: "A role of this account is not a partner." },
          { name: "cc", partner: "111111111111", prefix: "drops/cc/", description: "The dev account itself is not a partner." },
        ),
      ),
    );
    expect(out).toEqual([
      `${FILE} › ingestion.partnerDrops[1].partner: environment "dev" has no principal of that name, got "resseller"; add the partner's account ID to environments.dev.principals in the platform manifest (did you mean "reseller"? (known: "analysts", "reseller"))`,
      `${FILE} › ingestion.partnerDrops[1].partner: environment "prod" has no principal of that name, got "resseller"; add the partner's account ID to environments.prod.principals in the platform manifest (did you mean "reseller"? (known: "analysts", "reseller"))`,
      `${FILE} › ingestion.partnerDrops[2].partner: "analysts" is arn:aws:iam::111111111111:role/analysts in dev, not an account: drops are for other accounts, got "analysts"; name an account principal; people and jobs of this account write through Lake Formation`,
      `${FILE} › ingestion.partnerDrops[2].partner: "analysts" is arn:aws:iam::222222222222:role/analysts in prod, not an account: drops are for other accounts, got "analysts"; name an account principal; people and jobs of this account write through Lake Formation`,
      `${FILE} › ingestion.partnerDrops[3].partner: 111111111111 is the dev environment's own account, got "111111111111"; drops are for other accounts; this account's jobs write through Lake Formation`,
    ]);
  });

  it("fails when two drops share a name", () => {
    expect(problems(domain((d) => d.ingestion.partnerDrops.push({ ...d.ingestion.partnerDrops[0], prefix: "drops/other/" })))).toEqual([
      `${FILE} › ingestion.partnerDrops[1].name: duplicate drop name, got "reseller"; ingestion.partnerDrops[0] has the same name`,
    ]);
  });
});

describe("partitionPatternProblem", () => {
  it("lets strings take any pattern, integers digits only, dates exactly yyyy-MM-dd", () => {
    expect(partitionPatternProblem("string", "yyyy-MM-dd-HH")).toBeUndefined();
    expect(partitionPatternProblem("varchar(13)", "yyyy_MM")).toBeUndefined();
    expect(partitionPatternProblem("tinyint", "HH")).toBeUndefined();
    expect(partitionPatternProblem("bigint", "yyyyMMddHH")).toBeUndefined();
    expect(partitionPatternProblem("date", "yyyy-MM-dd")).toBeUndefined();
    expect(partitionPatternProblem("date", "yyyy-MM")).toBeDefined();
    expect(partitionPatternProblem("boolean", "HH")).toBeDefined();
  });
});

describe("lakeform validate on bad ingestion", () => {
  it("fails with exit 2 on shape errors of the ingestion block, naming file and field", async () => {
    const d = domain((x) => {
      x.ingestion.streams[0].bufferIntervalSeconds = 10;
      x.ingestion.streams[0].table = "processed.orders";
      x.ingestion.partnerDrops[0].prefix = "/drops";
      x.ingestion.partnerDrops[0].description = "files";
    });
    const r = await lakeform("validate", "--dir", makeProject({ platform: platform(), domains: { sales: d } }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › ingestion.streams[0].table: not in the required form, got "processed.orders"; a stream writes a raw table, named raw.<table>
      domains/sales/domain.yaml › ingestion.streams[0].bufferIntervalSeconds: below the minimum (at least 60), got 10; buffer at least a minute: shorter intervals make many small objects
      domains/sales/domain.yaml › ingestion.partnerDrops[0].prefix: not in the required form, got "/drops"; a drop prefix is lower-case path segments ending in /, like drops/mvno-nordic/
      domains/sales/domain.yaml › ingestion.partnerDrops[0].description: below the minimum (at least 20 characters), got "files"; say in a sentence what the partner sends and why: reviewers read it
      4 problems in 1 file; nothing was written.
      "
    `);
  });
});
