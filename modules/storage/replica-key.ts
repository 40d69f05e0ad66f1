import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsReplicaKey } from "@cdktf/provider-aws/lib/kms-replica-key";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { policyDocument, renderPolicy } from "../identity/policy-document";

export interface ReplicaKeyProps {
  /** Terraform resource name of the key and its alias. @default - the construct id */
  readonly terraformName?: string;
  /** The multi-Region primary key's ARN (pass the key resource's `arn`, so the replica waits for it). */
  readonly primaryKeyArn: string;
  /** Alias in the replica's region, with the `alias/` prefix (the primary's alias: aliases are per region). */
  readonly alias: string;
  readonly description: string;
  readonly accountId: string;
  readonly partition: string;
  /** The provider of the replica's region. */
  readonly provider: TerraformProvider;
}

/**
 * A replica of a multi-Region KMS key in another region: the same key
 * material and key ID, so objects encrypted in one region are decrypted with
 * the replica in the other. Rotation follows the primary (multi-Region keys
 * rotate together). Like every Lakeform key: a 30-day deletion window and an
 * explicit key policy whose only principal is the account root.
 *
 * Terraform addresses: `aws_kms_replica_key.<name>`, `aws_kms_alias.<name>`.
 */
export class ReplicaKey extends Construct {
  readonly key: KmsReplicaKey;
  readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: ReplicaKeyProps) {
    super(scope, id);
    const name = props.terraformName ?? id;
    this.key = new KmsReplicaKey(this, "key", {
      provider: props.provider,
      primaryKeyArn: props.primaryKeyArn,
      description: props.description,
      deletionWindowInDays: 30,
      enabled: true,
      policy: renderPolicy(
        policyDocument([
          {
            Sid: "AccountAdministersKeyThroughIam",
            Effect: "Allow",
            Principal: { AWS: `arn:${props.partition}:iam::${props.accountId}:root` },
            Action: "kms:*",
            Resource: "*",
          },
        ]),
      ),
    });
    this.key.overrideLogicalId(name);
    this.alias = new KmsAlias(this, "alias", { provider: props.provider, name: props.alias, targetKeyId: this.key.keyId });
    this.alias.overrideLogicalId(name);
  }
}
