/**
 * What the DAG renderer needs to know, resolved from the Model: every name,
 * ARN and argument a task uses is already physical, so the generated Python
 * holds no lookups and is the same bytes for the same manifests.
 */

export type DagTaskModel =
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
      readonly logUri: string;
    }
  /**
   * Start the state machine of an emr-fleet job, which creates the transient
   * cluster, runs the step and terminates the cluster, and wait for the
   * execution in the triggerer (StepFunctionStartExecutionOperator, deferrable),
   * polling every minute at most `waiterMaxAttempts` times.
   */
  | { readonly kind: "emr-fleet"; readonly id: string; readonly after: readonly string[]; readonly stateMachineArn: string; readonly waiterMaxAttempts: number }
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
  /** Run an Athena statement (a CTAS) in a workgroup (AthenaOperator). */
  | {
      readonly kind: "athena";
      readonly id: string;
      readonly after: readonly string[];
      readonly query: string;
      readonly database: string;
      readonly workgroup: string;
      readonly outputLocation: string;
    };

export interface DagModel {
  /** `<domain>_<env>`: the DAG id and file name (`<dagId>.py`). */
  readonly dagId: string;
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
