import type { GuardrailRule } from "../../types";
import { type Check, MWAA, MWAA_LOG_TYPES, mwaaLog, perResource } from "../../terraform";

/** cdk-nag MWAAAllLoggingInfo: all five component logs enabled, at INFO or DEBUG. */
export const checkMwaaAllLoggingInfo: Check = (stacks) =>
  perResource("MWAAAllLoggingInfo", stacks, MWAA, (e) =>
    MWAA_LOG_TYPES.flatMap((t) => {
      const l = mwaaLog(e, t);
      if (l?.enabled !== true) return [`${t} is not enabled`];
      return ["INFO", "DEBUG"].includes(l.log_level as string) ? [] : [`${t} logs at ${String(l.log_level)}, not INFO or DEBUG`];
    }),
  );

export const rule: GuardrailRule = {
  id: "MWAA-003",
  severity: "error",
  scope: "terraform",
  rule: "All five MWAA log types are enabled at INFO or DEBUG.",
  explanation: "cdk-nag's rule (in its repository, in no pack).",
  source: ["MWAAAllLoggingInfo"],
  check: ({ stacks }) => checkMwaaAllLoggingInfo(stacks),
};
