import { GlueJob as GlueJobResource } from "@cdktf/provider-aws/lib/glue-job";
import { GlueTrigger } from "@cdktf/provider-aws/lib/glue-trigger";
import { Token } from "cdktf";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { SECURITY_CONFIGURATION_NAME } from "./glue-security-configuration";
import { EncryptedLogGroup, kmsKeyArnProblems, retentionProblems } from "./log-group";

/**
 * Glue versions this construct knows. Only 5.0: its logging (always real
 * time, to an `error` and an `output` log group named after the security
 * configuration and the role) is what the log groups below are made for;
 * 4.0 logs through `--continuous-log-logGroup` to differently named groups.
 */
export type GlueVersion = "5.0";
export const GLUE_VERSIONS: readonly GlueVersion[] = ["5.0"];

/** Worker types for Spark ETL jobs (1, 2, 4 and 8 DPUs). */
export type GlueWorkerType = "G.1X" | "G.2X" | "G.4X" | "G.8X";
export const GLUE_WORKER_TYPES: readonly GlueWorkerType[] = ["G.1X", "G.2X", "G.4X", "G.8X"];
/** Glue runs Flex jobs only on these worker types. */
export const FLEX_WORKER_TYPES: readonly GlueWorkerType[] = ["G.1X", "G.2X"];

export interface GlueJobProps {
  /**
   * Terraform resource name of the job; its other resources add a suffix
   * (see the class documentation).
   * @default - the construct id
   */
  readonly terraformName?: string;
  /** Job name: 1–246 letters, digits and `._-` (trigger names add a suffix of up to 9 characters). */
  readonly name: string;
  /** ARN of the role the job runs as. */
  readonly roleArn: string;
  /** Name of that role; Glue puts it in the names of the job's log groups. */
  readonly roleName: string;
  /** `s3://<bucket>/<key>.py`: the PySpark script. */
  readonly scriptLocation: string;
  /** `s3://<bucket>/<prefix>`: Glue's temporary directory (`--TempDir`). */
  readonly tempDir: string;
  /**
   * Name of the security configuration that encrypts what the job writes
   * (CKV_AWS_195); pass `GlueSecurityConfiguration.name` so the job refers to it.
   */
  readonly securityConfigurationName: string;
  /**
   * ARN of the key of that security configuration, for the job's log groups.
   * Glue associates the configuration's key with the groups it writes to, so
   * another key here would be replaced on the first run and show as drift.
   */
  readonly logKmsKeyArn: string;
  /**
   * Days the job's logs are kept; see EncryptedLogGroupProps.retentionDays.
   * @default 400
   */
  readonly logRetentionDays?: number;
  /** @default "5.0" */
  readonly glueVersion?: GlueVersion;
  /** @default "G.1X" */
  readonly workerType?: GlueWorkerType;
  /**
   * Workers per run, 2–299.
   * @default 2
   */
  readonly numberOfWorkers?: number;
  /**
   * Run on spare capacity (execution class FLEX): cheaper, for jobs whose
   * start and end times may slip. G.1X and G.2X workers only.
   * @default false - execution class STANDARD
   */
  readonly flex?: boolean;
  /**
   * Minutes after which a run is stopped, 1–10080 (7 days).
   * @default 60
   */
  readonly timeoutMinutes?: number;
  /**
   * Times Glue retries a failed run, 0–10.
   * @default 1
   */
  readonly maxRetries?: number;
  /**
   * Job bookmarks: each run processes only data that arrived since the last
   * successful one.
   * @default true
   */
  readonly bookmarks?: boolean;
  /**
   * Job parameters for the script, `--name` → value. They may not set a
   * parameter this construct sets (RESERVED_ARGUMENTS).
   * @default - none
   */
  readonly arguments?: Readonly<Record<string, string>>;
  /**
   * When to run: a Glue cron expression in UTC, `cron(<min> <hour> <day-of-month> <month> <day-of-week> <year>)`.
   * Glue triggers take no `rate(...)` expressions.
   * @default - no scheduled trigger
   */
  readonly schedule?: string;
  /**
   * Jobs after whose success this job runs: one conditional trigger that
   * fires when every job listed has succeeded.
   * @default - no conditional trigger
   */
  readonly after?: readonly string[];
  /**
   * The resources of the jobs named in `after`, so the trigger is created after them.
   * @default - none (the jobs must then exist already)
   */
  readonly afterJobs?: readonly ITerraformDependable[];
}

/**
 * The CloudWatch namespace a Glue job's metrics and observability metrics
 * are published to, with the credentials of the job's role: the role needs
 * cloudwatch:PutMetricData there, or the metrics are dropped without an error.
 */
export const GLUE_METRICS_NAMESPACE = "Glue";

/**
 * Parameters the construct sets: `arguments` may not name them. The value
 * says what to use instead.
 */
export const RESERVED_ARGUMENTS: Readonly<Record<string, string>> = {
  "--TempDir": "set it with tempDir",
  "--scriptLocation": "set it with scriptLocation",
  "--job-bookmark-option": "set it with bookmarks",
  "--job-language": "jobs are Python 3",
  "--enable-glue-datacatalog": "the job always uses the Glue Data Catalog",
  "--enable-metrics": "job metrics are always on",
  "--enable-observability-metrics": "observability metrics are always on",
  "--enable-spark-ui": "the Spark UI is off",
  "--spark-event-logs-path": "the Spark UI is off",
  "--enable-continuous-cloudwatch-log": "logs always go to the job's encrypted log groups",
  "--continuous-log-logGroup": "logs always go to the job's encrypted log groups",
  "--custom-logGroup-prefix": "logs always go to the job's encrypted log groups",
  "--enable-lakeformation-fine-grained-access": "the job always reads and writes through Lake Formation",
};

/**
 * The log groups a Glue 5.0 job writes to when its security configuration
 * encrypts CloudWatch logs: `error` (driver, executor and Spark logs) and
 * `output` (the script's stdout and stderr). The Glue guide documents only
 * the unencrypted names (`/aws-glue/jobs/error`, `…/output`); this is the
 * `<configuration>-role/<role>` form Glue has long used for encrypted job
 * logs. Check it against the first real run.
 */
export function glueJobLogGroupNames(securityConfigurationName: string, roleName: string): { readonly error: string; readonly output: string } {
  const stem = `/aws-glue/jobs/${securityConfigurationName}-role/${roleName}`;
  return { error: `${stem}/error`, output: `${stem}/output` };
}

/**
 * A Glue Spark ETL job (PySpark, `glueetl`) with its log groups and
 * optional triggers.
 *
 * Fixed in code, not offered as options:
 * - a security configuration (CKV_AWS_195); with the one GlueSecurityConfiguration
 *   makes, everything the job writes is encrypted under a customer-managed key;
 * - its two log groups, created before the job with that key and a retention
 *   period, so Glue never creates them itself without retention;
 * - one run at a time (bookmarks are not safe with concurrent runs);
 * - the Glue Data Catalog as metastore, job and observability metrics on,
 *   and the Spark UI off: its event logs hold query plans with the literal
 *   values of filters, readable by whoever can read the log path rather than
 *   through Lake Formation, and need a path the role can write to.
 *   These parameters are non-overridable: a StartJobRun cannot change them.
 *
 * `--TempDir` is non-overridable too; `--job-bookmark-option` is a default
 * argument, so one run can pause or disable bookmarks for a backfill.
 *
 * Terraform addresses: `aws_glue_job.<name>`,
 * `aws_cloudwatch_log_group.<name>--error` and `<name>--output`,
 * `aws_glue_trigger.<name>` (schedule) and `aws_glue_trigger.<name>--after`
 * (conditional). Trigger names: `<job>-schedule`, `<job>-after`.
 */
export class GlueJob extends Construct {
  readonly job: GlueJobResource;
  readonly logGroups: { readonly error: EncryptedLogGroup; readonly output: EncryptedLogGroup };
  /** The scheduled trigger, when there is a schedule. */
  readonly scheduleTrigger?: GlueTrigger;
  /** The conditional trigger, when `after` lists jobs. */
  readonly afterTrigger?: GlueTrigger;

  constructor(scope: Construct, id: string, props: GlueJobProps) {
    super(scope, id);
    const problems = glueJobProblems(props);
    if (problems.length > 0) {
      throw new Error(`GlueJob ${this.node.path}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    const name = props.terraformName ?? id;

    const logNames = glueJobLogGroupNames(props.securityConfigurationName, props.roleName);
    const logGroup = (kind: "error" | "output") =>
      new EncryptedLogGroup(this, `log-group-${kind}`, {
        terraformName: `${name}--${kind}`,
        name: logNames[kind],
        kmsKeyArn: props.logKmsKeyArn,
        ...(props.logRetentionDays === undefined ? {} : { retentionDays: props.logRetentionDays }),
      });
    this.logGroups = { error: logGroup("error"), output: logGroup("output") };

    this.job = new GlueJobResource(this, "job", {
      name: props.name,
      roleArn: props.roleArn,
      glueVersion: props.glueVersion ?? "5.0",
      command: { name: "glueetl", pythonVersion: "3", scriptLocation: props.scriptLocation },
      workerType: props.workerType ?? "G.1X",
      numberOfWorkers: props.numberOfWorkers ?? 2,
      executionClass: props.flex ? "FLEX" : "STANDARD",
      timeout: props.timeoutMinutes ?? 60,
      maxRetries: props.maxRetries ?? 1,
      securityConfiguration: props.securityConfigurationName,
      executionProperty: { maxConcurrentRuns: 1 },
      defaultArguments: sortedRecord({
        ...props.arguments,
        "--job-bookmark-option": (props.bookmarks ?? true) ? "job-bookmark-enable" : "job-bookmark-disable",
      }),
      nonOverridableArguments: {
        "--TempDir": props.tempDir,
        "--enable-glue-datacatalog": "true",
        "--enable-metrics": "true",
        "--enable-observability-metrics": "true",
        "--enable-spark-ui": "false",
        // Reads and writes go through Lake Formation; lake buckets deny the job's role direct reads.
        "--enable-lakeformation-fine-grained-access": "true",
      },
      // The log groups exist, with key and retention, before anything can start a run.
      dependsOn: [this.logGroups.error.logGroup, this.logGroups.output.logGroup],
    });
    this.job.overrideLogicalId(name);

    const runJob = [{ jobName: this.job.name }];
    if (props.schedule !== undefined) {
      this.scheduleTrigger = new GlueTrigger(this, "schedule", {
        name: `${props.name}-schedule`,
        type: "SCHEDULED",
        schedule: props.schedule,
        // Created activated: a SCHEDULED trigger is otherwise created deactivated.
        startOnCreation: true,
        actions: runJob,
      });
      this.scheduleTrigger.overrideLogicalId(name);
    }
    if (props.after !== undefined && props.after.length > 0) {
      this.afterTrigger = new GlueTrigger(this, "after", {
        ...(props.afterJobs ? { dependsOn: [...props.afterJobs] } : {}),
        name: `${props.name}-after`,
        type: "CONDITIONAL",
        startOnCreation: true,
        predicate: {
          logical: "AND",
          conditions: [...props.after].sort().map((jobName) => ({ jobName, logicalOperator: "EQUALS", state: "SUCCEEDED" })),
        },
        actions: runJob,
      });
      this.afterTrigger.overrideLogicalId(`${name}--after`);
    }
  }
}

const sortedRecord = (r: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_JOB_NAME = 255 - "-schedule".length;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const BUCKET = "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]";
const SCRIPT_LOCATION = new RegExp(`^s3://${BUCKET}/\\S+\\.py$`);
const S3_URI = new RegExp(`^s3://${BUCKET}(?:/\\S*)?$`);
const ARGUMENT = /^--[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** Six fields: minutes, hours, day of month, month, day of week, year. */
const CRON = /^cron\(\S+(?: \S+){5}\)$/;

const isInt = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;

/** Every problem with the props, one sentence each, in a fixed order; empty when they are fine. Tokens are not checked. */
export function glueJobProblems(props: GlueJobProps): string[] {
  const out: string[] = [];
  const literal = (s: string | undefined): s is string => s !== undefined && !Token.isUnresolved(s);

  const jobNameProblem = (field: string, n: string) =>
    n.length > 255 || !JOB_NAME.test(n) ? [`${field} "${n}" is not a Glue job name (1-255 letters, digits and ._-, starting with a letter or digit)`] : [];
  if (literal(props.name)) {
    out.push(...jobNameProblem("name", props.name));
    if (props.name.length > MAX_JOB_NAME) out.push(`name "${props.name}" is ${props.name.length} characters; at most ${MAX_JOB_NAME}, so the trigger names fit in 255`);
  }

  if (!props.roleArn) out.push("roleArn is required");
  else if (literal(props.roleArn) && !ROLE_ARN.test(props.roleArn)) out.push(`roleArn "${props.roleArn}" is not an IAM role ARN ("arn:<partition>:iam::<account>:role/<name>")`);
  if (!props.roleName) out.push("roleName is required: Glue names the job's log groups after the role");
  else if (literal(props.roleName) && !ROLE_NAME.test(props.roleName)) out.push(`roleName "${props.roleName}" is not an IAM role name (1-64 letters, digits and _+=,.@-)`);
  else if (literal(props.roleName) && /[+=,@]/.test(props.roleName)) {
    out.push(`roleName "${props.roleName}" holds one of +=,@, which log group names cannot, and Glue names the job's log groups after the role`);
  }
  if (literal(props.roleArn) && literal(props.roleName)) {
    const fromArn = ROLE_ARN.exec(props.roleArn)?.[1];
    if (fromArn !== undefined && fromArn !== props.roleName) out.push(`roleArn "${props.roleArn}" names role "${fromArn}", not roleName "${props.roleName}"`);
  }

  if (literal(props.scriptLocation) && !SCRIPT_LOCATION.test(props.scriptLocation)) {
    out.push(`scriptLocation "${props.scriptLocation}" is not the S3 URI of a Python script ("s3://<bucket>/<key>.py")`);
  }
  if (!props.tempDir) out.push("tempDir is required: an S3 URI for Glue's temporary files");
  else if (literal(props.tempDir) && !S3_URI.test(props.tempDir)) out.push(`tempDir "${props.tempDir}" is not an S3 URI ("s3://<bucket>/<prefix>")`);

  if (!props.securityConfigurationName) {
    out.push("securityConfigurationName is required: a job without a security configuration writes unencrypted logs and bookmarks (CKV_AWS_195)");
  } else if (literal(props.securityConfigurationName) && !SECURITY_CONFIGURATION_NAME.test(props.securityConfigurationName)) {
    out.push(`securityConfigurationName "${props.securityConfigurationName}" is not a security configuration name (1-255 letters, digits, - or _)`);
  }
  out.push(...kmsKeyArnProblems("logKmsKeyArn", props.logKmsKeyArn));
  out.push(...retentionProblems("logRetentionDays", props.logRetentionDays));

  const version = props.glueVersion ?? "5.0";
  if (!GLUE_VERSIONS.includes(version)) out.push(`glueVersion "${version}" is not supported (${GLUE_VERSIONS.join(", ")})`);
  const worker = props.workerType ?? "G.1X";
  if (!GLUE_WORKER_TYPES.includes(worker)) out.push(`workerType "${worker}" is not one of ${GLUE_WORKER_TYPES.join(", ")}`);
  const workers = props.numberOfWorkers ?? 2;
  if (!isInt(workers, 2, 299)) out.push(`numberOfWorkers ${workers} is not a whole number from 2 to 299`);
  if (props.flex && GLUE_WORKER_TYPES.includes(worker) && !FLEX_WORKER_TYPES.includes(worker)) {
    out.push(`flex runs only on ${FLEX_WORKER_TYPES.join(" or ")} workers, not ${worker}: use a smaller worker type or turn flex off`);
  }
  const timeout = props.timeoutMinutes ?? 60;
  if (!isInt(timeout, 1, 10080)) out.push(`timeoutMinutes ${timeout} is not a whole number from 1 to 10080 (7 days)`);
  const retries = props.maxRetries ?? 1;
  if (!isInt(retries, 0, 10)) out.push(`maxRetries ${retries} is not a whole number from 0 to 10`);

  for (const key of Object.keys(props.arguments ?? {}).sort()) {
    const reserved = RESERVED_ARGUMENTS[key];
    if (reserved !== undefined) out.push(`arguments["${key}"] is set by GlueJob and cannot be overridden: ${reserved}`);
    else if (!ARGUMENT.test(key)) out.push(`arguments["${key}"]: a job parameter name is "--" then letters, digits and ._-`);
  }

  const s = props.schedule;
  if (s !== undefined && literal(s) && !CRON.test(s)) {
    out.push(
      s.startsWith("rate(")
        ? `schedule "${s}": Glue triggers take only cron expressions; write it as cron(<min> <hour> <day-of-month> <month> <day-of-week> <year>)`
        : `schedule "${s}" is not a Glue cron expression: cron(<min> <hour> <day-of-month> <month> <day-of-week> <year>), e.g. cron(15 2 * * ? *)`,
    );
  }

  const seen = new Set<string>();
  for (const [i, job] of (props.after ?? []).entries()) {
    if (!literal(job)) continue;
    out.push(...jobNameProblem(`after[${i}]`, job));
    if (job === props.name) out.push(`after[${i}] is the job itself: a job cannot wait for its own success`);
    if (seen.has(job)) out.push(`after[${i}] "${job}" is listed twice`);
    seen.add(job);
  }
  return out;
}
