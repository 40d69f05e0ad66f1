import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { type PolicyStatement, policyDocument, renderPolicy } from "../identity/policy-document";

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
