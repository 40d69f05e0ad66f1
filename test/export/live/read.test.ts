import { describe, expect, it } from "vitest";
import { createLiveClients } from "../../../generators/export/live/clients";
import { LiveReadError, readLiveCatalog } from "../../../generators/export/live/read";
import { type FakeAnswer, type FakeRequest, fakeTransport, stsIdentityXml } from "../../helpers/aws-transport";

/** Through the real SDK stack (serialization, retries, pagination) with a fake transport: no network. */

const ACCOUNT = "111111111111";

/** Two pages for every paginated call: the second only when asked with the first's NextToken. */
function paged<T>(key: string, first: T[], second: T[]) {
  return (input: Record<string, unknown>): FakeAnswer => (input.NextToken === "page-2" ? { body: { [key]: second } } : { body: { [key]: first, NextToken: "page-2" } });
}

const table = (db: string, name: string) => ({
  DatabaseName: db,
  Name: name,
  StorageDescriptor: {
    Location: `s3://acme-cdr-raw/${name}/`,
    Columns: [{ Name: "id", Type: "string" }],
    InputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    OutputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    SerdeInfo: { SerializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe" },
  },
});

function catalog(overrides: Partial<Record<string, (req: FakeRequest, attempt: number) => FakeAnswer | undefined>> = {}) {
  const attempts = new Map<string, number>();
  return fakeTransport((req) => {
    const key = `${req.operation} ${JSON.stringify(req.input)}`;
    const n = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, n);
    const special = overrides[req.operation]?.(req, n);
    if (special) return special;
    switch (req.operation) {
      case "sts:GetCallerIdentity":
        return { body: stsIdentityXml(ACCOUNT) };
      case "glue:GetDatabases":
        return paged("DatabaseList", [{ Name: "cdr_raw_dev" }], [{ Name: "cdr_raw_discovered_dev" }])(req.input);
      case "glue:GetTables":
        return req.input.DatabaseName === "cdr_raw_dev"
          ? paged("TableList", [table("cdr_raw_dev", "events")], [table("cdr_raw_dev", "calls")])(req.input)
          : { body: { TableList: [table("cdr_raw_discovered_dev", "partner_x")] } };
      case "lakeformation:ListLFTags":
        return paged("LFTags", [{ TagKey: "domain", TagValues: ["cdr"] }], [{ TagKey: "confidentiality", TagValues: ["pii", "internal"] }])(req.input);
      case "lakeformation:GetResourceLFTags":
        return { body: { LFTagOnDatabase: [{ TagKey: "domain", TagValues: ["cdr"] }], LFTagsOnTable: [], LFTagsOnColumns: [{ Name: "id", LFTags: [{ TagKey: "confidentiality", TagValues: ["pii"] }] }] } };
      case "lakeformation:ListPermissions":
        if (req.input.ResourceType === "LF_TAG_POLICY_TABLE") {
          return { body: { PrincipalResourcePermissions: [{ Principal: { DataLakePrincipalIdentifier: "arn:aws:iam::111111111111:role/a" }, Resource: { LFTagPolicy: { ResourceType: "TABLE", Expression: [{ TagKey: "domain", TagValues: ["cdr"] }] } }, Permissions: ["SELECT"] }] } };
        }
        if (req.input.ResourceType) return { body: { PrincipalResourcePermissions: [] } };
        return paged(
          "PrincipalResourcePermissions",
          [{ Principal: { DataLakePrincipalIdentifier: "arn:aws:iam::111111111111:role/a" }, Resource: { Database: { Name: "cdr_raw_dev" } }, Permissions: ["DESCRIBE"] }],
          [{ Principal: { DataLakePrincipalIdentifier: "arn:aws:iam::111111111111:role/b" }, Resource: { Database: { Name: "cdr_raw_dev" } }, Permissions: ["DESCRIBE"] }],
        )(req.input);
      case "lakeformation:ListDataCellsFilter":
        return paged(
          "DataCellsFilters",
          [{ TableCatalogId: ACCOUNT, DatabaseName: "cdr_raw_dev", TableName: "events", Name: "f1", RowFilter: { AllRowsWildcard: {} }, ColumnWildcard: { ExcludedColumnNames: ["id"] } }],
          [{ TableCatalogId: ACCOUNT, DatabaseName: "cdr_raw_dev", TableName: "calls", Name: "f2", RowFilter: { FilterExpression: "region = 'EU'" }, ColumnNames: ["id"] }],
        )(req.input);
      case "lakeformation:ListResources":
        return paged(
          "ResourceInfoList",
          [{ ResourceArn: "arn:aws:s3:::acme-cdr-raw", RoleArn: "arn:aws:iam::111111111111:role/lf-raw" }],
          [{ ResourceArn: "arn:aws:s3:::acme-cdr-processed", RoleArn: "arn:aws:iam::111111111111:role/lf-processed" }],
        )(req.input);
    }
    throw new Error(`unexpected call ${req.operation}`);
  });
}

const clientsOver = (handler: ReturnType<typeof fakeTransport>["handler"], maxAttempts?: number) =>
  createLiveClients({ region: "eu-west-1", requestHandler: handler as never, credentials: { accessKeyId: "AKIDFAKE", secretAccessKey: "fake" }, ...(maxAttempts ? { maxAttempts } : {}) });

describe("readLiveCatalog", () => {
  it("collects every page of every paginated call", async () => {
    const { handler, calls } = catalog();
    const live = await readLiveCatalog(clientsOver(handler));
    expect(live.accountId).toBe(ACCOUNT);
    expect(live.region).toBe("eu-west-1");
    expect(live.partition).toBe("aws");
    expect(live.databases.map((d) => d.database.Name)).toEqual(["cdr_raw_dev", "cdr_raw_discovered_dev"]);
    expect(live.tables.map((t) => `${t.table.DatabaseName}.${t.table.Name}`).sort()).toEqual(["cdr_raw_dev.calls", "cdr_raw_dev.events", "cdr_raw_discovered_dev.partner_x"]);
    expect(live.lfTags.map((t) => t.key)).toEqual(["domain", "confidentiality"]);
    expect(live.permissions.map((p) => Object.keys(p.Resource!)[0])).toEqual(["Database", "Database", "LFTagPolicy"]);
    expect(calls.filter((c) => c.operation === "lakeformation:ListPermissions").map((c) => c.input.ResourceType ?? null)).toEqual([null, null, "LF_TAG_POLICY_DATABASE", "LF_TAG_POLICY_TABLE"]);
    expect(live.dataCellsFilters.map((f) => f.Name)).toEqual(["f1", "f2"]);
    expect(live.registrations.map((r) => r.ResourceArn)).toEqual(["arn:aws:s3:::acme-cdr-raw", "arn:aws:s3:::acme-cdr-processed"]);
    // Each second page was asked for with the first page's token.
    for (const op of ["glue:GetDatabases", "lakeformation:ListLFTags", "lakeformation:ListPermissions", "lakeformation:ListDataCellsFilter", "lakeformation:ListResources"]) {
      expect(calls.filter((c) => c.operation === op && !c.input.ResourceType).map((c) => c.input.NextToken ?? null)).toEqual([null, "page-2"]);
    }
  });

  it("reads the LF-tags assigned to each database, table and column (not the inherited ones)", async () => {
    const { handler, calls } = catalog();
    const live = await readLiveCatalog(clientsOver(handler));
    const tagCalls = calls.filter((c) => c.operation === "lakeformation:GetResourceLFTags");
    expect(tagCalls).toHaveLength(2 + 3);
    expect(tagCalls.every((c) => c.input.ShowAssignedLFTags === true)).toBe(true);
    expect(live.databases[0]!.lfTags).toEqual({ domain: "cdr" });
    expect(live.tables[0]!.columnLfTags).toEqual({ id: { confidentiality: "pii" } });
  });

  it("retries a throttled page and loses nothing", async () => {
    const { handler, calls } = catalog({
      "glue:GetTables": (req, attempt) => (req.input.DatabaseName === "cdr_raw_dev" && req.input.NextToken === "page-2" && attempt === 1 ? { error: "ThrottlingException" } : undefined),
      "lakeformation:ListPermissions": (req, attempt) => (req.input.NextToken === undefined && !req.input.ResourceType && attempt === 1 ? { status: 429, error: "ThrottlingException" } : undefined),
    });
    const live = await readLiveCatalog(clientsOver(handler));
    expect(calls.filter((c) => c.operation === "glue:GetTables" && c.input.NextToken === "page-2")).toHaveLength(2);
    expect(calls.filter((c) => c.operation === "lakeformation:ListPermissions" && c.input.NextToken === undefined && !c.input.ResourceType)).toHaveLength(2);
    expect(live.tables.map((t) => t.table.Name).sort()).toEqual(["calls", "events", "partner_x"]);
    expect(live.permissions).toHaveLength(3);
  });

  it("fails when throttling outlasts the configured attempts, naming the call", async () => {
    const { handler, calls } = catalog({ "glue:GetDatabases": () => ({ error: "ThrottlingException" }) });
    const error = await readLiveCatalog(clientsOver(handler, 2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LiveReadError);
    expect((error as LiveReadError).message).toMatch(/^glue:GetDatabases: ThrottlingException: /);
    expect(calls.filter((c) => c.operation === "glue:GetDatabases")).toHaveLength(2);
  });

  it("fails at once on access denied (not retried), naming the call", async () => {
    const { handler, calls } = catalog({ "lakeformation:ListPermissions": () => ({ error: "AccessDeniedException" }) });
    const error = await readLiveCatalog(clientsOver(handler)).catch((e: unknown) => e);
    expect((error as LiveReadError).operation).toBe("lakeformation:ListPermissions");
    expect((error as LiveReadError).message).toContain("AccessDeniedException");
    expect(calls.filter((c) => c.operation === "lakeformation:ListPermissions")).toHaveLength(1);
    expect((error as LiveReadError).message).toMatch(/^lakeformation:ListPermissions: AccessDeniedException/);
  });

  it("reads only the databases the filter keeps", async () => {
    const { handler, calls } = catalog();
    const live = await readLiveCatalog(clientsOver(handler), (name) => !name.includes("discovered"));
    expect(live.databases.map((d) => d.database.Name)).toEqual(["cdr_raw_dev"]);
    expect(calls.some((c) => c.operation === "glue:GetTables" && c.input.DatabaseName === "cdr_raw_discovered_dev")).toBe(false);
  });
});
