import { describe, expect, it } from "vitest";
import { type ExportGrant, canonicalJson, canonicalizeExport } from "../../generators/export/format";
import { iamRoleName } from "../../generators/model/names";
import { type DrStackSettings, grantTerraformName, rebuildDomain, rebuildPlatform, terraformNameOf } from "../../generators/dr/rebuild";
import { exportFixture } from "../helpers/export-fixture";

const ROLE = "arn:aws:iam::222222222222:role";
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

  it("changes only the region, the S3 locations and bucket ARNs, the keys, the registration roles and Lakeform's own principals", () => {
    const primary = exportFixture();
    const { contentHash: _h, ...content } = primary;
    const r = ok(primary);
    // Lakeform's own roles, by their DR-region names (written out: the rebuild must derive exactly these).
    const dr: Record<string, string> = Object.fromEntries(
      ["acme-sales-job-load-prod", "acme-sales-quality-prod", "acme-platform-mwaa-prod", "acme-sales-crawler-partner-prod"].map((n) => [`${ROLE}/${n}-eu-west-1`, `${ROLE}/${n}-eu-central-1`]),
    );
    const expected = canonicalizeExport({ ...content, grants: content.grants.map((g) => (dr[g.principal] ? { ...g, principal: dr[g.principal]! } : g)) });
    expect(differences(expected, r.export)).toEqual([
      "databases[0].locationUri",
      "databases[2].locationUri",
      "grants[2].resource.resourceArn",
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
    // Other principals are global: their grants go to the primary's principal.
    const others = (gs: readonly ExportGrant[]) => gs.filter((g) => !["job", "pipeline", "crawler"].includes(g.principalKind)).map((g) => g.principal);
    expect(others(r.export.grants)).toEqual(others(primary.grants));
  });

  it("remaps each of Lakeform's own principals to the role the Model names in the DR region, and lists the remap", () => {
    expect(ok().principals).toEqual([
      { kind: "crawler", principalName: "crawler:partner", from: `${ROLE}/acme-sales-crawler-partner-prod-eu-west-1`, to: `${ROLE}/acme-sales-crawler-partner-prod-eu-central-1`, why: null },
      { kind: "job", principalName: "job:load", from: `${ROLE}/acme-sales-job-load-prod-eu-west-1`, to: `${ROLE}/acme-sales-job-load-prod-eu-central-1`, why: null },
      { kind: "job", principalName: "job:quality", from: `${ROLE}/acme-sales-quality-prod-eu-west-1`, to: `${ROLE}/acme-sales-quality-prod-eu-central-1`, why: null },
      { kind: "pipeline", principalName: "pipeline:prod", from: `${ROLE}/acme-platform-mwaa-prod-eu-west-1`, to: `${ROLE}/acme-platform-mwaa-prod-eu-central-1`, why: null },
    ]);
  });

  it("renames a long role by the hash of its DR name, not by replacing the region in the primary's", () => {
    const job = "reconcile-partner-settlements-daily-x";
    const primaryName = iamRoleName({ organization: "acme", environment: "prod", accountId: "222222222222", region: "eu-west-1" }, "sales", `job-${job}`);
    const drName = iamRoleName({ organization: "acme", environment: "prod", accountId: "222222222222", region: "eu-central-1" }, "sales", `job-${job}`);
    expect(primaryName).toMatch(/-[0-9a-f]{8}-prod-eu-west-1$/);
    expect(drName).not.toBe(primaryName.replace("eu-west-1", "eu-central-1"));
    const r = ok(exportFixture((c) => c.grants.push({ ...c.grants.find((g) => g.name === "job-load-writes")!, name: `job-${job}-reads`, principal: `${ROLE}/${primaryName}`, principalName: `job:${job}` })));
    expect(r.principals.find((p) => p.principalName === `job:${job}`)).toEqual({ kind: "job", principalName: `job:${job}`, from: `${ROLE}/${primaryName}`, to: `${ROLE}/${drName}`, why: null });
    expect(r.export.grants.filter((g) => g.name === `job-${job}-reads`).map((g) => g.principal)).toEqual([`${ROLE}/${drName}`]);
  });

  it("tells the quality role from a job named quality by the principal's role", () => {
    const jobQuality = `${ROLE}/acme-sales-job-quality-prod-eu-west-1`;
    const r = ok(exportFixture((c) => c.grants.push({ ...c.grants.find((g) => g.name === "job-load-writes")!, name: "job-quality-writes", principal: jobQuality, principalName: "job:quality" })));
    expect(r.principals.filter((p) => p.principalName === "job:quality").map((p) => [p.from, p.to])).toEqual([
      [jobQuality, `${ROLE}/acme-sales-job-quality-prod-eu-central-1`],
      [`${ROLE}/acme-sales-quality-prod-eu-west-1`, `${ROLE}/acme-sales-quality-prod-eu-central-1`],
    ]);
  });

  it("keeps, with the reason, an own principal whose name does not parse, names another environment's pipeline, or is not the role Lakeform names for it", () => {
    const r = ok(
      exportFixture((c) => {
        c.grants = c.grants.map((g) =>
          g.principalName === "job:load" ? { ...g, principalName: "load" } : g.principalName === "pipeline:prod" ? { ...g, principalName: "pipeline:dev" } : g.principalName === "crawler:partner" ? { ...g, principal: `${ROLE}/someone-elses-crawler` } : g,
        );
      }),
    );
    expect(r.principals.filter((p) => p.to === null)).toEqual([
      { kind: "crawler", principalName: "crawler:partner", from: `${ROLE}/someone-elses-crawler`, to: null, why: `it is not the role Lakeform names crawler:partner in eu-west-1 (${ROLE}/acme-sales-crawler-partner-prod-eu-west-1)` },
      { kind: "job", principalName: "load", from: `${ROLE}/acme-sales-job-load-prod-eu-west-1`, to: null, why: 'its principal name "load" is not job:<job> or job:quality' },
      { kind: "pipeline", principalName: "pipeline:dev", from: `${ROLE}/acme-platform-mwaa-prod-eu-west-1`, to: null, why: `its principal name "pipeline:dev" is not pipeline:prod: another environment's pipeline` },
    ]);
    // Their grants keep the exported principal; nothing is left out for it.
    expect(r.export.grants.filter((g) => ["load", "pipeline:dev", "crawler:partner"].includes(g.principalName ?? "")).map((g) => g.principal).sort()).toEqual(
      [`${ROLE}/acme-platform-mwaa-prod-eu-west-1`, `${ROLE}/acme-sales-job-load-prod-eu-west-1`, `${ROLE}/acme-sales-job-load-prod-eu-west-1`, `${ROLE}/someone-elses-crawler`, `${ROLE}/someone-elses-crawler`].sort(),
    );
    expect(r.skipped).toEqual([]);
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
      const named = (n: string) => c.grants.find((g) => g.name === n)!;
      c.tables.push({ ...c.tables[2]!, name: "crawled", format: "other", storage: null, parameters: {} });
      c.tables.push({ ...c.tables[2]!, name: "elsewhere", location: "s3://someone-elses-bucket/x/" });
      c.grants.push({ ...named("job-load-writes"), resource: { kind: "table", database: "sales_raw_prod", name: "elsewhere" } });
      c.dataCellsFilters.push({ name: "f", database: "sales_raw_prod", table: "crawled", columns: null, excludedColumns: [], rowFilter: "payload = 'x'" });
      c.grants.push({ ...named("eu-orders"), resource: { kind: "dataCellsFilter", database: "sales_raw_prod", table: "crawled", name: "f" } });
      c.registrations.push({ resourceArn: "arn:aws:s3:::someone-elses-bucket", roleArn: "arn:aws:iam::222222222222:role/theirs", hybridAccessEnabled: false });
      c.grants.push({ ...named("crawler-location"), resource: { kind: "dataLocation", resourceArn: "arn:aws:s3:::someone-elses-bucket" } });
      // A location in the processed zone is rebuilt: its DR bucket is always on and registered.
      c.grants.push({ ...named("crawler-location"), resource: { kind: "dataLocation", resourceArn: "arn:aws:s3:::acme-sales-processed-prod-222222222222-eu-west-1" } });
    });
    const r = ok(e);
    expect(r.skipped.map((s) => s.what)).toEqual([
      "table sales_raw_prod.crawled",
      "table sales_raw_prod.elsewhere",
      "data-cells filter sales_raw_prod.crawled.f",
      "registration of arn:aws:s3:::someone-elses-bucket",
      "grant crawler-location to arn:aws:iam::222222222222:role/acme-sales-crawler-partner-prod-eu-west-1 on dataLocation",
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
