import { z } from "zod";
import {
  AccountId,
  AwsTags,
  CostCentre,
  DataLakePrincipal,
  IamPrincipalArn,
  LfTagKey,
  LfTagValue,
  Region,
  PrincipalName,
  TeamName,
} from "./common";
import { EksManifest } from "./emr-eks";
import { EmrEnvironmentManifest } from "./fleet";
import { DEFAULT_GOVERNANCE_APPROVERS, GovernanceManifest } from "./governance";
import { GuardrailsManifest } from "./guardrails";
import { PlatformBudgetsManifest } from "./budget";

/** Name of an environment (`dev`, `prod`): part of every stack and physical name. */
export const EnvironmentName = z
  .string()
  .regex(/^[a-z][a-z0-9]{1,9}$/, "an environment name is 2-10 lower-case letters and digits, starting with a letter");

export const NetworkManifest = z
  .strictObject({
    vpcId: z
      .string()
      .regex(/^vpc-[0-9a-f]{8,17}$/, "a VPC ID looks like vpc-0a1b2c3d4e5f67890")
      .describe("ID of the existing landing-zone VPC that private endpoints and compute run in."),
    vpcCidr: z
      .string()
      .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, "a CIDR block looks like 10.20.0.0/16")
      .describe("The VPC's CIDR block: the endpoint security group admits HTTPS from it and nothing else."),
    privateRouteTableIds: z
      .array(z.string().regex(/^rtb-[0-9a-f]{8,17}$/, "a route table ID looks like rtb-0a1b2c3d4e5f67890"))
      .min(1, "name the private subnets' route tables, for the S3 gateway endpoint")
      .describe("Route tables of the private subnets; the S3 gateway endpoint is added to them."),
    s3PrefixListId: z
      .string()
      .regex(/^pl-[0-9a-f]{8,17}$/, "a prefix list ID looks like pl-6da54004")
      .describe("The region's S3 prefix list (com.amazonaws.<region>.s3): compute security groups allow HTTPS to it, through the gateway endpoint."),
    organizationId: z
      .string()
      .regex(/^o-[a-z0-9]{10,32}$/, "an organization ID looks like o-a1b2c3d4e5")
      .optional()
      .describe("AWS Organizations ID: endpoint policies admit principals of the organization.\n@default - only principals of this environment's account"),
    privateSubnetIds: z
      .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "a subnet ID looks like subnet-0a1b2c3d4e5f67890"))
      .min(2, "give at least two private subnets, in different availability zones")
      .describe("IDs of the VPC's private subnets (at least two, in different AZs). No public subnets: the lake has no internet-facing path."),
  })
  .describe("The landing-zone network of this environment. Lakeform reads IDs from here, never from AWS, so every stack plans offline.");

export const LocalBackendManifest = z
  .strictObject({
    type: z.literal("local").describe("Terraform state in a local file `terraform.<stack>.tfstate` at the project root."),
  })
  .describe("Local state: works with no cloud account; for trying Lakeform and for tests.");

export const S3BackendManifest = z
  .strictObject({
    type: z.literal("s3").describe("Terraform state in S3, locked with S3-native lock files (no DynamoDB table)."),
    bucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name is 3-63 lower-case letters, digits, dots and hyphens")
      .describe("Existing, versioned state bucket."),
    keyPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, "a key prefix is path segments of letters, digits and _ . -, without leading or trailing slash")
      .default("lakeform")
      .describe("Key prefix; each stack's state is at `<keyPrefix>/<stack>.tfstate`.\n@default - \"lakeform\""),
    region: Region.optional().describe("Region of the state bucket.\n@default - the platform's primary region"),
    kmsKeyArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/, "a KMS key ARN looks like arn:aws:kms:eu-west-1:123456789012:key/<uuid>")
      .optional()
      .describe("Customer-managed KMS key for the state objects.\n@default - the bucket's default encryption"),
  })
  .describe("S3 state with S3-native locking (`use_lockfile`); the state objects are always encrypted.");

export const BackendManifest = z
  .discriminatedUnion("type", [LocalBackendManifest, S3BackendManifest])
  .describe("Where Terraform keeps the state of this environment's stacks; one state file per stack.");

/**
 * The environment's side in the DR region: what `lakeform dr synth` builds
 * the domains' compute and the environment's orchestration on in a failover
 * (the DR region's network, and the EMR certificates and EKS cluster there).
 * Names, keys and buckets are derived, as in the primary region.
 */
export const DrEnvironmentManifest = z
  .strictObject({
    network: NetworkManifest.describe(
      "The DR region's landing-zone network (VPC, CIDR, private route tables, the DR region's S3 prefix list, private subnets): the DR private endpoints, MWAA and compute run in it.",
    ),
    emr: EmrEnvironmentManifest.optional().describe(
      "EMR on EC2 in the DR region: certificates for *.<dr region>.compute.internal. Required when a domain here runs an emr-fleet job.\n@default - none: no emr-fleet jobs can be rebuilt in the DR region",
    ),
    eks: EksManifest.optional().describe(
      "An existing EKS cluster in the DR region, in this environment's account, for the emr-eks jobs. Required when a domain here runs an emr-eks job.\n@default - none: no emr-eks jobs can be rebuilt in the DR region",
    ),
  })
  .describe(
    "This environment in the DR region: the network, EMR certificates and EKS cluster that `lakeform dr synth` retargets compute and orchestration to in a failover. Required for `lakeform dr synth` when domains are deployed here.",
  );

export const EnvironmentManifest = z
  .strictObject({
    accountId: AccountId.describe("AWS account that this environment's lake lives in."),
    network: NetworkManifest,
    lakeFormationAdmins: z
      .array(IamPrincipalArn)
      .min(1, "name at least one Lake Formation administrator")
      .describe("IAM roles or users that administer Lake Formation in this account. The platform stack makes them the only data-lake admins."),
    piiReaders: z
      .array(IamPrincipalArn)
      .default([])
      .describe("The only principals that may read PII-tagged columns unmasked.\n@default - nobody"),
    backend: BackendManifest.default({ type: "local" }).describe("Terraform state backend of this environment's stacks.\n@default - local state"),
    principals: z
      .record(PrincipalName, DataLakePrincipal)
      .default({})
      .describe(
        "Named principals that domains grant to, as this environment knows them: IAM roles (people's data-access roles, Redshift Spectrum, SageMaker execution roles), Identity Center groups, or consumer account IDs. Domains refer to them by name, so one manifest serves every environment.\n@default - none",
      ),
    eks: EksManifest.optional().describe("An existing EKS cluster that domains may run EMR on EKS jobs on.\n@default - none: emr-eks jobs are not accepted in this environment"),
    emr: EmrEnvironmentManifest.optional().describe("EMR on EC2 settings of this environment: required when a domain here runs an emr-fleet job.\n@default - none: no emr-fleet jobs in this environment"),
    dr: DrEnvironmentManifest.optional().describe(
      "This environment in the DR region, for recomputing from replicated raw after a failover (`lakeform dr synth`).\n@default - none: `lakeform dr synth` refuses while domains are deployed here",
    ),
  })
  .describe("One deployment environment: an account in the primary region, mirrored to the DR region.");

export const LfTagDefinitionManifest = z
  .strictObject({
    description: z.string().max(256).default("").describe("What the tag means; shown in reviews.\n@default - empty"),
    values: z
      .array(LfTagValue)
      .min(1, "an LF-tag needs at least one value")
      .max(1000, "Lake Formation allows at most 1000 values per LF-tag")
      .describe("Allowed values of this tag."),
  })
  .describe("One LF-tag of the taxonomy.");

export const PiiTagManifest = z
  .strictObject({
    key: LfTagKey.default("confidentiality").describe("Taxonomy key that marks PII.\n@default - \"confidentiality\""),
    value: LfTagValue.default("pii").describe("Value of that key that marks PII.\n@default - \"pii\""),
  })
  .describe("Which LF-tag value marks personal data. Only the environment's PII readers see such columns unmasked.");

export const AuditManifest = z
  .strictObject({
    dataEvents: z
      .enum(["read-write", "write-only"])
      .default("read-write")
      .describe(
        "Which S3 data events each domain's CloudTrail trail records on its zone buckets. write-only drops reads (cheaper on hot buckets) and needs writeOnlyReason.\n@default - \"read-write\"",
      ),
    writeOnlyReason: z
      .string()
      .min(20, "give the reason in a sentence: reviewers read it")
      .max(1024)
      .optional()
      .describe("Why object reads need not be audited; required for write-only, and shown in reviews."),
    retentionDays: z
      .int()
      .min(90, "keep audit logs at least 90 days")
      .max(3650)
      .default(400)
      .describe("Days the audit bucket keeps data-event logs.\n@default - 400"),
  })
  .describe("Audit of object-level access: a CloudTrail trail per domain recording S3 data events of its zone buckets.");

export const MwaaManifest = z
  .strictObject({
    airflowVersion: z.string().regex(/^\d+\.\d+\.\d+$/, "an Airflow version looks like 2.10.3").default("2.10.3").describe("Airflow version.\n@default - \"2.10.3\""),
    environmentClass: z.enum(["mw1.micro", "mw1.small", "mw1.medium", "mw1.large", "mw1.xlarge", "mw1.2xlarge"]).default("mw1.small").describe("Environment class.\n@default - \"mw1.small\""),
    minWorkers: z.int().min(1).max(25).default(1).describe("Minimum workers.\n@default - 1"),
    maxWorkers: z.int().min(1).max(25).default(5).describe("Maximum workers.\n@default - 5"),
    schedulers: z.int().min(1).max(5).default(2).describe("Schedulers.\n@default - 2"),
    requirements: z
      .array(z.string().regex(/^[A-Za-z0-9_.\-\[\]]+(==|>=|~=)[A-Za-z0-9_.*+!-]+$/, "a requirement is pinned, like apache-airflow-providers-amazon==9.2.0"))
      .default([])
      .describe("Extra Python requirements, pinned; the Amazon provider comes with MWAA.\n@default - none"),
  })
  .describe("The environment's Amazon MWAA (Airflow), which runs every domain's generated DAG.");

export const PlatformManifest = z
  .strictObject({
    organization: z
      .string()
      .regex(/^[a-z][a-z0-9]{1,11}$/, "an organization prefix is 2-12 lower-case letters and digits, starting with a letter")
      .describe("Short organization prefix that starts every physical name (buckets, key aliases)."),
    owner: TeamName.describe("Platform team that owns the platform stacks."),
    costCentre: CostCentre,
    regions: z
      .strictObject({
        primary: Region.describe("Region the lake runs in."),
        dr: Region.describe("Region that raw data, keys and the catalog export are replicated to for disaster recovery."),
      })
      .describe("Primary and disaster-recovery regions."),
    environments: z
      .record(EnvironmentName, EnvironmentManifest)
      .refine((envs) => Object.keys(envs).length > 0, "declare at least one environment")
      .describe("Environments by name (for example dev, prod)."),
    lfTags: z
      .record(LfTagKey, LfTagDefinitionManifest)
      .describe("The LF-tag taxonomy: keys with their allowed values. Domains may only use these."),
    pii: PiiTagManifest.default({ key: "confidentiality", value: "pii" }),
    audit: AuditManifest.default({ dataEvents: "read-write", retentionDays: 400 }),
    mwaa: MwaaManifest.default({ airflowVersion: "2.10.3", environmentClass: "mw1.small", minWorkers: 1, maxWorkers: 5, schedulers: 2, requirements: [] }),
    defaultTags: AwsTags.default({}).describe("Extra AWS tags on every resource of every stack.\n@default - none"),
    governance: GovernanceManifest.default({ approvers: DEFAULT_GOVERNANCE_APPROVERS }),
    guardrails: GuardrailsManifest.default({ suppress: [] }).describe("Guardrail findings the platform stacks accept on purpose, each with a written reason.\n@default - none suppressed"),
    budgets: PlatformBudgetsManifest.default({ defaultMonthlyUsd: 1000, alertAtPercent: [80, 100], forecastAtPercent: [100], tagsActivatedByManagementAccount: [] }),
  })
  .describe("The platform manifest: environments, accounts, regions, network, Lake Formation admins and the tag taxonomy.");

export type PlatformManifestInput = z.input<typeof PlatformManifest>;
export type PlatformManifestOutput = z.output<typeof PlatformManifest>;
export type EnvironmentManifestOutput = z.output<typeof EnvironmentManifest>;
export type DrEnvironmentManifestOutput = z.output<typeof DrEnvironmentManifest>;
