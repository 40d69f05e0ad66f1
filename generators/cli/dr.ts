import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { type DrProblem, type ExportFile, findExportFiles, formatDrProblem, readExportFiles, rebuildAll } from "../dr/load";
import { formatDrPlanJson, formatDrPlanText } from "../dr/plan";
import { formatProblems } from "../manifest/errors";
import { loadAndValidate } from "../manifest/validate";
import { stateRootFor } from "../stacks/app";
import { synthesizeDr } from "../stacks/dr-app";
import { replaceDirAtomic } from "./write";

/** Where `lakeform synth` writes the exports (cdktf.out/catalog-export/<env>/<domain>.json). */
export const DEFAULT_EXPORTS_DIR = "cdktf.out/catalog-export";
export const DEFAULT_DR_OUT = "dr.out";

const EXIT = { ok: 0, badInput: 2 } as const;

export const DR_HELP = `Usage: lakeform dr <validate|plan|synth> [options] [EXPORT ...]

Disaster recovery from catalog exports: the DR stacks rebuild each domain's
catalog and governance in the DR region from its export alone.

  validate [EXPORT ...]        check each export: schema, canonical order,
                               references and content hash
  plan [--region R] [--format text|json] [EXPORT ...]
                               what a rebuild would create, per stack
  synth --region R [--out DIR] [EXPORT ...]
                               write dr-platform-<env> and dr-<domain>-<env>
                               into <out>/stacks/<stack>/cdk.tf.json
                               (default out: <dir>/${DEFAULT_DR_OUT})

Options:
  --dir DIR     project root holding domains/ (default: the current directory)
  --from DIR    read every *.json under DIR instead of naming exports
                (default: <dir>/${DEFAULT_EXPORTS_DIR}, where synth writes them)
  --region R    the region to rebuild in; plan defaults to each export's DR region

A corrupt, tampered or foreign export is refused with its file and field
(<file> › <field>: <what is wrong>), exit 2; synth then writes nothing and
an earlier output stays as it was. synth needs the manifests too, for the
environments' backends, tags and Lake Formation admins; the catalog comes
from the exports alone.
Exit codes: 0 fine, 2 bad export, bad manifests or usage.
`;

function fail(message: string): number {
  process.stderr.write(message.endsWith("\n") ? message : `${message}\n`);
  return EXIT.badInput;
}

const problemsText = (ps: readonly DrProblem[], verb = "refused") => {
  const files = new Set(ps.map((p) => p.file)).size;
  return `${ps.map(formatDrProblem).join("\n")}\n${ps.length} problem${ps.length === 1 ? "" : "s"} in ${files} export${files === 1 ? "" : "s"}; ${verb}.\n`;
};

export async function runDr(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === "--help" || sub === "-h") {
    process.stdout.write(DR_HELP);
    return sub ? EXIT.ok : EXIT.badInput;
  }
  if (!["validate", "plan", "synth"].includes(sub)) return fail(`lakeform dr: unknown subcommand "${sub}"\n\n${DR_HELP}`);
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
    return fail(`lakeform dr ${sub}: ${(e as Error).message}\n\n${DR_HELP}`);
  }
  if (values.help) {
    process.stdout.write(DR_HELP);
    return EXIT.ok;
  }
  const allowed: Record<string, string[]> = { validate: ["dir", "from"], plan: ["dir", "from", "region", "format"], synth: ["dir", "from", "region", "out"] };
  const extra = Object.keys(values).filter((k) => k !== "help" && !allowed[sub]!.includes(k));
  if (extra.length > 0) return fail(`lakeform dr ${sub}: option --${extra[0]} does not apply here\n\n${DR_HELP}`);
  if (values.from && positionals.length > 0) return fail(`lakeform dr ${sub}: give --from DIR or export files, not both`);
  if (values.format && !["text", "json"].includes(values.format)) return fail(`lakeform dr plan: --format must be text or json, got "${values.format}"`);
  if (values.region !== undefined && !/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/.test(values.region)) return fail(`lakeform dr ${sub}: --region must be a region code such as eu-central-1, got "${values.region}"`);
  if (sub === "synth" && !values.region) return fail(`lakeform dr synth: --region is required: a failover names the region it rebuilds in\n\n${DR_HELP}`);

  const root = resolve(values.dir ?? ".");
  const from = resolve(root, values.from ?? DEFAULT_EXPORTS_DIR);
  let paths: string[];
  if (positionals.length > 0) paths = positionals.map((p) => resolve(p));
  else if (!existsSync(from)) return fail(`lakeform dr ${sub}: no exports: ${from} does not exist (run lakeform synth, or fetch the exports from the export bucket and pass --from DIR)`);
  else paths = findExportFiles(from);
  if (paths.length === 0) return fail(`lakeform dr ${sub}: no exports (*.json) under ${from}`);

  const { exports, problems } = readExportFiles(paths, root);
  if (problems.length > 0) return fail(problemsText(problems, sub === "synth" ? "nothing was written" : "refused"));
  switch (sub) {
    case "validate":
      return validate(exports);
    case "plan":
      return plan(exports, values.region, values.format ?? "text");
    default:
      return synth(exports, root, values.region!, resolve(root, values.out ?? DEFAULT_DR_OUT));
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

function plan(exports: readonly ExportFile[], region: string | undefined, format: string): number {
  const r = rebuildAll(exports, region);
  if (!r.ok) return fail(problemsText(r.problems));
  process.stdout.write(format === "json" ? formatDrPlanJson(r.set) : formatDrPlanText(r.set));
  return EXIT.ok;
}

async function synth(exports: readonly ExportFile[], root: string, region: string, out: string): Promise<number> {
  const loaded = await loadAndValidate(root);
  if (!loaded.ok) return fail(`${formatProblems(loaded.problems)}lakeform dr synth needs valid manifests for the environments' backends, tags and admins; nothing was written.\n`);
  const r = rebuildAll(exports, region, loaded.model);
  if (!r.ok) return fail(problemsText(r.problems, "nothing was written"));
  replaceDirAtomic(out, (tmp) => synthesizeDr(r.set, { outdir: tmp, stateRoot: stateRootFor(out, root) }));
  const names = [...r.set.platforms, ...r.set.domains].map((x) => x.stack.name);
  process.stdout.write(`synthesized ${names.length} DR stack${names.length === 1 ? "" : "s"} for ${region} into ${out}:\n${names.map((n) => `  ${n}`).join("\n")}\nApply in this order: the dr-platform stacks, then each dr-<domain> stack.\n`);
  return EXIT.ok;
}
