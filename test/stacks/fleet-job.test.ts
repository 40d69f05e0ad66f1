import { describe, expect, it } from "vitest";
import { FIXED_SPARK_DEFAULTS } from "../../modules/orchestration/fleet-spec";
import { STATE_MACHINE_TAG } from "../../modules/orchestration/transient-emr-state-machine";
import { deploymentOf, modelFrom, synthStackOf } from "../helpers/model-fixtures";
import { domainFixture, platformFixture } from "../helpers/project";
import { policyOf, resource, resourcesOf } from "../helpers/synth";

/** Domain "sales" with one transient fleet job writing curated.daily; TLS certificates in both environments. */
function fixtures() {
  const platform = platformFixture();
  for (const [env, e] of Object.entries(platform.environments as Record<string, any>)) e.emr = { tlsCertificates: `s3://acme-pki-${env}/emr/certs.zip` };
  const domain = domainFixture();
  domain.tables.push({ name: "daily", zone: "curated", columns: [{ name: "day", type: "date" }, { name: "orders", type: "bigint" }] });
  domain.jobs = [
    {
      name: "rebuild",
      engine: "emr-fleet",
      script: "jobs/rebuild.py",
      reads: ["processed.orders"],
      writes: ["curated.daily"],
      processesPii: "Aggregates orders per day; only counts are written, never an identifier.",
      primary: { instanceTypes: ["m6g.xlarge"] },
      core: { instanceTypes: ["r6g.2xlarge"], onDemandCapacity: 2 },
      task: { instanceTypes: ["r6g.4xlarge", "r7g.4xlarge", "m6g.8xlarge"], spotCapacity: 12 },
      managedScaling: { minimumCapacityUnits: 2, maximumCapacityUnits: 30 },
      stepTimeoutSeconds: 7200,
      sparkDefaults: { "spark.sql.shuffle.partitions": "400" },
    },
  ];
  domain.pipeline = { schedule: "0 3 * * *", tasks: [{ name: "rebuild", job: "rebuild" }] };
  return { platform, domain };
}

const { platform, domain } = fixtures();
const model = modelFrom(platform, [domain], { sales: { "jobs/rebuild.py": "print('rebuild')\n" } });
const dep = deploymentOf(model, "sales-dev");
const tf = synthStackOf(model, "sales-dev");
const ARTIFACTS = "acme-sales-artifacts-dev-111111111111-eu-west-1";
const ROLE = (purpose: string) => `arn:aws:iam::111111111111:role/acme-sales-${purpose}-dev-eu-west-1`;

describe("emr-fleet jobs in the model", () => {
  it("names the state machine, its role, the cluster roles, the security configuration, the log group and the groups", () => {
    const f = dep.jobs[0]!.fleet!;
    expect(f.stateMachine).toEqual({ name: "sales-dev-rebuild", arn: "arn:aws:states:eu-west-1:111111111111:stateMachine:sales-dev-rebuild" });
    expect(f.stateMachineRole.arn).toBe(ROLE("sfn-rebuild"));
    expect(f.serviceRole.arn).toBe(ROLE("emr-service-rebuild"));
    expect(f.instanceProfile).toEqual({
      name: "acme-sales-emr-instance-rebuild-dev-eu-west-1",
      arn: "arn:aws:iam::111111111111:instance-profile/acme-sales-emr-instance-rebuild-dev-eu-west-1",
      role: { name: "acme-sales-emr-instance-rebuild-dev-eu-west-1", arn: ROLE("emr-instance-rebuild") },
    });
    expect(f.securityConfigurationName).toBe("sales-dev-rebuild");
    expect(f.logGroup).toEqual({ name: "/aws/vendedlogs/states/sales-dev-rebuild", arn: "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/vendedlogs/states/sales-dev-rebuild" });
    expect(f.securityGroups).toEqual({ primary: "sales-dev-rebuild-emr-primary", coreAndTask: "sales-dev-rebuild-emr-core-task", serviceAccess: "sales-dev-rebuild-emr-service-access" });
    expect(f.logUri).toBe(`s3://${ARTIFACTS}/logs/rebuild/`);
    expect(f.zone).toBe("curated");
    expect(f.tlsCertificates).toBe("s3://acme-pki-dev/emr/certs.zip");
    // Defaults resolved.
    expect(f).toMatchObject({ releaseLabel: "emr-7.5.0", idleTimeoutSeconds: 600, stepTimeoutSeconds: 7200, primary: { onDemandCapacity: 1, spotCapacity: 0 } });
    expect(f.task).toMatchObject({ spotAllocationStrategy: "price-capacity-optimized", spotTimeoutMinutes: 10, onDemandCapacity: 0 });
    // The runtime role is the job's own role, a Lake Formation principal like every job's.
    expect(dep.grants.filter((g) => g.principal.id === dep.jobs[0]!.role.arn).map((g) => g.name)).toEqual(["job-rebuild-reads", "job-rebuild-writes"]);
  });

  it("runs the job in the DAG through its state machine, waiting past the step timeout", () => {
    expect(dep.pipeline!.dag.tasks).toEqual([
      { kind: "emr-fleet", id: "rebuild", after: [], stateMachineArn: "arn:aws:states:eu-west-1:111111111111:stateMachine:sales-dev-rebuild", timeoutMinutes: 120 + 60 },
    ]);
  });
});

describe("emr-fleet jobs in the domain stack", () => {
  it("creates the security configuration, roles, instance profile, groups, log group and state machine, and never a cluster", () => {
    expect(Object.keys(resourcesOf(tf, "aws_emr_security_configuration"))).toEqual(["rebuild"]);
    expect(Object.keys(resourcesOf(tf, "aws_sfn_state_machine"))).toEqual(["rebuild"]);
    expect(Object.keys(resourcesOf(tf, "aws_iam_instance_profile"))).toEqual(["rebuild"]);
    expect(Object.keys(resourcesOf(tf, "aws_iam_role")).sort()).toEqual(["job__rebuild", "raw", "processed", "curated", "rebuild", "rebuild__emr_instance", "rebuild__emr_service", "replication"].sort());
    expect(Object.keys(resourcesOf(tf, "aws_security_group")).sort()).toEqual(["rebuild__emr_core_task", "rebuild__emr_primary", "rebuild__emr_service_access"]);
    expect(Object.keys(resourcesOf(tf, "aws_cloudwatch_log_group"))).toEqual(["rebuild__states"]);
    for (const type of ["aws_emr_cluster", "aws_emr_instance_fleet", "aws_emr_instance_group", "aws_emrserverless_application", "aws_glue_job"]) expect(tf.resource[type], type).toBeUndefined();
  });

  it("encrypts EMRFS writes, local disks and EBS under the written zone's key, with TLS and Lake Formation runtime roles", () => {
    const c = resource(tf, "aws_emr_security_configuration", "rebuild");
    expect(c.name).toBe("sales-dev-rebuild");
    const doc = JSON.parse(c.configuration as string);
    expect(doc.EncryptionConfiguration.AtRestEncryptionConfiguration).toEqual({
      S3EncryptionConfiguration: { EncryptionMode: "SSE-KMS", AwsKmsKey: "${aws_kms_key.curated.arn}" },
      LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: "AwsKms", AwsKmsKey: "${aws_kms_key.curated.arn}", EnableEbsEncryption: true },
    });
    expect(doc.EncryptionConfiguration.InTransitEncryptionConfiguration).toEqual({ TLSCertificateConfiguration: { CertificateProviderType: "PEM", S3Object: "s3://acme-pki-dev/emr/certs.zip" } });
    expect(doc.AuthorizationConfiguration.LakeFormationConfiguration).toEqual({ AuthorizedSessionTagValue: "Amazon EMR" });
    // What EMRFS writes to scratch lands in the artifacts bucket under the zone key: the bucket accepts it.
    const guard = policyOf(resource(tf, "aws_s3_bucket_policy", "artifacts")).Statement.find((s) => s.Sid === "DenyUploadsWithOtherKeys")!;
    expect(JSON.stringify(guard.Condition)).toContain("${aws_kms_key.curated.arn}");
  });

  it("makes the runtime role the job's Lake Formation principal, trusted by the nodes' role alone", () => {
    const role = resource(tf, "aws_iam_role", "job__rebuild");
    expect(policyOf(role, "assume_role_policy").Statement).toEqual([
      { Sid: "RoleAssumesRole", Effect: "Allow", Principal: { AWS: "${aws_iam_role.rebuild__emr_instance.arn}" }, Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"] },
    ]);
    const run = policyOf(resource(tf, "aws_iam_role_policy", "job__rebuild__run")).Statement;
    expect(run.find((s) => s.Sid === "ReadOwnScript")!.Resource).toEqual([`arn:aws:s3:::${ARTIFACTS}/${dep.jobs[0]!.script.key}`]);
    expect(run.find((s) => s.Sid === "UseArtifactKeys")!.Resource).toEqual(["${aws_kms_key.ops.arn}", "${aws_kms_key.curated.arn}"]);
    // Its grants wait for it.
    expect(resource(tf, "aws_lakeformation_permissions", "job-rebuild-writes--curated__daily").depends_on).toEqual(["aws_iam_role.job__rebuild"]);
  });

  it("lets the nodes' role push logs under the job's prefix, read the certificates and use the keys, and nothing in the lake", () => {
    const node = policyOf(resource(tf, "aws_iam_role_policy", "rebuild__emr_instance__node")).Statement;
    expect(node.map((s) => [s.Sid, s.Resource])).toEqual([
      ["PushClusterLogs", `arn:aws:s3:::${ARTIFACTS}/logs/rebuild/*`],
      ["ListClusterLogs", `arn:aws:s3:::${ARTIFACTS}`],
      ["ReadTlsCertificates", "arn:aws:s3:::acme-pki-dev/emr/certs.zip"],
      ["UseDataAndLogKeys", ["${aws_kms_key.curated.arn}", "${aws_kms_key.ops.arn}"]],
    ]);
    expect(policyOf(resource(tf, "aws_iam_role", "rebuild__emr_instance"), "assume_role_policy").Statement[0]!.Principal).toEqual({ Service: "ec2.amazonaws.com" });
    expect(resource(tf, "aws_iam_instance_profile", "rebuild")).toMatchObject({ name: "acme-sales-emr-instance-rebuild-dev-eu-west-1", role: "${aws_iam_role.rebuild__emr_instance.name}" });
  });

  it("gives the EMR service role AWS's v2 semantics, narrowed to the lake's subnets, these groups and the nodes' role", () => {
    const network = policyOf(resource(tf, "aws_iam_role_policy", "rebuild__emr_service__network")).Statement;
    expect(network[0]!.Resource).toEqual([
      "arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-0123456789abcdef1",
      "arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-0123456789abcdef2",
      "${aws_security_group.rebuild__emr_primary.arn}",
      "${aws_security_group.rebuild__emr_core_task.arn}",
      "${aws_security_group.rebuild__emr_service_access.arn}",
    ]);
    expect(policyOf(resource(tf, "aws_iam_role_policy", "rebuild__emr_service__pass-role")).Statement).toEqual([
      { Sid: "PassTheNodesRoleToEc2", Effect: "Allow", Action: "iam:PassRole", Resource: ROLE("emr-instance-rebuild"), Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } } },
    ]);
    const star = policyOf(resource(tf, "aws_iam_role_policy", "rebuild__emr_service__resource-star")).Statement;
    expect(network.map((s) => s.Sid)).toEqual(["LaunchIntoTheLakeSubnetsAndGroups", "CreateEmrTaggedResources", "LaunchFromEmrTaggedTemplates", "ManageTheClusterGroupsRules"]);
    expect(star.map((s) => s.Sid)).toEqual(["DescribeNetworkAndInstances", "ManageEmrTaggedResources", "TagOnCreate", "LaunchFromAmazonImages"]);
    for (const s of star.slice(1)) expect(s.Condition, s.Sid).toBeDefined();
    expect(resource(tf, "aws_iam_role_policy_attachments_exclusive", "rebuild__emr_service").policy_arns).toEqual([]);
  });

  it("leaves the rules of the three EMR-managed groups to EMR, but for HTTPS out of the nodes to the endpoints and S3", () => {
    for (const name of ["rebuild__emr_primary", "rebuild__emr_core_task", "rebuild__emr_service_access"]) {
      const g = resource(tf, "aws_security_group", name);
      expect(g, name).toMatchObject({ vpc_id: "vpc-0123456789abcdef0", revoke_rules_on_delete: true, tags: { "for-use-with-amazon-emr-managed-policies": "true" }, lifecycle: { ignore_changes: ["ingress", "egress"] } });
      expect(g.ingress, name).toBeUndefined();
      expect(g.egress, name).toBeUndefined();
    }
    const egress = resourcesOf(tf, "aws_vpc_security_group_egress_rule");
    expect(Object.keys(egress).sort()).toEqual(["rebuild__emr_core_task--endpoints", "rebuild__emr_core_task--s3", "rebuild__emr_primary--endpoints", "rebuild__emr_primary--s3"]);
    expect(egress["rebuild__emr_primary--endpoints"]).toMatchObject({ ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "10.0.0.0/16" });
    expect(egress["rebuild__emr_primary--s3"]).toMatchObject({ ip_protocol: "tcp", from_port: 443, to_port: 443, prefix_list_id: "pl-6da54004" });
  });

  it("runs the cluster from the state machine with the model's fleets, the stack's roles and groups, logging to its encrypted vended-logs group", () => {
    const m = resource(tf, "aws_sfn_state_machine", "rebuild");
    expect(m).toMatchObject({
      name: "sales-dev-rebuild",
      logging_configuration: { level: "ALL", include_execution_data: true, log_destination: "${aws_cloudwatch_log_group.rebuild__states.arn}:*" },
      tracing_configuration: { enabled: true },
      encryption_configuration: { type: "CUSTOMER_MANAGED_KMS_KEY", kms_key_id: "${aws_kms_key.ops.arn}" },
    });
    expect(resource(tf, "aws_cloudwatch_log_group", "rebuild__states")).toMatchObject({ name: "/aws/vendedlogs/states/sales-dev-rebuild", kms_key_id: "${aws_kms_key.ops.arn}", retention_in_days: 400 });
    const create = JSON.parse(m.definition as string).States.CreateCluster.Parameters;
    expect(create).toMatchObject({
      Name: "sales-dev-rebuild",
      ServiceRole: "${aws_iam_role.rebuild__emr_service.arn}",
      JobFlowRole: "${aws_iam_instance_profile.rebuild.name}",
      SecurityConfiguration: "${aws_emr_security_configuration.rebuild.name}",
      LogUri: `s3://${ARTIFACTS}/logs/rebuild/`,
      AutoTerminationPolicy: { IdleTimeout: 600 },
    });
    expect(create.Instances.EmrManagedMasterSecurityGroup).toBe("${aws_security_group.rebuild__emr_primary.id}");
    expect(create.Instances.ServiceAccessSecurityGroup).toBe("${aws_security_group.rebuild__emr_service_access.id}");
    expect(create.Instances.InstanceFleets[2]).toMatchObject({ InstanceFleetType: "TASK", TargetSpotCapacity: 12, TargetOnDemandCapacity: 0 });
    expect(create.Configurations[0].Properties).toEqual({ ...FIXED_SPARK_DEFAULTS, "spark.sql.shuffle.partitions": "400" });
    expect(create.Tags).toContainEqual({ Key: STATE_MACHINE_TAG, Value: "sales-dev-rebuild" });
    const step = JSON.parse(m.definition as string).States.AddStep;
    expect(step.Parameters.ExecutionRoleArn).toBe("${aws_iam_role.job__rebuild.arn}");
    expect(step.TimeoutSeconds).toBe(7200);
  });

  it("lets log delivery decrypt the state machine's history with the ops key, and alarms on failed, timed-out and aborted runs", () => {
    const ops = policyOf(resource(tf, "aws_kms_key", "ops")).Statement.find((s) => s.Sid === "AllowLogDeliveryOfStateMachineHistory")!;
    expect(ops).toMatchObject({ Principal: { Service: "delivery.logs.amazonaws.com" }, Action: "kms:Decrypt", Condition: { StringLike: { "kms:EncryptionContext:SourceArn": "arn:aws:logs:eu-west-1:111111111111:*" } } });
    const rule = resource(tf, "aws_cloudwatch_event_rule", "alerts--emr-fleet-jobs");
    expect(JSON.parse(rule.event_pattern as string)).toEqual({
      source: ["aws.states"],
      "detail-type": ["Step Functions Execution Status Change"],
      detail: { stateMachineArn: ["arn:aws:states:eu-west-1:111111111111:stateMachine:sales-dev-rebuild"], status: ["ABORTED", "FAILED", "TIMED_OUT"] },
    });
    expect(resource(tf, "aws_cloudwatch_event_target", "alerts--emr-fleet-jobs").arn).toBe("${aws_sns_topic.alerts.arn}");
  });

  it("adds nothing of a fleet to a domain without fleet jobs", () => {
    const plain = synthStackOf(modelFrom(), "sales-dev");
    for (const type of ["aws_sfn_state_machine", "aws_emr_security_configuration", "aws_iam_instance_profile"]) expect(plain.resource[type], type).toBeUndefined();
    expect(policyOf(resource(plain, "aws_kms_key", "ops")).Statement.map((s) => s.Sid)).not.toContain("AllowLogDeliveryOfStateMachineHistory");
  });
});
