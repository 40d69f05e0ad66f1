import type { AccessChange, Review } from "./review";

/**
 * The review as a pull-request comment. Deterministic: everything sorted,
 * no timestamps. Values from manifests are escaped for table cells.
 */

const cell = (s: string) => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
const code = (s: string) => `\`${s.replace(/`/g, "'").replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ")}\``;

/** `$1,234.50`, `+$12.00`, `-$3.10` without locale data. */
export function money(n: number, signed = false): string {
  const abs = Math.abs(n).toFixed(2);
  const [whole, frac] = abs.split(".") as [string, string];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const sign = n < 0 ? "-" : signed && n > 0 ? "+" : "";
  return `${sign}$${grouped}.${frac}`;
}

const rowsText = (r: AccessChange["rowsBefore"]) => (r === "none" ? "—" : r === null ? "all rows" : r.map((x) => code(x)).join(" or "));
const list = (xs: readonly string[]) => (xs.length === 0 ? "—" : xs.map(code).join(", "));

function accessChangeText(c: AccessChange): string {
  const parts: string[] = [];
  if (c.kind === "added") parts.push("**gains**");
  else if (c.kind === "removed") parts.push("loses");
  if (c.columnsGained.length > 0 && c.kind !== "added") parts.push(`reads ${list(c.columnsGained)}`);
  if (c.columnsLost.length > 0 && c.kind !== "removed") parts.push(`no longer reads ${list(c.columnsLost)}`);
  if (c.kind === "changed" && JSON.stringify(c.rowsBefore) !== JSON.stringify(c.rowsAfter)) parts.push(`rows ${rowsText(c.rowsBefore)} → ${rowsText(c.rowsAfter)}`);
  return parts.join("; ");
}

export function reviewMarkdown(r: Review): string {
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);
  const gov = r.approvals.governance;

  push(`## Lakeform review: ${code(r.base.label)} → ${code(r.head.label)}`, "");
  const verdict = gov.required ? `**Governance approval required** (${code(gov.approvers)})` : "No governance approval needed";
  const breaks = r.guardrails.newFindings.some((f) => f.severity === "error");
  push(`${verdict}${breaks ? " · **a guardrail breaks**" : ""} · owners: ${r.approvals.owners.length > 0 ? r.approvals.owners.map((o) => code(o.approver)).join(", ") : "none"}`, "");
  const pii = r.access.filter((c) => c.exposesPii).length;
  const res = r.resources.reduce((n, s) => ({ a: n.a + s.added.length, c: n.c + s.changed.length, d: n.d + s.removed.length }), { a: 0, c: 0, d: 0 });
  push(
    `| Access changes | PII exposed | Resources | Standing cost |`,
    `|---|---|---|---|`,
    `| ${r.access.length} | ${pii} | +${res.a} ~${res.c} −${res.d} in ${r.resources.length} stack${r.resources.length === 1 ? "" : "s"} | ${r.cost.delta === 0 ? "no change" : `${money(r.cost.delta, true)}/month`} |`,
    "",
  );
  if (!r.base.valid) {
    push(`> [!WARNING]`, `> The base does not validate (${r.base.problems.length} problem${r.base.problems.length === 1 ? "" : "s"}); the head is compared with an empty project.`, "");
  }

  push("### Who must approve", "");
  if (gov.required || r.approvals.owners.length > 0) {
    push("| Approver | Why |", "|---|---|");
    if (gov.required) push(`| ${code(gov.approvers)} (governance) | ${gov.reasons.map(cell).join("<br>")} |`);
    for (const o of r.approvals.owners) push(`| ${code(o.approver)}${o.email ? ` (${cell(o.email)})` : ""} | ${o.reasons.map(cell).join("<br>")} |`);
  } else push("Nothing changes: no approval needed.");
  push("");

  push("### Access changes", "");
  if (r.access.length === 0) push("Nobody gains or loses access.");
  else {
    push("| Principal | Table | Env | Change | Columns | Rows | Via |", "|---|---|---|---|---|---|---|");
    for (const c of r.access) {
      const who = `${cell(c.principal)}${c.external ? " (other account)" : ""}`;
      const cols = c.kind === "added" ? list(c.columnsGained) : c.kind === "removed" ? list(c.columnsLost) : "";
      const rows = c.kind === "added" ? rowsText(c.rowsAfter) : c.kind === "removed" ? rowsText(c.rowsBefore) : "";
      push(`| ${c.exposesPii ? "⚠️ " : ""}${who} | ${code(c.table)} | ${c.environments.join(", ")} | ${accessChangeText(c)} | ${cols} | ${rows} | ${c.via.map(cell).join(", ")} |`);
    }
  }
  push("");

  if (r.filters.length > 0) {
    push("### Masks and row filters", "", "| Domain | Grant | Principal | Table | Env | Masks added | Masks removed | Rows before → after |", "|---|---|---|---|---|---|---|---|");
    const rows = (x: string | null | "none") => (x === "none" ? "—" : x === null ? "all rows" : code(x));
    for (const f of r.filters) {
      push(`| ${cell(f.domain)} | ${cell(f.grant)} | ${cell(f.principal)} | ${code(f.table)} | ${f.environments.join(", ")} | ${list(f.masksAdded)} | ${list(f.masksRemoved)} | ${f.rowsBefore === f.rowsAfter ? "unchanged" : `${rows(f.rowsBefore)} → ${rows(f.rowsAfter)}`} |`);
    }
    push("");
  }

  if (r.piiReaders.length > 0) {
    push("### PII readers", "");
    for (const p of r.piiReaders) {
      for (const a of p.added) push(`- ${p.environment}: added ${code(a)}`);
      for (const a of p.removed) push(`- ${p.environment}: removed ${code(a)}`);
    }
    push("");
  }

  if (r.findings.length > 0) {
    push("### Findings", "");
    for (const f of r.findings) push(`- ${code(`${f.file} › ${f.path.join(".")}`)}: ${cell(f.message)}${f.hint ? `; ${cell(f.hint)}` : ""}`);
    push("");
  }

  push("### Guardrails", "");
  const g = r.guardrails;
  if (g.newFindings.length === 0) push("No new findings against the base.");
  else {
    push("| Rule | Severity | Stack | Resource | Finding |", "|---|---|---|---|---|");
    for (const f of g.newFindings) push(`| ${code(f.rule)} | ${f.severity === "error" ? "**error**" : f.severity} | ${cell(f.stack)} | ${code(f.address)} | ${cell(f.message)} |`);
  }
  if (g.suppressionsAdded.length > 0) {
    // One row per suppression: it hides every finding of its rule on its resource, in each stack of its manifest.
    const rows = new Map<string, { s: (typeof g.suppressionsAdded)[number]; stacks: Set<string>; findings: number }>();
    for (const s of g.suppressionsAdded) {
      const key = [s.rule, s.address, s.suppressedBy.file, ...s.suppressedBy.path].join("\u0000");
      const row = rows.get(key) ?? { s, stacks: new Set<string>(), findings: 0 };
      row.stacks.add(s.stack);
      row.findings += 1;
      rows.set(key, row);
    }
    push("", "Suppressions added:", "", "| Rule | Resource | Stacks | Findings hidden | Reason | Written in |", "|---|---|---|---|---|---|");
    for (const { s, stacks, findings } of rows.values()) {
      push(`| ${code(s.rule)} | ${code(s.address)} | ${[...stacks].sort().map(cell).join(", ")} | ${findings} | ${cell(s.reason)} | ${code(`${s.suppressedBy.file} › ${s.suppressedBy.path.join(".")}`)} |`);
    }
  }
  for (const p of g.problems) push(`- ${code(`${p.file} › ${p.path.join(".")}`)}: ${cell(p.message)}`);
  push("");

  push("### Resources", "");
  if (r.resources.length === 0) push("No Terraform resource changes.");
  else {
    push("| Stack | Added | Changed | Removed |", "|---|---|---|---|");
    for (const s of r.resources) push(`| ${cell(s.stack)}${s.status === "changed" ? "" : ` (${s.status})`} | ${s.added.length} | ${s.changed.length} | ${s.removed.length} |`);
    push("", "<details><summary>Terraform addresses</summary>", "");
    for (const s of r.resources) {
      push(`**${cell(s.stack)}**`, "");
      for (const [sign, xs] of [["+", s.added], ["~", s.changed], ["-", s.removed]] as const) for (const a of xs) push(`- ${sign} ${code(a)}`);
      push("");
    }
    push("</details>");
  }
  push("");

  push(`### Standing cost (monthly, ${r.cost.currency})`, "");
  if (r.cost.stacks.length === 0) push("No change in standing cost.");
  else {
    push("| Stack | Base | Head | Change | What changes |", "|---|---|---|---|---|");
    for (const s of r.cost.stacks) {
      const what = s.changes.map((c) => `${c.before === null ? "" : `${cell(c.before)} → `}${c.after === null ? "removed" : cell(c.after)} (${money(c.head - c.base, true)})`).join("<br>");
      push(`| ${cell(s.stack)} | ${money(s.base)} | ${money(s.head)} | ${money(s.delta, true)} | ${what} |`);
    }
    push(`| **Total** | | | **${money(r.cost.delta, true)}** | |`);
  }
  push("");

  if (r.diagrams.length > 0) {
    push("### Data flow", "");
    for (const d of r.diagrams) push(`#### ${cell(d.domain)}`, "", "```mermaid", d.mermaid.trimEnd(), "```", "");
  }

  push(
    "---",
    `<sub>Standing cost: list prices of ${r.cost.region} as of ${r.cost.asOf}, ${r.cost.currency}, 730 hours a month, of the stacks that change only. ` +
      "Counted: MWAA environment class with workers and schedulers above those included; interface endpoints × their subnets (AZs); KMS keys and replicas; " +
      "pre-initialized EMR Serverless capacity as if started all month (an upper bound: it is billed while the application runs). " +
      "Trails are counted, not priced: CloudTrail data events are billed per event. Job runs, queries, storage and requests are usage, not standing cost. " +
      "Both sides are built by this version of Lakeform.</sub>",
  );
  return `${out.join("\n")}\n`;
}
