import { readFileSync, readdirSync, statSync } from "node:fs";
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
  walk(join(repo, dir));
  return out;
}

const imports = (file: string) => [...readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]!);
const all = () => ["domains", "modules", "generators", "test"].flatMap(sources);

describe("import boundaries", () => {
  it("never imports the provider package root (it costs ~1.4 s and ~420 MB)", () => {
    const offenders = all().filter((f) => imports(f).some((i) => i === "@cdktf/provider-aws"));
    expect(offenders.map((f) => relative(repo, f))).toEqual([]);
  });

  it("keeps cdktf and the provider in modules/ and the stack composition", () => {
    const allowed = /^(modules\/|generators\/stacks\/|test\/)/;
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
    expect(imports(join(repo, "modules/storage/lake-bucket.ts"))).toContain("@cdktf/provider-aws/lib/s3-bucket");
  });
});
