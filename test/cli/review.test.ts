import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { lakeform, treeDigest } from "../helpers/cli";
import { domainFixture, makeProject, platformFixture, scratchDir } from "../helpers/project";

const repo = resolve(import.meta.dirname, "../..");

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args], { cwd, stdio: "pipe" }).toString();

/** The example domains in a throwaway git repository, committed once. */
function examplesRepo(): string {
  const root = scratchDir("review-git");
  cpSync(join(repo, "domains"), join(root, "domains"), { recursive: true });
  git(root, "init", "-q", "-b", "main");
  git(root, "add", "domains");
  git(root, "commit", "-q", "-m", "examples");
  return root;
}

describe("lakeform review", () => {
  it("reads the base from a git revision without touching the working tree, and writes review.md and review.json", async () => {
    const root = examplesRepo();
    const cdr = join(root, "domains", "cdr", "domain.yaml");
    writeFileSync(cdr, readFileSync(cdr, "utf8").replace("mask: [imsi, msisdn, called_number]", "mask: [imsi, called_number]"));
    const before = treeDigest(join(root, "domains"));

    const r = await lakeform("review", "--dir", root, "--base", "main", "--out", "review");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("governance approval required (@acme/data-governance)");
    expect(treeDigest(join(root, "domains"))).toEqual(before);
    expect(existsSync(join(root, ".lakeform-tmp"))).toBe(false);
    expect(git(root, "status", "--porcelain", "domains")).toBe(" M domains/cdr/domain.yaml\n");

    const md = readFileSync(join(root, "review", "review.md"), "utf8");
    expect(md).toContain("| ⚠️ eu-mvno-analysts | `cdr.processed.calls` | dev, prod | reads `msisdn (PII)` |");
    expect(md).toContain("| `telco-data` (telco-data@acme.example) | owns cdr (changed) |");
    expect(md).toContain("```mermaid\nflowchart LR");

    const json = JSON.parse(readFileSync(join(root, "review", "review.json"), "utf8"));
    expect(Object.keys(json).sort()).toEqual(
      ["access", "approvals", "base", "cost", "diagrams", "domains", "exitCode", "filters", "findings", "guardrails", "head", "piiReaders", "platformChanged", "resources"].sort(),
    );
    expect(json.base).toEqual({ label: "main", valid: true, problems: [] });
    expect(json.domains).toEqual([{ domain: "cdr", status: "changed", owners: [{ team: "telco-data", email: "telco-data@acme.example" }], stacks: ["cdr-dev", "cdr-prod"] }]);
    expect(json.filters).toEqual([
      { domain: "cdr", grant: "eu-mvno-calls", principal: "eu-mvno-analysts", environments: ["dev", "prod"], table: "processed.calls", masksAdded: [], masksRemoved: ["msisdn"], rowsBefore: "region = 'EU'", rowsAfter: "region = 'EU'" },
    ]);
    expect(json.approvals.governance).toMatchObject({ required: true, approvers: "@acme/data-governance" });
    expect(json.resources.map((s: { stack: string; changed: string[] }) => [s.stack, s.changed])).toEqual([
      ["cdr-dev", ["aws_lakeformation_data_cells_filter.eu-mvno-calls", "aws_s3_object.catalog_export"]],
      ["cdr-prod", ["aws_lakeformation_data_cells_filter.eu-mvno-calls", "aws_s3_object.catalog_export"]],
    ]);
    expect(json.cost).toMatchObject({ currency: "USD", stacks: [], delta: 0 });
    expect(json.exitCode).toBe(1);
  });

  it("compares with a base directory and prints the comment; the same manifests need no approval", async () => {
    const root = makeProject({ platform: platformFixture(), domains: { sales: domainFixture() } });
    const r = await lakeform("review", "--dir", root, "--base", root);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("No governance approval needed · owners: none");
    expect(r.stdout).toContain("Nobody gains or loses access.");
    const again = await lakeform("review", "--dir", root, "--base", root);
    expect(again.stdout).toBe(r.stdout);
  });

  it("reports a base that does not validate and compares with an empty project", async () => {
    const base = makeProject({ platform: platformFixture(), domains: { sales: { ...domainFixture(), costCentre: 7 } } });
    const head = makeProject({ platform: platformFixture(), domains: { sales: domainFixture() } });
    const r = await lakeform("review", "--dir", head, "--base", base, "--format", "json");
    const json = JSON.parse(r.stdout);
    expect(json.base.valid).toBe(false);
    expect(json.base.problems.map((p: { file: string; path: string[] }) => `${p.file} › ${p.path.join(".")}`)).toEqual(["domains/sales/domain.yaml › costCentre"]);
    expect(json.domains.map((d: { domain: string; status: string }) => [d.domain, d.status])).toEqual([["sales", "added"]]);
  });

  it("fails when the head does not validate (exit 2, its problems printed)", async () => {
    const base = makeProject({ platform: platformFixture(), domains: { sales: domainFixture() } });
    const head = makeProject({ platform: platformFixture(), domains: { sales: { ...domainFixture(), costCentre: 7 } } });
    const r = await lakeform("review", "--dir", head, "--base", base);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("the head does not validate");
    expect(r.stderr).toContain("domains/sales/domain.yaml › costCentre");
  });

  it("fails when --base is neither a directory nor a git revision, or missing (exit 2)", async () => {
    const root = examplesRepo();
    const r = await lakeform("review", "--dir", root, "--base", "no-such-branch");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--base "no-such-branch" is neither a directory nor a git revision');
    expect((await lakeform("review", "--dir", root)).code).toBe(2);
    expect((await lakeform("review", "--dir", root, "--base", "main", "--format", "yaml")).code).toBe(2);
  });
});
