import { createHash } from "node:crypto";
import { z } from "zod";

/**
 * The catalog export: everything needed to rebuild one domain's catalog and
 * its governance in one environment — databases, tables, the LF-tag
 * taxonomy and its assignments, grants, data-cells filters and location
 * registrations — as one versioned JSON document.
 *
 * Lakeform writes one per domain and environment on synth (built from the
 * Model), the live export reads one from an account, and a DR rebuild reads
 * one back. This module is the contract between them: the zod schema (from
 * which the published JSON Schema is generated), the canonical form (every
 * list sorted, keys sorted, no timestamps), the content hash, and
 * `verifyExport`, which refuses a document that is malformed, out of
 * canonical order, inconsistent or tampered with.
 *
 * The fields a rebuild in another region remaps are the account, region and
 * partition of `source`, the S3 locations and bucket ARNs, the KMS key ARNs,
 * and the role ARNs (registrations, job and pipeline principals).
 */

export const EXPORT_FORMAT = "lakeform.catalog-export";
export const EXPORT_VERSION = 1;

const Name = z.string().min(1).max(255);
const AccountId = z.string().regex(/^\d{12}$/, "an AWS account ID is exactly 12 digits");
const Region = z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, "a region code looks like eu-west-1");
const Arn = z.string().regex(/^arn:aws(-cn|-us-gov)?:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/, "an ARN looks like arn:aws:<service>:<region>:<account>:<resource>");
const S3Uri = z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, "an S3 location looks like s3://bucket/prefix/");
const Permission = z.string().regex(/^[A-Z][A-Z_]*$/, "a Lake Formation permission is upper case, such as SELECT or DESCRIBE");
const TagKey = z.string().min(1).max(128).describe("LF-tag key.");
const TagValue = z.string().min(1).max(256).describe("LF-tag value.");
const TagAssignments = z
  .record(TagKey, TagValue)
  .describe("LF-tags assigned to the resource itself (not inherited), key: value. @default {}");

export const ExportSource = z
  .strictObject({
    organization: Name.describe("The platform's organization, the first segment of every physical name."),
    environment: Name.describe("Environment the export describes, such as `prod`."),
    domain: Name.describe("Data domain the export describes."),
    accountId: AccountId.describe("Account the catalog lives in."),
    region: Region.describe("Region the catalog lives in."),
    drRegion: Region.nullable().describe("The platform's DR region, where replicas live; null when unknown (a live export of a foreign account)."),
    partition: z.enum(["aws", "aws-cn", "aws-us-gov"]).describe("AWS partition of every ARN in the export."),
  })
  .describe("Where the catalog was exported from. A rebuild remaps accountId, region and partition.");

export const ExportLfTag = z
  .strictObject({
    key: TagKey,
    values: z.array(TagValue).min(1).describe("Allowed values, sorted, no duplicates."),
  })
  .describe("One LF-tag of the taxonomy.");

export const ExportZone = z
  .strictObject({
    name: Name.describe("Zone name, such as `raw`."),
    bucketArn: Arn.describe("The zone bucket."),
    keyArn: Arn.describe("The zone's KMS key, as the alias ARN (`arn:…:alias/…`): known before apply and stable across key replacement."),
    replicated: z.boolean().describe("Whether the zone's objects are replicated to `dr.bucketArn` (raw by default; processed and curated are recomputed from raw into their DR buckets after a failover)."),
    dr: z
      .strictObject({
        region: Region.describe("The DR region."),
        bucketArn: Arn.describe("The zone's bucket in the DR region, always on for every zone: it holds the replicas when `replicated`, else it stays empty until a failover recomputes into it. A rebuild registers it."),
        keyArn: Arn.describe("Alias ARN of the zone key's multi-Region replica in the DR region (same alias name as the primary)."),
      })
      .nullable()
      .describe("Where the zone lives in the DR region; null when the export has no DR region (a live export of a foreign account)."),
  })
  .describe("A storage zone: its bucket and key, and their counterparts in the DR region.");

export const ExportDatabase = z
  .strictObject({
    name: Name.describe("Glue database name."),
    description: z.string().describe("Glue database description. @default \"\""),
    locationUri: S3Uri.nullable().describe("The database's location. @default null"),
    zone: Name.nullable().describe("The Lakeform zone the database belongs to; null for databases outside any zone. @default null"),
    kind: z
      .enum(["zone", "discovery", "other"])
      .describe("`zone`: a zone's declared database; `discovery`: where crawlers catalogue; `other`: found live, in no manifest."),
    lfTags: TagAssignments,
  })
  .describe("A Glue database.");

export const ExportResourceLink = z
  .strictObject({
    name: Name.describe("Name of the link in this catalog."),
    description: z.string().describe("@default \"\""),
    targetCatalogId: AccountId.describe("Account of the linked database."),
    targetDatabase: Name.describe("Name of the linked database."),
  })
  .describe("A resource link to another domain's database.");

export const ExportColumn = z
  .strictObject({
    name: Name.describe("Column name."),
    type: z.string().min(1).describe("Glue (Hive) type, canonical spelling."),
    comment: z.string().describe("@default \"\""),
    lfTags: TagAssignments,
  })
  .describe("A column. Columns keep their declared order.");

export const ExportStorage = z
  .strictObject({
    inputFormat: z.string().min(1).describe("Hadoop input format class."),
    outputFormat: z.string().min(1).describe("Hadoop output format class."),
    serializationLibrary: z.string().min(1).describe("SerDe class."),
    serdeParameters: z.record(z.string(), z.string()).describe("SerDe parameters. @default {}"),
  })
  .describe("Storage descriptor of a Hive-style table.");

export const ExportTable = z
  .strictObject({
    database: Name.describe("Database the table is in."),
    name: Name.describe("Table name."),
    description: z.string().describe("@default \"\""),
    format: z
      .enum(["parquet", "iceberg", "json", "other"])
      .describe("`iceberg` is created through Glue's open table format input (no storage descriptor); `other` is a table found live whose format Lakeform does not declare."),
    location: S3Uri.describe("`s3://bucket/prefix/` of the table's data."),
    columns: z.array(ExportColumn).describe("Data columns in declared order."),
    partitionKeys: z.array(ExportColumn).describe("Partition keys in declared order. @default []"),
    parameters: z.record(z.string(), z.string()).describe("Table parameters (classification, compression…). @default {}"),
    storage: ExportStorage.nullable().describe("Input/output formats and SerDe; null for Iceberg."),
    lfTags: TagAssignments,
  })
  .describe("A Glue table.");

export const ExportRegistration = z
  .strictObject({
    resourceArn: Arn.describe("Registered S3 location (a bucket ARN)."),
    roleArn: Arn.describe("Role Lake Formation assumes to reach it."),
    hybridAccessEnabled: z.boolean().describe("Hybrid access mode. Lakeform always registers with it off. @default false"),
  })
  .describe("A Lake Formation data-location registration.");

export const ExportDataCellsFilter = z
  .strictObject({
    name: Name.describe("Filter name, unique per table."),
    database: Name.describe("Database of the filtered table."),
    table: Name.describe("The filtered table."),
    columns: z.array(Name).nullable().describe("Included columns, sorted; null: every column but `excludedColumns` (a column wildcard)."),
    excludedColumns: z.array(Name).describe("Excluded columns of a column wildcard, sorted; empty with `columns`. @default []"),
    rowFilter: z.string().min(1).nullable().describe("PartiQL row filter expression; null: all rows. @default null"),
  })
  .describe("A Lake Formation data-cells filter.");

const TagExpression = z
  .array(z.strictObject({ key: TagKey, values: z.array(TagValue).min(1).describe("Sorted.") }))
  .min(1)
  .describe("Every key must match one of its values; keys sorted.");

const Kind = <K extends string>(k: K) => z.literal(k).describe(`Resource kind: \`${k}\`.`);
const DatabaseName = Name.describe("Database name.");
const TableName = Name.describe("Table name.");

export const ExportGrantResource = z
  .discriminatedUnion("kind", [
    z.strictObject({ kind: Kind("catalog") }).describe("The Data Catalog itself (CREATE_DATABASE…)."),
    z
      .strictObject({ kind: Kind("lfTagPolicy"), resourceType: z.enum(["DATABASE", "TABLE"]).describe("What the expression selects."), expression: TagExpression })
      .describe("Every database or table whose LF-tags match the expression."),
    z
      .strictObject({ kind: Kind("lfTag"), key: TagKey, values: z.array(TagValue).min(1).describe("Values of the tag the grant covers, sorted.") })
      .describe("The LF-tag itself (ASSOCIATE, DESCRIBE)."),
    z.strictObject({ kind: Kind("database"), name: DatabaseName }).describe("A database."),
    z
      .strictObject({ kind: Kind("table"), database: DatabaseName, name: Name.nullable().describe("Table name; null: every table of the database (table wildcard).") })
      .describe("A table, or all tables of a database."),
    z
      .strictObject({
        kind: Kind("tableColumns"),
        database: DatabaseName,
        table: TableName,
        columns: z.array(Name).nullable().describe("Sorted; null: column wildcard."),
        excludedColumns: z.array(Name).describe("Sorted; only with the column wildcard."),
      })
      .describe("Columns of a table."),
    z.strictObject({ kind: Kind("dataLocation"), resourceArn: Arn.describe("The registered location (bucket ARN).") }).describe("A registered S3 location."),
    z
      .strictObject({ kind: Kind("dataCellsFilter"), database: DatabaseName, table: TableName, name: Name.describe("Filter name.") })
      .describe("A data-cells filter of this export."),
  ])
  .describe("What a grant is on.");

export const ExportGrant = z
  .strictObject({
    name: Name.nullable().describe("The manifest's name for the grant (an access entry, `job-<job>-reads`…); null for a grant found live only."),
    principal: z.string().min(1).describe("What Lake Formation grants to: an IAM role or user ARN, an Identity Center group ARN, or an account ID."),
    principalKind: z
      .enum(["iam-role", "iam-user", "identity-center-group", "account", "job", "pipeline", "crawler", "other"])
      .describe("`job`, `pipeline` and `crawler` roles are Lakeform's own, named per region, so a rebuild renames them; `other`: found live."),
    principalName: Name.nullable().describe("Name in the platform's principal catalogue (`job:<job>`, `pipeline:<env>`, `crawler:<crawler>` for Lakeform's own roles); null when found live only."),
    permissions: z.array(Permission).min(1).describe("Sorted."),
    permissionsWithGrantOption: z.array(Permission).describe("Sorted; a subset of permissions. @default []"),
    resource: ExportGrantResource,
  })
  .describe("A Lake Formation permission.");

export const CatalogExport = z
  .strictObject({
    $schema: z.string().optional().describe("Editors' pointer to the JSON Schema; not part of the content hash."),
    format: z.literal(EXPORT_FORMAT).describe(`Always \`${EXPORT_FORMAT}\`.`),
    version: z.literal(EXPORT_VERSION).describe("Format version; a reader refuses versions it does not know."),
    source: ExportSource,
    lfTags: z.array(ExportLfTag).describe("The platform's LF-tag taxonomy, sorted by key."),
    zones: z.array(ExportZone).describe("The domain's storage zones, sorted by name. @default []"),
    databases: z.array(ExportDatabase).describe("Sorted by name."),
    resourceLinks: z.array(ExportResourceLink).describe("Sorted by name. @default []"),
    tables: z.array(ExportTable).describe("Sorted by database, then name."),
    registrations: z.array(ExportRegistration).describe("Sorted by resourceArn."),
    dataCellsFilters: z.array(ExportDataCellsFilter).describe("Sorted by database, table, name."),
    grants: z.array(ExportGrant).describe("Sorted by principal, then resource, then permissions."),
    contentHash: z
      .string()
      .regex(/^sha256:[0-9a-f]{64}$/, "the content hash looks like sha256:<64 hex digits>")
      .describe("`sha256:<hex>` over the canonical JSON of everything but `contentHash` and `$schema`."),
  })
  .describe("Lakeform catalog export: one domain's catalog and governance in one environment.");

export type CatalogExport = z.infer<typeof CatalogExport>;
export type ExportSource = z.infer<typeof ExportSource>;
export type ExportLfTag = z.infer<typeof ExportLfTag>;
export type ExportZone = z.infer<typeof ExportZone>;
export type ExportDatabase = z.infer<typeof ExportDatabase>;
export type ExportResourceLink = z.infer<typeof ExportResourceLink>;
export type ExportColumn = z.infer<typeof ExportColumn>;
export type ExportStorage = z.infer<typeof ExportStorage>;
export type ExportTable = z.infer<typeof ExportTable>;
export type ExportRegistration = z.infer<typeof ExportRegistration>;
export type ExportDataCellsFilter = z.infer<typeof ExportDataCellsFilter>;
export type ExportGrantResource = z.infer<typeof ExportGrantResource>;
export type ExportGrant = z.infer<typeof ExportGrant>;
/** An export before its hash: what builders produce and `finalizeExport` completes. */
export type CatalogExportContent = Omit<CatalogExport, "contentHash" | "$schema">;

/** The JSON Schema of the format (draft 2020-12), generated from the zod schema; published as `domains/_schema/catalog-export.schema.json`. */
export function catalogExportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(CatalogExport, { io: "input", target: "draft-2020-12", unrepresentable: "any" }) as Record<string, unknown>;
}

// ---------------------------------------------------------------------------
// Canonical form

/** JSON with object keys sorted at every level and no whitespace: the bytes the hash is taken over. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const by =
  <T>(...keys: ((x: T) => string)[]) =>
  (a: T, b: T) => {
    for (const k of keys) {
      const c = cmp(k(a), k(b));
      if (c !== 0) return c;
    }
    return 0;
  };
const uniqSorted = (xs: readonly string[]) => [...new Set(xs)].sort(cmp);
const sortedRecord = (r: Readonly<Record<string, string>>) => Object.fromEntries(Object.keys(r).sort(cmp).map((k) => [k, r[k]!]));

function canonicalResource(r: ExportGrantResource): ExportGrantResource {
  switch (r.kind) {
    case "lfTagPolicy":
      return { ...r, expression: [...r.expression].map((e) => ({ key: e.key, values: uniqSorted(e.values) })).sort(by((e) => e.key)) };
    case "lfTag":
      return { ...r, values: uniqSorted(r.values) };
    case "tableColumns":
      return { ...r, columns: r.columns ? uniqSorted(r.columns) : null, excludedColumns: uniqSorted(r.excludedColumns) };
    default:
      return r;
  }
}

const column = (c: ExportColumn): ExportColumn => ({ ...c, lfTags: sortedRecord(c.lfTags) });

/**
 * The canonical form of export content: every list sorted (columns and
 * partition keys keep their order, which is meaningful), sets deduplicated,
 * records with sorted keys. Builders call it; `verifyExport` checks a
 * document is already in it.
 */
export function canonicalizeExport(e: CatalogExportContent): CatalogExportContent {
  return {
    format: e.format,
    version: e.version,
    source: e.source,
    lfTags: e.lfTags.map((t) => ({ key: t.key, values: uniqSorted(t.values) })).sort(by((t) => t.key)),
    zones: [...e.zones].sort(by((z) => z.name)),
    databases: e.databases.map((d) => ({ ...d, lfTags: sortedRecord(d.lfTags) })).sort(by((d) => d.name)),
    resourceLinks: [...e.resourceLinks].sort(by((l) => l.name)),
    tables: e.tables
      .map((t) => ({
        ...t,
        columns: t.columns.map(column),
        partitionKeys: t.partitionKeys.map(column),
        parameters: sortedRecord(t.parameters),
        storage: t.storage ? { ...t.storage, serdeParameters: sortedRecord(t.storage.serdeParameters) } : null,
        lfTags: sortedRecord(t.lfTags),
      }))
      .sort(by((t) => t.database, (t) => t.name)),
    registrations: [...e.registrations].sort(by((r) => r.resourceArn)),
    dataCellsFilters: e.dataCellsFilters
      .map((f) => ({ ...f, columns: f.columns ? uniqSorted(f.columns) : null, excludedColumns: uniqSorted(f.excludedColumns) }))
      .sort(by((f) => f.database, (f) => f.table, (f) => f.name)),
    grants: e.grants
      .map((g) => ({ ...g, permissions: uniqSorted(g.permissions), permissionsWithGrantOption: uniqSorted(g.permissionsWithGrantOption), resource: canonicalResource(g.resource) }))
      .sort(by((g) => g.principal, (g) => canonicalJson(g.resource), (g) => g.permissions.join(","), (g) => g.name ?? "")),
  };
}

/** `sha256:<hex>` over the canonical JSON of the content (everything but `contentHash` and `$schema`). */
export function contentHashOf(e: CatalogExportContent | CatalogExport): string {
  const { contentHash: _h, $schema: _s, ...content } = e as CatalogExport;
  return `sha256:${createHash("sha256").update(canonicalJson(content)).digest("hex")}`;
}

/** Canonicalizes content and adds its hash: a complete, valid export. */
export function finalizeExport(content: CatalogExportContent): CatalogExport {
  const canonical = canonicalizeExport(content);
  return { ...canonical, contentHash: contentHashOf(canonical) };
}

/**
 * The bytes of an export file: format, version, contentHash and source
 * first, every other key sorted at every level, two-space indentation, a
 * final newline. The same export always gives the same bytes.
 */
export function serializeExport(e: CatalogExport): string {
  const sorted = sortKeys(e) as Record<string, unknown>;
  // The header first, for a reader; nested keys stay sorted.
  const head = ["$schema", "format", "version", "contentHash", "source"].filter((k) => k in sorted);
  const ordered = Object.fromEntries([...head, ...Object.keys(sorted).filter((k) => !head.includes(k))].map((k) => [k, sorted[k]]));
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

// ---------------------------------------------------------------------------
// Verification

export interface ExportProblem {
  /** Path in the document, such as `tables[2].columns[0].lfTags` (empty: the whole document). */
  readonly path: string;
  readonly message: string;
}

export const formatExportProblem = (p: ExportProblem) => (p.path ? `${p.path}: ${p.message}` : p.message);

export type VerifyResult = { readonly ok: true; readonly export: CatalogExport } | { readonly ok: false; readonly problems: readonly ExportProblem[] };

const pathText = (path: readonly PropertyKey[]) =>
  path.map((s, i) => (typeof s === "number" ? `[${s}]` : `${i === 0 ? "" : "."}${String(s)}`)).join("");

/**
 * Checks an export completely: JSON syntax, format and version, the schema,
 * canonical order, references (tables to databases, filters and grants to
 * tables, tag assignments to the taxonomy) and the content hash. Accepts the
 * file's text or a parsed value. Every problem is reported at once; an
 * export with problems must not be used.
 */
export function verifyExport(json: unknown): VerifyResult {
  let value: unknown = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json);
    } catch (e) {
      return { ok: false, problems: [{ path: "", message: `not JSON: ${(e as Error).message}` }] };
    }
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return { ok: false, problems: [{ path: "", message: "an export is a JSON object" }] };
  const head = value as Record<string, unknown>;
  if (head.format !== EXPORT_FORMAT) {
    return { ok: false, problems: [{ path: "format", message: `not a Lakeform catalog export: format must be "${EXPORT_FORMAT}", got ${JSON.stringify(head.format)}` }] };
  }
  if (head.version !== EXPORT_VERSION) {
    return {
      ok: false,
      problems: [{ path: "version", message: `unsupported export version ${JSON.stringify(head.version)}; this Lakeform reads version ${EXPORT_VERSION}` }],
    };
  }
  const parsed = CatalogExport.safeParse(value);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => ({ path: pathText(i.path), message: i.message })) };
  }
  const e = parsed.data;
  const problems: ExportProblem[] = [...orderProblems(e), ...referenceProblems(e)];
  const expected = contentHashOf(e);
  if (e.contentHash !== expected) {
    problems.push({ path: "contentHash", message: `does not match the content (expected ${expected}): the export was changed after it was written, or is corrupt` });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, export: e };
}

/** Lists whose order differs from the canonical one, and duplicate entries. */
function orderProblems(e: CatalogExport): ExportProblem[] {
  const { contentHash: _h, $schema: _s, ...content } = e;
  const canonical = canonicalizeExport(content) as unknown as Record<string, unknown>;
  const actual = content as unknown as Record<string, unknown>;
  const out: ExportProblem[] = [];
  for (const key of Object.keys(canonical)) {
    if (canonicalJson(canonical[key]) !== canonicalJson(actual[key])) out.push({ path: key, message: "is not in canonical order (lists sorted, no duplicate values)" });
  }
  const dup = (path: string, keys: string[]) => {
    const seen = new Set<string>();
    keys.forEach((k, i) => {
      if (seen.has(k)) out.push({ path: `${path}[${i}]`, message: `duplicate entry ${k}` });
      seen.add(k);
    });
  };
  dup("lfTags", e.lfTags.map((t) => t.key));
  dup("zones", e.zones.map((z) => z.name));
  dup("databases", [...e.databases.map((d) => d.name)]);
  dup("resourceLinks", e.resourceLinks.map((l) => l.name));
  dup("tables", e.tables.map((t) => `${t.database}.${t.name}`));
  dup("registrations", e.registrations.map((r) => r.resourceArn));
  dup("dataCellsFilters", e.dataCellsFilters.map((f) => `${f.database}.${f.table}.${f.name}`));
  return out;
}

function referenceProblems(e: CatalogExport): ExportProblem[] {
  const out: ExportProblem[] = [];
  const taxonomy = new Map(e.lfTags.map((t) => [t.key, new Set(t.values)]));
  const tags = (path: string, r: Readonly<Record<string, string>>) => {
    for (const [k, v] of Object.entries(r)) {
      const values = taxonomy.get(k);
      if (!values) out.push({ path: `${path}.${k}`, message: `LF-tag key "${k}" is not in lfTags` });
      else if (!values.has(v)) out.push({ path: `${path}.${k}`, message: `value "${v}" is not one of the values of LF-tag "${k}"` });
    }
  };
  const databases = new Set([...e.databases.map((d) => d.name), ...e.resourceLinks.map((l) => l.name)]);
  const tables = new Map(e.tables.map((t) => [`${t.database}.${t.name}`, t]));
  const filters = new Set(e.dataCellsFilters.map((f) => `${f.database}.${f.table}.${f.name}`));
  const zones = new Set(e.zones.map((z) => z.name));

  e.zones.forEach((z, i) => {
    if (z.replicated && z.dr === null) out.push({ path: `zones[${i}].dr`, message: "a replicated zone needs its DR bucket and key" });
  });
  e.databases.forEach((d, i) => {
    tags(`databases[${i}].lfTags`, d.lfTags);
    if (d.zone !== null && !zones.has(d.zone)) out.push({ path: `databases[${i}].zone`, message: `zone "${d.zone}" is not in zones` });
  });
  e.tables.forEach((t, i) => {
    if (!databases.has(t.database)) out.push({ path: `tables[${i}].database`, message: `database "${t.database}" is not in databases` });
    tags(`tables[${i}].lfTags`, t.lfTags);
    t.columns.forEach((c, j) => tags(`tables[${i}].columns[${j}].lfTags`, c.lfTags));
    t.partitionKeys.forEach((c, j) => tags(`tables[${i}].partitionKeys[${j}].lfTags`, c.lfTags));
    const names = [...t.columns, ...t.partitionKeys].map((c) => c.name);
    const dupCol = names.find((n, j) => names.indexOf(n) !== j);
    if (dupCol) out.push({ path: `tables[${i}].columns`, message: `column "${dupCol}" appears twice` });
    if ((t.format === "iceberg") !== (t.storage === null)) {
      out.push({ path: `tables[${i}].storage`, message: t.format === "iceberg" ? "an Iceberg table has no storage descriptor (null)" : "a Hive-style table needs its storage descriptor" });
    }
  });
  const columnsOf = (db: string, table: string) => {
    const t = tables.get(`${db}.${table}`);
    return t ? new Set([...t.columns, ...t.partitionKeys].map((c) => c.name)) : undefined;
  };
  e.dataCellsFilters.forEach((f, i) => {
    const cols = columnsOf(f.database, f.table);
    if (!cols) {
      out.push({ path: `dataCellsFilters[${i}]`, message: `table ${f.database}.${f.table} is not in tables` });
      return;
    }
    for (const c of [...(f.columns ?? []), ...f.excludedColumns]) if (!cols.has(c)) out.push({ path: `dataCellsFilters[${i}]`, message: `column "${c}" is not a column of ${f.database}.${f.table}` });
    if (f.columns !== null && f.excludedColumns.length > 0) out.push({ path: `dataCellsFilters[${i}].excludedColumns`, message: "excluded columns apply only to a column wildcard (columns null)" });
  });
  e.grants.forEach((g, i) => {
    const path = `grants[${i}]`;
    const extra = g.permissionsWithGrantOption.filter((p) => !g.permissions.includes(p));
    if (extra.length > 0) out.push({ path: `${path}.permissionsWithGrantOption`, message: `${extra.join(", ")} not in permissions` });
    const r = g.resource;
    if (r.kind === "lfTagPolicy" || r.kind === "lfTag") {
      const pairs = r.kind === "lfTag" ? [{ key: r.key, values: r.values }] : r.expression;
      for (const p of pairs) for (const v of p.values) tags(`${path}.resource`, { [p.key]: v });
    } else if (r.kind === "database" && !databases.has(r.name)) {
      out.push({ path: `${path}.resource`, message: `database "${r.name}" is not in databases` });
    } else if (r.kind === "table") {
      if (r.name === null ? !databases.has(r.database) : !tables.has(`${r.database}.${r.name}`)) {
        out.push({ path: `${path}.resource`, message: `${r.name === null ? `database "${r.database}"` : `table ${r.database}.${r.name}`} is not in the export` });
      }
    } else if (r.kind === "tableColumns") {
      const cols = columnsOf(r.database, r.table);
      if (!cols) out.push({ path: `${path}.resource`, message: `table ${r.database}.${r.table} is not in tables` });
      else for (const c of [...(r.columns ?? []), ...r.excludedColumns]) if (!cols.has(c)) out.push({ path: `${path}.resource`, message: `column "${c}" is not a column of ${r.database}.${r.table}` });
    } else if (r.kind === "dataCellsFilter" && !filters.has(`${r.database}.${r.table}.${r.name}`)) {
      out.push({ path: `${path}.resource`, message: `data-cells filter ${r.database}.${r.table}.${r.name} is not in dataCellsFilters` });
    }
  });
  return out;
}

/** Parses and verifies an export; throws one error listing every problem. For callers that cannot go on without a valid export. */
export function readExport(json: unknown, what = "catalog export"): CatalogExport {
  const r = verifyExport(json);
  if (!r.ok) throw new Error(`${what} refused:\n${r.problems.map((p) => `  ${formatExportProblem(p)}`).join("\n")}`);
  return r.export;
}
