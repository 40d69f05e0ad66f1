import type { DagModel } from "./types";

/**
 * Structural problems that would make a DAG wrong or unloadable in Airflow.
 * Pure; every problem at once, in a stable order (by task position, then
 * cycles). `renderDag` refuses a DAG with any of them.
 */

/**
 * Airflow's key rule for dag and task ids is `^[\w.-]+$`, at most 250
 * characters; Lakeform keeps to its ASCII subset, because ids also end up in
 * log paths, URLs and the generated Python names.
 */
const AIRFLOW_KEY = /^[A-Za-z0-9_.-]{1,250}$/;

const quote = (s: string) => JSON.stringify(s);

export function dagProblems(dag: DagModel): string[] {
  const problems: string[] = [];

  if (!AIRFLOW_KEY.test(dag.dagId)) {
    problems.push(`dagId: ${quote(dag.dagId)} is not a valid Airflow DAG id; use 1-250 letters, digits and _ . -`);
  }
  if (!/^[a-z][a-z0-9-]*$/.test(dag.domain)) {
    problems.push(`domain: ${quote(dag.domain)} is not a domain folder name; use lower-case letters, digits and -`);
  }
  if (dag.tasks.length === 0) {
    problems.push("tasks: the DAG has no tasks; a DAG needs at least one");
    return problems;
  }

  const firstIndex = new Map<string, number>();
  dag.tasks.forEach((t, i) => {
    if (!Number.isSafeInteger(t.timeoutMinutes) || t.timeoutMinutes < 1) {
      problems.push(`tasks[${i}].timeoutMinutes: ${t.timeoutMinutes} is not a whole number of minutes of at least 1`);
    }
    if (!AIRFLOW_KEY.test(t.id)) {
      problems.push(`tasks[${i}].id: ${quote(t.id)} is not a valid Airflow task id; use 1-250 letters, digits and _ . -`);
    }
    const first = firstIndex.get(t.id);
    if (first === undefined) firstIndex.set(t.id, i);
    else problems.push(`tasks[${i}].id: ${quote(t.id)} is already the id of tasks[${first}]; task ids must be unique`);
  });

  const known = [...firstIndex.keys()].sort();
  // Edges in run order (upstream → downstream), only between known, distinct tasks.
  const downstream = new Map<string, Set<string>>(known.map((id) => [id, new Set<string>()]));
  dag.tasks.forEach((t, i) => {
    t.after.forEach((up, j) => {
      const at = `tasks[${i}].after[${j}]`;
      if (up === t.id) problems.push(`${at}: task ${quote(t.id)} names itself; a task cannot run after itself`);
      else if (!firstIndex.has(up)) problems.push(`${at}: no task ${quote(up)}; known tasks: ${known.join(", ")}`);
      else downstream.get(up)!.add(t.id);
    });
  });

  for (const cycle of findCycles(known, downstream)) {
    problems.push(`tasks: dependency cycle ${cycle.join(" → ")}; remove one of these dependencies`);
  }
  return problems;
}

/**
 * One cycle per back edge of a depth-first search, visiting ids and their
 * successors in sorted order so the same graph always reports the same paths.
 * Each path starts and ends at its smallest id.
 */
function findCycles(ids: readonly string[], next: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const seen = new Set<string>();
  const cycles: string[][] = [];

  const visit = (id: string): void => {
    state.set(id, "open");
    stack.push(id);
    for (const n of [...(next.get(id) ?? [])].sort()) {
      const s = state.get(n);
      if (s === undefined) visit(n);
      else if (s === "open") {
        const loop = stack.slice(stack.indexOf(n));
        const start = loop.indexOf([...loop].sort()[0]!);
        const rotated = [...loop.slice(start), ...loop.slice(0, start)];
        const key = rotated.join("\u0000");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...rotated, rotated[0]!]);
        }
      }
    }
    stack.pop();
    state.set(id, "done");
  };

  for (const id of ids) if (!state.has(id)) visit(id);
  return cycles;
}
