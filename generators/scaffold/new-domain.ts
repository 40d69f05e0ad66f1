import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import Handlebars from "handlebars";
import YAML from "yaml";
import { z } from "zod";
import { formatProblems } from "../manifest/errors";
import { DOMAIN_TAG_KEY, RESERVED_DOMAIN_NAMES } from "../manifest/rules";
import { AccountId, CostCentre, TeamName } from "../manifest/schema/common";
import { DomainManifest } from "../manifest/schema/domain";
import { PlatformManifest, type PlatformManifestOutput } from "../manifest/schema/platform";
import { loadAndValidate } from "../manifest/validate";
import { fail } from "../cli/exit";
import { writeFileAtomic } from "../cli/write";
import { addDomainTagValueTs, addDomainTagValueYaml } from "./platform-tag";

/**
 * `lakeform new-domain`: a domain folder from handlebars templates (the
 * manifest, a sample Glue job, a README for the team) that validates,
 * synthesizes and plans as it is, against the real platform manifest. Domains
 * are discovered, so the folder is all there is to add — but for the one
 * platform change a new domain needs: its name among the values of the
 * taxonomy's `domain` LF-tag (see platform-tag.ts).
 */

export const NEW_DOMAIN_HELP = `Usage: lakeform new-domain <name> --owner <team> [--email ADDR] [--account ID]
                           [--format yaml|ts] [--cost-centre CC] [--dir DIR]

Scaffolds domains/<name>/ (domain.yaml or domain.ts, jobs/conform_events.py,
README.md) from templates: two tables, a Glue job, a daily pipeline with a
quality gate, a grant by tag and a budget, valid against the platform manifest
as it is. Adds <name> to the platform's "domain" LF-tag values when it can do
so safely (YAML, or a literal list in TypeScript); otherwise it prints the
one-line change to make and exits 1.
  <name>          the domain: lower-case words joined by hyphens, 2-24 characters
  --owner TEAM    the owning team (owner.team)
  --email ADDR    where reviews and budget alerts go (default: <team>@ the mail
                  domain every existing domain's owner shares)
  --account ID    deploy only to the environments in this account (default: all)
  --format F      yaml (default) or ts
  --cost-centre   cost centre (default: the platform's)
Refuses to overwrite anything. Exit 0 scaffolded and valid, 1 scaffolded but
the platform needs the printed change, 2 bad input, 3 internal error.
`;

const TEMPLATES = join(import.meta.dirname, "templates");
const FORMATS = ["yaml", "ts"] as const;
type Format = (typeof FORMATS)[number];

const hbs = Handlebars.create();
hbs.registerHelper("json", (v: unknown) => JSON.stringify(v));
hbs.registerHelper("jsonList", (v: unknown[]) => v.map((x) => JSON.stringify(x)).join(", "));
/** An object key in TypeScript: bare when it is an identifier. */
hbs.registerHelper("jsonKey", (v: string) => (/^[A-Za-z_$][\w$]*$/.test(v) ? v : JSON.stringify(v)));

function render(template: string, data: Record<string, unknown>): string {
  const text = readFileSync(join(TEMPLATES, template), "utf8");
  return hbs.compile(text, { strict: true, noEscape: true })(data);
}

export interface ScaffoldInput {
  readonly name: string;
  readonly team: string;
  readonly email?: string;
  readonly account?: string;
  readonly format: Format;
  readonly costCentre?: string;
}

/** What is written: paths relative to the project root, with their content. */
export interface Scaffold {
  readonly files: Readonly<Record<string, string>>;
  /** The platform manifest's new text, when the domain tag needs the value and it could be added. */
  readonly platform?: { readonly file: string; readonly text: string };
  /** The platform change a person has to make, when it could not be made here. */
  readonly manualChange?: string;
  readonly stacks: readonly string[];
}

let importCount = 0;
/**
 * A TypeScript manifest is evaluated under a fresh URL each time, so a later
 * `import` of its plain URL (validate, synth) evaluates the file as edited.
 */
async function loadManifestFile(abs: string): Promise<unknown> {
  if (abs.endsWith(".ts")) {
    const mod = (await import(`${pathToFileURL(abs).href}?lakeform-new-domain=${++importCount}`)) as { default?: unknown };
    return mod.default;
  }
  return YAML.parse(readFileSync(abs, "utf8"));
}

function platformFileOf(root: string): string | undefined {
  const found = ["platform.ts", "platform.yaml", "platform.yml"].filter((f) => existsSync(join(root, "domains", f)));
  return found.length === 1 ? join(root, "domains", found[0]!) : undefined;
}

/** `<team>@<mail domain>` when every existing domain's owner writes from one mail domain. */
async function inferredEmail(root: string, team: string): Promise<string | undefined> {
  const dir = join(root, "domains");
  const mailDomains = new Set<string>();
  for (const folder of readdirSync(dir).sort()) {
    if (folder.startsWith("_") || folder.startsWith(".") || !statSync(join(dir, folder)).isDirectory()) continue;
    for (const f of ["domain.yaml", "domain.yml", "domain.ts"]) {
      const abs = join(dir, folder, f);
      if (!existsSync(abs)) continue;
      try {
        const raw = (f.endsWith(".ts") ? ((await import(pathToFileURL(abs).href)) as { default?: unknown }).default : YAML.parse(readFileSync(abs, "utf8"))) as { owner?: { email?: unknown } } | undefined;
        const email = raw?.owner?.email;
        if (typeof email === "string" && email.includes("@")) mailDomains.add(email.slice(email.lastIndexOf("@") + 1));
      } catch {
        // a broken manifest says nothing about mail domains; validate reports it
      }
    }
  }
  return mailDomains.size === 1 ? `${team}@${[...mailDomains][0]}` : undefined;
}

const line = (what: string, got: unknown, fix: string) => `lakeform new-domain: ${what}, got ${JSON.stringify(got)}; ${fix}`;

/** Every problem with the input, one line each (empty when it is fine). */
export function inputProblems(root: string, input: ScaffoldInput, platform: PlatformManifestOutput): string[] {
  const out: string[] = [];
  const name = DomainManifest.shape.name.safeParse(input.name);
  if (!name.success) out.push(line(`the domain name is not valid (${name.error.issues[0]!.message})`, input.name, "use lower-case words joined by hyphens, 2-24 characters, like customer-care"));
  if ((RESERVED_DOMAIN_NAMES as readonly string[]).includes(input.name)) out.push(line("this name is reserved for Lakeform's own stacks", input.name, `choose another name (reserved: ${RESERVED_DOMAIN_NAMES.join(", ")})`));
  if (name.success && existsSync(join(root, "domains", input.name))) out.push(line(`domains/${input.name} already exists; nothing is overwritten`, input.name, "choose another name, or edit the existing domain"));
  const team = TeamName.safeParse(input.team);
  if (!team.success) out.push(line(`--owner is not a team name (${team.error.issues[0]!.message})`, input.team, "use the team's name, like customer-care-data"));
  if (input.email !== undefined && !z.email().safeParse(input.email).success) out.push(line("--email is not an email address", input.email, "use the team's address, like care-data@acme.example"));
  if (input.costCentre !== undefined && !CostCentre.safeParse(input.costCentre).success) out.push(line("--cost-centre is not a cost centre", input.costCentre, "use 1-64 letters, digits and _ . : / = + @ -"));
  if (!(FORMATS as readonly string[]).includes(input.format)) out.push(line("--format must be yaml or ts", input.format, "use --format yaml or --format ts"));
  if (input.account !== undefined) {
    const accounts = [...new Set(Object.values(platform.environments).map((e) => e.accountId))].sort();
    if (!AccountId.safeParse(input.account).success) out.push(line("--account is not a 12-digit account ID", input.account, `use one of the environments' accounts: ${accounts.join(", ")}`));
    else if (!accounts.includes(input.account)) out.push(line("no environment of the platform is in this account", input.account, `use one of ${accounts.join(", ")}, or leave --account out to deploy everywhere`));
  }
  if (!platform.lfTags[DOMAIN_TAG_KEY]) out.push(line(`the platform taxonomy has no "${DOMAIN_TAG_KEY}" LF-tag, which scopes every domain's data and grants`, Object.keys(platform.lfTags).sort(), `add lfTags.${DOMAIN_TAG_KEY}: { values: [...] } to the platform manifest first`));
  return out;
}

/** The files and the platform change, computed before anything is written. Pure but for reading the platform file's text. */
export function scaffoldOf(root: string, input: ScaffoldInput & { email: string }, platform: PlatformManifestOutput, platformAbs: string): Scaffold {
  const envs = Object.keys(platform.environments)
    .sort()
    .filter((e) => input.account === undefined || platform.environments[e]!.accountId === input.account);
  // The second database tag: the PII key's most ordinary value ("internal" when the taxonomy has it).
  const piiDef = platform.lfTags[platform.pii.key];
  const ordinary = piiDef?.values.filter((v) => v !== platform.pii.value) ?? [];
  const tagValue = ordinary.includes("internal") ? "internal" : [...ordinary].sort()[0];
  const tagKey = tagValue ? platform.pii.key : undefined;
  // A consumer named in every environment of the domain: people and services first, analysts preferred.
  const common = Object.keys(platform.environments[envs[0]!]!.principals)
    .filter((p) => envs.every((e) => platform.environments[e]!.principals[p] !== undefined))
    .sort((a, b) => {
      const rank = (p: string) => (p === "analysts" ? 0 : /^\d{12}$/.test(platform.environments[envs[0]!]!.principals[p]!) ? 2 : 1);
      return rank(a) - rank(b) || (a < b ? -1 : 1);
    });
  const principal = common[0];
  const data = {
    name: input.name,
    description: `The ${input.name} domain of ${input.team}.`,
    team: input.team,
    email: input.email,
    costCentre: input.costCentre ?? platform.costCentre,
    environments: input.account === undefined ? undefined : envs,
    domainTagKey: DOMAIN_TAG_KEY,
    tagKey,
    tagValue,
    piiKey: platform.pii.key,
    piiValue: platform.pii.value,
    monthlyUsd: platform.budgets.defaultMonthlyUsd,
    principal,
    grantName: principal ? principal.slice(0, 48).replace(/-+$/, "") : undefined,
    grantDescription: principal ? `${principal} read the domain's ${tagKey ? `${tagValue} ` : ""}data` : undefined,
    format: input.format,
    firstStack: `${input.name}-${envs[0]}`,
    platformFile: relative(root, platformAbs).split(sep).join("/"),
    platformEdited: false,
  };
  const values = platform.lfTags[DOMAIN_TAG_KEY]!.values;
  let platformEdit: Scaffold["platform"];
  let manualChange: string | undefined;
  if (!values.includes(input.name)) {
    const text = readFileSync(platformAbs, "utf8");
    const edit = platformAbs.endsWith(".ts") ? addDomainTagValueTs(text, DOMAIN_TAG_KEY, input.name) : addDomainTagValueYaml(text, DOMAIN_TAG_KEY, input.name);
    if (edit.ok) platformEdit = { file: data.platformFile, text: edit.text };
    else manualChange = `${data.platformFile}: add "${input.name}" to lfTags.${DOMAIN_TAG_KEY}.values (${edit.reason}, so Lakeform leaves the edit to you)`;
    data.platformEdited = true;
  }
  const dir = `domains/${input.name}`;
  const files: Record<string, string> = {
    [`${dir}/domain.${input.format}`]: render(`domain.${input.format}.hbs`, data),
    [`${dir}/jobs/conform_events.py`]: render("jobs/sample_job.py.hbs", data),
    [`${dir}/README.md`]: render("README.md.hbs", data),
  };
  return { files, ...(platformEdit ? { platform: platformEdit } : {}), ...(manualChange ? { manualChange } : {}), stacks: envs.map((e) => `${input.name}-${e}`) };
}

/** Writes the domain folder beside its place and renames it in, so a failure leaves no half domain. */
function writeDomainFolder(root: string, name: string, files: Readonly<Record<string, string>>): void {
  const target = join(root, "domains", name);
  const tmp = mkdtempSync(join(root, "domains", `.${name}.new-`));
  try {
    for (const [path, text] of Object.entries(files)) {
      const abs = join(tmp, relative(`domains/${name}`, path));
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, text);
    }
    if (existsSync(target)) throw new Error(`domains/${name} appeared while scaffolding; nothing was overwritten`);
    renameSync(tmp, target);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The platform as loaded equals the one before, but for `value` among the domain tag's values. */
function changedByOneValue(before: unknown, after: unknown, value: string): boolean {
  const strip = (raw: unknown) => {
    const copy = structuredClone(raw) as { lfTags?: Record<string, { values?: string[] }> };
    const tag = copy?.lfTags?.[DOMAIN_TAG_KEY];
    if (tag?.values) tag.values = tag.values.filter((v) => v !== value);
    return JSON.stringify(copy);
  };
  const values = (after as { lfTags?: Record<string, { values?: unknown }> })?.lfTags?.[DOMAIN_TAG_KEY]?.values;
  return Array.isArray(values) && values.includes(value) && strip(before) === strip(after);
}

export async function newDomain(argv: readonly string[]): Promise<number> {
  let values: { owner?: string; email?: string; account?: string; format?: string; "cost-centre"?: string; dir?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: {
        owner: { type: "string" },
        email: { type: "string" },
        account: { type: "string" },
        format: { type: "string" },
        "cost-centre": { type: "string" },
        dir: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (e) {
    return fail(2, `lakeform new-domain: ${(e as Error).message}\n\n${NEW_DOMAIN_HELP}`);
  }
  if (values.help) {
    process.stdout.write(NEW_DOMAIN_HELP);
    return 0;
  }
  if (positionals.length !== 1) return fail(2, `lakeform new-domain: give exactly one domain name, got ${positionals.length}\n\n${NEW_DOMAIN_HELP}`);
  if (!values.owner) return fail(2, `lakeform new-domain: --owner <team> is required\n\n${NEW_DOMAIN_HELP}`);
  const root = resolve(values.dir ?? ".");
  const platformAbs = platformFileOf(root);
  if (!platformAbs) return fail(2, "lakeform new-domain: no single domains/platform.ts or platform.yaml here; run it in the project root, or pass --dir");
  const platformFile = relative(root, platformAbs).split(sep).join("/");
  let rawPlatform: unknown;
  try {
    rawPlatform = await loadManifestFile(platformAbs);
  } catch (e) {
    return fail(2, `lakeform new-domain: ${platformFile} could not be loaded (${(e as Error).message.split("\n")[0]}); run lakeform validate and fix it first`);
  }
  const parsed = PlatformManifest.safeParse(rawPlatform);
  if (!parsed.success) return fail(2, `lakeform new-domain: ${platformFile} is not valid; run lakeform validate and fix it first`);
  const platform = parsed.data;

  const input: ScaffoldInput = {
    name: positionals[0]!,
    team: values.owner,
    format: (values.format ?? "yaml") as Format,
    ...(values.email !== undefined ? { email: values.email } : {}),
    ...(values.account !== undefined ? { account: values.account } : {}),
    ...(values["cost-centre"] !== undefined ? { costCentre: values["cost-centre"] } : {}),
  };
  const problems = inputProblems(root, input, platform);
  if (problems.length > 0) return fail(2, `${problems.join("\n")}\n${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was written.`);

  const inferred = input.email ?? (await inferredEmail(root, input.team));
  const notes: string[] = [];
  const email = inferred ?? `${input.team}@example.com`;
  if (!inferred) notes.push(`owner.email is ${email}: set the team's real address (reviews and budget alerts go there), or pass --email`);
  const scaffold = scaffoldOf(root, { ...input, email }, platform, platformAbs);

  writeDomainFolder(root, input.name, scaffold.files);
  const out = Object.keys(scaffold.files).map((f) => `created ${f}`);
  let manual = scaffold.manualChange;
  if (scaffold.platform) {
    const before = readFileSync(platformAbs, "utf8");
    writeFileAtomic(platformAbs, scaffold.platform.text);
    let after: unknown;
    try {
      after = await loadManifestFile(platformAbs);
    } catch {
      after = undefined;
    }
    if (changedByOneValue(rawPlatform, after, input.name)) out.push(`updated ${platformFile}: "${input.name}" added to lfTags.${DOMAIN_TAG_KEY}.values`);
    else {
      writeFileAtomic(platformAbs, before);
      manual = `${platformFile}: add "${input.name}" to lfTags.${DOMAIN_TAG_KEY}.values (the edited file did not load as exactly that change, so Lakeform restored it)`;
    }
  }
  process.stdout.write(`${out.join("\n")}\n`);
  if (manual) {
    return fail(1, `${notes.map((n) => `note: ${n}\n`).join("")}one platform change is left, for the platform team to approve in the same pull request:\n  ${manual}\nthen: npx lakeform validate`);
  }
  const result = await loadAndValidate(root);
  if (!result.ok) return fail(2, `the scaffold was written, but the project does not validate:\n${formatProblems(result.problems)}`);
  if (result.findings.length > 0) return fail(1, `the scaffold was written, with findings:\n${formatProblems(result.findings, "finding")}`);
  process.stdout.write(
    `${notes.map((n) => `note: ${n}\n`).join("")}valid: ${result.model.domains.length} domains, ${result.model.stacks.length} stacks; new: ${scaffold.stacks.join(", ")}\nnext: read domains/${input.name}/README.md, make the domain yours, then npx lakeform validate && npx lakeform synth\n`,
  );
  return 0;
}
