import {
  type CatalogExportContent,
  type ExportColumn,
  type ExportDataCellsFilter,
  type ExportGrant,
  type ExportGrantResource,
  type ExportTable,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  canonicalizeExport,
} from "../export/format";

/**
 * The DR side read back into the export format: what the synthesized DR
 * stacks (`dr-platform-<env>` and `dr-<domain>-<env>`) declare, as the
 * catalog export of the DR region would describe it once applied. Databases,
 * tables, LF-tags, assignments, registrations, filters and grants come from
 * the Terraform resources themselves; what Glue and Lake Formation do not
 * hold (the export's source, zones, database kinds, grant names and
 * principal kinds) from the stack's `rebuilt_from` output.
 *
 * The round-trip test compares it with the primary export remapped (region,
 * locations, keys, registration roles, and Lakeform's own principals, which
 * the stacks grant to under their DR-region names): if a stack drops, adds
 * or changes anything the export describes, they differ.
 */

type Json = Record<string, unknown>;
export interface TfStackJson {
  readonly resource?: Record<string, Record<string, Json>>;
  readonly output?: Record<string, { value: unknown }>;
  readonly provider?: { aws?: Json[] };
}

/** Output the DR domain stack records its origin in (see dr-domain-stack.ts). */
const REBUILT_FROM = "rebuilt_from";

interface RebuiltFrom {
  readonly source: CatalogExportContent["source"];
  readonly zones: CatalogExportContent["zones"];
  readonly databases: Record<string, { zone: string | null; kind: "zone" | "discovery" | "other" }>;
  readonly grants: Record<string, { name: string | null; principalKind: ExportGrant["principalKind"]; principalName: string | null }>;
  readonly icebergPartitionKeys: Record<string, string[]>;
}

const list = <T>(v: unknown): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? (v as T[]) : [v as T]);
const one = (v: unknown): Json | undefined => list<Json>(v)[0];

export function exportFromDrStacks(platform: TfStackJson, domain: TfStackJson): CatalogExportContent {
  const res = domain.resource ?? {};
  const of = (type: string) => Object.entries(res[type] ?? {});
  const meta = JSON.parse(String(domain.output?.[REBUILT_FROM]?.value ?? "null")) as RebuiltFrom | null;
  if (!meta) throw new Error(`the stack has no output ${REBUILT_FROM}: not a DR domain stack`);
  const region = String(one(domain.provider?.aws)?.region ?? "");

  /** `${aws_x.name.attr}` → the attribute's literal value (role ARNs are derived from the role's name). */
  const resolve = (v: unknown): string => {
    const s = String(v);
    const m = /^\$\{([a-z0-9_]+)\.([^.}]+)\.([a-z_]+)\}$/.exec(s);
    if (!m) return s;
    const [, type, name, attr] = m;
    const r = res[type!]?.[name!];
    if (!r) throw new Error(`unresolvable reference ${s}`);
    if (type === "aws_iam_role" && attr === "arn") return `arn:${meta.source.partition}:iam::${meta.source.accountId}:role/${resolve(r.name)}`;
    return resolve(r[attr!]);
  };

  // LF-tag assignments by target.
  const dbTags = new Map<string, Record<string, string>>();
  const tableTags = new Map<string, Record<string, string>>();
  const columnTags = new Map<string, Record<string, string>>();
  for (const [, r] of of("aws_lakeformation_resource_lf_tags")) {
    const tags = Object.fromEntries(list<Json>(r.lf_tag).map((t) => [String(t.key), String(t.value)]));
    const db = one(r.database);
    const table = one(r.table);
    const cols = one(r.table_with_columns);
    if (db) dbTags.set(resolve(db.name), tags);
    else if (table) tableTags.set(`${resolve(table.database_name)}.${resolve(table.name)}`, tags);
    else if (cols) for (const c of list<string>(cols.column_names)) columnTags.set(`${resolve(cols.database_name)}.${resolve(cols.name)}.${c}`, tags);
  }

  const databases: CatalogExportContent["databases"] = [];
  const resourceLinks: CatalogExportContent["resourceLinks"] = [];
  for (const [, r] of of("aws_glue_catalog_database")) {
    const name = String(r.name);
    const target = one(r.target_database);
    if (target) {
      resourceLinks.push({ name, description: String(r.description ?? ""), targetCatalogId: String(target.catalog_id), targetDatabase: String(target.database_name) });
      continue;
    }
    const m = meta.databases[name] ?? { zone: null, kind: "other" as const };
    databases.push({ name, description: String(r.description ?? ""), locationUri: r.location_uri ? String(r.location_uri) : null, zone: m.zone, kind: m.kind, lfTags: dbTags.get(name) ?? {} });
  }

  const tables: ExportTable[] = [];
  for (const [, r] of of("aws_glue_catalog_table")) {
    const database = resolve(r.database_name);
    const name = String(r.name);
    const key = `${database}.${name}`;
    const sd = one(r.storage_descriptor) ?? {};
    const column = (c: Json): ExportColumn => ({ name: String(c.name), type: String(c.type), comment: String(c.comment ?? ""), lfTags: columnTags.get(`${key}.${c.name}`) ?? {} });
    const iceberg = one(r.open_table_format_input) !== undefined;
    let columns = list<Json>(sd.columns).map(column);
    let partitionKeys = list<Json>(r.partition_keys).map(column);
    if (iceberg) {
      // Glue's Iceberg input takes partition columns among the columns; the output says which they were.
      const keys = new Set(meta.icebergPartitionKeys[key] ?? []);
      partitionKeys = columns.filter((c) => keys.has(c.name));
      columns = columns.filter((c) => !keys.has(c.name));
    }
    const serde = one(sd.ser_de_info);
    const parameters = Object.fromEntries(Object.entries((r.parameters as Record<string, string> | undefined) ?? {}));
    tables.push({
      database,
      name,
      description: String(r.description ?? ""),
      format: iceberg ? "iceberg" : parameters.classification === "json" ? "json" : parameters.classification === "parquet" ? "parquet" : "other",
      location: String(sd.location),
      columns,
      partitionKeys,
      parameters,
      storage: iceberg
        ? null
        : {
            inputFormat: String(sd.input_format),
            outputFormat: String(sd.output_format),
            serializationLibrary: String(serde?.serialization_library),
            serdeParameters: (serde?.parameters as Record<string, string> | undefined) ?? {},
          },
      lfTags: tableTags.get(key) ?? {},
    });
  }

  const registrations = of("aws_lakeformation_resource").map(([, r]) => ({ resourceArn: resolve(r.arn), roleArn: resolve(r.role_arn), hybridAccessEnabled: r.hybrid_access_enabled === true }));

  const dataCellsFilters: ExportDataCellsFilter[] = of("aws_lakeformation_data_cells_filter").map(([, r]) => {
    const d = one(r.table_data)!;
    const wildcard = one(d.column_wildcard);
    const row = one(d.row_filter);
    return {
      name: String(d.name),
      database: resolve(d.database_name),
      table: resolve(d.table_name),
      columns: wildcard ? null : list<string>(d.column_names),
      excludedColumns: wildcard ? list<string>(wildcard.excluded_column_names) : [],
      rowFilter: row?.filter_expression ? String(row.filter_expression) : null,
    };
  });

  const grants: ExportGrant[] = of("aws_lakeformation_permissions").map(([tfName, r]) => {
    const m = meta.grants[tfName];
    if (!m) throw new Error(`aws_lakeformation_permissions.${tfName} is not in ${REBUILT_FROM}`);
    return {
      name: m.name,
      principal: String(r.principal),
      principalKind: m.principalKind,
      principalName: m.principalName,
      permissions: list<string>(r.permissions),
      permissionsWithGrantOption: list<string>(r.permissions_with_grant_option),
      resource: grantResource(r, resolve),
    };
  });

  const lfTags = Object.values(platform.resource?.aws_lakeformation_lf_tag ?? {}).map((t) => ({ key: String(t.key), values: list<string>(t.values) }));

  return canonicalizeExport({
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    source: { ...meta.source, region, drRegion: meta.source.region },
    lfTags,
    zones: meta.zones,
    databases,
    resourceLinks,
    tables,
    registrations,
    dataCellsFilters,
    grants,
  });
}

function grantResource(r: Json, resolve: (v: unknown) => string): ExportGrantResource {
  if (r.catalog_resource === true) return { kind: "catalog" };
  const policy = one(r.lf_tag_policy);
  if (policy) {
    return {
      kind: "lfTagPolicy",
      resourceType: String(policy.resource_type) as "DATABASE" | "TABLE",
      expression: list<Json>(policy.expression).map((e) => ({ key: String(e.key), values: list<string>(e.values) })),
    };
  }
  const tag = one(r.lf_tag);
  if (tag) return { kind: "lfTag", key: String(tag.key), values: list<string>(tag.values) };
  const db = one(r.database);
  if (db) return { kind: "database", name: resolve(db.name) };
  const table = one(r.table);
  if (table) return { kind: "table", database: resolve(table.database_name), name: table.wildcard === true ? null : resolve(table.name) };
  const cols = one(r.table_with_columns);
  if (cols) {
    const wildcard = cols.wildcard === true;
    return {
      kind: "tableColumns",
      database: resolve(cols.database_name),
      table: resolve(cols.name),
      columns: wildcard ? null : list<string>(cols.column_names),
      excludedColumns: wildcard ? list<string>(cols.excluded_column_names) : [],
    };
  }
  const loc = one(r.data_location);
  if (loc) return { kind: "dataLocation", resourceArn: resolve(loc.arn) };
  const f = one(r.data_cells_filter);
  if (f) return { kind: "dataCellsFilter", database: resolve(f.database_name), table: resolve(f.table_name), name: String(f.name) };
  throw new Error("a Lake Formation permission on no resource");
}
