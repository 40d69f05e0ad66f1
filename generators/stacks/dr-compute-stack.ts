import type { Construct } from "constructs";
import { AwsStack } from "../../modules/stack/aws-stack";
import type { DomainDeploymentModel, EnvironmentModel, StackModel } from "../model/types";
import { domainCompute } from "./domain-compute";
import { DEFAULT_STATE_ROOT, stackProps } from "./stack-props";

/**
 * `dr-compute-<domain>-<env>`: the compute half of `<domain>-<env>`, built
 * from the DR model's deployment (the manifests' Model with the DR region as
 * primary and each environment on its `dr` network, certificates and EKS
 * cluster), so that curated can be recomputed from replicated raw after a
 * failover. Synthesized by `lakeform dr synth`, applied only in a failover,
 * after `dr-platform-<env>` and `dr-orchestration-<env>` and before
 * `dr-<domain>-<env>`, whose grants name the roles made here.
 *
 * It holds what the primary stack's domainCompute holds, under the same
 * Terraform addresses: `aws_kms_key.ops` (with its alias), the artifacts
 * bucket `aws_s3_bucket.artifacts` (server access logs into the always-on DR
 * log bucket, `drLogBucket`, by name), scripts `aws_s3_object.script__<job>`,
 * job roles `aws_iam_role.job__<job>`, Glue security configurations
 * `aws_glue_security_configuration.glue__<zone>`, Glue jobs and triggers,
 * EMR Serverless apps, fleet state machines and their EMR roles, groups and
 * security configurations, EMR on EKS, `aws_iam_role.quality` with the
 * rulesets `aws_glue_data_quality_ruleset.<zone>__<table>`, crawlers and
 * their workflows, the Athena workgroups `aws_athena_workgroup.<principal>`
 * and `…pipeline__<zone>`, the failure alarms `…alerts`, and the DAG
 * `aws_s3_object.dag` in the DR MWAA bucket (dr-orchestration's).
 *
 * Not here: zone keys and buckets (the always-on replica keys and DR
 * buckets), registrations, databases (zone and discovery), tables,
 * resource links and Lake Formation grants — the crawlers' too — (all in
 * the export-built `dr-<domain>-<env>`), the audit trail, replication, the
 * catalog export and the budget. Ingestion is left out as well: a Firehose
 * stream encrypted with a customer-managed key needs that key's ARN
 * (Firehose creates a KMS grant on it, and CreateGrant takes no alias),
 * and the replica raw key is known here only by its alias; partner drops are
 * statements of the raw bucket's and key's policies, which the always-on DR
 * storage owns. Producers and partners are pointed at the DR region by the
 * runbook, not by this stack.
 *
 * Zone keys are the replicas, known before apply only by alias ARN (no data
 * source, no remote state: the stack plans offline):
 * - S3 SSE-KMS key ids take the alias ARN: the artifacts bucket accepts
 *   uploads naming it, Glue security configurations' S3 encryption, EMR
 *   security configurations and the pipeline workgroups' results and
 *   inserts name it (the DR zone buckets must accept uploads naming the
 *   alias ARN, as the catalog-export bucket does its key's);
 * - IAM statements on a zone key name `arn:…:kms:<dr region>:<account>:key/*`
 *   under `kms:ResourceAliases` (modules/identity/kms-key-access.ts);
 * - what needs a real key ARN and a key policy that lets a service in uses
 *   this stack's ops key instead: CloudWatch Logs (Glue security
 *   configurations' log and bookmark encryption, every log group), SNS and
 *   EventBridge (the alarms), Step Functions.
 *
 * Glue creates a data quality ruleset and a crawler without checking that
 * its table or database exists (CreateDataQualityRuleset and CreateCrawler
 * list no EntityNotFoundException), so both are made here, naming tables and
 * databases by their DR names, before `dr-<domain>-<env>` creates them.
 */
export class DrComputeStack extends AwsStack {
  constructor(scope: Construct, stack: StackModel, dep: DomainDeploymentModel, env: EnvironmentModel, stateRoot = DEFAULT_STATE_ROOT) {
    super(scope, stack.name, stackProps(stack, stateRoot));
    const problems = drComputeProblems(stack, dep, env);
    if (problems.length > 0) throw new Error(`DrComputeStack ${stack.name}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    domainCompute(this, {
      stack,
      dep,
      env,
      zoneKeys: new Map(dep.zones.map((z) => [z.name, z.key.aliasArn])),
      zoneKeysServeLogs: false,
      // The always-on DR access-log bucket (drLogBucket): the DR model's log bucket is that name.
      accessLogBucket: dep.logBucket.name,
      tables: new Map(dep.tables.map((t) => [`${t.zone}.${t.name}`, { databaseName: t.database, tableName: t.name }])),
      discovery: { kind: "elsewhere" },
    });
  }
}

/** The deployment must be the DR model's: in the stack's region and account, environment alike. */
function drComputeProblems(stack: StackModel, dep: DomainDeploymentModel, env: EnvironmentModel): string[] {
  const out: string[] = [];
  if (dep.region !== stack.region) out.push(`the deployment is in ${dep.region}, the stack in ${stack.region}: build it from the DR model`);
  if (env.region !== stack.region) out.push(`the environment is in ${env.region}, the stack in ${stack.region}`);
  if (dep.accountId !== stack.accountId || env.accountId !== stack.accountId) out.push(`the deployment, environment and stack must share one account`);
  if (dep.environment !== env.name) out.push(`the deployment is of ${dep.environment}, the environment ${env.name}`);
  for (const z of dep.zones) if (!z.key.aliasArn.includes(`:kms:${stack.region}:`)) out.push(`zone ${z.name}'s key alias ${z.key.aliasArn} is not in ${stack.region}`);
  return out;
}
