import type { Construct } from "constructs";
import { DataLakeSettings } from "../../modules/governance/data-lake-settings";
import { LfTagTaxonomy } from "../../modules/governance/lf-tag-taxonomy";
import { PrivateEndpoints } from "../../modules/network/private-endpoints";
import type { PolicyStatement } from "../../modules/identity/policy-document";
import { MwaaEnvironment } from "../../modules/orchestration/mwaa-environment";
import { AwsStack } from "../../modules/stack/aws-stack";
import type { EnvironmentModel, Model, StackModel } from "../model/types";
import { DEFAULT_STATE_ROOT, stackProps } from "./stack-props";
import { emrEksPipelineStatements } from "./emr-eks-jobs";
import { pipelineQueryStatements } from "./pipeline-queries";
import { costAllocationTags } from "./budget";
import { catalogExportStorage } from "./dr-storage";
import { accessLogBucket } from "./buckets";

/**
 * `platform-<env>`: what exists once per account and region. The Lake
 * Formation settings live only here (two owners of one account's settings
 * would overwrite each other on every apply), with the taxonomy as LF-tags,
 * and the VPC endpoints every domain's compute reaches AWS through.
 */
export class PlatformStack extends AwsStack {
  constructor(scope: Construct, model: Model, stack: StackModel, env: EnvironmentModel, stateRoot = DEFAULT_STATE_ROOT) {
    super(scope, stack.name, stackProps(stack, stateRoot));
    const settings = new DataLakeSettings(this, "data_lake_settings", { catalogId: env.accountId, admins: env.lakeFormationAdmins });
    // Creating LF-tags needs the caller to be a data-lake admin: settings first.
    new LfTagTaxonomy(this, "lf_tags", { catalogId: env.accountId, tags: model.lfTags, dependsOn: [settings.settings] });
    environmentOrchestration(this, model, env);
    costAllocationTags(this, env);
    // The environment's catalog-export bucket, in the DR region.
    catalogExportStorage(this, stack, env);
  }
}

/**
 * What every domain's compute runs through in one environment and region:
 * the VPC endpoints (S3 through a gateway, every other service through
 * PrivateLink) and MWAA, with its key, source bucket, that bucket's
 * access-log bucket and the execution role holding the pipelines'
 * statements. The platform stack builds it from the Model, the
 * `dr-orchestration-<env>` stack from the DR model; the Terraform
 * addresses are the same in both.
 */
export function environmentOrchestration(scope: Construct, model: Model, env: EnvironmentModel, moreStatements: readonly PolicyStatement[] = []): void {
  // Data-plane traffic stays on the AWS backbone: S3 through a gateway, every other service through PrivateLink.
  new PrivateEndpoints(scope, "endpoints", {
    vpcId: env.network.vpcId,
    vpcCidr: env.network.vpcCidr,
    privateSubnetIds: env.network.privateSubnetIds,
    routeTableIds: env.network.privateRouteTableIds,
    region: env.region,
    allowedAccountIds: [env.accountId],
    ...(env.network.organizationId ? { organizationId: env.network.organizationId } : {}),
  });

  const logs = accessLogBucket(scope, "access-logs", {
    terraformName: "access_logs",
    bucket: env.logBucket,
    retentionDays: 400,
    accountId: env.accountId,
    sourceBucketArns: [env.mwaa.bucket.arn],
  });
  const m = env.mwaa;
  new MwaaEnvironment(scope, "mwaa", {
    terraformName: "mwaa",
    name: m.name,
    accountId: env.accountId,
    region: env.region,
    partition: env.partition,
    vpcId: env.network.vpcId,
    vpcCidr: env.network.vpcCidr,
    s3PrefixListId: env.network.s3PrefixListId,
    // MWAA takes exactly two private subnets, in two zones.
    subnetIds: env.network.privateSubnetIds.slice(0, 2),
    securityGroupName: `${m.name}-mwaa`,
    executionRoleName: m.executionRole.name,
    sourceBucketName: m.bucket.name,
    sourceBucketArn: m.bucket.arn,
    accessLogs: { targetBucket: logs.bucket.id, targetPrefix: "mwaa/" },
    keyAlias: m.keyAlias,
    requirements: m.requirements.map((r) => `${r}\n`).join(""),
    airflowVersion: m.airflowVersion,
    environmentClass: m.environmentClass,
    minWorkers: m.minWorkers,
    maxWorkers: m.maxWorkers,
    schedulers: m.schedulers,
    extraStatements: [...pipelineStatements(model, env), ...moreStatements],
  });
}

/**
 * What the environment's DAGs may do: start and watch the Glue jobs, EMR
 * Serverless runs, fleet jobs' state machines (their executions, by
 * generated name, under each machine) and quality evaluations that domains
 * put in pipelines, and pass those jobs' roles, nothing else. Built from the Model, so the platform
 * stack changes when a pipeline does, and never reads a domain's state.
 */
export function pipelineStatements(model: Model, env: EnvironmentModel): PolicyStatement[] {
  const arn = (service: string, resource: string) => `arn:${env.partition}:${service}:${env.region}:${env.accountId}:${resource}`;
  const deps = model.domains.flatMap((d) => d.deployments.filter((x) => x.environment === env.name && x.pipeline));
  const glueJobs: string[] = [];
  const emrRoles: string[] = [];
  const rulesets: string[] = [];
  const qualityRoles: string[] = [];
  const emrEksRoles: string[] = [];
  const stateMachines: string[] = [];
  for (const dep of deps) {
    for (const task of dep.pipeline!.dag.tasks) {
      if (task.kind === "glue") glueJobs.push(arn("glue", `job/${task.jobName}`));
      if (task.kind === "emr-serverless") emrRoles.push(task.executionRoleArn);
      if (task.kind === "emr-eks") emrEksRoles.push(task.executionRoleArn);
      if (task.kind === "emr-fleet") stateMachines.push(task.stateMachineArn);
      if (task.kind === "quality") {
        rulesets.push(...task.rulesetNames.map((n) => arn("glue", `dataQualityRuleset/${n}`)));
        qualityRoles.push(task.roleArn);
      }
    }
  }
  const sorted = (xs: string[]) => [...new Set(xs)].sort();
  const out: PolicyStatement[] = [];
  if (glueJobs.length > 0) out.push({ Sid: "RunPipelineGlueJobs", Effect: "Allow", Action: ["glue:BatchStopJobRun", "glue:GetJob", "glue:GetJobRun", "glue:GetJobRuns", "glue:StartJobRun"], Resource: sorted(glueJobs) });
  if (emrRoles.length > 0) {
    out.push(
      {
        Sid: "RunPipelineEmrServerlessJobs",
        Effect: "Allow",
        Action: ["emr-serverless:CancelJobRun", "emr-serverless:GetApplication", "emr-serverless:GetJobRun", "emr-serverless:StartApplication", "emr-serverless:StartJobRun"],
        Resource: [arn("emr-serverless", "/applications/*")],
        // Applications carry the provider's default tags: only this environment's Lakeform ones.
        Condition: { StringEquals: { "aws:ResourceTag/managed-by": "lakeform", "aws:ResourceTag/environment": env.name } },
      },
      { Sid: "PassEmrServerlessJobRoles", Effect: "Allow", Action: "iam:PassRole", Resource: sorted(emrRoles), Condition: { StringEquals: { "iam:PassedToService": "emr-serverless.amazonaws.com" } } },
    );
  }
  if (rulesets.length > 0) {
    out.push(
      {
        Sid: "RunPipelineQualityGates",
        Effect: "Allow",
        Action: ["glue:GetDataQualityResult", "glue:GetDataQualityRuleset", "glue:GetDataQualityRulesetEvaluationRun", "glue:StartDataQualityRulesetEvaluationRun"],
        Resource: sorted(rulesets),
      },
      { Sid: "PassQualityRoles", Effect: "Allow", Action: "iam:PassRole", Resource: sorted(qualityRoles), Condition: { StringEquals: { "iam:PassedToService": "glue.amazonaws.com" } } },
    );
  }
  if (stateMachines.length > 0) {
    // A fleet job runs through its state machine, which alone may create the cluster and pass its roles.
    out.push(
      { Sid: "StartPipelineFleetStateMachines", Effect: "Allow", Action: "states:StartExecution", Resource: sorted(stateMachines) },
      {
        Sid: "WatchPipelineFleetExecutions",
        Effect: "Allow",
        Action: ["states:DescribeExecution", "states:StopExecution"],
        Resource: sorted(stateMachines.map((a) => `${a.replace(":stateMachine:", ":execution:")}:*`)),
      },
    );
  }
  out.push(...emrEksPipelineStatements(env, emrEksRoles));
  // Athena statements: the workgroups, the catalog entries and Lake Formation data access of the query tasks.
  out.push(...pipelineQueryStatements(model, env));
  return out;
}
