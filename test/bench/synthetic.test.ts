import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { domainName, syntheticDomain, syntheticFiles, syntheticPlatform, writeOneDomainChange, writeSyntheticProject } from "../../bench/synthetic";
import { loadAndValidate } from "../../generators/manifest/validate";
import { scratchDir } from "../helpers/project";

describe("synthetic organisations", () => {
  it("validates for N=3, with every domain in the platform's domain tag and PII governed", async () => {
    const root = scratchDir("bench-synthetic");
    writeSyntheticProject(root, 3);
    const r = await loadAndValidate(root);
    if (!r.ok) throw new Error(r.problems.map((p) => `${p.file} › ${p.path.join(".")}: ${p.message}`).join("\n"));
    expect(r.findings).toEqual([]);
    expect(r.model.domains.map((d) => d.name)).toEqual(["d001", "d002", "d003"]);
    expect(r.model.stacks.map((s) => s.name).sort()).toEqual(["d001-dev", "d001-prod", "d002-dev", "d002-prod", "d003-dev", "d003-prod", "platform-dev", "platform-prod"]);
    // Written through the manifest API, as TypeScript manifests.
    expect(readFileSync(join(root, "domains/d002/domain.ts"), "utf8")).toMatch(/^import \{ defineDomain \} from "lakeform";/);
    expect(readdirSync(join(root, "domains/d003/jobs")).sort()).toEqual(["conform.py", "daily.py", "scores.py"]);
  });

  it("declares what the benchmark claims: PII columns with masks, a row filter, a tag grant, Glue and EMR Serverless jobs, a pipeline", () => {
    const d = syntheticDomain("d007", 2);
    expect(d.tables!.flatMap((t) => t.columns).some((c) => c.lfTags?.confidentiality === "pii")).toBe(true);
    expect(d.access!.some((a) => a.mask && a.rows)).toBe(true);
    expect(d.access!.some((a) => a.tags?.domain?.includes("d007"))).toBe(true);
    expect(new Set(d.jobs!.map((j) => j.engine))).toEqual(new Set(["glue", "emr-serverless"]));
    expect(d.pipeline!.tasks.map((t) => t.name)).toContain("daily_quality");
    expect(d.tables!.length).toBeGreaterThan(syntheticDomain("d001", 0).tables!.length);
    expect(syntheticPlatform(["a1", "b2"]).lfTags.domain!.values).toEqual(["a1", "b2"]);
  });

  it("gives the same bytes for the same N", () => {
    expect([...syntheticFiles(4)]).toEqual([...syntheticFiles(4)]);
    expect(domainName(99)).toBe("d100");
  });

  it("changes one domain for the review measurement, and the change validates", async () => {
    const root = scratchDir("bench-change");
    writeSyntheticProject(root, 2);
    const before = readFileSync(join(root, "domains/d001/domain.ts"), "utf8");
    writeOneDomainChange(root);
    const after = readFileSync(join(root, "domains/d001/domain.ts"), "utf8");
    expect(after).not.toBe(before);
    expect(after).toContain('"channel"');
    const r = await loadAndValidate(root);
    expect(r.ok).toBe(true);
  });
});
