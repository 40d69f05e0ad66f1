import { resolve } from "node:path";
import { type ValidatedManifests, loadAndValidate } from "../../generators/manifest/validate";
import type { Model } from "../../generators/model/types";

const repoRoot = resolve(import.meta.dirname, "../..");

/** The example project (domains/ of this repository), validated: its Model and manifests. Throws with the problems when it does not validate. */
export async function loadExamples(): Promise<{ model: Model; manifests: ValidatedManifests }> {
  const r = await loadAndValidate(repoRoot);
  if (!r.ok) throw new Error(`the example manifests under ${repoRoot}/domains do not validate:\n${JSON.stringify(r.problems, null, 2)}`);
  return { model: r.model, manifests: r.manifests };
}
