import { type CatalogExport, type ExportColumn, type ExportGrantResource, type ExportTable, canonicalJson, finalizeExport } from "../format";
import { grantIdentity, normalizeGrantResource } from "./to-export";
import { describeResource } from "../describe";

export { describeResource };

/**
 * Drift between a live export and the declared ones (one per domain of the
 * scope): what exists live but in no manifest, what the manifests declare but
 * is missing live, and what exists on both sides but differs. Compared entry
 * by entry on identity (a table by database and name, a grant by principal
 * and resource), so names and markers only the manifests know never count.
 * Zones are storage, not catalog, and are not compared.
 */

export type DriftKind = "lfTag" | "database" | "resourceLink" | "table" | "registration" | "dataCellsFilter" | "grant";

export interface DriftEntry {
  readonly kind: DriftKind;
  /** What it is: `cdr_raw_prod.events`, `SELECT on table cdr_raw_prod.events to arn:…`. */
  readonly id: string;
  /** What differs, or a hint; empty when the id says it all. */
  readonly detail: string;
}

export interface DriftReport {
  readonly source: CatalogExport["source"];
  /** Live, in no manifest. */
  readonly undeclared: readonly DriftEntry[];
  /** In a manifest, missing live. */
  readonly missing: readonly DriftEntry[];
  /** On both sides, different. */
  readonly changed: readonly DriftEntry[];
  /** Grants to these principals were not compared: Lake Formation admins hold every permission anyway, and own what they create. */
  readonly ignoredPrincipals: readonly string[];
}

export const hasDrift = (r: DriftReport) => r.undeclared.length + r.missing.length + r.changed.length > 0;

const byId = (a: DriftEntry, b: DriftEntry) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const tags = (r: Readonly<Record<string, string>>) => Object.keys(r).sort().map((k) => `${k}=${r[k]}`).join(", ") || "none";


/** Compares keyed entries of the two sides, adding to the report's lists. */
function compare<T>(
  kind: DriftKind,
  live: readonly T[],
  declared: readonly T[],
  key: (x: T) => string,
  differences: (live: T, declared: T) => string[],
  hint: (x: T) => string,
  out: { undeclared: DriftEntry[]; missing: DriftEntry[]; changed: DriftEntry[] },
): void {
  const d = new Map(declared.map((x) => [key(x), x]));
  const l = new Map(live.map((x) => [key(x), x]));
  for (const [id, x] of l) {
    const other = d.get(id);
    if (!other) out.undeclared.push({ kind, id, detail: hint(x) });
    else {
      const diff = differences(x, other);
      if (diff.length > 0) out.changed.push({ kind, id, detail: diff.join("; ") });
    }
  }
  for (const [id, x] of d) if (!l.has(id)) out.missing.push({ kind, id, detail: hint(x) });
}

const columnText = (c: ExportColumn) => `${c.name} ${c.type}`;

function columnDifferences(what: string, live: readonly ExportColumn[], declared: readonly ExportColumn[]): string[] {
  const out: string[] = [];
  const l = new Map(live.map((c) => [c.name, c]));
  const d = new Map(declared.map((c) => [c.name, c]));
  const added = live.filter((c) => !d.has(c.name)).map(columnText);
  const removed = declared.filter((c) => !l.has(c.name)).map(columnText);
  if (added.length > 0) out.push(`live ${what} not declared: ${added.join(", ")}`);
  if (removed.length > 0) out.push(`declared ${what} missing live: ${removed.join(", ")}`);
  for (const c of declared) {
    const x = l.get(c.name);
    if (!x) continue;
    if (x.type !== c.type) out.push(`${c.name}: type ${x.type} live, ${c.type} declared`);
    if (canonicalJson(x.lfTags) !== canonicalJson(c.lfTags)) out.push(`${c.name}: LF-tags ${tags(x.lfTags)} live, ${tags(c.lfTags)} declared`);
  }
  if (added.length === 0 && removed.length === 0 && live.map((c) => c.name).join() !== declared.map((c) => c.name).join()) out.push(`${what} in another order`);
  return out;
}

function tableDifferences(l: ExportTable, d: ExportTable): string[] {
  const out: string[] = [];
  if (l.format !== d.format) out.push(`format ${l.format} live, ${d.format} declared`);
  if (l.location !== d.location) out.push(`location ${l.location} live, ${d.location} declared`);
  if (canonicalJson(l.lfTags) !== canonicalJson(d.lfTags)) out.push(`LF-tags ${tags(l.lfTags)} live, ${tags(d.lfTags)} declared`);
  out.push(...columnDifferences("columns", l.columns, d.columns), ...columnDifferences("partition keys", l.partitionKeys, d.partitionKeys));
  return out;
}

/**
 * The drift of `live` against `declared`. Grants to `ignorePrincipals` (the
 * environment's Lake Formation admins) are left out on both sides.
 */
export function compareExports(live: CatalogExport, declared: readonly CatalogExport[], ignorePrincipals: readonly string[] = []): DriftReport {
  const out = { undeclared: [] as DriftEntry[], missing: [] as DriftEntry[], changed: [] as DriftEntry[] };
  const all = <K extends keyof CatalogExport>(k: K) => declared.flatMap((e) => e[k] as unknown as unknown[]) as unknown as CatalogExport[K];

  // The taxonomy is the platform's: the same in every declared export.
  const declaredTags = new Map<string, string[]>();
  for (const t of all("lfTags")) declaredTags.set(t.key, t.values);
  compare(
    "lfTag",
    live.lfTags,
    [...declaredTags].map(([key, values]) => ({ key, values })),
    (t) => t.key,
    (l, d) => {
      const extra = l.values.filter((v) => !d.values.includes(v));
      const gone = d.values.filter((v) => !l.values.includes(v));
      return [...(extra.length ? [`live values not declared: ${extra.join(", ")}`] : []), ...(gone.length ? [`declared values missing live: ${gone.join(", ")}`] : [])];
    },
    (t) => `values ${t.values.join(", ")}`,
    out,
  );

  const discovery = new Set([...live.databases, ...all("databases")].filter((d) => d.kind === "discovery").map((d) => d.name));
  compare(
    "database",
    live.databases,
    all("databases"),
    (d) => d.name,
    (l, d) => [
      ...(l.locationUri !== d.locationUri ? [`location ${l.locationUri ?? "none"} live, ${d.locationUri ?? "none"} declared`] : []),
      ...(canonicalJson(l.lfTags) !== canonicalJson(d.lfTags) ? [`LF-tags ${tags(l.lfTags)} live, ${tags(d.lfTags)} declared`] : []),
    ],
    () => "",
    out,
  );
  compare(
    "resourceLink",
    live.resourceLinks,
    all("resourceLinks"),
    (l) => l.name,
    (l, d) => (l.targetCatalogId !== d.targetCatalogId || l.targetDatabase !== d.targetDatabase ? [`links to ${l.targetCatalogId}:${l.targetDatabase} live, ${d.targetCatalogId}:${d.targetDatabase} declared`] : []),
    (l) => `to ${l.targetCatalogId}:${l.targetDatabase}`,
    out,
  );
  compare(
    "table",
    live.tables,
    all("tables"),
    (t) => `${t.database}.${t.name}`,
    tableDifferences,
    (t) => (discovery.has(t.database) ? "crawler-discovered: declare it in the manifest to tag and grant it" : `${t.format} at ${t.location}`),
    out,
  );
  compare(
    "registration",
    live.registrations,
    all("registrations"),
    (r) => r.resourceArn,
    (l, d) => [
      ...(l.roleArn !== d.roleArn ? [`role ${l.roleArn} live, ${d.roleArn} declared`] : []),
      ...(l.hybridAccessEnabled !== d.hybridAccessEnabled ? [`hybrid access ${l.hybridAccessEnabled ? "on" : "off"} live, ${d.hybridAccessEnabled ? "on" : "off"} declared`] : []),
    ],
    (r) => `through ${r.roleArn}`,
    out,
  );
  const filterText = (f: CatalogExport["dataCellsFilters"][number]) =>
    `${f.columns === null ? (f.excludedColumns.length ? `all columns but ${f.excludedColumns.join(", ")}` : "all columns") : `columns ${f.columns.join(", ")}`}, ${f.rowFilter === null ? "all rows" : `rows where ${f.rowFilter}`}`;
  compare(
    "dataCellsFilter",
    live.dataCellsFilters,
    all("dataCellsFilters"),
    (f) => `${f.database}.${f.table}.${f.name}`,
    (l, d) => (filterText(l) !== filterText(d) ? [`${filterText(l)} live; ${filterText(d)} declared`] : []),
    filterText,
    out,
  );

  // Grants: per principal and resource, the permissions on each side; a difference is reported as what only one side holds.
  const ignored = new Set(ignorePrincipals);
  type Held = { principal: string; resource: ExportGrantResource; permissions: Set<string> };
  const held = (grants: CatalogExport["grants"]) => {
    const m = new Map<string, Held>();
    for (const g of grants) {
      if (ignored.has(g.principal)) continue;
      const resource = normalizeGrantResource(g.resource);
      const key = grantIdentity(g.principal, resource);
      const h = m.get(key) ?? { principal: g.principal, resource, permissions: new Set<string>() };
      for (const p of g.permissions) h.permissions.add(p);
      m.set(key, h);
    }
    return m;
  };
  const liveGrants = held(live.grants);
  const declaredGrants = held(all("grants"));
  const grantEntry = (h: Held, perms: string[]): DriftEntry => ({ kind: "grant", id: `${perms.sort().join(", ")} on ${describeResource(h.resource)} to ${h.principal}`, detail: "" });
  for (const [key, h] of liveGrants) {
    const extra = [...h.permissions].filter((p) => !declaredGrants.get(key)?.permissions.has(p));
    if (extra.length > 0) out.undeclared.push(grantEntry(h, extra));
  }
  for (const [key, h] of declaredGrants) {
    const gone = [...h.permissions].filter((p) => !liveGrants.get(key)?.permissions.has(p));
    if (gone.length > 0) out.missing.push(grantEntry(h, gone));
  }

  return {
    source: live.source,
    undeclared: out.undeclared.sort(byId),
    missing: out.missing.sort(byId),
    changed: out.changed.sort(byId),
    ignoredPrincipals: [...ignored].sort(),
  };
}

const LABEL: Record<DriftKind, string> = {
  lfTag: "LF-tag",
  database: "database",
  resourceLink: "link",
  table: "table",
  registration: "location",
  dataCellsFilter: "filter",
  grant: "grant",
};

/** The report for people (and CI logs). */
export function formatDriftText(r: DriftReport): string {
  const where = `${r.source.domain === "*" ? "the whole account" : `domain ${r.source.domain}`} in ${r.source.environment} (${r.source.accountId}, ${r.source.region})`;
  const count = r.undeclared.length + r.missing.length + r.changed.length;
  if (count === 0) return `no drift: ${where} holds exactly what the manifests declare\n`;
  const width = Math.max(...[...r.undeclared, ...r.missing, ...r.changed].map((e) => LABEL[e.kind].length));
  const lines = (title: string, entries: readonly DriftEntry[]) =>
    entries.length === 0 ? [] : [`${title} (${entries.length}):`, ...entries.map((e) => `  ${LABEL[e.kind].padEnd(width)}  ${e.id}${e.detail ? ` — ${e.detail}` : ""}`)];
  return `${[
    `drift in ${where}: ${count} difference${count === 1 ? "" : "s"}`,
    ...lines("live, in no manifest", r.undeclared),
    ...lines("declared, missing live", r.missing),
    ...lines("different live", r.changed),
    ...(r.ignoredPrincipals.length ? [`grants to the Lake Formation admins were not compared: ${r.ignoredPrincipals.join(", ")}`] : []),
  ].join("\n")}\n`;
}

export const formatDriftJson = (r: DriftReport) => `${JSON.stringify({ drift: hasDrift(r), ...r }, null, 2)}\n`;

/**
 * The declared exports combined with what exists only live: the manifests'
 * form of every entry they declare, plus every live entry none declares
 * (crawler tables, grants and filters made by hand, tags added in the
 * console). An export to rebuild from that loses nothing the account holds.
 * Zones come from the manifest of a single domain (none for the whole
 * account); the source is the live one.
 */
export function mergeExports(live: CatalogExport, declared: readonly CatalogExport[]): CatalogExport {
  const all = <K extends keyof CatalogExport>(k: K) => declared.flatMap((e) => e[k] as unknown as unknown[]) as unknown as CatalogExport[K];
  const union = <T>(declaredItems: readonly T[], liveItems: readonly T[], key: (x: T) => string): T[] => {
    const m = new Map<string, T>();
    for (const x of declaredItems) if (!m.has(key(x))) m.set(key(x), x);
    for (const x of liveItems) if (!m.has(key(x))) m.set(key(x), x);
    return [...m.values()];
  };
  // As in the live export: zones only for one domain (zone names repeat across domains).
  const zones = declared.length === 1 ? declared[0]!.zones : [];
  // Tag values: the union per key, so a value added live stays assignable.
  const values = new Map<string, Set<string>>();
  for (const t of [...all("lfTags"), ...live.lfTags]) values.set(t.key, new Set([...(values.get(t.key) ?? []), ...t.values]));
  // Grants: declared entries as they are; live permissions no declared entry of the principal on the resource holds, as found-live grants.
  const declaredHeld = new Map<string, Set<string>>();
  for (const g of all("grants")) {
    const key = grantIdentity(g.principal, g.resource);
    declaredHeld.set(key, new Set([...(declaredHeld.get(key) ?? []), ...g.permissions]));
  }
  const liveOnly = live.grants.flatMap((g) => {
    const held = declaredHeld.get(grantIdentity(g.principal, g.resource));
    if (!held) return [g];
    const permissions = g.permissions.filter((p) => !held.has(p));
    return permissions.length === 0 ? [] : [{ ...g, name: null, permissions, permissionsWithGrantOption: g.permissionsWithGrantOption.filter((p) => permissions.includes(p)) }];
  });
  return finalizeExport({
    format: live.format,
    version: live.version,
    source: live.source,
    lfTags: [...values].map(([key, v]) => ({ key, values: [...v] })),
    zones: [...zones],
    databases: union(all("databases"), live.databases, (d) => d.name).map((d) => (zones.length > 0 ? d : { ...d, zone: null })),
    resourceLinks: union(all("resourceLinks"), live.resourceLinks, (l) => l.name),
    tables: union(all("tables"), live.tables, (t) => `${t.database}.${t.name}`),
    registrations: union(all("registrations"), live.registrations, (r) => r.resourceArn),
    dataCellsFilters: union(all("dataCellsFilters"), live.dataCellsFilters, (f) => `${f.database}.${f.table}.${f.name}`),
    grants: [...all("grants"), ...liveOnly],
  });
}
