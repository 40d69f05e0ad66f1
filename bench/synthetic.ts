import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type DomainManifestInput, type PlatformManifestInput, defineDomain, definePlatform } from "../generators/manifest/define";

/**
 * Synthetic organisations for the benchmark: N domains shaped like the
 * examples (a Firehose-fed raw zone, PII columns, masks, a row filter, a
 * tag grant, Glue jobs, an EMR Serverless application, a pipeline with a
 * quality gate and an Athena query), declared through the manifest API and
 * written as TypeScript manifests, as a platform team would keep them.
 * Deterministic: the same N gives the same bytes.
 */

/** `d001` … `d100`: short enough for every derived physical name. */
export const domainName = (i: number): string => `d${String(i + 1).padStart(3, "0")}`;

export function syntheticPlatform(domains: readonly string[]): PlatformManifestInput {
  const env = (accountId: string, cidr: string, subnet: string) => ({
    accountId,
    network: {
      vpcId: `vpc-0a1b2c3d4e5f6${subnet}`,
      vpcCidr: cidr,
      s3PrefixListId: "pl-6da54004",
      privateRouteTableIds: [`rtb-0a1b2c3d4e5f6${subnet.slice(1)}1`, `rtb-0a1b2c3d4e5f6${subnet.slice(1)}2`],
      privateSubnetIds: [`subnet-0a1b2c3d4e5f6${subnet.slice(1)}1`, `subnet-0a1b2c3d4e5f6${subnet.slice(1)}2`],
    },
    lakeFormationAdmins: [`arn:aws:iam::${accountId}:role/lakeform-deployer`],
    piiReaders: [`arn:aws:iam::${accountId}:role/privacy-office`, `arn:aws:iam::${accountId}:role/fraud-investigations`],
    principals: {
      analysts: `arn:aws:iam::${accountId}:role/analysts`,
      "eu-analysts": `arn:aws:iam::${accountId}:role/eu-analysts`,
      "fraud-investigations": `arn:aws:iam::${accountId}:role/fraud-investigations`,
      "data-science": `arn:aws:iam::${accountId}:role/data-science`,
    },
  });
  return definePlatform({
    organization: "acme",
    owner: "data-platform",
    costCentre: "CC-1000",
    regions: { primary: "eu-west-1", dr: "eu-central-1" },
    environments: { dev: env("111111111111", "10.10.0.0/16", "0001"), prod: env("222222222222", "10.20.0.0/16", "0002") },
    lfTags: {
      domain: { description: "Owning data domain", values: [...domains] },
      confidentiality: { description: "Who may see the data", values: ["public", "internal", "confidential", "pii"] },
      retention: { description: "How long the data is kept", values: ["90d", "1y", "2y", "7y"] },
    },
    pii: { key: "confidentiality", value: "pii" },
    governance: { approvers: "@acme/data-governance" },
    guardrails: {
      suppress: [
        { rule: "IAM-001", resource: "aws_iam_role_policy.mwaa__environment", reason: "MWAA's documented execution-role wildcards on its own bucket and key." },
        { rule: "IAM-002", resource: "aws_iam_role_policy.mwaa__environment", reason: "MWAA names its own log groups and Celery queues." },
        { rule: "IAM-002", resource: "aws_iam_role_policy.mwaa__dags", reason: "EMR application IDs exist only after the domain stacks apply." },
      ],
    },
    budgets: { defaultMonthlyUsd: 2500 },
  });
}

/** One domain; `variant` adds a table and a job to every third one, so domains differ as real ones do. */
export function syntheticDomain(name: string, variant = 0): DomainManifestInput {
  const extra = variant % 3 === 2;
  return defineDomain({
    name,
    description: `Synthetic domain ${name}: events in, conformed calls, daily aggregates.`,
    owner: { team: `${name}-data`, email: `${name}-data@acme.example` },
    costCentre: `CC-${4000 + variant}`,
    lfTags: { domain: name, confidentiality: "confidential" },
    zones: {
      raw: { lfTags: { retention: "1y" }, lifecycle: { glacierAfterDays: 180, expireAfterDays: 400 } },
      processed: { lfTags: { retention: "2y" } },
      curated: { lfTags: { retention: "7y" } },
    },
    tables: [
      {
        name: "events",
        zone: "raw",
        format: "json",
        description: "Events as delivered by Firehose",
        columns: [
          { name: "event_id", type: "string" },
          { name: "subscriber_id", type: "string", lfTags: { confidentiality: "pii" } },
          { name: "region", type: "string" },
          { name: "started_at", type: "string" },
          { name: "amount", type: "string" },
        ],
        partitionKeys: [{ name: "ingest_hour", type: "string" }],
      },
      {
        name: "calls",
        zone: "processed",
        description: "One row per event, conformed and deduplicated",
        columns: [
          { name: "event_id", type: "string" },
          { name: "subscriber_id", type: "string", lfTags: { confidentiality: "pii" } },
          { name: "email", type: "string", lfTags: { confidentiality: "pii" } },
          { name: "region", type: "string" },
          { name: "started_at", type: "timestamp" },
          { name: "amount", type: "decimal(12,4)" },
        ],
        partitionKeys: [{ name: "event_date", type: "date" }],
      },
      {
        name: "daily",
        zone: "curated",
        format: "iceberg",
        description: "Events and amounts per subscriber and day",
        columns: [
          { name: "subscriber_id", type: "string", lfTags: { confidentiality: "pii" } },
          { name: "day", type: "date" },
          { name: "events", type: "bigint" },
          { name: "amount", type: "decimal(18,4)" },
        ],
        quality: ["RowCount > 0", 'IsComplete "subscriber_id"'],
      },
      {
        name: "region_daily",
        zone: "curated",
        description: "Events per region and day, built by Athena",
        columns: [
          { name: "region", type: "string" },
          { name: "events", type: "bigint" },
          { name: "amount", type: "decimal(18,4)" },
        ],
        partitionKeys: [{ name: "event_date", type: "date" }],
      },
      ...(extra
        ? [
            {
              name: "scores",
              zone: "curated" as const,
              format: "iceberg" as const,
              description: "Monthly score per subscriber",
              columns: [
                { name: "subscriber_id", type: "string", lfTags: { confidentiality: "pii" } },
                { name: "month", type: "date" },
                { name: "score", type: "double" },
              ],
            },
          ]
        : []),
    ],
    jobs: [
      {
        name: "conform",
        engine: "glue",
        description: "Raw events to processed.calls",
        script: "jobs/conform.py",
        reads: ["raw.events"],
        writes: ["processed.calls"],
        workers: 4,
        processesPii: "Conforms subscriber identifiers into processed; consumers see them only through masks.",
      },
      {
        name: "daily",
        engine: "emr-serverless",
        description: "Daily per-subscriber aggregates on EMR Serverless",
        script: "jobs/daily.py",
        reads: ["processed.calls"],
        writes: ["curated.daily"],
        maximumCapacity: { cpu: "200 vCPU", memory: "800 GB" },
        idleTimeoutMinutes: 10,
        processesPii: "Aggregates per subscriber, which curated keeps as a PII-tagged key.",
      },
      ...(extra
        ? [
            {
              name: "scores",
              engine: "glue" as const,
              description: "Monthly scores per subscriber",
              script: "jobs/scores.py",
              reads: ["curated.daily"],
              writes: ["curated.scores"],
              flex: true,
              schedule: "cron(0 5 1 * ? *)",
              processesPii: "Scores subscribers for the fraud team, a PII reader.",
            },
          ]
        : []),
    ],
    pipeline: {
      schedule: "0 2 * * *",
      retries: 2,
      slaMinutes: 240,
      tasks: [
        { name: "conform", job: "conform" },
        { name: "daily", job: "daily", after: ["conform"] },
        { name: "daily_quality", quality: "curated.daily", after: ["daily"] },
        {
          name: "region_daily",
          query: "queries/region_daily.sql",
          reads: ["processed.calls"],
          into: "curated.region_daily",
          after: ["conform"],
          processesPii: "Aggregates per region; no subscriber identifier is selected or written.",
        },
      ],
    },
    ingestion: {
      streams: [{ name: "events", description: "Producers PUT one JSON object per line.", table: "raw.events", partitions: { ingest_hour: "yyyy-MM-dd-HH" } }],
    },
    access: [
      {
        name: "analysts",
        description: "Analysts read confidential columns; PII stays hidden.",
        principal: "analysts",
        tags: { domain: [name], confidentiality: ["confidential"] },
      },
      {
        name: "eu-calls",
        description: "EU analysts see EU rows only, without identifiers.",
        principal: "eu-analysts",
        table: "processed.calls",
        mask: ["subscriber_id", "email"],
        rows: "region = 'EU'",
      },
      {
        name: "data-science",
        description: "Data science reads the daily aggregates without identifiers.",
        principal: "data-science",
        table: "curated.daily",
        mask: ["subscriber_id"],
      },
      {
        name: "fraud",
        description: "Fraud investigations read full records (a PII reader).",
        principal: "fraud-investigations",
        tables: ["processed.calls", "curated.daily"],
      },
    ],
  });
}

const SCRIPTS: Record<string, string> = {
  "jobs/conform.py": `"""Conform raw events into processed.calls."""\nimport sys\n\nfrom pyspark.sql import SparkSession\n\nspark = SparkSession.builder.getOrCreate()\nsource_db, target_db = sys.argv[1], sys.argv[2]\nspark.table(f"{source_db}.events").dropDuplicates(["event_id"]).writeTo(f"{target_db}.calls").overwritePartitions()\n`,
  "jobs/daily.py": `"""Daily aggregates per subscriber."""\nimport sys\n\nfrom pyspark.sql import SparkSession\n\nspark = SparkSession.builder.getOrCreate()\nsource_db, target_db = sys.argv[1], sys.argv[2]\nspark.sql(f"SELECT subscriber_id, to_date(started_at) AS day, count(*) AS events, sum(amount) AS amount FROM {source_db}.calls GROUP BY 1, 2").writeTo(f"{target_db}.daily").overwritePartitions()\n`,
  "jobs/scores.py": `"""Monthly scores per subscriber."""\nimport sys\n\nfrom pyspark.sql import SparkSession\n\nspark = SparkSession.builder.getOrCreate()\nsource_db = sys.argv[1]\nspark.sql(f"SELECT subscriber_id, trunc(day, 'MM') AS month, avg(events) AS score FROM {source_db}.daily GROUP BY 1, 2").writeTo(f"{source_db}.scores").overwritePartitions()\n`,
  "queries/region_daily.sql": `INSERT INTO curated.region_daily\nSELECT region, count(*) AS events, sum(amount) AS amount, event_date\nFROM processed.calls\nWHERE event_date = DATE '{{ ds }}'\nGROUP BY region, event_date\n`,
};

const tsModule = (fn: "definePlatform" | "defineDomain", value: unknown) =>
  `import { ${fn} } from "lakeform";\n\nexport default ${fn}(${JSON.stringify(value, null, 2)});\n`;

/** Every file of a synthetic project of `n` domains, by path relative to its root. */
export function syntheticFiles(n: number): Map<string, string> {
  const names = Array.from({ length: n }, (_, i) => domainName(i));
  const files = new Map<string, string>([["domains/platform.ts", tsModule("definePlatform", syntheticPlatform(names))]]);
  names.forEach((name, i) => {
    const d = syntheticDomain(name, i);
    files.set(`domains/${name}/domain.ts`, tsModule("defineDomain", d));
    for (const job of d.jobs ?? []) files.set(`domains/${name}/${job.script}`, SCRIPTS[job.script]!);
    files.set(`domains/${name}/queries/region_daily.sql`, SCRIPTS["queries/region_daily.sql"]!);
  });
  return files;
}

/** Writes a synthetic project of `n` domains at `root` (replacing it). */
export function writeSyntheticProject(root: string, n: number): void {
  rmSync(root, { recursive: true, force: true });
  for (const [rel, text] of syntheticFiles(n)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

/**
 * The change a review is measured on: one domain (d001) adds a non-PII
 * column to its processed table, in a project written by writeSyntheticProject.
 */
export function writeOneDomainChange(root: string): void {
  const d = syntheticDomain(domainName(0), 0);
  const tables = d.tables!.map((t) => (t.name === "calls" ? { ...t, columns: [...t.columns, { name: "channel", type: "string" }] } : t));
  writeFileSync(join(root, "domains", domainName(0), "domain.ts"), tsModule("defineDomain", defineDomain({ ...d, tables })));
}
