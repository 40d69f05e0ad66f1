import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ParsedDomain } from "../../generators/manifest/rules";
import { DomainManifest } from "../../generators/manifest/schema/domain";
import { PlatformManifest } from "../../generators/manifest/schema/platform";
import { buildModel } from "../../generators/model/build";
import { deploymentOf, modelFrom } from "../helpers/model-fixtures";
import { domainFixture, platformFixture } from "../helpers/project";

function platform(): Record<string, any> {
  const p = platformFixture();
  p.environments.dev.principals = { reseller: "555555555555" };
  p.environments.prod.principals = { reseller: "666666666666" };
  return p;
}

function domain(name = "sales", stream: Record<string, any> = {}): Record<string, any> {
  const d = domainFixture(name);
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
    streams: [{ name: "clicks", table: "raw.clicks", partitions: { ingest_hour: "HH" }, ...stream }],
    partnerDrops: [
      { name: "reseller", partner: "reseller", prefix: "drops/reseller/", description: "The reseller uploads its nightly order files." },
      { name: "auditor", partner: "777777777777", prefix: "drops/auditor/", description: "The external auditor uploads its sampling lists." },
    ],
  };
  return d;
}

describe("ingestion in the Model", () => {
  it("writes a stream into its table's location with Hive-style partitions from the arrival time, failures outside every table", () => {
    const s = deploymentOf(modelFrom(platform(), [domain()]), "sales-dev").ingestion.streams[0]!;
    expect(s).toMatchObject({
      name: "clicks",
      streamName: "acme-sales-clicks-dev",
      arn: "arn:aws:firehose:eu-west-1:111111111111:deliverystream/acme-sales-clicks-dev",
      table: { zone: "raw", table: "clicks", database: "sales_raw_dev" },
      prefix: "clicks/ingest_date=!{timestamp:yyyy-MM-dd}/ingest_hour=!{timestamp:HH}/",
      errorPrefix: "_errors/clicks/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/",
      bufferSizeMib: 64,
      bufferIntervalSeconds: 300,
      compression: "GZIP",
      role: { name: "acme-sales-firehose-clicks-dev-eu-west-1", arn: "arn:aws:iam::111111111111:role/acme-sales-firehose-clicks-dev-eu-west-1" },
      logGroup: "/aws/kinesisfirehose/acme-sales-clicks-dev",
      alarms: {
        freshness: { name: "acme-sales-clicks-dev-freshness", arn: "arn:aws:cloudwatch:eu-west-1:111111111111:alarm:acme-sales-clicks-dev-freshness" },
        delivery: { name: "acme-sales-clicks-dev-delivery", arn: "arn:aws:cloudwatch:eu-west-1:111111111111:alarm:acme-sales-clicks-dev-delivery" },
      },
      freshnessThresholdSeconds: 900,
    });
  });

  it("keeps the prefix inside the table's location, so the table reads what arrives", () => {
    const dep = deploymentOf(modelFrom(platform(), [domain()]), "sales-prod");
    const s = dep.ingestion.streams[0]!;
    const table = dep.tables.find((t) => t.zone === "raw" && t.name === "clicks")!;
    const bucket = dep.zones.find((z) => z.name === "raw")!.bucket.name;
    expect(`s3://${bucket}/${s.prefix}`.startsWith(table.location)).toBe(true);
    expect(`s3://${bucket}/${s.errorPrefix}`.startsWith(table.location)).toBe(false);
  });

  it("alarms on freshness at three buffer intervals, never under 15 minutes", () => {
    const threshold = (seconds: number) => deploymentOf(modelFrom(platform(), [domain("sales", { bufferIntervalSeconds: seconds })]), "sales-dev").ingestion.streams[0]!.freshnessThresholdSeconds;
    expect(threshold(60)).toBe(900);
    expect(threshold(600)).toBe(1800);
  });

  it("resolves each partner to its account per environment, by catalogue name or as given", () => {
    const model = modelFrom(platform(), [domain()]);
    expect(deploymentOf(model, "sales-dev").ingestion.partnerDrops.map((d) => [d.name, d.principal, d.accountId, d.prefix])).toEqual([
      ["reseller", "reseller", "555555555555", "drops/reseller/"],
      ["auditor", null, "777777777777", "drops/auditor/"],
    ]);
    expect(deploymentOf(model, "sales-prod").ingestion.partnerDrops.map((d) => d.accountId)).toEqual(["666666666666", "777777777777"]);
  });

  it("gives a domain without ingestion none", () => {
    expect(deploymentOf(modelFrom(), "sales-dev").ingestion).toEqual({ streams: [], partnerDrops: [] });
  });

  it("fails when two domains' streams derive one delivery stream name", () => {
    const p = PlatformManifest.parse(platform());
    const parsed = (raw: Record<string, any>): ParsedDomain => ({ file: `domains/${raw.name}/domain.yaml`, folder: raw.name, manifest: DomainManifest.parse(raw) });
    const a = domain("sales-eu", { name: "orders" });
    a.lfTags.domain = "sales";
    const b = domain("sales", { name: "eu-orders" });
    const { problems } = buildModel(p, "domains/platform.yaml", [parsed(a), parsed(b)]);
    expect(problems).toContainEqual(
      expect.objectContaining({ file: "domains/sales-eu/domain.yaml", path: ["ingestion", "streams", 0, "name"], code: "name-collision", got: "acme-sales-eu-orders-dev", message: "derived stream name is already used by sales stream eu-orders (dev)" }),
    );
  });

  it("keeps every delivery stream name within Firehose's 64 characters and legal (property)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9]{1,8}(-[a-z0-9]{1,6}){0,2}$/).filter((n) => n !== "dr"), fc.stringMatching(/^[a-z][a-z0-9-]{1,31}$/), (name, stream) => {
        const d = domain(name, { name: stream });
        d.lfTags.domain = "sales";
        const dep = deploymentOf(modelFrom(platform(), [d]), `${name}-dev`);
        const s = dep.ingestion.streams[0]!.streamName;
        return s.length <= 64 && /^[A-Za-z0-9_.-]+$/.test(s) && dep.ingestion.streams[0]!.role.name.length <= 64;
      }),
      { numRuns: 25 },
    );
  });
});
