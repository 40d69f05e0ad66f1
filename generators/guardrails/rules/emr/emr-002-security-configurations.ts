import type { GuardrailRule } from "../../types";
import { type Check, cmkProblems, EMR_SECURITY, nonEmpty, perResource } from "../../terraform";

/**
 * CKV_AWS_171, CKV_AWS_349, CKV_AWS_350, CKV_AWS_351, AVD-AWS-0137/0138/0139,
 * AwsSolutions-EMR4/EMR5 (read at `EncryptionConfiguration`, not cdk-nag's
 * top-level quirk), and the Lake Formation authorization runtime roles need:
 * S3 SSE-KMS, local disks and EBS under a key of the stack, TLS with PEM
 * certificates, runtime roles with Lake Formation's "Amazon EMR" session tag.
 */
export const checkEmrSecurityConfigurations: Check = (stacks) =>
  perResource("CKV_AWS_171/349/350/351/AVD-AWS-0137-0139/AwsSolutions-EMR4/EMR5", stacks, EMR_SECURITY, (c, s) => {
    let doc: any;
    try {
      doc = JSON.parse(String(c.configuration));
    } catch {
      return ["configuration is not a literal JSON document (UNKNOWN)"];
    }
    const out: string[] = [];
    const e = doc?.EncryptionConfiguration;
    if (e?.EnableAtRestEncryption !== true) out.push("at-rest encryption is off (CKV_AWS_349, AVD-AWS-0137)");
    if (e?.EnableInTransitEncryption !== true) out.push("in-transit encryption is off (CKV_AWS_351, AVD-AWS-0138)");
    const s3 = e?.AtRestEncryptionConfiguration?.S3EncryptionConfiguration;
    if (s3?.EncryptionMode !== "SSE-KMS") out.push(`S3 encryption is ${String(s3?.EncryptionMode)}, not SSE-KMS (CKV_AWS_171)`);
    else out.push(...cmkProblems(s, "S3EncryptionConfiguration.AwsKmsKey", s3.AwsKmsKey));
    const disk = e?.AtRestEncryptionConfiguration?.LocalDiskEncryptionConfiguration;
    if (disk?.EncryptionKeyProviderType !== "AwsKms") out.push(`local disks are not encrypted with KMS (AVD-AWS-0139, AwsSolutions-EMR4): ${JSON.stringify(disk)}`);
    else out.push(...cmkProblems(s, "LocalDiskEncryptionConfiguration.AwsKmsKey", disk.AwsKmsKey));
    if (disk?.EnableEbsEncryption !== true) out.push("EBS volumes are not encrypted (CKV_AWS_350)");
    const tls = e?.InTransitEncryptionConfiguration?.TLSCertificateConfiguration;
    if (tls?.CertificateProviderType !== "PEM" || !nonEmpty(tls?.S3Object)) out.push("no PEM certificates for in-transit TLS (AwsSolutions-EMR5)");
    const auth = doc?.AuthorizationConfiguration;
    if (auth?.IAMConfiguration?.EnableApplicationScopedIAMRole !== true) out.push("runtime roles are off");
    if (auth?.LakeFormationConfiguration?.AuthorizedSessionTagValue !== "Amazon EMR") out.push("no Lake Formation authorization (session tag \"Amazon EMR\")");
    return out;
  });

export const rule: GuardrailRule = {
  id: "EMR-002",
  severity: "error",
  scope: "terraform",
  rule: "EMR security configurations encrypt at rest (S3 SSE-KMS, local disks and EBS) and in transit, with Lake Formation runtime roles.",
  explanation: "What a cluster writes stays under the zone's key, and Spark applies masks and row filters through Lake Formation.",
  source: ["CKV_AWS_171", "CKV_AWS_349", "CKV_AWS_350", "CKV_AWS_351", "AVD-AWS-0137", "AVD-AWS-0138", "AVD-AWS-0139", "AwsSolutions-EMR4", "AwsSolutions-EMR5"],
  check: ({ stacks }) => checkEmrSecurityConfigurations(stacks),
};
