import { describe, expect, it } from "vitest";
import { EncryptedLogGroup, type EncryptedLogGroupProps, LOG_RETENTION_DAYS, logsKeyStatements } from "../../../modules/compute/log-group";
import { EncryptionKey } from "../../../modules/storage/encryption-key";
import { policyOf, resource, resourcesOf, synthScope, type TfJson, errorOf } from "../../helpers/synth";

const KEY = "arn:aws:kms:eu-west-1:111111111111:key/mrk-0123456789abcdef0123456789abcdef";

function props(over: Partial<EncryptedLogGroupProps> = {}): EncryptedLogGroupProps {
  return { name: "/acme/sales/dev/orders", kmsKeyArn: KEY, ...over };
}

const synth = (p: EncryptedLogGroupProps, id = "orders"): TfJson => synthScope((s) => void new EncryptedLogGroup(s, id, p));

describe("EncryptedLogGroup", () => {
  it("is encrypted under the given key, kept 400 days by default, in the STANDARD class, and nothing else", () => {
    expect(resource(synth(props()), "aws_cloudwatch_log_group", "orders")).toEqual({
      name: "/acme/sales/dev/orders",
      kms_key_id: KEY,
      retention_in_days: 400,
      log_group_class: "STANDARD",
    });
  });

  it("keeps its events a year or more by default (CKV_AWS_338)", () => {
    expect(resource(synth(props()), "aws_cloudwatch_log_group", "orders").retention_in_days).toBeGreaterThanOrEqual(365);
  });

  it("takes a retention period, also one shorter than a year", () => {
    expect(resource(synth(props({ retentionDays: 3653 })), "aws_cloudwatch_log_group", "orders").retention_in_days).toBe(3653);
    expect(resource(synth(props({ retentionDays: 30 })), "aws_cloudwatch_log_group", "orders").retention_in_days).toBe(30);
  });

  it("uses terraformName instead of the construct id when given", () => {
    const tf = synth(props({ terraformName: "orders_logs" }), "orders-log-group");
    expect(Object.keys(resourcesOf(tf, "aws_cloudwatch_log_group"))).toEqual(["orders_logs"]);
  });

  it("refers to a key made in the same stack", () => {
    const tf = synthScope((s) => {
      const key = new EncryptionKey(s, "logs", { alias: "alias/acme/dev/logs", description: "logs", accountId: "111111111111", partition: "aws" });
      new EncryptedLogGroup(s, "orders", props({ kmsKeyArn: key.key.arn }));
    });
    expect(resource(tf, "aws_cloudwatch_log_group", "orders").kms_key_id).toBe("${aws_kms_key.logs.arn}");
  });

  it("accepts every retention period CloudWatch Logs offers, never-expire excepted", () => {
    expect(LOG_RETENTION_DAYS).not.toContain(0);
    for (const days of LOG_RETENTION_DAYS) expect(() => synth(props({ retentionDays: days }))).not.toThrow();
  });

  it("fails when the retention period is not one CloudWatch Logs accepts, or is never-expire", () => {
    expect(errorOf(() => synth(props({ retentionDays: 366 })))).toMatch(/retentionDays 366 is not a retention period CloudWatch Logs accepts \(one of 1, 3, 5, .*, 3653\)/);
    expect(errorOf(() => synth(props({ retentionDays: 0 })))).toMatch(/retentionDays 0 is not a retention period/);
  });

  it("fails when the key is an alias or missing", () => {
    expect(errorOf(() => synth(props({ kmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:alias/acme/dev/logs" })))).toMatch(
      /kmsKeyArn "arn:aws:kms:eu-west-1:111111111111:alias\/acme\/dev\/logs" is not a KMS key ARN .*an alias is not accepted/,
    );
    expect(errorOf(() => synth(props({ kmsKeyArn: "" })))).toMatch(/kmsKeyArn is required: a customer-managed KMS key ARN/);
  });

  it("fails when the name is reserved, malformed and the key is missing — all in one error", () => {
    expect(errorOf(() => synth(props({ name: "aws/glue jobs", kmsKeyArn: "" })))).toBe(
      [
        "EncryptedLogGroup stack/orders: 3 problems:",
        '  - name "aws/glue jobs" may hold only letters, digits and ._-/#',
        '  - name "aws/glue jobs" starts with "aws/", which CloudWatch Logs reserves for AWS services',
        "  - kmsKeyArn is required: a customer-managed KMS key ARN",
      ].join("\n"),
    );
  });

  it("fails when the name is longer than 512 characters", () => {
    const long = `/${"x".repeat(512)}`;
    expect(errorOf(() => synth(props({ name: long })))).toMatch(/is 513 characters \(1-512 allowed\)/);
  });
});

describe("logsKeyStatements", () => {
  it("lets CloudWatch Logs of the Region use the key for log groups of the account and Region only", () => {
    expect(logsKeyStatements("111111111111", "eu-west-1", "aws")).toEqual([
      {
        Sid: "AllowCloudWatchLogsToUseKey",
        Effect: "Allow",
        Principal: { Service: "logs.eu-west-1.amazonaws.com" },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:111111111111:log-group:*" } },
      },
    ]);
  });

  it("uses the partition's ARNs and, in China, its service principal domain", () => {
    const [s] = logsKeyStatements("333333333333", "cn-north-1", "aws-cn");
    expect(s!.Principal).toEqual({ Service: "logs.cn-north-1.amazonaws.com.cn" });
    expect(s!.Condition).toEqual({ ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws-cn:logs:cn-north-1:333333333333:log-group:*" } });
  });

  it("gives CloudWatch Logs no key administration", () => {
    const actions = logsKeyStatements("111111111111", "eu-west-1", "aws")[0]!.Action as string[];
    for (const a of actions) expect(a).toMatch(/^kms:(Encrypt|Decrypt|ReEncrypt|GenerateDataKey|Describe)\*$/);
  });

  it("goes into an EncryptionKey's policy after the account statement", () => {
    const tf = synthScope(
      (s) =>
        void new EncryptionKey(s, "logs", {
          alias: "alias/acme/dev/logs",
          description: "logs",
          accountId: "111111111111",
          partition: "aws",
          statements: logsKeyStatements("111111111111", "eu-west-1", "aws"),
        }),
    );
    const policy = policyOf(resource(tf, "aws_kms_key", "logs"));
    expect(policy.Statement.map((s) => s.Sid)).toEqual(["AccountAdministersKeyThroughIam", "AllowCloudWatchLogsToUseKey"]);
  });
});
