import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { addDomainTagValueTs, addDomainTagValueYaml } from "../../generators/scaffold/platform-tag";
import { lakeform, treeDigest } from "../helpers/cli";
import { domainFixture, makeProject, platformFixture, scratchDir } from "../helpers/project";

const repo = resolve(import.meta.dirname, "../..");

/** A copy of the example project (the real platform manifest, in TypeScript, and the three domains). */
function exampleCopy(): string {
  const root = scratchDir("scaffold");
  cpSync(join(repo, "domains"), join(root, "domains"), { recursive: true });
  return root;
}

const read = (root: string, rel: string) => readFileSync(join(root, rel), "utf8");

describe("lakeform new-domain", () => {
  it("scaffolds a YAML domain that validates against the example platform, adding its name to the domain tag — golden files", async () => {
    const root = exampleCopy();
    const platformBefore = read(root, "domains/platform.ts");
    const r = await lakeform("new-domain", "customer-care", "--owner", "care-data", "--dir", root);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "created domains/customer-care/domain.yaml",
        "created domains/customer-care/jobs/conform_events.py",
        "created domains/customer-care/README.md",
        'updated domains/platform.ts: "customer-care" added to lfTags.domain.values',
        "valid: 4 domains, 10 stacks; new: customer-care-dev, customer-care-prod",
        "next: read domains/customer-care/README.md, make the domain yours, then npx lakeform validate && npx lakeform synth",
        "",
      ].join("\n"),
    );
    for (const f of ["domain.yaml", "jobs/conform_events.py", "README.md"]) {
      await expect(read(root, `domains/customer-care/${f}`)).toMatchFileSnapshot(`__golden__/customer-care/${f}`);
    }
    // Exactly one line of the platform manifest changed: the domain tag's values, in sorted place.
    const before = platformBefore.split("\n");
    const after = read(root, "domains/platform.ts").split("\n");
    expect(after.length).toBe(before.length);
    const changed = after.flatMap((l, i) => (l !== before[i] ? [[before[i], l]] : []));
    expect(changed).toEqual([
      ['    domain: { description: "Owning data domain", values: ["billing", "cdr", "clickstream"] },', '    domain: { description: "Owning data domain", values: ["billing", "cdr", "clickstream", "customer-care"] },'],
    ]);
    // The owner's mail domain is the one every example domain shares.
    expect(YAML.parse(read(root, "domains/customer-care/domain.yaml")).owner).toEqual({ team: "care-data", email: "care-data@acme.example" });
  });

  it("scaffolds a TypeScript domain limited to the environments of --account — golden file", async () => {
    const root = exampleCopy();
    const r = await lakeform("new-domain", "network-ops", "--owner", "noc", "--email", "noc@acme.example", "--account", "222222222222", "--format", "ts", "--cost-centre", "CC-7100", "--dir", root);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("valid: 4 domains, 9 stacks; new: network-ops-prod\n");
    await expect(read(root, "domains/network-ops/domain.ts")).toMatchFileSnapshot("__golden__/network-ops/domain.ts");
  });

  it("takes the scaffold through validate and synth: the new stacks hold the sample job, the DAG and the budget", async () => {
    const root = exampleCopy();
    expect((await lakeform("new-domain", "customer-care", "--owner", "care-data", "--dir", root)).code).toBe(0);
    expect(await lakeform("validate", "--dir", root)).toMatchObject({ code: 0, stdout: "valid: 4 domains, 2 environments, 10 stacks\n" });
    const synth = await lakeform("synth", "--dir", root, "--stack", "customer-care-dev", "--stack", "platform-dev");
    expect(synth.stderr).toBe("");
    expect(synth.code).toBe(0);
    const tf = JSON.parse(read(root, "cdktf.out/stacks/customer-care-dev/cdk.tf.json"));
    expect(Object.keys(tf.resource.aws_glue_job)).toEqual(["conform-events"]);
    expect(tf.resource.aws_budgets_budget.budget).toMatchObject({ name: "acme-customer-care-dev", limit_amount: "2500.0" });
    expect(tf.resource.aws_s3_object.dag.key).toBe("dags/customer_care_dev.py");
    expect(Object.keys(tf.resource.aws_lakeformation_permissions)).toContain("analysts");
    const platform = JSON.parse(read(root, "cdktf.out/stacks/platform-dev/cdk.tf.json"));
    expect(platform.resource.aws_lakeformation_lf_tag.domain.values).toContain("customer-care");
  });

  it("writes a sample job that Python compiles", async () => {
    const root = exampleCopy();
    await lakeform("new-domain", "customer-care", "--owner", "care-data", "--dir", root);
    expect(() => execFileSync("python3", ["-m", "py_compile", join(root, "domains/customer-care/jobs/conform_events.py")], { stdio: "pipe" })).not.toThrow();
  });

  it("fails when the name, owner, email, format or account is wrong — all at once, exit 2, nothing written", async () => {
    const root = exampleCopy();
    const before = treeDigest(join(root, "domains"));
    const r = await lakeform("new-domain", "Customer_Care", "--owner", "X", "--email", "nope", "--format", "json", "--account", "999999999999", "--dir", root);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")).toEqual([
      'lakeform new-domain: the domain name is not valid (use lower-case letters and digits, words joined by single hyphens, starting with a letter), got "Customer_Care"; use lower-case words joined by hyphens, 2-24 characters, like customer-care',
      'lakeform new-domain: --owner is not a team name (a team name is lower-case letters, digits and hyphens, 2-63 characters), got "X"; use the team\'s name, like customer-care-data',
      'lakeform new-domain: --email is not an email address, got "nope"; use the team\'s address, like care-data@acme.example',
      'lakeform new-domain: --format must be yaml or ts, got "json"; use --format yaml or --format ts',
      'lakeform new-domain: no environment of the platform is in this account, got "999999999999"; use one of 111111111111, 222222222222, or leave --account out to deploy everywhere',
      "5 problems; nothing was written.",
      "",
    ]);
    expect(treeDigest(join(root, "domains"))).toEqual(before);
  });

  it("fails when the domain exists, the name is reserved or too long, or the owner is missing — and overwrites nothing", async () => {
    const root = exampleCopy();
    const before = treeDigest(join(root, "domains"));
    const exists = await lakeform("new-domain", "cdr", "--owner", "telco-data", "--dir", root);
    expect(exists).toMatchObject({ code: 2 });
    expect(exists.stderr).toContain('lakeform new-domain: domains/cdr already exists; nothing is overwritten, got "cdr"');
    expect((await lakeform("new-domain", "platform", "--owner", "a-team", "--dir", root)).stderr).toContain("this name is reserved for Lakeform's own stacks");
    expect((await lakeform("new-domain", "a-very-long-domain-name-indeed", "--owner", "a-team", "--dir", root)).stderr).toContain("a domain name is at most 24 characters");
    expect(await lakeform("new-domain", "care", "--dir", root)).toMatchObject({ code: 2 });
    expect((await lakeform("new-domain", "--owner", "a-team", "--dir", root)).stderr).toContain("give exactly one domain name, got 0");
    expect(treeDigest(join(root, "domains"))).toEqual(before);
  });

  it("edits a YAML platform manifest as a document, keeping its comments", async () => {
    const p = platformFixture();
    const text = `# the platform team's manifest\n${YAML.stringify(p)}`;
    const root = makeProject({ platform: { file: "platform.yaml", text }, domains: { sales: domainFixture() } });
    const r = await lakeform("new-domain", "care", "--owner", "care-data", "--dir", root);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const after = read(root, "domains/platform.yaml");
    expect(after.startsWith("# the platform team's manifest\n")).toBe(true);
    expect(YAML.parse(after).lfTags.domain.values).toEqual(["sales", "cdr", "care"]);
    // The fixture has no principals: the scaffold grants nothing, and says why.
    expect(read(root, "domains/care/domain.yaml")).toContain("# access: no principal is named in every environment of the platform yet;");
    // The email comes from the one existing domain's mail domain.
    expect(read(root, "domains/care/domain.yaml")).toContain('email: "care-data@example.com"');
  });

  it("tags by domain alone when the PII key has no other value, and still validates", async () => {
    const p = platformFixture();
    p.lfTags.confidentiality.values = ["pii"];
    p.environments.dev.principals = { analysts: "arn:aws:iam::111111111111:role/analysts" };
    p.environments.prod.principals = { analysts: "arn:aws:iam::222222222222:role/analysts" };
    const root = makeProject({ platform: p, domains: {} });
    const r = await lakeform("new-domain", "care", "--owner", "care-data", "--email", "care@example.com", "--format", "ts", "--dir", root);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const ts = read(root, "domains/care/domain.ts");
    expect(ts).toContain('  lfTags: { domain: "care" },');
    expect(ts).toContain('      tags: { domain: ["care"] },');
  });

  it("leaves a TypeScript taxonomy it cannot edit safely to a person: writes the domain, prints the one-line change, exits 1", async () => {
    const root = exampleCopy();
    const original = read(root, "domains/platform.ts");
    const computed = original.replace('values: ["billing", "cdr", "clickstream"]', "values: DOMAINS").replace('import { definePlatform } from "lakeform";', 'import { definePlatform } from "lakeform";\n\nconst DOMAINS = ["billing", "cdr", "clickstream"];');
    expect(computed).not.toBe(original);
    writeFileSync(join(root, "domains/platform.ts"), computed);
    const r = await lakeform("new-domain", "customer-care", "--owner", "care-data", "--dir", root);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      [
        "one platform change is left, for the platform team to approve in the same pull request:",
        '  domains/platform.ts: add "customer-care" to lfTags.domain.values (no single literal `domain: { values: [...] }` inside lfTags, so Lakeform leaves the edit to you)',
        "then: npx lakeform validate",
        "",
      ].join("\n"),
    );
    expect(read(root, "domains/platform.ts")).toBe(computed);
    expect(existsSync(join(root, "domains/customer-care/domain.yaml"))).toBe(true);
    // Until the platform changes, validate names the same fix.
    const v = await lakeform("validate", "--dir", root);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain('domains/customer-care/domain.yaml › lfTags.domain: not an allowed value of LF-tag "domain", got "customer-care"');
  });
});

describe("platform taxonomy edits", () => {
  it("inserts in sorted place when the list is sorted, at the end when it is not, keeping quotes and layout", () => {
    expect(addDomainTagValueTs(`lfTags: { domain: { values: ['a', 'c'] } }`, "domain", "b")).toEqual({ ok: true, text: `lfTags: { domain: { values: ['a', 'b', 'c'] } }` });
    expect(addDomainTagValueTs(`lfTags: { domain: { values: ["c", "a"] } }`, "domain", "b")).toEqual({ ok: true, text: `lfTags: { domain: { values: ["c", "a", "b"] } }` });
    expect(addDomainTagValueTs(`lfTags: {\n  domain: {\n    values: [\n      "a",\n      "c",\n    ],\n  },\n}`, "domain", "b")).toEqual({
      ok: true,
      text: `lfTags: {\n  domain: {\n    values: [\n      "a",\n      "b",\n      "c",\n    ],\n  },\n}`,
    });
    expect(addDomainTagValueYaml("lfTags:\n  domain:\n    values:\n      - a # first\n      - c\n", "domain", "b")).toEqual({ ok: true, text: "lfTags:\n  domain:\n    values:\n      - a # first\n      - b\n      - c\n" });
  });

  it("fails when the values are not a literal list inside exactly one lfTags object", () => {
    expect(addDomainTagValueTs(`lfTags: { domain: { values: [...BASE, "x"] } }`, "domain", "b")).toEqual({ ok: false, reason: "lfTags.domain.values is not a list of string literals" });
    expect(addDomainTagValueTs(`const a = { lfTags: {} }; const b = { lfTags: { domain: { values: ["a"] } } };`, "domain", "b")).toMatchObject({ ok: false, reason: "found 2 lfTags objects, expected one" });
    expect(addDomainTagValueTs(`lfTags: { other: { values: ["a"] } }, domain: { values: ["a"] }`, "domain", "b")).toMatchObject({ ok: false });
    expect(addDomainTagValueYaml("lfTags:\n  domain:\n    values: *anchor\n", "domain", "b")).toMatchObject({ ok: false });
  });
});
