import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAndValidate } from "../../generators/manifest/validate";
import { lakeform } from "../helpers/cli";

/** `lakeform access` over the example domains: the questions governance reviewers ask. */

const repo = resolve(import.meta.dirname, "../..");
/** The quality role's fixed reason for reading PII: the model's, word for word. */
const QUALITY_REASON = "Glue Data Quality evaluates rules over whole rows; results hold counts, not values.";
const access = (...args: string[]) => lakeform("access", "--dir", repo, ...args);

describe("lakeform access --column", () => {
  it("answers who reads a PII column, masked or not, under which filter, through which grant", async () => {
    const r = await access("--column", "cdr.calls.imsi", "--env", "prod");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatchInlineSnapshot(`
      "who reads cdr.processed.calls.imsi in prod:
      ENV   PRINCIPAL               ID                                                                             COLUMN                          ACCESS    ROWS      VIA GRANT
      prod  job:cell-traffic        arn:aws:iam::222222222222:role/acme-cdr-job-cell-traffic-prod-eu-west-1        cdr.processed.calls.imsi (PII)  unmasked  all rows  job-cell-traffic-reads
      prod  job:conform-calls       arn:aws:iam::222222222222:role/acme-cdr-job-conform-calls-prod-eu-west-1       cdr.processed.calls.imsi (PII)  unmasked  all rows  job-conform-calls-writes
      prod  job:fraud-reprocessing  arn:aws:iam::222222222222:role/acme-cdr-job-fraud-reprocessing-prod-eu-west-1  cdr.processed.calls.imsi (PII)  unmasked  all rows  job-fraud-reprocessing-reads
      prod  job:subscriber-daily    arn:aws:iam::222222222222:role/acme-cdr-job-subscriber-daily-prod-eu-west-1    cdr.processed.calls.imsi (PII)  unmasked  all rows  job-subscriber-daily-reads
      prod  pipeline:prod           arn:aws:iam::222222222222:role/acme-platform-mwaa-prod-eu-west-1               cdr.processed.calls.imsi (PII)  unmasked  all rows  pipeline-cell_daily-reads
      prod  analysts                arn:aws:iam::222222222222:role/analysts                                        cdr.processed.calls.imsi (PII)  masked    -         analysts
      prod  eu-mvno-analysts        arn:aws:iam::222222222222:role/eu-mvno-analysts                                cdr.processed.calls.imsi (PII)  masked    -         eu-mvno-calls
      prod  fraud-investigations    arn:aws:iam::222222222222:role/fraud-investigations                            cdr.processed.calls.imsi (PII)  unmasked  all rows  fraud
      "
    `);
  });

  it("shows the EU team's row filter on the columns it does see", async () => {
    const r = await access("--column", "cdr.processed.calls.duration_seconds", "--env", "dev", "--format", "json");
    const rows = JSON.parse(r.stdout).access as { principal: { name: string }; visibility: string; rows: string[] | null; via: { grant: string }[] }[];
    expect(rows.map((x) => [x.principal.name, x.visibility, x.rows, x.via.map((v) => v.grant)])).toEqual([
      ["job:cell-traffic", "visible", null, ["job-cell-traffic-reads"]],
      ["job:conform-calls", "visible", null, ["job-conform-calls-writes"]],
      ["job:fraud-reprocessing", "visible", null, ["job-fraud-reprocessing-reads"]],
      ["job:subscriber-daily", "visible", null, ["job-subscriber-daily-reads"]],
      ["pipeline:dev", "visible", null, ["pipeline-cell_daily-reads"]],
      ["analysts", "visible", null, ["analysts"]],
      ["eu-mvno-analysts", "visible", ["region = 'EU'"], ["eu-mvno-calls"]],
      ["fraud-investigations", "visible", null, ["fraud"]],
    ]);
  });

  /*
   * Jobs are processors, not readers: a job's role reads PII unmasked only
   * through its own grants (job-<job>-reads/-writes) and only when the job says
   * why in processesPii. The one other processor is the domain's quality role
   * (job:quality): Glue Data Quality reads whole rows of the tables with rules,
   * through its own grant (quality-reads) and with its fixed reason. Everyone
   * else outside the PII readers sees it masked.
   */
  it("finds every PII column of the examples masked for everyone outside the PII readers, but jobs that say why they process it", async () => {
    const pii = [
      "cdr.raw.cdr_events.imsi",
      "cdr.raw.cdr_events.msisdn",
      "cdr.raw.cdr_events.called_number",
      "cdr.processed.calls.imsi",
      "cdr.processed.calls.msisdn",
      "cdr.processed.calls.called_number",
      "cdr.curated.subscriber_daily.msisdn",
      "cdr.curated.fraud_scores.msisdn",
      "billing.processed.payments.card_pan",
      "billing.processed.payments.card_expiry",
      "clickstream.raw.events.device_id",
      "clickstream.raw.events.ip_address",
      "clickstream.processed.impressions.device_id",
      "clickstream.processed.impressions.ip_address",
      "clickstream.processed.clicks.device_id",
    ];
    const readers = new Set(["fraud-investigations", "privacy-office"]);
    const validated = await loadAndValidate(repo);
    if (!validated.ok) throw new Error(JSON.stringify(validated.problems));
    // processesPii of each job, by its role's ARN, from the model (not from the analyzer's output).
    const reasons = new Map(validated.model.domains.flatMap((d) => d.deployments.flatMap((dep) => dep.jobs.map((j) => [j.role.arn, { name: j.name, reason: j.processesPii }] as const))));
    // The quality role of each deployment, by ARN, with the tables it evaluates (`<domain>.<zone>.<table>`).
    const qualityRoles = new Map(
      validated.model.domains.flatMap((d) => d.deployments.map((dep) => [dep.quality.role.arn, new Set(dep.quality.rulesets.map((r) => `${d.name}.${r.zone}.${r.table}`))] as const)),
    );
    // Query tasks of each deployment's pipeline, by environment: the MWAA execution role reads as pipeline:<env>.
    const queries = new Map(validated.model.domains.flatMap((d) => d.deployments.map((dep) => [`${d.name} ${dep.queries.principal.name}`, dep.queries.tasks] as const)));
    let jobRows = 0;
    const qualityRows: string[] = [];
    const pipelineRows: string[] = [];
    for (const column of pii) {
      const rows = JSON.parse((await access("--column", column, "--format", "json")).stdout).access as {
        pii: boolean;
        principal: { name: string; id: string; kind: string };
        visibility: string;
        via: { grant: string; source: string; piiReason: string | null }[];
      }[];
      expect(rows.length, column).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row.pii, column).toBe(true);
        if (readers.has(row.principal.name) || row.visibility === "masked") continue;
        const who = `${column} ${row.principal.name}`;
        if (row.principal.kind === "pipeline") {
          // Only through the grants of query tasks of the column's own domain that read its table, each with the task's processesPii.
          const tasks = queries.get(`${column.split(".")[0]} ${row.principal.name}`) ?? [];
          for (const v of row.via) {
            const task = tasks.find((t) => v.grant === `pipeline-${t.task}-reads`);
            expect(task, `${who}: ${v.grant} is a query task's grant`).toBeDefined();
            expect(task!.reads.map((r) => `${column.split(".")[0]}.${r.zone}.${r.table}`), who).toContain(column.split(".").slice(0, 3).join("."));
            expect(v.source, who).toBe("pipeline");
            expect(v.piiReason, who).toBe(task!.processesPii);
            expect(v.piiReason, `${who}: processesPii`).toMatch(/\S{3,}/);
          }
          pipelineRows.push(who);
          continue;
        }
        expect(row.principal.kind, `${who} reads it unmasked`).toBe("job");
        if (row.principal.name === "job:quality") {
          // Only the quality role of the column's own deployment, only on a table with rules, only through its grant, with exactly its reason.
          const tables = qualityRoles.get(row.principal.id);
          expect(tables, `${who}: is a deployment's quality role`).toBeDefined();
          expect([...tables!], who).toContain(column.split(".").slice(0, 3).join("."));
          expect(reasons.has(row.principal.id), `${who}: is no job's role`).toBe(false);
          expect(row.via, who).toEqual([{ grant: "quality-reads", source: "jobs", index: -1, piiReason: QUALITY_REASON, rows: null }]);
          qualityRows.push(column);
          continue;
        }
        const job = reasons.get(row.principal.id);
        expect(job, who).toBeDefined();
        expect(row.principal.name, who).toBe(`job:${job!.name}`);
        expect(job!.reason, `${who}: processesPii`).toMatch(/\S{3,}/);
        for (const v of row.via) {
          expect(v.source, who).toBe("jobs");
          expect(v.grant, who).toMatch(new RegExp(`^job-${job!.name}-(reads|writes)$`));
          expect(v.piiReason, who).toBe(job!.reason);
        }
        jobRows++;
      }
    }
    expect(jobRows).toBeGreaterThan(0);
    // cdr's cell_daily query reads processed.calls, whose identifiers it never writes: it says so, in both environments.
    expect(pipelineRows).toEqual(expect.arrayContaining(["cdr.processed.calls.imsi pipeline:dev", "cdr.processed.calls.msisdn pipeline:prod"]));
    // The PII columns of the tables with quality rules (cdr curated.subscriber_daily, clickstream processed.impressions), each in both environments.
    expect([...new Set(qualityRows)].sort()).toEqual(["cdr.curated.subscriber_daily.msisdn", "clickstream.processed.impressions.device_id", "clickstream.processed.impressions.ip_address"]);
    expect(qualityRows).toHaveLength(6);
  });

  it("lists what a job reads, all of it unmasked through its own grants", async () => {
    const r = await access("--principal", "job:conform-calls", "--env", "prod", "--format", "json");
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout).access as { table: string; zone: string; column: string; visibility: string; rows: string[] | null; via: { grant: string }[] }[];
    expect([...new Set(rows.map((x) => `${x.zone}.${x.table}`))]).toEqual(["processed.calls", "raw.cdr_events"]);
    for (const x of rows) {
      expect([x.visibility, x.rows], x.column).toEqual(["visible", null]);
      expect(x.via.map((v) => v.grant), x.column).toEqual([x.zone === "raw" ? "job-conform-calls-reads" : "job-conform-calls-writes"]);
    }
  });

  it("fails with exit 2 on a column that does not exist", async () => {
    const r = await access("--column", "cdr.calls.imei");
    expect(r).toMatchObject({ code: 2, stdout: "" });
    expect(r.stderr).toBe('lakeform access: no column "cdr.calls.imei"; name it <domain>.<table>.<column> or <domain>.<zone>.<table>.<column>\n');
  });
});

describe("lakeform access --principal", () => {
  it("lists what a cross-account consumer reads, as Markdown", async () => {
    const r = await access("--principal", "partner-adtech", "--env", "prod", "--format", "markdown");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatchInlineSnapshot(`
      "### What partner-adtech reads in prod

      | Env | Principal | Id | Column | Access | Rows | Via grant |
      |---|---|---|---|---|---|---|
      | prod | partner-adtech | \`444444444444\` | \`clickstream.curated.campaign_hourly.campaign_id\` | unmasked | \`all rows\` | partner-reporting |
      | prod | partner-adtech | \`444444444444\` | \`clickstream.curated.campaign_hourly.clicks\` | unmasked | \`all rows\` | partner-reporting |
      | prod | partner-adtech | \`444444444444\` | \`clickstream.curated.campaign_hourly.ctr\` | unmasked | \`all rows\` | partner-reporting |
      | prod | partner-adtech | \`444444444444\` | \`clickstream.curated.campaign_hourly.hour\` | unmasked | \`all rows\` | partner-reporting |
      | prod | partner-adtech | \`444444444444\` | \`clickstream.curated.campaign_hourly.impressions\` | unmasked | \`all rows\` | partner-reporting |
      | prod | partner-adtech | \`444444444444\` | \`clickstream.curated.campaign_hourly.spend_usd\` | unmasked | \`all rows\` | partner-reporting |
      "
    `);
  });

  it("accepts the principal's ARN as well as its name", async () => {
    const byArn = await access("--principal", "arn:aws:iam::222222222222:role/redshift-spectrum", "--format", "json");
    const rows = JSON.parse(byArn.stdout).access as { column: string; visibility: string }[];
    expect(rows.filter((x) => x.visibility === "masked").map((x) => x.column)).toEqual(["card_expiry", "card_pan"]);
  });

  it("fails with exit 2 for a principal no grant names, or with --column and --principal together", async () => {
    expect((await access("--principal", "nobody")).code).toBe(2);
    expect((await access("--principal", "analysts", "--column", "cdr.calls.imsi")).code).toBe(2);
    expect((await access("--env", "stage")).stderr).toContain('no environment "stage"');
  });
});
