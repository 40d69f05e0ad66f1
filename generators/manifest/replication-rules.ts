import type { Problem } from "./errors";
import type { ParsedDomain } from "./rules";
import { replicatesByDefault } from "../model/dr";

/** replicationTimeControl and replicateDeletes only mean something on a zone that is replicated. */
export function checkReplication(d: ParsedDomain): Problem[] {
  const { file, manifest: m } = d;
  const problems: Problem[] = [];
  for (const [zone, z] of Object.entries(m.zones ?? {})) {
    const replicated = z.replicate ?? replicatesByDefault(zone);
    if (replicated) continue;
    for (const field of ["replicationTimeControl", "replicateDeletes"] as const) {
      if (z[field] === true) {
        problems.push({
          file,
          path: ["zones", zone, field],
          code: "invalid-value",
          message: `${field} applies only to a replicated zone, and ${zone} is not replicated${z.replicate === false ? "" : " by default"}`,
          got: true,
          hint: `set replicate: true on zones.${zone}, or remove ${field}`,
        });
      }
    }
  }
  return problems;
}
