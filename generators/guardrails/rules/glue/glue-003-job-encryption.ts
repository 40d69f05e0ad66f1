import type { GuardrailRule } from "../../types";
import { type Check, encryptionOf, GLUE_JOB, GLUE_SECURITY, perResource, securityConfigurationOf } from "../../terraform";

/** AwsSolutions-GL1 / GL3, read through each job's security configuration: CloudWatch logs SSE-KMS, bookmarks CSE-KMS. */
export const checkGlueJobEncryption: Check = (stacks) =>
  perResource("AwsSolutions-GL1/GL3", stacks, GLUE_JOB, (j, s) => {
    const found = securityConfigurationOf(s, j);
    if (!found) return ["no security configuration of the stack, so its logs and bookmarks are not known to be encrypted"];
    const [n, c] = found;
    return [
      ...(encryptionOf(c, "cloudwatch_encryption")?.cloudwatch_encryption_mode === "SSE-KMS" ? [] : [`${GLUE_SECURITY}.${n} does not encrypt CloudWatch logs with SSE-KMS (GL1)`]),
      ...(encryptionOf(c, "job_bookmarks_encryption")?.job_bookmarks_encryption_mode === "CSE-KMS" ? [] : [`${GLUE_SECURITY}.${n} does not encrypt job bookmarks with CSE-KMS (GL3)`]),
    ];
  });

export const rule: GuardrailRule = {
  id: "GLUE-003",
  severity: "error",
  scope: "terraform",
  rule: "Each Glue job's logs are SSE-KMS and its bookmarks CSE-KMS.",
  explanation: "cdk-nag reads the job's own configuration: a missing or unmatched configuration fails.",
  source: ["AwsSolutions-GL1", "AwsSolutions-GL3"],
  check: ({ stacks }) => checkGlueJobEncryption(stacks),
};
