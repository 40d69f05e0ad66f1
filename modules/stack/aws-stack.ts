import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";

export type StackBackend =
  /** `path` is relative to the stack's working directory. */
  | { readonly type: "local"; readonly path: string }
  | { readonly type: "s3"; readonly bucket: string; readonly key: string; readonly region: string; readonly kmsKeyArn?: string };

export interface AwsStackProps {
  readonly region: string;
  /** The provider refuses to run against any other account. */
  readonly accountId: string;
  readonly backend: StackBackend;
  /** Tags the provider puts on every taggable resource. */
  readonly defaultTags: Readonly<Record<string, string>>;
}

/**
 * One Terraform configuration with its own state: the AWS provider pinned to
 * one account and region, default tags, and the backend. Nothing here reads
 * another stack's state or calls AWS at plan time.
 */
export class AwsStack extends TerraformStack {
  constructor(scope: Construct, name: string, props: AwsStackProps) {
    super(scope, name);
    new AwsProvider(this, "aws", {
      region: props.region,
      allowedAccountIds: [props.accountId],
      defaultTags: [{ tags: { ...props.defaultTags } }],
    });
    const b = props.backend;
    if (b.type === "local") {
      // Relative to the stack's working directory, so the output holds no path of the machine.
      new LocalBackend(this, { path: b.path });
    } else {
      const s3 = new S3Backend(this, {
        bucket: b.bucket,
        key: b.key,
        region: b.region,
        encrypt: true,
        ...(b.kmsKeyArn ? { kmsKeyId: b.kmsKeyArn } : {}),
      });
      // S3-native locking (Terraform >= 1.10); cdktf 0.21 has no typed field for it.
      s3.addOverride("use_lockfile", true);
    }
  }
}
