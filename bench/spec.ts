import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The Terraform JSON the three programs share: Lakeform's output is read
 * into a spec, the hand-written baseline constructs it, the floor writes it
 * back. Resource type counts per stack prove the baseline built the same.
 */

export interface TerraformJson {
  readonly provider?: { readonly aws?: readonly Record<string, unknown>[] };
  readonly terraform?: { readonly backend?: Readonly<Record<string, unknown>> };
  readonly resource?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly output?: Readonly<Record<string, unknown>>;
  readonly [block: string]: unknown;
}

/** Every stack's Terraform JSON by stack name, in name order. */
export interface BenchSpec {
  readonly stacks: Readonly<Record<string, TerraformJson>>;
}

/** The deep-import path of a resource type's provider class: aws_s3_bucket → @cdktf/provider-aws/lib/s3-bucket. */
export function resourceClassModule(type: string): string {
  if (!type.startsWith("aws_")) throw new Error(`not an AWS resource type: ${type}`);
  return `@cdktf/provider-aws/lib/${type.slice(4).replace(/_/g, "-")}/index.js`;
}

/** Drops CDKTF's `//` metadata (construct paths), recursively: what differs between two programs emitting the same Terraform. */
export function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).filter(([k]) => k !== "//").map(([k, v]) => [k, withoutMetadata(v)]));
  return value;
}

/** Reads `<outdir>/stacks/<name>/cdk.tf.json` of every stack, without metadata. */
export function readSynthesized(outdir: string): BenchSpec {
  const dir = join(outdir, "stacks");
  const stacks: Record<string, TerraformJson> = {};
  for (const name of existsSync(dir) ? readdirSync(dir).sort() : []) {
    const file = join(dir, name, "cdk.tf.json");
    if (existsSync(file)) stacks[name] = withoutMetadata(JSON.parse(readFileSync(file, "utf8"))) as TerraformJson;
  }
  return { stacks };
}

/** Writes a spec as `<dir>/<stack>.json`, one file per stack, for the baseline and the floor. */
export function writeSpec(spec: BenchSpec, dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, tf] of Object.entries(spec.stacks)) writeFileSync(join(dir, `${name}.json`), JSON.stringify(tf));
}

/** Resource count per type, types sorted. */
export function resourceCounts(tf: TerraformJson): Record<string, number> {
  return Object.fromEntries(
    Object.entries(tf.resource ?? {})
      .map(([type, byName]) => [type, Object.keys(byName).length] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

export interface CountMismatch {
  readonly stack: string;
  /** `type: expected (Lakeform) vs actual (baseline)`, or a missing stack. */
  readonly detail: string;
}

/** Where two outputs differ in resource types and counts per stack (empty: the same resources). */
export function compareCounts(expected: BenchSpec, actual: BenchSpec): CountMismatch[] {
  const out: CountMismatch[] = [];
  const names = [...new Set([...Object.keys(expected.stacks), ...Object.keys(actual.stacks)])].sort();
  for (const stack of names) {
    const e = expected.stacks[stack];
    const a = actual.stacks[stack];
    if (!e || !a) {
      out.push({ stack, detail: e ? "missing from the baseline" : "not in Lakeform's output" });
      continue;
    }
    const ec = resourceCounts(e);
    const ac = resourceCounts(a);
    for (const type of [...new Set([...Object.keys(ec), ...Object.keys(ac)])].sort()) {
      if (ec[type] !== ac[type]) out.push({ stack, detail: `${type}: ${ec[type] ?? 0} vs ${ac[type] ?? 0}` });
    }
  }
  return out;
}

/** Stacks whose whole Terraform JSON (metadata aside) differs. */
export function differingStacks(expected: BenchSpec, actual: BenchSpec): string[] {
  const names = [...new Set([...Object.keys(expected.stacks), ...Object.keys(actual.stacks)])].sort();
  return names.filter((n) => JSON.stringify(expected.stacks[n]) !== JSON.stringify(actual.stacks[n]));
}

/** Total resources of a spec. */
export const resourceTotal = (spec: BenchSpec): number =>
  Object.values(spec.stacks).reduce((n, tf) => n + Object.values(resourceCounts(tf)).reduce((a, b) => a + b, 0), 0);
