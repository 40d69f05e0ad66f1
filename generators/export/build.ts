import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { DomainDeploymentModel, GrantModel, LfTagAssignmentModel, Model, TableModel } from "../model/types";
import {
  type CatalogExport,
  type ExportGrant,
  type ExportStorage,
  type ExportTable,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  finalizeExport,
  serializeExport,
} from "./format";
import { catalogExportPath } from "../model/dr";

/** Folder of the exports under the synth output directory. */
export const CATALOG_EXPORT_DIR = "catalog-export";

/** Storage descriptors as modules/catalog/glue-table.ts writes them (a test holds the two together). */
export const TABLE_STORAGE: Readonly<Record<"parquet" | "json", { readonly storage: ExportStorage; readonly parameters: Readonly<Record<string, string>> }>> = {
  parquet: {
    storage: {
      inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
      outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
      serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
      serdeParameters: { "serialization.format": "1" },
    },
    parameters: { classification: "parquet", EXTERNAL: "TRUE", "parquet.compression": "ZSTD" },
  },
  json: {
    storage: {
      inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
      outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
      serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
      serdeParameters: { "ignore.malformed.json": "FALSE", "case.insensitive": "TRUE" },
    },
    parameters: { classification: "json", EXTERNAL: "TRUE" },
  },
};

/** Permissions a crawler gets on its discovery database (modules/catalog/crawler.ts). */
export const CRAWLER_DATABASE_PERMISSIONS = ["ALTER", "CREATE_TABLE", "DESCRIBE"] as const;

const tags = (ts: readonly LfTagAssignmentModel[]) => Object.fromEntries(ts.map((t) => [t.key, t.value]));

function tableOf(t: TableModel): ExportTable {
  const columns = (cs: TableModel["columns"]) => cs.map((c) => ({ name: c.name, type: c.type, comment: c.comment, lfTags: tags(c.lfTags) }));
  const hive = t.format === "iceberg" ? null : TABLE_STORAGE[t.format];
  return {
    database: t.database,
    name: t.name,
    description: t.description,
    format: t.format,
    location: t.location,
    columns: columns(t.columns),
    partitionKeys: columns(t.partitionKeys),
    parameters: hive ? { ...hive.parameters } : {},
    storage: hive ? { ...hive.storage, serdeParameters: { ...hive.storage.serdeParameters } } : null,
    lfTags: tags(t.lfTags),
  };
}

function grantsOf(g: GrantModel): ExportGrant[] {
  const base = {
    name: g.name,
    principal: g.principal.id,
    principalKind: g.principal.kind,
    principalName: g.principal.name,
  } as const;
  const perms = (ps: readonly string[]) => ({ permissions: [...ps], permissionsWithGrantOption: g.grantable ? [...ps] : [] });
  const t = g.target;
  if (t.kind === "tags") {
    return [{ ...base, ...perms(g.permissions), resource: { kind: "lfTagPolicy", resourceType: "TABLE", expression: t.expression.map((e) => ({ key: e.key, values: [...e.values] })) } }];
  }
  if (t.kind === "tables") {
    return t.tables.map((ref) => ({ ...base, ...perms(g.permissions), resource: { kind: "table", database: ref.database, name: ref.table } }));
  }
  // A filter grant is SELECT through the filter, never grantable (modules/governance/lf-grant.ts CellsFilterGrant).
  return [{ ...base, permissions: ["SELECT"], permissionsWithGrantOption: [], resource: { kind: "dataCellsFilter", database: t.table.database, table: t.table.table, name: g.name } }];
}

/**
 * The declared catalog export of one domain deployment, built from the Model
 * alone: what the domain stack creates in the catalog and in Lake Formation,
 * in the export format. From the deployment alone (its `dr.export` carries
 * the organization and the taxonomy). Pure; the same Model gives the same bytes.
 */
export function buildCatalogExport(dep: DomainDeploymentModel): CatalogExport {
  const drOf = new Map(dep.dr.zones.map((z) => [z.zone, z]));
  const grants: ExportGrant[] = dep.grants.flatMap(grantsOf);
  for (const c of dep.discovery.crawlers) {
    const principal = { name: `crawler-${c.name}`, principal: c.role.arn, principalKind: "crawler", principalName: `crawler:${c.name}`, permissionsWithGrantOption: [] as string[] } as const;
    const database = dep.discovery.databases.find((d) => d.zone === c.zone)!;
    grants.push(
      { ...principal, permissions: ["DATA_LOCATION_ACCESS"], resource: { kind: "dataLocation", resourceArn: c.bucket.arn } },
      { ...principal, permissions: [...CRAWLER_DATABASE_PERMISSIONS], resource: { kind: "database", name: database.name } },
    );
  }
  return finalizeExport({
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    source: {
      organization: dep.dr.export.organization,
      environment: dep.environment,
      domain: dep.dr.export.domain,
      accountId: dep.accountId,
      region: dep.region,
      drRegion: dep.dr.region,
      partition: dep.partition,
    },
    lfTags: dep.dr.export.lfTags.map((t) => ({ key: t.key, values: [...t.values] })),
    zones: dep.zones.map((z) => {
      const dr = drOf.get(z.name)!;
      return {
        name: z.name,
        bucketArn: z.bucket.arn,
        keyArn: z.key.aliasArn,
        replicated: dr.replication !== null,
        dr: { region: dep.dr.region, bucketArn: dr.bucket.arn, keyArn: dr.key.aliasArn },
      };
    }),
    databases: [
      ...dep.zones.map((z) => ({
        name: z.database.name,
        description: z.database.description,
        locationUri: z.database.locationUri,
        zone: z.name,
        kind: "zone" as const,
        lfTags: tags(z.database.lfTags),
      })),
      ...dep.discovery.databases.map((d) => ({
        name: d.name,
        description: d.description,
        locationUri: d.locationUri,
        zone: d.zone,
        kind: "discovery" as const,
        lfTags: tags(d.lfTags),
      })),
    ],
    resourceLinks: dep.resourceLinks.map((l) => ({ name: l.name, description: l.description, targetCatalogId: l.target.catalogId, targetDatabase: l.target.databaseName })),
    tables: dep.tables.map(tableOf),
    registrations: dep.zones.map((z) => ({ resourceArn: z.bucket.arn, roleArn: z.registrationRole.arn, hybridAccessEnabled: false })),
    dataCellsFilters: dep.grants.flatMap((g) =>
      g.target.kind === "cells"
        ? [{ name: g.name, database: g.target.table.database, table: g.target.table.table, columns: null, excludedColumns: [...g.target.excludedColumns], rowFilter: g.target.rowFilter }]
        : [],
    ),
    grants,
  });
}

/** Every export of the Model, by path under the synth output directory (`catalog-export/<env>/<domain>.json`), sorted. */
export function catalogExports(model: Model): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of model.domains) {
    for (const dep of d.deployments) out.set(catalogExportPath(dep.environment, d.name), catalogExportText(dep));
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

const exportTexts = new WeakMap<DomainDeploymentModel, string>();

/**
 * The deployment's export as written (serialized, hashed), built once per
 * deployment: the domain stack ships it and synth writes it beside the
 * stacks, and both take these bytes.
 */
export function catalogExportText(dep: DomainDeploymentModel): string {
  let text = exportTexts.get(dep);
  if (text === undefined) exportTexts.set(dep, (text = serializeExport(buildCatalogExport(dep))));
  return text;
}

/**
 * Writes the exports under `<outdir>/catalog-export/<env>/<domain>.json`:
 * every one, or with `stacks` only those of the named stacks (an export
 * belongs to its domain stack, which ships it). Exports of deployments the
 * Model no longer has are removed either way.
 */
export function writeCatalogExports(model: Model, outdir: string, stacks?: ReadonlySet<string>): void {
  const root = join(outdir, CATALOG_EXPORT_DIR);
  if (!stacks) rmSync(root, { recursive: true, force: true });
  else {
    const known = new Set(model.domains.flatMap((d) => d.deployments.map((dep) => catalogExportPath(dep.environment, d.name))));
    for (const env of existsSync(root) ? readdirSync(root) : []) {
      for (const file of readdirSync(join(root, env))) {
        if (!known.has(`${CATALOG_EXPORT_DIR}/${env}/${file}`)) rmSync(join(root, env, file), { force: true });
      }
    }
  }
  for (const d of model.domains) {
    for (const dep of d.deployments) {
      if (stacks && !stacks.has(dep.stack)) continue;
      const path = catalogExportPath(dep.environment, d.name);
      mkdirSync(dirname(join(outdir, path)), { recursive: true });
      writeFileSync(join(outdir, path), catalogExportText(dep));
    }
  }
}
