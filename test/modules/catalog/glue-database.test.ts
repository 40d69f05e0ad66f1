import { describe, expect, it } from "vitest";
import { GlueDatabase, type GlueDatabaseProps } from "../../../modules/catalog/glue-database";
import { resource, resourcesOf, synthScope, type TfJson } from "../../helpers/synth";

function props(over: Partial<GlueDatabaseProps> = {}): GlueDatabaseProps {
  return {
    name: "sales_raw_dev",
    catalogId: "111111111111",
    description: "sales raw zone",
    locationUri: "s3://acme-sales-raw-dev-111111111111-eu-west-1/",
    ...over,
  };
}

const synth = (p: GlueDatabaseProps, id = "raw"): TfJson => synthScope((s) => void new GlueDatabase(s, id, p));

describe("GlueDatabase", () => {
  it("creates the database in the given catalog with its location", () => {
    expect(resource(synth(props()), "aws_glue_catalog_database", "raw")).toMatchObject({
      name: "sales_raw_dev",
      catalog_id: "111111111111",
      description: "sales raw zone",
      location_uri: "s3://acme-sales-raw-dev-111111111111-eu-west-1/",
    });
  });

  it("writes no create_table_default_permission, so nothing is granted to IAMAllowedPrincipals", () => {
    const tf = synth(props({ lfTags: [{ key: "domain", value: "sales" }] }));
    expect(resource(tf, "aws_glue_catalog_database", "raw")).not.toHaveProperty("create_table_default_permission");
    expect(JSON.stringify(tf)).not.toMatch(/IAM_ALLOWED_PRINCIPALS|IAMAllowedPrincipals/i);
  });

  it("names its resources after terraformName when given", () => {
    const tf = synth(props({ terraformName: "curated", lfTags: [{ key: "domain", value: "sales" }] }), "curated-database");
    expect(Object.keys(resourcesOf(tf, "aws_glue_catalog_database"))).toEqual(["curated"]);
    expect(Object.keys(resourcesOf(tf, "aws_lakeformation_resource_lf_tags"))).toEqual(["curated"]);
  });

  it("writes no LF-tag resource when the database has no tags", () => {
    expect(resourcesOf(synth(props()), "aws_lakeformation_resource_lf_tags")).toEqual({});
    expect(resourcesOf(synth(props({ lfTags: [] })), "aws_lakeformation_resource_lf_tags")).toEqual({});
  });

  it("tags the database by reference, so the tags are assigned after it exists, with keys sorted", () => {
    const tf = synth(props({ lfTags: [{ key: "domain", value: "sales" }, { key: "confidentiality", value: "internal" }] }));
    const tags = resource(tf, "aws_lakeformation_resource_lf_tags", "raw");
    expect(tags.catalog_id).toBe("111111111111");
    expect(tags.database).toEqual({ name: "${aws_glue_catalog_database.raw.name}", catalog_id: "111111111111" });
    expect(tags.lf_tag).toEqual([
      { key: "confidentiality", value: "internal", catalog_id: "111111111111" },
      { key: "domain", value: "sales", catalog_id: "111111111111" },
    ]);
    expect(tags).not.toHaveProperty("table");
    expect(tags).not.toHaveProperty("table_with_columns");
  });
});
