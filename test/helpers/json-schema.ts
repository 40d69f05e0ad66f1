/**
 * A small JSON Schema (draft 2020-12) validator for the keywords Lakeform's
 * generated schemas use: type, properties, required, additionalProperties,
 * propertyNames, items, minItems, enum, const, anyOf, pattern, minLength,
 * maxLength. It refuses a schema with any other keyword, so a schema that
 * grows a keyword this does not know fails loudly instead of passing. Used to
 * check documents against the published schema files themselves (ajv is not a
 * dependency).
 */

type Schema = Record<string, unknown>;

const KNOWN = new Set(["$schema", "description", "type", "properties", "required", "additionalProperties", "propertyNames", "items", "minItems", "enum", "const", "anyOf", "pattern", "minLength", "maxLength"]);

const typeOf = (v: unknown): string =>
  v === null ? "null" : Array.isArray(v) ? "array" : typeof v === "number" ? (Number.isInteger(v) ? "integer" : "number") : typeof v;

const typeMatches = (want: string, v: unknown) => {
  const t = typeOf(v);
  return want === t || (want === "number" && t === "integer");
};

/** Every place `value` breaks `schema`, as `<path>: <what>`; empty when it conforms. */
export function jsonSchemaErrors(schema: Schema, value: unknown, path = "$"): string[] {
  const unknown = Object.keys(schema).filter((k) => !KNOWN.has(k));
  if (unknown.length > 0) throw new Error(`${path}: schema keyword(s) ${unknown.join(", ")} not supported by test/helpers/json-schema.ts`);
  const out: string[] = [];
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => typeMatches(t, value))) return [`${path}: expected ${types.join(" or ")}, got ${typeOf(value)}`];
  }
  if ("const" in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) out.push(`${path}: expected ${JSON.stringify(schema.const)}`);
  if (schema.enum && !(schema.enum as unknown[]).some((e) => JSON.stringify(e) === JSON.stringify(value))) out.push(`${path}: not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === "string") {
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) out.push(`${path}: does not match ${schema.pattern}`);
    if (typeof schema.minLength === "number" && [...value].length < schema.minLength) out.push(`${path}: shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === "number" && [...value].length > schema.maxLength) out.push(`${path}: longer than ${schema.maxLength}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === "number" && value.length < schema.minItems) out.push(`${path}: fewer than ${schema.minItems} items`);
    if (schema.items) value.forEach((v, i) => out.push(...jsonSchemaErrors(schema.items as Schema, v, `${path}[${i}]`)));
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) if (!(r in obj)) out.push(`${path}: missing ${r}`);
    for (const [k, v] of Object.entries(obj)) {
      if (schema.propertyNames) out.push(...jsonSchemaErrors(schema.propertyNames as Schema, k, `${path}.${k} (name)`));
      if (props[k]) out.push(...jsonSchemaErrors(props[k]!, v, `${path}.${k}`));
      else if (schema.additionalProperties === false) out.push(`${path}: unexpected property ${k}`);
      else if (schema.additionalProperties && typeof schema.additionalProperties === "object") out.push(...jsonSchemaErrors(schema.additionalProperties as Schema, v, `${path}.${k}`));
    }
  }
  if (schema.anyOf) {
    const branches = (schema.anyOf as Schema[]).map((s) => jsonSchemaErrors(s, value, path));
    if (!branches.some((b) => b.length === 0)) out.push(`${path}: matches no anyOf branch (${branches.map((b) => b[0]).join(" | ")})`);
  }
  return out;
}
