/**
 * The error catalogue. Every problem Lakeform reports about manifests has a
 * permanent code from this list, the file and field it is about, what was
 * received and how to fix it. Problems are collected and reported together;
 * nothing throws on the first one.
 */

export const ERROR_CODES = {
  "unknown-key": "a key the schema does not know",
  "wrong-type": "a value of the wrong type",
  "invalid-value": "a value outside the allowed set",
  "invalid-format": "a string that does not match the required pattern",
  "too-small": "a number, string or list below its minimum",
  "too-big": "a number, string or list above its maximum",
  "missing": "a required field or file is absent",
  "load-failed": "a manifest file could not be read or evaluated",
  "unknown-environment": "a reference to an environment the platform does not declare",
  "unknown-zone": "a reference to a zone the domain does not declare",
  "unknown-tag-key": "an LF-tag key outside the platform taxonomy",
  "unknown-tag-value": "an LF-tag value outside the allowed values of its key",
  "duplicate-name": "two things that must be unique share a name",
  "name-mismatch": "a manifest whose name differs from its folder",
  "invalid-column-type": "a column type that is not a Glue/Hive type",
  "invalid-lifecycle": "lifecycle settings that contradict each other",
  "invalid-region": "a region setting that contradicts another",
  "name-collision": "two derived physical names that would collide in one account and region",
  "name-too-long": "a derived physical name over its AWS limit",
  "grant-conflict": "two grants of one principal on one table, one of them filtered (the union would void the filter)",
  "pii-exposed": "a PII column readable unmasked by a principal outside the PII readers (a finding: exit 1)",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export type PathSegment = string | number;

export interface Problem {
  /** Manifest file, relative to the project root, with forward slashes. */
  readonly file: string;
  /** Field path inside the manifest; empty for the whole file. */
  readonly path: readonly PathSegment[];
  readonly code: ErrorCode;
  /** What is wrong, in a few words. */
  readonly message: string;
  /** The value received, when there is one to show. */
  readonly got?: unknown;
  /** How to fix it. */
  readonly hint?: string;
}

/** `tables[2].columns[0].type` */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === "" ? "(file)" : out;
}

const MAX_SHOWN = 80;

/** Renders a received value briefly: strings quoted, objects as compact JSON. */
export function formatValue(value: unknown): string {
  if (value === undefined) return "nothing";
  let text: string;
  if (typeof value === "string") text = JSON.stringify(value);
  else if (typeof value === "bigint") text = `${value}n`;
  else if (typeof value === "function") text = "a function";
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

/** `<file> › <path>: <what is wrong>, got <value>; <how to fix>` */
export function formatProblem(p: Problem): string {
  let line = `${p.file} › ${formatPath(p.path)}: ${p.message}`;
  if ("got" in p) line += `, got ${formatValue(p.got)}`;
  if (p.hint) line += `; ${p.hint}`;
  return line;
}

/** Stable order: by file, then by the order problems were found within a file. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.file < b.p.file ? -1 : a.p.file > b.p.file ? 1 : a.i - b.i))
    .map(({ p }) => p);
}

export function formatProblems(problems: readonly Problem[], noun = "problem"): string {
  const sorted = sortProblems(problems);
  const files = new Set(sorted.map((p) => p.file)).size;
  const lines = sorted.map(formatProblem);
  lines.push(
    `${sorted.length} ${noun}${sorted.length === 1 ? "" : "s"} in ${files} file${files === 1 ? "" : "s"}; nothing was written.`,
  );
  return lines.join("\n") + "\n";
}

/** Thrown only at the edge (CLI, cdktf app) to carry collected problems out. */
export class ManifestError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(formatProblems(problems));
    this.name = "ManifestError";
  }
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate within a small distance, if any. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** `did you mean "x"? (allowed: "x", "y")`, or just the list when nothing is close. */
export function suggest(word: string, candidates: readonly string[], label = "allowed"): string {
  const near = closest(word, candidates);
  const list = candidates.length > 0 ? candidates.map((c) => JSON.stringify(c)).join(", ") : "none";
  return near ? `did you mean ${JSON.stringify(near)}? (${label}: ${list})` : `${label}: ${list}`;
}
