import { parseColumnType } from "./column-type";
import { type PathSegment, type Problem, suggest } from "./errors";
import { type ParsedDomain, environmentsOf, zoneNamesOf } from "./rules";
import type { PlatformManifestOutput } from "./schema/platform";

/** Where Firehose writes records it could not deliver, under the raw bucket; no table or drop may live there. */
export const INGEST_ERRORS_PREFIX = "_errors/";

const INTEGER_TYPES = ["tinyint", "smallint", "int", "bigint"];

/**
 * Why a partition key of `type` cannot be made from a timestamp pattern, or
 * undefined when it can: a date needs exactly yyyy-MM-dd, an integer only
 * digits (no separators), a string anything.
 */
export function partitionPatternProblem(type: string, pattern: string): string | undefined {
  if (type === "date") return pattern === "yyyy-MM-dd" ? undefined : "a date partition reads only yyyy-MM-dd";
  if (INTEGER_TYPES.includes(type)) return /[-_]/.test(pattern) ? "an integer partition reads digits only, without - or _" : undefined;
  if (type === "string" || /^(var)?char\(/.test(type)) return undefined;
  return `a ${type} partition cannot be made from the arrival time`;
}

/** The default pattern of a partition key: yyyy-MM-dd for a date, none otherwise. */
export const defaultPartitionPattern = (type: string): string | undefined => (type === "date" ? "yyyy-MM-dd" : undefined);

/** Cross-references of the domain's `ingestion`: streams write raw json tables they can partition; drops are partner accounts' own prefixes. */
export function checkIngestion(d: ParsedDomain, p: PlatformManifestOutput | undefined): Problem[] {
  const { file, manifest: m } = d;
  const problems: Problem[] = [];
  const { streams, partnerDrops } = m.ingestion;
  if (streams.length === 0 && partnerDrops.length === 0) return problems;
  const hasRaw = zoneNamesOf(m).includes("raw");
  const rawTables = m.tables.filter((t) => t.zone === "raw");
  const rawRefs = rawTables.map((t) => `raw.${t.name}`).sort();

  const streamNames = new Map<string, number>();
  const streamTables = new Map<string, number>();
  streams.forEach((s, si) => {
    const at = (...rest: PathSegment[]): PathSegment[] => ["ingestion", "streams", si, ...rest];
    const prior = streamNames.get(s.name);
    if (prior !== undefined) problems.push({ file, path: at("name"), code: "duplicate-name", message: "duplicate stream name", got: s.name, hint: `ingestion.streams[${prior}] has the same name` });
    else streamNames.set(s.name, si);
    if (!hasRaw) {
      problems.push({ file, path: at("table"), code: "unknown-zone", message: "the domain has no raw zone to stream into", got: s.table, hint: "declare a raw zone" });
      return;
    }
    const table = rawTables.find((t) => `raw.${t.name}` === s.table);
    if (!table) {
      problems.push({ file, path: at("table"), code: "unknown-zone", message: "the domain has no such raw table", got: s.table, hint: suggest(s.table, rawRefs, "raw tables") });
      return;
    }
    const firstOfTable = streamTables.get(s.table);
    if (firstOfTable !== undefined) problems.push({ file, path: at("table"), code: "duplicate-name", message: "two streams write one table", got: s.table, hint: `ingestion.streams[${firstOfTable}] writes it already; send both producers to one stream` });
    else streamTables.set(s.table, si);
    if (table.format !== "json") {
      problems.push({ file, path: at("table"), code: "invalid-value", message: `Firehose delivers records as they are sent, so its table is json, and ${s.table} is ${table.format}`, got: s.table, hint: "set format: json on the table, and conform it into processed with a job" });
    }
    if (table.partitionKeys.length === 0) {
      problems.push({ file, path: at("table"), code: "invalid-value", message: "the table has no partition keys, so Firehose would add its own YYYY/MM/dd/HH folders the table cannot read", got: s.table, hint: "partition the table by arrival time, e.g. partitionKeys: [{ name: ingest_date, type: date }]" });
    }
    const canonical = (type: string) => {
      const parsed = parseColumnType(type);
      return parsed.ok ? parsed.canonical : type;
    };
    const keys = new Map(table.partitionKeys.map((k) => [k.name, canonical(k.type)]));
    for (const [key, type] of keys) {
      const pattern = s.partitions?.[key] ?? defaultPartitionPattern(type);
      if (pattern === undefined) {
        problems.push({ file, path: at("partitions"), code: "missing", message: `partition key "${key}" (${type}) of ${s.table} has no pattern`, hint: `add ${key}: <pattern> from yyyy, MM, dd and HH, e.g. yyyy-MM-dd-HH` });
        continue;
      }
      const why = partitionPatternProblem(type, pattern);
      if (why) problems.push({ file, path: at("partitions", key), code: "invalid-value", message: `${why} (${key} is ${type})`, got: pattern, hint: type === "date" ? "use yyyy-MM-dd" : "use a string partition key, or a pattern that fits its type" });
    }
    for (const key of Object.keys(s.partitions ?? {})) {
      if (!keys.has(key)) problems.push({ file, path: at("partitions", key), code: "invalid-value", message: `${s.table} has no such partition key`, got: key, hint: suggest(key, [...keys.keys()], "partition keys") });
    }
  });

  // A drop is its partner's own prefix: no table, staging area, error area or other drop lies under or above it.
  const raw = m.zones?.raw;
  const reserved: [string, string][] = [
    ...rawTables.map((t) => [`${t.name}/`, `the location of table raw.${t.name}`] as [string, string]),
    [raw?.lifecycle.staging.prefix ?? "_staging/", "the raw zone's staging prefix"],
    [INGEST_ERRORS_PREFIX, "where Firehose streams put records they could not deliver"],
  ];
  const dropNames = new Map<string, number>();
  const overlaps = (a: string, b: string) => a.startsWith(b) || b.startsWith(a);
  partnerDrops.forEach((drop, di) => {
    const at = (...rest: PathSegment[]): PathSegment[] => ["ingestion", "partnerDrops", di, ...rest];
    const prior = dropNames.get(drop.name);
    if (prior !== undefined) problems.push({ file, path: at("name"), code: "duplicate-name", message: "duplicate drop name", got: drop.name, hint: `ingestion.partnerDrops[${prior}] has the same name` });
    else dropNames.set(drop.name, di);
    if (!hasRaw) problems.push({ file, path: at("prefix"), code: "unknown-zone", message: "the domain has no raw zone to drop into", got: drop.prefix, hint: "declare a raw zone" });
    for (const [prefix, what] of reserved) {
      if (overlaps(drop.prefix, prefix)) problems.push({ file, path: at("prefix"), code: "invalid-value", message: `the prefix overlaps ${what} (${prefix})`, got: drop.prefix, hint: "give the partner a prefix of its own, like drops/<partner>/; a job conforms the files into a table" });
    }
    partnerDrops.slice(0, di).forEach((other, oi) => {
      if (overlaps(drop.prefix, other.prefix)) problems.push({ file, path: at("prefix"), code: "invalid-value", message: `the prefix overlaps ingestion.partnerDrops[${oi}] (${other.prefix})`, got: drop.prefix, hint: "give each drop a prefix of its own" });
    });
    if (!p) return;
    for (const env of environmentsOf(m, p)) {
      const e = p.environments[env]!;
      const account = /^\d{12}$/.test(drop.partner) ? drop.partner : e.principals[drop.partner];
      if (account === undefined) {
        problems.push({ file, path: at("partner"), code: "unknown-environment", message: `environment "${env}" has no principal of that name`, got: drop.partner, hint: `add the partner's account ID to environments.${env}.principals in the platform manifest (${suggest(drop.partner, Object.keys(e.principals).sort(), "known")})` });
      } else if (!/^\d{12}$/.test(account)) {
        problems.push({ file, path: at("partner"), code: "invalid-value", message: `"${drop.partner}" is ${account} in ${env}, not an account: drops are for other accounts`, got: drop.partner, hint: "name an account principal; people and jobs of this account write through Lake Formation" });
      } else if (account === e.accountId) {
        problems.push({ file, path: at("partner"), code: "invalid-value", message: `${account} is the ${env} environment's own account`, got: drop.partner, hint: "drops are for other accounts; this account's jobs write through Lake Formation" });
      }
    }
  });
  return problems;
}
