import type { Table } from "@aws-sdk/client-glue";
import type { PrincipalResourcePermissions, Resource } from "@aws-sdk/client-lakeformation";
import { parseColumnType } from "../../manifest/column-type";
import {
  type CatalogExport,
  type ExportColumn,
  type ExportDatabase,
  type ExportGrant,
  type ExportGrantResource,
  type ExportSource,
  type ExportTable,
  type ExportZone,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  canonicalJson,
  finalizeExport,
} from "../format";
import type { LiveCatalog } from "./read";

/**
 * Maps what `readLiveCatalog` read into the export format: the same shapes,
 * order, canonical serialization and content hash as the export Lakeform
 * writes on synth, so the two can be compared byte for byte or entry by
 * entry. What the services do not say (a grant's manifest name, a database's
 * zone, the zones' keys and replicas) is taken from the declared exports
 * where a live entry matches one; a live entry no manifest declares keeps
 * the `other` / null markers the format has for it.
 */

/** Which part of the account an export covers, and what the manifests declare there. */
export interface LiveScope {
  readonly source: Omit<ExportSource, "accountId" | "region" | "partition">;
  /** Keeps a database (and so its tables, tags, filters and grants) by name. */
  readonly database: (name: string) => boolean;
  /** Keeps a registration or a data-location grant by its S3 ARN. */
  readonly location: (arn: string) => boolean;
  /** Keeps a grant on an LF-tag expression, on an LF-tag, or on the catalog. */
  readonly tagGrant: (resource: ExportGrantResource) => boolean;
  /** The declared exports of the scope (one per domain): names and markers only, never live facts. */
  readonly declared: readonly CatalogExport[];
}

export interface LiveExportResult {
  readonly export: CatalogExport;
  /** What the format cannot hold and was left out, one line each (views, tables without an S3 location, LF-tag expression grants…). */
  readonly skipped: readonly string[];
}

/**
 * Parameters Glue, crawlers, Athena and Iceberg write and rewrite on their
 * own (statistics, timestamps, metadata pointers): not part of a table's
 * definition, and they would make two exports of an unchanged catalog differ.
 */
export const VOLATILE_TABLE_PARAMETERS = new Set([
  "averageRecordSize",
  "CrawlerSchemaDeserializerVersion",
  "CrawlerSchemaSerializerVersion",
  "COLUMN_STATS_ACCURATE",
  "last_modified_by",
  "last_modified_time",
  "metadata_location",
  "numFiles",
  "numRows",
  "objectCount",
  "previous_metadata_location",
  "rawDataSize",
  "recordCount",
  "sizeKey",
  "totalSize",
  "transient_lastDdlTime",
  "UPDATED_BY_CRAWLER",
]);

const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;

/** A column type in the canonical spelling the manifests use, so `INT` and `int` are one type; unparseable types are kept as Glue has them. */
const canonicalType = (type: string) => {
  const r = parseColumnType(type);
  return r.ok ? r.canonical : type;
};

export function tableFormat(t: Table): ExportTable["format"] {
  if ((t.Parameters?.table_type ?? "").toUpperCase() === "ICEBERG") return "iceberg";
  const sd = t.StorageDescriptor;
  const text = `${sd?.SerdeInfo?.SerializationLibrary ?? ""} ${sd?.InputFormat ?? ""}`.toLowerCase();
  if (text.includes("parquet")) return "parquet";
  if (text.includes("json")) return "json";
  return "other";
}

/** IAM role and user ARNs, Identity Center groups, accounts; anything else (IAM_ALLOWED_PRINCIPALS, SAML, external) is `other`. */
export function principalKindOf(principal: string): ExportGrant["principalKind"] {
  if (/^\d{12}$/.test(principal)) return "account";
  if (/^arn:aws[a-z-]*:iam::\d{12}:role\//.test(principal)) return "iam-role";
  if (/^arn:aws[a-z-]*:iam::\d{12}:user\//.test(principal)) return "iam-user";
  if (/^arn:aws[a-z-]*:identitystore:[^:]*:[^:]*:group\//.test(principal)) return "identity-center-group";
  return "other";
}

/**
 * Lake Formation stores SELECT on a whole table as a column wildcard without
 * exclusions; that is the table itself. Used on both sides of a comparison.
 */
export function normalizeGrantResource(r: ExportGrantResource): ExportGrantResource {
  if (r.kind === "tableColumns" && r.columns === null && r.excludedColumns.length === 0) return { kind: "table", database: r.database, name: r.table };
  return r;
}

const sortedUnique = (xs: readonly string[]) => [...new Set(xs)].sort();

function grantResource(r: Resource | undefined): ExportGrantResource | string {
  if (!r) return "a permission without a resource";
  if (r.Catalog) return { kind: "catalog" };
  if (r.LFTagPolicy) {
    const p = r.LFTagPolicy;
    if (!p.Expression || p.Expression.length === 0) return `a grant on the named LF-tag expression "${p.ExpressionName ?? ""}" (the format holds inline expressions)`;
    return {
      kind: "lfTagPolicy",
      resourceType: p.ResourceType === "DATABASE" ? "DATABASE" : "TABLE",
      expression: p.Expression.map((e) => ({ key: e.TagKey ?? "", values: sortedUnique(e.TagValues ?? []) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    };
  }
  if (r.LFTag) return { kind: "lfTag", key: r.LFTag.TagKey ?? "", values: sortedUnique(r.LFTag.TagValues ?? []) };
  if (r.Database) return { kind: "database", name: r.Database.Name ?? "" };
  if (r.Table) return { kind: "table", database: r.Table.DatabaseName ?? "", name: r.Table.TableWildcard ? null : (r.Table.Name ?? null) };
  if (r.TableWithColumns) {
    const t = r.TableWithColumns;
    return normalizeGrantResource({
      kind: "tableColumns",
      database: t.DatabaseName ?? "",
      table: t.Name ?? "",
      columns: t.ColumnWildcard ? null : sortedUnique(t.ColumnNames ?? []),
      excludedColumns: t.ColumnWildcard ? sortedUnique(t.ColumnWildcard.ExcludedColumnNames ?? []) : [],
    });
  }
  if (r.DataLocation) return { kind: "dataLocation", resourceArn: r.DataLocation.ResourceArn ?? "" };
  if (r.DataCellsFilter) {
    const f = r.DataCellsFilter;
    return { kind: "dataCellsFilter", database: f.DatabaseName ?? "", table: f.TableName ?? "", name: f.Name ?? "" };
  }
  if (r.LFTagExpression) return `a grant on the named LF-tag expression "${r.LFTagExpression.Name ?? ""}" (the format holds inline expressions)`;
  return "a permission on a resource kind the format does not know";
}

/** The database a grant resource lives in, if any. */
function resourceDatabase(r: ExportGrantResource): string | null {
  switch (r.kind) {
    case "database":
      return r.name;
    case "table":
    case "tableColumns":
    case "dataCellsFilter":
      return r.database;
    default:
      return null;
  }
}

function inScope(r: ExportGrantResource, scope: LiveScope): boolean {
  const db = resourceDatabase(r);
  if (db !== null) return scope.database(db);
  if (r.kind === "dataLocation") return scope.location(r.resourceArn);
  return scope.tagGrant(r);
}

export function toCatalogExport(live: LiveCatalog, scope: LiveScope): LiveExportResult {
  const skipped: string[] = [];
  const declaredDatabases = new Map(scope.declared.flatMap((e) => e.databases).map((d) => [d.name, d]));
  const declaredGrants = new Map(scope.declared.flatMap((e) => e.grants).map((g) => [grantIdentity(g.principal, g.resource), g]));
  const declaredPrincipals = new Map(scope.declared.flatMap((e) => e.grants).map((g) => [g.principal, g]));

  // Zones are storage, not catalog: Glue and Lake Formation do not hold them, so they come from the domain's manifest.
  // Zone names repeat across domains, so an export of several domains (the whole account) has none.
  const zones: readonly ExportZone[] = scope.declared.length === 1 ? scope.declared[0]!.zones : [];

  const databases: ExportDatabase[] = [];
  const resourceLinks: CatalogExport["resourceLinks"] = [];
  for (const { database: d, lfTags } of live.databases) {
    const name = d.Name!;
    if (!scope.database(name)) continue;
    if (d.TargetDatabase) {
      resourceLinks.push({ name, description: d.Description ?? "", targetCatalogId: d.TargetDatabase.CatalogId ?? live.accountId, targetDatabase: d.TargetDatabase.DatabaseName ?? "" });
      continue;
    }
    const declared = declaredDatabases.get(name);
    const location = d.LocationUri ?? "";
    databases.push({
      name,
      description: d.Description ?? "",
      locationUri: S3_URI.test(location) ? location : null,
      zone: zones.length > 0 ? (declared?.zone ?? null) : null,
      kind: declared?.kind ?? "other",
      lfTags: { ...lfTags },
    });
  }
  const keptDatabases = new Set([...databases.map((d) => d.name), ...resourceLinks.map((l) => l.name)]);

  const tables: ExportTable[] = [];
  for (const { table: t, lfTags, columnLfTags } of live.tables) {
    const id = `${t.DatabaseName}.${t.Name}`;
    if (!keptDatabases.has(t.DatabaseName ?? "")) continue;
    if (t.TargetTable) {
      skipped.push(`table ${id}: a resource link to ${t.TargetTable.CatalogId ?? ""}:${t.TargetTable.DatabaseName ?? ""}.${t.TargetTable.Name ?? ""}`);
      continue;
    }
    const sd = t.StorageDescriptor;
    const location = sd?.Location ?? "";
    if (!S3_URI.test(location)) {
      skipped.push(`table ${id}: ${t.TableType === "VIRTUAL_VIEW" ? "a view" : "no S3 location"}`);
      continue;
    }
    const format = tableFormat(t);
    const serde = sd?.SerdeInfo;
    if (format !== "iceberg" && !(sd?.InputFormat && sd.OutputFormat && serde?.SerializationLibrary)) {
      skipped.push(`table ${id}: no input format, output format or SerDe`);
      continue;
    }
    const column = (c: { Name?: string; Type?: string; Comment?: string }): ExportColumn => ({
      name: c.Name ?? "",
      type: canonicalType(c.Type ?? ""),
      comment: c.Comment ?? "",
      lfTags: { ...(columnLfTags[c.Name ?? ""] ?? {}) },
    });
    tables.push({
      database: t.DatabaseName!,
      name: t.Name!,
      description: t.Description ?? "",
      format,
      location,
      columns: (sd?.Columns ?? []).map(column),
      partitionKeys: (t.PartitionKeys ?? []).map(column),
      // An Iceberg table's `table_type` is what `format` says.
      parameters: Object.fromEntries(Object.entries(t.Parameters ?? {}).filter(([k]) => !VOLATILE_TABLE_PARAMETERS.has(k) && !(format === "iceberg" && k === "table_type"))),
      storage:
        format === "iceberg"
          ? null
          : { inputFormat: sd!.InputFormat!, outputFormat: sd!.OutputFormat!, serializationLibrary: serde!.SerializationLibrary!, serdeParameters: { ...(serde!.Parameters ?? {}) } },
      lfTags: { ...lfTags },
    });
  }

  const registrations: CatalogExport["registrations"] = [];
  for (const r of live.registrations) {
    if (!r.ResourceArn || !scope.location(r.ResourceArn)) continue;
    if (!r.RoleArn) {
      skipped.push(`registration ${r.ResourceArn}: no role (registered with the service-linked role)`);
      continue;
    }
    registrations.push({ resourceArn: r.ResourceArn, roleArn: r.RoleArn, hybridAccessEnabled: r.HybridAccessEnabled ?? false });
  }

  // A filter or grant on something the export left out (a view, a link) would be a dangling reference: it goes too, with a note.
  const keptTables = new Set(tables.map((t) => `${t.database}.${t.name}`));
  const dataCellsFilters: CatalogExport["dataCellsFilters"] = live.dataCellsFilters
    .filter((f) => keptDatabases.has(f.DatabaseName ?? ""))
    .filter((f) => keptTables.has(`${f.DatabaseName}.${f.TableName}`) || (skipped.push(`data-cells filter ${f.DatabaseName}.${f.TableName}.${f.Name}: its table is left out`), false))
    .map((f) => ({
      name: f.Name!,
      database: f.DatabaseName!,
      table: f.TableName!,
      columns: f.ColumnWildcard ? null : sortedUnique(f.ColumnNames ?? []),
      excludedColumns: f.ColumnWildcard ? sortedUnique(f.ColumnWildcard.ExcludedColumnNames ?? []) : [],
      rowFilter: f.RowFilter?.FilterExpression ? f.RowFilter.FilterExpression : null,
    }));

  const keptFilters = new Set(dataCellsFilters.map((f) => `${f.database}.${f.table}.${f.name}`));
  const refersToKept = (r: ExportGrantResource) =>
    r.kind === "database"
      ? keptDatabases.has(r.name)
      : r.kind === "table"
        ? r.name === null
          ? keptDatabases.has(r.database)
          : keptTables.has(`${r.database}.${r.name}`)
        : r.kind === "tableColumns"
          ? keptTables.has(`${r.database}.${r.table}`)
          : r.kind === "dataCellsFilter"
            ? keptFilters.has(`${r.database}.${r.table}.${r.name}`)
            : true;
  const grants = mapGrants(live.permissions, scope, skipped)
    .filter((g) => refersToKept(g.resource) || (skipped.push(`grant to ${g.principal}: on a resource left out (${canonicalJson(g.resource)})`), false))
    .map(({ principal, resource, permissions, permissionsWithGrantOption }): ExportGrant => {
    const named = declaredGrants.get(grantIdentity(principal, resource));
    const known = declaredPrincipals.get(principal);
    return {
      name: named?.name ?? null,
      principal,
      principalKind: known?.principalKind ?? principalKindOf(principal),
      principalName: known?.principalName ?? null,
      permissions,
      permissionsWithGrantOption,
      resource,
    };
  });


  const out = finalizeExport({
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    source: { ...scope.source, accountId: live.accountId, region: live.region, partition: live.partition as ExportSource["partition"] },
    lfTags: live.lfTags.map((t) => ({ key: t.key, values: [...t.values] })),
    zones: [...zones],
    databases,
    resourceLinks,
    tables,
    registrations,
    dataCellsFilters,
    grants,
  });
  return { export: out, skipped: [...skipped].sort() };
}

/** One grant per principal and resource, as Lake Formation's ListPermissions may return a principal's permissions on one resource in several entries. */
export const grantIdentity = (principal: string, resource: ExportGrantResource) => `${principal} ${canonicalJson(normalizeGrantResource(resource))}`;

function mapGrants(
  permissions: readonly PrincipalResourcePermissions[],
  scope: LiveScope,
  skipped: string[],
): { principal: string; resource: ExportGrantResource; permissions: string[]; permissionsWithGrantOption: string[] }[] {
  const merged = new Map<string, { principal: string; resource: ExportGrantResource; permissions: Set<string>; grantable: Set<string> }>();
  for (const p of permissions) {
    const principal = p.Principal?.DataLakePrincipalIdentifier;
    const resource = grantResource(p.Resource);
    if (typeof resource === "string") {
      skipped.push(`grant to ${principal ?? "?"}: ${resource}`);
      continue;
    }
    if (!principal || !inScope(resource, scope) || (p.Permissions ?? []).length === 0) continue;
    const key = grantIdentity(principal, resource);
    const entry = merged.get(key) ?? { principal, resource, permissions: new Set<string>(), grantable: new Set<string>() };
    for (const x of p.Permissions ?? []) entry.permissions.add(x);
    for (const x of p.PermissionsWithGrantOption ?? []) entry.grantable.add(x);
    merged.set(key, entry);
  }
  return [...merged.values()].map((g) => ({
    principal: g.principal,
    resource: g.resource,
    permissions: [...g.permissions].sort(),
    permissionsWithGrantOption: [...g.grantable].filter((x) => g.permissions.has(x)).sort(),
  }));
}
