import type { GuardrailRule } from "../../types";
import { attached, BUCKET, type Check, isTlsOnlyDeny, perBucket, POLICY, statementsOf } from "../../terraform";

/** AwsSolutions-S10 (and NIST/HIPAA/PCI S3BucketSSLRequestsOnly), read exactly as cdk-nag reads it. */
export const checkTlsOnly: Check = (stacks) =>
  perBucket("AwsSolutions-S10", stacks, (s, name, bucket) => {
    const policies = attached(s, POLICY, name);
    if (policies.length === 0) return ["no bucket policy is connected"];
    const physical = String(bucket.bucket);
    const arns = ["aws", "aws-cn", "aws-us-gov"].map((p) => `arn:${p}:s3:::${physical}`).concat(`\${${BUCKET}.${name}.arn}`);
    const found = policies.some(([, p]) => (statementsOf(p.policy) ?? []).some((st) => isTlsOnlyDeny(st, arns)));
    return found ? [] : ["no statement denies s3:* to * when aws:SecureTransport is false on [bucket ARN, ARN/*]"];
  });

export const rule: GuardrailRule = {
  id: "S3-003",
  severity: "error",
  scope: "terraform",
  rule: "Every bucket policy denies s3:* to everyone without TLS, on the bucket and its objects.",
  explanation: "Read exactly as cdk-nag reads it: a Deny of s3:* to Principal * when aws:SecureTransport is false, with Resource an array holding the bucket ARN and ARN/*.",
  source: ["AwsSolutions-S10", "NIST.800.53.R5-S3BucketSSLRequestsOnly"],
  check: ({ stacks }) => checkTlsOnly(stacks),
};
