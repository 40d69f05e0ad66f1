import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { policyDocument } from "../identity/policy-document";
import { type ResourceStarStatement, ServiceRole, UNSCOPABLE_ACTIONS } from "../identity/service-role";
import { SUBNET_ID } from "../network/subnet-ids";
import {
  ALLOCATION_STRATEGY,
  DEFAULT_IDLE_TIMEOUT_SECONDS,
  DEFAULT_RELEASE_LABEL,
  DEFAULT_SPOT_TIMEOUT_MINUTES,
  FIXED_SPARK_DEFAULTS,
  type FleetSpec,
  type InstanceFleetSpec,
  fleetProblems,
} from "./fleet-spec";

/** The transient cluster, as RunJobFlow receives it. Numbers must be literals. */
export interface TransientClusterSpec extends FleetSpec {
  /** Cluster name, 1–256 characters; the same for every run of the state machine. */
  readonly name: string;
  /** Name of the EMR security configuration the cluster launches with (EmrSecurityConfiguration). */
  readonly securityConfigurationName: string;
  /** Where EMR writes the cluster's logs: `s3://<bucket>/<prefix>/` (AwsSolutions-EMR2). */
  readonly logUri: string;
  /** Private subnets EMR may launch the cluster in; it picks one, in the Availability Zone with the best capacity. */
  readonly subnetIds: readonly string[];
  /** EMR-managed security groups (`sg-…`) of the primary and the core/task nodes, and of EMR's access to them from the service. */
  readonly securityGroups: { readonly primary: string; readonly coreAndTask: string; readonly serviceAccess: string };
  /**
   * Extra `spark-defaults` properties, merged with the fixed ones (Adaptive
   * Query Execution, skew joins, partition coalescing, dynamic allocation),
   * which they may not turn off.
   * @default - none
   */
  readonly sparkDefaults?: Readonly<Record<string, string>>;
  /**
   * Tags of the cluster (and, through EMR, of its instances and volumes).
   * `lakeform:state-machine` is set by the construct.
   * @default - only `lakeform:state-machine`
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The roles the cluster and its step run as. */
export interface TransientEmrRoles {
  /** ARN of the EMR service role (`ServiceRole`). */
  readonly serviceRoleArn: string;
  /** Name of the instance profile of the cluster's nodes (`JobFlowRole`). */
  readonly instanceProfileName: string;
  /** ARN of the role in that instance profile. */
  readonly instanceProfileRoleArn: string;
  /**
   * ARN of the runtime role the Spark step runs as (`ExecutionRoleArn`): the
   * Lake Formation principal whose grants decide what the job reads and writes.
   */
  readonly runtimeRoleArn: string;
}

export interface TransientEmrStateMachineProps {
  /**
   * Terraform resource name of the state machine and of its role.
   * @default - the construct id
   */
  readonly terraformName?: string;
  /** State machine name: 1–80 letters, digits, `_` and `-`. */
  readonly name: string;
  /**
   * Name of the state machine's IAM role (at most 64 characters).
   * @default - the state machine name
   */
  readonly roleName?: string;
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  readonly cluster: TransientClusterSpec;
  readonly roles: TransientEmrRoles;
  /**
   * ARN of the log group that receives the execution history, without the
   * trailing `:*`. Name it under `/aws/vendedlogs/states/` so CloudWatch Logs'
   * resource policy for deliveries stays small.
   */
  readonly logGroupArn: string;
  /**
   * ARN of the customer-managed key that encrypts the definition and the
   * execution history. Its key policy must let `delivery.logs.amazonaws.com`
   * decrypt (kms:Decrypt), and whoever applies the stack needs kms:DescribeKey
   * and kms:GenerateDataKey on it.
   */
  readonly kmsKeyArn: string;
  /** S3 URI of the PySpark script (or jar) to `spark-submit`: `s3://<bucket>/<key>`. */
  readonly scriptS3Uri: string;
  /**
   * Arguments after the script.
   * @default - none
   */
  readonly scriptArgs?: readonly string[];
  /**
   * Seconds the Spark step may run before it counts as failed, which
   * terminates the cluster: a cluster running a hung step is never idle, so
   * auto-termination would not stop it (60–604800).
   * @default 86400
   */
  readonly stepTimeoutSeconds?: number;
}

const DEFAULT_STEP_TIMEOUT_SECONDS = 86400;
/** How long Step Functions reuses a data key before asking KMS for a new one: the longest it allows. */
const KMS_DATA_KEY_REUSE_PERIOD_SECONDS = 300;

/** The tag every cluster carries, naming the state machine that launched it; the role may only touch clusters with it. */
export const STATE_MACHINE_TAG = "lakeform:state-machine";

/** Spark's metastore is the Glue Data Catalog, the one catalog Lake Formation governs. */
const GLUE_CATALOG_HIVE_SITE = {
  "hive.metastore.client.factory.class": "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory",
};

/** The EventBridge rules Step Functions manages in the account to learn when a `.sync` EMR call finished. */
const SYNC_RULES = [
  "StepFunctionsGetEventForEMRAddJobFlowStepsRule",
  "StepFunctionsGetEventForEMRRunJobFlowRule",
  "StepFunctionsGetEventForEMRTerminateJobFlowsRule",
];

/**
 * A Standard Step Functions state machine that runs one Spark job on a
 * transient EMR on EC2 cluster: CreateCluster (createCluster.sync) →
 * AddStep (addStep.sync, `spark-submit` as the runtime role) →
 * TerminateCluster. A failed or timed-out step goes to TerminateOnFailure and
 * then to the Fail state JobFailed, so the cluster is terminated either way;
 * if an execution is stopped from outside, the cluster's idle timeout
 * terminates it. No cluster exists in Terraform state: it lives only for a run.
 *
 * Fixed in code: the fleet rules (`fleetProblems`), On-Demand primary and
 * core, Spot task nodes with On-Demand fallback at launch, managed scaling,
 * auto-termination, logs to S3, the security configuration, no SSH key pair,
 * Spark on the Glue Data Catalog with AQE on; for the state machine, logging
 * of ALL events with execution data (CKV_AWS_285, AwsSolutions-SF1), X-Ray
 * tracing (CKV_AWS_284, AwsSolutions-SF2) and encryption of definition and
 * history under a customer-managed key.
 *
 * The role (a ServiceRole) can manage only clusters tagged
 * `lakeform:state-machine = <name>`, add steps only as the runtime role, and
 * pass only the three cluster roles, each to the service it is meant for.
 * Three statements must be on Resource "*" because AWS offers no resource
 * for their actions: RunJobFlow (held to clusters tagged for this state
 * machine by a request-tag condition), CloudWatch Logs delivery, and X-Ray.
 * They are the role's `resource-star` policy (ServiceRole's
 * resourceStarStatements), each with its reason.
 *
 * Provider 5.x checks a changed definition with the Step Functions API at
 * plan time (ValidateStateMachineDefinition): a plan with no route to AWS
 * needs that endpoint answered locally.
 *
 * Terraform addresses: `aws_sfn_state_machine.<name>`, and the ServiceRole's
 * `aws_iam_role.<name>`, `aws_iam_role_policy.<name>__<policy>` (emr-clusters,
 * kms, pass-roles, resource-star, sync-rules), ….
 */
export class TransientEmrStateMachine extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly role: ServiceRole;
  /** Known in advance from name, Region and account. */
  readonly stateMachineArn: string;
  /** The definition, as written to `definition`. */
  readonly definition: StateMachineDefinition;
  /**
   * The statements the role needs on Resource "*", each with the reason AWS
   * gives no narrower resource; see the class comment.
   */
  readonly resourceStarStatements: readonly ResourceStarStatement[];

  constructor(scope: Construct, id: string, props: TransientEmrStateMachineProps) {
    super(scope, id);
    const problems = transientEmrStateMachineProblems(props);
    if (problems.length > 0) {
      throw new Error(
        `TransientEmrStateMachine ${this.node.path}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
      );
    }
    const name = props.terraformName ?? id;
    this.stateMachineArn = `arn:${props.partition}:states:${props.region}:${props.accountId}:stateMachine:${props.name}`;
    this.definition = stateMachineDefinition(props);
    this.resourceStarStatements = resourceStarStatements(props);

    this.role = new ServiceRole(this, "role", {
      terraformName: name,
      roleName: props.roleName ?? props.name,
      description: `Step Functions state machine ${props.name}: runs one Spark job on a transient EMR cluster`,
      servicePrincipal: "states.amazonaws.com",
      accountId: props.accountId,
      policies: rolePolicies(props, this.stateMachineArn),
      resourceStarStatements: this.resourceStarStatements,
    });

    this.stateMachine = new SfnStateMachine(this, "state-machine", {
      name: props.name,
      type: "STANDARD",
      roleArn: this.role.role.arn,
      definition: JSON.stringify(this.definition),
      loggingConfiguration: { level: "ALL", includeExecutionData: true, logDestination: `${props.logGroupArn}:*` },
      tracingConfiguration: { enabled: true },
      encryptionConfiguration: {
        type: "CUSTOMER_MANAGED_KMS_KEY",
        kmsKeyId: props.kmsKeyArn,
        kmsDataKeyReusePeriodSeconds: KMS_DATA_KEY_REUSE_PERIOD_SECONDS,
      },
      // Step Functions checks at creation that the role may deliver logs and use the key.
      dependsOn: Object.values(this.role.policies),
    });
    this.stateMachine.overrideLogicalId(name);
  }
}

// ─── definition ───────────────────────────────────────────────────────────────

/** The Amazon States Language document, loosely typed. */
export interface StateMachineDefinition {
  readonly Comment: string;
  readonly StartAt: string;
  readonly States: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

const sorted = (r: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k]!]));

/** The definition, with a fixed key order: the same props give the same bytes. */
export function stateMachineDefinition(props: TransientEmrStateMachineProps): StateMachineDefinition {
  const { cluster: c, roles, partition } = props;
  const task = (api: string) => `arn:${partition}:states:::elasticmapreduce:${api}.sync`;
  const clusterId = { "ClusterId.$": "$.Cluster.ClusterId" };
  // TerminateJobFlows is idempotent; a throttled call must not leave a cluster running.
  const terminateRetry = [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 30, MaxAttempts: 5, BackoffRate: 2 }];
  const onDemandFleet = (type: "MASTER" | "CORE", fleetName: string, f: InstanceFleetSpec) => ({
    Name: fleetName,
    InstanceFleetType: type,
    TargetOnDemandCapacity: f.onDemandCapacity ?? 0,
    TargetSpotCapacity: 0,
    InstanceTypeConfigs: f.instanceTypes.map((t) => ({ InstanceType: t })),
    LaunchSpecifications: { OnDemandSpecification: { AllocationStrategy: "lowest-price" } },
  });
  const tags = sorted({ ...(c.tags ?? {}), [STATE_MACHINE_TAG]: props.name });

  return {
    Comment: `Runs ${props.scriptS3Uri} on a transient EMR cluster as the runtime role, then terminates the cluster, also when the step fails.`,
    StartAt: "CreateCluster",
    States: {
      CreateCluster: {
        Type: "Task",
        Resource: task("createCluster"),
        Parameters: {
          Name: c.name,
          ReleaseLabel: c.releaseLabel ?? DEFAULT_RELEASE_LABEL,
          Applications: [{ Name: "Spark" }],
          ServiceRole: roles.serviceRoleArn,
          JobFlowRole: roles.instanceProfileName,
          SecurityConfiguration: c.securityConfigurationName,
          LogUri: c.logUri,
          VisibleToAllUsers: true,
          Instances: {
            // createCluster requires it: the steps come after the cluster is up.
            KeepJobFlowAliveWhenNoSteps: true,
            TerminationProtected: false,
            Ec2SubnetIds: [...c.subnetIds].sort(),
            EmrManagedMasterSecurityGroup: c.securityGroups.primary,
            EmrManagedSlaveSecurityGroup: c.securityGroups.coreAndTask,
            ServiceAccessSecurityGroup: c.securityGroups.serviceAccess,
            InstanceFleets: [
              onDemandFleet("MASTER", "primary", c.primary),
              onDemandFleet("CORE", "core", c.core),
              {
                Name: "task",
                InstanceFleetType: "TASK",
                TargetOnDemandCapacity: 0,
                TargetSpotCapacity: c.task.spotCapacity ?? 0,
                InstanceTypeConfigs: c.task.instanceTypes.map((t) => ({ InstanceType: t })),
                LaunchSpecifications: {
                  OnDemandSpecification: { AllocationStrategy: "lowest-price" },
                  SpotSpecification: {
                    AllocationStrategy: c.task.spotAllocationStrategy ?? ALLOCATION_STRATEGY,
                    TimeoutDurationMinutes: c.task.spotTimeoutMinutes ?? DEFAULT_SPOT_TIMEOUT_MINUTES,
                    TimeoutAction: "SWITCH_TO_ON_DEMAND",
                  },
                },
              },
            ],
          },
          ManagedScalingPolicy: {
            ComputeLimits: {
              UnitType: "InstanceFleetUnits",
              MinimumCapacityUnits: c.managedScaling.minimumCapacityUnits,
              MaximumCapacityUnits: c.managedScaling.maximumCapacityUnits,
              MaximumCoreCapacityUnits: c.core.onDemandCapacity ?? 0,
            },
          },
          AutoTerminationPolicy: { IdleTimeout: c.idleTimeoutSeconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS },
          Configurations: [
            { Classification: "spark-defaults", Properties: sorted({ ...(c.sparkDefaults ?? {}), ...FIXED_SPARK_DEFAULTS }) },
            { Classification: "spark-hive-site", Properties: GLUE_CATALOG_HIVE_SITE },
          ],
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        },
        ResultPath: "$.Cluster",
        Next: "AddStep",
      },
      AddStep: {
        Type: "Task",
        Resource: task("addStep"),
        Parameters: {
          ...clusterId,
          ExecutionRoleArn: roles.runtimeRoleArn,
          Step: {
            Name: "spark-submit",
            // The state machine decides what a failure does: terminate the cluster.
            ActionOnFailure: "CONTINUE",
            HadoopJarStep: { Jar: "command-runner.jar", Args: ["spark-submit", props.scriptS3Uri, ...(props.scriptArgs ?? [])] },
          },
        },
        ResultPath: "$.Step",
        TimeoutSeconds: props.stepTimeoutSeconds ?? DEFAULT_STEP_TIMEOUT_SECONDS,
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.Error", Next: "TerminateOnFailure" }],
        Next: "TerminateCluster",
      },
      TerminateCluster: {
        Type: "Task",
        Resource: task("terminateCluster"),
        Parameters: clusterId,
        ResultPath: null,
        Retry: terminateRetry,
        End: true,
      },
      TerminateOnFailure: {
        Type: "Task",
        Resource: task("terminateCluster"),
        Parameters: clusterId,
        // Keeps $.Error, the step's failure, for the execution history.
        ResultPath: null,
        Retry: terminateRetry,
        Next: "JobFailed",
      },
      JobFailed: {
        Type: "Fail",
        Error: "SparkStepFailed",
        Cause: "The Spark step failed or timed out; the cluster was terminated. The step's error is in $.Error of TerminateOnFailure's input.",
      },
    },
  };
}

// ─── role ─────────────────────────────────────────────────────────────────────

function rolePolicies(props: TransientEmrStateMachineProps, stateMachineArn: string) {
  const { partition: p, region, accountId, roles } = props;
  const clusters = `arn:${p}:elasticmapreduce:${region}:${accountId}:cluster/*`;
  const ownTag = { [`elasticmapreduce:ResourceTag/${STATE_MACHINE_TAG}`]: props.name };
  const passTo = (service: string) => ({ StringEquals: { "iam:PassedToService": service } });
  return {
    "emr-clusters": policyDocument([
      {
        Sid: "ManageOnlyClustersThisMachineLaunched",
        Effect: "Allow",
        Action: ["elasticmapreduce:CancelSteps", "elasticmapreduce:DescribeCluster", "elasticmapreduce:DescribeStep", "elasticmapreduce:TerminateJobFlows"],
        Resource: clusters,
        Condition: { StringEquals: ownTag },
      },
      {
        // EMR asks for AddTags when RunJobFlow carries tags.
        Sid: "TagOnlyClustersThisMachineLaunches",
        Effect: "Allow",
        Action: "elasticmapreduce:AddTags",
        Resource: clusters,
        Condition: { StringEquals: ownTag },
      },
      {
        Sid: "AddStepsOnlyAsTheRuntimeRole",
        Effect: "Allow",
        Action: "elasticmapreduce:AddJobFlowSteps",
        Resource: clusters,
        Condition: { StringEquals: { ...ownTag, "elasticmapreduce:ExecutionRoleArn": roles.runtimeRoleArn } },
      },
    ]),
    "pass-roles": policyDocument([
      {
        Sid: "PassServiceAndRuntimeRolesToEmr",
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: [roles.serviceRoleArn, roles.runtimeRoleArn],
        Condition: passTo("elasticmapreduce.amazonaws.com"),
      },
      {
        // RunJobFlow passes the instance profile's role to EC2, not to EMR.
        Sid: "PassInstanceProfileRoleToEc2",
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: roles.instanceProfileRoleArn,
        Condition: passTo("ec2.amazonaws.com"),
      },
    ]),
    "sync-rules": policyDocument([
      {
        Sid: "ManageTheSyncIntegrationRules",
        Effect: "Allow",
        Action: ["events:DescribeRule", "events:PutRule", "events:PutTargets"],
        Resource: SYNC_RULES.map((r) => `arn:${p}:events:${region}:${accountId}:rule/${r}`),
      },
    ]),
    kms: policyDocument([
      {
        Sid: "EncryptThisMachinesExecutions",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: props.kmsKeyArn,
        Condition: { StringEquals: { "kms:EncryptionContext:aws:states:stateMachineArn": stateMachineArn } },
      },
      {
        // Log deliveries of an encrypted state machine ask for a data key with the logs service as the source.
        Sid: "EncryptLogDeliveries",
        Effect: "Allow",
        Action: "kms:GenerateDataKey",
        Resource: props.kmsKeyArn,
        Condition: { StringEquals: { "kms:EncryptionContext:SourceArn": `arn:${p}:logs:${region}:${accountId}:*` } },
      },
    ]),
  };
}

/** The statements that need Resource "*", as AWS documents them for this integration. */
export function resourceStarStatements(props: TransientEmrStateMachineProps): ResourceStarStatement[] {
  return [
    {
      statement: {
        Sid: "LaunchOnlyClustersTaggedForThisMachine",
        Effect: "Allow",
        Action: "elasticmapreduce:RunJobFlow",
        Resource: "*",
        Condition: { StringEquals: { [`aws:RequestTag/${STATE_MACHINE_TAG}`]: props.name } },
      },
      reason: "RunJobFlow creates the cluster, so there is no cluster ARN to name; the request-tag condition limits it to clusters tagged for this state machine",
    },
    {
      statement: {
        Sid: "DeliverExecutionLogs",
        Effect: "Allow",
        Action: UNSCOPABLE_ACTIONS.filter((a) => a.startsWith("logs:")),
        Resource: "*",
      },
      reason: "CloudWatch Logs vended-log delivery actions have no resource type; Step Functions documents them on Resource \"*\" for logging to CloudWatch Logs",
    },
    {
      statement: {
        Sid: "SendTraces",
        Effect: "Allow",
        Action: ["xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments"],
        Resource: "*",
      },
      reason: "X-Ray trace and sampling actions have no resource type; Step Functions documents them on Resource \"*\" for tracing",
    },
  ];
}

const SFN_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2,4}(?:-[a-z]+)+-\d+$/;
const PARTITION = /^aws(?:-[a-z]+)*$/;
const S3_BUCKET = "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]";
const S3_OBJECT = new RegExp(`^s3://${S3_BUCKET}/\\S+$`);
const S3_PREFIX = new RegExp(`^s3://${S3_BUCKET}(?:/\\S*)?$`);
const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
const INSTANCE_PROFILE_NAME = /^[\w+=,.@-]{1,128}$/;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Every problem with the props, one sentence each; empty when they are fine. Tokens are not checked. */
export function transientEmrStateMachineProblems(props: TransientEmrStateMachineProps): string[] {
  const out: string[] = [];
  const literal = (s: string) => !Token.isUnresolved(s);
  const check = (field: string, value: string, ok: boolean, expected: string) => {
    if (literal(value) && !ok) out.push(`${field} "${value}" is not ${expected}`);
  };
  const { partition: p, region, accountId, cluster: c, roles } = props;

  check("name", props.name, SFN_NAME.test(props.name), "a state machine name (1-80 letters, digits, _ or -)");
  check("partition", p, PARTITION.test(p), 'an AWS partition ("aws", "aws-cn", "aws-us-gov")');
  check("region", region, REGION.test(region), 'an AWS Region code such as "eu-west-1"');
  check("accountId", accountId, ACCOUNT_ID.test(accountId), "a 12-digit AWS account id");

  out.push(...fleetProblems(c).map((problem) => `cluster.${problem}`));
  check("cluster.name", c.name, c.name.length >= 1 && c.name.length <= 256, "a cluster name (1-256 characters)");
  check("cluster.securityConfigurationName", c.securityConfigurationName, /^[A-Za-z0-9._-]{1,256}$/.test(c.securityConfigurationName), "an EMR security configuration name");
  check("cluster.logUri", c.logUri, S3_PREFIX.test(c.logUri), 'an S3 location ("s3://<bucket>/<prefix>/")');
  if (c.subnetIds.length === 0) out.push("cluster.subnetIds is empty: give the lake's private subnets");
  for (const [i, s] of c.subnetIds.entries()) check(`cluster.subnetIds[${i}]`, s, SUBNET_ID.test(s), 'a subnet ID (like "subnet-0a1b2c3d4e5f67890")');
  for (const key of ["primary", "coreAndTask", "serviceAccess"] as const) {
    const sg = c.securityGroups[key];
    check(`cluster.securityGroups.${key}`, sg, SECURITY_GROUP_ID.test(sg), 'a security group ID (like "sg-0a1b2c3d4e5f67890")');
  }
  for (const key of Object.keys(c.sparkDefaults ?? {}).sort()) {
    const fixed = FIXED_SPARK_DEFAULTS[key];
    const value = c.sparkDefaults![key]!;
    if (fixed !== undefined && value !== fixed) out.push(`cluster.sparkDefaults["${key}"] is "${value}": it is fixed to "${fixed}" and may not be turned off`);
  }
  for (const key of Object.keys(c.tags ?? {}).sort()) {
    const value = c.tags![key]!;
    if (key === STATE_MACHINE_TAG) out.push(`cluster.tags["${key}"] is set by the construct (it scopes the role to this state machine's clusters)`);
    else if (key.length < 1 || key.length > 128 || key.toLowerCase().startsWith("aws:")) out.push(`cluster.tags key "${key}" must be 1-128 characters and not start with "aws:"`);
    if (value.length > 256) out.push(`cluster.tags["${key}"] is ${value.length} characters (at most 256)`);
  }

  const roleArn = new RegExp(`^arn:${escape(p)}:iam::${accountId}:role/[\\w+=,.@/-]+$`);
  const role = `a role ARN of account ${accountId} ("arn:${p}:iam::${accountId}:role/<name>")`;
  check("roles.serviceRoleArn", roles.serviceRoleArn, roleArn.test(roles.serviceRoleArn), role);
  check("roles.instanceProfileRoleArn", roles.instanceProfileRoleArn, roleArn.test(roles.instanceProfileRoleArn), role);
  check("roles.runtimeRoleArn", roles.runtimeRoleArn, roleArn.test(roles.runtimeRoleArn), role);
  check("roles.instanceProfileName", roles.instanceProfileName, INSTANCE_PROFILE_NAME.test(roles.instanceProfileName), "an instance profile name (1-128 letters, digits and +=,.@_-)");

  const logGroup = new RegExp(`^arn:${escape(p)}:logs:${escape(region)}:${accountId}:log-group:[A-Za-z0-9._\\-/#]+$`);
  check("logGroupArn", props.logGroupArn, logGroup.test(props.logGroupArn), `a log group ARN in ${region} of account ${accountId}, without the trailing ":*"`);
  const key = new RegExp(`^arn:${escape(p)}:kms:${escape(region)}:\\d{12}:key/[A-Za-z0-9-]+$`);
  check("kmsKeyArn", props.kmsKeyArn, key.test(props.kmsKeyArn), `a KMS key ARN in ${region} (an alias is not accepted)`);
  check("scriptS3Uri", props.scriptS3Uri, S3_OBJECT.test(props.scriptS3Uri), 'an S3 object URI ("s3://<bucket>/<key>")');
  const timeout = props.stepTimeoutSeconds ?? DEFAULT_STEP_TIMEOUT_SECONDS;
  if (!Number.isInteger(timeout) || timeout < 60 || timeout > 604800) out.push(`stepTimeoutSeconds must be a whole number from 60 to 604800 (7 days); got ${timeout}`);
  return out;
}
