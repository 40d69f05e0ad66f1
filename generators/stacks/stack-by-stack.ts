import { createRequire } from "node:module";
import type { App, TerraformStack } from "cdktf";

/**
 * What lets an organisation of a hundred domains synthesize in a few hundred
 * megabytes and without paying for debugging aids nobody reads.
 *
 * - cdktf captures a full, unbounded stack trace for every token it creates
 *   (`Lazy`, references, `Fn` calls: hashicorp/terraform-cdk#3892), whatever
 *   the App's `stackTraces` option says; with source maps on (tsx) that is
 *   about half of synthesis. The traces only decorate errors about
 *   unresolvable tokens, so Lakeform skips them unless `LAKEFORM_DEBUG=1`.
 * - cdktf keeps every token in one process-wide map for the life of the
 *   process, and tokens reference their stacks, so a synthesized stack is
 *   never freed. Lakeform's stacks share no construct and no token (no
 *   cross-stack references, by design), so each stack can be built,
 *   synthesized, detached from the App and its tokens dropped before the
 *   next one is built: memory then holds one stack, not all of them.
 *
 * Both reach into cdktf 0.21 internals; `test/stacks/stack-by-stack.test.ts`
 * fails if an upgrade moves them, and synthesis output does not depend on
 * either (the same bytes with or without them).
 */

const require = createRequire(import.meta.url);
const traces = require("cdktf/lib/tokens/private/stack-trace") as { captureStackTrace: (below?: unknown) => string[] };

/** Whether token creation traces are kept (for debugging an unresolvable token). */
export const debugging = (): boolean => process.env.LAKEFORM_DEBUG === "1";

/** Runs `fn` with cdktf's per-token stack traces off, unless debugging. */
export function withoutTokenTraces<T>(fn: () => T): T {
  if (debugging()) return fn();
  const original = traces.captureStackTrace;
  traces.captureStackTrace = () => [];
  try {
    return fn();
  } finally {
    traces.captureStackTrace = original;
  }
}

interface TokenMapInternals {
  readonly stringTokenMap: Map<unknown, unknown>;
  readonly numberTokenMap: Map<unknown, unknown>;
}

/** cdktf's process-wide token map (created on the first token), if it has the shape this module expects. */
export function tokenMap(): TokenMapInternals | undefined {
  const m = (globalThis as { __cdktfTokenMap?: Partial<TokenMapInternals> }).__cdktfTokenMap;
  return m && m.stringTokenMap instanceof Map && m.numberTokenMap instanceof Map ? (m as TokenMapInternals) : undefined;
}

/** Deletes the entries added after the first `keep` (maps iterate in insertion order). */
function truncate(map: Map<unknown, unknown>, keep: number): void {
  let i = 0;
  for (const key of map.keys()) if (i++ >= keep) map.delete(key);
}

/**
 * Builds one stack in `app`, hands it to `use` (synthesize it, or read its
 * JSON), then detaches it from the app and forgets the tokens registered
 * while it existed, so the stack can be garbage-collected before the next
 * one is built. Tokens registered before it (module-level ones) are kept.
 */
export function oneStack<S extends TerraformStack, R>(app: App, build: (app: App) => S, use: (stack: S) => R): R {
  const before = tokenMap();
  const sizes = before ? [before.stringTokenMap.size, before.numberTokenMap.size] : [0, 0];
  const stack = build(app);
  try {
    return use(stack);
  } finally {
    app.node.tryRemoveChild(stack.node.id);
    const map = tokenMap();
    if (map) {
      truncate(map.stringTokenMap, sizes[0]!);
      truncate(map.numberTokenMap, sizes[1]!);
    }
  }
}
