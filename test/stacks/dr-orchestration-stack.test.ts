import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { Testing } from "cdktf";
import { afterAll, describe, expect, it } from "vitest";
import { runGuardrails } from "../../generators/guardrails/run";
import { loadAndValidate } from "../../generators/manifest/validate";
import { drEnvironmentOf } from "../../generators/model/dr-model";
import type { EnvironmentModel } from "../../generators/model/types";
import { type DrComputeStackInput, drStackNamesInApplyOrder, synthesizeDr } from "../../generators/stacks/dr-app";
import { DrOrchestrationStack } from "../../generators/stacks/dr-orchestration-stack";
import { pipelineQueryIdentityStatements } from "../../generators/stacks/pipeline-queries";
import { drComputePlan } from "../../generators/dr/plan";
import { stackProps } from "../../generators/stacks/stack-props";
import { AwsStack } from "../../modules/stack/aws-stack";
import { exampleDrModel, exampleDrRebuild } from "../helpers/dr-examples";
import { synthStackOf } from "../helpers/model-fixtures";
import { resource, resourcesOf, type TfJson } from "../helpers/synth";

const repo = resolve(import.meta.dirname, "../..");
const examples = await loadAndValidate(repo);
if (!examples.ok) throw new Error("the example manifests are invalid");
const primary = examples.model;
const dr = exampleDrModel(examples.manifests);
const drStack = (env: string) => dr.stacks.find((s) => s.name === `dr-orchestration-${env}`)!;
const synthDr = (env: string) => JSON.parse(Testing.synth(new DrOrchestrationStack(Testing.app(), dr, drStack(env), drEnvironmentOf(dr, drStack(env))))) as TfJson;
const dev = synthDr("dev");
const prod = synthDr("prod");

/** The primary environment's names and IDs that the DR side replaces, longest first. */
function primaryToDr(p: EnvironmentModel, d: EnvironmentModel): [string, string][] {
  const pairs: [string, string][] = [
    [p.logBucket.name, d.logBucket.name],
    [p.network.vpcId, d.network.vpcId],
    [p.network.vpcCidr, d.network.vpcCidr],
    [p.network.s3PrefixListId, d.network.s3PrefixListId],
    ...p.network.privateSubnetIds.map((s, i): [string, string] => [s, d.network.privateSubnetIds[i]!]),
    ...p.network.privateRouteTableIds.map((s, i): [string, string] => [s, d.network.privateRouteTableIds[i]!]),
    [p.region, d.region],
  ];
  return pairs.sort((a, b) => b[0].length - a[0].length);
}

describe("DrOrchestrationStack", () => {
  it("holds the endpoints and MWAA with its key, bucket, access-log bucket and role, in the DR region: no Lake Formation settings, LF-tags, cost-allocation tags or export storage", () => {
    expect(Object.keys(dev.resource).sort()).toEqual([
      "aws_iam_role",
      "aws_iam_role_policies_exclusive",
      "aws_iam_role_policy",
      "aws_iam_role_policy_attachments_exclusive",
      "aws_kms_alias",
      "aws_kms_key",
      "aws_mwaa_environment",
      "aws_s3_bucket",
      "aws_s3_bucket_lifecycle_configuration",
      "aws_s3_bucket_logging",
      "aws_s3_bucket_ownership_controls",
      "aws_s3_bucket_policy",
      "aws_s3_bucket_public_access_block",
      "aws_s3_bucket_server_side_encryption_configuration",
      "aws_s3_bucket_versioning",
      "aws_s3_object",
      "aws_security_group",
      "aws_vpc_endpoint",
    ]);
    expect(Object.keys(resourcesOf(dev, "aws_s3_bucket")).sort()).toEqual(["access_logs", "mwaa"]);
    expect(resource(dev, "aws_s3_bucket", "access_logs").bucket).toBe("acme-platform-orchestration-logs-dev-111111111111-eu-central-1");
    expect(resource(dev, "aws_s3_bucket", "mwaa").bucket).toBe("acme-platform-airflow-dev-111111111111-eu-central-1");
    expect(resource(prod, "aws_vpc_endpoint", "s3")).toMatchObject({ vpc_id: "vpc-0a1b2c3d4e5f61002", service_name: "com.amazonaws.eu-central-1.s3" });
    expect(resource(prod, "aws_mwaa_environment", "mwaa")).toMatchObject({ name: "acme-prod" });
    expect(dev.provider!.aws![0]).toMatchObject({ region: "eu-central-1", allowed_account_ids: ["111111111111"] });
    expect(dev.terraform).toMatchObject({ backend: { local: { path: "../../../terraform.dr-orchestration-dev.tfstate" } } });
    expect(dev.data ?? {}).toEqual({});
    for (const tf of [dev, prod]) expect(JSON.stringify(tf.resource)).not.toContain("eu-west-1");
  });

  it("is the platform stack's orchestration, resource for resource, with the DR region's names and network", () => {
    for (const env of ["dev", "prod"]) {
      const platform = synthStackOf(primary, `platform-${env}`);
      const tf = env === "dev" ? dev : prod;
      let text = JSON.stringify(Object.fromEntries(Object.entries(tf.resource).map(([type, byName]) => [type, Object.fromEntries(Object.keys(byName).map((n) => [n, resource(platform, type, n)]))])));
      for (const [from, to] of primaryToDr(primary.environments.find((e) => e.name === env)!, drEnvironmentOf(dr, drStack(env)))) text = text.split(from).join(to);
      // …but for the DR-only statements of the DAGs' policy: the queries' writes, which the primary grants in the zone buckets' and keys' policies.
      const drOnly = new Set(pipelineQueryIdentityStatements(dr, drEnvironmentOf(dr, drStack(env))).map((x) => x.Sid));
      const dags = resource(tf, "aws_iam_role_policy", "mwaa__dags");
      const policy = JSON.parse(dags.policy as string) as { Statement: { Sid: string }[] };
      const withoutDrOnly = { ...tf.resource, aws_iam_role_policy: { ...tf.resource.aws_iam_role_policy, mwaa__dags: { ...dags, policy: JSON.stringify({ ...policy, Statement: policy.Statement.filter((x) => !drOnly.has(x.Sid)) }) } } };
      expect(JSON.parse(text), env).toEqual(withoutDrOnly);
      // cdr's pipeline runs one Athena statement: a write, a listing and the key, for its curated target.
      expect([...drOnly].sort(), env).toEqual([`PipelineQueriesEncryptcdr${env}curatedByAlias`, `PipelineQueriesListcdr${env}curated`, `PipelineQueriesWritecdr${env}curated`]);
    }
  });

  it("lets the pipeline's Athena statements write their target tables in the DR buckets, under the zone key's replica by alias, through S3 only", () => {
    const policy = JSON.parse(resource(prod, "aws_iam_role_policy", "mwaa__dags").policy as string) as { Statement: { Sid: string; Action: string[]; Resource: string | string[]; Condition?: Record<string, Record<string, unknown>> }[] };
    const cdr = dr.domains.find((d) => d.name === "cdr")!.deployments.find((x) => x.environment === "prod")!;
    const task = cdr.queries.tasks[0]!;
    const bucket = `arn:aws:s3:::${task.into.location.replace(/^s3:\/\/([^/]+)\/.*$/, "$1")}`;
    expect(bucket).toMatch(/-eu-central-1$/);
    const write = policy.Statement.find((x) => x.Sid === "PipelineQueriesWritecdrprodcurated")!;
    expect(write.Action).toEqual(["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:PutObject"]);
    expect(write.Resource).toEqual([`${task.into.location.replace(/^s3:\/\//, "arn:aws:s3:::")}*`]);
    const key = policy.Statement.find((x) => x.Sid === "PipelineQueriesEncryptcdrprodcuratedByAlias")!;
    expect(key.Resource).toBe("arn:aws:kms:eu-central-1:222222222222:key/*");
    expect(key.Condition!["ForAnyValue:StringEquals"]).toEqual({ "kms:ResourceAliases": "alias/acme/prod/cdr/curated" });
    expect(key.Condition!.StringEquals).toEqual({ "kms:ViaService": "s3.eu-central-1.amazonaws.com" });
    expect(key.Condition!.ArnLike!["kms:EncryptionContext:aws:s3:arn"]).toContain(bucket);
  });

  it("lets the DAGs start the DR region's Glue jobs, EMR runs, state machines and rulesets, and pass the DR roles", () => {
    const policy = JSON.parse(resource(prod, "aws_iam_role_policy", "mwaa__dags").policy as string) as { Statement: { Sid: string; Resource: string | string[] }[] };
    const glue = policy.Statement.find((s) => s.Sid === "RunPipelineGlueJobs")!;
    expect(glue.Resource).toContain("arn:aws:glue:eu-central-1:222222222222:job/cdr-prod-conform-calls");
    const fleets = policy.Statement.find((s) => s.Sid === "StartPipelineFleetStateMachines")!;
    expect(fleets.Resource).toEqual(["arn:aws:states:eu-central-1:222222222222:stateMachine:cdr-prod-cell-traffic"]);
    const passed = policy.Statement.filter((s) => s.Sid.startsWith("Pass")).flatMap((s) => [s.Resource].flat());
    expect(passed.length).toBeGreaterThan(0);
    for (const arn of passed) expect(arn).toMatch(/^arn:aws:iam::222222222222:role\/acme-[a-z0-9-]+-prod-eu-central-1$/);
  });

  it("passes the guardrail pack with the platform manifest's suppressions, as lakeform dr synth runs it", () => {
    const r = runGuardrails(dr, [
      { name: "dr-orchestration-dev", json: dev },
      { name: "dr-orchestration-prod", json: prod },
    ]);
    expect(r.findings).toEqual([]);
    expect(r.problems).toEqual([]);
    expect(new Set(r.suppressed.map((s) => `${s.rule} ${s.address}`))).toEqual(
      new Set(["IAM-001 aws_iam_role_policy.mwaa__environment", "IAM-002 aws_iam_role_policy.mwaa__environment", "IAM-002 aws_iam_role_policy.mwaa__dags"]),
    );
  });
});

describe("drComputePlan", () => {
  it("names each compute stack's jobs with the DR roles the rebuilt grants are given to", () => {
    const plan = drComputePlan(dr);
    expect(plan.map((c) => c.stack)).toEqual(dr.stacks.filter((s) => s.kind === "domain").map((s) => s.name));
    const cdr = plan.find((c) => c.stack === "dr-compute-cdr-prod")!;
    expect(cdr.jobs.map((j) => j.engine)).toContain("emr-fleet");
    for (const j of plan.flatMap((c) => c.jobs)) expect(j.role).toMatch(/-(dev|prod)-eu-central-1$/);
    const rebuilt = exampleDrRebuild(primary).set.domains.flatMap((d) => d.principals.filter((p) => p.to !== null).map((p) => p.to!.replace(/^arn:aws:iam::\d{12}:role\//, "")));
    // Every job's DR role is a principal the rebuilt catalog grants to: no job runs in the DR region without its grants.
    for (const j of plan.flatMap((c) => c.jobs)) expect(rebuilt, j.role).toContain(j.role);
  });
});

describe("synthesizeDr", () => {
  const out = mkdtempSync(join(tmpdir(), "lakeform-dr-app-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const calls: DrComputeStackInput[] = [];
  // A compute stack of the test's own: one bucket named for the deployment's artifacts.
  const compute = (input: DrComputeStackInput) => {
    calls.push(input);
    const stack = new AwsStack(input.scope, input.stack.name, stackProps(input.stack, input.stateRoot));
    new S3Bucket(stack, "artifacts", { bucket: input.deployment.artifacts.bucket.name });
    return stack;
  };
  const written = synthesizeDr(exampleDrRebuild(primary).set, { outdir: out, dr: { model: dr, compute } });

  it("writes the rebuild's stacks, the DR model's orchestration stacks and, through the factory, one compute stack per deployment, and says which by apply phase", () => {
    expect(written.platform).toEqual(["dr-platform-dev", "dr-platform-prod"]);
    expect(written.orchestration).toEqual(["dr-orchestration-dev", "dr-orchestration-prod"]);
    expect(written.compute).toEqual(dr.stacks.filter((s) => s.kind === "domain").map((s) => s.name));
    expect(written.domains).toEqual(["dr-billing-dev", "dr-billing-prod", "dr-cdr-dev", "dr-cdr-prod", "dr-clickstream-dev", "dr-clickstream-prod"]);
    expect(readdirSync(join(out, "stacks")).sort()).toEqual([...drStackNamesInApplyOrder(written)].sort());
    expect(drStackNamesInApplyOrder(written).slice(0, 4)).toEqual(["dr-platform-dev", "dr-platform-prod", "dr-orchestration-dev", "dr-orchestration-prod"]);
  });

  it("hands the factory each compute stack with its DR-model deployment and environment", () => {
    expect(calls.map((c) => [c.stack.name, c.deployment.stack, c.environment.name, c.environment.region])).toEqual([
      ["dr-compute-billing-dev", "billing-dev", "dev", "eu-central-1"],
      ["dr-compute-billing-prod", "billing-prod", "prod", "eu-central-1"],
      ["dr-compute-cdr-dev", "cdr-dev", "dev", "eu-central-1"],
      ["dr-compute-cdr-prod", "cdr-prod", "prod", "eu-central-1"],
      ["dr-compute-clickstream-dev", "clickstream-dev", "dev", "eu-central-1"],
      ["dr-compute-clickstream-prod", "clickstream-prod", "prod", "eu-central-1"],
    ]);
    const tf = JSON.parse(readFileSync(join(out, "stacks", "dr-compute-cdr-prod", "cdk.tf.json"), "utf8")) as TfJson;
    expect(resource(tf, "aws_s3_bucket", "artifacts").bucket).toBe("acme-cdr-artifacts-prod-222222222222-eu-central-1");
  });

  it("writes the DR compute stacks by default, and refuses a factory that names its stack otherwise", () => {
    const bare = mkdtempSync(join(tmpdir(), "lakeform-dr-app-"));
    try {
      const written = synthesizeDr(exampleDrRebuild(primary).set, { outdir: bare, dr: { model: dr } }).compute;
      expect(written).toEqual(calls.map((c) => c.stack.name));
      const tf = JSON.parse(readFileSync(join(bare, "stacks", "dr-compute-cdr-prod", "cdk.tf.json"), "utf8")) as TfJson;
      expect(resource(tf, "aws_s3_bucket", "artifacts").bucket).toBe("acme-cdr-artifacts-prod-222222222222-eu-central-1");
      expect(() => synthesizeDr({ platforms: [], domains: [] }, { outdir: bare, dr: { model: dr, compute: (i) => new AwsStack(i.scope, `x-${i.stack.name}`, stackProps(i.stack, i.stateRoot)) } })).toThrow(
        'the compute stack factory built "x-dr-compute-billing-dev" for dr-compute-billing-dev',
      );
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});
