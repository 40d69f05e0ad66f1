import { readFileSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { PACK, RULE_IDS } from "../../generators/guardrails/pack";
import { runGuardrails, type SynthesizedStack } from "../../generators/guardrails/run";
import type { GuardrailRule } from "../../generators/guardrails/types";
import { modelFrom, synthStackOf } from "../helpers/model-fixtures";
import { domainFixture, platformFixture } from "../helpers/project";

const repo = resolve(import.meta.dirname, "../..");

/** A rule over the fixture stacks that flags one address per stack it names. */
const flagging = (id: string, hits: Record<string, string>, severity: "error" | "warning" = "error"): GuardrailRule => ({
  id,
  severity,
  scope: "terraform",
  rule: "test rule.",
  explanation: "test.",
  source: ["custom"],
  check: ({ stacks }) => stacks.filter((s) => hits[s.name]).map((s) => ({ stack: s.name, address: hits[s.name]!, message: "flagged" })),
});

function fixture(platform = platformFixture(), domains = [domainFixture("sales"), domainFixture("cdr")]) {
  const model = modelFrom(platform, domains);
  const stacks: SynthesizedStack[] = ["cdr-dev", "sales-dev", "platform-dev"].map((name) => ({ name, json: synthStackOf(model, name) }));
  return { model, stacks };
}

describe("runGuardrails", () => {
  const { model, stacks } = fixture();

  it("turns a throwing rule into an error finding of its own, and still runs the others", () => {
    const broken: GuardrailRule = { ...flagging("XX-001", {}), check: () => { throw new Error("cannot read"); } };
    const r = runGuardrails(model, stacks, [broken, flagging("XX-002", { "sales-dev": "aws_s3_bucket.raw" }, "warning")]);
    expect(r.findings).toEqual([
      { rule: "XX-001", severity: "error", stack: "(all)", address: "(rule)", message: "the rule failed to run: cannot read", file: null },
      { rule: "XX-002", severity: "warning", stack: "sales-dev", address: "aws_s3_bucket.raw", message: "flagged", file: "domains/sales/domain.yaml" },
    ]);
  });

  it("reports only the stacks it was given, sorted, with the manifest of each", () => {
    const rule = flagging("XX-003", { "sales-dev": "aws_s3_bucket.raw", "platform-dev": "aws_mwaa_environment.mwaa", "cdr-dev": "aws_s3_bucket.raw" });
    const r = runGuardrails(model, stacks.filter((s) => s.name !== "cdr-dev").reverse(), [rule]);
    expect(r.findings.map((f) => `${f.stack} ${f.file}`)).toEqual(["platform-dev domains/platform.yaml", "sales-dev domains/sales/domain.yaml"]);
  });

  it("moves a finding its manifest suppresses to suppressed, with the reason and where it is written, in that manifest's stacks only", () => {
    const sales = domainFixture("sales");
    sales.guardrails = { suppress: [{ rule: "S3-009", resource: "aws_s3_bucket.raw", reason: "raw lands from a nightly batch; nothing listens for events." }] };
    const f = fixture(platformFixture(), [sales, domainFixture("cdr")]);
    const rule = { ...flagging("S3-009", { "sales-dev": "aws_s3_bucket.raw", "cdr-dev": "aws_s3_bucket.raw" }) };
    const r = runGuardrails(f.model, f.stacks, [rule]);
    expect(r.findings.map((x) => x.stack)).toEqual(["cdr-dev"]);
    expect(r.suppressed).toEqual([
      {
        rule: "S3-009",
        severity: "error",
        stack: "sales-dev",
        address: "aws_s3_bucket.raw",
        message: "flagged",
        file: "domains/sales/domain.yaml",
        reason: "raw lands from a nightly batch; nothing listens for events.",
        suppressedBy: { file: "domains/sales/domain.yaml", path: ["guardrails", "suppress", 0] },
      },
    ]);
    expect(r.problems).toEqual([]);
  });

  it("never lets a suppression hide a rule that failed to run", () => {
    const p = platformFixture();
    p.guardrails.suppress.push({ rule: "S3-009", resource: "aws_mwaa_environment.mwaa", reason: "trying to hide a broken rule from the report" });
    const f = fixture(p);
    const broken: GuardrailRule = { ...flagging("S3-009", {}), check: () => { throw new Error("boom"); } };
    expect(runGuardrails(f.model, f.stacks, [broken]).findings.map((x) => x.address)).toEqual(["(rule)"]);
  });

  it("fails when a suppression names a resource none of its manifest's stacks holds", () => {
    const sales = domainFixture("sales");
    sales.guardrails = { suppress: [{ rule: "S3-009", resource: "aws_s3_bucket.rwa", reason: "a typo in the resource name must not pass quietly" }] };
    const f = fixture(platformFixture(), [sales, domainFixture("cdr")]);
    expect(runGuardrails(f.model, f.stacks, []).problems).toEqual([
      {
        file: "domains/sales/domain.yaml",
        path: ["guardrails", "suppress", 0, "resource"],
        code: "invalid-value",
        message: "no stack of this manifest has the resource (sales-dev)",
        got: "aws_s3_bucket.rwa",
        hint: "name a Terraform address <type>.<name> from the stack's cdk.tf.json, as lakeform check reports it",
      },
    ]);
  });
});

describe("the pack", () => {
  const ruleFiles = () => {
    const out: string[] = [];
    const walk = (d: string) => {
      for (const n of readdirSync(d, { withFileTypes: true })) n.isDirectory() ? walk(join(d, n.name)) : out.push(join(d, n.name));
    };
    walk(join(repo, "generators/guardrails/rules"));
    return out.sort();
  };

  it("has one rule per file, named by its id, with unique stable ids", () => {
    const files = ruleFiles().map((f) => relative(join(repo, "generators/guardrails/rules"), f));
    expect(files.length).toBe(PACK.length);
    expect(RULE_IDS.size).toBe(PACK.length);
    for (const r of PACK) {
      expect(r.id).toMatch(/^[A-Z][A-Z0-9]*-\d{3}$/);
      expect(files.filter((f) => f.split("/")[1]!.startsWith(`${r.id.toLowerCase()}-`)), r.id).toHaveLength(1);
    }
  });

  it("gives every rule a severity, a one-line rule, an explanation and its upstream ids", () => {
    for (const r of PACK) {
      expect(["error", "warning"], r.id).toContain(r.severity);
      expect(["terraform", "model"], r.id).toContain(r.scope);
      expect(r.rule, r.id).toMatch(/^[^\n]{10,200}\.$/);
      expect(r.explanation.length, r.id).toBeGreaterThan(20);
      expect(r.source.length, r.id).toBeGreaterThan(0);
    }
  });

  it("is listed in the README, rule by rule", () => {
    const readme = readFileSync(join(repo, "README.md"), "utf8");
    for (const r of PACK) expect(readme, r.id).toContain(`| ${r.id} | ${r.severity} | ${r.rule.replace(/\|/g, "\\|")} |`);
  });

  it("has compliant and fails-when tests for every rule's check", () => {
    // Outside the imports: the audit runs some checks from lists (`for (const check of [checkA, checkB])`).
    const tests = ["test/security/audit.test.ts", "test/guardrails/rules.test.ts"].flatMap((f) => readFileSync(join(repo, f), "utf8").split("\n").filter((l) => !l.startsWith("import "))).join("\n");
    for (const file of ruleFiles()) {
      const name = /export const (check\w+)(?:: Check)? =|export function (check\w+)\(/.exec(readFileSync(file, "utf8"));
      const check = name?.[1] ?? name?.[2];
      expect(check, file).toBeDefined();
      expect(new RegExp(`\\b${check}\\b`).test(tests), `${check} is called by a test`).toBe(true);
    }
  });
});
