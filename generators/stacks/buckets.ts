import type { Construct } from "constructs";
import { logDeliveryStatement } from "../../modules/storage/bucket-policy";
import { LakeBucket, type LakeBucketLifecycle } from "../../modules/storage/lake-bucket";
import type { BucketModel, LifecycleModel } from "../model/types";

/** A zone's lifecycle, as the bucket construct takes it: the staging prefix expires on its own schedule. */
export function zoneLifecycle(l: LifecycleModel): LakeBucketLifecycle {
  return {
    intelligentTiering: l.intelligentTiering,
    glacierAfterDays: l.glacierAfterDays,
    expireAfterDays: l.expireAfterDays,
    noncurrentVersionExpiryDays: l.noncurrentVersionExpiryDays,
    abortIncompleteMultipartUploadDays: l.abortIncompleteMultipartUploadDays,
    prefixExpirations: [{ prefix: l.stagingPrefix, days: l.stagingExpireAfterDays }],
  };
}

/**
 * A bucket receiving S3 server access logs of `sourceBucketArns` in this
 * account: SSE-S3 (log delivery cannot write SSE-KMS), no event
 * notifications, logs expired after `retentionDays`.
 */
export function accessLogBucket(
  scope: Construct,
  id: string,
  o: { readonly terraformName?: string; readonly bucket: BucketModel; readonly retentionDays: number; readonly accountId: string; readonly sourceBucketArns: readonly string[] },
): LakeBucket {
  return new LakeBucket(scope, id, {
    ...(o.terraformName ? { terraformName: o.terraformName } : {}),
    bucketName: o.bucket.name,
    bucketArn: o.bucket.arn,
    encryption: { kind: "s3-managed-for-access-logs" },
    lifecycle: { intelligentTiering: false, expireAfterDays: o.retentionDays, noncurrentVersionExpiryDays: 30, abortIncompleteMultipartUploadDays: 7 },
    policyStatements: [logDeliveryStatement(o.bucket.arn, o.accountId, o.sourceBucketArns)],
    eventBridge: false,
  });
}
