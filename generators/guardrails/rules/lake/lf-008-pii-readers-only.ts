import { type ColumnAccess, analyzeAccess } from "../../../access/analyze";
import type { Model } from "../../../model/types";
import type { GuardrailRule } from "../../types";
import { accessKey, jobPiiProblem, piiColumns, pipelinePiiProblem, violation, type Violation } from "../../terraform";

/**
 * Every PII column a principal outside the environment's PII readers sees
 * unmasked (and any column the analyzer mislabels). A job is a processor, not
 * a reader: its role may see PII unmasked only through its own grants and
 * with a processesPii reason (jobPiiProblem).
 */
export function checkPiiVisibility(model: Model, access: readonly ColumnAccess[]): Violation[] {
  const readers = new Map(model.environments.map((e) => [e.name, new Set(e.piiReaders)]));
  const pii = piiColumns(model);
  const out: Violation[] = [];
  for (const a of access) {
    const stack = `${a.domain}-${a.environment}`;
    const address = `${a.zone}.${a.table}.${a.column}`;
    const isPii = pii.has(accessKey(a));
    if (isPii !== a.pii) out.push(violation("pii", stack, address, `the analyzer says pii=${a.pii}, the tags say ${isPii}`));
    if (!isPii || a.visibility !== "visible" || readers.get(a.environment)?.has(a.principal.id)) continue;
    const through = `${a.principal.name} (${a.principal.id}) reads it unmasked through ${a.via.map((v) => v.grant).join(", ")}`;
    if (a.principal.kind === "pipeline") {
      const problem = pipelinePiiProblem(model, a);
      if (problem) out.push(violation("pii", stack, address, `${through}, and the principal ${problem}`));
    } else if (a.principal.kind !== "job") out.push(violation("pii", stack, address, through));
    else {
      const problem = jobPiiProblem(model, a);
      if (problem) out.push(violation("pii", stack, address, `${through}, and the job ${problem}`));
    }
  }
  return out;
}

export const rule: GuardrailRule = {
  id: "LF-008",
  severity: "error",
  scope: "model",
  rule: "No PII column is readable unmasked outside the environment's PII readers (jobs, the quality role and query tasks with their written reasons).",
  explanation: "Computed from the Model with the effective-access analysis (tag expressions, masks, row filters, unions of grants); the PII columns come from the tags alone, independent of the analyzer.",
  source: ["custom (ARCHITECTURE: PII)"],
  check: ({ model }) => checkPiiVisibility(model, analyzeAccess(model)),
};
