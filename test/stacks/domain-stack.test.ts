import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { renderDag } from "../../generators/dags/render";
import { loadAndValidate } from "../../generators/manifest/validate";
import { type Model, emrServerlessPlaceholder } from "../../generators/model/types";
import { synthesizeModel } from "../../generators/stacks/app";
import { escapeTemplates } from "../../modules/storage/artifact-object";
import { deploymentOf, modelFrom, synthStackOf } from "../helpers/model-fixtures";
import { domainFixture, makeProject, platformFixture } from "../helpers/project";
import { policyOf, resource, resourcesOf, type TfJson } from "../helpers/synth";

const DEV = "111111111111";
const PROD = "222222222222";
const bucketName = (zone: string, env = "dev", account = DEV) => `acme-sales-${zone}-${env}-${account}-eu-west-1`;
const ZONES = ["raw", "processed", "curated"];
/** Always-on DR (test/stacks/dr-storage.test.ts): raw is replicated by default; every zone key has a replica. */
const DR_BUCKETS = ["dr__access_logs", ...ZONES.map((z) => `dr__${z}`)];
const DR_KEY_ALIASES = ZONES.map((z) => `dr__${z}`);

const model = modelFrom();
const tf = synthStackOf(model, "sales-dev");

const withDomain = (mutate: (d: Record<string, any>) => void) => {
  const d = domainFixture();
  mutate(d);
  return modelFrom(platformFixture(), [d]);
};
const rules = (r: Record<string, unknown>) => r.rule as Record<string, any>[];

describe("DomainStack storage", () => {
  it("has a key, a bucket and a database per zone, one access-log bucket, the audit trail's key and bucket, and the ops key and artifacts bucket", () => {
    expect(Object.keys(resourcesOf(tf, "aws_kms_key")).sort()).toEqual(["audit", "ops", ...ZONES].sort());
    expect(Object.keys(resourcesOf(tf, "aws_kms_alias")).sort()).toEqual(["audit", "ops", ...ZONES, ...DR_KEY_ALIASES].sort());
    expect(Object.keys(resourcesOf(tf, "aws_glue_catalog_database")).sort()).toEqual([...ZONES].sort());
    expect(Object.keys(resourcesOf(tf, "aws_s3_bucket")).sort()).toEqual(["access_logs", "artifacts", "audit", ...ZONES, ...DR_BUCKETS].sort());
    for (const z of ZONES) expect(resource(tf, "aws_s3_bucket", z).bucket).toBe(bucketName(z));
    expect(resource(tf, "aws_s3_bucket", "access_logs").bucket).toBe(bucketName("logs"));
    expect(resource(tf, "aws_s3_bucket", "audit").bucket).toBe(bucketName("audit"));
    expect(resource(tf, "aws_s3_bucket", "artifacts").bucket).toBe(bucketName("artifacts"));
  });

  it("holds exactly the resource types of storage, catalog, registration, audit and grants", () => {
    expect(Object.keys(tf.resource).sort()).toEqual([
      "aws_budgets_budget",
      "aws_cloudtrail",
      "aws_glue_catalog_database",
      "aws_glue_catalog_table",
      "aws_iam_role",
      "aws_iam_role_policies_exclusive",
      "aws_iam_role_policy",
      "aws_iam_role_policy_attachments_exclusive",
      "aws_kms_alias",
      "aws_kms_key",
      "aws_kms_replica_key",
      "aws_lakeformation_resource",
      "aws_lakeformation_resource_lf_tags",
      "aws_s3_bucket",
      "aws_s3_bucket_lifecycle_configuration",
      "aws_s3_bucket_logging",
      "aws_s3_bucket_notification",
      "aws_s3_bucket_ownership_controls",
      "aws_s3_bucket_policy",
      "aws_s3_bucket_public_access_block",
      "aws_s3_bucket_replication_configuration",
      "aws_s3_bucket_server_side_encryption_configuration",
      "aws_s3_bucket_versioning",
      "aws_s3_object",
    ]);
  });

  it("holds no Lake Formation settings (the platform stack owns them) and reads no data sources", () => {
    expect(resourcesOf(tf, "aws_lakeformation_data_lake_settings")).toEqual({});
    expect(tf.data ?? {}).toEqual({});
  });

  it("gives each zone key its alias and description from the model", () => {
    expect(resource(tf, "aws_kms_alias", "raw")).toMatchObject({ name: "alias/acme/dev/sales/raw", target_key_id: "${aws_kms_key.raw.key_id}" });
    expect(resource(tf, "aws_kms_key", "processed").description).toBe("sales processed zone (dev): encrypts the zone bucket's objects");
    expect(policyOf(resource(tf, "aws_kms_key", "raw")).Statement[0]!.Principal).toEqual({ AWS: `arn:aws:iam::${DEV}:root` });
  });

  it("encrypts each zone bucket with its own zone key, by reference", () => {
    for (const z of ZONES) {
      const sse = resource(tf, "aws_s3_bucket_server_side_encryption_configuration", z);
      expect(rules(sse)[0]!.apply_server_side_encryption_by_default, z).toEqual({ sse_algorithm: "aws:kms", kms_master_key_id: `\${aws_kms_key.${z}.arn}` });
      const keyGuard = policyOf(resource(tf, "aws_s3_bucket_policy", z)).Statement.find((s) => s.Sid === "DenyUploadsWithOtherKeys");
      expect(keyGuard?.Condition, z).toEqual({ StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": `\${aws_kms_key.${z}.arn}` } });
    }
  });

  it("writes each zone bucket's ARN, known in advance, into its policy", () => {
    const tls = policyOf(resource(tf, "aws_s3_bucket_policy", "curated")).Statement[0]!;
    expect(tls.Resource).toEqual([`arn:aws:s3:::${bucketName("curated")}`, `arn:aws:s3:::${bucketName("curated")}/*`]);
  });

  it("logs every zone bucket, the audit bucket and the artifacts bucket into the access-log bucket, each under its own prefix", () => {
    for (const z of [...ZONES, "audit", "artifacts"]) {
      expect(resource(tf, "aws_s3_bucket_logging", z), z).toEqual({ bucket: `\${aws_s3_bucket.${z}.id}`, target_bucket: "${aws_s3_bucket.access_logs.id}", target_prefix: `${z}/` });
    }
    // The DR zone buckets log in the DR region, into their own log bucket.
    expect(Object.keys(resourcesOf(tf, "aws_s3_bucket_logging")).sort()).toEqual(["artifacts", "audit", ...ZONES, ...ZONES.map((z) => `dr__${z}`)].sort());
  });

  it("sends zone bucket events to EventBridge, but not the access-log, audit or artifacts bucket's (nothing starts from their writes)", () => {
    expect(Object.keys(resourcesOf(tf, "aws_s3_bucket_notification")).sort()).toEqual([...ZONES, ...ZONES.map((z) => `dr__${z}`)].sort());
    for (const z of ZONES) expect(resource(tf, "aws_s3_bucket_notification", z), z).toEqual({ bucket: `\${aws_s3_bucket.${z}.id}`, eventbridge: true });
  });
});

describe("DomainStack access-log bucket", () => {
  it("uses SSE-S3, because S3 server access log delivery cannot write to SSE-KMS buckets", () => {
    const sse = resource(tf, "aws_s3_bucket_server_side_encryption_configuration", "access_logs");
    expect(rules(sse)).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }]);
  });

  it("lets the S3 logging service deliver only for this account's zone, audit and artifacts buckets", () => {
    const policy = policyOf(resource(tf, "aws_s3_bucket_policy", "access_logs"));
    expect(policy.Statement.map((s) => s.Sid)).toEqual(["DenyInsecureTransport", "DenyOutdatedTls", "AllowS3ServerAccessLogDelivery"]);
    expect(policy.Statement[2]).toEqual({
      Sid: "AllowS3ServerAccessLogDelivery",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `arn:aws:s3:::${bucketName("logs")}/*`,
      Condition: {
        StringEquals: { "aws:SourceAccount": DEV },
        ArnLike: { "aws:SourceArn": ["artifacts", "audit", "curated", "processed", "raw"].map((z) => `arn:aws:s3:::${bucketName(z)}`) },
      },
    });
  });

  it("keeps logs for 400 days and old versions for 30", () => {
    const [all, ...others] = rules(resource(tf, "aws_s3_bucket_lifecycle_configuration", "access_logs"));
    expect(others).toEqual([]);
    expect(all).toMatchObject({
      status: "Enabled",
      filter: [{}],
      expiration: [{ days: 400 }],
      noncurrent_version_expiration: [{ noncurrent_days: 30 }],
      abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
    });
    expect(all).not.toHaveProperty("transition");
  });
});

describe("DomainStack lifecycle", () => {
  it("moves raw to Intelligent-Tiering at once and Glacier after 540 days by default; other zones stay put", () => {
    const raw = rules(resource(tf, "aws_s3_bucket_lifecycle_configuration", "raw"));
    expect(raw[0]!.transition).toEqual([
      { days: 0, storage_class: "INTELLIGENT_TIERING" },
      { days: 540, storage_class: "GLACIER" },
    ]);
    expect(rules(resource(tf, "aws_s3_bucket_lifecycle_configuration", "processed"))[0]).not.toHaveProperty("transition");
  });

  it("expires the staging prefix of every zone", () => {
    for (const z of ZONES) {
      expect(rules(resource(tf, "aws_s3_bucket_lifecycle_configuration", z))[1], z).toEqual({
        id: "expire-staging",
        status: "Enabled",
        filter: [{ prefix: "_staging/" }],
        expiration: [{ days: 7 }],
      });
    }
  });

  it("carries a zone's lifecycle settings from the manifest into its bucket", () => {
    const m = withDomain((d) => {
      d.zones = {
        raw: { lifecycle: { intelligentTiering: false, glacierAfterDays: 90, expireAfterDays: 365, noncurrentVersionExpiryDays: 10, abortIncompleteMultipartUploadDays: 2, staging: { prefix: "tmp/", expireAfterDays: 1 } } },
        processed: {},
      };
    });
    const [all, staging] = rules(resource(synthStackOf(m, "sales-dev"), "aws_s3_bucket_lifecycle_configuration", "raw"));
    expect(all).toMatchObject({
      transition: [{ days: 90, storage_class: "GLACIER" }],
      expiration: [{ days: 365 }],
      noncurrent_version_expiration: [{ noncurrent_days: 10 }],
      abort_incomplete_multipart_upload: [{ days_after_initiation: 2 }],
    });
    expect(staging).toEqual({ id: "expire-tmp", status: "Enabled", filter: [{ prefix: "tmp/" }], expiration: [{ days: 1 }] });
  });

  it("creates only the zones a domain declares", () => {
    const m = withDomain((d) => {
      d.zones = { landing: {}, processed: {} };
    });
    const out = synthStackOf(m, "sales-dev");
    // Their DR buckets follow them (always on, not replicated here: neither is raw).
    expect(Object.keys(resourcesOf(out, "aws_s3_bucket")).sort()).toEqual(["access_logs", "artifacts", "audit", "dr__access_logs", "dr__landing", "dr__processed", "landing", "processed"]);
    expect(resource(out, "aws_glue_catalog_database", "landing").name).toBe("sales_landing_dev");
    // Registration and the trail follow the declared zones too.
    expect(Object.keys(resourcesOf(out, "aws_lakeformation_resource")).sort()).toEqual(["landing", "processed"]);
    expect(Object.keys(resourcesOf(out, "aws_iam_role")).sort()).toEqual(["landing", "processed"]);
    const selectors = (resource(out, "aws_cloudtrail", "audit").advanced_event_selector as { field_selector: { field: string; starts_with?: string[] }[] }[])[0]!;
    expect(selectors.field_selector.find((f) => f.field === "resources.ARN")!.starts_with).toEqual([`arn:aws:s3:::${bucketName("landing")}/`, `arn:aws:s3:::${bucketName("processed")}/`]);
  });
});

describe("DomainStack catalog", () => {
  it("creates one database per zone at its bucket, with the derived description", () => {
    expect(resource(tf, "aws_glue_catalog_database", "raw")).toMatchObject({
      name: "sales_raw_dev",
      catalog_id: DEV,
      location_uri: `s3://${bucketName("raw")}/`,
      description: "sales raw zone: as landed, immutable, partitioned by ingest date; the system of record",
    });
    for (const z of ZONES) expect(resource(tf, "aws_glue_catalog_database", z), z).not.toHaveProperty("create_table_default_permission");
  });

  it("tags each database with the domain's tags, the zone's overriding them", () => {
    const m = withDomain((d) => {
      d.zones = { raw: { lfTags: { confidentiality: "pii" } }, curated: {} };
      d.tables = [];
    });
    const out = synthStackOf(m, "sales-dev");
    expect(resource(out, "aws_lakeformation_resource_lf_tags", "raw").lf_tag).toEqual([
      { key: "confidentiality", value: "pii", catalog_id: DEV },
      { key: "domain", value: "sales", catalog_id: DEV },
    ]);
    expect(resource(out, "aws_lakeformation_resource_lf_tags", "curated").lf_tag).toEqual([
      { key: "confidentiality", value: "internal", catalog_id: DEV },
      { key: "domain", value: "sales", catalog_id: DEV },
    ]);
    expect(resource(out, "aws_lakeformation_resource_lf_tags", "raw").database).toEqual({ name: "${aws_glue_catalog_database.raw.name}", catalog_id: DEV });
  });

  it("creates each table in its zone's database, by reference, with canonical column types", () => {
    const m = withDomain((d) => {
      d.tables[0].columns[2].type = "DECIMAL(10, 2)";
    });
    const t = resource(synthStackOf(m, "sales-dev"), "aws_glue_catalog_table", "processed__orders");
    expect(t).toMatchObject({ name: "orders", database_name: "${aws_glue_catalog_database.processed.name}", catalog_id: DEV });
    const sd = t.storage_descriptor as Record<string, any>;
    expect(sd.location).toBe(`s3://${bucketName("processed")}/orders/`);
    expect(sd.columns).toEqual([
      { name: "order_id", type: "string" },
      { name: "email", type: "string" },
      { name: "amount", type: "decimal(10,2)" },
    ]);
    expect(t.partition_keys).toEqual([{ name: "order_date", type: "date" }]);
  });

  it("tags PII columns on their own and writes no table tags when the table sets none", () => {
    const tags = resourcesOf(tf, "aws_lakeformation_resource_lf_tags");
    expect(Object.keys(tags).sort()).toEqual(["curated", "processed", "processed__orders--email", "raw"]);
    expect(tags["processed__orders--email"]).toMatchObject({
      table_with_columns: { database_name: "${aws_glue_catalog_database.processed.name}", name: "${aws_glue_catalog_table.processed__orders.name}", column_names: ["email"] },
      lf_tag: [{ key: "confidentiality", value: "pii", catalog_id: DEV }],
    });
  });

  it("writes table-level tags when the table sets them", () => {
    const m = withDomain((d) => {
      d.tables[0].lfTags = { confidentiality: "public" };
    });
    expect(resource(synthStackOf(m, "sales-dev"), "aws_lakeformation_resource_lf_tags", "processed__orders")).toMatchObject({
      table: { name: "${aws_glue_catalog_table.processed__orders.name}" },
      lf_tag: [{ key: "confidentiality", value: "public", catalog_id: DEV }],
    });
  });

  it("creates Iceberg tables through Glue's Iceberg input", () => {
    const m = withDomain((d) => {
      d.tables.push({ name: "daily", zone: "curated", format: "iceberg", columns: [{ name: "day", type: "date" }] });
    });
    const t = resource(synthStackOf(m, "sales-dev"), "aws_glue_catalog_table", "curated__daily");
    expect(t.open_table_format_input).toEqual({ iceberg_input: { metadata_operation: "CREATE", version: "2" } });
    expect(t.database_name).toBe("${aws_glue_catalog_database.curated.name}");
  });

  // Reachable from a valid manifest: table `orders__email` next to column `orders.email`.
  it("keeps the tag resources of a column and of a table whose names join to the same address apart", () => {
    const m = withDomain((d) => {
      d.tables.push({ name: "orders__email", zone: "processed", lfTags: { confidentiality: "public" }, columns: [{ name: "x", type: "string" }] });
    });
    const tf = synthStackOf(m, "sales-dev");
    expect(resource(tf, "aws_lakeformation_resource_lf_tags", "processed__orders__email").lf_tag).toEqual([expect.objectContaining({ value: "public" })]);
    expect(resource(tf, "aws_lakeformation_resource_lf_tags", "processed__orders--email").lf_tag).toEqual([expect.objectContaining({ value: "pii" })]);
  });
});

describe("DomainStack audit trail", () => {
  const TRAIL = "acme-sales-dev-data-events";
  const TRAIL_ARN = `arn:aws:cloudtrail:eu-west-1:${DEV}:trail/${TRAIL}`;
  const fromThisTrail = { "aws:SourceArn": TRAIL_ARN };

  it("records object-level data events on exactly the zone buckets, into its own bucket under its own key", () => {
    expect(Object.keys(resourcesOf(tf, "aws_cloudtrail"))).toEqual(["audit"]);
    expect(resource(tf, "aws_cloudtrail", "audit")).toEqual({
      name: TRAIL,
      s3_bucket_name: "${aws_s3_bucket.audit.bucket}",
      kms_key_id: "${aws_kms_key.audit.arn}",
      enable_log_file_validation: true,
      enable_logging: true,
      include_global_service_events: false,
      is_multi_region_trail: false,
      is_organization_trail: false,
      advanced_event_selector: [
        {
          name: "S3 object-level reads and writes on the watched lake buckets",
          field_selector: [
            { field: "eventCategory", equals: ["Data"] },
            { field: "resources.type", equals: ["AWS::S3::Object"] },
            { field: "resources.ARN", starts_with: ["curated", "processed", "raw"].map((z) => `arn:aws:s3:::${bucketName(z)}/`) },
          ],
        },
      ],
      depends_on: ["aws_s3_bucket_policy.audit"],
    });
  });

  it("watches neither the access-log bucket nor its own bucket (each delivery would log itself)", () => {
    const watched = JSON.stringify(resource(tf, "aws_cloudtrail", "audit").advanced_event_selector);
    expect(watched).not.toContain(bucketName("logs"));
    expect(watched).not.toContain(bucketName("audit"));
  });

  it("encrypts the audit bucket with SSE-KMS under the audit key, not a zone key", () => {
    const sse = resource(tf, "aws_s3_bucket_server_side_encryption_configuration", "audit");
    expect(sse).toEqual({
      bucket: "${aws_s3_bucket.audit.id}",
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "${aws_kms_key.audit.arn}" }, bucket_key_enabled: true }],
    });
    const keyGuard = policyOf(resource(tf, "aws_s3_bucket_policy", "audit")).Statement.find((st) => st.Sid === "DenyUploadsWithOtherKeys");
    expect(keyGuard?.Condition).toEqual({ StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "${aws_kms_key.audit.arn}" } });
  });

  it("has its own rotating, multi-Region key and alias", () => {
    expect(resource(tf, "aws_kms_key", "audit")).toMatchObject({
      description: "sales (dev): encrypts the CloudTrail data-event logs of the domain's lake buckets",
      enable_key_rotation: true,
      multi_region: true,
      is_enabled: true,
    });
    expect(resource(tf, "aws_kms_alias", "audit")).toEqual({ name: "alias/acme/dev/sales/audit", target_key_id: "${aws_kms_key.audit.key_id}" });
  });

  it("lets CloudTrail use the audit key only for this trail, and administers it through the account's IAM", () => {
    expect(policyOf(resource(tf, "aws_kms_key", "audit")).Statement).toEqual([
      { Sid: "AccountAdministersKeyThroughIam", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${DEV}:root` }, Action: "kms:*", Resource: "*" },
      {
        Sid: "AllowCloudTrailToEncryptLogs",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:GenerateDataKey*",
        Resource: "*",
        Condition: { StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${DEV}:trail/*` }, StringEquals: fromThisTrail },
      },
      {
        Sid: "AllowCloudTrailToDescribeKey",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:DescribeKey",
        Resource: "*",
        Condition: { StringEquals: fromThisTrail },
      },
    ]);
  });

  it("lets CloudTrail check the audit bucket and write under AWSLogs/<account>/ only, for this trail only", () => {
    const policy = policyOf(resource(tf, "aws_s3_bucket_policy", "audit"));
    const arn = `arn:aws:s3:::${bucketName("audit")}`;
    expect(policy.Statement.map((st) => st.Sid)).toEqual([
      "DenyInsecureTransport",
      "DenyOutdatedTls",
      "DenyUploadsNotSseKms",
      "DenyUploadsWithOtherKeys",
      "AllowCloudTrailAclCheck",
      "AllowCloudTrailWrite",
    ]);
    expect(policy.Statement.slice(4)).toEqual([
      { Sid: "AllowCloudTrailAclCheck", Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "s3:GetBucketAcl", Resource: arn, Condition: { StringEquals: fromThisTrail } },
      { Sid: "AllowCloudTrailWrite", Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "s3:PutObject", Resource: `${arn}/AWSLogs/${DEV}/*`, Condition: { StringEquals: fromThisTrail } },
    ]);
  });

  it("has every lake-bucket protection and no EventBridge notification", () => {
    expect(resource(tf, "aws_s3_bucket_public_access_block", "audit")).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(resource(tf, "aws_s3_bucket_ownership_controls", "audit").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    expect(resource(tf, "aws_s3_bucket_versioning", "audit").versioning_configuration).toEqual({ status: "Enabled" });
    expect(resourcesOf(tf, "aws_s3_bucket_notification")).not.toHaveProperty("audit");
  });

  it("keeps trail log files 400 days, old versions 30 more", () => {
    expect(rules(resource(tf, "aws_s3_bucket_lifecycle_configuration", "audit"))).toEqual([
      {
        id: "all-objects",
        status: "Enabled",
        filter: [{}],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        noncurrent_version_expiration: [{ noncurrent_days: 30 }],
        expiration: [{ days: 400 }],
      },
    ]);
  });

  it("names the prod trail, bucket and key after the prod account", () => {
    const prod = synthStackOf(model, "sales-prod");
    expect(resource(prod, "aws_cloudtrail", "audit").name).toBe("acme-sales-prod-data-events");
    expect(resource(prod, "aws_s3_bucket", "audit").bucket).toBe(bucketName("audit", "prod", PROD));
    const stmt = policyOf(resource(prod, "aws_kms_key", "audit")).Statement.find((st) => st.Sid === "AllowCloudTrailToDescribeKey")!;
    expect(stmt.Condition).toEqual({ StringEquals: { "aws:SourceArn": `arn:aws:cloudtrail:eu-west-1:${PROD}:trail/acme-sales-prod-data-events` } });
  });

  it("refuses a zone named audit or logs, whose addresses and physical names the trail and access logs hold", () => {
    for (const z of ["audit", "logs"]) {
      expect(() => withDomain((d) => void (d.zones = { [z]: {}, processed: {} })), z).toThrow(/derived bucket name is already used by sales (audit trail|access logs)/);
    }
  });
});

describe("DomainStack location registration", () => {
  const roleName = (zone: string, env = "dev") => `acme-sales-lf-${zone}-${env}-eu-west-1`;
  const roleArn = (zone: string, env = "dev", account = DEV) => `arn:aws:iam::${account}:role/${roleName(zone, env)}`;

  it("registers each zone bucket, whole, in Lake Formation mode only, through the zone's own role", () => {
    expect(Object.keys(resourcesOf(tf, "aws_lakeformation_resource")).sort()).toEqual([...ZONES].sort());
    for (const z of ZONES) {
      expect(resource(tf, "aws_lakeformation_resource", z), z).toEqual({
        arn: `\${aws_s3_bucket.${z}.arn}`,
        role_arn: `\${aws_iam_role.${z}.arn}`,
        hybrid_access_enabled: false,
        use_service_linked_role: false,
        depends_on: [`aws_iam_role_policy.${z}__data-access`],
      });
    }
  });

  it("has one role per zone that only Lake Formation assumes, only for this account", () => {
    // And S3's replication role (test/stacks/dr-storage.test.ts).
    expect(Object.keys(resourcesOf(tf, "aws_iam_role")).sort()).toEqual(["replication", ...ZONES].sort());
    for (const z of ZONES) {
      const role = resource(tf, "aws_iam_role", z);
      expect(role, z).toMatchObject({ name: roleName(z), max_session_duration: 3600 });
      expect(role, z).not.toHaveProperty("managed_policy_arns");
      expect(role, z).not.toHaveProperty("inline_policy");
      expect(policyOf(role, "assume_role_policy").Statement, z).toEqual([
        {
          Sid: "ServiceAssumesRoleForThisAccountOnly",
          Effect: "Allow",
          Principal: { Service: "lakeformation.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": DEV } },
        },
      ]);
    }
  });

  it("gives each role one inline policy that reaches only its zone's bucket and its zone's key", () => {
    expect(Object.keys(resourcesOf(tf, "aws_iam_role_policy")).sort()).toEqual(["replication__replicate", ...ZONES.map((z) => `${z}__data-access`)].sort());
    for (const z of ZONES) {
      const p = resource(tf, "aws_iam_role_policy", `${z}__data-access`);
      expect(p.name, z).toBe("data-access");
      expect(p.role, z).toBe(`\${aws_iam_role.${z}.name}`);
      expect(policyOf(p).Statement, z).toEqual([
        { Sid: "ReadWriteObjects", Effect: "Allow", Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], Resource: `\${aws_s3_bucket.${z}.arn}/*` },
        { Sid: "ListBucket", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket"], Resource: `\${aws_s3_bucket.${z}.arn}` },
        { Sid: "UseZoneKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"], Resource: `\${aws_kms_key.${z}.arn}` },
      ]);
    }
  });

  it("makes each role's inline policy and its empty managed-policy list exclusive", () => {
    for (const z of ZONES) {
      expect(resource(tf, "aws_iam_role_policies_exclusive", z), z).toEqual({ role_name: `\${aws_iam_role.${z}.name}`, policy_names: ["data-access"] });
      expect(resource(tf, "aws_iam_role_policy_attachments_exclusive", z), z).toEqual({ role_name: `\${aws_iam_role.${z}.name}`, policy_arns: [] });
    }
    expect(resourcesOf(tf, "aws_iam_role_policy_attachment")).toEqual({});
    expect(resourcesOf(tf, "aws_iam_policy")).toEqual({});
  });

  it("denies object reads in each zone bucket to everyone but that zone's registration role", () => {
    for (const z of ZONES) {
      const policy = policyOf(resource(tf, "aws_s3_bucket_policy", z));
      expect(policy.Statement.map((st) => st.Sid), z).toEqual([
        "DenyInsecureTransport",
        "DenyOutdatedTls",
        "DenyUploadsNotSseKms",
        "DenyUploadsWithOtherKeys",
        "DenyObjectReadsOutsideLakeFormation",
      ]);
      expect(policy.Statement[4], z).toEqual({
        Sid: "DenyObjectReadsOutsideLakeFormation",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectVersionForReplication"],
        Resource: `arn:aws:s3:::${bucketName(z)}/*`,
        // raw is replicated: S3's replication role reads its object versions too.
        Condition: { ArnNotEquals: { "aws:PrincipalArn": z === "raw" ? [roleArn(z), `arn:aws:iam::${DEV}:role/acme-sales-replication-dev-eu-west-1`] : [roleArn(z)] } },
      });
      // The ARN in the policy is the ARN of the role the stack creates for the zone.
      expect(resource(tf, "aws_iam_role", z).name).toBe(roleArn(z).split(":role/")[1]);
    }
  });

  it("puts no read guard on the access-log and audit buckets (no lake data there)", () => {
    for (const b of ["access_logs", "audit"]) {
      expect(policyOf(resource(tf, "aws_s3_bucket_policy", b)).Statement.map((st) => st.Sid), b).not.toContain("DenyObjectReadsOutsideLakeFormation");
    }
  });

  it("names the prod roles, and the prod read guards, after the prod account", () => {
    const prod = synthStackOf(model, "sales-prod");
    for (const z of ZONES) {
      expect(resource(prod, "aws_iam_role", z).name).toBe(roleName(z, "prod"));
      const guard = policyOf(resource(prod, "aws_s3_bucket_policy", z)).Statement.find((st) => st.Sid === "DenyObjectReadsOutsideLakeFormation")!;
      expect(guard.Condition).toEqual({ ArnNotEquals: { "aws:PrincipalArn": z === "raw" ? [roleArn(z, "prod", PROD), `arn:aws:iam::${PROD}:role/acme-sales-replication-prod-eu-west-1`] : [roleArn(z, "prod", PROD)] } });
      expect(policyOf(resource(prod, "aws_iam_role", z), "assume_role_policy").Statement[0]!.Condition).toEqual({ StringEquals: { "aws:SourceAccount": PROD } });
    }
  });
});

describe("DomainStack grants", () => {
  const PRINCIPALS = {
    dev: {
      analysts: `arn:aws:iam::${DEV}:role/analysts`,
      bi: `arn:aws:iam::${DEV}:role/bi`,
      "eu-team": `arn:aws:iam::${DEV}:role/eu-team`,
      science: "arn:aws:identitystore:::group/9a672b3314-d1b2c3d4-1111-2222-3333-444455556666",
      partner: "333333333333",
      admin: `arn:aws:iam::${DEV}:role/admin`,
    },
    prod: {
      analysts: `arn:aws:iam::${PROD}:role/analysts`,
      bi: `arn:aws:iam::${PROD}:role/bi`,
      "eu-team": `arn:aws:iam::${PROD}:role/eu-team`,
      science: "arn:aws:identitystore:::group/9a672b3314-d1b2c3d4-7777-8888-9999-000011112222",
      partner: "444444444444",
      admin: `arn:aws:iam::${PROD}:role/admin`,
    },
  } as const;

  const grantsModel = () => {
    const p = platformFixture();
    p.environments.dev.principals = PRINCIPALS.dev;
    p.environments.prod.principals = PRINCIPALS.prod;
    const d = domainFixture();
    d.tables.push({ name: "daily", zone: "curated", columns: [{ name: "day", type: "date" }, { name: "total", type: "decimal(18,2)" }] });
    d.access = [
      { name: "analysts", principal: "analysts", tags: { domain: ["sales"], confidentiality: ["internal"] } },
      { name: "bi", principal: "bi", tables: ["processed.orders", "curated.daily"] },
      { name: "eu-orders", principal: "eu-team", table: "processed.orders", mask: ["email"], rows: "not amount <= 10 and order_id != 'x'" },
      { name: "science-orders", principal: "science", table: "processed.orders", mask: ["email", "amount"] },
      { name: "partner-big", principal: "partner", table: "processed.orders", rows: "10 < amount" },
      { name: "daily-describe", principal: "partner", tables: ["curated.daily"], permissions: ["DESCRIBE"] },
      { name: "admin-daily", principal: "admin", tables: ["curated.daily"], permissions: ["SELECT", "ALTER"], grantable: true },
    ];
    return modelFrom(p, [d]);
  };
  const gm = grantsModel();
  const dev = synthStackOf(gm, "sales-dev");
  const prod = synthStackOf(gm, "sales-prod");
  const perms = (out: TfJson) => resourcesOf(out, "aws_lakeformation_permissions");
  const filters = (out: TfJson) => resourcesOf(out, "aws_lakeformation_data_cells_filter");
  const ORDERS = { database_name: "${aws_glue_catalog_table.processed__orders.database_name}", name: "${aws_glue_catalog_table.processed__orders.name}" };
  const DAILY = { database_name: "${aws_glue_catalog_table.curated__daily.database_name}", name: "${aws_glue_catalog_table.curated__daily.name}" };

  it("writes each grant as the resources of its kind, under the documented addresses", () => {
    expect(Object.keys(perms(dev)).sort()).toEqual(
      [
        "admin-daily--curated__daily",
        "admin-daily--curated__daily--table",
        "analysts",
        "bi--curated__daily",
        "bi--curated__daily--table",
        "bi--processed__orders",
        "bi--processed__orders--table",
        "daily-describe--curated__daily",
        "eu-orders",
        "partner-big",
        "science-orders",
      ].sort(),
    );
    expect(Object.keys(filters(dev)).sort()).toEqual(["eu-orders", "partner-big", "science-orders"]);
  });

  it("grants by LF-tag expression on tables, scoped to the domain", () => {
    expect(perms(dev).analysts).toEqual({
      catalog_id: DEV,
      principal: PRINCIPALS.dev.analysts,
      permissions: ["DESCRIBE", "SELECT"],
      lf_tag_policy: {
        catalog_id: DEV,
        resource_type: "TABLE",
        expression: [
          { key: "confidentiality", values: ["internal"] },
          { key: "domain", values: ["sales"] },
        ],
      },
    });
  });

  it("grants named tables: SELECT as the column wildcard, the rest on the table, each by reference to the table", () => {
    expect(perms(dev)["bi--processed__orders"]).toEqual({
      catalog_id: DEV,
      principal: PRINCIPALS.dev.bi,
      permissions: ["SELECT"],
      table_with_columns: { catalog_id: DEV, ...ORDERS, wildcard: true },
    });
    expect(perms(dev)["bi--processed__orders--table"]).toEqual({ catalog_id: DEV, principal: PRINCIPALS.dev.bi, permissions: ["DESCRIBE"], table: { catalog_id: DEV, ...ORDERS } });
    expect(perms(dev)["bi--curated__daily"]).toMatchObject({ permissions: ["SELECT"], table_with_columns: { ...DAILY, wildcard: true } });
    expect(perms(dev)["daily-describe--curated__daily"]).toEqual({ catalog_id: DEV, principal: "333333333333", permissions: ["DESCRIBE"], table: { catalog_id: DEV, ...DAILY } });
  });

  it("gives a grantable grant's permissions with the grant option, and no other grant any", () => {
    expect(perms(dev)["admin-daily--curated__daily"]).toMatchObject({ principal: PRINCIPALS.dev.admin, permissions: ["SELECT"], permissions_with_grant_option: ["SELECT"] });
    expect(perms(dev)["admin-daily--curated__daily--table"]).toMatchObject({ principal: PRINCIPALS.dev.admin, permissions: ["ALTER"], permissions_with_grant_option: ["ALTER"] });
    const withOption = Object.entries(perms(dev)).filter(([, r]) => r.permissions_with_grant_option !== undefined).map(([n]) => n);
    expect(withOption.sort()).toEqual(["admin-daily--curated__daily", "admin-daily--curated__daily--table"]);
  });

  it("masks columns and filters rows through a data-cells filter with the canonical row filter, and grants SELECT on it", () => {
    expect(filters(dev)["eu-orders"]).toEqual({
      table_data: [
        {
          ...{ database_name: ORDERS.database_name, table_name: ORDERS.name },
          table_catalog_id: DEV,
          name: "eu-orders",
          column_wildcard: [{ excluded_column_names: ["email"] }],
          row_filter: [{ filter_expression: "amount > 10 AND order_id <> 'x'" }],
        },
      ],
    });
    expect(perms(dev)["eu-orders"]).toEqual({
      catalog_id: DEV,
      principal: PRINCIPALS.dev["eu-team"],
      permissions: ["SELECT"],
      data_cells_filter: { database_name: ORDERS.database_name, table_name: ORDERS.name, table_catalog_id: DEV, name: "eu-orders" },
      depends_on: ["aws_lakeformation_data_cells_filter.eu-orders"],
    });
  });

  it("admits all rows when a filter only masks, and shows all columns when it only filters rows", () => {
    const science = (filters(dev)["science-orders"]!.table_data as Record<string, unknown>[])[0]!;
    expect(science.column_wildcard).toEqual([{ excluded_column_names: ["amount", "email"] }]);
    expect(science.row_filter).toEqual([{ all_rows_wildcard: [{}] }]);
    expect(perms(dev)["science-orders"]).toMatchObject({ principal: PRINCIPALS.dev.science, permissions: ["SELECT"] });
    const partner = (filters(dev)["partner-big"]!.table_data as Record<string, unknown>[])[0]!;
    expect(partner.column_wildcard).toEqual([{ excluded_column_names: [] }]);
    expect(partner.row_filter).toEqual([{ filter_expression: "amount > 10" }]);
    expect(perms(dev)["partner-big"]).toMatchObject({ principal: "333333333333", permissions: ["SELECT"] });
  });

  it("resolves every principal per environment from the platform's principals", () => {
    const byEnv = (out: TfJson) => Object.fromEntries(Object.entries(perms(out)).map(([n, r]) => [n, r.principal]));
    const expected = (env: "dev" | "prod") => ({
      "admin-daily--curated__daily": PRINCIPALS[env].admin,
      "admin-daily--curated__daily--table": PRINCIPALS[env].admin,
      analysts: PRINCIPALS[env].analysts,
      "bi--curated__daily": PRINCIPALS[env].bi,
      "bi--curated__daily--table": PRINCIPALS[env].bi,
      "bi--processed__orders": PRINCIPALS[env].bi,
      "bi--processed__orders--table": PRINCIPALS[env].bi,
      "daily-describe--curated__daily": PRINCIPALS[env].partner,
      "eu-orders": PRINCIPALS[env]["eu-team"],
      "partner-big": PRINCIPALS[env].partner,
      "science-orders": PRINCIPALS[env].science,
    });
    expect(byEnv(dev)).toEqual(expected("dev"));
    expect(byEnv(prod)).toEqual(expected("prod"));
    for (const r of Object.values(perms(prod))) expect(r.catalog_id).toBe(PROD);
    expect(JSON.stringify(prod.resource)).not.toContain(DEV);
  });

  it("grants to no principal the platform does not name, and never to IAM_ALLOWED_PRINCIPALS", () => {
    const known = new Set<unknown>(Object.values(PRINCIPALS.dev));
    for (const [n, r] of Object.entries(perms(dev))) expect(known.has(r.principal), n).toBe(true);
    expect(JSON.stringify(dev)).not.toMatch(/IAM_?ALLOWED_?PRINCIPALS/i);
  });

  it("writes no grant, filter or permission when the domain grants nothing", () => {
    expect(resourcesOf(tf, "aws_lakeformation_permissions")).toEqual({});
    expect(resourcesOf(tf, "aws_lakeformation_data_cells_filter")).toEqual({});
  });

  it("adds grants, and their consumers' Athena workgroups, without changing the stack's storage, registration and audit trail", () => {
    const strip = (x: TfJson) =>
      Object.fromEntries(
        Object.entries(x.resource).filter(
          // The catalog export (aws_s3_object.catalog_export) holds the grants, so it changes with them.
          ([t]) => !t.startsWith("aws_lakeformation_permissions") && t !== "aws_lakeformation_data_cells_filter" && t !== "aws_glue_catalog_table" && t !== "aws_lakeformation_resource_lf_tags" && t !== "aws_athena_workgroup" && t !== "aws_s3_object",
        ),
      );
    expect(strip(dev)).toEqual(strip(tf));
    expect(resourcesOf(tf, "aws_athena_workgroup")).toEqual({});
    expect(Object.keys(resourcesOf(dev, "aws_athena_workgroup")).length).toBeGreaterThan(0);
  });
});

describe("DomainStack artifacts bucket and ops key", () => {
  it("encrypts the artifacts bucket with SSE-KMS under the ops key, with bucket keys, and refuses uploads under any other key", () => {
    expect(rules(resource(tf, "aws_s3_bucket_server_side_encryption_configuration", "artifacts"))).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "${aws_kms_key.ops.arn}" }, bucket_key_enabled: true },
    ]);
    const policy = policyOf(resource(tf, "aws_s3_bucket_policy", "artifacts"));
    expect(policy.Statement.find((st) => st.Sid === "DenyUploadsWithOtherKeys")?.Condition).toEqual({
      StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "${aws_kms_key.ops.arn}" },
    });
  });

  it("puts no Lake Formation read guard on the artifacts bucket: jobs and Athena read it with IAM, and its policy grants nothing", () => {
    const policy = policyOf(resource(tf, "aws_s3_bucket_policy", "artifacts"));
    expect(policy.Statement.map((st) => st.Sid)).toEqual(["DenyInsecureTransport", "DenyOutdatedTls", "DenyUploadsNotSseKms", "DenyUploadsWithOtherKeys"]);
    expect(policy.Statement.every((st) => st.Effect === "Deny")).toBe(true);
    expect(resourcesOf(tf, "aws_lakeformation_resource")).not.toHaveProperty("artifacts");
    expect(resourcesOf(tf, "aws_s3_bucket_notification")).not.toHaveProperty("artifacts");
  });

  it("expires temp data after 7 days, query results after 30 and job logs after 90", () => {
    const [all, ...prefixes] = rules(resource(tf, "aws_s3_bucket_lifecycle_configuration", "artifacts"));
    expect(all).toMatchObject({ status: "Enabled", filter: [{}], noncurrent_version_expiration: [{ noncurrent_days: 30 }], abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] });
    expect(prefixes).toEqual([
      { id: "expire-tmp", status: "Enabled", filter: [{ prefix: "tmp/" }], expiration: [{ days: 7 }] },
      { id: "expire-athena", status: "Enabled", filter: [{ prefix: "athena/" }], expiration: [{ days: 30 }] },
      { id: "expire-logs", status: "Enabled", filter: [{ prefix: "logs/" }], expiration: [{ days: 90 }] },
    ]);
  });

  it("gives the ops key its alias, and lets CloudWatch Logs (for this account's log groups in this Region) and EventBridge (for this account) use it", () => {
    expect(resource(tf, "aws_kms_alias", "ops")).toEqual({ name: "alias/acme/dev/sales/ops", target_key_id: "${aws_kms_key.ops.key_id}" });
    expect(resource(tf, "aws_kms_key", "ops")).toMatchObject({ enable_key_rotation: true, multi_region: true, is_enabled: true });
    expect(policyOf(resource(tf, "aws_kms_key", "ops")).Statement).toEqual([
      { Sid: "AccountAdministersKeyThroughIam", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${DEV}:root` }, Action: "kms:*", Resource: "*" },
      {
        Sid: "AllowCloudWatchLogsToUseKey",
        Effect: "Allow",
        Principal: { Service: "logs.eu-west-1.amazonaws.com" },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:eu-west-1:${DEV}:log-group:*` } },
      },
      {
        Sid: "AllowEventBridgeToPublishEncrypted",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": DEV } },
      },
    ]);
  });

  it("creates no compute for a domain without jobs: no role, script, Glue, EMR or alarm resource", () => {
    expect(Object.keys(resourcesOf(tf, "aws_iam_role")).sort()).toEqual(["replication", ...ZONES].sort());
    // No script: the one object is the catalog export.
    expect(Object.keys(resourcesOf(tf, "aws_s3_object"))).toEqual(["catalog_export"]);
    for (const type of [
      "aws_glue_job",
      "aws_glue_security_configuration",
      "aws_glue_trigger",
      "aws_cloudwatch_log_group",
      "aws_emrserverless_application",
      "aws_security_group",
      "aws_sns_topic",
      "aws_cloudwatch_event_rule",
    ]) {
      expect(resourcesOf(tf, type), type).toEqual({});
    }
  });
});

describe("DomainStack jobs", () => {
  const ARTIFACTS = bucketName("artifacts");
  const SCRIPTS: Record<string, string> = {
    "jobs/conform_orders.py": "# Conform raw order events into processed.orders\nprint('conform')\n",
    "jobs/daily_totals.py": "# Daily totals\nprint('daily')\n",
    "jobs/backfill.py": "# Backfill\nprint('backfill')\n",
  };
  const PII = "Conforms e-mail addresses into processed; consumers see them only masked.";
  const jobsDomain = () => {
    const d = domainFixture();
    d.tables.push(
      { name: "order_events", zone: "raw", format: "json", columns: [{ name: "payload", type: "string" }], partitionKeys: [{ name: "ingest_date", type: "string" }] },
      { name: "daily", zone: "curated", columns: [{ name: "day", type: "date" }, { name: "total", type: "decimal(18,2)" }] },
    );
    d.jobs = [
      {
        name: "conform-orders",
        engine: "glue",
        script: "jobs/conform_orders.py",
        reads: ["raw.order_events"],
        writes: ["processed.orders"],
        workerType: "G.2X",
        workers: 4,
        schedule: "cron(0 1 * * ? *)",
        arguments: { "--window_days": "7" },
        processesPii: PII,
      },
      { name: "daily-totals", engine: "glue", script: "jobs/daily_totals.py", reads: ["processed.orders"], writes: ["curated.daily"], flex: true, bookmarks: false, after: ["conform-orders"], processesPii: PII },
      {
        name: "backfill",
        engine: "emr-serverless",
        script: "jobs/backfill.py",
        reads: ["raw.order_events", "processed.orders"],
        writes: ["curated.daily"],
        maximumCapacity: { cpu: "200 vCPU", memory: "800 GB" },
        idleTimeoutMinutes: 10,
        preInitialized: { drivers: 2, executors: 2 },
        processesPii: PII,
      },
    ];
    return d;
  };
  const jm = modelFrom(platformFixture(), [jobsDomain()], { sales: SCRIPTS });
  const jobs = synthStackOf(jm, "sales-dev");
  const sha = (text: string) => createHash("sha256").update(text).digest("hex");
  const scriptKey = (job: string, file: string) => `jobs/${job}/${sha(SCRIPTS[file]!).slice(0, 16)}.py`;
  const roleName = (job: string, env = "dev") => `acme-sales-job-${job}-${env}-eu-west-1`;
  const roleArn = (job: string) => `arn:aws:iam::${DEV}:role/${roleName(job)}`;
  const glue = (x: string) => `arn:aws:glue:eu-west-1:${DEV}:${x}`;
  /** The zone each Glue job of the fixture writes, so its security configuration and key. */
  const ZONE_OF: Record<string, string> = { "conform-orders": "processed", "daily-totals": "curated" };
  const logGroupArn = (job: string, kind: string) => `arn:aws:logs:eu-west-1:${DEV}:log-group:/aws-glue/jobs/acme-sales-dev-${ZONE_OF[job]}-role/${roleName(job)}/${kind}`;

  it("uploads each script into the artifacts bucket under jobs/<job>/<sha256[0:16]>.py, SSE-KMS under the ops key, content inline", () => {
    const objects = resourcesOf(jobs, "aws_s3_object");
    expect(Object.keys(objects).sort()).toEqual(["catalog_export", "script__backfill", "script__conform-orders", "script__daily-totals"]);
    for (const [job, file] of [["conform-orders", "jobs/conform_orders.py"], ["daily-totals", "jobs/daily_totals.py"], ["backfill", "jobs/backfill.py"]] as const) {
      expect(objects[`script__${job}`], job).toEqual({
        bucket: "${aws_s3_bucket.artifacts.id}",
        key: scriptKey(job, file),
        content: SCRIPTS[file],
        content_type: "text/x-python",
        server_side_encryption: "aws:kms",
        kms_key_id: "${aws_kms_key.ops.arn}",
        bucket_key_enabled: true,
      });
    }
  });

  it("gives each job a new script object when its script changes, and leaves the others alone", () => {
    const changed = synthStackOf(modelFrom(platformFixture(), [jobsDomain()], { sales: { ...SCRIPTS, "jobs/daily_totals.py": "print('daily, fixed')\n" } }), "sales-dev");
    const key = (out: TfJson, job: string) => resource(out, "aws_s3_object", `script__${job}`).key;
    expect(key(changed, "daily-totals")).not.toBe(key(jobs, "daily-totals"));
    expect(key(changed, "daily-totals")).toBe(`jobs/daily-totals/${sha("print('daily, fixed')\n").slice(0, 16)}.py`);
    expect(resource(changed, "aws_glue_job", "daily-totals").command).toMatchObject({ script_location: `s3://${ARTIFACTS}/${key(changed, "daily-totals")}` });
    expect(key(changed, "conform-orders")).toBe(key(jobs, "conform-orders"));
  });

  it("uploads a script holding ${ or %{ in Terraform's escapes, so Terraform reads no template into it", () => {
    const text = "spark.sql(\"SELECT * FROM t WHERE day = '${day}'\")\n# %{ if x }\n";
    const out = synthStackOf(modelFrom(platformFixture(), [jobsDomain()], { sales: { ...SCRIPTS, "jobs/daily_totals.py": text } }), "sales-dev");
    const o = resource(out, "aws_s3_object", "script__daily-totals");
    expect(o.content).toBe("spark.sql(\"SELECT * FROM t WHERE day = '$${day}'\")\n# %%{ if x }\n");
    // The key still hashes the script as written.
    expect(o.key).toBe(`jobs/daily-totals/${sha(text).slice(0, 16)}.py`);
  });

  it("gives each job its own role, assumed only by its engine's service, for this account only", () => {
    expect(Object.keys(resourcesOf(jobs, "aws_iam_role")).sort()).toEqual(["job__backfill", "job__conform-orders", "job__daily-totals", "replication", ...ZONES].sort());
    for (const [job, service] of [["conform-orders", "glue.amazonaws.com"], ["daily-totals", "glue.amazonaws.com"], ["backfill", "emr-serverless.amazonaws.com"]] as const) {
      const role = resource(jobs, "aws_iam_role", `job__${job}`);
      expect(role, job).toMatchObject({ name: roleName(job), max_session_duration: 3600 });
      expect(role, job).not.toHaveProperty("managed_policy_arns");
      expect(policyOf(role, "assume_role_policy").Statement, job).toEqual([
        { Sid: "ServiceAssumesRoleForThisAccountOnly", Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": DEV } } },
      ]);
      expect(resource(jobs, "aws_iam_role_policies_exclusive", `job__${job}`), job).toEqual({ role_name: `\${aws_iam_role.job__${job}.name}`, policy_names: ["run"] });
      expect(resource(jobs, "aws_iam_role_policy_attachments_exclusive", `job__${job}`), job).toEqual({ role_name: `\${aws_iam_role.job__${job}.name}`, policy_arns: [] });
    }
  });

  it("lets a Glue job's role reach its tables' catalog entries, its script, its temp prefix, the ops key and its zone's key, and its own log groups, and nothing else", () => {
    const p = resource(jobs, "aws_iam_role_policy", "job__conform-orders__run");
    expect(p).toMatchObject({ name: "run", role: "${aws_iam_role.job__conform-orders.name}" });
    expect(policyOf(p).Statement).toEqual([
      { Sid: "LakeFormationVendsDataCredentials", Effect: "Allow", Action: "lakeformation:GetDataAccess", Resource: "*" },
      {
        Sid: "ReadOwnTablesInCatalog",
        Effect: "Allow",
        Action: ["glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"],
        Resource: [glue("catalog"), glue("database/sales_processed_dev"), glue("database/sales_raw_dev"), glue("table/sales_processed_dev/orders"), glue("table/sales_raw_dev/order_events")],
      },
      {
        Sid: "UpdateWrittenTables",
        Effect: "Allow",
        Action: ["glue:UpdateTable", "glue:CreatePartition", "glue:BatchCreatePartition", "glue:UpdatePartition", "glue:DeletePartition", "glue:BatchDeletePartition"],
        Resource: [glue("catalog"), glue("database/sales_processed_dev"), glue("table/sales_processed_dev/orders")],
      },
      { Sid: "ReadOwnScript", Effect: "Allow", Action: "s3:GetObject", Resource: [`arn:aws:s3:::${ARTIFACTS}/${scriptKey("conform-orders", "jobs/conform_orders.py")}`] },
      { Sid: "UseOwnScratchSpace", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: [`arn:aws:s3:::${ARTIFACTS}/tmp/conform-orders/*`] },
      { Sid: "ListOwnScratchSpace", Effect: "Allow", Action: "s3:ListBucket", Resource: [`arn:aws:s3:::${ARTIFACTS}`], Condition: { StringLike: { "s3:prefix": ["tmp/conform-orders/*"] } } },
      // Its security configuration encrypts logs, bookmarks and what it writes (temp data too) with the key of the zone it writes.
      // (In any order: the next test pins the set.)
      { Sid: "UseArtifactKeys", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: expect.arrayContaining(["${aws_kms_key.ops.arn}", "${aws_kms_key.processed.arn}"]) },
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:AssociateKmsKey", "logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [logGroupArn("conform-orders", "error"), `${logGroupArn("conform-orders", "error")}:*`, logGroupArn("conform-orders", "output"), `${logGroupArn("conform-orders", "output")}:*`],
      },
      // --enable-metrics and observability metrics are published with the role's credentials, in Glue's namespace only.
      { Sid: "PublishJobMetrics", Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": "Glue" } } },
    ]);
  });

  it("lets an EMR Serverless job's role use its temp and log prefixes, and writes no log-group statement", () => {
    const statements = policyOf(resource(jobs, "aws_iam_role_policy", "job__backfill__run")).Statement;
    expect(statements.map((st) => st.Sid)).toEqual(["LakeFormationVendsDataCredentials", "ReadOwnTablesInCatalog", "UpdateWrittenTables", "ReadOwnScript", "UseOwnScratchSpace", "ListOwnScratchSpace", "UseArtifactKeys"]);
    expect(statements.find((st) => st.Sid === "UseOwnScratchSpace")!.Resource).toEqual([`arn:aws:s3:::${ARTIFACTS}/logs/backfill/*`, `arn:aws:s3:::${ARTIFACTS}/tmp/backfill/*`]);
    expect(statements.find((st) => st.Sid === "UpdateWrittenTables")!.Resource).toEqual([glue("catalog"), glue("database/sales_curated_dev"), glue("table/sales_curated_dev/daily")]);
    // No Glue security configuration: the ops key alone, though it writes curated.
    expect(statements.find((st) => st.Sid === "UseArtifactKeys")!.Resource).toEqual(["${aws_kms_key.ops.arn}"]);
  });

  it("gives each Glue job's role exactly the ops key and the key of the zone it writes", () => {
    for (const [job, zone] of Object.entries(ZONE_OF)) {
      const kms = policyOf(resource(jobs, "aws_iam_role_policy", `job__${job}__run`)).Statement.filter((st) => [st.Action].flat().some((a) => a.startsWith("kms:")));
      expect(kms.map((st) => st.Sid), job).toEqual(["UseArtifactKeys"]);
      expect([...(kms[0]!.Resource as string[])].sort(), job).toEqual(["${aws_kms_key.ops.arn}", `\${aws_kms_key.${zone}.arn}`].sort());
    }
  });

  it("never lets a job role read a zone bucket: the only S3 it reaches is the artifacts bucket", () => {
    for (const job of ["conform-orders", "daily-totals", "backfill"]) {
      const s3 = policyOf(resource(jobs, "aws_iam_role_policy", `job__${job}__run`))
        .Statement.filter((st) => [st.Action].flat().some((a) => a.startsWith("s3:")))
        .flatMap((st) => [st.Resource].flat());
      expect(s3.length, job).toBeGreaterThan(0);
      for (const r of s3) expect(r.startsWith(`arn:aws:s3:::${ARTIFACTS}`), `${job} ${r}`).toBe(true);
    }
  });

  it("runs each Glue job as its role, under the security configuration of the zone it writes, with Lake Formation fine-grained access and the Lakeform arguments", () => {
    expect(resource(jobs, "aws_glue_job", "conform-orders")).toEqual({
      name: "sales-dev-conform-orders",
      role_arn: "${aws_iam_role.job__conform-orders.arn}",
      glue_version: "5.0",
      command: { name: "glueetl", python_version: "3", script_location: `s3://${ARTIFACTS}/${scriptKey("conform-orders", "jobs/conform_orders.py")}` },
      worker_type: "G.2X",
      number_of_workers: 4,
      execution_class: "STANDARD",
      timeout: 60,
      max_retries: 1,
      security_configuration: "${aws_glue_security_configuration.glue__processed.name}",
      execution_property: { max_concurrent_runs: 1 },
      default_arguments: {
        "--database_curated": "sales_curated_dev",
        "--database_processed": "sales_processed_dev",
        "--database_raw": "sales_raw_dev",
        "--job-bookmark-option": "job-bookmark-enable",
        "--source_database": "sales_raw_dev",
        "--target_database": "sales_processed_dev",
        "--window_days": "7",
      },
      non_overridable_arguments: {
        "--TempDir": `s3://${ARTIFACTS}/tmp/conform-orders/`,
        "--enable-glue-datacatalog": "true",
        "--enable-lakeformation-fine-grained-access": "true",
        "--enable-metrics": "true",
        "--enable-observability-metrics": "true",
        "--enable-spark-ui": "false",
      },
      depends_on: ["aws_cloudwatch_log_group.conform-orders--error", "aws_cloudwatch_log_group.conform-orders--output"],
    });
    const daily = resource(jobs, "aws_glue_job", "daily-totals");
    expect(daily).toMatchObject({
      execution_class: "FLEX",
      worker_type: "G.1X",
      number_of_workers: 2,
      security_configuration: "${aws_glue_security_configuration.glue__curated.name}",
      default_arguments: expect.objectContaining({ "--job-bookmark-option": "job-bookmark-disable" }),
      non_overridable_arguments: expect.objectContaining({ "--enable-lakeformation-fine-grained-access": "true" }),
    });
    // Fine-grained access is fixed, never a default a run could override.
    expect(daily.default_arguments).not.toHaveProperty("--enable-lakeformation-fine-grained-access");
  });

  // The zone bucket's policy accepts uploads under the zone key only, so what a Glue job writes must be encrypted with it.
  it("has one security configuration per zone Glue jobs write, everything encrypted under that zone's key", () => {
    const config = (zone: string) => ({
      name: `acme-sales-dev-${zone}`,
      encryption_configuration: {
        cloudwatch_encryption: { cloudwatch_encryption_mode: "SSE-KMS", kms_key_arn: `\${aws_kms_key.${zone}.arn}` },
        job_bookmarks_encryption: { job_bookmarks_encryption_mode: "CSE-KMS", kms_key_arn: `\${aws_kms_key.${zone}.arn}` },
        s3_encryption: { s3_encryption_mode: "SSE-KMS", kms_key_arn: `\${aws_kms_key.${zone}.arn}` },
      },
    });
    expect(resourcesOf(jobs, "aws_glue_security_configuration")).toEqual({ glue__processed: config("processed"), glue__curated: config("curated") });
    // The key each names is the one its zone bucket is encrypted with (the EMR Serverless job, writing curated too, adds none).
    for (const zone of ["processed", "curated"]) {
      expect(rules(resource(jobs, "aws_s3_bucket_server_side_encryption_configuration", zone))[0]!.apply_server_side_encryption_by_default.kms_master_key_id, zone).toBe(`\${aws_kms_key.${zone}.arn}`);
    }
  });

  it("shares one security configuration between the Glue jobs writing one zone", () => {
    const d = jobsDomain();
    d.tables.push({ name: "weekly", zone: "curated", columns: [{ name: "week", type: "date" }] });
    d.jobs.push({ name: "weekly-totals", engine: "glue", script: "jobs/daily_totals.py", reads: ["processed.orders"], writes: ["curated.weekly"], processesPii: PII });
    const out = synthStackOf(modelFrom(platformFixture(), [d], { sales: SCRIPTS }), "sales-dev");
    expect(Object.keys(resourcesOf(out, "aws_glue_security_configuration")).sort()).toEqual(["glue__curated", "glue__processed"]);
    expect(resource(out, "aws_glue_job", "weekly-totals").security_configuration).toBe("${aws_glue_security_configuration.glue__curated.name}");
    expect(resource(out, "aws_glue_job", "daily-totals").security_configuration).toBe("${aws_glue_security_configuration.glue__curated.name}");
    // The artifacts bucket names the curated key once.
    const keys = policyOf(resource(out, "aws_s3_bucket_policy", "artifacts")).Statement.find((st) => st.Sid === "DenyUploadsWithOtherKeys")!.Condition!.StringNotEqualsIfExists!;
    expect(keys).toEqual({ "s3:x-amz-server-side-encryption-aws-kms-key-id": ["${aws_kms_key.ops.arn}", "${aws_kms_key.processed.arn}", "${aws_kms_key.curated.arn}"] });
  });

  it("runs a Glue job that writes no table under an ops-key configuration, glue__ops, and adds no upload key to the artifacts bucket", () => {
    const d = domainFixture();
    d.jobs = [{ name: "housekeeping", engine: "glue", script: "jobs/housekeeping.py", reads: [], writes: [] }];
    const out = synthStackOf(modelFrom(platformFixture(), [d], { sales: { "jobs/housekeeping.py": "print('tidy')\n" } }), "sales-dev");
    expect(resourcesOf(out, "aws_glue_security_configuration")).toEqual({
      glue__ops: {
        name: "acme-sales-dev-ops",
        encryption_configuration: {
          cloudwatch_encryption: { cloudwatch_encryption_mode: "SSE-KMS", kms_key_arn: "${aws_kms_key.ops.arn}" },
          job_bookmarks_encryption: { job_bookmarks_encryption_mode: "CSE-KMS", kms_key_arn: "${aws_kms_key.ops.arn}" },
          s3_encryption: { s3_encryption_mode: "SSE-KMS", kms_key_arn: "${aws_kms_key.ops.arn}" },
        },
      },
    });
    expect(resource(out, "aws_glue_job", "housekeeping").security_configuration).toBe("${aws_glue_security_configuration.glue__ops.name}");
    for (const kind of ["error", "output"]) {
      expect(resource(out, "aws_cloudwatch_log_group", `housekeeping--${kind}`), kind).toMatchObject({
        name: `/aws-glue/jobs/\${aws_glue_security_configuration.glue__ops.name}-role/${roleName("housekeeping")}/${kind}`,
        kms_key_id: "${aws_kms_key.ops.arn}",
      });
    }
    const statements = policyOf(resource(out, "aws_iam_role_policy", "job__housekeeping__run")).Statement;
    expect(statements.find((st) => st.Sid === "UseArtifactKeys")!.Resource).toEqual(["${aws_kms_key.ops.arn}"]);
    expect(statements.find((st) => st.Sid === "WriteOwnLogs")!.Resource).toContain(`arn:aws:logs:eu-west-1:${DEV}:log-group:/aws-glue/jobs/acme-sales-dev-ops-role/${roleName("housekeeping")}/error`);
    expect(policyOf(resource(out, "aws_s3_bucket_policy", "artifacts")).Statement.find((st) => st.Sid === "DenyUploadsWithOtherKeys")!.Condition).toEqual({
      StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "${aws_kms_key.ops.arn}" },
    });
  });

  it("lets the artifacts bucket take uploads under the ops key and the zone key of each Glue security configuration, and no other key", () => {
    const policy = policyOf(resource(jobs, "aws_s3_bucket_policy", "artifacts"));
    expect(policy.Statement.map((st) => st.Sid)).toEqual(["DenyInsecureTransport", "DenyOutdatedTls", "DenyUploadsNotSseKms", "DenyUploadsWithOtherKeys"]);
    expect(policy.Statement.find((st) => st.Sid === "DenyUploadsWithOtherKeys")).toEqual({
      Sid: "DenyUploadsWithOtherKeys",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: "s3:PutObject",
      Resource: `arn:aws:s3:::${ARTIFACTS}/*`,
      Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": ["${aws_kms_key.ops.arn}", "${aws_kms_key.processed.arn}", "${aws_kms_key.curated.arn}"] } },
    });
    // Exactly the keys of the security configurations, besides the ops key (the raw key, which no Glue job writes with, is not among them).
    const configKeys = Object.values(resourcesOf(jobs, "aws_glue_security_configuration")).map((c) => (c.encryption_configuration as { s3_encryption: { kms_key_arn: string } }).s3_encryption.kms_key_arn);
    const listed = policy.Statement.find((st) => st.Sid === "DenyUploadsWithOtherKeys")!.Condition!.StringNotEqualsIfExists!["s3:x-amz-server-side-encryption-aws-kms-key-id"];
    expect([...(listed as string[])].sort()).toEqual(["${aws_kms_key.ops.arn}", ...configKeys].sort());
    // The bucket's default stays the ops key, and every zone bucket still takes only its own key.
    expect(rules(resource(jobs, "aws_s3_bucket_server_side_encryption_configuration", "artifacts"))[0]!.apply_server_side_encryption_by_default.kms_master_key_id).toBe("${aws_kms_key.ops.arn}");
    for (const zone of ZONES) {
      expect(policyOf(resource(jobs, "aws_s3_bucket_policy", zone)).Statement.find((st) => st.Sid === "DenyUploadsWithOtherKeys")!.Condition, zone).toEqual({
        StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": `\${aws_kms_key.${zone}.arn}` },
      });
    }
  });

  it("creates each Glue job's log groups under the key of the zone it writes, named as its role's policy names them", () => {
    const groups = resourcesOf(jobs, "aws_cloudwatch_log_group");
    expect(Object.keys(groups).sort()).toEqual(["conform-orders--error", "conform-orders--output", "daily-totals--error", "daily-totals--output"]);
    for (const [n, g] of Object.entries(groups)) {
      const [job, kind] = n.split("--") as [string, string];
      const zone = ZONE_OF[job]!;
      const config = `\${aws_glue_security_configuration.glue__${zone}.name}`;
      expect(g, n).toEqual({ name: `/aws-glue/jobs/${config}-role/${roleName(job)}/${kind}`, kms_key_id: `\${aws_kms_key.${zone}.arn}`, retention_in_days: 400, log_group_class: "STANDARD" });
      // The same key as the security configuration the job runs with, which encrypts these logs.
      expect(resource(jobs, "aws_glue_job", job).security_configuration, n).toBe(config);
      // The role's policy names the same group, the security configuration's name resolved.
      const arn = `arn:aws:logs:eu-west-1:${DEV}:log-group:${(g.name as string).replace(config, `acme-sales-dev-${zone}`)}`;
      const logs = policyOf(resource(jobs, "aws_iam_role_policy", `job__${job}__run`)).Statement.find((st) => st.Sid === "WriteOwnLogs")!;
      expect(logs.Resource, n).toEqual(expect.arrayContaining([arn, `${arn}:*`]));
    }
  });

  it("starts a scheduled job from a cron trigger, and a dependent job when the jobs it waits for have succeeded", () => {
    const triggers = resourcesOf(jobs, "aws_glue_trigger");
    expect(Object.keys(triggers).sort()).toEqual(["conform-orders", "daily-totals--after"]);
    expect(triggers["conform-orders"]).toEqual({
      name: "sales-dev-conform-orders-schedule",
      type: "SCHEDULED",
      schedule: "cron(0 1 * * ? *)",
      start_on_creation: true,
      actions: [{ job_name: "${aws_glue_job.conform-orders.name}" }],
    });
    expect(triggers["daily-totals--after"]).toEqual({
      name: "sales-dev-daily-totals-after",
      type: "CONDITIONAL",
      start_on_creation: true,
      predicate: { logical: "AND", conditions: [{ job_name: "sales-dev-conform-orders", logical_operator: "EQUALS", state: "SUCCEEDED" }] },
      actions: [{ job_name: "${aws_glue_job.daily-totals.name}" }],
      // The predicate names jobs by name, so Terraform is told to create them first.
      depends_on: ["aws_glue_job.conform-orders"],
    });
    // The predicate names a job of this stack, and the one depends_on names.
    expect(resource(jobs, "aws_glue_job", "conform-orders").name).toBe("sales-dev-conform-orders");
    // The scheduled trigger waits for nothing.
    expect(triggers["conform-orders"]).not.toHaveProperty("depends_on");
  });

  describe("jobs listed before the jobs they wait for", () => {
    const glueJob = (name: string, after: string[] = []) => ({
      name,
      engine: "glue",
      script: "jobs/daily_totals.py",
      reads: ["processed.orders"],
      writes: ["curated.daily"],
      ...(after.length > 0 ? { after } : { schedule: "cron(0 1 * * ? *)" }),
      processesPii: PII,
    });
    const withJobs = (list: Record<string, unknown>[]) => {
      const d = jobsDomain();
      d.jobs = list;
      return synthStackOf(modelFrom(platformFixture(), [d], { sales: SCRIPTS }), "sales-dev");
    };
    const waitsFor = (out: TfJson, job: string) => {
      const t = resource(out, "aws_glue_trigger", `${job}--after`);
      return { depends_on: t.depends_on, predicate: (t.predicate as { conditions: { job_name: string }[] }).conditions.map((c) => c.job_name) };
    };

    it("still gives a trigger a depends_on on the job it waits for when that job comes later in the manifest", () => {
      const out = withJobs([glueJob("report", ["load"]), glueJob("load")]);
      expect(waitsFor(out, "report")).toEqual({ depends_on: ["aws_glue_job.load"], predicate: ["sales-dev-load"] });
      expect(resource(out, "aws_glue_job", "load").name).toBe("sales-dev-load");
    });

    it("orders a chain listed backwards, and a job waiting for two, and names in each depends_on only jobs of the stack", () => {
      const out = withJobs([glueJob("step-c", ["step-b"]), glueJob("step-d", ["step-c", "step-a"]), glueJob("step-b", ["step-a"]), glueJob("step-a")]);
      expect(waitsFor(out, "step-b")).toEqual({ depends_on: ["aws_glue_job.step-a"], predicate: ["sales-dev-step-a"] });
      expect(waitsFor(out, "step-c")).toEqual({ depends_on: ["aws_glue_job.step-b"], predicate: ["sales-dev-step-b"] });
      expect(waitsFor(out, "step-d")).toEqual({ depends_on: ["aws_glue_job.step-c", "aws_glue_job.step-a"], predicate: ["sales-dev-step-a", "sales-dev-step-c"] });
      const jobsOf = resourcesOf(out, "aws_glue_job");
      for (const t of Object.values(resourcesOf(out, "aws_glue_trigger"))) {
        for (const dep of (t.depends_on as string[] | undefined) ?? []) expect(jobsOf, dep).toHaveProperty(dep.replace(/^aws_glue_job\./, ""));
      }
    });

    it("synthesizes the same resources whatever the order the manifest lists the jobs in", () => {
      const strip = (out: TfJson) => JSON.parse(JSON.stringify(out.resource, (k, v) => (k === "//" ? undefined : v)));
      const inOrder = withJobs([glueJob("step-a"), glueJob("step-b", ["step-a"]), glueJob("step-c", ["step-b"])]);
      const backwards = withJobs([glueJob("step-c", ["step-b"]), glueJob("step-b", ["step-a"]), glueJob("step-a")]);
      expect(strip(backwards)).toEqual(strip(inOrder));
    });
  });

  it("runs an EMR Serverless job on an ARM64, auto-stopping, capped application in the private subnets behind its own security group", () => {
    expect(resource(jobs, "aws_emrserverless_application", "backfill")).toEqual({
      name: "sales-dev-backfill",
      type: "spark",
      release_label: "emr-7.12.0",
      architecture: "ARM64",
      auto_start_configuration: { enabled: true },
      auto_stop_configuration: { enabled: true, idle_timeout_minutes: 10 },
      maximum_capacity: { cpu: "200 vCPU", memory: "800 GB" },
      initial_capacity: [
        { initial_capacity_type: "Driver", initial_capacity_config: { worker_count: 2, worker_configuration: { cpu: "4 vCPU", memory: "16 GB" } } },
        { initial_capacity_type: "Executor", initial_capacity_config: { worker_count: 2, worker_configuration: { cpu: "4 vCPU", memory: "16 GB" } } },
      ],
      interactive_configuration: { livy_endpoint_enabled: false, studio_enabled: false },
      network_configuration: { subnet_ids: ["subnet-0123456789abcdef1", "subnet-0123456789abcdef2"], security_group_ids: ["${aws_security_group.backfill.id}"] },
    });
    const sg = resource(jobs, "aws_security_group", "backfill");
    expect(sg).toMatchObject({ name: "sales-dev-backfill-emr-serverless", vpc_id: "vpc-0123456789abcdef0", ingress: [] });
    expect((sg.egress as Record<string, unknown>[]).map((e) => [e.protocol, e.from_port, e.to_port, e.cidr_blocks, e.prefix_list_ids])).toEqual([
      ["tcp", 443, 443, ["10.0.0.0/16"], null],
      ["tcp", 443, 443, null, ["pl-6da54004"]],
    ]);
    expect(resourcesOf(jobs, "aws_emr_cluster")).toEqual({});
    expect(resourcesOf(jobs, "aws_glue_job")).not.toHaveProperty("backfill");
  });

  it("grants each job SELECT and DESCRIBE on what it reads, and ALTER, DELETE, DESCRIBE, INSERT and SELECT on what it writes, to its role once it exists", () => {
    const perms = resourcesOf(jobs, "aws_lakeformation_permissions");
    const table = (zone: string, t: string) => ({ database_name: `\${aws_glue_catalog_table.${zone}__${t}.database_name}`, name: `\${aws_glue_catalog_table.${zone}__${t}.name}` });
    const expected: Record<string, [string, string, string, string[]]> = {};
    const add = (job: string, kind: "reads" | "writes", zone: string, t: string) => {
      expected[`job-${job}-${kind}--${zone}__${t}`] = [job, zone, t, ["SELECT"]];
      expected[`job-${job}-${kind}--${zone}__${t}--table`] = [job, zone, t, kind === "reads" ? ["DESCRIBE"] : ["ALTER", "DELETE", "DESCRIBE", "INSERT"]];
    };
    add("conform-orders", "reads", "raw", "order_events");
    add("conform-orders", "writes", "processed", "orders");
    add("daily-totals", "reads", "processed", "orders");
    add("daily-totals", "writes", "curated", "daily");
    add("backfill", "reads", "processed", "orders");
    add("backfill", "reads", "raw", "order_events");
    add("backfill", "writes", "curated", "daily");
    expect(Object.keys(perms).sort()).toEqual(Object.keys(expected).sort());
    for (const [n, [job, zone, t, permissions]] of Object.entries(expected)) {
      const onTable = n.endsWith("--table");
      expect(perms[n], n).toEqual({
        catalog_id: DEV,
        principal: roleArn(job),
        permissions,
        ...(onTable ? { table: { catalog_id: DEV, ...table(zone, t) } } : { table_with_columns: { catalog_id: DEV, ...table(zone, t), wildcard: true } }),
        depends_on: [`aws_iam_role.job__${job}`],
      });
    }
    // The principal is the ARN of the role the stack creates for the job.
    for (const job of ["conform-orders", "daily-totals", "backfill"]) expect(resource(jobs, "aws_iam_role", `job__${job}`).name).toBe(roleArn(job).split(":role/")[1]);
  });

  it("gives jobs no Athena workgroup", () => {
    expect(resourcesOf(jobs, "aws_athena_workgroup")).toEqual({});
  });

  it("alarms on failed runs of exactly this stack's Glue jobs and EMR Serverless applications, through the ops-key topic", () => {
    const pattern = (n: string) => JSON.parse(resource(jobs, "aws_cloudwatch_event_rule", n).event_pattern as string);
    expect(Object.keys(resourcesOf(jobs, "aws_cloudwatch_event_rule")).sort()).toEqual(["alerts--emr-serverless-jobs", "alerts--glue-jobs"]);
    expect(pattern("alerts--glue-jobs").detail).toEqual({ jobName: ["sales-dev-conform-orders", "sales-dev-daily-totals"], state: ["ERROR", "FAILED", "TIMEOUT"] });
    expect(pattern("alerts--emr-serverless-jobs").detail).toEqual({ applicationId: ["${aws_emrserverless_application.backfill.id}"], state: ["FAILED"] });
    expect(resource(jobs, "aws_sns_topic", "alerts")).toEqual({ name: "acme-sales-dev-alerts", kms_master_key_id: "${aws_kms_key.ops.arn}" });
    expect(resource(jobs, "aws_sns_topic_subscription", "alerts")).toMatchObject({ protocol: "email", endpoint: "sales@example.com" });
  });

  describe("in the examples", () => {
    const repo = resolve(import.meta.dirname, "../..");
    let cdr: TfJson;
    let clickstream: TfJson;
    let examples: Awaited<ReturnType<typeof loadAndValidate>>;
    beforeAll(async () => {
      examples = await loadAndValidate(repo);
      if (!examples.ok) throw new Error(JSON.stringify(examples.problems));
      cdr = synthStackOf(examples.model, "cdr-dev");
      clickstream = synthStackOf(examples.model, "clickstream-dev");
    });

    it("uploads each job's script exactly as the file under domains/, keyed by its content hash", () => {
      const manifest = YAML.parse(readFileSync(join(repo, "domains/cdr/domain.yaml"), "utf8")) as { jobs: { name: string; script: string }[] };
      expect(manifest.jobs.map((j) => j.name)).toEqual(["conform-calls", "subscriber-daily", "fraud-reprocessing", "cell-traffic"]);
      // The scripts, the pipeline's DAG (tested with the pipelines, below) and the catalog export.
      expect(Object.keys(resourcesOf(cdr, "aws_s3_object")).sort()).toEqual(["catalog_export", "dag", ...manifest.jobs.map((j) => `script__${j.name}`)].sort());
      for (const j of manifest.jobs) {
        const text = readFileSync(join(repo, "domains/cdr", j.script), "utf8");
        const o = resource(cdr, "aws_s3_object", `script__${j.name}`);
        // Exactly the file, in Terraform's escapes (which give the text back byte for byte).
        expect(o.content, j.name).toBe(escapeTemplates(text));
        expect(o.key, j.name).toBe(`jobs/${j.name}/${sha(text).slice(0, 16)}.py`);
        expect(o, j.name).not.toHaveProperty("source");
      }
    });

    it("wires the Glue jobs to the security configurations of the zones they write, starts them from the pipeline (no Glue trigger), and the EMR Serverless job to its application", () => {
      expect(Object.keys(resourcesOf(cdr, "aws_glue_job")).sort()).toEqual(["conform-calls", "subscriber-daily"]);
      // conform-calls writes processed.calls, subscriber-daily curated.subscriber_daily.
      expect(Object.keys(resourcesOf(cdr, "aws_glue_security_configuration")).sort()).toEqual(["crawlers", "glue__curated", "glue__processed"]);
      expect(resource(cdr, "aws_glue_security_configuration", "glue__processed").name).toBe("acme-cdr-dev-processed");
      expect(resource(cdr, "aws_glue_security_configuration", "glue__curated").name).toBe("acme-cdr-dev-curated");
      expect(resource(cdr, "aws_glue_job", "conform-calls").security_configuration).toBe("${aws_glue_security_configuration.glue__processed.name}");
      expect(resource(cdr, "aws_glue_job", "subscriber-daily").security_configuration).toBe("${aws_glue_security_configuration.glue__curated.name}");
      expect(resource(cdr, "aws_cloudwatch_log_group", "conform-calls--error").kms_key_id).toBe("${aws_kms_key.processed.arn}");
      expect(resource(cdr, "aws_cloudwatch_log_group", "subscriber-daily--error").kms_key_id).toBe("${aws_kms_key.curated.arn}");
      // cdr's pipeline runs both Glue jobs (conform_calls, then subscriber_daily), so neither has a schedule or trigger of its own (its one trigger starts a crawl).
      expect(Object.values(resourcesOf(cdr, "aws_glue_trigger")).filter((t) => t.type !== "EVENT")).toEqual([]);
      // clickstream's campaign-hourly is in no pipeline: it keeps its own scheduled trigger.
      expect(Object.keys(resourcesOf(clickstream, "aws_glue_trigger")).filter((n) => !n.startsWith("discovery__"))).toEqual(["campaign-hourly"]);
      expect(resource(clickstream, "aws_glue_trigger", "campaign-hourly")).toMatchObject({ type: "SCHEDULED", schedule: "cron(15 * * * ? *)" });
      expect(resource(cdr, "aws_emrserverless_application", "fraud-reprocessing")).toMatchObject({
        maximum_capacity: { cpu: "800 vCPU", memory: "3200 GB" },
        auto_stop_configuration: { enabled: true, idle_timeout_minutes: 10 },
        network_configuration: { subnet_ids: ["subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012", "subnet-0a1b2c3d4e5f60013"], security_group_ids: ["${aws_security_group.fraud-reprocessing.id}"] },
      });
      expect(resource(cdr, "aws_security_group", "fraud-reprocessing").vpc_id).toBe("vpc-0a1b2c3d4e5f60001");
    });
  });
});

describe("DomainStack pipeline and quality gates", () => {
  const PII = "Conforms e-mail addresses into processed; consumers see them only masked.";
  const QUALITY_ROLE = (env = "dev", account = DEV) => `arn:aws:iam::${account}:role/acme-sales-quality-${env}-eu-west-1`;
  const MWAA_BUCKET = (env = "dev", account = DEV) => `acme-platform-airflow-${env}-${account}-eu-west-1`;
  /** Orders conformed, gated on their rules, then totalled and backfilled, and the totals gated on theirs. */
  const pipelineDomain = () => {
    const d = domainFixture();
    d.tables[0].quality = ['IsComplete "order_id"', 'IsUnique "order_id"', 'Freshness "order_date" <= 36 hours'];
    d.tables.push(
      { name: "order_events", zone: "raw", format: "json", columns: [{ name: "payload", type: "string" }], partitionKeys: [{ name: "ingest_date", type: "string" }] },
      { name: "daily", zone: "curated", columns: [{ name: "day", type: "date" }, { name: "total", type: "decimal(18,2)" }], quality: ["RowCount > 0", 'IsComplete "day"'] },
    );
    d.jobs = [
      { name: "conform-orders", engine: "glue", script: "jobs/conform_orders.py", reads: ["raw.order_events"], writes: ["processed.orders"], processesPii: PII },
      { name: "daily-totals", engine: "glue", script: "jobs/daily_totals.py", reads: ["processed.orders"], writes: ["curated.daily"], processesPii: PII },
      { name: "backfill", engine: "emr-serverless", script: "jobs/backfill.py", reads: ["raw.order_events"], writes: ["curated.daily"], maximumCapacity: { cpu: "200 vCPU", memory: "800 GB" }, processesPii: PII },
    ];
    d.pipeline = {
      schedule: "30 3 * * *",
      slaMinutes: 120,
      tasks: [
        { name: "conform", job: "conform-orders" },
        { name: "orders_quality", quality: "processed.orders", after: ["conform"] },
        { name: "daily", job: "daily-totals", after: ["orders_quality"] },
        { name: "backfill", job: "backfill", after: ["conform"] },
        { name: "daily_quality", quality: "curated.daily", after: ["daily", "backfill"] },
      ],
    };
    return d;
  };
  const pm = modelFrom(platformFixture(), [pipelineDomain()]);
  const ptf = synthStackOf(pm, "sales-dev");
  /** Terraform references that stay live in a text (`${…}` not escaped as `$${…}`). */
  const liveReferences = (text: string) => text.match(/(?<!\$)\$\{[^}]*\}/g) ?? [];

  it("uploads the rendered DAG into the environment's MWAA bucket under dags/<domain>_<env>.py, the EMR Serverless application ID filled in by reference", () => {
    for (const [env, account] of [["dev", DEV], ["prod", PROD]] as const) {
      const dep = deploymentOf(pm, `sales-${env}`);
      const o = resource(synthStackOf(pm, `sales-${env}`), "aws_s3_object", "dag");
      // The platform stack's bucket, named literally: the model's name for it, and no reference across stacks.
      expect(o.bucket, env).toBe(pm.environments.find((e) => e.name === env)!.mwaa.bucket.name);
      expect(o.bucket, env).toBe(MWAA_BUCKET(env, account));
      expect(o.key, env).toBe(`dags/sales_${env}.py`);
      expect(o.content_type, env).toBe("text/x-python");
      // Exactly the renderer's bytes, escaped for Terraform, with the placeholder swapped for the live reference.
      const expected = escapeTemplates(renderDag(dep.pipeline!.dag)).split(emrServerlessPlaceholder("backfill")).join("${aws_emrserverless_application.backfill.id}");
      expect(o.content, env).toBe(expected);
      expect(o.content, env).not.toContain("__LAKEFORM_EMR_SERVERLESS_APPLICATION_");
      expect(liveReferences(o.content as string), env).toEqual(["${aws_emrserverless_application.backfill.id}"]);
      expect(o, env).not.toHaveProperty("source");
      // Encryption headers are left unasserted: the object relies on the bucket's default key, but the bucket's
      // DenyUploadsNotSseKms (StringNotEqualsIfExists) may refuse an upload that names none; that is for the source to settle.
    }
    expect(resourcesOf(ptf, "aws_s3_object").dag).toBeDefined();
  });

  it("escapes ${ and %{ in the DAG's own strings, so only the application reference is a Terraform template", () => {
    const d = pipelineDomain();
    d.description = "Orders: ${var.x} and %{ if true }";
    const o = resource(synthStackOf(modelFrom(platformFixture(), [d]), "sales-dev"), "aws_s3_object", "dag");
    expect(o.content).toContain(JSON.stringify("Orders: $${var.x} and %%{ if true }"));
    expect(liveReferences(o.content as string)).toEqual(["${aws_emrserverless_application.backfill.id}"]);
  });

  it("writes no DAG, ruleset, quality role or quality alarm for a domain without a pipeline or rules", () => {
    expect(Object.keys(resourcesOf(tf, "aws_s3_object"))).toEqual(["catalog_export"]);
    expect(resourcesOf(tf, "aws_glue_data_quality_ruleset")).toEqual({});
    expect(resourcesOf(tf, "aws_iam_role").quality).toBeUndefined();
    expect(resourcesOf(tf, "aws_cloudwatch_event_rule")).toEqual({});
    expect(Object.keys(resourcesOf(tf, "aws_lakeformation_permissions")).filter((n) => n.startsWith("quality-"))).toEqual([]);
    // Rules without a pipeline: the tables' rulesets, the quality role and its alarm exist (the rules are the tables'), but no DAG is uploaded.
    const d = pipelineDomain();
    delete d.pipeline;
    const noDag = synthStackOf(modelFrom(platformFixture(), [d]), "sales-dev");
    expect(Object.keys(resourcesOf(noDag, "aws_glue_data_quality_ruleset")).sort()).toEqual(["curated__daily", "processed__orders"]);
    expect(resourcesOf(noDag, "aws_iam_role").quality).toBeDefined();
    expect(Object.keys(resourcesOf(noDag, "aws_s3_object")).filter((n) => !n.startsWith("script__"))).toEqual(["catalog_export"]);
  });

  it("creates one Glue Data Quality ruleset per table with rules, bound to the table by reference, with the rules as Glue takes them", () => {
    expect(resourcesOf(ptf, "aws_glue_data_quality_ruleset")).toEqual({
      curated__daily: {
        name: "sales-dev-curated-daily",
        description: "Quality rules of curated.daily",
        ruleset: 'Rules = [\n    RowCount > 0,\n    IsComplete "day"\n]',
        target_table: { catalog_id: DEV, database_name: "${aws_glue_catalog_table.curated__daily.database_name}", table_name: "${aws_glue_catalog_table.curated__daily.name}" },
      },
      processed__orders: {
        name: "sales-dev-processed-orders",
        description: "Quality rules of processed.orders",
        // Freshness is Lakeform's alias; Glue is given DataFreshness.
        ruleset: 'Rules = [\n    IsComplete "order_id",\n    IsUnique "order_id",\n    DataFreshness "order_date" <= 36 hours\n]',
        target_table: { catalog_id: DEV, database_name: "${aws_glue_catalog_table.processed__orders.database_name}", table_name: "${aws_glue_catalog_table.processed__orders.name}" },
      },
    });
    expect(resource(synthStackOf(pm, "sales-prod"), "aws_glue_data_quality_ruleset", "curated__daily")).toMatchObject({ name: "sales-prod-curated-daily", target_table: { catalog_id: PROD } });
  });

  it("evaluates the rules as the domain's quality role: trusted by Glue for this account, catalog reads of those tables, Lake Formation credentials and the ops key, nothing else", () => {
    const role = resource(ptf, "aws_iam_role", "quality");
    expect(role.name).toBe("acme-sales-quality-dev-eu-west-1");
    expect(policyOf(role, "assume_role_policy").Statement).toEqual([
      {
        Sid: "ServiceAssumesRoleForThisAccountOnly",
        Effect: "Allow",
        Principal: { Service: "glue.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": DEV } },
      },
    ]);
    const glue = (x: string) => `arn:aws:glue:eu-west-1:${DEV}:${x}`;
    expect(policyOf(resource(ptf, "aws_iam_role_policy", "quality__run"))).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "LakeFormationVendsDataCredentials", Effect: "Allow", Action: "lakeformation:GetDataAccess", Resource: "*" },
        {
          Sid: "ReadOwnTablesInCatalog",
          Effect: "Allow",
          Action: ["glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"],
          Resource: [glue("catalog"), glue("database/sales_curated_dev"), glue("database/sales_processed_dev"), glue("table/sales_curated_dev/daily"), glue("table/sales_processed_dev/orders")],
        },
        { Sid: "UseArtifactKeys", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: ["${aws_kms_key.ops.arn}"] },
      ],
    });
    expect(Object.keys(resourcesOf(ptf, "aws_iam_role_policy")).filter((n) => n.startsWith("quality"))).toEqual(["quality__run"]);
    expect(resource(ptf, "aws_iam_role_policies_exclusive", "quality").policy_names).toEqual(["run"]);
    expect(resource(ptf, "aws_iam_role_policy_attachments_exclusive", "quality").policy_arns).toEqual([]);
  });

  it("lets the quality role SELECT and DESCRIBE exactly the tables with rules through Lake Formation, once the role exists", () => {
    const grants = Object.entries(resourcesOf(ptf, "aws_lakeformation_permissions")).filter(([n]) => n.startsWith("quality-"));
    expect(grants.map(([n]) => n).sort()).toEqual([
      "quality-reads--curated__daily",
      "quality-reads--curated__daily--table",
      "quality-reads--processed__orders",
      "quality-reads--processed__orders--table",
    ]);
    for (const t of ["curated__daily", "processed__orders"]) {
      const ref = { catalog_id: DEV, database_name: `\${aws_glue_catalog_table.${t}.database_name}`, name: `\${aws_glue_catalog_table.${t}.name}` };
      expect(resource(ptf, "aws_lakeformation_permissions", `quality-reads--${t}`), t).toEqual({
        catalog_id: DEV,
        principal: QUALITY_ROLE(),
        permissions: ["SELECT"],
        table_with_columns: { ...ref, wildcard: true },
        depends_on: ["aws_iam_role.quality"],
      });
      expect(resource(ptf, "aws_lakeformation_permissions", `quality-reads--${t}--table`), t).toEqual({
        catalog_id: DEV,
        principal: QUALITY_ROLE(),
        permissions: ["DESCRIBE"],
        table: ref,
        depends_on: ["aws_iam_role.quality"],
      });
    }
    // In the model: the grant is the quality role's, named job:quality, with its fixed reason for reading PII (orders.email).
    const g = deploymentOf(pm, "sales-dev").grants.find((x) => x.name === "quality-reads")!;
    expect(g).toMatchObject({
      source: "jobs",
      principal: { name: "job:quality", id: QUALITY_ROLE(), kind: "job", external: false },
      piiReason: "Glue Data Quality evaluates rules over whole rows; results hold counts, not values.",
      grantable: false,
    });
  });

  it("alarms on failed quality evaluations of exactly this stack's rulesets, through the alerts topic", () => {
    expect(Object.keys(resourcesOf(ptf, "aws_cloudwatch_event_rule")).sort()).toEqual(["alerts--emr-serverless-jobs", "alerts--glue-jobs", "alerts--quality"]);
    const rule = resource(ptf, "aws_cloudwatch_event_rule", "alerts--quality");
    expect({ ...rule, event_pattern: undefined }).toEqual({ name: "acme-sales-dev-alerts-quality", description: "Failed quality evaluations of sales-dev", state: "ENABLED", event_pattern: undefined });
    expect(JSON.parse(rule.event_pattern as string)).toEqual({
      source: ["aws.glue-dataquality"],
      "detail-type": ["Data Quality Evaluation Results Available"],
      detail: { rulesetNames: ["sales-dev-curated-daily", "sales-dev-processed-orders"], state: ["FAILED"] },
    });
    expect(resource(ptf, "aws_cloudwatch_event_target", "alerts--quality")).toEqual({ rule: "${aws_cloudwatch_event_rule.alerts--quality.name}", arn: "${aws_sns_topic.alerts.arn}", target_id: "alerts" });
    const publish = policyOf(resource(ptf, "aws_sns_topic_policy", "alerts")).Statement.find((st) => st.Sid === "AllowFailureRules")!;
    expect(publish.Condition!.ArnEquals!["aws:SourceArn"]).toContain(`arn:aws:events:eu-west-1:${DEV}:rule/acme-sales-dev-alerts-quality`);
  });

  describe("in the examples", () => {
    const repo = resolve(import.meta.dirname, "../..");
    const scratch = mkdtempSync(join(tmpdir(), "lakeform-dag-compile-"));
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));
    let examples: Model;
    let stacks: Record<string, TfJson>;
    beforeAll(async () => {
      const r = await loadAndValidate(repo);
      if (!r.ok) throw new Error(JSON.stringify(r.problems));
      examples = r.model;
      stacks = Object.fromEntries(r.model.stacks.filter((s) => s.kind === "domain").map((s) => [s.name, synthStackOf(r.model, s.name)]));
    });

    /** The examples' pipelines, written out by hand: each task's operator, and the tasks it runs after. */
    const TASKS: Record<string, Record<string, { operator: string; after: string[] }>> = {
      cdr: {
        conform_calls: { operator: "GlueJobOperator", after: [] },
        subscriber_daily: { operator: "GlueJobOperator", after: ["conform_calls"] },
        cell_traffic: { operator: "StepFunctionStartExecutionOperator", after: ["conform_calls"] },
        subscriber_daily_quality: { operator: "GlueDataQualityRuleSetEvaluationRunOperator", after: ["subscriber_daily"] },
        cell_daily: { operator: "AthenaOperator", after: ["conform_calls"] },
        cell_daily_quality: { operator: "GlueDataQualityRuleSetEvaluationRunOperator", after: ["cell_daily"] },
      },
      clickstream: {
        conform_events: { operator: "EmrServerlessStartJobOperator", after: [] },
        impressions_quality: { operator: "GlueDataQualityRuleSetEvaluationRunOperator", after: ["conform_events"] },
        ctr_features: { operator: "EmrContainerOperator", after: ["impressions_quality"] },
      },
    };

    /** What Python sees: each operator call's task_id, operator and keyword arguments (literals), and the `>>` lines as task ids. */
    const SUMMARIZE = String.raw`
import ast, json, sys
tree = ast.parse(open(sys.argv[1], encoding="ascii").read())
block = next(n for n in tree.body if isinstance(n, ast.With))
calls = [s for s in block.body if isinstance(s, ast.Assign) and isinstance(s.value, ast.Call)]
def value(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return {"code": ast.unparse(node)}
ids = {s.targets[0].id: ast.literal_eval(next(k.value for k in s.value.keywords if k.arg == "task_id")) for s in calls}
print(json.dumps({
    "dag_id": ast.literal_eval(next(k.value for k in block.items[0].context_expr.keywords if k.arg == "dag_id")),
    "tasks": {ids[s.targets[0].id]: {"operator": s.value.func.id, "args": {k.arg: value(k.value) for k in s.value.keywords}} for s in calls},
    "edges": sorted([ids[s.value.left.id], ids[s.value.right.id]] for s in block.body if isinstance(s, ast.Expr) and isinstance(s.value, ast.BinOp)),
}))
`;
    const DUMMY_APPLICATION_ID = "00fmd3cbe0ct5m09";
    const DUMMY_VIRTUAL_CLUSTER_ID = "kx3a9e1j2o5d7q8w0r4t6y7ui";

    it("uploads one DAG per example pipeline and environment into that environment's MWAA bucket, and none for billing (no pipeline)", () => {
      const dags = Object.entries(stacks)
        .filter(([, tf]) => resourcesOf(tf, "aws_s3_object").dag)
        .map(([name, tf]) => [name, resource(tf, "aws_s3_object", "dag").bucket, resource(tf, "aws_s3_object", "dag").key]);
      expect(dags).toEqual([
        ["cdr-dev", MWAA_BUCKET("dev"), "dags/cdr_dev.py"],
        ["cdr-prod", MWAA_BUCKET("prod", PROD), "dags/cdr_prod.py"],
        ["clickstream-dev", MWAA_BUCKET("dev"), "dags/clickstream_dev.py"],
        ["clickstream-prod", MWAA_BUCKET("prod", PROD), "dags/clickstream_prod.py"],
      ]);
      for (const env of examples.environments) expect(env.mwaa.bucket.name).toBe(MWAA_BUCKET(env.name, env.accountId));
    });

    it("writes DAGs that Python compiles once the EMR Serverless application and the EMR on EKS virtual cluster are real IDs, naming exactly the examples' tasks and dependencies", () => {
      const cdrManifest = YAML.parse(readFileSync(join(repo, "domains/cdr/domain.yaml"), "utf8")) as { pipeline: { tasks: { name: string; after?: string[] }[] } };
      // The hand-written cdr tasks are the manifest's.
      expect(Object.fromEntries(cdrManifest.pipeline.tasks.map((t) => [t.name, t.after ?? []]))).toEqual(Object.fromEntries(Object.entries(TASKS.cdr!).map(([n, t]) => [n, t.after])));
      for (const [stack, tf] of Object.entries(stacks).filter(([, x]) => resourcesOf(x, "aws_s3_object").dag)) {
        const [domain, env] = stack.split("-") as [string, string];
        const content = resource(tf, "aws_s3_object", "dag").content as string;
        // The only live references are to an EMR Serverless application or the EMR on EKS virtual cluster of this stack; swap them for IDs and undo Terraform's escapes.
        const refs = liveReferences(content);
        const dummyFor = (ref: string) => (ref.startsWith("${aws_emrcontainers_virtual_cluster.") ? DUMMY_VIRTUAL_CLUSTER_ID : DUMMY_APPLICATION_ID);
        for (const ref of refs) {
          const m = /^\$\{(aws_emrserverless_application|aws_emrcontainers_virtual_cluster)\.([\w-]+)\.id\}$/.exec(ref);
          expect(m, `${stack} ${ref}`).not.toBeNull();
          expect(resourcesOf(tf, m![1]!)[m![2]!], `${stack} ${ref}`).toBeDefined();
        }
        expect(refs.length, stack).toBe(domain === "clickstream" ? 2 : 0);
        const python = refs.reduce((text, ref) => text.split(ref).join(dummyFor(ref)), content).replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
        const file = join(scratch, `${stack}.py`);
        writeFileSync(file, python);
        execFileSync("python3", ["-m", "py_compile", file], { stdio: "pipe" });
        const view = JSON.parse(execFileSync("python3", ["-c", SUMMARIZE, file], { encoding: "utf8" })) as {
          dag_id: string;
          tasks: Record<string, { operator: string; args: Record<string, unknown> }>;
          edges: [string, string][];
        };
        expect(view.dag_id, stack).toBe(`${domain}_${env}`);
        const expected = TASKS[domain]!;
        expect(Object.keys(view.tasks).sort(), stack).toEqual(Object.keys(expected).sort());
        for (const [id, t] of Object.entries(expected)) expect(view.tasks[id]!.operator, `${stack} ${id}`).toBe(t.operator);
        expect(view.edges, stack).toEqual(Object.entries(expected).flatMap(([id, t]) => t.after.map((up) => [up, id])).sort());
        // What each task starts, by name: the stack's Glue jobs, its quality role and rulesets, the dummy application.
        for (const [id, t] of Object.entries(view.tasks)) {
          if (t.operator === "GlueJobOperator") expect(Object.values(resourcesOf(tf, "aws_glue_job")).map((j) => j.name), `${stack} ${id}`).toContain(t.args.job_name);
          if (t.operator === "EmrServerlessStartJobOperator") expect(t.args.application_id, `${stack} ${id}`).toBe(DUMMY_APPLICATION_ID);
          if (t.operator === "GlueDataQualityRuleSetEvaluationRunOperator") {
            expect(t.args.role, `${stack} ${id}`).toBe(`arn:aws:iam::${env === "dev" ? DEV : PROD}:role/${resource(tf, "aws_iam_role", "quality").name as string}`);
            const table = (t.args.datasource as { GlueTable: { TableName: string } }).GlueTable.TableName;
            const onTable = Object.values(resourcesOf(tf, "aws_glue_data_quality_ruleset")).filter((r) => String((r.target_table as { table_name: string }).table_name).endsWith(`__${table}.name}`));
            expect(onTable.length, `${stack} ${id}`).toBe(1);
            expect(t.args.rule_set_names as string[], `${stack} ${id}`).toEqual(onTable.map((r) => r.name));
          }
          if (t.operator === "AthenaOperator") {
            // The pipeline workgroup of the stack, and the statement with this environment's databases in place of <zone>.<table>.
            expect(Object.values(resourcesOf(tf, "aws_athena_workgroup")).map((w) => w.name), `${stack} ${id}`).toContain(t.args.workgroup);
            expect(t.args.query as string, `${stack} ${id}`).toContain(`INSERT INTO cdr_curated_${env}.cell_daily\n`);
            expect(t.args.query as string, `${stack} ${id}`).toContain(`FROM cdr_processed_${env}.calls\n`);
            expect(t.args.execution_timeout, `${stack} ${id}`).toEqual({ code: "timedelta(minutes=20)" });
          }
          if (t.operator === "EmrContainerOperator") {
            // It runs with this stack's execution role in this stack's virtual cluster, and takes the region from MWAA's connection (it has no region_name).
            expect(t.args.virtual_cluster_id, `${stack} ${id}`).toBe(DUMMY_VIRTUAL_CLUSTER_ID);
            expect(t.args.execution_role_arn, `${stack} ${id}`).toBe(`arn:aws:iam::${env === "dev" ? DEV : PROD}:role/${resource(tf, "aws_iam_role", "job__ctr-features").name as string}`);
            expect(t.args.execution_timeout, `${stack} ${id}`).toEqual({ code: "timedelta(minutes=45)" });
            expect(t.args.region_name, `${stack} ${id}`).toBeUndefined();
            continue;
          }
          expect(t.args.region_name, `${stack} ${id}`).toBe("eu-west-1");
        }
      }
    });

    it("holds a ruleset for exactly the example tables with rules, and the quality alarm on them", () => {
      const rulesets = Object.fromEntries(Object.entries(stacks).map(([name, tf]) => [name, Object.keys(resourcesOf(tf, "aws_glue_data_quality_ruleset"))]));
      expect(rulesets).toEqual({
        "billing-dev": [],
        "billing-prod": [],
        "cdr-dev": ["curated__cell_daily", "curated__subscriber_daily"],
        "cdr-prod": ["curated__cell_daily", "curated__subscriber_daily"],
        "clickstream-dev": ["processed__impressions"],
        "clickstream-prod": ["processed__impressions"],
      });
      expect(resource(stacks["cdr-dev"]!, "aws_glue_data_quality_ruleset", "curated__subscriber_daily").ruleset).toBe(
        'Rules = [\n    RowCount > 0,\n    IsComplete "msisdn",\n    IsComplete "day",\n    ColumnValues "calls" between -1 and 100000000\n]',
      );
      expect(JSON.parse(resource(stacks["clickstream-prod"]!, "aws_cloudwatch_event_rule", "alerts--quality").event_pattern as string).detail).toEqual({
        rulesetNames: ["clickstream-prod-processed-impressions"],
        state: ["FAILED"],
      });
      expect(resourcesOf(stacks["billing-dev"]!, "aws_iam_role").quality).toBeUndefined();
    });
  });
});

describe("DomainStack Athena workgroups", () => {
  const PRINCIPALS = {
    analysts: `arn:aws:iam::${DEV}:role/analysts`,
    science: "arn:aws:identitystore:::group/9a672b3314-d1b2c3d4-1111-2222-3333-444455556666",
    partner: "333333333333",
  };
  const wgModel = (athena?: Record<string, unknown>) => {
    const p = platformFixture();
    p.environments.dev.principals = PRINCIPALS;
    p.environments.prod.principals = { analysts: `arn:aws:iam::${PROD}:role/analysts`, science: PRINCIPALS.science, partner: "444444444444" };
    const d = domainFixture();
    d.access = [
      { name: "analysts", principal: "analysts", tags: { domain: ["sales"], confidentiality: ["internal"] } },
      { name: "science", principal: "science", table: "processed.orders", mask: ["email"] },
      { name: "partner", principal: "partner", table: "processed.orders", mask: ["email"] },
    ];
    if (athena) d.athena = athena;
    return modelFrom(p, [d]);
  };
  const dev = synthStackOf(wgModel(), "sales-dev");
  const workgroups = (out: TfJson) => resourcesOf(out, "aws_athena_workgroup");

  it("gives one workgroup to each principal the domain grants to, IAM roles and Identity Center groups alike, and none to another account", () => {
    expect(Object.keys(workgroups(dev)).sort()).toEqual(["analysts", "science"]);
  });

  it("enforces engine v3, the scan cap, and SSE-KMS results under the ops key in the artifacts bucket, under athena/<workgroup>/", () => {
    expect(workgroups(dev).analysts).toEqual({
      name: "sales-analysts-dev",
      description: "Athena for analysts on sales data (dev)",
      state: "ENABLED",
      force_destroy: false,
      configuration: {
        enforce_workgroup_configuration: true,
        publish_cloudwatch_metrics_enabled: true,
        requester_pays_enabled: false,
        bytes_scanned_cutoff_per_query: 1024 * 1024 ** 3,
        engine_version: { selected_engine_version: "Athena engine version 3" },
        result_configuration: {
          output_location: `s3://${bucketName("artifacts")}/athena/sales-analysts-dev/`,
          expected_bucket_owner: DEV,
          encryption_configuration: { encryption_option: "SSE_KMS", kms_key_arn: "${aws_kms_key.ops.arn}" },
        },
      },
    });
    expect((workgroups(dev).science!.configuration as Record<string, any>).result_configuration.output_location).toBe(`s3://${bucketName("artifacts")}/athena/sales-science-dev/`);
  });

  it("caps each query at athena.bytesScannedCutoffGb GiB", () => {
    const capped = synthStackOf(wgModel({ bytesScannedCutoffGb: 10 }), "sales-dev");
    for (const [n, w] of Object.entries(workgroups(capped))) expect((w.configuration as Record<string, unknown>).bytes_scanned_cutoff_per_query, n).toBe(10 * 1024 ** 3);
  });

  it("names the prod workgroups after prod, with results in the prod artifacts bucket", () => {
    const prod = synthStackOf(wgModel(), "sales-prod");
    expect(workgroups(prod).analysts).toMatchObject({
      name: "sales-analysts-prod",
      configuration: { result_configuration: { output_location: `s3://${bucketName("artifacts", "prod", PROD)}/athena/sales-analysts-prod/`, expected_bucket_owner: PROD } },
    });
  });
});

describe("DomainStack provider and backend", () => {
  it("tags every resource with the domain's owner and cost centre", () => {
    expect(tf.provider?.aws?.[0]).toMatchObject({
      region: "eu-west-1",
      allowed_account_ids: [DEV],
      default_tags: [{ tags: { "cost-centre": "CC-2", domain: "sales", environment: "dev", "managed-by": "lakeform", owner: "sales-data" } }],
    });
  });

  it("keeps its own state", () => {
    expect((tf.terraform as Record<string, unknown>).backend).toEqual({ local: { path: "../../../terraform.sales-dev.tfstate" } });
  });
});

describe("synthesizeModel", () => {
  const outdirs: string[] = [];
  const outdir = () => {
    const d = mkdtempSync(join(tmpdir(), "lakeform-domain-stack-"));
    outdirs.push(d);
    return d;
  };
  afterAll(() => outdirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const readStack = (out: string, name: string) => JSON.parse(readFileSync(join(out, "stacks", name, "cdk.tf.json"), "utf8")) as TfJson;

  it("writes one stack per domain and environment the domain is deployed to", () => {
    const m = withDomain((d) => {
      d.environments = ["prod"];
    });
    const out = outdir();
    synthesizeModel(m, { outdir: out });
    expect(readdirSync(join(out, "stacks")).sort()).toEqual(["platform-dev", "platform-prod", "sales-prod"]);
    expect(resource(readStack(out, "sales-prod"), "aws_s3_bucket", "raw").bucket).toBe(bucketName("raw", "prod", "222222222222"));
  });

  it("writes only the stacks asked for", () => {
    const out = outdir();
    synthesizeModel(model, { outdir: out, stacks: ["sales-dev"] });
    expect(readdirSync(join(out, "stacks"))).toEqual(["sales-dev"]);
    expect(existsSync(join(out, "manifest.json"))).toBe(true);
  });

  it("synthesizes a YAML project loaded from disk into the same stack as the in-memory fixtures", async () => {
    const root = makeProject({ platform: platformFixture(), domains: { sales: domainFixture() } });
    const result = await loadAndValidate(root);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const out = outdir();
    synthesizeModel(result.model, { outdir: out, stacks: ["sales-dev"] });
    const written = readStack(out, "sales-dev");
    // Same resources and attributes; only CDKTF's metadata differs between Testing.synth and a full app.
    const strip = (x: TfJson) => JSON.parse(JSON.stringify(x.resource, (k, v: unknown) => (k === "//" ? undefined : v))) as unknown;
    expect(strip(written)).toEqual(strip(tf));
  });
});

describe("stateRootFor", () => {
  it("points local state from each stack's working directory back to the project root", async () => {
    const { stateRootFor } = await import("../../generators/stacks/app");
    expect(stateRootFor("/p/cdktf.out", "/p")).toBe("../../..");
    expect(stateRootFor("/p/build/tf", "/p")).toBe("../../../..");
    expect(stateRootFor("/elsewhere/out", "/p")).toBe("../../../../p");
  });
});
