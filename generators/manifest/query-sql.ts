/**
 * The cheap, honest reading of a pipeline query's SQL that Lakeform does
 * before it ships the statement to Athena: no SQL parser, only a scanner that
 * knows string literals, quoted identifiers and comments, so that what it
 * finds in code is code.
 *
 * A query names tables as `<zone>.<table>`, the manifest's own notation;
 * `resolveQueryTables` writes each as `<database>.<table>` of the
 * environment, so one file serves every environment. Anything else (Airflow
 * macros such as `{{ ds }}`, usually inside a string literal) is left as is.
 */

/** Stretches of the text that are code (not strings, quoted identifiers or comments), as [start, end). */
function codeSpans(sql: string): [number, number][] {
  const spans: [number, number][] = [];
  let start = 0;
  let i = 0;
  const close = (end: number) => {
    if (end > start) spans.push([start, end]);
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'" || c === '"') {
      close(i);
      // A quote is escaped by doubling it, in SQL strings and identifiers alike.
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === c && sql[j + 1] === c) j += 2;
        else if (sql[j] === c) break;
        else j++;
      }
      i = j + 1;
      start = i;
    } else if (c === "-" && next === "-") {
      close(i);
      const end = sql.indexOf("\n", i);
      i = end < 0 ? sql.length : end;
      start = i;
    } else if (c === "/" && next === "*") {
      close(i);
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? sql.length : end + 2;
      start = i;
    } else i++;
  }
  close(sql.length);
  return spans;
}

/** The code of the statement alone: strings, quoted identifiers and comments each replaced by one space. */
export function sqlCode(sql: string): string {
  return codeSpans(sql)
    .map(([a, b]) => sql.slice(a, b))
    .join(" ");
}

export interface SqlTableReference {
  readonly ref: string;
  readonly zone: string;
  readonly table: string;
  readonly start: number;
  readonly end: number;
}

/** Every `<zone>.<table>` in code whose first part is one of `zones`, in text order. */
export function sqlTableReferences(sql: string, zones: readonly string[]): SqlTableReference[] {
  const out: SqlTableReference[] = [];
  const known = new Set(zones);
  for (const [a, b] of codeSpans(sql)) {
    const re = /(?<![A-Za-z0-9_."])([A-Za-z_][A-Za-z0-9_]*)\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_])/g;
    const code = sql.slice(a, b);
    for (let m = re.exec(code); m; m = re.exec(code)) {
      const zone = m[1]!.toLowerCase();
      if (!known.has(zone)) continue;
      const table = m[2]!.toLowerCase();
      out.push({ ref: `${zone}.${table}`, zone, table, start: a + m.index, end: a + m.index + m[0].length });
    }
  }
  return out;
}

export interface QuerySqlContext {
  /** `<zone>.<table>` the statement inserts into. */
  readonly into: string;
  /** `<zone>.<table>` it may read. */
  readonly reads: readonly string[];
  /** The domain's zones: `<zone>.<x>` in code is a table reference. */
  readonly zones: readonly string[];
  /** Every declared `<zone>.<table>` of the domain. */
  readonly tables: readonly string[];
}

const clip = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n)}…` : s);

/**
 * What is wrong with a query's SQL, one sentence each; empty when it is
 * fine. Accepted: exactly one `INSERT INTO <into> …` statement (an optional
 * `;` at the end), naming only declared tables, reading exactly `reads`.
 */
export function querySqlProblems(sql: string, ctx: QuerySqlContext): string[] {
  const out: string[] = [];
  const code = sqlCode(sql).trim();
  if (code === "") return ["the file holds no SQL statement"];
  const body = code.replace(/;\s*$/, "");
  if (body.includes(";")) out.push("the file holds more than one statement; a query task runs one");
  const head = /^insert\s+into\s+([A-Za-z_][A-Za-z0-9_]*\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)?/i.exec(body);
  if (!head) {
    const first = /^\S+(\s+\S+)?/.exec(body)?.[0] ?? body;
    const ctas = /^create\s+table\b/i.test(body) ? " (CTAS would create a table the manifest does not declare)" : "";
    out.push(`the statement starts with ${JSON.stringify(clip(first, 30))}${ctas}; it must be INSERT INTO ${ctx.into} …`);
  } else {
    const target = head[1]?.replace(/\s+/g, "").toLowerCase();
    if (target !== ctx.into) out.push(`the statement inserts into ${target ?? "an unqualified table"}, not ${ctx.into} (its \`into\`); name the table as ${ctx.into}`);
  }
  const declared = new Set(ctx.tables);
  const reads = new Set(ctx.reads);
  const named = new Set<string>();
  for (const r of sqlTableReferences(sql, ctx.zones)) {
    if (!declared.has(r.ref)) out.push(`names ${r.ref}, which the domain does not declare`);
    else if (r.ref !== ctx.into && !reads.has(r.ref)) out.push(`reads ${r.ref}, which is not in the task's reads; list it there, so the pipeline is granted it`);
    named.add(r.ref);
  }
  for (const r of ctx.reads) if (!named.has(r)) out.push(`never names ${r}, which the task's reads list; remove it from reads, so the pipeline is not granted it`);
  return [...new Set(out)];
}

/** The statement with every `<zone>.<table>` written `<database>.<table>` (databases by zone); the rest unchanged. */
export function resolveQueryTables(sql: string, zones: readonly string[], databaseOf: (zone: string) => string): string {
  let out = "";
  let at = 0;
  for (const r of sqlTableReferences(sql, zones)) {
    out += `${sql.slice(at, r.start)}${databaseOf(r.zone)}.${r.table}`;
    at = r.end;
  }
  return out + sql.slice(at);
}
