import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSynthesizedStacks, runGuardrails } from "../../generators/guardrails/run";
import { drLogBucket, replicaKeyAlias } from "../../generators/model/dr";
import { drComputeStackName } from "../../generators/model/dr-model";
import { bucketName } from "../../generators/model/names";
import type { Model } from "../../generators/model/types";
import { synthesizeInMemory } from "../../generators/stacks/in-memory";
import { type DrComputeInput, drComputeInputs, exampleModels, synthesizeDrCompute } from "../helpers/dr-compute";
import { scratchDir } from "../helpers/project";
import { type TfJson, policyOf, resource, resourcesOf } from "../helpers/synth";

let primary: Model;
let dr: Model;
let inputs: DrComputeInput[];
let outdir: string;
const stacks = new Map<string, TfJson>();

beforeAll(async () => {
  ({ primary, dr } = await exampleModels());
  inputs = drComputeInputs(dr);
  outdir = scratchDir("dr-compute");
  synthesizeDrCompute(inputs, outdir);
  for (const s of readSynthesizedStacks(outdir)) stacks.set(s.name, s.json as TfJson);
}, 120_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const DR_REGION = "eu-central-1";
const addresses = (tf: TfJson) => Object.entries(tf.resource ?? {}).flatMap(([type, rs]) => Object.keys(rs).map((n) => `${type}.${n}`));
const each = () => inputs.map((i) => ({ i, tf: stacks.get(i.stack.name)! }));

interface Statement {
  Sid: string;
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
/** Every statement of every IAM policy the stack writes (inline role policies). */
const iamStatements = (tf: TfJson): { address: string; s: Statement }[] =>
  Object.entries(resourcesOf(tf, "aws_iam_role_policy")).flatMap(([name, r]) => (policyOf(r).Statement as unknown as Statement[]).map((s) => ({ address: `aws_iam_role_policy.${name}`, s })));

describe("DrComputeStack (the examples' DR model)", () => {
  it("is one dr-compute-<domain>-<env> stack per deployment: three domains in dev and prod", () => {
    expect([...stacks.keys()]).toEqual(
      ["billing", "cdr", "clickstream"].flatMap((d) => ["dev", "prod"].map((e) => drComputeStackName(d, e))).sort(),
    );
    expect(dr.regions.primary).toBe(DR_REGION);
    expect(primary.regions.dr).toBe(DR_REGION);
  });

  it("puts every resource in the DR region: one provider, in the DR region, and no resource on another", () => {
    for (const { i, tf } of each()) {
      const providers = (tf.provider as Record<string, Record<string, unknown>[]>).aws!;
      expect(providers.map((p) => p.region), i.stack.name).toEqual([DR_REGION]);
      expect(providers[0]!.alias).toBeUndefined();
      for (const [type, rs] of Object.entries(tf.resource ?? {})) for (const [n, r] of Object.entries(rs)) expect(r.provider, `${type}.${n}`).toBeUndefined();
    }
  });

  it("holds no storage, catalog, governance, audit, replication, ingestion or budget resource", () => {
    const forbidden = /^aws_(kms_replica_key|glue_catalog_(database|table)|lakeformation_.*|cloudtrail|s3_bucket_replication_configuration|budgets_budget|kinesis_firehose_delivery_stream)$/;
    for (const { i, tf } of each()) {
      const types = Object.keys(tf.resource ?? {});
      expect(types.filter((t) => forbidden.test(t)), i.stack.name).toEqual([]);
      // Its only bucket and key are the artifacts bucket and the ops key: zones stay in the always-on DR storage.
      expect(Object.keys(resourcesOf(tf, "aws_s3_bucket")), i.stack.name).toEqual(["artifacts"]);
      expect(Object.keys(resourcesOf(tf, "aws_kms_key")), i.stack.name).toEqual(["ops"]);
    }
  });

  it("uses the primary stack's Terraform addresses: every resource it holds is one the primary domain stack holds too", () => {
    const primaryJson = synthesizeInMemory(primary);
    for (const { i, tf } of each()) {
      const p = primaryJson.get(i.dep.stack)! as TfJson;
      const ours = addresses(tf);
      expect(ours.length, i.stack.name).toBeGreaterThan(20);
      expect(ours.filter((a) => !addresses(p).includes(a)), i.stack.name).toEqual([]);
    }
  });

  it("names every role by its DR name (ending in the DR region), as the DR model's jobs and quality role do", () => {
    for (const { i, tf } of each()) {
      const roles = resourcesOf(tf, "aws_iam_role");
      expect(Object.keys(roles).length, i.stack.name).toBeGreaterThan(0);
      for (const [n, r] of Object.entries(roles)) expect(r.name, `${i.stack.name} aws_iam_role.${n}`).toMatch(new RegExp(`-${i.env.name}-${DR_REGION}$`));
      for (const job of i.dep.jobs.filter((j) => j.engine !== "emr-eks")) expect(roles[`job__${job.name}`]!.name).toBe(job.role.name);
      if (i.dep.quality.rulesets.length > 0) expect(roles.quality!.name).toBe(i.dep.quality.role.name);
      const primaryDep = primary.domains.find((d) => d.name === i.stack.domain)!.deployments.find((x) => x.environment === i.env.name)!;
      for (const job of primaryDep.jobs) expect(Object.values(roles).map((r) => r.name)).not.toContain(job.role.name);
    }
  });

  it("names zone keys in IAM through kms:ResourceAliases on the replicas' aliases, never by a key ARN or alias ARN resource", () => {
    let aliased = 0;
    for (const { i, tf } of each()) {
      const ctx = { organization: primary.organization, environment: i.env.name, accountId: i.env.accountId, region: primary.regions.primary };
      const replicaAliases = new Set(i.dep.zones.map((z) => replicaKeyAlias(ctx, i.env.partition, DR_REGION, i.stack.domain!, z.name).alias));
      for (const { address, s } of iamStatements(tf)) {
        const resources = [s.Resource].flat();
        expect(resources.filter((r) => r.includes(":alias/")), `${address} ${s.Sid}`).toEqual([]);
        if (!resources.some((r) => /:kms:.*:key\/\*$/.test(r))) continue;
        aliased++;
        expect(resources, `${address} ${s.Sid}`).toEqual([`arn:aws:kms:${DR_REGION}:${i.env.accountId}:key/*`]);
        const named = [s.Condition?.["ForAnyValue:StringEquals"]?.["kms:ResourceAliases"] ?? []].flat();
        expect(named.length, `${address} ${s.Sid}`).toBeGreaterThan(0);
        for (const a of named) expect(replicaAliases.has(a), `${address} ${s.Sid}: ${a}`).toBe(true);
      }
      // No literal key ARN of another region or account slips in.
      for (const { address, s } of iamStatements(tf)) for (const r of [s.Resource].flat()) if (r.startsWith("arn:aws:kms:")) expect(r, address).toContain(`:kms:${DR_REGION}:${i.env.accountId}:`);
    }
    expect(aliased).toBeGreaterThan(0);
  });

  it("encrypts every CloudWatch log group with the stack's ops key (a replica key's policy lets no service in)", () => {
    let groups = 0;
    for (const { i, tf } of each()) {
      for (const [n, g] of Object.entries(resourcesOf(tf, "aws_cloudwatch_log_group"))) {
        groups++;
        expect(g.kms_key_id, `${i.stack.name} ${n}`).toBe("${aws_kms_key.ops.arn}");
      }
      // Glue security configurations: S3 under the zone's replica (by alias), logs and bookmarks under the ops key.
      for (const [n, c] of Object.entries(resourcesOf(tf, "aws_glue_security_configuration"))) {
        const e = c.encryption_configuration as Record<string, Record<string, string>>;
        expect(e.cloudwatch_encryption!.kms_key_arn, n).toBe("${aws_kms_key.ops.arn}");
        expect(e.job_bookmarks_encryption!.kms_key_arn, n).toBe("${aws_kms_key.ops.arn}");
        if (n.startsWith("glue__") && n !== "glue__ops") expect(e.s3_encryption!.kms_key_arn, n).toMatch(new RegExp(`^arn:aws:kms:${DR_REGION}:\\d{12}:alias/`));
      }
    }
    expect(groups).toBeGreaterThan(0);
  });

  it("uploads the DAG into the DR MWAA bucket under its key's DR alias", () => {
    let dags = 0;
    for (const { i, tf } of each()) {
      if (!i.dep.pipeline) continue;
      dags++;
      const dag = resource(tf, "aws_s3_object", "dag");
      expect(dag.bucket).toBe(i.env.mwaa.bucket.name);
      expect(dag.bucket).toMatch(new RegExp(`-${DR_REGION}$`));
      expect(dag.kms_key_id).toBe(i.env.mwaa.keyAliasArn);
      expect(dag.kms_key_id).toMatch(new RegExp(`^arn:aws:kms:${DR_REGION}:`));
    }
    expect(dags).toBeGreaterThan(0);
  });

  it("puts the scripts in the DR artifacts bucket, which logs into the always-on DR log bucket by name", () => {
    for (const { i, tf } of each()) {
      const ctx = { organization: primary.organization, environment: i.env.name, accountId: i.env.accountId, region: primary.regions.primary };
      const drCtx = { ...ctx, region: DR_REGION };
      expect(resource(tf, "aws_s3_bucket", "artifacts").bucket).toBe(bucketName(drCtx, i.stack.domain!, "artifacts"));
      const scripts = Object.entries(resourcesOf(tf, "aws_s3_object")).filter(([n]) => n.startsWith("script__"));
      expect(scripts.length, i.stack.name).toBe(i.dep.jobs.length);
      for (const [n, o] of scripts) {
        expect(o.bucket, n).toBe("${aws_s3_bucket.artifacts.id}");
        expect(o.kms_key_id, n).toBe("${aws_kms_key.ops.arn}");
      }
      const logging = resource(tf, "aws_s3_bucket_logging", "artifacts");
      expect(logging.target_bucket).toBe(drLogBucket(ctx, i.env.partition, DR_REGION, i.stack.domain!).name);
      expect(logging.target_prefix).toBe("artifacts/");
    }
  });

  it("lets the artifacts bucket take uploads under the replica zone keys by alias ARN (Glue and EMR scratch data, pipeline results)", () => {
    const cdr = stacks.get(drComputeStackName("cdr", "dev"))!;
    const policy = policyOf(resource(cdr, "aws_s3_bucket_policy", "artifacts"));
    const other = (policy.Statement as unknown as Statement[]).find((s) => s.Sid === "DenyUploadsWithOtherKeys")!;
    const keys = [other.Condition!.StringNotEqualsIfExists!["s3:x-amz-server-side-encryption-aws-kms-key-id"]].flat();
    expect(keys[0]).toBe("${aws_kms_key.ops.arn}");
    expect(keys.slice(1).length).toBeGreaterThan(0);
    for (const k of keys.slice(1)) expect(k).toMatch(new RegExp(`^arn:aws:kms:${DR_REGION}:111111111111:alias/acme/dev/cdr/`));
  });

  it("makes quality rulesets and crawlers naming the DR databases and tables by name, and crawlers without their Lake Formation grants", () => {
    let rulesets = 0;
    let crawlers = 0;
    for (const { i, tf } of each()) {
      for (const r of i.dep.quality.rulesets) {
        rulesets++;
        const q = resource(tf, "aws_glue_data_quality_ruleset", `${r.zone}__${r.table}`);
        expect(q.target_table).toEqual({ catalog_id: i.env.accountId, database_name: r.database, table_name: r.table });
      }
      for (const c of i.dep.discovery.crawlers) {
        crawlers++;
        const g = resource(tf, "aws_glue_crawler", c.name);
        expect(g.database_name).toBe(c.database.name);
        expect((g.depends_on as string[]).filter((d) => d.startsWith("aws_lakeformation_permissions."))).toEqual([]);
      }
    }
    expect(rulesets).toBeGreaterThan(0);
    expect(crawlers).toBeGreaterThan(0);
  });

  it("passes the guardrail pack with no error finding", () => {
    const computeNames = new Set(inputs.map((i) => i.stack.name));
    // The DR model with the compute stacks as its stacks; the domains' suppressions follow their stacks (the platform's are for MWAA, not here).
    const model: Model = {
      ...dr,
      stacks: inputs.map((i) => i.stack),
      guardrails: {
        ...dr.guardrails,
        suppressions: dr.guardrails.suppressions
          .map((s) => ({ ...s, stacks: s.stacks.flatMap((n) => (dr.stacks.find((x) => x.name === n && x.kind === "domain") ? [drComputeStackName(dr.stacks.find((x) => x.name === n)!.domain!, dr.stacks.find((x) => x.name === n)!.environment)] : [])) }))
          .filter((s) => s.stacks.some((n) => computeNames.has(n))),
      },
    };
    const result = runGuardrails(model, readSynthesizedStacks(outdir));
    expect(result.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(result.problems).toEqual([]);

    // The pack accepts the companions by name only: another log bucket, another alias, a budget or a foreign crawl target still fail.
    const name = drComputeStackName("cdr", "dev");
    const broken = structuredClone(stacks.get(name)!) as TfJson & { resource: Record<string, Record<string, Record<string, any>>> };
    broken.resource.aws_s3_bucket_logging!.artifacts!.target_bucket = "acme-cdr-logs-dev-111111111111-eu-west-1";
    const role = broken.resource.aws_iam_role_policy!["job__conform-calls__run"]!;
    role.policy = (role.policy as string).replace(/"kms:ResourceAliases":"alias\/acme\/dev\/cdr\/[a-z]+"/, '"kms:ResourceAliases":"alias/acme/dev/billing/raw"');
    broken.resource.aws_budgets_budget = { cdr: { name: "x" } };
    const crawler = Object.values(broken.resource.aws_glue_crawler!)[0]!;
    crawler.s3_target = [{ path: "s3://acme-billing-raw-dev-111111111111-eu-central-1/x/" }];
    const rerun = runGuardrails(model, [{ name, json: broken }]).findings.filter((f) => f.stack === name).map((f) => `${f.rule} ${f.address}`);
    expect(rerun).toEqual(
      expect.arrayContaining([
        "S3-006 aws_s3_bucket.artifacts",
        "IAM-002 aws_iam_role_policy.job__conform-calls__run",
        "COST-001 aws_budgets_budget.cdr",
        `GLUE-005 aws_glue_crawler.${Object.keys(broken.resource.aws_glue_crawler!)[0]}`,
      ]),
    );
  });
});
