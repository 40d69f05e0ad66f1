import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { type PolicyStatement, policyDocument, renderPolicy } from "../identity/policy-document";
import { pascalCase } from "./bucket-policy";

export interface EncryptionKeyProps {
  /**
   * Terraform resource name of every resource of this construct.
   * @default - the construct id
   */
  readonly terraformName?: string;
  /** Alias, with the `alias/` prefix. */
  readonly alias: string;
  readonly description: string;
  /** Account that owns the key; its root principal administers the key through IAM. */
  readonly accountId: string;
  readonly partition: string;
  /**
   * Multi-Region, so DR can create a replica that decrypts replicated data.
   * Off only for services that refuse multi-Region keys (MWAA).
   * @default true
   */
  readonly multiRegion?: boolean;
  /**
   * Statements added to the key policy after the account-administration one.
   * @default - none: only IAM policies of the owning account grant use
   */
  readonly statements?: readonly PolicyStatement[];
  /**
   * Other accounts that upload SSE-KMS objects under a prefix of a bucket
   * encrypted with this key (partner drops): each may use the key only
   * through S3 in the key's Region, from its own account, for that bucket.
   * @default - no other account uses the key
   */
  readonly s3PrefixWriters?: readonly S3PrefixWriter[];
}

/** Another account that uploads under a prefix of a bucket this key encrypts. */
export interface S3PrefixWriter {
  /** Names the key-policy statement. */
  readonly name: string;
  readonly accountId: string;
  /** Region of the bucket (and the key): S3 there is the only way in (kms:ViaService). */
  readonly region: string;
  readonly bucketArn: string;
  /** Key prefix ending in `/`. */
  readonly prefix: string;
}

/**
 * Key-policy statements for prefix writers: GenerateDataKey to upload and
 * Decrypt to complete multipart uploads, only via S3 in the Region, only by
 * that account (kms:CallerAccount), only for that bucket. The encryption
 * context is the object's ARN, or the bucket's when S3 Bucket Keys are on
 * (they are on every lake bucket), so both are listed: the prefix itself is
 * enforced by the bucket policy. Reads stay impossible: the bucket denies
 * the account s3:GetObject.
 */
export function s3PrefixWriterKeyStatements(partition: string, writers: readonly S3PrefixWriter[]): PolicyStatement[] {
  const s3 = partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  return writers.map((w) => ({
    Sid: `AllowS3UploadsByPartner${pascalCase(w.name)}`,
    Effect: "Allow",
    Principal: { AWS: `arn:${partition}:iam::${w.accountId}:root` },
    Action: ["kms:Decrypt", "kms:GenerateDataKey"],
    Resource: "*",
    Condition: {
      StringEquals: { "kms:CallerAccount": w.accountId, "kms:ViaService": `s3.${w.region}.${s3}` },
      StringLike: { "kms:EncryptionContext:aws:s3:arn": [w.bucketArn, `${w.bucketArn}/${w.prefix}*`] },
    },
  }));
}

/**
 * A customer-managed symmetric KMS key with its alias. Fixed in code, not
 * offered as options: yearly rotation, multi-Region (so DR can create a replica
 * that decrypts replicated objects), a 30-day deletion window, and an explicit
 * key policy whose only principals are named (no wildcard principal).
 *
 * Terraform addresses: `aws_kms_key.<id>`, `aws_kms_alias.<id>`.
 */
export class EncryptionKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const name = props.terraformName ?? id;
    const policy = policyDocument([
      {
        Sid: "AccountAdministersKeyThroughIam",
        Effect: "Allow",
        Principal: { AWS: `arn:${props.partition}:iam::${props.accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      ...(props.statements ?? []),
      ...s3PrefixWriterKeyStatements(props.partition, props.s3PrefixWriters ?? []),
    ]);
    this.key = new KmsKey(this, "key", {
      description: props.description,
      keyUsage: "ENCRYPT_DECRYPT",
      customerMasterKeySpec: "SYMMETRIC_DEFAULT",
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      multiRegion: props.multiRegion ?? true,
      deletionWindowInDays: 30,
      isEnabled: true,
      policy: renderPolicy(policy),
    });
    this.key.overrideLogicalId(name);
    this.alias = new KmsAlias(this, "alias", { name: props.alias, targetKeyId: this.key.keyId });
    this.alias.overrideLogicalId(name);
  }
}
