import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pythonString, renderDag, taskVariables, unsafeMustaches } from "../../generators/dags/render";
import type { DagModel, DagTaskModel } from "../../generators/dags/types";

/**
 * The generated DAG files: golden copies of whole files, and checks that
 * Python (python3 on the machine; Airflow is not installed) reads them as
 * intended — they compile, and every string comes back exactly as modelled.
 */

const scratch = mkdtempSync(join(tmpdir(), "lakeform-dags-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes the source to a temp file, byte-compiles it and parses it; returns the path. */
function compilePython(name: string, source: string): string {
  const file = join(scratch, `${name}.py`);
  writeFileSync(file, source);
  execFileSync("python3", ["-m", "py_compile", file], { stdio: "pipe" });
  execFileSync("python3", ["-c", "import ast,sys; ast.parse(open(sys.argv[1]).read())", file], { stdio: "pipe" });
  return file;
}

/** What Python sees in a rendered file: imports, DAG arguments, operator calls and `>>` lines. */
interface PythonView {
  imports: string[];
  dag: Record<string, unknown>;
  tasks: { variable: string; operator: string; args: Record<string, unknown> }[];
  edges: [string, string][];
  /** Statements other than imports, the `with DAG` block, operator assignments and `>>` lines. */
  stray: string[];
  strings: string[];
}

const SUMMARIZE = String.raw`
import ast, json, sys
# ascii: the renderer promises a pure-ASCII file; reading it so proves it.
tree = ast.parse(open(sys.argv[1], encoding="ascii").read())
def value(node):
    if isinstance(node, ast.Dict):
        return {ast.literal_eval(k): value(v) for k, v in zip(node.keys, node.values)}
    try:
        return ast.literal_eval(node)
    except ValueError:
        return {"code": ast.unparse(node)}
block = next(n for n in tree.body if isinstance(n, ast.With))
def expected(s):
    return (isinstance(s, ast.Assign) and isinstance(s.value, ast.Call)) or (
        isinstance(s, ast.Expr) and isinstance(s.value, ast.BinOp) and isinstance(s.value.op, ast.RShift))
stray = [ast.unparse(s) for s in tree.body if not isinstance(s, (ast.Import, ast.ImportFrom, ast.With))]
stray += [ast.unparse(s) for s in block.body if not expected(s)]
print(json.dumps({
    "imports": [f"{n.module}.{a.name}" for n in tree.body if isinstance(n, ast.ImportFrom) for a in n.names]
        + [a.name for n in tree.body if isinstance(n, ast.Import) for a in n.names],
    "dag": {k.arg: value(k.value) for k in block.items[0].context_expr.keywords},
    "tasks": [{"variable": s.targets[0].id, "operator": s.value.func.id, "args": {k.arg: value(k.value) for k in s.value.keywords}}
              for s in block.body if isinstance(s, ast.Assign) and expected(s)],
    "edges": [[s.value.left.id, s.value.right.id] for s in block.body if isinstance(s, ast.Expr) and expected(s)],
    "stray": stray,
    "strings": [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)],
}, ensure_ascii=True))
`;

function pythonView(file: string): PythonView {
  const view = JSON.parse(execFileSync("python3", ["-c", SUMMARIZE, file], { encoding: "utf8" })) as PythonView;
  expect(view.stray).toEqual([]);
  return view;
}

const ACCOUNT = "123456789012";
const REGION = "ap-southeast-1";
const LOGS = `s3://acme-social-logs-prod-${ACCOUNT}-${REGION}/emr-serverless/`;

const emr = (id: string, after: string[], script: string, args: string[]): Extract<DagTaskModel, { kind: "emr-serverless" }> => ({
  kind: "emr-serverless",
  timeoutMinutes: 240,
  id,
  after,
  applicationId: "00fkq8f3bv6c0g09",
  executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/acme-social-${id.replace(/_/g, "-")}-prod-${REGION}`,
  entryPoint: `s3://acme-social-artifacts-prod-${ACCOUNT}-${REGION}/jobs/${script}`,
  entryPointArguments: args,
  sparkSubmitParameters: "--conf spark.emr-serverless.lakeformation.enabled=true",
  logUri: LOGS,
});

/** The seed's daily warehouse chain: ods → dwd → quality gate → dws → ads. */
const warehouse: DagModel = {
  dagId: "social_prod",
  domain: "social",
  description: "Daily warehouse build for the social domain: ODS load, DWD cleaning, DWS aggregates, ADS features.",
  schedule: "0 18 * * *",
  owner: "social-data",
  retries: 2,
  retryDelayMinutes: 10,
  slaMinutes: 420,
  startDate: "2026-05-01",
  region: REGION,
  tags: ["social", "lakeform", "prod"],
  tasks: [
    { kind: "glue", timeoutMinutes: 90, id: "ods_event_load", after: [], jobName: "acme-social-ods-event-load-prod" },
    { kind: "glue", timeoutMinutes: 90, id: "dwd_user_action_clean", after: ["ods_event_load"], jobName: "acme-social-dwd-user-action-clean-prod" },
    emr("dwd_post_enrich", ["ods_event_load"], "post_enrich.py", ["--dt", "{{ ds }}", "--target", "social_dwd_prod.post_enriched"]),
    {
      kind: "quality",
      timeoutMinutes: 60,
      id: "dwd_quality_gate",
      after: ["dwd_user_action_clean", "dwd_post_enrich"],
      database: "social_dwd_prod",
      table: "user_action",
      rulesetNames: ["social-dwd-user-action-prod", "social-dwd-completeness-prod"],
      roleArn: `arn:aws:iam::${ACCOUNT}:role/acme-social-quality-prod-${REGION}`,
    },
    {
      kind: "athena",
      timeoutMinutes: 30,
      id: "dws_user_daily",
      after: ["dwd_quality_gate"],
      query: [
        "INSERT INTO social_dws_prod.user_daily",
        "SELECT user_id, count(*) AS actions, count(DISTINCT post_id) AS posts, DATE '{{ ds }}' AS dt",
        "FROM social_dwd_prod.user_action",
        "WHERE dt = '{{ ds }}'",
        "GROUP BY user_id",
      ].join("\n"),
      database: "social_dws_prod",
      workgroup: "social-pipeline-dws-prod",
      outputLocation: `s3://acme-social-artifacts-prod-${ACCOUNT}-${REGION}/athena/social-pipeline-dws-prod/`,
    },
    emr("ads_user_features", ["dws_user_daily"], "user_features.py", ["--dt", "{{ ds }}"]),
    emr("ads_sample_follow", ["dws_user_daily"], "sample_follow.py", ["--dt", "{{ ds }}", "--negatives", "4"]),
    {
      kind: "emr-fleet",
      id: "dws_history_rebuild",
      after: ["dws_user_daily"],
      stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:social-prod-history-rebuild`,
      timeoutMinutes: 1500,
    },
  ],
};

const singleTask: DagModel = {
  dagId: "cdr_dev",
  domain: "cdr",
  description: "Nightly conform of call records.",
  schedule: "@daily",
  owner: "cdr-team",
  retries: 0,
  retryDelayMinutes: 5,
  slaMinutes: null,
  startDate: "2025-12-31",
  region: "eu-west-1",
  tags: ["cdr"],
  tasks: [{ kind: "glue", timeoutMinutes: 90, id: "conform_calls", after: [], jobName: "acme-cdr-conform-calls-dev" }],
};

/** Strings that would break naive interpolation into Python (or into a Handlebars template). */
const TRICKY = {
  quotes: `it's "quoted" and 'single'`,
  backslashes: String.raw`C:\new\table\ and a trailing \ `.trimEnd(),
  newlines: "line one\nline two\r\nline three\ttabbed",
  unicode: "Zürich – 東京 😀 ∑ \u2028 \u00a0 \u007f \u0000 end",
  tripleQuotes: `"""docstring""" and '''single''' and \\"""`,
  handlebars: "{{ ds }} {{{raw}}} {{> partial}} {{#each x}}{{/each}} }}{{",
  injection: `"); import os; os.system("rm -rf /"); print("`,
  loneSurrogate: "half a pair: \ud83d!",
  pythonEscapes: String.raw`\N{BULLET} \x41 \u0041 \U00000041 \0 {0} %s`,
};

const tricky: DagModel = {
  dagId: "tricky_test",
  domain: "tricky",
  description: TRICKY.tripleQuotes,
  schedule: TRICKY.handlebars,
  owner: TRICKY.quotes,
  retries: 1,
  retryDelayMinutes: 1,
  slaMinutes: 60,
  startDate: "2024-02-29",
  region: TRICKY.injection,
  tags: [TRICKY.unicode, TRICKY.quotes, TRICKY.handlebars],
  tasks: [
    { kind: "glue", timeoutMinutes: 90, id: "load-orders", after: [], jobName: TRICKY.backslashes },
    { kind: "glue", timeoutMinutes: 90, id: "load_orders", after: ["load-orders"], jobName: TRICKY.pythonEscapes },
    {
      kind: "emr-serverless",
      timeoutMinutes: 240,
      id: "load.orders",
      after: ["load_orders"],
      applicationId: TRICKY.loneSurrogate,
      executionRoleArn: TRICKY.quotes,
      entryPoint: TRICKY.injection,
      entryPointArguments: Object.values(TRICKY),
      sparkSubmitParameters: TRICKY.handlebars,
      logUri: TRICKY.newlines,
    },
    {
      kind: "quality",
      timeoutMinutes: 60,
      id: "gate",
      after: ["load.orders"],
      database: TRICKY.unicode,
      table: TRICKY.tripleQuotes,
      rulesetNames: [TRICKY.handlebars, TRICKY.backslashes],
      roleArn: TRICKY.newlines,
    },
    { kind: "emr-fleet", id: "fleet.rebuild", after: ["gate"], stateMachineArn: TRICKY.loneSurrogate, timeoutMinutes: 1 },
    {
      kind: "athena",
      timeoutMinutes: 30,
      id: "ctas",
      after: ["gate", "load-orders"],
      query: Object.values(TRICKY).join("\n"),
      database: TRICKY.handlebars,
      workgroup: TRICKY.injection,
      outputLocation: TRICKY.unicode,
    },
  ],
};

const OPERATOR: Record<DagTaskModel["kind"], string> = {
  glue: "GlueJobOperator",
  "emr-serverless": "EmrServerlessStartJobOperator",
  "emr-eks": "EmrContainerOperator",
  quality: "GlueDataQualityRuleSetEvaluationRunOperator",
  athena: "AthenaOperator",
  "emr-fleet": "StepFunctionStartExecutionOperator",
};

describe("renderDag", () => {
  it("renders the daily warehouse chain (glue, EMR Serverless, quality gate, Athena INSERT INTO)", async () => {
    const source = renderDag(warehouse);
    await expect(source).toMatchFileSnapshot("./__golden__/social_prod.py");
    const py = pythonView(compilePython("social_prod", source));

    expect(py.dag).toEqual({
      dag_id: "social_prod",
      description: warehouse.description,
      schedule: "0 18 * * *",
      start_date: { code: "pendulum.datetime(2026, 5, 1, tz='UTC')" },
      catchup: false,
      max_active_runs: 1,
      default_args: {
        owner: "social-data",
        retries: 2,
        retry_delay: { code: "timedelta(minutes=10)" },
        sla: { code: "timedelta(minutes=420)" },
      },
      tags: ["lakeform", "prod", "social"],
    });
    expect(py.tasks.map((t) => [t.args.task_id, t.operator])).toEqual(warehouse.tasks.map((t) => [t.id, OPERATOR[t.kind]]));
    // Every operator used is imported, and nothing else from the provider.
    expect(py.imports.filter((i) => i.startsWith("airflow.providers.")).map((i) => i.split(".").pop()).sort()).toEqual(
      [...new Set(py.tasks.map((t) => t.operator))].sort(),
    );
    for (const t of py.tasks) expect(t.args.region_name).toBe(REGION);
    // The dependency lines are exactly the model's `after` edges, sorted.
    const vars = taskVariables(warehouse.tasks.map((t) => t.id));
    const expected = warehouse.tasks.flatMap((t) => t.after.map((up) => [vars.get(up)!, vars.get(t.id)!]));
    expect(py.edges).toEqual([...expected].sort((a, b) => (a.join(" >> ") < b.join(" >> ") ? -1 : 1)));
  });

  it("passes each operator the arguments that make it wait and fail properly", () => {
    const py = pythonView(compilePython("social_prod_args", renderDag(warehouse)));
    const byId = new Map(py.tasks.map((t) => [t.args.task_id, t.args]));
    expect(byId.get("dwd_user_action_clean")).toEqual({
      task_id: "dwd_user_action_clean",
      job_name: "acme-social-dwd-user-action-clean-prod",
      wait_for_completion: true,
      stop_job_run_on_kill: true,
      verbose: false,
      execution_timeout: { code: "timedelta(minutes=90)" },
      region_name: REGION,
    });
    expect(byId.get("ads_sample_follow")).toEqual({
      task_id: "ads_sample_follow",
      application_id: "00fkq8f3bv6c0g09",
      execution_role_arn: `arn:aws:iam::${ACCOUNT}:role/acme-social-ads-sample-follow-prod-${REGION}`,
      job_driver: {
        sparkSubmit: {
          entryPoint: `s3://acme-social-artifacts-prod-${ACCOUNT}-${REGION}/jobs/sample_follow.py`,
          entryPointArguments: ["--dt", "{{ ds }}", "--negatives", "4"],
          // Masks, row filters and the lake buckets' credentials come from Lake Formation.
          sparkSubmitParameters: "--conf spark.emr-serverless.lakeformation.enabled=true",
        },
      },
      configuration_overrides: { monitoringConfiguration: { s3MonitoringConfiguration: { logUri: LOGS } } },
      wait_for_completion: true,
      // The waiter polls once a minute, one poll longer than the task may run, so the timeout decides.
      waiter_delay: 60,
      waiter_max_attempts: 241,
      execution_timeout: { code: "timedelta(minutes=240)" },
      region_name: REGION,
    });
    expect(byId.get("dwd_quality_gate")).toEqual({
      task_id: "dwd_quality_gate",
      datasource: { GlueTable: { DatabaseName: "social_dwd_prod", TableName: "user_action" } },
      role: `arn:aws:iam::${ACCOUNT}:role/acme-social-quality-prod-${REGION}`,
      rule_set_names: ["social-dwd-completeness-prod", "social-dwd-user-action-prod"],
      wait_for_completion: true,
      show_results: true,
      verify_result_status: true,
      waiter_delay: 60,
      waiter_max_attempts: 61,
      execution_timeout: { code: "timedelta(minutes=60)" },
      region_name: REGION,
    });
    // The fleet job: its state machine creates, uses and terminates the cluster; the triggerer waits for the execution.
    expect(byId.get("dws_history_rebuild")).toEqual({
      task_id: "dws_history_rebuild",
      state_machine_arn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:social-prod-history-rebuild`,
      deferrable: true,
      waiter_delay: 60,
      waiter_max_attempts: 1501,
      execution_timeout: { code: "timedelta(minutes=1500)" },
      region_name: REGION,
    });
    const insert = warehouse.tasks.find((t) => t.kind === "athena")!;
    expect(byId.get("dws_user_daily")).toEqual({
      task_id: "dws_user_daily",
      query: insert.kind === "athena" ? insert.query : "",
      database: "social_dws_prod",
      output_location: `s3://acme-social-artifacts-prod-${ACCOUNT}-${REGION}/athena/social-pipeline-dws-prod/`,
      workgroup: "social-pipeline-dws-prod",
      // Two polls a minute, one more than the 30 minutes the task may run.
      sleep_time: 30,
      max_polling_attempts: 61,
      execution_timeout: { code: "timedelta(minutes=30)" },
      region_name: REGION,
    });
  });

  it("renders a DAG of a single task: no dependency lines, no SLA, only the operator it uses", async () => {
    const source = renderDag(singleTask);
    await expect(source).toMatchFileSnapshot("./__golden__/cdr_dev.py");
    const py = pythonView(compilePython("cdr_dev", source));
    expect(py.edges).toEqual([]);
    expect(py.dag.default_args).not.toHaveProperty("sla");
    expect(py.imports).toEqual([
      "__future__.annotations",
      "datetime.timedelta",
      "airflow.DAG",
      "airflow.providers.amazon.aws.operators.glue.GlueJobOperator",
      "pendulum",
    ]);
    expect(source.startsWith("# Generated by Lakeform from domains/cdr. Do not edit")).toBe(true);
    expect(source.endsWith("    )\n")).toBe(true);
  });

  it("renders tricky strings as Python literals that read back exactly", async () => {
    const source = renderDag(tricky);
    await expect(source).toMatchFileSnapshot("./__golden__/tricky_test.py");
    expect(source).toMatch(/^[\x20-\x7e\n]*$/);
    const py = pythonView(compilePython("tricky_test", source));

    const modelled = new Set([
      ...Object.values(TRICKY),
      // Every string of every task (counts are checked as numbers elsewhere).
      ...tricky.tasks.flatMap(({ kind: _, timeoutMinutes: __, ...fields }) => Object.values(fields).flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => typeof v === "string")),
    ]);
    const seen = new Set(py.strings);
    for (const s of modelled) expect(seen.has(s), `lost in rendering: ${JSON.stringify(s)}`).toBe(true);
    expect(py.dag.description).toBe(TRICKY.tripleQuotes);
    expect(py.dag.schedule).toBe(TRICKY.handlebars);
    expect((py.dag.default_args as Record<string, unknown>).owner).toBe(TRICKY.quotes);
    expect(py.tasks.find((t) => t.args.task_id === "ctas")!.args.query).toBe(Object.values(TRICKY).join("\n"));
    expect(py.tasks.find((t) => t.args.task_id === "load.orders")!.args.region_name).toBe(TRICKY.injection);
    // The injection attempt stayed a string: pythonView found no statement beyond imports,
    // the with block, one assignment per task and the `>>` lines.
    expect(py.tasks).toHaveLength(tricky.tasks.length);
    expect(py.edges).toHaveLength(6);
  });

  it("names the domain folder in the header and keeps EMR application placeholders verbatim for the stack to swap", () => {
    const placeholder = "__LAKEFORM_EMR_SERVERLESS_APPLICATION_ENRICH_CALLS__";
    const source = renderDag({
      ...singleTask,
      dagId: "call_records_prod",
      domain: "call-records",
      tasks: [{ ...emr("enrich_calls", [], "enrich_calls.py", []), applicationId: placeholder }],
    });
    expect(source.split("\n", 1)[0]).toBe("# Generated by Lakeform from domains/call-records. Do not edit: change the");
    expect(source).toContain(`        application_id="${placeholder}",\n`);
    compilePython("call_records_prod", source);
  });

  it("gives ids that collide after sanitising distinct Python names, independent of task order", () => {
    const vars = taskVariables(["load_orders", "load.orders", "load-orders", "7days", "load_orders_2"]);
    expect(Object.fromEntries(vars)).toEqual({
      "7days": "t_7days",
      "load-orders": "t_load_orders",
      "load.orders": "t_load_orders_2",
      load_orders: "t_load_orders_3",
      load_orders_2: "t_load_orders_2_2",
    });
    expect(taskVariables(["load.orders", "load_orders", "load-orders"])).toEqual(taskVariables(["load-orders", "load_orders", "load.orders"]));
  });

  it("renders the same bytes every time, and ignores the order of tags and rule sets", () => {
    expect(renderDag(warehouse)).toBe(renderDag(warehouse));
    const shuffled: DagModel = {
      ...warehouse,
      tags: [...warehouse.tags].reverse(),
      tasks: warehouse.tasks.map((t) => (t.kind === "quality" ? { ...t, rulesetNames: [...t.rulesetNames].reverse() } : t)),
    };
    expect(renderDag(shuffled)).toBe(renderDag(warehouse));
  });

  it("fails when the DAG has problems, listing them all and rendering nothing", () => {
    const broken: DagModel = { ...singleTask, tasks: [{ ...singleTask.tasks[0]!, after: ["conform_calls", "missing"] }] };
    expect(() => renderDag(broken)).toThrow(
      [
        'cannot render DAG "cdr_dev":',
        '  tasks[0].after[0]: task "conform_calls" names itself; a task cannot run after itself',
        '  tasks[0].after[1]: no task "missing"; known tasks: conform_calls',
      ].join("\n"),
    );
  });

  it("fails when the start date is not a real YYYY-MM-DD date", () => {
    expect(() => renderDag({ ...singleTask, startDate: "2026-02-30" })).toThrow('expected a start date as YYYY-MM-DD, got "2026-02-30"');
    expect(() => renderDag({ ...singleTask, startDate: "2026-05-01T00:00:00Z" })).toThrow("expected a start date as YYYY-MM-DD");
  });

  it("fails when a count is not a whole number", () => {
    expect(() => renderDag({ ...singleTask, retries: 1.5 })).toThrow("expected a whole number of at least 0, got 1.5");
    expect(() => renderDag({ ...singleTask, slaMinutes: -1 })).toThrow("expected a whole number of at least 0, got -1");
  });
});

describe("pythonString", () => {
  it("escapes to pure ASCII, using \\U for characters outside the BMP", () => {
    expect(pythonString(`a"b\\c\n`)).toBe(String.raw`"a\"b\\c\n"`);
    expect(pythonString("é – 😀 \u007f")).toBe(String.raw`"\xe9 \u2013 \U0001f600 \x7f"`);
    expect(pythonString("\ud800")).toBe(String.raw`"\ud800"`);
  });

  it("reads back in Python as the same string, for every code point class", () => {
    const samples = [
      ...Object.values(TRICKY),
      Array.from({ length: 0x80 }, (_, i) => String.fromCharCode(i)).join(""),
      "\u0080\u00ff\u0100\ud7ff\ue000\uffff",
      String.fromCodePoint(0x10000, 0x1f600, 0x10ffff),
    ];
    const file = join(scratch, "strings.py");
    writeFileSync(file, `import json\nprint(json.dumps([${samples.map(pythonString).join(", ")}], ensure_ascii=True))\n`);
    expect(JSON.parse(execFileSync("python3", [file], { encoding: "utf8" }))).toEqual(samples);
  });
});

describe("unsafeMustaches", () => {
  it("fails when a template prints a value without a safe helper", () => {
    const template = ["{{py a}} {{pyList b}}", "{{x}} {{{x}}} {{py}} {{lookup a b}}", "{{#if c}}{{py a b}}{{/if}}"].join("\n");
    expect(unsafeMustaches(template)).toEqual([
      "line 2: {{x…}}",
      "line 2: {{x…}}",
      "line 2: {{py…}}",
      "line 2: {{lookup…}}",
      "line 3: {{py…}}",
    ]);
  });
});

describe("renderDag with EMR on EKS", () => {
  const features: Extract<DagTaskModel, { kind: "emr-eks" }> = {
    kind: "emr-eks",
    id: "features",
    after: ["gate"],
    name: "social-features",
    virtualClusterId: "kx3a9e1j2o5d7q8w0r4t6y7ui",
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/acme-social-job-features-prod-${REGION}`,
    releaseLabel: "emr-7.7.0-latest",
    entryPoint: `s3://acme-social-artifacts-prod-${ACCOUNT}-${REGION}/jobs/features/0123456789abcdef.py`,
    entryPointArguments: ["social_processed_prod", "social_curated_prod"],
    sparkSubmitParameters: "--conf spark.executor.cores=4 --conf spark.dynamicAllocation.maxExecutors=40",
    logGroupName: "/lakeform/social-prod/emr-eks/features",
    logStreamNamePrefix: "features",
    logUri: `s3://acme-social-artifacts-prod-${ACCOUNT}-${REGION}/logs/features/`,
    timeoutMinutes: 45,
    tags: [
      { key: "domain", value: "social" },
      { key: "environment", value: "prod" },
      { key: "managed-by", value: "lakeform" },
    ],
  };
  const dag: DagModel = { ...warehouse, dagId: "social_eks", tasks: [emr("gate", [], "gate.py", []), features] };

  it("renders an EmrContainerOperator next to EMR Serverless from one import, cancelled by Airflow at the run time limit", async () => {
    const source = renderDag(dag);
    await expect(source).toMatchFileSnapshot("./__golden__/social_eks.py");
    const py = pythonView(compilePython("social_eks", source));
    expect(py.imports).toContain("airflow.providers.amazon.aws.operators.emr.EmrContainerOperator");
    expect(py.imports).toContain("airflow.providers.amazon.aws.operators.emr.EmrServerlessStartJobOperator");
    const task = py.tasks.find((t) => t.operator === "EmrContainerOperator")!;
    expect(task.args).toEqual({
      task_id: "features",
      name: "social-features",
      virtual_cluster_id: features.virtualClusterId,
      execution_role_arn: features.executionRoleArn,
      release_label: "emr-7.7.0-latest",
      job_driver: { sparkSubmitJobDriver: { entryPoint: features.entryPoint, entryPointArguments: features.entryPointArguments, sparkSubmitParameters: features.sparkSubmitParameters } },
      configuration_overrides: {
        monitoringConfiguration: {
          persistentAppUI: "DISABLED",
          cloudWatchMonitoringConfiguration: { logGroupName: features.logGroupName, logStreamNamePrefix: "features" },
          s3MonitoringConfiguration: { logUri: features.logUri },
        },
      },
      tags: { domain: "social", environment: "prod", "managed-by": "lakeform" },
      wait_for_completion: true,
      execution_timeout: { code: "timedelta(minutes=45)" },
    });
    expect(py.edges).toEqual([["t_gate", "t_features"]]);
  });

  it("imports only EmrContainerOperator when no task uses EMR Serverless", () => {
    const py = pythonView(compilePython("eks_only", renderDag({ ...dag, tasks: [{ ...features, after: [] }] })));
    expect(py.imports.filter((i) => i.includes(".emr."))).toEqual(["airflow.providers.amazon.aws.operators.emr.EmrContainerOperator"]);
  });
});
