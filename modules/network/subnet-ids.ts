import { Token } from "cdktf";

/** An EC2 subnet ID: `subnet-` and 8 or 17 hex digits. */
export const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;

/**
 * `subnetIds[i] "x" is not a subnet ID …` and `… is listed twice`, per entry
 * in order; tokens are not checked for their form.
 */
export function subnetIdProblems(ids: readonly string[], field = "subnetIds"): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const [i, s] of ids.entries()) {
    if (!Token.isUnresolved(s) && !SUBNET_ID.test(s)) out.push(`${field}[${i}] "${s}" is not a subnet ID (like "subnet-0a1b2c3d4e5f67890")`);
    if (seen.has(s)) out.push(`${field}[${i}] "${s}" is listed twice`);
    seen.add(s);
  }
  return out;
}
