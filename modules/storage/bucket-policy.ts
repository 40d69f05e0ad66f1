import { type PolicyDocument, type PolicyStatement, policyDocument } from "../identity/policy-document";

export interface SecureBucketPolicyProps {
  readonly bucketArn: string;
  /** When set, uploads that ask for any other key or encryption type are refused. */
  readonly kmsKeyArn?: string;
  /** Extra statements (for example the log-delivery grant), appended after the guards. */
  readonly statements?: readonly PolicyStatement[];
}

/**
 * The guard statements every lake bucket carries: no plain-HTTP requests, no
 * TLS older than 1.2, and, for KMS buckets, no upload encrypted with anything
 * but the zone key. Uploads that name no encryption get the bucket default
 * (the zone key), so clients need not set headers.
 */
export function secureBucketPolicy(props: SecureBucketPolicyProps): PolicyDocument {
  const both = [props.bucketArn, `${props.bucketArn}/*`];
  const statements: PolicyStatement[] = [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: "s3:*",
      Resource: both,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "DenyOutdatedTls",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: "s3:*",
      Resource: both,
      Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
    },
  ];
  if (props.kmsKeyArn) {
    statements.push(
      {
        Sid: "DenyUploadsNotSseKms",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: "s3:PutObject",
        Resource: `${props.bucketArn}/*`,
        Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": "aws:kms" } },
      },
      {
        Sid: "DenyUploadsWithOtherKeys",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: "s3:PutObject",
        Resource: `${props.bucketArn}/*`,
        Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": props.kmsKeyArn } },
      },
    );
  }
  return policyDocument([...statements, ...(props.statements ?? [])]);
}

/** Lets the S3 logging service write access logs for buckets of one account into the log bucket. */
export function logDeliveryStatement(logBucketArn: string, sourceAccountId: string, sourceBucketArns: readonly string[]): PolicyStatement {
  return {
    Sid: "AllowS3ServerAccessLogDelivery",
    Effect: "Allow",
    Principal: { Service: "logging.s3.amazonaws.com" },
    Action: "s3:PutObject",
    Resource: `${logBucketArn}/*`,
    Condition: {
      StringEquals: { "aws:SourceAccount": sourceAccountId },
      ArnLike: { "aws:SourceArn": [...sourceBucketArns].sort() },
    },
  };
}
