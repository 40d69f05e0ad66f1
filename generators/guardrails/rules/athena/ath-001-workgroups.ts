import type { GuardrailRule } from "../../types";
import { ATHENA, blocks, BUCKET, type Check, cmkProblems, entries, KMS_KEY, lakeBuckets, locationInBucket, nonEmpty, perResource, refName, uploadKeysOf, zoneKeysOf } from "../../terraform";

/**
 * CKV_AWS_82 / AVD-AWS-0007 (a configuration block, enforced; stricter than
 * checkov, an absent flag does not pass), CKV_AWS_159 / AVD-AWS-0006 (results
 * encrypted), and the custom Athena CMK rule no upstream pack has: SSE_KMS or
 * CSE_KMS with a key of the stack, into a bucket of the stack whose default
 * key is that key (its policy refuses uploads under any other). One
 * structural exception: a pipeline workgroup `pipeline__<zone>` encrypts with
 * the key of the zone its INSERTs write (Athena encrypts inserted data like
 * its results, and the zone bucket takes only its own key), so its results go
 * under that key into a bucket whose upload guard names it.
 */
export const checkAthenaWorkgroups: Check = (stacks) =>
  perResource("CKV_AWS_82/AVD-AWS-0007/CKV_AWS_159/AVD-AWS-0006/athena-cmk", stacks, ATHENA, (w, s, name) => {
    const c = blocks(w.configuration)[0];
    if (!c) return ["no configuration block (AVD-AWS-0007)"];
    const out: string[] = [];
    if (c.enforce_workgroup_configuration !== true) out.push(`enforce_workgroup_configuration is ${String(c.enforce_workgroup_configuration)}, not true (CKV_AWS_82)`);
    const rc = blocks(c.result_configuration)[0];
    const enc = blocks(rc?.encryption_configuration)[0];
    if (!nonEmpty(enc?.encryption_option)) return [...out, "results are not encrypted (CKV_AWS_159/AVD-AWS-0006)"];
    if (!["SSE_KMS", "CSE_KMS"].includes(enc.encryption_option as string)) out.push(`encryption_option is ${String(enc.encryption_option)}, not a CMK (SSE_KMS or CSE_KMS)`);
    out.push(...cmkProblems(s, "kms_key_arn", enc.kms_key_arn));
    const bucket = entries(s, BUCKET).find(([n]) => locationInBucket(s, rc?.output_location, n))?.[0];
    if (!bucket) out.push(`output_location ${String(rc?.output_location)} is in no bucket of the stack`);
    else if (!zoneKeysOf(s, bucket).includes(enc.kms_key_arn as string)) {
      const zone = refName(enc.kms_key_arn, KMS_KEY);
      const pipeline = zone !== undefined && name === `pipeline__${zone}` && lakeBuckets(s).some(([z]) => zoneKeysOf(s, z).includes(enc.kms_key_arn as string)) && (uploadKeysOf(s, bucket) ?? []).includes(enc.kms_key_arn as string);
      // A DR compute stack's pipeline workgroup names its zone's replica key by alias ARN (companions).
      const drPipeline = s.companions?.zones.some((z) => name === `pipeline__${z.zone}` && z.keyAliasArn === enc.kms_key_arn) === true && (uploadKeysOf(s, bucket) ?? []).includes(enc.kms_key_arn as string);
      if (!pipeline && !drPipeline) out.push(`results go to ${BUCKET}.${bucket}, whose default key is not ${String(enc.kms_key_arn)}`);
    }
    return out;
  });

export const rule: GuardrailRule = {
  id: "ATH-001",
  severity: "error",
  scope: "terraform",
  rule: "Athena workgroups are enforced, with results SSE-KMS or CSE-KMS under a key of the stack that the result bucket takes.",
  explanation: "Enforcement stops clients from choosing an unencrypted result location; upstream rules accept SSE_S3, this one asks for a CMK.",
  source: ["CKV_AWS_82", "AVD-AWS-0007", "CKV_AWS_159", "AVD-AWS-0006", "custom"],
  check: ({ stacks }) => checkAthenaWorkgroups(stacks),
};
