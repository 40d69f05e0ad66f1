import { existsSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { analyzeAccess } from "../access/analyze";
import { formatJson, formatMarkdown, formatText, selectAccess } from "../access/report";
import { formatProblems } from "../manifest/errors";
import { DomainManifest } from "../manifest/schema/domain";
import { PlatformManifest } from "../manifest/schema/platform";
import { CatalogExport } from "../export/format";
import { loadAndValidate } from "../manifest/validate";
import { newDomain } from "../scaffold/new-domain";
import { stateRootFor, synthesizeModel, unknownStacks } from "../stacks/app";
import { review } from "./review";
import { EXIT, fail } from "./exit";
import { readJson, replaceDirAtomic, writeFileAtomic } from "./write";
import { runDr } from "./dr";
import { catalog } from "./catalog";
import { FORMATS, GuardrailRefusal, checkModel, guardSynthesized, render, ruleList } from "./check";

const HELP: Record<string, string> = {
  main: `Usage: lakeform <command> [options]

Turns the manifests under domains/ into Terraform (through CDKTF).

Commands:
  validate   check every manifest and report all problems at once
  synth      validate, then write every stack (or --stack NAME) to cdktf.out/
  schema     write the JSON Schemas of the manifests, for editor autocompletion
  access     who reads which column, masked or not, under which row filter
  review     compare the manifests with a base: access, cost, resources, approvers
  check      run the guardrail pack over the synthesized stacks (text, JSON, SARIF)
  new-domain scaffold domains/<name>/ for a team: manifest, sample job, README
  dr         disaster recovery: validate catalog exports, plan and synthesize the DR stacks
  catalog    catalog export --live: read an account's catalog and Lake Formation state, report drift

Options:
  --dir DIR  project root holding domains/ (default: the current directory)
  --help     help for a command: lakeform <command> --help

Exit codes: 0 fine, 1 findings, 2 bad input or usage, 3 internal error.
`,
  validate: `Usage: lakeform validate [--dir DIR] [--format text|json]

Loads domains/platform.{ts,yaml} and every domains/<name>/domain.{ts,yaml},
checks shape, cross-references and derived names, and prints every problem as
  <file> › <field path>: <what is wrong>, got <value>; <how to fix>
Exit 0 when valid, 2 when any manifest is wrong. Writes nothing.
`,
  synth: `Usage: lakeform synth [--dir DIR] [--out DIR] [--stack NAME ...]

Validates the manifests, then synthesizes Terraform JSON into
<out>/stacks/<stack>/cdk.tf.json (default out: <dir>/cdktf.out).
  --stack NAME  synthesize only this stack (repeatable); other stacks already
                in <out> are kept as they are
The output is replaced only when everything succeeded: a failed run leaves
the previous cdktf.out exactly as it was. Exit 2 on bad manifests.
`,
  access: `Usage: lakeform access [--dir DIR] [--column COL | --principal P] [--env ENV]
                       [--format text|markdown|json]

Effective access computed from the manifests, with Lake Formation's rules
(tag expressions against column, table and database tags; masks and row
filters as data-cells filters; several grants as a union).
  --column COL     <domain>.<table>.<column> or <domain>.<zone>.<table>.<column>:
                   who reads it, unmasked or masked, under which row filter,
                   through which grant
  --principal P    an ARN, account ID or principal name: everything it reads
  --env ENV        one environment (default: all)
Exit 0, or 2 on bad manifests or an unknown column or principal.
`,
  review: `Usage: lakeform review --base REF|DIR [--head DIR] [--dir DIR] [--out DIR]
                       [--format markdown|json]

Compares two states of the manifests, each validated and synthesized in
memory: access gained and lost per principal (masks, row filters, PII),
guardrail findings and suppressions new against the base, Terraform
resources added, changed and removed per stack, the standing monthly cost
change, a Mermaid flow of each changed domain, and who must approve.
  --base REF|DIR  a git revision of the project (its domains/ is read from
                  git, the working tree is not touched) or a project directory
  --head DIR      the project to review (default: --dir, the working tree)
  --out DIR       write review.md and review.json there (default: print)
Exit 0 when the domains' owners may approve, 1 when governance must approve
(PII or cross-account) or a guardrail breaks, 2 when the head is invalid.
`,
  check: `Usage: lakeform check [--dir DIR] [--format text|json|sarif] [--out FILE]
                      [--stack NAME ...]

Validates the manifests, synthesizes the stacks in memory (cdktf.out is not
touched) and runs the guardrail pack over the Model and the Terraform JSON.
Suppressed findings (guardrails.suppress in a manifest) are reported with
their reason.
  --format   text (default), json, or sarif (SARIF 2.1.0, for code scanning)
  --out FILE write the report to FILE instead of standard output
  --stack    check only this stack (repeatable)
Exit 0 when no error-level finding is left (warnings allowed), 1 when one is,
2 on bad manifests, usage or suppressions naming no resource.

Rules:
\${RULES}
`,
  schema: `Usage: lakeform schema [--dir DIR] [--out DIR]

Writes platform.schema.json, domain.schema.json and catalog-export.schema.json
(JSON Schema, draft 2020-12) into <out> (default: <dir>/domains/_schema). Point YAML manifests at
them for autocompletion:
  # yaml-language-server: $schema=../_schema/domain.schema.json
`,
};

interface CdktfManifest {
  version: string;
  outdir?: string;
  stacks: Record<string, unknown>;
}

export async function run(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(HELP.main!);
    return command ? EXIT.ok : EXIT.badInput;
  }
  if (command === "new-domain") return newDomain(rest);
  // Subcommands and export files as positionals: parsed by the dr module.
  if (command === "dr") return runDr(rest);
  if (command === "catalog") return catalog(rest);
  if (!HELP[command] || command === "main") return fail(EXIT.badInput, `lakeform: unknown command "${command}"\n\n${HELP.main}`);

  let values: { dir?: string; out?: string; stack?: string[]; format?: string; column?: string; principal?: string; env?: string; base?: string; head?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...rest],
      options: {
        dir: { type: "string" },
        out: { type: "string" },
        stack: { type: "string", multiple: true },
        format: { type: "string" },
        column: { type: "string" },
        principal: { type: "string" },
        env: { type: "string" },
        base: { type: "string" },
        head: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    return fail(EXIT.badInput, `lakeform ${command}: ${(e as Error).message}\n\n${HELP[command]}`);
  }
  if (values.help) {
    process.stdout.write(HELP[command]!.replace("${RULES}", ruleList));
    return EXIT.ok;
  }
  const allowed: Record<string, string[]> = {
    validate: ["dir", "format"],
    synth: ["dir", "out", "stack"],
    schema: ["dir", "out"],
    access: ["dir", "format", "column", "principal", "env"],
    review: ["dir", "base", "head", "out", "format"],
    check: ["dir", "format", "out", "stack"],
  };
  const extra = Object.keys(values).filter((k) => k !== "help" && !allowed[command]!.includes(k));
  if (extra.length > 0) return fail(EXIT.badInput, `lakeform ${command}: option --${extra[0]} does not apply here\n\n${HELP[command]}`);

  const root = resolve(values.dir ?? ".");
  switch (command) {
    case "validate":
      return validate(root, values.format ?? "text");
    case "synth":
      return synth(root, resolve(root, values.out ?? "cdktf.out"), values.stack);
    case "schema":
      return schema(resolve(root, values.out ?? "domains/_schema"));
    case "access":
      return access(root, values);
    case "review":
      return review(root, values);
    case "check":
      return check(root, values);
  }
  return EXIT.badInput;
}

async function validate(root: string, format: string): Promise<number> {
  if (format !== "text" && format !== "json") return fail(EXIT.badInput, `lakeform validate: --format must be text or json, got "${format}"`);
  const result = await loadAndValidate(root);
  if (format === "json") {
    const body = result.ok
      ? { ok: result.findings.length === 0, stacks: result.model.stacks.map((s) => s.name), problems: [], findings: result.findings }
      : { ok: false, problems: result.problems, findings: [] };
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return !result.ok ? EXIT.badInput : result.findings.length > 0 ? EXIT.findings : EXIT.ok;
  }
  if (!result.ok) return fail(EXIT.badInput, formatProblems(result.problems));
  if (result.findings.length > 0) return fail(EXIT.findings, formatProblems(result.findings, "finding"));
  const m = result.model;
  process.stdout.write(`valid: ${m.domains.length} domains, ${m.environments.length} environments, ${m.stacks.length} stacks\n`);
  return EXIT.ok;
}

async function synth(root: string, out: string, only: string[] | undefined): Promise<number> {
  const result = await loadAndValidate(root);
  if (!result.ok) return fail(EXIT.badInput, formatProblems(result.problems));
  // Governance findings block synthesis: nothing that leaks PII reaches Terraform.
  if (result.findings.length > 0) return fail(EXIT.findings, formatProblems(result.findings, "finding"));
  const model = result.model;
  if (only) {
    const unknown = unknownStacks(model, only);
    if (unknown.length > 0) {
      return fail(EXIT.badInput, `lakeform synth: no stack named ${unknown.map((u) => `"${u}"`).join(", ")}; stacks are: ${model.stacks.map((s) => s.name).join(", ")}`);
    }
  }
  const partial = only !== undefined;
  let guardReport = "";
  try {
    replaceDirAtomic(
      out,
      (tmp) => {
        const previous = partial && existsSync(join(tmp, "manifest.json")) ? readJson<CdktfManifest>(join(tmp, "manifest.json")) : undefined;
        // State paths point from the final output directory, not the temporary one it is built in.
        synthesizeModel(model, { outdir: tmp, stateRoot: stateRootFor(out, root), ...(only ? { stacks: only } : {}) });
        // Guardrails decide before anything is swapped in: an error-level finding leaves cdktf.out as it was.
        guardReport = guardSynthesized(model, tmp, only ?? model.stacks.map((s) => s.name));
        const manifestPath = join(tmp, "manifest.json");
        const current = readJson<CdktfManifest>(manifestPath);
        // Keep only stacks the model still has, in the model's order, so the file is the same whatever was synthesized when.
        const merged: Record<string, unknown> = {};
        for (const s of model.stacks) {
          const entry = current.stacks[s.name] ?? previous?.stacks[s.name];
          if (entry) merged[s.name] = entry;
        }
        writeFileAtomic(manifestPath, `${JSON.stringify({ ...current, stacks: merged }, null, 2)}\n`);
        if (partial) {
          const keep = new Set(Object.keys(merged));
          for (const dir of existsSync(join(tmp, "stacks")) ? readdirSync(join(tmp, "stacks")) : []) {
            // A stack that left the model since the last full synth.
            if (!keep.has(dir)) rmSync(join(tmp, "stacks", dir), { recursive: true, force: true });
          }
        }
      },
      partial,
    );
  } catch (e) {
    if (e instanceof GuardrailRefusal) return fail(e.code, e.report);
    throw e;
  }
  if (guardReport) process.stderr.write(guardReport);
  const names = only ?? model.stacks.map((s) => s.name);
  process.stdout.write(`synthesized ${names.length} stack${names.length === 1 ? "" : "s"} into ${out}:\n${names.map((n) => `  ${n}`).join("\n")}\n`);
  return EXIT.ok;
}

async function access(root: string, q: { format?: string; column?: string; principal?: string; env?: string }): Promise<number> {
  const format = q.format ?? "text";
  if (!["text", "markdown", "json"].includes(format)) return fail(EXIT.badInput, `lakeform access: --format must be text, markdown or json, got "${format}"`);
  if (q.column && q.principal) return fail(EXIT.badInput, "lakeform access: give --column or --principal, not both");
  const result = await loadAndValidate(root);
  if (!result.ok) return fail(EXIT.badInput, formatProblems(result.problems));
  const selection = selectAccess(result.model, analyzeAccess(result.model), { ...(q.column ? { column: q.column } : {}), ...(q.principal ? { principal: q.principal } : {}), ...(q.env ? { environment: q.env } : {}) });
  if (!selection.ok) return fail(EXIT.badInput, `lakeform access: ${selection.error}`);
  const render = format === "json" ? formatJson : format === "markdown" ? formatMarkdown : formatText;
  process.stdout.write(render(selection.title, selection.rows));
  return EXIT.ok;
}

async function check(root: string, q: { format?: string; out?: string; stack?: string[] }): Promise<number> {
  const format = q.format ?? "text";
  if (!(FORMATS as readonly string[]).includes(format)) return fail(EXIT.badInput, `lakeform check: --format must be text, json or sarif, got "${format}"`);
  const result = await loadAndValidate(root);
  if (!result.ok) return fail(EXIT.badInput, formatProblems(result.problems));
  const model = result.model;
  if (q.stack) {
    const unknown = unknownStacks(model, q.stack);
    if (unknown.length > 0) return fail(EXIT.badInput, `lakeform check: no stack named ${unknown.map((u) => `"${u}"`).join(", ")}; stacks are: ${model.stacks.map((s) => s.name).join(", ")}`);
  }
  const names = model.stacks.map((s) => s.name).filter((n) => !q.stack || q.stack.includes(n));
  const r = checkModel(model, names);
  if (r.problems.length > 0) return fail(EXIT.badInput, formatProblems(r.problems));
  const report = render(format as (typeof FORMATS)[number], r, names);
  if (q.out) writeFileAtomic(resolve(root, q.out), report);
  else process.stdout.write(report);
  // PII findings of validation are guardrail findings too (LF-008 reports them per column).
  return r.findings.some((f) => f.severity === "error") ? EXIT.findings : EXIT.ok;
}

function schema(out: string): number {
  const files: [string, z.ZodType][] = [
    ["platform.schema.json", PlatformManifest],
    ["domain.schema.json", DomainManifest],
    ["catalog-export.schema.json", CatalogExport],
  ];
  for (const [name, s] of files) {
    const json = z.toJSONSchema(s, { io: "input", target: "draft-2020-12", unrepresentable: "any" });
    writeFileAtomic(join(out, name), `${JSON.stringify(json, null, 2)}\n`);
  }
  process.stdout.write(`wrote ${files.map(([n]) => join(out, n)).join(", ")}\n`);
  return EXIT.ok;
}

const isMain = process.argv[1] && /(?:main\.ts|lakeform(\.mjs)?)$/.test(process.argv[1]);
if (isMain) {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`lakeform: internal error: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(EXIT.internal);
    },
  );
}
