import type { GuardrailRule } from "../../types";
import { attached, blocks, type Check, hasEmptyFilter, LIFECYCLE, perBucket } from "../../terraform";

/** CKV2_AWS_61 (lifecycle connected) and CKV_AWS_300 (an enabled whole-bucket rule aborting multipart uploads). */
export const checkLifecycle: Check = (stacks) =>
  perBucket("CKV2_AWS_61/CKV_AWS_300", stacks, (s, name) => {
    const lcs = attached(s, LIFECYCLE, name);
    if (lcs.length === 0) return ["no lifecycle configuration is connected"];
    const ok = lcs.some(([, lc]) =>
      blocks(lc.rule).some(
        (r) =>
          r.status === "Enabled" &&
          hasEmptyFilter(r) &&
          blocks(r.abort_incomplete_multipart_upload).some((a) => typeof a.days_after_initiation === "number" && a.days_after_initiation > 0),
      ),
    );
    return ok ? [] : ["no enabled rule with an empty filter aborts incomplete multipart uploads"];
  });

export const rule: GuardrailRule = {
  id: "S3-008",
  severity: "warning",
  scope: "terraform",
  rule: "Every bucket has a lifecycle configuration with an enabled, unfiltered rule that aborts incomplete multipart uploads.",
  explanation: "Incomplete multipart uploads are billed until aborted; old versions and staging objects need expiry.",
  source: ["CKV2_AWS_61", "CKV_AWS_300"],
  check: ({ stacks }) => checkLifecycle(stacks),
};
