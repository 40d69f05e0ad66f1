import type { z } from "zod";
import { type PathSegment, type Problem, formatValue, suggest } from "./errors";

/**
 * Layer 1 of validation: the shape. Parses one manifest with its zod schema
 * and turns every zod issue into a Problem in the error catalogue's terms.
 */

type AnySchema = z.core.$ZodType;

interface Def {
  type: string;
  innerType?: AnySchema;
  element?: AnySchema;
  valueType?: AnySchema;
  keyType?: AnySchema;
  shape?: Record<string, AnySchema>;
  options?: AnySchema[];
  in?: AnySchema;
  out?: AnySchema;
  discriminator?: string;
}

const defOf = (s: AnySchema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Removes optional/default/nullable/pipe wrappers. */
function unwrap(s: AnySchema): AnySchema {
  let cur = s;
  for (let i = 0; i < 20; i++) {
    const d = defOf(cur);
    if ((d.type === "optional" || d.type === "default" || d.type === "nullable" || d.type === "prefault" || d.type === "readonly") && d.innerType) cur = d.innerType;
    else if (d.type === "pipe" && d.in) cur = d.in;
    else break;
  }
  return cur;
}

/** Picks the option of a discriminated union that the input's discriminator selects. */
function chooseOption(s: AnySchema, value: unknown): AnySchema {
  const u = unwrap(s);
  const d = defOf(u);
  if (d.type !== "union" || !d.options || !value || typeof value !== "object" || !d.discriminator) return u;
  const disc = d.discriminator;
  const match = d.options.find((o) => {
    const lit = defOf(unwrap(defOf(unwrap(o)).shape?.[disc] ?? o)) as Def & { values?: unknown[] };
    return lit.values?.includes((value as Record<string, unknown>)[disc]);
  });
  return match ? unwrap(match) : u;
}

/** The schema at a path of the input (not unwrapped, so its own description is kept). */
function schemaAt(root: AnySchema, path: readonly PathSegment[], input: unknown): AnySchema | undefined {
  let cur: AnySchema | undefined = root;
  let value: unknown = input;
  for (const seg of path) {
    if (!cur) return undefined;
    const d = defOf(chooseOption(cur, value));
    if (d.type === "object" && typeof seg === "string") cur = d.shape?.[seg];
    else if (d.type === "array" && typeof seg === "number") cur = d.element;
    else if (d.type === "record") cur = d.valueType;
    else return undefined;
    value = value && typeof value === "object" ? (value as Record<PathSegment, unknown>)[seg] : undefined;
  }
  return cur;
}

/** The allowed discriminator values of a union schema. */
function discriminatorValues(s: AnySchema): { key: string; values: string[] } | undefined {
  const d = defOf(unwrap(s));
  if (d.type !== "union" || !d.options) return undefined;
  const key = d.discriminator ?? "type";
  const values = d.options.flatMap((o) => {
    const lit = defOf(unwrap(defOf(unwrap(o)).shape?.[key] ?? o)) as Def & { values?: unknown[] };
    return (lit.values ?? []).map(String);
  });
  return { key, values };
}

function describe(s: AnySchema | undefined): string | undefined {
  if (!s) return undefined;
  const text = (s as unknown as { description?: string }).description ?? (unwrap(s) as unknown as { description?: string }).description;
  return text?.split("\n")[0];
}

function valueAt(input: unknown, path: readonly PathSegment[]): unknown {
  let v = input;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PathSegment, unknown>)[seg];
  }
  return v;
}

const article = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

const expectedName = (e: string) =>
  ({ object: "an object (key: value mapping)", array: "a list", record: "an object (key: value mapping)", int: "a whole number" })[e] ??
  article(e);

/** Translates one zod issue (and nested union issues) into Problems. */
function translate(issue: z.core.$ZodIssue, file: string, root: AnySchema, input: unknown, prefix: readonly PathSegment[] = []): Problem[] {
  const path = [...prefix, ...(issue.path as PathSegment[])];
  const got = "input" in issue ? (issue as { input?: unknown }).input : valueAt(input, path);
  const field = schemaAt(root, path, input);
  const fieldHint = describe(field);
  switch (issue.code) {
    case "unrecognized_keys": {
      const at = schemaAt(root, path, input);
      const obj = defOf(at ? chooseOption(at, valueAt(input, path)) : root);
      const known = Object.keys(obj.shape ?? {}).sort();
      return issue.keys.map((key) => ({
        file,
        path: [...path, key],
        code: "unknown-key" as const,
        message: "unknown key",
        got: key,
        hint: `${suggest(key, known, "known keys")}`,
      }));
    }
    case "invalid_type": {
      const value = valueAt(input, path);
      if (value === undefined) {
        return [{ file, path, code: "missing", message: `required ${issue.expected === "object" ? "section" : "field"} is missing`, hint: fieldHint ? `add it: ${fieldHint}` : "add it" }];
      }
      return [{ file, path, code: "wrong-type", message: `expected ${expectedName(issue.expected)}`, got: value, hint: fieldHint }];
    }
    case "invalid_value": {
      const allowed = issue.values.map((v) => String(v));
      return [{ file, path, code: "invalid-value", message: `expected one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`, got, hint: typeof got === "string" ? suggest(got, allowed) : fieldHint }];
    }
    case "invalid_format":
      return [{ file, path, code: "invalid-format", message: issue.format === "regex" ? "not in the required form" : `not a valid ${issue.format}`, got, hint: issue.message }];
    case "too_small":
    case "too_big": {
      const small = issue.code === "too_small";
      const limit = small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum;
      const what = issue.origin === "array" ? "items" : issue.origin === "string" ? "characters" : "";
      const custom = !/^Too (small|big)/.test(issue.message);
      const auto = `${small ? "at least" : "at most"} ${limit}${what ? ` ${what}` : ""}`;
      return [
        {
          file,
          path,
          code: small ? "too-small" : "too-big",
          message: `${small ? "below" : "above"} the ${small ? "minimum" : "maximum"} (${auto})`,
          got: issue.origin === "array" && Array.isArray(got) ? `${got.length} item${got.length === 1 ? "" : "s"}` : got,
          hint: custom ? issue.message : fieldHint,
        },
      ];
    }
    case "invalid_key":
      return issue.issues.flatMap((inner) =>
        translate({ ...inner, path: [] } as z.core.$ZodIssue, file, root, input, path).map((p) => ({ ...p, message: `key ${p.message}` })),
      );
    case "invalid_element":
      return issue.issues.flatMap((inner) => translate(inner as z.core.$ZodIssue, file, root, input, path));
    case "invalid_union": {
      const note = (issue as { note?: string }).note;
      if (note === "No matching discriminator") {
        // zod puts the discriminator on the path; the union is its parent.
        const union = schemaAt(root, path.slice(0, -1), input);
        const disc = union ? discriminatorValues(union) : undefined;
        const gotDisc = valueAt(input, path);
        const options = disc?.values ?? [];
        return [{ file, path, code: "invalid-value", message: `expected one of ${options.map((o) => JSON.stringify(o)).join(", ")}`, got: gotDisc, hint: typeof gotDisc === "string" ? suggest(gotDisc, options) : fieldHint }];
      }
      return [{ file, path, code: "wrong-type", message: "matches none of the allowed forms", got: valueAt(input, path), hint: fieldHint }];
    }
    default:
      return [{ file, path, code: "invalid-value", message: issue.message, got }];
  }
}

export type ShapeResult<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/** Parses `input` with `schema`; on failure every issue becomes a Problem. */
export function checkShape<S extends z.ZodType>(schema: S, input: unknown, file: string): ShapeResult<z.output<S>> {
  const r = schema.safeParse(input, { reportInput: true });
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, problems: r.error.issues.flatMap((i) => translate(i as z.core.$ZodIssue, file, schema as unknown as AnySchema, input)) };
}

export { formatValue };
