import { describe, expect, it } from "vitest";
import { formatProblem } from "../../generators/manifest/errors";
import { checkReplication } from "../../generators/manifest/replication-rules";
import { DomainManifest } from "../../generators/manifest/schema/domain";
import { lakeform } from "../helpers/cli";
import { domainFixture, makeProject, platformFixture } from "../helpers/project";
import { treeDigest } from "../helpers/cli";
import { existsSync } from "node:fs";
import { join } from "node:path";

const FILE = "domains/sales/domain.yaml";

function problems(zones: Record<string, unknown>): string[] {
  const d = domainFixture();
  d.zones = zones;
  return checkReplication({ file: FILE, folder: "sales", manifest: DomainManifest.parse(d) }).map(formatProblem);
}

describe("checkReplication", () => {
  it("accepts raw with Replication Time Control and delete markers, and another zone marked for replication with its options", () => {
    expect(problems({ raw: { replicationTimeControl: true, replicateDeletes: true }, processed: { replicate: true, replicationTimeControl: true }, curated: {} })).toEqual([]);
  });

  it("fails when replication options are set on a zone that is not replicated, by default or by choice, naming each field", () => {
    expect(problems({ raw: { replicate: false, replicateDeletes: true }, processed: { replicationTimeControl: true, replicateDeletes: true } })).toEqual([
      `${FILE} › zones.raw.replicateDeletes: replicateDeletes applies only to a replicated zone, and raw is not replicated, got true; set replicate: true on zones.raw, or remove replicateDeletes`,
      `${FILE} › zones.processed.replicationTimeControl: replicationTimeControl applies only to a replicated zone, and processed is not replicated by default, got true; set replicate: true on zones.processed, or remove replicationTimeControl`,
      `${FILE} › zones.processed.replicateDeletes: replicateDeletes applies only to a replicated zone, and processed is not replicated by default, got true; set replicate: true on zones.processed, or remove replicateDeletes`,
    ]);
  });

  it("fails when replicate is not a boolean (the schema)", () => {
    const d = domainFixture();
    d.zones = { raw: { replicate: "yes" } };
    expect(DomainManifest.safeParse(d).success).toBe(false);
  });

  it("makes lakeform synth exit 2 and leave cdktf.out untouched", async () => {
    const d = domainFixture();
    d.zones = { raw: {}, curated: { replicationTimeControl: true } };
    const root = makeProject({ platform: platformFixture(), domains: { sales: d } });
    const r = await lakeform("synth", "--dir", root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("zones.curated.replicationTimeControl: replicationTimeControl applies only to a replicated zone");
    expect(existsSync(join(root, "cdktf.out")) ? Object.keys(treeDigest(join(root, "cdktf.out"))) : []).toEqual([]);
  });
});
