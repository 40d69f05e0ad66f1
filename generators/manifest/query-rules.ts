import { type PathSegment, type Problem, suggest } from "./errors";
import { querySqlProblems } from "./query-sql";
import { type ParsedDomain, zoneNamesOf } from "./rules";

/**
 * Cross-references of the pipeline's query tasks (an Athena INSERT INTO a
 * declared table) and of every task's timeoutMinutes. Every problem at once.
 */
export function checkQueryTasks(d: ParsedDomain): Problem[] {
  const { file, manifest: m } = d;
  const problems: Problem[] = [];
  m.access.forEach((g, gi) => {
    if (g.name.startsWith("pipeline-")) problems.push({ file, path: ["access", gi, "name"], code: "invalid-value", message: "grant names starting with pipeline- are Lakeform's, for query tasks' own grants", got: g.name, hint: "choose another name" });
  });
  const p = m.pipeline;
  if (!p) return problems;
  const tables = m.tables.map((t) => `${t.zone}.${t.name}`).sort();
  const zones = zoneNamesOf(m);
  const find = (ref: string) => m.tables.find((t) => `${t.zone}.${t.name}` === ref);
  p.tasks.forEach((t, ti) => {
    const at = (...rest: PathSegment[]): PathSegment[] => ["pipeline", "tasks", ti, ...rest];
    const job = t.job === undefined ? undefined : m.jobs.find((j) => j.name === t.job);
    if (job?.engine === "glue" && t.timeoutMinutes !== undefined && t.timeoutMinutes < job.timeoutMinutes) {
      problems.push({ file, path: at("timeoutMinutes"), code: "invalid-value", message: `shorter than job "${job.name}"'s own limit of ${job.timeoutMinutes} minutes, so Airflow would give up on a run that is still allowed to finish`, got: t.timeoutMinutes, hint: `set at least ${job.timeoutMinutes}, or lower the job's timeoutMinutes` });
    }
    if (t.query === undefined) {
      for (const key of ["reads", "into", "processesPii"] as const) {
        if (t[key] !== undefined) problems.push({ file, path: at(key), code: "invalid-value", message: `${key} belongs to query tasks, and this task has no query`, got: t[key], hint: `remove ${key}, or add query: queries/<file>.sql` });
      }
      return;
    }
    if (t.into === undefined) problems.push({ file, path: at("into"), code: "missing", message: "a query task names the declared table it inserts into", hint: "add into: <zone>.<table>" });
    if (t.reads === undefined) problems.push({ file, path: at("reads"), code: "missing", message: "a query task lists the tables it reads, so the pipeline is granted exactly those", hint: "add reads: [<zone>.<table>, …]" });
    let tablesOk = true;
    (t.reads ?? []).forEach((ref, i) => {
      if (!find(ref)) {
        tablesOk = false;
        problems.push({ file, path: at("reads", i), code: "unknown-zone", message: "the domain has no such table", got: ref, hint: suggest(ref, tables, "tables of this domain") });
      } else if (ref === t.into) problems.push({ file, path: at("reads", i), code: "invalid-value", message: "the query's target is also in its reads", got: ref, hint: "remove it from reads; the target's own grant lets the statement read what it needs of it" });
    });
    if (new Set(t.reads ?? []).size !== (t.reads ?? []).length) problems.push({ file, path: at("reads"), code: "duplicate-name", message: "a table is listed twice", got: t.reads, hint: "list each table once" });
    if (t.into !== undefined) {
      const target = find(t.into);
      if (!target) {
        tablesOk = false;
        problems.push({ file, path: at("into"), code: "unknown-zone", message: "the domain has no such table", got: t.into, hint: suggest(t.into, tables, "tables of this domain") });
      } else if (target.format !== "parquet") {
        problems.push({ file, path: at("into"), code: "invalid-value", message: `Athena query tasks insert into Parquet tables only, and ${t.into} is ${target.format}`, got: t.into, hint: "insert into a Parquet table, or write this table with a Glue job: an Iceberg commit reads the table's metadata files, which the zone bucket lets only Lake Formation read" });
      }
    }
    const sql = d.scripts?.get(t.query);
    if (d.scripts && sql === undefined) {
      problems.push({ file, path: at("query"), code: "missing", message: `no file domains/${d.folder}/${t.query}`, got: t.query, hint: "add the SQL file, or fix the path (relative to the domain folder)" });
    } else if (sql !== undefined && tablesOk && t.into !== undefined && t.reads !== undefined) {
      for (const why of querySqlProblems(sql, { into: t.into, reads: t.reads, zones, tables })) {
        problems.push({ file, path: at("query"), code: "invalid-value", message: `${t.query}: ${why}`, got: t.query, hint: "write one INSERT INTO <into> SELECT … naming tables as <zone>.<table>" });
      }
    }
  });
  return problems;
}
