import { z } from "zod";

/**
 * EMR on EKS: the platform names an existing EKS cluster per environment, and
 * domain jobs with `engine: emr-eks` run in a namespace of it. Kept apart
 * from platform.ts and domain.ts, which only add one field and one union
 * member from here.
 */

/** Stands in a namespace template for the domain's name. */
export const DOMAIN_PLACEHOLDER = "{domain}";

/** First EMR release whose EMR on EKS jobs can read through Lake Formation (with a security configuration). */
export const EMR_EKS_MIN_RELEASE = [7, 7] as const;

export const EksManifest = z
  .strictObject({
    clusterName: z
      .string()
      .regex(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, "an EKS cluster name is 1-100 letters, digits, - and _, starting with a letter or digit")
      .describe("Name of the existing EKS cluster in this environment's account and the primary region; EMR on EKS virtual clusters register its namespaces."),
    oidcProviderArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/oidc\.eks\.[a-z]{2}(-[a-z]+)+-\d\.amazonaws\.com(\.cn)?\/id\/[0-9A-F]{32}$/,
        "an EKS OIDC provider ARN looks like arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
      )
      .describe(
        "ARN of the cluster's IAM OIDC identity provider (`eksctl utils associate-iam-oidc-provider`): job execution roles trust it for EMR's service accounts. Given here because Lakeform reads nothing from AWS.",
      ),
    namespace: z
      .string()
      .regex(/^[a-z0-9-]*\{domain\}[a-z0-9-]*$/, "a namespace template is lower-case letters, digits and - around {domain}, like emr-{domain}")
      .default("emr-{domain}")
      .describe("Kubernetes namespace of each domain's jobs; {domain} is the domain's name. The namespaces must exist, with EMR's RBAC, before the domain stacks are applied.\n@default - \"emr-{domain}\""),
  })
  .describe("An existing EKS cluster that domains run EMR on EKS jobs on: one virtual cluster per domain namespace.");

const Sizing = (what: string, cores: number, memoryGb: number, maxCores: number, maxMemoryGb: number) =>
  z
    .strictObject({
      cores: z.int().min(1).max(maxCores).default(cores).describe(`vCPUs of the ${what} pod.\n@default - ${cores}`),
      memoryGb: z.int().min(1).max(maxMemoryGb).default(memoryGb).describe(`Memory of the ${what} pod in GiB (Spark adds its overhead on top).\n@default - ${memoryGb}`),
    })
    .default({ cores, memoryGb })
    .describe(`Size of the Spark ${what}.\n@default - ${cores} vCPU, ${memoryGb} GiB`);

/** The fields an `engine: emr-eks` job has besides every job's (domain.ts adds those). */
export const emrEksJobFields = {
  engine: z.literal("emr-eks").describe("EMR on EKS: Spark pods on the platform's EKS cluster, in the domain's namespace; for spiky work on capacity the platform already runs."),
  releaseLabel: z
    .string()
    .regex(/^emr-\d+\.\d+\.\d+-(latest|\d{8})$/, "an EMR on EKS release label looks like emr-7.7.0-latest or emr-7.7.0-20250131")
    .default("emr-7.7.0-latest")
    .describe("EMR on EKS release; emr-7.7.0 or later, the first that reads through Lake Formation.\n@default - \"emr-7.7.0-latest\""),
  driver: Sizing("driver", 1, 4, 16, 128),
  executor: Sizing("executor", 2, 8, 16, 256),
  maxExecutors: z
    .int()
    .min(1)
    .max(500)
    .default(10)
    .describe("Upper bound of dynamic allocation: executors are added while work waits and removed when idle, never more than this.\n@default - 10"),
  timeoutMinutes: z
    .int()
    .min(1)
    .max(2880)
    .default(60)
    .describe("Run time limit: the pipeline task cancels the job run after this long.\n@default - 60"),
};

export type EksManifestOutput = z.output<typeof EksManifest>;
