/**
 * Harness for running the Terraform CLI against synthesized stacks, offline.
 *
 * - Every command runs through child_process.spawn (async, no shell).
 * - The tests write their own CLI config (TF_CLI_CONFIG_FILE): a shared
 *   plugin cache, and a filesystem mirror for hashicorp/* when one is found on
 *   this machine (discovered at run time; no machine path is written here).
 * - Each working directory gets an override file that switches the backend to
 *   local state and the AWS provider to placeholder credentials with every
 *   check that would call AWS turned off; the one call a plan still makes
 *   (Step Functions' ValidateStateMachineDefinition) goes to a loopback
 *   stand-in (startSfnStandIn) through the provider's `endpoints`.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";
import { describe, it } from "vitest";
import type { TfJson } from "./synth";

// ─── running terraform ────────────────────────────────────────────────────────

/** The Terraform binary: `LAKEFORM_TERRAFORM_BIN` when set, else `terraform` from PATH. */
export function terraformBin(): string {
  return process.env.LAKEFORM_TERRAFORM_BIN || "terraform";
}

export interface TfResult {
  readonly args: readonly string[];
  readonly cwd: string;
  /** Exit code; null when the process could not start or was killed. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  /** Why the process could not start or was stopped (ENOENT, timeout). */
  readonly error?: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** @default 300_000 */
  readonly timeoutMs?: number;
}

/** Runs `terraform <args>` and resolves with everything it printed; never rejects. */
export function runTerraform(args: readonly string[], options: RunOptions): Promise<TfResult> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 300_000;
  return new Promise((done) => {
    let stdout = "";
    let stderr = "";
    let settled = false;
    let timedOut = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null, error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const base = { args, cwd: options.cwd, code, signal, stdout, stderr, ms: Date.now() - started };
      done(error ? { ...base, error } : base);
    };
    const child = spawn(terraformBin(), [...args], { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], shell: false });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", (e) => finish(null, null, `${terraformBin()} could not be run: ${e.message}`));
    child.on("close", (code, signal) => finish(code, signal, timedOut ? `killed after ${timeoutMs} ms` : undefined));
  });
}

export type TerraformAvailability = { available: true; version: string } | { available: false; reason: string };

/** `terraform version`: whether the CLI can be run here at all. */
export async function detectTerraform(): Promise<TerraformAvailability> {
  const r = await runTerraform(["version", "-json"], { cwd: process.cwd(), env: { ...process.env, CHECKPOINT_DISABLE: "1" }, timeoutMs: 60_000 });
  if (r.code !== 0) {
    const why = r.error ?? `exit code ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`;
    return { available: false, reason: `\`${terraformBin()} version\` failed (${why}); install Terraform >= 1.10 on PATH or set LAKEFORM_TERRAFORM_BIN` };
  }
  try {
    return { available: true, version: (JSON.parse(r.stdout) as { terraform_version: string }).terraform_version };
  } catch {
    return { available: true, version: r.stdout.split("\n")[0]!.trim() };
  }
}

/** A failure message naming the command, where it ran, its exit code and what it printed. */
export function describeRun(r: TfResult, label = ""): string {
  const tail = (s: string, n: number) => (s.length > n ? `…${s.slice(-n)}` : s);
  return [
    `${label ? `${label}: ` : ""}\`terraform ${r.args.join(" ")}\` in ${r.cwd}`,
    `exit code ${r.code}${r.signal ? ` (signal ${r.signal})` : ""}${r.error ? ` — ${r.error}` : ""}, ${r.ms} ms`,
    `--- stderr ---\n${tail(r.stderr.trim(), 8000) || "(empty)"}`,
    `--- stdout ---\n${tail(r.stdout.trim(), 4000) || "(empty)"}`,
  ].join("\n");
}

/** The `Warning:` / `Error:` diagnostics of a -no-color output, one string each. */
export function diagnostics(output: string, severity: "Warning" | "Error"): string[] {
  const out: string[] = [];
  let current: string[] | undefined;
  for (const raw of output.split("\n")) {
    const line = raw.replace(/^[│╷╵]\s?/, "");
    if (/^(Warning|Error): /.test(line)) {
      if (current) out.push(current.join("\n").trim());
      current = line.startsWith(`${severity}: `) ? [line] : undefined;
    } else if (current) current.push(line);
  }
  if (current) out.push(current.join("\n").trim());
  return out;
}

// ─── environment and CLI configuration ────────────────────────────────────────

/** Shared provider cache: the AWS provider is ~675 MB, linked into each stack rather than copied. */
export function pluginCacheDir(): string {
  const dir = join(tmpdir(), "lakeform-tf-plugin-cache");
  mkdirSync(dir, { recursive: true });
  return dir;
}

const SKIP_DIRS = new Set(["/proc", "/sys", "/dev"]);

/**
 * A local provider mirror (unpacked layout: <mirror>/registry.terraform.io/hashicorp/aws/…).
 * `LAKEFORM_TF_MIRROR` first; else the parent of the shallowest directory named
 * `registry.terraform.io` within `maxDepth` levels of `root` that holds
 * hashicorp/aws (breadth first, names sorted; /proc, /sys, /dev, `.terraform`
 * folders and the plugin cache itself are skipped; unreadable folders ignored).
 */
export function findProviderMirror(options: { root?: string; maxDepth?: number; exclude?: readonly string[] } = {}): string | undefined {
  const fromEnv = process.env.LAKEFORM_TF_MIRROR;
  if (fromEnv) {
    if (!existsSync(join(fromEnv, "registry.terraform.io"))) {
      throw new Error(`LAKEFORM_TF_MIRROR=${fromEnv} has no registry.terraform.io folder; point it at a filesystem mirror (terraform providers mirror <dir>)`);
    }
    return resolve(fromEnv);
  }
  const root = resolve(options.root ?? "/");
  const maxDepth = options.maxDepth ?? 3;
  const excluded = new Set((options.exclude ?? [pluginCacheDir()]).map((p) => resolve(p)));
  let level = [root];
  for (let depth = 1; depth <= maxDepth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      let names: string[];
      try {
        names = readdirSync(dir).sort();
      } catch {
        continue; // permission denied, vanished, not a directory
      }
      for (const name of names) {
        const path = dir === sep ? `${sep}${name}` : join(dir, name);
        if (SKIP_DIRS.has(path) || name === ".terraform") continue;
        if (name === "registry.terraform.io") {
          if (!excluded.has(dir) && isDir(join(path, "hashicorp", "aws"))) return dir;
          continue;
        }
        if (depth < maxDepth && isRealDir(path)) next.push(path);
      }
    }
    level = next;
  }
  return undefined;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A directory that is not a symlink (no loops, no detours while searching). */
function isRealDir(p: string): boolean {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

const hclString = (s: string) => JSON.stringify(s).replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");

/** The CLI config text: plugin cache, plus the mirror for hashicorp/* when there is one. */
export function cliConfigText(cacheDir: string, mirror: string | undefined): string {
  const lines = [`plugin_cache_dir = ${hclString(cacheDir)}`, ""];
  if (mirror) {
    lines.push(
      "provider_installation {",
      "  filesystem_mirror {",
      `    path    = ${hclString(mirror)}`,
      '    include = ["registry.terraform.io/hashicorp/*"]',
      "  }",
      "  direct {",
      '    exclude = ["registry.terraform.io/hashicorp/*"]',
      "  }",
      "}",
      "",
    );
  }
  return lines.join("\n");
}

export interface TerraformSetup {
  /** Temp folder holding the CLI config and every working directory. */
  readonly root: string;
  readonly cliConfigFile: string;
  readonly mirror: string | undefined;
  readonly env: NodeJS.ProcessEnv;
}

/** Variables that would change what Terraform or the AWS SDK does; kept: TF_LOG*. */
function isolatedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith("AWS_")) continue;
    if (k.startsWith("TF_") && !k.startsWith("TF_LOG")) continue;
    env[k] = v;
  }
  return env;
}

/** A temp root with the CLI config, and the environment every terraform command runs with. */
export function setUpTerraform(): TerraformSetup {
  const root = mkdtempSync(join(tmpdir(), "lakeform-tf-"));
  const mirror = findProviderMirror();
  const cliConfigFile = join(root, "terraform.tfrc");
  writeFileSync(cliConfigFile, cliConfigText(pluginCacheDir(), mirror));
  const env = {
    ...isolatedEnv(),
    TF_CLI_CONFIG_FILE: cliConfigFile,
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
    AWS_EC2_METADATA_DISABLED: "true",
  };
  return { root, cliConfigFile, mirror, env };
}

// ─── working directories ──────────────────────────────────────────────────────

export const OVERRIDE_FILE = "zz_lakeform_test_override.tf.json";

/**
 * Placeholder credentials and no AWS round trips. `allowed_account_ids` is
 * nulled: with skip_requesting_account_id the provider cannot know the
 * account, and would refuse to plan.
 */
export const OFFLINE_PROVIDER = {
  aws: {
    access_key: "AKIAPLACEHOLDER0000000",
    secret_key: "placeholder",
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
    allowed_account_ids: null,
  },
} as const;

/** Local state in the working directory (never the project's terraform.<stack>.tfstate). */
export const OFFLINE_OVERRIDE = { terraform: { backend: { local: { path: "terraform.tfstate" } } }, provider: OFFLINE_PROVIDER } as const;

/** The Terraform steps every integration test runs on a stack, in order. */
export type Step = "init" | "validate" | "plan" | "test";
export const STEPS: readonly Step[] = ["init", "validate", "plan", "test"];
export const COMMAND: Record<Step, readonly string[]> = {
  init: ["init", "-input=false", "-no-color"],
  validate: ["validate", "-no-color"],
  plan: ["plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode"],
  test: ["test", "-no-color"],
};
/** plan -detailed-exitcode: 2 = succeeded with changes (a new stack must create everything). */
export const SUCCESS: Record<Step, number> = { init: 0, validate: 0, plan: 2, test: 0 };

/**
 * Runs `steps` in `cwd`, in order, into `run.steps`; a step that fails sets
 * `run.failure` and ends the run. Steps already run (or after a failure) are
 * not run again.
 */
export async function runSteps(
  run: { steps: Partial<Record<Step, TfResult>>; failure?: string },
  cwd: string,
  env: NodeJS.ProcessEnv,
  steps: readonly Step[] = STEPS,
): Promise<void> {
  for (const step of steps) {
    if (run.failure || run.steps[step]) continue;
    const r = await runTerraform(COMMAND[step], { cwd, env });
    run.steps[step] = r;
    if (r.code !== SUCCESS[step]) run.failure = `terraform ${step} failed`;
  }
}

/**
 * Declares `suite` under `<title> (<version>)` when Terraform can run here;
 * without it, a failing test in CI (CI=true) and a skipped suite locally.
 */
export function describeWithTerraform(terraform: TerraformAvailability, title: string, suite: () => void): void {
  if (terraform.available) {
    describe(`${title} (${terraform.version})`, suite);
  } else if (process.env.CI === "true") {
    describe(title, () => {
      it("has Terraform (required in CI)", () => {
        throw new Error(`Terraform is required in CI (CI=true) for the suite "${title}": ${terraform.reason}`);
      });
    });
  } else {
    console.warn(`[terraform] skipping the suite "${title}": ${terraform.reason}`);
    describe.skipIf(true)(`${title} — skipped: ${terraform.reason}`, suite);
  }
}

/**
 * Copies a synthesized stack folder to `<setup.root>/<name>` and writes the
 * override file. `keepBackend` writes only the provider part, for tests of the
 * synthesized backend itself.
 */
export function prepareWorkdir(
  setup: TerraformSetup,
  stackDir: string,
  name: string,
  opts: { keepBackend?: boolean; endpoints?: Readonly<Record<string, string>> } = {},
): string {
  const dir = join(setup.root, name);
  cpSync(stackDir, dir, { recursive: true });
  const tf = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as TfJson;
  writeFileSync(join(dir, ".terraform.lock.hcl"), providerLockFile(setup, tf));
  const primary = opts.endpoints ? { aws: { ...OFFLINE_PROVIDER.aws, endpoints: [{ ...opts.endpoints }] } } : OFFLINE_PROVIDER;
  // A second-region provider (aws.dr) gets the same placeholder credentials; an override matches a provider by name and alias.
  const aliases = providerAliases(tf);
  const provider = aliases.length === 0 ? primary : { aws: [primary.aws, ...aliases.map((alias) => ({ alias, ...OFFLINE_PROVIDER.aws }))] };
  const override = opts.keepBackend ? { provider } : { ...OFFLINE_OVERRIDE, provider };
  writeFileSync(join(dir, OVERRIDE_FILE), `${JSON.stringify(override, null, 2)}\n`);
  return dir;
}

const lockFiles = new Map<string, string>();

/**
 * The dependency lock file for a stack's providers, made once per setup and
 * constraint set with `terraform providers lock` (from the mirror when there
 * is one) and written into every working directory before `init`. Without a
 * lock file, every `init` re-installs the provider into the shared plugin
 * cache, replacing the entry other working directories link to — and a
 * Terraform process starting the provider at that moment fails with
 * "fork/exec …terraform-provider-aws…: no such file or directory". With the
 * lock file, `init` trusts the cached package and leaves the cache alone.
 */
export function providerLockFile(setup: TerraformSetup, tf: TfJson): string {
  const required = (tf as { terraform?: { required_providers?: unknown } }).terraform?.required_providers ?? {};
  const key = `${setup.root}\n${JSON.stringify(required)}`;
  const known = lockFiles.get(key);
  if (known !== undefined) return known;
  const dir = join(setup.root, `_providers-lock-${createHash("sha256").update(key).digest("hex").slice(0, 12)}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ terraform: { required_providers: required } }));
  const platform = `${process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`;
  const args = ["providers", "lock", "-no-color", `-platform=${platform}`, ...(setup.mirror ? [`-fs-mirror=${setup.mirror}`] : [])];
  const r = spawnSync(terraformBin(), args, { cwd: dir, env: setup.env, encoding: "utf8", timeout: 300_000 });
  if (r.status !== 0) throw new Error(`terraform ${args.join(" ")} failed in ${dir}:\n${r.stdout}${r.stderr}${r.error ? String(r.error) : ""}`);
  const text = readFileSync(join(dir, ".terraform.lock.hcl"), "utf8");
  lockFiles.set(key, text);
  return text;
}

// ─── a loopback stand-in for Step Functions ──────────────────────────────────

export interface SfnStandIn {
  /** `http://127.0.0.1:<port>`, for the provider's `endpoints { sfn = … }`. */
  readonly url: string;
  /** `<X-Amz-Target action> <state machine type> <result>`, one per request received. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * Provider 5.x asks Step Functions to validate a state machine's definition
 * while planning (ValidateStateMachineDefinition, in the resource's diff).
 * Offline there is no Step Functions, so this answers that one action on
 * loopback: OK when the definition is a JSON object with StartAt and States
 * (what the real API checks first), FAIL with a diagnostic otherwise. Any
 * other action gets UnknownOperationException, so a new call shows up as a
 * failing plan, not as a silent success. `terraform test` needs none of it:
 * its mock provider answers everything itself.
 */
export async function startSfnStandIn(): Promise<SfnStandIn> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (c: string) => (body += c));
    req.on("end", () => {
      const action = String(req.headers["x-amz-target"] ?? "").replace(/^AWSStepFunctions\./, "");
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify(payload));
      };
      if (action !== "ValidateStateMachineDefinition") {
        requests.push(`${action || "(no action)"} - refused`);
        reply(400, { __type: "UnknownOperationException", message: `lakeform offline stand-in answers only ValidateStateMachineDefinition, not ${action}` });
        return;
      }
      let ok = false;
      let type = "?";
      try {
        const input = JSON.parse(body) as { definition?: string; type?: string };
        type = input.type ?? "STANDARD";
        const definition = JSON.parse(input.definition ?? "") as Record<string, unknown>;
        ok = typeof definition.StartAt === "string" && typeof definition.States === "object" && definition.States !== null && definition.StartAt in (definition.States as object);
      } catch {
        ok = false;
      }
      requests.push(`${action} ${type} ${ok ? "OK" : "FAIL"}`);
      reply(
        200,
        ok
          ? { result: "OK", diagnostics: [] }
          : { result: "FAIL", diagnostics: [{ severity: "ERROR", code: "SCHEMA_VALIDATION_FAILED", message: "not a state machine definition (lakeform offline stand-in)", location: "/" }] },
      );
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

// ─── what the plan and the mock apply must show ───────────────────────────────

/** How many resource instances the stack declares (literal count / for_each only). */
export function countResources(tf: TfJson): number {
  let n = 0;
  for (const [type, byName] of Object.entries(tf.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const count = body.count;
      const forEach = body.for_each;
      if (count === undefined && forEach === undefined) n += 1;
      else if (typeof count === "number") n += count;
      else if (Array.isArray(forEach)) n += forEach.length;
      else if (forEach && typeof forEach === "object") n += Object.keys(forEach).length;
      else throw new Error(`${type}.${name}: count/for_each is not a literal, cannot know the number of instances before plan`);
    }
  }
  return n;
}

export interface PlanSummary {
  readonly import: number;
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
}

/** Parses `Plan: N to add, N to change, N to destroy.`; undefined when there is none. */
export function planSummary(stdout: string): PlanSummary | undefined {
  const m = /^Plan: (?:(\d+) to import, )?(\d+) to add, (\d+) to change, (\d+) to destroy\./m.exec(stdout);
  if (!m) return undefined;
  return { import: Number(m[1] ?? 0), add: Number(m[2]), change: Number(m[3]), destroy: Number(m[4]) };
}

export interface Assertion {
  readonly condition: string;
  readonly message: string;
}

type Literal = string | number | boolean;

const isLiteral = (v: unknown): v is Literal =>
  typeof v === "boolean" || typeof v === "number" || (typeof v === "string" && !v.includes("${"));

function hcl(v: Literal | readonly Literal[], asSet = false): string {
  if (Array.isArray(v)) return `${asSet ? "toset(" : ""}[${v.map((x) => hcl(x)).join(", ")}]${asSet ? ")" : ""}`;
  return typeof v === "string" ? hclString(v) : String(v);
}

function eq(address: string, expected: Literal | readonly Literal[], asSet = false): Assertion {
  const value = hcl(expected, asSet);
  return { condition: `${address} == ${value}`, message: `${address} should be ${value}` };
}

/** `expected` when configured as a literal (not an interpolation); else nothing to assert. */
function configured(address: string, value: unknown, asSet = false): Assertion[] {
  if (isLiteral(value)) return [eq(address, value)];
  if (Array.isArray(value) && value.every(isLiteral)) return [eq(address, value, asSet)];
  return [];
}

/**
 * Assertions on configured values only (mock providers return random values
 * for computed attributes). The security settings are asserted as the values
 * they must have, so a synthesized stack that weakens them fails here too.
 */
const RULES: Record<string, (address: string, body: Record<string, unknown>) => Assertion[]> = {
  aws_s3_bucket_public_access_block: (a) =>
    ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"].map((f) => eq(`${a}.${f}`, true)),
  aws_s3_bucket_versioning: (a) => [eq(`${a}.versioning_configuration[0].status`, "Enabled")],
  aws_s3_bucket_ownership_controls: (a) => [eq(`${a}.rule[0].object_ownership`, "BucketOwnerEnforced")],
  // Rotation always; multi-Region as configured (every key but MWAA's, which refuses it).
  aws_kms_key: (a, b) => [eq(`${a}.enable_key_rotation`, true), ...configured(`${a}.multi_region`, b.multi_region)],
  // A replica rotates with its primary; it must be enabled and keep the 30-day deletion window.
  aws_kms_replica_key: (a) => [eq(`${a}.enabled`, true), eq(`${a}.deletion_window_in_days`, 30)],
  aws_mwaa_environment: (a, b) => [eq(`${a}.webserver_access_mode`, "PRIVATE_ONLY"), ...configured(`${a}.kms_key`, b.kms_key)],
  aws_s3_bucket: (a, b) => [...configured(`${a}.bucket`, b.bucket), ...configured(`${a}.force_destroy`, b.force_destroy)],
  aws_glue_catalog_database: (a, b) => [...configured(`${a}.name`, b.name), ...configured(`${a}.catalog_id`, b.catalog_id)],
  aws_lakeformation_resource: (a) => [eq(`${a}.hybrid_access_enabled`, false)],
  aws_lakeformation_lf_tag: (a, b) => [...configured(`${a}.key`, b.key), ...configured(`${a}.values`, b.values, true)],
  aws_lakeformation_data_lake_settings: (a, b) => [
    ...configured(`${a}.catalog_id`, b.catalog_id),
    ...configured(`${a}.admins`, b.admins, true),
    ...configured(`${a}.allow_full_table_external_data_access`, b.allow_full_table_external_data_access),
  ],
};

/** Every assertion for the stack, in a stable order (type, then name). */
export function applyAssertions(tf: TfJson): Assertion[] {
  const out: Assertion[] = [];
  for (const type of Object.keys(tf.resource ?? {}).sort()) {
    const rule = RULES[type];
    if (!rule) continue;
    for (const name of Object.keys(tf.resource[type]!).sort()) out.push(...rule(`${type}.${name}`, tf.resource[type]![name]!));
  }
  return out;
}

/**
 * The mock provider invents random strings for computed attributes; resources
 * that validate an ARN they are given (aws_lakeformation_resource takes the
 * bucket and role ARNs) need ARN-shaped mock values.
 */
const MOCK_PROVIDER = `mock_provider "aws" {
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111111111111:role/mock" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::mock-bucket" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:111111111111:mock" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000" }
  }
  mock_resource "aws_kms_replica_key" {
    defaults = { arn = "arn:aws:kms:eu-central-1:111111111111:key/mrk-00000000000000000000000000000000" }
  }
}
`;

/** Aliases of the stack's AWS provider configurations (a second region), sorted. */
export function providerAliases(tf: TfJson): string[] {
  const aws = (tf as { provider?: { aws?: unknown } }).provider?.aws;
  const configs = (Array.isArray(aws) ? aws : aws ? [aws] : []) as { alias?: string }[];
  return configs.flatMap((c) => (c.alias ? [c.alias] : [])).sort();
}

/** tests/apply.tftest.hcl: a mock-provider apply of the whole stack with the assertions above; every aliased provider mocked too. */
export function applyTestHcl(assertions: readonly Assertion[], aliases: readonly string[] = []): string {
  const blocks = assertions.map((a) => `  assert {\n    condition     = ${a.condition}\n    error_message = ${hclString(a.message)}\n  }\n`);
  const mocks = [MOCK_PROVIDER, ...aliases.map((alias) => MOCK_PROVIDER.replace('mock_provider "aws" {\n', `mock_provider "aws" {\n  alias = ${hclString(alias)}\n`))].join("\n");
  return `# Generated by test/helpers/terraform.ts\n${mocks}\nrun "apply" {\n  command = apply\n\n${blocks.join("\n")}}\n`;
}

/** Writes <workdir>/tests/apply.tftest.hcl; returns how many assertions it holds. */
export function writeApplyTest(workdir: string, tf: TfJson): number {
  const assertions = applyAssertions(tf);
  mkdirSync(join(workdir, "tests"), { recursive: true });
  writeFileSync(join(workdir, "tests", "apply.tftest.hcl"), applyTestHcl(assertions, providerAliases(tf)));
  return assertions.length;
}

// ─── scheduling ───────────────────────────────────────────────────────────────

/** Runs `fn` over `items`, at most `concurrency` at a time; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
