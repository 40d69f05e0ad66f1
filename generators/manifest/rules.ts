import { parseColumnType } from "./column-type";
import { dqdlRuleProblems } from "./dqdl";
import { parseRowFilter } from "./row-filter";
import { type PathSegment, type Problem, suggest } from "./errors";
import { DEFAULT_ZONES, type DomainManifestOutput, type TableManifestOutput } from "./schema/domain";
import type { PlatformManifestOutput } from "./schema/platform";

/**
 * Layer 2 of validation: cross-field and cross-file rules over manifests whose
 * shape is already valid. Each rule adds Problems; none stops the others.
 */

export interface ParsedDomain {
  readonly file: string;
  readonly folder: string;
  readonly manifest: DomainManifestOutput;
  /** Job scripts and pipeline queries by path relative to the domain folder, as read from disk. */
  readonly scripts?: ReadonlyMap<string, string>;
}

/** Tag keys Lakeform sets itself on every resource; manifests may not redefine them. */
export const RESERVED_TAG_KEYS = ["domain", "environment", "owner", "cost-centre", "managed-by"] as const;

/** The taxonomy key that names a domain; tag grants must be scoped by it. */
export const DOMAIN_TAG_KEY = "domain";

/** Domain names that would collide with stacks or names Lakeform owns. */
export const RESERVED_DOMAIN_NAMES = ["platform", "dr"] as const;

function accountOf(arn: string): string | undefined {
  return /^arn:[^:]+:iam::(\d{12}):/.exec(arn)?.[1];
}

export function checkPlatform(p: PlatformManifestOutput, file: string): Problem[] {
  const problems: Problem[] = [];
  if (p.regions.dr === p.regions.primary) {
    problems.push({ file, path: ["regions", "dr"], code: "invalid-region", message: "the DR region equals the primary region", got: p.regions.dr, hint: "choose a second region, so a regional outage does not take both" });
  }
  const pii = p.lfTags[p.pii.key];
  if (!pii) {
    problems.push({ file, path: ["pii", "key"], code: "unknown-tag-key", message: "PII tag key is not in the taxonomy", got: p.pii.key, hint: suggest(p.pii.key, Object.keys(p.lfTags).sort(), "taxonomy keys") });
  } else if (!pii.values.includes(p.pii.value)) {
    problems.push({ file, path: ["pii", "value"], code: "unknown-tag-value", message: `PII tag value is not a value of "${p.pii.key}"`, got: p.pii.value, hint: suggest(p.pii.value, pii.values) });
  }
  for (const [key, def] of Object.entries(p.lfTags)) {
    const seen = new Set<string>();
    def.values.forEach((v, i) => {
      if (seen.has(v)) problems.push({ file, path: ["lfTags", key, "values", i], code: "duplicate-name", message: "value listed twice", got: v, hint: "list each value once" });
      seen.add(v);
    });
  }
  if (p.audit.dataEvents === "write-only" && !p.audit.writeOnlyReason) {
    problems.push({ file, path: ["audit", "writeOnlyReason"], code: "missing", message: "write-only auditing drops object reads and needs a written reason", hint: "add writeOnlyReason, or keep dataEvents: read-write" });
  }
  if (p.audit.dataEvents === "read-write" && p.audit.writeOnlyReason) {
    problems.push({ file, path: ["audit", "writeOnlyReason"], code: "invalid-value", message: "a reason for write-only auditing, but reads are audited", got: p.audit.writeOnlyReason, hint: "remove it, or set dataEvents: write-only" });
  }
  for (const key of Object.keys(p.defaultTags)) {
    if ((RESERVED_TAG_KEYS as readonly string[]).includes(key)) {
      problems.push({ file, path: ["defaultTags", key], code: "invalid-value", message: "this tag key is set by Lakeform on every resource", got: key, hint: `remove it; Lakeform sets ${RESERVED_TAG_KEYS.join(", ")} from the manifests` });
    }
  }
  for (const [env, e] of Object.entries(p.environments)) {
    for (const list of ["lakeFormationAdmins", "piiReaders"] as const) {
      const seen = new Set<string>();
      e[list].forEach((arn, i) => {
        const path: PathSegment[] = ["environments", env, list, i];
        if (seen.has(arn)) problems.push({ file, path, code: "duplicate-name", message: "principal listed twice", got: arn, hint: "list each principal once" });
        seen.add(arn);
        if (list === "lakeFormationAdmins" && accountOf(arn) !== e.accountId) {
          problems.push({ file, path, code: "invalid-value", message: `a Lake Formation admin must be a principal of the environment's account ${e.accountId}`, got: arn, hint: "use a role in that account; other accounts get access through cross-account grants" });
        }
      });
    }
    if (new Set(e.network.privateSubnetIds).size !== e.network.privateSubnetIds.length) {
      problems.push({ file, path: ["environments", env, "network", "privateSubnetIds"], code: "duplicate-name", message: "a subnet is listed twice", got: e.network.privateSubnetIds, hint: "list each subnet once" });
    }
  }
  return problems;
}

function checkTags(tags: Record<string, string>, path: PathSegment[], file: string, p: PlatformManifestOutput): Problem[] {
  const problems: Problem[] = [];
  const keys = Object.keys(p.lfTags).sort();
  for (const [key, value] of Object.entries(tags)) {
    const def = p.lfTags[key];
    if (!def) {
      problems.push({ file, path: [...path, key], code: "unknown-tag-key", message: "LF-tag key is not in the platform taxonomy", got: key, hint: suggest(key, keys, "taxonomy keys") });
    } else if (!def.values.includes(value)) {
      problems.push({ file, path: [...path, key], code: "unknown-tag-value", message: `not an allowed value of LF-tag "${key}"`, got: value, hint: suggest(value, def.values) });
    }
  }
  return problems;
}

/** The zone names a domain ends up with (declared, or the defaults). */
export function zoneNamesOf(d: DomainManifestOutput): string[] {
  return d.zones ? Object.keys(d.zones) : [...DEFAULT_ZONES];
}

export function checkDomain(d: ParsedDomain, p: PlatformManifestOutput | undefined): Problem[] {
  const { file, manifest: m } = d;
  const problems: Problem[] = [];
  if (m.name !== d.folder) {
    problems.push({ file, path: ["name"], code: "name-mismatch", message: `the domain name differs from its folder "${d.folder}"`, got: m.name, hint: `rename the folder to domains/${m.name}/ or set name: "${d.folder}"` });
  }
  if ((RESERVED_DOMAIN_NAMES as readonly string[]).includes(m.name)) {
    problems.push({ file, path: ["name"], code: "name-collision", message: "this name is reserved for Lakeform's own stacks", got: m.name, hint: `choose another name (reserved: ${RESERVED_DOMAIN_NAMES.join(", ")})` });
  }
  if (m.zones && Object.keys(m.zones).length === 0) {
    problems.push({ file, path: ["zones"], code: "too-small", message: "no zones declared", got: {}, hint: "declare at least one zone, or leave zones out for raw, processed and curated" });
  }
  const zones = zoneNamesOf(m);

  if (m.zones) {
    for (const [zone, z] of Object.entries(m.zones)) {
      const l = z.lifecycle;
      const glacier = l.glacierAfterDays ?? (zone === "raw" ? 540 : null);
      if (l.expireAfterDays !== null && glacier !== null && l.expireAfterDays <= glacier) {
        problems.push({ file, path: ["zones", zone, "lifecycle", "expireAfterDays"], code: "invalid-lifecycle", message: `objects would expire before or when they move to Glacier (day ${glacier})`, got: l.expireAfterDays, hint: "make expireAfterDays later than glacierAfterDays, or set glacierAfterDays: null" });
      }
    }
  }

  const tableKeys = new Map<string, number>();
  m.tables.forEach((t, ti) => {
    const base: PathSegment[] = ["tables", ti];
    if (!zones.includes(t.zone)) {
      problems.push({ file, path: [...base, "zone"], code: "unknown-zone", message: "the domain has no such zone", got: t.zone, hint: suggest(t.zone, zones, "zones of this domain") });
    }
    const key = `${t.zone}.${t.name}`;
    const first = tableKeys.get(key);
    if (first !== undefined) {
      problems.push({ file, path: [...base, "name"], code: "duplicate-name", message: `duplicate table in zone "${t.zone}"`, got: t.name, hint: `tables[${first}] has the same name; give each table of a zone its own name` });
    } else tableKeys.set(key, ti);

    const columnNames = new Map<string, string>();
    (["columns", "partitionKeys"] as const).forEach((list) =>
      t[list].forEach((c, ci) => {
        const path: PathSegment[] = [...base, list, ci];
        const prior = columnNames.get(c.name);
        if (prior) problems.push({ file, path: [...path, "name"], code: "duplicate-name", message: "duplicate column name", got: c.name, hint: `${prior} has the same name; partition keys and columns share one namespace` });
        else columnNames.set(c.name, `${list}[${ci}]`);
        const parsed = parseColumnType(c.type);
        if (!parsed.ok) {
          problems.push({ file, path: [...path, "type"], code: "invalid-column-type", message: `not a Glue column type (${parsed.reason})`, got: c.type, hint: "use boolean, tinyint, smallint, int, bigint, float, double, decimal(p,s), string, char(n), varchar(n), date, timestamp, binary, array<T>, map<K,V> or struct<name:T,…>" });
        } else if (list === "partitionKeys" && /[<]/.test(parsed.canonical)) {
          problems.push({ file, path: [...path, "type"], code: "invalid-column-type", message: "a partition key must have a primitive type", got: c.type, hint: "partition by a string, integer or date column" });
        }
        if (p) problems.push(...checkTags(c.lfTags, [...path, "lfTags"], file, p));
      }),
    );
    if (p) problems.push(...checkTags(t.lfTags, [...base, "lfTags"], file, p));
    for (const why of dqdlRuleProblems(t.quality, new Set([...t.columns, ...t.partitionKeys].map((c) => c.name)))) {
      const one = why.index !== null;
      problems.push({ file, path: one ? [...base, "quality", why.index!] : [...base, "quality"], code: "invalid-value", message: one ? `not a quality rule Lakeform accepts: ${why.message}` : `not a ruleset Glue accepts: ${why.message}`, got: one ? t.quality[why.index!] : t.quality.length, hint: one ? "use DQDL rules such as RowCount > 0, IsComplete \"col\", ColumnValues \"col\" in [\"a\", \"b\"]" : "split the rules over fewer, shorter rules" });
    }
  });

  if (p) {
    problems.push(...checkTags(m.lfTags, ["lfTags"], file, p));
    for (const [zone, z] of Object.entries(m.zones ?? {})) problems.push(...checkTags(z.lfTags, ["zones", zone, "lfTags"], file, p));
    const envs = Object.keys(p.environments).sort();
    const seen = new Set<string>();
    (m.environments ?? []).forEach((env, i) => {
      if (!p.environments[env]) problems.push({ file, path: ["environments", i], code: "unknown-environment", message: "the platform has no such environment", got: env, hint: suggest(env, envs, "platform environments") });
      if (seen.has(env)) problems.push({ file, path: ["environments", i], code: "duplicate-name", message: "environment listed twice", got: env, hint: "list each environment once" });
      seen.add(env);
    });
  }
  return problems;
}

const findTable = (m: DomainManifestOutput, ref: string): TableManifestOutput | undefined => {
  const [zone, name] = ref.split(".");
  return m.tables.find((t) => t.zone === zone && t.name === name);
};

/** Environments a domain deploys to (declared, or every platform environment). */
export const environmentsOf = (m: DomainManifestOutput, p: PlatformManifestOutput): string[] =>
  (m.environments ?? Object.keys(p.environments)).filter((e) => p.environments[e]).sort();

/** Cross-references of the domain's `access` grants. */
export function checkGrants(d: ParsedDomain, p: PlatformManifestOutput | undefined): Problem[] {
  const { file, manifest: m } = d;
  const problems: Problem[] = [];
  const tableRefs = m.tables.map((t) => `${t.zone}.${t.name}`).sort();
  const firstByName = new Map<string, number>();
  m.access.forEach((g, gi) => {
    const base: PathSegment[] = ["access", gi];
    const at = (...rest: PathSegment[]) => [...base, ...rest];
    if (g.name.startsWith("job-")) problems.push({ file, path: at("name"), code: "invalid-value", message: "grant names starting with job- are Lakeform's, for jobs' own grants", got: g.name, hint: "choose another name" });
    const prior = firstByName.get(g.name);
    if (prior !== undefined) problems.push({ file, path: at("name"), code: "duplicate-name", message: "duplicate grant name", got: g.name, hint: `access[${prior}] has the same name; give each grant its own name` });
    else firstByName.set(g.name, gi);

    const targets = (["tags", "tables", "table"] as const).filter((k) => g[k] !== undefined);
    if (targets.length !== 1) {
      problems.push({ file, path: base, code: "invalid-value", message: targets.length === 0 ? "the grant says nothing about what it grants on" : `the grant has ${targets.join(" and ")}`, got: targets, hint: "give exactly one of tags (LF-tag expression), tables (named tables) or table (with mask and/or rows)" });
    }
    if (g.table === undefined && (g.mask || g.rows)) {
      problems.push({ file, path: at(g.mask ? "mask" : "rows"), code: "invalid-value", message: "masks and row filters apply to one table", got: g.mask ?? g.rows, hint: "name that table in `table` (not `tables` or `tags`)" });
    }
    if (g.table !== undefined && !g.mask && !g.rows) {
      problems.push({ file, path: at("table"), code: "invalid-value", message: "a single-table grant needs a mask or a row filter", got: g.table, hint: "add mask and/or rows, or use tables: [...] for the whole table" });
    }
    for (const [i, ref] of [...(g.tables ?? []).map((r, i) => [i, r] as const), ...(g.table ? [[undefined, g.table] as const] : [])]) {
      if (!findTable(m, ref)) problems.push({ file, path: i === undefined ? at("table") : at("tables", i), code: "unknown-zone", message: "the domain has no such table", got: ref, hint: suggest(ref, tableRefs, "tables of this domain") });
    }
    const table = g.table ? findTable(m, g.table) : undefined;
    if (table) {
      const types = new Map([...table.columns, ...table.partitionKeys].map((c) => [c.name, parseColumnType(c.type).ok ? (parseColumnType(c.type) as { canonical: string }).canonical : c.type]));
      const names = [...types.keys()];
      (g.mask ?? []).forEach((c, i) => {
        if (!types.has(c)) problems.push({ file, path: at("mask", i), code: "invalid-value", message: `table ${g.table} has no such column`, got: c, hint: suggest(c, names, "columns") });
      });
      if (g.mask && new Set(g.mask).size >= names.length && g.mask.every((c) => types.has(c))) {
        problems.push({ file, path: at("mask"), code: "invalid-value", message: "the mask hides every column", got: g.mask, hint: "remove the grant instead" });
      }
      if (g.rows) {
        const r = parseRowFilter(g.rows, types);
        if (!r.ok) problems.push({ file, path: at("rows"), code: "invalid-value", message: `not a row filter Lake Formation accepts (${r.reason})`, got: g.rows, hint: "use comparisons, AND/OR/NOT, IN, LIKE, BETWEEN, IS NULL and literals over the table's columns" });
      }
      if (g.permissions && g.permissions.some((x) => x !== "SELECT")) {
        problems.push({ file, path: at("permissions"), code: "invalid-value", message: "a data-cells filter grants SELECT only", got: g.permissions, hint: "leave permissions out, or set [SELECT]" });
      }
    }
    if (g.permissions && new Set(g.permissions).size !== g.permissions.length) {
      problems.push({ file, path: at("permissions"), code: "duplicate-name", message: "a permission is listed twice", got: g.permissions, hint: "list each permission once" });
    }
    if (!p) return;
    if (g.tags) {
      const keys = Object.keys(p.lfTags).sort();
      for (const [key, values] of Object.entries(g.tags)) {
        const def = p.lfTags[key];
        if (!def) {
          problems.push({ file, path: at("tags", key), code: "unknown-tag-key", message: "LF-tag key is not in the platform taxonomy", got: key, hint: suggest(key, keys, "taxonomy keys") });
          continue;
        }
        values.forEach((v, vi) => {
          if (!def.values.includes(v)) problems.push({ file, path: at("tags", key, vi), code: "unknown-tag-value", message: `not an allowed value of LF-tag "${key}"`, got: v, hint: suggest(v, def.values) });
        });
      }
      const own = m.lfTags[DOMAIN_TAG_KEY];
      const scope = g.tags[DOMAIN_TAG_KEY];
      if (!own) {
        problems.push({ file, path: at("tags"), code: "invalid-value", message: `a tag grant needs the domain tagged with LF-tag "${DOMAIN_TAG_KEY}"`, got: g.tags, hint: `set lfTags.${DOMAIN_TAG_KEY} on the domain, then scope the grant with ${DOMAIN_TAG_KEY}: [<that value>]` });
      } else if (!scope || scope.length !== 1 || scope[0] !== own) {
        problems.push({ file, path: at("tags", DOMAIN_TAG_KEY), code: "invalid-value", message: "a tag grant must be scoped to this domain's own data", got: scope, hint: `set ${DOMAIN_TAG_KEY}: [${own}]; LF-tag grants reach every matching table in the account` });
      }
    }
    for (const env of environmentsOf(m, p)) {
      const e = p.environments[env]!;
      const id = e.principals[g.principal];
      if (id === undefined) {
        problems.push({ file, path: at("principal"), code: "unknown-environment", message: `environment "${env}" has no principal of that name`, got: g.principal, hint: `add it to environments.${env}.principals in the platform manifest (${suggest(g.principal, Object.keys(e.principals).sort(), "known")})` });
      } else if (g.grantable && !e.lakeFormationAdmins.includes(id)) {
        problems.push({ file, path: at("grantable"), code: "invalid-value", message: `only Lake Formation admins may hold grantable permissions, and "${g.principal}" is not one in ${env}`, got: true, hint: "remove grantable, or make the principal an admin in the platform manifest" });
      }
    }
  });
  return problems;
}

/** `consumes` entries must name another domain's zone, deployed wherever the consumer is. */
export function checkConsumes(domains: readonly ParsedDomain[], p: PlatformManifestOutput | undefined): Problem[] {
  const problems: Problem[] = [];
  const byName = new Map(domains.map((d) => [d.manifest.name, d.manifest]));
  const names = [...byName.keys()].sort();
  for (const d of domains) {
    const seen = new Set<string>();
    d.manifest.consumes.forEach((c, i) => {
      const at = (...rest: PathSegment[]): PathSegment[] => ["consumes", i, ...rest];
      const key = `${c.domain}.${c.zone}`;
      if (seen.has(key)) problems.push({ file: d.file, path: at(), code: "duplicate-name", message: "zone consumed twice", got: key, hint: "list each zone once" });
      seen.add(key);
      if (c.domain === d.manifest.name) {
        problems.push({ file: d.file, path: at("domain"), code: "invalid-value", message: "a domain does not consume itself", got: c.domain, hint: "name another domain" });
        return;
      }
      const producer = byName.get(c.domain);
      if (!producer) {
        problems.push({ file: d.file, path: at("domain"), code: "unknown-zone", message: "no such domain", got: c.domain, hint: suggest(c.domain, names, "domains") });
        return;
      }
      const zones = zoneNamesOf(producer);
      if (!zones.includes(c.zone)) problems.push({ file: d.file, path: at("zone"), code: "unknown-zone", message: `domain "${c.domain}" has no such zone`, got: c.zone, hint: suggest(c.zone, zones, `zones of ${c.domain}`) });
      if (p) {
        const missing = environmentsOf(d.manifest, p).filter((e) => !environmentsOf(producer, p).includes(e));
        if (missing.length > 0) problems.push({ file: d.file, path: at("domain"), code: "unknown-environment", message: `domain "${c.domain}" is not deployed in ${missing.join(", ")}`, got: c.domain, hint: `deploy ${c.domain} there too, or limit this domain's environments` });
      }
    });
  }
  return problems;
}

/** Cross-references of the domain's jobs. */
export function checkJobs(d: ParsedDomain): Problem[] {
  const { file, manifest: m } = d;
  const problems: Problem[] = [];
  const tableRefs = m.tables.map((t) => `${t.zone}.${t.name}`).sort();
  const first = new Map<string, number>();
  const glueJobs = new Set(m.jobs.filter((j) => j.engine === "glue").map((j) => j.name));
  m.jobs.forEach((j, ji) => {
    const at = (...rest: PathSegment[]): PathSegment[] => ["jobs", ji, ...rest];
    const prior = first.get(j.name);
    if (prior !== undefined) problems.push({ file, path: at("name"), code: "duplicate-name", message: "duplicate job name", got: j.name, hint: `jobs[${prior}] has the same name` });
    else first.set(j.name, ji);
    for (const list of ["reads", "writes"] as const) {
      j[list].forEach((ref, i) => {
        if (!findTable(m, ref)) problems.push({ file, path: at(list, i), code: "unknown-zone", message: "the domain has no such table", got: ref, hint: suggest(ref, tableRefs, "tables of this domain") });
      });
    }
    if (d.scripts && !d.scripts.has(j.script)) {
      problems.push({ file, path: at("script"), code: "missing", message: `no file domains/${d.folder}/${j.script}`, got: j.script, hint: "add the script, or fix the path (relative to the domain folder)" });
    }
    for (const key of Object.keys(j.arguments)) {
      if (PROTECTED_JOB_ARGUMENTS.some((p) => key === p || key.startsWith(p))) {
        problems.push({ file, path: at("arguments", key), code: "invalid-value", message: "Lakeform sets this argument itself", got: key, hint: "remove it; bookmarks, logging, metrics, temp dir and the catalog are set from the job's fields" });
      }
    }
    if (j.engine === "glue") {
      const zonesWritten = [...new Set(j.writes.map((w) => w.split(".")[0]))];
      if (zonesWritten.length > 1) {
        problems.push({ file, path: at("writes"), code: "invalid-value", message: `a Glue job writes one zone, and this one writes ${zonesWritten.join(" and ")}`, got: j.writes, hint: "split it into one job per zone: its security configuration encrypts with the written zone's key" });
      }
      if (j.flex && (j.workerType === "G.4X" || j.workerType === "G.8X")) {
        problems.push({ file, path: at("flex"), code: "invalid-value", message: `Flex execution runs on G.1X and G.2X workers only, not ${j.workerType}`, got: true, hint: "use workerType G.1X or G.2X, or flex: false" });
      }
      (j.after ?? []).forEach((name, i) => {
        if (name === j.name) problems.push({ file, path: at("after", i), code: "invalid-value", message: "a job cannot wait for itself", got: name, hint: "remove it" });
        else if (!glueJobs.has(name)) problems.push({ file, path: at("after", i), code: "unknown-zone", message: "no Glue job of that name in this domain", got: name, hint: suggest(name, [...glueJobs].sort(), "Glue jobs") });
      });
      if (j.schedule && j.after) problems.push({ file, path: at("after"), code: "invalid-value", message: "a job starts on a schedule or after other jobs, not both", got: j.after, hint: "keep one of schedule and after" });
    }
  });
  // Glue job dependencies must not loop.
  const cycle = findCycle(new Map(m.jobs.flatMap((j) => (j.engine === "glue" ? [[j.name, j.after ?? []] as const] : []))));
  if (cycle) {
    problems.push({ file, path: ["jobs", m.jobs.findIndex((j) => j.name === cycle[0]), "after"], code: "invalid-value", message: `jobs wait for each other in a loop: ${cycle.join(" → ")}`, got: cycle[0], hint: "break the loop" });
  }
  return problems;
}

/** Arguments Lakeform sets on every Glue job; a manifest may not override them. */
export const PROTECTED_JOB_ARGUMENTS = [
  "--job-bookmark-option",
  "--enable-continuous-cloudwatch-log",
  "--continuous-log-logGroup",
  "--enable-metrics",
  "--enable-observability-metrics",
  "--enable-glue-datacatalog",
  "--TempDir",
  "--enable-spark-ui",
  "--spark-event-logs-path",
  "--conf",
  "--source_database",
  "--target_database",
  "--database_",
  "--job-language",
  "--scriptLocation",
  "--custom-logGroup-prefix",
  "--enable-lakeformation-fine-grained-access",
];

/** The pipeline's tasks: each runs a job of the domain or gates on a table's quality rules. */
export function checkPipeline(d: ParsedDomain): Problem[] {
  const { file, manifest: m } = d;
  const p = m.pipeline;
  if (!p) return [];
  const problems: Problem[] = [];
  const jobs = m.jobs.map((j) => j.name).sort();
  const names = p.tasks.map((t) => t.name);
  const seen = new Map<string, number>();
  p.tasks.forEach((t, ti) => {
    const at = (...rest: PathSegment[]): PathSegment[] => ["pipeline", "tasks", ti, ...rest];
    const prior = seen.get(t.name);
    if (prior !== undefined) problems.push({ file, path: at("name"), code: "duplicate-name", message: "duplicate task name", got: t.name, hint: `pipeline.tasks[${prior}] has the same name` });
    else seen.set(t.name, ti);
    if ([t.job, t.quality, t.query].filter((x) => x !== undefined).length !== 1) {
      problems.push({ file, path: at(), code: "invalid-value", message: "a task runs a job, checks quality or runs a query, exactly one", got: t.name, hint: "give job: <job name>, quality: <zone>.<table> or query: queries/<file>.sql" });
    }
    if (t.job !== undefined && !jobs.includes(t.job)) problems.push({ file, path: at("job"), code: "unknown-zone", message: "the domain has no such job", got: t.job, hint: suggest(t.job, jobs, "jobs") });
    const job = m.jobs.find((j) => j.name === t.job);
    if (job?.engine === "glue" && (job.schedule || job.after)) {
      problems.push({ file, path: at("job"), code: "invalid-value", message: `job "${job.name}" also starts on its own ${job.schedule ? "schedule" : "trigger"}, so it would run twice`, got: t.job, hint: "let the pipeline start it: remove the job's schedule and after" });
    }
    if (t.quality !== undefined) {
      const table = findTable(m, t.quality);
      if (!table) problems.push({ file, path: at("quality"), code: "unknown-zone", message: "the domain has no such table", got: t.quality, hint: suggest(t.quality, m.tables.map((x) => `${x.zone}.${x.name}`).sort(), "tables") });
      else if (table.quality.length === 0) problems.push({ file, path: at("quality"), code: "invalid-value", message: "the table declares no quality rules", got: t.quality, hint: "add quality rules (DQDL) to the table" });
    }
    t.after.forEach((a, ai) => {
      if (a === t.name) problems.push({ file, path: at("after", ai), code: "invalid-value", message: "a task cannot wait for itself", got: a, hint: "remove it" });
      else if (!names.includes(a)) problems.push({ file, path: at("after", ai), code: "unknown-zone", message: "no task of that name", got: a, hint: suggest(a, [...names].sort(), "tasks") });
    });
  });
  const cycle = findCycle(new Map(p.tasks.map((t) => [t.name, t.after.filter((a) => a !== t.name)] as const)));
  if (cycle) {
    problems.push({ file, path: ["pipeline", "tasks", p.tasks.findIndex((t) => t.name === cycle[0]), "after"], code: "invalid-value", message: `tasks wait for each other in a loop: ${cycle.join(" → ")}`, got: cycle[0], hint: "break the loop" });
  }
  return problems;
}

/** The first loop in a "waits for" graph, as a path that ends where it starts; undefined when there is none. */
export function findCycle(after: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const visit = (n: string, trail: string[]): string[] | undefined => {
    if (state.get(n) === "done") return undefined;
    if (state.get(n) === "visiting") return [...trail.slice(trail.indexOf(n)), n];
    state.set(n, "visiting");
    for (const next of after.get(n) ?? []) {
      const found = visit(next, [...trail, n]);
      if (found) return found;
    }
    state.set(n, "done");
    return undefined;
  };
  for (const n of [...after.keys()].sort()) {
    const found = visit(n, []);
    if (found) return found;
  }
  return undefined;
}
