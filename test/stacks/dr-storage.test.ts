import { describe, expect, it } from "vitest";
import { verifyExport } from "../../generators/export/format";
import { deploymentOf, modelFrom, synthStackOf } from "../helpers/model-fixtures";
import { domainFixture, platformFixture } from "../helpers/project";
import { policyOf, resource, resourcesOf, type TfJson } from "../helpers/synth";

const DEV = "111111111111";
const ZONES = ["curated", "processed", "raw"];
const drBucket = (zone: string) => `acme-sales-${zone}-dev-${DEV}-eu-central-1`;
const primaryBucket = (zone: string) => `acme-sales-${zone}-dev-${DEV}-eu-west-1`;
const REPLICATION_ROLE = `arn:aws:iam::${DEV}:role/acme-sales-replication-dev-eu-west-1`;

const withZones = (zones: Record<string, unknown>) => {
  const d = domainFixture();
  d.zones = zones;
  return synthStackOf(modelFrom(platformFixture(), [d]), "sales-dev");
};
const tf = synthStackOf(modelFrom(), "sales-dev");
/** Every resource of the stack under the DR provider, as `<type>.<name>`. */
const inDr = (x: TfJson) =>
  Object.entries(x.resource)
    .flatMap(([type, rs]) => Object.entries(rs).filter(([, r]) => r.provider === "aws.dr").map(([n]) => `${type}.${n}`))
    .sort();

describe("always-on DR storage in the domain stack", () => {
  it("declares a second provider for the DR region, same account and tags", () => {
    const [primary, dr] = tf.provider!.aws! as Record<string, unknown>[];
    expect(dr).toEqual({ ...primary, alias: "dr", region: "eu-central-1" });
  });

  it("replicates each zone key into the DR region under the zone's alias, from the primary key by reference", () => {
    expect(Object.keys(resourcesOf(tf, "aws_kms_replica_key")).sort()).toEqual(ZONES.map((z) => `dr__${z}`));
    for (const z of ZONES) {
      const k = resource(tf, "aws_kms_replica_key", `dr__${z}`);
      expect(k).toMatchObject({ provider: "aws.dr", primary_key_arn: `\${aws_kms_key.${z}.arn}`, enabled: true, deletion_window_in_days: 30 });
      expect(policyOf(k).Statement).toEqual([
        { Sid: "AccountAdministersKeyThroughIam", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${DEV}:root` }, Action: "kms:*", Resource: "*" },
      ]);
      expect(resource(tf, "aws_kms_alias", `dr__${z}`)).toMatchObject({ provider: "aws.dr", name: `alias/acme/dev/sales/${z}`, target_key_id: `\${aws_kms_replica_key.dr__${z}.key_id}` });
    }
  });

  it("creates a DR bucket for every zone, replicated or not, with every protection of a lake bucket, all in the DR region", () => {
    expect(inDr(tf)).toEqual(
      [
        ...["aws_kms_alias", "aws_kms_replica_key"].flatMap((t) => ZONES.map((z) => `${t}.dr__${z}`)),
        ...["aws_s3_bucket", "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_ownership_controls", "aws_s3_bucket_policy", "aws_s3_bucket_public_access_block", "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_versioning"].flatMap((t) =>
          ["access_logs", ...ZONES].map((z) => `${t}.dr__${z}`),
        ),
        ...["aws_s3_bucket_logging", "aws_s3_bucket_notification"].flatMap((t) => ZONES.map((z) => `${t}.dr__${z}`)),
        "aws_s3_object.catalog_export",
      ].sort(),
    );
    for (const z of ZONES) {
      expect(resource(tf, "aws_s3_bucket", `dr__${z}`)).toMatchObject({ bucket: drBucket(z), force_destroy: false });
      expect(resource(tf, "aws_s3_bucket_server_side_encryption_configuration", `dr__${z}`).rule).toEqual([
        { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: `\${aws_kms_replica_key.dr__${z}.arn}` }, bucket_key_enabled: true },
      ]);
      expect(resource(tf, "aws_s3_bucket_versioning", `dr__${z}`).versioning_configuration).toEqual({ status: "Enabled" });
      expect(resource(tf, "aws_s3_bucket_public_access_block", `dr__${z}`)).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
      expect(resource(tf, "aws_s3_bucket_logging", `dr__${z}`)).toMatchObject({ target_bucket: "${aws_s3_bucket.dr__access_logs.id}", target_prefix: `${z}/` });
      // The same lifecycle as the primary's zone bucket.
      expect(resource(tf, "aws_s3_bucket_lifecycle_configuration", `dr__${z}`).rule).toEqual(resource(tf, "aws_s3_bucket_lifecycle_configuration", z).rule);
    }
    // Replication stays for the replicated zones only (raw by default).
    expect(Object.keys(resourcesOf(tf, "aws_s3_bucket_replication_configuration"))).toEqual(["raw"]);
  });

  it("lets only the DR registration role read a DR bucket's objects, and refuses uploads under any key but the replica, named by ARN or by alias (DR compute knows only the alias)", () => {
    for (const z of ZONES) {
      const st = policyOf(resource(tf, "aws_s3_bucket_policy", `dr__${z}`)).Statement;
      expect(st.map((x) => x.Sid)).toEqual(["DenyInsecureTransport", "DenyOutdatedTls", "DenyUploadsNotSseKms", "DenyUploadsWithOtherKeys", "DenyObjectReadsOutsideLakeFormation"]);
      expect(st[0]!.Condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
      expect(st[3]!.Condition).toEqual({
        StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": [`\${aws_kms_replica_key.dr__${z}.arn}`, `arn:aws:kms:eu-central-1:${DEV}:alias/acme/dev/sales/${z}`] },
      });
      expect(st[4]!.Condition).toEqual({ ArnNotEquals: { "aws:PrincipalArn": [`arn:aws:iam::${DEV}:role/acme-sales-lf-${z}-dev-eu-central-1`] } });
      expect(st.filter((x) => x.Effect === "Allow")).toEqual([]);
    }
  });

  it("takes the access logs of every DR zone bucket and of the DR artifacts bucket, named as the Model built for the DR region names the artifacts bucket", () => {
    const delivery = policyOf(resource(tf, "aws_s3_bucket_policy", "dr__access_logs")).Statement.find((s) => s.Sid === "AllowS3ServerAccessLogDelivery")!;
    const p = platformFixture();
    p.regions = { primary: p.regions.dr, dr: p.regions.primary };
    const artifactsInDr = deploymentOf(modelFrom(p), "sales-dev").artifacts.bucket;
    expect(artifactsInDr.name).toBe(`acme-sales-artifacts-dev-${DEV}-eu-central-1`);
    expect(deploymentOf(modelFrom(), "sales-dev").dr.artifactsBucket).toEqual(artifactsInDr);
    expect(delivery.Condition).toEqual({
      StringEquals: { "aws:SourceAccount": DEV },
      ArnLike: { "aws:SourceArn": [artifactsInDr.arn, ...ZONES.map((z) => `arn:aws:s3:::${drBucket(z)}`)] },
    });
    expect(resource(tf, "aws_s3_bucket", "dr__access_logs")).toMatchObject({ provider: "aws.dr", bucket: `acme-sales-logs-dev-${DEV}-eu-central-1` });
  });

  it("configures replication on raw: whole bucket, SSE-KMS objects re-encrypted under the replica key, no delete markers, no RTC by default", () => {
    expect(Object.keys(resourcesOf(tf, "aws_s3_bucket_replication_configuration"))).toEqual(["raw"]);
    const c = resource(tf, "aws_s3_bucket_replication_configuration", "raw");
    expect(c.provider).toBeUndefined();
    expect(c).toMatchObject({ bucket: "${aws_s3_bucket.raw.id}", role: "${aws_iam_role.replication.arn}" });
    expect(c.rule).toEqual([
      {
        id: "replicate-raw",
        status: "Enabled",
        priority: 1,
        filter: { prefix: "" },
        delete_marker_replication: { status: "Disabled" },
        source_selection_criteria: { sse_kms_encrypted_objects: { status: "Enabled" } },
        destination: { bucket: `arn:aws:s3:::${drBucket("raw")}`, storage_class: "STANDARD", encryption_configuration: { replica_kms_key_id: "${aws_kms_replica_key.dr__raw.arn}" } },
      },
    ]);
    // Versioning on both sides, the replica's policy and the role's policy come first.
    expect(c.depends_on).toEqual(["aws_s3_bucket_versioning.raw", "aws_s3_bucket_versioning.dr__raw", "aws_s3_bucket_policy.dr__raw", "aws_iam_role_policy.replication__replicate"]);
  });

  it("replicates with a least-privilege role: S3 for this account, versions of the source, replicas into the DR bucket, each key through S3 in its region for its bucket", () => {
    const role = resource(tf, "aws_iam_role", "replication");
    expect(role.name).toBe("acme-sales-replication-dev-eu-west-1");
    expect(policyOf(role, "assume_role_policy").Statement).toEqual([
      { Sid: "ServiceAssumesRoleForThisAccountOnly", Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": DEV } } },
    ]);
    const src = `arn:aws:s3:::${primaryBucket("raw")}`;
    const dst = `arn:aws:s3:::${drBucket("raw")}`;
    expect(policyOf(resource(tf, "aws_iam_role_policy", "replication__replicate")).Statement).toEqual([
      { Sid: "ReadReplicationConfiguration", Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: [src] },
      { Sid: "ReadSourceVersions", Effect: "Allow", Action: ["s3:GetObjectVersionAcl", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging"], Resource: [`${src}/*`] },
      { Sid: "WriteReplicas", Effect: "Allow", Action: ["s3:ReplicateObject", "s3:ReplicateTags"], Resource: [`${dst}/*`] },
      {
        Sid: "DecryptSourceRaw",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: "${aws_kms_key.raw.arn}",
        Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" }, StringLike: { "kms:EncryptionContext:aws:s3:arn": [src, `${src}/*`] } },
      },
      {
        Sid: "EncryptReplicasRaw",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:GenerateDataKey"],
        Resource: "${aws_kms_replica_key.dr__raw.arn}",
        Condition: { StringEquals: { "kms:ViaService": "s3.eu-central-1.amazonaws.com" }, StringLike: { "kms:EncryptionContext:aws:s3:arn": [dst, `${dst}/*`] } },
      },
    ]);
    // The source bucket's read guard admits it beside the registration role.
    const guard = policyOf(resource(tf, "aws_s3_bucket_policy", "raw")).Statement.find((x) => x.Sid === "DenyObjectReadsOutsideLakeFormation")!;
    expect(guard.Condition).toEqual({ ArnNotEquals: { "aws:PrincipalArn": [`arn:aws:iam::${DEV}:role/acme-sales-lf-raw-dev-eu-west-1`, REPLICATION_ROLE] } });
  });

  it("turns on Replication Time Control with its metrics, and delete-marker replication with the role's ReplicateDelete, only where a zone asks", () => {
    const x = withZones({ raw: { replicationTimeControl: true }, processed: { replicate: true, replicateDeletes: true }, curated: {} });
    expect(Object.keys(resourcesOf(x, "aws_s3_bucket_replication_configuration")).sort()).toEqual(["processed", "raw"]);
    const raw = (resource(x, "aws_s3_bucket_replication_configuration", "raw").rule as any[])[0];
    expect(raw.destination.replication_time).toEqual({ status: "Enabled", time: { minutes: 15 } });
    expect(raw.destination.metrics).toEqual({ status: "Enabled", event_threshold: { minutes: 15 } });
    expect(raw.delete_marker_replication).toEqual({ status: "Disabled" });
    const processed = (resource(x, "aws_s3_bucket_replication_configuration", "processed").rule as any[])[0];
    expect(processed.destination.replication_time).toBeUndefined();
    expect(processed.delete_marker_replication).toEqual({ status: "Enabled" });
    const statements = policyOf(resource(x, "aws_iam_role_policy", "replication__replicate")).Statement;
    expect(statements.find((s) => s.Sid === "ReplicateDeleteMarkers")).toEqual({ Sid: "ReplicateDeleteMarkers", Effect: "Allow", Action: "s3:ReplicateDelete", Resource: [`arn:aws:s3:::${drBucket("processed")}/*`] });
    expect(statements.find((s) => s.Sid === "ReadSourceVersions")!.Resource).toEqual([`arn:aws:s3:::${primaryBucket("processed")}/*`, `arn:aws:s3:::${primaryBucket("raw")}/*`]);
    // Replicas go only into the DR buckets of the replicated zones; curated's stays empty.
    expect(statements.find((s) => s.Sid === "WriteReplicas")!.Resource).toEqual([`arn:aws:s3:::${drBucket("processed")}/*`, `arn:aws:s3:::${drBucket("raw")}/*`]);
    expect(Object.keys(resourcesOf(x, "aws_s3_bucket")).filter((b) => b.startsWith("dr__")).sort()).toEqual(["dr__access_logs", "dr__curated", "dr__processed", "dr__raw"]);
  });

  it("creates no replication role or configuration when nothing is replicated, but still every zone's DR bucket, key replica and the DR log bucket", () => {
    const x = withZones({ raw: { replicate: false }, processed: {} });
    expect(resourcesOf(x, "aws_s3_bucket_replication_configuration")).toEqual({});
    expect(resourcesOf(x, "aws_iam_role").replication).toBeUndefined();
    expect(Object.keys(resourcesOf(x, "aws_s3_bucket")).filter((b) => b.startsWith("dr__")).sort()).toEqual(["dr__access_logs", "dr__processed", "dr__raw"]);
    expect(Object.keys(resourcesOf(x, "aws_kms_replica_key")).sort()).toEqual(["dr__processed", "dr__raw"]);
    const guard = policyOf(resource(x, "aws_s3_bucket_policy", "raw")).Statement.find((s) => s.Sid === "DenyObjectReadsOutsideLakeFormation")!;
    expect(guard.Condition).toEqual({ ArnNotEquals: { "aws:PrincipalArn": [`arn:aws:iam::${DEV}:role/acme-sales-lf-raw-dev-eu-west-1`] } });
    const dep = deploymentOf(modelFrom(platformFixture(), [{ ...domainFixture(), zones: { raw: { replicate: false }, processed: {} } }]), "sales-dev");
    expect(dep.dr.replicationRole).toBeNull();
    expect(dep.dr.logBucket.name).toBe(`acme-sales-logs-dev-${DEV}-eu-central-1`);
  });

  it("ships the deployment's catalog export into the environment's export bucket in the DR region, SSE-KMS under its key by alias", () => {
    const o = resource(tf, "aws_s3_object", "catalog_export");
    expect(o).toMatchObject({
      provider: "aws.dr",
      bucket: `acme-platform-catalog-export-dev-${DEV}-eu-central-1`,
      key: "catalog-export/dev/sales.json",
      content_type: "application/json",
      server_side_encryption: "aws:kms",
      kms_key_id: `arn:aws:kms:eu-central-1:${DEV}:alias/acme/dev/platform/catalog-export`,
    });
    const r = verifyExport(o.content as string);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.export.source).toEqual({ organization: "acme", environment: "dev", domain: "sales", accountId: DEV, region: "eu-west-1", drRegion: "eu-central-1", partition: "aws" });
  });
});

describe("the catalog-export storage in the platform stack", () => {
  const p = synthStackOf(modelFrom(), "platform-dev");
  const BUCKET = `acme-platform-catalog-export-dev-${DEV}-eu-central-1`;

  it("keeps the export bucket, its key and its log bucket in the DR region", () => {
    expect(inDr(p).filter((a) => a.startsWith("aws_kms_") || a.startsWith("aws_s3_bucket."))).toEqual([
      "aws_kms_alias.catalog_export",
      "aws_kms_key.catalog_export",
      "aws_s3_bucket.catalog_export",
      "aws_s3_bucket.dr__access_logs",
    ]);
    expect(resource(p, "aws_s3_bucket", "catalog_export").bucket).toBe(BUCKET);
    expect(resource(p, "aws_kms_alias", "catalog_export").name).toBe("alias/acme/dev/platform/catalog-export");
    expect(resource(p, "aws_kms_key", "catalog_export")).toMatchObject({ enable_key_rotation: true, multi_region: true, deletion_window_in_days: 30 });
  });

  it("encrypts exports under its key, accepts uploads naming the key or its alias (domain stacks know the alias), keeps old exports 400 days", () => {
    expect(resource(p, "aws_s3_bucket_server_side_encryption_configuration", "catalog_export").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "${aws_kms_key.catalog_export.arn}" }, bucket_key_enabled: true },
    ]);
    const st = policyOf(resource(p, "aws_s3_bucket_policy", "catalog_export")).Statement;
    expect(st.find((s) => s.Sid === "DenyUploadsWithOtherKeys")!.Condition).toEqual({
      StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": ["${aws_kms_key.catalog_export.arn}", `arn:aws:kms:eu-central-1:${DEV}:alias/acme/dev/platform/catalog-export`] },
    });
    expect(st.filter((s) => s.Effect === "Allow")).toEqual([]);
    expect((resource(p, "aws_s3_bucket_lifecycle_configuration", "catalog_export").rule as any[])[0].noncurrent_version_expiration).toEqual([{ noncurrent_days: 400 }]);
    expect(resource(p, "aws_s3_bucket_logging", "catalog_export")).toMatchObject({ target_bucket: "${aws_s3_bucket.dr__access_logs.id}", target_prefix: "catalog-export/" });
  });
});
