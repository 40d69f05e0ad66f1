/**
 * Runs the guardrail pack over the Model and the synthesized stacks.
 *
 *   runGuardrails(model, stacks) → { findings, suppressed, problems }
 *
 * - `model`: the validated Model (`loadAndValidate(root)` → `result.model`).
 * - `stacks`: the synthesized stacks to check, each `{ name, json }` with
 *   `json` the parsed `cdk.tf.json` (and optionally `text`, the file as
 *   written); `readSynthesizedStacks(outdir)` reads them from a synth output
 *   directory. Only these stacks are checked; Model rules report only on them.
 * - `findings`: unsuppressed findings, sorted by rule, stack, address,
 *   message. Any with `severity: "error"` blocks `synth` and makes
 *   `lakeform check` exit 1.
 * - `suppressed`: findings a manifest suppressed, with the reason and where
 *   the suppression is written. Report them; never drop them. A suppression
 *   names `<type>.<name>` and covers every finding on that resource
 *   (`aws_security_group.x.ingress[0]` included) for its rule.
 * - `problems`: suppressions naming a resource that none of their stacks
 *   holds, as manifest problems (`<file> › guardrails.suppress[i].resource`,
 *   exit 2). Unknown rule ids are rejected earlier, by validation.
 *
 * A rule that throws becomes an error finding of its own rule, at address
 * `(rule)`, which no suppression can hide; the other rules still run.
 * Pure and deterministic: no clock, no environment, no AWS.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Problem } from "../manifest/errors";
import type { Model } from "../model/types";
import { companionsOf } from "./companions";
import { PACK } from "./pack";
import type { TfStack } from "./terraform";
import type { Finding, GuardrailRule, RuleFinding, SuppressedFinding } from "./types";

export type { Finding, GuardrailRule, SuppressedFinding } from "./types";
export { PACK } from "./pack";

/** A synthesized stack: its name and parsed `cdk.tf.json`. */
export interface SynthesizedStack {
  readonly name: string;
  readonly json: unknown;
  /** The file as written; derived from `json` when absent. */
  readonly text?: string;
}

export interface GuardrailResult {
  readonly findings: readonly Finding[];
  readonly suppressed: readonly SuppressedFinding[];
  readonly problems: readonly Problem[];
}

const compare = (a: Finding, b: Finding) => {
  for (const k of ["rule", "stack", "address", "message"] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  return 0;
};

/** Reads every `stacks/<name>/cdk.tf.json` of a synth output directory, by name. */
export function readSynthesizedStacks(outdir: string): SynthesizedStack[] {
  const dir = join(outdir, "stacks");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .filter((name) => existsSync(join(dir, name, "cdk.tf.json")))
    .map((name) => {
      const text = readFileSync(join(dir, name, "cdk.tf.json"), "utf8");
      return { name, text, json: JSON.parse(text) as unknown };
    });
}

/** The manifest a stack comes from, for locations in reports. */
function manifestOf(model: Model, stack: string): string | null {
  const s = model.stacks.find((x) => x.name === stack);
  if (!s) return null;
  if (s.kind === "platform") return model.guardrails.platformFile;
  return model.domains.find((d) => d.name === s.domain)?.sourceFile ?? null;
}

/** The Terraform address a finding is about: `aws_security_group.x.ingress[0]` is about `aws_security_group.x`. */
const resourceOf = (address: string) => /^[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+/.exec(address)?.[0] ?? address;

function hasResource(stack: TfStack, address: string): boolean {
  const dot = address.indexOf(".");
  const resources = stack.json.resource as Record<string, Record<string, unknown>> | undefined;
  return resources?.[address.slice(0, dot)]?.[address.slice(dot + 1)] !== undefined;
}

export function runGuardrails(model: Model, stacks: readonly SynthesizedStack[], rules: readonly GuardrailRule[] = PACK): GuardrailResult {
  const tf: TfStack[] = [...stacks]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((s) => {
      const companions = companionsOf(model, s.name);
      return { name: s.name, text: s.text ?? JSON.stringify(s.json, null, 2), json: s.json as TfStack["json"], ...(companions ? { companions } : {}) };
    });
  const names = new Set(tf.map((s) => s.name));
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];

  for (const rule of rules) {
    let raw: readonly RuleFinding[];
    try {
      raw = rule.check({ model, stacks: tf });
    } catch (e) {
      // cdk-nag's way: a broken rule is a finding, and the other rules still run.
      findings.push({ rule: rule.id, severity: "error", stack: "(all)", address: "(rule)", message: `the rule failed to run: ${e instanceof Error ? e.message : String(e)}`, file: null });
      continue;
    }
    for (const f of raw) {
      if (!names.has(f.stack)) continue;
      const finding: Finding = { rule: rule.id, severity: rule.severity, stack: f.stack, address: f.address, message: f.message, file: manifestOf(model, f.stack) };
      const by = model.guardrails.suppressions.find((s) => s.rule === rule.id && s.resource === resourceOf(f.address) && s.stacks.includes(f.stack));
      if (by) suppressed.push({ ...finding, reason: by.reason, suppressedBy: { file: by.file, path: by.path } });
      else findings.push(finding);
    }
  }

  const problems: Problem[] = [];
  for (const s of model.guardrails.suppressions) {
    const checked = tf.filter((x) => s.stacks.includes(x.name));
    if (checked.length === 0 || checked.some((x) => hasResource(x, s.resource))) continue;
    problems.push({
      file: s.file,
      path: [...s.path, "resource"],
      code: "invalid-value",
      message: `no stack of this manifest has the resource (${checked.map((x) => x.name).join(", ")})`,
      got: s.resource,
      hint: "name a Terraform address <type>.<name> from the stack's cdk.tf.json, as lakeform check reports it",
    });
  }
  return { findings: findings.sort(compare), suppressed: suppressed.sort(compare), problems };
}

/** True when any unsuppressed finding is error-level: `synth` refuses to write, `check` exits 1. */
export const blocks = (r: GuardrailResult): boolean => r.findings.some((f) => f.severity === "error");
