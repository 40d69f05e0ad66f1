import { join, relative, sep } from "node:path";
import { App, type ISynthesisSession } from "cdktf";
import type { Model, StackModel } from "../model/types";
import { DomainStack } from "./domain-stack";
import { PlatformStack } from "./platform-stack";
import { DEFAULT_STATE_ROOT } from "./stack-props";
import { writeCatalogExports } from "../export/build";
import { debugging, oneStack, withoutTokenTraces } from "./stack-by-stack";

export interface SynthOptions {
  /** Directory CDKTF writes manifest.json and stacks/<name>/cdk.tf.json into. */
  readonly outdir: string;
  /**
   * Stacks to construct and write.
   * @default - every stack of the model
   */
  readonly stacks?: readonly string[];
  /**
   * Path from a stack's working directory (`<outdir>/stacks/<name>/`) to the
   * directory that keeps local state files; see `stateRootFor`.
   * @default "../../.." (the project root, for outdir `<root>/cdktf.out`)
   */
  readonly stateRoot?: string;
}

/** `stateRoot` for an output directory and a project root (absolute or both relative to one base). */
export function stateRootFor(outdir: string, projectRoot: string): string {
  const rel = relative(join(outdir, "stacks", "stack"), projectRoot);
  return rel.split(sep).join("/") || ".";
}

/** Stack names of the model that do not exist, for a clear usage error. */
export function unknownStacks(model: Model, names: readonly string[]): string[] {
  const known = new Set(model.stacks.map((s) => s.name));
  return names.filter((n) => !known.has(n));
}

/** Constructs one stack of the Model in `scope`: the platform stack of its environment, or a domain deployment's stack. */
export function buildStack(scope: App, model: Model, stack: StackModel, stateRoot: string): PlatformStack | DomainStack {
  const env = model.environments.find((e) => e.name === stack.environment)!;
  if (stack.kind === "platform") return new PlatformStack(scope, model, stack, env, stateRoot);
  const dep = model.domains.find((d) => d.name === stack.domain)!.deployments.find((x) => x.stack === stack.name)!;
  return new DomainStack(scope, stack, dep, env, stateRoot);
}

/**
 * Builds the CDKTF app from the Model and synthesizes it. Only the stacks
 * asked for are constructed, so planning one stack costs one stack; they are
 * built and written one at a time, so memory holds one stack, not all of
 * them (see stack-by-stack.ts).
 */
export function synthesizeModel(model: Model, options: SynthOptions): void {
  const wanted = options.stacks ? new Set(options.stacks) : undefined;
  // Stack traces per construct cost about half of synthesis time; keep them for debugging only.
  const app = new App({ outdir: options.outdir, stackTraces: debugging(), skipValidation: false });
  // What app.synth() hands each stack's synthesizer; the manifest collects every stack written.
  const session: ISynthesisSession = { outdir: app.outdir, skipValidation: false, manifest: app.manifest };
  const stateRoot = options.stateRoot ?? DEFAULT_STATE_ROOT;
  withoutTokenTraces(() => {
    for (const stack of model.stacks) {
      if (wanted && !wanted.has(stack.name)) continue;
      oneStack(
        app,
        (scope) => buildStack(scope, model, stack, stateRoot),
        // What app.synth() does per stack; stacks have no cross-stack references to prepare together.
        (built) => {
          built.prepareStack();
          built.synthesizer.synthesize(session);
        },
      );
    }
    // No stack is left in the app: this validates the app and writes manifest.json listing every stack above.
    app.synth();
  });
  // The catalog exports the domain stacks ship, beside them.
  writeCatalogExports(model, options.outdir, wanted);
}
