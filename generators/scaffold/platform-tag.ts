import YAML from "yaml";

/**
 * Adding a new domain's name to the platform taxonomy's `domain` LF-tag, the
 * one platform change onboarding needs (a domain's databases are tagged with
 * its name, and tag values must exist before they are used).
 *
 * A YAML platform manifest is edited as a document (comments and layout
 * kept). A TypeScript one is code: it is edited only where the values are a
 * literal array of string literals, found exactly once inside `lfTags`;
 * anything else (a variable, a spread, a computed list) is left to a person.
 * Either way the caller loads the result and checks that the manifest
 * changed by exactly that one value before keeping it.
 */

export type TagEdit = { ok: true; text: string } | { ok: false; reason: string };

/** Where the value goes: sorted position when the list is sorted, else the end. */
function insertAt(values: readonly string[], value: string): number {
  const sorted = values.every((v, i) => i === 0 || values[i - 1]! <= v);
  if (!sorted) return values.length;
  const i = values.findIndex((v) => v > value);
  return i < 0 ? values.length : i;
}

export function addDomainTagValueYaml(text: string, key: string, value: string): TagEdit {
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) return { ok: false, reason: "the YAML does not parse" };
  const seq = doc.getIn(["lfTags", key, "values"], true);
  if (!YAML.isSeq(seq)) return { ok: false, reason: `lfTags.${key}.values is not a list` };
  const values = seq.items.map((i) => (YAML.isScalar(i) ? i.value : undefined));
  if (!values.every((v): v is string => typeof v === "string")) return { ok: false, reason: `lfTags.${key}.values holds something other than plain strings` };
  seq.items.splice(insertAt(values, value), 0, doc.createNode(value));
  return { ok: true, text: doc.toString() };
}

const STRING = String.raw`(?:"[^"\\\n]*"|'[^'\\\n]*')`;
const LITERAL_LIST = new RegExp(String.raw`^\s*(?:${STRING}\s*(?:,\s*${STRING}\s*)*,?\s*)?$`);

export function addDomainTagValueTs(text: string, key: string, value: string): TagEdit {
  const lfTags = [...text.matchAll(/\blfTags\s*:\s*\{/g)];
  if (lfTags.length !== 1) return { ok: false, reason: `found ${lfTags.length} lfTags objects, expected one` };
  const start = lfTags[0]!.index! + lfTags[0]![0].length;
  const end = closingBrace(text, start);
  if (end < 0) return { ok: false, reason: "the lfTags object does not close" };
  const block = text.slice(start, end);
  const k = key.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
  const entry = new RegExp(String.raw`(?:^|[\s,{])(?:${k}|"${k}"|'${k}')\s*:\s*\{[^{}]*?\bvalues\s*:\s*\[([^\]]*)\]`, "g");
  const found = [...block.matchAll(entry)];
  if (found.length !== 1) return { ok: false, reason: `no single literal \`${key}: { values: [...] }\` inside lfTags` };
  const m = { index: start + found[0]!.index!, 0: found[0]![0], 1: found[0]![1] };
  const inside = m[1]!;
  if (!LITERAL_LIST.test(inside)) return { ok: false, reason: `lfTags.${key}.values is not a list of string literals` };
  const items = [...inside.matchAll(new RegExp(STRING, "g"))].map((x) => x[0]);
  const values = items.map((q) => q.slice(1, -1));
  const quote = items[0]?.startsWith("'") ? "'" : '"';
  const next = [...items];
  next.splice(insertAt(values, value), 0, `${quote}${value}${quote}`);
  const listStart = m.index + m[0].length - 1 - inside.length;
  const multiline = inside.includes("\n");
  const body = multiline ? inside.replace(/^(\s*)[\s\S]*?(,?\s*)$/, (_, lead: string, tail: string) => `${lead}${next.join(`,${lead}`)}${tail}`) : next.join(", ");
  return { ok: true, text: text.slice(0, listStart) + body + text.slice(listStart + inside.length) };
}

/** Index of the `}` closing the object whose body starts at `from`, skipping strings and comments; -1 if none. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'" || c === "`") {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === "\\") i++;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      i = text.indexOf("*/", i + 2);
      if (i < 0) return -1;
      i++;
    } else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i;
  }
  return -1;
}
