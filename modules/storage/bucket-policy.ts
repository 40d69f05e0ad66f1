import { type PolicyDocument, type PolicyStatement, denyInsecureTransport, policyDocument } from "../identity/policy-document";

export interface SecureBucketPolicyProps {
  readonly bucketArn: string;
  /** When set, uploads that ask for any other key or encryption type are refused. */
  readonly kmsKeyArn?: string;
  /**
   * Further keys an upload may name (besides kmsKeyArn), for writers whose
   * encryption is set elsewhere (a Glue security configuration).
   * @default - none
   */
  readonly additionalUploadKeyArns?: readonly string[];
  /**
   * The only principals that may read objects (the Lake Formation registration
   * role, later the replication role): everyone else is denied s3:GetObject,
   * so data is reached through Lake Formation or not at all.
   * @default - reads are left to IAM
   */
  readonly onlyObjectReaders?: readonly string[];
  /**
   * Other accounts that may upload under one prefix each (partner drops):
   * PutObject and the multipart actions there, nothing else. The guards
   * above still apply to them: SSE-KMS under the bucket key, TLS 1.2, and no
   * object reads.
   * @default - no other account writes
   */
  readonly prefixWriters?: readonly PrefixWriter[];
  /** Extra statements (for example the log-delivery grant), appended after the guards. */
  readonly statements?: readonly PolicyStatement[];
}

/** Another account allowed to upload under one key prefix of the bucket. */
export interface PrefixWriter {
  /** Names the policy statement: lower-case letters, digits and hyphens. */
  readonly name: string;
  /** The uploading account (12 digits); its own IAM decides which of its principals may. */
  readonly accountId: string;
  /** Key prefix ending in `/`, like `drops/mvno-nordic/`. */
  readonly prefix: string;
}

/** Upload actions a prefix writer gets: single and multipart uploads, and cleaning up its own unfinished ones. */
export const PREFIX_WRITER_ACTIONS = ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:PutObject"];

/** `mvno-nordic` → `MvnoNordic`, for statement ids. */
export const pascalCase = (name: string) => name.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");

/** `arn:aws:s3:::bucket` → `aws`. */
const partitionOfArn = (arn: string) => /^arn:([^:]+):/.exec(arn)?.[1] ?? "aws";

/** One Allow per prefix writer: its account's principals may upload under its prefix only. */
export function prefixWriterStatements(bucketArn: string, writers: readonly PrefixWriter[]): PolicyStatement[] {
  const problems = writers.flatMap((w) => [
    ...(/^\d{12}$/.test(w.accountId) ? [] : [`prefix writer ${w.name}: account "${w.accountId}" is not 12 digits`]),
    ...(/^[A-Za-z0-9_.=-]+(\/[A-Za-z0-9_.=-]+)*\/$/.test(w.prefix) ? [] : [`prefix writer ${w.name}: "${w.prefix}" is not a key prefix ending in / (and not the whole bucket)`]),
  ]);
  if (problems.length > 0) throw new Error(problems.join("; "));
  return writers.map((w) => ({
    Sid: `AllowUploadsByPartner${pascalCase(w.name)}`,
    Effect: "Allow",
    Principal: { AWS: `arn:${partitionOfArn(bucketArn)}:iam::${w.accountId}:root` },
    Action: PREFIX_WRITER_ACTIONS,
    Resource: `${bucketArn}/${w.prefix}*`,
  }));
}

/**
 * The guard statements every lake bucket carries: no plain-HTTP requests, no
 * TLS older than 1.2, and, for KMS buckets, no upload that does not name
 * SSE-KMS with the bucket key (…IfExists treats a missing header as a
 * mismatch: every writer states the key it uses).
 */
export function secureBucketPolicy(props: SecureBucketPolicyProps): PolicyDocument {
  const both = [props.bucketArn, `${props.bucketArn}/*`];
  const statements: PolicyStatement[] = [
    denyInsecureTransport("s3:*", both),
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
        Condition: {
          StringNotEqualsIfExists: {
            "s3:x-amz-server-side-encryption-aws-kms-key-id":
              props.additionalUploadKeyArns && props.additionalUploadKeyArns.length > 0 ? [props.kmsKeyArn, ...props.additionalUploadKeyArns] : props.kmsKeyArn,
          },
        },
      },
    );
  }
  if (props.onlyObjectReaders) {
    if (props.onlyObjectReaders.length === 0) throw new Error("onlyObjectReaders is empty: nobody could read the bucket");
    statements.push({
      Sid: "DenyObjectReadsOutsideLakeFormation",
      Effect: "Deny",
      Principal: { AWS: "*" },
      // Replication reads objects with its own action; the replication role (DR) is named a reader when it exists.
      Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectVersionForReplication"],
      Resource: `${props.bucketArn}/*`,
      Condition: { ArnNotEquals: { "aws:PrincipalArn": [...props.onlyObjectReaders].sort() } },
    });
  }
  return policyDocument([...statements, ...prefixWriterStatements(props.bucketArn, props.prefixWriters ?? []), ...(props.statements ?? [])]);
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
