/**
 * `npm run bench`: synthesis at organisation scale. For N = 1, 10, 50, 100
 * synthetic domains it measures, each run in its own child process, wall
 * time (spawn to exit) and the child's own peak RSS for: Lakeform synthesis
 * (the cdktf app), `lakeform synth`, the hand-written CDKTF baseline (naive
 * and lean), the JSON floor, `validate`, `review` of a one-domain change and
 * one named stack. Prints a table and the targets, writes bench/results.json;
 * exits 1 when a target is missed.
 *
 * Usage: npm run bench [-- --sizes 1,10,50,100 --reps 3 --out bench/results.json --keep]
 */
import { spawnSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { writeOneDomainChange, writeSyntheticProject } from "./synthetic";
import { compareCounts, differingStacks, readSynthesized, resourceTotal, writeSpec } from "./spec";
import { KINDS, KIND_LABELS, type Kind, type Runs, type SizeResult, ratios, table, targetLines, targets } from "./report";

const repo = resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "1,10,50,100" },
    reps: { type: "string", default: "3" },
    out: { type: "string", default: "bench/results.json" },
    keep: { type: "boolean", default: false },
  },
});
const sizes = values.sizes!.split(",").map(Number);
const reps = Number(values.reps);
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(reps) || reps < 1) {
  process.stderr.write("usage: npm run bench -- [--sizes 1,10,50,100] [--reps 3] [--out FILE] [--keep]\n");
  process.exit(2);
}
// Inside the repository (git-ignored), so the TypeScript manifests resolve `import … from "lakeform"`.
// Not .lakeform-tmp: the test suite empties that at start and end.
const work = join(repo, "bench", ".work");
const probeFile = join(work, "probe.json");
const script = (p: string) => join(repo, p);

interface Child {
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: Record<string, string>;
  /** Exit codes that count as success (review exits 1 when governance must approve). */
  readonly ok?: readonly number[];
  /** Output directory emptied before each run. */
  readonly outdir?: string;
}

/** Runs one child under tsx with the RSS probe; returns wall ms and its peak RSS (KiB). */
function measure(kind: Kind, c: Child): { ms: number; cpuMs: number; maxRssKib: number } {
  if (c.outdir) rmSync(c.outdir, { recursive: true, force: true });
  rmSync(probeFile, { force: true });
  const env: Record<string, string> = { ...(process.env as Record<string, string>), BENCH_PROBE: probeFile, ...c.env };
  // The measurement is of the defaults: no debugging traces, no heap ceiling from the caller.
  delete env.LAKEFORM_DEBUG;
  delete env.NODE_OPTIONS;
  const start = performance.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", "--import", script("bench/probe.mjs"), ...c.args], { cwd: c.cwd, env, stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 28 });
  const wall = performance.now() - start;
  if (!(c.ok ?? [0]).includes(r.status ?? -1)) {
    throw new Error(`${kind} failed (exit ${r.status ?? r.signal}): ${r.stderr.toString().slice(-2000)}`);
  }
  const probe = JSON.parse(readFileSync(probeFile, "utf8")) as { maxRssKib: number; cpuMs: number };
  return { ms: Math.round(wall), cpuMs: probe.cpuMs, maxRssKib: probe.maxRssKib };
}

function runSize(n: number): SizeResult {
  const dir = join(work, `n${n}`);
  rmSync(dir, { recursive: true, force: true });
  const project = join(dir, "project");
  const head = join(dir, "head");
  writeSyntheticProject(project, n);
  cpSync(project, head, { recursive: true });
  writeOneDomainChange(head);
  const spec = join(dir, "spec");
  const out = (name: string) => join(dir, `${name}.out`);
  const cdktfApp = script("generators/cli/cdktf-app.ts");
  const cli = script("generators/cli/main.ts");
  const children: Record<Kind, Child> = {
    synth: { args: [cdktfApp], cwd: project, env: { CDKTF_OUTDIR: out("synth") }, outdir: out("synth") },
    lakeformSynth: { args: [cli, "synth", "--dir", project, "--out", out("lakeform")], cwd: repo, outdir: out("lakeform") },
    baseline: { args: [script("bench/baseline.ts"), spec, out("baseline")], cwd: repo, outdir: out("baseline") },
    baselineLean: { args: [script("bench/baseline.ts"), spec, out("lean"), "--lean"], cwd: repo, outdir: out("lean") },
    floor: { args: [script("bench/floor.ts"), spec, out("floor")], cwd: repo, outdir: out("floor") },
    validate: { args: [cli, "validate", "--dir", project], cwd: repo },
    review: { args: [cli, "review", "--dir", head, "--base", project, "--format", "json"], cwd: repo, ok: [0, 1] },
    stack: { args: [cdktfApp], cwd: project, env: { CDKTF_OUTDIR: out("stack"), LAKEFORM_STACKS: "d001-prod" }, outdir: out("stack") },
  };
  // The secondary measurements once at large N: they cost as much as synthesis and decide no target alone.
  const repsOf = (k: Kind) => (n >= 50 && (k === "lakeformSynth" || k === "baselineLean") ? 1 : reps);
  const runs: Partial<Record<Kind, { ms: number[]; cpuMs: number[]; maxRssKib: number[] }>> = {};
  let mismatches: string[] = [];
  let identical = false;
  let lakeform = readSynthesized(out("synth"));
  // Interleaved, so a noisy neighbour on the machine hits every kind alike.
  for (let rep = 0; rep < reps; rep++) {
    for (const kind of KINDS) {
      if (rep >= repsOf(kind)) continue;
      const m = measure(kind, children[kind]);
      const r = (runs[kind] ??= { ms: [], cpuMs: [], maxRssKib: [] });
      r.ms.push(m.ms);
      r.cpuMs.push(m.cpuMs);
      r.maxRssKib.push(m.maxRssKib);
      process.stderr.write(`  N=${n} ${kind} #${rep + 1}: ${(m.ms / 1000).toFixed(2)} s wall, ${(m.cpuMs / 1000).toFixed(2)} s CPU, ${(m.maxRssKib / 1024).toFixed(0)} MiB\n`);
      if (rep === 0 && kind === "synth") {
        lakeform = readSynthesized(out("synth"));
        writeSpec(lakeform, spec);
      }
      if (rep === 0 && kind === "baseline") {
        const baseline = readSynthesized(out("baseline"));
        mismatches = compareCounts(lakeform, baseline).map((m) => `${m.stack}: ${m.detail}`);
        identical = differingStacks(lakeform, baseline).length === 0;
        if (mismatches.length > 0) process.stderr.write(`  N=${n} baseline resource mismatches:\n    ${mismatches.join("\n    ")}\n`);
      }
    }
  }
  const result: SizeResult = {
    domains: n,
    stacks: Object.keys(lakeform.stacks).length,
    resources: resourceTotal(lakeform),
    runs: runs as Partial<Record<Kind, Runs>>,
    baselineMismatches: mismatches,
    baselineIdentical: identical,
  };
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  return result;
}

function commit(): string {
  const r = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repo });
  const dirty = spawnSync("git", ["status", "--porcelain", "--", "generators", "modules", "bench", "package.json"], { cwd: repo }).stdout.toString().trim();
  return `${r.stdout.toString().trim()}${dirty ? "+changes" : ""}`;
}

mkdirSync(work, { recursive: true });
const started = performance.now();
// Warm tsx's transform cache and the page cache, so the first measured run pays what later ones pay.
process.stderr.write("warming up…\n");
{
  const warm = join(work, "warm");
  writeSyntheticProject(warm, 1);
  measure("synth", { args: [script("generators/cli/cdktf-app.ts")], cwd: warm, env: { CDKTF_OUTDIR: join(warm, "out") } });
  writeSpec(readSynthesized(join(warm, "out")), join(warm, "spec"));
  measure("baseline", { args: [script("bench/baseline.ts"), join(warm, "spec"), join(warm, "bl")], cwd: repo });
  rmSync(warm, { recursive: true, force: true });
}
const results: SizeResult[] = [];
for (const n of sizes) {
  process.stderr.write(`N=${n}\n`);
  results.push(runSize(n));
}
const ts = targets(results, Math.max(...sizes), sizes.includes(10) ? 10 : sizes[1] ?? sizes[0]!, Math.min(...sizes));
const doc = {
  generatedBy: "npm run bench",
  commit: commit(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "unknown", memoryGib: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform },
  repetitions: reps,
  method:
    "Each measurement is a child process (node --import tsx); wall time from spawn to exit, median of the repetitions (one run of lakeformSynth and baselineLean at N >= 50); CPU time (user + system) and peak RSS (maxRSS, the highest over the runs) are the child's own process.resourceUsage(). Targets are judged on wall time; CPU-time ratios are recorded beside them because other work on a shared machine stretches wall time.",
  kinds: KIND_LABELS,
  sizes: results.map((r) => ({
    domains: r.domains,
    stacks: r.stacks,
    resources: r.resources,
    baselineSameResources: r.baselineMismatches.length === 0,
    baselineMismatches: r.baselineMismatches,
    baselineIdenticalJson: r.baselineIdentical,
    ratios: ratios(r),
    runs: r.runs,
  })),
  targets: ts,
  totalSeconds: Math.round((performance.now() - started) / 1000),
};
const outFile = resolve(repo, values.out!);
writeFileSync(outFile, `${JSON.stringify(doc, null, 2)}\n`);
process.stdout.write(`\n${table(results)}\n\nTargets:\n${targetLines(ts)}\n\nBaseline: ${results.map((r) => `N=${r.domains} ${r.baselineMismatches.length === 0 ? "same resources" : `${r.baselineMismatches.length} mismatches`}${r.baselineIdentical ? ", identical JSON" : ""}`).join("; ")}\nWrote ${relative(repo, outFile)} (${doc.totalSeconds} s).\n`);
// A benchmark, not a test: the results are written either way, and a missed target is the exit code.
if (ts.some((t) => !t.ok)) process.exit(1);
