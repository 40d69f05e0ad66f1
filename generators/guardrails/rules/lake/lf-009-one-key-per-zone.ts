import type { GuardrailRule } from "../../types";
import { BUCKET, type Check, KMS_KEY, lakeBuckets, refName, violation, type Violation, zoneKeysOf } from "../../terraform";

/**
 * One CMK per zone: each zone bucket's default encryption names exactly one
 * key of the stack, and no other zone bucket uses that key, so a key policy
 * (and a DR replica key) decides access to one zone's data and nothing else.
 */
export const checkOneKeyPerZone: Check = (stacks) =>
  stacks.flatMap((s) => {
    const out: Violation[] = [];
    const owner = new Map<string, string>();
    for (const [bucket] of lakeBuckets(s)) {
      const at = `${BUCKET}.${bucket}`;
      const keys = [...new Set(zoneKeysOf(s, bucket).map((k) => refName(k, KMS_KEY)))];
      if (keys.length !== 1 || keys[0] === undefined) {
        out.push(violation("one-key-per-zone", s.name, at, `encrypts under ${keys.length === 1 ? "a key that is no aws_kms_key of the stack" : `${keys.length} keys`}; a zone has exactly one key of its stack`));
        continue;
      }
      const other = owner.get(keys[0]);
      if (other) out.push(violation("one-key-per-zone", s.name, at, `shares ${KMS_KEY}.${keys[0]} with zone bucket ${other}; each zone has its own key`));
      else owner.set(keys[0], bucket);
    }
    return out;
  });

export const rule: GuardrailRule = {
  id: "LF-009",
  severity: "error",
  scope: "terraform",
  rule: "Each zone bucket is encrypted under its own customer-managed key of the stack, shared with no other zone.",
  explanation: "A key per zone makes the key policy a second, independent boundary around one zone's data (raw can be locked down without touching curated) and lets DR replicate raw's key alone.",
  source: ["custom (ARCHITECTURE: one CMK per zone)"],
  check: ({ stacks }) => checkOneKeyPerZone(stacks),
};
