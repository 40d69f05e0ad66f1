import type { GuardrailRule } from "../../types";
import { type Check, cmkProblems, isWildcardPrincipal, list, perResource, policyProblems, servicesOf, SNS_TOPIC, SNS_TOPIC_POLICY } from "../../terraform";

/**
 * SNS (failure alarms), outside security-rules.md but with upstream rules of
 * its own (checkov CKV_AWS_26, trivy AVD-AWS-0095/0136): every topic is
 * encrypted with a customer-managed key of the stack, and its policy allows
 * no wildcard principal and only service principals conditioned on the
 * source's ARN.
 */
export const checkSnsTopics: Check = (stacks) => [
  ...perResource("CKV_AWS_26/AVD-AWS-0095/0136", stacks, SNS_TOPIC, (t, s) => {
    const out = cmkProblems(s, "kms_master_key_id", t.kms_master_key_id);
    if (typeof t.kms_master_key_id === "string" && /alias\/aws\/sns/.test(t.kms_master_key_id)) out.push("kms_master_key_id is the AWS-managed key");
    return out;
  }),
  ...perResource("sns-topic-policy", stacks, SNS_TOPIC_POLICY, (p) => {
    const { statements, problems } = policyProblems(p);
    return [
      ...problems,
      ...statements
        .filter((st) => st.Effect === "Allow")
        .flatMap((st) => {
          if (isWildcardPrincipal(st.Principal)) return [`statement ${st.Sid ?? "?"} allows a wildcard principal`];
          if (servicesOf(st.Principal).length === 0) return [`statement ${st.Sid ?? "?"} allows a principal that is not an AWS service`];
          return ["ArnEquals", "StringEquals"].some((op) => list(st.Condition?.[op]?.["aws:SourceArn"]).length > 0) ? [] : [`statement ${st.Sid ?? "?"} is not conditioned on aws:SourceArn`];
        }),
    ];
  }),
];

export const rule: GuardrailRule = {
  id: "SNS-001",
  severity: "error",
  scope: "terraform",
  rule: "SNS topics are encrypted with a customer-managed key and publishable only by AWS services conditioned on their source ARN.",
  explanation: "Alerts name failing jobs and tables; only the domain's rules may publish.",
  source: ["CKV_AWS_26", "AVD-AWS-0095"],
  check: ({ stacks }) => checkSnsTopics(stacks),
};
