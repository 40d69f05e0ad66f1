import type { PathSegment, Problem } from "./errors";
import { type ParsedDomain, environmentsOf } from "./rules";
import { DOMAIN_PLACEHOLDER, EMR_EKS_MIN_RELEASE } from "./schema/emr-eks";
import type { PlatformManifestOutput } from "./schema/platform";

/**
 * Cross-field rules of EMR on EKS: the platform's clusters belong to their
 * environments, and a domain runs emr-eks jobs only where the platform names
 * a cluster, on a release that can read through Lake Formation, in a
 * namespace Kubernetes accepts.
 */

/** A Kubernetes namespace (RFC 1123 label). */
const NAMESPACE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function checkEksPlatform(p: PlatformManifestOutput, file: string): Problem[] {
  const problems: Problem[] = [];
  for (const [env, e] of Object.entries(p.environments)) {
    if (!e.eks) continue;
    const path: PathSegment[] = ["environments", env, "eks", "oidcProviderArn"];
    const m = /^arn:[^:]+:iam::(\d{12}):oidc-provider\/oidc\.eks\.([a-z0-9-]+)\.amazonaws/.exec(e.eks.oidcProviderArn);
    if (!m) continue; // the shape check reported it
    if (m[1] !== e.accountId) {
      problems.push({ file, path, code: "invalid-value", message: `the OIDC provider must be in the environment's account ${e.accountId}, where the job roles trust it`, got: e.eks.oidcProviderArn, hint: `use the provider of the cluster in ${e.accountId} (aws iam list-open-id-connect-providers in that account)` });
    }
    if (m[2] !== p.regions.primary) {
      problems.push({ file, path, code: "invalid-region", message: `the cluster's OIDC issuer is in ${m[2]}, not the primary region ${p.regions.primary}`, got: e.eks.oidcProviderArn, hint: "name a cluster in the primary region: virtual clusters and job runs are regional" });
    }
  }
  return problems;
}

/** `emr-7.7.0-latest` → [7, 7]. */
function releaseOf(label: string): [number, number] | undefined {
  const m = /^emr-(\d+)\.(\d+)\./.exec(label);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function checkEmrEksJobs(d: ParsedDomain, p: PlatformManifestOutput | undefined): Problem[] {
  const { file, manifest: m } = d;
  const problems: Problem[] = [];
  m.jobs.forEach((j, ji) => {
    if (j.engine !== "emr-eks") return;
    const at = (...rest: PathSegment[]): PathSegment[] => ["jobs", ji, ...rest];
    const r = releaseOf(j.releaseLabel);
    const [major, minor] = EMR_EKS_MIN_RELEASE;
    if (r && (r[0] < major || (r[0] === major && r[1] < minor))) {
      problems.push({ file, path: at("releaseLabel"), code: "invalid-value", message: `EMR on EKS reads through Lake Formation from emr-${major}.${minor}.0 on; older releases would need the lake's objects directly, which the buckets deny`, got: j.releaseLabel, hint: `use emr-${major}.${minor}.0-latest or later` });
    }
    if (!p) return;
    for (const env of environmentsOf(m, p)) {
      const eks = p.environments[env]!.eks;
      if (!eks) {
        problems.push({ file, path: at("engine"), code: "unknown-environment", message: `environment "${env}" names no EKS cluster for EMR on EKS`, got: j.engine, hint: `add environments.${env}.eks to the platform manifest, limit the domain's environments, or use engine: emr-serverless` });
        continue;
      }
      const namespace = eks.namespace.split(DOMAIN_PLACEHOLDER).join(m.name);
      if (!NAMESPACE.test(namespace)) {
        problems.push({ file, path: at("engine"), code: "invalid-format", message: `the namespace of this domain in ${env} would not be a Kubernetes namespace (at most 63 lower-case letters, digits and -, alphanumeric at both ends)`, got: namespace, hint: `change environments.${env}.eks.namespace in the platform manifest` });
      }
    }
  });
  return problems;
}
