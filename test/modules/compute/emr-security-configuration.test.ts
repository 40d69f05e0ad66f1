import { describe, expect, it } from "vitest";
import {
  EmrSecurityConfiguration,
  type EmrSecurityConfigurationJson,
  type EmrSecurityConfigurationProps,
} from "../../../modules/compute/emr-security-configuration";
import { resource, resourcesOf, synthScope, type TfJson } from "../../helpers/synth";

const KEY = "arn:aws:kms:eu-west-1:111111111111:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789";
const CERTS = "s3://acme-sales-artifacts-dev-111111111111-eu-west-1/emr/tls/certs.zip";

function props(over: Partial<EmrSecurityConfigurationProps> = {}): EmrSecurityConfigurationProps {
  return { name: "acme-sales-emr-dev", kmsKeyArn: KEY, tlsCertificatesS3Object: CERTS, ...over };
}

const synth = (p: EmrSecurityConfigurationProps, id = "emr"): TfJson => synthScope((s) => void new EmrSecurityConfiguration(s, id, p));
const configurationOf = (tf: TfJson, name = "emr") =>
  JSON.parse(resource(tf, "aws_emr_security_configuration", name).configuration as string) as EmrSecurityConfigurationJson;

describe("EmrSecurityConfiguration", () => {
  it("is one aws_emr_security_configuration with its physical name, named after the construct id", () => {
    const tf = synth(props());
    expect(Object.keys(tf.resource)).toEqual(["aws_emr_security_configuration"]);
    expect(Object.keys(resourcesOf(tf, "aws_emr_security_configuration"))).toEqual(["emr"]);
    const sc = resource(tf, "aws_emr_security_configuration", "emr");
    expect(sc.name).toBe("acme-sales-emr-dev");
    expect(sc).not.toHaveProperty("name_prefix");
  });

  it("takes the alias ARN of a key known only by alias (a zone key's replica in the DR region) for S3 and local disks", () => {
    const alias = "arn:aws:kms:eu-central-1:111111111111:alias/acme/dev/sales/curated";
    const at = configurationOf(synth(props({ kmsKeyArn: alias }))).EncryptionConfiguration.AtRestEncryptionConfiguration;
    expect(at.S3EncryptionConfiguration.AwsKmsKey).toBe(alias);
    expect(at.LocalDiskEncryptionConfiguration.AwsKmsKey).toBe(alias);
  });

  it("uses terraformName instead of the construct id when given", () => {
    expect(Object.keys(resourcesOf(synth(props({ terraformName: "sales_emr" }), "sales-emr"), "aws_emr_security_configuration"))).toEqual(["sales_emr"]);
  });

  it("is exactly the documented document: encryption at rest and in transit, runtime roles and Lake Formation", () => {
    expect(configurationOf(synth(props()))).toEqual({
      EncryptionConfiguration: {
        EnableAtRestEncryption: true,
        EnableInTransitEncryption: true,
        AtRestEncryptionConfiguration: {
          S3EncryptionConfiguration: { EncryptionMode: "SSE-KMS", AwsKmsKey: KEY },
          LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: "AwsKms", AwsKmsKey: KEY, EnableEbsEncryption: true },
        },
        InTransitEncryptionConfiguration: { TLSCertificateConfiguration: { CertificateProviderType: "PEM", S3Object: CERTS } },
      },
      AuthorizationConfiguration: {
        IAMConfiguration: { EnableApplicationScopedIAMRole: true, ApplicationScopedIAMRoleConfiguration: { PropagateSourceIdentity: true } },
        LakeFormationConfiguration: { AuthorizedSessionTagValue: "Amazon EMR" },
      },
    });
  });

  it("passes the scanners' checks on the configuration JSON", () => {
    const raw = resource(synth(props()), "aws_emr_security_configuration", "emr").configuration as string;
    const enc = (JSON.parse(raw) as EmrSecurityConfigurationJson).EncryptionConfiguration;
    // CKV_AWS_171: the configuration names SSE-KMS.
    expect(raw).toContain("SSE-KMS");
    // CKV_AWS_349 / AVD-AWS-0137: at-rest encryption on, with a local-disk configuration.
    expect(enc.EnableAtRestEncryption).toBe(true);
    expect(enc.AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration).toBeDefined();
    // CKV_AWS_350: EBS encryption on, with at-rest encryption.
    expect(enc.AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration.EnableEbsEncryption).toBe(true);
    // CKV_AWS_351 / AVD-AWS-0138 / AwsSolutions-EMR5: in-transit encryption on, with a certificate provider.
    expect(enc.EnableInTransitEncryption).toBe(true);
    expect(enc.InTransitEncryptionConfiguration.TLSCertificateConfiguration.CertificateProviderType).toBe("PEM");
    // AVD-AWS-0139 / AwsSolutions-EMR4: a local-disk key provider.
    expect(enc.AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration.EncryptionKeyProviderType).toBe("AwsKms");
  });

  it("exposes the name as a reference, so clusters launched with it depend on it", () => {
    let name = "";
    synthScope((s) => void (name = new EmrSecurityConfiguration(s, "emr", props()).name));
    expect(name).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
  });

  it("fails when the name, the key and the certificate location are wrong — all in one error", () => {
    let message = "";
    try {
      synth(props({ name: "acme sales", kmsKeyArn: "alias/acme/sales", tlsCertificatesS3Object: "s3://bucket/certs.tar" }));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      [
        "EmrSecurityConfiguration stack/emr: 3 problems:",
        '  - name "acme sales" must be 1-256 letters, digits, ".", "_" or "-"',
        '  - kmsKeyArn "alias/acme/sales" is not a KMS key or alias ARN ("arn:<partition>:kms:<region>:<account>:key/<key-id>" or "…:alias/<name>"; a bare alias or key id is not accepted)',
        '  - tlsCertificatesS3Object "s3://bucket/certs.tar" is not the S3 URI of a zip file ("s3://<bucket>/<key>.zip")',
      ].join("\n"),
    );
  });

  it("fails when the certificate zip is not in S3", () => {
    expect(() => synth(props({ tlsCertificatesS3Object: "https://example.com/certs.zip" }))).toThrow(/tlsCertificatesS3Object .* is not the S3 URI of a zip file/);
  });
});
