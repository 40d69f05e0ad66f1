import type { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { EmrEksExecutionRole } from "../../modules/compute/emr-eks-execution-role";
import { EmrEksVirtualCluster } from "../../modules/compute/emr-eks-virtual-cluster";
import { EncryptedLogGroup } from "../../modules/compute/log-group";
import type { JobTableArns } from "../../modules/identity/job-role";
import type { FailureSource } from "../../modules/orchestration/failure-alarms";
import type { PolicyStatement } from "../../modules/identity/policy-document";
import type { DomainDeploymentModel, EnvironmentModel, TableRefModel } from "../model/types";

export interface EmrEksJobsResult {
  /** The execution roles, by ARN (grants to them wait for them). */
  readonly roles: ReadonlyMap<string, ITerraformDependable>;
  /** Reference to the virtual cluster's ID, for the DAG. */
  readonly virtualClusterId: string;
  /** Failed job runs of the virtual cluster. */
  readonly failure: FailureSource;
}

/**
 * The domain's EMR on EKS part of `<domain>-<env>`: the virtual cluster of
 * its namespace (`aws_emrcontainers_virtual_cluster.emr_eks`) and, per
 * emr-eks job, its execution role (`aws_iam_role.job__<job>`) and its
 * KMS-encrypted log group (`aws_cloudwatch_log_group.emr_eks__<job>`).
 * Scripts are uploaded with every other job's. Null when the deployment has
 * no emr-eks job.
 */
export function emrEksJobs(
  scope: Construct,
  dep: DomainDeploymentModel,
  opsKeyArn: string,
  tableArns: (t: TableRefModel) => JobTableArns,
  prefixArn: (uri: string) => string,
): EmrEksJobsResult | null {
  const eks = dep.emrEks;
  if (!eks) return null;
  const cluster = new EmrEksVirtualCluster(scope, "emr-eks-virtual-cluster", {
    terraformName: "emr_eks",
    name: eks.virtualClusterName,
    clusterName: eks.clusterName,
    namespace: eks.namespace,
  });
  const roles = new Map<string, ITerraformDependable>();
  for (const j of eks.jobs) {
    const job = dep.jobs.find((x) => x.name === j.name)!;
    new EncryptedLogGroup(scope, `emr-eks-logs-${j.name}`, { terraformName: `emr_eks__${j.name}`, name: j.logGroupName, kmsKeyArn: opsKeyArn });
    const role = new EmrEksExecutionRole(scope, `role-${j.name}`, {
      terraformName: `job__${j.name}`,
      roleName: j.roleName,
      description: `emr-eks job ${j.name} of ${dep.stack}: Lake Formation access to its tables only`,
      accountId: dep.accountId,
      oidcProviderArn: eks.oidcProviderArn,
      serviceAccountSubject: j.serviceAccountSubject,
      reads: job.reads.map(tableArns),
      writes: job.writes.map(tableArns),
      readObjectArns: [prefixArn(job.script.uri)],
      scratchPrefixArns: [prefixArn(job.tempDir), prefixArn(j.logUri)],
      kmsKeyArns: [opsKeyArn],
      logGroupArn: `arn:${dep.partition}:logs:${dep.region}:${dep.accountId}:log-group:${j.logGroupName}`,
    });
    roles.set(j.roleArn, role.role);
  }
  const id = cluster.virtualCluster.id;
  return {
    roles,
    virtualClusterId: id,
    failure: {
      name: "emr-eks-jobs",
      description: `Failed EMR on EKS job runs of ${dep.stack}`,
      // EMR on EKS sends both detail types for a job run's state changes.
      pattern: {
        source: ["aws.emr-containers"],
        "detail-type": ["EMR Job Run State Change", "EmrContainers Job Run State Change"],
        detail: { virtualClusterId: [id], state: ["FAILED"] },
      },
    },
  };
}

/**
 * What the MWAA execution role needs to run the environment's emr-eks
 * pipeline tasks: start job runs on Lakeform's virtual clusters of the
 * environment with exactly these execution roles (EMR on EKS passes roles
 * through the `emr-containers:ExecutionRoleArn` condition, not
 * iam:PassRole), and describe and cancel the runs the DAGs tag as theirs.
 * Virtual cluster IDs exist only after the domain stacks are applied, so the
 * clusters are matched by the provider's default tags, as EMR Serverless
 * applications are.
 */
export function emrEksPipelineStatements(env: EnvironmentModel, executionRoleArns: readonly string[]): PolicyStatement[] {
  if (executionRoleArns.length === 0) return [];
  const arn = (resource: string) => `arn:${env.partition}:emr-containers:${env.region}:${env.accountId}:${resource}`;
  const ours = { "aws:ResourceTag/managed-by": "lakeform", "aws:ResourceTag/environment": env.name };
  return [
    {
      Sid: "StartPipelineEmrEksJobRuns",
      Effect: "Allow",
      Action: "emr-containers:StartJobRun",
      Resource: [arn("/virtualclusters/*")],
      Condition: { StringEquals: { ...ours, "emr-containers:ExecutionRoleArn": [...new Set(executionRoleArns)].sort() } },
    },
    {
      Sid: "WatchPipelineEmrEksJobRuns",
      Effect: "Allow",
      Action: ["emr-containers:CancelJobRun", "emr-containers:DescribeJobRun"],
      Resource: [arn("/virtualclusters/*/jobruns/*")],
      Condition: { StringEquals: ours },
    },
  ];
}
