import type { DagModel } from "../dags/types";
import type { EksModel, EmrEksDeploymentModel } from "./emr-eks";
import type { DiscoveryModel } from "./discovery";
import type { IngestionModel } from "./ingestion";
import type { PipelineQueriesModel } from "./queries";
import type { FleetModel } from "./fleet";
import type { GuardrailsModel } from "./guardrails";
import type { BudgetModel } from "./budget";
import type { DomainDrModel, EnvironmentDrModel } from "./dr";

/**
 * The Model: the normalized, fully named form of all manifests. Every
 * physical name, every ARN that can be known before apply, every default is
 * resolved here; generators read only this. Lists are sorted, so the same
 * manifests always give the same Model.
 */

export type Partition = "aws" | "aws-cn" | "aws-us-gov";

export interface Model {
  readonly organization: string;
  readonly owner: string;
  readonly costCentre: string;
  readonly regions: { readonly primary: string; readonly dr: string };
  /** The LF-tag taxonomy, keys and values sorted. */
  readonly lfTags: readonly LfTagModel[];
  readonly pii: { readonly key: string; readonly value: string };
  /** Who approves PII and cross-account changes in reviews (platform manifest `governance.approvers`). */
  readonly governance: { readonly approvers: string };
  readonly environments: readonly EnvironmentModel[];
  readonly domains: readonly DomainModel[];
  /** Every stack of the app, sorted by name. */
  readonly stacks: readonly StackModel[];
  /** Guardrail suppressions from the manifests (generators/guardrails). */
  readonly guardrails: GuardrailsModel;
}

export interface LfTagModel {
  readonly key: string;
  readonly description: string;
  readonly values: readonly string[];
}

export interface EnvironmentModel {
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  readonly drRegion: string;
  readonly partition: Partition;
  readonly network: {
    readonly vpcId: string;
    readonly vpcCidr: string;
    readonly privateSubnetIds: readonly string[];
    readonly privateRouteTableIds: readonly string[];
    readonly s3PrefixListId: string;
    readonly organizationId: string | null;
  };
  readonly lakeFormationAdmins: readonly string[];
  readonly piiReaders: readonly string[];
  /** Server access logs of the platform's own buckets (MWAA source). */
  readonly logBucket: BucketModel;
  /** The zip of PEM certificates for EMR in-transit TLS (platform manifest `emr.tlsCertificates`), or null. */
  readonly emrTlsCertificates: string | null;
  /** The environment's Airflow: every domain's DAG runs here. */
  readonly mwaa: {
    readonly name: string;
    readonly bucket: BucketModel;
    readonly keyAlias: string;
    readonly keyAliasArn: string;
    readonly executionRole: { readonly name: string; readonly arn: string };
    readonly airflowVersion: string;
    readonly environmentClass: string;
    readonly minWorkers: number;
    readonly maxWorkers: number;
    readonly schedulers: number;
    readonly requirements: readonly string[];
  };
  /** The existing EKS cluster emr-eks jobs run on; null when the platform names none. */
  readonly eks: EksModel | null;
  /** Tag keys the platform stack activates for cost allocation in this account (empty: activated elsewhere). */
  readonly costAllocationTags: readonly string[];
  /** The catalog-export bucket, its key and log bucket, in the DR region (platform stack, DR provider). */
  readonly dr: EnvironmentDrModel;
}

export type BackendModel =
  | { readonly type: "local"; readonly path: string }
  | {
      readonly type: "s3";
      readonly bucket: string;
      readonly key: string;
      readonly region: string;
      readonly kmsKeyArn?: string;
    };

export interface StackModel {
  /** `platform-<env>` or `<domain>-<env>`; also the Terraform working directory name. */
  readonly name: string;
  readonly kind: "platform" | "domain";
  readonly environment: string;
  readonly domain?: string;
  readonly accountId: string;
  readonly region: string;
  readonly backend: BackendModel;
  /** Provider default_tags: domain, environment, owner, cost centre and the platform's extras. */
  readonly defaultTags: Readonly<Record<string, string>>;
}

export interface DomainModel {
  readonly name: string;
  readonly description: string;
  readonly owner: { readonly team: string; readonly email: string };
  readonly costCentre: string;
  /** Manifest file, relative to the project root. */
  readonly sourceFile: string;
  /** One deployment per environment the domain is in, sorted by environment. */
  readonly deployments: readonly DomainDeploymentModel[];
}

export interface DomainDeploymentModel {
  readonly stack: string;
  readonly environment: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: Partition;
  /** Receives the S3 server access logs of every zone bucket of the deployment. */
  readonly logBucket: BucketModel & { readonly logRetentionDays: number };
  /** CloudTrail data events (object reads and writes) of the zone buckets. */
  readonly audit: {
    readonly trailName: string;
    readonly bucket: BucketModel;
    readonly keyAlias: string;
    readonly keyDescription: string;
    readonly logRetentionDays: number;
    /** false when the platform chose write-only auditing (with a reason). */
    readonly readEvents: boolean;
  };
  /** Zones in canonical order: raw, processed, curated, then the others by name. */
  readonly zones: readonly ZoneModel[];
  readonly tables: readonly TableModel[];
  /** Resource links to other domains' databases, in manifest order. */
  readonly resourceLinks: readonly ResourceLinkModel[];
  /** Scripts, job logs, temp data and query results; encrypted with the ops key. */
  readonly artifacts: {
    readonly bucket: BucketModel;
    readonly keyAlias: string;
    readonly keyDescription: string;
  };
  /** One Athena workgroup per principal the domain grants to (people and services, not accounts or jobs), by name. */
  readonly workgroups: readonly WorkgroupModel[];
  /** Failed job runs are published to this KMS-encrypted topic, which emails the domain's owner. */
  readonly alerts: { readonly topicName: string; readonly email: string };
  /** Quality rulesets of the tables that declare rules, and the role Glue evaluates them as. */
  readonly quality: {
    readonly role: { readonly name: string; readonly arn: string };
    readonly rulesets: readonly { readonly name: string; readonly zone: string; readonly table: string; readonly database: string; readonly ruleset: string }[];
  };
  /**
   * The generated Airflow DAG and where it goes in the MWAA bucket. Task
   * application IDs of EMR Serverless jobs are placeholders
   * (`emrServerlessPlaceholder(job)`) the stack swaps for references.
   */
  readonly pipeline: { readonly dag: DagModel; readonly key: string } | null;
  /** The pipeline's Athena statements, their workgroups and the principal that runs them. */
  readonly queries: PipelineQueriesModel;
  /** Jobs in manifest order. */
  readonly jobs: readonly JobModel[];
  /** The virtual cluster of the domain's namespace and its emr-eks jobs' execution roles; null without emr-eks jobs. */
  readonly emrEks: EmrEksDeploymentModel | null;
  /** Crawlers started by arrivals, their workflows and the databases they catalogue into. */
  readonly discovery: DiscoveryModel;
  /** Grants in manifest order. */
  readonly grants: readonly GrantModel[];
  /** Firehose streams into raw tables, and prefixes of the raw bucket partner accounts upload to. */
  readonly ingestion: IngestionModel;
  /** The monthly AWS Budget of the domain in this environment, alerting the owner. */
  readonly budget: BudgetModel;
  /** Always-on DR storage: zone key replicas, every zone's DR bucket, replication of the replicated zones, and where the catalog export goes. */
  readonly dr: DomainDrModel;
}

export interface WorkgroupModel {
  /** `<domain>-<principal>-<env>` */
  readonly name: string;
  readonly principal: string;
  readonly outputLocation: string;
  readonly bytesScannedCutoffPerQuery: number;
}

export interface ResourceLinkModel {
  /** Database name of the link in this domain's catalog. */
  readonly name: string;
  readonly description: string;
  readonly producer: string;
  readonly zone: string;
  readonly target: { readonly catalogId: string; readonly databaseName: string };
}

export type PrincipalKind = "iam-role" | "iam-user" | "identity-center-group" | "account" | "job" | "pipeline";

export interface JobModel {
  readonly name: string;
  readonly description: string;
  /** Index in the manifest's jobs list, for messages. */
  readonly index: number;
  readonly engine: "glue" | "emr-serverless" | "emr-eks" | "emr-fleet";
  readonly script: {
    /** Relative to the domain folder. */
    readonly path: string;
    readonly content: string;
    /** SHA-256 of the content, hex. */
    readonly sha256: string;
    /** Object key in the artifacts bucket: `jobs/<job>/<sha256[0:16]>.py`. */
    readonly key: string;
    readonly uri: string;
  };
  /** The job's own role: Lake Formation grants on its tables, nothing in S3 but its own prefixes. */
  readonly role: { readonly name: string; readonly arn: string };
  /**
   * Glue only: the security configuration it runs with, one per zone written
   * (`<org>-<domain>-<env>-<zone>`, or `…-ops` for a job that writes no
   * table). It encrypts with that zone's key, so what the job writes into the
   * zone is under the zone key, as the zone bucket's policy demands.
   */
  readonly glueSecurityConfiguration: { readonly name: string; readonly zone: string | null } | null;
  /** emr-fleet only: its state machine, cluster roles, security configuration and groups. */
  readonly fleet: FleetModel | null;
  /** `s3://<artifacts>/tmp/<job>/` */
  readonly tempDir: string;
  readonly reads: readonly TableRefModel[];
  readonly writes: readonly TableRefModel[];
  readonly processesPii: string | null;
  /**
   * The manifest's arguments plus Lakeform's: `--source_database` and
   * `--target_database` (the zones of the first table read and written) and
   * `--database_<zone>` for every zone, so scripts never hard-code an environment.
   */
  readonly arguments: Readonly<Record<string, string>>;
  /** Engine settings, resolved; the manifest's fields for the engine. */
  readonly settings: Readonly<Record<string, unknown>>;
}

export interface PrincipalModel {
  /** Name in the platform's principal catalogue. */
  readonly name: string;
  /** What Lake Formation grants to: an ARN or an account ID. */
  readonly id: string;
  readonly kind: PrincipalKind;
  /** Another account than the environment's: the grant is a cross-account share. */
  readonly external: boolean;
}

export interface TableRefModel {
  readonly zone: string;
  readonly table: string;
  readonly database: string;
}

export type GrantTargetModel =
  /** LF-tag expression on tables: every key must match one of its values (values sorted, keys sorted). */
  | { readonly kind: "tags"; readonly expression: readonly { readonly key: string; readonly values: readonly string[] }[] }
  | { readonly kind: "tables"; readonly tables: readonly TableRefModel[] }
  /** One table through a data-cells filter. `rowFilter` null: all rows. */
  | {
      readonly kind: "cells";
      readonly table: TableRefModel;
      readonly excludedColumns: readonly string[];
      readonly rowFilter: string | null;
    };

export interface GrantModel {
  readonly name: string;
  readonly description: string;
  /** Where the grant comes from: the access list, a job's reads and writes, or a pipeline query task's. */
  readonly source: "access" | "jobs" | "pipeline";
  /** Index in the manifest's access (or jobs, or pipeline.tasks) list, for messages. */
  readonly index: number;
  /** For a job's or query task's grants: why it may read PII unmasked (null: it may not). */
  readonly piiReason: string | null;
  readonly principal: PrincipalModel;
  /** Sorted. */
  readonly permissions: readonly string[];
  readonly grantable: boolean;
  readonly target: GrantTargetModel;
}

export interface BucketModel {
  readonly name: string;
  readonly arn: string;
}

export interface LifecycleModel {
  readonly intelligentTiering: boolean;
  readonly glacierAfterDays: number | null;
  readonly expireAfterDays: number | null;
  readonly noncurrentVersionExpiryDays: number;
  readonly abortIncompleteMultipartUploadDays: number;
  readonly stagingPrefix: string;
  readonly stagingExpireAfterDays: number;
}

export interface LfTagAssignmentModel {
  readonly key: string;
  readonly value: string;
}

export interface ZoneModel {
  readonly name: string;
  readonly key: {
    readonly alias: string;
    readonly aliasArn: string;
    readonly description: string;
  };
  readonly bucket: BucketModel & { readonly logPrefix: string; readonly lifecycle: LifecycleModel };
  /** The role Lake Formation uses to reach the bucket: the only reader of its objects. */
  readonly registrationRole: { readonly name: string; readonly arn: string };
  readonly database: {
    readonly name: string;
    readonly arn: string;
    readonly description: string;
    readonly locationUri: string;
    /** The database's LF-tags: the domain's, overridden by the zone's; sorted by key. */
    readonly lfTags: readonly LfTagAssignmentModel[];
  };
}

export interface ColumnModel {
  readonly name: string;
  /** Canonical Glue type spelling. */
  readonly type: string;
  readonly comment: string;
  /** Tags set on the column itself (overrides of the table's), sorted by key. */
  readonly lfTags: readonly LfTagAssignmentModel[];
}

export interface TableModel {
  readonly name: string;
  readonly zone: string;
  readonly database: string;
  readonly arn: string;
  readonly description: string;
  readonly format: "parquet" | "iceberg" | "json";
  readonly location: string;
  readonly columns: readonly ColumnModel[];
  readonly partitionKeys: readonly ColumnModel[];
  /** Tags set on the table itself (overrides of the database's), sorted by key. */
  readonly lfTags: readonly LfTagAssignmentModel[];
}

/** Stands in a DAG for an EMR Serverless application ID, known only after apply. */
export const emrServerlessPlaceholder = (job: string) => `__LAKEFORM_EMR_SERVERLESS_APPLICATION_${job.replace(/-/g, "_").toUpperCase()}__`;
