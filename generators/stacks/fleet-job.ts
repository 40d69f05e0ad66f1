import type { Construct } from "constructs";
import { EmrClusterBase } from "../../modules/compute/emr-cluster-base";
import { EmrSecurityConfiguration } from "../../modules/compute/emr-security-configuration";
import { EncryptedLogGroup } from "../../modules/compute/log-group";
import { JobRole, type JobTableArns } from "../../modules/identity/job-role";
import type { PolicyStatement } from "../../modules/identity/policy-document";
import type { FailureSource } from "../../modules/orchestration/failure-alarms";
import { TransientEmrStateMachine } from "../../modules/orchestration/transient-emr-state-machine";
import type { DomainDeploymentModel, EnvironmentModel, JobModel, TableRefModel } from "../model/types";

export interface FleetJobContext {
  readonly dep: DomainDeploymentModel;
  readonly env: EnvironmentModel;
  /** The ops key: artifacts, the state machine's definition and history, its log group. */
  readonly opsKeyArn: string;
  /** The key of the zone the job writes (the ops key when it writes none). */
  readonly zoneKeyArn: string;
  readonly tableArns: (t: TableRefModel) => JobTableArns;
  /** `s3://bucket/prefix/` → `arn:…:s3:::bucket/prefix/` (an object's URI likewise). */
  readonly prefixArn: (uri: string) => string;
}

/**
 * The Terraform side of one `engine: emr-fleet` job. The cluster itself is
 * never in Terraform: its state machine creates it per run, adds the Spark
 * step as the job's runtime role and terminates it (also on failure). What
 * exists before any run:
 *
 * - `aws_emr_security_configuration.<job>`: S3 SSE-KMS, local disk and EBS
 *   encryption under the written zone's key (the zone bucket takes uploads
 *   under its own key only), in-transit TLS with the environment's
 *   certificates, runtime roles with Lake Formation authorization;
 * - the EMR service role, the nodes' role and instance profile, the three
 *   EMR-managed security groups (EmrClusterBase, `<job>__emr_*`);
 * - `aws_iam_role.job__<job>`: the runtime role, trusted by the nodes' role
 *   only, the Lake Formation principal of the job's grants;
 * - `aws_cloudwatch_log_group.<job>__states` (`/aws/vendedlogs/states/…`,
 *   ops key) and `aws_sfn_state_machine.<job>` with its role `aws_iam_role.<job>`.
 *
 * Returns the runtime role, which the grants depend on.
 */
export function fleetJob(scope: Construct, job: JobModel, ctx: FleetJobContext): JobRole {
  const { dep, env } = ctx;
  const f = job.fleet!;

  const security = new EmrSecurityConfiguration(scope, `emr-security-${job.name}`, {
    terraformName: job.name,
    name: f.securityConfigurationName,
    kmsKeyArn: ctx.zoneKeyArn,
    tlsCertificatesS3Object: f.tlsCertificates,
  });
  const base = new EmrClusterBase(scope, `emr-base-${job.name}`, {
    terraformName: job.name,
    accountId: dep.accountId,
    region: dep.region,
    partition: dep.partition,
    serviceRoleName: f.serviceRole.name,
    instanceRoleName: f.instanceProfile.role.name,
    vpcId: env.network.vpcId,
    vpcCidr: env.network.vpcCidr,
    s3PrefixListId: env.network.s3PrefixListId,
    subnetIds: env.network.privateSubnetIds,
    securityGroupNames: f.securityGroups,
    dataKeyArn: ctx.zoneKeyArn,
    logKeyArn: ctx.opsKeyArn,
    logPrefixArn: ctx.prefixArn(f.logUri),
    tlsCertificatesObjectArn: ctx.prefixArn(f.tlsCertificates),
  });
  // The runtime role: what the step reads and writes is its Lake Formation grants; it trusts only the nodes' role (a reference, so IAM finds the principal).
  const runtime = new JobRole(scope, `role-${job.name}`, {
    terraformName: `job__${job.name}`,
    roleName: job.role.name,
    description: `emr-fleet job ${job.name} of ${dep.stack}: the runtime role of its Spark step, Lake Formation access to its tables only`,
    accountId: dep.accountId,
    trustedRoleArn: base.instanceRole.role.arn,
    reads: job.reads.map(ctx.tableArns),
    writes: job.writes.map(ctx.tableArns),
    readObjectArns: [ctx.prefixArn(job.script.uri)],
    scratchPrefixArns: [ctx.prefixArn(job.tempDir)],
    kmsKeyArns: [...new Set([ctx.opsKeyArn, ctx.zoneKeyArn])],
  });
  const logs = new EncryptedLogGroup(scope, `states-logs-${job.name}`, { terraformName: `${job.name}__states`, name: f.logGroup.name, kmsKeyArn: ctx.opsKeyArn });
  new TransientEmrStateMachine(scope, `state-machine-${job.name}`, {
    terraformName: job.name,
    name: f.stateMachine.name,
    roleName: f.stateMachineRole.name,
    region: dep.region,
    accountId: dep.accountId,
    partition: dep.partition,
    cluster: {
      name: f.clusterName,
      releaseLabel: f.releaseLabel,
      primary: f.primary,
      core: f.core,
      task: f.task,
      managedScaling: f.managedScaling,
      idleTimeoutSeconds: f.idleTimeoutSeconds,
      securityConfigurationName: security.name,
      logUri: f.logUri,
      subnetIds: env.network.privateSubnetIds,
      securityGroups: { primary: base.securityGroups.primary.id, coreAndTask: base.securityGroups.coreAndTask.id, serviceAccess: base.securityGroups.serviceAccess.id },
      sparkDefaults: f.sparkDefaults,
      tags: { "lakeform:job": job.name },
    },
    roles: {
      serviceRoleArn: base.serviceRole.role.arn,
      instanceProfileName: base.instanceProfile.name,
      instanceProfileRoleArn: base.instanceRole.role.arn,
      runtimeRoleArn: runtime.role.arn,
    },
    logGroupArn: logs.logGroup.arn,
    kmsKeyArn: ctx.opsKeyArn,
    scriptS3Uri: job.script.uri,
    scriptArgs: [job.arguments["--source_database"] ?? "", job.arguments["--target_database"] ?? ""],
    stepTimeoutSeconds: f.stepTimeoutSeconds,
  });
  return runtime;
}

/** Failed, timed-out and aborted executions of the domain's fleet state machines, for the failure alarms. */
export function fleetFailureSources(dep: DomainDeploymentModel): FailureSource[] {
  const machines = dep.jobs.flatMap((j) => (j.fleet ? [j.fleet.stateMachine.arn] : [])).sort();
  if (machines.length === 0) return [];
  return [
    {
      name: "emr-fleet-jobs",
      description: `Failed, timed-out and aborted transient EMR runs of ${dep.stack}`,
      pattern: { source: ["aws.states"], "detail-type": ["Step Functions Execution Status Change"], detail: { stateMachineArn: machines, status: ["ABORTED", "FAILED", "TIMED_OUT"] } },
    },
  ];
}

/**
 * The ops key's statement for the state machines' log deliveries: CloudWatch
 * Logs' delivery service decrypts what Step Functions encrypted for the log
 * group, only for log deliveries of this account and Region. None without
 * fleet jobs.
 */
export function fleetKeyStatements(dep: DomainDeploymentModel): PolicyStatement[] {
  if (!dep.jobs.some((j) => j.fleet)) return [];
  return [
    {
      Sid: "AllowLogDeliveryOfStateMachineHistory",
      Effect: "Allow",
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: { StringLike: { "kms:EncryptionContext:SourceArn": `arn:${dep.partition}:logs:${dep.region}:${dep.accountId}:*` } },
    },
  ];
}

/** Zone keys fleet jobs encrypt with (their security configurations'): their scratch data lands in the artifacts bucket under them. */
export function fleetUploadKeyArns(dep: DomainDeploymentModel, zoneKeys: ReadonlyMap<string, string>): string[] {
  return dep.jobs.flatMap((j) => (j.fleet?.zone ? [zoneKeys.get(j.fleet.zone)!] : []));
}
