import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ParsedDomain } from "../../generators/manifest/rules";
import { DomainManifest } from "../../generators/manifest/schema/domain";
import { PlatformManifest } from "../../generators/manifest/schema/platform";
import { buildModel } from "../../generators/model/build";
import { domainFixture, platformFixture } from "../helpers/project";

const platform = (mutate: (p: Record<string, any>) => void = () => {}) => {
  const p = platformFixture();
  mutate(p);
  return PlatformManifest.parse(p);
};
const domain = (raw: Record<string, any>, folder = raw.name as string): ParsedDomain => ({
  file: `domains/${folder}/domain.yaml`,
  folder,
  manifest: DomainManifest.parse(raw),
});

describe("buildModel", () => {
  it("names every stack: one platform stack per environment, one per domain and environment", () => {
    const { model, problems } = buildModel(platform(), "domains/platform.yaml", [domain(domainFixture("sales")), domain(domainFixture("cdr"))]);
    expect(problems).toEqual([]);
    expect(model.stacks.map((s) => s.name)).toEqual(["cdr-dev", "cdr-prod", "platform-dev", "platform-prod", "sales-dev", "sales-prod"]);
    expect(model.stacks.find((s) => s.name === "sales-prod")).toMatchObject({ kind: "domain", domain: "sales", environment: "prod", accountId: "222222222222", region: "eu-west-1" });
  });

  it("gives a domain raw, processed and curated when it declares no zones, with zone-specific lifecycle defaults", () => {
    const { model } = buildModel(platform(), "p", [domain(domainFixture())]);
    const dep = model.domains[0]!.deployments[0]!;
    expect(dep.zones.map((z) => z.name)).toEqual(["raw", "processed", "curated"]);
    const [raw, processed] = dep.zones;
    expect(raw!.bucket.lifecycle).toEqual({
      intelligentTiering: true,
      glacierAfterDays: 540,
      expireAfterDays: null,
      noncurrentVersionExpiryDays: 90,
      abortIncompleteMultipartUploadDays: 7,
      stagingPrefix: "_staging/",
      stagingExpireAfterDays: 7,
    });
    expect(processed!.bucket.lifecycle.intelligentTiering).toBe(false);
    expect(processed!.bucket.lifecycle.glacierAfterDays).toBeNull();
  });

  it("lets a manifest turn Glacier off for raw with null", () => {
    const d = domainFixture();
    d.zones = { raw: { lifecycle: { glacierAfterDays: null, intelligentTiering: false } }, processed: {} };
    const { model } = buildModel(platform(), "p", [domain(d)]);
    expect(model.domains[0]!.deployments[0]!.zones[0]!.bucket.lifecycle).toMatchObject({ glacierAfterDays: null, intelligentTiering: false });
  });

  it("derives names and ARNs for every zone", () => {
    const { model } = buildModel(platform(), "p", [domain(domainFixture())]);
    const prod = model.domains[0]!.deployments.find((d) => d.environment === "prod")!;
    const raw = prod.zones[0]!;
    expect(raw.bucket).toMatchObject({ name: "acme-sales-raw-prod-222222222222-eu-west-1", arn: "arn:aws:s3:::acme-sales-raw-prod-222222222222-eu-west-1", logPrefix: "raw/" });
    expect(raw.key).toMatchObject({ alias: "alias/acme/prod/sales/raw", aliasArn: "arn:aws:kms:eu-west-1:222222222222:alias/acme/prod/sales/raw" });
    expect(raw.database).toMatchObject({ name: "sales_raw_prod", arn: "arn:aws:glue:eu-west-1:222222222222:database/sales_raw_prod", locationUri: "s3://acme-sales-raw-prod-222222222222-eu-west-1/" });
    expect(prod.logBucket.name).toBe("acme-sales-logs-prod-222222222222-eu-west-1");
    expect(prod.tables[0]).toMatchObject({ database: "sales_processed_prod", location: "s3://acme-sales-processed-prod-222222222222-eu-west-1/orders/", arn: "arn:aws:glue:eu-west-1:222222222222:table/sales_processed_prod/orders" });
  });

  it("merges the domain's LF-tags with the zone's, the zone winning, sorted by key", () => {
    const d = domainFixture();
    d.zones = { raw: { lfTags: { confidentiality: "pii" } }, curated: {} };
    d.tables = [];
    const { model } = buildModel(platform(), "p", [domain(d)]);
    const [raw, curated] = model.domains[0]!.deployments[0]!.zones;
    expect(raw!.database.lfTags).toEqual([{ key: "confidentiality", value: "pii" }, { key: "domain", value: "sales" }]);
    expect(curated!.database.lfTags).toEqual([{ key: "confidentiality", value: "internal" }, { key: "domain", value: "sales" }]);
  });

  it("canonicalizes column types", () => {
    const d = domainFixture();
    d.tables[0].columns[2].type = "DECIMAL(10, 2)";
    const { model } = buildModel(platform(), "p", [domain(d)]);
    expect(model.domains[0]!.deployments[0]!.tables[0]!.columns[2]!.type).toBe("decimal(10,2)");
  });

  it("deploys a domain only to the environments it lists", () => {
    const d = domainFixture();
    d.environments = ["prod"];
    const { model } = buildModel(platform(), "p", [domain(d)]);
    expect(model.domains[0]!.deployments.map((x) => x.environment)).toEqual(["prod"]);
    expect(model.stacks.map((s) => s.name)).toEqual(["platform-dev", "platform-prod", "sales-prod"]);
  });

  it("sets provider default tags from the domain and the platform", () => {
    const { model } = buildModel(platform((p) => (p.defaultTags = { project: "lake" })), "p", [domain(domainFixture())]);
    expect(model.stacks.find((s) => s.name === "sales-dev")!.defaultTags).toEqual({
      "cost-centre": "CC-2",
      domain: "sales",
      environment: "dev",
      "managed-by": "lakeform",
      owner: "sales-data",
      project: "lake",
    });
    expect(model.stacks.find((s) => s.name === "platform-dev")!.defaultTags).toMatchObject({ domain: "platform", owner: "data-platform", "cost-centre": "CC-1" });
  });

  it("gives each stack its own state: a local file, or an S3 key under the prefix", () => {
    const { model } = buildModel(
      platform((p) => (p.environments.prod.backend = { type: "s3", bucket: "acme-tfstate", keyPrefix: "lake/state" })),
      "p",
      [domain(domainFixture())],
    );
    expect(model.stacks.find((s) => s.name === "sales-dev")!.backend).toEqual({ type: "local", path: "terraform.sales-dev.tfstate" });
    expect(model.stacks.find((s) => s.name === "sales-prod")!.backend).toEqual({ type: "s3", bucket: "acme-tfstate", key: "lake/state/sales-prod.tfstate", region: "eu-west-1" });
  });

  it("fails when two derived names collide", () => {
    const d = domainFixture();
    d.zones = { logs: {} };
    d.tables = [];
    const { problems } = buildModel(platform(), "p", [domain(d)]);
    expect(problems.map((p) => [p.code, p.path.join("."), p.got])).toEqual([
      ["name-collision", "zones.logs", "acme-sales-logs-dev-111111111111-eu-west-1"],
      ["name-collision", "zones.logs", "acme-sales-logs-prod-222222222222-eu-west-1"],
    ]);
  });

  it("is independent of the order manifests list things in (property)", () => {
    const base = domainFixture();
    base.tables.push({ name: "refunds", zone: "raw", columns: [{ name: "id", type: "string" }] }, { name: "carts", zone: "curated", columns: [{ name: "id", type: "string" }] });
    const reference = JSON.stringify(buildModel(platform(), "p", [domain(base), domain(domainFixture("cdr"))]).model);
    fc.assert(
      fc.property(fc.shuffledSubarray(base.tables, { minLength: 3, maxLength: 3 }), fc.boolean(), fc.boolean(), (tables, swapDomains, swapEnvs) => {
        const d = { ...base, tables };
        const p = platform((x) => {
          if (swapEnvs) x.environments = { prod: x.environments.prod, dev: x.environments.dev };
          x.environments.dev.lakeFormationAdmins = [...x.environments.dev.lakeFormationAdmins].reverse();
        });
        const domains = [domain(d), domain(domainFixture("cdr"))];
        if (swapDomains) domains.reverse();
        expect(JSON.stringify(buildModel(p, "p", domains).model)).toBe(reference);
      }),
      { numRuns: 50 },
    );
  });
});

describe("buildModel audit", () => {
  it("audits reads and writes by default and keeps logs 400 days", () => {
    const { model } = buildModel(platform(), "p", [domain(domainFixture())]);
    expect(model.domains[0]!.deployments[0]!.audit).toMatchObject({ readEvents: true, logRetentionDays: 400, trailName: "acme-sales-dev-data-events" });
  });

  it("drops reads only when the platform says write-only", () => {
    const p = platform((x) => (x.audit = { dataEvents: "write-only", writeOnlyReason: "clickstream raw is read by Firehose replays only", retentionDays: 90 }));
    const { model } = buildModel(p, "p", [domain(domainFixture())]);
    expect(model.domains[0]!.deployments[0]!.audit).toMatchObject({ readEvents: false, logRetentionDays: 90 });
  });
});
