import { createHash } from "node:crypto";
import { formatPath } from "../manifest/errors";
import { type GuardrailResult, blocks } from "./run";
import type { Finding, GuardrailRule, SuppressedFinding } from "./types";

/**
 * The three renderings of a guardrail run: text for people, JSON for
 * scripts, SARIF 2.1.0 for code-scanning tools. All deterministic: the same
 * run gives the same bytes.
 */

const where = (f: Finding) => `${f.stack}/${f.address}`;

function count(r: GuardrailResult) {
  return {
    errors: r.findings.filter((f) => f.severity === "error").length,
    warnings: r.findings.filter((f) => f.severity === "warning").length,
    suppressed: r.suppressed.length,
  };
}

export function formatText(r: GuardrailResult, rules: readonly GuardrailRule[], stacks: readonly string[]): string {
  const lines: string[] = [];
  for (const f of r.findings) lines.push(`${f.severity === "error" ? "✖" : "⚠"} ${f.rule} ${f.severity}  ${where(f)}: ${f.message}${f.file ? `  (${f.file})` : ""}`);
  if (r.suppressed.length > 0) {
    if (lines.length > 0) lines.push("");
    lines.push("suppressed:");
    for (const s of r.suppressed) lines.push(`  ${s.rule} ${s.severity}  ${where(s)}: ${s.message}\n    by ${s.suppressedBy.file} › ${formatPath(s.suppressedBy.path)}: ${s.reason}`);
  }
  const c = count(r);
  if (lines.length > 0) lines.push("");
  lines.push(`${c.errors} error${c.errors === 1 ? "" : "s"}, ${c.warnings} warning${c.warnings === 1 ? "" : "s"}, ${c.suppressed} suppressed; ${rules.length} rules over ${stacks.length} stack${stacks.length === 1 ? "" : "s"}`);
  return `${lines.join("\n")}\n`;
}

export function formatJson(r: GuardrailResult, rules: readonly GuardrailRule[], stacks: readonly string[]): string {
  const body = {
    ok: !blocks(r),
    stacks,
    summary: count(r),
    findings: r.findings,
    suppressed: r.suppressed,
    rules: rules.map(({ id, severity, scope, rule, explanation, source }) => ({ id, severity, scope, rule, explanation, source })),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

const fingerprint = (f: Finding) => createHash("sha256").update(`${f.rule}\u0000${f.stack}\u0000${f.address}`).digest("hex").slice(0, 32);

function result(f: Finding | SuppressedFinding, index: Map<string, number>) {
  return {
    ruleId: f.rule,
    ruleIndex: index.get(f.rule) ?? -1,
    level: f.severity,
    message: { text: `${where(f)}: ${f.message}` },
    locations: [
      {
        ...(f.file ? { physicalLocation: { artifactLocation: { uri: f.file, uriBaseId: "%SRCROOT%" }, region: { startLine: 1 } } } : {}),
        logicalLocations: [{ name: f.address, fullyQualifiedName: where(f), kind: "resource" }],
      },
    ],
    partialFingerprints: { "lakeformFinding/v1": fingerprint(f) },
    ...("reason" in f ? { suppressions: [{ kind: "inSource", status: "accepted", justification: f.reason, location: { physicalLocation: { artifactLocation: { uri: f.suppressedBy.file, uriBaseId: "%SRCROOT%" }, region: { startLine: 1 } } } }] } : {}),
  };
}

/** SARIF 2.1.0: the pack as tool.driver.rules, findings and suppressed findings as results (the latter with their suppressions). */
export function formatSarif(r: GuardrailResult, rules: readonly GuardrailRule[]): string {
  const index = new Map(rules.map((x, i) => [x.id, i]));
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "lakeform",
            rules: rules.map((x) => ({
              id: x.id,
              name: x.id.replace("-", ""),
              shortDescription: { text: x.rule },
              fullDescription: { text: x.explanation },
              help: { text: `${x.rule}\n\n${x.explanation}\n\nCovers: ${x.source.join(", ")}.`, markdown: `**${x.rule}**\n\n${x.explanation}\n\nCovers: ${x.source.map((s) => `\`${s}\``).join(", ")}.` },
              defaultConfiguration: { level: x.severity },
              properties: { tags: ["security", `scope:${x.scope}`], source: [...x.source] },
            })),
          },
        },
        columnKind: "unicodeCodePoints",
        results: [...r.findings.map((f) => result(f, index)), ...r.suppressed.map((f) => result(f, index))],
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
