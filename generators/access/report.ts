import type { Model } from "../model/types";
import type { ColumnAccess } from "./analyze";

/** Selecting and printing effective access for `lakeform access`. */

export interface AccessQuery {
  /** `<domain>.<table>.<column>` or `<domain>.<zone>.<table>.<column>`. */
  readonly column?: string;
  /** A principal's ARN or account ID, or its name in the platform catalogue. */
  readonly principal?: string;
  readonly environment?: string;
}

export type Selection = { ok: true; rows: ColumnAccess[]; title: string } | { ok: false; error: string };

export function selectAccess(model: Model, access: readonly ColumnAccess[], q: AccessQuery): Selection {
  let rows = [...access];
  const titles: string[] = [];
  if (q.environment) {
    if (!model.environments.some((e) => e.name === q.environment)) {
      return { ok: false, error: `no environment "${q.environment}"; environments: ${model.environments.map((e) => e.name).join(", ")}` };
    }
    rows = rows.filter((r) => r.environment === q.environment);
    titles.push(`in ${q.environment}`);
  }
  if (q.column) {
    const parts = q.column.split(".");
    const candidates = model.domains.flatMap((d) =>
      d.deployments.slice(0, 1).flatMap((dep) =>
        dep.tables.flatMap((t) => [...t.columns, ...t.partitionKeys].map((c) => ({ domain: d.name, zone: t.zone, table: t.name, column: c.name }))),
      ),
    );
    const match = candidates.filter((c) =>
      parts.length === 4
        ? c.domain === parts[0] && c.zone === parts[1] && c.table === parts[2] && c.column === parts[3]
        : parts.length === 3 && c.domain === parts[0] && c.table === parts[1] && c.column === parts[2],
    );
    if (match.length === 0) {
      return { ok: false, error: `no column "${q.column}"; name it <domain>.<table>.<column> or <domain>.<zone>.<table>.<column>` };
    }
    if (match.length > 1) {
      return { ok: false, error: `"${q.column}" is ambiguous (${match.map((m) => `${m.domain}.${m.zone}.${m.table}.${m.column}`).join(", ")}); add the zone` };
    }
    const m = match[0]!;
    rows = rows.filter((r) => r.domain === m.domain && r.zone === m.zone && r.table === m.table && r.column === m.column);
    titles.unshift(`who reads ${m.domain}.${m.zone}.${m.table}.${m.column}`);
  }
  if (q.principal) {
    const known = new Set(access.flatMap((a) => [a.principal.id, a.principal.name]));
    const catalogue = model.environments.some((e) => e.lakeFormationAdmins.includes(q.principal!) || e.piiReaders.includes(q.principal!));
    if (!known.has(q.principal) && !catalogue) return { ok: false, error: `no grant names principal "${q.principal}"` };
    rows = rows.filter((r) => r.principal.id === q.principal || r.principal.name === q.principal);
    titles.unshift(`what ${q.principal} reads`);
  }
  return { ok: true, rows, title: titles.join(" ") || "effective access" };
}

const rowsText = (r: ColumnAccess) => (r.visibility === "masked" ? "-" : r.rows === null ? "all rows" : r.rows.join(" OR "));
const viaText = (r: ColumnAccess) => r.via.map((v) => v.grant).join(", ");
const columnText = (r: ColumnAccess) => `${r.domain}.${r.zone}.${r.table}.${r.column}${r.pii ? " (PII)" : ""}`;

function cells(rows: readonly ColumnAccess[]): string[][] {
  return rows.map((r) => [r.environment, r.principal.name, r.principal.id, columnText(r), r.visibility === "visible" ? "unmasked" : "masked", rowsText(r), viaText(r)]);
}

const HEAD = ["ENV", "PRINCIPAL", "ID", "COLUMN", "ACCESS", "ROWS", "VIA GRANT"];

export function formatText(title: string, rows: readonly ColumnAccess[]): string {
  if (rows.length === 0) return `${title}: nobody\n`;
  const table = [HEAD, ...cells(rows)];
  const widths = HEAD.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const lines = table.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  "));
  return `${title}:\n${lines.join("\n")}\n`;
}

const md = (s: string) => s.replace(/\|/g, "\\|");

export function formatMarkdown(title: string, rows: readonly ColumnAccess[]): string {
  const out = [`### ${md(title[0]!.toUpperCase() + title.slice(1))}`, ""];
  if (rows.length === 0) return `${out.join("\n")}Nobody.\n`;
  out.push(`| ${HEAD.map((h) => h[0] + h.slice(1).toLowerCase()).join(" | ")} |`, `|${HEAD.map(() => "---").join("|")}|`);
  for (const c of cells(rows)) out.push(`| ${c.map((x, i) => (i === 2 || i === 3 || i === 5 ? `\`${md(x)}\`` : md(x))).join(" | ")} |`);
  return `${out.join("\n")}\n`;
}

export function formatJson(title: string, rows: readonly ColumnAccess[]): string {
  return `${JSON.stringify({ query: title, access: rows }, null, 2)}\n`;
}
