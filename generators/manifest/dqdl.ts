/**
 * Validator for the Glue Data Quality Definition Language (DQDL) rules a
 * table may declare, and the ruleset text Glue is given. Lakeform accepts a
 * subset of DQDL, one rule per list item:
 *
 *   RowCount cond                 ColumnCount cond              (whole numbers >= 0)
 *   IsComplete "col"              IsUnique "col"                IsPrimaryKey "col"
 *   ColumnValues "col" in [ v, … ]        (all quoted strings, or all numbers)
 *   ColumnValues "col" between a and b    (numbers, or dates "yyyy-mm-dd")
 *   ColumnValues "col" matches "regex"
 *   Completeness "col" cond       Uniqueness "col" cond         (fractions 0-1)
 *   ColumnLength "col" cond                                     (whole numbers >= 0)
 *   DataFreshness "col" op n unit | DataFreshness "col" between n unit and n unit
 *                                 (unit hours or days; Freshness is Lakeform's alias)
 *   CustomSql "select … from primary …" cond                    (any number)
 *
 *   cond := op n | between n and n      op := > | >= | < | <= | =
 *
 * Spelling follows Glue's own parser (awslabs/dqdl): rule names, `between`,
 * `in`, `matches` and the units are case-sensitive; `and` may be `AND`;
 * whitespace is spaces, tabs and newlines. Not accepted: where clauses,
 * `with threshold`, labels, composite rules (and/or), dynamic thresholds
 * (`avg(last(3))`), `!=`, `not`, variables.
 *
 * CustomSql is checked for shape only: one SELECT statement whose every table
 * reference (after FROM, JOIN, or a comma in a FROM list) is `primary`, the
 * name Glue gives the evaluated table. Column names inside the SQL are not
 * checked; a Spark SQL parser would be needed for that.
 *
 * `matches` patterns are compiled with JavaScript's RegExp; Glue uses Java's.
 * Everyday syntax is the same in both, but a Java-only construct (possessive
 * quantifiers, atomic groups) would be reported as invalid.
 */

const OPS = new Set([">", ">=", "<", "<=", "="]);

/** Rule types Lakeform accepts, by the name written in the manifest. */
const ACCEPTED = [
  "RowCount",
  "ColumnCount",
  "IsComplete",
  "IsUnique",
  "IsPrimaryKey",
  "ColumnValues",
  "Completeness",
  "Uniqueness",
  "ColumnLength",
  "Freshness",
  "DataFreshness",
  "CustomSql",
] as const;

/** Rule types Glue knows that Lakeform does not accept (awslabs/dqdl configuration/rules/rules-config.json). */
const OTHER_DQDL = new Set([
  "RowCountMatch",
  "ColumnDataType",
  "ColumnNamesMatchPattern",
  "ColumnExists",
  "ColumnCorrelation",
  "Mean",
  "Sum",
  "StandardDeviation",
  "Variance",
  "Entropy",
  "DistinctValuesCount",
  "UniqueValueRatio",
  "ReferentialIntegrity",
  "DatasetMatch",
  "SchemaMatch",
  "AggregateMatch",
  "DetectAnomalies",
  "AllStatistics",
  "FileMatch",
  "FileUniqueness",
  "FileFreshness",
  "FileSize",
]);

/** The longest ruleset Glue stores (CreateDataQualityRuleset `Ruleset`). */
export const MAX_RULESET_CHARS = 65_536;

type Token =
  | { readonly kind: "word" | "num" | "op" | "[" | "]" | "," | "(" | ")" | "end"; readonly text: string }
  | { readonly kind: "str"; readonly text: string; readonly value: string };

class DqdlSyntaxError extends Error {}

const fail = (message: string): never => {
  throw new DqdlSyntaxError(message);
};

function clip(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function describe(t: Token): string {
  return t.kind === "end" ? "the end of the rule" : JSON.stringify(clip(t.text, 30));
}

/** DQDL's lexer, as far as Lakeform's subset needs it. */
function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === " " || ch === "\t" || ch === "\n") {
      i++;
      continue;
    }
    if (ch === '"') {
      // `\"` and `\\` are DQDL's only escapes; the text between the quotes is used as written.
      let j = i + 1;
      for (;;) {
        const c = src[j];
        if (c === undefined) return fail(`unterminated string ${JSON.stringify(clip(src.slice(i), 30))}`);
        if (c === "\\" && (src[j + 1] === '"' || src[j + 1] === "\\")) {
          j += 2;
          continue;
        }
        if (c === '"') break;
        j++;
      }
      out.push({ kind: "str", text: src.slice(i, j + 1), value: src.slice(i + 1, j) });
      i = j + 1;
      continue;
    }
    const rest = src.slice(i);
    const num = /^-?\d+(?:\.\d+)?(?![A-Za-z0-9_.])/.exec(rest);
    if (num) {
      out.push({ kind: "num", text: num[0] });
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z0-9_.]+/.exec(rest);
    if (word) {
      out.push({ kind: "word", text: word[0] });
      i += word[0].length;
      continue;
    }
    const op = /^(>=|<=|!=|>|<|=|!)/.exec(rest);
    if (op) {
      out.push({ kind: "op", text: op[0] });
      i += op[0].length;
      continue;
    }
    if (ch === "[" || ch === "]" || ch === "," || ch === "(" || ch === ")") {
      out.push({ kind: ch, text: ch });
      i++;
      continue;
    }
    const shown = /\s/.test(ch) ? JSON.stringify(ch) : `"${ch}"`;
    return fail(`unexpected character ${shown} (DQDL separates with spaces, tabs and newlines only)`);
  }
  out.push({ kind: "end", text: "" });
  return out;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Strings DQDL's lexer reads as a date or a time of day, not as a string. */
const DATE_OR_TIME = /^(\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2} (AM|PM)|\d{2}:\d{2})$/;

interface NumberKind {
  readonly what: string;
  readonly ok: (n: number, text: string) => boolean;
}

const WHOLE: NumberKind = { what: "a whole number, 0 or more", ok: (_n, t) => /^\d+$/.test(t) };
const FRACTION: NumberKind = { what: "a fraction from 0 to 1", ok: (n) => n >= 0 && n <= 1 };
const ANY: NumberKind = { what: "a number", ok: () => true };

const UNIT_HOURS: Readonly<Record<string, number>> = { hours: 1, days: 24 };

class RuleParser {
  private pos = 0;
  /** Problems that do not stop the parse (an unknown column, a number out of range). */
  readonly problems: string[] = [];

  constructor(
    private readonly tokens: readonly Token[],
    private readonly columns: ReadonlySet<string>,
  ) {}

  parse(): void {
    const head = this.next();
    if (head.kind === "end") fail("empty rule");
    if (head.kind !== "word") fail(`expected a rule type, found ${describe(head)}`);
    switch (head.text) {
      case "RowCount":
      case "ColumnCount":
        this.condition(WHOLE);
        break;
      case "IsComplete":
      case "IsUnique":
      case "IsPrimaryKey":
        this.column();
        break;
      case "ColumnValues":
        this.column();
        this.columnValues();
        break;
      case "Completeness":
      case "Uniqueness":
        this.column();
        this.condition(FRACTION);
        break;
      case "ColumnLength":
        this.column();
        this.condition(WHOLE);
        break;
      case "Freshness":
      case "DataFreshness":
        this.column();
        this.freshness();
        break;
      case "CustomSql": {
        const t = this.next();
        if (t.kind !== "str") fail(`expected the SQL statement in double quotes, found ${describe(t)}`);
        const problem = customSqlProblem((t as { value: string }).value);
        if (problem) this.problems.push(`CustomSql ${problem}`);
        this.condition(ANY);
        break;
      }
      default:
        fail(unknownRuleType(head.text));
    }
    const extra = this.peek();
    if (extra.kind !== "end") {
      fail(
        `unexpected ${describe(extra)} after the rule (Lakeform accepts no where clauses, thresholds, labels or composite and/or rules; one rule per item)`,
      );
    }
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    const t = this.tokens[this.pos]!;
    if (t.kind !== "end") this.pos++;
    return t;
  }

  private isWord(t: Token, word: string): boolean {
    return t.kind === "word" && t.text === word;
  }

  /** A keyword DQDL spells in lower case only; a differently cased spelling gets a hint. */
  private keyword(word: string, context: string): void {
    const t = this.next();
    if (this.isWord(t, word) || (word === "and" && this.isWord(t, "AND"))) return;
    if (t.kind === "word" && t.text.toLowerCase() === word) fail(`write ${JSON.stringify(word)} in lower case, found ${describe(t)}`);
    fail(`expected ${JSON.stringify(word)} ${context}, found ${describe(t)}`);
  }

  private column(): void {
    const t = this.next();
    if (t.kind === "word" && !OTHER_KEYWORDS.has(t.text)) fail(`write the column name in double quotes: "${t.text}"`);
    if (t.kind !== "str") fail(`expected a column name in double quotes, found ${describe(t)}`);
    const name = (t as { value: string }).value;
    if (this.columns.has(name)) return;
    const sameIgnoringCase = [...this.columns].find((c) => c.toLowerCase() === name.toLowerCase());
    const known = [...this.columns].sort();
    this.problems.push(
      sameIgnoringCase !== undefined
        ? `unknown column ${JSON.stringify(name)}; did you mean ${JSON.stringify(sameIgnoringCase)}?`
        : `unknown column ${JSON.stringify(name)} (columns: ${known.length > 0 ? known.join(", ") : "none"})`,
    );
  }

  private number(kind: NumberKind): number {
    const t = this.next();
    if (t.kind !== "num") {
      if (t.kind === "word" && this.peek().kind === "(") fail(`expected ${kind.what}, found ${describe(t)}(…) (dynamic thresholds are not accepted)`);
      fail(`expected ${kind.what}, found ${describe(t)}`);
    }
    const n = Number(t.text);
    if (!kind.ok(n, t.text)) this.problems.push(`${t.text} is not ${kind.what}`);
    return n;
  }

  private operator(t: Token, expected: string): string {
    if (t.kind === "op" && OPS.has(t.text)) return t.text;
    if ((t.kind === "op" && (t.text === "!=" || t.text === "!")) || this.isWord(t, "not")) {
      fail(`${describe(t)} is not accepted; use >, >=, <, <=, = or between`);
    }
    if (t.kind === "word" && t.text.toLowerCase() === "between") fail(`write "between" in lower case, found ${describe(t)}`);
    return fail(`expected ${expected}, found ${describe(t)}`);
  }

  /** `op n` or `between a and b`. */
  private condition(kind: NumberKind): void {
    const t = this.next();
    if (this.isWord(t, "between")) {
      const low = this.number(kind);
      this.keyword("and", "between the bounds");
      const high = this.number(kind);
      if (!(low < high)) this.problems.push(`between ${low} and ${high}: the lower bound must be less than the upper`);
      return;
    }
    this.operator(t, "an operator (>, >=, <, <=, =) or between");
    this.number(kind);
  }

  private columnValues(): void {
    const t = this.next();
    if (this.isWord(t, "in")) return this.valueList();
    if (this.isWord(t, "matches")) {
      const p = this.next();
      if (p.kind !== "str") fail(`expected a regular expression in double quotes after "matches", found ${describe(p)}`);
      const pattern = (p as { value: string }).value;
      if (pattern === "") this.problems.push("empty regular expression");
      else {
        try {
          new RegExp(pattern);
        } catch (e) {
          this.problems.push(`invalid regular expression ${JSON.stringify(clip(pattern, 40))}: ${(e as Error).message.replace(/^Invalid regular expression: /, "")}`);
        }
      }
      return;
    }
    if (this.isWord(t, "between")) {
      if (this.peek().kind !== "str") {
        const low = this.number(ANY);
        this.keyword("and", "between the bounds");
        const high = this.number(ANY);
        if (!(low < high)) this.problems.push(`between ${low} and ${high}: the lower bound must be less than the upper`);
        return;
      }
      const a = this.date("lower");
      this.keyword("and", "between the dates");
      const b = this.date("upper");
      if (!(a < b)) this.problems.push(`between "${a}" and "${b}": the lower bound must be earlier than the upper`);
      return;
    }
    if (t.kind === "word" && ["in", "matches", "between"].includes(t.text.toLowerCase())) {
      fail(`write ${JSON.stringify(t.text.toLowerCase())} in lower case, found ${describe(t)}`);
    }
    if (t.kind === "op" || this.isWord(t, "not")) fail(`${describe(t)} is not accepted after ColumnValues; use in [ … ], between a and b, or matches "regex"`);
    fail(`expected in, between or matches after the column, found ${describe(t)}`);
  }

  private date(which: string): string {
    const t = this.next();
    const value = t.kind === "str" ? (t as { value: string }).value : "";
    if (!DATE.test(value)) fail(`expected a number or a date "yyyy-mm-dd" as the ${which} bound, found ${describe(t)}`);
    if (!validDate(value)) this.problems.push(`"${value}" is not a calendar date`);
    return value;
  }

  private valueList(): void {
    const open = this.next();
    if (open.kind !== "[") fail(`expected "[" after "in", found ${describe(open)}`);
    if (this.peek().kind === "]") fail("empty value list");
    const values: Token[] = [];
    for (;;) {
      const v = this.next();
      if (v.kind !== "str" && v.kind !== "num") fail(`expected a quoted string or a number in the value list, found ${describe(v)}`);
      values.push(v);
      const sep = this.next();
      if (sep.kind === "]") break;
      if (sep.kind !== ",") fail(sep.kind === "end" ? 'unclosed "[" (expected "]")' : `expected "," or "]" in the value list, found ${describe(sep)}`);
    }
    const kinds = new Set(values.map((v) => v.kind));
    if (kinds.size > 1) {
      this.problems.push("the value list mixes strings and numbers; use one kind");
      return;
    }
    if (kinds.has("str")) {
      // DQDL's lexer reads "2024-01-01" and "09:30" as dates and times, and a list must be one or the other.
      const dated = values.filter((v) => DATE_OR_TIME.test((v as { value: string }).value)).length;
      if (dated > 0 && dated < values.length) this.problems.push("the value list mixes dates or times (like \"2024-01-01\") with other strings; Glue reads them as different types");
    }
  }

  private freshness(): void {
    const t = this.next();
    if (this.isWord(t, "between")) {
      const low = this.duration();
      this.keyword("and", "between the durations");
      const high = this.duration();
      if (!(low.hours < high.hours)) this.problems.push(`between ${low.text} and ${high.text}: the lower bound must be shorter than the upper`);
      return;
    }
    this.operator(t, "an operator (>, >=, <, <=, =) or between");
    this.duration();
  }

  private duration(): { hours: number; text: string } {
    const n = this.next();
    if (n.kind !== "num") fail(`expected a duration like 24 hours or 2 days, found ${describe(n)}`);
    if (!/^\d+$/.test(n.text) || Number(n.text) === 0) this.problems.push(`${n.text} is not a whole number of hours or days above 0`);
    const unit = this.next();
    if (unit.kind !== "word" || !Object.hasOwn(UNIT_HOURS, unit.text)) {
      fail(`expected the unit hours or days after ${n.text}, found ${describe(unit)}`);
    }
    return { hours: Number(n.text) * UNIT_HOURS[unit.text]!, text: `${n.text} ${unit.text}` };
  }
}

/** Words that cannot be a bare column name here (a quoted column was left out). */
const OTHER_KEYWORDS = new Set(["in", "between", "matches", "and", "AND"]);

function validDate(d: string): boolean {
  const [y, m, day] = d.split("-").map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, day));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === day;
}

function unknownRuleType(name: string): string {
  const accepted = ACCEPTED.join(", ");
  const caseMatch = [...ACCEPTED, ...OTHER_DQDL].find((r) => r.toLowerCase() === name.toLowerCase());
  if (caseMatch && caseMatch !== name) return `unknown rule type ${JSON.stringify(name)}; rule types are case-sensitive: ${JSON.stringify(caseMatch)}`;
  if (OTHER_DQDL.has(name)) return `rule type ${JSON.stringify(name)} is DQDL but not one Lakeform accepts (accepted: ${accepted})`;
  return `unknown rule type ${JSON.stringify(name)} (accepted: ${accepted})`;
}

// ─── CustomSql ────────────────────────────────────────────────────────────────

/** `quoted` is a `backtick` identifier: a name, never a keyword. */
type SqlToken = { readonly kind: "word" | "quoted" | "punct" | "other"; readonly text: string };

/** Functions whose arguments may use FROM as a keyword: extract(day FROM ts), trim(… FROM s). */
const FROM_FUNCTIONS = new Set(["extract", "trim", "substring", "substr", "overlay"]);

/** Words that end a table reference (so they are not its alias). */
const CLAUSE_WORDS = new Set([
  "where", "group", "order", "having", "limit", "join", "inner", "left", "right", "full", "cross", "outer", "natural",
  "on", "using", "union", "intersect", "except", "minus", "window", "cluster", "distribute", "sort", "lateral", "tablesample", "pivot", "unpivot",
]);

function sqlTokens(sql: string): SqlToken[] | string {
  const out: SqlToken[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (sql.startsWith("--", i) || sql.startsWith("/*", i)) return "holds an SQL comment; remove it";
    if (ch === "'") {
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) return "has an unterminated 'string'";
        if (sql[j] === "\\") {
          j += 2;
          continue;
        }
        if (sql[j] === "'") {
          if (sql[j + 1] === "'") {
            j += 2;
            continue;
          }
          break;
        }
        j++;
      }
      out.push({ kind: "other", text: "'…'" });
      i = j + 1;
      continue;
    }
    if (ch === "`") {
      const j = sql.indexOf("`", i + 1);
      if (j < 0) return "has an unterminated `identifier`";
      out.push({ kind: "quoted", text: sql.slice(i + 1, j).toLowerCase() });
      i = j + 1;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i));
    if (word) {
      out.push({ kind: "word", text: word[0].toLowerCase() });
      i += word[0].length;
      continue;
    }
    if ("(),.;".includes(ch)) {
      out.push({ kind: "punct", text: ch });
      i++;
      continue;
    }
    out.push({ kind: "other", text: ch });
    i++;
  }
  return out;
}

/**
 * Why `sql` is not a single SELECT over `primary`, or undefined when it is.
 * Every table reference (after FROM, JOIN, or a comma in a FROM list) must be
 * `primary` or a parenthesised subquery that is checked the same way.
 */
export function customSqlProblem(sql: string): string | undefined {
  if (sql.includes('\\"')) return "holds a double quote; quote identifiers with backticks and strings with single quotes";
  const tokens = sqlTokens(sql);
  if (typeof tokens === "string") return tokens;
  const first = tokens[0];
  if (!first) return "has an empty SQL statement";
  if (first.kind !== "word" || first.text !== "select") return `must be a SELECT statement, not ${JSON.stringify(clip(sql, 30))}`;
  if (tokens.some((t) => t.text === ";")) return 'must be one statement, without ";"';
  if (tokens.some((t) => t.kind === "word" && t.text === "into")) return "must only read (SELECT … INTO is not allowed)";

  /** What each open parenthesis belongs to: a function name, "subquery" (a table reference) or "(". */
  const parens: string[] = [];
  let readsPrimary = false;
  let i = 0;

  /** Checks the table reference at `i`; returns the index after it, or a problem. */
  const tableRef = (at: number): number | string => {
    const t = tokens[at];
    if (t?.kind === "punct" && t.text === "(") {
      parens.push("subquery");
      return at + 1;
    }
    if ((t?.kind !== "word" && t?.kind !== "quoted") || t.text !== "primary" || tokens[at + 1]?.text === ".") {
      return `may read only the table primary, not ${t ? JSON.stringify(t.text) : "nothing"} (after FROM or JOIN)`;
    }
    readsPrimary = true;
    return afterRef(at + 1);
  };
  /** Skips an optional alias; a comma after it starts another table reference. */
  const afterRef = (at: number): number | string => {
    let j = at;
    if (tokens[j]?.text === "as") j++;
    const alias = tokens[j];
    if (alias?.kind === "quoted" || (alias?.kind === "word" && !CLAUSE_WORDS.has(alias.text))) j++;
    if (tokens[j]?.text === ",") return tableRef(j + 1);
    return j;
  };

  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t.text === "(") {
      const prev = tokens[i - 1];
      parens.push(prev?.kind === "word" || prev?.kind === "quoted" ? prev.text : "(");
      i++;
      continue;
    }
    if (t.text === ")") {
      const closed = parens.pop();
      if (closed === undefined) return 'has an unmatched ")"';
      if (closed === "subquery") {
        const r = afterRef(i + 1);
        if (typeof r === "string") return r;
        i = r;
        continue;
      }
      i++;
      continue;
    }
    if (t.kind === "word" && (t.text === "from" || t.text === "join")) {
      if (t.text === "from" && FROM_FUNCTIONS.has(parens[parens.length - 1] ?? "")) {
        i++;
        continue;
      }
      const r = tableRef(i + 1);
      if (typeof r === "string") return r;
      i = r;
      continue;
    }
    i++;
  }
  if (parens.length > 0) return 'has an unclosed "("';
  if (!readsPrimary) return "reads no table; select from primary (the evaluated table)";
  return undefined;
}

// ─── public API ───────────────────────────────────────────────────────────────

/**
 * Every problem with the rules, one sentence each, in rule order; empty when
 * they are fine. A problem reads ``rule <index> `<rule>`: <what is wrong>``
(index 0-based, the rule clipped to 60 characters).
 * `columns` holds the table's column names (data and partition columns),
 * matched exactly.
 */
export function dqdlProblems(rules: readonly string[], columns: ReadonlySet<string>): string[] {
  return dqdlRuleProblems(rules, columns).map((p) => (p.index === null ? p.message : `rule ${p.index} \`${clip(rules[p.index]!)}\`: ${p.message}`));
}

/**
 * The same problems as `dqdlProblems`, each with the index of the rule it is
 * about (null for the ruleset as a whole), so a manifest error can point at
 * `quality[<index>]`.
 */
export function dqdlRuleProblems(rules: readonly string[], columns: ReadonlySet<string>): { readonly index: number | null; readonly message: string }[] {
  const out: { index: number | null; message: string }[] = [];
  const seen = new Map<string, number>();
  rules.forEach((rule, index) => {
    try {
      // Glue is given the trimmed rule, so that is what is checked.
      const parser = new RuleParser(tokenize(rule.trim()), columns);
      parser.parse();
      for (const p of parser.problems) out.push({ index, message: p });
    } catch (e) {
      if (!(e instanceof DqdlSyntaxError)) throw e;
      out.push({ index, message: e.message });
    }
    const key = sameRuleKey(rule);
    const first = seen.get(key);
    if (first !== undefined) out.push({ index, message: `repeats rule ${first}` });
    else seen.set(key, index);
  });
  if (rules.length > 0) {
    const length = dqdlRuleset(rules).length;
    if (length > MAX_RULESET_CHARS) out.push({ index: null, message: `the ruleset is ${length} characters; Glue stores at most ${MAX_RULESET_CHARS}` });
  }
  return out;
}

/** Rules with the same key are the same rule: same tokens, however spaced. */
function sameRuleKey(rule: string): string {
  try {
    return tokenize(canonicalRule(rule))
      .map((t) => t.text)
      .join(" ");
  } catch {
    return canonicalRule(rule);
  }
}

/** A rule as Glue is given it: trimmed, with Lakeform's alias Freshness spelled DataFreshness (Glue knows no Freshness). */
function canonicalRule(rule: string): string {
  const trimmed = rule.trim();
  return /^Freshness(?=[ \t\n"])/.test(trimmed) ? `Data${trimmed}` : trimmed;
}

/**
 * The ruleset document Glue is given: `Rules = [`, one rule a line indented
 * four spaces, comma-separated, in the order given, then `]`. Rules are
 * trimmed and otherwise kept as written, except that Lakeform's alias
 * `Freshness` is written `DataFreshness`, the rule type Glue knows.
 * Throws on an empty list: Glue rejects a ruleset without rules.
 */
export function dqdlRuleset(rules: readonly string[]): string {
  if (rules.length === 0) throw new Error("a DQDL ruleset needs at least one rule; Glue rejects an empty one");
  return `Rules = [\n${rules.map((r) => `    ${canonicalRule(r)}`).join(",\n")}\n]`;
}
