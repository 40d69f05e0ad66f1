import { describe, expect, it } from "vitest";
import { ReplicaKey } from "../../../modules/storage/replica-key";
import { inRegionOf, secondRegionProvider } from "../../../modules/stack/second-region";
import { LakeBucket } from "../../../modules/storage/lake-bucket";
import { policyOf, resource, synthScope } from "../../helpers/synth";

describe("ReplicaKey", () => {
  const tf = synthScope((s) => {
    const provider = secondRegionProvider(s, { alias: "dr", region: "eu-central-1", accountId: "111111111111", defaultTags: { owner: "x" } });
    new ReplicaKey(s, "dr__raw", { primaryKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/mrk-1", alias: "alias/acme/dev/sales/raw", description: "replica", accountId: "111111111111", partition: "aws", provider });
  });

  it("replicates the primary in the provider's region, enabled, 30-day window, root-only policy, with the primary's alias", () => {
    const k = resource(tf, "aws_kms_replica_key", "dr__raw");
    expect(k).toMatchObject({ provider: "aws.dr", primary_key_arn: "arn:aws:kms:eu-west-1:111111111111:key/mrk-1", enabled: true, deletion_window_in_days: 30, description: "replica" });
    expect(policyOf(k).Statement.map((x) => x.Principal)).toEqual([{ AWS: "arn:aws:iam::111111111111:root" }]);
    expect(resource(tf, "aws_kms_alias", "dr__raw")).toMatchObject({ provider: "aws.dr", name: "alias/acme/dev/sales/raw", target_key_id: "${aws_kms_replica_key.dr__raw.key_id}" });
  });
});

describe("secondRegionProvider and inRegionOf", () => {
  it("declares one aliased provider per alias, pinned to the account, and moves every resource of a construct into it", () => {
    const tf = synthScope((s) => {
      const p = secondRegionProvider(s, { alias: "dr", region: "eu-central-1", accountId: "111111111111", defaultTags: { owner: "x" } });
      expect(secondRegionProvider(s, { alias: "dr", region: "eu-central-1", accountId: "111111111111", defaultTags: {} })).toBe(p);
      const b = new LakeBucket(s, "dr__raw", {
        bucketName: "b",
        bucketArn: "arn:aws:s3:::b",
        encryption: { kind: "kms", kmsKeyArn: "arn:aws:kms:eu-central-1:111111111111:key/mrk-1" },
        lifecycle: { intelligentTiering: false, noncurrentVersionExpiryDays: 30, abortIncompleteMultipartUploadDays: 7 },
      });
      inRegionOf(b, p);
    });
    expect((tf.provider as any).aws).toEqual([{ alias: "dr", region: "eu-central-1", allowed_account_ids: ["111111111111"], default_tags: [{ tags: { owner: "x" } }] }]);
    const providers = Object.entries(tf.resource).flatMap(([, rs]) => Object.values(rs).map((r) => r.provider));
    expect(providers.length).toBeGreaterThan(6);
    expect(new Set(providers)).toEqual(new Set(["aws.dr"]));
  });
});
