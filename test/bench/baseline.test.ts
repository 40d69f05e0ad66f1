import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { synthesizeBaseline } from "../../bench/baseline";
import { compareCounts, differingStacks, readSynthesized, resourceClassModule, resourceCounts, writeSpec } from "../../bench/spec";
import { writeSyntheticProject } from "../../bench/synthetic";
import { loadAndValidate } from "../../generators/manifest/validate";
import { synthesizeModel } from "../../generators/stacks/app";
import { scratchDir } from "../helpers/project";

describe("the hand-written baseline", () => {
  it("constructs the same resources as Lakeform for N=2 (same types and counts per stack, the same Terraform JSON)", async () => {
    const root = scratchDir("bench-baseline");
    writeSyntheticProject(root, 2);
    const r = await loadAndValidate(root);
    if (!r.ok) throw new Error("the synthetic project does not validate");
    synthesizeModel(r.model, { outdir: join(root, "lakeform.out") });
    const lakeform = readSynthesized(join(root, "lakeform.out"));
    writeSpec(lakeform, join(root, "spec"));
    await synthesizeBaseline(join(root, "spec"), join(root, "baseline.out"), false);
    const baseline = readSynthesized(join(root, "baseline.out"));
    expect(Object.keys(baseline.stacks)).toEqual(["d001-dev", "d001-prod", "d002-dev", "d002-prod", "platform-dev", "platform-prod"]);
    expect(Object.keys(resourceCounts(baseline.stacks["d001-dev"]!)).length).toBeGreaterThan(30);
    expect(compareCounts(lakeform, baseline)).toEqual([]);
    expect(differingStacks(lakeform, baseline)).toEqual([]);
  });

  it("fails the comparison when a resource or a stack is missing", () => {
    const tf = { resource: { aws_s3_bucket: { a: {}, b: {} }, aws_kms_key: { k: {} } } };
    const fewer = { resource: { aws_s3_bucket: { a: {} }, aws_kms_key: { k: {} } } };
    expect(compareCounts({ stacks: { s: tf, t: tf } }, { stacks: { s: fewer } })).toEqual([
      { stack: "s", detail: "aws_s3_bucket: 2 vs 1" },
      { stack: "t", detail: "missing from the baseline" },
    ]);
    expect(differingStacks({ stacks: { s: tf } }, { stacks: { s: fewer } })).toEqual(["s"]);
  });

  it("deep-imports each provider class, never the package root", () => {
    expect(resourceClassModule("aws_lakeformation_data_cells_filter")).toBe("@cdktf/provider-aws/lib/lakeformation-data-cells-filter/index.js");
    expect(() => resourceClassModule("random_id")).toThrow("not an AWS resource type");
  });
});
