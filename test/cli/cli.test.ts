import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { lakeform, treeDigest } from "../helpers/cli";
import { domainFixture, makeProject, platformFixture, scratchDir } from "../helpers/project";

const repo = resolve(import.meta.dirname, "../..");

/** A copy of the example domains in a temp project, so tests never write into the repository. */
function examplesProject(): string {
  const root = scratchDir("examples");
  cpSync(join(repo, "domains"), join(root, "domains"), { recursive: true });
  return root;
}

describe("lakeform synth", () => {
  it("writes every stack of the example domains, identically twice", async () => {
    const root = examplesProject();
    const first = await lakeform("synth", "--dir", root);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe("");
    const stacks = readdirSync(join(root, "cdktf.out", "stacks")).sort();
    expect(stacks).toEqual(["billing-dev", "billing-prod", "cdr-dev", "cdr-prod", "clickstream-dev", "clickstream-prod", "platform-dev", "platform-prod"]);
    const a = treeDigest(join(root, "cdktf.out"));
    expect(Object.keys(a)).toContain("stacks/cdr-prod/cdk.tf.json");
    rmSync(join(root, "cdktf.out"), { recursive: true });
    expect((await lakeform("synth", "--dir", root)).code).toBe(0);
    expect(treeDigest(join(root, "cdktf.out"))).toEqual(a);
  });

  it("writes no path of the machine it ran on", async () => {
    const root = examplesProject();
    await lakeform("synth", "--dir", root);
    for (const [file] of Object.entries(treeDigest(join(root, "cdktf.out")))) {
      const text = readFileSync(join(root, "cdktf.out", file), "utf8");
      expect(text, file).not.toContain(root);
      expect(text, file).not.toContain(repo);
    }
  });

  it("synthesizes one named stack and keeps the others as they were", async () => {
    const root = makeProject({ platform: platformFixture(), domains: { sales: domainFixture(), cdr: domainFixture("cdr") } });
    expect((await lakeform("synth", "--dir", root)).code).toBe(0);
    const full = treeDigest(join(root, "cdktf.out"));

    // Change only the sales domain, then synthesize only sales-dev.
    const d = domainFixture();
    d.tables[0].description = "changed";
    const changed = makeProject({ platform: platformFixture(), domains: { sales: d, cdr: domainFixture("cdr") } });
    cpSync(join(changed, "domains"), join(root, "domains"), { recursive: true });
    const r = await lakeform("synth", "--dir", root, "--stack", "sales-dev");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("synthesized 1 stack");
    const after = treeDigest(join(root, "cdktf.out"));
    const differing = Object.keys(full).filter((f) => full[f] !== after[f]).sort();
    // The stack and the catalog export it ships.
    expect(differing).toEqual(["catalog-export/dev/sales.json", "stacks/sales-dev/cdk.tf.json"]);
    expect(Object.keys(after).sort()).toEqual(Object.keys(full).sort());
  });

  it("fails when --stack names a stack that does not exist, leaving the output alone", async () => {
    const root = makeProject({ platform: platformFixture(), domains: { sales: domainFixture() } });
    await lakeform("synth", "--dir", root);
    const before = treeDigest(join(root, "cdktf.out"));
    const r = await lakeform("synth", "--dir", root, "--stack", "sales-stage");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('lakeform synth: no stack named "sales-stage"; stacks are: platform-dev, platform-prod, sales-dev, sales-prod\n');
    expect(treeDigest(join(root, "cdktf.out"))).toEqual(before);
  });

  it("leaves no temporary directories behind", async () => {
    const root = makeProject({ platform: platformFixture(), domains: { sales: domainFixture() } });
    await lakeform("synth", "--dir", root);
    await lakeform("synth", "--dir", root, "--stack", "sales-dev");
    expect(readdirSync(root).sort()).toEqual(["cdktf.out", "domains"]);
  });
});

describe("lakeform usage", () => {
  it("prints help for each command and exits 0", async () => {
    for (const cmd of ["validate", "synth", "schema"]) {
      const r = await lakeform(cmd, "--help");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: lakeform ${cmd}`));
    }
    expect((await lakeform("--help")).stdout).toContain("Commands:");
  });

  it("fails with exit 2 on an unknown command, option or format", async () => {
    expect((await lakeform("deploy")).code).toBe(2);
    expect((await lakeform("synth", "--stak", "x")).code).toBe(2);
    expect((await lakeform("schema", "--stack", "x")).stderr).toContain("option --stack does not apply here");
    expect((await lakeform("validate", "--format", "xml")).code).toBe(2);
    expect((await lakeform()).code).toBe(2);
  });
});

describe("lakeform schema", () => {
  it("writes JSON Schemas that describe every field", async () => {
    const out = mkdtempSync(join(tmpdir(), "lakeform-schema-"));
    expect((await lakeform("schema", "--out", out)).code).toBe(0);
    const domain = JSON.parse(readFileSync(join(out, "domain.schema.json"), "utf8"));
    expect(domain.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(domain.additionalProperties).toBe(false);
    expect(domain.required).toEqual(["name", "owner", "costCentre"]);
    expect(domain.properties.tables.items.properties.format).toMatchObject({ enum: ["parquet", "iceberg", "json"], default: "parquet" });
    // Jobs are one of three engines, each with its own fields.
    const engines = domain.properties.jobs.items.anyOf as { properties: Record<string, any>; required: string[] }[];
    expect(engines.map((e) => [e.properties.engine.const, e.required])).toEqual([
      ["glue", ["name", "script", "engine"]],
      ["emr-serverless", ["name", "script", "engine", "maximumCapacity"]],
      ["emr-eks", ["name", "script", "engine"]],
      ["emr-fleet", ["name", "script", "engine", "primary", "core", "task", "managedScaling"]],
    ]);
    expect(engines[2]!.properties.releaseLabel).toMatchObject({ default: "emr-7.7.0-latest" });
    expect(engines[2]!.properties.executor.properties.memoryGb).toMatchObject({ type: "integer", minimum: 1, default: 8 });
    // The platform's EKS block is optional per environment, its namespace template defaulted.
    const platformSchema = JSON.parse(readFileSync(join(out, "platform.schema.json"), "utf8"));
    const environment = platformSchema.properties.environments.additionalProperties;
    expect(environment.required).not.toContain("eks");
    expect(environment.properties.eks.required).toEqual(["clusterName", "oidcProviderArn"]);
    expect(environment.properties.eks.properties.namespace).toMatchObject({ default: "emr-{domain}" });
    expect(engines[3]!.properties.task.properties.spotAllocationStrategy).toMatchObject({ default: "price-capacity-optimized" });
    expect(engines[0]!.properties.schedule).toMatchObject({ pattern: "^cron\\(.+\\)$" });
    expect(engines[0]!.properties.workerType).toMatchObject({ enum: ["G.1X", "G.2X", "G.4X", "G.8X"], default: "G.1X" });
    expect(engines[1]!.properties.architecture).toMatchObject({ enum: ["ARM64", "X86_64"], default: "ARM64" });
    expect(domain.properties.athena.properties.bytesScannedCutoffGb).toMatchObject({ type: "integer", minimum: 1, default: 1024 });
    // The pipeline (no longer reserved) is an optional object: a schedule and tasks, each running a job or gating on a table's quality rules.
    const pipeline = domain.properties.pipeline;
    expect(domain.required).not.toContain("pipeline");
    expect(pipeline).toMatchObject({ type: "object", additionalProperties: false, required: ["schedule", "tasks"] });
    expect(pipeline).not.toHaveProperty("maxItems");
    expect(Object.keys(pipeline.properties).sort()).toEqual(["retries", "retryDelayMinutes", "schedule", "slaMinutes", "startDate", "tasks"]);
    expect(pipeline.properties.retries).toMatchObject({ type: "integer", minimum: 0, maximum: 10, default: 2 });
    expect(pipeline.properties.startDate).toMatchObject({ type: "string", format: "date", default: "2026-01-01" });
    expect(pipeline.properties.tasks).toMatchObject({ type: "array", minItems: 1 });
    expect(pipeline.properties.tasks.items).toMatchObject({ additionalProperties: false, required: ["name"] });
    expect(Object.keys(pipeline.properties.tasks.items.properties).sort()).toEqual(["after", "into", "job", "name", "processesPii", "quality", "query", "reads", "timeoutMinutes"]);
    expect(pipeline.properties.tasks.items.properties.timeoutMinutes).toMatchObject({ type: "integer", minimum: 1, maximum: 2880 });
    expect(pipeline.properties.tasks.items.properties.query).toMatchObject({ type: "string", pattern: "^queries\\/[A-Za-z0-9_.-]+\\.sql$" });
    // Tables carry DQDL quality rules, none by default.
    expect(domain.properties.tables.items.properties.quality).toMatchObject({ type: "array", items: { type: "string", minLength: 1, maxLength: 2048 }, default: [] });
    expect(domain.properties).not.toHaveProperty("fleets");
    // Every property at every level carries a description for the editor.
    const undocumented: string[] = [];
    const walk = (node: any, path: string) => {
      if (!node || typeof node !== "object") return;
      for (const [k, v] of Object.entries<any>(node.properties ?? {})) {
        if (!v.description) undocumented.push(`${path}.${k}`);
        walk(v, `${path}.${k}`);
      }
      walk(node.items, `${path}[]`);
      if (node.additionalProperties && typeof node.additionalProperties === "object") walk(node.additionalProperties, `${path}.*`);
      for (const alt of [...(node.anyOf ?? []), ...(node.oneOf ?? [])]) walk(alt, path);
    };
    walk(domain, "domain");
    const platform = JSON.parse(readFileSync(join(out, "platform.schema.json"), "utf8"));
    // The environment's MWAA, every field defaulted.
    expect(platform.required).not.toContain("mwaa");
    expect(platform.properties.mwaa).toMatchObject({
      type: "object",
      additionalProperties: false,
      default: { airflowVersion: "2.10.3", environmentClass: "mw1.small", minWorkers: 1, maxWorkers: 5, schedulers: 2, requirements: [] },
    });
    walk(platform, "platform");
    expect(undocumented).toEqual([]);
  });

  it("matches the committed schemas in domains/_schema", async () => {
    const out = mkdtempSync(join(tmpdir(), "lakeform-schema-"));
    await lakeform("schema", "--out", out);
    for (const f of ["platform.schema.json", "domain.schema.json"]) {
      expect(existsSync(join(repo, "domains/_schema", f)), `run: npx lakeform schema`).toBe(true);
      expect(readFileSync(join(out, f), "utf8"), `domains/_schema/${f} is stale: run npx lakeform schema`).toBe(readFileSync(join(repo, "domains/_schema", f), "utf8"));
    }
  });
});

describe("the example domains", () => {
  it("are valid", async () => {
    const r = await lakeform("validate", "--dir", repo);
    expect(r).toEqual({ code: 0, stdout: "valid: 3 domains, 2 environments, 8 stacks\n", stderr: "" });
  });
});
