import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lakeform, treeDigest } from "../helpers/cli";
import { MWAA_DAGS_SUPPRESSION, type ProjectSpec, domainFixture, makeProject, platformFixture } from "../helpers/project";

/**
 * Golden tests for what a user sees on bad manifests: the exact text, exit
 * code 2, and an earlier cdktf.out left byte for byte as it was.
 */

function seedPreviousOutput(root: string): Record<string, string> {
  const out = join(root, "cdktf.out");
  mkdirSync(join(out, "stacks", "sales-dev"), { recursive: true });
  writeFileSync(join(out, "manifest.json"), '{"previous":true}\n');
  writeFileSync(join(out, "stacks", "sales-dev", "cdk.tf.json"), '{"resource":{}}\n');
  return treeDigest(out);
}

async function failingSynth(spec: ProjectSpec): Promise<string> {
  const root = makeProject(spec);
  const before = seedPreviousOutput(root);
  const r = await lakeform("synth", "--dir", root);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(treeDigest(join(root, "cdktf.out"))).toEqual(before);
  return r.stderr;
}

const withDomain = (mutate: (d: Record<string, any>) => void, folder = "sales"): ProjectSpec => {
  const d = domainFixture();
  mutate(d);
  return { platform: platformFixture(), domains: { [folder]: d } };
};

const withPlatform = (mutate: (p: Record<string, any>) => void): ProjectSpec => {
  const p = platformFixture();
  mutate(p);
  return { platform: p, domains: { sales: domainFixture() } };
};

describe("lakeform synth on bad manifests", () => {
  it("fails when a domain has an unknown key, and suggests the right one", async () => {
    expect(await failingSynth(withDomain((d) => ((d.tabels = d.tables), delete d.tables)))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › tabels: unknown key, got "tabels"; did you mean "tables"? (known keys: "access", "athena", "consumes", "costCentre", "description", "discovery", "environments", "guardrails", "ingestion", "jobs", "lfTags", "name", "owner", "pipeline", "tables", "zones")
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a field has the wrong type", async () => {
    expect(await failingSynth(withDomain((d) => (d.costCentre = 42)))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › costCentre: expected a string, got 42; Cost centre code, carried in the \`cost-centre\` tag of every resource.
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a domain name is not legal for S3, Glue and IAM", async () => {
    expect(await failingSynth(withDomain((d) => (d.name = "Sales_Data")))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › name: not in the required form, got "Sales_Data"; use lower-case letters and digits, words joined by single hyphens, starting with a letter
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a domain name would make physical names too long", async () => {
    expect(await failingSynth(withDomain((d) => (d.name = "a".repeat(30))))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › name: above the maximum (at most 24 characters), got "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"; a domain name is at most 24 characters, so physical names stay within AWS limits
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when an LF-tag value is not in the taxonomy", async () => {
    expect(await failingSynth(withDomain((d) => (d.lfTags.confidentiality = "secret")))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › lfTags.confidentiality: not an allowed value of LF-tag "confidentiality", got "secret"; allowed: "public", "internal", "pii"
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when an LF-tag key is not in the taxonomy", async () => {
    expect(await failingSynth(withDomain((d) => (d.tables[0].columns[1].lfTags = { confidentialty: "pii" })))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › tables[0].columns[1].lfTags.confidentialty: LF-tag key is not in the platform taxonomy, got "confidentialty"; did you mean "confidentiality"? (taxonomy keys: "confidentiality", "domain")
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a table is declared twice in one zone", async () => {
    expect(await failingSynth(withDomain((d) => d.tables.push({ ...d.tables[0] })))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › tables[1].name: duplicate table in zone "processed", got "orders"; tables[0] has the same name; give each table of a zone its own name
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a domain names an unknown environment", async () => {
    expect(await failingSynth(withDomain((d) => (d.environments = ["dev", "stage"])))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › environments[1]: the platform has no such environment, got "stage"; platform environments: "dev", "prod"
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a column type is not a Glue type", async () => {
    expect(await failingSynth(withDomain((d) => (d.tables[0].columns[2].type = "varchr(10)")))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › tables[0].columns[2].type: not a Glue column type (unknown type "varchr"), got "varchr(10)"; use boolean, tinyint, smallint, int, bigint, float, double, decimal(p,s), string, char(n), varchar(n), date, timestamp, binary, array<T>, map<K,V> or struct<name:T,…>
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a table is in a zone the domain does not have", async () => {
    expect(await failingSynth(withDomain((d) => (d.tables[0].zone = "curatd")))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › tables[0].zone: the domain has no such zone, got "curatd"; did you mean "curated"? (zones of this domain: "raw", "processed", "curated")
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a column name repeats a partition key", async () => {
    expect(await failingSynth(withDomain((d) => d.tables[0].columns.push({ name: "order_date", type: "string" })))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › tables[0].partitionKeys[0].name: duplicate column name, got "order_date"; columns[3] has the same name; partition keys and columns share one namespace
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when the manifest name differs from its folder", async () => {
    expect(await failingSynth(withDomain(() => {}, "orders"))).toMatchInlineSnapshot(`
      "domains/orders/domain.yaml › name: the domain name differs from its folder "orders", got "sales"; rename the folder to domains/sales/ or set name: "orders"
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a required section is missing", async () => {
    expect(await failingSynth(withDomain((d) => delete d.owner))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › owner: required section is missing; add it: The team that owns the domain's data and approves its changes.
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when objects would expire before they reach Glacier", async () => {
    expect(
      await failingSynth(withDomain((d) => (d.zones = { raw: { lifecycle: { glacierAfterDays: 365, expireAfterDays: 30 } }, processed: {} }))),
    ).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › zones.raw.lifecycle.expireAfterDays: objects would expire before or when they move to Glacier (day 365), got 30; make expireAfterDays later than glacierAfterDays, or set glacierAfterDays: null
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a zone's derived bucket collides with the access-log bucket", async () => {
    expect(await failingSynth(withDomain((d) => (d.zones = { logs: {}, processed: {} })))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › zones.logs: derived bucket name is already used by sales access logs (dev), got "acme-sales-logs-dev-111111111111-eu-west-1"; rename one of the two (domain, zone or environment) so their physical names differ
      domains/sales/domain.yaml › zones.logs: derived bucket name is already used by sales access logs (prod), got "acme-sales-logs-prod-222222222222-eu-west-1"; rename one of the two (domain, zone or environment) so their physical names differ
      2 problems in 1 file; nothing was written.
      "
    `);
  });

  it("fails when the DR region is the primary region", async () => {
    expect(await failingSynth(withPlatform((p) => (p.regions.dr = p.regions.primary)))).toMatchInlineSnapshot(`
      "domains/platform.yaml › regions.dr: the DR region equals the primary region, got "eu-west-1"; choose a second region, so a regional outage does not take both
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when auditing drops object reads without a reason", async () => {
    expect(await failingSynth(withPlatform((p) => (p.audit = { dataEvents: "write-only" })))).toMatchInlineSnapshot(`
      "domains/platform.yaml › audit.writeOnlyReason: write-only auditing drops object reads and needs a written reason; add writeOnlyReason, or keep dataEvents: read-write
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when an account ID is malformed", async () => {
    expect(await failingSynth(withPlatform((p) => (p.environments.dev.accountId = "1234-5678")))).toMatchInlineSnapshot(`
      "domains/platform.yaml › environments.dev.accountId: not in the required form, got "1234-5678"; an AWS account ID is exactly 12 digits
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a Lake Formation admin belongs to another account", async () => {
    expect(
      await failingSynth(withPlatform((p) => (p.environments.dev.lakeFormationAdmins = ["arn:aws:iam::999999999999:role/admin"]))),
    ).toMatchInlineSnapshot(`
      "domains/platform.yaml › environments.dev.lakeFormationAdmins[0]: a Lake Formation admin must be a principal of the environment's account 111111111111, got "arn:aws:iam::999999999999:role/admin"; use a role in that account; other accounts get access through cross-account grants
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a backend type is unknown", async () => {
    expect(await failingSynth(withPlatform((p) => (p.environments.prod.backend = { type: "gcs", bucket: "x" })))).toMatchInlineSnapshot(`
      "domains/platform.yaml › environments.prod.backend.type: expected one of "local", "s3", got "gcs"; allowed: "local", "s3"
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a YAML manifest does not parse", async () => {
    expect(await failingSynth({ platform: platformFixture(), domains: { sales: { file: "domain.yaml", text: "name: sales\nowner: [team\n" } } })).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › (file): YAML syntax error at line 3, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]; fix the YAML syntax (indentation, quoting, duplicate keys)
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a TypeScript manifest throws or exports nothing", async () => {
    expect(
      await failingSynth({
        platform: platformFixture(),
        domains: {
          sales: { file: "domain.ts", text: 'throw new Error("half-written manifest");\n' },
          cdr: { file: "domain.ts", text: "export const manifest = {};\n" },
        },
      }),
    ).toMatchInlineSnapshot(`
      "domains/cdr/domain.ts › (file): the module has no default export; end the file with \`export default defineDomain({ … })\` (or definePlatform)
      domains/sales/domain.ts › (file): could not evaluate the module: half-written manifest; run \`npm run typecheck\` to see the TypeScript error
      2 problems in 2 files; nothing was written.
      "
    `);
  });

  it("fails when there is no platform manifest", async () => {
    expect(await failingSynth({ domains: { sales: domainFixture() } })).toMatchInlineSnapshot(`
      "domains/platform.ts › (file): no platform manifest; create domains/platform.ts (definePlatform) or domains/platform.yaml
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("reports every problem of every file at once", async () => {
    const p = platformFixture();
    p.environments.dev.accountId = "12";
    const d = domainFixture();
    d.tables[0].columns[0].type = "strng";
    d.lfTags.domain = "marketing";
    const cdr = domainFixture("cdr");
    cdr.zones = { raw: {} };
    expect(await failingSynth({ platform: p, domains: { sales: d, cdr } })).toMatchInlineSnapshot(`
      "domains/cdr/domain.yaml › tables[0].zone: the domain has no such zone, got "processed"; zones of this domain: "raw"
      domains/platform.yaml › environments.dev.accountId: not in the required form, got "12"; an AWS account ID is exactly 12 digits
      domains/sales/domain.yaml › tables[0].columns[0].type: not a Glue column type (unknown type "strng"), got "strng"; use boolean, tinyint, smallint, int, bigint, float, double, decimal(p,s), string, char(n), varchar(n), date, timestamp, binary, array<T>, map<K,V> or struct<name:T,…>
      3 problems in 3 files; nothing was written.
      "
    `);
    // With a valid platform, both domains' cross-reference problems appear together.
    expect(await failingSynth({ platform: platformFixture(), domains: { sales: d, cdr } })).toMatchInlineSnapshot(`
      "domains/cdr/domain.yaml › tables[0].zone: the domain has no such zone, got "processed"; zones of this domain: "raw"
      domains/sales/domain.yaml › tables[0].columns[0].type: not a Glue column type (unknown type "strng"), got "strng"; use boolean, tinyint, smallint, int, bigint, float, double, decimal(p,s), string, char(n), varchar(n), date, timestamp, binary, array<T>, map<K,V> or struct<name:T,…>
      domains/sales/domain.yaml › lfTags.domain: not an allowed value of LF-tag "domain", got "marketing"; allowed: "sales", "cdr"
      3 problems in 2 files; nothing was written.
      "
    `);
  });
});

const PII_REASON = "Moves e-mail addresses between zones; consumers see them only masked.";
const SCRIPTS: Record<string, string> = { "jobs/conform.py": "print('conform')\n", "jobs/daily.py": "print('daily')\n", "jobs/backfill.py": "print('backfill')\n" };

/** A domain with two Glue jobs (daily after conform) and an EMR Serverless job, their scripts on disk, changed by `mutate`. */
const withJobs = (mutate: (d: Record<string, any>) => void, scripts: Record<string, string> = SCRIPTS): ProjectSpec => {
  const d = domainFixture();
  d.tables.push({ name: "events", zone: "raw", format: "json", columns: [{ name: "payload", type: "string" }] }, { name: "daily", zone: "curated", columns: [{ name: "day", type: "date" }] });
  d.jobs = [
    { name: "conform", engine: "glue", script: "jobs/conform.py", reads: ["raw.events"], writes: ["processed.orders"], schedule: "cron(0 1 * * ? *)", processesPii: PII_REASON },
    { name: "daily", engine: "glue", script: "jobs/daily.py", reads: ["processed.orders"], writes: ["curated.daily"], after: ["conform"], processesPii: PII_REASON },
    { name: "backfill", engine: "emr-serverless", script: "jobs/backfill.py", reads: ["raw.events"], writes: ["processed.orders"], maximumCapacity: { cpu: "200 vCPU", memory: "800 GB" }, processesPii: PII_REASON },
  ];
  mutate(d);
  return { platform: platformFixture(), domains: { sales: d }, files: Object.fromEntries(Object.entries(scripts).map(([f, text]) => [`domains/sales/${f}`, text])) };
};

describe("lakeform synth on bad jobs", () => {
  it("synthesizes the jobs fixture itself (every case below breaks one thing)", async () => {
    const r = await lakeform("synth", "--dir", makeProject(withJobs(() => {})));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("fails when a job reads or writes a table the domain does not have", async () => {
    expect(await failingSynth(withJobs((d) => ((d.jobs[1].reads = ["processed.order"]), (d.jobs[2].writes = ["curated.dialy"]))))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › jobs[1].reads[0]: the domain has no such table, got "processed.order"; did you mean "processed.orders"? (tables of this domain: "curated.daily", "processed.orders", "raw.events")
      domains/sales/domain.yaml › jobs[2].writes[0]: the domain has no such table, got "curated.dialy"; did you mean "curated.daily"? (tables of this domain: "curated.daily", "processed.orders", "raw.events")
      2 problems in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a job's script is not in the domain's jobs/ folder", async () => {
    expect(await failingSynth(withJobs((d) => (d.jobs[0].script = "jobs/conform_v2.py")))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › jobs[0].script: no file domains/sales/jobs/conform_v2.py, got "jobs/conform_v2.py"; add the script, or fix the path (relative to the domain folder)
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when two jobs have one name", async () => {
    expect(await failingSynth(withJobs((d) => (d.jobs[2].name = "conform")))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › jobs[2].name: duplicate job name, got "conform"; jobs[0] has the same name
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a job waits for an EMR Serverless job or for a job the domain does not have", async () => {
    expect(await failingSynth(withJobs((d) => (d.jobs[1].after = ["backfill", "conform-v2"])))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › jobs[1].after[0]: no Glue job of that name in this domain, got "backfill"; Glue jobs: "conform", "daily"
      domains/sales/domain.yaml › jobs[1].after[1]: no Glue job of that name in this domain, got "conform-v2"; did you mean "conform"? (Glue jobs: "conform", "daily")
      2 problems in 1 file; nothing was written.
      "
    `);
  });

  it("fails when Glue jobs wait for each other in a loop", async () => {
    expect(await failingSynth(withJobs((d) => ((d.jobs[0].after = ["daily"]), delete d.jobs[0].schedule)))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › jobs[0].after: jobs wait for each other in a loop: conform → daily → conform, got "conform"; break the loop
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a Glue job writes two zones", async () => {
    expect(await failingSynth(withJobs((d) => (d.jobs[0].writes = ["processed.orders", "curated.daily"])))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › jobs[0].writes: a Glue job writes one zone, and this one writes processed and curated, got ["processed.orders","curated.daily"]; split it into one job per zone: its security configuration encrypts with the written zone's key
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("lets a Glue job write two tables of one zone, and an EMR Serverless job write two zones", async () => {
    const root = makeProject(
      withJobs((d) => {
        d.tables.push({ name: "returns", zone: "processed", columns: [{ name: "order_id", type: "string" }] });
        d.jobs[0].writes = ["processed.orders", "processed.returns"];
        d.jobs[2].writes = ["processed.orders", "curated.daily"];
      }),
    );
    const r = await lakeform("synth", "--dir", root);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("fails when a Flex job asks for G.8X workers", async () => {
    expect(await failingSynth(withJobs((d) => ((d.jobs[1].flex = true), (d.jobs[1].workerType = "G.8X"))))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › jobs[1].flex: Flex execution runs on G.1X and G.2X workers only, not G.8X, got true; use workerType G.1X or G.2X, or flex: false
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a job sets an argument Lakeform sets itself", async () => {
    expect(await failingSynth(withJobs((d) => (d.jobs[0].arguments = { "--job-bookmark-option": "job-bookmark-disable", "--window_days": "7" })))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › jobs[0].arguments["--job-bookmark-option"]: Lakeform sets this argument itself, got "--job-bookmark-option"; remove it; bookmarks, logging, metrics, temp dir and the catalog are set from the job's fields
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a Glue job is scheduled with rate(...), which Glue triggers do not take", async () => {
    expect(await failingSynth(withJobs((d) => (d.jobs[0].schedule = "rate(1 day)")))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › jobs[0].schedule: not in the required form, got "rate(1 day)"; a Glue schedule is an AWS cron(...) expression (Glue triggers take no rate(...))
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("refuses with exit 1 when a job reads PII without saying why (processesPii)", async () => {
    const root = makeProject(withJobs((d) => delete d.jobs[1].processesPii));
    const before = seedPreviousOutput(root);
    const r = await lakeform("synth", "--dir", root);
    expect(r.code).toBe(1);
    expect(treeDigest(join(root, "cdktf.out"))).toEqual(before);
    expect(r.stderr).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › jobs[1]: grant "job-daily-reads" lets job:daily read PII column sales.processed.orders.email unmasked in dev, prod, got "arn:aws:iam::111111111111:role/acme-sales-job-daily-dev-eu-west-1"; say why the job processes PII unmasked with processesPii, or stop it reading that table
      1 finding in 1 file; nothing was written.
      "
    `);
  });

  it("fails with exit 2, naming the manifest path, when a job sets an argument GlueJob reserves", async () => {
    const { RESERVED_ARGUMENTS } = await import("../../modules/compute/glue-job");
    // Every argument the construct reserves is refused by the manifest rules, before synthesis.
    for (const arg of Object.keys(RESERVED_ARGUMENTS)) {
      const root = makeProject(withJobs((d) => (d.jobs[0].arguments = { [arg]: "x" })));
      const r = await lakeform("synth", "--dir", root);
      expect(r.code, arg).toBe(2);
      expect(r.stderr, arg).toContain(`domains/sales/domain.yaml › jobs[0].arguments["${arg}"]:`);
    }
  });
});

/**
 * The jobs fixture run by a pipeline instead of Glue triggers: conform, then
 * daily, then a quality gate on curated.daily (which has rules), and the
 * EMR Serverless backfill on its own; changed by `mutate`.
 */
const withPipeline = (mutate: (d: Record<string, any>) => void): ProjectSpec =>
  withDagsPolicySuppressed(withJobs((d) => {
    delete d.jobs[0].schedule;
    delete d.jobs[1].after;
    d.tables.find((t: { name: string }) => t.name === "daily").quality = ["RowCount > 0", 'IsComplete "day"'];
    d.pipeline = {
      schedule: "0 2 * * *",
      tasks: [
        { name: "conform", job: "conform" },
        { name: "daily", job: "daily", after: ["conform"] },
        { name: "daily_quality", quality: "curated.daily", after: ["daily"] },
        { name: "backfill", job: "backfill" },
      ],
    };
    mutate(d);
  }));

/** A DAG running an EMR Serverless job gives MWAA's DAG policy the wildcard every platform manifest with one suppresses (README, Guardrails). */
function withDagsPolicySuppressed(spec: ProjectSpec): ProjectSpec {
  (spec.platform as Record<string, any>).guardrails.suppress.push({ ...MWAA_DAGS_SUPPRESSION });
  return spec;
}

const FLEET_JOB = {
  name: "rebuild",
  engine: "emr-fleet",
  script: "jobs/daily.py",
  reads: ["processed.orders"],
  writes: ["curated.daily"],
  processesPii: PII_REASON,
  primary: { instanceTypes: ["m6g.xlarge"] },
  core: { instanceTypes: ["r6g.2xlarge"], onDemandCapacity: 2 },
  task: { instanceTypes: ["r6g.4xlarge", "r7g.4xlarge", "m6g.8xlarge"], spotCapacity: 8 },
  managedScaling: { minimumCapacityUnits: 2, maximumCapacityUnits: 20 },
};

/** The jobs fixture plus a transient fleet job (jobs[3]), and TLS certificates in both environments. */
const withFleet = (mutate: (job: Record<string, any>, d: Record<string, any>, p: Record<string, any>) => void): ProjectSpec => {
  const spec = withJobs((d) => d.jobs.push(structuredClone(FLEET_JOB)));
  const p = spec.platform as Record<string, any>;
  for (const [env, e] of Object.entries(p.environments as Record<string, any>)) e.emr = { tlsCertificates: `s3://acme-pki-${env}/emr/certs.zip` };
  const d = spec.domains!.sales as Record<string, any>;
  mutate(d.jobs[3], d, p);
  return spec;
};

describe("lakeform synth on bad fleets (engine: emr-fleet)", () => {
  it("synthesizes the fleet fixture itself (every case below breaks one thing)", async () => {
    const r = await lakeform("synth", "--dir", makeProject(withFleet(() => {})));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("fails when the primary or core fleet takes Spot, or the primary is not one instance", async () => {
    expect(
      await failingSynth(
        withFleet((j) => {
          j.primary = { instanceTypes: ["m6g.xlarge"], onDemandCapacity: 2, spotCapacity: 1 };
          j.core.spotCapacity = 4;
        }),
      ),
    ).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › jobs[3].primary.spotCapacity: is 1: the primary node runs the cluster, and a Spot interruption would end the job; use onDemandCapacity 1, got 1
      domains/sales/domain.yaml › jobs[3].primary.onDemandCapacity: must be 1 (one primary node), got 2
      domains/sales/domain.yaml › jobs[3].core.spotCapacity: is 4: core nodes hold HDFS and shuffle data and the application masters, and a Spot interruption would fail the job; use onDemandCapacity, got 4
      3 problems in 1 file; nothing was written.
      "
    `);
  });

  it("fails when the task fleet is On-Demand, too narrow to ride out a Spot shortage, and not price-capacity-optimized", async () => {
    expect(
      await failingSynth(
        withFleet((j) => {
          j.task = { instanceTypes: ["r6g.4xlarge", "r6i.4xlarge"], spotCapacity: 0, onDemandCapacity: 4, spotAllocationStrategy: "lowest-price", spotTimeoutMinutes: 2 };
        }),
      ),
    ).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › jobs[3].task.onDemandCapacity: is 4: task nodes are Spot (On-Demand only as the launch fallback); use spotCapacity, or grow core instead, got 4
      domains/sales/domain.yaml › jobs[3].task.spotCapacity: must be at least 1, got 0
      domains/sales/domain.yaml › jobs[3].task.instanceTypes: has 2 types from 1 family (r): a Spot fleet needs at least 3 types from at least 2 families (like r6g, r6i, m6g), so one pool running dry does not stall the job, got ["r6g.4xlarge","r6i.4xlarge"]
      domains/sales/domain.yaml › jobs[3].task.spotAllocationStrategy: is not allowed: use "price-capacity-optimized" (cheapest among the pools least likely to be interrupted), got "lowest-price"
      domains/sales/domain.yaml › jobs[3].task.spotTimeoutMinutes: must be a whole number from 5 to 1440, got 2
      5 problems in 1 file; nothing was written.
      "
    `);
  });

  it("fails when managed scaling does not bracket the core fleet, the idle timeout is out of range, or the release predates runtime roles", async () => {
    expect(
      await failingSynth(
        withFleet((j) => {
          j.managedScaling = { minimumCapacityUnits: 3, maximumCapacityUnits: 1 };
          j.idleTimeoutSeconds = 30;
          j.releaseLabel = "emr-6.9.0";
        }),
      ),
    ).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › jobs[3].managedScaling.maximumCapacityUnits: must be a whole number, at least minimumCapacityUnits (3), got 1
      domains/sales/domain.yaml › jobs[3].managedScaling.maximumCapacityUnits: 1 is below the core fleet's 2 instances, which managed scaling counts, got 1
      domains/sales/domain.yaml › jobs[3].managedScaling.minimumCapacityUnits: 3 is above the core fleet's 2 instances: the floor is On-Demand core nodes, Spot task nodes are the elastic part, got 3
      domains/sales/domain.yaml › jobs[3].idleTimeoutSeconds: must be a whole number from 60 to 86400 (one day), got 30
      domains/sales/domain.yaml › jobs[3].releaseLabel: is not emr-6.15.0 or later (like "emr-7.5.0"): earlier releases cannot run steps as Lake Formation runtime roles, got "emr-6.9.0"
      5 problems in 1 file; nothing was written.
      "
    `);
  });

  it("fails when extra Spark settings turn AQE off or the job writes two zones", async () => {
    expect(
      await failingSynth(
        withFleet((j) => {
          j.sparkDefaults = { "spark.sql.adaptive.enabled": "false", "spark.sql.shuffle.partitions": "400" };
          j.writes = ["curated.daily", "processed.orders"];
        }),
      ),
    ).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › jobs[3].sparkDefaults["spark.sql.adaptive.enabled"]: Lakeform fixes this property to "true", got "false"; remove it: AQE, skew joins, partition coalescing and dynamic allocation stay on
      domains/sales/domain.yaml › jobs[3].writes: a fleet job writes one zone, and this one writes curated and processed, got ["curated.daily","processed.orders"]; split it into one job per zone: its security configuration encrypts with the written zone's key
      2 problems in 1 file; nothing was written.
      "
    `);
  });

  it("fails when an environment the domain is in names no TLS certificates for its clusters", async () => {
    expect(await failingSynth(withFleet((_, __, p) => delete p.environments.prod.emr))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › jobs[3].engine: in-transit TLS needs the clusters' certificates, and the platform manifest names none for prod, got "emr-fleet"; add environments.<env>.emr.tlsCertificates (an S3 zip of PEM files) to the platform manifest for prod
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when the step timeout is out of range or an instance type is malformed (shape)", async () => {
    expect(
      await failingSynth(
        withFleet((j) => {
          j.stepTimeoutSeconds = 10;
          j.task.instanceTypes[0] = "R6G-4XL";
        }),
      ),
    ).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › jobs[3].task.instanceTypes[0]: not in the required form, got "R6G-4XL"; an instance type looks like r6g.2xlarge
      domains/sales/domain.yaml › jobs[3].stepTimeoutSeconds: below the minimum (at least 60), got 10; Seconds the Spark step may run before the state machine fails it and terminates the cluster (a hung step keeps a cluster busy, so the idle timeout would not).
      2 problems in 1 file; nothing was written.
      "
    `);
  });
});

describe("lakeform synth on bad pipelines and quality rules", () => {
  it("synthesizes the pipeline fixture itself (every case below breaks one thing)", async () => {
    const r = await lakeform("synth", "--dir", makeProject(withPipeline(() => {})));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("fails when a pipeline task names a job the domain does not have", async () => {
    expect(await failingSynth(withPipeline((d) => (d.pipeline.tasks[1].job = "dialy")))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › pipeline.tasks[1].job: the domain has no such job, got "dialy"; did you mean "daily"? (jobs: "backfill", "conform", "daily")
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a pipeline runs a Glue job that also starts on its own schedule", async () => {
    expect(await failingSynth(withPipeline((d) => (d.jobs[0].schedule = "cron(0 1 * * ? *)")))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › pipeline.tasks[0].job: job "conform" also starts on its own schedule, so it would run twice, got "conform"; let the pipeline start it: remove the job's schedule and after
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a pipeline runs a Glue job that also starts on its own trigger (after)", async () => {
    expect(await failingSynth(withPipeline((d) => (d.jobs[1].after = ["conform"])))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › pipeline.tasks[1].job: job "daily" also starts on its own trigger, so it would run twice, got "daily"; let the pipeline start it: remove the job's schedule and after
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a pipeline task waits for a task the pipeline does not have", async () => {
    expect(await failingSynth(withPipeline((d) => (d.pipeline.tasks[2].after = ["dialy"])))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › pipeline.tasks[2].after[0]: no task of that name, got "dialy"; did you mean "daily"? (tasks: "backfill", "conform", "daily", "daily_quality")
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails with exit 2, naming the manifest path, when pipeline tasks wait for each other in a loop", async () => {
    const spec = withPipeline((d) => (d.pipeline.tasks[0].after = ["daily"]));
    expect((await lakeform("validate", "--dir", makeProject(spec))).code).toBe(2);
    expect(await failingSynth(spec)).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › pipeline.tasks[0].after: tasks wait for each other in a loop: conform → daily → conform, got "conform"; break the loop
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a quality task gates on a table that declares no quality rules", async () => {
    expect(await failingSynth(withPipeline((d) => (d.pipeline.tasks[2].quality = "processed.orders")))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › pipeline.tasks[2].quality: the table declares no quality rules, got "processed.orders"; add quality rules (DQDL) to the table
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a table's quality rule is not DQDL Lakeform accepts", async () => {
    expect(await failingSynth(withPipeline((d) => (d.tables.find((t: { name: string }) => t.name === "daily").quality = ["RowCount > 0", 'IsComplete "Day"', "Completeness \"day\" > 1.5", "rowcount > 0"])))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › tables[2].quality[1]: not a quality rule Lakeform accepts: unknown column "Day"; did you mean "day"?, got "IsComplete \\"Day\\""; use DQDL rules such as RowCount > 0, IsComplete "col", ColumnValues "col" in ["a", "b"]
      domains/sales/domain.yaml › tables[2].quality[2]: not a quality rule Lakeform accepts: 1.5 is not a fraction from 0 to 1, got "Completeness \\"day\\" > 1.5"; use DQDL rules such as RowCount > 0, IsComplete "col", ColumnValues "col" in ["a", "b"]
      domains/sales/domain.yaml › tables[2].quality[3]: not a quality rule Lakeform accepts: unknown rule type "rowcount"; rule types are case-sensitive: "RowCount", got "rowcount > 0"; use DQDL rules such as RowCount > 0, IsComplete "col", ColumnValues "col" in ["a", "b"]
      3 problems in 1 file; nothing was written.
      "
    `);
  });
});

/** A platform whose environments know the principals the grant cases use. */
function governedPlatform(): Record<string, any> {
  const p = platformFixture();
  for (const [env, acct] of [["dev", "111111111111"], ["prod", "222222222222"]] as const) {
    p.environments[env].principals = { analysts: `arn:aws:iam::${acct}:role/analysts`, "eu-team": `arn:aws:iam::${acct}:role/eu-team` };
  }
  return p;
}

const withGrants = (access: Record<string, any>[], mutatePlatform: (p: Record<string, any>) => void = () => {}): ProjectSpec => {
  const p = governedPlatform();
  mutatePlatform(p);
  const d = domainFixture();
  d.access = access;
  return { platform: p, domains: { sales: d } };
};

describe("lakeform synth on bad grants", () => {
  it("fails when a grant names a principal an environment does not know", async () => {
    expect(await failingSynth(withGrants([{ name: "bi", principal: "analyst", tables: ["processed.orders"] }]))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › access[0].principal: environment "dev" has no principal of that name, got "analyst"; add it to environments.dev.principals in the platform manifest (did you mean "analysts"? (known: "analysts", "eu-team"))
      domains/sales/domain.yaml › access[0].principal: environment "prod" has no principal of that name, got "analyst"; add it to environments.prod.principals in the platform manifest (did you mean "analysts"? (known: "analysts", "eu-team"))
      2 problems in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a tag grant is not scoped to the domain", async () => {
    expect(await failingSynth(withGrants([{ name: "bi", principal: "analysts", tags: { confidentiality: ["internal"] } }]))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › access[0].tags.domain: a tag grant must be scoped to this domain's own data, got nothing; set domain: [sales]; LF-tag grants reach every matching table in the account
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a grant says both tags and tables, or masks without a table", async () => {
    expect(
      await failingSynth(withGrants([{ name: "bi", principal: "analysts", tags: { domain: ["sales"] }, tables: ["processed.orders"], mask: ["email"] }])),
    ).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › access[0]: the grant has tags and tables, got ["tags","tables"]; give exactly one of tags (LF-tag expression), tables (named tables) or table (with mask and/or rows)
      domains/sales/domain.yaml › access[0].mask: masks and row filters apply to one table, got ["email"]; name that table in \`table\` (not \`tables\` or \`tags\`)
      2 problems in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a mask names a column the table lacks and the row filter does not parse", async () => {
    expect(
      await failingSynth(withGrants([{ name: "eu", principal: "eu-team", table: "processed.orders", mask: ["e_mail"], rows: "region = 'EU" }])),
    ).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › access[0].mask[0]: table processed.orders has no such column, got "e_mail"; did you mean "email"? (columns: "order_id", "email", "amount", "order_date")
      domains/sales/domain.yaml › access[0].rows: not a row filter Lake Formation accepts (unknown column "region" (columns: amount, email, order_date, order_id)), got "region = 'EU"; use comparisons, AND/OR/NOT, IN, LIKE, BETWEEN, IS NULL and literals over the table's columns
      2 problems in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a filtered principal also reaches the table through another grant", async () => {
    expect(
      await failingSynth(
        withGrants([
          { name: "eu", principal: "eu-team", table: "processed.orders", rows: "amount > 100" },
          { name: "eu-all", principal: "eu-team", tags: { domain: ["sales"], confidentiality: ["internal"] } },
        ]),
      ),
    ).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › access[1]: grant "eu-all" also reaches processed.orders for eu-team, which grant "eu" filters; Lake Formation would union them and void the filter, got "eu-all"; give eu-team this table only through "eu" (narrow the tag expression or the table list)
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a domain consumes a zone of a domain that does not exist, or of itself", async () => {
    const spec = withGrants([]);
    (spec.domains!.sales as Record<string, any>).consumes = [{ domain: "crd", zone: "curated" }, { domain: "sales", zone: "raw" }];
    spec.domains!.cdr = { ...domainFixture("cdr"), environments: ["prod"] };
    (spec.domains!.sales as Record<string, any>).consumes.push({ domain: "cdr", zone: "gold" });
    expect(await failingSynth(spec)).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › consumes[0].domain: no such domain, got "crd"; did you mean "cdr"? (domains: "cdr", "sales")
      domains/sales/domain.yaml › consumes[1].domain: a domain does not consume itself, got "sales"; name another domain
      domains/sales/domain.yaml › consumes[2].zone: domain "cdr" has no such zone, got "gold"; zones of cdr: "raw", "processed", "curated"
      domains/sales/domain.yaml › consumes[2].domain: domain "cdr" is not deployed in dev, got "cdr"; deploy cdr there too, or limit this domain's environments
      4 problems in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a non-admin would hold grantable permissions", async () => {
    expect(await failingSynth(withGrants([{ name: "bi", principal: "analysts", tables: ["processed.orders"], grantable: true }]))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › access[0].grantable: only Lake Formation admins may hold grantable permissions, and "analysts" is not one in dev, got true; remove grantable, or make the principal an admin in the platform manifest
      domains/sales/domain.yaml › access[0].grantable: only Lake Formation admins may hold grantable permissions, and "analysts" is not one in prod, got true; remove grantable, or make the principal an admin in the platform manifest
      2 problems in 1 file; nothing was written.
      "
    `);
  });

  it("refuses with exit 1 when a grant exposes PII to a principal outside the PII readers", async () => {
    const root = makeProject(withGrants([{ name: "bi", principal: "analysts", tables: ["processed.orders"] }]));
    const before = seedPreviousOutput(root);
    const synth = await lakeform("synth", "--dir", root);
    expect(synth.code).toBe(1);
    expect(treeDigest(join(root, "cdktf.out"))).toEqual(before);
    const validate = await lakeform("validate", "--dir", root);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toBe(synth.stderr);
    expect(validate.stderr).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › access[0]: grant "bi" lets analysts read PII column sales.processed.orders.email unmasked in dev, prod, got "arn:aws:iam::111111111111:role/analysts"; mask it (table: processed.orders, mask: [email]), leave it out of the grant's tag expression, or add the principal to the PII readers of dev, prod
      1 finding in 1 file; nothing was written.
      "
    `);
  });
});

describe("lakeform validate", () => {
  it("prints problems as JSON with --format json", async () => {
    const root = makeProject(withDomain((d) => (d.lfTags.confidentiality = "secret")));
    const r = await lakeform("validate", "--dir", root, "--format", "json");
    expect(r.code).toBe(2);
    const body = JSON.parse(r.stdout);
    expect(body.ok).toBe(false);
    expect(body.problems).toEqual([
      expect.objectContaining({ file: "domains/sales/domain.yaml", path: ["lfTags", "confidentiality"], code: "unknown-tag-value", got: "secret" }),
    ]);
  });

  it("exits 0 and names the stacks for valid manifests", async () => {
    const root = makeProject({ platform: platformFixture(), domains: { sales: domainFixture() } });
    const r = await lakeform("validate", "--dir", root);
    expect(r).toEqual({ code: 0, stdout: "valid: 1 domains, 2 environments, 4 stacks\n", stderr: "" });
  });
});
