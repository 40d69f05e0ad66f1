import type { GuardrailRule } from "../../types";
import { attached, BUCKET, type Check, entries, isAccessLogBucket, LOGGING, perBucket, refersTo } from "../../terraform";

/** CKV_AWS_18, AVD-AWS-0089, AwsSolutions-S1: logging connected with a target, or the bucket is the access-log bucket. */
export const checkAccessLogging: Check = (stacks) =>
  perBucket("CKV_AWS_18/AVD-AWS-0089/AwsSolutions-S1", stacks, (s, name, bucket) => {
    const logs = attached(s, LOGGING, name);
    const out = logs.flatMap(([logName, l]) => {
      const t = l.target_bucket;
      if (typeof t !== "string" || t === "") return [`${LOGGING}.${logName} has no target_bucket`];
      // A DR compute stack logs into the always-on DR log bucket, by name (companions).
      const inStack = entries(s, BUCKET).some(([b, r]) => refersTo(t, BUCKET, b) || r.bucket === t) || (s.companions?.logBuckets.includes(t) ?? false);
      return inStack ? [] : [`${LOGGING}.${logName} logs to ${t}, which is no bucket of the stack`];
    });
    if (logs.length === 0 && !isAccessLogBucket(s, name, bucket)) out.push("no logging is connected and the bucket is not a log target");
    return out;
  });

export const rule: GuardrailRule = {
  id: "S3-006",
  severity: "error",
  scope: "terraform",
  rule: "Every bucket logs server access to a bucket of its stack, or is that log bucket.",
  explanation: "Server access logs answer who touched which object, beside CloudTrail's data events; the log bucket itself logs nowhere. A DR compute stack logs into the always-on DR log bucket, which the primary domain stack holds, by name.",
  source: ["CKV_AWS_18", "AVD-AWS-0089", "AwsSolutions-S1"],
  check: ({ stacks }) => checkAccessLogging(stacks),
};
