import type { GuardrailRule } from "../../types";
import { type Check } from "../../terraform";

/** Plans stay offline: no data sources and no references to them. */
export const checkNoDataSources: Check = (stacks) =>
  stacks.flatMap((s) => [
    ...Object.entries(s.json.data ?? {}).flatMap(([type, byName]) =>
      Object.keys(byName).map((n) => ({ rule: "no-data-sources", stack: s.name, address: `data.${type}.${n}`, message: "data source" })),
    ),
    ...(/\$\{[^}]*\bdata\./.test(s.text) ? [{ rule: "no-data-sources", stack: s.name, address: "(stack)", message: "interpolates a data source" }] : []),
  ]);

export const rule: GuardrailRule = {
  id: "STK-001",
  severity: "error",
  scope: "terraform",
  rule: "No stack declares or interpolates a data source.",
  explanation: "Plans stay offline and each stack plans alone; everything a stack needs is in the Model.",
  source: ["custom (ARCHITECTURE: Stacks)"],
  check: ({ stacks }) => checkNoDataSources(stacks),
};
