/**
 * Terraform integration of the DR compute stacks: every `dr-compute-<domain>-<env>`
 * of the examples' DR model must init, validate, plan (creating every
 * resource it declares) and apply against a mock AWS provider with its
 * security settings intact, offline, as test/integration/terraform.test.ts
 * runs the primary and rebuild stacks. Without Terraform it is skipped
 * locally and fails in CI (CI=true).
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  COMMAND,
  type SfnStandIn,
  type Step,
  STEPS,
  SUCCESS,
  type TerraformSetup,
  type TfResult,
  countResources,
  describeRun,
  detectTerraform,
  diagnostics,
  mapLimit,
  planSummary,
  prepareWorkdir,
  runTerraform,
  setUpTerraform,
  startSfnStandIn,
  writeApplyTest,
} from "../helpers/terraform";
import { drComputeInputs, exampleModels, synthesizeDrCompute } from "../helpers/dr-compute";
import type { TfJson } from "../helpers/synth";

const inCi = process.env.CI === "true";
const terraform = await detectTerraform();
const { dr } = await exampleModels();
const inputs = drComputeInputs(dr);


interface Run {
  readonly name: string;
  workdir?: string;
  resources?: number;
  assertions?: number;
  readonly steps: Partial<Record<Step, TfResult>>;
  failure?: string;
}

const runs = new Map<string, Run>(inputs.map((i) => [i.stack.name, { name: i.stack.name, steps: {} }]));
let setup: TerraformSetup | undefined;
let sfn: SfnStandIn | undefined;

function step(run: Run, s: Step): TfResult {
  const r = run.steps[s];
  if (!r) throw new Error(`${run.name}: terraform ${s} did not run: ${run.failure ?? "the setup in beforeAll did not reach it"}`);
  return r;
}

function suite(): void {
  beforeAll(async () => {
    const ts = (setup = setUpTerraform());
    const outdir = join(ts.root, "_synth-dr-compute");
    synthesizeDrCompute(inputs, outdir);
    // Plans validate state machine definitions with Step Functions: answered on loopback.
    sfn = await startSfnStandIn();
    for (const run of runs.values()) {
      try {
        const dir = join(outdir, "stacks", run.name);
        const tf = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")) as TfJson;
        run.resources = countResources(tf);
        run.workdir = prepareWorkdir(ts, dir, run.name, { endpoints: { sfn: sfn.url } });
        run.assertions = writeApplyTest(run.workdir, tf);
      } catch (e) {
        run.failure = `preparing the working directory failed: ${(e as Error).stack ?? e}`;
      }
    }
    const all = [...runs.values()];
    const go = async (run: Run) => {
      for (const s of STEPS) {
        if (run.failure || run.steps[s]) continue;
        const r = await runTerraform(COMMAND[s], { cwd: run.workdir!, env: ts.env });
        run.steps[s] = r;
        if (r.code !== SUCCESS[s]) run.failure = `terraform ${s} failed`;
      }
    };
    // The first init fills the shared plugin cache; after it, two at a time.
    if (all[0]) await go(all[0]);
    await mapLimit(all.slice(1), 2, go);
  }, 1_200_000);

  afterAll(async () => {
    await sfn?.close();
    const failed = [...runs.values()].some((r) => r.failure);
    if (setup && !failed && !process.env.LAKEFORM_KEEP_TF_WORKDIR) rmSync(setup.root, { recursive: true, force: true });
    else if (setup) console.warn(`[terraform] working directories kept for inspection: ${setup.root}`);
  });

  it("has a DR compute stack for every deployment of the examples", () => {
    expect([...runs.keys()]).toEqual(["billing", "cdr", "clickstream"].flatMap((d) => ["dev", "prod"].map((e) => `dr-compute-${d}-${e}`)));
  });

  for (const name of runs.keys()) {
    describe(name, () => {
      const run = runs.get(name)!;
      it("terraform init and validate", () => {
        for (const s of ["init", "validate"] as const) expect(step(run, s).code, describeRun(step(run, s), name)).toBe(0);
      });
      it("terraform plan creates every resource of cdk.tf.json, changes and destroys nothing", () => {
        const r = step(run, "plan");
        expect(r.code, `expected exit code 2 (changes present)\n${describeRun(r, name)}`).toBe(2);
        expect(planSummary(r.stdout), `${name}: cdk.tf.json declares ${run.resources} resources`).toEqual({ import: 0, add: run.resources, change: 0, destroy: 0 });
      });
      it("terraform test: a mock-provider apply keeps the configured security settings", () => {
        const r = step(run, "test");
        expect(run.assertions).toBeGreaterThan(0);
        expect(r.code, describeRun(r, name)).toBe(0);
        expect(r.stdout, describeRun(r, name)).toMatch(/Success! 1 passed, 0 failed\./);
      });
      it("terraform validate and plan print no warnings", () => {
        const warnings = (["validate", "plan"] as const).flatMap((s) => diagnostics(`${step(run, s).stdout}\n${step(run, s).stderr}`, "Warning"));
        expect(warnings, `${name}:\n${warnings.join("\n\n")}`).toEqual([]);
      });
    });
  }
}

if (terraform.available) {
  describe(`terraform (${terraform.version}): DR compute stacks`, suite);
} else if (inCi) {
  describe("terraform", () => {
    it("is installed (required in CI)", () => {
      throw new Error(`Terraform is required in CI (CI=true) for the integration suite: ${terraform.reason}`);
    });
  });
} else {
  console.warn(`[terraform] skipping the DR compute Terraform suite: ${terraform.reason}`);
  describe.skipIf(true)(`terraform — skipped: ${terraform.reason}`, suite);
}
