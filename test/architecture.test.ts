import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/** The import boundaries ARCHITECTURE.md sets, checked over the source tree. */

const repo = resolve(import.meta.dirname, "..");

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (name === "node_modules" || name.startsWith(".")) continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|mts|mjs|js)$/.test(name)) out.push(p);
    }
  };
  if (existsSync(join(repo, dir))) walk(join(repo, dir));
  return out;
}

/** Module specifiers of static imports, dynamic imports and requires. */
const importsOf = (text: string) => [...text.matchAll(/(?:from|import|require)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]!);
const imports = (file: string) => importsOf(readFileSync(file, "utf8"));
/** Every source folder: a root import anywhere (a script, the benchmark) loads the whole provider. */
const TREES = ["domains", "modules", "generators", "test", "bench", "scripts"];
const all = () => TREES.flatMap(sources);

describe("import boundaries", () => {
  it("never imports the provider package root (it costs ~1.4 s and ~420 MB)", () => {
    const offenders = all().filter((f) => imports(f).some((i) => i === "@cdktf/provider-aws"));
    expect(offenders.map((f) => relative(repo, f))).toEqual([]);
  });

  it("fails on a root import of the provider, by import, dynamic import or require", () => {
    const root = ["@cdktf", "provider-aws"].join("/");
    const seeded = [`import { S3Bucket } from "${root}";`, `const aws = await import("${root}");`, `const aws = require("${root}");`];
    for (const text of seeded) expect(importsOf(text)).toEqual([root]);
  });

  it("keeps cdktf and the provider in modules/, the stack composition and the benchmark's hand-written baseline", () => {
    const allowed = /^(modules\/|generators\/stacks\/|test\/|bench\/baseline\.ts$)/;
    const offenders = all()
      .map((f) => relative(repo, f))
      .filter((f) => !allowed.test(f) && imports(join(repo, f)).some((i) => i === "cdktf" || i.startsWith("@cdktf/")));
    expect(offenders).toEqual([]);
  });

  it("keeps modules free of manifests and the model", () => {
    const offenders = sources("modules").filter((f) => imports(f).some((i) => i.includes("generators/")));
    expect(offenders.map((f) => relative(repo, f))).toEqual([]);
  });

  it("keeps the AWS SDK in the live export: synthesis makes no AWS call", () => {
    const allowed = /^(generators\/export\/live\/|generators\/cli\/catalog\.ts$|test\/)/;
    const offenders = all()
      .map((f) => relative(repo, f))
      .filter((f) => !allowed.test(f) && imports(join(repo, f)).some((i) => i.startsWith("@aws-sdk/")));
    expect(offenders).toEqual([]);
    expect(imports(join(repo, "generators/export/live/read.ts"))).toContain("@aws-sdk/client-lakeformation");
  });

  it("uses no aws_iam_policy_document data source (policies are JSON built in TypeScript)", () => {
    const offenders = ["modules", "generators"].flatMap(sources).filter((f) => readFileSync(f, "utf8").includes(["DataAws", "IamPolicyDocument"].join("")));
    expect(offenders).toEqual([]);
  });

  it("finds the boundary checks' subjects (the scan is not empty)", () => {
    expect(sources("modules").length).toBeGreaterThan(5);
    expect(all().map((f) => relative(repo, f))).toEqual(expect.arrayContaining(["generators/cli/main.ts", "bench/baseline.ts", "bench/run.ts", "bench/probe.mjs"]));
    expect(imports(join(repo, "bench/baseline.ts"))).toContain("@cdktf/provider-aws/lib/provider");
    expect(imports(join(repo, "modules/storage/lake-bucket.ts"))).toContain("@cdktf/provider-aws/lib/s3-bucket");
  });
});
