import type { GuardrailRule } from "../../types";
import { type Check, cmkProblems, encryptionOf, GLUE_SECURITY, perResource } from "../../terraform";

/**
 * CKV_AWS_99, stricter on S3: CloudWatch logs SSE-KMS and job bookmarks
 * CSE-KMS, each with a key; S3 SSE-KMS with a key too (checkov also passes
 * SSE-S3). Every key is one of the stack's.
 */
export const checkGlueSecurityConfigurations: Check = (stacks) =>
  perResource("CKV_AWS_99", stacks, GLUE_SECURITY, (c, s) => {
    const modes: [string, string, string][] = [
      ["cloudwatch_encryption", "cloudwatch_encryption_mode", "SSE-KMS"],
      ["job_bookmarks_encryption", "job_bookmarks_encryption_mode", "CSE-KMS"],
      ["s3_encryption", "s3_encryption_mode", "SSE-KMS"],
    ];
    return modes.flatMap(([block, attr, mode]) => {
      const e = encryptionOf(c, block);
      if (!e) return [`${block} is not set`];
      return [...(e[attr] === mode ? [] : [`${block}.${attr} is ${String(e[attr])}, expected ${mode}`]), ...cmkProblems(s, `${block}.kms_key_arn`, e.kms_key_arn)];
    });
  });

export const rule: GuardrailRule = {
  id: "GLUE-002",
  severity: "error",
  scope: "terraform",
  rule: "Glue security configurations encrypt CloudWatch (SSE-KMS), bookmarks (CSE-KMS) and S3 under keys of the stack.",
  explanation: "Everything Glue writes stays under a customer-managed key.",
  source: ["CKV_AWS_99"],
  check: ({ stacks }) => checkGlueSecurityConfigurations(stacks),
};
