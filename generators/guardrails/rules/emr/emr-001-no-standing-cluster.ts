import type { GuardrailRule } from "../../types";
import { type Check, perResource, STANDING_EMR } from "../../terraform";

/** No standing EMR cluster: Spark runs on Glue or EMR Serverless, which scale to zero. */
export const checkNoStandingEmr: Check = (stacks) =>
  STANDING_EMR.flatMap((type) => perResource("no-standing-emr", stacks, type, () => ["a standing EMR cluster (transient clusters are created per run by a state machine)"]));

export const rule: GuardrailRule = {
  id: "EMR-001",
  severity: "error",
  scope: "terraform",
  rule: "No EMR cluster, instance fleet or instance group in Terraform state.",
  explanation: "Clusters are born per run by a state machine and terminated after; a standing cluster costs and drifts.",
  source: ["custom"],
  check: ({ stacks }) => checkNoStandingEmr(stacks),
};
