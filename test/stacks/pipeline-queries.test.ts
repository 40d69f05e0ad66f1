import { describe, expect, it } from "vitest";
import { defaultTaskTimeoutMinutes } from "../../generators/model/queries";
import type { Model } from "../../generators/model/types";
import { pipelineQueryStatements } from "../../generators/stacks/pipeline-queries";
import { deploymentOf, modelFrom, synthStackOf } from "../helpers/model-fixtures";
import { domainFixture, platformFixture } from "../helpers/project";
import { policyOf, resource, resourcesOf } from "../helpers/synth";

/**
 * A pipeline query task (Athena INSERT INTO a declared Parquet table), from
 * the model to both stacks: the domain stack's workgroup, grants, bucket and
 * key policies, and the platform stack's execution-role statements.
 */

const MWAA_ROLE = "arn:aws:iam::111111111111:role/acme-platform-mwaa-dev-eu-west-1";
const SQL = "INSERT INTO curated.daily\nSELECT count(*) AS orders, order_date AS day\nFROM processed.orders\nWHERE order_date = DATE '{{ ds }}'\nGROUP BY order_date\n";
const CURATED = "acme-sales-curated-dev-111111111111-eu-west-1";
const ARTIFACTS = "acme-sales-artifacts-dev-111111111111-eu-west-1";

function queryModel(over: Record<string, unknown> = {}): Model {
  const d = domainFixture();
  d.tables.push({ name: "daily", zone: "curated", columns: [{ name: "orders", type: "bigint" }], partitionKeys: [{ name: "day", type: "date" }] });
  d.pipeline = {
    schedule: "@daily",
    tasks: [{ name: "daily", query: "queries/daily.sql", reads: ["processed.orders"], into: "curated.daily", processesPii: "Counts orders; the e-mail addresses are never selected.", ...over }],
  };
  return modelFrom(platformFixture(), [d], { sales: { "queries/daily.sql": SQL } });
}

describe("the model of a query task", () => {
  it("resolves the statement to the environment's databases and runs it in the pipeline workgroup of the zone it writes", () => {
    const dep = deploymentOf(queryModel(), "sales-dev");
    expect(dep.queries.principal).toEqual({ name: "pipeline:dev", id: MWAA_ROLE, kind: "pipeline", external: false });
    expect(dep.queries.workgroups).toEqual([
      {
        name: "sales-pipeline-curated-dev",
        arn: "arn:aws:athena:eu-west-1:111111111111:workgroup/sales-pipeline-curated-dev",
        zone: "curated",
        keyAlias: "alias/acme/dev/sales/curated",
        outputLocation: `s3://${ARTIFACTS}/athena/sales-pipeline-curated-dev/`,
        bytesScannedCutoffPerQuery: 1024 ** 4,
      },
    ]);
    const task = dep.pipeline!.dag.tasks[0]!;
    expect(task).toEqual({
      kind: "athena",
      timeoutMinutes: 30,
      id: "daily",
      after: [],
      query: SQL.replace("curated.daily", "sales_curated_dev.daily").replace("processed.orders", "sales_processed_dev.orders"),
      database: "sales_curated_dev",
      workgroup: "sales-pipeline-curated-dev",
      outputLocation: `s3://${ARTIFACTS}/athena/sales-pipeline-curated-dev/`,
    });
    expect(dep.pipeline!.dag.domain).toBe("sales");
  });

  it("grants the execution role SELECT on the reads and INSERT (with ALTER for partitions) on the target, with the task's PII reason", () => {
    const grants = deploymentOf(queryModel(), "sales-dev").grants.filter((g) => g.source === "pipeline");
    expect(grants.map((g) => [g.name, g.principal.name, g.permissions, g.target.kind === "tables" ? g.target.tables.map((t) => `${t.zone}.${t.table}`) : [], g.index, g.piiReason])).toEqual([
      ["pipeline-daily-reads", "pipeline:dev", ["DESCRIBE", "SELECT"], ["processed.orders"], 0, "Counts orders; the e-mail addresses are never selected."],
      ["pipeline-daily-into", "pipeline:dev", ["ALTER", "DESCRIBE", "INSERT"], ["curated.daily"], 0, "Counts orders; the e-mail addresses are never selected."],
    ]);
  });

  it("takes the task's timeoutMinutes, or a default per kind (a Glue task outlasts its job's own limit)", () => {
    expect(deploymentOf(queryModel({ timeoutMinutes: 12 }), "sales-dev").pipeline!.dag.tasks[0]!.timeoutMinutes).toBe(12);
    expect(defaultTaskTimeoutMinutes("athena")).toBe(30);
    expect(defaultTaskTimeoutMinutes("quality")).toBe(60);
    expect(defaultTaskTimeoutMinutes("emr-serverless")).toBe(240);
    expect(defaultTaskTimeoutMinutes("glue", { engine: "glue", timeoutMinutes: 120 } as never)).toBe(150);
  });

  it("has no workgroups, tasks or grants without query tasks", () => {
    const dep = deploymentOf(modelFrom(), "sales-dev");
    expect(dep.queries.workgroups).toEqual([]);
    expect(dep.queries.tasks).toEqual([]);
    expect(dep.grants.filter((g) => g.source === "pipeline")).toEqual([]);
  });
});

describe("the domain stack of a query task", () => {
  const tf = synthStackOf(queryModel(), "sales-dev");

  it("creates the pipeline workgroup: enforced, engine v3, scan cap, results SSE-KMS under the written zone's key", () => {
    expect(resource(tf, "aws_athena_workgroup", "pipeline__curated")).toMatchObject({
      name: "sales-pipeline-curated-dev",
      state: "ENABLED",
      force_destroy: false,
      configuration: {
        enforce_workgroup_configuration: true,
        bytes_scanned_cutoff_per_query: 1024 ** 4,
        engine_version: { selected_engine_version: "Athena engine version 3" },
        result_configuration: {
          output_location: `s3://${ARTIFACTS}/athena/sales-pipeline-curated-dev/`,
          expected_bucket_owner: "111111111111",
          encryption_configuration: { encryption_option: "SSE_KMS", kms_key_arn: "${aws_kms_key.curated.arn}" },
        },
      },
    });
  });

  it("grants through Lake Formation to the execution role, by the grants' names", () => {
    const grants = resourcesOf(tf, "aws_lakeformation_permissions");
    expect(grants["pipeline-daily-reads--processed__orders"]).toMatchObject({ principal: MWAA_ROLE, permissions: ["SELECT"] });
    expect(grants["pipeline-daily-into--curated__daily"]).toMatchObject({ principal: MWAA_ROLE, permissions: ["ALTER", "DESCRIBE", "INSERT"] });
  });

  it("lets the execution role write objects under the target's location only, and the curated key encrypt only through S3 for it", () => {
    const bucket = policyOf(resource(tf, "aws_s3_bucket_policy", "curated")).Statement;
    expect(bucket.filter((st) => st.Effect === "Allow")).toEqual([
      {
        Sid: "PipelineQueriesWriteTargetTables",
        Effect: "Allow",
        Principal: { AWS: MWAA_ROLE },
        Action: ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:PutObject"],
        Resource: [`arn:aws:s3:::${CURATED}/daily/*`],
      },
      {
        Sid: "PipelineQueriesListTargetTables",
        Effect: "Allow",
        Principal: { AWS: MWAA_ROLE },
        Action: ["s3:GetBucketLocation", "s3:ListBucket"],
        Resource: `arn:aws:s3:::${CURATED}`,
        Condition: { StringLike: { "s3:prefix": ["daily/*"] } },
      },
    ]);
    // The guards still deny every object read but Lake Formation's, and uploads under any other key.
    expect(bucket.map((st) => st.Sid)).toEqual(expect.arrayContaining(["DenyObjectReadsOutsideLakeFormation", "DenyUploadsWithOtherKeys"]));
    expect(policyOf(resource(tf, "aws_s3_bucket_policy", "processed")).Statement.filter((st) => st.Effect === "Allow")).toEqual([]);
    const key = policyOf(resource(tf, "aws_kms_key", "curated")).Statement.find((st) => st.Sid === "PipelineQueriesEncryptThroughS3")!;
    expect(key).toEqual({
      Sid: "PipelineQueriesEncryptThroughS3",
      Effect: "Allow",
      Principal: { AWS: MWAA_ROLE },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: {
        StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
        ArnLike: {
          "kms:EncryptionContext:aws:s3:arn": [
            `arn:aws:s3:::${ARTIFACTS}`,
            `arn:aws:s3:::${ARTIFACTS}/athena/sales-pipeline-curated-dev/*`,
            `arn:aws:s3:::${CURATED}`,
            `arn:aws:s3:::${CURATED}/daily/*`,
          ],
        },
      },
    });
    expect(policyOf(resource(tf, "aws_kms_key", "processed")).Statement.map((st) => st.Sid)).not.toContain("PipelineQueriesEncryptThroughS3");
  });

  it("lets the artifacts bucket take the results under the curated key, and the execution role reach its workgroup's results only", () => {
    const statements = policyOf(resource(tf, "aws_s3_bucket_policy", "artifacts")).Statement;
    expect(statements.find((st) => st.Sid === "DenyUploadsWithOtherKeys")!.Condition).toEqual({
      StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": ["${aws_kms_key.ops.arn}", "${aws_kms_key.curated.arn}"] },
    });
    expect(statements.filter((st) => st.Effect === "Allow").map((st) => [st.Sid, st.Resource])).toEqual([
      ["PipelineQueriesWriteResults", [`arn:aws:s3:::${ARTIFACTS}/athena/sales-pipeline-curated-dev/*`]],
      ["PipelineQueriesListResults", `arn:aws:s3:::${ARTIFACTS}`],
    ]);
  });
});

describe("the platform stack's statements for query tasks", () => {
  it("allow Athena on the pipeline workgroups, catalog reads of the tasks' tables, partitions of the targets, and GetDataAccess alone", () => {
    const model = queryModel();
    const env = model.environments.find((e) => e.name === "dev")!;
    expect(pipelineQueryStatements(model, env)).toEqual([
      {
        Sid: "RunPipelineAthenaQueries",
        Effect: "Allow",
        Action: ["athena:GetQueryExecution", "athena:GetWorkGroup", "athena:StartQueryExecution", "athena:StopQueryExecution"],
        Resource: ["arn:aws:athena:eu-west-1:111111111111:workgroup/sales-pipeline-curated-dev"],
      },
      {
        Sid: "PipelineQueriesReadCatalog",
        Effect: "Allow",
        Action: ["glue:BatchGetPartition", "glue:GetDatabase", "glue:GetPartition", "glue:GetPartitions", "glue:GetTable"],
        Resource: [
          "arn:aws:glue:eu-west-1:111111111111:catalog",
          "arn:aws:glue:eu-west-1:111111111111:database/sales_curated_dev",
          "arn:aws:glue:eu-west-1:111111111111:database/sales_processed_dev",
          "arn:aws:glue:eu-west-1:111111111111:table/sales_curated_dev/daily",
          "arn:aws:glue:eu-west-1:111111111111:table/sales_processed_dev/orders",
        ],
      },
      {
        Sid: "PipelineQueriesAddPartitions",
        Effect: "Allow",
        Action: ["glue:BatchCreatePartition", "glue:CreatePartition", "glue:UpdatePartition"],
        Resource: ["arn:aws:glue:eu-west-1:111111111111:catalog", "arn:aws:glue:eu-west-1:111111111111:database/sales_curated_dev", "arn:aws:glue:eu-west-1:111111111111:table/sales_curated_dev/daily"],
      },
      { Sid: "PipelineQueriesLakeFormationData", Effect: "Allow", Action: "lakeformation:GetDataAccess", Resource: "*" },
    ]);
    const platform = synthStackOf(model, "platform-dev");
    expect(policyOf(resource(platform, "aws_iam_role_policy", "mwaa__dags")).Statement.map((st) => st.Sid)).toEqual([
      "RunPipelineAthenaQueries",
      "PipelineQueriesReadCatalog",
      "PipelineQueriesAddPartitions",
      "PipelineQueriesLakeFormationData",
    ]);
  });

  it("are empty without query tasks", () => {
    const model = modelFrom();
    expect(pipelineQueryStatements(model, model.environments[0]!)).toEqual([]);
  });
});
