import { resolve } from "node:path";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { catalogExports } from "../../generators/export/build";
import { readExport } from "../../generators/export/format";
import { loadAndValidate } from "../../generators/manifest/validate";
import { type CatalogExport, canonicalJson } from "../../generators/export/format";
import { exportFromDrStacks } from "../../generators/dr/read-back";
import { type DrStackSettings, rebuildDomain, rebuildPlatform } from "../../generators/dr/rebuild";
import { DrDomainStack } from "../../generators/stacks/dr-domain-stack";
import { DrPlatformStack } from "../../generators/stacks/dr-platform-stack";
import { exportFixture } from "../helpers/export-fixture";

const settings: DrStackSettings = { backendOf: (n) => ({ type: "local", path: `terraform.${n}.tfstate` }), tagsOf: (d, env) => ({ domain: d, environment: env }) };

/** export → DR stacks (synthesized JSON) → the DR side read back, and what the remap says it should be. */
function roundTrip(primary: CatalogExport, region: string, all: readonly CatalogExport[] = [primary]) {
  const r = rebuildDomain(primary, region, settings);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const platform = rebuildPlatform(all, primary.source.environment, region, [], settings);
  const domainJson = Testing.synth(new DrDomainStack(Testing.app(), r.rebuild));
  const platformJson = Testing.synth(new DrPlatformStack(Testing.app(), platform));
  return { rebuild: r.rebuild, domainJson, readBack: exportFromDrStacks(JSON.parse(platformJson), JSON.parse(domainJson)) };
}

const OWN = ["job", "pipeline", "crawler"];

/** The primary export with the remapped fields blanked, for "equal except": Lakeform's own principals become their principal names. */
function withoutRemapped(e: Omit<CatalogExport, "contentHash">) {
  const bucketless = (s: string | null) => (s === null ? null : s.replace(/^s3:\/\/[^/]+/, "s3://<bucket>").replace(/^arn:aws:s3:::[^/]+/, "arn:aws:s3:::<bucket>"));
  const grants = e.grants
    .map((g) => (OWN.includes(g.principalKind) ? { ...g, principal: `<${g.principalName}>` } : g))
    .map((g) => (g.resource.kind === "dataLocation" ? { ...g, resource: { ...g.resource, resourceArn: bucketless(g.resource.resourceArn) } } : g))
    .sort((a, b) => (canonicalJson(a) < canonicalJson(b) ? -1 : 1));
  return {
    ...e,
    source: { ...e.source, region: "<region>", drRegion: "<region>" },
    zones: e.zones.map((z) => ({ name: z.name })),
    databases: e.databases.map((d) => ({ ...d, locationUri: bucketless(d.locationUri) })),
    tables: e.tables.map((t) => ({ ...t, location: bucketless(t.location) })),
    registrations: e.registrations.map((r) => ({ ...r, resourceArn: "<bucket>", roleArn: "<role>" })),
    grants,
  };
}

describe("round trip: export → DR stacks → export of the DR side", () => {
  it("gives back the primary export, remapped, and equal to it but for region, locations, keys, registration roles and Lakeform's own principals", () => {
    const primary = exportFixture();
    const { rebuild, readBack } = roundTrip(primary, "eu-central-1");
    expect(readBack).toEqual(rebuild.export);
    const { contentHash: _, ...content } = primary;
    expect(rebuild.skipped).toEqual([]);
    expect(canonicalJson(withoutRemapped(readBack))).toBe(canonicalJson(withoutRemapped(content)));
    expect(readBack.source.region).toBe("eu-central-1");
    expect(readBack.registrations.map((r) => r.roleArn)).toEqual(["processed", "raw"].map((z) => `arn:aws:iam::222222222222:role/acme-sales-lf-${z}-prod-eu-central-1`));
    // The stack grants to the DR region's own roles.
    expect([...new Set(readBack.grants.filter((g) => OWN.includes(g.principalKind)).map((g) => g.principal))].sort()).toEqual(
      ["acme-platform-mwaa-prod", "acme-sales-crawler-partner-prod", "acme-sales-job-load-prod", "acme-sales-quality-prod"].map((n) => `arn:aws:iam::222222222222:role/${n}-eu-central-1`),
    );
  });

  it("keeps Iceberg partition keys, column comments and tags, included-column filters and grant options through the round trip", () => {
    const primary = exportFixture((c) => {
      c.tables[0] = { ...c.tables[0]!, partitionKeys: [{ name: "signup_date", type: "date", comment: "day of signup", lfTags: { confidentiality: "internal" } }] };
    });
    const { rebuild, readBack } = roundTrip(primary, "eu-central-1");
    expect(readBack).toEqual(rebuild.export);
    expect(readBack.tables[0]!.partitionKeys).toEqual(primary.tables[0]!.partitionKeys);
  });

  it("fails to round-trip when a stack loses something the export describes (the comparison can fail)", () => {
    const primary = exportFixture();
    const { rebuild, domainJson } = roundTrip(primary, "eu-central-1");
    const tf = JSON.parse(domainJson);
    delete tf.resource.aws_lakeformation_resource_lf_tags["sales_processed_prod__orders--customer_id"];
    const platform = JSON.parse(Testing.synth(new DrPlatformStack(Testing.app(), rebuildPlatform([primary], "prod", "eu-central-1", [], settings))));
    expect(exportFromDrStacks(platform, tf)).not.toEqual(rebuild.export);
  });

  it("synthesizes the same bytes twice", () => {
    expect(roundTrip(exportFixture(), "eu-central-1").domainJson).toBe(roundTrip(exportFixture(), "eu-central-1").domainJson);
  });
});

const examples = await loadAndValidate(resolve(import.meta.dirname, "../.."));
if (!examples.ok) throw new Error("the example manifests do not validate");
const model = examples.model;
const exampleExports = [...catalogExports(model)].map(([file, text]) => ({ file, export: readExport(text, file) }));

describe("round trip of every example domain's export", () => {
  it("covers every deployment of the examples", () => {
    expect(exampleExports.map((e) => e.file)).toEqual(model.domains.flatMap((d) => d.deployments.map((x) => `catalog-export/${x.environment}/${d.name}.json`)).sort());
  });

  it.each(exampleExports.map((e) => [e.file, e.export] as const))("%s: export → DR stacks → read back equals the primary export except region, locations, keys, registration roles and own principals", (_, primary) => {
    const all = exampleExports.map((e) => e.export).filter((e) => e.source.environment === primary.source.environment);
    const { rebuild, readBack } = roundTrip(primary, model.regions.dr, all);
    expect(readBack).toEqual(rebuild.export);
    // Nothing is left out: every zone's DR bucket is always on, so every zone is registered.
    expect(rebuild.skipped).toEqual([]);
    expect(readBack.registrations.length).toBe(primary.zones.length);
    const { contentHash: _h, ...content } = primary;
    expect(canonicalJson(withoutRemapped(readBack))).toBe(canonicalJson(withoutRemapped(content)));
    expect(readBack.tables.length).toBe(primary.tables.length);
    expect(readBack.grants.length).toBe(primary.grants.length);
    // Every own principal of the examples is remapped (none kept), each grant to its principal's DR role, never to the primary's.
    const own = primary.grants.filter((g) => OWN.includes(g.principalKind));
    expect(own.length).toBeGreaterThan(0);
    expect(rebuild.principals.filter((p) => p.to === null)).toEqual([]);
    expect(new Set(rebuild.principals.map((p) => p.from))).toEqual(new Set(own.map((g) => g.principal)));
    const to = new Map(rebuild.principals.map((p) => [p.from, p.to]));
    for (const p of rebuild.principals) expect(p.to, p.principalName ?? "").not.toBe(p.from);
    const drOwn = readBack.grants.filter((g) => OWN.includes(g.principalKind));
    expect(canonicalJson(drOwn.map((g) => [g.name, g.principal]).sort())).toBe(canonicalJson(own.map((g) => [g.name, to.get(g.principal)]).sort()));
  });
});
