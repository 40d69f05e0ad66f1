import { analyzeAccess } from "../access/analyze";
import type { DomainModel, Model } from "../model/types";

/**
 * A domain's data flow as a Mermaid `flowchart LR`: sources (Firehose
 * streams, partner drops, consumed domains) → zones and their tables ↔ jobs
 * and query tasks → consumers (principals of the access grants). Drawn from
 * the first environment's deployment: the manifest is the same in every one.
 * Node IDs are generated; labels come from manifests and are escaped, so a
 * name cannot break out of its label.
 */

/** Mermaid entity codes for the characters that end or format a quoted label. */
export const mermaidLabel = (s: string) => `"${s.replace(/[\r\n]+/g, " ").replace(/["#&<>`|\\{}[\]]/g, (c) => `#${c.charCodeAt(0)};`)}"`;

export function domainFlow(model: Model, domain: DomainModel): string {
  const dep = domain.deployments[0];
  if (!dep) return "flowchart LR\n";
  const lines = ["flowchart LR"];
  const ids = new Map<string, string>();
  const id = (key: string, prefix: string) => {
    let v = ids.get(key);
    if (!v) {
      v = `${prefix}${ids.size}`;
      ids.set(key, v);
    }
    return v;
  };
  const tableId = (zone: string, table: string) => id(`table:${zone}.${table}`, "t");
  const edges: string[] = [];

  const sources: string[] = [];
  for (const s of dep.ingestion.streams) {
    sources.push(`    ${id(`stream:${s.name}`, "s")}[/${mermaidLabel(`stream ${s.name}`)}/]`);
    edges.push(`  ${id(`stream:${s.name}`, "s")} --> ${tableId(s.table.zone, s.table.table)}`);
  }
  for (const p of dep.ingestion.partnerDrops) {
    sources.push(`    ${id(`drop:${p.name}`, "s")}[/${mermaidLabel(`partner drop ${p.name} (${p.principal ?? p.accountId})`)}/]`);
    edges.push(`  ${id(`drop:${p.name}`, "s")} --> ${id("zone:raw", "z")}`);
  }
  const steps = [
    ...dep.jobs.map((j) => ({ key: `job:${j.name}`, label: `${j.name} (${j.engine})`, reads: j.reads, writes: j.writes })),
    ...dep.queries.tasks.map((q) => ({ key: `query:${q.task}`, label: `${q.task} (athena)`, reads: q.reads, writes: [q.into] })),
  ];
  for (const l of dep.resourceLinks) {
    sources.push(`    ${id(`link:${l.producer}.${l.zone}`, "s")}[/${mermaidLabel(`consumes ${l.producer}.${l.zone}`)}/]`);
    // The domain's jobs read what it consumes through the link.
    if (steps.length > 0) edges.push(`  ${id(`link:${l.producer}.${l.zone}`, "s")} -.-> ${id("jobs", "g")}`);
  }
  if (sources.length > 0) lines.push(`  subgraph ${id("sources", "g")}[${mermaidLabel("sources")}]`, ...sources, "  end");

  for (const z of dep.zones) {
    const tables = dep.tables.filter((x) => x.zone === z.name);
    // An empty zone is drawn only when a partner drop lands in it.
    if (tables.length === 0 && !ids.has(`zone:${z.name}`)) continue;
    lines.push(`  subgraph ${id(`zone:${z.name}`, "z")}[${mermaidLabel(`${z.name} zone`)}]`);
    for (const t of tables) lines.push(`    ${tableId(t.zone, t.name)}[(${mermaidLabel(t.name)})]`);
    lines.push("  end");
  }

  if (steps.length > 0) {
    lines.push(`  subgraph ${id("jobs", "g")}[${mermaidLabel("jobs")}]`);
    for (const s of steps) lines.push(`    ${id(s.key, "j")}{{${mermaidLabel(s.label)}}}`);
    lines.push("  end");
  }
  for (const s of steps) {
    for (const r of s.reads) edges.push(`  ${tableId(r.zone, r.table)} --> ${id(s.key, "j")}`);
    for (const w of s.writes) edges.push(`  ${id(s.key, "j")} --> ${tableId(w.zone, w.table)}`);
  }

  // Consumers: who reads each table through the access grants, and whether masked or filtered.
  const reads = new Map<string, { principal: string; table: string; masked: boolean; filtered: boolean }>();
  for (const a of analyzeAccess({ ...model, domains: [{ ...domain, deployments: [dep] }] })) {
    if (!a.via.some((v) => v.source === "access")) continue;
    const key = `${a.principal.name}\u0000${a.zone}.${a.table}`;
    const r = reads.get(key) ?? { principal: a.principal.name, table: tableId(a.zone, a.table), masked: false, filtered: false };
    if (a.visibility === "masked") r.masked = true;
    if (a.visibility === "visible" && a.rows !== null) r.filtered = true;
    reads.set(key, r);
  }
  const consumers = [...new Set([...reads.values()].map((r) => r.principal))].sort();
  if (consumers.length > 0) {
    lines.push(`  subgraph ${id("consumers", "g")}[${mermaidLabel("consumers")}]`);
    for (const p of consumers) lines.push(`    ${id(`principal:${p}`, "p")}([${mermaidLabel(p)}])`);
    lines.push("  end");
  }
  for (const [, r] of [...reads].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const how = [r.masked ? "masked" : "", r.filtered ? "rows filtered" : ""].filter(Boolean).join(", ");
    edges.push(`  ${r.table} ${how ? `-- ${mermaidLabel(how)} --> ` : "--> "}${id(`principal:${r.principal}`, "p")}`);
  }
  return `${[...lines, ...edges].join("\n")}\n`;
}
