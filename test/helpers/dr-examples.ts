import { catalogExports } from "../../generators/export/build";
import { readExport } from "../../generators/export/format";
import { type DrRebuildSet, type ExportFile, rebuildAll } from "../../generators/dr/load";
import { formatProblems } from "../../generators/manifest/errors";
import type { ValidatedManifests } from "../../generators/manifest/validate";
import { buildDrModel } from "../../generators/model/dr-model";
import type { Model } from "../../generators/model/types";

/**
 * The DR rebuild the tests audit and run Terraform on: the exports `lakeform
 * synth` writes for the example domains, rebuilt for the platform's DR region
 * as `lakeform dr synth --region <dr>` would (read back from their bytes, so
 * the rebuild sees exactly what a failover would fetch).
 */
export function exampleDrRebuild(model: Model): { exports: ExportFile[]; set: DrRebuildSet } {
  const exports = [...catalogExports(model)].map(([file, text]) => ({ file, export: readExport(text, file) }));
  const r = rebuildAll(exports, model.regions.dr, model);
  if (!r.ok) throw new Error(`the example exports do not rebuild:\n${JSON.stringify(r.problems, null, 2)}`);
  return { exports, set: r.set };
}

/** The DR model of the example manifests, as `lakeform dr synth` builds it (throws with the problems when it cannot). */
export function exampleDrModel(manifests: ValidatedManifests): Model {
  const r = buildDrModel(manifests.platform, manifests.platformFile, manifests.domains);
  if (!r.ok) throw new Error(`the example manifests have no valid DR side:\n${formatProblems(r.problems)}`);
  return r.model;
}

/**
 * The DR stacks of the examples: dr-platform-<env> and dr-orchestration-<env> per environment with domains,
 * dr-compute-<domain>-<env> and dr-<domain>-<env> per deployment, sorted.
 */
export function exampleDrStackNames(model: Model): string[] {
  const envs = [...new Set(model.domains.flatMap((d) => d.deployments.map((x) => x.environment)))];
  return [
    ...envs.flatMap((e) => [`dr-platform-${e}`, `dr-orchestration-${e}`]),
    ...model.domains.flatMap((d) => d.deployments.flatMap((x) => [`dr-compute-${d.name}-${x.environment}`, `dr-${d.name}-${x.environment}`])),
  ].sort();
}
