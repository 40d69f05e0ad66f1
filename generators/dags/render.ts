import { readFileSync } from "node:fs";
import Handlebars from "handlebars";
import { dagProblems } from "./check";
import type { DagModel, DagTaskModel } from "./types";

/**
 * Renders a domain's Airflow DAG file from its DagModel. Pure and
 * deterministic: the same model gives the same bytes.
 *
 * The template never prints a value as it is: every `{{…}}` calls one of the
 * helpers below, which turn strings into Python string literals, lists into
 * Python lists and check that numbers and names are what they claim to be.
 * This is enforced when the template loads (see `unsafeMustaches`).
 */

/**
 * A Python `str` literal for any JavaScript string, in pure ASCII.
 *
 * JSON string escapes (`\" \\ \b \f \n \r \t \uXXXX`) mean the same in a
 * Python string literal, so JSON.stringify does most of the work. What JSON
 * leaves raw is escaped here: DEL and every non-ASCII code point, as `\xXX`,
 * `\uXXXX`, or `\UXXXXXXXX` for characters outside the BMP (Python would read
 * a `\uD83D\uDE00` pair as two lone surrogates, not one character). Lone
 * surrogates come out of JSON.stringify already escaped, and mean the same in
 * Python. The file stays ASCII, so its encoding never matters.
 */
export function pythonString(value: string): string {
  if (typeof value !== "string") throw new Error(`expected a string for a Python string literal, got ${JSON.stringify(value)}`);
  return JSON.stringify(value).replace(/[^\x20-\x7e]/gu, (ch) => {
    const cp = ch.codePointAt(0)!;
    if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, "0")}`;
    if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, "0")}`;
    return `\\U${cp.toString(16).padStart(8, "0")}`;
  });
}

const PY_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Python variable names for task ids: non-identifier characters become `_`,
 * with a `t_` prefix (never a keyword, never a leading digit, never shadows
 * `dag`, `DAG`, `pendulum` or `timedelta`). Ids that collide after the
 * replacement get `_2`, `_3`, … in sorted-id order, so the names do not
 * depend on the order of the tasks.
 */
export function taskVariables(ids: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  const used = new Set<string>();
  for (const id of [...new Set(ids)].sort()) {
    const base = `t_${id.replace(/[^A-Za-z0-9_]/g, "_")}`;
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    names.set(id, name);
  }
  return names;
}

const hbs = Handlebars.create();

hbs.registerHelper("py", (value: unknown) => pythonString(value as string));

hbs.registerHelper("pyList", (values: unknown) => {
  if (!Array.isArray(values)) throw new Error(`expected a list of strings, got ${JSON.stringify(values)}`);
  return `[${values.map((v) => pythonString(v)).join(", ")}]`;
});

hbs.registerHelper("int", (value: unknown) => {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new Error(`expected a whole number of at least 0, got ${JSON.stringify(value)}`);
  }
  return String(value);
});

hbs.registerHelper("ident", (value: unknown) => {
  if (typeof value !== "string" || !PY_IDENTIFIER.test(value)) throw new Error(`expected a Python identifier, got ${JSON.stringify(value)}`);
  return value;
});

/** `pendulum.datetime(Y, M, D, tz="UTC")` arguments from a `YYYY-MM-DD` date that exists. */
hbs.registerHelper("pyDate", (value: unknown) => {
  const m = typeof value === "string" ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  const [y, mo, d] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [NaN, NaN, NaN];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (!m || date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    throw new Error(`expected a start date as YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return `${y}, ${mo}, ${d}`;
});

/** Text for a `#` comment: only characters that cannot end the comment or the line. */
hbs.registerHelper("comment", (value: unknown) => {
  if (typeof value !== "string" || !/^[A-Za-z0-9_.\-/]*$/.test(value)) throw new Error(`unsafe text for a comment: ${JSON.stringify(value)}`);
  return value;
});

const SAFE_HELPERS = new Set(["py", "pyList", "int", "ident", "pyDate", "comment"]);

/**
 * Every `{{…}}` in a template that is not a call of a safe helper with one
 * argument, as `line N: {{name…}}`. The template is refused if there is any.
 */
export function unsafeMustaches(source: string): string[] {
  const bad: string[] = [];
  class Check extends Handlebars.Visitor {
    override MustacheStatement(m: hbs.AST.MustacheStatement): void {
      const name = m.path.type === "PathExpression" ? (m.path as hbs.AST.PathExpression).original : m.path.type;
      if (!SAFE_HELPERS.has(name) || m.params.length !== 1) bad.push(`line ${m.loc.start.line}: {{${name}…}}`);
    }
  }
  new Check().accept(Handlebars.parse(source));
  return bad;
}

const source = readFileSync(new URL("./dag.py.hbs", import.meta.url), "utf8");
const unsafe = unsafeMustaches(source);
if (unsafe.length > 0) throw new Error(`dag.py.hbs prints values without a safe helper:\n${unsafe.join("\n")}`);
const template = hbs.compile(source, { noEscape: true, strict: true });

/** What the template reads; every string in it is printed through a helper. */
interface DagView {
  readonly domain: string;
  readonly dag: DagModel;
  readonly tags: readonly string[];
  readonly hasSla: boolean;
  readonly uses: Readonly<Record<"athena" | "emr" | "emrEks" | "emrModule" | "glue" | "glueModule" | "quality" | "stepFunctions", boolean>>;
  readonly tasks: readonly {
    readonly kind: DagTaskModel["kind"];
    readonly variable: string;
    readonly task: DagTaskModel;
    readonly rulesetNames: readonly string[];
    /** Polls a waiter makes (one a minute; Athena: two a minute) so that it outlasts the task's execution_timeout. */
    readonly waiterAttempts: number;
  }[];
  readonly edges: readonly { readonly upstream: string; readonly downstream: string }[];
  readonly hasEdges: boolean;
}

/**
 * The Python source of the DAG, or an error listing every problem
 * `dagProblems` finds (nothing half-valid is rendered).
 */
export function renderDag(dag: DagModel): string {
  const problems = dagProblems(dag);
  if (problems.length > 0) throw new Error(`cannot render DAG ${JSON.stringify(dag.dagId)}:\n${problems.map((p) => `  ${p}`).join("\n")}`);

  const variables = taskVariables(dag.tasks.map((t) => t.id));
  const variable = (id: string) => variables.get(id)!;
  const kinds = new Set(dag.tasks.map((t) => t.kind));
  // One line per dependency, sorted as the lines read; a repeated `after` entry is one dependency.
  const lines = new Map<string, { upstream: string; downstream: string }>();
  for (const t of dag.tasks) {
    for (const up of t.after) lines.set(`${variable(up)} >> ${variable(t.id)}`, { upstream: variable(up), downstream: variable(t.id) });
  }
  const edges = [...lines.keys()].sort(compare).map((line) => lines.get(line)!);

  const view: DagView = {
    domain: dag.domain,
    dag,
    tags: sortedUnique(dag.tags),
    hasSla: dag.slaMinutes !== null,
    uses: {
      athena: kinds.has("athena"),
      emr: kinds.has("emr-serverless"),
      emrEks: kinds.has("emr-eks"),
      emrModule: kinds.has("emr-serverless") || kinds.has("emr-eks"),
      glue: kinds.has("glue"),
      glueModule: kinds.has("glue") || kinds.has("quality"),
      quality: kinds.has("quality"),
      stepFunctions: kinds.has("emr-fleet"),
    },
    tasks: dag.tasks.map((task) => ({
      kind: task.kind,
      variable: variable(task.id),
      task,
      // Rule sets are a set to Glue Data Quality; sorted so their order in the manifest does not matter.
      rulesetNames: task.kind === "quality" ? sortedUnique(task.rulesetNames) : [],
      waiterAttempts: task.kind === "athena" ? task.timeoutMinutes * 2 + 1 : task.timeoutMinutes + 1,
    })),
    edges,
    hasEdges: edges.length > 0,
  };
  return template(view);
}

/** Code-unit order: unlike localeCompare, the same on every machine. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sortedUnique = (values: readonly string[]) => [...new Set(values)].sort(compare);
