import { Testing } from "cdktf";
import { checkDiscovery } from "../../generators/manifest/discovery-rules";
import { formatProblems } from "../../generators/manifest/errors";
import { checkIngestion } from "../../generators/manifest/ingestion-rules";
import { checkReplication } from "../../generators/manifest/replication-rules";
import { checkFleetJobs } from "../../generators/manifest/fleet-rules";
import { type ParsedDomain, checkConsumes, checkDomain, checkGrants, checkJobs, checkPipeline, checkPlatform } from "../../generators/manifest/rules";
import { checkQueryTasks } from "../../generators/manifest/query-rules";
import { DomainManifest } from "../../generators/manifest/schema/domain";
import { PlatformManifest } from "../../generators/manifest/schema/platform";
import { buildModel } from "../../generators/model/build";
import type { DomainDeploymentModel, Model, StackModel } from "../../generators/model/types";
import { DomainStack } from "../../generators/stacks/domain-stack";
import { PlatformStack } from "../../generators/stacks/platform-stack";
import { domainFixture, platformFixture } from "./project";
import type { TfJson } from "./synth";

/**
 * A Model from manifest objects as authored, through the same layers as
 * `loadAndValidate` (zod shape, cross-field rules, model invariants), without
 * touching the disk. Throws with every problem when the fixtures are invalid,
 * so a test never runs on a model the CLI would have refused. (Filter
 * conflicts are left to the tests of the access analysis, which models them.)
 *
 * `scripts` gives the job scripts of a domain, by domain name and path
 * (`jobs/x.py`), as the loader would read them; a domain without an entry is
 * read as if its scripts were not looked for (empty content, no check).
 */
export function modelFrom(
  platform: Record<string, any> = platformFixture(),
  domains: readonly Record<string, any>[] = [domainFixture()],
  scripts: Readonly<Record<string, Readonly<Record<string, string>>>> = {},
): Model {
  const p = PlatformManifest.parse(platform);
  const parsed: ParsedDomain[] = domains.map((d) => {
    const files = scripts[d.name as string];
    return { file: `domains/${d.name}/domain.yaml`, folder: d.name as string, manifest: DomainManifest.parse(d), ...(files ? { scripts: new Map(Object.entries(files)) } : {}) };
  });
  const problems = [
    ...checkPlatform(p, "domains/platform.yaml"),
    ...parsed.flatMap((d) => [...checkDomain(d, p), ...checkGrants(d, p), ...checkJobs(d), ...checkPipeline(d), ...checkDiscovery(d), ...checkQueryTasks(d), ...checkFleetJobs(d, p)]),
    ...checkConsumes(parsed, p),
    ...parsed.flatMap((d) => checkIngestion(d, p)),
    ...parsed.flatMap((d) => checkReplication(d)),
  ];
  const built = buildModel(p, "domains/platform.yaml", parsed);
  problems.push(...built.problems);
  if (problems.length > 0) throw new Error(`invalid fixture:\n${formatProblems(problems)}`);
  return built.model;
}

export function stackModel(model: Model, name: string): StackModel {
  const s = model.stacks.find((x) => x.name === name);
  if (!s) throw new Error(`no stack ${name}; have: ${model.stacks.map((x) => x.name).join(", ")}`);
  return s;
}

export function deploymentOf(model: Model, stack: string): DomainDeploymentModel {
  const s = stackModel(model, stack);
  const dep = model.domains.find((d) => d.name === s.domain)?.deployments.find((x) => x.stack === stack);
  if (!dep) throw new Error(`stack ${stack} is not a domain stack`);
  return dep;
}

/** Constructs one stack of the model in a fresh test app and returns its JSON. */
export function synthStackOf(model: Model, name: string): TfJson {
  const s = stackModel(model, name);
  const app = Testing.app();
  const stack =
    s.kind === "platform"
      ? new PlatformStack(app, model, s, model.environments.find((e) => e.name === s.environment)!)
      : new DomainStack(app, s, deploymentOf(model, name), model.environments.find((e) => e.name === s.environment)!);
  return JSON.parse(Testing.synth(stack)) as TfJson;
}
