import { GlueSecurityConfiguration as GlueSecurityConfigurationResource } from "@cdktf/provider-aws/lib/glue-security-configuration";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { KMS_KEY_OR_ALIAS_ARN, kmsKeyArnProblems } from "./log-group";

export interface GlueSecurityConfigurationProps {
  /**
   * Terraform resource name of the security configuration.
   * @default - the construct id
   */
  readonly terraformName?: string;
  /**
   * Physical name: 1–255 letters, digits, `-` and `_`. Glue puts it in the
   * names of the log groups its jobs write to.
   */
  readonly name: string;
  /**
   * ARN of the customer-managed key for all three kinds of data. CloudWatch
   * Logs must be allowed to use it (`logsKeyStatements`), and the job roles
   * need kms:Encrypt, kms:Decrypt and kms:GenerateDataKey on it.
   */
  readonly kmsKeyArn: string;
  /**
   * Key of what jobs write to S3 only, when it is not kmsKeyArn: a key ARN,
   * or the alias ARN of a key known only by its alias (a zone key's replica
   * in the DR region; S3 takes the alias as the SSE-KMS key id). CloudWatch
   * Logs needs a key ARN and a key policy that lets it in, so logs and
   * bookmarks stay under kmsKeyArn.
   * @default - kmsKeyArn
   */
  readonly s3KmsKeyArn?: string;
}

/**
 * A Glue security configuration that encrypts everything a job writes under
 * one customer-managed key, none of it optional: what jobs write to S3
 * (output, temporary files, Spark UI event logs) with SSE-KMS, CloudWatch
 * logs with SSE-KMS, and job bookmarks client-side with CSE-KMS —
 * CKV_AWS_99, AwsSolutions-GL1 and GL3.
 *
 * Glue cannot change a security configuration: a new key replaces it.
 *
 * Terraform address: `aws_glue_security_configuration.<name>`.
 */
export class GlueSecurityConfiguration extends Construct {
  readonly configuration: GlueSecurityConfigurationResource;
  /** The physical name, as a reference to the resource: jobs that use it depend on it. */
  readonly name: string;

  constructor(scope: Construct, id: string, props: GlueSecurityConfigurationProps) {
    super(scope, id);
    const problems = glueSecurityConfigurationProblems(props);
    if (problems.length > 0) {
      throw new Error(
        `GlueSecurityConfiguration ${this.node.path}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
      );
    }
    const key = props.kmsKeyArn;
    this.configuration = new GlueSecurityConfigurationResource(this, "configuration", {
      name: props.name,
      encryptionConfiguration: {
        s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: props.s3KmsKeyArn ?? key },
        cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: key },
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: key },
      },
    });
    this.configuration.overrideLogicalId(props.terraformName ?? id);
    this.name = this.configuration.name;
  }
}

/** Letters, digits, `-`, `_`: the name also appears in log group names. */
export const SECURITY_CONFIGURATION_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** Every problem with the props, one sentence each; empty when they are fine. Tokens are not checked. */
export function glueSecurityConfigurationProblems(props: GlueSecurityConfigurationProps): string[] {
  const out: string[] = [];
  const n = props.name;
  if (!Token.isUnresolved(n) && !SECURITY_CONFIGURATION_NAME.test(n)) {
    out.push(`name "${n}" must be 1-255 letters, digits, - or _ (Glue puts it in log group names)`);
  }
  out.push(...kmsKeyArnProblems("kmsKeyArn", props.kmsKeyArn));
  const s3 = props.s3KmsKeyArn;
  if (s3 !== undefined && !Token.isUnresolved(s3) && !KMS_KEY_OR_ALIAS_ARN.test(s3)) {
    out.push(`s3KmsKeyArn "${s3}" is not a KMS key or alias ARN ("arn:<partition>:kms:<region>:<account>:key/<key-id>" or "…:alias/<name>")`);
  }
  return out;
}
