import { drSettingsOf } from "../dr/settings";
import { drDomainStackName, drPlatformStackName, drStackModel } from "../dr/rebuild";
import type { PathSegment, Problem } from "../manifest/errors";
import { type ParsedDomain, environmentsOf } from "../manifest/rules";
import { checkEksPlatform } from "../manifest/emr-eks-rules";
import { DOMAIN_PLACEHOLDER } from "../manifest/schema/emr-eks";
import type { EnvironmentManifestOutput, PlatformManifestOutput } from "../manifest/schema/platform";
import { buildModel } from "./build";
import { drContext } from "./dr";
import { guardrailsOf } from "./guardrails";
import { type NameContext, bucketArn, bucketName } from "./names";
import type { BucketModel, DomainDeploymentModel, EnvironmentModel, Model, Partition, StackModel } from "./types";

/**
 * The DR model: the Model of the same manifests with the regions swapped
 * (`regions.primary` := `regions.dr`, `regions.dr` := the primary) and each
 * environment's `network`, `emr` and `eks` replaced by its `dr` ones. The
 * naming functions then give every physical name its DR counterpart —
 * bucket and role names end in the DR region, KMS aliases are per region —
 * so the zone buckets are the always-on DR buckets (`drZoneBucket`), the zone
 * key aliases those of the replica keys (`replicaKeyAlias`), and job,
 * quality, crawler and MWAA roles the DR roles the `dr-<domain>` rebuild
 * grants to. What the DR model does not cover, or changes:
 *
 * - environments without domain deployments are left out: a failover has
 *   nothing to recompute there, and they need no `dr` settings;
 * - `stacks` are the DR stacks built from it: `dr-orchestration-<env>`
 *   (kind "platform") and `dr-compute-<domain>-<env>` (kind "domain"), with
 *   the backends and tags of the other DR stacks (generators/dr/settings.ts).
 *   A deployment's `stack` keeps its primary name, because physical names
 *   derive from it (Glue jobs `<domain>-<env>-<job>`, as the DAG calls them);
 *   find a compute stack's deployment with `drDeploymentOf`;
 * - the guardrail suppressions apply to those stacks: the platform's to the
 *   orchestration stacks, a domain's to its compute stacks;
 * - an environment's `logBucket` is `drOrchestrationLogBucket`, not the DR
 *   counterpart of the platform's log bucket: that name is the always-on
 *   log bucket of the catalog-export bucket (`platformDrLogBucket`), which the
 *   primary platform stack owns;
 * - the `dr` parts of environments and deployments point back at the
 *   primary region (the direction of a fail-back); no DR stack reads them.
 */

/** `dr-orchestration-<env>`: the environment's private endpoints and MWAA in the DR region. */
export const drOrchestrationStackName = (environment: string) => `dr-orchestration-${environment}`;
/** `dr-compute-<domain>-<env>`: the domain's compute in the DR region. */
export const drComputeStackName = (domain: string, environment: string) => `dr-compute-${domain}-${environment}`;

/**
 * Server access logs of the DR MWAA bucket: `<org>-platform-orchestration-logs-<env>-<account>-<dr region>`
 * (shortened with a hash when over 63 characters). A bucket of the DR
 * orchestration stack, apart from the always-on `<org>-platform-logs-…` of
 * the export bucket: sharing that one would change the primary platform
 * stack, which owns its policy.
 */
export function drOrchestrationLogBucket(ctx: NameContext, partition: Partition, drRegion: string): BucketModel {
  const name = bucketName(drContext(ctx, drRegion), "platform", "orchestration-logs");
  return { name, arn: bucketArn(partition, name) };
}

export type DrModelResult = { readonly ok: true; readonly model: Model } | { readonly ok: false; readonly problems: readonly Problem[] };

/** The environments a failover recomputes: those with at least one domain deployment, sorted. */
export function environmentsWithDeployments(platform: PlatformManifestOutput, domains: readonly ParsedDomain[]): string[] {
  return [...new Set(domains.flatMap((d) => environmentsOf(d.manifest, platform)))].sort();
}

/**
 * The DR model of validated manifests, or every problem at once: an
 * environment with domain deployments and no `dr` network, fleet jobs where
 * the DR side names no EMR certificates, emr-eks jobs where it names no EKS
 * cluster, a DR cluster outside the DR region or account, a DR network that
 * repeats the primary's IDs, DR stack names that collide, and the Model's own
 * invariants on the DR names. With `only`, just those environments. Pure.
 */
export function buildDrModel(platform: PlatformManifestOutput, platformFile: string, domains: readonly ParsedDomain[], only?: readonly string[]): DrModelResult {
  // `only`: the environments a failover rebuilds (those of its exports); the others are neither built nor checked.
  const envNames = environmentsWithDeployments(platform, domains).filter((e) => !only || only.includes(e));
  const problems: Problem[] = [];
  const drRegion = platform.regions.dr;
  const at = (env: string, ...rest: PathSegment[]): PathSegment[] => ["environments", env, "dr", ...rest];

  for (const env of envNames) {
    const e = platform.environments[env]!;
    const deployed = domains.filter((d) => environmentsOf(d.manifest, platform).includes(env)).map((d) => d.manifest.name).sort();
    if (!e.dr) {
      problems.push({
        file: platformFile,
        path: at(env, "network"),
        code: "missing",
        message: `environment ${env} has domain deployments (${deployed.join(", ")}) but no network in the DR region ${drRegion}, where a failover rebuilds their compute and orchestration`,
        hint: `add environments.${env}.dr.network: the VPC, CIDR, private route tables, S3 prefix list and private subnets of the landing zone in ${drRegion}`,
      });
    } else {
      problems.push(...copiedNetworkProblems(e, platformFile, env));
    }
    for (const d of domains) {
      if (!environmentsOf(d.manifest, platform).includes(env)) continue;
      d.manifest.jobs.forEach((j, ji) => {
        const job = `${d.file} › jobs[${ji}] (${j.name})`;
        if (j.engine === "emr-fleet" && !e.dr?.emr) {
          problems.push({
            file: platformFile,
            path: at(env, "emr"),
            code: "missing",
            message: `${job} runs on a transient EMR fleet in ${env}, and the DR region names no TLS certificates for its clusters`,
            got: j.engine,
            hint: `add environments.${env}.dr.emr.tlsCertificates: the zip of PEM certificates for *.${drRegion}.compute.internal`,
          });
        }
        if (j.engine === "emr-eks" && !e.dr?.eks) {
          problems.push({
            file: platformFile,
            path: at(env, "eks"),
            code: "missing",
            message: `${job} runs on EMR on EKS in ${env}, and the DR region names no EKS cluster`,
            got: j.engine,
            hint: `add environments.${env}.dr.eks: an EKS cluster of account ${e.accountId} in ${drRegion} and its OIDC provider`,
          });
        }
        if (j.engine === "emr-eks" && e.dr?.eks) {
          const namespace = e.dr.eks.namespace.split(DOMAIN_PLACEHOLDER).join(d.manifest.name);
          if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(namespace)) {
            problems.push({ file: platformFile, path: at(env, "eks", "namespace"), code: "invalid-format", message: `the namespace of ${d.manifest.name} (${job}) would not be a Kubernetes namespace (at most 63 lower-case letters, digits and -, alphanumeric at both ends)`, got: namespace, hint: "shorten the namespace template" });
          }
        }
      });
    }
  }

  // The DR platform: the DR region as primary, each environment on its DR network, certificates and cluster.
  const environments: Record<string, EnvironmentManifestOutput> = {};
  for (const env of envNames) {
    const { dr, network: _network, emr: _emr, eks: _eks, ...rest } = platform.environments[env]!;
    if (!dr) continue;
    environments[env] = { ...rest, network: dr.network, ...(dr.emr ? { emr: dr.emr } : {}), ...(dr.eks ? { eks: dr.eks } : {}) };
  }
  const drPlatform: PlatformManifestOutput = { ...platform, regions: { primary: drRegion, dr: platform.regions.primary }, environments };
  // The DR cluster's OIDC issuer must be in the DR region and the environment's account (the primary's rule, on the DR side).
  problems.push(...checkEksPlatform(drPlatform, platformFile).map((p) => ({ ...p, path: drPath(p.path), message: p.message.replace("the primary region", "the DR region"), ...(p.hint ? { hint: p.hint.replace("the primary region", "the DR region") } : {}) })));
  // Built even when problems were found above, so one run reports the DR names' problems too.
  const built = buildModel(drPlatform, platformFile, domains);
  problems.push(...built.problems);
  const settings = drSettingsOf(buildModel(platform, platformFile, domains).model);

  const drStack = (name: string, kind: StackModel["kind"], environment: string, domain: string): StackModel => {
    const env = built.model.environments.find((e) => e.name === environment)!;
    return drStackModel(settings, { name, kind, environment, domain, accountId: env.accountId, region: env.region });
  };
  const stacks: StackModel[] = [
    ...built.model.environments.map((e) => drStack(drOrchestrationStackName(e.name), "platform", e.name, "platform")),
    ...built.model.domains.flatMap((d) => d.deployments.map((x) => drStack(drComputeStackName(d.name, x.environment), "domain", x.environment, d.name))),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  problems.push(...stackCollisions(built.model, stacks));
  if (problems.length > 0) return { ok: false, problems };

  const drEnvironments: EnvironmentModel[] = built.model.environments.map((e) => ({
    ...e,
    logBucket: drOrchestrationLogBucket({ organization: built.model.organization, environment: e.name, accountId: e.accountId, region: platform.regions.primary }, e.partition, e.region),
  }));
  return {
    ok: true,
    model: { ...built.model, environments: drEnvironments, stacks, guardrails: guardrailsOf(platform, platformFile, domains, stacks) },
  };
}

/** `environments.<env>.<field>…` of the DR platform is `environments.<env>.dr.<field>…` of the manifest. */
function drPath(path: readonly PathSegment[]): PathSegment[] {
  return path[0] === "environments" && path.length >= 3 ? ["environments", path[1]!, "dr", ...path.slice(2)] : [...path];
}

/** VPC, subnet, route-table and prefix-list IDs are regional: the DR network repeating the primary's is a copy left unedited. */
function copiedNetworkProblems(e: EnvironmentManifestOutput, file: string, env: string): Problem[] {
  const primary = e.network;
  const dr = e.dr!.network;
  const out: Problem[] = [];
  const flag = (field: string, got: unknown) =>
    out.push({ file, path: ["environments", env, "dr", "network", field], code: "invalid-value", message: `repeats the primary network's ${field}; IDs are per region, and the DR region's differ`, got, hint: `give the IDs of the landing zone in the DR region (environments.${env}.network holds the primary's)` });
  if (dr.vpcId === primary.vpcId) flag("vpcId", dr.vpcId);
  if (dr.s3PrefixListId === primary.s3PrefixListId) flag("s3PrefixListId", dr.s3PrefixListId);
  const shared = (a: readonly string[], b: readonly string[]) => a.filter((x) => b.includes(x));
  const subnets = shared(dr.privateSubnetIds, primary.privateSubnetIds);
  if (subnets.length > 0) flag("privateSubnetIds", subnets);
  const tables = shared(dr.privateRouteTableIds, primary.privateRouteTableIds);
  if (tables.length > 0) flag("privateRouteTableIds", tables);
  return out;
}

/**
 * The DR stacks of `lakeform dr synth` share one output directory: the
 * rebuild's `dr-platform-<env>` and `dr-<domain>-<env>` and the DR model's
 * `dr-orchestration-<env>` and `dr-compute-<domain>-<env>` must not share a
 * name (a domain named `orchestration`, or `compute-x` beside `x`).
 */
function stackCollisions(model: Model, stacks: readonly StackModel[]): Problem[] {
  const owners = new Map<string, { owner: string; file: string }>();
  const problems: Problem[] = [];
  const claim = (name: string, owner: string, file: string) => {
    const prior = owners.get(name);
    if (prior && prior.owner !== owner) {
      problems.push({ file, path: ["name"], code: "name-collision", message: `DR stack name ${name} is already ${prior.owner}`, got: name, hint: "rename the domain: the DR stacks of lakeform dr synth share one output directory" });
    } else if (!prior) owners.set(name, { owner, file });
  };
  const fileOf = (domain: string | undefined) => model.domains.find((d) => d.name === domain)?.sourceFile ?? model.guardrails.platformFile;
  for (const s of stacks) claim(s.name, s.domain ? `the compute stack of ${s.domain} (${s.environment})` : `the orchestration stack of ${s.environment}`, fileOf(s.domain));
  for (const e of model.environments) claim(drPlatformStackName(e.name), `the DR platform stack of ${e.name}`, model.guardrails.platformFile);
  for (const d of model.domains) for (const x of d.deployments) claim(drDomainStackName(d.name, x.environment), `the catalog stack of ${d.name} (${x.environment})`, d.sourceFile);
  return problems;
}

/** The deployment a `dr-compute-<domain>-<env>` stack of the DR model is built from. */
export function drDeploymentOf(model: Model, stack: StackModel): DomainDeploymentModel {
  const dep = model.domains.find((d) => d.name === stack.domain)?.deployments.find((x) => x.environment === stack.environment);
  if (!dep || stack.kind !== "domain") throw new Error(`${stack.name} is not a compute stack of the DR model`);
  return dep;
}

/** The environment a DR stack is built in. */
export function drEnvironmentOf(model: Model, stack: StackModel): EnvironmentModel {
  const env = model.environments.find((e) => e.name === stack.environment);
  if (!env) throw new Error(`the DR model has no environment ${stack.environment}`);
  return env;
}
