import type { Construct } from "constructs";
import { kmsKeyStatements } from "../../modules/identity/kms-key-access";
import type { PolicyStatement } from "../../modules/identity/policy-document";
import { AthenaWorkgroup } from "../../modules/query/athena-workgroup";
import type { DomainDeploymentModel, EnvironmentModel, Model } from "../model/types";

/**
 * The pipeline's Athena statements (`INSERT INTO` a declared Parquet table),
 * run by the environment's MWAA execution role.
 *
 * Athena reads through Lake Formation (vended credentials, the grants
 * `pipeline-<task>-reads` / `-into`), but writes the inserted objects and the
 * query results with the caller's own credentials: Lake Formation grants
 * include no S3 writes (Athena user guide, "IAM permissions to write to
 * Amazon S3 locations"). Those writes are granted where the data lives, in
 * the domain stack: the target zone bucket's policy lets the execution role
 * put objects under the target table's location only, the zone key's policy
 * lets it encrypt through S3 for that bucket only, and the artifacts bucket
 * takes the results. The platform stack's execution-role policy adds only
 * Athena on the pipeline workgroups, Glue catalog reads of the tasks'
 * tables, partition writes on the targets, and lakeformation:GetDataAccess.
 */

const uniqueSorted = (xs: readonly string[]) => [...new Set(xs)].sort();
const objectArn = (uri: string) => `${uri.replace(/^s3:\/\//, "arn:aws:s3:::")}*`;
const partitionArn = (arn: string, partition: string) => arn.replace(/^arn:aws:/, `arn:${partition}:`);
/** `s3://bucket/a/b/` → `a/b/`. */
const keyPrefix = (uri: string) => uri.replace(/^s3:\/\/[^/]+\//, "");

/** The environment's deployments whose pipelines have query tasks. */
const queryDeployments = (model: Model, env: EnvironmentModel) => model.domains.flatMap((d) => d.deployments.filter((x) => x.environment === env.name && x.queries.tasks.length > 0));

/** The zone bucket the pipeline's statements insert into and the key prefixes of their target tables there; null when none writes the zone. */
function zoneTargets(dep: DomainDeploymentModel, zone: string): { readonly bucketArn: string; readonly prefixes: string[] } | null {
  const targets = dep.queries.tasks.filter((t) => t.into.zone === zone);
  if (targets.length === 0) return null;
  return { bucketArn: partitionArn(targets[0]!.into.bucketArn, dep.partition), prefixes: uniqueSorted(targets.map((t) => keyPrefix(t.into.location))) };
}

/**
 * Puts (`writeActions`) under `prefixes` of a bucket and the listing of those
 * prefixes, by `principal` in a bucket policy or, without it, in the
 * caller's own IAM policy.
 */
function putAndList(
  sids: { readonly write: string; readonly list: string },
  writeActions: readonly string[],
  bucketArn: string,
  prefixes: readonly string[],
  principal?: string,
): PolicyStatement[] {
  const who = principal === undefined ? {} : { Principal: { AWS: principal } };
  return [
    { Sid: sids.write, Effect: "Allow", ...who, Action: [...writeActions], Resource: prefixes.map((p) => `${bucketArn}/${p}*`) },
    { Sid: sids.list, Effect: "Allow", ...who, Action: ["s3:GetBucketLocation", "s3:ListBucket"], Resource: bucketArn, Condition: { StringLike: { "s3:prefix": prefixes.map((p) => `${p}*`) } } },
  ];
}

const PUT_ACTIONS = ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:PutObject"];

/** `aws_athena_workgroup.pipeline__<zone>`: one per zone the pipeline's statements write, encrypting with that zone's key. */
export function pipelineQueryWorkgroups(scope: Construct, dep: DomainDeploymentModel, zoneKeyArns: ReadonlyMap<string, string>): void {
  for (const wg of dep.queries.workgroups) {
    new AthenaWorkgroup(scope, `workgroup-pipeline-${wg.zone}`, {
      terraformName: `pipeline__${wg.zone}`,
      name: wg.name,
      description: `Pipeline statements of ${dep.stack} writing the ${wg.zone} zone: results and inserted data under the zone's key`,
      outputLocation: wg.outputLocation,
      // What an INSERT writes is encrypted like the results: the zone bucket accepts its own key only.
      kmsKeyArn: zoneKeyArns.get(wg.zone)!,
      accountId: dep.accountId,
      bytesScannedCutoffPerQuery: wg.bytesScannedCutoffPerQuery,
    });
  }
}

/** Zone keys the artifacts bucket must accept uploads under: the pipeline workgroups' results. */
export function pipelineQueryUploadKeyArns(dep: DomainDeploymentModel, zoneKeyArns: ReadonlyMap<string, string>): string[] {
  return uniqueSorted(dep.queries.workgroups.map((w) => zoneKeyArns.get(w.zone)!));
}

/** Statements of a zone bucket's policy: the execution role may put objects under the locations of the zone's query targets, nothing more. */
export function pipelineQueryBucketStatements(dep: DomainDeploymentModel, zone: string): PolicyStatement[] {
  const z = zoneTargets(dep, zone);
  if (!z) return [];
  return putAndList({ write: "PipelineQueriesWriteTargetTables", list: "PipelineQueriesListTargetTables" }, PUT_ACTIONS, z.bucketArn, z.prefixes, dep.queries.principal.id);
}

/** Statements of the artifacts bucket's policy: the execution role reads and writes its workgroups' results only. */
export function pipelineQueryArtifactStatements(dep: DomainDeploymentModel): PolicyStatement[] {
  if (dep.queries.workgroups.length === 0) return [];
  return putAndList(
    { write: "PipelineQueriesWriteResults", list: "PipelineQueriesListResults" },
    ["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"],
    dep.artifacts.bucket.arn,
    dep.queries.workgroups.map((w) => keyPrefix(w.outputLocation)),
    dep.queries.principal.id,
  );
}

/**
 * Statements of a zone key's policy: the execution role may have S3 encrypt
 * and decrypt with the key for the zone bucket's target locations and its
 * workgroup's results, nothing else. (With S3 Bucket Keys the encryption
 * context is the bucket's ARN, so the bucket ARNs are allowed too.)
 */
export function pipelineQueryKeyStatements(dep: DomainDeploymentModel, zone: string): PolicyStatement[] {
  const wg = dep.queries.workgroups.find((w) => w.zone === zone);
  if (!wg) return [];
  return [
    {
      Sid: "PipelineQueriesEncryptThroughS3",
      Effect: "Allow",
      Principal: { AWS: dep.queries.principal.id },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: throughS3For(dep, wg),
    },
  ];
}

/** S3 on the zone's target locations and the workgroup's results, nothing else (the bucket ARNs too: with S3 Bucket Keys the context is the bucket). */
function throughS3For(dep: DomainDeploymentModel, wg: DomainDeploymentModel["queries"]["workgroups"][number]): NonNullable<PolicyStatement["Condition"]> {
  const targets = dep.queries.tasks.filter((t) => t.into.zone === wg.zone);
  const domain = dep.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  return {
    StringEquals: { "kms:ViaService": `s3.${dep.region}.${domain}` },
    ArnLike: {
      "kms:EncryptionContext:aws:s3:arn": uniqueSorted([
        partitionArn(targets[0]!.into.bucketArn, dep.partition),
        ...targets.map((t) => partitionArn(objectArn(t.into.location), dep.partition)),
        dep.artifacts.bucket.arn,
        partitionArn(objectArn(wg.outputLocation), dep.partition),
      ]),
    },
  };
}

/**
 * What the execution role needs in IAM for the environment's query tasks:
 * Athena on exactly the pipeline workgroups, Glue catalog reads of exactly
 * the tasks' tables, partition writes on exactly their targets, and
 * lakeformation:GetDataAccess (no resource-level permissions; Lake Formation
 * decides by the grants). Empty when no pipeline has a query.
 */
export function pipelineQueryStatements(model: Model, env: EnvironmentModel): PolicyStatement[] {
  const deps = queryDeployments(model, env);
  if (deps.length === 0) return [];
  const glue = (resource: string) => `arn:${env.partition}:glue:${env.region}:${env.accountId}:${resource}`;
  const workgroups = uniqueSorted(deps.flatMap((d) => d.queries.workgroups.map((w) => w.arn)));
  const tasks = deps.flatMap((d) => d.queries.tasks);
  const read = tasks.flatMap((t) => [...t.reads, t.into]);
  const into = tasks.map((t) => t.into);
  const catalogOf = (tables: readonly { database: string; table: string }[]) =>
    uniqueSorted([glue("catalog"), ...tables.map((t) => glue(`database/${t.database}`)), ...tables.map((t) => glue(`table/${t.database}/${t.table}`))]);
  return [
    {
      Sid: "RunPipelineAthenaQueries",
      Effect: "Allow",
      Action: ["athena:GetQueryExecution", "athena:GetWorkGroup", "athena:StartQueryExecution", "athena:StopQueryExecution"],
      Resource: workgroups,
    },
    {
      Sid: "PipelineQueriesReadCatalog",
      Effect: "Allow",
      Action: ["glue:BatchGetPartition", "glue:GetDatabase", "glue:GetPartition", "glue:GetPartitions", "glue:GetTable"],
      Resource: catalogOf(read),
    },
    {
      Sid: "PipelineQueriesAddPartitions",
      Effect: "Allow",
      Action: ["glue:BatchCreatePartition", "glue:CreatePartition", "glue:UpdatePartition"],
      Resource: catalogOf(into),
    },
    { Sid: "PipelineQueriesLakeFormationData", Effect: "Allow", Action: "lakeformation:GetDataAccess", Resource: "*" },
  ];
}

/**
 * The writes pipelineQueryBucketStatements and pipelineQueryKeyStatements
 * grant in the zone buckets' and keys' policies, as the execution role's own
 * IAM statements: for the DR region (`dr-orchestration-<env>`), whose zone
 * buckets and replica keys belong to the always-on storage of the primary
 * domain stacks. A replica key's policy lets the account decide through IAM,
 * and the DR bucket policies deny no writer, so the role's policy alone
 * grants the puts under the target tables, the listing of those prefixes and
 * S3's use of the zone key (named by its replica's alias) for those objects
 * and the workgroups' results. Empty when no pipeline has a query.
 */
export function pipelineQueryIdentityStatements(model: Model, env: EnvironmentModel): PolicyStatement[] {
  const out: PolicyStatement[] = [];
  for (const dep of queryDeployments(model, env)) {
    for (const wg of dep.queries.workgroups) {
      const z = zoneTargets(dep, wg.zone);
      if (!z) continue;
      const sid = `${dep.stack}-${wg.zone}`.replace(/[^A-Za-z0-9]/g, "");
      const zoneKey = dep.zones.find((x) => x.name === wg.zone)!.key.aliasArn;
      out.push(
        ...putAndList({ write: `PipelineQueriesWrite${sid}`, list: `PipelineQueriesList${sid}` }, PUT_ACTIONS, z.bucketArn, z.prefixes),
        ...kmsKeyStatements({ Sid: `PipelineQueriesEncrypt${sid}`, Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Condition: throughS3For(dep, wg) }, [zoneKey]),
      );
    }
  }
  return out;
}
