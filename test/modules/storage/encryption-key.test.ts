import { describe, expect, it } from "vitest";
import { EncryptionKey, type EncryptionKeyProps, s3PrefixWriterKeyStatements } from "../../../modules/storage/encryption-key";
import { policyOf, resource, resourcesOf, synthScope, type TfJson } from "../../helpers/synth";

function props(over: Partial<EncryptionKeyProps> = {}): EncryptionKeyProps {
  return {
    alias: "alias/acme/dev/sales/raw",
    description: "sales raw zone (dev)",
    accountId: "111111111111",
    partition: "aws",
    ...over,
  };
}

const synth = (p: EncryptionKeyProps, id = "raw"): TfJson => synthScope((s) => void new EncryptionKey(s, id, p));

describe("EncryptionKey", () => {
  it("is a symmetric, enabled, multi-Region key with yearly rotation and a 30-day deletion window", () => {
    const key = resource(synth(props()), "aws_kms_key", "raw");
    expect(key).toMatchObject({
      description: "sales raw zone (dev)",
      key_usage: "ENCRYPT_DECRYPT",
      customer_master_key_spec: "SYMMETRIC_DEFAULT",
      enable_key_rotation: true,
      rotation_period_in_days: 365,
      multi_region: true,
      deletion_window_in_days: 30,
      is_enabled: true,
    });
    // Bypassing the lockout check would let a bad policy lock the account out of its own key.
    expect(key).not.toHaveProperty("bypass_policy_lockout_safety_check");
  });

  it("is single-Region only when asked (MWAA refuses multi-Region keys), and multi-Region by default", () => {
    expect(resource(synth(props({ multiRegion: false })), "aws_kms_key", "raw").multi_region).toBe(false);
    expect(resource(synth(props({ multiRegion: true })), "aws_kms_key", "raw").multi_region).toBe(true);
    expect(resource(synth(props()), "aws_kms_key", "raw").multi_region).toBe(true);
  });

  it("has a key policy whose only principal is the owning account's root", () => {
    const policy = policyOf(resource(synth(props()), "aws_kms_key", "raw"));
    expect(policy).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "AccountAdministersKeyThroughIam", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kms:*", Resource: "*" },
      ],
    });
  });

  it("writes the root principal in the key's partition", () => {
    const policy = policyOf(resource(synth(props({ partition: "aws-cn", accountId: "333333333333" })), "aws_kms_key", "raw"));
    expect(policy.Statement[0]!.Principal).toEqual({ AWS: "arn:aws-cn:iam::333333333333:root" });
  });

  it("appends extra statements after the account statement", () => {
    const extra = {
      Sid: "AllowLogDelivery",
      Effect: "Allow" as const,
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Action: ["kms:Encrypt", "kms:GenerateDataKey*"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
    };
    const policy = policyOf(resource(synth(props({ statements: [extra] })), "aws_kms_key", "raw"));
    expect(policy.Statement.map((s) => s.Sid)).toEqual(["AccountAdministersKeyThroughIam", "AllowLogDelivery"]);
    expect(policy.Statement[1]).toEqual(extra);
  });

  it("fails when an extra statement reuses the account statement's Sid", () => {
    const dup = { Sid: "AccountAdministersKeyThroughIam", Effect: "Allow" as const, Principal: { AWS: "arn:aws:iam::111111111111:role/x" }, Action: "kms:Decrypt", Resource: "*" };
    expect(() => synth(props({ statements: [dup] }))).toThrow(/duplicate policy statement Sid AccountAdministersKeyThroughIam/);
  });

  it("gives the key an alias that targets it by reference", () => {
    const alias = resource(synth(props()), "aws_kms_alias", "raw");
    expect(alias.name).toBe("alias/acme/dev/sales/raw");
    expect(alias.target_key_id).toBe("${aws_kms_key.raw.key_id}");
  });

  it("names the key and alias after terraformName when given", () => {
    const tf = synth(props({ terraformName: "processed" }), "processed-key");
    expect(Object.keys(resourcesOf(tf, "aws_kms_key"))).toEqual(["processed"]);
    expect(Object.keys(resourcesOf(tf, "aws_kms_alias"))).toEqual(["processed"]);
    expect(resource(tf, "aws_kms_alias", "processed").target_key_id).toBe("${aws_kms_key.processed.key_id}");
  });

  it("writes no separate aws_kms_key_policy, which would fight the inline policy", () => {
    expect(resourcesOf(synth(props()), "aws_kms_key_policy")).toEqual({});
  });
});

describe("EncryptionKey s3PrefixWriters (partner drops)", () => {
  const writer = { name: "mvno-nordic", accountId: "555555555555", region: "eu-west-1", bucketArn: "arn:aws:s3:::acme-cdr-raw-dev", prefix: "drops/mvno-nordic/" };

  it("lets the partner account use the key only through S3 in the Region, from its own account, for that bucket", () => {
    const doc = policyOf(resource(synth(props({ s3PrefixWriters: [writer] })), "aws_kms_key", "raw"));
    expect(doc.Statement.map((s) => s.Sid)).toEqual(["AccountAdministersKeyThroughIam", "AllowS3UploadsByPartnerMvnoNordic"]);
    expect(doc.Statement[1]).toEqual({
      Sid: "AllowS3UploadsByPartnerMvnoNordic",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::555555555555:root" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: {
        StringEquals: { "kms:CallerAccount": "555555555555", "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
        // The bucket's ARN is the context when S3 Bucket Keys are on; the object's ARN under the prefix otherwise.
        StringLike: { "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::acme-cdr-raw-dev", "arn:aws:s3:::acme-cdr-raw-dev/drops/mvno-nordic/*"] },
      },
    });
  });

  it("grants no administration, re-encryption or grants to the partner", () => {
    const [s] = s3PrefixWriterKeyStatements("aws", [writer]);
    expect([s!.Action].flat().filter((a) => !["kms:Decrypt", "kms:GenerateDataKey"].includes(a))).toEqual([]);
  });

  it("names S3 of the China partition by its own domain", () => {
    const [s] = s3PrefixWriterKeyStatements("aws-cn", [{ ...writer, region: "cn-north-1" }]);
    expect(s!.Condition!.StringEquals!["kms:ViaService"]).toBe("s3.cn-north-1.amazonaws.com.cn");
    expect(s!.Principal).toEqual({ AWS: "arn:aws-cn:iam::555555555555:root" });
  });

  it("adds nothing without writers", () => {
    expect(policyOf(resource(synth(props()), "aws_kms_key", "raw")).Statement).toHaveLength(1);
  });
});
