/**
 * `npm run bench:dr`: the part of a failover's recovery time that happens on
 * the operator's machine, measured on the example project. For one
 * environment (default prod) it times, each in its own process:
 *
 * 1. `lakeform synth` (the exports a failover fetches from the export bucket);
 * 2. `lakeform dr validate` and `lakeform dr plan` over that environment's exports;
 * 3. `lakeform dr synth --region <regions.dr>`;
 * 4. per DR stack, in the apply order `dr synth` prints: `terraform init`
 *    (against the local provider mirror when the machine has one),
 *    `validate` and an offline `plan` with placeholder credentials.
 *
 * What it cannot measure is AWS creating the resources (`terraform apply`
 * against an account); it counts them per phase instead, which is what the
 * README's recovery-time budget multiplies. Prints a table, writes
 * bench/dr-drill.json.
 *
 * Usage: npm run bench:dr [-- --env prod --out bench/dr-drill.json]
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { COMMAND, type Step, SUCCESS, countResources, detectTerraform, describeRun, prepareWorkdir, runTerraform, setUpTerraform, startSfnStandIn } from "../test/helpers/terraform";
import type { TfJson } from "../test/helpers/synth";

const repo = resolve(import.meta.dirname, "..");
const { values } = parseArgs({ options: { env: { type: "string", default: "prod" }, out: { type: "string", default: "bench/dr-drill.json" } } });
const env = values.env!;
const work = join(repo, "bench", ".work", "dr-drill");
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** Runs the lakeform CLI in a child process; exits the drill on failure. */
function lakeform(label: string, args: readonly string[]): { ms: number; stdout: string } {
  const started = Date.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", join(repo, "generators/cli/main.ts"), ...args], { cwd: repo, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const ms = Date.now() - started;
  if (r.status !== 0) {
    process.stderr.write(`${label} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
  return { ms, stdout: r.stdout };
}

const exportsDir = join(repo, "cdktf.out", "catalog-export", env);
const drOut = join(work, "dr.out");
const steps: { step: string; ms: number }[] = [];
steps.push({ step: "lakeform synth (the exports)", ms: lakeform("synth", ["synth"]).ms });
steps.push({ step: `lakeform dr validate (${env})`, ms: lakeform("dr validate", ["dr", "validate", "--from", exportsDir]).ms });
steps.push({ step: `lakeform dr plan (${env})`, ms: lakeform("dr plan", ["dr", "plan", "--from", exportsDir]).ms });
// The DR region: what dr plan defaults to, the exports' own.
const drRegion = (JSON.parse(readFileSync(join(exportsDir, readdirJson(exportsDir)[0]!), "utf8")) as { source: { drRegion: string } }).source.drRegion;
const synth = lakeform("dr synth", ["dr", "synth", "--from", exportsDir, "--region", drRegion, "--out", drOut]);
steps.push({ step: `lakeform dr synth --region ${drRegion}`, ms: synth.ms });

/** The apply order dr synth printed: phases of stack names. */
const phases = [...synth.stdout.matchAll(/^ {2}(\d+)\. (.+) \((.+)\)$/gm)].map((m) => ({ phase: Number(m[1]), stacks: m[2]!.split(", "), what: m[3]! }));

function readdirJson(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
}

const terraform = await detectTerraform();
if (!terraform.available) {
  process.stderr.write(`Terraform is not available (${terraform.reason}); the drill measured only the lakeform steps.\n`);
}
const rows: { phase: number; stack: string; resources: number; init: number; validate: number; plan: number }[] = [];
if (terraform.available) {
  const setup = setUpTerraform();
  const sfn = await startSfnStandIn();
  try {
    for (const p of phases) {
      for (const stack of p.stacks) {
        const stackDir = join(drOut, "stacks", stack);
        const tf = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as TfJson;
        const dir = prepareWorkdir(setup, stackDir, stack, { endpoints: { sfn: sfn.url } });
        const ms: Partial<Record<Step, number>> = {};
        for (const step of ["init", "validate", "plan"] as const) {
          const r = await runTerraform(COMMAND[step], { cwd: dir, env: setup.env });
          if (r.code !== SUCCESS[step]) {
            process.stderr.write(describeRun(r, `${stack} ${step}`));
            process.exit(1);
          }
          ms[step] = r.ms;
        }
        rows.push({ phase: p.phase, stack, resources: countResources(tf), init: ms.init!, validate: ms.validate!, plan: ms.plan! });
        process.stdout.write(`  ${stack}: ${countResources(tf)} resources, init ${seconds(ms.init!)} s, validate ${seconds(ms.validate!)} s, plan ${seconds(ms.plan!)} s\n`);
      }
    }
  } finally {
    await sfn.close();
  }
}

const total = (f: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + f(r), 0);
const lines = [
  `DR drill for ${env}: ${drRegion}, ${cpus().length} CPUs, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.versions.node}${terraform.available ? `, Terraform ${terraform.version}` : ""}`,
  "",
  "| step | seconds |",
  "|---|---:|",
  ...steps.map((s) => `| ${s.step} | ${seconds(s.ms)} |`),
  "",
  "| phase | stack | resources | init s | validate s | plan s |",
  "|---:|---|---:|---:|---:|---:|",
  ...rows.map((r) => `| ${r.phase} | ${r.stack} | ${r.resources} | ${seconds(r.init)} | ${seconds(r.validate)} | ${seconds(r.plan)} |`),
  rows.length > 0 ? `| | total | ${total((r) => r.resources)} | ${seconds(total((r) => r.init))} | ${seconds(total((r) => r.validate))} | ${seconds(total((r) => r.plan))} |` : "",
];
process.stdout.write(`${lines.join("\n")}\n`);
writeFileSync(
  resolve(repo, values.out!),
  `${JSON.stringify({ environment: env, drRegion, machine: { cpus: cpus().length, node: process.versions.node, terraform: terraform.available ? terraform.version : null }, steps, phases: phases.map((p) => ({ ...p, stacks: rows.filter((r) => r.phase === p.phase) })) }, null, 2)}\n`,
);
rmSync(work, { recursive: true, force: true });
