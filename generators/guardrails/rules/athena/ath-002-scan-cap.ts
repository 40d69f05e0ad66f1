import type { GuardrailRule } from "../../types";
import { ATHENA, blocks, type Check, perResource } from "../../terraform";

/** Athena's smallest per-query data usage control: 10 MB. */
const MINIMUM_CUTOFF_BYTES = 10_485_760;

/** Every workgroup caps the bytes one query may scan. */
export const checkAthenaScanCap: Check = (stacks) =>
  perResource("athena-scan-cap", stacks, ATHENA, (w) => {
    const cutoff = blocks(w.configuration)[0]?.bytes_scanned_cutoff_per_query;
    if (cutoff === undefined) return ["configuration.bytes_scanned_cutoff_per_query is not set: a query may scan without limit"];
    if (typeof cutoff !== "number" || !Number.isInteger(cutoff) || cutoff < MINIMUM_CUTOFF_BYTES) return [`bytes_scanned_cutoff_per_query must be an integer of at least ${MINIMUM_CUTOFF_BYTES} (10 MB), got ${JSON.stringify(cutoff)}`];
    return [];
  });

export const rule: GuardrailRule = {
  id: "ATH-002",
  severity: "error",
  scope: "terraform",
  rule: "Every Athena workgroup sets a per-query scan cap (bytes_scanned_cutoff_per_query).",
  explanation: "Athena bills per byte scanned; a runaway SELECT * over a lake zone costs until the cap cancels it. The domain manifest's athena.bytesScannedCutoffGb sets it.",
  source: ["custom"],
  check: ({ stacks }) => checkAthenaScanCap(stacks),
};
