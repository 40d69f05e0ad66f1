import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { type DrOptions, runDr } from "../../generators/cli/dr";
import { serializeExport } from "../../generators/export/format";
import type { DrComputeStackInput } from "../../generators/stacks/dr-app";
import { stackProps } from "../../generators/stacks/stack-props";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { AwsStack } from "../../modules/stack/aws-stack";
import { type CliResult, lakeform, treeDigest } from "../helpers/cli";
import { withDrNetworks } from "../helpers/dr-fixtures";
import { exportFixture } from "../helpers/export-fixture";
import { domainFixture, makeProject, platformFixture, scratchDir } from "../helpers/project";

/**
 * A project (platform fixture with its DR networks, domain sales) with the fixture export where
 * `lakeform synth` writes exports.
 */
function project(exports: Record<string, string> = { "prod/sales.json": serializeExport(exportFixture()) }, platform: Record<string, any> = withDrNetworks(platformFixture())): string {
  const root = makeProject({ platform, domains: { sales: domainFixture() } });
  for (const [path, text] of Object.entries(exports)) {
    mkdirSync(join(root, "cdktf.out/catalog-export", path, ".."), { recursive: true });
    writeFileSync(join(root, "cdktf.out/catalog-export", path), text);
  }
  return root;
}
/** `lakeform dr …` with options the CLI entry point does not pass (a compute-stack factory), output captured. */
async function dr(options: DrOptions, ...argv: string[]): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => ((stdout += c.toString()), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => ((stderr += c.toString()), true));
  try {
    return { code: await runDr(argv, options), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
const tampered = () => serializeExport(exportFixture()).replace('"description": "Orders"', '"description": "Orders (edited)"');

describe("lakeform dr validate", () => {
  it("accepts a valid export and prints its content hash", async () => {
    const r = await lakeform("dr", "validate", "--dir", project());
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`ok cdktf.out/catalog-export/prod/sales.json: sales (prod, eu-west-1), 3 databases, 3 tables, 2 filters, 14 grants, ${exportFixture().contentHash}`);
  });

  it("fails when an export was changed after it was written, naming the file and field", async () => {
    const r = await lakeform("dr", "validate", "--dir", project({ "prod/sales.json": tampered() }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cdktf\.out\/catalog-export\/prod\/sales\.json › contentHash: does not match the content \(expected sha256:[0-9a-f]{64}\): the export was changed after it was written, or is corrupt$/m);
    expect(r.stderr).toMatch(/1 problem in 1 export; refused\.\n$/);
  });

  it("fails when an export is not JSON, not an export, or breaks the schema, reporting every file at once", async () => {
    const bad = JSON.parse(serializeExport(exportFixture()));
    bad.tables[0].format = "orc";
    const r = await lakeform("dr", "validate", "--dir", project({ "prod/a.json": "{ truncated", "prod/b.json": '{"format":"x"}', "prod/c.json": JSON.stringify(bad) }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cdktf.out/catalog-export/prod/a.json: not JSON:");
    expect(r.stderr).toContain('cdktf.out/catalog-export/prod/b.json › format: not a Lakeform catalog export: format must be "lakeform.catalog-export", got "x"');
    expect(r.stderr).toMatch(/cdktf\.out\/catalog-export\/prod\/c\.json › tables\[0\]\.format: /);
    expect(r.stderr).toMatch(/in 3 exports; refused\.\n$/);
  });

  it("fails when two exports describe one domain and environment", async () => {
    const text = serializeExport(exportFixture());
    const r = await lakeform("dr", "validate", "--dir", project({ "prod/sales.json": text, "old/sales.json": text }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cdktf.out/catalog-export/prod/sales.json › source: a second export of sales (prod); the first is cdktf.out/catalog-export/old/sales.json");
  });

  it("takes export files as arguments, and refuses a missing one", async () => {
    const root = project();
    const file = join(root, "cdktf.out/catalog-export/prod/sales.json");
    expect((await lakeform("dr", "validate", "--dir", root, file)).code).toBe(0);
    const r = await lakeform("dr", "validate", "--dir", root, join(root, "nope.json"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("nope.json: cannot be read: ENOENT");
  });
});

describe("lakeform dr plan", () => {
  it("shows what a rebuild in the exports' DR region would create, and what it leaves out", async () => {
    const r = await lakeform("dr", "plan", "--dir", project());
    expect(r.code).toBe(0);
    // With the manifests, the environment's Lake Formation admins, as synth writes them.
    expect(r.stdout).toContain("dr-platform-prod (eu-central-1, account 222222222222): data-lake settings with 1 admin, 2 LF-tags (confidentiality, domain)");
    expect(r.stdout).toContain("dr-sales-prod (eu-central-1, account 222222222222) from the sales export of prod in eu-west-1, sha256:");
    expect(r.stdout).toContain(
      "  registrations (2)\n" +
        "    processed: arn:aws:s3:::acme-sales-processed-prod-222222222222-eu-central-1 through role acme-sales-lf-processed-prod-eu-central-1, key arn:aws:kms:eu-central-1:222222222222:alias/acme/prod/sales/processed\n" +
        "    raw: arn:aws:s3:::acme-sales-raw-prod-222222222222-eu-central-1 through role acme-sales-lf-raw-prod-eu-central-1, key arn:aws:kms:eu-central-1:222222222222:alias/acme/prod/sales/raw\n",
    );
    expect(r.stdout).toContain("    sales_processed_prod.orders (parquet) at s3://acme-sales-processed-prod-222222222222-eu-central-1/orders/");
    expect(r.stdout).toContain("    sales_processed_prod.orders.eu-orders: without customer_id; rows where region = 'EU'");
    expect(r.stdout).toContain(
      "  principals remapped to the DR region's roles (4)\n" +
        "    crawler:partner: arn:aws:iam::222222222222:role/acme-sales-crawler-partner-prod-eu-west-1 → arn:aws:iam::222222222222:role/acme-sales-crawler-partner-prod-eu-central-1\n" +
        "    job:load: arn:aws:iam::222222222222:role/acme-sales-job-load-prod-eu-west-1 → arn:aws:iam::222222222222:role/acme-sales-job-load-prod-eu-central-1\n" +
        "    job:quality: arn:aws:iam::222222222222:role/acme-sales-quality-prod-eu-west-1 → arn:aws:iam::222222222222:role/acme-sales-quality-prod-eu-central-1\n" +
        "    pipeline:prod: arn:aws:iam::222222222222:role/acme-platform-mwaa-prod-eu-west-1 → arn:aws:iam::222222222222:role/acme-platform-mwaa-prod-eu-central-1\n" +
        "  grants (14)\n",
    );
    expect(r.stdout).toContain("    job-load-writes: arn:aws:iam::222222222222:role/acme-sales-job-load-prod-eu-central-1 ALTER, DELETE, INSERT on ");
    expect(r.stdout).not.toContain("principals kept");
    // Every zone's DR bucket is always on: nothing is left out.
    expect(r.stdout).not.toContain("not rebuilt");
    const json = await lakeform("dr", "plan", "--dir", project(), "--format", "json");
    expect(JSON.parse(json.stdout).domains[0]).toMatchObject({ stack: "dr-sales-prod", tables: ["sales_processed_prod.customers", "sales_processed_prod.orders", "sales_raw_prod.events"], tagAssignments: 6 });
    expect(JSON.parse(json.stdout).domains[0].principals[1]).toEqual({
      kind: "job",
      principalName: "job:load",
      from: "arn:aws:iam::222222222222:role/acme-sales-job-load-prod-eu-west-1",
      to: "arn:aws:iam::222222222222:role/acme-sales-job-load-prod-eu-central-1",
      why: null,
    });
  });

  it("keeps an own principal whose name does not parse, says so, and still succeeds", async () => {
    const e = exportFixture((c) => (c.grants = c.grants.map((g) => (g.principalName === "job:load" ? { ...g, principalName: "load" } : g))));
    const r = await lakeform("dr", "plan", "--dir", project({ "prod/sales.json": serializeExport(e) }));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("  principals remapped to the DR region's roles (3)\n");
    expect(r.stdout).toContain(
      '  principals kept as exported (1)\n    load (job) arn:aws:iam::222222222222:role/acme-sales-job-load-prod-eu-west-1: its principal name "load" is not job:<job> or job:quality\n',
    );
    expect(r.stdout).toContain("    job-load-writes: arn:aws:iam::222222222222:role/acme-sales-job-load-prod-eu-west-1 ALTER, DELETE, INSERT on ");
  });

  it("lists the orchestration stack of the exports' environment, from the manifests", async () => {
    const r = await lakeform("dr", "plan", "--dir", project());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "dr-orchestration-prod (eu-central-1, account 222222222222): private endpoints in vpc-0fedcba987654321f (subnet-0fedcba987654321e, subnet-0fedcba987654321f); MWAA acme-prod (mw1.small), bucket acme-platform-airflow-prod-222222222222-eu-central-1, role acme-platform-mwaa-prod-eu-central-1, access logs in acme-platform-orchestration-logs-prod-222222222222-eu-central-1; no DAGs",
    );
    expect(r.stdout).not.toContain("dr-orchestration-dev");
    const json = JSON.parse((await lakeform("dr", "plan", "--dir", project(), "--format", "json")).stdout);
    expect(json.orchestration).toEqual([
      {
        stack: "dr-orchestration-prod",
        region: "eu-central-1",
        accountId: "222222222222",
        vpcId: "vpc-0fedcba987654321f",
        privateSubnetIds: ["subnet-0fedcba987654321e", "subnet-0fedcba987654321f"],
        mwaa: { name: "acme-prod", environmentClass: "mw1.small", bucket: "acme-platform-airflow-prod-222222222222-eu-central-1", executionRole: "acme-platform-mwaa-prod-eu-central-1", accessLogBucket: "acme-platform-orchestration-logs-prod-222222222222-eu-central-1" },
        dags: [],
      },
    ]);
  });

  it("lists the compute stack of each exported deployment, from the manifests", async () => {
    const r = await lakeform("dr", "plan", "--dir", project());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("dr-compute-sales-prod (eu-central-1, account 222222222222): artifacts acme-sales-artifacts-prod-222222222222-eu-central-1; no jobs; no DAG\n");
    const json = JSON.parse((await lakeform("dr", "plan", "--dir", project(), "--format", "json")).stdout);
    expect(json.compute).toEqual([{ stack: "dr-compute-sales-prod", region: "eu-central-1", accountId: "222222222222", artifactsBucket: "acme-sales-artifacts-prod-222222222222-eu-central-1", jobs: [], qualityRole: null, crawlers: [], dag: null }]);
  });

  it("plans the catalog alone from exports fetched without the manifests", async () => {
    const root = scratchDir("exports-only");
    mkdirSync(join(root, "exports"), { recursive: true });
    writeFileSync(join(root, "exports", "sales.json"), serializeExport(exportFixture()));
    const r = await lakeform("dr", "plan", "--dir", root, "--from", "exports");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("dr-sales-prod (eu-central-1");
    expect(r.stdout).not.toContain("dr-orchestration");
  });

  it("fails when the platform names no DR network for the exports' environment, naming the field", async () => {
    const p = withDrNetworks(platformFixture());
    delete p.environments.prod.dr;
    const r = await lakeform("dr", "plan", "--dir", project(undefined, p));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("domains/platform.yaml › environments.prod.dr.network: environment prod has domain deployments (sales) but no network in the DR region eu-central-1");
  });

  it("fails when the region is not where the exports' replicas are", async () => {
    const r = await lakeform("dr", "plan", "--dir", project(), "--region", "us-east-1");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cdktf.out/catalog-export/prod/sales.json › zones[1].dr.region: zone raw's DR bucket and key are in eu-central-1, not us-east-1");
  });
});

describe("lakeform dr synth", () => {
  it("writes the DR stacks for the region, identically twice, with no path of the machine", async () => {
    const root = project();
    const r = await lakeform("dr", "synth", "--dir", root, "--region", "eu-central-1");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("synthesized 4 DR stacks for eu-central-1");
    const first = treeDigest(join(root, "dr.out"));
    // Orchestration and compute for the exports' environment only: a failover of prod rebuilds prod.
    expect(Object.keys(first).filter((f) => f.endsWith("cdk.tf.json")).sort()).toEqual([
      "stacks/dr-compute-sales-prod/cdk.tf.json",
      "stacks/dr-orchestration-prod/cdk.tf.json",
      "stacks/dr-platform-prod/cdk.tf.json",
      "stacks/dr-sales-prod/cdk.tf.json",
    ]);
    const compute = JSON.parse(readFileSync(join(root, "dr.out/stacks/dr-compute-sales-prod/cdk.tf.json"), "utf8"));
    expect(compute.provider.aws[0].region).toBe("eu-central-1");
    expect(compute.terraform.backend.local.path).toBe("../../../terraform.dr-compute-sales-prod.tfstate");
    const tf = JSON.parse(readFileSync(join(root, "dr.out/stacks/dr-sales-prod/cdk.tf.json"), "utf8"));
    // Local state beside the primary stacks' (the fixture's backend), tags of the primary domain stack.
    expect(tf.terraform.backend.local.path).toBe("../../../terraform.dr-sales-prod.tfstate");
    expect(tf.provider.aws[0].default_tags[0].tags).toMatchObject({ domain: "sales", environment: "prod", "managed-by": "lakeform" });
    for (const f of Object.keys(first)) expect(readFileSync(join(root, "dr.out", f), "utf8"), f).not.toContain(root);
    expect((await lakeform("dr", "synth", "--dir", root, "--region", "eu-central-1")).code).toBe(0);
    expect(treeDigest(join(root, "dr.out"))).toEqual(first);
  });

  it("fails when any export is bad, and leaves an earlier output exactly as it was", async () => {
    const root = project({ "prod/sales.json": serializeExport(exportFixture()), "dev/sales.json": tampered() });
    mkdirSync(join(root, "dr.out"), { recursive: true });
    writeFileSync(join(root, "dr.out", "earlier.txt"), "earlier");
    const before = treeDigest(join(root, "dr.out"));
    const r = await lakeform("dr", "synth", "--dir", root, "--region", "eu-central-1");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/dev\/sales\.json › contentHash: does not match/);
    expect(r.stderr).toMatch(/nothing was written\.\n$/);
    expect(treeDigest(join(root, "dr.out"))).toEqual(before);
  });

  it("fails when an export belongs to another platform (account or environment)", async () => {
    const foreign = serializeExport(exportFixture((c) => (c.source = { ...c.source, accountId: "999999999999", environment: "staging" })));
    const r = await lakeform("dr", "synth", "--dir", project({ "prod/sales.json": foreign }), "--region", "eu-central-1");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cdktf.out/catalog-export/prod/sales.json › source.environment: the platform has no environment "staging"; it has "dev", "prod"');
  });

  it("prints the apply order: settings, orchestration, compute, then the catalog stacks", async () => {
    const r = await lakeform("dr", "synth", "--dir", project(), "--region", "eu-central-1");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "Apply in this order:\n  1. dr-platform-prod (Lake Formation settings and LF-tags)\n  2. dr-orchestration-prod (private endpoints and MWAA)\n  3. dr-compute-sales-prod (job roles, jobs and the DAGs: the roles the catalog stacks' grants name)\n  4. dr-sales-prod (registrations, catalog and grants; independent of each other)\n",
    );
  });

  it("writes the orchestration stack in the DR region, on the DR network, with the DR stacks' backend and the platform's tags", async () => {
    const root = project();
    expect((await lakeform("dr", "synth", "--dir", root, "--region", "eu-central-1")).code).toBe(0);
    const tf = JSON.parse(readFileSync(join(root, "dr.out/stacks/dr-orchestration-prod/cdk.tf.json"), "utf8"));
    expect(tf.terraform.backend.local.path).toBe("../../../terraform.dr-orchestration-prod.tfstate");
    expect(tf.provider.aws[0]).toMatchObject({ region: "eu-central-1", allowed_account_ids: ["222222222222"] });
    expect(tf.provider.aws[0].default_tags[0].tags).toMatchObject({ domain: "platform", environment: "prod" });
    expect(tf.resource.aws_vpc_endpoint.s3).toMatchObject({ vpc_id: "vpc-0fedcba987654321f", service_name: "com.amazonaws.eu-central-1.s3", route_table_ids: ["rtb-0fedcba987654321f"] });
    expect(tf.resource.aws_mwaa_environment.mwaa.network_configuration.subnet_ids).toEqual(["subnet-0fedcba987654321e", "subnet-0fedcba987654321f"]);
  });

  it("fails when the platform's DR side is missing or the region is not regions.dr, with every problem, manifests' and exports', and writes nothing", async () => {
    const p = withDrNetworks(platformFixture());
    delete p.environments.prod.dr;
    const root = project(undefined, p);
    mkdirSync(join(root, "dr.out"), { recursive: true });
    writeFileSync(join(root, "dr.out", "earlier.txt"), "earlier");
    const before = treeDigest(join(root, "dr.out"));
    const missing = await lakeform("dr", "synth", "--dir", root, "--region", "eu-central-1");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("domains/platform.yaml › environments.prod.dr.network: environment prod has domain deployments (sales)");
    expect(missing.stderr).toMatch(/nothing was written\.\n$/);
    const elsewhere = await lakeform("dr", "synth", "--dir", root, "--region", "us-east-1");
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain("domains/platform.yaml › regions.dr: is eu-central-1, and the DR compute and orchestration stacks are built for it");
    expect(elsewhere.stderr).toContain("domains/platform.yaml › environments.prod.dr.network:");
    expect(elsewhere.stderr).toContain("cdktf.out/catalog-export/prod/sales.json › zones[1].dr.region: zone raw's DR bucket and key are in eu-central-1, not us-east-1");
    expect(treeDigest(join(root, "dr.out"))).toEqual(before);
  });

  it("refuses when the guardrail pack finds an error in the orchestration stacks (exit 1), and leaves an earlier output as it was", async () => {
    const p = withDrNetworks(platformFixture());
    p.guardrails = { suppress: [] };
    const root = project(undefined, p);
    mkdirSync(join(root, "dr.out"), { recursive: true });
    writeFileSync(join(root, "dr.out", "earlier.txt"), "earlier");
    const before = treeDigest(join(root, "dr.out"));
    const r = await lakeform("dr", "synth", "--dir", root, "--region", "eu-central-1");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^lakeform dr synth: guardrails found errors in the DR stacks; nothing was written\n/);
    expect(r.stderr).toContain("IAM-001");
    expect(r.stderr).toContain("dr-orchestration-prod");
    expect(treeDigest(join(root, "dr.out"))).toEqual(before);
  });

  it("writes and guards the compute stacks a factory builds, between orchestration and the catalog in the apply order", async () => {
    const root = project();
    const seen: string[] = [];
    const compute = (i: DrComputeStackInput) => {
      seen.push(`${i.stack.name} ${i.deployment.stack} ${i.environment.region}`);
      return new AwsStack(i.scope, i.stack.name, stackProps(i.stack, i.stateRoot));
    };
    const r = await dr({ compute }, "synth", "--dir", root, "--region", "eu-central-1");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(seen).toEqual(["dr-compute-sales-prod sales-prod eu-central-1"]);
    expect(r.stdout).toContain("  3. dr-compute-sales-prod (job roles, jobs and the DAGs: the roles the catalog stacks' grants name)\n  4. dr-sales-prod");
    const tf = JSON.parse(readFileSync(join(root, "dr.out/stacks/dr-compute-sales-prod/cdk.tf.json"), "utf8"));
    expect(tf.terraform.backend.local.path).toBe("../../../terraform.dr-compute-sales-prod.tfstate");
  });

  it("refuses when a compute stack breaks a guardrail: the pack runs over the compute stacks too", async () => {
    const root = project();
    const compute = (i: DrComputeStackInput) => {
      const stack = new AwsStack(i.scope, i.stack.name, stackProps(i.stack, i.stateRoot));
      new S3Bucket(stack, "artifacts", { bucket: i.deployment.artifacts.bucket.name });
      return stack;
    };
    const r = await dr({ compute }, "synth", "--dir", root, "--region", "eu-central-1");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/✖ S3-\d{3} error {2}dr-compute-sales-prod\/aws_s3_bucket\.artifacts: /);
    expect(r.stderr).not.toContain("COST-001");
    expect(existsSync(join(root, "dr.out"))).toBe(false);
  });

  it("fails when --region is missing or malformed, or an option does not apply", async () => {
    const root = project();
    expect((await lakeform("dr", "synth", "--dir", root)).stderr).toMatch(/^lakeform dr synth: --region is required/);
    expect((await lakeform("dr", "synth", "--dir", root, "--region", "Frankfurt")).stderr).toMatch(/--region must be a region code such as eu-central-1, got "Frankfurt"/);
    expect((await lakeform("dr", "validate", "--dir", root, "--out", "x")).stderr).toMatch(/option --out does not apply here/);
    expect((await lakeform("dr", "nope")).code).toBe(2);
    expect(existsSync(join(root, "dr.out"))).toBe(false);
    const help = await lakeform("dr", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: lakeform dr <validate\|plan\|synth>/);
  });
});
