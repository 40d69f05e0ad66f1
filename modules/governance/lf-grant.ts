import { LakeformationDataCellsFilter } from "@cdktf/provider-aws/lib/lakeformation-data-cells-filter";
import { LakeformationPermissions } from "@cdktf/provider-aws/lib/lakeformation-permissions";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

/**
 * Lake Formation grants, written in the form Lake Formation stores them so a
 * plan after apply shows no change: SELECT on a whole table is stored as a
 * column wildcard (hashicorp/terraform-provider-aws#49453), so it is written
 * as one; every list is sorted.
 */

const sorted = (xs: readonly string[]) => [...new Set(xs)].sort();

/** The principal Lake Formation knows: IAM role/user ARN, Identity Center group ARN, or account ID. */
export const IAM_ALLOWED_PRINCIPALS = "IAM_ALLOWED_PRINCIPALS";

function checkPrincipal(principal: string): void {
  if (/iam_?allowed_?principals/i.test(principal)) {
    throw new Error("Lakeform never grants to IAMAllowedPrincipals: it would hand Lake Formation's control back to IAM");
  }
}

interface GrantBase {
  /** Terraform resource name; @default - the construct id */
  readonly terraformName?: string;
  readonly catalogId: string;
  readonly principal: string;
  /** Permissions; the grantable ones are the same list when `grantable` is set. */
  readonly permissions: readonly string[];
  /** @default false */
  readonly grantable?: boolean;
  /** @default - none */
  readonly dependsOn?: readonly ITerraformDependable[];
}

export interface TagPolicyGrantProps extends GrantBase {
  /** Every key must match one of its values. */
  readonly expression: readonly { readonly key: string; readonly values: readonly string[] }[];
}

/**
 * A grant on every table and column whose LF-tags match an expression.
 * Terraform address: `aws_lakeformation_permissions.<name>`.
 */
export class TagPolicyGrant extends Construct {
  readonly permission: LakeformationPermissions;

  constructor(scope: Construct, id: string, props: TagPolicyGrantProps) {
    super(scope, id);
    checkPrincipal(props.principal);
    if (props.expression.length === 0) throw new Error(`tag grant ${id}: an empty expression would match everything`);
    const empty = props.expression.filter((e) => e.values.length === 0).map((e) => e.key);
    if (empty.length > 0) throw new Error(`tag grant ${id}: no values for ${empty.join(", ")}`);
    if (props.permissions.length === 0) throw new Error(`tag grant ${id}: no permissions`);
    const permissions = sorted(props.permissions);
    this.permission = new LakeformationPermissions(this, "grant", {
      catalogId: props.catalogId,
      principal: props.principal,
      permissions,
      ...(props.grantable ? { permissionsWithGrantOption: permissions } : {}),
      lfTagPolicy: {
        catalogId: props.catalogId,
        resourceType: "TABLE",
        expression: [...props.expression]
          .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
          .map((e) => ({ key: e.key, values: sorted(e.values) })),
      },
      ...(props.dependsOn ? { dependsOn: [...props.dependsOn] } : {}),
    });
    this.permission.overrideLogicalId(props.terraformName ?? id);
  }
}

export interface TableGrantProps extends GrantBase {
  readonly databaseName: string;
  readonly tableName: string;
}

/**
 * A grant on one named table. SELECT is written as a column wildcard (how Lake
 * Formation stores it); other permissions on the table resource.
 * Terraform addresses: `aws_lakeformation_permissions.<name>` (SELECT) and
 * `aws_lakeformation_permissions.<name>--table` (the others).
 */
export class TableGrant extends Construct {
  readonly permissions: LakeformationPermissions[] = [];

  constructor(scope: Construct, id: string, props: TableGrantProps) {
    super(scope, id);
    checkPrincipal(props.principal);
    const name = props.terraformName ?? id;
    const all = sorted(props.permissions);
    if (all.length === 0) throw new Error(`table grant ${id}: no permissions`);
    const common = {
      catalogId: props.catalogId,
      principal: props.principal,
      ...(props.dependsOn ? { dependsOn: [...props.dependsOn] } : {}),
    };
    if (all.includes("SELECT")) {
      const select = new LakeformationPermissions(this, "select", {
        ...common,
        permissions: ["SELECT"],
        ...(props.grantable ? { permissionsWithGrantOption: ["SELECT"] } : {}),
        tableWithColumns: { catalogId: props.catalogId, databaseName: props.databaseName, name: props.tableName, wildcard: true },
      });
      select.overrideLogicalId(name);
      this.permissions.push(select);
    }
    const rest = all.filter((p) => p !== "SELECT");
    if (rest.length > 0) {
      const other = new LakeformationPermissions(this, "table", {
        ...common,
        permissions: rest,
        ...(props.grantable ? { permissionsWithGrantOption: rest } : {}),
        table: { catalogId: props.catalogId, databaseName: props.databaseName, name: props.tableName },
      });
      other.overrideLogicalId(all.includes("SELECT") ? `${name}--table` : name);
      this.permissions.push(other);
    }
  }
}

export interface CellsFilterGrantProps extends Omit<GrantBase, "permissions" | "grantable"> {
  readonly filterName: string;
  readonly databaseName: string;
  readonly tableName: string;
  /** Columns the principal must not see. @default - none */
  readonly excludedColumns?: readonly string[];
  /** Row filter expression. @default - all rows */
  readonly rowFilter?: string | null;
}

/**
 * A data-cells filter (column exclusion and/or row filter) and SELECT on it:
 * the principal reads the table only through the filter.
 * Terraform addresses: `aws_lakeformation_data_cells_filter.<name>`,
 * `aws_lakeformation_permissions.<name>`.
 */
export class CellsFilterGrant extends Construct {
  readonly filter: LakeformationDataCellsFilter;
  readonly permission: LakeformationPermissions;

  constructor(scope: Construct, id: string, props: CellsFilterGrantProps) {
    super(scope, id);
    checkPrincipal(props.principal);
    const name = props.terraformName ?? id;
    const excluded = sorted(props.excludedColumns ?? []);
    if (excluded.length === 0 && !props.rowFilter) throw new Error(`cells filter ${id}: neither a column exclusion nor a row filter; use a table grant`);
    this.filter = new LakeformationDataCellsFilter(this, "filter", {
      tableData: [
        {
          databaseName: props.databaseName,
          tableName: props.tableName,
          tableCatalogId: props.catalogId,
          name: props.filterName,
          columnWildcard: [{ excludedColumnNames: excluded }],
          rowFilter: [props.rowFilter ? { filterExpression: props.rowFilter } : { allRowsWildcard: [{}] }],
        },
      ],
      ...(props.dependsOn ? { dependsOn: [...props.dependsOn] } : {}),
    });
    this.filter.overrideLogicalId(name);
    this.permission = new LakeformationPermissions(this, "grant", {
      catalogId: props.catalogId,
      principal: props.principal,
      permissions: ["SELECT"],
      dataCellsFilter: { databaseName: props.databaseName, tableName: props.tableName, tableCatalogId: props.catalogId, name: props.filterName },
      dependsOn: [this.filter],
    });
    this.permission.overrideLogicalId(name);
  }
}
