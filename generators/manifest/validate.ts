import { filterConflicts, piiFindings } from "../access/analyze";
import { buildModel } from "../model/build";
import type { Model } from "../model/types";
import type { Problem } from "./errors";
import { checkDiscovery } from "./discovery-rules";
import { checkIngestion } from "./ingestion-rules";
import { checkReplication } from "./replication-rules";
import { checkFleetJobs } from "./fleet-rules";
import { loadManifests, readDomainFiles } from "./load";
import { checkQueryTasks } from "./query-rules";
import { type ParsedDomain, checkConsumes, checkDomain, checkGrants, checkJobs, checkPipeline, checkPlatform } from "./rules";
import { DomainManifest } from "./schema/domain";
import { PlatformManifest, type PlatformManifestOutput } from "./schema/platform";
import { checkShape } from "./shape";
import { checkEksPlatform, checkEmrEksJobs } from "./emr-eks-rules";
import { checkSuppressions } from "./guardrail-rules";
import { checkBudget, checkPlatformBudgets } from "./budget-rules";

/**
 * `problems`: the manifests are wrong (exit 2). `findings`: they are valid but
 * break a governance rule, such as PII readable unmasked (exit 1).
 */
export type ValidationResult =
  | { ok: true; model: Model; findings: readonly Problem[]; manifests: ValidatedManifests }
  | { ok: false; problems: readonly Problem[] };

/** The manifests a Model was built from, for models built from them differently (the DR model, generators/model/dr-model.ts). */
export interface ValidatedManifests {
  readonly platform: PlatformManifestOutput;
  readonly platformFile: string;
  readonly domains: readonly ParsedDomain[];
}

/**
 * The whole front half of the pipeline: load → shape → cross-references →
 * model invariants. Every layer runs on whatever passed the one before, so
 * one run reports every problem it can find, across all files.
 */
export async function loadAndValidate(root: string): Promise<ValidationResult> {
  const loaded = await loadManifests(root);
  const problems: Problem[] = [...loaded.problems];

  let platform: PlatformManifestOutput | undefined;
  if (loaded.platform) {
    const r = checkShape(PlatformManifest, loaded.platform.raw, loaded.platform.file);
    if (r.ok) {
      platform = r.value;
      problems.push(...checkPlatform(platform, loaded.platform.file), ...checkEksPlatform(platform, loaded.platform.file));
      problems.push(...checkSuppressions(platform.guardrails, loaded.platform.file));
      problems.push(...checkPlatformBudgets(platform, loaded.platform.file));
    } else problems.push(...r.problems);
  }

  const domains: ParsedDomain[] = [];
  for (const d of loaded.domains) {
    const r = checkShape(DomainManifest, d.raw, d.file);
    if (!r.ok) {
      problems.push(...r.problems);
      continue;
    }
    const scripts = readDomainFiles(root, d.folder!, [...r.value.jobs.map((j) => j.script), ...(r.value.pipeline?.tasks.flatMap((t) => (t.query ? [t.query] : [])) ?? [])]);
    const parsed: ParsedDomain = { file: d.file, folder: d.folder!, manifest: r.value, scripts };
    problems.push(...checkDomain(parsed, platform), ...checkGrants(parsed, platform), ...checkJobs(parsed), ...checkPipeline(parsed), ...checkEmrEksJobs(parsed, platform), ...checkDiscovery(parsed), ...checkQueryTasks(parsed), ...checkFleetJobs(parsed, platform));
    problems.push(...checkIngestion(parsed, platform));
    problems.push(...checkSuppressions(parsed.manifest.guardrails, d.file));
    problems.push(...checkBudget(parsed, platform));
    problems.push(...checkReplication(parsed));
    domains.push(parsed);
  }

  problems.push(...checkConsumes(domains, platform));
  if (!platform || problems.length > 0) return { ok: false, problems };
  const built = buildModel(platform, loaded.platform!.file, domains);
  const invariants = [...built.problems, ...filterConflicts(built.model)];
  if (invariants.length > 0) return { ok: false, problems: invariants };
  return { ok: true, model: built.model, findings: piiFindings(built.model), manifests: { platform, platformFile: loaded.platform!.file, domains } };
}
