import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { GlueDatabase } from "../../modules/catalog/glue-database";
import { GlueTable } from "../../modules/catalog/glue-table";
import { ResourceLink } from "../../modules/catalog/resource-link";
import { DataCellsFilter, type GrantResource, ResourceGrant } from "../../modules/governance/lf-resource-grant";
import { LocationRegistration } from "../../modules/governance/location-registration";
import { AwsStack } from "../../modules/stack/aws-stack";
import { keyOfFilter, keyOfTable } from "../dr/rebuild";
import { canonicalJson } from "../export/format";
import type { DrDomainRebuild } from "../dr/types";
import { partitionOf } from "../model/names";
import { DEFAULT_STATE_ROOT, stackProps } from "./stack-props";

const tags = (r: Readonly<Record<string, string>>) => Object.entries(r).map(([key, value]) => ({ key, value }));

/** The Terraform output a DR stack records its origin in: the export it was built from, and the zones (which live in other stacks). */
export const REBUILT_FROM_OUTPUT = "rebuilt_from";

/**
 * `dr-<domain>-<env>`: a domain's catalog and governance rebuilt in the DR
 * region from its catalog export alone — every zone's DR bucket registered
 * through a DR-region role scoped to the bucket and the replica key, databases and tables pointing at the DR buckets, resource links, their
 * LF-tags, data-cells filters and every grant, one Lake Formation permission
 * per exported one. Buckets and keys are not here: the always-on DR storage
 * holds them.
 *
 * Terraform addresses: `aws_lakeformation_resource.<zone>` with
 * `aws_iam_role.<zone>`, `aws_glue_catalog_database.<db>` (and
 * `aws_lakeformation_resource_lf_tags.<db>`), `aws_glue_catalog_database.link__<link>`,
 * `aws_glue_catalog_table.<db>__<table>` (and `…resource_lf_tags.<db>__<table>`,
 * `…<db>__<table>--<column>`), `aws_lakeformation_data_cells_filter.<db>__<table>__<filter>`,
 * `aws_lakeformation_permissions.<grant>--<hash>`, and `output.rebuilt_from`.
 */
export class DrDomainStack extends AwsStack {
  constructor(scope: Construct, rebuild: DrDomainRebuild, stateRoot = DEFAULT_STATE_ROOT) {
    super(scope, rebuild.stack.name, stackProps(rebuild.stack, stateRoot));
    const catalogId = rebuild.stack.accountId;
    const e = rebuild.export;
    const n = rebuild.names;

    // Lake Formation reaches the DR buckets through these roles alone, as in the primary region.
    const registrations = rebuild.registrations.map(
      (r) =>
        new LocationRegistration(this, `registration-${r.terraformName}`, {
          terraformName: r.terraformName,
          roleName: r.roleName,
          bucketArn: r.bucketArn,
          kmsKeyArn: r.keyArn,
          accountId: catalogId,
          partition: partitionOf(rebuild.stack.region),
        }).resource,
    );

    const databases = new Map<string, string>();
    for (const d of e.databases) {
      const db = new GlueDatabase(this, `database-${n.databases[d.name]}`, {
        terraformName: n.databases[d.name]!,
        name: d.name,
        catalogId,
        description: d.description,
        ...(d.locationUri ? { locationUri: d.locationUri } : {}),
        lfTags: tags(d.lfTags),
      });
      databases.set(d.name, db.database.name);
    }
    for (const l of e.resourceLinks) {
      const link = new ResourceLink(this, `link-${n.resourceLinks[l.name]}`, {
        terraformName: n.resourceLinks[l.name]!,
        name: l.name,
        catalogId,
        description: l.description,
        target: { catalogId: l.targetCatalogId, databaseName: l.targetDatabase },
      });
      databases.set(l.name, link.database.name);
    }
    // References where the database or table is declared here, so Terraform orders creation and removal.
    const databaseRef = (name: string) => databases.get(name) ?? name;
    const tableRefs = new Map<string, { databaseName: string; tableName: string }>();
    for (const t of e.tables) {
      if (t.format === "other") continue; // never in a rebuild: skipped with its reason
      const name = n.tables[keyOfTable(t)]!;
      const table = new GlueTable(this, `table-${name}`, {
        terraformName: name,
        name: t.name,
        databaseName: databaseRef(t.database),
        catalogId,
        description: t.description,
        format: t.format,
        location: t.location,
        columns: t.columns.map((c) => ({ name: c.name, type: c.type, comment: c.comment, lfTags: tags(c.lfTags) })),
        partitionKeys: t.partitionKeys.map((c) => ({ name: c.name, type: c.type, comment: c.comment, lfTags: tags(c.lfTags) })),
        lfTags: tags(t.lfTags),
      });
      tableRefs.set(keyOfTable(t), { databaseName: table.table.databaseName, tableName: table.table.name });
    }
    const tableRef = (database: string, table: string) => tableRefs.get(`${database}.${table}`) ?? { databaseName: databaseRef(database), tableName: table };

    const filters = new Map<string, DataCellsFilter>();
    for (const f of e.dataCellsFilters) {
      const name = n.filters[keyOfFilter(f)]!;
      filters.set(
        keyOfFilter(f),
        new DataCellsFilter(this, `filter-${name}`, {
          terraformName: name,
          catalogId,
          name: f.name,
          ...tableRef(f.database, f.table),
          columns: f.columns,
          excludedColumns: f.excludedColumns,
          rowFilter: f.rowFilter,
        }),
      );
    }

    e.grants.forEach((g, i) => {
      const r = g.resource;
      let resource: GrantResource = r;
      let dependsOn: ConstructorParameters<typeof ResourceGrant>[2]["dependsOn"];
      if (r.kind === "database") resource = { ...r, name: databaseRef(r.name) };
      else if (r.kind === "table") resource = { ...r, database: r.name === null ? databaseRef(r.database) : tableRef(r.database, r.name).databaseName, name: r.name === null ? null : tableRef(r.database, r.name).tableName };
      else if (r.kind === "tableColumns") {
        const t = tableRef(r.database, r.table);
        resource = { ...r, database: t.databaseName, table: t.tableName };
      } else if (r.kind === "dataCellsFilter") {
        const t = tableRef(r.database, r.table);
        resource = { ...r, database: t.databaseName, table: t.tableName };
        const f = filters.get(keyOfFilter(r));
        if (f) dependsOn = [f.filter];
      } else if (r.kind === "dataLocation") dependsOn = registrations;
      new ResourceGrant(this, `grant-${n.grants[i]}`, {
        terraformName: n.grants[i]!,
        catalogId,
        principal: g.principal,
        permissions: g.permissions,
        permissionsWithGrantOption: g.permissionsWithGrantOption,
        resource,
        ...(dependsOn ? { dependsOn } : {}),
      });
    });

    // Which export this stack rebuilds, and what the catalog's own resources do not say (zones live in the storage stacks; grants' names and principal kinds are not in Lake Formation).
    new TerraformOutput(this, REBUILT_FROM_OUTPUT, {
      description: "The catalog export this DR stack was built from, and the export fields Lake Formation and Glue do not hold (canonical JSON)",
      value: canonicalJson({
        contentHash: rebuild.primary.contentHash,
        source: rebuild.primary.source,
        zones: e.zones,
        databases: Object.fromEntries(e.databases.map((d) => [d.name, { zone: d.zone, kind: d.kind }])),
        grants: Object.fromEntries(e.grants.map((g, i) => [n.grants[i]!, { name: g.name, principalKind: g.principalKind, principalName: g.principalName }])),
        // Glue's Iceberg input takes partition columns among the columns.
        icebergPartitionKeys: Object.fromEntries(e.tables.filter((t) => t.format === "iceberg" && t.partitionKeys.length > 0).map((t) => [keyOfTable(t), t.partitionKeys.map((c) => c.name)])),
      }),
    }).overrideLogicalId(REBUILT_FROM_OUTPUT);
  }
}
