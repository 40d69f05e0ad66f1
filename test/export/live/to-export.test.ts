import { GetTablesCommand } from "@aws-sdk/client-glue";
import { afterEach, describe, expect, it } from "vitest";
import { type CatalogExport, finalizeExport, serializeExport, verifyExport } from "../../../generators/export/format";
import { createLiveClients } from "../../../generators/export/live/clients";
import { readLiveCatalog } from "../../../generators/export/live/read";
import { ACCOUNT_DOMAIN } from "../../../generators/export/live/scope";
import { type LiveScope, principalKindOf, tableFormat, toCatalogExport } from "../../../generators/export/live/to-export";
import { accountGrants, fixtureContent, fixtureExport } from "../../helpers/live-export-fixture";
import { accountFrom, mockLiveAccount } from "../../helpers/live-account";

let restore: (() => void) | undefined;
afterEach(() => restore?.());

const cdrScope = (declared: readonly CatalogExport[]): LiveScope => ({
  source: { organization: "acme", environment: "dev", domain: "cdr", drRegion: "eu-central-1" },
  database: (name) => name.startsWith("cdr_") && name.endsWith("_dev"),
  location: (arn) => arn.includes(":::acme-cdr-"),
  tagGrant: (r) => r.kind === "lfTagPolicy" && r.expression.some((e) => e.values.includes("cdr")),
  declared,
});

async function liveExport(exports: readonly CatalogExport[], scope: LiveScope, pageSize = 2, tweak?: (a: ReturnType<typeof accountFrom>) => ReturnType<typeof accountFrom>) {
  const account = accountFrom(exports);
  const mocks = mockLiveAccount(tweak ? tweak(account) : account, pageSize);
  restore = mocks.restore;
  const live = await readLiveCatalog(createLiveClients({ region: "eu-west-1" }), scope.database);
  return { ...toCatalogExport(live, scope), mocks };
}

describe("toCatalogExport", () => {
  it("gives back, byte for byte, the export the account was built from (every kind of entry)", async () => {
    const declared = fixtureExport();
    const { export: live, skipped } = await liveExport([declared], cdrScope([declared]));
    expect(skipped).toEqual([]);
    expect(verifyExport(live).ok).toBe(true);
    expect(serializeExport(live)).toBe(serializeExport(declared));
    expect(live.contentHash).toBe(declared.contentHash);
  });

  it("gives the same bytes whatever the page size and order the services answer in", async () => {
    const declared = fixtureExport();
    const a = (await liveExport([declared], cdrScope([declared]), 1)).export;
    restore?.();
    const b = (await liveExport([declared], cdrScope([declared]), 7)).export;
    expect(serializeExport(a)).toBe(serializeExport(b));
  });

  it("maps what no manifest names with the format's found-live markers", async () => {
    const { export: live } = await liveExport([fixtureExport()], cdrScope([]));
    expect(live.zones).toEqual([]);
    expect(live.databases.map((d) => [d.name, d.kind, d.zone])).toEqual([
      ["cdr_processed_dev", "other", null],
      ["cdr_raw_dev", "other", null],
      ["cdr_raw_discovered_dev", "other", null],
    ]);
    expect(live.grants.every((g) => g.name === null && g.principalName === null)).toBe(true);
    expect(new Set(live.grants.map((g) => g.principalKind))).toEqual(new Set(["iam-role", "account"]));
    // The catalog content itself is the same.
    const strip = (e: CatalogExport) => e.grants.map((g) => ({ principal: g.principal, permissions: g.permissions, resource: g.resource }));
    expect(strip(live)).toEqual(strip(fixtureExport()));
    expect(live.tables).toEqual(fixtureExport().tables);
  });

  it("lists no tables under a resource link (they are its target's)", async () => {
    const declared = fixtureExport();
    const { mocks } = await liveExport([declared], cdrScope([declared]));
    const asked = mocks.glue.commandCalls(GetTablesCommand).map((c) => c.args[0].input.DatabaseName);
    expect(asked).not.toContain("cdr_billing_curated_dev");
    expect(new Set(asked)).toEqual(new Set(["cdr_processed_dev", "cdr_raw_dev", "cdr_raw_discovered_dev"]));
  });

  it("maps Lake Formation's column wildcard for SELECT back to the table grant, and keeps real column grants", async () => {
    const declared = fixtureExport();
    const { export: live, mocks } = await liveExport([declared], cdrScope([declared]));
    const fraud = live.grants.filter((g) => g.principal.endsWith(":role/fraud"));
    expect(fraud).toEqual([expect.objectContaining({ permissions: ["DESCRIBE", "SELECT"], resource: { kind: "table", database: "cdr_processed_dev", name: "calls" } })]);
    expect(live.grants.find((g) => g.principal.endsWith(":role/masked"))!.resource).toEqual({ kind: "tableColumns", database: "cdr_processed_dev", table: "calls", columns: null, excludedColumns: ["msisdn"] });
  });

  it("scopes a domain export to the domain's databases, buckets and tag grants", async () => {
    const billing = finalizeExport({
      ...fixtureContent(),
      source: { ...fixtureContent().source, domain: "billing" },
      zones: [],
      databases: [{ name: "billing_curated_dev", description: "", locationUri: null, zone: null, kind: "other", lfTags: { domain: "billing" } }],
      resourceLinks: [],
      tables: [],
      registrations: [{ resourceArn: "arn:aws:s3:::acme-billing-curated-dev-111111111111-eu-west-1", roleArn: "arn:aws:iam::111111111111:role/lf-billing", hybridAccessEnabled: false }],
      dataCellsFilters: [],
      grants: [
        { name: "b", principal: "arn:aws:iam::111111111111:role/analysts", principalKind: "iam-role", principalName: null, permissions: ["SELECT"], permissionsWithGrantOption: [], resource: { kind: "lfTagPolicy", resourceType: "TABLE", expression: [{ key: "domain", values: ["billing"] }] } },
        ...accountGrants(),
      ],
    });
    const declared = fixtureExport();
    const { export: live } = await liveExport([declared, billing], cdrScope([declared]));
    expect(serializeExport(live)).toBe(serializeExport(declared));

    restore?.();
    const all = await liveExport([declared, billing], { ...cdrScope([]), source: { ...cdrScope([]).source, domain: ACCOUNT_DOMAIN }, database: () => true, location: () => true, tagGrant: () => true });
    expect(all.export.databases.map((d) => d.name)).toContain("billing_curated_dev");
    expect(all.export.grants.map((g) => g.resource.kind)).toEqual(expect.arrayContaining(["catalog", "lfTag"]));
    expect(all.export.registrations).toHaveLength(3);
    expect(verifyExport(all.export).ok).toBe(true);
  });

  it("leaves out, with a note, what the format cannot hold, and what refers to it", async () => {
    const declared = fixtureExport();
    const { export: live, skipped } = await liveExport([declared], cdrScope([declared]), 2, (a) => ({
      ...a,
      tables: [
        ...a.tables,
        { DatabaseName: "cdr_raw_dev", Name: "recent_calls", TableType: "VIRTUAL_VIEW", StorageDescriptor: { Columns: [{ Name: "x", Type: "int" }] } },
        { DatabaseName: "cdr_raw_dev", Name: "shared_calls", TargetTable: { CatalogId: "333333333333", DatabaseName: "x", Name: "calls" } },
      ],
      permissions: [
        ...a.permissions,
        { Principal: { DataLakePrincipalIdentifier: "arn:aws:iam::111111111111:role/viewer" }, Resource: { Table: { DatabaseName: "cdr_raw_dev", Name: "recent_calls" } }, Permissions: ["SELECT"] },
        { Principal: { DataLakePrincipalIdentifier: "arn:aws:iam::111111111111:role/viewer" }, Resource: { LFTagPolicy: { ResourceType: "TABLE", ExpressionName: "cdr-internal" } }, Permissions: ["SELECT"] },
      ],
      dataCellsFilters: [...a.dataCellsFilters, { TableCatalogId: "111111111111", DatabaseName: "cdr_raw_dev", TableName: "recent_calls", Name: "v", RowFilter: { AllRowsWildcard: {} }, ColumnWildcard: {} }],
    }));
    expect(skipped).toEqual([
      "data-cells filter cdr_raw_dev.recent_calls.v: its table is left out",
      'grant to arn:aws:iam::111111111111:role/viewer: a grant on the named LF-tag expression "cdr-internal" (the format holds inline expressions)',
      'grant to arn:aws:iam::111111111111:role/viewer: on a resource left out ({"database":"cdr_raw_dev","kind":"table","name":"recent_calls"})',
      "table cdr_raw_dev.recent_calls: a view",
      "table cdr_raw_dev.shared_calls: a resource link to 333333333333:x.calls",
    ]);
    expect(verifyExport(live).ok).toBe(true);
    expect(serializeExport(live)).toBe(serializeExport(declared));
  });

  it("drops volatile parameters and spells column types canonically", async () => {
    const declared = fixtureExport();
    const { export: live } = await liveExport([declared], cdrScope([declared]), 2, (a) => ({
      ...a,
      tables: a.tables.map((t) =>
        t.Name === "calls"
          ? {
              ...t,
              Parameters: { ...t.Parameters, numRows: "12", UPDATED_BY_CRAWLER: "x", averageRecordSize: "3" },
              StorageDescriptor: { ...t.StorageDescriptor, Columns: t.StorageDescriptor!.Columns!.map((c) => (c.Name === "charge" ? { ...c, Type: "DECIMAL(12, 4)" } : c)) },
            }
          : t,
      ),
    }));
    expect(serializeExport(live)).toBe(serializeExport(declared));
  });

  it("tells formats and principal kinds apart", () => {
    expect(tableFormat({ Name: "t", Parameters: { table_type: "iceberg" } })).toBe("iceberg");
    expect(tableFormat({ Name: "t", StorageDescriptor: { SerdeInfo: { SerializationLibrary: "org.apache.hive.hcatalog.data.JsonSerDe" } } })).toBe("json");
    expect(tableFormat({ Name: "t", StorageDescriptor: { InputFormat: "org.apache.hadoop.mapred.TextInputFormat", SerdeInfo: { SerializationLibrary: "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe" } } })).toBe("other");
    expect(principalKindOf("123456789012")).toBe("account");
    expect(principalKindOf("arn:aws:iam::123456789012:user/ana")).toBe("iam-user");
    expect(principalKindOf("arn:aws:identitystore:::group/9a672b3314-1111")).toBe("identity-center-group");
    expect(principalKindOf("IAM_ALLOWED_PRINCIPALS")).toBe("other");
  });
});
