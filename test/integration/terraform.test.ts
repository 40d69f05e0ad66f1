/**
 * Terraform integration: every stack of the example domains (primary, DR
 * rebuild from the exports, DR compute from the DR model) must init,
 * validate, plan (creating every resource it declares) and apply against a
 * mock AWS provider with its security settings intact. Nothing calls AWS:
 * see test/helpers/terraform.ts for the offline overrides and provider setup.
 *
 * Without Terraform the suite is skipped locally and fails in CI (CI=true).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAndValidate } from "../../generators/manifest/validate";
import type { Model } from "../../generators/model/types";
import { synthesizeModel } from "../../generators/stacks/app";
import { synthesizeDr } from "../../generators/stacks/dr-app";
import { exampleDrModel, exampleDrRebuild, exampleDrStackNames } from "../helpers/dr-examples";
import { loadExamples } from "../helpers/examples";
import { domainFixture, makeProject, platformFixture } from "../helpers/project";
import type { TfJson } from "../helpers/synth";
import {
  COMMAND,
  type Step,
  STEPS,
  SUCCESS,
  type TerraformSetup,
  type TfResult,
  countResources,
  describeRun,
  describeWithTerraform,
  detectTerraform,
  diagnostics,
  OFFLINE_PROVIDER,
  mapLimit,
  planSummary,
  prepareWorkdir,
  providerLockFile,
  runSteps,
  runTerraform,
  setUpTerraform,
  type SfnStandIn,
  startSfnStandIn,
  writeApplyTest,
} from "../helpers/terraform";

const terraform = await detectTerraform();

const { model: exampleModel, manifests: exampleManifests } = await loadExamples();
// The DR stacks `lakeform dr synth` writes from the examples' exports and manifests run like the others.
const drStackNames = exampleDrStackNames(exampleModel);
const stackNames = [...exampleModel.stacks.map((s) => s.name), ...drStackNames];

const readTf = (file: string) => JSON.parse(readFileSync(file, "utf8")) as TfJson;
const stackFile = (outdir: string, name: string) => join(outdir, "stacks", name, "cdk.tf.json");

// ─── the S3-backend variant of a small project ────────────────────────────────

const S3_BACKEND = { type: "s3", bucket: "acme-tfstate", keyPrefix: "lakeform" } as const;

interface S3Variant {
  readonly model: Model;
  readonly outdir: string;
  /** The domain stack that Terraform runs on. */
  readonly stack: string;
}

let s3Variant: Promise<S3Variant> | undefined;
/** Synthesized once per file: platformFixture() with an S3 backend in every environment, plus domain "sales". */
function s3BackendVariant(): Promise<S3Variant> {
  s3Variant ??= (async () => {
    const platform = platformFixture();
    for (const env of Object.values(platform.environments as Record<string, Record<string, unknown>>)) env.backend = { ...S3_BACKEND };
    const root = makeProject({ platform, domains: { sales: domainFixture() } });
    const r = await loadAndValidate(root);
    if (!r.ok) throw new Error(`the S3-backend fixture does not validate:\n${JSON.stringify(r.problems, null, 2)}`);
    const outdir = mkdtempSync(join(tmpdir(), "lakeform-s3-synth-"));
    synthesizeModel(r.model, { outdir });
    const stack = r.model.stacks.find((s) => s.kind === "domain")!.name;
    return { model: r.model, outdir, stack };
  })();
  return s3Variant;
}

afterAll(async () => {
  if (s3Variant) rmSync((await s3Variant.catch(() => undefined))?.outdir ?? "", { recursive: true, force: true });
});

describe("S3 backend in the synthesized JSON", () => {
  it("every stack keeps its state in the S3 bucket under <keyPrefix>/<stack>.tfstate, encrypted and S3-locked", async () => {
    const v = await s3BackendVariant();
    expect(v.model.stacks.length).toBeGreaterThan(0);
    for (const s of v.model.stacks) {
      const backend = readTf(stackFile(v.outdir, s.name)).terraform?.backend as Record<string, Record<string, unknown>> | undefined;
      expect(Object.keys(backend ?? {}), s.name).toEqual(["s3"]);
      const s3 = backend!.s3!;
      expect(s3.use_lockfile, `${s.name}: backend.s3.use_lockfile`).toBe(true);
      expect(s3.encrypt, `${s.name}: backend.s3.encrypt`).toBe(true);
      expect(s3, s.name).toMatchObject({ bucket: "acme-tfstate", key: `lakeform/${s.name}.tfstate`, region: "eu-west-1" });
      expect(s3, `${s.name}: S3-native locking needs no DynamoDB table`).not.toHaveProperty("dynamodb_table");
    }
  });
});

// ─── Terraform ────────────────────────────────────────────────────────────────


interface StackRun {
  readonly name: string;
  workdir?: string;
  /** Resource instances in cdk.tf.json, which the plan must all create. */
  resources?: number;
  /** Assertions in the generated tests/apply.tftest.hcl. */
  assertions?: number;
  readonly steps: Partial<Record<Step, TfResult>>;
  /** First step that failed, or why the working directory could not be prepared. */
  failure?: string;
}

interface S3Run {
  steps: Partial<Record<"init" | "validate" | "probe", TfResult>>;
  /** Requests the local S3 stand-in received during the probe. */
  requests: string[];
  stack?: string;
  failure?: string;
}

const runs = new Map<string, StackRun>(stackNames.map((name) => [name, { name, steps: {} }]));
const s3Run: S3Run = { steps: {}, requests: [] };
let setup: TerraformSetup | undefined;
let sfn: SfnStandIn | undefined;
/** The plan of a state machine whose definition is known at plan time, which the provider sends to Step Functions to validate. */
const sfnProbe: { plan?: TfResult; failure?: string } = {};

/**
 * The example stacks' definitions reference resources created in the same
 * apply (security groups, roles), so a first plan cannot validate them; a
 * later plan, once they are known, does. The probe plans cdr-dev's state
 * machine with those references filled in by literals, through the stand-in.
 */
async function runSfnProbe(ts: TerraformSetup, outdir: string): Promise<void> {
  const tf = readTf(stackFile(outdir, "cdr-dev"));
  const [name, machine] = Object.entries(tf.resource?.aws_sfn_state_machine ?? {})[0] ?? [];
  if (!machine) throw new Error("cdr-dev declares no aws_sfn_state_machine to probe");
  const literal = (ref: string) => (ref.endsWith(".id}") ? "sg-0123456789abcdef0" : ref.endsWith(".name}") ? "probe" : "arn:aws:iam::111111111111:role/probe");
  const definition = String(machine.definition).replace(/\$\{[^}]+\}/g, literal);
  const dir = join(ts.root, "sfn-probe");
  mkdirSync(dir, { recursive: true });
  const provider = { ...OFFLINE_PROVIDER.aws, region: "eu-west-1", max_retries: 1, endpoints: [{ sfn: sfn!.url }] };
  const config = {
    terraform: { required_providers: tf.terraform?.required_providers },
    provider: { aws: [provider] },
    resource: { aws_sfn_state_machine: { [name!]: { name: "probe", role_arn: "arn:aws:iam::111111111111:role/probe", definition } } },
  };
  writeFileSync(join(dir, "main.tf.json"), `${JSON.stringify(config, null, 2)}\n`);
  writeFileSync(join(dir, ".terraform.lock.hcl"), providerLockFile(ts, tf));
  const init = await runTerraform(COMMAND.init, { cwd: dir, env: ts.env });
  if (init.code !== 0) {
    sfnProbe.failure = describeRun(init, "sfn-probe");
    return;
  }
  sfnProbe.plan = await runTerraform(COMMAND.plan, { cwd: dir, env: ts.env });
}

/** The S3-backend stack: init without backend + validate, then a backend init against a local stand-in for S3. */
async function runS3Backend(ts: TerraformSetup): Promise<void> {
  const v = await s3BackendVariant();
  s3Run.stack = v.stack;
  const dir = prepareWorkdir(ts, join(v.outdir, "stacks", v.stack), `s3-backend-${v.stack}`, { keepBackend: true });
  for (const [step, args] of [
    ["init", ["init", "-input=false", "-no-color", "-backend=false"]],
    ["validate", ["validate", "-no-color"]],
  ] as const) {
    const r = await runTerraform(args, { cwd: dir, env: ts.env });
    s3Run.steps[step] = r;
    if (r.code !== 0) {
      s3Run.failure = `terraform ${step} failed`;
      return;
    }
  }
  // `init -backend=false` never reads the backend block. Initialise it for real
  // against a local endpoint that refuses everything: Terraform accepts the
  // configuration, then fails reading the state object, whose request shows
  // the bucket and key it would use. Nothing leaves this machine.
  const server = createServer((req, res) => {
    s3Run.requests.push(`${req.method} ${req.url}`);
    res.writeHead(403, { "content-type": "application/xml" });
    res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>lakeform offline test endpoint</Message></Error>');
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as AddressInfo).port;
  try {
    const config = {
      access_key: "AKIAPLACEHOLDER0000000",
      secret_key: "placeholder",
      skip_credentials_validation: "true",
      skip_requesting_account_id: "true",
      skip_metadata_api_check: "true",
      skip_region_validation: "true",
      use_path_style: "true",
      max_retries: "1",
      endpoints: `{s3="http://127.0.0.1:${port}"}`,
    };
    const probeDir = prepareWorkdir(ts, join(v.outdir, "stacks", v.stack), `s3-backend-probe-${v.stack}`, { keepBackend: true });
    const args = ["init", "-input=false", "-no-color", ...Object.entries(config).map(([k, val]) => `-backend-config=${k}=${val}`)];
    s3Run.steps.probe = await runTerraform(args, { cwd: probeDir, env: ts.env, timeoutMs: 120_000 });
  } finally {
    await new Promise((ok) => server.close(ok));
  }
}

/**
 * The result of one step. A step after a failed one is skipped, with a note
 * naming the failed step (whose own test shows its output); a step missing for
 * any other reason fails.
 */
function step(run: StackRun, name: Step, ctx: TestContext): TfResult {
  const r = run.steps[name];
  if (r) return r;
  const failed = STEPS.find((s) => run.steps[s] && run.steps[s]!.code !== SUCCESS[s]);
  if (failed) {
    const f = run.steps[failed]!;
    const last = diagnostics(f.stderr, "Error").at(-1)?.split("\n");
    const first = last ? [last[0], last.find((l) => /^\s*on /.test(l))?.trim()].filter(Boolean).join(", ") : (f.error ?? "");
    ctx.skip(`terraform ${failed} failed (exit code ${f.code}${first ? `: ${first}` : ""}); see the "terraform ${failed}" test of ${run.name}`);
  }
  throw new Error(`${run.name}: terraform ${name} did not run: ${run.failure ?? "the setup in beforeAll did not reach it"}`);
}

function suite(): void {
  beforeAll(async () => {
    const ts = (setup = setUpTerraform());
    console.info(
      `[terraform] ${terraform.available ? terraform.version : "?"}; providers from ${ts.mirror ? `filesystem mirror ${ts.mirror}` : "the registry"}; working dirs under ${ts.root}`,
    );
    const outdir = join(ts.root, "_synth");
    synthesizeModel(exampleModel, { outdir });
    const drOutdir = join(ts.root, "_synth-dr");
    synthesizeDr(exampleDrRebuild(exampleModel).set, { outdir: drOutdir, dr: { model: exampleDrModel(exampleManifests) } });
    const outdirOf = (name: string) => (drStackNames.includes(name) ? drOutdir : outdir);
    // Plans validate state machine definitions with Step Functions: answered on loopback.
    sfn = await startSfnStandIn();

    for (const run of runs.values()) {
      try {
        const tf = readTf(stackFile(outdirOf(run.name), run.name));
        run.resources = countResources(tf);
        run.workdir = prepareWorkdir(ts, join(outdirOf(run.name), "stacks", run.name), run.name, { endpoints: { sfn: sfn.url } });
        run.assertions = writeApplyTest(run.workdir, tf);
      } catch (e) {
        run.failure = `preparing the working directory failed: ${(e as Error).stack ?? e}`;
      }
    }

    // The first init fills the shared plugin cache when it is empty; after it, two at a time (each working
    // directory has the provider lock file, so no init rewrites the cache another process runs the provider from).
    const [first, ...rest] = [...runs.values()];
    if (first) await runSteps(first, first.workdir!, ts.env, ["init"]);
    const jobs: (() => Promise<void>)[] = [
      ...[first, ...rest].filter((r): r is StackRun => !!r).map((r) => () => runSteps(r, r.workdir!, ts.env)),
      () =>
        runSfnProbe(ts, outdir).catch((e: Error) => {
          sfnProbe.failure = `Step Functions probe failed: ${e.stack ?? e}`;
        }),
      () =>
        runS3Backend(ts).catch((e: Error) => {
          s3Run.failure = `S3-backend setup failed: ${e.stack ?? e}`;
        }),
    ];
    const started = Date.now();
    await mapLimit(jobs, 2, (job) => job());
    const avg = (st: Step) => {
      const ms = [...runs.values()].flatMap((r) => (r.steps[st] ? [r.steps[st]!.ms] : []));
      return ms.length ? `${st} ${Math.round(ms.reduce((a, b) => a + b, 0) / ms.length)} ms` : `${st} -`;
    };
    console.info(`[terraform] ${runs.size} stacks + S3-backend stack in ${Date.now() - started} ms after the first init; per stack on average: ${STEPS.map(avg).join(", ")}`);
    // About 45 s of Terraform per stack, two at a time, on cores other test files share: longer than the default hook timeout.
  }, 1_500_000);

  afterAll(async () => {
    await sfn?.close();
    const failed = [...runs.values()].some((r) => r.failure) || s3Run.failure || s3Run.steps.probe?.code !== 1 || sfnProbe.failure || sfnProbe.plan?.code !== 2;
    if (setup && !failed && !process.env.LAKEFORM_KEEP_TF_WORKDIR) rmSync(setup.root, { recursive: true, force: true });
    else if (setup) console.warn(`[terraform] working directories kept for inspection: ${setup.root}`);
  });

  for (const name of stackNames) {
    describe(name, () => {
      const run = runs.get(name)!;

      it("terraform init", (ctx) => {
        const r = step(run, "init", ctx);
        expect(r.code, describeRun(r, name)).toBe(0);
      });

      it("terraform validate", (ctx) => {
        const r = step(run, "validate", ctx);
        expect(r.code, describeRun(r, name)).toBe(0);
      });

      it("terraform plan creates every resource of cdk.tf.json, changes and destroys nothing", (ctx) => {
        const r = step(run, "plan", ctx);
        expect(r.code, `expected exit code 2 (changes present)\n${describeRun(r, name)}`).toBe(2);
        const summary = planSummary(r.stdout);
        expect(summary, `no "Plan: …" line\n${describeRun(r, name)}`).toBeDefined();
        expect(summary, `${name}: cdk.tf.json declares ${run.resources} resources`).toEqual({ import: 0, add: run.resources, change: 0, destroy: 0 });
      });

      it("terraform test: a mock-provider apply keeps the configured security settings", (ctx) => {
        const r = step(run, "test", ctx);
        expect(run.assertions, `${name}: the generated tests/apply.tftest.hcl asserts nothing`).toBeGreaterThan(0);
        expect(r.code, describeRun(r, name)).toBe(0);
        expect(r.stdout, describeRun(r, name)).toMatch(/Success! 1 passed, 0 failed\./);
      });

      it("terraform validate and plan print no warnings", (ctx) => {
        const warnings = (["validate", "plan"] as const).flatMap((s) => {
          const r = step(run, s, ctx);
          return diagnostics(`${r.stdout}\n${r.stderr}`, "Warning").map((w) => `terraform ${s}: ${w}`);
        });
        expect(warnings, `${name}:\n${warnings.join("\n\n")}`).toEqual([]);
      });
    });
  }

  describe("Step Functions stand-in", () => {
    it("answers the definition check of a plan whose state machine definition is known, through the provider's sfn endpoint", () => {
      expect(sfnProbe.failure).toBeUndefined();
      const r = sfnProbe.plan!;
      expect(r.code, describeRun(r, "sfn-probe")).toBe(2);
      expect(sfn!.requests, describeRun(r, "sfn-probe")).toContain("ValidateStateMachineDefinition STANDARD OK");
    });

    it("was asked nothing it refused, and found no definition wrong", () => {
      expect(sfn!.requests.filter((r) => !r.endsWith(" OK"))).toEqual([]);
    });
  });

  describe("S3 backend stack", () => {
    const need = (s: keyof S3Run["steps"], ctx: TestContext): TfResult => {
      const r = s3Run.steps[s];
      if (r) return r;
      const failed = (["init", "validate"] as const).find((x) => s3Run.steps[x] && s3Run.steps[x]!.code !== 0);
      if (failed) ctx.skip(`terraform ${failed} failed; see the "terraform ${failed}" test of the S3 backend stack`);
      throw new Error(`terraform ${s} did not run: ${s3Run.failure ?? "the setup in beforeAll did not reach it"}`);
    };

    it("terraform init -backend=false", (ctx) => {
      const r = need("init", ctx);
      expect(r.code, describeRun(r, s3Run.stack)).toBe(0);
    });

    it("terraform validate", (ctx) => {
      const r = need("validate", ctx);
      expect(r.code, describeRun(r, s3Run.stack)).toBe(0);
    });

    it("terraform init accepts the S3 backend block and reads <keyPrefix>/<stack>.tfstate from the bucket", (ctx) => {
      const r = need("probe", ctx);
      const detail = `requests: ${JSON.stringify(s3Run.requests)}\n${describeRun(r, s3Run.stack)}`;
      expect(r.stdout, detail).toContain('Successfully configured the backend "s3"');
      expect(r.stderr, detail).not.toMatch(/Unsupported argument|Invalid backend configuration|Missing required argument/);
      expect(s3Run.requests, detail).toContain(`HEAD /acme-tfstate/lakeform/${s3Run.stack}.tfstate`);
      // The stand-in refuses every request, so init must end with an error.
      expect(r.code, detail).toBe(1);
    });
  });
}

describeWithTerraform(terraform, "terraform", suite);
