import type { GuardrailRule } from "../../types";
import { type Check, KMS_KEY, mwaaKeysOf, mwaaKeyUses, perResource } from "../../terraform";

/**
 * Multi-Region, so DR can hold a replica key that decrypts replicated
 * objects. The one documented exception (README: MWAA refuses multi-Region
 * keys) is the key an MWAA environment of the stack names in kms_key: it must
 * be single-Region, and used only by that environment, its source bucket and
 * its execution role.
 */
export const checkKeyMultiRegion: Check = (stacks) =>
  perResource("multi-region-key", stacks, KMS_KEY, (k, s, name) => {
    if (!mwaaKeysOf(s).includes(name)) return k.multi_region === true ? [] : ["multi_region is not true"];
    const out = k.multi_region === false ? [] : [`multi_region is ${String(k.multi_region)}; an MWAA environment's key is single-Region (MWAA refuses multi-Region keys)`];
    for (const use of mwaaKeyUses(s, name)) out.push(`${use} uses the single-Region MWAA key; only the environment, its source bucket and its execution role may`);
    return out;
  });

export const rule: GuardrailRule = {
  id: "KMS-005",
  severity: "warning",
  scope: "terraform",
  rule: "Every KMS key is multi-Region, but an MWAA environment's key, which only that environment uses.",
  explanation: "Multi-Region keys let the DR region decrypt replicated data. MWAA refuses multi-Region keys, so its key is the one single-Region key, recognised by structure (named by an environment's kms_key) and used by nothing else.",
  source: ["custom"],
  check: ({ stacks }) => checkKeyMultiRegion(stacks),
};
