import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { type CatalogExport, verifyExport } from "../export/format";
import type { Model } from "../model/types";
import { type DrStackSettings, rebuildDomain, rebuildPlatform } from "./rebuild";
import { drSettingsOf } from "./settings";
import type { DrDomainRebuild, DrPlatformRebuild } from "./types";

/** A problem with one export file: `<file> › <path>: <message>`. */
export interface DrProblem {
  readonly file: string;
  readonly path: string;
  readonly message: string;
}

export const formatDrProblem = (p: DrProblem) => `${p.file}${p.path ? ` › ${p.path}` : ""}: ${p.message}`;

export interface ExportFile {
  /** As shown in messages: relative to the project root when under it. */
  readonly file: string;
  readonly export: CatalogExport;
}

/** Every `*.json` file under `dir`, sorted; the JSON Schema files a folder may hold are not exports. */
export function findExportFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".json") && !name.endsWith(".schema.json")) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Reads and verifies every file (schema, canonical order, references, content hash); all problems at once. */
export function readExportFiles(paths: readonly string[], root: string): { exports: ExportFile[]; problems: DrProblem[] } {
  const exports: ExportFile[] = [];
  const problems: DrProblem[] = [];
  for (const path of paths) {
    const rel = relative(root, path);
    const file = rel.startsWith("..") ? path : rel.split(sep).join("/");
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      problems.push({ file, path: "", message: `cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      continue;
    }
    const r = verifyExport(text);
    if (r.ok) exports.push({ file, export: r.export });
    else problems.push(...r.problems.map((p) => ({ file, path: p.path, message: p.message })));
  }
  const seen = new Map<string, string>();
  for (const f of exports) {
    const key = `${f.export.source.domain} (${f.export.source.environment})`;
    if (seen.has(key)) problems.push({ file: f.file, path: "source", message: `a second export of ${key}; the first is ${seen.get(key)}` });
    else seen.set(key, f.file);
  }
  return { exports, problems };
}

export interface DrRebuildSet {
  readonly platforms: readonly DrPlatformRebuild[];
  readonly domains: readonly DrDomainRebuild[];
}

/**
 * The DR stacks of a set of verified exports in `region` (default: each
 * export's DR region). With a Model, the exports must belong to its
 * platform (organization, environment, account) and the stacks take its
 * backends, tags and data-lake admins; without one (a plan), placeholders.
 */
export function rebuildAll(exports: readonly ExportFile[], region: string | undefined, model?: Model): { ok: true; set: DrRebuildSet } | { ok: false; problems: DrProblem[] } {
  const problems: DrProblem[] = [];
  const settings: DrStackSettings = model ? drSettingsOf(model) : { backendOf: (name) => ({ type: "local", path: `terraform.${name}.tfstate` }), tagsOf: () => ({}) };
  const domains: DrDomainRebuild[] = [];
  for (const f of exports) {
    const s = f.export.source;
    if (model) {
      const env = model.environments.find((e) => e.name === s.environment);
      if (s.organization !== model.organization) problems.push({ file: f.file, path: "source.organization", message: `is "${s.organization}", but the platform's organization is "${model.organization}"` });
      if (!env) {
        problems.push({ file: f.file, path: "source.environment", message: `the platform has no environment "${s.environment}"; it has ${model.environments.map((e) => `"${e.name}"`).join(", ")}` });
        continue;
      }
      if (env.accountId !== s.accountId) problems.push({ file: f.file, path: "source.accountId", message: `is ${s.accountId}, but environment ${env.name} is account ${env.accountId}` });
    }
    const target = region ?? s.drRegion;
    if (!target) {
      problems.push({ file: f.file, path: "source.drRegion", message: "is null: give the region to rebuild in (--region)" });
      continue;
    }
    const r = rebuildDomain(f.export, target, settings);
    if (r.ok) domains.push(r.rebuild);
    else problems.push(...r.problems.map((p) => ({ file: f.file, path: p.path, message: p.message })));
  }
  if (problems.length > 0) return { ok: false, problems };
  const environments = [...new Set(exports.map((f) => f.export.source.environment))].sort();
  const platforms = environments.map((env) => {
    const ofEnv = exports.filter((f) => f.export.source.environment === env).map((f) => f.export);
    const admins = model?.environments.find((e) => e.name === env)?.lakeFormationAdmins ?? [];
    return rebuildPlatform(ofEnv, env, region ?? ofEnv[0]!.source.drRegion!, admins, settings);
  });
  return { ok: true, set: { platforms, domains } };
}
