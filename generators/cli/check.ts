import { formatProblems } from "../manifest/errors";
import type { Model } from "../model/types";
import { formatJson, formatSarif, formatText } from "../guardrails/report";
import { type GuardrailResult, PACK, blocks, readSynthesizedStacks, runGuardrails } from "../guardrails/run";
import { synthesizeInMemory } from "../stacks/in-memory";
import { EXIT } from "./exit";

/** Why a synth was refused; `code` is the exit code. */
export class GuardrailRefusal extends Error {
  constructor(
    readonly code: number,
    readonly report: string,
  ) {
    super("guardrails refused the synthesized stacks");
  }
}

/**
 * Runs the pack over stacks just synthesized into `dir` (only `names`), for
 * synth: throws GuardrailRefusal (exit 2 for suppressions naming no resource,
 * 1 for an unsuppressed error-level finding), so nothing is swapped in.
 * Returns the text report when warnings remain (for standard error), else
 * nothing: suppressed findings are listed by \`lakeform check\` and reviews.
 */
export function guardSynthesized(model: Model, dir: string, names: readonly string[]): string {
  const stacks = readSynthesizedStacks(dir).filter((s) => names.includes(s.name));
  const r = runGuardrails(model, stacks);
  if (r.problems.length > 0) throw new GuardrailRefusal(EXIT.badInput, formatProblems(r.problems));
  const text = formatText(r, PACK, names);
  if (blocks(r)) throw new GuardrailRefusal(EXIT.findings, `lakeform synth: guardrails found errors; nothing was written\n${text}`);
  return r.findings.length > 0 ? text : "";
}

/** Synthesizes `names` into a scratch directory and runs the pack over them. */
export function checkModel(model: Model, names: readonly string[]): GuardrailResult {
  const stacks = synthesizeInMemory(model, names);
  return runGuardrails(model, [...stacks].map(([name, json]) => ({ name, json })));
}

export const FORMATS = ["text", "json", "sarif"] as const;

export function render(format: (typeof FORMATS)[number], r: GuardrailResult, names: readonly string[]): string {
  if (format === "json") return formatJson(r, PACK, names);
  if (format === "sarif") return formatSarif(r, PACK);
  return formatText(r, PACK, names);
}

/** The rule catalogue for `lakeform check --help`. */
export function ruleList(): string {
  const width = Math.max(...PACK.map((r) => r.id.length));
  return PACK.map((r) => `  ${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.rule}`).join("\n");
}
