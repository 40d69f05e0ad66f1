import { createHash } from "node:crypto";
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

describe("buildModel jobs", () => {
  const PII = "Moves e-mail addresses from raw into processed; consumers see them masked.";
  const SCRIPTS = { "jobs/conform.py": "print('conform')\n", "jobs/backfill.py": "print('backfill')\n" };
  const jobsDomain = (jobs: Record<string, any>[] = []) => {
    const d = domainFixture();
    d.tables.push({ name: "events", zone: "raw", columns: [{ name: "payload", type: "string" }] }, { name: "daily", zone: "curated", columns: [{ name: "day", type: "date" }] });
    d.jobs = jobs;
    return d;
  };
  const conform = { name: "conform", engine: "glue", script: "jobs/conform.py", reads: ["raw.events"], writes: ["processed.orders"], arguments: { "--window_days": "7" }, processesPii: PII };
  const backfill = { name: "backfill", engine: "emr-serverless", script: "jobs/backfill.py", reads: ["processed.orders", "raw.events"], writes: ["curated.daily"], maximumCapacity: { cpu: "8 vCPU", memory: "32 GB" } };
  const withScripts = (raw: Record<string, any>, scripts: Record<string, string> = SCRIPTS): ParsedDomain => ({ ...domain(raw), scripts: new Map(Object.entries(scripts)) });
  const build = (jobs: Record<string, any>[], scripts?: Record<string, string>, p = platform()) => buildModel(p, "p", [withScripts(jobsDomain(jobs), scripts)]);
  const devOf = (r: ReturnType<typeof buildModel>) => r.model.domains[0]!.deployments.find((d) => d.environment === "dev")!;
  const sha = (text: string) => createHash("sha256").update(text).digest("hex");
  const ARTIFACTS = "acme-sales-artifacts-dev-111111111111-eu-west-1";

  it("passes every job the database of each zone, and the databases of its first table read and written, next to its own arguments", () => {
    const [job] = devOf(build([conform])).jobs;
    expect(job!.arguments).toEqual({
      "--database_curated": "sales_curated_dev",
      "--database_processed": "sales_processed_dev",
      "--database_raw": "sales_raw_dev",
      "--source_database": "sales_raw_dev",
      "--target_database": "sales_processed_dev",
      "--window_days": "7",
    });
    expect(Object.keys(job!.arguments)).toEqual(Object.keys(job!.arguments).sort());
    const prod = build([conform]).model.domains[0]!.deployments.find((d) => d.environment === "prod")!.jobs[0]!;
    expect(prod.arguments).toMatchObject({ "--source_database": "sales_raw_prod", "--target_database": "sales_processed_prod", "--database_curated": "sales_curated_prod" });
  });

  it("takes the source and target databases from the manifest's first table, and leaves them out when the job reads or writes nothing", () => {
    const [a, b] = devOf(build([{ ...backfill, reads: ["raw.events", "processed.orders"] }, { ...conform, name: "writer", reads: [] }])).jobs;
    expect(a!.arguments).toMatchObject({ "--source_database": "sales_raw_dev", "--target_database": "sales_curated_dev" });
    expect(b!.arguments).not.toHaveProperty("--source_database");
    expect(b!.arguments["--target_database"]).toBe("sales_processed_dev");
  });

  it("keys each script by the SHA-256 of its content, in the deployment's artifacts bucket", () => {
    const [job] = devOf(build([conform])).jobs;
    const hash = sha(SCRIPTS["jobs/conform.py"]);
    expect(job!.script).toEqual({
      path: "jobs/conform.py",
      content: SCRIPTS["jobs/conform.py"],
      sha256: hash,
      key: `jobs/conform/${hash.slice(0, 16)}.py`,
      uri: `s3://${ARTIFACTS}/jobs/conform/${hash.slice(0, 16)}.py`,
    });
    expect(job!.tempDir).toBe(`s3://${ARTIFACTS}/tmp/conform/`);
  });

  it("changes a script's hash, key and URI when its content changes, and nothing else of the job or of the other jobs", () => {
    const before = devOf(build([conform, backfill]));
    const after = devOf(build([conform, backfill], { ...SCRIPTS, "jobs/conform.py": "print('conform, fixed')\n" }));
    const [c0, b0] = before.jobs;
    const [c1, b1] = after.jobs;
    expect(c1!.script.sha256).toBe(sha("print('conform, fixed')\n"));
    expect(c1!.script.sha256).not.toBe(c0!.script.sha256);
    expect(c1!.script.key).not.toBe(c0!.script.key);
    expect({ ...c1!, script: undefined }).toEqual({ ...c0!, script: undefined });
    expect(b1).toEqual(b0);
    // A whitespace change is a change: the object is what the engine runs.
    expect(devOf(build([conform], { ...SCRIPTS, "jobs/conform.py": "print('conform')\n\n" })).jobs[0]!.script.key).not.toBe(c0!.script.key);
  });

  it("gives each job its own role, security configuration and settings with the engine's defaults", () => {
    const [c, b] = devOf(build([conform, backfill])).jobs;
    expect(c!.role).toEqual({ name: "acme-sales-job-conform-dev-eu-west-1", arn: "arn:aws:iam::111111111111:role/acme-sales-job-conform-dev-eu-west-1" });
    expect(c!.glueSecurityConfiguration).toEqual({ name: "acme-sales-dev-processed", zone: "processed" });
    expect(b!.glueSecurityConfiguration).toBeNull();
    expect(c!.settings).toEqual({ glueVersion: "5.0", workerType: "G.1X", workers: 2, flex: false, timeoutMinutes: 60, maxRetries: 1, bookmarks: true });
    expect(b!.settings).toEqual({ releaseLabel: "emr-7.12.0", architecture: "ARM64", idleTimeoutMinutes: 15, maximumCapacity: { cpu: "8 vCPU", memory: "32 GB" } });
    expect(b!.processesPii).toBeNull();
  });

  it("grants each job's role SELECT and DESCRIBE on what it only reads and read-write on what it writes, as a job principal", () => {
    const dep = devOf(build([{ ...conform, reads: ["raw.events", "processed.orders"] }]));
    const grants = dep.grants.filter((g) => g.source === "jobs");
    expect(grants.map((g) => [g.name, g.permissions, g.target.kind === "tables" ? g.target.tables.map((t) => `${t.zone}.${t.table}`) : g.target.kind])).toEqual([
      // processed.orders is read and written: only the write grant names it.
      ["job-conform-reads", ["DESCRIBE", "SELECT"], ["raw.events"]],
      ["job-conform-writes", ["ALTER", "DELETE", "DESCRIBE", "INSERT", "SELECT"], ["processed.orders"]],
    ]);
    for (const g of grants) {
      expect(g.principal).toEqual({ name: "job:conform", id: "arn:aws:iam::111111111111:role/acme-sales-job-conform-dev-eu-west-1", kind: "job", external: false });
      expect(g).toMatchObject({ index: 0, piiReason: PII, grantable: false });
    }
  });

  it("gives jobs no Athena workgroup", () => {
    expect(devOf(build([conform, backfill])).workgroups).toEqual([]);
  });

  it("keeps every job's role name within IAM's 64 characters, legal, and its own (property)", () => {
    const jobName = fc.stringMatching(/^[a-z][a-z0-9-]{1,39}$/);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z0-9]{1,11}$/),
        fc.stringMatching(/^[a-z][a-z0-9]{1,9}(-[a-z0-9]{1,6}){0,2}$/),
        fc.stringMatching(/^[a-z][a-z0-9]{1,9}$/),
        fc.uniqueArray(jobName, { minLength: 1, maxLength: 4 }),
        (organization, name, env, names) => {
          const p = PlatformManifest.parse({ ...platformFixture(), organization, environments: { [env]: platformFixture().environments.dev } });
          const d = jobsDomain(names.map((n) => ({ ...backfill, name: n })));
          d.name = name;
          d.lfTags = { domain: "sales" };
          const { model, problems } = buildModel(p, "p", [{ ...domain(d, name), scripts: new Map(Object.entries(SCRIPTS)) }]);
          const dep = model.domains[0]!.deployments[0]!;
          const roles = [...dep.jobs.map((j) => j.role.name), ...dep.zones.map((z) => z.registrationRole.name)];
          for (const r of roles) {
            expect(r.length, r).toBeLessThanOrEqual(64);
            expect(r, r).toMatch(/^[\w+=,.@-]+$/);
          }
          expect(new Set(roles).size).toBe(roles.length);
          expect(problems.filter((x) => x.path[0] === "jobs")).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
