/**
 * Parser for Glue/Hive column types. Returns the canonical spelling (lower
 * case, no spaces) or the reason the type is not one.
 *
 *   type    := primitive | decimal(p[,s]) | char(n) | varchar(n)
 *            | array<type> | map<primitive,type> | struct<name:type,...>
 */

export const PRIMITIVE_TYPES = [
  "boolean",
  "tinyint",
  "smallint",
  "int",
  "integer",
  "bigint",
  "float",
  "double",
  "string",
  "date",
  "timestamp",
  "binary",
] as const;

export type ColumnTypeResult = { ok: true; canonical: string } | { ok: false; reason: string };

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  parse(): string {
    const t = this.type();
    this.skip();
    if (this.pos < this.src.length) throw new Error(`unexpected "${this.src.slice(this.pos)}" after ${t}`);
    return t;
  }

  private skip(): void {
    while (this.src[this.pos] === " ") this.pos++;
  }

  private word(): string {
    this.skip();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.pos));
    if (!m) throw new Error(`expected a type name at "${this.src.slice(this.pos) || "end"}"`);
    this.pos += m[0].length;
    return m[0];
  }

  private expect(ch: string): void {
    this.skip();
    if (this.src[this.pos] !== ch) throw new Error(`expected "${ch}" at "${this.src.slice(this.pos) || "end"}"`);
    this.pos++;
  }

  private peek(): string | undefined {
    this.skip();
    return this.src[this.pos];
  }

  private int(): number {
    this.skip();
    const m = /^\d+/.exec(this.src.slice(this.pos));
    if (!m) throw new Error(`expected a number at "${this.src.slice(this.pos) || "end"}"`);
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private type(): string {
    const name = this.word().toLowerCase();
    switch (name) {
      case "decimal": {
        if (this.peek() !== "(") return "decimal(10,0)";
        this.expect("(");
        const p = this.int();
        let s = 0;
        if (this.peek() === ",") {
          this.expect(",");
          s = this.int();
        }
        this.expect(")");
        if (p < 1 || p > 38) throw new Error(`decimal precision must be 1-38, not ${p}`);
        if (s > p) throw new Error(`decimal scale ${s} is larger than its precision ${p}`);
        return `decimal(${p},${s})`;
      }
      case "char":
      case "varchar": {
        this.expect("(");
        const n = this.int();
        this.expect(")");
        const max = name === "char" ? 255 : 65535;
        if (n < 1 || n > max) throw new Error(`${name} length must be 1-${max}, not ${n}`);
        return `${name}(${n})`;
      }
      case "array": {
        this.expect("<");
        const el = this.type();
        this.expect(">");
        return `array<${el}>`;
      }
      case "map": {
        this.expect("<");
        const k = this.type();
        if (/[<(]/.test(k) && !k.startsWith("decimal") && !k.startsWith("char") && !k.startsWith("varchar")) {
          throw new Error(`a map key must be a primitive type, not ${k}`);
        }
        this.expect(",");
        const v = this.type();
        this.expect(">");
        return `map<${k},${v}>`;
      }
      case "struct": {
        this.expect("<");
        const fields: string[] = [];
        const seen = new Set<string>();
        do {
          if (fields.length > 0) this.expect(",");
          const f = this.word().toLowerCase();
          if (seen.has(f)) throw new Error(`struct field "${f}" appears twice`);
          seen.add(f);
          this.expect(":");
          fields.push(`${f}:${this.type()}`);
        } while (this.peek() === ",");
        this.expect(">");
        return `struct<${fields.join(",")}>`;
      }
      default:
        if ((PRIMITIVE_TYPES as readonly string[]).includes(name)) return name === "integer" ? "int" : name;
        throw new Error(`unknown type "${name}"`);
    }
  }
}

export function parseColumnType(src: string): ColumnTypeResult {
  try {
    return { ok: true, canonical: new Parser(src.trim()).parse() };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}
