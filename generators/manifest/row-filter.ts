/**
 * Parser and type checker for Lake Formation data-cells-filter row filter
 * expressions (the PartiQL subset Lake Formation accepts). Returns the
 * canonical spelling and the columns it reads, or the reason it is not one.
 *
 *   expr      := and ("OR" and)*
 *   and       := unary ("AND" unary)*
 *   unary     := "NOT" unary | "(" expr ")" | predicate
 *   predicate := operand cmpop operand                  -- at least one side a column
 *              | column [NOT] IN "(" literal ("," literal)* ")"
 *              | column [NOT] LIKE string
 *              | column IS [NOT] NULL
 *              | column [NOT] BETWEEN literal AND literal
 *   operand   := column | literal
 *   column    := [A-Za-z_][A-Za-z0-9_]* (matched lower-cased) | "quoted" ("" escapes a quote; matched exactly)
 *   literal   := 'string' ('' escapes a quote) | -?digits[.digits] | TRUE | FALSE
 *              | DATE 'yyyy-mm-dd' | TIMESTAMP 'yyyy-mm-dd hh:mm:ss'
 *   cmpop     := = | <> | != | < | <= | > | >=
 *
 * Keywords are case-insensitive. The grammar's own keywords (AND, OR, NOT, IN,
 * LIKE, IS, NULL, BETWEEN, TRUE, FALSE, DATE, TIMESTAMP, SELECT) must be
 * double-quoted to be used as column names.
 *
 * Canonical form (stable; parsing it again gives the same bytes):
 *   - keywords upper case, exactly one space between tokens, ", " in IN lists,
 *     no space inside parentheses;
 *   - columns spelled as declared in the column map: bare when they match
 *     [a-z_][a-z0-9_]* and are not an SQL/PartiQL reserved word, otherwise
 *     double-quoted with "" escaping;
 *   - strings single-quoted with '' escaping; numbers without a plus sign,
 *     leading zeros, trailing fractional zeros or a bare "." (-0 is 0);
 *     TRUE/FALSE; DATE '…' and TIMESTAMP '…';
 *   - != is written <>; a literal is always on the right (1 < a becomes a > 1);
 *     in a column-to-column comparison the column whose name sorts first is
 *     on the left (b > a becomes a < b; a > a becomes a < a);
 *   - NOT is folded into the predicate it negates: NOT a = 1 → a <> 1,
 *     NOT a < 1 → a >= 1, NOT a IN (…) → a NOT IN (…), likewise LIKE,
 *     BETWEEN and IS NULL, and NOT NOT x → x (all exact under SQL's
 *     three-valued logic). NOT remains only before an AND/OR group, always
 *     written NOT (…);
 *   - nested AND in AND and OR in OR are flattened; operands keep their
 *     written order (no sorting of AND/OR operands);
 *   - parentheses only where precedence needs them: around an OR group that
 *     is an operand of AND, and after NOT;
 *   - duplicate IN values are dropped (first occurrence kept, order kept).
 *
 * Every reason is a short lower-case phrase; syntax errors name what was found
 * and its 0-based character offset in the expression.
 */

export type RowFilterResult = { ok: true; canonical: string; columns: string[] } | { ok: false; reason: string };

/** Words that get double quotes in the canonical form when used as column names. */
const RESERVED = new Set(
  (
    "absolute action add all allocate alter and any are as asc assertion at authorization avg bag begin between " +
    "bit bit_length blob bool boolean both by cascade cascaded case cast catalog char char_length character " +
    "character_length check clob close coalesce collate collation column commit connect connection constraint " +
    "constraints continue convert corresponding count create cross current current_date current_time " +
    "current_timestamp current_user cursor date date_add date_diff day deallocate dec decimal declare default " +
    "deferrable deferred delete desc describe descriptor diagnostics disconnect distinct domain double drop else " +
    "end escape except exception exec execute exists external extract false fetch first float for foreign found " +
    "from full get global go goto grant group having hour identity immediate in index indicator initially inner " +
    "input insensitive insert int integer intersect interval into is isolation join key language last leading " +
    "left let level like limit list local lower match max min minute missing module month names national natural " +
    "nchar next no not null nullif numeric octet_length of offset on only open option or order outer output " +
    "overlaps pad partial pivot position precision prepare preserve primary prior privileges procedure public " +
    "read real references relative remove restrict revoke right rollback rows schema scroll second section select " +
    "session session_user set sexp size smallint some space sql sqlcode sqlerror sqlstate string struct substring " +
    "sum symbol system_user table temporary then time timestamp timezone_hour timezone_minute to trailing " +
    "transaction translate translation trim true tuple union unique unknown unpivot update upper usage user using " +
    "value values varchar varying view when whenever where with work write zone"
  ).split(" ")
);

/** Keywords of this grammar: never a bare column name. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  "and",
  "or",
  "not",
  "in",
  "like",
  "is",
  "null",
  "between",
  "true",
  "false",
  "date",
  "timestamp",
  "select",
]);

const MAX_DEPTH = 100;

type CmpOp = "=" | "<>" | "<" | "<=" | ">" | ">=";

type Literal =
  | { kind: "str"; value: string }
  | { kind: "num"; value: string }
  | { kind: "bool"; value: boolean }
  | { kind: "date"; value: string }
  | { kind: "timestamp"; value: string };

type Column = { kind: "col"; name: string; type: string };

type Operand = Column | Literal;

type Node =
  | { kind: "and" | "or"; items: Node[] }
  | { kind: "not"; item: Node }
  | { kind: "cmp"; op: CmpOp; left: Column; right: Operand }
  | { kind: "in"; col: Column; negated: boolean; values: Literal[] }
  | { kind: "like"; col: Column; negated: boolean; pattern: string }
  | { kind: "null"; col: Column; negated: boolean }
  | { kind: "between"; col: Column; negated: boolean; low: Literal; high: Literal };

type Token =
  | { kind: "word" | "op" | "num" | "(" | ")" | "," | "end"; text: string; at: number; end: number }
  | { kind: "str" | "qid"; text: string; value: string; at: number; end: number };

type TypeClass = "string" | "number" | "boolean" | "date" | "timestamp" | "complex" | "other";

const NEGATE: Record<CmpOp, CmpOp> = { "=": "<>", "<>": "=", "<": ">=", ">=": "<", ">": "<=", "<=": ">" };
const MIRROR: Record<CmpOp, CmpOp> = { "=": "=", "<>": "<>", "<": ">", ">": "<", "<=": ">=", ">=": "<=" };

class RowFilterError extends Error {}

function fail(reason: string): never {
  throw new RowFilterError(reason);
}

function typeClass(type: string): TypeClass {
  const t = type.trim().toLowerCase();
  if (t === "string" || /^(var)?char\(/.test(t)) return "string";
  if (/^(tinyint|smallint|int|integer|bigint|float|double|real)$/.test(t) || /^decimal\b/.test(t)) return "number";
  if (t === "boolean") return "boolean";
  if (t === "date") return "date";
  if (t === "timestamp") return "timestamp";
  if (/^(array|map|struct|uniontype)</.test(t)) return "complex";
  return "other";
}

function renderColumn(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function renderString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function renderLiteral(lit: Literal): string {
  switch (lit.kind) {
    case "str":
      return renderString(lit.value);
    case "num":
      return lit.value;
    case "bool":
      return lit.value ? "TRUE" : "FALSE";
    case "date":
      return `DATE ${renderString(lit.value)}`;
    case "timestamp":
      return `TIMESTAMP ${renderString(lit.value)}`;
  }
}

function renderOperand(op: Operand): string {
  return op.kind === "col" ? renderColumn(op.name) : renderLiteral(op);
}

function render(node: Node): string {
  const not = (negated: boolean): string => (negated ? "NOT " : "");
  switch (node.kind) {
    case "or":
      return node.items.map(render).join(" OR ");
    case "and":
      return node.items.map((i) => (i.kind === "or" ? `(${render(i)})` : render(i))).join(" AND ");
    case "not":
      return `NOT (${render(node.item)})`;
    case "cmp":
      return `${renderOperand(node.left)} ${node.op} ${renderOperand(node.right)}`;
    case "in":
      return `${renderColumn(node.col.name)} ${not(node.negated)}IN (${node.values.map(renderLiteral).join(", ")})`;
    case "like":
      return `${renderColumn(node.col.name)} ${not(node.negated)}LIKE ${renderString(node.pattern)}`;
    case "null":
      return `${renderColumn(node.col.name)} IS ${not(node.negated)}NULL`;
    case "between":
      return `${renderColumn(node.col.name)} ${not(node.negated)}BETWEEN ${renderLiteral(node.low)} AND ${renderLiteral(
        node.high
      )}`;
  }
}

/**
 * A comparison with a column on the left; of two columns, the one whose name
 * sorts first, and for a column against itself the operator < or <=.
 */
function cmp(op: CmpOp, left: Column, right: Operand): Node {
  if (right.kind === "col" && (right.name < left.name || (right.name === left.name && (op === ">" || op === ">=")))) {
    return { kind: "cmp", op: MIRROR[op], left: right, right: left };
  }
  return { kind: "cmp", op, left, right };
}

/** NOT folded into the node (exact under three-valued logic). */
function negate(node: Node): Node {
  switch (node.kind) {
    case "not":
      return node.item;
    case "and":
    case "or":
      return { kind: "not", item: node };
    case "cmp":
      return cmp(NEGATE[node.op], node.left, node.right);
    default:
      return { ...node, negated: !node.negated };
  }
}

function normalizeNumber(text: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return text;
  const int = (m[2] ?? "0").replace(/^0+(?=\d)/, "");
  const frac = (m[3] ?? "").replace(/0+$/, "");
  const abs = frac ? `${int}.${frac}` : int;
  return abs === "0" ? "0" : `${m[1]}${abs}`;
}

function validDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

function describeLiteral(lit: Literal): string {
  switch (lit.kind) {
    case "str":
      return `string ${clip(renderString(lit.value))}`;
    case "num":
      return `number ${lit.value}`;
    case "bool":
      return `boolean ${String(lit.value)}`;
    case "date":
      return `date ${clip(renderString(lit.value))}`;
    case "timestamp":
      return `timestamp ${clip(renderString(lit.value))}`;
  }
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > 40 ? `${flat.slice(0, 37)}...` : flat;
}

function describeColumn(col: Column): string {
  return `column ${JSON.stringify(col.name)} (${col.type})`;
}

class Parser {
  private pos = 0;
  private depth = 0;
  private peeked: { at: number; token: Token } | undefined;
  private readonly used = new Set<string>();

  constructor(private readonly src: string, private readonly columns: ReadonlyMap<string, string>) {}

  parse(): { canonical: string; columns: string[] } {
    if (this.peek().kind === "end") fail("empty expression");
    const node = this.or();
    const t = this.peek();
    if (t.kind === ")") fail(`unmatched ")" at offset ${t.at}`);
    if (t.kind !== "end") fail(`trailing input ${this.describe(t)} at offset ${t.at}`);
    return { canonical: render(node), columns: [...this.used].sort() };
  }

  // ---- lexer (on demand, so the leftmost problem is the one reported) ----

  private lex(from: number): Token {
    const src = this.src;
    let at = from;
    while (at < src.length && /\s/.test(src[at] ?? "")) at++;
    const ch = src[at];
    if (ch === undefined) return { kind: "end", text: "", at, end: at };
    const rest = src.slice(at);
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (word) return { kind: "word", text: word[0], at, end: at + word[0].length };
    const num = /^-?\d+(?:\.\d+)?/.exec(rest);
    if (num) {
      const tail = /^[A-Za-z0-9_.]+/.exec(src.slice(at + num[0].length));
      if (tail) fail(`malformed number ${JSON.stringify(clip(num[0] + tail[0]))} at offset ${at}`);
      return { kind: "num", text: num[0], at, end: at + num[0].length };
    }
    const op = /^(<>|!=|<=|>=|=|<|>)/.exec(rest);
    if (op) return { kind: "op", text: op[0], at, end: at + op[0].length };
    if (ch === "(" || ch === ")" || ch === ",") return { kind: ch, text: ch, at, end: at + 1 };
    if (ch === "'" || ch === '"') {
      let value = "";
      let i = at + 1;
      for (;;) {
        const c = src[i];
        if (c === undefined) {
          fail(`unterminated ${ch === "'" ? "string" : "quoted identifier"} starting at offset ${at}`);
        }
        if (c === ch) {
          if (src[i + 1] === ch) {
            value += ch;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += c;
        i++;
      }
      if (ch === '"' && value === "") fail(`empty quoted identifier at offset ${at}`);
      return { kind: ch === "'" ? "str" : "qid", text: src.slice(at, i), value, at, end: i };
    }
    return fail(`unexpected character ${JSON.stringify(ch)} at offset ${at}`);
  }

  private peek(): Token {
    if (this.peeked?.at !== this.pos) this.peeked = { at: this.pos, token: this.lex(this.pos) };
    return this.peeked.token;
  }

  private next(): Token {
    const t = this.peek();
    this.pos = t.end;
    return t;
  }

  private isWord(t: Token, word: string): boolean {
    return t.kind === "word" && t.text.toLowerCase() === word;
  }

  private acceptWord(word: string): boolean {
    if (!this.isWord(this.peek(), word)) return false;
    this.next();
    return true;
  }

  private describe(t: Token): string {
    if (t.kind === "end") return "end of input";
    if (t.kind === "str" || t.kind === "qid") return clip(t.text);
    return JSON.stringify(clip(t.text));
  }

  private expected(what: string, t: Token): never {
    return fail(`expected ${what} at offset ${t.at}, found ${this.describe(t)}`);
  }

  // ---- boolean structure ----

  private or(): Node {
    const items = [this.and()];
    while (this.acceptWord("or")) items.push(this.and());
    return items.length === 1
      ? items[0]!
      : { kind: "or", items: items.flatMap((i) => (i.kind === "or" ? i.items : [i])) };
  }

  private and(): Node {
    const items = [this.unary()];
    while (this.acceptWord("and")) items.push(this.unary());
    return items.length === 1
      ? items[0]!
      : { kind: "and", items: items.flatMap((i) => (i.kind === "and" ? i.items : [i])) };
  }

  private unary(): Node {
    const t = this.peek();
    if (this.isWord(t, "not") || t.kind === "(") {
      if (++this.depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH} levels at offset ${t.at}`);
      this.next();
      let node: Node;
      if (t.kind === "(") {
        if (this.isWord(this.peek(), "select")) fail(`subquery at offset ${this.peek().at} is not allowed`);
        node = this.or();
        const close = this.peek();
        if (close.kind === "end") fail(`unclosed "(" at offset ${t.at}`);
        if (close.kind !== ")") this.expected('")"', close);
        this.next();
      } else {
        node = negate(this.unary());
      }
      this.depth--;
      return node;
    }
    return this.predicate();
  }

  // ---- predicates ----

  private predicate(): Node {
    const left = this.operand();
    const t = this.peek();
    if (t.kind === "op") {
      this.next();
      const right = this.operand();
      return this.comparison(left.operand, t, right.operand, left.at);
    }
    if (left.operand.kind !== "col") this.expected("a comparison operator", t);
    const col = left.operand;
    if (this.acceptWord("is")) {
      const negated = this.acceptWord("not");
      if (!this.acceptWord("null")) this.expected('"null"', this.peek());
      return { kind: "null", col, negated };
    }
    const negated = this.acceptWord("not");
    const kw = this.peek();
    if (this.acceptWord("in")) return { kind: "in", col, negated, values: this.inList(col) };
    if (this.acceptWord("like")) {
      if (typeClass(col.type) !== "string") {
        fail(`like on ${describeColumn(col)} needs a string, char or varchar column`);
      }
      const p = this.peek();
      if (p.kind !== "str") this.expected("a quoted pattern", p);
      this.next();
      return { kind: "like", col, negated, pattern: p.value };
    }
    if (this.acceptWord("between")) {
      const low = this.literal(col);
      if (!this.acceptWord("and")) this.expected('"and"', this.peek());
      const high = this.literal(col);
      return { kind: "between", col, negated, low, high };
    }
    return this.expected(negated ? '"in", "like" or "between"' : "an operator", kw);
  }

  private comparison(left: Operand, opTok: Token, right: Operand, at: number): Node {
    const op = (opTok.text === "!=" ? "<>" : opTok.text) as CmpOp;
    if (left.kind !== "col" && right.kind !== "col") fail(`comparison at offset ${at} compares two literals`);
    if (left.kind !== "col") return this.comparison(right, { ...opTok, text: MIRROR[op] }, left, at);
    if (right.kind === "col") {
      const a = typeClass(left.type);
      const b = typeClass(right.type);
      const temporal = (c: TypeClass): boolean => c === "date" || c === "timestamp";
      if (!(a === b && a !== "other") && !(temporal(a) && temporal(b))) {
        fail(`type mismatch: ${describeColumn(left)} compared with ${describeColumn(right)}`);
      }
    } else {
      this.check(left, right);
    }
    return cmp(op, left, right);
  }

  private inList(col: Column): Literal[] {
    const open = this.peek();
    if (open.kind !== "(") this.expected('"("', open);
    this.next();
    if (this.peek().kind === ")") fail(`empty in list at offset ${open.at}`);
    const values: Literal[] = [];
    const seen = new Set<string>();
    for (;;) {
      const lit = this.literal(col);
      const key = renderLiteral(lit);
      if (!seen.has(key)) {
        seen.add(key);
        values.push(lit);
      }
      const t = this.peek();
      if (t.kind === ",") {
        this.next();
        continue;
      }
      if (t.kind === ")") {
        this.next();
        return values;
      }
      if (t.kind === "end") fail(`unclosed "(" at offset ${open.at}`);
      this.expected('"," or ")"', t);
    }
  }

  /** A literal compatible with `col`. */
  private literal(col: Column): Literal {
    const t = this.peek();
    const { operand } = this.operand();
    if (operand.kind === "col") this.expected("a literal", t);
    this.check(col, operand);
    return operand;
  }

  private check(col: Column, lit: Literal): void {
    const c = typeClass(col.type);
    const ok =
      (lit.kind === "str" && c === "string") ||
      (lit.kind === "num" && c === "number") ||
      (lit.kind === "bool" && c === "boolean") ||
      ((lit.kind === "date" || lit.kind === "timestamp") && (c === "date" || c === "timestamp"));
    if (ok) return;
    const hint =
      lit.kind === "str" && (c === "date" || c === "timestamp") ? ` (write ${c} ${clip(renderString(lit.value))})` : "";
    fail(`type mismatch: ${describeColumn(col)} compared with ${describeLiteral(lit)}${hint}`);
  }

  private operand(): { operand: Operand; at: number } {
    const t = this.next();
    switch (t.kind) {
      case "str":
        return { operand: { kind: "str", value: t.value }, at: t.at };
      case "num":
        return { operand: { kind: "num", value: normalizeNumber(t.text) }, at: t.at };
      case "qid":
        return { operand: this.column(t.value), at: t.at };
      case "(":
        if (this.isWord(this.peek(), "select")) fail(`subquery at offset ${this.peek().at} is not allowed`);
        return this.expected("a column or literal", t);
      case "word": {
        const word = t.text.toLowerCase();
        if (word === "select") fail(`subquery at offset ${t.at} is not allowed`);
        if (this.peek().kind === "(")
          fail(`function call ${JSON.stringify(`${word}(`)} at offset ${t.at} is not allowed`);
        // A keyword where a column name fits (followed by an operator, a keyword, ")" or the end) that names a known column.
        const columnLike = ["op", "word", ")", "end"].includes(this.peek().kind) && word !== "true" && word !== "false";
        if (KEYWORDS.has(word) && columnLike && this.columns.has(word)) {
          fail(`keyword ${JSON.stringify(word)} at offset ${t.at} must be double-quoted to name a column`);
        }
        if (word === "true" || word === "false") return { operand: { kind: "bool", value: word === "true" }, at: t.at };
        if (word === "date" || word === "timestamp") return { operand: this.typed(word, t), at: t.at };
        if (word === "null") fail(`null at offset ${t.at} is only allowed in "is null" and "is not null"`);
        if (KEYWORDS.has(word)) this.expected("a column or literal", t);
        return { operand: this.column(word), at: t.at };
      }
      default:
        return this.expected("a column or literal", t);
    }
  }

  private typed(word: "date" | "timestamp", kw: Token): Literal {
    const t = this.peek();
    if (t.kind !== "str") this.expected(`a quoted ${word} after "${word}"`, t);
    this.next();
    const d = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/.exec(t.value);
    const valid =
      d !== null &&
      (word === "timestamp") === (d[4] !== undefined) &&
      validDate(Number(d[1]), Number(d[2]), Number(d[3])) &&
      (word === "date" || (Number(d[4]) < 24 && Number(d[5]) < 60 && Number(d[6]) < 60));
    if (!valid) {
      const format = word === "date" ? "yyyy-mm-dd" : "yyyy-mm-dd hh:mm:ss";
      fail(`invalid ${word} literal ${clip(t.text)} at offset ${kw.at} (expected ${format})`);
    }
    return { kind: word, value: t.value };
  }

  private column(name: string): Column {
    const type = this.columns.get(name);
    if (type === undefined) {
      const known = [...this.columns.keys()].sort();
      fail(`unknown column ${JSON.stringify(name)} (columns: ${known.length > 0 ? known.join(", ") : "none"})`);
    }
    if (typeClass(type) === "complex") {
      fail(`complex column ${JSON.stringify(name)} (${type}) cannot be used in a row filter`);
    }
    this.used.add(name);
    return { kind: "col", name, type };
  }
}

export function parseRowFilter(expression: string, columns: ReadonlyMap<string, string>): RowFilterResult {
  try {
    return { ok: true, ...new Parser(expression, columns).parse() };
  } catch (e) {
    if (e instanceof RowFilterError) return { ok: false, reason: e.message };
    throw e;
  }
}
