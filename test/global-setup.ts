import { rmSync } from "node:fs";
import { resolve } from "node:path";

/** Test projects live in <repo>/.lakeform-tmp (so their TS manifests resolve "lakeform"); start and end clean. */
const scratch = resolve(import.meta.dirname, "../.lakeform-tmp");

export function setup(): () => void {
  rmSync(scratch, { recursive: true, force: true });
  return () => {
    if (!process.env.LAKEFORM_KEEP_TF_WORKDIR) rmSync(scratch, { recursive: true, force: true });
  };
}
