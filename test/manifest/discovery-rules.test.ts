import { describe, expect, it } from "vitest";
import { checkDiscovery } from "../../generators/manifest/discovery-rules";
import { formatProblem } from "../../generators/manifest/errors";
import { DomainManifest } from "../../generators/manifest/schema/domain";
import { checkShape } from "../../generators/manifest/shape";
import { domainFixture } from "../helpers/project";

const FILE = "domains/sales/domain.yaml";

/** The sales fixture with a Glue job free to be started by a discovery, and one discovery of lead files in raw. */
function domain(mutate: (d: Record<string, any>) => void = () => {}): Record<string, any> {
  const d = domainFixture();
  d.jobs = [
    { name: "load-leads", engine: "glue", script: "jobs/load_leads.py", writes: ["processed.orders"] },
    { name: "nightly", engine: "glue", script: "jobs/nightly.py", schedule: "cron(0 1 * * ? *)" },
    { name: "spiky", engine: "emr-serverless", script: "jobs/spiky.py", maximumCapacity: { cpu: "8 vCPU", memory: "32 GB" } },
  ];
  d.discovery = [{ name: "leads", prefixes: ["leads/"], then: ["load-leads"] }];
  mutate(d);
  return d;
}

const problems = (d: Record<string, any>) => checkDiscovery({ file: FILE, folder: "sales", manifest: DomainManifest.parse(d) }).map(formatProblem);

const shape = (d: Record<string, any>) => {
  const r = checkShape(DomainManifest, d, FILE);
  return r.ok ? [] : r.problems.map(formatProblem);
};

describe("discovery manifest", () => {
  it("accepts a discovery with defaults: raw, batches of 100 or 5 minutes, arrivals only", () => {
    expect(problems(domain())).toEqual([]);
    const m = DomainManifest.parse(domain());
    expect(m.discovery[0]).toMatchObject({ zone: "raw", exclude: [], batch: { size: 100, windowSeconds: 300 }, description: "" });
    expect(m.discovery[0]!.schedule).toBeUndefined();
    expect(DomainManifest.parse(domainFixture()).discovery).toEqual([]);
  });

  it("fails when the zone does not exist", () => {
    expect(problems(domain((d) => (d.discovery[0].zone = "landing")))).toEqual([
      `${FILE} › discovery[0].zone: the domain has no such zone, got "landing"; zones of this domain: "raw", "processed", "curated"`,
    ]);
  });

  it("fails when a prefix overlaps a declared table's location, either way", () => {
    const d = domain((x) => {
      x.tables.push({ name: "events", zone: "raw", format: "json", columns: [{ name: "id", type: "string" }] });
      x.discovery[0].prefixes = ["events/", "leads/"];
      x.discovery.push({ name: "all", prefixes: ["ev/"] });
    });
    expect(problems(d)).toEqual([
      `${FILE} › discovery[0].prefixes[0]: overlaps table raw.events, which the manifest declares at events/, got "events/"; a crawler must not catalogue a declared table: land discovered data under its own prefix, like streams/`,
    ]);
    expect(problems(domain((x) => {
      x.tables.push({ name: "leads", zone: "raw", columns: [{ name: "id", type: "string" }] });
      x.discovery[0].prefixes = ["leads/eu/"];
    }))).toEqual([expect.stringContaining("discovery[0].prefixes[0]: overlaps table raw.leads")]);
  });

  it("does not mind a table of the same name in another zone", () => {
    expect(problems(domain((x) => (x.discovery[0].prefixes = ["orders/"])))).toEqual([]);
  });

  it("fails when a prefix overlaps the zone's staging prefix", () => {
    expect(problems(domain((x) => (x.discovery[0].prefixes = ["_staging/leads/"])))).toEqual([
      `${FILE} › discovery[0].prefixes[0]: overlaps the zone's staging prefix _staging/, whose objects are temporary, got "_staging/leads/"; watch a prefix outside the staging prefix`,
    ]);
  });

  it("fails when two discoveries watch overlapping prefixes of one zone, but not of two zones", () => {
    expect(problems(domain((x) => x.discovery.push({ name: "more-leads", prefixes: ["leads/eu/"] })))).toEqual([
      `${FILE} › discovery[1].prefixes[0]: overlaps leads/ of discovery[0].prefixes[0]: two crawlers would catalogue the same objects, got "leads/eu/"; give each prefix to one discovery`,
    ]);
    expect(problems(domain((x) => x.discovery.push({ name: "more-leads", zone: "processed", prefixes: ["leads/eu/"] })))).toEqual([]);
  });

  it("fails when prefixes of one discovery have different depths", () => {
    expect(problems(domain((x) => (x.discovery[0].prefixes = ["leads/", "imports/crm/"])))).toEqual([
      `${FILE} › discovery[0].prefixes: prefixes of different depths: the crawler makes one table per folder at one level, got ["leads/","imports/crm/"]; split them into one discovery per depth`,
    ]);
  });

  it("fails when two discoveries share a name", () => {
    expect(problems(domain((x) => x.discovery.push({ name: "leads", prefixes: ["other/"] })))).toEqual([
      `${FILE} › discovery[1].name: duplicate discovery name, got "leads"; discovery[0] has the same name`,
    ]);
  });

  it("fails when a follow-up job does not exist, with a suggestion", () => {
    expect(problems(domain((x) => (x.discovery[0].then = ["load-lead"])))).toEqual([
      `${FILE} › discovery[0].then[0]: the domain has no such job, got "load-lead"; did you mean "load-leads"? (Glue jobs: "load-leads", "nightly")`,
    ]);
  });

  it("fails when a follow-up job is not a Glue job", () => {
    expect(problems(domain((x) => (x.discovery[0].then = ["spiky"])))).toEqual([
      `${FILE} › discovery[0].then[0]: job "spiky" runs on emr-serverless; a Glue workflow starts Glue jobs only, got "spiky"; run it from the pipeline instead, or make it a Glue job`,
    ]);
  });

  it("fails when a follow-up job also has its own schedule", () => {
    expect(problems(domain((x) => (x.discovery[0].then = ["nightly"])))).toEqual([
      `${FILE} › discovery[0].then[0]: job "nightly" also starts on its own schedule, so it would run twice, got "nightly"; remove the job's schedule and after, or leave it out of then`,
    ]);
  });

  it("fails when a follow-up job is also a pipeline task", () => {
    const d = domain((x) => (x.pipeline = { schedule: "@daily", tasks: [{ name: "load", job: "load-leads" }] }));
    expect(problems(d)).toEqual([
      `${FILE} › discovery[0].then[0]: job "load-leads" is also a pipeline task, so it would run twice, got "load-leads"; let either the pipeline or the discovery start it`,
    ]);
  });

  it("fails when two discoveries start the same job, or one lists it twice", () => {
    expect(problems(domain((x) => x.discovery.push({ name: "more", prefixes: ["more/"], then: ["load-leads"] })))).toEqual([
      `${FILE} › discovery[1].then[0]: job "load-leads" already runs after discovery "leads", so it would run twice, got "load-leads"; let one discovery start it`,
    ]);
    expect(problems(domain((x) => (x.discovery[0].then = ["load-leads", "load-leads"])))).toEqual([
      `${FILE} › discovery[0].then: a job is listed twice, got ["load-leads","load-leads"]; list each job once`,
    ]);
  });

  it("fails in shape when a prefix, batch or schedule is malformed", () => {
    const out = shape(
      domain((x) => {
        x.discovery[0].prefixes = ["leads"];
        x.discovery[0].batch = { size: 0, windowSeconds: 901 };
        x.discovery[0].schedule = "rate(1 hour)";
        x.discovery[0].name = "a-discovery-name-too-long";
      }),
    );
    expect(out).toHaveLength(5);
    expect(out.join("\n")).toMatch(/discovery\[0\]\.prefixes\[0\]/);
    expect(out.join("\n")).toMatch(/discovery\[0\]\.batch\.size/);
    expect(out.join("\n")).toMatch(/discovery\[0\]\.batch\.windowSeconds/);
    expect(out.join("\n")).toMatch(/discovery\[0\]\.schedule/);
    expect(out.join("\n")).toMatch(/discovery\[0\]\.name/);
  });
});
