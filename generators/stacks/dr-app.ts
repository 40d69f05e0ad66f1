import { App, type TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { DrDomainRebuild, DrPlatformRebuild } from "../dr/types";
import { drDeploymentOf, drEnvironmentOf } from "../model/dr-model";
import type { DomainDeploymentModel, EnvironmentModel, Model, StackModel } from "../model/types";
import { DrComputeStack } from "./dr-compute-stack";
import { DrDomainStack } from "./dr-domain-stack";
import { DrOrchestrationStack } from "./dr-orchestration-stack";
import { DrPlatformStack } from "./dr-platform-stack";
import { DEFAULT_STATE_ROOT } from "./stack-props";
import { debugging, withoutTokenTraces } from "./stack-by-stack";

/** What a `dr-compute-<domain>-<env>` stack is built from: one deployment of the DR model. */
export interface DrComputeStackInput {
  readonly scope: Construct;
  /** The DR model (generators/model/dr-model.ts). */
  readonly model: Model;
  /** The stack: its name, DR region, backend and tags. */
  readonly stack: StackModel;
  /** The DR model's deployment (physical names already the DR ones). */
  readonly deployment: DomainDeploymentModel;
  readonly environment: EnvironmentModel;
  readonly stateRoot: string;
}

/**
 * The extension point for the domains' compute in the DR region: constructs
 * the `dr-compute-<domain>-<env>` stack of one DR-model deployment in the
 * app. Given to `synthesizeDr`, it is called once per compute stack of the
 * DR model, in name order.
 */
export type DrComputeStackFactory = (input: DrComputeStackInput) => TerraformStack;

/** The compute stacks `lakeform dr synth` writes: DrComputeStack on each DR-model deployment. */
export const buildDrComputeStack: DrComputeStackFactory = (i) => new DrComputeStack(i.scope, i.stack, i.deployment, i.environment, i.stateRoot);

/** The DR stacks a synth wrote, by apply phase. */
export interface DrSynthesized {
  /** `dr-platform-<env>`: Lake Formation settings and LF-tags. */
  readonly platform: readonly string[];
  /** `dr-orchestration-<env>`: endpoints and MWAA. */
  readonly orchestration: readonly string[];
  /** `dr-compute-<domain>-<env>`: the roles and jobs the catalog stacks' grants name. */
  readonly compute: readonly string[];
  /** `dr-<domain>-<env>`: registrations, catalog and grants. */
  readonly domains: readonly string[];
}

/** Every stack name of a DR synth, in apply order. */
export const drStackNamesInApplyOrder = (s: DrSynthesized): string[] => [...s.platform, ...s.orchestration, ...s.compute, ...s.domains];

export interface DrSynthOptions {
  readonly outdir: string;
  readonly stateRoot?: string;
  /**
   * The DR model: its orchestration and compute stacks are synthesized
   * beside the rebuild's (`compute` builds the latter; default
   * `buildDrComputeStack`, replaced only by tests).
   * @default - the rebuild stacks only
   */
  readonly dr?: { readonly model: Model; readonly compute?: DrComputeStackFactory };
}

/**
 * Synthesizes the DR stacks into `<outdir>/stacks/<stack>/cdk.tf.json`: a
 * CDKTF app of its own, apart from the primary one, since it is built from
 * exports (catalog and governance) and the DR model (orchestration and
 * compute) and applied only in a failover.
 */
export function synthesizeDr(
  rebuild: { readonly platforms: readonly DrPlatformRebuild[]; readonly domains: readonly DrDomainRebuild[] },
  options: DrSynthOptions,
): DrSynthesized {
  // No per-token stack traces unless debugging (stack-by-stack.ts): the same bytes, half the time.
  return withoutTokenTraces(() => {
    const app = new App({ outdir: options.outdir, stackTraces: debugging(), skipValidation: false });
    const stateRoot = options.stateRoot ?? DEFAULT_STATE_ROOT;
    const byName = <T extends { stack: StackModel }>(xs: readonly T[]) => [...xs].sort((a, b) => (a.stack.name < b.stack.name ? -1 : 1));
    const out = { platform: [] as string[], orchestration: [] as string[], compute: [] as string[], domains: [] as string[] };
    for (const p of byName(rebuild.platforms)) {
      new DrPlatformStack(app, p, stateRoot);
      out.platform.push(p.stack.name);
    }
    const model = options.dr?.model;
    for (const stack of model?.stacks ?? []) {
      if (stack.kind === "platform") {
        new DrOrchestrationStack(app, model!, stack, drEnvironmentOf(model!, stack), stateRoot);
        out.orchestration.push(stack.name);
      } else {
        const built = (options.dr?.compute ?? buildDrComputeStack)({ scope: app, model: model!, stack, deployment: drDeploymentOf(model!, stack), environment: drEnvironmentOf(model!, stack), stateRoot });
        // The stack's id is its output folder and the name the apply order and guardrails know it by.
        if (built.node.id !== stack.name) throw new Error(`the compute stack factory built "${built.node.id}" for ${stack.name}`);
        out.compute.push(stack.name);
      }
    }
    for (const d of byName(rebuild.domains)) {
      new DrDomainStack(app, d, stateRoot);
      out.domains.push(d.stack.name);
    }
    app.synth();
    return out;
  });
}
