import type { GuardrailRule } from "../../types";
import { type Check, GLUE_CRAWLER, GLUE_JOB, nonEmpty, perResource, securityConfigurationOf } from "../../terraform";

/** CKV_AWS_195: every Glue job and crawler names a security configuration, and it is one of the stack. */
export const checkGlueSecurityConfigurationSet: Check = (stacks) =>
  [GLUE_JOB, GLUE_CRAWLER].flatMap((type) =>
    perResource("CKV_AWS_195", stacks, type, (r, s) => {
      if (!nonEmpty(r.security_configuration)) return ["security_configuration is not set"];
      return securityConfigurationOf(s, r) ? [] : [`security_configuration ${String(r.security_configuration)} is no security configuration of the stack`];
    }),
  );

export const rule: GuardrailRule = {
  id: "GLUE-001",
  severity: "error",
  scope: "terraform",
  rule: "Every Glue job and crawler names a security configuration.",
  explanation: "Without one, Glue writes logs, bookmarks and S3 output unencrypted by a CMK.",
  source: ["CKV_AWS_195"],
  check: ({ stacks }) => checkGlueSecurityConfigurationSet(stacks),
};
