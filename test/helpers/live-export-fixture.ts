import { type CatalogExport, type CatalogExportContent, EXPORT_FORMAT, EXPORT_VERSION, finalizeExport } from "../../generators/export/format";
import { PARQUET_STORAGE } from "./export-fixture";

/**
 * A small export of domain `cdr` in `dev` holding every kind of entry the
 * format has: zone, discovery and found-live databases, a resource link,
 * Parquet, Iceberg and JSON tables with column and partition-key tags,
 * registrations, both kinds of data-cells filter, and a grant on every kind
 * of resource.
 */

export const FIXTURE_ACCOUNT = "111111111111";
const role = (name: string) => `arn:aws:iam::${FIXTURE_ACCOUNT}:role/${name}`;

export function fixtureContent(): CatalogExportContent {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    source: { organization: "acme", environment: "dev", domain: "cdr", accountId: FIXTURE_ACCOUNT, region: "eu-west-1", drRegion: "eu-central-1", partition: "aws" },
    lfTags: [
      { key: "confidentiality", values: ["internal", "pii"] },
      { key: "domain", values: ["billing", "cdr"] },
    ],
    zones: [
      {
        name: "raw",
        bucketArn: "arn:aws:s3:::acme-cdr-raw-dev-111111111111-eu-west-1",
        keyArn: `arn:aws:kms:eu-west-1:${FIXTURE_ACCOUNT}:alias/acme/dev/cdr/raw`,
        replicated: true,
        dr: { region: "eu-central-1", bucketArn: "arn:aws:s3:::acme-cdr-raw-dev-111111111111-eu-central-1", keyArn: `arn:aws:kms:eu-central-1:${FIXTURE_ACCOUNT}:alias/acme/dev/cdr/raw` },
      },
      {
        name: "processed",
        bucketArn: "arn:aws:s3:::acme-cdr-processed-dev-111111111111-eu-west-1",
        keyArn: `arn:aws:kms:eu-west-1:${FIXTURE_ACCOUNT}:alias/acme/dev/cdr/processed`,
        replicated: false,
        dr: { region: "eu-central-1", bucketArn: "arn:aws:s3:::acme-cdr-processed-dev-111111111111-eu-central-1", keyArn: `arn:aws:kms:eu-central-1:${FIXTURE_ACCOUNT}:alias/acme/dev/cdr/processed` },
      },
    ],
    databases: [
      { name: "cdr_raw_dev", description: "Raw CDRs", locationUri: "s3://acme-cdr-raw-dev-111111111111-eu-west-1/", zone: "raw", kind: "zone", lfTags: { domain: "cdr", confidentiality: "internal" } },
      { name: "cdr_processed_dev", description: "", locationUri: "s3://acme-cdr-processed-dev-111111111111-eu-west-1/", zone: "processed", kind: "zone", lfTags: { domain: "cdr", confidentiality: "internal" } },
      { name: "cdr_raw_discovered_dev", description: "Crawled", locationUri: null, zone: "raw", kind: "discovery", lfTags: { domain: "cdr", confidentiality: "pii" } },
    ],
    resourceLinks: [{ name: "cdr_billing_curated_dev", description: "billing's curated", targetCatalogId: FIXTURE_ACCOUNT, targetDatabase: "billing_curated_dev" }],
    tables: [
      {
        database: "cdr_processed_dev",
        name: "calls",
        description: "Conformed calls",
        format: "parquet",
        location: "s3://acme-cdr-processed-dev-111111111111-eu-west-1/calls/",
        columns: [
          { name: "call_id", type: "string", comment: "", lfTags: {} },
          { name: "msisdn", type: "string", comment: "caller", lfTags: { confidentiality: "pii" } },
          { name: "region", type: "string", comment: "", lfTags: {} },
          { name: "charge", type: "decimal(12,4)", comment: "", lfTags: {} },
        ],
        partitionKeys: [{ name: "call_date", type: "date", comment: "", lfTags: {} }],
        parameters: { classification: "parquet", EXTERNAL: "TRUE" },
        storage: PARQUET_STORAGE,
        lfTags: {},
      },
      {
        database: "cdr_processed_dev",
        name: "cells",
        description: "",
        format: "iceberg",
        location: "s3://acme-cdr-processed-dev-111111111111-eu-west-1/cells/",
        columns: [
          { name: "cell_id", type: "string", comment: "", lfTags: {} },
          { name: "towers", type: "array<struct<id:string,lat:double>>", comment: "", lfTags: {} },
        ],
        partitionKeys: [],
        parameters: {},
        storage: null,
        lfTags: { confidentiality: "pii" },
      },
      {
        database: "cdr_raw_dev",
        name: "events",
        description: "",
        format: "json",
        location: "s3://acme-cdr-raw-dev-111111111111-eu-west-1/events/",
        columns: [{ name: "payload", type: "string", comment: "", lfTags: {} }],
        partitionKeys: [{ name: "ingest_hour", type: "string", comment: "", lfTags: { confidentiality: "internal" } }],
        parameters: { classification: "json" },
        storage: {
          inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
          outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
          serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
          serdeParameters: {},
        },
        lfTags: {},
      },
    ],
    registrations: [
      { resourceArn: "arn:aws:s3:::acme-cdr-processed-dev-111111111111-eu-west-1", roleArn: role("acme-cdr-lf-processed-dev-eu-west-1"), hybridAccessEnabled: false },
      { resourceArn: "arn:aws:s3:::acme-cdr-raw-dev-111111111111-eu-west-1", roleArn: role("acme-cdr-lf-raw-dev-eu-west-1"), hybridAccessEnabled: false },
    ],
    dataCellsFilters: [
      { name: "eu-mvno", database: "cdr_processed_dev", table: "calls", columns: null, excludedColumns: ["msisdn"], rowFilter: "region = 'EU'" },
      { name: "ids-only", database: "cdr_processed_dev", table: "calls", columns: ["call_id", "call_date"], excludedColumns: [], rowFilter: null },
    ],
    grants: [
      { name: "analysts", principal: role("analysts"), principalKind: "iam-role", principalName: "analysts", permissions: ["DESCRIBE", "SELECT"], permissionsWithGrantOption: [], resource: { kind: "lfTagPolicy", resourceType: "TABLE", expression: [{ key: "confidentiality", values: ["internal"] }, { key: "domain", values: ["cdr"] }] } },
      { name: "fraud", principal: role("fraud"), principalKind: "iam-role", principalName: "fraud", permissions: ["DESCRIBE", "SELECT"], permissionsWithGrantOption: ["DESCRIBE", "SELECT"], resource: { kind: "table", database: "cdr_processed_dev", name: "calls" } },
      { name: "eu-mvno", principal: role("eu-mvno"), principalKind: "iam-role", principalName: "eu-mvno", permissions: ["SELECT"], permissionsWithGrantOption: [], resource: { kind: "dataCellsFilter", database: "cdr_processed_dev", table: "calls", name: "eu-mvno" } },
      { name: "partner", principal: "444444444444", principalKind: "account", principalName: "partner", permissions: ["SELECT"], permissionsWithGrantOption: [], resource: { kind: "tableColumns", database: "cdr_processed_dev", table: "calls", columns: ["call_id", "region"], excludedColumns: [] } },
      { name: "masked", principal: role("masked"), principalKind: "iam-role", principalName: "masked", permissions: ["SELECT"], permissionsWithGrantOption: [], resource: { kind: "tableColumns", database: "cdr_processed_dev", table: "calls", columns: null, excludedColumns: ["msisdn"] } },
      { name: "crawler", principal: role("crawler"), principalKind: "crawler", principalName: "crawler:partner-files", permissions: ["ALTER", "CREATE_TABLE", "DESCRIBE"], permissionsWithGrantOption: [], resource: { kind: "database", name: "cdr_raw_discovered_dev" } },
      { name: "crawler", principal: role("crawler"), principalKind: "crawler", principalName: "crawler:partner-files", permissions: ["DATA_LOCATION_ACCESS"], permissionsWithGrantOption: [], resource: { kind: "dataLocation", resourceArn: "arn:aws:s3:::acme-cdr-raw-dev-111111111111-eu-west-1" } },
      { name: "browse", principal: role("browse"), principalKind: "iam-role", principalName: "browse", permissions: ["DESCRIBE"], permissionsWithGrantOption: [], resource: { kind: "table", database: "cdr_raw_dev", name: null } },
    ],
  };
}

export const fixtureExport = (): CatalogExport => finalizeExport(fixtureContent());

/** The account-level grants a whole-account export also holds (on the catalog and on an LF-tag). */
export const accountGrants = (): CatalogExportContent["grants"] => [
  { name: null, principal: role("steward"), principalKind: "iam-role", principalName: null, permissions: ["CREATE_DATABASE"], permissionsWithGrantOption: [], resource: { kind: "catalog" } },
  { name: null, principal: role("steward"), principalKind: "iam-role", principalName: null, permissions: ["ASSOCIATE", "DESCRIBE"], permissionsWithGrantOption: [], resource: { kind: "lfTag", key: "domain", values: ["billing", "cdr"] } },
];
