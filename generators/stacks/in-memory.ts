import { tmpdir } from "node:os";
import { App, Testing } from "cdktf";
import type { Model } from "../model/types";
import { buildStack } from "./app";
import { DEFAULT_STATE_ROOT } from "./stack-props";
import { oneStack, withoutTokenTraces } from "./stack-by-stack";

/** One stack's Terraform JSON as `cdk.tf.json` holds it, without CDKTF's `//` metadata; keys sorted. */
export interface StackJson {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
  readonly [block: string]: unknown;
}

/**
 * Constructs the named stacks (default: every stack) and returns their JSON
 * without writing anything: for commands that read synthesized stacks
 * (`review`) rather than write them. Same constructs as `synthesizeModel`.
 */
export function synthesizeInMemory(model: Model, stacks?: readonly string[]): Map<string, StackJson> {
  const wanted = stacks ? new Set(stacks) : undefined;
  // An existing directory: App creates its outdir when missing, and nothing is written without app.synth().
  const app = new App({ outdir: tmpdir(), stackTraces: false, skipValidation: true });
  const out = new Map<string, StackJson>();
  withoutTokenTraces(() => {
    for (const stack of model.stacks) {
      if (wanted && !wanted.has(stack.name)) continue;
      // One stack in memory at a time: only its JSON is kept.
      out.set(stack.name, oneStack(app, (scope) => buildStack(scope, model, stack, DEFAULT_STATE_ROOT), (construct) => JSON.parse(Testing.synth(construct, true)) as StackJson));
    }
  });
  return out;
}
