import { describe, expect, it } from "vitest";
import { DataCellsFilter, ResourceGrant } from "../../../modules/governance/lf-resource-grant";
import { errorOf, resource, synthScope } from "../../helpers/synth";

const ROLE = "arn:aws:iam::111111111111:role/analysts";
const grant = (props: Partial<ConstructorParameters<typeof ResourceGrant>[2]>) =>
  synthScope((s) => new ResourceGrant(s, "g", { catalogId: "111111111111", principal: ROLE, permissions: ["SELECT"], resource: { kind: "catalog" }, ...props }));

describe("ResourceGrant", () => {
  it("writes each resource kind as its block, lists sorted and deduplicated", () => {
    const tf = grant({ permissions: ["SELECT", "DESCRIBE", "SELECT"], permissionsWithGrantOption: ["SELECT"], resource: { kind: "tableColumns", database: "db", table: "t", columns: ["b", "a"], excludedColumns: [] } });
    expect(resource(tf, "aws_lakeformation_permissions", "g")).toEqual({
      catalog_id: "111111111111",
      principal: ROLE,
      permissions: ["DESCRIBE", "SELECT"],
      permissions_with_grant_option: ["SELECT"],
      table_with_columns: { catalog_id: "111111111111", database_name: "db", name: "t", column_names: ["a", "b"] },
    });
    expect(resource(grant({ resource: { kind: "table", database: "db", name: null } }), "aws_lakeformation_permissions", "g").table).toEqual({ catalog_id: "111111111111", database_name: "db", wildcard: true });
    expect(resource(grant({ resource: { kind: "tableColumns", database: "db", table: "t", columns: null, excludedColumns: ["x"] } }), "aws_lakeformation_permissions", "g").table_with_columns).toEqual({
      catalog_id: "111111111111",
      database_name: "db",
      name: "t",
      wildcard: true,
      excluded_column_names: ["x"],
    });
    expect(resource(grant({ resource: { kind: "lfTag", key: "k", values: ["b", "a"] } }), "aws_lakeformation_permissions", "g").lf_tag).toEqual({ catalog_id: "111111111111", key: "k", values: ["a", "b"] });
    expect(resource(grant({ resource: { kind: "lfTagPolicy", resourceType: "DATABASE", expression: [{ key: "z", values: ["1"] }, { key: "a", values: ["2", "1"] }] } }), "aws_lakeformation_permissions", "g").lf_tag_policy).toEqual({
      catalog_id: "111111111111",
      resource_type: "DATABASE",
      expression: [
        { key: "a", values: ["1", "2"] },
        { key: "z", values: ["1"] },
      ],
    });
    expect(resource(grant({ resource: { kind: "dataLocation", resourceArn: "arn:aws:s3:::b" } }), "aws_lakeformation_permissions", "g").data_location).toEqual({ catalog_id: "111111111111", arn: "arn:aws:s3:::b" });
    expect(resource(grant({ resource: { kind: "database", name: "db" } }), "aws_lakeformation_permissions", "g").database).toEqual({ catalog_id: "111111111111", name: "db" });
    expect(resource(grant({}), "aws_lakeformation_permissions", "g").catalog_resource).toBe(true);
  });

  it("fails when the principal is IAMAllowedPrincipals", () => {
    expect(errorOf(() => grant({ principal: "IAM_ALLOWED_PRINCIPALS" }))).toMatch(/never grants to IAMAllowedPrincipals/);
  });

  it("fails when there are no permissions, or a grantable one is not among them", () => {
    expect(errorOf(() => grant({ permissions: [] }))).toBe("grant g: no permissions");
    expect(errorOf(() => grant({ permissionsWithGrantOption: ["ALTER"] }))).toBe("grant g: grantable ALTER not among the permissions");
  });
});

describe("DataCellsFilter", () => {
  const filter = (props: Partial<ConstructorParameters<typeof DataCellsFilter>[2]>) =>
    synthScope((s) => new DataCellsFilter(s, "f", { catalogId: "111111111111", name: "f", databaseName: "db", tableName: "t", ...props }));

  it("writes a column wildcard with exclusions, or included columns, and a row filter or all rows", () => {
    expect(resource(filter({ excludedColumns: ["b", "a"], rowFilter: "x = 1" }), "aws_lakeformation_data_cells_filter", "f").table_data).toEqual([
      { database_name: "db", table_name: "t", table_catalog_id: "111111111111", name: "f", column_wildcard: [{ excluded_column_names: ["a", "b"] }], row_filter: [{ filter_expression: "x = 1" }] },
    ]);
    expect(resource(filter({ columns: ["a"] }), "aws_lakeformation_data_cells_filter", "f").table_data).toEqual([
      { database_name: "db", table_name: "t", table_catalog_id: "111111111111", name: "f", column_names: ["a"], row_filter: [{ all_rows_wildcard: [{}] }] },
    ]);
  });

  it("fails when it names columns and excludes some, or names none", () => {
    expect(errorOf(() => filter({ columns: ["a"], excludedColumns: ["b"] }))).toBe("cells filter f: excluded columns apply only to a column wildcard");
    expect(errorOf(() => filter({ columns: [] }))).toBe("cells filter f: an empty column list shows nothing");
  });
});
