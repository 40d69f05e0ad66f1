import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KEYWORDS, parseRowFilter } from "../../generators/manifest/row-filter";

const COLUMNS: ReadonlyMap<string, string> = new Map([
  ["call_id", "bigint"],
  ["region", "string"],
  ["country", "char(2)"],
  ["agent", "varchar(64)"],
  ["amount", "decimal(12,4)"],
  ["duration", "int"],
  ["call_date", "date"],
  ["started_at", "timestamp"],
  ["is_test", "boolean"],
  ["payload", "binary"],
  ["tags", "array<string>"],
  ["device", "struct<os:string,version:int>"],
  ["attrs", "map<string,string>"],
  ["user", "string"],
  ["date", "date"],
  ["Mixed Case", "string"],
]);

const KNOWN =
  "Mixed Case, agent, amount, attrs, call_date, call_id, country, date, device, duration, is_test, payload, region, started_at, tags, user";

const parse = (expression: string) => parseRowFilter(expression, COLUMNS);

describe("parseRowFilter", () => {
  it.each([
    ["region = 'eu-west-1'", "region = 'eu-west-1'"],
    ["  REGION='eu'\n\tand   Duration>=30 ", "region = 'eu' AND duration >= 30"],
    ["region != 'eu'", "region <> 'eu'"],
    ["region <> 'eu'", "region <> 'eu'"],
    ["30 < duration", "duration > 30"],
    ["'eu' = region", "region = 'eu'"],
    ["duration < call_id", "call_id > duration"],
    ["call_date <= started_at", "call_date <= started_at"],
    ["region = 'eu' or duration > 1 and is_test = false", "region = 'eu' OR duration > 1 AND is_test = FALSE"],
    ["(region = 'eu' OR region = 'us') AND duration > 1", "(region = 'eu' OR region = 'us') AND duration > 1"],
    ["duration > 1 AND (region = 'eu' OR region = 'us')", "duration > 1 AND (region = 'eu' OR region = 'us')"],
    ["((region = 'eu'))", "region = 'eu'"],
    [
      "(region = 'eu' AND duration > 1) AND (is_test = TRUE AND country = 'de')",
      "region = 'eu' AND duration > 1 AND is_test = TRUE AND country = 'de'",
    ],
    ["region = 'eu' OR (region = 'us' OR region = 'uk')", "region = 'eu' OR region = 'us' OR region = 'uk'"],
    ["(region = 'eu' AND duration > 1) OR is_test = true", "region = 'eu' AND duration > 1 OR is_test = TRUE"],
    ["region in ('eu', 'us','eu')", "region IN ('eu', 'us')"],
    ["call_id IN (1, 2, 0003)", "call_id IN (1, 2, 3)"],
    ["NOT region IN ('eu')", "region NOT IN ('eu')"],
    ["region not in ('eu')", "region NOT IN ('eu')"],
    ["NOT region NOT IN ('eu')", "region IN ('eu')"],
    ["region NOT LIKE 'eu-%'", "region NOT LIKE 'eu-%'"],
    ["agent like 'o''brien%'", "agent LIKE 'o''brien%'"],
    ["country IS not NULL", "country IS NOT NULL"],
    ["NOT (amount IS NULL)", "amount IS NOT NULL"],
    ["payload is null", "payload IS NULL"],
    ["duration BETWEEN 10 AND 20 AND region = 'eu'", "duration BETWEEN 10 AND 20 AND region = 'eu'"],
    ["NOT duration between -5 and 5.50", "duration NOT BETWEEN -5 AND 5.5"],
    ["duration NOT BETWEEN 1 AND 2 OR region = 'eu'", "duration NOT BETWEEN 1 AND 2 OR region = 'eu'"],
    ["amount >= 007.250", "amount >= 7.25"],
    ["amount = -0.00", "amount = 0"],
    ["amount < -12.0", "amount < -12"],
    ["is_test = true", "is_test = TRUE"],
    ["call_date >= date '2024-01-01'", "call_date >= DATE '2024-01-01'"],
    ["started_at < TIMESTAMP '2024-01-01 23:59:59'", "started_at < TIMESTAMP '2024-01-01 23:59:59'"],
    ["started_at >= DATE '2024-02-29'", "started_at >= DATE '2024-02-29'"],
    ["NOT (region = 'eu' OR duration > 1)", "NOT (region = 'eu' OR duration > 1)"],
    [
      "not (region = 'eu' and duration > 1) and is_test = false",
      "NOT (region = 'eu' AND duration > 1) AND is_test = FALSE",
    ],
    ["NOT NOT region = 'eu'", "region = 'eu'"],
    ["NOT duration < 5", "duration >= 5"],
    ["NOT (region = 'eu')", "region <> 'eu'"],
    ["NOT 5 > duration", "duration >= 5"],
    ["\"region\" = 'eu'", "region = 'eu'"],
    ["USER = 'bob'", "\"user\" = 'bob'"],
    ["\"user\" = 'bob'", "\"user\" = 'bob'"],
    ["\"Mixed Case\" = 'x'", "\"Mixed Case\" = 'x'"],
    ["\"date\" = DATE '2024-01-01'", "\"date\" = DATE '2024-01-01'"],
    ["region = 'it''s \"quoted\"'", "region = 'it''s \"quoted\"'"],
    ["region = ''", "region = ''"],
  ])("accepts %j as %j", (expression, canonical) => {
    const result = parse(expression);
    expect(result).toMatchObject({ ok: true, canonical });
    // The canonical form is a fixed point.
    expect(parse(canonical)).toEqual(result);
  });

  it("lists the referenced columns, sorted and unique", () => {
    expect(
      parse("region = 'eu' AND (duration > 1 OR amount < 2) AND region <> 'us' AND \"Mixed Case\" IS NULL")
    ).toEqual({
      ok: true,
      canonical: "region = 'eu' AND (duration > 1 OR amount < 2) AND region <> 'us' AND \"Mixed Case\" IS NULL",
      columns: ["Mixed Case", "amount", "duration", "region"],
    });
  });

  it.each([
    ["the expression is empty", "", "empty expression"],
    ["the expression is only whitespace", "  \n ", "empty expression"],
    ["a column is unknown", "regon = 'eu'", `unknown column "regon" (columns: ${KNOWN})`],
    ["a quoted column differs in case", "\"Region\" = 'eu'", `unknown column "Region" (columns: ${KNOWN})`],
    ["an array column is used", "tags IS NULL", 'complex column "tags" (array<string>) cannot be used in a row filter'],
    [
      "a struct column is used",
      "device = 'x'",
      'complex column "device" (struct<os:string,version:int>) cannot be used in a row filter',
    ],
    [
      "a map column is used",
      "attrs IN ('a')",
      'complex column "attrs" (map<string,string>) cannot be used in a row filter',
    ],
    [
      "a string is compared with a number column",
      "duration = '30'",
      "type mismatch: column \"duration\" (int) compared with string '30'",
    ],
    [
      "a number is compared with a string column",
      "region = 30",
      'type mismatch: column "region" (string) compared with number 30',
    ],
    [
      "a number is compared with a char column",
      "country = 1",
      'type mismatch: column "country" (char(2)) compared with number 1',
    ],
    [
      "a number is compared with a boolean column",
      "is_test = 1",
      'type mismatch: column "is_test" (boolean) compared with number 1',
    ],
    [
      "a string is compared with a boolean column",
      "is_test = 'true'",
      "type mismatch: column \"is_test\" (boolean) compared with string 'true'",
    ],
    [
      "a boolean is compared with a string column",
      "region = TRUE",
      'type mismatch: column "region" (string) compared with boolean true',
    ],
    [
      "a date is compared with a number column",
      "duration > DATE '2024-01-01'",
      "type mismatch: column \"duration\" (int) compared with date '2024-01-01'",
    ],
    [
      "a string is compared with a date column",
      "call_date = '2024-01-01'",
      "type mismatch: column \"call_date\" (date) compared with string '2024-01-01' (write date '2024-01-01')",
    ],
    [
      "an in list mixes types",
      "call_id IN (1, 'two')",
      "type mismatch: column \"call_id\" (bigint) compared with string 'two'",
    ],
    [
      "a between bound has the wrong type",
      "duration BETWEEN 1 AND 'x'",
      "type mismatch: column \"duration\" (int) compared with string 'x'",
    ],
    [
      "two columns of different types are compared",
      "duration = region",
      'type mismatch: column "duration" (int) compared with column "region" (string)',
    ],
    [
      "binary columns are compared",
      "payload = payload",
      'type mismatch: column "payload" (binary) compared with column "payload" (binary)',
    ],
    [
      "like is used on a number column",
      "duration LIKE '1%'",
      'like on column "duration" (int) needs a string, char or varchar column',
    ],
    ["the like pattern is not a string", "region LIKE 5", 'expected a quoted pattern at offset 12, found "5"'],
    ["two literals are compared", "1 = 1", "comparison at offset 0 compares two literals"],
    [
      "two strings are compared inside a conjunction",
      "region = 'eu' AND 'a' <> 'b'",
      "comparison at offset 18 compares two literals",
    ],
    ["a parenthesis is not closed", "(region = 'eu'", 'unclosed "(" at offset 0'],
    ["an in list is not closed", "region IN ('eu'", 'unclosed "(" at offset 10'],
    ["a parenthesis is not opened", "region = 'eu')", 'unmatched ")" at offset 13'],
    ["a string is unterminated", "region = 'eu", "unterminated string starting at offset 9"],
    ["a quoted identifier is unterminated", "\"region = 'eu'", "unterminated quoted identifier starting at offset 0"],
    ["a quoted identifier is empty", "\"\" = 'eu'", "empty quoted identifier at offset 0"],
    ["input follows the expression", "region = 'eu' duration > 1", 'trailing input "duration" at offset 14'],
    ["an escape clause follows like", "region LIKE 'a!%' ESCAPE '!'", 'trailing input "ESCAPE" at offset 18'],
    ["the expression ends with a semicolon", "region = 'eu';", 'unexpected character ";" at offset 13'],
    ["a second statement follows", "region = 'eu'; DROP TABLE calls", 'unexpected character ";" at offset 13'],
    ["an unknown character appears", "region = 'eu' && duration > 1", 'unexpected character "&" at offset 14'],
    ["a struct field is dereferenced", "device.os = 'ios'", 'unexpected character "." at offset 6'],
    ["a function is called", "lower(region) = 'eu'", 'function call "lower(" at offset 0 is not allowed'],
    [
      "a function is called on the right",
      "call_date = current_date()",
      'function call "current_date(" at offset 12 is not allowed',
    ],
    ["exists is used", "EXISTS (SELECT 1)", 'function call "exists(" at offset 0 is not allowed'],
    ["an in list holds a subquery", "region IN (SELECT region FROM t)", "subquery at offset 11 is not allowed"],
    ["a parenthesised subquery is compared", "region = (SELECT 'eu')", "subquery at offset 10 is not allowed"],
    ["the expression is a select", "SELECT * FROM calls", "subquery at offset 0 is not allowed"],
    [
      "the expression ends after and",
      "region = 'eu' AND",
      "expected a column or literal at offset 17, found end of input",
    ],
    [
      "the expression ends after an operator",
      "region =",
      "expected a column or literal at offset 8, found end of input",
    ],
    ["a column stands alone", "is_test", "expected an operator at offset 7, found end of input"],
    ["an operator is doubled", "region == 'eu'", 'expected a column or literal at offset 8, found "="'],
    ["an in list is empty", "region IN ()", "empty in list at offset 10"],
    ["an in list has no parentheses", "region IN 'eu'", "expected \"(\" at offset 10, found 'eu'"],
    ["an in list holds a column", "region IN ('eu', agent)", 'expected a literal at offset 17, found "agent"'],
    ["an in list is missing a comma", "region IN ('eu' 'us')", 'expected "," or ")" at offset 16, found \'us\''],
    ["a literal is followed by in", "'eu' IN (region)", 'expected a comparison operator at offset 5, found "IN"'],
    [
      "not is followed by an operator",
      "region NOT = 'eu'",
      'expected "in", "like" or "between" at offset 11, found "="',
    ],
    ["null is compared with =", "region = NULL", 'null at offset 9 is only allowed in "is null" and "is not null"'],
    ["is is not followed by null", "region IS 'eu'", "expected \"null\" at offset 10, found 'eu'"],
    ["between uses or", "duration BETWEEN 1 OR 2", 'expected "and" at offset 19, found "OR"'],
    [
      "between bounds are columns",
      "duration BETWEEN call_id AND 2",
      'expected a literal at offset 17, found "call_id"',
    ],
    [
      "a date does not exist",
      "call_date = DATE '2024-02-30'",
      "invalid date literal '2024-02-30' at offset 12 (expected yyyy-mm-dd)",
    ],
    [
      "a date has the wrong format",
      "call_date = DATE '1/2/2024'",
      "invalid date literal '1/2/2024' at offset 12 (expected yyyy-mm-dd)",
    ],
    [
      "a timestamp has no time",
      "started_at = TIMESTAMP '2024-01-01'",
      "invalid timestamp literal '2024-01-01' at offset 13 (expected yyyy-mm-dd hh:mm:ss)",
    ],
    [
      "a timestamp hour is 24",
      "started_at = TIMESTAMP '2024-01-01 24:00:00'",
      "invalid timestamp literal '2024-01-01 24:00:00' at offset 13 (expected yyyy-mm-dd hh:mm:ss)",
    ],
    [
      "date is not followed by a string",
      "call_date = DATE 2024",
      'expected a quoted date after "date" at offset 17, found "2024"',
    ],
    [
      "a keyword names a column bare",
      "date = DATE '2024-01-01'",
      'keyword "date" at offset 0 must be double-quoted to name a column',
    ],
    [
      "a keyword stands where a column belongs",
      "region = 'eu' AND or = 1",
      'expected a column or literal at offset 18, found "or"',
    ],
    ["a number runs into letters", "amount = 12abc", 'malformed number "12abc" at offset 9'],
    ["a number has a dangling point", "amount = 12.", 'malformed number "12." at offset 9'],
    ["a number uses an exponent", "amount = 1e5", 'malformed number "1e5" at offset 9'],
    ["a minus sign is not part of a number", "amount = - 5", 'unexpected character "-" at offset 9'],
    ["an operand is parenthesised", "region = ('eu')", 'expected a column or literal at offset 9, found "("'],
    ["parentheses are empty", "()", 'expected a column or literal at offset 1, found ")"'],
    [
      "a parenthesised group is followed by junk",
      "(region = 'eu' duration)",
      'expected ")" at offset 15, found "duration"',
    ],
    [
      "nesting is absurdly deep",
      `${"(".repeat(101)}region = 'eu'${")".repeat(101)}`,
      "nesting deeper than 100 levels at offset 100",
    ],
  ])("fails when %s", (_when, expression, reason) => {
    expect(parse(expression)).toEqual({ ok: false, reason });
  });

  it("reports the known columns as none for an empty column map", () => {
    expect(parseRowFilter("region = 'eu'", new Map())).toEqual({
      ok: false,
      reason: 'unknown column "region" (columns: none)',
    });
  });
});

// ---- property: canonical form is a fixed point and independent of spelling ----

type ColumnClass = "string" | "number" | "boolean" | "date" | "timestamp";

const BY_CLASS: Record<ColumnClass, string[]> = {
  string: ["region", "country", "agent", "user", "Mixed Case"],
  number: ["call_id", "duration", "amount"],
  boolean: ["is_test"],
  date: ["call_date", "date"],
  timestamp: ["started_at"],
};
const CLASSES = Object.keys(BY_CLASS) as ColumnClass[];

type Lit =
  | { kind: "str"; value: string }
  | { kind: "num"; value: string }
  | { kind: "bool"; value: boolean }
  | { kind: "date" | "timestamp"; value: string };

type Op = "=" | "<>" | "<" | "<=" | ">" | ">=";
const OPS: Op[] = ["=", "<>", "<", "<=", ">", ">="];
const MIRROR: Record<Op, Op> = { "=": "=", "<>": "<>", "<": ">", ">": "<", "<=": ">=", ">=": "<=" };
const NEGATE: Record<Op, Op> = { "=": "<>", "<>": "=", "<": ">=", ">=": "<", ">": "<=", "<=": ">" };

type Ast =
  | { kind: "and" | "or"; a: Ast; b: Ast }
  | { kind: "not"; a: Ast }
  | { kind: "cmp"; col: string; op: Op; lit: Lit }
  | { kind: "cc"; left: string; op: Op; right: string }
  | { kind: "in"; col: string; negated: boolean; values: Lit[] }
  | { kind: "like"; col: string; negated: boolean; pattern: string }
  | { kind: "null"; col: string; negated: boolean }
  | { kind: "between"; col: string; negated: boolean; low: Lit; high: Lit };

const text = fc.string({
  maxLength: 8,
  unit: fc.constantFrom("a", "Z", "'", "''", '"', " ", "%", "_", "é", "\n", ";", "(", ")"),
});
const day = fc.date({
  min: new Date("1900-01-01T00:00:00Z"),
  max: new Date("2199-12-31T23:59:59Z"),
  noInvalidDate: true,
});

function litArb(cls: ColumnClass): fc.Arbitrary<Lit> {
  switch (cls) {
    case "string":
      return text.map((value) => ({ kind: "str" as const, value }));
    case "number":
      return fc.stringMatching(/^-?\d{1,6}(\.\d{1,4})?$/).map((value) => ({ kind: "num" as const, value }));
    case "boolean":
      return fc.boolean().map((value) => ({ kind: "bool" as const, value }));
    case "date":
    case "timestamp":
      return fc.oneof(
        day.map((d) => ({ kind: "date" as const, value: d.toISOString().slice(0, 10) })),
        day.map((d) => ({ kind: "timestamp" as const, value: d.toISOString().slice(0, 19).replace("T", " ") }))
      );
  }
}

const column = fc
  .constantFrom(...CLASSES)
  .chain((cls) => fc.constantFrom(...BY_CLASS[cls]).map((name) => ({ cls, name })));

const predicate: fc.Arbitrary<Ast> = fc.oneof(
  column.chain(({ cls, name }) =>
    fc.record({
      kind: fc.constant("cmp" as const),
      col: fc.constant(name),
      op: fc.constantFrom(...OPS),
      lit: litArb(cls),
    })
  ),
  fc
    .constantFrom<string[]>(BY_CLASS.string, BY_CLASS.number, [...BY_CLASS.date, ...BY_CLASS.timestamp])
    .chain((names) =>
      fc.record({
        kind: fc.constant("cc" as const),
        left: fc.constantFrom(...names),
        op: fc.constantFrom(...OPS),
        right: fc.constantFrom(...names),
      })
    ),
  column.chain(({ cls, name }) =>
    fc.record({
      kind: fc.constant("in" as const),
      col: fc.constant(name),
      negated: fc.boolean(),
      values: fc.array(litArb(cls), { minLength: 1, maxLength: 4 }),
    })
  ),
  fc.record({
    kind: fc.constant("like" as const),
    col: fc.constantFrom(...BY_CLASS.string),
    negated: fc.boolean(),
    pattern: text,
  }),
  fc.record({
    kind: fc.constant("null" as const),
    col: fc.constantFrom(...CLASSES.flatMap((c) => BY_CLASS[c]), "payload"),
    negated: fc.boolean(),
  }),
  column.chain(({ cls, name }) =>
    fc.record({
      kind: fc.constant("between" as const),
      col: fc.constant(name),
      negated: fc.boolean(),
      low: litArb(cls),
      high: litArb(cls),
    })
  )
);

const { ast } = fc.letrec<{ ast: Ast; binary: Ast; not: Ast }>((tie) => ({
  ast: fc.oneof({ depthSize: "small", withCrossShrink: true }, predicate, tie("binary"), tie("not")),
  binary: fc.record({ kind: fc.constantFrom("and" as const, "or" as const), a: tie("ast"), b: tie("ast") }),
  not: fc.record({ kind: fc.constant("not" as const), a: tie("ast") }),
}));

/** Deterministic choices for one spelling (mulberry32). */
function chooser(seed: number): <T>(options: readonly T[]) => T {
  let s = seed >>> 0;
  return (options) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return options[Math.floor(r * options.length)]!;
  };
}

const GRAMMAR_KEYWORDS = KEYWORDS;

/** One of many equivalent spellings of `node`, chosen by `seed`: case, whitespace, parentheses, operand order, NOT placement. */
function spell(node: Ast, seed: number): string {
  const pick = chooser(seed);
  const ws = (): string => pick([" ", " ", "  ", "\n", "\t"]);
  const tight = (): string => pick(["", " ", "\n"]);
  const kw = (word: string): string =>
    pick([word.toUpperCase(), word.toLowerCase(), word[0]!.toUpperCase() + word.slice(1).toLowerCase()]);
  const col = (name: string): string =>
    /^[a-z_][a-z0-9_]*$/.test(name) && !GRAMMAR_KEYWORDS.has(name) && pick([true, false])
      ? pick([name, name.toUpperCase()])
      : `"${name.replace(/"/g, '""')}"`;
  const str = (value: string): string => `'${value.replace(/'/g, "''")}'`;
  const lit = (l: Lit): string => {
    switch (l.kind) {
      case "str":
        return str(l.value);
      case "num": {
        const [, sign, int, frac] = /^(-?)(\d+)(?:\.(\d+))?$/.exec(l.value)!;
        return `${sign}${pick(["", "0", "00"])}${int}${
          frac !== undefined ? `.${frac}${pick(["", "0"])}` : pick(["", ".0", ".000"])
        }`;
      }
      case "bool":
        return kw(String(l.value));
      case "date":
      case "timestamp":
        return `${kw(l.kind)}${pick([" ", "", "  "])}${str(l.value)}`;
    }
  };
  const op = (o: Op): string => (o === "<>" ? pick(["<>", "!="]) : o);
  const negatable = (negated: boolean, positive: string, negative: string): string =>
    negated ? pick([negative, `${kw("not")}${ws()}${pick([positive, `(${positive})`])}`]) : positive;

  // precedence of the returned text: 0 = OR, 1 = AND, 2 = NOT or primary
  const go = (n: Ast): [string, number] => {
    let out: [string, number];
    switch (n.kind) {
      case "and":
      case "or": {
        const p = n.kind === "or" ? 0 : 1;
        const side = (child: Ast): string => {
          const [t, cp] = go(child);
          return cp < p ? `(${t})` : t;
        };
        out = [`${side(n.a)}${ws()}${kw(n.kind)}${ws()}${side(n.b)}`, p];
        break;
      }
      case "not": {
        const [t, cp] = go(n.a);
        out = [`${kw("not")}${ws()}${cp < 2 ? `(${t})` : t}`, 2];
        break;
      }
      case "cmp": {
        const form = pick(["plain", "swapped", "negated"]);
        if (form === "plain") out = [`${col(n.col)}${tight()}${op(n.op)}${tight()}${lit(n.lit)}`, 2];
        else if (form === "swapped") out = [`${lit(n.lit)}${tight()}${op(MIRROR[n.op])}${tight()}${col(n.col)}`, 2];
        else out = [`${kw("not")}${ws()}${col(n.col)}${tight()}${op(NEGATE[n.op])}${tight()}${lit(n.lit)}`, 2];
        break;
      }
      case "cc":
        out = pick([true, false])
          ? [`${col(n.left)}${tight()}${op(n.op)}${tight()}${col(n.right)}`, 2]
          : [`${col(n.right)}${tight()}${op(MIRROR[n.op])}${tight()}${col(n.left)}`, 2];
        break;
      case "in": {
        const values = pick([true, false]) ? [...n.values, n.values[0]!] : n.values;
        const list = `(${tight()}${values.map(lit).join(`${tight()},${tight()}`)}${tight()})`;
        const c = col(n.col);
        out = [
          negatable(
            n.negated,
            `${c}${ws()}${kw("in")}${tight()}${list}`,
            `${c}${ws()}${kw("not")}${ws()}${kw("in")}${tight()}${list}`
          ),
          2,
        ];
        break;
      }
      case "like": {
        const c = col(n.col);
        const p = str(n.pattern);
        out = [
          negatable(
            n.negated,
            `${c}${ws()}${kw("like")}${tight()}${p}`,
            `${c}${ws()}${kw("not")}${ws()}${kw("like")}${tight()}${p}`
          ),
          2,
        ];
        break;
      }
      case "null": {
        const c = col(n.col);
        out = [
          negatable(
            n.negated,
            `${c}${ws()}${kw("is")}${ws()}${kw("null")}`,
            `${c}${ws()}${kw("is")}${ws()}${kw("not")}${ws()}${kw("null")}`
          ),
          2,
        ];
        break;
      }
      case "between": {
        const c = col(n.col);
        const range = `${lit(n.low)}${ws()}${kw("and")}${ws()}${lit(n.high)}`;
        out = [
          negatable(
            n.negated,
            `${c}${ws()}${kw("between")}${ws()}${range}`,
            `${c}${ws()}${kw("not")}${ws()}${kw("between")}${ws()}${range}`
          ),
          2,
        ];
        break;
      }
    }
    return pick([1, 2, 3, 4, 5, 6]) === 1 ? [`(${tight()}${out[0]}${tight()})`, 2] : out;
  };
  return `${pick(["", " ", "\n"])}${go(node)[0]}${pick(["", " ", "\n"])}`;
}

function referenced(node: Ast): string[] {
  switch (node.kind) {
    case "and":
    case "or":
      return [...referenced(node.a), ...referenced(node.b)];
    case "not":
      return referenced(node.a);
    case "cc":
      return [node.left, node.right];
    default:
      return [node.col];
  }
}

describe("parseRowFilter canonical form (property)", () => {
  it("re-parses to itself, lists the referenced columns and does not depend on spelling", () => {
    fc.assert(
      fc.property(ast, fc.integer(), fc.integer(), (tree, seed1, seed2) => {
        const first = parse(spell(tree, seed1));
        if (!first.ok) throw new Error(`${first.reason} in ${JSON.stringify(spell(tree, seed1))}`);
        expect(first.columns).toEqual([...new Set(referenced(tree))].sort());
        expect(parse(first.canonical)).toEqual(first);
        expect(parse(spell(tree, seed2))).toEqual(first);
      }),
      { numRuns: 1000 }
    );
  });

  it("keeps a reason on one line when the echoed literal holds a newline (found by the property below)", () => {
    const r = parse("call_date = 'open\n'");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/^[a-z][^\n]*$/);
  });

  it("never throws on token soup, and every reason is a one-line lower-case phrase", () => {
    const token = fc.constantFrom(
      "region",
      "duration",
      "call_date",
      "tags",
      "nope",
      '"user"',
      "'eu'",
      "'x''y'",
      "'open",
      "5",
      "-1.5",
      "007",
      "=",
      "<>",
      "!=",
      "<",
      ">=",
      "(",
      ")",
      ",",
      ";",
      "AND",
      "or",
      "NOT",
      "IN",
      "like",
      "IS",
      "NULL",
      "BETWEEN",
      "TRUE",
      "date",
      "DATE '2024-01-01'",
      "select",
      "lower(",
      ".",
      "&"
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 12 }), fc.constantFrom(" ", "", "\n"), (tokens, sep) => {
        const result = parse(tokens.join(sep));
        if (result.ok) expect(parse(result.canonical)).toEqual(result);
        else {
          expect(result.reason).toMatch(/^[a-z][^\n]*$/);
          expect(result.reason).not.toMatch(/[^.]\.$/); // no full stop (a clipped echo may end in "...")
        }
      }),
      { numRuns: 2000 }
    );
  });
});
