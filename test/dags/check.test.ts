import { describe, expect, it } from "vitest";
import { dagProblems } from "../../generators/dags/check";
import type { DagModel, DagTaskModel } from "../../generators/dags/types";

const glue = (id: string, ...after: string[]): DagTaskModel => ({ kind: "glue", timeoutMinutes: 90, id, after, jobName: `acme-sales-${id}-prod` });

const dag = (...tasks: DagTaskModel[]): DagModel => ({
  dagId: "sales_prod",
  domain: "sales",
  description: "sales pipeline",
  schedule: "@daily",
  owner: "sales-team",
  retries: 2,
  retryDelayMinutes: 5,
  slaMinutes: null,
  startDate: "2026-01-01",
  region: "eu-west-1",
  tags: ["sales"],
  tasks,
});

describe("dagProblems", () => {
  it("finds nothing in a well-formed DAG (a diamond is not a cycle)", () => {
    expect(dagProblems(dag(glue("ods"), glue("dwd_a", "ods"), glue("dwd_b", "ods"), glue("dws", "dwd_a", "dwd_b")))).toEqual([]);
  });

  it("fails when the domain is not a domain folder name", () => {
    expect(dagProblems({ ...dag(glue("ods")), domain: "../sales" })).toEqual(['domain: "../sales" is not a domain folder name; use lower-case letters, digits and -']);
  });

  it("fails when a task's timeout is not a whole number of minutes of at least 1", () => {
    expect(dagProblems(dag({ ...glue("ods"), timeoutMinutes: 0 }, { ...glue("dwd", "ods"), timeoutMinutes: 2.5 }))).toEqual([
      "tasks[0].timeoutMinutes: 0 is not a whole number of minutes of at least 1",
      "tasks[1].timeoutMinutes: 2.5 is not a whole number of minutes of at least 1",
    ]);
  });

  it("fails when the DAG has no tasks", () => {
    expect(dagProblems(dag())).toEqual(["tasks: the DAG has no tasks; a DAG needs at least one"]);
  });

  it("fails when two tasks share an id", () => {
    expect(dagProblems(dag(glue("ods"), glue("dwd", "ods"), glue("ods")))).toEqual([
      'tasks[2].id: "ods" is already the id of tasks[0]; task ids must be unique',
    ]);
  });

  it("fails when after names an unknown task", () => {
    expect(dagProblems(dag(glue("ods"), glue("dwd", "ods", "odz")))).toEqual([
      'tasks[1].after[1]: no task "odz"; known tasks: dwd, ods',
    ]);
  });

  it("fails when a task runs after itself (and does not call it a cycle too)", () => {
    expect(dagProblems(dag(glue("ods"), glue("dwd", "dwd", "ods")))).toEqual([
      'tasks[1].after[0]: task "dwd" names itself; a task cannot run after itself',
    ]);
  });

  it("fails when two tasks wait for each other, naming the cycle", () => {
    expect(dagProblems(dag(glue("a", "b"), glue("b", "a")))).toEqual(["tasks: dependency cycle a → b → a; remove one of these dependencies"]);
  });

  it("fails when a longer cycle closes, reporting it once from its smallest id in run order", () => {
    // Run order: ods → dwd → dws → ods (each runs after the previous one).
    expect(dagProblems(dag(glue("start"), glue("dws", "dwd"), glue("ods", "dws", "start"), glue("dwd", "ods")))).toEqual([
      "tasks: dependency cycle dwd → dws → ods → dwd; remove one of these dependencies",
    ]);
  });

  it("fails when separate cycles exist, reporting each", () => {
    expect(dagProblems(dag(glue("a", "b"), glue("b", "a"), glue("x", "y"), glue("y", "x")))).toEqual([
      "tasks: dependency cycle a → b → a; remove one of these dependencies",
      "tasks: dependency cycle x → y → x; remove one of these dependencies",
    ]);
  });

  it("fails when a task id is not a valid Airflow id", () => {
    expect(dagProblems(dag(glue("load orders"), glue("x".repeat(251))))).toEqual([
      'tasks[0].id: "load orders" is not a valid Airflow task id; use 1-250 letters, digits and _ . -',
      `tasks[1].id: "${"x".repeat(251)}" is not a valid Airflow task id; use 1-250 letters, digits and _ . -`,
    ]);
  });

  it("fails when the DAG id is not a valid Airflow id", () => {
    expect(dagProblems({ ...dag(glue("ods")), dagId: "sales/prod" })).toEqual([
      'dagId: "sales/prod" is not a valid Airflow DAG id; use 1-250 letters, digits and _ . -',
    ]);
  });

  it("fails with every problem at once, not the first", () => {
    expect(dagProblems(dag(glue("a", "b"), glue("b", "a"), glue("c", "c", "nope"), glue("a")))).toEqual([
      'tasks[3].id: "a" is already the id of tasks[0]; task ids must be unique',
      'tasks[2].after[0]: task "c" names itself; a task cannot run after itself',
      'tasks[2].after[1]: no task "nope"; known tasks: a, b, c',
      "tasks: dependency cycle a → b → a; remove one of these dependencies",
    ]);
  });
});
