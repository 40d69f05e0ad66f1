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
  it("has a key, a bucket and a database per zone, and one access-log bucket", () => {
    expect(Object.keys(resourcesOf(tf, "aws_kms_key")).sort()).toEqual([...ZONES].sort());
    expect(Object.keys(resourcesOf(tf, "aws_kms_alias")).sort()).toEqual([...ZONES].sort());
    expect(Object.keys(resourcesOf(tf, "aws_glue_catalog_database")).sort()).toEqual([...ZONES].sort());
    expect(Object.keys(resourcesOf(tf, "aws_s3_bucket")).sort()).toEqual(["access_logs", ...ZONES].sort());
    for (const z of ZONES) expect(resource(tf, "aws_s3_bucket", z).bucket).toBe(bucketName(z));
    expect(resource(tf, "aws_s3_bucket", "access_logs").bucket).toBe(bucketName("logs"));
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

  it("logs every zone bucket into the access-log bucket under the zone's prefix", () => {
    for (const z of ZONES) {
      expect(resource(tf, "aws_s3_bucket_logging", z), z).toMatchObject({ bucket: `\${aws_s3_bucket.${z}.id}`, target_bucket: "${aws_s3_bucket.access_logs.id}", target_prefix: `${z}/` });
    }
    expect(Object.keys(resourcesOf(tf, "aws_s3_bucket_logging")).sort()).toEqual([...ZONES].sort());
  });

  it("sends zone bucket events to EventBridge, but not the access-log bucket's", () => {
    expect(Object.keys(resourcesOf(tf, "aws_s3_bucket_notification")).sort()).toEqual([...ZONES].sort());
  });
});

describe("DomainStack access-log bucket", () => {
  it("uses SSE-S3, because S3 server access log delivery cannot write to SSE-KMS buckets", () => {
    const sse = resource(tf, "aws_s3_bucket_server_side_encryption_configuration", "access_logs");
    expect(rules(sse)).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }]);
  });

  it("lets the S3 logging service deliver only for this account's zone buckets", () => {
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
        ArnLike: { "aws:SourceArn": ["curated", "processed", "raw"].map((z) => `arn:aws:s3:::${bucketName(z)}`) },
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
    expect(Object.keys(resourcesOf(out, "aws_s3_bucket")).sort()).toEqual(["access_logs", "landing", "processed"]);
    expect(resource(out, "aws_glue_catalog_database", "landing").name).toBe("sales_landing_dev");
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
