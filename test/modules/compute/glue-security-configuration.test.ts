import { describe, expect, it } from "vitest";
import { GlueSecurityConfiguration, type GlueSecurityConfigurationProps } from "../../../modules/compute/glue-security-configuration";
import { EncryptionKey } from "../../../modules/storage/encryption-key";
import { resource, resourcesOf, synthScope, type TfJson } from "../../helpers/synth";

const KEY = "arn:aws:kms:eu-west-1:111111111111:key/mrk-0123456789abcdef0123456789abcdef";

function props(over: Partial<GlueSecurityConfigurationProps> = {}): GlueSecurityConfigurationProps {
  return { name: "acme-sales-dev", kmsKeyArn: KEY, ...over };
}

const synth = (p: GlueSecurityConfigurationProps, id = "sales"): TfJson => synthScope((s) => void new GlueSecurityConfiguration(s, id, p));

type Encryption = Record<string, Record<string, string>>;
const encryptionOf = (tf: TfJson, name = "sales") => resource(tf, "aws_glue_security_configuration", name).encryption_configuration as Encryption;

describe("GlueSecurityConfiguration", () => {
  it("encrypts S3 data, CloudWatch logs and job bookmarks under the one key, and has nothing else", () => {
    expect(resource(synth(props()), "aws_glue_security_configuration", "sales")).toEqual({
      name: "acme-sales-dev",
      encryption_configuration: {
        s3_encryption: { s3_encryption_mode: "SSE-KMS", kms_key_arn: KEY },
        cloudwatch_encryption: { cloudwatch_encryption_mode: "SSE-KMS", kms_key_arn: KEY },
        job_bookmarks_encryption: { job_bookmarks_encryption_mode: "CSE-KMS", kms_key_arn: KEY },
      },
    });
  });

  it("encrypts CloudWatch logs with SSE-KMS and a key (CKV_AWS_99, AwsSolutions-GL1)", () => {
    expect(encryptionOf(synth(props())).cloudwatch_encryption).toEqual({ cloudwatch_encryption_mode: "SSE-KMS", kms_key_arn: KEY });
  });

  it("encrypts job bookmarks client-side with CSE-KMS and a key (CKV_AWS_99, AwsSolutions-GL3)", () => {
    expect(encryptionOf(synth(props())).job_bookmarks_encryption).toEqual({ job_bookmarks_encryption_mode: "CSE-KMS", kms_key_arn: KEY });
  });

  it("encrypts S3 data with SSE-KMS under the customer-managed key, not SSE-S3 (CKV_AWS_99)", () => {
    expect(encryptionOf(synth(props())).s3_encryption).toEqual({ s3_encryption_mode: "SSE-KMS", kms_key_arn: KEY });
  });

  it("encrypts S3 data under s3KmsKeyArn when given (an alias ARN too), logs and bookmarks still under kmsKeyArn", () => {
    const alias = "arn:aws:kms:eu-central-1:111111111111:alias/acme/dev/sales/curated";
    const e = encryptionOf(synth(props({ s3KmsKeyArn: alias })));
    expect(e.s3_encryption).toEqual({ s3_encryption_mode: "SSE-KMS", kms_key_arn: alias });
    expect(e.cloudwatch_encryption).toEqual({ cloudwatch_encryption_mode: "SSE-KMS", kms_key_arn: KEY });
    expect(e.job_bookmarks_encryption).toEqual({ job_bookmarks_encryption_mode: "CSE-KMS", kms_key_arn: KEY });
  });

  it("fails when s3KmsKeyArn is a bare alias", () => {
    expect(() => synth(props({ s3KmsKeyArn: "alias/acme/dev/sales/curated" }))).toThrow(
      's3KmsKeyArn "alias/acme/dev/sales/curated" is not a KMS key or alias ARN',
    );
  });

  it("uses terraformName instead of the construct id when given", () => {
    const tf = synth(props({ terraformName: "sales_glue" }), "sales-security-configuration");
    expect(Object.keys(resourcesOf(tf, "aws_glue_security_configuration"))).toEqual(["sales_glue"]);
  });

  it("exposes its name as a reference, so jobs that use it depend on it", () => {
    const tf = synthScope((s) => {
      const c = new GlueSecurityConfiguration(s, "sales", props());
      new GlueSecurityConfiguration(s, "probe", props({ name: `${c.name}-probe` }));
    });
    expect(resource(tf, "aws_glue_security_configuration", "probe").name).toBe("${aws_glue_security_configuration.sales.name}-probe");
  });

  it("refers to a key made in the same stack", () => {
    const tf = synthScope((s) => {
      const key = new EncryptionKey(s, "glue", { alias: "alias/acme/dev/sales/glue", description: "glue", accountId: "111111111111", partition: "aws" });
      new GlueSecurityConfiguration(s, "sales", props({ kmsKeyArn: key.key.arn }));
    });
    for (const block of Object.values(encryptionOf(tf))) expect(block.kms_key_arn).toBe("${aws_kms_key.glue.arn}");
  });

  it("fails when the name has a character log group names cannot hold and the key is an alias — all in one error", () => {
    expect(() => synth(props({ name: "acme sales", kmsKeyArn: "alias/acme/dev/glue" }))).toThrow(
      new Error(
        [
          "GlueSecurityConfiguration stack/sales: 2 problems:",
          '  - name "acme sales" must be 1-255 letters, digits, - or _ (Glue puts it in log group names)',
          '  - kmsKeyArn "alias/acme/dev/glue" is not a KMS key ARN ("arn:<partition>:kms:<region>:<account>:key/<key-id>"; an alias is not accepted)',
        ].join("\n"),
      ),
    );
  });

  it("fails when the name is empty or longer than 255 characters", () => {
    expect(() => synth(props({ name: "" }))).toThrow(/name "" must be 1-255/);
    expect(() => synth(props({ name: "x".repeat(256) }))).toThrow(/must be 1-255/);
  });

  it("fails when the key is missing", () => {
    expect(() => synth(props({ kmsKeyArn: "" }))).toThrow(/kmsKeyArn is required/);
  });
});
