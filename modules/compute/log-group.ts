import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Token } from "cdktf";
import { Construct } from "constructs";
import type { PolicyStatement } from "../identity/policy-document";

export interface EncryptedLogGroupProps {
  /**
   * Terraform resource name of the log group.
   * @default - the construct id
   */
  readonly terraformName?: string;
  /** Log group name: 1–512 letters, digits and `._-/#`; not starting with `aws/` (reserved). */
  readonly name: string;
  /**
   * ARN of the KMS key that encrypts the log events. Its key policy must let
   * CloudWatch Logs use it: add `logsKeyStatements(...)` to the key's statements.
   */
  readonly kmsKeyArn: string;
  /**
   * Days log events are kept; one of the values CloudWatch Logs accepts
   * (LOG_RETENTION_DAYS). Shorter than a year is allowed on purpose: logs of
   * development environments, and logs that may echo record values, are
   * better kept briefly; keeping them a year or more (CKV_AWS_338) is the
   * default, not a rule. Never-expire (0) is not offered.
   * @default 400
   */
  readonly retentionDays?: number;
}

/** The retention periods CloudWatch Logs accepts, in days (0, never expire, left out). */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** A year of history plus a month to finish a yearly review, as for the data-event trail. */
export const DEFAULT_LOG_RETENTION_DAYS = 400;

/**
 * A CloudWatch Logs log group encrypted under a customer-managed KMS key and
 * with a retention period: CKV_AWS_158, CKV_AWS_66 and, at the default,
 * CKV_AWS_338. Fixed in code: the key is required, and the group class is
 * STANDARD (Infrequent Access has no metric or subscription filters, which
 * alarms on job errors need).
 *
 * Terraform address: `aws_cloudwatch_log_group.<name>`.
 */
export class EncryptedLogGroup extends Construct {
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: EncryptedLogGroupProps) {
    super(scope, id);
    const problems = encryptedLogGroupProblems(props);
    if (problems.length > 0) {
      throw new Error(`EncryptedLogGroup ${this.node.path}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: props.name,
      kmsKeyId: props.kmsKeyArn,
      retentionInDays: props.retentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
      logGroupClass: "STANDARD",
    });
    this.logGroup.overrideLogicalId(props.terraformName ?? id);
  }
}

const LOG_GROUP_NAME = /^[A-Za-z0-9._\-/#]+$/;
/** A key ARN, not an alias: CloudWatch Logs takes only key ARNs. */
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z]{2,4}(?:-[a-z]+)+-\d+:\d{12}:key\/[A-Za-z0-9-]+$/;
/** A key ARN or an alias ARN (not a bare alias or key id): what S3 and EMR take as a KMS key id, so a key known only by alias (a zone key's replica in the DR region) can be named. */
export const KMS_KEY_OR_ALIAS_ARN = /^arn:aws[a-z-]*:kms:[a-z]{2,4}(?:-[a-z]+)+-\d+:\d{12}:(?:key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]+)$/;

/** Every problem with the props, one sentence each; empty when they are fine. Tokens are not checked. */
export function encryptedLogGroupProblems(props: EncryptedLogGroupProps): string[] {
  const out: string[] = [];
  const literal = (s: string) => !Token.isUnresolved(s);
  const n = props.name;
  if (literal(n)) {
    if (n.length < 1 || n.length > 512) out.push(`name "${n}" is ${n.length} characters (1-512 allowed)`);
    if (!LOG_GROUP_NAME.test(n)) out.push(`name "${n}" may hold only letters, digits and ._-/#`);
    if (n.startsWith("aws/")) out.push(`name "${n}" starts with "aws/", which CloudWatch Logs reserves for AWS services`);
  }
  out.push(...kmsKeyArnProblems("kmsKeyArn", props.kmsKeyArn));
  out.push(...retentionProblems("retentionDays", props.retentionDays));
  return out;
}

/** Problems with a KMS key ARN given under `field`; none for a token. */
export function kmsKeyArnProblems(field: string, arn: string | undefined): string[] {
  if (!arn) return [`${field} is required: a customer-managed KMS key ARN`];
  if (Token.isUnresolved(arn) || KMS_KEY_ARN.test(arn)) return [];
  return [`${field} "${arn}" is not a KMS key ARN ("arn:<partition>:kms:<region>:<account>:key/<key-id>"; an alias is not accepted)`];
}

/** Problems with a retention period given under `field`; none when it is left to the default. */
export function retentionProblems(field: string, days: number | undefined): string[] {
  if (days === undefined || LOG_RETENTION_DAYS.includes(days)) return [];
  return [`${field} ${days} is not a retention period CloudWatch Logs accepts (one of ${LOG_RETENTION_DAYS.join(", ")})`];
}

/**
 * The key-policy statement CloudWatch Logs needs to encrypt and decrypt the
 * log groups of one account and Region with a key: append it to the
 * `statements` of an EncryptionKey. The encryption-context condition limits
 * the service to log groups of that account and Region.
 */
export function logsKeyStatements(accountId: string, region: string, partition: string): PolicyStatement[] {
  const domain = partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  return [
    {
      Sid: "AllowCloudWatchLogsToUseKey",
      Effect: "Allow",
      Principal: { Service: `logs.${region}.${domain}` },
      Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
      Resource: "*",
      Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${accountId}:log-group:*` } },
    },
  ];
}
