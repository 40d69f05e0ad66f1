import { describe, expect, it } from "vitest";
import {
  CellsFilterGrant,
  type CellsFilterGrantProps,
  IAM_ALLOWED_PRINCIPALS,
  TableGrant,
  type TableGrantProps,
  TagPolicyGrant,
  type TagPolicyGrantProps,
} from "../../../modules/governance/lf-grant";
import { resource, resourcesOf, synthScope, type TfJson } from "../../helpers/synth";

const CATALOG = "111111111111";
const ROLE = "arn:aws:iam::111111111111:role/analysts";
const GROUP = "arn:aws:identitystore:::group/9a672b3314-d1b2c3d4-1111-2222-3333-444455556666";
const PERMISSIONS = "aws_lakeformation_permissions";
const FILTER = "aws_lakeformation_data_cells_filter";

/** Every attribute a grant resource may carry a target in; exactly one may be set. */
const TARGETS = ["catalog_resource", "data_cells_filter", "data_location", "database", "lf_tag", "lf_tag_policy", "table", "table_with_columns"];
const targetsOf = (r: Record<string, unknown>) => TARGETS.filter((t) => r[t] !== undefined);

const tagProps = (over: Partial<TagPolicyGrantProps> = {}): TagPolicyGrantProps => ({
  catalogId: CATALOG,
  principal: ROLE,
  permissions: ["SELECT", "DESCRIBE"],
  expression: [
    { key: "domain", values: ["sales"] },
    { key: "confidentiality", values: ["internal", "confidential"] },
  ],
  ...over,
});
const tableProps = (over: Partial<TableGrantProps> = {}): TableGrantProps => ({
  catalogId: CATALOG,
  principal: ROLE,
  permissions: ["SELECT", "DESCRIBE"],
  databaseName: "sales_processed_dev",
  tableName: "orders",
  ...over,
});
const cellsProps = (over: Partial<CellsFilterGrantProps> = {}): CellsFilterGrantProps => ({
  catalogId: CATALOG,
  principal: ROLE,
  filterName: "eu-orders",
  databaseName: "sales_processed_dev",
  tableName: "orders",
  excludedColumns: ["email", "card_pan"],
  rowFilter: "region = 'EU'",
  ...over,
});

const synthTag = (p: TagPolicyGrantProps, id = "analysts"): TfJson => synthScope((s) => void new TagPolicyGrant(s, id, p));
const synthTable = (p: TableGrantProps, id = "bi"): TfJson => synthScope((s) => void new TableGrant(s, id, p));
const synthCells = (p: CellsFilterGrantProps, id = "eu-orders"): TfJson => synthScope((s) => void new CellsFilterGrant(s, id, p));

describe("TagPolicyGrant", () => {
  it("is one aws_lakeformation_permissions named after the id, on an LF-tag policy over tables", () => {
    const tf = synthTag(tagProps());
    expect(Object.keys(resourcesOf(tf, PERMISSIONS))).toEqual(["analysts"]);
    expect(resourcesOf(tf, FILTER)).toEqual({});
    expect(resource(tf, PERMISSIONS, "analysts")).toEqual({
      catalog_id: CATALOG,
      principal: ROLE,
      permissions: ["DESCRIBE", "SELECT"],
      lf_tag_policy: {
        catalog_id: CATALOG,
        resource_type: "TABLE",
        expression: [
          { key: "confidentiality", values: ["confidential", "internal"] },
          { key: "domain", values: ["sales"] },
        ],
      },
    });
  });

  it("sorts keys, values and permissions and drops repeats, without changing the input", () => {
    const expression = [
      { key: "retention", values: ["2y", "1y", "2y"] },
      { key: "domain", values: ["sales"] },
    ];
    const permissions = ["SELECT", "DESCRIBE", "SELECT"];
    const r = resource(synthTag(tagProps({ expression, permissions })), PERMISSIONS, "analysts");
    expect(r.permissions).toEqual(["DESCRIBE", "SELECT"]);
    expect((r.lf_tag_policy as Record<string, unknown>).expression).toEqual([
      { key: "domain", values: ["sales"] },
      { key: "retention", values: ["1y", "2y"] },
    ]);
    expect(expression.map((e) => e.key)).toEqual(["retention", "domain"]);
    expect(expression[0]!.values).toEqual(["2y", "1y", "2y"]);
    expect(permissions).toEqual(["SELECT", "DESCRIBE", "SELECT"]);
  });

  it("writes no grant option unless grantable, and then exactly the granted permissions", () => {
    expect(resource(synthTag(tagProps()), PERMISSIONS, "analysts")).not.toHaveProperty("permissions_with_grant_option");
    expect(resource(synthTag(tagProps({ grantable: false })), PERMISSIONS, "analysts")).not.toHaveProperty("permissions_with_grant_option");
    const r = resource(synthTag(tagProps({ grantable: true })), PERMISSIONS, "analysts");
    expect(r.permissions_with_grant_option).toEqual(["DESCRIBE", "SELECT"]);
    expect(r.permissions_with_grant_option).toEqual(r.permissions);
  });

  it("grants to Identity Center groups and accounts as given", () => {
    expect(resource(synthTag(tagProps({ principal: GROUP })), PERMISSIONS, "analysts").principal).toBe(GROUP);
    expect(resource(synthTag(tagProps({ principal: "333333333333" })), PERMISSIONS, "analysts").principal).toBe("333333333333");
  });

  it("uses terraformName instead of the construct id when given", () => {
    const tf = synthTag(tagProps({ terraformName: "data-science" }), "grant-data-science");
    expect(Object.keys(resourcesOf(tf, PERMISSIONS))).toEqual(["data-science"]);
  });

  it("passes depends_on through as bare addresses", () => {
    const tf = synthScope((s) => {
      const other = new TagPolicyGrant(s, "first", tagProps());
      new TagPolicyGrant(s, "second", tagProps({ dependsOn: [other.permission] }));
    });
    expect(resource(tf, PERMISSIONS, "second").depends_on).toEqual(["aws_lakeformation_permissions.first"]);
    expect(resource(tf, PERMISSIONS, "first")).not.toHaveProperty("depends_on");
  });

  it("fails when the principal is IAM_ALLOWED_PRINCIPALS, in any spelling Lake Formation knows", () => {
    expect(IAM_ALLOWED_PRINCIPALS).toBe("IAM_ALLOWED_PRINCIPALS");
    expect(() => synthTag(tagProps({ principal: "IAM_ALLOWED_PRINCIPALS" }))).toThrow(/never grants to IAMAllowedPrincipals/);
    expect(() => synthTag(tagProps({ principal: `${CATALOG}:IAMAllowedPrincipals` }))).toThrow(/never grants to IAMAllowedPrincipals/);
  });

  it("fails when the expression is empty, which would match every table", () => {
    expect(() => synthTag(tagProps({ expression: [] }))).toThrow(/empty expression would match everything/);
  });
});

describe("TableGrant", () => {
  it("writes SELECT as a column wildcard on the table (the form Lake Formation stores) and the rest on the table", () => {
    const tf = synthTable(tableProps());
    expect(Object.keys(resourcesOf(tf, PERMISSIONS)).sort()).toEqual(["bi", "bi--table"]);
    expect(resource(tf, PERMISSIONS, "bi")).toEqual({
      catalog_id: CATALOG,
      principal: ROLE,
      permissions: ["SELECT"],
      table_with_columns: { catalog_id: CATALOG, database_name: "sales_processed_dev", name: "orders", wildcard: true },
    });
    expect(resource(tf, PERMISSIONS, "bi--table")).toEqual({
      catalog_id: CATALOG,
      principal: ROLE,
      permissions: ["DESCRIBE"],
      table: { catalog_id: CATALOG, database_name: "sales_processed_dev", name: "orders" },
    });
  });

  it("gives each resource exactly one target, and never lists column names or excluded columns on the wildcard", () => {
    const tf = synthTable(tableProps({ permissions: ["SELECT", "DESCRIBE", "ALTER", "INSERT", "DELETE"] }));
    for (const [name, r] of Object.entries(resourcesOf(tf, PERMISSIONS))) expect(targetsOf(r), name).toHaveLength(1);
    const twc = resource(tf, PERMISSIONS, "bi").table_with_columns as Record<string, unknown>;
    expect(twc).not.toHaveProperty("column_names");
    expect(twc).not.toHaveProperty("excluded_column_names");
    expect(resource(tf, PERMISSIONS, "bi--table").permissions).toEqual(["ALTER", "DELETE", "DESCRIBE", "INSERT"]);
  });

  it("writes SELECT alone as one resource named <name>", () => {
    const tf = synthTable(tableProps({ permissions: ["SELECT"] }));
    expect(Object.keys(resourcesOf(tf, PERMISSIONS))).toEqual(["bi"]);
    expect(targetsOf(resource(tf, PERMISSIONS, "bi"))).toEqual(["table_with_columns"]);
  });

  it("writes permissions without SELECT as one resource named <name>, on the table", () => {
    const tf = synthTable(tableProps({ permissions: ["DESCRIBE"] }));
    expect(Object.keys(resourcesOf(tf, PERMISSIONS))).toEqual(["bi"]);
    expect(resource(tf, PERMISSIONS, "bi")).toMatchObject({ permissions: ["DESCRIBE"], table: { database_name: "sales_processed_dev", name: "orders" } });
    expect(targetsOf(resource(tf, PERMISSIONS, "bi"))).toEqual(["table"]);
  });

  it("gives each resource its own permissions as the grant option when grantable", () => {
    const tf = synthTable(tableProps({ grantable: true }));
    expect(resource(tf, PERMISSIONS, "bi").permissions_with_grant_option).toEqual(["SELECT"]);
    expect(resource(tf, PERMISSIONS, "bi--table").permissions_with_grant_option).toEqual(["DESCRIBE"]);
    const plain = synthTable(tableProps());
    for (const [name, r] of Object.entries(resourcesOf(plain, PERMISSIONS))) expect(r, name).not.toHaveProperty("permissions_with_grant_option");
  });

  it("dedupes and sorts permissions", () => {
    const tf = synthTable(tableProps({ permissions: ["INSERT", "SELECT", "DESCRIBE", "INSERT", "SELECT"] }));
    expect(resource(tf, PERMISSIONS, "bi").permissions).toEqual(["SELECT"]);
    expect(resource(tf, PERMISSIONS, "bi--table").permissions).toEqual(["DESCRIBE", "INSERT"]);
  });

  it("names the resources after terraformName, and grants to the principal as given", () => {
    const tf = synthTable(tableProps({ terraformName: "fraud--processed__calls", principal: "444444444444" }), "grant-fraud-processed-calls");
    expect(Object.keys(resourcesOf(tf, PERMISSIONS)).sort()).toEqual(["fraud--processed__calls", "fraud--processed__calls--table"]);
    for (const r of Object.values(resourcesOf(tf, PERMISSIONS))) expect(r.principal).toBe("444444444444");
  });

  it("carries references to the table through, so grants wait for the table", () => {
    const tf = synthTable(tableProps({ databaseName: "${aws_glue_catalog_table.processed__orders.database_name}", tableName: "${aws_glue_catalog_table.processed__orders.name}" }));
    expect(resource(tf, PERMISSIONS, "bi").table_with_columns).toMatchObject({
      database_name: "${aws_glue_catalog_table.processed__orders.database_name}",
      name: "${aws_glue_catalog_table.processed__orders.name}",
    });
  });

  it("passes depends_on to every resource it writes", () => {
    const tf = synthScope((s) => {
      const first = new TagPolicyGrant(s, "first", tagProps());
      new TableGrant(s, "bi", tableProps({ dependsOn: [first.permission] }));
    });
    expect(resource(tf, PERMISSIONS, "bi").depends_on).toEqual(["aws_lakeformation_permissions.first"]);
    expect(resource(tf, PERMISSIONS, "bi--table").depends_on).toEqual(["aws_lakeformation_permissions.first"]);
  });

  it("fails when the principal is IAM_ALLOWED_PRINCIPALS", () => {
    expect(() => synthTable(tableProps({ principal: IAM_ALLOWED_PRINCIPALS }))).toThrow(/never grants to IAMAllowedPrincipals/);
  });
});

describe("CellsFilterGrant", () => {
  it("creates the filter and SELECT on it, both named after the id", () => {
    const tf = synthCells(cellsProps());
    expect(Object.keys(resourcesOf(tf, FILTER))).toEqual(["eu-orders"]);
    expect(Object.keys(resourcesOf(tf, PERMISSIONS))).toEqual(["eu-orders"]);
  });

  it("excludes the masked columns, sorted and deduped, and filters rows by the expression", () => {
    const excluded = ["email", "card_pan", "email"];
    const f = resource(synthCells(cellsProps({ excludedColumns: excluded })), FILTER, "eu-orders");
    expect(f).toEqual({
      table_data: [
        {
          database_name: "sales_processed_dev",
          table_name: "orders",
          table_catalog_id: CATALOG,
          name: "eu-orders",
          column_wildcard: [{ excluded_column_names: ["card_pan", "email"] }],
          row_filter: [{ filter_expression: "region = 'EU'" }],
        },
      ],
    });
    expect(excluded).toEqual(["email", "card_pan", "email"]);
  });

  it("admits every row through the all-rows wildcard when there is no row filter", () => {
    for (const rowFilter of [undefined, null]) {
      const f = resource(synthCells(cellsProps({ rowFilter })), FILTER, "eu-orders");
      const data = (f.table_data as Record<string, unknown>[])[0]!;
      expect(data.row_filter, String(rowFilter)).toEqual([{ all_rows_wildcard: [{}] }]);
      expect(data.column_wildcard).toEqual([{ excluded_column_names: ["card_pan", "email"] }]);
    }
  });

  it("shows every column through an empty exclusion when there is only a row filter", () => {
    const f = resource(synthCells(cellsProps({ excludedColumns: undefined })), FILTER, "eu-orders");
    const data = (f.table_data as Record<string, unknown>[])[0]!;
    expect(data.column_wildcard).toEqual([{ excluded_column_names: [] }]);
    expect(data.row_filter).toEqual([{ filter_expression: "region = 'EU'" }]);
    expect(data).not.toHaveProperty("column_names");
  });

  it("grants SELECT only, on the data-cells filter, after the filter exists (a bare address)", () => {
    const r = resource(synthCells(cellsProps()), PERMISSIONS, "eu-orders");
    expect(r).toEqual({
      catalog_id: CATALOG,
      principal: ROLE,
      permissions: ["SELECT"],
      data_cells_filter: { database_name: "sales_processed_dev", table_name: "orders", table_catalog_id: CATALOG, name: "eu-orders" },
      depends_on: ["aws_lakeformation_data_cells_filter.eu-orders"],
    });
    expect(targetsOf(r)).toEqual(["data_cells_filter"]);
    expect(r).not.toHaveProperty("permissions_with_grant_option");
  });

  it("names the filter filterName and the resources terraformName", () => {
    const tf = synthCells(cellsProps({ terraformName: "finance-bi", filterName: "finance-bi" }), "grant-finance-bi");
    expect((resource(tf, FILTER, "finance-bi").table_data as Record<string, unknown>[])[0]!.name).toBe("finance-bi");
    expect((resource(tf, PERMISSIONS, "finance-bi").data_cells_filter as Record<string, unknown>).name).toBe("finance-bi");
  });

  it("makes the filter wait for what it is given to depend on; the grant waits for the filter", () => {
    const tf = synthScope((s) => {
      const first = new TagPolicyGrant(s, "first", tagProps());
      new CellsFilterGrant(s, "eu-orders", cellsProps({ dependsOn: [first.permission] }));
    });
    expect(resource(tf, FILTER, "eu-orders").depends_on).toEqual(["aws_lakeformation_permissions.first"]);
    expect(resource(tf, PERMISSIONS, "eu-orders").depends_on).toEqual(["aws_lakeformation_data_cells_filter.eu-orders"]);
  });

  it("fails when the principal is IAM_ALLOWED_PRINCIPALS", () => {
    expect(() => synthCells(cellsProps({ principal: IAM_ALLOWED_PRINCIPALS }))).toThrow(/never grants to IAMAllowedPrincipals/);
  });

  it("fails when the filter neither masks a column nor filters rows (a table grant says that)", () => {
    expect(() => synthCells(cellsProps({ excludedColumns: [], rowFilter: null }))).toThrow(/neither a column exclusion nor a row filter; use a table grant/);
    expect(() => synthCells(cellsProps({ excludedColumns: undefined, rowFilter: undefined }))).toThrow(/neither a column exclusion nor a row filter/);
    expect(() => synthCells(cellsProps({ excludedColumns: [], rowFilter: "" }))).toThrow(/neither a column exclusion nor a row filter/);
  });
});

describe("grant input guards", () => {
  it("fails when a tag key has no values, a grant has no permissions, or the principal spells IAMAllowedPrincipals another way", async () => {
    const { TagPolicyGrant, TableGrant } = await import("../../../modules/governance/lf-grant");
    const { synthScope } = await import("../../helpers/synth");
    const base = { catalogId: "111111111111", principal: "arn:aws:iam::111111111111:role/a" };
    expect(() => synthScope((s) => new TagPolicyGrant(s, "t", { ...base, permissions: ["SELECT"], expression: [{ key: "domain", values: [] }] }))).toThrow("tag grant t: no values for domain");
    expect(() => synthScope((s) => new TagPolicyGrant(s, "t", { ...base, permissions: [], expression: [{ key: "domain", values: ["x"] }] }))).toThrow("tag grant t: no permissions");
    expect(() => synthScope((s) => new TableGrant(s, "t", { ...base, permissions: [], databaseName: "d", tableName: "t" }))).toThrow("table grant t: no permissions");
    expect(() => synthScope((s) => new TableGrant(s, "t", { ...base, principal: "iam_allowed_principals", permissions: ["SELECT"], databaseName: "d", tableName: "t" }))).toThrow(/never grants to IAMAllowedPrincipals/);
  });
});
