import type { GuardrailRule } from "../../types";
import { attached, blocks, type Check, isAccessLogBucket, KMS_KEY, perBucket, SSE } from "../../terraform";

// ---------------------------------------------------------------------------
// S3 rules

/** CKV_AWS_145, AVD-AWS-0132, NIST S3DefaultEncryptionKMS, CKV_AWS_19. */
export const checkSseKms: Check = (stacks) =>
  perBucket("CKV_AWS_145/AVD-AWS-0132/S3DefaultEncryptionKMS/CKV_AWS_19", stacks, (s, name, bucket) => {
    const cfgs = attached(s, SSE, name);
    if (cfgs.length === 0) return ["no server-side encryption configuration is connected"];
    const logBucket = isAccessLogBucket(s, name, bucket);
    const out: string[] = [];
    for (const [cfgName, cfg] of cfgs) {
      const rules = blocks(cfg.rule);
      if (rules.length === 0) out.push(`${SSE}.${cfgName} has no rule`);
      for (const rule of rules) {
        const apply = blocks(rule.apply_server_side_encryption_by_default);
        if (apply.length === 0) out.push(`${SSE}.${cfgName} has a rule without apply_server_side_encryption_by_default`);
        for (const a of apply) {
          if (logBucket) {
            if (a.sse_algorithm !== "AES256") out.push(`access-log bucket must use AES256 (log delivery cannot write SSE-KMS), got ${String(a.sse_algorithm)}`);
            continue;
          }
          if (a.sse_algorithm !== "aws:kms") {
            out.push(`sse_algorithm must be aws:kms, got ${String(a.sse_algorithm)}`);
            continue;
          }
          const key = a.kms_master_key_id;
          if (typeof key !== "string" || key === "") out.push("kms_master_key_id is empty");
          else {
            const ref = /\$\{aws_kms_key\.([\w-]+)\./.exec(key);
            if (ref && !s.json.resource?.[KMS_KEY]?.[ref[1]!]) out.push(`kms_master_key_id refers to ${KMS_KEY}.${ref[1]}, which is not in the stack`);
          }
        }
      }
    }
    return out;
  });

export const rule: GuardrailRule = {
  id: "S3-001",
  severity: "error",
  scope: "terraform",
  rule: "Every bucket is encrypted with SSE-KMS under a key of its stack; access-log buckets with SSE-S3.",
  explanation: "A customer-managed key puts every read of the data behind a key policy and CloudTrail. S3 server access log delivery cannot write into SSE-KMS buckets, so a bucket recognised as a log target by its policy (logging.s3.amazonaws.com may put objects) and by another bucket's logging must use AES256 instead, as trivy's AVD-AWS-0132 exempts it.",
  source: ["CKV_AWS_145", "AVD-AWS-0132", "NIST.800.53.R5-S3DefaultEncryptionKMS", "CKV_AWS_19"],
  check: ({ stacks }) => checkSseKms(stacks),
};
