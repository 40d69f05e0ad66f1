import { type Database, type Table, GetDatabasesCommand, GetTablesCommand, GlueClient } from "@aws-sdk/client-glue";
import {
  type DataCellsFilter,
  type LFTagPair,
  type PrincipalResourcePermissions,
  type ResourceInfo,
  GetResourceLFTagsCommand,
  LakeFormationClient,
  ListDataCellsFilterCommand,
  ListLFTagsCommand,
  ListPermissionsCommand,
  ListResourcesCommand,
} from "@aws-sdk/client-lakeformation";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import type { CatalogExport, ExportGrant } from "../../generators/export/format";

/**
 * An account that holds exactly what a catalog export describes, as the
 * Glue, Lake Formation and STS SDK clients would answer (aws-sdk-client-mock,
 * class level: every client the code creates is answered here). Lists are
 * served in pages of `pageSize`, in an order other than the export's, and in
 * the forms the services use: SELECT on a table as a column wildcard, apart
 * from the table's other permissions; volatile parameters on tables.
 */

export interface LiveAccount {
  readonly accountId: string;
  readonly callerArn?: string;
  readonly lfTags: readonly { key: string; values: readonly string[] }[];
  readonly databases: readonly Database[];
  readonly tables: readonly Table[];
  readonly tags: ReadonlyMap<string, { resource: LFTagPair[]; columns: Record<string, LFTagPair[]> }>;
  readonly permissions: readonly PrincipalResourcePermissions[];
  readonly dataCellsFilters: readonly DataCellsFilter[];
  readonly registrations: readonly ResourceInfo[];
}

const pairs = (account: string, r: Readonly<Record<string, string>>): LFTagPair[] => Object.entries(r).map(([k, v]) => ({ CatalogId: account, TagKey: k, TagValues: [v] }));

function permissionsOf(g: ExportGrant, account: string): PrincipalResourcePermissions[] {
  const entry = (Resource: PrincipalResourcePermissions["Resource"], perms: readonly string[]): PrincipalResourcePermissions => ({
    Principal: { DataLakePrincipalIdentifier: g.principal },
    Resource,
    Permissions: [...perms] as never,
    PermissionsWithGrantOption: g.permissionsWithGrantOption.filter((p) => perms.includes(p)) as never,
    LastUpdated: new Date("2026-01-01T00:00:00Z"),
  });
  const r = g.resource;
  switch (r.kind) {
    case "catalog":
      return [entry({ Catalog: {} }, g.permissions)];
    case "lfTagPolicy":
      return [entry({ LFTagPolicy: { CatalogId: account, ResourceType: r.resourceType, Expression: r.expression.map((e) => ({ TagKey: e.key, TagValues: [...e.values].reverse() })) } }, g.permissions)];
    case "lfTag":
      return [entry({ LFTag: { CatalogId: account, TagKey: r.key, TagValues: [...r.values] } }, g.permissions)];
    case "database":
      return [entry({ Database: { CatalogId: account, Name: r.name } }, g.permissions)];
    case "table": {
      if (r.name === null) return [entry({ Table: { CatalogId: account, DatabaseName: r.database, TableWildcard: {} } }, g.permissions)];
      // Lake Formation stores SELECT on a table as a column wildcard, apart from the other permissions.
      const select = g.permissions.filter((p) => p === "SELECT");
      const rest = g.permissions.filter((p) => p !== "SELECT");
      return [
        ...(select.length ? [entry({ TableWithColumns: { CatalogId: account, DatabaseName: r.database, Name: r.name, ColumnWildcard: {} } }, select)] : []),
        ...(rest.length ? [entry({ Table: { CatalogId: account, DatabaseName: r.database, Name: r.name } }, rest)] : []),
      ];
    }
    case "tableColumns":
      return [
        entry(
          {
            TableWithColumns: {
              CatalogId: account,
              DatabaseName: r.database,
              Name: r.table,
              ...(r.columns === null ? { ColumnWildcard: { ExcludedColumnNames: [...r.excludedColumns] } } : { ColumnNames: [...r.columns] }),
            },
          },
          g.permissions,
        ),
      ];
    case "dataLocation":
      return [entry({ DataLocation: { CatalogId: account, ResourceArn: r.resourceArn } }, g.permissions)];
    case "dataCellsFilter":
      return [entry({ DataCellsFilter: { TableCatalogId: account, DatabaseName: r.database, TableName: r.table, Name: r.name } }, g.permissions)];
  }
}

/** The account state that answers with exactly the content of `exports` (several: a whole account). */
export function accountFrom(exports: readonly CatalogExport[]): LiveAccount {
  const account = exports[0]!.source.accountId;
  const tags = new Map<string, { resource: LFTagPair[]; columns: Record<string, LFTagPair[]> }>();
  const databases: Database[] = [];
  const tables: Table[] = [];
  const lfTags = new Map<string, readonly string[]>();
  for (const e of exports) {
    for (const t of e.lfTags) lfTags.set(t.key, t.values);
    for (const d of e.databases) {
      databases.push({ Name: d.name, Description: d.description, ...(d.locationUri ? { LocationUri: d.locationUri } : {}), CatalogId: account, CreateTime: new Date("2026-01-01T00:00:00Z") });
      tags.set(d.name, { resource: pairs(account, d.lfTags), columns: {} });
    }
    for (const l of e.resourceLinks) databases.push({ Name: l.name, Description: l.description, TargetDatabase: { CatalogId: l.targetCatalogId, DatabaseName: l.targetDatabase }, CatalogId: account });
    for (const t of e.tables) {
      const column = (c: CatalogExport["tables"][number]["columns"][number]) => ({ Name: c.name, Type: c.type, ...(c.comment ? { Comment: c.comment } : {}) });
      tables.push({
        DatabaseName: t.database,
        Name: t.name,
        Description: t.description,
        TableType: "EXTERNAL_TABLE",
        UpdateTime: new Date("2026-02-01T00:00:00Z"),
        Parameters:
          t.format === "iceberg"
            ? { ...t.parameters, table_type: "ICEBERG", metadata_location: `${t.location}metadata/00001.metadata.json` }
            : { ...t.parameters, transient_lastDdlTime: "1767225600" },
        StorageDescriptor: {
          Location: t.location,
          Columns: t.columns.map(column),
          ...(t.storage
            ? {
                InputFormat: t.storage.inputFormat,
                OutputFormat: t.storage.outputFormat,
                SerdeInfo: { SerializationLibrary: t.storage.serializationLibrary, Parameters: { ...t.storage.serdeParameters } },
              }
            : {}),
        },
        PartitionKeys: t.partitionKeys.map(column),
      });
      const columns: Record<string, LFTagPair[]> = {};
      for (const c of [...t.columns, ...t.partitionKeys]) if (Object.keys(c.lfTags).length) columns[c.name] = pairs(account, c.lfTags);
      tags.set(`${t.database}.${t.name}`, { resource: pairs(account, t.lfTags), columns });
    }
  }
  const all = <T>(f: (e: CatalogExport) => readonly T[]) => exports.flatMap(f);
  return {
    accountId: account,
    lfTags: [...lfTags].map(([key, values]) => ({ key, values })),
    databases,
    tables,
    tags,
    permissions: all((e) => e.grants).flatMap((g) => permissionsOf(g, account)),
    dataCellsFilters: all((e) => e.dataCellsFilters).map((f) => ({
      TableCatalogId: account,
      DatabaseName: f.database,
      TableName: f.table,
      Name: f.name,
      RowFilter: f.rowFilter === null ? { AllRowsWildcard: {} } : { FilterExpression: f.rowFilter },
      ...(f.columns === null ? { ColumnWildcard: { ExcludedColumnNames: [...f.excludedColumns] } } : { ColumnNames: [...f.columns] }),
      VersionId: "1",
    })),
    registrations: all((e) => e.registrations).map((r) => ({
      ResourceArn: r.resourceArn,
      RoleArn: r.roleArn,
      HybridAccessEnabled: r.hybridAccessEnabled,
      LastModified: new Date("2026-01-01T00:00:00Z"),
    })),
  };
}

/** Serves a list in pages: the NextToken is the index of the page's first item. */
function page<T>(items: readonly T[], token: string | undefined, size: number): { items: T[]; next?: string } {
  // Reverse, so the live order is not the export's.
  const all = [...items].reverse();
  const start = token ? Number(token.replace("page-", "")) : 0;
  const end = start + size;
  return { items: all.slice(start, end), ...(end < all.length ? { next: `page-${end}` } : {}) };
}

/**
 * Answers every SDK client of the process from `account`. Returns the mocks
 * (for call assertions) and `restore`. `region` is what the clients are
 * created with; STS says the caller is in `account.accountId`.
 */
export function mockLiveAccount(account: LiveAccount, pageSize = 2) {
  const glue = mockClient(GlueClient);
  const lf = mockClient(LakeFormationClient);
  const sts = mockClient(STSClient);
  sts.on(GetCallerIdentityCommand).resolves({ Account: account.accountId, Arn: account.callerArn ?? `arn:aws:sts::${account.accountId}:assumed-role/lakeform-deployer/ci`, UserId: "AROAFAKE:ci" });
  glue.on(GetDatabasesCommand).callsFake((input) => {
    const p = page(account.databases, input.NextToken, pageSize);
    return { DatabaseList: p.items, NextToken: p.next };
  });
  glue.on(GetTablesCommand).callsFake((input) => {
    const p = page(
      account.tables.filter((t) => t.DatabaseName === input.DatabaseName),
      input.NextToken,
      pageSize,
    );
    return { TableList: p.items, NextToken: p.next };
  });
  lf.on(ListLFTagsCommand).callsFake((input) => {
    const p = page(account.lfTags, input.NextToken, pageSize);
    return { LFTags: p.items.map((t) => ({ CatalogId: account.accountId, TagKey: t.key, TagValues: [...t.values].reverse() })), NextToken: p.next };
  });
  lf.on(GetResourceLFTagsCommand).callsFake((input) => {
    const r = input.Resource;
    if (r?.Database) return { LFTagOnDatabase: account.tags.get(r.Database.Name!)?.resource ?? [] };
    if (r?.Table) {
      const t = account.tags.get(`${r.Table.DatabaseName}.${r.Table.Name}`);
      return {
        LFTagOnDatabase: account.tags.get(r.Table.DatabaseName!)?.resource ?? [],
        LFTagsOnTable: t?.resource ?? [],
        LFTagsOnColumns: Object.entries(t?.columns ?? {}).map(([Name, LFTags]) => ({ Name, LFTags })),
      };
    }
    throw new Error("GetResourceLFTags on an unexpected resource");
  });
  lf.on(ListPermissionsCommand).callsFake((input) => {
    // The worst case seen live: the unfiltered listing leaves tag-policy grants out; their own resource types list them.
    const kept = account.permissions.filter((x) =>
      input.ResourceType === undefined
        ? !x.Resource?.LFTagPolicy
        : input.ResourceType === "LF_TAG_POLICY_DATABASE" || input.ResourceType === "LF_TAG_POLICY_TABLE"
          ? x.Resource?.LFTagPolicy?.ResourceType === input.ResourceType.replace("LF_TAG_POLICY_", "")
          : false,
    );
    const p = page(kept, input.NextToken, pageSize);
    return { PrincipalResourcePermissions: p.items, NextToken: p.next };
  });
  lf.on(ListDataCellsFilterCommand).callsFake((input) => {
    const p = page(account.dataCellsFilters, input.NextToken, pageSize);
    return { DataCellsFilters: p.items, NextToken: p.next };
  });
  lf.on(ListResourcesCommand).callsFake((input) => {
    const p = page(account.registrations, input.NextToken, pageSize);
    return { ResourceInfoList: p.items, NextToken: p.next };
  });
  return {
    glue,
    lf,
    sts,
    restore: () => {
      glue.restore();
      lf.restore();
      sts.restore();
    },
  };
}
