import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lakeform, treeDigest } from "../helpers/cli";
import { type ProjectSpec, domainFixture, makeProject, platformFixture } from "../helpers/project";

/**
 * Golden errors of pipeline query tasks (an Athena INSERT INTO a declared
 * table) and of task timeouts: the exact text, exit 2 (exit 1 for a PII
 * finding), and an earlier cdktf.out left as it was.
 */

function seedPreviousOutput(root: string): Record<string, string> {
  const out = join(root, "cdktf.out");
  mkdirSync(join(out, "stacks", "sales-dev"), { recursive: true });
  writeFileSync(join(out, "manifest.json"), '{"previous":true}\n');
  return treeDigest(out);
}

async function failingSynth(spec: ProjectSpec, code = 2): Promise<string> {
  const root = makeProject(spec);
  const before = seedPreviousOutput(root);
  const r = await lakeform("synth", "--dir", root);
  expect(r.code).toBe(code);
  expect(r.stdout).toBe("");
  expect(treeDigest(join(root, "cdktf.out"))).toEqual(before);
  return r.stderr;
}

const PII_REASON = "Totals orders per day; the e-mail addresses are never selected or written.";
const DAILY_SQL = `-- Orders per day.
INSERT INTO curated.daily
SELECT count(*) AS orders, sum(amount) AS total, order_date AS day
FROM processed.orders
WHERE order_date = DATE '{{ ds }}'
GROUP BY order_date
`;

/**
 * A Glue job conform (raw.events → processed.orders), then the query daily
 * (processed.orders → curated.daily, Parquet, partitioned by day), then a
 * quality gate on curated.daily; changed by `mutate`.
 */
const withQuery = (mutate: (d: Record<string, any>) => void, files: Record<string, string> = { "queries/daily.sql": DAILY_SQL }): ProjectSpec => {
  const d = domainFixture();
  d.tables.push(
    { name: "events", zone: "raw", format: "json", columns: [{ name: "payload", type: "string" }] },
    { name: "daily", zone: "curated", columns: [{ name: "orders", type: "bigint" }, { name: "total", type: "decimal(18,2)" }], partitionKeys: [{ name: "day", type: "date" }], quality: ["RowCount > 0"] },
    { name: "history", zone: "curated", format: "iceberg", columns: [{ name: "total", type: "decimal(18,2)" }] },
  );
  d.jobs = [{ name: "conform", engine: "glue", script: "jobs/conform.py", reads: ["raw.events"], writes: ["processed.orders"], timeoutMinutes: 120, processesPii: PII_REASON }];
  d.pipeline = {
    schedule: "0 2 * * *",
    tasks: [
      { name: "conform", job: "conform" },
      { name: "daily", query: "queries/daily.sql", reads: ["processed.orders"], into: "curated.daily", after: ["conform"], processesPii: PII_REASON },
      { name: "daily_quality", quality: "curated.daily", after: ["daily"] },
    ],
  };
  mutate(d);
  const all = { "jobs/conform.py": "print('conform')\n", ...files };
  return { platform: platformFixture(), domains: { sales: d }, files: Object.fromEntries(Object.entries(all).map(([f, text]) => [`domains/sales/${f}`, text])) };
};

describe("lakeform synth on bad query tasks and timeouts", () => {
  it("synthesizes the query fixture itself (every case below breaks one thing)", async () => {
    const r = await lakeform("synth", "--dir", makeProject(withQuery(() => {})));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("fails when a task runs a job and a query at once", async () => {
    expect(await failingSynth(withQuery((d) => (d.pipeline.tasks[1].job = "conform")))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › pipeline.tasks[1]: a task runs a job, checks quality or runs a query, exactly one, got "daily"; give job: <job name>, quality: <zone>.<table> or query: queries/<file>.sql
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when the query's SQL file is not in the domain folder", async () => {
    expect(await failingSynth(withQuery((d) => (d.pipeline.tasks[1].query = "queries/dayly.sql")))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › pipeline.tasks[1].query: no file domains/sales/queries/dayly.sql, got "queries/dayly.sql"; add the SQL file, or fix the path (relative to the domain folder)
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a query task does not say what it reads and inserts into", async () => {
    expect(await failingSynth(withQuery((d) => (delete d.pipeline.tasks[1].reads, delete d.pipeline.tasks[1].into)))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › pipeline.tasks[1].into: a query task names the declared table it inserts into; add into: <zone>.<table>
      domains/sales/domain.yaml › pipeline.tasks[1].reads: a query task lists the tables it reads, so the pipeline is granted exactly those; add reads: [<zone>.<table>, …]
      2 problems in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a query task names tables the domain does not have", async () => {
    expect(await failingSynth(withQuery((d) => ((d.pipeline.tasks[1].reads = ["processed.order"]), (d.pipeline.tasks[1].into = "curated.dialy"))))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › pipeline.tasks[1].reads[0]: the domain has no such table, got "processed.order"; did you mean "processed.orders"? (tables of this domain: "curated.daily", "curated.history", "processed.orders", "raw.events")
      domains/sales/domain.yaml › pipeline.tasks[1].into: the domain has no such table, got "curated.dialy"; did you mean "curated.daily"? (tables of this domain: "curated.daily", "curated.history", "processed.orders", "raw.events")
      2 problems in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a query inserts into a table that is not Parquet", async () => {
    expect(await failingSynth(withQuery((d) => (d.pipeline.tasks[1].into = "curated.history"), { "queries/daily.sql": DAILY_SQL.replace("curated.daily", "curated.history") }))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › pipeline.tasks[1].into: Athena query tasks insert into Parquet tables only, and curated.history is iceberg, got "curated.history"; insert into a Parquet table, or write this table with a Glue job: an Iceberg commit reads the table's metadata files, which the zone bucket lets only Lake Formation read
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a query lists its target among its reads, or a read twice", async () => {
    expect(await failingSynth(withQuery((d) => (d.pipeline.tasks[1].reads = ["processed.orders", "curated.daily", "processed.orders"])))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › pipeline.tasks[1].reads[1]: the query's target is also in its reads, got "curated.daily"; remove it from reads; the target's own grant lets the statement read what it needs of it
      domains/sales/domain.yaml › pipeline.tasks[1].reads: a table is listed twice, got ["processed.orders","curated.daily","processed.orders"]; list each table once
      2 problems in 1 file; nothing was written.
      "
    `);
  });

  it("fails when the SQL is a CTAS rather than an INSERT INTO its declared table", async () => {
    const ctas = "CREATE TABLE curated.daily_v2 WITH (format = 'PARQUET') AS\nSELECT count(*) AS orders FROM processed.orders\n";
    expect(await failingSynth(withQuery(() => {}, { "queries/daily.sql": ctas }))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › pipeline.tasks[1].query: queries/daily.sql: the statement starts with "CREATE TABLE" (CTAS would create a table the manifest does not declare); it must be INSERT INTO curated.daily …, got "queries/daily.sql"; write one INSERT INTO <into> SELECT … naming tables as <zone>.<table>
      domains/sales/domain.yaml › pipeline.tasks[1].query: queries/daily.sql: names curated.daily_v2, which the domain does not declare, got "queries/daily.sql"; write one INSERT INTO <into> SELECT … naming tables as <zone>.<table>
      2 problems in 1 file; nothing was written.
      "
    `);
  });

  it("fails when the SQL reads a table its task does not list, or never reads one it lists", async () => {
    expect(await failingSynth(withQuery((d) => (d.pipeline.tasks[1].reads = ["raw.events"])))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › pipeline.tasks[1].query: queries/daily.sql: reads processed.orders, which is not in the task's reads; list it there, so the pipeline is granted it, got "queries/daily.sql"; write one INSERT INTO <into> SELECT … naming tables as <zone>.<table>
      domains/sales/domain.yaml › pipeline.tasks[1].query: queries/daily.sql: never names raw.events, which the task's reads list; remove it from reads, so the pipeline is not granted it, got "queries/daily.sql"; write one INSERT INTO <into> SELECT … naming tables as <zone>.<table>
      2 problems in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a job or quality task carries query fields", async () => {
    expect(await failingSynth(withQuery((d) => Object.assign(d.pipeline.tasks[2], { reads: ["processed.orders"], processesPii: PII_REASON })))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › pipeline.tasks[2].reads: reads belongs to query tasks, and this task has no query, got ["processed.orders"]; remove reads, or add query: queries/<file>.sql
      domains/sales/domain.yaml › pipeline.tasks[2].processesPii: processesPii belongs to query tasks, and this task has no query, got "Totals orders per day; the e-mail addresses are never selected or written."; remove processesPii, or add query: queries/<file>.sql
      2 problems in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a Glue task's timeout is shorter than the job's own", async () => {
    expect(await failingSynth(withQuery((d) => (d.pipeline.tasks[0].timeoutMinutes = 90)))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › pipeline.tasks[0].timeoutMinutes: shorter than job "conform"'s own limit of 120 minutes, so Airflow would give up on a run that is still allowed to finish, got 90; set at least 120, or lower the job's timeoutMinutes
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a timeout is not 1 to 2880 minutes", async () => {
    expect(await failingSynth(withQuery((d) => (d.pipeline.tasks[1].timeoutMinutes = 0)))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › pipeline.tasks[1].timeoutMinutes: below the minimum (at least 1), got 0; Airflow execution_timeout of the task: past it the task fails (and retries). A job task's must be at least the job's own timeoutMinutes.
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a grant takes a name Lakeform keeps for query tasks' grants", async () => {
    const spec = withQuery((d) => (d.access = [{ name: "pipeline-daily-reads", principal: "analysts", tables: ["curated.daily"] }]));
    const p = spec.platform as Record<string, any>;
    for (const [env, account] of [["dev", "111111111111"], ["prod", "222222222222"]] as const) p.environments[env].principals = { analysts: `arn:aws:iam::${account}:role/analysts` };
    expect(await failingSynth(spec)).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › access[0].name: grant names starting with pipeline- are Lakeform's, for query tasks' own grants, got "pipeline-daily-reads"; choose another name
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("refuses with exit 1 when a query reads PII without saying why (processesPii)", async () => {
    expect(await failingSynth(withQuery((d) => delete d.pipeline.tasks[1].processesPii), 1)).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › pipeline.tasks[1]: grant "pipeline-daily-reads" lets pipeline:dev read PII column sales.processed.orders.email unmasked in dev, prod, got "arn:aws:iam::111111111111:role/acme-platform-mwaa-dev-eu-west-1"; say why the query processes PII unmasked with processesPii, or stop it reading that table
      1 finding in 1 file; nothing was written.
      "
    `);
  });
});
