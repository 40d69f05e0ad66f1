import { z } from "zod";

/**
 * Pipeline task fields beyond "run a job" and "gate on quality": an Athena
 * statement (`query`) and a per-task time limit. Spread into
 * PipelineTaskManifest (schema/domain.ts).
 */

const TableRef = z
  .string()
  .regex(/^[a-z][a-z0-9]{1,15}\.[a-z][a-z0-9_]{0,127}$/, "a table is named <zone>.<table>, like processed.calls");

/** Longest execution_timeout a task may ask for: two days, as a Glue job's own limit. */
export const MAX_TASK_TIMEOUT_MINUTES = 2880;

export const queryTaskFields = {
  query: z
    .string()
    .regex(/^queries\/[A-Za-z0-9_.-]+\.sql$/, "a query is an SQL file under the domain's queries/ folder, like queries/cell_daily.sql")
    .optional()
    .describe(
      "Run this Athena statement (a file relative to the domain folder, queries/<file>.sql): one `INSERT INTO <zone>.<table> SELECT …` into the declared table `into`, naming tables as <zone>.<table> (Lakeform writes the environment's database names) and Airflow macros such as {{ ds }}. CTAS is not accepted: every table stays declared in the manifest, with its tags.\n@default - not a query task",
    ),
  reads: z
    .array(TableRef)
    .min(1)
    .optional()
    .describe("Query tasks: the tables the statement reads (<zone>.<table>); the pipeline gets SELECT on exactly these through Lake Formation.\n@default - none (required with query)"),
  into: TableRef.optional().describe(
    "Query tasks: the declared Parquet table the statement inserts into (<zone>.<table>); the pipeline gets INSERT on it and may write objects under its location only.\n@default - none (required with query)",
  ),
  processesPii: z
    .string()
    .min(20, "say in a sentence why the query needs PII unmasked: reviewers read it")
    .max(1024)
    .optional()
    .describe("Query tasks: why the statement reads tables with PII columns unmasked. Without it, such a query is a finding like any other principal reading PII.\n@default - the query may not read PII"),
  timeoutMinutes: z
    .int()
    .min(1)
    .max(MAX_TASK_TIMEOUT_MINUTES)
    .optional()
    .describe(
      "Airflow execution_timeout of the task: past it the task fails (and retries). A job task's must be at least the job's own timeoutMinutes.\n@default - glue: the job's timeoutMinutes + 30 (Flex and queueing start late); emr-serverless: 240; quality: 60; query: 30 (Athena's DML timeout)",
    ),
};
