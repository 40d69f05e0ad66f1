import { type CatalogExport, type CatalogExportContent, finalizeExport } from "../../generators/export/format";

/** Glue's storage descriptor of a Parquet table, as an export holds it. */
export const PARQUET_STORAGE = {
  inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
  outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
  serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
  serdeParameters: { "serialization.format": "1" },
};
const JSON_STORAGE = {
  inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
  outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
  serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
  serdeParameters: { "case.insensitive": "TRUE", "ignore.malformed.json": "FALSE" },
};

const RAW = "acme-sales-raw-prod-222222222222-eu-west-1";
const PROCESSED = "acme-sales-processed-prod-222222222222-eu-west-1";
const DR_RAW = "acme-sales-raw-prod-222222222222-eu-central-1";
const DR_PROCESSED = "acme-sales-processed-prod-222222222222-eu-central-1";
const ROLE = (n: string) => `arn:aws:iam::222222222222:role/${n}`;

/**
 * A hand-written export of domain "sales" in prod: raw replicated, processed
 * not; a JSON raw table, a partitioned Parquet table and an Iceberg table
 * with column tags; a resource link; a masking filter and a row filter; and
 * a grant of every resource kind, and grants to Lakeform's own roles (a job,
 * the quality role, the pipeline, a crawler) as the Model names them in
 * eu-west-1. `mutate` edits the content before the hash.
 */
export function exportFixture(mutate: (e: CatalogExportContent) => void = () => {}): CatalogExport {
  const content: CatalogExportContent = {
    format: "lakeform.catalog-export",
    version: 1,
    source: { organization: "acme", environment: "prod", domain: "sales", accountId: "222222222222", region: "eu-west-1", drRegion: "eu-central-1", partition: "aws" },
    lfTags: [
      { key: "confidentiality", values: ["confidential", "internal", "pii", "public"] },
      { key: "domain", values: ["cdr", "sales"] },
    ],
    zones: [
      {
        name: "processed",
        bucketArn: `arn:aws:s3:::${PROCESSED}`,
        keyArn: "arn:aws:kms:eu-west-1:222222222222:alias/acme/prod/sales/processed",
        replicated: false,
        dr: { region: "eu-central-1", bucketArn: `arn:aws:s3:::${DR_PROCESSED}`, keyArn: "arn:aws:kms:eu-central-1:222222222222:alias/acme/prod/sales/processed" },
      },
      {
        name: "raw",
        bucketArn: `arn:aws:s3:::${RAW}`,
        keyArn: "arn:aws:kms:eu-west-1:222222222222:alias/acme/prod/sales/raw",
        replicated: true,
        dr: { region: "eu-central-1", bucketArn: `arn:aws:s3:::${DR_RAW}`, keyArn: "arn:aws:kms:eu-central-1:222222222222:alias/acme/prod/sales/raw" },
      },
    ],
    databases: [
      { name: "sales_processed_prod", description: "Processed sales", locationUri: `s3://${PROCESSED}/`, zone: "processed", kind: "zone", lfTags: { confidentiality: "internal", domain: "sales" } },
      { name: "sales_raw_discovered_prod", description: "Crawled", locationUri: null, zone: "raw", kind: "discovery", lfTags: { confidentiality: "pii", domain: "sales" } },
      { name: "sales_raw_prod", description: "Raw sales", locationUri: `s3://${RAW}/`, zone: "raw", kind: "zone", lfTags: { confidentiality: "internal", domain: "sales" } },
    ],
    resourceLinks: [{ name: "sales_cdr_curated_prod", description: "cdr curated", targetCatalogId: "222222222222", targetDatabase: "cdr_curated_prod" }],
    tables: [
      {
        database: "sales_processed_prod",
        name: "customers",
        description: "Customers, one row per customer",
        format: "iceberg",
        location: `s3://${PROCESSED}/customers/`,
        columns: [
          { name: "customer_id", type: "string", comment: "", lfTags: {} },
          { name: "email", type: "string", comment: "contact", lfTags: { confidentiality: "pii" } },
        ],
        partitionKeys: [],
        parameters: {},
        storage: null,
        lfTags: {},
      },
      {
        database: "sales_processed_prod",
        name: "orders",
        description: "Orders",
        format: "parquet",
        location: `s3://${PROCESSED}/orders/`,
        columns: [
          { name: "order_id", type: "string", comment: "", lfTags: {} },
          { name: "customer_id", type: "string", comment: "", lfTags: { confidentiality: "pii" } },
          { name: "amount", type: "decimal(12,2)", comment: "EUR", lfTags: {} },
          { name: "region", type: "string", comment: "", lfTags: {} },
        ],
        partitionKeys: [{ name: "order_date", type: "date", comment: "", lfTags: {} }],
        parameters: { EXTERNAL: "TRUE", classification: "parquet", "parquet.compression": "ZSTD" },
        storage: PARQUET_STORAGE,
        lfTags: { confidentiality: "confidential" },
      },
      {
        database: "sales_raw_prod",
        name: "events",
        description: "Raw events",
        format: "json",
        location: `s3://${RAW}/events/`,
        columns: [{ name: "payload", type: "string", comment: "", lfTags: {} }],
        partitionKeys: [{ name: "ingest_hour", type: "string", comment: "", lfTags: {} }],
        parameters: { EXTERNAL: "TRUE", classification: "json" },
        storage: JSON_STORAGE,
        lfTags: {},
      },
    ],
    registrations: [
      { resourceArn: `arn:aws:s3:::${PROCESSED}`, roleArn: ROLE("acme-sales-lf-processed-prod-eu-west-1"), hybridAccessEnabled: false },
      { resourceArn: `arn:aws:s3:::${RAW}`, roleArn: ROLE("acme-sales-lf-raw-prod-eu-west-1"), hybridAccessEnabled: false },
    ],
    dataCellsFilters: [
      { name: "eu-orders", database: "sales_processed_prod", table: "orders", columns: null, excludedColumns: ["customer_id"], rowFilter: "region = 'EU'" },
      { name: "ids-only", database: "sales_processed_prod", table: "orders", columns: ["amount", "order_id"], excludedColumns: [], rowFilter: null },
    ],
    grants: [
      {
        name: "analysts",
        principal: ROLE("analysts"),
        principalKind: "iam-role",
        principalName: "analysts",
        permissions: ["DESCRIBE", "SELECT"],
        permissionsWithGrantOption: [],
        resource: { kind: "lfTagPolicy", resourceType: "TABLE", expression: [{ key: "confidentiality", values: ["confidential", "internal"] }, { key: "domain", values: ["sales"] }] },
      },
      { name: "eu-orders", principal: ROLE("eu-analysts"), principalKind: "iam-role", principalName: "eu-analysts", permissions: ["SELECT"], permissionsWithGrantOption: [], resource: { kind: "dataCellsFilter", database: "sales_processed_prod", table: "orders", name: "eu-orders" } },
      { name: "ids", principal: ROLE("finance"), principalKind: "iam-role", principalName: "finance", permissions: ["SELECT"], permissionsWithGrantOption: [], resource: { kind: "dataCellsFilter", database: "sales_processed_prod", table: "orders", name: "ids-only" } },
      {
        name: "job-load-reads",
        principal: ROLE("acme-sales-job-load-prod-eu-west-1"),
        principalKind: "job",
        principalName: "job:load",
        permissions: ["SELECT"],
        permissionsWithGrantOption: [],
        resource: { kind: "tableColumns", database: "sales_raw_prod", table: "events", columns: null, excludedColumns: [] },
      },
      { name: "job-load-writes", principal: ROLE("acme-sales-job-load-prod-eu-west-1"), principalKind: "job", principalName: "job:load", permissions: ["ALTER", "DELETE", "INSERT"], permissionsWithGrantOption: [], resource: { kind: "table", database: "sales_processed_prod", name: "orders" } },
      { name: "quality-reads", principal: ROLE("acme-sales-quality-prod-eu-west-1"), principalKind: "job", principalName: "job:quality", permissions: ["DESCRIBE", "SELECT"], permissionsWithGrantOption: [], resource: { kind: "table", database: "sales_processed_prod", name: "orders" } },
      { name: "pipeline-daily-into", principal: ROLE("acme-platform-mwaa-prod-eu-west-1"), principalKind: "pipeline", principalName: "pipeline:prod", permissions: ["ALTER", "DESCRIBE", "INSERT"], permissionsWithGrantOption: [], resource: { kind: "table", database: "sales_processed_prod", name: "orders" } },
      { name: "crawler-location", principal: ROLE("acme-sales-crawler-partner-prod-eu-west-1"), principalKind: "crawler", principalName: "crawler:partner", permissions: ["DATA_LOCATION_ACCESS"], permissionsWithGrantOption: [], resource: { kind: "dataLocation", resourceArn: `arn:aws:s3:::${RAW}` } },
      { name: "crawler-database", principal: ROLE("acme-sales-crawler-partner-prod-eu-west-1"), principalKind: "crawler", principalName: "crawler:partner", permissions: ["ALTER", "CREATE_TABLE", "DESCRIBE"], permissionsWithGrantOption: [], resource: { kind: "database", name: "sales_raw_discovered_prod" } },
      { name: "admins", principal: ROLE("data-stewards"), principalKind: "iam-role", principalName: "data-stewards", permissions: ["DESCRIBE", "SELECT"], permissionsWithGrantOption: ["DESCRIBE", "SELECT"], resource: { kind: "table", database: "sales_raw_prod", name: null } },
      { name: "tag-stewards", principal: ROLE("data-stewards"), principalKind: "iam-role", principalName: "data-stewards", permissions: ["ASSOCIATE", "DESCRIBE"], permissionsWithGrantOption: [], resource: { kind: "lfTag", key: "confidentiality", values: ["internal", "public"] } },
      { name: "creators", principal: ROLE("data-stewards"), principalKind: "iam-role", principalName: "data-stewards", permissions: ["CREATE_DATABASE"], permissionsWithGrantOption: [], resource: { kind: "catalog" } },
      { name: null, principal: "444444444444", principalKind: "account", principalName: null, permissions: ["DESCRIBE"], permissionsWithGrantOption: [], resource: { kind: "lfTagPolicy", resourceType: "DATABASE", expression: [{ key: "domain", values: ["sales"] }] } },
      { name: "pii-readers", principal: ROLE("privacy"), principalKind: "iam-role", principalName: null, permissions: ["SELECT"], permissionsWithGrantOption: [], resource: { kind: "tableColumns", database: "sales_processed_prod", table: "customers", columns: ["email"], excludedColumns: [] } },
    ],
  };
  mutate(content);
  return finalizeExport(content);
}
