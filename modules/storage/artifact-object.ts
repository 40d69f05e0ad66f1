import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { Construct } from "constructs";

export interface ArtifactObjectProps {
  /** Terraform resource name. @default - the construct id */
  readonly terraformName?: string;
  /** The bucket (pass the bucket resource's id, so the object waits for it). */
  readonly bucket: string;
  readonly key: string;
  /** The file's text, written into the configuration so the output holds no path of the machine. */
  readonly content: string;
  readonly contentType: string;
  /**
   * The bucket's key: the object is SSE-KMS with it, as the bucket policy requires.
   * @default - the bucket's default encryption (for a bucket of another stack, whose key ARN is not known here)
   */
  readonly kmsKeyArn?: string;
  /**
   * The content already holds Terraform references that must stay live (a
   * DAG naming an application ID); the caller escaped the rest.
   * @default false
   */
  readonly contentIsTemplate?: boolean;
}

/**
 * A small artifact (a job script) uploaded as an S3 object. Keys carry a
 * content hash, so a changed script is a new object and a job never runs a
 * half-replaced one.
 *
 * Terraform address: `aws_s3_object.<name>`.
 */
export class ArtifactObject extends Construct {
  readonly object: S3Object;

  constructor(scope: Construct, id: string, props: ArtifactObjectProps) {
    super(scope, id);
    this.object = new S3Object(this, "object", {
      bucket: props.bucket,
      key: props.key,
      // Terraform would read ${…} and %{…} in the text as its own templates.
      content: props.contentIsTemplate ? props.content : escapeTemplates(props.content),
      contentType: props.contentType,
      ...(props.kmsKeyArn ? { serverSideEncryption: "aws:kms", kmsKeyId: props.kmsKeyArn, bucketKeyEnabled: true } : {}),
    });
    this.object.overrideLogicalId(props.terraformName ?? id);
  }
}

/** `${` → `$${` and `%{` → `%%{`: Terraform's escapes, so the object holds the text byte for byte. */
export function escapeTemplates(text: string): string {
  return text.replace(/([$%])\{/g, (_, sigil: string) => `${sigil}${sigil}{`);
}
