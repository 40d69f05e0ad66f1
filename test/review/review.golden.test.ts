import { describe, expect, it } from "vitest";
import { piiFindings } from "../../generators/access/analyze";
import { runGuardrails } from "../../generators/guardrails/run";
import type { GuardrailRule } from "../../generators/guardrails/types";
import type { Model } from "../../generators/model/types";
import { defaultPrices } from "../../generators/review/cost";
import { reviewMarkdown } from "../../generators/review/markdown";
import { type Review, type ReviewSide, buildReview } from "../../generators/review/review";
import { modelFrom } from "../helpers/model-fixtures";
import { domainFixture, platformFixture } from "../helpers/project";

/**
 * Golden review comments for the scenarios a reviewer meets. Each scenario
 * is a base and a head built from fixture manifests; the comment is compared
 * whole (update with `npx vitest run -u` after reading the diff).
 */

function platform(): Record<string, any> {
  const p = platformFixture();
  for (const [env, acct] of [["dev", "111111111111"], ["prod", "222222222222"]] as const) {
    p.environments[env].principals = {
      analysts: `arn:aws:iam::${acct}:role/analysts`,
      "eu-team": `arn:aws:iam::${acct}:role/eu-team`,
      finance: `arn:aws:iam::${acct}:role/finance`,
      partner: "999999999999",
    };
  }
  p.governance = { approvers: "@acme/data-governance" };
  return p;
}

/** sales: orders with a PII email column, read masked and filtered by the EU team; rates without PII. */
function sales(): Record<string, any> {
  const d = domainFixture("sales");
  d.tables = [
    {
      name: "orders",
      zone: "processed",
      columns: [
        { name: "order_id", type: "string" },
        { name: "email", type: "string", lfTags: { confidentiality: "pii" } },
        { name: "amount", type: "decimal(10,2)" },
        { name: "country", type: "char(2)" },
      ],
      partitionKeys: [{ name: "order_date", type: "date" }],
    },
    { name: "rates", zone: "curated", columns: [{ name: "currency", type: "char(3)" }, { name: "rate", type: "double" }] },
    { name: "daily", zone: "curated", columns: [{ name: "day", type: "date" }, { name: "revenue", type: "double" }] },
  ];
  d.access = [
    { name: "analysts", principal: "analysts", tags: { domain: ["sales"], confidentiality: ["internal"] } },
    { name: "eu-orders", principal: "eu-team", table: "processed.orders", mask: ["email"], rows: "country = 'DE'" },
  ];
  return d;
}

function cdr(): Record<string, any> {
  const d = domainFixture("cdr");
  d.owner = { team: "telco-data", email: "telco@example.com" };
  d.access = [{ name: "analysts", principal: "analysts", tags: { domain: ["cdr"], confidentiality: ["internal"] } }];
  return d;
}

/** A stand-in for S3-009 over access-log buckets, so the goldens do not move with the real pack's rules; suppressions work as in the pack. */
const accessLogsRule: GuardrailRule = {
  id: "S3-009",
  severity: "warning",
  scope: "terraform",
  rule: "test: access-log buckets are reported",
  explanation: "test",
  source: ["custom"],
  check: ({ stacks }) =>
    stacks.flatMap((s) => ((s.json.resource as any)?.aws_s3_bucket?.access_logs ? [{ stack: s.name, address: "aws_s3_bucket.access_logs", message: "no event notification is connected" }] : [])),
};

const side = (label: string, model: Model): ReviewSide & { model: Model } => ({ label, model, problems: [], findings: piiFindings(model) });

function review(base: Model, head: Model): Review {
  return buildReview(side("main", base), side("feature", head), { prices: defaultPrices(), guardrails: (m, s) => runGuardrails(m, s, [accessLogsRule]) });
}

const base = () => modelFrom(platform(), [sales()]);

describe("lakeform review: golden comments", () => {
  it("grant added: a table without PII for one more principal; the owners approve", async () => {
    const d = sales();
    d.access.push({ name: "finance", principal: "finance", tables: ["curated.rates"] });
    const r = review(base(), modelFrom(platform(), [d]));
    expect(r.exitCode).toBe(0);
    expect(r.approvals.owners.map((o) => o.approver)).toEqual(["sales-data"]);
    await expect(reviewMarkdown(r)).toMatchFileSnapshot("./__golden__/grant-added.md");
  });

  it("mask removed: the EU team reads email unmasked; governance approves", async () => {
    const d = sales();
    delete d.access[1].mask;
    const r = review(base(), modelFrom(platform(), [d]));
    expect(r.exitCode).toBe(1);
    expect(r.approvals.governance.required).toBe(true);
    expect(r.filters).toEqual([expect.objectContaining({ grant: "eu-orders", masksRemoved: ["email"], masksAdded: [] })]);
    await expect(reviewMarkdown(r)).toMatchFileSnapshot("./__golden__/mask-removed.md");
  });

  it("PII column added without a mask: the filtered grant shows it; governance approves", async () => {
    const d = sales();
    d.tables[0].columns.push({ name: "phone", type: "string", lfTags: { confidentiality: "pii" } });
    const r = review(base(), modelFrom(platform(), [d]));
    expect(r.exitCode).toBe(1);
    expect(r.access).toEqual([expect.objectContaining({ principal: "eu-team", columnsGained: ["phone (PII)"], exposesPii: true, environments: ["dev", "prod"] })]);
    await expect(reviewMarkdown(r)).toMatchFileSnapshot("./__golden__/pii-column-added.md");
  });

  it("new domain: its stacks, access, cost and flow; its owners approve", async () => {
    const r = review(base(), modelFrom(platform(), [sales(), cdr()]));
    expect(r.exitCode).toBe(0);
    expect(r.domains).toEqual([{ domain: "cdr", status: "added", owners: [{ team: "telco-data", email: "telco@example.com" }], stacks: ["cdr-dev", "cdr-prod"] }]);
    expect(r.resources.map((s) => [s.stack, s.status])).toEqual([
      ["cdr-dev", "added"],
      ["cdr-prod", "added"],
    ]);
    await expect(reviewMarkdown(r)).toMatchFileSnapshot("./__golden__/new-domain.md");
  });

  it("domain removed: everything it granted is lost and its resources go", async () => {
    const r = review(modelFrom(platform(), [sales(), cdr()]), base());
    expect(r.exitCode).toBe(0);
    expect(r.access.every((c) => c.kind === "removed")).toBe(true);
    expect(r.cost.delta).toBeLessThan(0);
    await expect(reviewMarkdown(r)).toMatchFileSnapshot("./__golden__/domain-removed.md");
  });

  it("cost increase: a larger MWAA class, more workers and warm EMR Serverless capacity", async () => {
    const p = platform();
    p.mwaa = { environmentClass: "mw1.medium", minWorkers: 2 };
    const d = sales();
    d.jobs = [
      {
        name: "daily",
        engine: "emr-serverless",
        script: "jobs/daily.py",
        reads: ["curated.rates"],
        writes: ["curated.daily"],
        maximumCapacity: { cpu: "64 vCPU", memory: "256 GB" },
        preInitialized: { drivers: 2, executors: 4 },
      },
    ];
    const r = review(base(), modelFrom(p, [d]));
    expect(r.cost.delta).toBeGreaterThan(0);
    expect(r.cost.stacks.map((s) => s.stack)).toEqual(["platform-dev", "platform-prod", "sales-dev", "sales-prod"]);
    expect(r.approvals.owners.map((o) => o.approver)).toEqual(["data-platform", "sales-data"]);
    await expect(reviewMarkdown(r)).toMatchFileSnapshot("./__golden__/cost-increase.md");
  });

  it("suppression added: the suppressed finding shows with its reason, and nothing else changes", async () => {
    const d = sales();
    d.guardrails = { suppress: [{ rule: "S3-009", resource: "aws_s3_bucket.access_logs", reason: "Server access logs are read by Athena on demand; no event consumer." }] };
    const r = review(base(), modelFrom(platform(), [d]));
    expect(r.guardrails.newFindings).toEqual([]);
    expect(r.guardrails.suppressionsAdded.map((s) => [s.stack, s.address])).toEqual([
      ["sales-dev", "aws_s3_bucket.access_logs"],
      ["sales-prod", "aws_s3_bucket.access_logs"],
    ]);
    expect(r.resources).toEqual([]);
    expect(r.approvals.owners.map((o) => o.approver)).toEqual(["sales-data"]);
    await expect(reviewMarkdown(r)).toMatchFileSnapshot("./__golden__/suppression-added.md");
  });
});
