import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../generators/export/format";
import { type DrStackSettings, grantTerraformName, rebuildDomain, rebuildPlatform, terraformNameOf } from "../../generators/dr/rebuild";
import { exportFixture } from "../helpers/export-fixture";

const settings: DrStackSettings = { backendOf: (n) => ({ type: "local", path: `terraform.${n}.tfstate` }), tagsOf: (d, env) => ({ domain: d, environment: env }) };
const ok = (e = exportFixture(), region = "eu-central-1") => {
  const r = rebuildDomain(e, region, settings);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.rebuild;
};
const problems = (e: ReturnType<typeof exportFixture>, region = "eu-central-1") => {
  const r = rebuildDomain(e, region, settings);
  if (r.ok) throw new Error("expected problems");
  return r.problems;
};

/** Paths (a.b[2].c) where two JSON values differ. */
function differences(a: unknown, b: unknown, path = ""): string[] {
  if (canonicalJson(a) === canonicalJson(b)) return [];
  if (a && b && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b)) {
    if (Array.isArray(a) && a.length !== (b as unknown[]).length) return [`${path} (length)`];
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b as object)])].sort();
    return keys.flatMap((k) => differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k));
  }
  return [path];
}

describe("rebuildDomain", () => {
  it("names the stack dr-<domain>-<env> in the DR region, same account, with the settings' backend and tags", () => {
    const r = ok();
    expect(r.stack).toEqual({
      name: "dr-sales-prod",
      kind: "domain",
      environment: "prod",
      domain: "sales",
      accountId: "222222222222",
      region: "eu-central-1",
      backend: { type: "local", path: "terraform.dr-sales-prod.tfstate" },
      defaultTags: { domain: "sales", environment: "prod" },
    });
    expect(r.primary.contentHash).toBe(exportFixture().contentHash);
  });

  it("changes only the region, the S3 locations and bucket ARNs, the keys and the registration roles", () => {
    const primary = exportFixture();
    const { contentHash: _h, ...content } = primary;
    const r = ok(primary);
    expect(differences(content, r.export)).toEqual([
      "databases[0].locationUri",
      "databases[2].locationUri",
      "grants[1].resource.resourceArn",
      "registrations[0].resourceArn",
      "registrations[0].roleArn",
      "registrations[1].resourceArn",
      "registrations[1].roleArn",
      "source.drRegion",
      "source.region",
      "tables[0].location",
      "tables[1].location",
      "tables[2].location",
      "zones[0].bucketArn",
      "zones[0].dr",
      "zones[0].keyArn",
      "zones[1].bucketArn",
      "zones[1].dr",
      "zones[1].keyArn",
      "zones[1].replicated",
    ]);
    expect(r.export.source).toMatchObject({ region: "eu-central-1", drRegion: "eu-west-1" });
    expect(r.export.tables.map((t) => t.location)).toEqual([
      "s3://acme-sales-processed-prod-222222222222-eu-central-1/customers/",
      "s3://acme-sales-processed-prod-222222222222-eu-central-1/orders/",
      "s3://acme-sales-raw-prod-222222222222-eu-central-1/events/",
    ]);
    expect(r.export.zones.map((z) => [z.name, z.bucketArn, z.keyArn])).toEqual([
      ["processed", "arn:aws:s3:::acme-sales-processed-prod-222222222222-eu-central-1", "arn:aws:kms:eu-central-1:222222222222:alias/acme/prod/sales/processed"],
      ["raw", "arn:aws:s3:::acme-sales-raw-prod-222222222222-eu-central-1", "arn:aws:kms:eu-central-1:222222222222:alias/acme/prod/sales/raw"],
    ]);
    // Principals are global: every grant goes to the primary's principal.
    expect(r.export.grants.map((g) => g.principal)).toEqual(primary.grants.map((g) => g.principal));
  });

  it("registers every zone's DR bucket, replicated or not, through the DR-region role the bucket's read guard lets through, with the replica key", () => {
    expect(ok().registrations).toEqual([
      {
        terraformName: "processed",
        zone: "processed",
        bucketArn: "arn:aws:s3:::acme-sales-processed-prod-222222222222-eu-central-1",
        keyArn: "arn:aws:kms:eu-central-1:222222222222:alias/acme/prod/sales/processed",
        roleName: "acme-sales-lf-processed-prod-eu-central-1",
        roleArn: "arn:aws:iam::222222222222:role/acme-sales-lf-processed-prod-eu-central-1",
      },
      {
        terraformName: "raw",
        zone: "raw",
        bucketArn: "arn:aws:s3:::acme-sales-raw-prod-222222222222-eu-central-1",
        keyArn: "arn:aws:kms:eu-central-1:222222222222:alias/acme/prod/sales/raw",
        roleName: "acme-sales-lf-raw-prod-eu-central-1",
        roleArn: "arn:aws:iam::222222222222:role/acme-sales-lf-raw-prod-eu-central-1",
      },
    ]);
  });

  it("leaves out, with the reason, what it cannot rebuild: tables of unknown format or outside the zones, registrations and locations outside the zone buckets, and what depends on them", () => {
    const e = exportFixture((c) => {
      c.tables.push({ ...c.tables[2]!, name: "crawled", format: "other", storage: null, parameters: {} });
      c.tables.push({ ...c.tables[2]!, name: "elsewhere", location: "s3://someone-elses-bucket/x/" });
      c.grants.push({ ...c.grants[4]!, resource: { kind: "table", database: "sales_raw_prod", name: "elsewhere" } });
      c.dataCellsFilters.push({ name: "f", database: "sales_raw_prod", table: "crawled", columns: null, excludedColumns: [], rowFilter: "payload = 'x'" });
      c.grants.push({ ...c.grants[1]!, resource: { kind: "dataCellsFilter", database: "sales_raw_prod", table: "crawled", name: "f" } });
      c.registrations.push({ resourceArn: "arn:aws:s3:::someone-elses-bucket", roleArn: "arn:aws:iam::222222222222:role/theirs", hybridAccessEnabled: false });
      c.grants.push({ ...c.grants[5]!, resource: { kind: "dataLocation", resourceArn: "arn:aws:s3:::someone-elses-bucket" } });
      // A location in the processed zone is rebuilt: its DR bucket is always on and registered.
      c.grants.push({ ...c.grants[5]!, resource: { kind: "dataLocation", resourceArn: "arn:aws:s3:::acme-sales-processed-prod-222222222222-eu-west-1" } });
    });
    const r = ok(e);
    expect(r.skipped.map((s) => s.what)).toEqual([
      "table sales_raw_prod.crawled",
      "table sales_raw_prod.elsewhere",
      "data-cells filter sales_raw_prod.crawled.f",
      "registration of arn:aws:s3:::someone-elses-bucket",
      "grant crawler-location to arn:aws:iam::222222222222:role/acme-sales-crawler-prod-eu-west-1 on dataLocation",
      "grant job-load-writes to arn:aws:iam::222222222222:role/acme-sales-job-load-prod-eu-west-1 on table",
      "grant eu-orders to arn:aws:iam::222222222222:role/eu-analysts on dataCellsFilter",
    ]);
    expect(r.skipped[0]!.why).toMatch(/not one Lakeform declares/);
    expect(r.skipped[3]!.why).toMatch(/not a zone bucket of the domain/);
    expect(r.skipped[4]!.why).toMatch(/not registered in the DR region/);
    expect(r.export.tables.map((t) => t.name)).toEqual(["customers", "orders", "events"]);
    expect(r.export.grants.filter((g) => g.resource.kind === "dataLocation").map((g) => (g.resource as { resourceArn: string }).resourceArn)).toEqual([
      "arn:aws:s3:::acme-sales-processed-prod-222222222222-eu-central-1",
      "arn:aws:s3:::acme-sales-raw-prod-222222222222-eu-central-1",
    ]);
  });

  it("gives every database, table, filter and grant a legal, unique Terraform name that does not depend on order", () => {
    const r = ok();
    expect(r.names.databases).toEqual({ sales_processed_prod: "sales_processed_prod", sales_raw_discovered_prod: "sales_raw_discovered_prod", sales_raw_prod: "sales_raw_prod" });
    expect(r.names.tables["sales_processed_prod.orders"]).toBe("sales_processed_prod__orders");
    expect(r.names.filters["sales_processed_prod.orders.eu-orders"]).toBe("sales_processed_prod__orders__eu-orders");
    expect(new Set(r.names.grants).size).toBe(r.export.grants.length);
    for (const n of r.names.grants) expect(n).toMatch(/^[A-Za-z_][A-Za-z0-9_-]*--[0-9a-f]{8}$/);
    const g = exportFixture().grants[0]!;
    expect(grantTerraformName(g)).toBe(grantTerraformName({ ...g, permissions: [...g.permissions] }));
    expect(terraformNameOf("1st.db")).toBe("_1st_db");
  });

  it("fails when the target is the export's own region", () => {
    expect(problems(exportFixture(), "eu-west-1")[0]).toEqual({ path: "source.region", message: "is eu-west-1: a DR rebuild goes to another region than the export's" });
  });

  it("fails when the zones' DR buckets and keys are in another region than the target", () => {
    expect(problems(exportFixture(), "us-east-1")).toEqual([
      { path: "zones[0].dr.region", message: "zone processed's DR bucket and key are in eu-central-1, not us-east-1" },
      { path: "zones[1].dr.region", message: "zone raw's DR bucket and key are in eu-central-1, not us-east-1" },
    ]);
  });

  it("fails when the target region is in another partition", () => {
    expect(problems(exportFixture(), "cn-north-1")[0]).toEqual({ path: "source.partition", message: "is aws, but cn-north-1 is in aws-cn" });
  });

  it("fails when the export has no DR side (a foreign account's live export) or no zones", () => {
    expect(problems(exportFixture((c) => (c.zones[1] = { ...c.zones[1]!, replicated: false, dr: null })))).toEqual([
      { path: "zones[1].dr", message: "zone raw has no DR bucket and key: the export was written without a DR region" },
    ]);
    expect(problems(exportFixture((c) => ((c.zones = []), (c.databases = c.databases.map((d) => ({ ...d, zone: null }))))))).toEqual([
      { path: "zones", message: "no zones: nothing tells where the data lives in the DR region" },
    ]);
  });
});

describe("rebuildPlatform", () => {
  it("holds the platform's admins and the union of the environment's exports' taxonomies", () => {
    const a = exportFixture();
    const b = exportFixture((c) => {
      c.source = { ...c.source, domain: "cdr" };
      c.lfTags = [...c.lfTags, { key: "retention", values: ["2y"] }];
    });
    const p = rebuildPlatform([a, b], "prod", "eu-central-1", ["arn:aws:iam::222222222222:role/b", "arn:aws:iam::222222222222:role/a"], settings);
    expect(p.stack).toMatchObject({ name: "dr-platform-prod", kind: "platform", region: "eu-central-1", accountId: "222222222222", defaultTags: { domain: "platform", environment: "prod" } });
    expect(p.admins).toEqual(["arn:aws:iam::222222222222:role/a", "arn:aws:iam::222222222222:role/b"]);
    expect(p.lfTags).toEqual([...a.lfTags, { key: "retention", values: ["2y"] }]);
  });
});
