import { type ExportFile, rebuildAll, type DrRebuildSet } from "../../generators/dr/load";
import type { Model } from "../../generators/model/types";
import { exportFixture } from "./export-fixture";

/**
 * The DR rebuild the tests audit and run Terraform on: the exports of the
 * example domains, rebuilt for the platform's DR region as `lakeform dr
 * synth` would.
 */
export const EXAMPLE_DR_STACKS = ["dr-platform-prod", "dr-sales-prod"];

export async function exampleDrRebuild(model?: Model): Promise<{ exports: ExportFile[]; set: DrRebuildSet }> {
  const exports: ExportFile[] = [{ file: "catalog-export/prod/sales.json", export: exportFixture() }];
  const r = rebuildAll(exports, "eu-central-1", model);
  if (!r.ok) throw new Error(`the example exports do not rebuild:\n${JSON.stringify(r.problems, null, 2)}`);
  return { exports, set: r.set };
}
