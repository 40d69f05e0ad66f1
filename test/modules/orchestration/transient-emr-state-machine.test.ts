import { describe, expect, it } from "vitest";
import { fleetProblems, instanceFamily } from "../../../modules/orchestration/fleet-spec";
import {
  STATE_MACHINE_TAG,
  type StateMachineDefinition,
  type TransientClusterSpec,
  TransientEmrStateMachine,
  type TransientEmrStateMachineProps,
} from "../../../modules/orchestration/transient-emr-state-machine";
import { policyOf, resource, resourcesOf, synthScope, type TfJson } from "../../helpers/synth";

const ACCOUNT = "111111111111";
const KEY = "arn:aws:kms:eu-west-1:111111111111:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789";
const LOG_GROUP = "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/vendedlogs/states/acme-sales-cdr-nightly-dev";
const SERVICE_ROLE = "arn:aws:iam::111111111111:role/acme-sales-emr-service-dev";
const INSTANCE_ROLE = "arn:aws:iam::111111111111:role/acme-sales-emr-instance-dev";
const RUNTIME_ROLE = "arn:aws:iam::111111111111:role/acme-sales-job-cdr-nightly-dev";
const SCRIPT = "s3://acme-sales-artifacts-dev-111111111111-eu-west-1/jobs/cdr-nightly/0123456789abcdef.py";
const SM_ARN = "arn:aws:states:eu-west-1:111111111111:stateMachine:acme-sales-cdr-nightly-dev";

/** The seed's cluster: m6g primary, r6g core, diversified Spot task fleet. */
function spec(over: Partial<TransientClusterSpec> = {}): TransientClusterSpec {
  return {
    name: "acme-sales-cdr-nightly-dev",
    primary: { instanceTypes: ["m6g.xlarge"], onDemandCapacity: 1 },
    core: { instanceTypes: ["r6g.2xlarge"], onDemandCapacity: 2 },
    task: { instanceTypes: ["r6g.4xlarge", "r5.4xlarge", "r6i.4xlarge", "m6g.8xlarge"], spotCapacity: 40 },
    managedScaling: { minimumCapacityUnits: 2, maximumCapacityUnits: 64 },
    securityConfigurationName: "acme-sales-emr-dev",
    logUri: "s3://acme-sales-artifacts-dev-111111111111-eu-west-1/emr-logs/cdr-nightly/",
    subnetIds: ["subnet-0bbbbbbbbbbbbbbbb", "subnet-0aaaaaaaaaaaaaaaa"],
    securityGroups: { primary: "sg-0aaaaaaaaaaaaaaa1", coreAndTask: "sg-0aaaaaaaaaaaaaaa2", serviceAccess: "sg-0aaaaaaaaaaaaaaa3" },
    ...over,
  };
}

function props(over: Partial<TransientEmrStateMachineProps> = {}): TransientEmrStateMachineProps {
  return {
    name: "acme-sales-cdr-nightly-dev",
    region: "eu-west-1",
    accountId: ACCOUNT,
    partition: "aws",
    cluster: spec(),
    roles: {
      serviceRoleArn: SERVICE_ROLE,
      instanceProfileName: "acme-sales-emr-instance-dev",
      instanceProfileRoleArn: INSTANCE_ROLE,
      runtimeRoleArn: RUNTIME_ROLE,
    },
    logGroupArn: LOG_GROUP,
    kmsKeyArn: KEY,
    scriptS3Uri: SCRIPT,
    scriptArgs: ["--run-date", "2026-01-31"],
    ...over,
  };
}

const synth = (p: TransientEmrStateMachineProps, id = "cdr_nightly"): TfJson => synthScope((s) => void new TransientEmrStateMachine(s, id, p));
const machine = (tf: TfJson, name = "cdr_nightly") => resource(tf, "aws_sfn_state_machine", name);
const definitionOf = (tf: TfJson, name = "cdr_nightly") => JSON.parse(machine(tf, name).definition as string) as StateMachineDefinition;
type State = Record<string, unknown> & { Type: string; Next?: string; End?: boolean; Resource?: string; Catch?: { ErrorEquals: string[]; Next: string }[] };
const stateOf = (d: StateMachineDefinition, name: string) => d.States[name] as State;
/** The RunJobFlow parameters, read loosely: the assertions state their shape. */
const createParams = (tf: TfJson): any => stateOf(definitionOf(tf), "CreateCluster").Parameters;

function problemsOf(p: TransientEmrStateMachineProps): string {
  try {
    synth(p);
  } catch (e) {
    return (e as Error).message;
  }
  return "";
}

const sync = (api: string) => `arn:aws:states:::elasticmapreduce:${api}.sync`;

describe("TransientEmrStateMachine", () => {
  describe("resources", () => {
    it("is a state machine and its ServiceRole, named after the construct id, and no standing EMR cluster", () => {
      const tf = synth(props());
      expect(Object.keys(resourcesOf(tf, "aws_sfn_state_machine"))).toEqual(["cdr_nightly"]);
      expect(Object.keys(resourcesOf(tf, "aws_iam_role"))).toEqual(["cdr_nightly"]);
      expect(Object.keys(resourcesOf(tf, "aws_iam_role_policy"))).toEqual([
        "cdr_nightly__emr-clusters",
        "cdr_nightly__kms",
        "cdr_nightly__pass-roles",
        "cdr_nightly__resource-star",
        "cdr_nightly__sync-rules",
      ]);
      expect(Object.keys(tf.resource).sort()).toEqual([
        "aws_iam_role",
        "aws_iam_role_policies_exclusive",
        "aws_iam_role_policy",
        "aws_iam_role_policy_attachments_exclusive",
        "aws_sfn_state_machine",
      ]);
      // The cluster lives only for a run: nothing EMR is in Terraform state, and no data source calls AWS.
      expect(Object.keys(tf.resource).filter((t) => t.startsWith("aws_emr"))).toEqual([]);
      expect(tf.data).toBeUndefined();
    });

    it("uses terraformName instead of the construct id when given", () => {
      const tf = synth(props({ terraformName: "sales_cdr" }), "sales-cdr");
      expect(Object.keys(resourcesOf(tf, "aws_sfn_state_machine"))).toEqual(["sales_cdr"]);
      expect(machine(tf, "sales_cdr").role_arn).toBe("${aws_iam_role.sales_cdr.arn}");
    });

    it("exposes the state machine ARN, known in advance", () => {
      let arn = "";
      synthScope((s) => void (arn = new TransientEmrStateMachine(s, "m", props()).stateMachineArn));
      expect(arn).toBe(SM_ARN);
    });
  });

  describe("state machine", () => {
    it("is a Standard workflow run by its role, created after the role's policies", () => {
      const m = machine(synth(props()));
      expect(m).toMatchObject({ name: "acme-sales-cdr-nightly-dev", type: "STANDARD", role_arn: "${aws_iam_role.cdr_nightly.arn}" });
      expect(m.depends_on).toEqual([
        "aws_iam_role_policy.cdr_nightly__emr-clusters",
        "aws_iam_role_policy.cdr_nightly__kms",
        "aws_iam_role_policy.cdr_nightly__pass-roles",
        "aws_iam_role_policy.cdr_nightly__resource-star",
        "aws_iam_role_policy.cdr_nightly__sync-rules",
      ]);
    });

    it("logs ALL events with execution data to the log group (CKV_AWS_285, AwsSolutions-SF1)", () => {
      expect(machine(synth(props())).logging_configuration).toEqual({ level: "ALL", include_execution_data: true, log_destination: `${LOG_GROUP}:*` });
    });

    it("traces with X-Ray (CKV_AWS_284, AwsSolutions-SF2)", () => {
      expect(machine(synth(props())).tracing_configuration).toEqual({ enabled: true });
    });

    it("encrypts definition and history under the customer-managed key", () => {
      expect(machine(synth(props())).encryption_configuration).toEqual({
        type: "CUSTOMER_MANAGED_KMS_KEY",
        kms_key_id: KEY,
        kms_data_key_reuse_period_seconds: 300,
      });
    });
  });

  describe("definition", () => {
    it("creates the cluster, adds the step, terminates the cluster", () => {
      const d = definitionOf(synth(props()));
      expect(d.StartAt).toBe("CreateCluster");
      expect(Object.keys(d.States)).toEqual(["CreateCluster", "AddStep", "TerminateCluster", "TerminateOnFailure", "JobFailed"]);
      expect(stateOf(d, "CreateCluster")).toMatchObject({ Type: "Task", Resource: sync("createCluster"), ResultPath: "$.Cluster", Next: "AddStep" });
      expect(stateOf(d, "AddStep")).toMatchObject({ Type: "Task", Resource: sync("addStep"), ResultPath: "$.Step", Next: "TerminateCluster" });
      expect(stateOf(d, "TerminateCluster")).toMatchObject({
        Type: "Task",
        Resource: sync("terminateCluster"),
        Parameters: { "ClusterId.$": "$.Cluster.ClusterId" },
        End: true,
      });
    });

    it("catches any failure of the step, terminates the cluster, then fails the execution", () => {
      const d = definitionOf(synth(props()));
      expect(stateOf(d, "AddStep").Catch).toEqual([{ ErrorEquals: ["States.ALL"], ResultPath: "$.Error", Next: "TerminateOnFailure" }]);
      expect(stateOf(d, "TerminateOnFailure")).toEqual({
        Type: "Task",
        Resource: sync("terminateCluster"),
        Parameters: { "ClusterId.$": "$.Cluster.ClusterId" },
        ResultPath: null,
        Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 30, MaxAttempts: 5, BackoffRate: 2 }],
        Next: "JobFailed",
      });
      expect(stateOf(d, "JobFailed")).toMatchObject({ Type: "Fail", Error: "SparkStepFailed" });
    });

    it("terminates the cluster on every path that ends after it was created", () => {
      const d = definitionOf(synth(props()));
      const terminates = (s: State) => s.Resource === sync("terminateCluster");
      // Every path from AddStep (the first state with a running cluster) to an end, over Next and Catch edges.
      const paths: string[][] = [];
      const walk = (name: string, path: string[]) => {
        const s = stateOf(d, name);
        const next = [...(s.Next ? [s.Next] : []), ...(s.Catch ?? []).map((c) => c.Next)];
        if (next.length === 0) paths.push([...path, name]);
        for (const n of next) walk(n, [...path, name]);
      };
      walk("AddStep", []);
      expect(paths).toEqual([
        ["AddStep", "TerminateCluster"],
        ["AddStep", "TerminateOnFailure", "JobFailed"],
      ]);
      for (const path of paths) expect(path.some((n) => terminates(stateOf(d, n))), path.join(" → ")).toBe(true);
      // Every task after CreateCluster that is not a termination catches everything.
      for (const [name, s] of Object.entries(d.States) as [string, State][]) {
        if (name === "CreateCluster" || s.Type !== "Task" || terminates(s)) continue;
        expect(s.Catch?.some((c) => c.ErrorEquals.includes("States.ALL") && terminates(stateOf(d, c.Next))), name).toBe(true);
      }
    });

    it("retries the termination, so a throttled call does not leave a cluster running", () => {
      const d = definitionOf(synth(props()));
      for (const name of ["TerminateCluster", "TerminateOnFailure"]) {
        expect(stateOf(d, name).Retry).toEqual([{ ErrorEquals: ["States.ALL"], IntervalSeconds: 30, MaxAttempts: 5, BackoffRate: 2 }]);
      }
    });

    it("runs spark-submit of the script with its arguments as the runtime role, and leaves failure handling to the state machine", () => {
      const addStep = stateOf(definitionOf(synth(props())), "AddStep");
      expect(addStep.Parameters).toEqual({
        "ClusterId.$": "$.Cluster.ClusterId",
        ExecutionRoleArn: RUNTIME_ROLE,
        Step: {
          Name: "spark-submit",
          ActionOnFailure: "CONTINUE",
          HadoopJarStep: { Jar: "command-runner.jar", Args: ["spark-submit", SCRIPT, "--run-date", "2026-01-31"] },
        },
      });
    });

    it("times the step out after a day by default, or as given (a hung step keeps a cluster busy, so never idle)", () => {
      expect(stateOf(definitionOf(synth(props())), "AddStep").TimeoutSeconds).toBe(86400);
      expect(stateOf(definitionOf(synth(props({ stepTimeoutSeconds: 7200 }))), "AddStep").TimeoutSeconds).toBe(7200);
    });

    it("launches the cluster with the spec's name, release, Spark, roles, security configuration and logs", () => {
      expect(createParams(synth(props()))).toMatchObject({
        Name: "acme-sales-cdr-nightly-dev",
        ReleaseLabel: "emr-7.5.0",
        Applications: [{ Name: "Spark" }],
        ServiceRole: SERVICE_ROLE,
        JobFlowRole: "acme-sales-emr-instance-dev",
        SecurityConfiguration: "acme-sales-emr-dev",
        LogUri: "s3://acme-sales-artifacts-dev-111111111111-eu-west-1/emr-logs/cdr-nightly/",
        VisibleToAllUsers: true,
      });
    });

    it("places the cluster in the private subnets (sorted) with the EMR-managed security groups, no key pair, kept alive for the step", () => {
      const instances = createParams(synth(props())).Instances;
      expect(instances).toMatchObject({
        KeepJobFlowAliveWhenNoSteps: true,
        TerminationProtected: false,
        Ec2SubnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
        EmrManagedMasterSecurityGroup: "sg-0aaaaaaaaaaaaaaa1",
        EmrManagedSlaveSecurityGroup: "sg-0aaaaaaaaaaaaaaa2",
        ServiceAccessSecurityGroup: "sg-0aaaaaaaaaaaaaaa3",
      });
      expect(instances).not.toHaveProperty("Ec2KeyName");
      expect(instances).not.toHaveProperty("InstanceGroups");
    });

    it("has On-Demand primary and core fleets and a Spot task fleet, price-capacity-optimized, falling back to On-Demand at launch", () => {
      expect(createParams(synth(props())).Instances.InstanceFleets).toEqual([
        {
          Name: "primary",
          InstanceFleetType: "MASTER",
          TargetOnDemandCapacity: 1,
          TargetSpotCapacity: 0,
          InstanceTypeConfigs: [{ InstanceType: "m6g.xlarge" }],
          LaunchSpecifications: { OnDemandSpecification: { AllocationStrategy: "lowest-price" } },
        },
        {
          Name: "core",
          InstanceFleetType: "CORE",
          TargetOnDemandCapacity: 2,
          TargetSpotCapacity: 0,
          InstanceTypeConfigs: [{ InstanceType: "r6g.2xlarge" }],
          LaunchSpecifications: { OnDemandSpecification: { AllocationStrategy: "lowest-price" } },
        },
        {
          Name: "task",
          InstanceFleetType: "TASK",
          TargetOnDemandCapacity: 0,
          TargetSpotCapacity: 40,
          InstanceTypeConfigs: [{ InstanceType: "r6g.4xlarge" }, { InstanceType: "r5.4xlarge" }, { InstanceType: "r6i.4xlarge" }, { InstanceType: "m6g.8xlarge" }],
          LaunchSpecifications: {
            OnDemandSpecification: { AllocationStrategy: "lowest-price" },
            SpotSpecification: { AllocationStrategy: "price-capacity-optimized", TimeoutDurationMinutes: 10, TimeoutAction: "SWITCH_TO_ON_DEMAND" },
          },
        },
      ]);
    });

    it("scales managed in instance-fleet units, growing on task nodes only, and terminates after 10 idle minutes by default", () => {
      const p = createParams(synth(props()));
      expect(p.ManagedScalingPolicy).toEqual({
        ComputeLimits: { UnitType: "InstanceFleetUnits", MinimumCapacityUnits: 2, MaximumCapacityUnits: 64, MaximumCoreCapacityUnits: 2 },
      });
      expect(p.AutoTerminationPolicy).toEqual({ IdleTimeout: 600 });
      expect(createParams(synth(props({ cluster: spec({ idleTimeoutSeconds: 1800 }) }))).AutoTerminationPolicy).toEqual({ IdleTimeout: 1800 });
    });

    it("turns AQE, skew joins, coalescing and dynamic allocation on, merges extra spark-defaults sorted, and uses the Glue Data Catalog", () => {
      const p = createParams(synth(props({ cluster: spec({ sparkDefaults: { "spark.sql.shuffle.partitions": "400", "spark.executor.memory": "18g" } }) })));
      expect(p.Configurations).toEqual([
        {
          Classification: "spark-defaults",
          Properties: {
            "spark.dynamicAllocation.enabled": "true",
            "spark.executor.memory": "18g",
            "spark.sql.adaptive.coalescePartitions.enabled": "true",
            "spark.sql.adaptive.enabled": "true",
            "spark.sql.adaptive.skewJoin.enabled": "true",
            "spark.sql.shuffle.partitions": "400",
          },
        },
        {
          Classification: "spark-hive-site",
          Properties: { "hive.metastore.client.factory.class": "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory" },
        },
      ]);
      expect(Object.keys(p.Configurations[0].Properties)).toEqual(Object.keys(p.Configurations[0].Properties).sort());
    });

    it("tags the cluster with its state machine and the spec's tags, sorted by key", () => {
      const p = createParams(synth(props({ cluster: spec({ tags: { team: "sales", "cost-centre": "cc-1234" } }) })));
      expect(p.Tags).toEqual([
        { Key: "cost-centre", Value: "cc-1234" },
        { Key: STATE_MACHINE_TAG, Value: "acme-sales-cdr-nightly-dev" },
        { Key: "team", Value: "sales" },
      ]);
    });

    it("is byte-for-byte the same for the same props, whatever the order of maps and lists given", () => {
      const a = machine(synth(props({ cluster: spec({ sparkDefaults: { b: "2", a: "1" }, tags: { y: "2", x: "1" } }) }))).definition;
      const b = machine(
        synth(props({ cluster: spec({ sparkDefaults: { a: "1", b: "2" }, tags: { x: "1", y: "2" }, subnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"] }) })),
      ).definition;
      expect(a).toBe(b);
    });

    it("writes the integration ARNs in the partition", () => {
      const cn = props({
        partition: "aws-cn",
        region: "cn-north-1",
        logGroupArn: "arn:aws-cn:logs:cn-north-1:111111111111:log-group:/aws/vendedlogs/states/x",
        kmsKeyArn: "arn:aws-cn:kms:cn-north-1:111111111111:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
        roles: {
          serviceRoleArn: "arn:aws-cn:iam::111111111111:role/s",
          instanceProfileName: "i",
          instanceProfileRoleArn: "arn:aws-cn:iam::111111111111:role/i",
          runtimeRoleArn: "arn:aws-cn:iam::111111111111:role/r",
        },
      });
      const d = definitionOf(synth(cn));
      expect(stateOf(d, "CreateCluster").Resource).toBe("arn:aws-cn:states:::elasticmapreduce:createCluster.sync");
    });
  });

  describe("role", () => {
    it("is trusted by Step Functions only, on behalf of its own account", () => {
      const role = resource(synth(props()), "aws_iam_role", "cdr_nightly");
      expect(role.name).toBe("acme-sales-cdr-nightly-dev");
      expect(policyOf(role, "assume_role_policy").Statement).toEqual([
        {
          Sid: "ServiceAssumesRoleForThisAccountOnly",
          Effect: "Allow",
          Principal: { Service: "states.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
        },
      ]);
      expect(resource(synth(props({ roleName: "acme-sales-sfn-cdr" })), "aws_iam_role", "cdr_nightly").name).toBe("acme-sales-sfn-cdr");
    });

    it("manages, tags and adds steps to only the clusters this state machine launched, and steps only as the runtime role", () => {
      const clusters = "arn:aws:elasticmapreduce:eu-west-1:111111111111:cluster/*";
      const own = { [`elasticmapreduce:ResourceTag/${STATE_MACHINE_TAG}`]: "acme-sales-cdr-nightly-dev" };
      expect(policyOf(resource(synth(props()), "aws_iam_role_policy", "cdr_nightly__emr-clusters")).Statement).toEqual([
        {
          Sid: "ManageOnlyClustersThisMachineLaunched",
          Effect: "Allow",
          Action: ["elasticmapreduce:CancelSteps", "elasticmapreduce:DescribeCluster", "elasticmapreduce:DescribeStep", "elasticmapreduce:TerminateJobFlows"],
          Resource: clusters,
          Condition: { StringEquals: own },
        },
        { Sid: "TagOnlyClustersThisMachineLaunches", Effect: "Allow", Action: "elasticmapreduce:AddTags", Resource: clusters, Condition: { StringEquals: own } },
        {
          Sid: "AddStepsOnlyAsTheRuntimeRole",
          Effect: "Allow",
          Action: "elasticmapreduce:AddJobFlowSteps",
          Resource: clusters,
          Condition: { StringEquals: { ...own, "elasticmapreduce:ExecutionRoleArn": RUNTIME_ROLE } },
        },
      ]);
    });

    it("passes exactly the three cluster roles, each only to the service it is for", () => {
      expect(policyOf(resource(synth(props()), "aws_iam_role_policy", "cdr_nightly__pass-roles")).Statement).toEqual([
        {
          Sid: "PassServiceAndRuntimeRolesToEmr",
          Effect: "Allow",
          Action: "iam:PassRole",
          Resource: [SERVICE_ROLE, RUNTIME_ROLE],
          Condition: { StringEquals: { "iam:PassedToService": "elasticmapreduce.amazonaws.com" } },
        },
        {
          Sid: "PassInstanceProfileRoleToEc2",
          Effect: "Allow",
          Action: "iam:PassRole",
          Resource: INSTANCE_ROLE,
          Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
        },
      ]);
    });

    it("manages only the three EventBridge rules the .sync integrations use", () => {
      expect(policyOf(resource(synth(props()), "aws_iam_role_policy", "cdr_nightly__sync-rules")).Statement).toEqual([
        {
          Sid: "ManageTheSyncIntegrationRules",
          Effect: "Allow",
          Action: ["events:DescribeRule", "events:PutRule", "events:PutTargets"],
          Resource: [
            "arn:aws:events:eu-west-1:111111111111:rule/StepFunctionsGetEventForEMRAddJobFlowStepsRule",
            "arn:aws:events:eu-west-1:111111111111:rule/StepFunctionsGetEventForEMRRunJobFlowRule",
            "arn:aws:events:eu-west-1:111111111111:rule/StepFunctionsGetEventForEMRTerminateJobFlowsRule",
          ],
        },
      ]);
    });

    it("uses the key only for this state machine's executions and for log deliveries", () => {
      expect(policyOf(resource(synth(props()), "aws_iam_role_policy", "cdr_nightly__kms")).Statement).toEqual([
        {
          Sid: "EncryptThisMachinesExecutions",
          Effect: "Allow",
          Action: ["kms:Decrypt", "kms:GenerateDataKey"],
          Resource: KEY,
          Condition: { StringEquals: { "kms:EncryptionContext:aws:states:stateMachineArn": SM_ARN } },
        },
        {
          Sid: "EncryptLogDeliveries",
          Effect: "Allow",
          Action: "kms:GenerateDataKey",
          Resource: KEY,
          Condition: { StringEquals: { "kms:EncryptionContext:SourceArn": "arn:aws:logs:eu-west-1:111111111111:*" } },
        },
      ]);
    });

    it("puts Resource * only in the resource-star policy, and no wildcard action anywhere", () => {
      const tf = synth(props());
      for (const [name, p] of Object.entries(resourcesOf(tf, "aws_iam_role_policy"))) {
        for (const s of policyOf(p).Statement) {
          for (const a of [s.Action].flat()) expect(a, `${name} › ${s.Sid}`).not.toMatch(/(^|:)\*$/);
          if (name.endsWith("__resource-star")) continue;
          expect([s.Resource].flat(), `${name} › ${s.Sid}`).not.toContain("*");
        }
      }
    });

    it("attaches the three statements AWS allows only on Resource *, each with its reason", () => {
      let built: TransientEmrStateMachine | undefined;
      synthScope((s) => void (built = new TransientEmrStateMachine(s, "m", props())));
      const statements = built!.resourceStarStatements;
      expect(statements.map((s) => s.statement.Sid)).toEqual(["LaunchOnlyClustersTaggedForThisMachine", "DeliverExecutionLogs", "SendTraces"]);
      expect(statements[0]!.statement).toEqual({
        Sid: "LaunchOnlyClustersTaggedForThisMachine",
        Effect: "Allow",
        Action: "elasticmapreduce:RunJobFlow",
        Resource: "*",
        Condition: { StringEquals: { [`aws:RequestTag/${STATE_MACHINE_TAG}`]: "acme-sales-cdr-nightly-dev" } },
      });
      expect(statements[1]!.statement.Action).toEqual([
        "logs:CreateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:DescribeLogGroups",
        "logs:DescribeResourcePolicies",
        "logs:GetLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:UpdateLogDelivery",
      ]);
      expect(statements[2]!.statement.Action).toEqual(["xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments"]);
      for (const s of statements) expect(s.reason.length).toBeGreaterThan(40);
      const tf = synthScope((s) => void new TransientEmrStateMachine(s, "m", props()));
      expect(policyOf(resource(tf, "aws_iam_role_policy", "m__resource-star")).Statement).toEqual(statements.map((s) => s.statement));
      expect(built!.role.resourceStarReasons).toEqual(Object.fromEntries(statements.map((s) => [s.statement.Sid, s.reason])));
    });
  });

  describe("validation", () => {
    it("fails when fleets, Spark settings, tags and ARNs are wrong — all in one error", () => {
      const message = problemsOf(
        props({
          cluster: spec({
            core: { instanceTypes: ["r6g.2xlarge"], onDemandCapacity: 2, spotCapacity: 2 },
            sparkDefaults: { "spark.sql.adaptive.enabled": "false" },
            tags: { [STATE_MACHINE_TAG]: "other" },
          }),
          logGroupArn: `${LOG_GROUP}:*`,
          scriptS3Uri: "/home/me/job.py",
        }),
      );
      expect(message).toBe(
        [
          "TransientEmrStateMachine stack/cdr_nightly: 5 problems:",
          "  - cluster.core.spotCapacity is 2: core nodes hold HDFS and shuffle data and the application masters, and a Spot interruption would fail the job; use onDemandCapacity",
          '  - cluster.sparkDefaults["spark.sql.adaptive.enabled"] is "false": it is fixed to "true" and may not be turned off',
          `  - cluster.tags["${STATE_MACHINE_TAG}"] is set by the construct (it scopes the role to this state machine's clusters)`,
          `  - logGroupArn "${LOG_GROUP}:*" is not a log group ARN in eu-west-1 of account 111111111111, without the trailing ":*"`,
          '  - scriptS3Uri "/home/me/job.py" is not an S3 object URI ("s3://<bucket>/<key>")',
        ].join("\n"),
      );
    });

    it.each([
      "spark.sql.adaptive.skewJoin.enabled",
      "spark.sql.adaptive.coalescePartitions.enabled",
      "spark.dynamicAllocation.enabled",
    ])("fails when extra spark-defaults turn %s off", (key) => {
      expect(problemsOf(props({ cluster: spec({ sparkDefaults: { [key]: "false" } }) }))).toContain(`cluster.sparkDefaults["${key}"] is "false"`);
    });

    it("fails when a role ARN belongs to another account", () => {
      const roles = { ...props().roles, runtimeRoleArn: "arn:aws:iam::222222222222:role/elsewhere" };
      expect(problemsOf(props({ roles }))).toContain('roles.runtimeRoleArn "arn:aws:iam::222222222222:role/elsewhere" is not a role ARN of account 111111111111');
    });

    it("fails when the key is an alias", () => {
      expect(problemsOf(props({ kmsKeyArn: "alias/acme/sales" }))).toContain('kmsKeyArn "alias/acme/sales" is not a KMS key ARN in eu-west-1');
    });

    it("fails when the log URI is not in S3 and a security group is not an ID", () => {
      const message = problemsOf(props({ cluster: spec({ logUri: "hdfs:///logs", securityGroups: { primary: "emr-primary", coreAndTask: "sg-0aaaaaaaaaaaaaaa2", serviceAccess: "sg-0aaaaaaaaaaaaaaa3" } }) }));
      expect(message).toContain('cluster.logUri "hdfs:///logs" is not an S3 location');
      expect(message).toContain('cluster.securityGroups.primary "emr-primary" is not a security group ID');
    });

    it("fails when there are no subnets", () => {
      expect(problemsOf(props({ cluster: spec({ subnetIds: [] }) }))).toContain("cluster.subnetIds is empty");
    });

    it("fails when the state machine name is not one Step Functions accepts", () => {
      expect(problemsOf(props({ name: "acme sales/cdr" }))).toContain('name "acme sales/cdr" is not a state machine name');
    });

    it("fails when the step timeout is out of range", () => {
      expect(problemsOf(props({ stepTimeoutSeconds: 30 }))).toContain("stepTimeoutSeconds must be a whole number from 60 to 604800 (7 days); got 30");
    });
  });
});

describe("fleetProblems", () => {
  it("accepts the seed's cluster", () => {
    expect(fleetProblems(spec())).toEqual([]);
  });

  it.each<[string, Partial<TransientClusterSpec>, string]>([
    [
      "fails when the primary fleet has Spot capacity",
      { primary: { instanceTypes: ["m6g.xlarge"], onDemandCapacity: 1, spotCapacity: 1 } },
      "primary.spotCapacity is 1: the primary node runs the cluster, and a Spot interruption would end the job; use onDemandCapacity 1",
    ],
    ["fails when the primary fleet is not one On-Demand instance", { primary: { instanceTypes: ["m6g.xlarge"], onDemandCapacity: 3 } }, "primary.onDemandCapacity must be 1 (one primary node); got 3"],
    [
      "fails when the core fleet has Spot capacity",
      { core: { instanceTypes: ["r6g.2xlarge"], onDemandCapacity: 2, spotCapacity: 4 } },
      "core.spotCapacity is 4: core nodes hold HDFS and shuffle data and the application masters, and a Spot interruption would fail the job; use onDemandCapacity",
    ],
    ["fails when the core fleet has no On-Demand capacity", { core: { instanceTypes: ["r6g.2xlarge"] } }, "core.onDemandCapacity must be at least 1; got 0"],
    [
      "fails when the task fleet has On-Demand capacity",
      { task: { instanceTypes: ["r6g.4xlarge", "r5.4xlarge", "m6g.8xlarge"], spotCapacity: 10, onDemandCapacity: 5 } },
      "task.onDemandCapacity is 5: task nodes are Spot (On-Demand only as the launch fallback); use spotCapacity, or grow core instead",
    ],
    ["fails when the task fleet has no Spot capacity", { task: { instanceTypes: ["r6g.4xlarge", "r5.4xlarge", "m6g.8xlarge"] } }, "task.spotCapacity must be at least 1; got 0"],
    [
      "fails when the task fleet has fewer than three instance types",
      { task: { instanceTypes: ["r6g.4xlarge", "m6g.8xlarge"], spotCapacity: 10 } },
      "task.instanceTypes has 2 types from 2 families (m, r): a Spot fleet needs at least 3 types from at least 2 families (like r6g, r6i, m6g), so one pool running dry does not stall the job",
    ],
    [
      "fails when the task fleet's types are all of one family",
      { task: { instanceTypes: ["r6g.4xlarge", "r5.4xlarge", "r6i.4xlarge"], spotCapacity: 10 } },
      "task.instanceTypes has 3 types from 1 family (r): a Spot fleet needs at least 3 types from at least 2 families (like r6g, r6i, m6g), so one pool running dry does not stall the job",
    ],
    [
      "fails when the Spot allocation strategy is not price-capacity-optimized",
      { task: { instanceTypes: ["r6g.4xlarge", "r5.4xlarge", "m6g.8xlarge"], spotCapacity: 10, spotAllocationStrategy: "lowest-price" } },
      'task.spotAllocationStrategy "lowest-price" is not allowed: use "price-capacity-optimized" (cheapest among the pools least likely to be interrupted)',
    ],
    [
      "fails when the Spot timeout is out of range",
      { task: { instanceTypes: ["r6g.4xlarge", "r5.4xlarge", "m6g.8xlarge"], spotCapacity: 10, spotTimeoutMinutes: 2 } },
      "task.spotTimeoutMinutes must be a whole number from 5 to 1440; got 2",
    ],
    ["fails when managed scaling's minimum is below 1", { managedScaling: { minimumCapacityUnits: 0, maximumCapacityUnits: 64 } }, "managedScaling.minimumCapacityUnits must be a whole number, at least 1; got 0"],
    [
      "fails when managed scaling's maximum is below its minimum",
      { managedScaling: { minimumCapacityUnits: 10, maximumCapacityUnits: 5 } },
      "managedScaling.maximumCapacityUnits must be a whole number, at least minimumCapacityUnits (10); got 5",
    ],
    [
      "fails when managed scaling's maximum is below the core fleet",
      { managedScaling: { minimumCapacityUnits: 1, maximumCapacityUnits: 1 } },
      "managedScaling.maximumCapacityUnits 1 is below the core fleet's 2 instances, which managed scaling counts",
    ],
    [
      "fails when managed scaling's minimum is above the core fleet",
      { managedScaling: { minimumCapacityUnits: 4, maximumCapacityUnits: 64 } },
      "managedScaling.minimumCapacityUnits 4 is above the core fleet's 2 instances: the floor is On-Demand core nodes, Spot task nodes are the elastic part",
    ],
    ["fails when the idle timeout is under a minute", { idleTimeoutSeconds: 30 }, "idleTimeoutSeconds must be a whole number from 60 to 86400 (one day); got 30"],
    ["fails when the idle timeout is over a day", { idleTimeoutSeconds: 90000 }, "idleTimeoutSeconds must be a whole number from 60 to 86400 (one day); got 90000"],
    [
      "fails when the release is EMR 5",
      { releaseLabel: "emr-5.36.0" },
      'releaseLabel "emr-5.36.0" is not emr-6.15.0 or later (like "emr-7.5.0"): earlier releases cannot run steps as Lake Formation runtime roles',
    ],
    [
      "fails when the release is an EMR 6 before runtime roles with Lake Formation",
      { releaseLabel: "emr-6.9.0" },
      'releaseLabel "emr-6.9.0" is not emr-6.15.0 or later (like "emr-7.5.0"): earlier releases cannot run steps as Lake Formation runtime roles',
    ],
    [
      "fails when the release is not a release label",
      { releaseLabel: "7.5.0" },
      'releaseLabel "7.5.0" is not emr-6.15.0 or later (like "emr-7.5.0"): earlier releases cannot run steps as Lake Formation runtime roles',
    ],
    ["fails when a fleet has no instance types", { primary: { instanceTypes: [], onDemandCapacity: 1 } }, "primary.instanceTypes is empty: name at least one instance type"],
    [
      "fails when an instance type is not one",
      { core: { instanceTypes: ["r6g 2xlarge"], onDemandCapacity: 2 } },
      'core.instanceTypes[0] "r6g 2xlarge" is not an EC2 instance type (like "r6g.2xlarge")',
    ],
    [
      "fails when an instance type is listed twice",
      { task: { instanceTypes: ["r6g.4xlarge", "r5.4xlarge", "m6g.8xlarge", "r5.4xlarge"], spotCapacity: 10 } },
      'task.instanceTypes[3] "r5.4xlarge" is listed twice',
    ],
    ["fails when a capacity is not a whole number", { core: { instanceTypes: ["r6g.2xlarge"], onDemandCapacity: 2.5 } }, "core.onDemandCapacity must be a whole number, 0 or more; got 2.5"],
  ])("%s", (_, change, problem) => {
    expect(fleetProblems(spec(change))).toContain(problem);
  });

  it("accepts emr-6.15.0, the first release with Lake Formation runtime roles", () => {
    expect(fleetProblems(spec({ releaseLabel: "emr-6.15.0" }))).toEqual([]);
  });

  it("names a family by the leading letters of the type's first part", () => {
    expect(["r6g.4xlarge", "r5.4xlarge", "r6i.4xlarge", "m6g.8xlarge", "m7i-flex.large", "i4i.xlarge", "x2gd.xlarge", "c7gn.large"].map(instanceFamily)).toEqual([
      "r",
      "r",
      "r",
      "m",
      "m",
      "i",
      "x",
      "c",
    ]);
  });
});
