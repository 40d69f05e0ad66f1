import { MwaaEnvironment as MwaaEnvironmentResource } from "@cdktf/provider-aws/lib/mwaa-environment";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { endpointEgressRules } from "../network/endpoint-egress";
import { logsKeyStatements } from "../compute/log-group";
import { type PolicyDocument, type PolicyStatement, policyDocument } from "../identity/policy-document";
import { ServiceRole, type ServiceRoleProps, serviceRoleProblems } from "../identity/service-role";
import { escapeTemplates } from "../storage/artifact-object";
import { EncryptionKey } from "../storage/encryption-key";
import { LakeBucket } from "../storage/lake-bucket";
import { subnetIdProblems } from "../network/subnet-ids";

/** The environment classes Amazon MWAA offers, smallest first. */
export const MWAA_ENVIRONMENT_CLASSES: readonly string[] = ["mw1.micro", "mw1.small", "mw1.medium", "mw1.large", "mw1.xlarge", "mw1.2xlarge"];

/** Where MWAA reads DAGs from in the source bucket: DAG files are uploaded under this prefix. */
export const MWAA_DAG_S3_PATH = "dags/";
/** Key of the Python requirements file in the source bucket. */
export const MWAA_REQUIREMENTS_S3_PATH = "requirements.txt";

/**
 * Airflow settings fixed on every environment: no example DAGs, and no
 * default connections (dozens of placeholder connections, some with
 * well-known credentials, that DAGs could pick up by accident).
 */
export const MWAA_AIRFLOW_CONFIGURATION: Readonly<Record<string, string>> = {
  "core.load_default_connections": "false",
  "core.load_examples": "false",
};

const DEFAULT_AIRFLOW_VERSION = "2.10.3";
const DEFAULT_ENVIRONMENT_CLASS = "mw1.small";
const DEFAULT_MIN_WORKERS = 1;
const DEFAULT_MAX_WORKERS = 10;
const DEFAULT_SCHEDULERS = 2;
/** The component logs MWAA writes, in the provider's block names; every one is on, at INFO. */
const LOG_TYPES = ["dag_processing_logs", "scheduler_logs", "task_logs", "webserver_logs", "worker_logs"] as const;

export interface MwaaEnvironmentProps {
  /**
   * Terraform resource name of every resource of this construct (the
   * requirements object is `<name>--requirements`).
   * @default - the construct id
   */
  readonly terraformName?: string;
  /** Environment name: a letter, then up to 79 letters, digits, `-` and `_`. Its log groups are `airflow-<name>-<component>`. */
  readonly name: string;
  /** Account the environment lives in (12 digits). */
  readonly accountId: string;
  /** Region of the environment, its key, bucket and subnets. */
  readonly region: string;
  readonly partition: string;
  /** VPC of the subnets (`vpc-…`). */
  readonly vpcId: string;
  /**
   * The VPC's IPv4 CIDR block (private, /16 to /28): the security group
   * admits the web server's HTTPS from it and lets HTTPS out to it, where
   * the interface endpoints (SQS, logs, metrics, KMS, Airflow) are.
   */
  readonly vpcCidr: string;
  /** Prefix list of the VPC's S3 gateway endpoint (`pl-…`), the environment's only path to S3. */
  readonly s3PrefixListId: string;
  /** Exactly two private subnets, in two Availability Zones: MWAA takes two, no more, no fewer. */
  readonly subnetIds: readonly string[];
  /** Name of the environment's security group (unique in the VPC; cannot start with `sg-`). */
  readonly securityGroupName: string;
  /** Name of the execution role. */
  readonly executionRoleName: string;
  /** Source bucket (DAGs, requirements): a new bucket of this name is created. */
  readonly sourceBucketName: string;
  /** ARN of the source bucket, known in advance from its name. */
  readonly sourceBucketArn: string;
  /** Where the source bucket's S3 server access logs go (the platform's access-log bucket). */
  readonly accessLogs: { readonly targetBucket: string; readonly targetPrefix: string };
  /** Alias of the environment's key, with the `alias/` prefix. */
  readonly keyAlias: string;
  /** Text of `requirements.txt`: the Python packages installed on every Airflow component. */
  readonly requirements: string;
  /**
   * Apache Airflow version.
   * @default "2.10.3"
   */
  readonly airflowVersion?: string;
  /**
   * Environment class: the size of the scheduler, web server and each worker.
   * @default "mw1.small"
   */
  readonly environmentClass?: string;
  /**
   * Workers always running (1-25; 1 on mw1.micro).
   * @default 1
   */
  readonly minWorkers?: number;
  /**
   * Workers MWAA may scale out to under load (minWorkers-25; 1 on mw1.micro).
   * @default 10 (1 on mw1.micro)
   */
  readonly maxWorkers?: number;
  /**
   * Schedulers (2-5; 1 on mw1.micro).
   * @default 2 (1 on mw1.micro)
   */
  readonly schedulers?: number;
  /**
   * Start of the weekly maintenance window, UTC, as `DAY:HH:MM` on the hour
   * or half hour (`SUN:03:00`).
   * @default - MWAA picks a window
   */
  readonly weeklyMaintenanceWindowStart?: string;
  /**
   * What the DAGs themselves do, as statements of the execution role's
   * `dags` inline policy: start Glue jobs, EMR Serverless runs, Step
   * Functions executions. Held to the ServiceRole rules: no wildcard action,
   * no Resource `*` except for actions without resource-level permissions.
   * @default - none: the DAGs can reach nothing beyond the environment itself
   */
  readonly extraStatements?: readonly PolicyStatement[];
}

/**
 * One Amazon MWAA (Managed Workflows for Apache Airflow) environment with
 * everything that belongs to it alone: its KMS key, its source bucket and
 * `requirements.txt`, its security group and its execution role.
 *
 * Fixed in code, not offered as options:
 * - the web server is private (`PRIVATE_ONLY`, CKV2_AWS_66), reached through
 *   the VPC endpoint MWAA creates in the subnets (`endpoint_management`
 *   SERVICE);
 * - all five component logs (DAG processing, scheduler, task, web server,
 *   worker) on at INFO (CKV_AWS_242/243/244, cdk-nag MWAAAllLoggingInfo);
 * - a customer-managed key for the environment (metadata database, queue,
 *   logs) and the source bucket, single-Region as MWAA requires, whose
 *   policy names its principals: the account (through IAM) and CloudWatch
 *   Logs for log groups of this account and Region. MWAA gives itself
 *   (`airflow.<region>.amazonaws.com`) grants on the key when the environment
 *   is created, through the deployer's `kms:CreateGrant`, so the key policy
 *   names no Airflow principal;
 * - a versioned, SSE-KMS source bucket with every LakeBucket protection;
 *   DAGs go under `dags/`, and the environment pins the version of
 *   `requirements.txt` it installs;
 * - a security group whose rules are all described, with no internet path:
 *   all traffic within the group (MWAA requires the self-reference: the
 *   schedulers, workers and the metadata-database and web-server endpoints
 *   all carry it), HTTPS in from the VPC to the web server, HTTPS out to the
 *   VPC (interface endpoints) and to the S3 gateway endpoint's prefix list;
 * - an execution role with the permissions the AWS execution-role guide
 *   lists for a customer-managed key, each on the narrowest resource it
 *   allows, plus `extraStatements` in a policy of their own;
 * - no example DAGs, no default connections (MWAA_AIRFLOW_CONFIGURATION).
 *
 * Terraform addresses: `aws_mwaa_environment.<name>`, `aws_kms_key.<name>`,
 * `aws_kms_alias.<name>`, `aws_s3_bucket.<name>` (and the bucket's other
 * resources), `aws_s3_object.<name>--requirements`, `aws_security_group.<name>`,
 * `aws_iam_role.<name>`, `aws_iam_role_policy.<name>__environment`,
 * `aws_iam_role_policy.<name>__dags` (with extraStatements only).
 */
export class MwaaEnvironment extends Construct {
  readonly environment: MwaaEnvironmentResource;
  readonly key: EncryptionKey;
  readonly sourceBucket: LakeBucket;
  readonly requirements: S3Object;
  readonly securityGroup: SecurityGroup;
  readonly executionRole: ServiceRole;
  /** ARN of the environment, known in advance from its name. */
  readonly environmentArn: string;

  constructor(scope: Construct, id: string, props: MwaaEnvironmentProps) {
    super(scope, id);
    const name = props.terraformName ?? id;
    const problems = mwaaEnvironmentProblems(props);
    if (problems.length > 0) {
      throw new Error(`MwaaEnvironment ${this.node.path}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    this.environmentArn = mwaaEnvironmentArn(props);

    this.key = new EncryptionKey(this, "key", {
      terraformName: name,
      alias: props.keyAlias,
      description: `MWAA environment ${props.name}: metadata database, task queue, logs and source bucket`,
      accountId: props.accountId,
      partition: props.partition,
      statements: logsKeyStatements(props.accountId, props.region, props.partition),
      // MWAA refuses multi-Region keys.
      multiRegion: false,
    });
    const keyArn = this.key.key.arn;

    this.sourceBucket = new LakeBucket(this, "source", {
      terraformName: name,
      bucketName: props.sourceBucketName,
      bucketArn: props.sourceBucketArn,
      // MWAA reads the bucket with the environment's key: one key for both, as MWAA requires.
      encryption: { kind: "kms", kmsKeyArn: keyArn },
      // Domain stacks upload DAGs naming the key by its alias: the key's ARN is only known in this stack.
      additionalUploadKeyArns: [mwaaKeyAliasArn(props)],
      accessLogs: props.accessLogs,
      lifecycle: { intelligentTiering: false, noncurrentVersionExpiryDays: 90, abortIncompleteMultipartUploadDays: 7 },
      eventBridge: false,
    });
    // The object must be written after versioning is on, or it has no version for the environment to pin.
    const versioning = this.sourceBucket.versioning;
    this.requirements = new S3Object(this, "requirements", {
      bucket: this.sourceBucket.bucket.id,
      key: MWAA_REQUIREMENTS_S3_PATH,
      // Terraform would read ${…} and %{…} in the text as its own templates.
      content: escapeTemplates(props.requirements),
      contentType: "text/plain",
      serverSideEncryption: "aws:kms",
      kmsKeyId: keyArn,
      bucketKeyEnabled: true,
      dependsOn: [versioning],
    });
    this.requirements.overrideLogicalId(`${name}--requirements`);

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: props.securityGroupName,
      description: `MWAA environment ${props.name}: its own components, HTTPS in from the VPC to the private web server, HTTPS out to the VPC endpoints and S3`,
      vpcId: props.vpcId,
      ingress: [
        {
          description: "All traffic from the environment itself: schedulers, workers and its endpoints (MWAA requires this self-reference)",
          protocol: "-1",
          fromPort: 0,
          toPort: 0,
          selfAttribute: true,
        },
        {
          description: "HTTPS from the VPC to the private Airflow web server",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrBlocks: [props.vpcCidr],
        },
      ],
      egress: [
        {
          // The metadata database (5432) and web server (443) endpoints in the subnets carry this group too.
          description: "All traffic to the environment itself: schedulers, workers, metadata database and web server endpoints",
          protocol: "-1",
          fromPort: 0,
          toPort: 0,
          selfAttribute: true,
        },
        ...endpointEgressRules(props.vpcCidr, props.s3PrefixListId, "SQS, CloudWatch, KMS, Airflow"),
      ],
    });
    this.securityGroup.overrideLogicalId(name);

    this.executionRole = new ServiceRole(this, "execution-role", executionRoleProps(props, name, keyArn));

    const logging = Object.fromEntries(LOG_TYPES.map((t) => [camel(t), { enabled: true, logLevel: "INFO" }]));
    this.environment = new MwaaEnvironmentResource(this, "environment", {
      name: props.name,
      airflowVersion: props.airflowVersion ?? DEFAULT_AIRFLOW_VERSION,
      environmentClass: props.environmentClass ?? DEFAULT_ENVIRONMENT_CLASS,
      ...sizes(props),
      webserverAccessMode: "PRIVATE_ONLY",
      endpointManagement: "SERVICE",
      kmsKey: keyArn,
      sourceBucketArn: props.sourceBucketArn,
      dagS3Path: MWAA_DAG_S3_PATH,
      requirementsS3Path: MWAA_REQUIREMENTS_S3_PATH,
      requirementsS3ObjectVersion: this.requirements.versionId,
      executionRoleArn: this.executionRole.role.arn,
      networkConfiguration: {
        securityGroupIds: [this.securityGroup.id],
        subnetIds: [...props.subnetIds].sort(),
      },
      loggingConfiguration: logging,
      airflowConfigurationOptions: { ...MWAA_AIRFLOW_CONFIGURATION },
      ...(props.weeklyMaintenanceWindowStart === undefined ? {} : { weeklyMaintenanceWindowStart: props.weeklyMaintenanceWindowStart }),
      // MWAA checks the role and the bucket when it creates the environment: their policies must be in place first.
      dependsOn: [...Object.values(this.executionRole.policies), this.sourceBucket.policy],
    });
    this.environment.overrideLogicalId(name);
  }
}

/** Workers and schedulers with their defaults; mw1.micro runs one of each. */
function sizes(props: MwaaEnvironmentProps): { minWorkers: number; maxWorkers: number; schedulers: number } {
  const micro = (props.environmentClass ?? DEFAULT_ENVIRONMENT_CLASS) === "mw1.micro";
  return {
    minWorkers: props.minWorkers ?? DEFAULT_MIN_WORKERS,
    maxWorkers: props.maxWorkers ?? (micro ? 1 : DEFAULT_MAX_WORKERS),
    schedulers: props.schedulers ?? (micro ? 1 : DEFAULT_SCHEDULERS),
  };
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** `arn:<partition>:airflow:<region>:<account>:environment/<name>`. */
export function mwaaEnvironmentArn(props: Pick<MwaaEnvironmentProps, "partition" | "region" | "accountId" | "name">): string {
  return `arn:${props.partition}:airflow:${props.region}:${props.accountId}:environment/${props.name}`;
}

/** `<service>.<region>.amazonaws.com`, `.com.cn` in the China partition. */
const regionalService = (service: string, region: string, partition: string) => `${service}.${region}.${partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com"}`;

/**
 * The execution role's own policy: what the AWS execution-role guide lists
 * for an environment with a customer-managed key, each on the narrowest
 * resource it allows. Left out of the guide's sample: its Deny of
 * `s3:ListAllMyBuckets` on the bucket ARNs (a no-op: that action is only
 * ever authorized on `*`, which this role is never allowed).
 */
export function executionRolePolicy(props: MwaaEnvironmentProps, keyArn: string): PolicyDocument {
  const { partition, region, accountId } = props;
  return policyDocument([
    {
      Sid: "PublishEnvironmentHealthMetrics",
      Effect: "Allow",
      Action: "airflow:PublishMetrics",
      Resource: mwaaEnvironmentArn(props),
    },
    {
      // MWAA checks the account's Block Public Access before using the bucket; the action takes no resource.
      Sid: "ReadAccountPublicAccessBlock",
      Effect: "Allow",
      Action: "s3:GetAccountPublicAccessBlock",
      Resource: "*",
    },
    {
      Sid: "ReadSourceBucket",
      Effect: "Allow",
      Action: ["s3:GetBucket*", "s3:GetObject*", "s3:List*"],
      Resource: [props.sourceBucketArn, `${props.sourceBucketArn}/*`],
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
      Resource: `arn:${partition}:logs:${region}:${accountId}:log-group:airflow-${props.name}-*`,
    },
    // Neither action supports resource-level permissions.
    { Sid: "DescribeLogGroups", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
    { Sid: "PublishAirflowMetrics", Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*" },
    {
      // The Celery task queues live in an account of MWAA's, hence any account.
      Sid: "UseCeleryQueues",
      Effect: "Allow",
      Action: ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage", "sqs:SendMessage"],
      Resource: `arn:${partition}:sqs:${region}:*:airflow-celery-*`,
    },
    {
      // The queues and the source bucket are encrypted with the environment's key; only those two services may use it for the role.
      Sid: "UseKeyThroughSqsAndS3",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*"],
      Resource: keyArn,
      Condition: { StringEquals: { "kms:ViaService": [regionalService("s3", region, partition), regionalService("sqs", region, partition)] } },
    },
  ]);
}

function executionRoleProps(props: MwaaEnvironmentProps, name: string, keyArn: string): ServiceRoleProps {
  const extra = props.extraStatements ?? [];
  return {
    terraformName: name,
    roleName: props.executionRoleName,
    description: `Execution role of MWAA environment ${props.name}`,
    servicePrincipal: ["airflow-env.amazonaws.com", "airflow.amazonaws.com"],
    accountId: props.accountId,
    policies: {
      environment: executionRolePolicy(props, keyArn),
      ...(extra.length > 0 ? { dags: policyDocument(extra) } : {}),
    },
  };
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,79}$/;
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const PARTITIONS = ["aws", "aws-cn", "aws-us-gov"];
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const PREFIX_LIST_ID = /^pl-[0-9a-f]{8,17}$/;
const SECURITY_GROUP_NAME = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const KEY_ALIAS = /^alias\/[A-Za-z0-9/_-]{1,250}$/;
const AIRFLOW_VERSION = /^\d+\.\d+\.\d+$/;
const MAINTENANCE_WINDOW = /^(MON|TUE|WED|THU|FRI|SAT|SUN):([01]\d|2[0-3]):(00|30)$/;
/** Address blocks that are not routed on the internet, as [first address, prefix length]. */
const PRIVATE_RANGES: readonly (readonly [number, number])[] = [
  [ipv4(10, 0, 0, 0), 8],
  [ipv4(172, 16, 0, 0), 12],
  [ipv4(192, 168, 0, 0), 16],
  [ipv4(100, 64, 0, 0), 10],
];
/** Stands in for the key ARN (known only at apply) while the role's policies are checked. */
const KEY_ARN_PLACEHOLDER = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000";

/** Every problem with the props, one sentence each; empty when they are fine. Tokens are not checked. */
export function mwaaEnvironmentProblems(props: MwaaEnvironmentProps): string[] {
  const out: string[] = [];
  const literal = (s: string) => !Token.isUnresolved(s);

  if (literal(props.name) && !NAME.test(props.name)) out.push(`name "${props.name}" must be a letter followed by up to 79 letters, digits, "-" or "_"`);
  if (literal(props.accountId) && !ACCOUNT_ID.test(props.accountId)) out.push(`accountId "${props.accountId}" is not 12 digits`);
  if (literal(props.region) && !REGION.test(props.region)) out.push(`region "${props.region}" is not an AWS Region (like "eu-west-1")`);
  if (literal(props.partition) && !PARTITIONS.includes(props.partition)) out.push(`partition "${props.partition}" is not one of ${PARTITIONS.join(", ")}`);

  if (literal(props.vpcId) && !VPC_ID.test(props.vpcId)) out.push(`vpcId "${props.vpcId}" is not a VPC ID (like "vpc-0a1b2c3d4e5f67890")`);
  if (literal(props.vpcCidr)) out.push(...vpcCidrProblems(props.vpcCidr));
  if (literal(props.s3PrefixListId) && !PREFIX_LIST_ID.test(props.s3PrefixListId)) {
    out.push(`s3PrefixListId "${props.s3PrefixListId}" is not a prefix list ID (like "pl-6da54004"): the prefix list of the VPC's S3 gateway endpoint`);
  }
  if (props.subnetIds.length !== 2) {
    out.push(`subnetIds has ${props.subnetIds.length} subnet${props.subnetIds.length === 1 ? "" : "s"}; MWAA takes exactly two private subnets, in two Availability Zones`);
  }
  out.push(...subnetIdProblems(props.subnetIds));
  const sg = props.securityGroupName;
  if (literal(sg) && (!SECURITY_GROUP_NAME.test(sg) || sg.toLowerCase().startsWith("sg-"))) {
    out.push(`securityGroupName "${sg}" must be 1-255 characters of letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*, not starting with "sg-"`);
  }

  const bucket = props.sourceBucketName;
  if (literal(bucket) && (!BUCKET_NAME.test(bucket) || bucket.includes(".."))) {
    out.push(`sourceBucketName "${bucket}" is not an S3 bucket name (3-63 lower-case letters, digits, "." and "-", starting and ending with a letter or digit)`);
  }
  if (literal(bucket) && literal(props.sourceBucketArn) && literal(props.partition) && props.sourceBucketArn !== `arn:${props.partition}:s3:::${bucket}`) {
    out.push(`sourceBucketArn "${props.sourceBucketArn}" is not the ARN of sourceBucketName; expected "arn:${props.partition}:s3:::${bucket}"`);
  }
  if (literal(props.keyAlias) && !KEY_ALIAS.test(props.keyAlias)) out.push(`keyAlias "${props.keyAlias}" must be "alias/" followed by letters, digits, "/", "_" or "-"`);
  if (literal(props.keyAlias) && props.keyAlias.startsWith("alias/aws/")) out.push(`keyAlias "${props.keyAlias}" starts with "alias/aws/", which AWS reserves for its own keys`);

  const version = props.airflowVersion ?? DEFAULT_AIRFLOW_VERSION;
  if (literal(version) && !AIRFLOW_VERSION.test(version)) out.push(`airflowVersion "${version}" is not an Apache Airflow version (like "${DEFAULT_AIRFLOW_VERSION}")`);
  const cls = props.environmentClass ?? DEFAULT_ENVIRONMENT_CLASS;
  const classKnown = MWAA_ENVIRONMENT_CLASSES.includes(cls);
  if (literal(cls) && !classKnown) out.push(`environmentClass "${cls}" is not an MWAA environment class (one of ${MWAA_ENVIRONMENT_CLASSES.join(", ")})`);
  if (classKnown) out.push(...sizeProblems(props, cls));
  const window = props.weeklyMaintenanceWindowStart;
  if (window !== undefined && literal(window) && !MAINTENANCE_WINDOW.test(window)) {
    out.push(`weeklyMaintenanceWindowStart "${window}" must be DAY:HH:MM in UTC, on the hour or half hour (like "SUN:03:00")`);
  }

  // The role's own checks (its name, and the extra statements' wildcards), reported here with the rest.
  const role = executionRoleProps(props, "execution", KEY_ARN_PLACEHOLDER);
  out.push(...serviceRoleProblems(role).map((p) => `execution role: ${p.replace(/^policies\.dags › /, "extraStatements › ")}`));
  return out;
}

/** Workers and schedulers, against what the class allows (mw1.micro runs one of each). */
function sizeProblems(props: MwaaEnvironmentProps, cls: string): string[] {
  const out: string[] = [];
  const micro = cls === "mw1.micro";
  const { minWorkers: min, maxWorkers: max, schedulers } = sizes(props);
  const whole = (field: string, n: number, lo: number, hi: number) =>
    Number.isInteger(n) && n >= lo && n <= hi ? [] : [`${field} must be a whole number from ${lo} to ${hi}${micro ? " on mw1.micro" : ""}; got ${n}`];
  const workerMax = micro ? 1 : 25;
  out.push(...whole("minWorkers", min, 1, workerMax), ...whole("maxWorkers", max, 1, workerMax));
  if (Number.isInteger(min) && Number.isInteger(max) && min > max) out.push(`minWorkers ${min} is more than maxWorkers ${max}`);
  out.push(...(micro ? whole("schedulers", schedulers, 1, 1) : whole("schedulers", schedulers, 2, 5)));
  return out;
}

function vpcCidrProblems(cidr: string): string[] {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const bits = m ? Number(m[5]) : -1;
  if (!m || octets.some((o) => o > 255) || bits > 32) return [`vpcCidr "${cidr}" is not an IPv4 CIDR block (like "10.20.0.0/16")`];
  const out: string[] = [];
  if (bits < 16 || bits > 28) out.push(`vpcCidr "${cidr}" is a /${bits}; a VPC CIDR is /16 to /28`);
  const address = ipv4(octets[0]!, octets[1]!, octets[2]!, octets[3]!);
  if (bits >= 0 && bits <= 32 && address % 2 ** (32 - bits) !== 0) out.push(`vpcCidr "${cidr}" is not written as its network address`);
  const inside = PRIVATE_RANGES.some(([base, len]) => bits >= len && Math.floor(address / 2 ** (32 - len)) === Math.floor(base / 2 ** (32 - len)));
  if (!inside) {
    out.push(`vpcCidr "${cidr}" is not a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10): the security group would open the web server and HTTPS to the internet`);
  }
  return out;
}

function ipv4(a: number, b: number, c: number, d: number): number {
  return ((a * 256 + b) * 256 + c) * 256 + d;
}

/** The environment key's alias ARN: how another stack names the key when it uploads a DAG. */
export function mwaaKeyAliasArn(props: Pick<MwaaEnvironmentProps, "partition" | "region" | "accountId" | "keyAlias">): string {
  return `arn:${props.partition}:kms:${props.region}:${props.accountId}:${props.keyAlias}`;
}
