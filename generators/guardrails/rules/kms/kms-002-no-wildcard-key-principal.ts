import type { GuardrailRule } from "../../types";
import { type Check, isWildcardPrincipal, KMS_KEY, perResource, statementsOf } from "../../terraform";

/** CKV_AWS_33, stricter than checkov: no Allow to a wildcard principal in a key policy. */
export const checkKeyPolicyNoWildcard: Check = (stacks) =>
  perResource("CKV_AWS_33", stacks, KMS_KEY, (k) => {
    if (k.policy === undefined) return [];
    const statements = statementsOf(k.policy);
    if (!statements) return ["policy is not a literal JSON document (UNKNOWN)"];
    return statements.filter((st) => st.Effect === "Allow" && isWildcardPrincipal(st.Principal)).map((st) => `statement ${st.Sid ?? "?"} allows a wildcard principal`);
  });

export const rule: GuardrailRule = {
  id: "KMS-002",
  severity: "error",
  scope: "terraform",
  rule: "No key policy allows a wildcard principal without a condition.",
  explanation: "A key policy is the last word on who may decrypt; the account root is its only principal in Lakeform's keys, services are conditioned on their source.",
  source: ["CKV_AWS_33"],
  check: ({ stacks }) => checkKeyPolicyNoWildcard(stacks),
};
