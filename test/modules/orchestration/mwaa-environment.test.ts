import { describe, expect, it } from "vitest";
import { MwaaEnvironment, type MwaaEnvironmentProps } from "../../../modules/orchestration/mwaa-environment";
import { policyOf, resource, resourcesOf, synthScope, type TfJson } from "../../helpers/synth";

function props(over: Partial<MwaaEnvironmentProps> = {}): MwaaEnvironmentProps {
  return {
    name: "acme-dev",
    accountId: "111111111111",
    region: "eu-west-1",
    partition: "aws",
    vpcId: "vpc-0a1b2c3d4e5f67890",
    vpcCidr: "10.20.0.0/16",
    s3PrefixListId: "pl-6da54004",
    subnetIds: ["subnet-0bbbbbbbbbbbbbbbb", "subnet-0aaaaaaaaaaaaaaaa"],
    securityGroupName: "acme-dev-mwaa",
    executionRoleName: "acme-dev-mwaa-execution",
    sourceBucketName: "acme-dev-mwaa",
    sourceBucketArn: "arn:aws:s3:::acme-dev-mwaa",
    accessLogs: { targetBucket: "acme-dev-access-logs", targetPrefix: "mwaa/" },
    keyAlias: "alias/acme/dev/mwaa",
    requirements: "apache-airflow-providers-amazon\n",
    ...over,
  };
}

const synth = (p: MwaaEnvironmentProps, id = "mwaa"): TfJson => synthScope((s) => void new MwaaEnvironment(s, id, p));
const env = (tf: TfJson, name = "mwaa") => resource(tf, "aws_mwaa_environment", name);
const sg = (tf: TfJson, name = "mwaa") => resource(tf, "aws_security_group", name);
/** CDKTF writes every attribute of an inline rule; the ones not used are null. */
const rules = (r: unknown) => (r as Record<string, unknown>[]).map((x) => Object.fromEntries(Object.entries(x).filter(([, v]) => v !== null)));

function problemsOf(p: MwaaEnvironmentProps): string {
  try {
    synth(p);
  } catch (e) {
    return (e as Error).message;
  }
  return "";
}

describe("MwaaEnvironment", () => {
  describe("resources and names", () => {
    it("is an environment with its own key, source bucket, requirements object, security group and execution role, all named after the construct id", () => {
      const tf = synth(props());
      for (const type of ["aws_mwaa_environment", "aws_kms_key", "aws_kms_alias", "aws_s3_bucket", "aws_security_group", "aws_iam_role"]) {
        expect(Object.keys(resourcesOf(tf, type)), type).toEqual(["mwaa"]);
      }
      expect(Object.keys(resourcesOf(tf, "aws_s3_object"))).toEqual(["mwaa--requirements"]);
      expect(Object.keys(resourcesOf(tf, "aws_iam_role_policy"))).toEqual(["mwaa__environment"]);
    });

    it("uses terraformName instead of the construct id when given", () => {
      const tf = synth(props({ terraformName: "airflow" }), "mwaa-environment");
      expect(Object.keys(resourcesOf(tf, "aws_mwaa_environment"))).toEqual(["airflow"]);
      expect(Object.keys(resourcesOf(tf, "aws_s3_object"))).toEqual(["airflow--requirements"]);
      expect(env(tf, "airflow")).toMatchObject({
        kms_key: "${aws_kms_key.airflow.arn}",
        execution_role_arn: "${aws_iam_role.airflow.arn}",
        network_configuration: { security_group_ids: ["${aws_security_group.airflow.id}"] },
      });
    });
  });

  describe("environment", () => {
    it("runs Airflow 2.10.3 on mw1.small with 1-10 workers and 2 schedulers by default", () => {
      expect(env(synth(props()))).toMatchObject({
        name: "acme-dev",
        airflow_version: "2.10.3",
        environment_class: "mw1.small",
        min_workers: 1,
        max_workers: 10,
        schedulers: 2,
      });
    });

    it("takes version, class, workers, schedulers and maintenance window from the props", () => {
      const e = env(
        synth(props({ airflowVersion: "2.9.2", environmentClass: "mw1.medium", minWorkers: 2, maxWorkers: 20, schedulers: 3, weeklyMaintenanceWindowStart: "SUN:03:30" })),
      );
      expect(e).toMatchObject({
        airflow_version: "2.9.2",
        environment_class: "mw1.medium",
        min_workers: 2,
        max_workers: 20,
        schedulers: 3,
        weekly_maintenance_window_start: "SUN:03:30",
      });
    });

    it("runs one worker and one scheduler by default on mw1.micro", () => {
      expect(env(synth(props({ environmentClass: "mw1.micro" })))).toMatchObject({ min_workers: 1, max_workers: 1, schedulers: 1 });
    });

    it("leaves the maintenance window to MWAA unless given", () => {
      expect(env(synth(props()))).not.toHaveProperty("weekly_maintenance_window_start");
    });

    it("has a private web server only (CKV2_AWS_66), behind endpoints MWAA manages", () => {
      expect(env(synth(props()))).toMatchObject({ webserver_access_mode: "PRIVATE_ONLY", endpoint_management: "SERVICE" });
    });

    it("logs all five components at INFO (CKV_AWS_242/243/244, MWAAAllLoggingInfo)", () => {
      const logging = env(synth(props())).logging_configuration as Record<string, { enabled: boolean; log_level: string }>;
      expect(logging).toEqual({
        dag_processing_logs: { enabled: true, log_level: "INFO" },
        scheduler_logs: { enabled: true, log_level: "INFO" },
        task_logs: { enabled: true, log_level: "INFO" },
        webserver_logs: { enabled: true, log_level: "INFO" },
        worker_logs: { enabled: true, log_level: "INFO" },
      });
      // CKV_AWS_242 scheduler, 243 worker, 244 webserver: enabled; MWAAAllLoggingInfo: all five enabled at INFO or DEBUG.
      for (const t of ["scheduler_logs", "worker_logs", "webserver_logs"]) expect(logging[t]!.enabled).toBe(true);
      for (const l of Object.values(logging)) expect(["INFO", "DEBUG"]).toContain(l.log_level);
    });

    it("is encrypted with its own key, and reads DAGs and a pinned requirements version from its source bucket", () => {
      expect(env(synth(props()))).toMatchObject({
        kms_key: "${aws_kms_key.mwaa.arn}",
        source_bucket_arn: "arn:aws:s3:::acme-dev-mwaa",
        dag_s3_path: "dags/",
        requirements_s3_path: "requirements.txt",
        requirements_s3_object_version: "${aws_s3_object.mwaa--requirements.version_id}",
        execution_role_arn: "${aws_iam_role.mwaa.arn}",
      });
    });

    it("runs in exactly the two given subnets (sorted) behind its own security group", () => {
      expect(env(synth(props())).network_configuration).toEqual({
        subnet_ids: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
        security_group_ids: ["${aws_security_group.mwaa.id}"],
      });
    });

    it("loads no example DAGs and no default connections", () => {
      expect(env(synth(props())).airflow_configuration_options).toEqual({ "core.load_default_connections": "false", "core.load_examples": "false" });
    });

    it("is created after the execution role's policy and the bucket policy are in place", () => {
      expect(env(synth(props())).depends_on).toEqual(["aws_iam_role_policy.mwaa__environment", "aws_s3_bucket_policy.mwaa"]);
      expect(env(synth(props({ extraStatements: [startGlueJob] }))).depends_on).toEqual([
        "aws_iam_role_policy.mwaa__dags",
        "aws_iam_role_policy.mwaa__environment",
        "aws_s3_bucket_policy.mwaa",
      ]);
    });
  });

  describe("key", () => {
    it("is a rotated customer-managed key with its alias, single-Region as MWAA requires", () => {
      const tf = synth(props());
      expect(resource(tf, "aws_kms_key", "mwaa")).toMatchObject({ enable_key_rotation: true, customer_master_key_spec: "SYMMETRIC_DEFAULT", multi_region: false });
      expect(resource(tf, "aws_kms_alias", "mwaa")).toMatchObject({ name: "alias/acme/dev/mwaa", target_key_id: "${aws_kms_key.mwaa.key_id}" });
    });

    it("has a policy naming only the account and CloudWatch Logs for this account's log groups in the Region", () => {
      const policy = policyOf(resource(synth(props()), "aws_kms_key", "mwaa"));
      expect(policy.Statement).toEqual([
        { Sid: "AccountAdministersKeyThroughIam", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kms:*", Resource: "*" },
        {
          Sid: "AllowCloudWatchLogsToUseKey",
          Effect: "Allow",
          Principal: { Service: "logs.eu-west-1.amazonaws.com" },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
          Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:111111111111:log-group:*" } },
        },
      ]);
      expect(JSON.stringify(policy)).not.toMatch(/"Principal":"\*"|"AWS":"\*"/);
    });
  });

  describe("source bucket", () => {
    it("is versioned, blocks public access and encrypts with the environment's key, with access logs", () => {
      const tf = synth(props());
      expect(resource(tf, "aws_s3_bucket", "mwaa").bucket).toBe("acme-dev-mwaa");
      expect(resource(tf, "aws_s3_bucket_versioning", "mwaa").versioning_configuration).toEqual({ status: "Enabled" });
      expect(resource(tf, "aws_s3_bucket_public_access_block", "mwaa")).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(resource(tf, "aws_s3_bucket_server_side_encryption_configuration", "mwaa").rule).toEqual([
        { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "${aws_kms_key.mwaa.arn}" }, bucket_key_enabled: true },
      ]);
      expect(resource(tf, "aws_s3_bucket_logging", "mwaa")).toMatchObject({ target_bucket: "acme-dev-access-logs", target_prefix: "mwaa/" });
    });

    it("holds requirements.txt, SSE-KMS with the environment's key, written once versioning is on", () => {
      const obj = resource(synth(props({ requirements: "apache-airflow-providers-amazon==9.0.0\nboto3\n" })), "aws_s3_object", "mwaa--requirements");
      expect(obj).toEqual({
        bucket: "${aws_s3_bucket.mwaa.id}",
        key: "requirements.txt",
        content: "apache-airflow-providers-amazon==9.0.0\nboto3\n",
        content_type: "text/plain",
        server_side_encryption: "aws:kms",
        kms_key_id: "${aws_kms_key.mwaa.arn}",
        bucket_key_enabled: true,
        depends_on: ["aws_s3_bucket_versioning.mwaa"],
      });
    });

    it("writes ${ and %{ in the requirements so that Terraform keeps them as text", () => {
      const obj = resource(synth(props({ requirements: "pkg @ https://host/${x}/%{y}.whl\n" })), "aws_s3_object", "mwaa--requirements");
      expect(obj.content).toBe("pkg @ https://host/$${x}/%%{y}.whl\n");
    });
  });

  describe("security group", () => {
    it("is in the VPC, with its name and a description", () => {
      expect(sg(synth(props()))).toMatchObject({
        name: "acme-dev-mwaa",
        vpc_id: "vpc-0a1b2c3d4e5f67890",
        description: "MWAA environment acme-dev: its own components, HTTPS in from the VPC to the private web server, HTTPS out to the VPC endpoints and S3",
      });
    });

    it("admits all traffic from itself, as MWAA requires, and HTTPS from the VPC for the web server", () => {
      expect(rules(sg(synth(props())).ingress)).toEqual([
        { description: "All traffic from the environment itself: schedulers, workers and its endpoints (MWAA requires this self-reference)", protocol: "-1", from_port: 0, to_port: 0, self: true },
        { description: "HTTPS from the VPC to the private Airflow web server", protocol: "tcp", from_port: 443, to_port: 443, cidr_blocks: ["10.20.0.0/16"] },
      ]);
    });

    it("lets out all traffic to itself and HTTPS to the VPC and the S3 gateway prefix list, nothing else", () => {
      expect(rules(sg(synth(props())).egress)).toEqual([
        {
          description: "All traffic to the environment itself: schedulers, workers, metadata database and web server endpoints",
          protocol: "-1",
          from_port: 0,
          to_port: 0,
          self: true,
        },
        {
          description: "HTTPS to the interface VPC endpoints (SQS, CloudWatch, KMS, Airflow) in the VPC",
          protocol: "tcp",
          from_port: 443,
          to_port: 443,
          cidr_blocks: ["10.20.0.0/16"],
        },
        { description: "HTTPS to S3 through the VPC gateway endpoint", protocol: "tcp", from_port: 443, to_port: 443, prefix_list_ids: ["pl-6da54004"] },
      ]);
    });

    it("has no rule open to the internet and every rule described (CKV_AWS_23/24/25/260/382, AVD-AWS-0099/0104/0107)", () => {
      const group = sg(synth(props()));
      const all = [...(group.ingress as Record<string, unknown>[]), ...(group.egress as Record<string, unknown>[])];
      expect(JSON.stringify(all)).not.toMatch(/0\.0\.0\.0\/0|::\/0/);
      for (const r of all) {
        expect(r.description).not.toMatch(/^$|Managed by Terraform/);
        // Every rule has a source or destination: itself, the VPC, or the S3 prefix list.
        expect(r.self === true || (r.cidr_blocks as string[] | null)?.length || (r.prefix_list_ids as string[] | null)?.length).toBeTruthy();
      }
      // EC2 takes only these characters in a group's or rule's description (no apostrophes): the provider refuses others at validate.
      for (const d of [group.description, ...all.map((r) => r.description)]) expect(d).toMatch(/^[0-9A-Za-z_ .:/()#,@[\]+=&;{}!$*-]+$/);
      // The all-protocol rules reach only the group itself.
      for (const r of all.filter((x) => x.protocol === "-1")) expect(r).toMatchObject({ self: true, cidr_blocks: null, prefix_list_ids: null });
    });
  });

  describe("execution role", () => {
    it("is assumed by MWAA only on behalf of this account", () => {
      const role = resource(synth(props()), "aws_iam_role", "mwaa");
      expect(role.name).toBe("acme-dev-mwaa-execution");
      expect(policyOf(role, "assume_role_policy").Statement).toEqual([
        {
          Sid: "ServiceAssumesRoleForThisAccountOnly",
          Effect: "Allow",
          // Both Airflow principals (environment and service), sorted.
          Principal: { Service: ["airflow-env.amazonaws.com", "airflow.amazonaws.com"] },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
        },
      ]);
      expect(role).not.toHaveProperty("managed_policy_arns");
    });

    it("has exactly the permissions the environment needs, each on the narrowest resource", () => {
      const policy = policyOf(resource(synth(props()), "aws_iam_role_policy", "mwaa__environment"));
      expect(policy).toEqual({
        Version: "2012-10-17",
        Statement: [
          { Sid: "PublishEnvironmentHealthMetrics", Effect: "Allow", Action: "airflow:PublishMetrics", Resource: "arn:aws:airflow:eu-west-1:111111111111:environment/acme-dev" },
          { Sid: "ReadAccountPublicAccessBlock", Effect: "Allow", Action: "s3:GetAccountPublicAccessBlock", Resource: "*" },
          {
            Sid: "ReadSourceBucket",
            Effect: "Allow",
            Action: ["s3:GetBucket*", "s3:GetObject*", "s3:List*"],
            Resource: ["arn:aws:s3:::acme-dev-mwaa", "arn:aws:s3:::acme-dev-mwaa/*"],
          },
          {
            Sid: "WriteEnvironmentLogs",
            Effect: "Allow",
            Action: [
              "logs:CreateLogGroup",
              "logs:CreateLogStream",
              "logs:GetLogEvents",
              "logs:GetLogGroupFields",
              "logs:GetLogRecord",
              "logs:GetQueryResults",
              "logs:PutLogEvents",
            ],
            Resource: "arn:aws:logs:eu-west-1:111111111111:log-group:airflow-acme-dev-*",
          },
          { Sid: "DescribeLogGroups", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
          { Sid: "PublishAirflowMetrics", Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*" },
          {
            Sid: "UseCeleryQueues",
            Effect: "Allow",
            Action: ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage", "sqs:SendMessage"],
            Resource: "arn:aws:sqs:eu-west-1:*:airflow-celery-*",
          },
          {
            Sid: "UseKeyThroughSqsAndS3",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*"],
            Resource: "${aws_kms_key.mwaa.arn}",
            Condition: { StringEquals: { "kms:ViaService": ["s3.eu-west-1.amazonaws.com", "sqs.eu-west-1.amazonaws.com"] } },
          },
        ],
      });
    });

    it("writes service names of the China partition with .com.cn", () => {
      const tf = synth(props({ partition: "aws-cn", region: "cn-north-1", sourceBucketArn: "arn:aws-cn:s3:::acme-dev-mwaa" }));
      const kms = policyOf(resource(tf, "aws_iam_role_policy", "mwaa__environment")).Statement.find((s) => s.Sid === "UseKeyThroughSqsAndS3")!;
      expect(kms.Condition).toEqual({ StringEquals: { "kms:ViaService": ["s3.cn-north-1.amazonaws.com.cn", "sqs.cn-north-1.amazonaws.com.cn"] } });
    });

    it("allows Resource * only for actions without resource-level permissions, and no wildcard action", () => {
      for (const s of policyOf(resource(synth(props()), "aws_iam_role_policy", "mwaa__environment")).Statement) {
        const actions = typeof s.Action === "string" ? [s.Action] : s.Action;
        expect(actions.some((a) => a === "*" || /^[a-z0-9-]+:\*$/.test(a)), s.Sid).toBe(false);
        if (s.Resource === "*") expect(["s3:GetAccountPublicAccessBlock", "logs:DescribeLogGroups", "cloudwatch:PutMetricData"]).toContain(s.Action);
      }
    });

    it("puts the DAGs' own permissions in a policy of their own", () => {
      const tf = synth(props({ extraStatements: [startGlueJob] }));
      expect(policyOf(resource(tf, "aws_iam_role_policy", "mwaa__dags"))).toEqual({ Version: "2012-10-17", Statement: [startGlueJob] });
      expect(resource(tf, "aws_iam_role_policies_exclusive", "mwaa").policy_names).toEqual(["dags", "environment"]);
    });
  });

  describe("validation", () => {
    it("fails when there is one subnet", () => {
      expect(problemsOf(props({ subnetIds: ["subnet-0aaaaaaaaaaaaaaaa"] }))).toBe(
        "MwaaEnvironment stack/mwaa: 1 problem:\n  - subnetIds has 1 subnet; MWAA takes exactly two private subnets, in two Availability Zones",
      );
    });

    it("fails when there are three subnets", () => {
      expect(problemsOf(props({ subnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb", "subnet-0cccccccccccccccc"] }))).toContain(
        "subnetIds has 3 subnets; MWAA takes exactly two private subnets, in two Availability Zones",
      );
    });

    it("fails when the same subnet is given twice", () => {
      expect(problemsOf(props({ subnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0aaaaaaaaaaaaaaaa"] }))).toContain('subnetIds[1] "subnet-0aaaaaaaaaaaaaaaa" is listed twice');
    });

    it("fails when the VPC CIDR is public", () => {
      expect(problemsOf(props({ vpcCidr: "52.94.0.0/16" }))).toContain('vpcCidr "52.94.0.0/16" is not a private range');
    });

    it("fails when the VPC CIDR is the internet", () => {
      const message = problemsOf(props({ vpcCidr: "0.0.0.0/0" }));
      expect(message).toContain('vpcCidr "0.0.0.0/0" is a /0; a VPC CIDR is /16 to /28');
      expect(message).toContain('vpcCidr "0.0.0.0/0" is not a private range');
    });

    it("fails when the environment class is not one MWAA offers", () => {
      expect(problemsOf(props({ environmentClass: "mw1.huge" }))).toContain(
        'environmentClass "mw1.huge" is not an MWAA environment class (one of mw1.micro, mw1.small, mw1.medium, mw1.large, mw1.xlarge, mw1.2xlarge)',
      );
    });

    it("fails when workers and schedulers are out of range for the class", () => {
      const message = problemsOf(props({ minWorkers: 5, maxWorkers: 3, schedulers: 1 }));
      expect(message).toContain("minWorkers 5 is more than maxWorkers 3");
      expect(message).toContain("schedulers must be a whole number from 2 to 5; got 1");
      expect(problemsOf(props({ environmentClass: "mw1.micro", maxWorkers: 2 }))).toContain("maxWorkers must be a whole number from 1 to 1 on mw1.micro; got 2");
    });

    it("fails when the name, maintenance window, bucket ARN and key alias are malformed — all in one error", () => {
      expect(
        problemsOf(
          props({ name: "1-airflow", weeklyMaintenanceWindowStart: "SUN:03:15", sourceBucketArn: "arn:aws:s3:::other", keyAlias: "acme/mwaa", vpcId: "vpc-1" }),
        ),
      ).toBe(
        [
          "MwaaEnvironment stack/mwaa: 5 problems:",
          '  - name "1-airflow" must be a letter followed by up to 79 letters, digits, "-" or "_"',
          '  - vpcId "vpc-1" is not a VPC ID (like "vpc-0a1b2c3d4e5f67890")',
          '  - sourceBucketArn "arn:aws:s3:::other" is not the ARN of sourceBucketName; expected "arn:aws:s3:::acme-dev-mwaa"',
          '  - keyAlias "acme/mwaa" must be "alias/" followed by letters, digits, "/", "_" or "-"',
          '  - weeklyMaintenanceWindowStart "SUN:03:15" must be DAY:HH:MM in UTC, on the hour or half hour (like "SUN:03:00")',
        ].join("\n"),
      );
    });

    it("fails when an extra statement grants a whole service or Resource * (the ServiceRole rules, reported with the rest)", () => {
      const message = problemsOf(props({ extraStatements: [{ Sid: "Everything", Effect: "Allow", Action: "glue:*", Resource: "*" }] }));
      expect(message).toContain('execution role: extraStatements › Everything: Action "glue:*" grants a whole service; list the actions needed');
      expect(message).toContain('execution role: extraStatements › Everything: Allow on Resource "*"');
    });
  });
});

const startGlueJob = {
  Sid: "StartSalesJobs",
  Effect: "Allow" as const,
  Action: ["glue:GetJobRun", "glue:StartJobRun"],
  Resource: "arn:aws:glue:eu-west-1:111111111111:job/acme-sales-*",
};
