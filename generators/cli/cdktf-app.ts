/**
 * Entry point for the cdktf CLI (`cdktf synth`, `cdktf plan <stack>`, see
 * cdktf.json). Same validation as `lakeform synth`; CDKTF chooses the output
 * directory. Bad manifests exit 2 with every problem listed.
 */
import { resolve } from "node:path";
import { formatProblems } from "../manifest/errors";
import { loadAndValidate } from "../manifest/validate";
import { stateRootFor, synthesizeModel } from "../stacks/app";

const result = await loadAndValidate(process.cwd());
if (!result.ok) {
  process.stderr.write(formatProblems(result.problems));
  process.exit(2);
}
if (result.findings.length > 0) {
  process.stderr.write(formatProblems(result.findings, "finding"));
  process.exit(1);
}
const only = process.env.LAKEFORM_STACKS?.split(",").filter(Boolean);
const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
synthesizeModel(result.model, { outdir, stateRoot: stateRootFor(resolve(outdir), process.cwd()), ...(only ? { stacks: only } : {}) });
