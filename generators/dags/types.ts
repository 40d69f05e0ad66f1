/**
 * What the DAG renderer needs to know, resolved from the Model: every name,
 * ARN and argument a task uses is already physical, so the generated Python
 * holds no lookups and is the same bytes for the same manifests.
 */

/** `timeoutMinutes`: the task's Airflow execution_timeout; waiters are set to outlast it. */
export type DagTaskModel = { readonly timeoutMinutes: number } & (
  /** Run a Glue job and wait for it (GlueJobOperator). */
  | { readonly kind: "glue"; readonly id: string; readonly after: readonly string[]; readonly jobName: string }
  /**
   * Start an EMR Serverless job run and wait for it
   * (EmrServerlessStartJobOperator), logging to `logUri`.
   */
  | {
      readonly kind: "emr-serverless";
      readonly id: string;
      readonly after: readonly string[];
      readonly applicationId: string;
      readonly executionRoleArn: string;
      readonly entryPoint: string;
      readonly entryPointArguments: readonly string[];
      /** `spark-submit` options; Lakeform's turn on Lake Formation enforcement for the run. */
      readonly sparkSubmitParameters: string;
      readonly logUri: string;
    }
  /**
   * Start an EMR on EKS job run in a virtual cluster and wait for it
   * (EmrContainerOperator), logging to CloudWatch and S3, cancelled after
   * `timeoutMinutes`.
   */
  | {
      readonly kind: "emr-eks";
      readonly id: string;
      readonly after: readonly string[];
      readonly name: string;
      readonly virtualClusterId: string;
      readonly executionRoleArn: string;
      readonly releaseLabel: string;
      readonly entryPoint: string;
      readonly entryPointArguments: readonly string[];
      readonly sparkSubmitParameters: string;
      readonly logGroupName: string;
      readonly logStreamNamePrefix: string;
      readonly logUri: string;
      readonly tags: readonly { readonly key: string; readonly value: string }[];
    }
  /**
   * Start the state machine of an emr-fleet job, which creates the transient
   * cluster, runs the step and terminates the cluster, and wait for the
   * execution in the triggerer (StepFunctionStartExecutionOperator, deferrable),
   * polling every minute until `timeoutMinutes` (provisioning plus the step's limit).
   */
  | { readonly kind: "emr-fleet"; readonly id: string; readonly after: readonly string[]; readonly stateMachineArn: string }
  /** Evaluate Glue Data Quality rulesets on a table and fail on any failed rule (GlueDataQualityRuleSetEvaluationRunOperator). */
  | {
      readonly kind: "quality";
      readonly id: string;
      readonly after: readonly string[];
      readonly database: string;
      readonly table: string;
      readonly rulesetNames: readonly string[];
      readonly roleArn: string;
    }
  /** Run an Athena statement (an INSERT INTO a declared table) in a workgroup and wait for it (AthenaOperator). */
  | {
      readonly kind: "athena";
      readonly id: string;
      readonly after: readonly string[];
      readonly query: string;
      readonly database: string;
      readonly workgroup: string;
      readonly outputLocation: string;
    }
);

export interface DagModel {
  /** `<domain>_<env>`: the DAG id and file name (`<dagId>.py`). */
  readonly dagId: string;
  /** The domain (its folder under domains/), named in the file's header. */
  readonly domain: string;
  readonly description: string;
  /** Airflow cron expression (5 fields) or a preset such as "@daily". */
  readonly schedule: string;
  readonly owner: string;
  readonly retries: number;
  readonly retryDelayMinutes: number;
  /** Whole-run SLA in minutes, or null for none. */
  readonly slaMinutes: number | null;
  /** ISO date the schedule starts from (fixed, never "now": the file must not change between syntheses). */
  readonly startDate: string;
  readonly region: string;
  readonly tags: readonly string[];
  /** Tasks in a stable order; `after` names other task ids. */
  readonly tasks: readonly DagTaskModel[];
}
