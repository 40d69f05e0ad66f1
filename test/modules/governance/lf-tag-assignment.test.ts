import { describe, expect, it } from "vitest";
import { LfTagAssignment, type LfTagAssignmentProps } from "../../../modules/governance/lf-tag-assignment";
import { resource, resourcesOf, synthScope, type TfJson } from "../../helpers/synth";

const CATALOG = "111111111111";
const synth = (props: LfTagAssignmentProps, id = "raw"): TfJson => synthScope((s) => void new LfTagAssignment(s, id, props));

describe("LfTagAssignment", () => {
  it("is one aws_lakeformation_resource_lf_tags named after the id", () => {
    const tf = synth({ catalogId: CATALOG, target: { database: { name: "sales_raw_dev" } }, tags: [{ key: "domain", value: "sales" }] });
    expect(Object.keys(resourcesOf(tf, "aws_lakeformation_resource_lf_tags"))).toEqual(["raw"]);
  });

  it("tags a database with every tag carrying the catalog id", () => {
    const r = resource(
      synth({ catalogId: CATALOG, target: { database: { name: "sales_raw_dev", catalogId: CATALOG } }, tags: [{ key: "domain", value: "sales" }] }),
      "aws_lakeformation_resource_lf_tags",
      "raw",
    );
    expect(r).toMatchObject({ catalog_id: CATALOG, database: { name: "sales_raw_dev", catalog_id: CATALOG }, lf_tag: [{ key: "domain", value: "sales", catalog_id: CATALOG }] });
    expect(r).not.toHaveProperty("table");
    expect(r).not.toHaveProperty("table_with_columns");
  });

  it("sorts tags by key, so reordering a manifest changes nothing", () => {
    const tags = [
      { key: "retention", value: "1y" },
      { key: "confidentiality", value: "pii" },
      { key: "domain", value: "sales" },
    ];
    const r = resource(synth({ catalogId: CATALOG, target: { table: { databaseName: "db", name: "t" } }, tags }), "aws_lakeformation_resource_lf_tags", "raw");
    expect((r.lf_tag as { key: string }[]).map((t) => t.key)).toEqual(["confidentiality", "domain", "retention"]);
    expect(tags.map((t) => t.key)).toEqual(["retention", "confidentiality", "domain"]);
  });

  it("tags a table", () => {
    const r = resource(synth({ catalogId: CATALOG, target: { table: { databaseName: "db", name: "t", catalogId: CATALOG } }, tags: [{ key: "k", value: "v" }] }), "aws_lakeformation_resource_lf_tags", "raw");
    expect(r.table).toEqual({ database_name: "db", name: "t", catalog_id: CATALOG });
    expect(r).not.toHaveProperty("database");
  });

  it("tags columns of a table", () => {
    const r = resource(
      synth({ catalogId: CATALOG, target: { tableWithColumns: { databaseName: "db", name: "t", columnNames: ["email"], catalogId: CATALOG } }, tags: [{ key: "confidentiality", value: "pii" }] }, "raw__t__email"),
      "aws_lakeformation_resource_lf_tags",
      "raw__t__email",
    );
    expect(r.table_with_columns).toEqual({ database_name: "db", name: "t", column_names: ["email"], catalog_id: CATALOG });
    expect(r.lf_tag).toEqual([{ key: "confidentiality", value: "pii", catalog_id: CATALOG }]);
  });
});
