import type { StackJson } from "../stacks/in-memory";

/** Terraform resources added, changed and removed per stack, from the synthesized JSON of both sides. */

export interface StackResourceChange {
  readonly stack: string;
  readonly status: "added" | "removed" | "changed";
  /** Terraform addresses (`aws_s3_bucket.raw`), sorted. */
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
}

function addresses(stack: StackJson | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const [type, byName] of Object.entries(stack?.resource ?? {})) {
    for (const [name, config] of Object.entries(byName)) out.set(`${type}.${name}`, JSON.stringify(config));
  }
  return out;
}

export function diffResources(stacks: readonly string[], base: ReadonlyMap<string, StackJson>, head: ReadonlyMap<string, StackJson>): StackResourceChange[] {
  const out: StackResourceChange[] = [];
  for (const stack of stacks) {
    const b = addresses(base.get(stack));
    const h = addresses(head.get(stack));
    const added = [...h.keys()].filter((a) => !b.has(a)).sort();
    const removed = [...b.keys()].filter((a) => !h.has(a)).sort();
    const changed = [...h.keys()].filter((a) => b.has(a) && b.get(a) !== h.get(a)).sort();
    if (added.length + removed.length + changed.length === 0) continue;
    out.push({ stack, status: !base.has(stack) ? "added" : !head.has(stack) ? "removed" : "changed", added, changed, removed });
  }
  return out;
}
