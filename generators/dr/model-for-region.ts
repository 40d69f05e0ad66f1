import type { Problem } from "../manifest/errors";
import type { ValidatedManifests } from "../manifest/validate";
import { buildDrModel, environmentsWithDeployments } from "../model/dr-model";
import type { Model } from "../model/types";

/**
 * The DR model for a rebuild in `region`, or every problem of the
 * manifests' DR side at once (generators/model/dr-model.ts). Orchestration
 * and compute are built for the platform's declared DR region — its network,
 * certificates and cluster — so a rebuild elsewhere is refused, naming
 * `regions.dr`, while any domain is deployed (nothing to retarget otherwise).
 * `only`: the environments of the failover (those of its exports).
 */
export function drModelForRegion(m: ValidatedManifests, region: string | undefined, only?: readonly string[]): { ok: true; model: Model } | { ok: false; problems: readonly Problem[] } {
  const problems: Problem[] = [];
  const declared = m.platform.regions.dr;
  if (region !== undefined && region !== declared && environmentsWithDeployments(m.platform, m.domains).some((e) => !only || only.includes(e))) {
    problems.push({
      file: m.platformFile,
      path: ["regions", "dr"],
      code: "invalid-region",
      message: `is ${declared}, and the DR compute and orchestration stacks are built for it (the environments' dr network, certificates and cluster), not for --region ${region}`,
      got: declared,
      hint: `rebuild in ${declared}, or point regions.dr and every environments.<env>.dr at ${region}`,
    });
  }
  const r = buildDrModel(m.platform, m.platformFile, m.domains, only);
  if (!r.ok) problems.push(...r.problems);
  return problems.length > 0 || !r.ok ? { ok: false, problems } : { ok: true, model: r.model };
}

/**
 * The DR model's stacks for what the exports rebuild: orchestration for the
 * environments they come from, compute for the deployments they describe.
 * A failover of one environment (`--from exports/prod`) rebuilds that one;
 * a deployment without an export has no catalog to recompute into.
 */
export function drModelForExports(model: Model, exported: readonly { readonly domain: string; readonly environment: string }[]): Model {
  const environments = new Set(exported.map((e) => e.environment));
  const deployments = new Set(exported.map((e) => `${e.domain}\u0000${e.environment}`));
  return {
    ...model,
    stacks: model.stacks.filter((s) => (s.kind === "platform" ? environments.has(s.environment) : deployments.has(`${s.domain}\u0000${s.environment}`))),
  };
}
