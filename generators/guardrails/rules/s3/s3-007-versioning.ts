import type { GuardrailRule } from "../../types";
import { attached, blocks, type Check, perBucket, VERSIONING } from "../../terraform";

/** CKV_AWS_21, AVD-AWS-0090. */
export const checkVersioning: Check = (stacks) =>
  perBucket("CKV_AWS_21/AVD-AWS-0090", stacks, (s, name) => {
    const vs = attached(s, VERSIONING, name);
    if (vs.length === 0) return ["no versioning resource is connected"];
    return vs.flatMap(([vName, v]) => {
      const status = blocks(v.versioning_configuration)[0]?.status;
      return status === "Enabled" ? [] : [`${VERSIONING}.${vName}: status is ${String(status)}`];
    });
  });

export const rule: GuardrailRule = {
  id: "S3-007",
  severity: "error",
  scope: "terraform",
  rule: "Every bucket has versioning Enabled.",
  explanation: "Versions undo overwrites and deletes; lifecycle rules expire the old versions.",
  source: ["CKV_AWS_21", "AVD-AWS-0090"],
  check: ({ stacks }) => checkVersioning(stacks),
};
