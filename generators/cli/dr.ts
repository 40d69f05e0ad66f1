import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type DrProblem, type ExportFile, findExportFiles, formatDrProblem, readExportFiles, rebuildAll } from "../dr/load";
import { drModelForExports, drModelForRegion } from "../dr/model-for-region";
import { formatDrPlanJson, formatDrPlanText } from "../dr/plan";
import { formatText } from "../guardrails/report";
import { PACK, blocks, readSynthesizedStacks, runGuardrails } from "../guardrails/run";
import { type Problem, formatProblems } from "../manifest/errors";
import { loadAndValidate } from "../manifest/validate";
import type { Model } from "../model/types";
import { stateRootFor } from "../stacks/app";
import { type DrComputeStackFactory, type DrSynthesized, drStackNamesInApplyOrder, synthesizeDr } from "../stacks/dr-app";
import { GuardrailRefusal } from "./check";
import { EXIT, fail } from "./exit";
import { replaceDirAtomic } from "./write";

/** Where `lakeform synth` writes the exports (cdktf.out/catalog-export/<env>/<domain>.json). */
export const DEFAULT_EXPORTS_DIR = "cdktf.out/catalog-export";
export const DEFAULT_DR_OUT = "dr.out";


export const DR_HELP = `Usage: lakeform dr <validate|plan|synth> [options] [EXPORT ...]

Disaster recovery from catalog exports: the DR stacks rebuild each domain's
catalog and governance in the DR region from its export alone, and the
orchestration (and compute) from the manifests, retargeted to the DR region
(environments.<env>.dr of the platform manifest).

  validate [EXPORT ...]        check each export: schema, canonical order,
                               references and content hash
  plan [--region R] [--format text|json] [EXPORT ...]
                               what a rebuild would create, per stack
                               (orchestration and compute too, when <dir>
                               has manifests)
  synth --region R [--out DIR] [EXPORT ...]
                               write dr-platform-<env>, dr-orchestration-<env>,
                               dr-compute-<domain>-<env> and dr-<domain>-<env> into
                               <out>/stacks/<stack>/cdk.tf.json
                               (default out: <dir>/${DEFAULT_DR_OUT}), after
                               the guardrail pack found no error in the
                               orchestration and compute stacks; prints the
                               apply order

Options:
  --dir DIR     project root holding domains/ (default: the current directory)
  --from DIR    read every *.json under DIR instead of naming exports
                (default: <dir>/${DEFAULT_EXPORTS_DIR}, where synth writes them)
  --region R    the region to rebuild in; plan defaults to each export's DR region

A corrupt, tampered or foreign export is refused with its file and field
(<file> › <field>: <what is wrong>), exit 2; synth then writes nothing and
an earlier output stays as it was. synth needs the manifests too, for the
environments' backends, tags and Lake Formation admins and their DR side
(a dr network for every environment with domains, dr.emr for fleet jobs,
dr.eks for emr-eks jobs), and rebuilds only in the platform's regions.dr;
the catalog comes from the exports alone.
Exit codes: 0 fine, 1 guardrail errors (nothing written), 2 bad export, bad
manifests or usage.
`;

/** Every refusal of `lakeform dr` is bad input (exit 2). */
const refuse = (message: string) => fail(EXIT.badInput, message);

const problemsText = (ps: readonly DrProblem[], verb = "refused") => {
  const files = new Set(ps.map((p) => p.file)).size;
  return `${ps.map(formatDrProblem).join("\n")}\n${ps.length} problem${ps.length === 1 ? "" : "s"} in ${files} export${files === 1 ? "" : "s"}; ${verb}.\n`;
};

export interface DrOptions {
  /** Builds the DR compute stacks (tests replace it). @default - buildDrComputeStack */
  readonly compute?: DrComputeStackFactory | undefined;
}

export async function runDr(argv: readonly string[], options: DrOptions = {}): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === "--help" || sub === "-h") {
    process.stdout.write(DR_HELP);
    return sub ? EXIT.ok : EXIT.badInput;
  }
  if (!["validate", "plan", "synth"].includes(sub)) return refuse(`lakeform dr: unknown subcommand "${sub}"\n\n${DR_HELP}`);
  let values: { dir?: string; from?: string; region?: string; out?: string; format?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...rest],
      options: {
        dir: { type: "string" },
        from: { type: "string" },
        region: { type: "string" },
        out: { type: "string" },
        format: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (e) {
    return refuse(`lakeform dr ${sub}: ${(e as Error).message}\n\n${DR_HELP}`);
  }
  if (values.help) {
    process.stdout.write(DR_HELP);
    return EXIT.ok;
  }
  const allowed: Record<string, string[]> = { validate: ["dir", "from"], plan: ["dir", "from", "region", "format"], synth: ["dir", "from", "region", "out"] };
  const extra = Object.keys(values).filter((k) => k !== "help" && !allowed[sub]!.includes(k));
  if (extra.length > 0) return refuse(`lakeform dr ${sub}: option --${extra[0]} does not apply here\n\n${DR_HELP}`);
  if (values.from && positionals.length > 0) return refuse(`lakeform dr ${sub}: give --from DIR or export files, not both`);
  if (values.format && !["text", "json"].includes(values.format)) return refuse(`lakeform dr plan: --format must be text or json, got "${values.format}"`);
  if (values.region !== undefined && !/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/.test(values.region)) return refuse(`lakeform dr ${sub}: --region must be a region code such as eu-central-1, got "${values.region}"`);
  if (sub === "synth" && !values.region) return refuse(`lakeform dr synth: --region is required: a failover names the region it rebuilds in\n\n${DR_HELP}`);

  const root = resolve(values.dir ?? ".");
  const from = resolve(root, values.from ?? DEFAULT_EXPORTS_DIR);
  let paths: string[];
  if (positionals.length > 0) paths = positionals.map((p) => resolve(p));
  else if (!existsSync(from)) return refuse(`lakeform dr ${sub}: no exports: ${from} does not exist (run lakeform synth, or fetch the exports from the export bucket and pass --from DIR)`);
  else paths = findExportFiles(from);
  if (paths.length === 0) return refuse(`lakeform dr ${sub}: no exports (*.json) under ${from}`);

  const { exports, problems } = readExportFiles(paths, root);
  if (problems.length > 0) return refuse(problemsText(problems, sub === "synth" ? "nothing was written" : "refused"));
  switch (sub) {
    case "validate":
      return validate(exports);
    case "plan":
      return plan(exports, root, values.region, values.format ?? "text");
    default:
      return synth(exports, root, values.region!, resolve(root, values.out ?? DEFAULT_DR_OUT), options.compute);
  }
}

function validate(exports: readonly ExportFile[]): number {
  for (const f of exports) {
    const e = f.export;
    process.stdout.write(
      `ok ${f.file}: ${e.source.domain} (${e.source.environment}, ${e.source.region}), ${e.databases.length} databases, ${e.tables.length} tables, ${e.dataCellsFilters.length} filters, ${e.grants.length} grants, ${e.contentHash}\n`,
    );
  }
  process.stdout.write(`${exports.length} export${exports.length === 1 ? "" : "s"} valid\n`);
  return EXIT.ok;
}

/** Manifest problems and export problems, each in its own format, then one summary line. */
function allProblemsText(manifest: readonly Problem[], exports: readonly DrProblem[], verb: string): string {
  if (exports.length === 0) return `${formatProblems(manifest)}lakeform dr: the manifests' DR side is invalid; ${verb}.\n`;
  return `${manifest.length > 0 ? formatProblems(manifest) : ""}${problemsText(exports, verb)}`;
}

/**
 * The DR model of the project's manifests for `region`, when the project
 * has them: orchestration (and compute) come from the manifests, the
 * catalog from the exports. A plan without a `domains/` folder (exports
 * fetched alone) plans the catalog only; synth always needs the manifests.
 */
async function drModelOf(root: string, region: string | undefined, exports: readonly ExportFile[]): Promise<{ ok: true; model: Model; drModel: Model } | { ok: false; problems: readonly Problem[]; manifests: boolean }> {
  const loaded = await loadAndValidate(root);
  if (!loaded.ok) return { ok: false, problems: loaded.problems, manifests: false };
  const dr = drModelForRegion(loaded.manifests, region, [...new Set(exports.map((f) => f.export.source.environment))]);
  if (!dr.ok) return { ok: false, problems: dr.problems, manifests: true };
  return { ok: true, model: loaded.model, drModel: drModelForExports(dr.model, exports.map((f) => f.export.source)) };
}

async function plan(exports: readonly ExportFile[], root: string, region: string | undefined, format: string): Promise<number> {
  let drModel: Model | undefined;
  let model: Model | undefined;
  const manifestProblems: Problem[] = [];
  if (existsSync(join(root, "domains"))) {
    const m = await drModelOf(root, region, exports);
    if (m.ok) ({ model, drModel } = m);
    else if (!m.manifests) return refuse(`${formatProblems(m.problems)}lakeform dr plan plans orchestration and compute from the manifests under ${root}; they are invalid.\n`);
    else manifestProblems.push(...m.problems);
  }
  const r = rebuildAll(exports, region, model);
  if (!r.ok || manifestProblems.length > 0) return refuse(allProblemsText(manifestProblems, r.ok ? [] : r.problems, "refused"));
  process.stdout.write(format === "json" ? formatDrPlanJson(r.set, drModel) : formatDrPlanText(r.set, drModel));
  return EXIT.ok;
}

/**
 * The guardrail pack over the DR model's stacks just written to `dir`, as
 * `lakeform synth` runs it: an error finding refuses the synth (exit 1) and
 * nothing is swapped in; warnings are returned for standard error. The
 * manifests' suppressions apply (the platform's to the orchestration
 * stacks, a domain's to its compute stacks). A suppression naming a
 * resource the DR stacks do not hold is not a problem here: a DR stack
 * holds part of its primary's resources, and `lakeform synth` and
 * `lakeform check` hold suppressions to the primary stacks.
 */
function guardDr(drModel: Model, dir: string, names: readonly string[]): string {
  const stacks = readSynthesizedStacks(dir).filter((s) => names.includes(s.name));
  const r = runGuardrails(drModel, stacks, DR_PACK);
  const text = formatText(r, DR_PACK, names);
  if (blocks(r)) throw new GuardrailRefusal(EXIT.findings, `lakeform dr synth: guardrails found errors in the DR stacks; nothing was written\n${text}`);
  return r.findings.length > 0 ? text : "";
}

/**
 * The pack of the DR stacks: all of it but COST-001 (a budget in every
 * domain stack). A budget is per account and filters on the domain's tag in
 * every region, so the primary domain stack's budget already counts what the
 * domain's DR compute stack spends; a second one would alert twice.
 */
export const DR_PACK = PACK.filter((r) => r.id !== "COST-001");

/** The apply order of a failover, by phase; phases without stacks are left out. */
export function applyOrderText(s: DrSynthesized): string {
  const phases: [readonly string[], string][] = [
    [s.platform, "Lake Formation settings and LF-tags"],
    [s.orchestration, "private endpoints and MWAA"],
    [s.compute, "job roles, jobs and the DAGs: the roles the catalog stacks' grants name"],
    [s.domains, "registrations, catalog and grants; independent of each other"],
  ];
  const lines = phases.filter(([names]) => names.length > 0).map(([names, what], i) => `  ${i + 1}. ${names.join(", ")} (${what})`);
  return `Apply in this order:\n${lines.join("\n")}\n`;
}

async function synth(exports: readonly ExportFile[], root: string, region: string, out: string, compute: DrComputeStackFactory | undefined): Promise<number> {
  const m = await drModelOf(root, region, exports);
  if (!m.ok && !m.manifests) return refuse(`${formatProblems(m.problems)}lakeform dr synth needs valid manifests for the environments' backends, tags and admins, and for the DR compute and orchestration; nothing was written.\n`);
  const r = rebuildAll(exports, region, m.ok ? m.model : undefined);
  if (!m.ok || !r.ok) return refuse(allProblemsText(m.ok ? [] : m.problems, r.ok ? [] : r.problems, "nothing was written"));
  const drModel = m.drModel;
  let written: DrSynthesized | undefined;
  let warnings = "";
  try {
    replaceDirAtomic(out, (tmp) => {
      written = synthesizeDr(r.set, { outdir: tmp, stateRoot: stateRootFor(out, root), dr: { model: drModel, ...(compute ? { compute } : {}) } });
      // Guardrails decide before anything is swapped in: an error-level finding leaves the output as it was.
      warnings = guardDr(drModel, tmp, [...written.orchestration, ...written.compute]);
    });
  } catch (e) {
    if (e instanceof GuardrailRefusal) return fail(e.code, e.report);
    throw e;
  }
  if (warnings) process.stderr.write(warnings);
  const names = drStackNamesInApplyOrder(written!);
  process.stdout.write(`synthesized ${names.length} DR stack${names.length === 1 ? "" : "s"} for ${region} into ${out}:\n${[...names].sort().map((n) => `  ${n}`).join("\n")}\n${applyOrderText(written!)}`);
  return EXIT.ok;
}
