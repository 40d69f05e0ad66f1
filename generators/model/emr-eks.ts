import type { EksManifestOutput } from "../manifest/schema/emr-eks";
import { DOMAIN_PLACEHOLDER } from "../manifest/schema/emr-eks";
import type { DagTaskModel } from "../dags/types";
import type { EnvironmentModel, JobModel } from "./types";

/**
 * EMR on EKS in the Model: the environment's cluster, and per domain
 * deployment its virtual cluster (one namespace) and each job's execution
 * role, trusted by exactly the service accounts EMR creates for that role in
 * that namespace. Pure.
 */

export interface EksModel {
  readonly clusterName: string;
  readonly oidcProviderArn: string;
  /** The provider's issuer without `https://`, as IAM condition keys name it: `oidc.eks.<region>.amazonaws.com/id/<ID>`. */
  readonly oidcIssuer: string;
  /** Namespace template with `{domain}`. */
  readonly namespace: string;
}

export interface EmrEksJobModel {
  readonly name: string;
  readonly roleName: string;
  readonly roleArn: string;
  /** StringLike pattern of the `sub` of EMR's service accounts for this role in this namespace. */
  readonly serviceAccountSubject: string;
  readonly logGroupName: string;
  /** `s3://<artifacts>/logs/<job>/` */
  readonly logUri: string;
  readonly releaseLabel: string;
  readonly sparkSubmitParameters: string;
  readonly timeoutMinutes: number;
}

export interface EmrEksDeploymentModel {
  /** Virtual cluster name: `<org>-<domain>-<env>`. */
  readonly virtualClusterName: string;
  readonly clusterName: string;
  readonly namespace: string;
  readonly oidcProviderArn: string;
  readonly oidcIssuer: string;
  /** The emr-eks jobs, in manifest order. */
  readonly jobs: readonly EmrEksJobModel[];
}

/** Stands in a DAG for the deployment's virtual cluster ID, known only after apply. */
export const EMR_EKS_VIRTUAL_CLUSTER_PLACEHOLDER = "__LAKEFORM_EMR_EKS_VIRTUAL_CLUSTER__";

/**
 * Base36 of a string as the AWS CLI computes it for EMR on EKS service
 * account names (`aws emr-containers update-role-trust-policy`): the
 * characters' codes read as one big-endian base-256 number, written in
 * base 36 with lower-case digits.
 */
export function base36(text: string): string {
  let n = 0n;
  for (const ch of text) n = n * 256n + BigInt(ch.codePointAt(0)!);
  return n === 0n ? "0" : n.toString(36);
}

/**
 * The `sub` claim of the service accounts EMR on EKS creates for a job run
 * with `roleName` in `namespace`: `system:serviceaccount:<ns>:emr-containers-sa-*-*-<account>-<base36(role)>`.
 */
export function emrEksServiceAccountSubject(namespace: string, accountId: string, roleName: string): string {
  return `system:serviceaccount:${namespace}:emr-containers-sa-*-*-${accountId}-${base36(roleName)}`;
}

export const namespaceOf = (template: string, domain: string) => template.split(DOMAIN_PLACEHOLDER).join(domain);

export function eksOf(e: EksManifestOutput | undefined): EksModel | null {
  if (!e) return null;
  return { clusterName: e.clusterName, oidcProviderArn: e.oidcProviderArn, oidcIssuer: e.oidcProviderArn.replace(/^.*?:oidc-provider\//, ""), namespace: e.namespace };
}

interface EmrEksSettings {
  readonly releaseLabel: string;
  readonly driver: { readonly cores: number; readonly memoryGb: number };
  readonly executor: { readonly cores: number; readonly memoryGb: number };
  readonly maxExecutors: number;
  readonly timeoutMinutes: number;
}

/**
 * Spark settings of a job run, as one sparkSubmitParameters string: the
 * manifest's sizing, dynamic allocation up to maxExecutors (shuffle tracking,
 * as EMR on EKS has no external shuffle service), and the Glue Data Catalog
 * as the metastore. Fixed order, so the DAG's bytes are stable.
 */
export function sparkSubmitParameters(s: EmrEksSettings): string {
  const conf: [string, string][] = [
    ["spark.driver.cores", String(s.driver.cores)],
    ["spark.driver.memory", `${s.driver.memoryGb}g`],
    ["spark.executor.cores", String(s.executor.cores)],
    ["spark.executor.memory", `${s.executor.memoryGb}g`],
    ["spark.dynamicAllocation.enabled", "true"],
    ["spark.dynamicAllocation.shuffleTracking.enabled", "true"],
    ["spark.dynamicAllocation.minExecutors", "0"],
    ["spark.dynamicAllocation.maxExecutors", String(s.maxExecutors)],
    ["spark.hadoop.hive.metastore.client.factory.class", "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory"],
  ];
  return conf.map(([k, v]) => `--conf ${k}=${v}`).join(" ");
}

/** The deployment's EMR on EKS part; null when it has no emr-eks job (or its environment no cluster: a manifest error reported earlier). */
export function emrEksDeploymentOf(
  env: EnvironmentModel,
  organization: string,
  domain: string,
  jobs: readonly JobModel[],
  artifactsBucket: string,
): EmrEksDeploymentModel | null {
  const eksJobs = jobs.filter((j) => j.engine === "emr-eks");
  if (eksJobs.length === 0 || !env.eks) return null;
  const namespace = namespaceOf(env.eks.namespace, domain);
  return {
    virtualClusterName: `${organization}-${domain}-${env.name}`,
    clusterName: env.eks.clusterName,
    namespace,
    oidcProviderArn: env.eks.oidcProviderArn,
    oidcIssuer: env.eks.oidcIssuer,
    jobs: eksJobs.map((j) => {
      const s = j.settings as unknown as EmrEksSettings;
      return {
        name: j.name,
        roleName: j.role.name,
        roleArn: j.role.arn,
        serviceAccountSubject: emrEksServiceAccountSubject(namespace, env.accountId, j.role.name),
        logGroupName: `/lakeform/${domain}-${env.name}/emr-eks/${j.name}`,
        logUri: `s3://${artifactsBucket}/logs/${j.name}/`,
        releaseLabel: s.releaseLabel,
        sparkSubmitParameters: sparkSubmitParameters(s),
        timeoutMinutes: s.timeoutMinutes,
      };
    }),
  };
}

/** The DAG task that runs an emr-eks job (the virtual cluster ID as a placeholder the stack swaps for a reference). */
export function emrEksTask(id: string, after: readonly string[], job: JobModel, eks: EmrEksDeploymentModel, environment: string, domain: string): DagTaskModel {
  const j = eks.jobs.find((x) => x.name === job.name)!;
  return {
    kind: "emr-eks",
    id,
    after,
    name: `${domain}-${job.name}`,
    virtualClusterId: EMR_EKS_VIRTUAL_CLUSTER_PLACEHOLDER,
    executionRoleArn: j.roleArn,
    releaseLabel: j.releaseLabel,
    entryPoint: job.script.uri,
    entryPointArguments: [job.arguments["--source_database"] ?? "", job.arguments["--target_database"] ?? ""],
    sparkSubmitParameters: j.sparkSubmitParameters,
    logGroupName: j.logGroupName,
    logStreamNamePrefix: job.name,
    logUri: j.logUri,
    timeoutMinutes: j.timeoutMinutes,
    // Job runs carry the tags the MWAA role's describe and cancel permissions are conditioned on.
    tags: [
      { key: "domain", value: domain },
      { key: "environment", value: environment },
      { key: "managed-by", value: "lakeform" },
    ],
  };
}
