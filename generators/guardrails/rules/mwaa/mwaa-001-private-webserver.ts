import type { GuardrailRule } from "../../types";
import { type Check, MWAA, perResource } from "../../terraform";

/** CKV2_AWS_66: the web server is reachable from the VPC only (webserver_access_mode absent or PRIVATE_ONLY). */
export const checkMwaaPrivateWebserver: Check = (stacks) =>
  perResource("CKV2_AWS_66", stacks, MWAA, (e) =>
    e.webserver_access_mode === undefined || e.webserver_access_mode === "PRIVATE_ONLY" ? [] : [`webserver_access_mode is ${String(e.webserver_access_mode)}, not PRIVATE_ONLY`],
  );

export const rule: GuardrailRule = {
  id: "MWAA-001",
  severity: "error",
  scope: "terraform",
  rule: "MWAA's web server is private only.",
  explanation: "The Airflow UI can trigger any DAG; it is reached through the VPC endpoint, never from the internet.",
  source: ["CKV2_AWS_66"],
  check: ({ stacks }) => checkMwaaPrivateWebserver(stacks),
};
