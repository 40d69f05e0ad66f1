import { LakeformationDataCellsFilter } from "@cdktf/provider-aws/lib/lakeformation-data-cells-filter";
import { LakeformationPermissions, type LakeformationPermissionsConfig } from "@cdktf/provider-aws/lib/lakeformation-permissions";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

/** What a grant is on: every resource kind Lake Formation grants on, one to a grant. */
export type GrantResource =
  | { readonly kind: "catalog" }
  | { readonly kind: "lfTagPolicy"; readonly resourceType: "DATABASE" | "TABLE"; readonly expression: readonly { readonly key: string; readonly values: readonly string[] }[] }
  | { readonly kind: "lfTag"; readonly key: string; readonly values: readonly string[] }
  | { readonly kind: "database"; readonly name: string }
  /** `name` null: every table of the database. */
  | { readonly kind: "table"; readonly database: string; readonly name: string | null }
  /** `columns` null: a column wildcard, less `excludedColumns`. */
  | { readonly kind: "tableColumns"; readonly database: string; readonly table: string; readonly columns: readonly string[] | null; readonly excludedColumns: readonly string[] }
  | { readonly kind: "dataLocation"; readonly resourceArn: string }
  | { readonly kind: "dataCellsFilter"; readonly database: string; readonly table: string; readonly name: string };

export interface ResourceGrantProps {
  /** Terraform resource name; @default - the construct id */
  readonly terraformName?: string;
  readonly catalogId: string;
  /** IAM role or user ARN, Identity Center group ARN, or account ID. */
  readonly principal: string;
  readonly permissions: readonly string[];
  /** A subset of `permissions`. @default - none */
  readonly permissionsWithGrantOption?: readonly string[];
  readonly resource: GrantResource;
  /** @default - none */
  readonly dependsOn?: readonly ITerraformDependable[];
}

const sorted = (xs: readonly string[]) => [...new Set(xs)].sort();

/**
 * One Lake Formation permission exactly as given: one principal, one
 * resource of any kind, the permissions and those grantable. The manifest's
 * grants use the shaped constructs of lf-grant.ts; this one writes a grant
 * read from a catalog export back as it was stored (lists sorted, as Lake
 * Formation returns them). Never to IAMAllowedPrincipals.
 *
 * Terraform address: `aws_lakeformation_permissions.<name>`.
 */
export class ResourceGrant extends Construct {
  readonly permission: LakeformationPermissions;

  constructor(scope: Construct, id: string, props: ResourceGrantProps) {
    super(scope, id);
    if (/iam_?allowed_?principals/i.test(props.principal)) {
      throw new Error("Lakeform never grants to IAMAllowedPrincipals: it would hand Lake Formation's control back to IAM");
    }
    const permissions = sorted(props.permissions);
    const grantable = sorted(props.permissionsWithGrantOption ?? []);
    if (permissions.length === 0) throw new Error(`grant ${id}: no permissions`);
    const extra = grantable.filter((p) => !permissions.includes(p));
    if (extra.length > 0) throw new Error(`grant ${id}: grantable ${extra.join(", ")} not among the permissions`);
    this.permission = new LakeformationPermissions(this, "grant", {
      catalogId: props.catalogId,
      principal: props.principal,
      permissions,
      ...(grantable.length > 0 ? { permissionsWithGrantOption: grantable } : {}),
      ...resourceBlock(props.resource, props.catalogId),
      ...(props.dependsOn ? { dependsOn: [...props.dependsOn] } : {}),
    });
    this.permission.overrideLogicalId(props.terraformName ?? id);
  }
}

type ResourceBlock = Pick<
  LakeformationPermissionsConfig,
  "catalogResource" | "lfTagPolicy" | "lfTag" | "database" | "table" | "tableWithColumns" | "dataLocation" | "dataCellsFilter"
>;

function resourceBlock(r: GrantResource, catalogId: string): ResourceBlock {
  switch (r.kind) {
    case "catalog":
      return { catalogResource: true };
    case "lfTagPolicy":
      return {
        lfTagPolicy: {
          catalogId,
          resourceType: r.resourceType,
          expression: [...r.expression].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((e) => ({ key: e.key, values: sorted(e.values) })),
        },
      };
    case "lfTag":
      return { lfTag: { catalogId, key: r.key, values: sorted(r.values) } };
    case "database":
      return { database: { catalogId, name: r.name } };
    case "table":
      return { table: { catalogId, databaseName: r.database, ...(r.name === null ? { wildcard: true } : { name: r.name }) } };
    case "tableColumns":
      return {
        tableWithColumns: {
          catalogId,
          databaseName: r.database,
          name: r.table,
          ...(r.columns === null ? { wildcard: true, ...(r.excludedColumns.length > 0 ? { excludedColumnNames: sorted(r.excludedColumns) } : {}) } : { columnNames: sorted(r.columns) }),
        },
      };
    case "dataLocation":
      return { dataLocation: { catalogId, arn: r.resourceArn } };
    case "dataCellsFilter":
      return { dataCellsFilter: { tableCatalogId: catalogId, databaseName: r.database, tableName: r.table, name: r.name } };
  }
}

export interface DataCellsFilterProps {
  /** Terraform resource name; @default - the construct id */
  readonly terraformName?: string;
  readonly catalogId: string;
  readonly name: string;
  readonly databaseName: string;
  readonly tableName: string;
  /** Included columns; @default - a column wildcard (every column but `excludedColumns`) */
  readonly columns?: readonly string[] | null;
  /** Columns removed from the wildcard. @default - none */
  readonly excludedColumns?: readonly string[];
  /** Row filter expression. @default - all rows */
  readonly rowFilter?: string | null;
  /** @default - none */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * A data-cells filter on its own — in the form CellsFilterGrant writes it
 * (column wildcard with exclusions, row filter or all rows), or with a list
 * of included columns — for grants made separately with ResourceGrant.
 *
 * Terraform address: `aws_lakeformation_data_cells_filter.<name>`.
 */
export class DataCellsFilter extends Construct {
  readonly filter: LakeformationDataCellsFilter;

  constructor(scope: Construct, id: string, props: DataCellsFilterProps) {
    super(scope, id);
    const excluded = sorted(props.excludedColumns ?? []);
    const columns = props.columns ? sorted(props.columns) : null;
    if (columns && excluded.length > 0) throw new Error(`cells filter ${id}: excluded columns apply only to a column wildcard`);
    if (columns && columns.length === 0) throw new Error(`cells filter ${id}: an empty column list shows nothing`);
    this.filter = new LakeformationDataCellsFilter(this, "filter", {
      tableData: [
        {
          databaseName: props.databaseName,
          tableName: props.tableName,
          tableCatalogId: props.catalogId,
          name: props.name,
          ...(columns ? { columnNames: columns } : { columnWildcard: [{ excludedColumnNames: excluded }] }),
          rowFilter: [props.rowFilter ? { filterExpression: props.rowFilter } : { allRowsWildcard: [{}] }],
        },
      ],
      ...(props.dependsOn ? { dependsOn: [...props.dependsOn] } : {}),
    });
    this.filter.overrideLogicalId(props.terraformName ?? id);
  }
}
