import type { GuardrailRule } from "../../types";
import { attached, type Check, inOtherRegion, isCatalogExportBucket, KMS_KEY, perBucket, POLICY, refName, statementsOf, zoneKeysOf } from "../../terraform";

/**
 * The catalog-export bucket (platform stacks, DR region): what every lake
 * bucket has (checked above for all buckets), SSE-KMS under a key of the
 * stack, and no Allow in its policy: domain stacks upload with their own
 * credentials, operators read exports with IAM.
 */
export const checkCatalogExportBuckets: Check = (stacks) =>
  perBucket("catalog-export", stacks, (s, b, r) => {
    if (!isCatalogExportBucket(s, b, r)) return [];
    const out: string[] = [];
    if (!zoneKeysOf(s, b).some((k) => refName(k, KMS_KEY) && inOtherRegion(s.json.resource![KMS_KEY]![refName(k, KMS_KEY)!]!))) out.push("is not encrypted under a key of the stack in its region");
    const allows = attached(s, POLICY, b).flatMap(([, p]) => (statementsOf(p.policy) ?? []).filter((st) => st.Effect === "Allow"));
    if (allows.length > 0) out.push(`its policy allows ${allows.map((st) => st.Sid ?? "?").join(", ")}`);
    return out;
  });

export const rule: GuardrailRule = {
  id: "S3-013",
  severity: "error",
  scope: "terraform",
  rule: "The catalog-export bucket in the DR region is encrypted under a key of its region and its policy allows nothing.",
  explanation: "The catalog export is what a failover rebuilds the catalog and its grants from; it lives in the DR region so it survives the primary. Domain stacks upload with their own credentials and operators read with IAM, so the bucket policy only denies.",
  source: ["CKV_AWS_145", "AwsSolutions-S10"],
  check: ({ stacks }) => checkCatalogExportBuckets(stacks),
};
