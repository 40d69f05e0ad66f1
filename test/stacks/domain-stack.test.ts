import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadAndValidate } from "../../generators/manifest/validate";
import { synthesizeModel } from "../../generators/stacks/app";
import { modelFrom, synthStackOf } from "../helpers/model-fixtures";
import { domainFixture, makeProject, platformFixture } from "../helpers/project";
import { policyOf, resource, resourcesOf, type TfJson } from "../helpers/synth";

const DEV = "111111111111";
const PROD = "222222222222";
const bucketName = (zone: string, env = "dev", account = DEV) => `acme-sales-${zone}-${env}-${account}-eu-west-1`;
const ZONES = ["raw", "processed", "curated"];

const model = modelFrom();
const tf = synthStackOf(model, "sales-dev");

const withDomain = (mutate: (d: Record<string, any>) => void) => {
  const d = domainFixture();
  mutate(d);
  return modelFrom(platformFixture(), [d]);
};
const rules = (r: Record<string, unknown>) => r.rule as Record<string, any>[];

describe("DomainStack storage", () => {
  it("has a key, a bucket and a database per zone, one access-log bucket, and the audit trail's key and bucket", () => {
    expect(Object.keys(resourcesOf(tf, "aws_kms_key")).sort()).toEqual(["audit", ...ZONES].sort());
    expect(Object.keys(resourcesOf(tf, "aws_kms_alias")).sort()).toEqual(["audit", ...ZONES].sort());
    expect(Object.keys(resourcesOf(tf, "aws_glue_catalog_database")).sort()).toEqual([...ZONES].sort());
    expect(Object.keys(resourcesOf(tf, "aws_s3_bucket")).sort()).toEqual(["access_logs", "audit", ...ZONES].sort());
    for (const z of ZONES) expect(resource(tf, "aws_s3_bucket", z).bucket).toBe(bucketName(z));
    expect(resource(tf, "aws_s3_bucket", "access_logs").bucket).toBe(bucketName("logs"));
    expect(resource(tf, "aws_s3_bucket", "audit").bucket).toBe(bucketName("audit"));
  });

  it("holds exactly the resource types of storage, catalog, registration, audit and grants", () => {
    expect(Object.keys(tf.resource).sort()).toEqual([
      "aws_cloudtrail",
      "aws_glue_catalog_database",
      "aws_glue_catalog_table",
      "aws_iam_role",
      "aws_iam_role_policies_exclusive",
      "aws_iam_role_policy",
      "aws_iam_role_policy_attachments_exclusive",
      "aws_kms_alias",
      "aws_kms_key",
      "aws_lakeformation_resource",
      "aws_lakeformation_resource_lf_tags",
      "aws_s3_bucket",
      "aws_s3_bucket_lifecycle_configuration",
      "aws_s3_bucket_logging",
      "aws_s3_bucket_notification",
      "aws_s3_bucket_ownership_controls",
      "aws_s3_bucket_policy",
      "aws_s3_bucket_public_access_block",
      "aws_s3_bucket_server_side_encryption_configuration",
      "aws_s3_bucket_versioning",
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

  it("logs every zone bucket and the audit bucket into the access-log bucket, each under its own prefix", () => {
    for (const z of [...ZONES, "audit"]) {
      expect(resource(tf, "aws_s3_bucket_logging", z), z).toEqual({ bucket: `\${aws_s3_bucket.${z}.id}`, target_bucket: "${aws_s3_bucket.access_logs.id}", target_prefix: `${z}/` });
    }
    expect(Object.keys(resourcesOf(tf, "aws_s3_bucket_logging")).sort()).toEqual(["audit", ...ZONES].sort());
  });

  it("sends zone bucket events to EventBridge, but not the access-log or audit bucket's (nothing starts from log writes)", () => {
    expect(Object.keys(resourcesOf(tf, "aws_s3_bucket_notification")).sort()).toEqual([...ZONES].sort());
    for (const z of ZONES) expect(resource(tf, "aws_s3_bucket_notification", z), z).toEqual({ bucket: `\${aws_s3_bucket.${z}.id}`, eventbridge: true });
  });
});

describe("DomainStack access-log bucket", () => {
  it("uses SSE-S3, because S3 server access log delivery cannot write to SSE-KMS buckets", () => {
    const sse = resource(tf, "aws_s3_bucket_server_side_encryption_configuration", "access_logs");
    expect(rules(sse)).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }]);
  });

  it("lets the S3 logging service deliver only for this account's zone buckets and audit bucket", () => {
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
        ArnLike: { "aws:SourceArn": ["audit", "curated", "processed", "raw"].map((z) => `arn:aws:s3:::${bucketName(z)}`) },
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
    expect(Object.keys(resourcesOf(out, "aws_s3_bucket")).sort()).toEqual(["access_logs", "audit", "landing", "processed"]);
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
    expect(Object.keys(resourcesOf(tf, "aws_iam_role")).sort()).toEqual([...ZONES].sort());
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
    expect(Object.keys(resourcesOf(tf, "aws_iam_role_policy")).sort()).toEqual(ZONES.map((z) => `${z}__data-access`).sort());
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
        Condition: { ArnNotEquals: { "aws:PrincipalArn": [roleArn(z)] } },
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
      expect(guard.Condition).toEqual({ ArnNotEquals: { "aws:PrincipalArn": [roleArn(z, "prod", PROD)] } });
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

  it("adds grants without changing the stack's storage, registration and audit trail", () => {
    const strip = (x: TfJson) => Object.fromEntries(Object.entries(x.resource).filter(([t]) => !t.startsWith("aws_lakeformation_permissions") && t !== "aws_lakeformation_data_cells_filter" && t !== "aws_glue_catalog_table" && t !== "aws_lakeformation_resource_lf_tags"));
    expect(strip(dev)).toEqual(strip(tf));
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
