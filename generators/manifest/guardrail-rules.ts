import { RULE_IDS } from "../guardrails/pack";
import type { Problem } from "./errors";
import type { GuardrailsManifestOutput } from "./schema/guardrails";

/**
 * Suppressions name a rule of the pack, once per rule and resource. Whether
 * the resource exists is known only after synthesis (runGuardrails reports
 * it, also as a manifest problem).
 */
export function checkSuppressions(g: GuardrailsManifestOutput, file: string): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  g.suppress.forEach((s, i) => {
    const path = ["guardrails", "suppress", i];
    if (!RULE_IDS.has(s.rule)) {
      problems.push({ file, path: [...path, "rule"], code: "invalid-value", message: "no guardrail rule has this id", got: s.rule, hint: `use an id from \`lakeform check --help\` (${[...RULE_IDS].slice(0, 3).join(", ")}, …)` });
    }
    const key = `${s.rule} ${s.resource}`;
    const first = seen.get(key);
    if (first !== undefined) problems.push({ file, path, code: "duplicate-name", message: `suppresses ${s.rule} on ${s.resource} again`, got: s.resource, hint: `keep one entry (guardrails.suppress[${first}])` });
    else seen.set(key, i);
  });
  return problems;
}
