import { tmpdir } from "node:os";
import { App, Testing } from "cdktf";
import type { Model } from "../model/types";
import { DomainStack } from "./domain-stack";
import { PlatformStack } from "./platform-stack";
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
      const env = model.environments.find((e) => e.name === stack.environment)!;
      const build = (scope: App) =>
        stack.kind === "platform"
          ? new PlatformStack(scope, model, stack, env, DEFAULT_STATE_ROOT)
          : new DomainStack(scope, stack, model.domains.find((d) => d.name === stack.domain)!.deployments.find((x) => x.stack === stack.name)!, env, DEFAULT_STATE_ROOT);
      // One stack in memory at a time: only its JSON is kept.
      out.set(stack.name, oneStack(app, build, (construct) => JSON.parse(Testing.synth(construct, true)) as StackJson));
    }
  });
  return out;
}
