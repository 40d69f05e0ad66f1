import { EmrSecurityConfiguration as EmrSecurityConfigurationResource } from "@cdktf/provider-aws/lib/emr-security-configuration";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { KMS_KEY_OR_ALIAS_ARN } from "./log-group";

export interface EmrSecurityConfigurationProps {
  /**
   * Terraform resource name of the security configuration.
   * @default - the construct id
   */
  readonly terraformName?: string;
  /** Physical name: 1–256 letters, digits, `.`, `_` and `-`; clusters name it in `SecurityConfiguration`. */
  readonly name: string;
  /**
   * ARN of the customer-managed key that encrypts what EMRFS writes to S3 and
   * the cluster's local disks and EBS volumes. The EMR service role and the
   * cluster's instance-profile role need kms:GenerateDataKey and kms:Decrypt
   * on it (kms:CreateGrant too for EBS). The alias ARN of a key known only
   * by alias (a zone key's replica in the DR region) is accepted: EMR, S3
   * and EBS resolve it.
   */
  readonly kmsKeyArn: string;
  /**
   * S3 URI of a zip of PEM files (`privateKey.pem`, `certificateChain.pem`,
   * `trustedCertificates.pem`) for TLS between the cluster's nodes, e.g.
   * `s3://acme-sales-artifacts/emr/tls/certs.zip`. The instance-profile role
   * must be able to read it.
   */
  readonly tlsCertificatesS3Object: string;
}

/** The `configuration` JSON, in the key order AWS documents. */
export interface EmrSecurityConfigurationJson {
  readonly EncryptionConfiguration: {
    readonly EnableAtRestEncryption: true;
    readonly EnableInTransitEncryption: true;
    readonly AtRestEncryptionConfiguration: {
      readonly S3EncryptionConfiguration: { readonly EncryptionMode: "SSE-KMS"; readonly AwsKmsKey: string };
      readonly LocalDiskEncryptionConfiguration: {
        readonly EncryptionKeyProviderType: "AwsKms";
        readonly AwsKmsKey: string;
        readonly EnableEbsEncryption: true;
      };
    };
    readonly InTransitEncryptionConfiguration: {
      readonly TLSCertificateConfiguration: { readonly CertificateProviderType: "PEM"; readonly S3Object: string };
    };
  };
  readonly AuthorizationConfiguration: {
    readonly IAMConfiguration: {
      readonly EnableApplicationScopedIAMRole: true;
      readonly ApplicationScopedIAMRoleConfiguration: { readonly PropagateSourceIdentity: true };
    };
    readonly LakeFormationConfiguration: { readonly AuthorizedSessionTagValue: "Amazon EMR" };
  };
}

/**
 * An EMR security configuration for transient clusters that read the lake
 * through Lake Formation. Fixed in code, none of it optional:
 *
 * - at rest: EMRFS writes to S3 with SSE-KMS, and local disks (HDFS, shuffle,
 *   spill) and EBS volumes are encrypted under the same customer-managed key
 *   (CKV_AWS_171, CKV_AWS_349, CKV_AWS_350, AVD-AWS-0137, AVD-AWS-0139,
 *   AwsSolutions-EMR4);
 * - in transit: TLS between nodes with the PEM certificates given
 *   (CKV_AWS_351, AVD-AWS-0138, AwsSolutions-EMR5);
 * - authorization: runtime roles (`EnableApplicationScopedIAMRole`, which
 *   `AddJobFlowSteps` needs to take an `ExecutionRoleArn`; the caller's
 *   identity propagates as the source identity) and Lake Formation
 *   (`AuthorizedSessionTagValue` "Amazon EMR", the session tag Lake
 *   Formation's external data filtering setting must authorize). A step then
 *   reads only what Lake Formation grants its runtime role. EMR 6.15.0 or
 *   later (EMR's Lake Formation integration for runtime roles).
 *
 * EMR cannot change a security configuration: any change replaces it, and a
 * running cluster keeps the one it was launched with.
 *
 * Terraform address: `aws_emr_security_configuration.<name>`.
 */
export class EmrSecurityConfiguration extends Construct {
  readonly configuration: EmrSecurityConfigurationResource;
  /** The physical name, as a reference to the resource: clusters launched with it depend on it. */
  readonly name: string;

  constructor(scope: Construct, id: string, props: EmrSecurityConfigurationProps) {
    super(scope, id);
    const problems = emrSecurityConfigurationProblems(props);
    if (problems.length > 0) {
      throw new Error(
        `EmrSecurityConfiguration ${this.node.path}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
      );
    }
    this.configuration = new EmrSecurityConfigurationResource(this, "configuration", {
      name: props.name,
      configuration: JSON.stringify(emrSecurityConfigurationJson(props.kmsKeyArn, props.tlsCertificatesS3Object)),
    });
    this.configuration.overrideLogicalId(props.terraformName ?? id);
    this.name = this.configuration.name;
  }
}

/** The configuration document for a key and a certificate zip. */
export function emrSecurityConfigurationJson(kmsKeyArn: string, tlsCertificatesS3Object: string): EmrSecurityConfigurationJson {
  return {
    EncryptionConfiguration: {
      EnableAtRestEncryption: true,
      EnableInTransitEncryption: true,
      AtRestEncryptionConfiguration: {
        S3EncryptionConfiguration: { EncryptionMode: "SSE-KMS", AwsKmsKey: kmsKeyArn },
        LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: "AwsKms", AwsKmsKey: kmsKeyArn, EnableEbsEncryption: true },
      },
      InTransitEncryptionConfiguration: {
        TLSCertificateConfiguration: { CertificateProviderType: "PEM", S3Object: tlsCertificatesS3Object },
      },
    },
    AuthorizationConfiguration: {
      IAMConfiguration: {
        EnableApplicationScopedIAMRole: true,
        ApplicationScopedIAMRoleConfiguration: { PropagateSourceIdentity: true },
      },
      LakeFormationConfiguration: { AuthorizedSessionTagValue: "Amazon EMR" },
    },
  };
}

const NAME = /^[A-Za-z0-9._-]{1,256}$/;
/** `s3://<bucket>/<key>.zip`: EMR downloads and unzips it on every node. */
const S3_ZIP = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/\S+\.zip$/;

/** Every problem with the props, one sentence each; empty when they are fine. Tokens are not checked. */
export function emrSecurityConfigurationProblems(props: EmrSecurityConfigurationProps): string[] {
  const out: string[] = [];
  const literal = (s: string) => !Token.isUnresolved(s);
  if (literal(props.name) && !NAME.test(props.name)) out.push(`name "${props.name}" must be 1-256 letters, digits, ".", "_" or "-"`);
  if (literal(props.kmsKeyArn) && !KMS_KEY_OR_ALIAS_ARN.test(props.kmsKeyArn)) {
    out.push(`kmsKeyArn "${props.kmsKeyArn}" is not a KMS key or alias ARN ("arn:<partition>:kms:<region>:<account>:key/<key-id>" or "…:alias/<name>"; a bare alias or key id is not accepted)`);
  }
  if (literal(props.tlsCertificatesS3Object) && !S3_ZIP.test(props.tlsCertificatesS3Object)) {
    out.push(`tlsCertificatesS3Object "${props.tlsCertificatesS3Object}" is not the S3 URI of a zip file ("s3://<bucket>/<key>.zip")`);
  }
  return out;
}
