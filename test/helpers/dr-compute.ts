import { App } from "cdktf";
import { drDeploymentOf, drEnvironmentOf } from "../../generators/model/dr-model";
import type { DomainDeploymentModel, EnvironmentModel, Model, StackModel } from "../../generators/model/types";
import { DrComputeStack } from "../../generators/stacks/dr-compute-stack";
import { exampleDrModel } from "./dr-examples";
import { loadExamples } from "./examples";

/** The example project's Model, and its DR model as `lakeform dr synth` builds it (from `environments.<env>.dr`). */
export async function exampleModels(): Promise<{ primary: Model; dr: Model }> {
  const { model, manifests } = await loadExamples();
  return { primary: model, dr: exampleDrModel(manifests) };
}

/** One compute stack of the DR model: its deployment, environment, and the StackModel of `dr-compute-<domain>-<env>`. */
export interface DrComputeInput {
  readonly stack: StackModel;
  readonly dep: DomainDeploymentModel;
  readonly env: EnvironmentModel;
}

/** Every `dr-compute-<domain>-<env>` stack of the DR model, sorted. */
export function drComputeInputs(dr: Model): DrComputeInput[] {
  return dr.stacks
    .filter((s) => s.kind === "domain")
    .map((stack) => ({ stack, dep: drDeploymentOf(dr, stack), env: drEnvironmentOf(dr, stack) }))
    .sort((a, b) => (a.stack.name < b.stack.name ? -1 : 1));
}

/** Synthesizes the DR compute stacks into `outdir` (stacks/<name>/cdk.tf.json). */
export function synthesizeDrCompute(inputs: readonly DrComputeInput[], outdir: string): void {
  const app = new App({ outdir, stackTraces: false, skipValidation: false });
  for (const i of inputs) new DrComputeStack(app, i.stack, i.dep, i.env);
  app.synth();
}
