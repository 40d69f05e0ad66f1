import type { Problem } from "../manifest/errors";
import type { DomainDeploymentModel, DomainModel, GrantModel, Model, PrincipalModel, TableModel } from "../model/types";

/**
 * Effective access: who reads which column of which table, unmasked or
 * masked, under which row filter, through which grant. Computed from the
 * Model alone, with Lake Formation's semantics:
 * - a tag grant on TABLE reaches a column when every key of the expression
 *   matches the column's effective tag (column tag, else table tag, else
 *   database tag);
 * - a named-table grant reaches every column and row;
 * - a data-cells filter reaches the columns it does not exclude, in the rows
 *   its filter selects;
 * - several grants on one table are a union of cells, so a principal that
 *   reaches a table through a filter and any other grant sees the union.
 * Only grants with SELECT read data; DESCRIBE alone shows metadata.
 */

export interface AccessVia {
  readonly grant: string;
  /** The grant's place in the domain manifest: access[index], jobs[index] or pipeline.tasks[index]. */
  readonly source: "access" | "jobs" | "pipeline";
  readonly index: number;
  /** A job's or query task's reason for reading PII unmasked; null for everyone else. */
  readonly piiReason: string | null;
  /** Row filter of this grant; null = all rows. */
  readonly rows: string | null;
}

export interface ColumnAccess {
  readonly environment: string;
  readonly principal: PrincipalModel;
  readonly domain: string;
  readonly zone: string;
  readonly table: string;
  readonly database: string;
  readonly column: string;
  /** The column's effective tags mark it PII. */
  readonly pii: boolean;
  /** visible: the principal reads the column's values; masked: it queries the table but the column is removed. */
  readonly visibility: "visible" | "masked";
  /** visible: the grants that show the column; masked: the grants that reach the table. */
  readonly via: readonly AccessVia[];
  /** visible: null when some grant shows all rows, else the row filters (any of which admits a row). */
  readonly rows: readonly string[] | null;
}

type Tags = Readonly<Record<string, string>>;

const asRecord = (tags: readonly { key: string; value: string }[]): Record<string, string> => Object.fromEntries(tags.map((t) => [t.key, t.value]));

/** Effective tags of every column of a table: column over table over database. */
export function effectiveColumnTags(dep: DomainDeploymentModel, t: TableModel): Map<string, Tags> {
  const zone = dep.zones.find((z) => z.name === t.zone);
  const base = { ...asRecord(zone?.database.lfTags ?? []), ...asRecord(t.lfTags) };
  return new Map([...t.columns, ...t.partitionKeys].map((c) => [c.name, { ...base, ...asRecord(c.lfTags) }]));
}

/** Columns of `t` a grant reads, with its row filter; undefined when it does not reach the table. */
function reach(g: GrantModel, t: TableModel, tags: Map<string, Tags>): { columns: Set<string>; rows: string | null } | undefined {
  const all = [...t.columns, ...t.partitionKeys].map((c) => c.name);
  const target = g.target;
  switch (target.kind) {
    case "tags": {
      const columns = new Set(all.filter((c) => target.expression.every((e) => e.values.includes(tags.get(c)?.[e.key] ?? "\u0000"))));
      return columns.size > 0 ? { columns, rows: null } : undefined;
    }
    case "tables":
      return target.tables.some((r) => r.zone === t.zone && r.table === t.name) ? { columns: new Set(all), rows: null } : undefined;
    case "cells":
      if (target.table.zone !== t.zone || target.table.table !== t.name) return undefined;
      return { columns: new Set(all.filter((c) => !target.excludedColumns.includes(c))), rows: target.rowFilter };
  }
}

const readsData = (g: GrantModel) => g.permissions.includes("SELECT");

/** Every (principal, column) pair of every table some grant reaches, sorted. */
export function analyzeAccess(model: Model): ColumnAccess[] {
  const out: ColumnAccess[] = [];
  for (const d of model.domains) {
    for (const dep of d.deployments) {
      for (const t of dep.tables) {
        const tags = effectiveColumnTags(dep, t);
        const byPrincipal = new Map<string, { principal: PrincipalModel; reaches: { g: GrantModel; columns: Set<string>; rows: string | null }[] }>();
        for (const g of dep.grants.filter(readsData)) {
          const r = reach(g, t, tags);
          if (!r) continue;
          const entry = byPrincipal.get(g.principal.id) ?? { principal: g.principal, reaches: [] };
          entry.reaches.push({ g, ...r });
          byPrincipal.set(g.principal.id, entry);
        }
        for (const { principal, reaches } of byPrincipal.values()) {
          for (const c of [...t.columns, ...t.partitionKeys]) {
            const showing = reaches.filter((r) => r.columns.has(c.name));
            const via = (showing.length > 0 ? showing : reaches).map((r) => ({ grant: r.g.name, source: r.g.source, index: r.g.index, piiReason: r.g.piiReason, rows: r.rows }));
            const rows = showing.length === 0 || showing.some((r) => r.rows === null) ? null : [...new Set(showing.map((r) => r.rows!))].sort();
            out.push({
              environment: dep.environment,
              principal,
              domain: d.name,
              zone: t.zone,
              table: t.name,
              database: t.database,
              column: c.name,
              pii: tags.get(c.name)?.[model.pii.key] === model.pii.value,
              visibility: showing.length > 0 ? "visible" : "masked",
              via,
              rows: showing.length > 0 ? rows : null,
            });
          }
        }
      }
    }
  }
  const key = (a: ColumnAccess) => [a.domain, a.environment, a.zone, a.table, a.column, a.principal.id].join("\u0000");
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Where a grant comes from in the domain manifest: access[i], jobs[i] or pipeline.tasks[i]. */
const manifestPath = (g: { source: "access" | "jobs" | "pipeline"; index: number }): (string | number)[] =>
  g.source === "pipeline" ? ["pipeline", "tasks", g.index] : [g.source, g.index];

const columnName = (a: ColumnAccess) => `${a.domain}.${a.zone}.${a.table}.${a.column}`;

/**
 * Grants that would void a filter: a principal that reaches a table through a
 * data-cells filter must reach it through nothing else (Lake Formation unions
 * cells). These are manifest errors.
 */
export function filterConflicts(model: Model): Problem[] {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const d of model.domains) {
    for (const dep of d.deployments) {
      for (const t of dep.tables) {
        const tags = effectiveColumnTags(dep, t);
        const byPrincipal = new Map<string, GrantModel[]>();
        for (const g of dep.grants) {
          if (!reach(g, t, tags)) continue;
          byPrincipal.set(g.principal.id, [...(byPrincipal.get(g.principal.id) ?? []), g]);
        }
        for (const grants of byPrincipal.values()) {
          const filtered = grants.filter((g) => g.target.kind === "cells");
          if (filtered.length === 0 || grants.length < 2) continue;
          const filter = filtered[0]!;
          for (const other of grants.filter((g) => g !== filter)) {
            const key = `${d.name}\u0000${filter.name}\u0000${other.name}`;
            if (seen.has(key)) continue;
            seen.add(key);
            problems.push({
              file: d.sourceFile,
              path: manifestPath(other),
              code: "grant-conflict",
              message: `grant "${other.name}" also reaches ${t.zone}.${t.name} for ${filter.principal.name}, which grant "${filter.name}" filters; Lake Formation would union them and void the filter`,
              got: other.name,
              hint: `give ${filter.principal.name} this table only through "${filter.name}" (narrow the tag expression or the table list)`,
            });
          }
        }
      }
    }
  }
  return problems;
}

/**
 * PII readable unmasked by a principal outside the environment's PII readers:
 * one finding per leaking grant and column, naming the mask that would fix it.
 */
export function piiFindings(model: Model, access: readonly ColumnAccess[] = analyzeAccess(model)): Problem[] {
  const readers = new Map(model.environments.map((e) => [e.name, new Set(e.piiReaders)]));
  const domains = new Map<string, DomainModel>(model.domains.map((d) => [d.name, d]));
  const leaks = new Map<string, { a: ColumnAccess; via: AccessVia; envs: string[] }>();
  for (const a of access) {
    if (!a.pii || a.visibility !== "visible" || readers.get(a.environment)?.has(a.principal.id)) continue;
    for (const via of a.via) {
      // A job that says why it processes PII is a processor, not a reader; the reason shows in reviews.
      if (via.piiReason) continue;
      const key = [a.domain, via.source, via.index, a.zone, a.table, a.column].join("\u0000");
      const prior = leaks.get(key);
      if (prior) prior.envs.push(a.environment);
      else leaks.set(key, { a, via, envs: [a.environment] });
    }
  }
  return [...leaks.values()].map(({ a, via, envs }) => ({
    file: domains.get(a.domain)!.sourceFile,
    path: manifestPath(via),
    code: "pii-exposed" as const,
    message: `grant "${via.grant}" lets ${a.principal.name} read PII column ${columnName(a)} unmasked in ${envs.join(", ")}`,
    got: a.principal.id,
    hint:
      via.source === "jobs"
        ? "say why the job processes PII unmasked with processesPii, or stop it reading that table"
        : via.source === "pipeline"
        ? "say why the query processes PII unmasked with processesPii, or stop it reading that table"
        : `mask it (table: ${a.zone}.${a.table}, mask: [${a.column}]), leave it out of the grant's tag expression, or add the principal to the PII readers of ${envs.join(", ")}`,
  }));
}
