import type { GuardrailRule } from "../../types";
import { type Check, MWAA, mwaaLog, perResource } from "../../terraform";

/** CKV_AWS_242 (scheduler), CKV_AWS_243 (worker), CKV_AWS_244 (web server): those logs are enabled. */
export const checkMwaaLogsEnabled: Check = (stacks) =>
  perResource("CKV_AWS_242/243/244", stacks, MWAA, (e) =>
    [
      ["scheduler_logs", "CKV_AWS_242"],
      ["worker_logs", "CKV_AWS_243"],
      ["webserver_logs", "CKV_AWS_244"],
    ]
      .filter(([t]) => mwaaLog(e, t!)?.enabled !== true)
      .map(([t, id]) => `${t} is not enabled (${id})`),
  );

export const rule: GuardrailRule = {
  id: "MWAA-002",
  severity: "error",
  scope: "terraform",
  rule: "MWAA's scheduler, worker and web server logs are enabled.",
  explanation: "Airflow's own logs are the record of who ran what.",
  source: ["CKV_AWS_242", "CKV_AWS_243", "CKV_AWS_244"],
  check: ({ stacks }) => checkMwaaLogsEnabled(stacks),
};
