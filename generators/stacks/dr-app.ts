import { App } from "cdktf";
import type { DrDomainRebuild, DrPlatformRebuild } from "../dr/types";
import { DrDomainStack } from "./dr-domain-stack";
import { DrPlatformStack } from "./dr-platform-stack";
import { DEFAULT_STATE_ROOT } from "./stack-props";

/**
 * Synthesizes the DR stacks into `<outdir>/stacks/<stack>/cdk.tf.json`: a
 * CDKTF app of its own, apart from the primary one, since it is built from
 * exports and applied only in a failover.
 */
export function synthesizeDr(rebuild: { readonly platforms: readonly DrPlatformRebuild[]; readonly domains: readonly DrDomainRebuild[] }, options: { readonly outdir: string; readonly stateRoot?: string }): void {
  const app = new App({ outdir: options.outdir, stackTraces: process.env.LAKEFORM_DEBUG === "1", skipValidation: false });
  const stateRoot = options.stateRoot ?? DEFAULT_STATE_ROOT;
  for (const p of [...rebuild.platforms].sort((a, b) => (a.stack.name < b.stack.name ? -1 : 1))) new DrPlatformStack(app, p, stateRoot);
  for (const d of [...rebuild.domains].sort((a, b) => (a.stack.name < b.stack.name ? -1 : 1))) new DrDomainStack(app, d, stateRoot);
  app.synth();
}
