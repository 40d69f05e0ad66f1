import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type CatalogExport,
  type CatalogExportContent,
  EXPORT_FORMAT,
  canonicalJson,
  catalogExportJsonSchema,
  contentHashOf,
  finalizeExport,
  formatExportProblem,
  readExport,
  serializeExport,
  verifyExport,
} from "../../generators/export/format";
import { jsonSchemaErrors } from "../helpers/json-schema";
import { errorOf } from "../helpers/synth";

const repo = resolve(import.meta.dirname, "../..");
const SCHEMA_FILE = resolve(repo, "domains/_schema/catalog-export.schema.json");
const BUCKET = "arn:aws:s3:::acme-sales-raw-dev-111111111111-eu-west-1";
const DR_BUCKET = "arn:aws:s3:::acme-sales-raw-dev-111111111111-eu-central-1";

/** A small export touching every section, deliberately out of canonical order. */
function content(): CatalogExportContent {
  return {
    format: EXPORT_FORMAT,
    version: 1,
    source: { organization: "acme", environment: "dev", domain: "sales", accountId: "111111111111", region: "eu-west-1", drRegion: "eu-central-1", partition: "aws" },
    lfTags: [
      { key: "domain", values: ["sales", "billing"] },
      { key: "confidentiality", values: ["pii", "internal"] },
    ],
    zones: [
      {
        name: "raw",
        bucketArn: BUCKET,
        keyArn: "arn:aws:kms:eu-west-1:111111111111:alias/acme/dev/sales/raw",
        replicated: true,
        dr: { region: "eu-central-1", bucketArn: DR_BUCKET, keyArn: "arn:aws:kms:eu-central-1:111111111111:alias/acme/dev/sales/raw" },
      },
    ],
    databases: [
      { name: "sales_raw_dev", description: "raw", locationUri: "s3://acme-sales-raw-dev-111111111111-eu-west-1/", zone: "raw", kind: "zone", lfTags: { domain: "sales", confidentiality: "internal" } },
    ],
    resourceLinks: [],
    tables: [
      {
        database: "sales_raw_dev",
        name: "orders",
        description: "Orders as received",
        format: "parquet",
        location: "s3://acme-sales-raw-dev-111111111111-eu-west-1/orders/",
        columns: [
          { name: "order_id", type: "string", comment: "", lfTags: {} },
          { name: "email", type: "string", comment: "", lfTags: { confidentiality: "pii" } },
        ],
        partitionKeys: [{ name: "order_date", type: "date", comment: "", lfTags: {} }],
        parameters: { EXTERNAL: "TRUE", classification: "parquet" },
        storage: { inputFormat: "in", outputFormat: "out", serializationLibrary: "serde", serdeParameters: {} },
        lfTags: {},
      },
      {
        database: "sales_raw_dev",
        name: "events",
        description: "",
        format: "iceberg",
        location: "s3://acme-sales-raw-dev-111111111111-eu-west-1/events/",
        columns: [{ name: "id", type: "bigint", comment: "", lfTags: {} }],
        partitionKeys: [],
        parameters: {},
        storage: null,
        lfTags: {},
      },
    ],
    registrations: [{ resourceArn: BUCKET, roleArn: "arn:aws:iam::111111111111:role/acme-sales-lf-raw-dev-eu-west-1", hybridAccessEnabled: false }],
    dataCellsFilters: [{ name: "no-email", database: "sales_raw_dev", table: "orders", columns: null, excludedColumns: ["email"], rowFilter: "order_date > DATE '2024-01-01'" }],
    grants: [
      {
        name: "analysts",
        principal: "arn:aws:iam::111111111111:role/analysts",
        principalKind: "iam-role",
        principalName: "analysts",
        permissions: ["SELECT", "DESCRIBE"],
        permissionsWithGrantOption: [],
        resource: { kind: "lfTagPolicy", resourceType: "TABLE", expression: [{ key: "domain", values: ["sales"] }] },
      },
      {
        name: "support",
        principal: "arn:aws:iam::111111111111:role/support",
        principalKind: "iam-role",
        principalName: "support",
        permissions: ["SELECT"],
        permissionsWithGrantOption: [],
        resource: { kind: "dataCellsFilter", database: "sales_raw_dev", table: "orders", name: "no-email" },
      },
      {
        name: "job-load-reads",
        principal: "arn:aws:iam::111111111111:role/acme-sales-job-load-dev-eu-west-1",
        principalKind: "job",
        principalName: "job:load",
        permissions: ["SELECT", "DESCRIBE"],
        permissionsWithGrantOption: [],
        resource: { kind: "table", database: "sales_raw_dev", name: "orders" },
      },
    ],
  };
}

const good = () => finalizeExport(content());
/** A copy of the export's JSON, changed by `fn`. */
const changed = (fn: (e: any) => void, e: CatalogExport = good()): any => {
  const copy = JSON.parse(JSON.stringify(e));
  fn(copy);
  return copy;
};
/** Changed and re-hashed, so only the change itself is wrong. */
const rehashed = (fn: (e: any) => void): any => {
  const c = changed(fn);
  c.contentHash = contentHashOf(c);
  return c;
};
const problemsOf = (json: unknown) => {
  const r = verifyExport(json);
  return r.ok ? [] : r.problems.map(formatExportProblem);
};

describe("catalog export format", () => {
  it("accepts a finalized export, as a value and as its serialized text", () => {
    const e = good();
    expect(verifyExport(e)).toEqual({ ok: true, export: e });
    expect(problemsOf(serializeExport(e))).toEqual([]);
    expect(readExport(serializeExport(e))).toEqual(e);
  });

  it("puts every list in canonical order and leaves column order alone", () => {
    const e = good();
    expect(e.lfTags).toEqual([
      { key: "confidentiality", values: ["internal", "pii"] },
      { key: "domain", values: ["billing", "sales"] },
    ]);
    expect(e.tables.map((t) => t.name)).toEqual(["events", "orders"]);
    expect(e.tables[1]!.columns.map((c) => c.name)).toEqual(["order_id", "email"]);
    expect(e.grants.map((g) => g.principal)).toEqual([
      "arn:aws:iam::111111111111:role/acme-sales-job-load-dev-eu-west-1",
      "arn:aws:iam::111111111111:role/analysts",
      "arn:aws:iam::111111111111:role/support",
    ]);
    expect(e.grants[1]!.permissions).toEqual(["DESCRIBE", "SELECT"]);
  });

  it("gives the same bytes whatever order the content came in", () => {
    const shuffled = content();
    shuffled.tables.reverse();
    shuffled.grants.reverse();
    shuffled.lfTags.reverse();
    const a = serializeExport(good());
    expect(serializeExport(finalizeExport(shuffled))).toBe(a);
    // No timestamp, no machine-dependent value: the hash is over the content alone.
    expect(good().contentHash).toBe(finalizeExport(content()).contentHash);
    expect(a.startsWith(`{\n  "format": "${EXPORT_FORMAT}",\n  "version": 1,\n  "contentHash": "sha256:`)).toBe(true);
    expect(a.endsWith("}\n")).toBe(true);
  });

  it("hashes the canonical JSON of everything but the hash and $schema", () => {
    const e = good();
    const { contentHash, ...rest } = e;
    expect(contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(contentHashOf({ ...rest, $schema: "../_schema/catalog-export.schema.json" } as CatalogExport)).toBe(contentHash);
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });

  it("fails when the content was changed after the hash was taken (tampering)", () => {
    const tampered = changed((e) => {
      e.dataCellsFilters[0].rowFilter = "true";
    });
    expect(problemsOf(tampered)).toEqual([expect.stringMatching(/^contentHash: does not match the content \(expected sha256:[0-9a-f]{64}\): the export was changed after it was written, or is corrupt$/)]);
    // Widening a grant is tampering too, even in the serialized text.
    const text = serializeExport(good()).replace('"DESCRIBE",\n        "SELECT"', '"ALTER",\n        "DESCRIBE",\n        "SELECT"');
    expect(text).not.toBe(serializeExport(good()));
    expect(problemsOf(text)).toEqual([expect.stringContaining("contentHash: does not match the content")]);
  });

  it("fails when the hash itself is changed or malformed", () => {
    expect(problemsOf(changed((e) => (e.contentHash = `sha256:${"0".repeat(64)}`)))).toEqual([expect.stringContaining("contentHash: does not match")]);
    expect(problemsOf(changed((e) => (e.contentHash = "md5:abc")))).toEqual(["contentHash: the content hash looks like sha256:<64 hex digits>"]);
  });

  it("fails when the text is not JSON, or not an object", () => {
    expect(problemsOf("{ not json")).toEqual([expect.stringMatching(/^not JSON: /)]);
    expect(problemsOf("[]")).toEqual(["an export is a JSON object"]);
    expect(problemsOf(serializeExport(good()).slice(0, 200))).toEqual([expect.stringMatching(/^not JSON: /)]);
  });

  it("fails when the document is another format or a version it does not know", () => {
    expect(problemsOf(changed((e) => (e.format = "other")))).toEqual(['format: not a Lakeform catalog export: format must be "lakeform.catalog-export", got "other"']);
    expect(problemsOf(changed((e) => (e.version = 2)))).toEqual(["version: unsupported export version 2; this Lakeform reads version 1"]);
  });

  it("fails when a field breaks the schema, naming its path", () => {
    const p = problemsOf(
      changed((e) => {
        e.source.accountId = "123";
        e.tables[0].extra = true;
        e.registrations[0].roleArn = "not-an-arn";
      }),
    );
    expect(p).toContain("source.accountId: an AWS account ID is exactly 12 digits");
    expect(p).toContain("registrations[0].roleArn: an ARN looks like arn:aws:<service>:<region>:<account>:<resource>");
    expect(p.some((x) => x.startsWith("tables[0]") && x.includes("extra"))).toBe(true);
  });

  it("fails when a list is out of canonical order or holds a duplicate, even with a matching hash", () => {
    expect(problemsOf(rehashed((e) => e.tables.reverse()))).toEqual(["tables: is not in canonical order (lists sorted, no duplicate values)"]);
    expect(problemsOf(rehashed((e) => e.zones.push(e.zones[0])))).toEqual(["zones[1]: duplicate entry raw"]);
  });

  it("fails when a reference points at nothing in the export, reporting every problem at once", () => {
    const p = problemsOf(
      rehashed((e) => {
        e.tables[1].database = "sales_zz_dev";
        e.databases[0].lfTags.confidentiality = "secret";
        e.dataCellsFilters[0].excludedColumns = ["mail"];
        e.grants[0].resource.name = "missing";
        e.grants[1].permissionsWithGrantOption = ["ALTER"];
      }),
    );
    expect(p).toEqual([
      'databases[0].lfTags.confidentiality: value "secret" is not one of the values of LF-tag "confidentiality"',
      'tables[1].database: database "sales_zz_dev" is not in databases',
      "dataCellsFilters[0]: table sales_raw_dev.orders is not in tables",
      "grants[0].resource: table sales_raw_dev.missing is not in the export",
      "grants[1].permissionsWithGrantOption: ALTER not in permissions",
    ]);
  });

  it("fails when an Iceberg table carries a storage descriptor, or a replicated zone has no DR side", () => {
    expect(
      problemsOf(
        rehashed((e) => {
          e.tables[0].storage = e.tables[1].storage;
          e.zones[0].dr = null;
        }),
      ),
    ).toEqual(["zones[0].dr: a replicated zone needs its DR bucket and key", "tables[0].storage: an Iceberg table has no storage descriptor (null)"]);
  });

  it("refuses a bad export with one error listing every problem", () => {
    expect(errorOf(() => readExport("{", "exports/sales.json"))).toMatch(/^exports\/sales\.json refused:\n {2}not JSON: /);
  });
});

describe("the published JSON Schema", () => {
  const published = JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as Record<string, unknown>;

  it("is the schema generated from the format's zod types (run npx lakeform schema when stale)", () => {
    expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(`${JSON.stringify(catalogExportJsonSchema(), null, 2)}\n`);
    expect(published.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  });

  it("documents every property", () => {
    const undocumented: string[] = [];
    const walk = (s: any, path: string) => {
      if (!s || typeof s !== "object") return;
      for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, any>)) {
        if (!v.description && !(v.anyOf ?? []).some((b: any) => b.description)) undocumented.push(`${path}.${k}`);
        walk(v, `${path}.${k}`);
      }
      for (const b of s.anyOf ?? []) walk(b, path);
      if (s.items) walk(s.items, `${path}[]`);
    };
    walk(published, "$");
    expect(undocumented).toEqual([]);
  });

  it("accepts a valid export and refuses a malformed one", () => {
    expect(jsonSchemaErrors(published, JSON.parse(serializeExport(good())))).toEqual([]);
    const bad = changed((e) => {
      e.grants[0].resource = { kind: "bucket", name: "x" };
      e.source.partition = "aws-eu";
      delete e.tables[0].columns;
    });
    const errors = jsonSchemaErrors(published, bad);
    expect(errors).toContain("$.source.partition: not one of [\"aws\",\"aws-cn\",\"aws-us-gov\"]");
    expect(errors).toContain("$.tables[0]: missing columns");
    expect(errors.some((x) => x.startsWith("$.grants[0].resource: matches no anyOf branch"))).toBe(true);
  });
});
