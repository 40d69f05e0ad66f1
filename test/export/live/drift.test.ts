import { describe, expect, it } from "vitest";
import { type CatalogExport, type CatalogExportContent, finalizeExport, verifyExport } from "../../../generators/export/format";
import { compareExports, formatDriftJson, formatDriftText, hasDrift, mergeExports } from "../../../generators/export/live/drift";
import { fixtureContent, fixtureExport } from "../../helpers/live-export-fixture";

const live = (change: (c: CatalogExportContent) => CatalogExportContent): CatalogExport => finalizeExport(change(structuredClone(fixtureContent())));
const ADMIN = "arn:aws:iam::111111111111:role/lakeform-deployer";

const crawlerTable = (c: CatalogExportContent): CatalogExportContent => ({
  ...c,
  tables: [
    ...c.tables,
    {
      database: "cdr_raw_discovered_dev",
      name: "partner_mvno",
      description: "",
      format: "json",
      location: "s3://acme-cdr-raw-dev-111111111111-eu-west-1/partners/mvno/",
      columns: [{ name: "msisdn", type: "string", comment: "", lfTags: {} }],
      partitionKeys: [],
      parameters: { classification: "json" },
      storage: { inputFormat: "org.apache.hadoop.mapred.TextInputFormat", outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat", serializationLibrary: "org.openx.data.jsonserde.JsonSerDe", serdeParameters: {} },
      lfTags: {},
    },
  ],
});
const extraGrant = (c: CatalogExportContent): CatalogExportContent => ({
  ...c,
  grants: [
    ...c.grants,
    { name: null, principal: "arn:aws:iam::111111111111:role/adhoc", principalKind: "iam-role", principalName: null, permissions: ["SELECT"], permissionsWithGrantOption: [], resource: { kind: "table", database: "cdr_processed_dev", name: "calls" } },
  ],
});
const withoutFilter = (c: CatalogExportContent): CatalogExportContent => ({
  ...c,
  dataCellsFilters: c.dataCellsFilters.filter((f) => f.name !== "eu-mvno"),
  grants: c.grants.filter((g) => g.resource.kind !== "dataCellsFilter"),
});

describe("compareExports", () => {
  it("finds no drift when the account holds what the manifests declare", () => {
    const r = compareExports(fixtureExport(), [fixtureExport()]);
    expect(hasDrift(r)).toBe(false);
    expect(formatDriftText(r)).toBe("no drift: domain cdr in dev (111111111111, eu-west-1) holds exactly what the manifests declare\n");
  });

  it("reports a crawler-discovered table as live, in no manifest", () => {
    const r = compareExports(live(crawlerTable), [fixtureExport()]);
    expect(r.undeclared).toEqual([{ kind: "table", id: "cdr_raw_discovered_dev.partner_mvno", detail: "crawler-discovered: declare it in the manifest to tag and grant it" }]);
    expect(r.missing).toEqual([]);
    expect(r.changed).toEqual([]);
  });

  it("reports a grant made outside the manifests", () => {
    const r = compareExports(live(extraGrant), [fixtureExport()]);
    expect(r.undeclared).toEqual([{ kind: "grant", id: "SELECT on table cdr_processed_dev.calls to arn:aws:iam::111111111111:role/adhoc", detail: "" }]);
  });

  it("reports a permission added to a declared grant as undeclared, and one taken away as missing", () => {
    const r = compareExports(
      live((c) => ({
        ...c,
        grants: c.grants.map((g) => (g.name === "fraud" ? { ...g, permissions: ["ALTER", "SELECT"], permissionsWithGrantOption: [] } : g)),
      })),
      [fixtureExport()],
    );
    expect(r.undeclared.map((e) => e.id)).toEqual(["ALTER on table cdr_processed_dev.calls to arn:aws:iam::111111111111:role/fraud"]);
    expect(r.missing.map((e) => e.id)).toEqual(["DESCRIBE on table cdr_processed_dev.calls to arn:aws:iam::111111111111:role/fraud"]);
  });

  it("reports a declared filter (and its grant) missing live", () => {
    const r = compareExports(live(withoutFilter), [fixtureExport()]);
    expect(r.missing).toEqual([
      { kind: "dataCellsFilter", id: "cdr_processed_dev.calls.eu-mvno", detail: "all columns but msisdn, rows where region = 'EU'" },
      { kind: "grant", id: "SELECT on data-cells filter cdr_processed_dev.calls.eu-mvno to arn:aws:iam::111111111111:role/eu-mvno", detail: "" },
    ]);
  });

  it("reports entries that differ: a column type, a column tag, a filter's rows, a registration's role", () => {
    const r = compareExports(
      live((c) => ({
        ...c,
        tables: c.tables.map((t) =>
          t.name === "calls" ? { ...t, columns: t.columns.map((col) => (col.name === "charge" ? { ...col, type: "double" } : col.name === "msisdn" ? { ...col, lfTags: {} } : col)) } : t,
        ),
        dataCellsFilters: c.dataCellsFilters.map((f) => (f.name === "eu-mvno" ? { ...f, rowFilter: "true" } : f)),
        registrations: c.registrations.map((x, i) => (i === 0 ? { ...x, roleArn: "arn:aws:iam::111111111111:role/other" } : x)),
      })),
      [fixtureExport()],
    );
    expect(r.changed.map((e) => [e.kind, e.id, e.detail])).toEqual([
      ["dataCellsFilter", "cdr_processed_dev.calls.eu-mvno", "all columns but msisdn, rows where true live; all columns but msisdn, rows where region = 'EU' declared"],
      [
        "registration",
        "arn:aws:s3:::acme-cdr-processed-dev-111111111111-eu-west-1",
        "role arn:aws:iam::111111111111:role/other live, arn:aws:iam::111111111111:role/acme-cdr-lf-processed-dev-eu-west-1 declared",
      ],
      ["table", "cdr_processed_dev.calls", "msisdn: LF-tags none live, confidentiality=pii declared; charge: type double live, decimal(12,4) declared"],
    ]);
  });

  it("reports LF-tag keys and values on either side", () => {
    const r = compareExports(
      live((c) => ({ ...c, lfTags: [{ key: "confidentiality", values: ["internal", "pii", "secret"] }, { key: "domain", values: ["billing", "cdr"] }, { key: "team", values: ["x"] }] })),
      [fixtureExport()],
    );
    expect(r.undeclared).toEqual([{ kind: "lfTag", id: "team", detail: "values x" }]);
    expect(r.changed).toEqual([{ kind: "lfTag", id: "confidentiality", detail: "live values not declared: secret" }]);
  });

  it("does not compare grants to the Lake Formation admins", () => {
    const withAdmin = live((c) => ({
      ...c,
      grants: [...c.grants, { name: null, principal: ADMIN, principalKind: "iam-role", principalName: null, permissions: ["ALL"], permissionsWithGrantOption: ["ALL"], resource: { kind: "database", name: "cdr_raw_dev" } }],
    }));
    expect(hasDrift(compareExports(withAdmin, [fixtureExport()], [ADMIN]))).toBe(false);
    expect(hasDrift(compareExports(withAdmin, [fixtureExport()]))).toBe(true);
  });

  it("writes the report as text and as JSON", () => {
    const r = compareExports(live((c) => extraGrant(crawlerTable(withoutFilter(c)))), [fixtureExport()], [ADMIN]);
    expect(formatDriftText(r)).toBe(
      [
        "drift in domain cdr in dev (111111111111, eu-west-1): 4 differences",
        "live, in no manifest (2):",
        "  grant   SELECT on table cdr_processed_dev.calls to arn:aws:iam::111111111111:role/adhoc",
        "  table   cdr_raw_discovered_dev.partner_mvno — crawler-discovered: declare it in the manifest to tag and grant it",
        "declared, missing live (2):",
        "  filter  cdr_processed_dev.calls.eu-mvno — all columns but msisdn, rows where region = 'EU'",
        "  grant   SELECT on data-cells filter cdr_processed_dev.calls.eu-mvno to arn:aws:iam::111111111111:role/eu-mvno",
        `grants to the Lake Formation admins were not compared: ${ADMIN}`,
        "",
      ].join("\n"),
    );
    const json = JSON.parse(formatDriftJson(r));
    expect(json.drift).toBe(true);
    expect(json.undeclared).toHaveLength(2);
    expect(json.source.domain).toBe("cdr");
  });
});

describe("mergeExports", () => {
  it("keeps every declared entry and adds what exists only live; the result is a valid export", () => {
    const merged = mergeExports(live((c) => extraGrant(crawlerTable(withoutFilter(c)))), [fixtureExport()]);
    expect(verifyExport(merged).ok).toBe(true);
    expect(merged.tables.map((t) => `${t.database}.${t.name}`)).toContain("cdr_raw_discovered_dev.partner_mvno");
    expect(merged.dataCellsFilters.map((f) => f.name)).toContain("eu-mvno");
    expect(merged.grants.filter((g) => g.principal.endsWith("role/adhoc"))).toEqual([expect.objectContaining({ name: null, permissions: ["SELECT"] })]);
    expect(merged.zones).toEqual(fixtureExport().zones);
    // Nothing new live: the merge is the declared export.
    expect(mergeExports(fixtureExport(), [fixtureExport()]).contentHash).toBe(fixtureExport().contentHash);
  });
});
