import type { ColumnAccess } from "../access/analyze";
import type { GrantModel, Model } from "../model/types";

/**
 * What changes in who reads what, from the access analysis of both sides.
 * Changes that are the same in several environments are shown once, with
 * the environments listed.
 */

export interface AccessChange {
  readonly principal: string;
  /** Account, role or group ID in each environment, as the principal differs per environment. */
  readonly principalIds: readonly string[];
  readonly external: boolean;
  readonly environments: readonly string[];
  /** `<domain>.<zone>.<table>` */
  readonly table: string;
  /** added: the principal did not read the table before; removed: it reads nothing of it now. */
  readonly kind: "added" | "removed" | "changed";
  /** Columns it now reads unmasked that it did not (new, or a mask removed); `(PII)` marks PII. */
  readonly columnsGained: readonly string[];
  /** Columns it no longer reads unmasked (removed, or masked). */
  readonly columnsLost: readonly string[];
  /** Row filters before and after; null = all rows, undefined (absent) = no access on that side. */
  readonly rowsBefore: readonly string[] | null | "none";
  readonly rowsAfter: readonly string[] | null | "none";
  /** Grants that give the access after the change (before, for a removal). */
  readonly via: readonly string[];
  /** The change lets the principal read a PII column unmasked that it could not before. */
  readonly exposesPii: boolean;
}

export interface FilterChange {
  readonly domain: string;
  readonly grant: string;
  readonly principal: string;
  readonly environments: readonly string[];
  /** `<zone>.<table>` */
  readonly table: string;
  readonly masksAdded: readonly string[];
  readonly masksRemoved: readonly string[];
  /** null = all rows; "none" = no such filter on that side. */
  readonly rowsBefore: string | null | "none";
  readonly rowsAfter: string | null | "none";
}

interface TableAccess {
  environment: string;
  principal: ColumnAccess["principal"];
  table: string;
  visible: Map<string, boolean>;
  rows: readonly string[] | null;
  via: Set<string>;
}

function byTable(access: readonly ColumnAccess[]): Map<string, TableAccess> {
  const out = new Map<string, TableAccess>();
  for (const a of access) {
    const table = `${a.domain}.${a.zone}.${a.table}`;
    const key = [a.environment, a.principal.id, table].join("\u0000");
    let t = out.get(key);
    if (!t) {
      t = { environment: a.environment, principal: a.principal, table, visible: new Map(), rows: null, via: new Set() };
      out.set(key, t);
    }
    if (a.visibility === "visible") {
      t.visible.set(a.column, a.pii);
      // Row filters hold per grant, so every visible column of a table has the same ones.
      t.rows = a.rows;
    }
    for (const v of a.via) t.via.add(v.grant);
  }
  return out;
}

const sameRows = (a: readonly string[] | null | "none", b: readonly string[] | null | "none") => JSON.stringify(a) === JSON.stringify(b);
const label = (column: string, pii: boolean) => (pii ? `${column} (PII)` : column);

export function diffAccess(base: readonly ColumnAccess[], head: readonly ColumnAccess[]): AccessChange[] {
  const before = byTable(base);
  const after = byTable(head);
  const merged = new Map<string, AccessChange & { environments: string[]; principalIds: string[] }>();
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(key);
    const a = after.get(key);
    const either = (a ?? b)!;
    const gained = [...(a?.visible ?? [])].filter(([c]) => !b?.visible.has(c)).sort(([x], [y]) => (x < y ? -1 : 1));
    const lost = [...(b?.visible ?? [])].filter(([c]) => !a?.visible.has(c)).sort(([x], [y]) => (x < y ? -1 : 1));
    const rowsBefore = b && b.visible.size > 0 ? b.rows : "none";
    const rowsAfter = a && a.visible.size > 0 ? a.rows : "none";
    if (gained.length === 0 && lost.length === 0 && sameRows(rowsBefore, rowsAfter)) continue;
    const kind = rowsBefore === "none" ? "added" : rowsAfter === "none" ? "removed" : "changed";
    const change = {
      principal: either.principal.name,
      principalIds: [either.principal.id],
      external: either.principal.external,
      environments: [either.environment],
      table: either.table,
      kind,
      columnsGained: gained.map(([c, pii]) => label(c, pii)),
      columnsLost: lost.map(([c, pii]) => label(c, pii)),
      rowsBefore,
      rowsAfter,
      via: [...(kind === "removed" ? b!.via : a!.via)].sort(),
      exposesPii: gained.some(([, pii]) => pii),
    } as const;
    // The same change in several environments is one row.
    const same = JSON.stringify({ ...change, principalIds: [], environments: [] });
    const prior = merged.get(same);
    if (prior) {
      prior.environments.push(either.environment);
      if (!prior.principalIds.includes(either.principal.id)) prior.principalIds.push(either.principal.id);
    } else merged.set(same, { ...change, environments: [...change.environments], principalIds: [...change.principalIds] });
  }
  const order = (c: AccessChange) => [c.principal, c.table, c.environments.join(",")].join("\u0000");
  return [...merged.values()].sort((x, y) => (order(x) < order(y) ? -1 : order(x) > order(y) ? 1 : 0));
}

type Cells = { domain: string; environment: string; grant: GrantModel & { target: { kind: "cells" } } };

function cellGrants(model: Model | null): Map<string, Cells> {
  const out = new Map<string, Cells>();
  for (const d of model?.domains ?? []) {
    for (const dep of d.deployments) {
      for (const g of dep.grants) {
        if (g.target.kind !== "cells") continue;
        out.set([d.name, g.name, dep.environment].join("\u0000"), { domain: d.name, environment: dep.environment, grant: g as Cells["grant"] });
      }
    }
  }
  return out;
}

/** Masks and row filters added, removed or changed, per data-cells grant. */
export function diffFilters(base: Model | null, head: Model | null): FilterChange[] {
  const before = cellGrants(base);
  const after = cellGrants(head);
  const merged = new Map<string, FilterChange & { environments: string[] }>();
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(key);
    const a = after.get(key);
    const either = (a ?? b)!;
    const masksBefore = b?.grant.target.excludedColumns ?? [];
    const masksAfter = a?.grant.target.excludedColumns ?? [];
    const change = {
      domain: either.domain,
      grant: either.grant.name,
      principal: either.grant.principal.name,
      environments: [] as string[],
      table: `${either.grant.target.table.zone}.${either.grant.target.table.table}`,
      masksAdded: masksAfter.filter((c) => !masksBefore.includes(c)).sort(),
      masksRemoved: masksBefore.filter((c) => !masksAfter.includes(c)).sort(),
      rowsBefore: b ? b.grant.target.rowFilter : ("none" as const),
      rowsAfter: a ? a.grant.target.rowFilter : ("none" as const),
    };
    if (change.masksAdded.length === 0 && change.masksRemoved.length === 0 && change.rowsBefore === change.rowsAfter) continue;
    const same = JSON.stringify(change);
    const prior = merged.get(same);
    if (prior) prior.environments.push(either.environment);
    else merged.set(same, { ...change, environments: [either.environment] });
  }
  return [...merged.values()];
}
