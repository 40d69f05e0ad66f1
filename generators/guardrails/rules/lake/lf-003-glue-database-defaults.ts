import type { GuardrailRule } from "../../types";
import { type Check, perResource } from "../../terraform";

/** No Glue database carries create_table_default_permission (even an empty block sends one empty principal). */
export const checkGlueDatabaseDefaults: Check = (stacks) =>
  perResource("glue-database-defaults", stacks, "aws_glue_catalog_database", (r) => (r.create_table_default_permission !== undefined ? ["create_table_default_permission is set"] : []));

export const rule: GuardrailRule = {
  id: "LF-003",
  severity: "error",
  scope: "terraform",
  rule: "No Glue database sets create_table_default_permission.",
  explanation: "Even an empty block sends one default principal; tables must start with no permissions.",
  source: ["custom"],
  check: ({ stacks }) => checkGlueDatabaseDefaults(stacks),
};
