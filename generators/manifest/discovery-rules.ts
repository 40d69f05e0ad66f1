import { type PathSegment, type Problem, suggest } from "./errors";
import { type ParsedDomain, zoneNamesOf } from "./rules";

/** Where a crawl's prefix and a key prefix overlap: one lies under the other. */
const overlaps = (a: string, b: string) => a.startsWith(b) || b.startsWith(a);

/**
 * Cross-references of the domain's `discovery` list: the zone exists, the
 * prefixes stay clear of every manifest-declared table of the zone (a
 * crawler must never catalogue, and so shadow, a table the manifest owns),
 * of the staging prefix and of each other, and the follow-up jobs are Glue
 * jobs of the domain started by nothing else.
 */
export function checkDiscovery(d: ParsedDomain): Problem[] {
  const { file, manifest: m } = d;
  const problems: Problem[] = [];
  const zones = zoneNamesOf(m);
  const names = new Map<string, number>();
  const claimed = new Map<string, string>(); // `<zone>\0<prefix>` → where
  const startedBy = new Map<string, string>(); // job → discovery that runs it
  const pipelineJobs = new Set((m.pipeline?.tasks ?? []).flatMap((t) => (t.job ? [t.job] : [])));
  const glueJobs = m.jobs.filter((j) => j.engine === "glue").map((j) => j.name).sort();

  m.discovery.forEach((c, ci) => {
    const at = (...rest: PathSegment[]): PathSegment[] => ["discovery", ci, ...rest];
    const prior = names.get(c.name);
    if (prior !== undefined) problems.push({ file, path: at("name"), code: "duplicate-name", message: "duplicate discovery name", got: c.name, hint: `discovery[${prior}] has the same name` });
    else names.set(c.name, ci);

    if (!zones.includes(c.zone)) {
      problems.push({ file, path: at("zone"), code: "unknown-zone", message: "the domain has no such zone", got: c.zone, hint: suggest(c.zone, zones, "zones of this domain") });
    }
    const depths = new Set(c.prefixes.map((p) => p.split("/").length - 1));
    if (depths.size > 1) {
      problems.push({ file, path: at("prefixes"), code: "invalid-value", message: "prefixes of different depths: the crawler makes one table per folder at one level", got: c.prefixes, hint: "split them into one discovery per depth" });
    }
    const staging = m.zones?.[c.zone]?.lifecycle.staging.prefix ?? "_staging/";
    c.prefixes.forEach((prefix, pi) => {
      const where = `discovery[${ci}].prefixes[${pi}]`;
      for (const t of m.tables) {
        if (t.zone === c.zone && overlaps(prefix, `${t.name}/`)) {
          problems.push({ file, path: at("prefixes", pi), code: "invalid-value", message: `overlaps table ${t.zone}.${t.name}, which the manifest declares at ${t.name}/`, got: prefix, hint: "a crawler must not catalogue a declared table: land discovered data under its own prefix, like streams/" });
        }
      }
      if (overlaps(prefix, staging)) {
        problems.push({ file, path: at("prefixes", pi), code: "invalid-value", message: `overlaps the zone's staging prefix ${staging}, whose objects are temporary`, got: prefix, hint: "watch a prefix outside the staging prefix" });
      }
      for (const [key, other] of claimed) {
        const [zone, p] = key.split("\u0000") as [string, string];
        if (zone === c.zone && overlaps(prefix, p)) {
          problems.push({ file, path: at("prefixes", pi), code: "invalid-value", message: `overlaps ${p} of ${other}: two crawlers would catalogue the same objects`, got: prefix, hint: "give each prefix to one discovery" });
        }
      }
      claimed.set(`${c.zone}\u0000${prefix}`, where);
    });

    (c.then ?? []).forEach((name, ji) => {
      const path = at("then", ji);
      const job = m.jobs.find((j) => j.name === name);
      if (!job) {
        problems.push({ file, path, code: "unknown-zone", message: "the domain has no such job", got: name, hint: suggest(name, glueJobs, "Glue jobs") });
        return;
      }
      if (job.engine !== "glue") {
        problems.push({ file, path, code: "invalid-value", message: `job "${name}" runs on ${job.engine}; a Glue workflow starts Glue jobs only`, got: name, hint: "run it from the pipeline instead, or make it a Glue job" });
        return;
      }
      const other = startedBy.get(name);
      if (other !== undefined && other !== c.name) {
        problems.push({ file, path, code: "invalid-value", message: `job "${name}" already runs after discovery "${other}", so it would run twice`, got: name, hint: "let one discovery start it" });
      }
      startedBy.set(name, c.name);
      if (job.schedule || job.after) {
        problems.push({ file, path, code: "invalid-value", message: `job "${name}" also starts on its own ${job.schedule ? "schedule" : "trigger (after)"}, so it would run twice`, got: name, hint: "remove the job's schedule and after, or leave it out of then" });
      }
      if (pipelineJobs.has(name)) {
        problems.push({ file, path, code: "invalid-value", message: `job "${name}" is also a pipeline task, so it would run twice`, got: name, hint: "let either the pipeline or the discovery start it" });
      }
    });
    if (c.then && new Set(c.then).size !== c.then.length) {
      problems.push({ file, path: at("then"), code: "duplicate-name", message: "a job is listed twice", got: c.then, hint: "list each job once" });
    }
  });
  return problems;
}
