import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * The only writers of the pipeline. Each writes beside its target and renames
 * into place, so a run that fails, or is killed, leaves the earlier output as
 * it was.
 */

/** Writes one file atomically (temp file in the same folder, then rename). */
export function writeFileAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Builds a new version of directory `target` with `build(tmpDir)` and swaps
 * it in only when `build` returns. With `seedFromExisting`, the temporary
 * directory starts as a copy of the current one (for partial updates).
 */
export function replaceDirAtomic(target: string, build: (tmpDir: string) => void, seedFromExisting = false): void {
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const tmp = mkdtempSync(join(parent, `.${basename(target)}.new-`));
  try {
    if (seedFromExisting && existsSync(target)) cpSync(target, tmp, { recursive: true });
    build(tmp);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const old = existsSync(target) ? mkdtempSync(join(parent, `.${basename(target)}.old-`)) : undefined;
  if (old) {
    rmSync(old, { recursive: true });
    renameSync(target, old);
  }
  renameSync(tmp, target);
  if (old) rmSync(old, { recursive: true, force: true });
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}
