import type { GuardrailRule } from "../../types";
import { attached, BUCKET, type Check, lakeBuckets, NOTIFICATION, perBucket } from "../../terraform";

/** CKV2_AWS_62: reports every bucket without a connected notification (the audit expects exactly the documented exceptions). */
export const checkNotifications: Check = (stacks) =>
  perBucket("CKV2_AWS_62", stacks, (s, name) => (attached(s, NOTIFICATION, name).length > 0 ? [] : ["no event notification is connected"]));

/**
 * The rule: zone buckets only. Access-log, trail, artifacts and MWAA source
 * buckets (told apart by structure, so a zone bucket cannot claim it) are
 * exempt by design: nothing consumes their events.
 */
export const checkZoneNotifications: Check = (stacks) =>
  checkNotifications(stacks).filter((v) => {
    const s = stacks.find((x) => x.name === v.stack);
    return s !== undefined && lakeBuckets(s).some(([n]) => v.address === `${BUCKET}.${n}`);
  });

export const rule: GuardrailRule = {
  id: "S3-009",
  severity: "warning",
  scope: "terraform",
  rule: "Every zone bucket sends its events to EventBridge.",
  explanation: "Arrivals in a zone start crawlers and pipelines. Access-log, trail, artifacts and MWAA source buckets are recognised by structure and not flagged by design: nothing consumes their events and they are no data source (README, exceptions).",
  source: ["CKV2_AWS_62"],
  check: ({ stacks }) => checkZoneNotifications(stacks),
};
