/**
 * The benchmark's arithmetic and its table: medians, ratios, targets. Pure,
 * so it is unit-tested apart from the timings it is fed.
 */

/** What is measured, each in its own child process. */
export const KINDS = ["synth", "lakeformSynth", "baseline", "baselineLean", "floor", "validate", "review", "stack"] as const;
export type Kind = (typeof KINDS)[number];

export const KIND_LABELS: Record<Kind, string> = {
  synth: "Lakeform synthesis (the cdktf app: validate + synthesize every stack)",
  lakeformSynth: "lakeform synth (the CLI: also guardrails, catalog exports, atomic swap)",
  baseline: "hand-written CDKTF, naive (default App options)",
  baselineLean: "hand-written CDKTF, lean (no traces, one stack at a time)",
  floor: "floor: JSON.stringify of the same Terraform JSON to disk",
  validate: "lakeform validate",
  review: "lakeform review of a one-domain change",
  stack: "one named stack (LAKEFORM_STACKS=d001-prod, the cdktf app)",
};

/** Runs of one kind at one size. */
export interface Runs {
  /** Wall time of each run, ms, from spawn to exit. */
  readonly ms: readonly number[];
  /** CPU time (user + system) each child reported, ms: less sensitive than wall time to other work on the machine. */
  readonly cpuMs?: readonly number[];
  /** Peak RSS each child reported, KiB. */
  readonly maxRssKib: readonly number[];
}

export interface SizeResult {
  readonly domains: number;
  readonly stacks: number;
  readonly resources: number;
  readonly runs: Partial<Record<Kind, Runs>>;
  /** Resource type count differences between Lakeform and the baseline, per stack (empty: the same resources). */
  readonly baselineMismatches: readonly string[];
  /** Whether the baseline's Terraform JSON equals Lakeform's, `//` metadata aside. */
  readonly baselineIdentical: boolean;
}

export const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Median wall time of a kind at a size, ms (NaN when not measured). */
export const ms = (r: SizeResult | undefined, kind: Kind): number => median(r?.runs[kind]?.ms ?? []);

/** Median CPU time of a kind at a size, ms (NaN when not measured). */
export const cpuMs = (r: SizeResult | undefined, kind: Kind): number => median(r?.runs[kind]?.cpuMs ?? []);

/** Highest peak RSS of a kind at a size, MiB (the worst run, not the median). */
export const rssMib = (r: SizeResult | undefined, kind: Kind): number => {
  const xs = r?.runs[kind]?.maxRssKib ?? [];
  return xs.length ? Math.max(...xs) / 1024 : Number.NaN;
};

export interface Target {
  readonly name: string;
  /** How the value is computed, in words. */
  readonly how: string;
  readonly value: number;
  readonly limit: number;
  readonly unit: "x" | "MiB";
  readonly ok: boolean;
}

const target = (name: string, how: string, value: number, limit: number, unit: "x" | "MiB"): Target => ({ name, how, value, limit, unit, ok: Number.isFinite(value) && value <= limit });

/**
 * The targets from one run. Time per domain is marginal, the slope
 * between N = 1 and N: fixed costs (Node, module loading) would otherwise
 * make larger N look cheaper per domain and hide any growth.
 */
export function targets(results: readonly SizeResult[], large = 100, medium = 10, small = 1): Target[] {
  const at = (n: number) => results.find((r) => r.domains === n);
  const L = at(large);
  const M = at(medium);
  const S = at(small);
  const slope = (r: SizeResult | undefined) => (r && S ? (ms(r, "synth") - ms(S, "synth")) / (r.domains - S.domains) : Number.NaN);
  return [
    target(`synthesis vs hand-written CDKTF at N=${large}`, "median wall time, Lakeform synthesis / naive baseline", ms(L, "synth") / ms(L, "baseline"), 1.0, "x"),
    target(`time per domain, N=${large} vs N=${medium}`, `(T(${large}) − T(${small})) / ${large - small} over (T(${medium}) − T(${small})) / ${medium - small}, Lakeform synthesis`, slope(L) / slope(M), 1.3, "x"),
    target(`peak RSS of synthesis at N=${large}`, "highest maxRSS of the child over the runs", rssMib(L, "synth"), 400, "MiB"),
    target(`peak RSS of lakeform synth at N=${large}`, "highest maxRSS of the child over the runs", rssMib(L, "lakeformSynth"), 400, "MiB"),
    target(`one named stack with ${large} domains vs a one-domain app`, `median wall, one stack at N=${large} / whole synthesis at N=${small}`, ms(L, "stack") / ms(S, "synth"), 1.5, "x"),
    target(`validate vs synthesis at N=${large}`, "median wall, validate / synthesis", ms(L, "validate") / ms(L, "synth"), 0.5, "x"),
    target(`review of one domain vs synthesis at N=${large}`, "median wall, review / synthesis", ms(L, "review") / ms(L, "synth"), 0.5, "x"),
  ];
}

/** Ratios per size, as results.json records them. */
export function ratios(r: SizeResult): Record<string, number> {
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    synthVsBaseline: round(ms(r, "synth") / ms(r, "baseline")),
    synthVsBaselineCpu: round(cpuMs(r, "synth") / cpuMs(r, "baseline")),
    synthVsBaselineLean: round(ms(r, "synth") / ms(r, "baselineLean")),
    synthVsFloor: round(ms(r, "synth") / ms(r, "floor")),
    lakeformSynthVsBaseline: round(ms(r, "lakeformSynth") / ms(r, "baseline")),
    rssSynthVsBaseline: round(rssMib(r, "synth") / rssMib(r, "baseline")),
    validateVsSynth: round(ms(r, "validate") / ms(r, "synth")),
    reviewVsSynth: round(ms(r, "review") / ms(r, "synth")),
    stackVsSynth: round(ms(r, "stack") / ms(r, "synth")),
  };
}

const fmtS = (x: number) => (Number.isFinite(x) ? (x / 1000).toFixed(1) : "–");
const fmtMib = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : "–");

/** The Markdown table the runner prints and the README quotes: seconds (median) and peak MiB. */
export function table(results: readonly SizeResult[]): string {
  const cols: [string, (r: SizeResult) => string][] = [
    ["domains", (r) => String(r.domains)],
    ["stacks", (r) => String(r.stacks)],
    ["resources", (r) => String(r.resources)],
    ["synth s", (r) => fmtS(ms(r, "synth"))],
    ["synth MiB", (r) => fmtMib(rssMib(r, "synth"))],
    ["lakeform synth s", (r) => fmtS(ms(r, "lakeformSynth"))],
    ["lakeform synth MiB", (r) => fmtMib(rssMib(r, "lakeformSynth"))],
    ["hand-written s", (r) => fmtS(ms(r, "baseline"))],
    ["hand-written MiB", (r) => fmtMib(rssMib(r, "baseline"))],
    ["hand-written lean s", (r) => fmtS(ms(r, "baselineLean"))],
    ["floor s", (r) => fmtS(ms(r, "floor"))],
    ["validate s", (r) => fmtS(ms(r, "validate"))],
    ["review s", (r) => fmtS(ms(r, "review"))],
    ["one stack s", (r) => fmtS(ms(r, "stack"))],
  ];
  const head = `| ${cols.map(([h]) => h).join(" | ")} |`;
  const rule = `|${cols.map(() => "---:|").join("")}`;
  return [head, rule, ...results.map((r) => `| ${cols.map(([, f]) => f(r)).join(" | ")} |`)].join("\n");
}

/** The targets as Markdown lines: ✓/✗, value, limit. */
export function targetLines(ts: readonly Target[]): string {
  return ts
    .map((t) => `- ${t.ok ? "PASS" : "FAIL"} ${t.name}: ${Number.isFinite(t.value) ? t.value.toFixed(2) : "not measured"}${t.unit === "x" ? "x" : " MiB"} (limit ${t.limit}${t.unit === "x" ? "x" : " MiB"}; ${t.how})`)
    .join("\n");
}
