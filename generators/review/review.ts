import { analyzeAccess } from "../access/analyze";
import { type Finding, type SuppressedFinding, runGuardrails } from "../guardrails/run";
import type { Problem } from "../manifest/errors";
import type { DomainModel, Model } from "../model/types";
import { type StackJson, synthesizeInMemory } from "../stacks/in-memory";
import { type AccessChange, type FilterChange, diffAccess, diffFilters } from "./access-diff";
import { type CostItem, type PriceTable, standingCost, totalOf } from "./cost";
import { domainFlow } from "./mermaid";
import { type StackResourceChange, diffResources } from "./resources";

/**
 * A governance review of a change to the manifests: two sides (base and
 * head) through the same validation and model, compared. Pure but for the
 * in-memory synthesis of the stacks whose inputs differ between the sides,
 * once per side; stacks with the same inputs give the same JSON and are not
 * built at all.
 */

export interface ReviewSide {
  /** Shown in the report: a git ref or a directory. */
  readonly label: string;
  /** null when the side does not validate (its problems) or has no manifests. */
  readonly model: Model | null;
  readonly problems: readonly Problem[];
  /** Governance findings of a valid side (PII readable unmasked outside the PII readers). */
  readonly findings: readonly Problem[];
}

/** The guardrail pack's entry point, or a stand-in for tests. */
export type GuardrailRunner = typeof runGuardrails;

export interface ReviewOptions {
  readonly prices: PriceTable;
  /** @default - the guardrail pack (`runGuardrails`) */
  readonly guardrails?: GuardrailRunner;
}

export interface DomainChange {
  readonly domain: string;
  readonly status: "added" | "removed" | "changed";
  readonly owners: readonly { readonly team: string; readonly email: string }[];
  readonly stacks: readonly string[];
}

export interface Approver {
  readonly approver: string;
  readonly email: string | null;
  readonly reasons: readonly string[];
}

export interface StackCost {
  readonly stack: string;
  readonly base: number;
  readonly head: number;
  readonly delta: number;
  /** Items that differ between the sides, with both amounts (0 where absent). */
  readonly changes: readonly { readonly key: string; readonly before: string | null; readonly after: string | null; readonly base: number; readonly head: number }[];
}

export interface Review {
  readonly base: { readonly label: string; readonly valid: boolean; readonly problems: readonly Problem[] };
  readonly head: { readonly label: string };
  readonly domains: readonly DomainChange[];
  readonly platformChanged: boolean;
  readonly access: readonly AccessChange[];
  readonly filters: readonly FilterChange[];
  /** PII readers added or removed, per environment. */
  readonly piiReaders: readonly { readonly environment: string; readonly added: readonly string[]; readonly removed: readonly string[] }[];
  /** The head's governance findings (PII exposed outside the PII readers). */
  readonly findings: readonly Problem[];
  readonly guardrails: {
    /** Findings of the head's changed stacks that the base did not have. */
    readonly newFindings: readonly Finding[];
    readonly suppressionsAdded: readonly SuppressedFinding[];
    /** Suppressions of the head naming a resource its stacks do not hold (bad input: exit 2). */
    readonly problems: readonly Problem[];
  };
  readonly resources: readonly StackResourceChange[];
  readonly cost: {
    readonly asOf: string;
    readonly region: string;
    readonly currency: string;
    readonly stacks: readonly StackCost[];
    readonly delta: number;
  };
  readonly diagrams: readonly { readonly domain: string; readonly mermaid: string }[];
  readonly approvals: {
    readonly governance: { readonly required: boolean; readonly approvers: string; readonly reasons: readonly string[] };
    readonly owners: readonly Approver[];
  };
  /** 0: owners' approval only; 1: governance must approve or a guardrail breaks; 2: a suppression of the head is wrong. */
  readonly exitCode: 0 | 1 | 2;
}

/**
 * What each stack is built from, and the guardrail suppressions that apply
 * to it: equal inputs give byte-equal stacks and the same findings.
 */
function stackInputs(model: Model | null): Map<string, string> {
  const out = new Map<string, string>();
  if (!model) return out;
  const suppressions = (stack: string) => model.guardrails.suppressions.filter((x) => x.stacks.includes(stack));
  // A platform stack reads the whole model (its MWAA role names every domain's jobs).
  let whole: string | undefined;
  for (const s of model.stacks) {
    if (s.kind === "platform") out.set(s.name, JSON.stringify([s, (whole ??= JSON.stringify({ ...model, guardrails: null })), suppressions(s.name)]));
    else {
      const dep = model.domains.find((d) => d.name === s.domain)!.deployments.find((x) => x.stack === s.name)!;
      out.set(s.name, JSON.stringify([s, dep, model.environments.find((e) => e.name === s.environment), suppressions(s.name)]));
    }
  }
  return out;
}

/** A manifest's suppressions, which live in the Model apart from the domains. */
const suppressionsOf = (m: Model | null, file: string) => m?.guardrails.suppressions.filter((s) => s.file === file) ?? [];

/** The platform manifest's part of the model: what its owners approve. */
const platformPart = (m: Model | null) =>
  m ? JSON.stringify({ ...m, domains: [], stacks: m.stacks.filter((s) => s.kind === "platform"), guardrails: suppressionsOf(m, m.guardrails.platformFile) }) : "";

/** A domain as its owners wrote it: its model and its suppressions. */
const domainPart = (m: Model | null, d: DomainModel) => JSON.stringify([d, suppressionsOf(m, d.sourceFile)]);

const byKey = <T>(items: readonly T[], key: (t: T) => string) => new Map(items.map((i) => [key(i), i]));
const findingKey = (f: Finding) => [f.rule, f.stack, f.address, f.message].join("\u0000");

export function buildReview(base: ReviewSide, head: ReviewSide & { readonly model: Model }, options: ReviewOptions): Review {
  const bm = base.model;
  const hm = head.model;

  const bInputs = stackInputs(bm);
  const hInputs = stackInputs(hm);
  const changedStacks = [...new Set([...bInputs.keys(), ...hInputs.keys()])].filter((s) => bInputs.get(s) !== hInputs.get(s)).sort();
  const bStacks: Map<string, StackJson> = bm ? synthesizeInMemory(bm, changedStacks.filter((s) => bInputs.has(s))) : new Map();
  const hStacks = synthesizeInMemory(hm, changedStacks.filter((s) => hInputs.has(s)));

  // Domains
  const bDomains = byKey(bm?.domains ?? [], (d) => d.name);
  const hDomains = byKey(hm.domains, (d) => d.name);
  const domains: DomainChange[] = [];
  for (const name of [...new Set([...bDomains.keys(), ...hDomains.keys()])].sort()) {
    const b = bDomains.get(name);
    const h = hDomains.get(name);
    if (b && h && domainPart(bm, b) === domainPart(hm, h)) continue;
    const owners = [h?.owner, b?.owner].filter((o): o is DomainModel["owner"] => !!o);
    domains.push({
      domain: name,
      status: !b ? "added" : !h ? "removed" : "changed",
      owners: [...byKey(owners, (o) => `${o.team}\u0000${o.email}`).values()],
      stacks: changedStacks.filter((s) => [...(b?.deployments ?? []), ...(h?.deployments ?? [])].some((d) => d.stack === s)),
    });
  }
  const platformChanged = platformPart(bm) !== platformPart(hm);

  // Access
  const access = diffAccess(bm ? analyzeAccess(bm) : [], analyzeAccess(hm));
  const filters = diffFilters(bm, hm);
  const piiReaders = hm.environments
    .map((e) => {
      const before = new Set(bm?.environments.find((x) => x.name === e.name)?.piiReaders ?? []);
      return { environment: e.name, added: e.piiReaders.filter((r) => !before.has(r)).sort(), removed: [...before].filter((r) => !e.piiReaders.includes(r)).sort() };
    })
    .filter((r) => r.added.length > 0 || r.removed.length > 0);

  // Guardrails, on the stacks that changed
  const check = options.guardrails ?? runGuardrails;
  const asInput = (stacks: Map<string, StackJson>) => [...stacks].map(([name, json]) => ({ name, json }));
  const before = bm ? check(bm, asInput(bStacks)) : { findings: [], suppressed: [], problems: [] };
  const after = check(hm, asInput(hStacks));
  const seen = new Set(before.findings.map(findingKey));
  const seenSuppressed = new Set(before.suppressed.map((s) => `${findingKey(s)}\u0000${s.reason}`));
  const guardrails: Review["guardrails"] = {
    newFindings: after.findings.filter((f) => !seen.has(findingKey(f))),
    suppressionsAdded: after.suppressed.filter((s) => !seenSuppressed.has(`${findingKey(s)}\u0000${s.reason}`)),
    problems: after.problems,
  };

  // Resources and standing cost of the changed stacks
  const resources = diffResources(changedStacks, bStacks, hStacks);
  const costs: StackCost[] = [];
  for (const stack of changedStacks) {
    const b = bStacks.has(stack) ? standingCost(bStacks.get(stack)!, options.prices) : [];
    const h = hStacks.has(stack) ? standingCost(hStacks.get(stack)!, options.prices) : [];
    const bi = byKey(b, (i) => i.key);
    const hi = byKey(h, (i) => i.key);
    const changes = [...new Set([...bi.keys(), ...hi.keys()])]
      .sort()
      .filter((k) => bi.get(k)?.label !== hi.get(k)?.label || bi.get(k)?.monthly !== hi.get(k)?.monthly)
      .map((k) => ({ key: k, before: bi.get(k)?.label ?? null, after: hi.get(k)?.label ?? null, base: bi.get(k)?.monthly ?? 0, head: hi.get(k)?.monthly ?? 0 }));
    if (changes.length === 0) continue;
    const [tb, th] = [totalOf(b), totalOf(h)];
    costs.push({ stack, base: tb, head: th, delta: Math.round((th - tb) * 100) / 100, changes });
  }
  const costDelta = Math.round(costs.reduce((n, c) => n + c.delta, 0) * 100) / 100;

  const diagrams = domains.filter((d) => d.status !== "removed").map((d) => ({ domain: d.domain, mermaid: domainFlow(hm, hDomains.get(d.domain)!) }));

  // Approvals
  const reasons: string[] = [];
  for (const c of access) {
    const where = `${c.table} (${c.environments.join(", ")})`;
    if (c.exposesPii) reasons.push(`${c.principal} reads PII unmasked: ${c.columnsGained.filter((x) => x.endsWith(" (PII)")).map((x) => x.slice(0, -6)).join(", ")} of ${where}`);
    if (c.external && c.kind !== "removed" && c.columnsGained.length > 0) reasons.push(`cross-account: ${c.principal} (${c.principalIds.join(", ")}) gains ${where}`);
  }
  for (const r of piiReaders) for (const a of r.added) reasons.push(`new PII reader in ${r.environment}: ${a}`);
  for (const f of head.findings) reasons.push(`finding: ${f.file} › ${f.path.join(".")}: ${f.message}`);
  const governance = { required: reasons.length > 0, approvers: hm.governance.approvers, reasons: [...new Set(reasons)] };

  const owners = new Map<string, { email: string | null; reasons: string[] }>();
  const ask = (team: string, email: string | null, reason: string) => {
    const o = owners.get(team) ?? { email, reasons: [] };
    o.reasons.push(reason);
    owners.set(team, o);
  };
  for (const d of domains) for (const o of d.owners) ask(o.team, o.email, `owns ${d.domain} (${d.status})`);
  if (platformChanged) ask(hm.owner, null, "owns the platform manifest (changed)");

  const breaks = guardrails.newFindings.some((f) => f.severity === "error");
  return {
    base: { label: base.label, valid: bm !== null, problems: base.problems },
    head: { label: head.label },
    domains,
    platformChanged,
    access,
    filters,
    piiReaders,
    findings: head.findings,
    guardrails,
    resources,
    cost: { asOf: options.prices.asOf, region: options.prices.region, currency: options.prices.currency, stacks: costs, delta: costDelta },
    diagrams,
    approvals: {
      governance,
      owners: [...owners].sort(([a], [b]) => (a < b ? -1 : 1)).map(([approver, o]) => ({ approver, email: o.email, reasons: o.reasons })),
    },
    exitCode: guardrails.problems.length > 0 ? 2 : governance.required || breaks ? 1 : 0,
  };
}

export type { AccessChange, CostItem, FilterChange, StackResourceChange };
