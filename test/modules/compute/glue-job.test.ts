import { describe, expect, it } from "vitest";
import { GlueJob, type GlueJobProps, RESERVED_ARGUMENTS, glueJobLogGroupNames } from "../../../modules/compute/glue-job";
import { GlueSecurityConfiguration } from "../../../modules/compute/glue-security-configuration";
import { ServiceRole } from "../../../modules/identity/service-role";
import { resource, resourcesOf, synthScope, type TfJson, errorOf } from "../../helpers/synth";

const KEY = "arn:aws:kms:eu-west-1:111111111111:key/mrk-0123456789abcdef0123456789abcdef";
const ROLE = "acme-sales-dev-orders";
const ROLE_ARN = `arn:aws:iam::111111111111:role/${ROLE}`;
const JOB = "acme-sales-dev-orders";
const CONFIG = "acme-sales-dev";

function props(over: Partial<GlueJobProps> = {}): GlueJobProps {
  return {
    name: JOB,
    roleArn: ROLE_ARN,
    roleName: ROLE,
    scriptLocation: "s3://acme-sales-artifacts-dev/jobs/orders.py",
    tempDir: "s3://acme-sales-scratch-dev/glue-temp/orders/",
    securityConfigurationName: CONFIG,
    logKmsKeyArn: KEY,
    ...over,
  };
}

const synth = (p: GlueJobProps, id = "orders"): TfJson => synthScope((s) => void new GlueJob(s, id, p));
const jobOf = (tf: TfJson, name = "orders") => resource(tf, "aws_glue_job", name);

describe("GlueJob", () => {
  describe("job", () => {
    it("is a Python 3 Spark ETL job running the script as the role", () => {
      const job = jobOf(synth(props()));
      expect(job.name).toBe(JOB);
      expect(job.role_arn).toBe(ROLE_ARN);
      expect(job.command).toEqual({ name: "glueetl", python_version: "3", script_location: "s3://acme-sales-artifacts-dev/jobs/orders.py" });
    });

    it("defaults to Glue 5.0, two G.1X workers, standard execution, one hour, one retry", () => {
      expect(jobOf(synth(props()))).toMatchObject({
        glue_version: "5.0",
        worker_type: "G.1X",
        number_of_workers: 2,
        execution_class: "STANDARD",
        timeout: 60,
        max_retries: 1,
      });
    });

    it("uses the security configuration (CKV_AWS_195)", () => {
      expect(jobOf(synth(props())).security_configuration).toBe(CONFIG);
    });

    it("refers to a security configuration made in the same stack, so cdk-nag GL1/GL3 can follow it", () => {
      const tf = synthScope((s) => {
        const c = new GlueSecurityConfiguration(s, "sales", { name: CONFIG, kmsKeyArn: KEY });
        new GlueJob(s, "orders", props({ securityConfigurationName: c.name }));
      });
      expect(jobOf(tf).security_configuration).toBe("${aws_glue_security_configuration.sales.name}");
    });

    it("runs once at a time, since bookmarks are not safe with concurrent runs", () => {
      expect(jobOf(synth(props())).execution_property).toEqual({ max_concurrent_runs: 1 });
    });

    it("fixes the catalog, metrics, Spark UI and Lake Formation settings and the temp dir as non-overridable arguments", () => {
      expect(jobOf(synth(props())).non_overridable_arguments).toEqual({
        "--TempDir": "s3://acme-sales-scratch-dev/glue-temp/orders/",
        "--enable-glue-datacatalog": "true",
        "--enable-lakeformation-fine-grained-access": "true",
        "--enable-metrics": "true",
        "--enable-observability-metrics": "true",
        "--enable-spark-ui": "false",
      });
    });

    // Lake buckets deny the job's role direct reads: a run that turned fine-grained access off could read nothing.
    it("always reads and writes through Lake Formation: no argument and no run can turn fine-grained access off", () => {
      const job = jobOf(synth(props({ arguments: { "--datalake-formats": "iceberg" } })));
      expect((job.non_overridable_arguments as Record<string, string>)["--enable-lakeformation-fine-grained-access"]).toBe("true");
      expect(job.default_arguments).not.toHaveProperty("--enable-lakeformation-fine-grained-access");
      expect(RESERVED_ARGUMENTS).toHaveProperty("--enable-lakeformation-fine-grained-access");
      expect(errorOf(() => synth(props({ arguments: { "--enable-lakeformation-fine-grained-access": "false" } })))).toBe(
        'GlueJob stack/orders: 1 problem:\n  - arguments["--enable-lakeformation-fine-grained-access"] is set by GlueJob and cannot be overridden: the job always reads and writes through Lake Formation',
      );
    });

    it("reserves every non-overridable argument it sets, so arguments cannot collide with them", () => {
      const fixed = Object.keys(jobOf(synth(props())).non_overridable_arguments as object);
      for (const k of fixed) expect(RESERVED_ARGUMENTS, k).toHaveProperty(k);
    });

    it("writes no Spark UI event-log path and no log-group argument that would move logs out of the encrypted groups", () => {
      const job = jobOf(synth(props({ arguments: { "--datalake-formats": "iceberg" } })));
      const keys = [...Object.keys(job.default_arguments as object), ...Object.keys(job.non_overridable_arguments as object)];
      for (const k of ["--spark-event-logs-path", "--custom-logGroup-prefix", "--continuous-log-logGroup"]) expect(keys).not.toContain(k);
    });

    it("enables bookmarks by default, as an overridable default argument", () => {
      expect(jobOf(synth(props())).default_arguments).toEqual({ "--job-bookmark-option": "job-bookmark-enable" });
    });

    it("disables bookmarks when asked", () => {
      expect(jobOf(synth(props({ bookmarks: false }))).default_arguments).toEqual({ "--job-bookmark-option": "job-bookmark-disable" });
    });

    it("adds the script's arguments to the default arguments, sorted by name", () => {
      const args = jobOf(synth(props({ arguments: { "--target_table": "orders", "--datalake-formats": "iceberg" } }))).default_arguments as object;
      expect(args).toEqual({ "--datalake-formats": "iceberg", "--job-bookmark-option": "job-bookmark-enable", "--target_table": "orders" });
      expect(Object.keys(args)).toEqual(["--datalake-formats", "--job-bookmark-option", "--target_table"]);
    });

    it("runs on Flex capacity when asked", () => {
      expect(jobOf(synth(props({ flex: true, workerType: "G.2X" }))).execution_class).toBe("FLEX");
    });

    it("takes worker type, workers, timeout and retries", () => {
      expect(jobOf(synth(props({ workerType: "G.8X", numberOfWorkers: 299, timeoutMinutes: 10080, maxRetries: 0 })))).toMatchObject({
        worker_type: "G.8X",
        number_of_workers: 299,
        timeout: 10080,
        max_retries: 0,
      });
    });

    it("is created after its log groups, by a depends_on that names resources", () => {
      expect(jobOf(synth(props())).depends_on).toEqual(["aws_cloudwatch_log_group.orders--error", "aws_cloudwatch_log_group.orders--output"]);
    });

    it("takes the role from a ServiceRole in the same stack", () => {
      const tf = synthScope((s) => {
        const role = new ServiceRole(s, "orders-role", {
          roleName: ROLE,
          description: "orders job",
          servicePrincipal: "glue.amazonaws.com",
          accountId: "111111111111",
          policies: {},
        });
        new GlueJob(s, "orders", props({ roleArn: role.role.arn, roleName: role.role.name }));
      });
      expect(jobOf(tf).role_arn).toBe("${aws_iam_role.orders-role.arn}");
      expect(resource(tf, "aws_cloudwatch_log_group", "orders--error").name).toBe(`/aws-glue/jobs/${CONFIG}-role/\${aws_iam_role.orders-role.name}/error`);
    });
  });

  describe("log groups", () => {
    it("are the error and output groups Glue 5.0 writes to under the security configuration and role", () => {
      expect(glueJobLogGroupNames(CONFIG, ROLE)).toEqual({
        error: `/aws-glue/jobs/${CONFIG}-role/${ROLE}/error`,
        output: `/aws-glue/jobs/${CONFIG}-role/${ROLE}/output`,
      });
      const tf = synth(props());
      expect(Object.keys(resourcesOf(tf, "aws_cloudwatch_log_group"))).toEqual(["orders--error", "orders--output"]);
      expect(resource(tf, "aws_cloudwatch_log_group", "orders--error").name).toBe(`/aws-glue/jobs/${CONFIG}-role/${ROLE}/error`);
      expect(resource(tf, "aws_cloudwatch_log_group", "orders--output").name).toBe(`/aws-glue/jobs/${CONFIG}-role/${ROLE}/output`);
    });

    it("are encrypted under the key and kept 400 days by default", () => {
      const tf = synth(props());
      for (const g of ["orders--error", "orders--output"]) {
        expect(resource(tf, "aws_cloudwatch_log_group", g)).toMatchObject({ kms_key_id: KEY, retention_in_days: 400, log_group_class: "STANDARD" });
      }
    });

    it("take the retention period given", () => {
      const tf = synth(props({ logRetentionDays: 731 }));
      expect(resource(tf, "aws_cloudwatch_log_group", "orders--output").retention_in_days).toBe(731);
    });
  });

  describe("triggers", () => {
    it("has none by default: the job runs when started (by a DAG)", () => {
      expect(resourcesOf(synth(props()), "aws_glue_trigger")).toEqual({});
      expect(resourcesOf(synth(props({ after: [] })), "aws_glue_trigger")).toEqual({});
    });

    it("runs on a schedule through an activated SCHEDULED trigger", () => {
      expect(resource(synth(props({ schedule: "cron(15 2 * * ? *)" })), "aws_glue_trigger", "orders")).toEqual({
        name: `${JOB}-schedule`,
        type: "SCHEDULED",
        schedule: "cron(15 2 * * ? *)",
        start_on_creation: true,
        actions: [{ job_name: "${aws_glue_job.orders.name}" }],
      });
    });

    it("runs after every listed job has succeeded through an activated CONDITIONAL trigger, predecessors sorted", () => {
      const after = ["acme-sales-dev-customers", "acme-sales-dev-a-raw"];
      expect(resource(synth(props({ after })), "aws_glue_trigger", "orders--after")).toEqual({
        name: `${JOB}-after`,
        type: "CONDITIONAL",
        start_on_creation: true,
        predicate: {
          logical: "AND",
          conditions: [
            { job_name: "acme-sales-dev-a-raw", logical_operator: "EQUALS", state: "SUCCEEDED" },
            { job_name: "acme-sales-dev-customers", logical_operator: "EQUALS", state: "SUCCEEDED" },
          ],
        },
        actions: [{ job_name: "${aws_glue_job.orders.name}" }],
      });
      expect(after).toEqual(["acme-sales-dev-customers", "acme-sales-dev-a-raw"]);
    });

    it("is created after the jobs it waits for when their resources are given (afterJobs), by a depends_on that names them", () => {
      const tf = synthScope((s) => {
        const customers = new GlueJob(s, "customers", props({ name: "acme-sales-dev-customers", roleName: "acme-sales-dev-customers", roleArn: "arn:aws:iam::111111111111:role/acme-sales-dev-customers" }));
        const raw = new GlueJob(s, "a-raw", props({ name: "acme-sales-dev-a-raw", roleName: "acme-sales-dev-a-raw", roleArn: "arn:aws:iam::111111111111:role/acme-sales-dev-a-raw" }));
        new GlueJob(s, "orders", props({ after: ["acme-sales-dev-customers", "acme-sales-dev-a-raw"], afterJobs: [customers.job, raw.job] }));
      });
      const trigger = resource(tf, "aws_glue_trigger", "orders--after");
      expect(trigger.depends_on).toEqual(["aws_glue_job.customers", "aws_glue_job.a-raw"]);
      // Every name depends_on gives is a job of the stack, and the predicate waits for exactly those jobs.
      const jobs = resourcesOf(tf, "aws_glue_job");
      for (const d of trigger.depends_on as string[]) expect(jobs, d).toHaveProperty(d.replace(/^aws_glue_job\./, ""));
      const waited = ((trigger.predicate as { conditions: { job_name: string }[] }).conditions).map((c) => c.job_name);
      expect(waited.sort()).toEqual((trigger.depends_on as string[]).map((d) => jobs[d.replace(/^aws_glue_job\./, "")]!.name).sort());
      // The schedule trigger and the job itself gain no such dependency.
      expect(jobOf(tf).depends_on).toEqual(["aws_cloudwatch_log_group.orders--error", "aws_cloudwatch_log_group.orders--output"]);
    });

    it("writes no depends_on on the conditional trigger when no job resources are given (the jobs then exist already)", () => {
      expect(resource(synth(props({ after: ["acme-sales-dev-customers"] })), "aws_glue_trigger", "orders--after")).not.toHaveProperty("depends_on");
    });

    it("makes no trigger from afterJobs alone: after names the jobs", () => {
      const tf = synthScope((s) => {
        const customers = new GlueJob(s, "customers", props({ name: "acme-sales-dev-customers" }));
        new GlueJob(s, "orders", props({ after: [], afterJobs: [customers.job] }));
      });
      expect(resourcesOf(tf, "aws_glue_trigger")).toEqual({});
    });

    it("can have both", () => {
      const tf = synth(props({ schedule: "cron(0 6 ? * MON-FRI *)", after: ["acme-sales-dev-customers"] }));
      expect(Object.keys(resourcesOf(tf, "aws_glue_trigger"))).toEqual(["orders", "orders--after"]);
    });
  });

  it("uses terraformName instead of the construct id for every resource", () => {
    const tf = synth(props({ terraformName: "sales_orders", schedule: "cron(15 2 * * ? *)", after: ["acme-sales-dev-customers"] }), "orders-job");
    expect(Object.keys(resourcesOf(tf, "aws_glue_job"))).toEqual(["sales_orders"]);
    expect(Object.keys(resourcesOf(tf, "aws_glue_trigger"))).toEqual(["sales_orders", "sales_orders--after"]);
    expect(Object.keys(resourcesOf(tf, "aws_cloudwatch_log_group"))).toEqual(["sales_orders--error", "sales_orders--output"]);
    expect(resource(tf, "aws_glue_trigger", "sales_orders").actions).toEqual([{ job_name: "${aws_glue_job.sales_orders.name}" }]);
  });

  describe("validation", () => {
    it("fails when the job has 1 worker, or more than 299, or a fraction", () => {
      expect(errorOf(() => synth(props({ numberOfWorkers: 1 })))).toBe("GlueJob stack/orders: 1 problem:\n  - numberOfWorkers 1 is not a whole number from 2 to 299");
      expect(errorOf(() => synth(props({ numberOfWorkers: 300 })))).toMatch(/numberOfWorkers 300 is not/);
      expect(errorOf(() => synth(props({ numberOfWorkers: 2.5 })))).toMatch(/numberOfWorkers 2.5 is not/);
    });

    it("fails when flex is asked of G.4X or G.8X workers", () => {
      for (const workerType of ["G.4X", "G.8X"] as const) {
        expect(errorOf(() => synth(props({ flex: true, workerType })))).toMatch(
          new RegExp(`flex runs only on G.1X or G.2X workers, not ${workerType.replace(".", "\\.")}: use a smaller worker type or turn flex off`),
        );
      }
      expect(() => synth(props({ flex: true, workerType: "G.1X" }))).not.toThrow();
    });

    it("fails when arguments override --job-bookmark-option", () => {
      expect(errorOf(() => synth(props({ arguments: { "--job-bookmark-option": "job-bookmark-disable" } })))).toBe(
        'GlueJob stack/orders: 1 problem:\n  - arguments["--job-bookmark-option"] is set by GlueJob and cannot be overridden: set it with bookmarks',
      );
    });

    it("fails when arguments override any parameter the construct sets", () => {
      for (const key of Object.keys(RESERVED_ARGUMENTS)) {
        expect(errorOf(() => synth(props({ arguments: { [key]: "x" } }))), key).toContain(`arguments["${key}"] is set by GlueJob and cannot be overridden`);
      }
    });

    it("fails when the security configuration is missing (CKV_AWS_195)", () => {
      expect(errorOf(() => synth(props({ securityConfigurationName: "" })))).toContain(
        "securityConfigurationName is required: a job without a security configuration writes unencrypted logs and bookmarks (CKV_AWS_195)",
      );
      const { securityConfigurationName: _, ...without } = props();
      expect(errorOf(() => synth(without as GlueJobProps))).toContain("securityConfigurationName is required");
    });

    it("fails when the schedule is a rate expression or not a six-field cron expression", () => {
      expect(errorOf(() => synth(props({ schedule: "rate(1 day)" })))).toContain('schedule "rate(1 day)": Glue triggers take only cron expressions');
      expect(errorOf(() => synth(props({ schedule: "cron(15 2 * * ?)" })))).toContain('schedule "cron(15 2 * * ?)" is not a Glue cron expression');
      expect(errorOf(() => synth(props({ schedule: "15 2 * * ? *" })))).toContain("is not a Glue cron expression");
    });

    it("fails when a predecessor is the job itself, listed twice or malformed", () => {
      expect(errorOf(() => synth(props({ after: [JOB, "acme-sales-dev-customers", "acme-sales-dev-customers", "bad name"] })))).toBe(
        [
          "GlueJob stack/orders: 3 problems:",
          "  - after[0] is the job itself: a job cannot wait for its own success",
          '  - after[2] "acme-sales-dev-customers" is listed twice',
          '  - after[3] "bad name" is not a Glue job name (1-255 letters, digits and ._-, starting with a letter or digit)',
        ].join("\n"),
      );
    });

    it("fails when the role ARN names another role, or the role name cannot be part of a log group name", () => {
      expect(errorOf(() => synth(props({ roleArn: "arn:aws:iam::111111111111:role/service/other" })))).toContain(
        'roleArn "arn:aws:iam::111111111111:role/service/other" names role "other", not roleName "acme-sales-dev-orders"',
      );
      expect(errorOf(() => synth(props({ roleName: "a+b", roleArn: "arn:aws:iam::111111111111:role/a+b" })))).toContain(
        'roleName "a+b" holds one of +=,@, which log group names cannot',
      );
    });

    it("fails on every malformed prop at once, in a fixed order", () => {
      const message = errorOf(() =>
        synth(
          props({
            name: "orders job",
            roleArn: "acme-role",
            scriptLocation: "s3://acme-sales-artifacts-dev/jobs/orders.scala",
            tempDir: "/tmp/glue",
            logKmsKeyArn: "alias/acme",
            logRetentionDays: 500,
            glueVersion: "4.0" as "5.0",
            workerType: "G.025X" as "G.1X",
            timeoutMinutes: 0,
            maxRetries: 11,
            arguments: { "-x": "1" },
          }),
        ),
      );
      expect(message).toBe(
        [
          "GlueJob stack/orders: 11 problems:",
          '  - name "orders job" is not a Glue job name (1-255 letters, digits and ._-, starting with a letter or digit)',
          '  - roleArn "acme-role" is not an IAM role ARN ("arn:<partition>:iam::<account>:role/<name>")',
          '  - scriptLocation "s3://acme-sales-artifacts-dev/jobs/orders.scala" is not the S3 URI of a Python script ("s3://<bucket>/<key>.py")',
          '  - tempDir "/tmp/glue" is not an S3 URI ("s3://<bucket>/<prefix>")',
          '  - logKmsKeyArn "alias/acme" is not a KMS key ARN ("arn:<partition>:kms:<region>:<account>:key/<key-id>"; an alias is not accepted)',
          "  - logRetentionDays 500 is not a retention period CloudWatch Logs accepts (one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)",
          '  - glueVersion "4.0" is not supported (5.0)',
          '  - workerType "G.025X" is not one of G.1X, G.2X, G.4X, G.8X',
          "  - timeoutMinutes 0 is not a whole number from 1 to 10080 (7 days)",
          "  - maxRetries 11 is not a whole number from 0 to 10",
          '  - arguments["-x"]: a job parameter name is "--" then letters, digits and ._-',
        ].join("\n"),
      );
    });

    it("fails when the name leaves no room for the trigger suffixes", () => {
      expect(errorOf(() => synth(props({ name: "x".repeat(247) })))).toContain("is 247 characters; at most 246, so the trigger names fit in 255");
      expect(() => synth(props({ name: "x".repeat(246) }))).not.toThrow();
    });
  });
});
