import { describe, expect, it } from "vitest";
import { type ReplicatedBucket, BucketReplication, replicationPolicyStatements } from "../../../modules/storage/bucket-replication";
import { errorOf, policyOf, resource, resourcesOf, synthScope } from "../../helpers/synth";

const bucket = (name: string, extra: Partial<ReplicatedBucket> = {}): ReplicatedBucket => ({
  name,
  sourceBucket: `src-${name}`,
  sourceBucketArn: `arn:aws:s3:::src-${name}`,
  sourceKeyArn: `arn:aws:kms:eu-west-1:111111111111:key/${name}`,
  sourceRegion: "eu-west-1",
  destinationBucketArn: `arn:aws:s3:::dst-${name}`,
  destinationKeyArn: `arn:aws:kms:eu-central-1:111111111111:key/mrk-${name}`,
  destinationRegion: "eu-central-1",
  dependsOn: [],
  ...extra,
});

const props = (buckets: ReplicatedBucket[]) => ({ roleName: "acme-sales-replication-dev-eu-west-1", accountId: "111111111111", partition: "aws", buckets });

describe("BucketReplication", () => {
  const tf = synthScope((s) => new BucketReplication(s, "replication", props([bucket("raw", { timeControl: true }), bucket("processed", { deleteMarkers: true })])));

  it("creates one role and one configuration per bucket, named after it", () => {
    expect(Object.keys(resourcesOf(tf, "aws_iam_role"))).toEqual(["replication"]);
    expect(Object.keys(resourcesOf(tf, "aws_s3_bucket_replication_configuration")).sort()).toEqual(["processed", "raw"]);
    expect(resource(tf, "aws_s3_bucket_replication_configuration", "raw")).toMatchObject({ bucket: "src-raw", role: "${aws_iam_role.replication.arn}" });
  });

  it("sets RTC and its metrics only with timeControl, and delete markers only with deleteMarkers", () => {
    const raw = (resource(tf, "aws_s3_bucket_replication_configuration", "raw").rule as any[])[0];
    const processed = (resource(tf, "aws_s3_bucket_replication_configuration", "processed").rule as any[])[0];
    expect(raw.destination).toMatchObject({ replication_time: { status: "Enabled", time: { minutes: 15 } }, metrics: { status: "Enabled", event_threshold: { minutes: 15 } } });
    expect(processed.destination.replication_time).toBeUndefined();
    expect(processed.destination.metrics).toBeUndefined();
    expect([raw.delete_marker_replication, processed.delete_marker_replication]).toEqual([{ status: "Disabled" }, { status: "Enabled" }]);
  });

  it("grants ReplicateDelete only on destinations that replicate delete markers, and keys only through S3 in their regions", () => {
    const st = policyOf(resource(tf, "aws_iam_role_policy", "replication__replicate")).Statement;
    expect(st.find((x) => x.Sid === "ReplicateDeleteMarkers")!.Resource).toEqual(["arn:aws:s3:::dst-processed/*"]);
    expect(st.find((x) => x.Sid === "WriteReplicas")!.Action).toEqual(["s3:ReplicateObject", "s3:ReplicateTags"]);
    expect(st.find((x) => x.Sid === "EncryptReplicasRaw")!.Condition).toEqual({
      StringEquals: { "kms:ViaService": "s3.eu-central-1.amazonaws.com" },
      StringLike: { "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::dst-raw", "arn:aws:s3:::dst-raw/*"] },
    });
    expect(replicationPolicyStatements("aws", [bucket("raw")]).some((x) => x.Sid === "ReplicateDeleteMarkers")).toBe(false);
    expect(replicationPolicyStatements("aws-cn", [bucket("raw")]).find((x) => x.Sid === "DecryptSourceRaw")!.Condition!.StringEquals).toEqual({ "kms:ViaService": "s3.eu-west-1.amazonaws.com.cn" });
  });

  it("fails when there is nothing to replicate, or a bucket would replicate within its own region", () => {
    expect(errorOf(() => synthScope((s) => new BucketReplication(s, "r", props([]))))).toBe("BucketReplication r: no buckets to replicate");
    expect(errorOf(() => synthScope((s) => new BucketReplication(s, "r", props([bucket("raw", { destinationRegion: "eu-west-1" })]))))).toBe(
      "BucketReplication r: raw would replicate within one region; cross-region replication needs another",
    );
  });
});
