import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { writeSyntheticProject } from "../../bench/synthetic";
import { scratchDir } from "../helpers/project";

/**
 * A heap ceiling a regression would hit. Twenty synthetic domains (42
 * stacks, ~8,000 resources) synthesize in about 80 MB of V8 heap when stacks
 * are built and dropped one at a time (generators/stacks/stack-by-stack.ts);
 * with every stack held until the end, as cdktf's App.synth() and its
 * process-wide token map do, they need between 160 and 200 MB. The ceiling,
 * 128 MB, leaves the first 1.6 times its need and fails the second. At 100
 * domains the difference is 324 MB of RSS against 828 MB (README, Performance).
 */
const repo = resolve(import.meta.dirname, "../..");
const CEILING_MB = 128;
const DOMAINS = 20;

function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [`--max-old-space-size=${CEILING_MB}`, "--import", "tsx", ...args], {
    cwd,
    env: { ...process.env, ...env, LAKEFORM_DEBUG: "" },
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
}

describe(`synthesis of ${DOMAINS} domains under a ${CEILING_MB} MB heap`, () => {
  const root = scratchDir("memory-ceiling");
  writeSyntheticProject(root, DOMAINS);

  it("the cdktf app (what cdktf synth and plan run) writes every stack", { timeout: 180_000 }, () => {
    const r = run([join(repo, "generators/cli/cdktf-app.ts")], root, { CDKTF_OUTDIR: join(root, "app.out") });
    expect(r.stderr).not.toMatch(/heap out of memory/);
    expect(r.status).toBe(0);
    expect(readdirSync(join(root, "app.out/stacks"))).toHaveLength(2 * DOMAINS + 2);
  });

  it("lakeform synth, guardrails included, writes every stack", { timeout: 180_000 }, () => {
    const r = run([join(repo, "generators/cli/main.ts"), "synth", "--dir", root, "--out", join(root, "cli.out")], repo);
    expect(r.stderr).not.toMatch(/heap out of memory/);
    expect(r.status).toBe(0);
    expect(readdirSync(join(root, "cli.out/stacks"))).toHaveLength(2 * DOMAINS + 2);
  });
});
