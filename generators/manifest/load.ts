import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import YAML from "yaml";
import type { Problem } from "./errors";

/**
 * Reading manifests from disk: the only I/O of the manifest layer. Domains
 * are discovered, not registered: every folder under domains/ holding a
 * domain.ts or domain.yaml is one domain.
 */

export interface ManifestFile {
  /** Path relative to the project root, forward slashes (for messages). */
  readonly file: string;
  /** For domains: the folder name under domains/. */
  readonly folder?: string;
  /** The manifest as authored, before validation. */
  readonly raw: unknown;
}

export interface LoadedManifests {
  readonly platform?: ManifestFile;
  readonly domains: readonly ManifestFile[];
  readonly problems: readonly Problem[];
}

const EXTENSIONS = [".ts", ".yaml", ".yml"] as const;

const rel = (root: string, abs: string) => relative(root, abs).split(sep).join("/");

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const col = offset - before.lastIndexOf("\n");
  return `line ${line}, column ${col}`;
}

function loadYaml(abs: string, file: string): { raw?: unknown; problems: Problem[] } {
  const text = readFileSync(abs, "utf8");
  const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => ({
        file,
        path: [],
        code: "load-failed" as const,
        message: `YAML syntax error at ${lineCol(text, e.pos[0])}: ${e.message.split("\n")[0]}`,
        hint: "fix the YAML syntax (indentation, quoting, duplicate keys)",
      })),
    };
  }
  return { raw: doc.toJS({ maxAliasCount: 100 }) ?? {}, problems: [] };
}

async function loadTs(abs: string, file: string): Promise<{ raw?: unknown; problems: Problem[] }> {
  try {
    const mod = (await import(pathToFileURL(abs).href)) as { default?: unknown };
    if (mod.default === undefined) {
      return {
        problems: [{ file, path: [], code: "missing", message: "the module has no default export", hint: "end the file with `export default defineDomain({ … })` (or definePlatform)" }],
      };
    }
    return { raw: mod.default, problems: [] };
  } catch (e) {
    const msg = (e as Error).message?.split("\n")[0] ?? String(e);
    return { problems: [{ file, path: [], code: "load-failed", message: `could not evaluate the module: ${msg}`, hint: "run `npm run typecheck` to see the TypeScript error" }] };
  }
}

async function loadOne(root: string, dir: string, base: string): Promise<{ found: ManifestFile[]; problems: Problem[] }> {
  const present = EXTENSIONS.map((ext) => join(dir, base + ext)).filter((p) => existsSync(p));
  if (present.length > 1) {
    return {
      found: [],
      problems: [
        {
          file: rel(root, present[0]!),
          path: [],
          code: "duplicate-name",
          message: `${present.length} manifests in one folder`,
          got: present.map((p) => rel(root, p)),
          hint: "keep exactly one of them: the TypeScript or the YAML manifest",
        },
      ],
    };
  }
  const abs = present[0];
  if (!abs) return { found: [], problems: [] };
  const file = rel(root, abs);
  const r = abs.endsWith(".ts") ? await loadTs(abs, file) : loadYaml(abs, file);
  return { found: r.problems.length === 0 ? [{ file, raw: r.raw }] : [], problems: r.problems };
}

/** Loads domains/platform.* and every domains/<name>/domain.*, in folder-name order. */
export async function loadManifests(root: string): Promise<LoadedManifests> {
  const domainsDir = join(root, "domains");
  const problems: Problem[] = [];
  if (!existsSync(domainsDir)) {
    return { domains: [], problems: [{ file: "domains", path: [], code: "missing", message: "no domains/ folder", hint: "run lakeform in the project root, or pass --dir" }] };
  }
  const platform = await loadOne(root, domainsDir, "platform");
  problems.push(...platform.problems);
  if (platform.found.length === 0 && platform.problems.length === 0) {
    problems.push({ file: "domains/platform.ts", path: [], code: "missing", message: "no platform manifest", hint: "create domains/platform.ts (definePlatform) or domains/platform.yaml" });
  }

  const domains: ManifestFile[] = [];
  const folders = readdirSync(domainsDir)
    .filter((n) => !n.startsWith("_") && !n.startsWith(".") && statSync(join(domainsDir, n)).isDirectory())
    .sort();
  for (const folder of folders) {
    const r = await loadOne(root, join(domainsDir, folder), "domain");
    problems.push(...r.problems);
    if (r.found.length === 0 && r.problems.length === 0) {
      problems.push({ file: `domains/${folder}`, path: [], code: "missing", message: "folder has no domain manifest", hint: "add domain.ts or domain.yaml, or rename the folder to start with _ to keep it out of discovery" });
    }
    domains.push(...r.found.map((f) => ({ ...f, folder })));
  }
  return { platform: platform.found[0], domains, problems };
}

/** Reads files of one domain folder (job scripts); a missing file is left out, for the rules to report. */
export function readDomainFiles(root: string, folder: string, paths: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of [...new Set(paths)].sort()) {
    const abs = join(root, "domains", folder, p);
    if (existsSync(abs) && statSync(abs).isFile()) out.set(p, readFileSync(abs, "utf8"));
  }
  return out;
}
