import type { GuardrailRule } from "../../types";
import { blocks, type Check, entries, SETTINGS, type Violation } from "../../terraform";

/** Data-lake settings: exactly one, in each platform stack only, with no default-permission entries. */
export const checkDataLakeSettings: Check = (stacks) =>
  stacks.flatMap((s) => {
    const settings = entries(s, SETTINGS);
    const v = (address: string, message: string): Violation => ({ rule: "lf-settings", stack: s.name, address, message });
    const out: Violation[] = [];
    if (!s.name.startsWith("platform-")) out.push(...settings.map(([n]) => v(`${SETTINGS}.${n}`, "data-lake settings outside a platform stack")));
    else if (settings.length !== 1) out.push(v("(stack)", `a platform stack must hold exactly one ${SETTINGS}, has ${settings.length}`));
    for (const [n, r] of settings) {
      for (const k of ["create_database_default_permissions", "create_table_default_permissions"]) {
        if (blocks(r[k]).length > 0) out.push(v(`${SETTINGS}.${n}`, `${k} has entries`));
      }
    }
    return out;
  });

export const rule: GuardrailRule = {
  id: "LF-002",
  severity: "error",
  scope: "terraform",
  rule: "Data-lake settings exist only in platform stacks, exactly once each, with no default permissions.",
  explanation: "The settings are account-wide: two owners would overwrite each other's admins, and default permissions would give IAMAllowedPrincipals every new database and table.",
  source: ["custom (ARCHITECTURE: no back doors)"],
  check: ({ stacks }) => checkDataLakeSettings(stacks),
};
