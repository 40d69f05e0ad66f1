import type { GuardrailRule } from "../../types";
import { attached, BUCKET, type Check, conditionedOnSourceArn, entries, KMS_KEY, POLICY, providerOf, refName, servicesOf, type Statement, statementsOf, TRAIL, violation, type Violation } from "../../terraform";

/**
 * (g) The trail's key and bucket policies let CloudTrail act only for this
 * trail: every statement naming cloudtrail.amazonaws.com is conditioned on
 * aws:SourceArn = the trail's ARN; the trail's logs are encrypted with a key
 * of the stack that CloudTrail may use.
 */
export const checkTrailPolicies: Check = (stacks) =>
  stacks.flatMap((s) =>
    entries(s, TRAIL).flatMap(([tn, t]) => {
      const at = (address: string, message: string) => violation("trail-source-arn", s.name, address, message);
      const { account, region, partition } = providerOf(s);
      const trailArn = `arn:${partition}:cloudtrail:${region ?? "?"}:${account ?? "?"}:trail/${String(t.name)}`;
      const key = refName(t.kms_key_id, KMS_KEY);
      const keyRes = key ? s.json.resource?.[KMS_KEY]?.[key] : undefined;
      const out: Violation[] = [];
      if (!key || !keyRes) return [at(`${TRAIL}.${tn}`, "log files are not encrypted with a key of the stack")];
      const keyStatements = statementsOf(keyRes.policy) ?? [];
      const forCloudTrail = (sts: Statement[]) => sts.filter((st) => servicesOf(st.Principal).includes("cloudtrail.amazonaws.com"));
      if (forCloudTrail(keyStatements).length === 0) out.push(at(`${KMS_KEY}.${key}`, "the key policy lets CloudTrail do nothing, so the trail cannot encrypt its logs"));
      for (const st of forCloudTrail(keyStatements).filter((x) => x.Effect === "Allow" && !conditionedOnSourceArn(x, trailArn))) {
        out.push(at(`${KMS_KEY}.${key}`, `statement ${st.Sid ?? "?"} is not conditioned on aws:SourceArn ${trailArn}`));
      }
      const bucket = refName(t.s3_bucket_name, BUCKET);
      for (const [pn, p] of bucket ? attached(s, POLICY, bucket) : []) {
        for (const st of forCloudTrail(statementsOf(p.policy) ?? []).filter((x) => x.Effect === "Allow" && !conditionedOnSourceArn(x, trailArn))) {
          out.push(at(`${POLICY}.${pn}`, `statement ${st.Sid ?? "?"} is not conditioned on aws:SourceArn ${trailArn}`));
        }
      }
      return out;
    }),
  );

export const rule: GuardrailRule = {
  id: "CT-001",
  severity: "error",
  scope: "terraform",
  rule: "CloudTrail may use the audit key and bucket only for its own trail (aws:SourceArn).",
  explanation: "Without the condition any trail in any account could write into the bucket or use the key (confused deputy).",
  source: ["custom"],
  check: ({ stacks }) => checkTrailPolicies(stacks),
};
