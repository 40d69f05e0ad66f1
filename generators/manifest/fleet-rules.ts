import { FIXED_SPARK_DEFAULTS, fleetProblems } from "../../modules/orchestration/fleet-spec";
import type { PathSegment, Problem } from "./errors";
import type { ParsedDomain } from "./rules";
import type { DomainManifestOutput } from "./schema/domain";
import type { PlatformManifestOutput } from "./schema/platform";

type FleetJob = Extract<DomainManifestOutput["jobs"][number], { engine: "emr-fleet" }>;

/** `task.instanceTypes[2]` → ["task", "instanceTypes", 2]. */
function pathOf(field: string): PathSegment[] {
  return field.split(".").flatMap((part) => {
    const m = /^([A-Za-z]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) return [part];
    return [m[1]!, ...[...m[2]!.matchAll(/\[(\d+)\]/g)].map((i) => Number(i[1]))];
  });
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let v: unknown = root;
  for (const seg of path) v = v !== null && typeof v === "object" ? (v as Record<string | number, unknown>)[seg] : undefined;
  return v;
}

/**
 * One of fleetProblems' sentences as a Problem at the manifest field it names:
 * the sentence starts with the field's path, and the value is shown as `got`
 * (so a leading quoted value and a trailing "; got …" are dropped).
 */
export function fleetProblemAt(file: string, jobIndex: number, job: FleetJob, sentence: string): Problem {
  const m = /^([A-Za-z]+(?:\[\d+\])*(?:\.[A-Za-z]+(?:\[\d+\])*)*) (.*)$/s.exec(sentence);
  const field = m ? pathOf(m[1]!) : [];
  const message = (m ? m[2]! : sentence).replace(/^"[^"]*" /, "").replace(/; got [^;]*$/, "");
  return { file, path: ["jobs", jobIndex, ...field], code: "invalid-value", message, got: valueAt(job, field) };
}

/**
 * The rules of `engine: emr-fleet` jobs, every problem at once:
 * - the fleet rules (fleetProblems): On-Demand primary (one) and core, a Spot
 *   task fleet of at least three types from two families with
 *   price-capacity-optimized allocation, managed scaling around the core
 *   fleet, idle timeout and release label in range;
 * - extra sparkDefaults may not turn off AQE, skew joins, partition
 *   coalescing or dynamic allocation;
 * - the job writes one zone: its security configuration encrypts what EMRFS
 *   writes with that zone's key, as the zone bucket demands;
 * - every environment the domain is deployed to names the TLS certificates
 *   of its clusters (`emr.tlsCertificates` in the platform manifest).
 */
export function checkFleetJobs(d: ParsedDomain, p: PlatformManifestOutput | undefined): Problem[] {
  const { file, manifest: m } = d;
  const problems: Problem[] = [];
  m.jobs.forEach((j, ji) => {
    if (j.engine !== "emr-fleet") return;
    const at = (...rest: PathSegment[]): PathSegment[] => ["jobs", ji, ...rest];
    for (const sentence of fleetProblems(j)) problems.push(fleetProblemAt(file, ji, j, sentence));
    for (const key of Object.keys(j.sparkDefaults).sort()) {
      const fixed = FIXED_SPARK_DEFAULTS[key];
      if (fixed !== undefined && j.sparkDefaults[key] !== fixed) {
        problems.push({ file, path: at("sparkDefaults", key), code: "invalid-value", message: `Lakeform fixes this property to "${fixed}"`, got: j.sparkDefaults[key], hint: "remove it: AQE, skew joins, partition coalescing and dynamic allocation stay on" });
      }
    }
    const zones = [...new Set(j.writes.map((w) => w.split(".")[0]))];
    if (zones.length > 1) {
      problems.push({ file, path: at("writes"), code: "invalid-value", message: `a fleet job writes one zone, and this one writes ${zones.join(" and ")}`, got: j.writes, hint: "split it into one job per zone: its security configuration encrypts with the written zone's key" });
    }
    if (!p) return;
    const envs = (m.environments ?? Object.keys(p.environments)).filter((e) => p.environments[e] !== undefined).sort();
    const missing = envs.filter((e) => !p.environments[e]!.emr);
    if (missing.length > 0) {
      problems.push({
        file,
        path: at("engine"),
        code: "missing",
        message: `in-transit TLS needs the clusters' certificates, and the platform manifest names none for ${missing.join(", ")}`,
        got: j.engine,
        hint: `add environments.<env>.emr.tlsCertificates (an S3 zip of PEM files) to the platform manifest for ${missing.join(", ")}`,
      });
    }
  });
  return problems;
}
