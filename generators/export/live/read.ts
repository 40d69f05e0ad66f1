import { type Database, type Table, paginateGetDatabases, paginateGetTables } from "@aws-sdk/client-glue";
import {
  type DataCellsFilter,
  type LFTagPair,
  type PrincipalResourcePermissions,
  type ResourceInfo,
  GetResourceLFTagsCommand,
  paginateListDataCellsFilter,
  paginateListLFTags,
  paginateListPermissions,
  paginateListResources,
} from "@aws-sdk/client-lakeformation";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { LiveClients } from "./clients";

/**
 * What a Glue Data Catalog and its Lake Formation state hold, read through
 * the SDK: the services' own shapes, every page collected, nothing mapped
 * yet. `toCatalogExport` turns it into the export format.
 */
export interface LiveCatalog {
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  /** The caller, for messages (`arn:aws:sts::…:assumed-role/…`). */
  readonly callerArn: string;
  readonly lfTags: readonly { readonly key: string; readonly values: readonly string[] }[];
  readonly databases: readonly LiveDatabase[];
  readonly tables: readonly LiveTable[];
  /** Every permission of the catalog (Lake Formation lists them all to an admin); scoping is the mapper's. */
  readonly permissions: readonly PrincipalResourcePermissions[];
  readonly dataCellsFilters: readonly DataCellsFilter[];
  readonly registrations: readonly ResourceInfo[];
}

export interface LiveDatabase {
  readonly database: Database;
  /** LF-tags assigned to the database itself. */
  readonly lfTags: Readonly<Record<string, string>>;
}

export interface LiveTable {
  readonly table: Table;
  /** LF-tags assigned to the table itself (not inherited from its database). */
  readonly lfTags: Readonly<Record<string, string>>;
  /** LF-tags assigned to columns themselves, by column; columns without any are absent. */
  readonly columnLfTags: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** Which databases to read: all of the account's, or those a predicate keeps (one domain's). */
export type DatabaseFilter = (name: string) => boolean;

/** Calls the readers make at once for per-resource look-ups (GetResourceLFTags); the SDK's retries absorb throttling beyond it. */
const CONCURRENCY = 4;

/** An AWS call that failed after the SDK's retries, with the call named for the message. */
export class LiveReadError extends Error {
  constructor(
    readonly operation: string,
    readonly error: unknown,
  ) {
    super(`${operation}: ${errorName(error)}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
    this.name = "LiveReadError";
  }
}

export const errorName = (e: unknown): string => (e as { name?: string; Code?: string })?.name ?? (e as { Code?: string })?.Code ?? "Error";

async function call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw e instanceof LiveReadError ? e : new LiveReadError(operation, e);
  }
}

/** Collects every page of a paginator (each follows NextToken until the service returns none). */
async function collect<P, I>(operation: string, pages: AsyncIterable<P>, items: (page: P) => readonly I[] | undefined): Promise<I[]> {
  return call(operation, async () => {
    const out: I[] = [];
    for await (const page of pages) out.push(...(items(page) ?? []));
    return out;
  });
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const tagMap = (pairs: readonly LFTagPair[] | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  // An assignment holds one value per key on a resource.
  for (const p of pairs ?? []) if (p.TagKey && p.TagValues?.[0] !== undefined) out[p.TagKey] = p.TagValues[0];
  return out;
};

/** The caller's account, region and partition, from STS and the client's resolved region. */
export async function callerIdentity(clients: LiveClients): Promise<{ accountId: string; arn: string; partition: string; region: string }> {
  const id = await call("sts:GetCallerIdentity", () => clients.sts.send(new GetCallerIdentityCommand({})));
  const region = await call("region", () => clients.glue.config.region());
  const arn = id.Arn ?? "";
  return { accountId: id.Account ?? "", arn, partition: arn.split(":")[1] || "aws", region };
}

export type CallerIdentity = Awaited<ReturnType<typeof callerIdentity>>;

/** Reads the catalog; `identity` when the caller already asked STS (to check the account before reading). */
export async function readLiveCatalog(clients: LiveClients, keep: DatabaseFilter = () => true, identity?: CallerIdentity): Promise<LiveCatalog> {
  const { glue, lakeFormation: lf } = clients;
  identity ??= await callerIdentity(clients);

  const allDatabases = await collect("glue:GetDatabases", paginateGetDatabases({ client: glue }, {}), (p) => p.DatabaseList);
  const databases = allDatabases.filter((d) => d.Name !== undefined && keep(d.Name));
  // Crawler-discovered tables are tables like any other: GetTables lists them with their database.
  // A resource link's tables are its target's, in another domain or account: not listed under the link.
  const tables = (
    await mapLimit(databases.filter((d) => !d.TargetDatabase), CONCURRENCY, (d) => collect(`glue:GetTables (${d.Name})`, paginateGetTables({ client: glue }, { DatabaseName: d.Name! }), (p) => p.TableList))
  ).flat();

  const lfTags = await collect("lakeformation:ListLFTags", paginateListLFTags({ client: lf }, {}), (p) => p.LFTags);

  // Resource links hold no LF-tags of their own (they show their target's); their grants are listed with the permissions.
  const liveDatabases = await mapLimit(databases, CONCURRENCY, async (database): Promise<LiveDatabase> => {
    if (database.TargetDatabase) return { database, lfTags: {} };
    const r = await call(`lakeformation:GetResourceLFTags (database ${database.Name})`, () =>
      lf.send(new GetResourceLFTagsCommand({ Resource: { Database: { Name: database.Name } }, ShowAssignedLFTags: true })),
    );
    return { database, lfTags: tagMap(r.LFTagOnDatabase) };
  });
  const liveTables = await mapLimit(tables, CONCURRENCY, async (table): Promise<LiveTable> => {
    if (table.TargetTable) return { table, lfTags: {}, columnLfTags: {} };
    const r = await call(`lakeformation:GetResourceLFTags (table ${table.DatabaseName}.${table.Name})`, () =>
      lf.send(new GetResourceLFTagsCommand({ Resource: { Table: { DatabaseName: table.DatabaseName, Name: table.Name } }, ShowAssignedLFTags: true })),
    );
    const columnLfTags: Record<string, Record<string, string>> = {};
    for (const c of r.LFTagsOnColumns ?? []) {
      const tags = tagMap(c.LFTags);
      if (c.Name && Object.keys(tags).length > 0) columnLfTags[c.Name] = tags;
    }
    return { table, lfTags: tagMap(r.LFTagsOnTable), columnLfTags };
  });

  // The unfiltered listing, then tag-policy grants by their own resource types: listings filtered by the
  // generic LF_TAG_POLICY type have been seen to return the DATABASE ones only (aws/aws-sdk-js#4583).
  // A grant listed twice is one grant: the mapping merges by principal and resource.
  const permissions = (
    await mapLimit([undefined, "LF_TAG_POLICY_DATABASE", "LF_TAG_POLICY_TABLE"] as const, 1, (ResourceType) =>
      collect(`lakeformation:ListPermissions${ResourceType ? ` (${ResourceType})` : ""}`, paginateListPermissions({ client: lf }, ResourceType ? { ResourceType } : {}), (p) => p.PrincipalResourcePermissions),
    )
  ).flat();
  const dataCellsFilters = await collect("lakeformation:ListDataCellsFilter", paginateListDataCellsFilter({ client: lf }, {}), (p) => p.DataCellsFilters);
  const registrations = await collect("lakeformation:ListResources", paginateListResources({ client: lf }, {}), (p) => p.ResourceInfoList);

  return {
    accountId: identity.accountId,
    region: identity.region,
    partition: identity.partition,
    callerArn: identity.arn,
    lfTags: lfTags.filter((t) => t.TagKey).map((t) => ({ key: t.TagKey!, values: [...(t.TagValues ?? [])] })),
    databases: liveDatabases,
    tables: liveTables,
    permissions,
    dataCellsFilters,
    registrations,
  };
}
