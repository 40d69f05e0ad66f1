import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import YAML from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { PACK } from "../../generators/guardrails/pack";
import { readSynthesizedStacks, runGuardrails, type SynthesizedStack } from "../../generators/guardrails/run";
import { loadAndValidate } from "../../generators/manifest/validate";
import type { Model } from "../../generators/model/types";
import { synthesizeModel } from "../../generators/stacks/app";
import { lakeform, treeDigest } from "../helpers/cli";
import { domainFixture, makeProject, platformFixture, scratchDir } from "../helpers/project";

const repo = resolve(import.meta.dirname, "../..");

type Json = Record<string, any>;

describe("lakeform check over the examples", () => {
  let json: Json;
  let sarif: Json;
  let code: number;
  const out = scratchDir("check");

  beforeAll(async () => {
    const r = await lakeform("check", "--dir", repo, "--format", "json");
    code = r.code;
    json = JSON.parse(r.stdout) as Json;
    const s = await lakeform("check", "--dir", repo, "--format", "sarif", "--out", join(out, "lakeform.sarif"), "--stack", "platform-dev", "--stack", "cdr-prod");
    expect(s).toMatchObject({ code: 0, stdout: "", stderr: "" });
    sarif = JSON.parse(readFileSync(join(out, "lakeform.sarif"), "utf8")) as Json;
  }, 120_000);

  it("is clean: no finding, and the platform's suppressions reported with their reasons", () => {
    expect(code).toBe(0);
    expect(json.ok).toBe(true);
    expect(json.stacks).toEqual(["billing-dev", "billing-prod", "cdr-dev", "cdr-prod", "clickstream-dev", "clickstream-prod", "platform-dev", "platform-prod"]);
    expect(json.findings).toEqual([]);
    expect(json.summary).toEqual({ errors: 0, warnings: 0, suppressed: 18 });
    const by = (json.suppressed as Json[]).map((f) => `${f.rule} ${f.stack}/${f.address} ${f.suppressedBy.file} ${f.suppressedBy.path.join(".")}`);
    expect([...new Set(by)]).toEqual([
      "IAM-001 platform-dev/aws_iam_role_policy.mwaa__environment domains/platform.ts guardrails.suppress.0",
      "IAM-001 platform-prod/aws_iam_role_policy.mwaa__environment domains/platform.ts guardrails.suppress.0",
      "IAM-002 platform-dev/aws_iam_role_policy.mwaa__dags domains/platform.ts guardrails.suppress.2",
      "IAM-002 platform-dev/aws_iam_role_policy.mwaa__environment domains/platform.ts guardrails.suppress.1",
      "IAM-002 platform-prod/aws_iam_role_policy.mwaa__dags domains/platform.ts guardrails.suppress.2",
      "IAM-002 platform-prod/aws_iam_role_policy.mwaa__environment domains/platform.ts guardrails.suppress.1",
    ]);
    for (const f of json.suppressed as Json[]) expect(f.reason.length).toBeGreaterThan(20);
    expect((json.rules as Json[]).map((r) => r.id)).toEqual(PACK.map((r) => r.id));
  });

  it("writes SARIF 2.1.0 that the official schema accepts", () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(repo, "test/fixtures/sarif-schema-2.1.0.json"), "utf8")) as object);
    expect(validate(sarif), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // …and is not vacuous: the schema refuses a broken log.
    expect(validate({ ...sarif, runs: [{ ...sarif.runs[0], results: [{ ruleId: "S3-001", level: "fatal", message: {} }] }] })).toBe(false);
  });

  it("describes every rule in SARIF and reports suppressed findings with their justification and locations", () => {
    const run = sarif.runs[0];
    expect(sarif.version).toBe("2.1.0");
    expect(run.tool.driver.rules).toHaveLength(PACK.length);
    const s3 = run.tool.driver.rules.find((r: Json) => r.id === "S3-001");
    expect(s3).toMatchObject({ shortDescription: { text: PACK.find((r) => r.id === "S3-001")!.rule }, defaultConfiguration: { level: "error" } });
    expect(s3.fullDescription.text).toContain("log delivery cannot write");
    expect(s3.help.text).toContain("CKV_AWS_145");
    expect(run.results).toHaveLength(9);
    const first = run.results[0];
    expect(first).toMatchObject({
      ruleId: "IAM-001",
      level: "error",
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: "domains/platform.ts", uriBaseId: "%SRCROOT%" } },
          logicalLocations: [{ name: "aws_iam_role_policy.mwaa__environment", fullyQualifiedName: "platform-dev/aws_iam_role_policy.mwaa__environment", kind: "resource" }],
        },
      ],
      suppressions: [{ kind: "inSource", status: "accepted", justification: expect.stringContaining("MWAA") }],
    });
    expect(run.tool.driver.rules[first.ruleIndex].id).toBe("IAM-001");
  });
});

/**
 * Violations seeded into the example stacks, one at a time: the pack finds
 * each, at its address.
 */
describe("the guardrail pack finds each seeded violation", () => {
  let model: Model;
  let stacks: SynthesizedStack[];

  beforeAll(async () => {
    const result = await loadAndValidate(repo);
    if (!result.ok) throw new Error("the examples are invalid");
    model = result.model;
    const out = scratchDir("seeded");
    synthesizeModel(model, { outdir: out, stacks: ["cdr-prod", "platform-prod"] });
    stacks = readSynthesizedStacks(out);
  }, 120_000);

  const seeded = (stack: string, breakIt: (r: Json) => void) =>
    stacks.map((s) => {
      if (s.name !== stack) return s;
      const json = structuredClone(s.json) as Json;
      breakIt(json.resource);
      return { name: s.name, json };
    });
  const policy = (p: Json, key: string, f: (doc: Json) => void) => {
    const doc = JSON.parse(p[key] as string) as Json;
    f(doc);
    p[key] = JSON.stringify(doc);
  };

  const CASES: [string, string, string, (r: Json) => void][] = [
    ["S3-001", "cdr-prod", "aws_s3_bucket.raw", (r) => (r.aws_s3_bucket_server_side_encryption_configuration.raw.rule[0].apply_server_side_encryption_by_default = { sse_algorithm: "AES256" })],
    ["S3-003", "cdr-prod", "aws_s3_bucket.curated", (r) => policy(r.aws_s3_bucket_policy.curated, "policy", (d) => (d.Statement = d.Statement.filter((s: Json) => !s.Condition?.Bool)))],
    ["KMS-001", "cdr-prod", "aws_kms_key.processed", (r) => (r.aws_kms_key.processed.enable_key_rotation = false)],
    ["LF-001", "cdr-prod", "(stack)", (r) => (r.aws_glue_catalog_database.raw.description = "readable by IAMAllowedPrincipals")],
    ["LF-002", "cdr-prod", "aws_lakeformation_data_lake_settings.rogue", (r) => (r.aws_lakeformation_data_lake_settings = { rogue: { admins: [] } })],
    ["LF-005", "cdr-prod", "aws_iam_role_policy.job__conform-calls__run", (r) =>
      policy(r.aws_iam_role_policy["job__conform-calls__run"], "policy", (d) => d.Statement.push({ Sid: "Peek", Effect: "Allow", Action: "s3:GetObject", Resource: "${aws_s3_bucket.raw.arn}/*" }))],
    ["LF-009", "cdr-prod", "aws_s3_bucket.raw", (r) => (r.aws_s3_bucket_server_side_encryption_configuration.raw.rule[0].apply_server_side_encryption_by_default.kms_master_key_id = "${aws_kms_key.curated.arn}")],
    ["ATH-002", "cdr-prod", "aws_athena_workgroup.analysts", (r) => delete r.aws_athena_workgroup.analysts.configuration.bytes_scanned_cutoff_per_query],
    ["EMR-004", "cdr-prod", "aws_sfn_state_machine.cell-traffic", (r) =>
      policy(r.aws_sfn_state_machine["cell-traffic"], "definition", (d) => (d.States.CreateCluster.Parameters.Instances.InstanceFleets.find((f: Json) => f.InstanceFleetType === "CORE").TargetSpotCapacity = 4))],
    ["IAM-001", "cdr-prod", "aws_iam_role_policy.job__conform-calls__run", (r) =>
      policy(r.aws_iam_role_policy["job__conform-calls__run"], "policy", (d) => d.Statement.push({ Sid: "Everything", Effect: "Allow", Action: "*", Resource: "*" }))],
    ["SG-002", "platform-prod", "aws_security_group.endpoints.ingress[0]", (r) => (r.aws_security_group.endpoints.ingress = [{ description: "open", from_port: 443, to_port: 443, protocol: "tcp", cidr_blocks: ["0.0.0.0/0"] }])],
    ["MWAA-001", "platform-prod", "aws_mwaa_environment.mwaa", (r) => (r.aws_mwaa_environment.mwaa.webserver_access_mode = "PUBLIC_ONLY")],
  ];

  it("finds nothing unsuppressed before seeding", () => {
    expect(runGuardrails(model, stacks).findings).toEqual([]);
  });

  it.each(CASES)("%s in %s at %s", (rule, stack, address, breakIt) => {
    const r = runGuardrails(model, seeded(stack, breakIt));
    expect(r.findings.filter((f) => f.rule === rule).map((f) => `${f.stack}/${f.address}`)).toContain(`${stack}/${address}`);
    expect(r.findings.every((f) => f.stack === stack)).toBe(true);
  });

  it("exits 1 from check when the examples' stacks hold one (through a rule the examples trip when the platform suppresses nothing)", async () => {
    const p = platformFixture();
    p.guardrails.suppress = p.guardrails.suppress.filter((s: Json) => s.rule !== "IAM-002");
    const dir = makeProject({ platform: p, domains: { sales: domainFixture() } });
    const r = await lakeform("check", "--dir", dir, "--stack", "platform-dev");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("✖ IAM-002 error  platform-dev/aws_iam_role_policy.mwaa__environment: statement UseCeleryQueues");
    expect(r.stdout).toMatch(/^2 errors, 0 warnings, 4 suppressed; \d+ rules over 1 stack$/m);
  });
});

describe("lakeform synth with guardrails", () => {
  it("refuses to write on an error-level finding, leaving the earlier cdktf.out exactly as it was", async () => {
    const dir = makeProject({ platform: platformFixture(), domains: { sales: domainFixture() } });
    expect((await lakeform("synth", "--dir", dir)).code).toBe(0);
    const before = treeDigest(join(dir, "cdktf.out"));
    const p = platformFixture();
    p.guardrails.suppress = [];
    writeFileSync(join(dir, "domains/platform.yaml"), YAML.stringify(p));
    const r = await lakeform("synth", "--dir", dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^lakeform synth: guardrails found errors; nothing was written\n✖ IAM-001 error  platform-dev\/aws_iam_role_policy\.mwaa__environment/);
    expect(r.stderr).toMatch(/^12 errors, 0 warnings, 0 suppressed; \d+ rules over 4 stacks$/m);
    expect(treeDigest(join(dir, "cdktf.out"))).toEqual(before);
  });

  it("fails (exit 2) when a suppression names an unknown rule, before synthesizing anything", async () => {
    const p = platformFixture();
    p.guardrails.suppress.push({ rule: "IAM-999", resource: "aws_iam_role_policy.mwaa__environment", reason: "no such rule exists in the pack at all" });
    p.guardrails.suppress.push({ ...p.guardrails.suppress[0] });
    const dir = makeProject({ platform: p, domains: { sales: domainFixture() } });
    const r = await lakeform("synth", "--dir", dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('domains/platform.yaml › guardrails.suppress[2].rule: no guardrail rule has this id, got "IAM-999"; use an id from `lakeform check --help`');
    expect(r.stderr).toContain('domains/platform.yaml › guardrails.suppress[3]: suppresses IAM-001 on aws_iam_role_policy.mwaa__environment again, got "aws_iam_role_policy.mwaa__environment"; keep one entry (guardrails.suppress[0])');
    expect(existsSync(join(dir, "cdktf.out"))).toBe(false);
  });

  it("fails (exit 2) when a suppression's reason is too short or its resource is not an address", async () => {
    const d = domainFixture();
    d.guardrails = { suppress: [{ rule: "S3-009", resource: "raw bucket", reason: "noisy" }] };
    const r = await lakeform("check", "--dir", makeProject({ platform: platformFixture(), domains: { sales: d } }));
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: [
        'domains/sales/domain.yaml › guardrails.suppress[0].resource: not in the required form, got "raw bucket"; a resource is a Terraform address <type>.<name>, like aws_iam_role_policy.mwaa__environment',
        'domains/sales/domain.yaml › guardrails.suppress[0].reason: below the minimum (at least 20 characters), got "noisy"; say why in at least 20 characters: the reason shows in checks and reviews',
        "2 problems in 1 file; nothing was written.",
        "",
      ].join("\n"),
    });
  });

  it("fails (exit 2) when a suppression names a resource its stacks do not have", async () => {
    const d = domainFixture();
    d.guardrails = { suppress: [{ rule: "S3-009", resource: "aws_s3_bucket.rwa", reason: "the raw bucket's events go nowhere yet" }] };
    const dir = makeProject({ platform: platformFixture(), domains: { sales: d } });
    for (const command of ["check", "synth"]) {
      const r = await lakeform(command, "--dir", dir);
      expect(r.code, command).toBe(2);
      expect(r.stderr, command).toContain('domains/sales/domain.yaml › guardrails.suppress[0].resource: no stack of this manifest has the resource (sales-dev, sales-prod), got "aws_s3_bucket.rwa"');
    }
    expect(existsSync(join(dir, "cdktf.out"))).toBe(false);
  });
});

describe("lakeform check usage", () => {
  it("fails (exit 2) on an unknown format or stack", async () => {
    expect(await lakeform("check", "--dir", repo, "--format", "xml")).toEqual({ code: 2, stdout: "", stderr: 'lakeform check: --format must be text, json or sarif, got "xml"\n' });
    const r = await lakeform("check", "--dir", repo, "--stack", "cdr-stage");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('lakeform check: no stack named "cdr-stage"');
  });

  it("lists every rule in its help", async () => {
    const r = await lakeform("check", "--help");
    expect(r.code).toBe(0);
    for (const rule of PACK) expect(r.stdout).toContain(`  ${rule.id.padEnd(8)}  ${rule.severity.padEnd(7)}  ${rule.rule}`);
  });
});
