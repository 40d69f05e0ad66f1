import { describe, expect, it } from "vitest";
import { DataLakeSettings } from "../../../modules/governance/data-lake-settings";
import { resource, resourcesOf, synthScope, type TfJson } from "../../helpers/synth";

const ADMINS = ["arn:aws:iam::111111111111:role/z-deployer", "arn:aws:iam::111111111111:role/a-admin"];
const synth = (admins: readonly string[] = ADMINS, id = "data_lake_settings"): TfJson =>
  synthScope((s) => void new DataLakeSettings(s, id, { catalogId: "111111111111", admins }));

describe("DataLakeSettings", () => {
  it("is one resource named after the construct id, in the given catalog", () => {
    const tf = synth();
    expect(Object.keys(resourcesOf(tf, "aws_lakeformation_data_lake_settings"))).toEqual(["data_lake_settings"]);
    expect(resource(tf, "aws_lakeformation_data_lake_settings", "data_lake_settings").catalog_id).toBe("111111111111");
  });

  it("makes exactly the given principals admins, sorted, without changing the input", () => {
    const input = [...ADMINS];
    const s = resource(synth(input), "aws_lakeformation_data_lake_settings", "data_lake_settings");
    expect(s.admins).toEqual(["arn:aws:iam::111111111111:role/a-admin", "arn:aws:iam::111111111111:role/z-deployer"]);
    expect(input).toEqual(ADMINS);
  });

  it("writes no default-permission blocks, so new databases and tables grant nothing to IAMAllowedPrincipals", () => {
    const tf = synth();
    const s = resource(tf, "aws_lakeformation_data_lake_settings", "data_lake_settings");
    expect(s).not.toHaveProperty("create_database_default_permissions");
    expect(s).not.toHaveProperty("create_table_default_permissions");
    expect(JSON.stringify(tf)).not.toMatch(/IAM_ALLOWED_PRINCIPALS|IAMAllowedPrincipals/i);
  });

  it("refuses full-table access to external engines and uses cross-account version 4", () => {
    const s = resource(synth(), "aws_lakeformation_data_lake_settings", "data_lake_settings");
    expect(s.allow_full_table_external_data_access).toBe(false);
    expect(s.parameters).toEqual({ CROSS_ACCOUNT_VERSION: "4" });
    expect(s).not.toHaveProperty("trusted_resource_owners");
  });

  it("lets only this account's EMR engines filter data themselves (session tag \"Amazon EMR\"), so Spark on EMR applies masks and row filters", () => {
    const s = resource(synth(), "aws_lakeformation_data_lake_settings", "data_lake_settings");
    expect(s.allow_external_data_filtering).toBe(true);
    expect(s.external_data_filtering_allow_list).toEqual(["111111111111"]);
    expect(s.authorized_session_tag_value_list).toEqual(["Amazon EMR"]);
    // Filtering engines get filtered data, never whole tables.
    expect(s.allow_full_table_external_data_access).toBe(false);
  });

  it("writes exactly these settings, and nothing Lake Formation would read as a default permission", () => {
    const s = resource(synth(), "aws_lakeformation_data_lake_settings", "data_lake_settings");
    expect(Object.keys(s).sort()).toEqual([
      "admins",
      "allow_external_data_filtering",
      "allow_full_table_external_data_access",
      "authorized_session_tag_value_list",
      "catalog_id",
      "external_data_filtering_allow_list",
      "parameters",
    ]);
  });
});
