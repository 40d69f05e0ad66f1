import { describe, expect, it } from "vitest";
import { modelFrom, synthStackOf } from "../helpers/model-fixtures";
import { domainFixture, platformFixture } from "../helpers/project";
import { resource, resourcesOf } from "../helpers/synth";

describe("cost guardrails in the stacks", () => {
  it("every domain stack holds aws_budgets_budget.budget over its domain tag, in its account, with its environment's limit", () => {
    const d = { ...domainFixture(), budget: { monthlyUsd: 5000, environments: { dev: 500 } } };
    const model = modelFrom(platformFixture(), [d]);
    const dev = resource(synthStackOf(model, "sales-dev"), "aws_budgets_budget", "budget");
    const prod = resource(synthStackOf(model, "sales-prod"), "aws_budgets_budget", "budget");
    expect(dev).toMatchObject({ name: "acme-sales-dev", account_id: "111111111111", limit_amount: "500.0", cost_filter: [{ name: "TagKeyValue", values: ["user:domain$sales"] }] });
    expect(prod).toMatchObject({ name: "acme-sales-prod", account_id: "222222222222", limit_amount: "5000.0" });
    expect((prod.notification as { subscriber_email_addresses: string[] }[]).map((n) => n.subscriber_email_addresses)).toEqual([["sales@example.com"], ["sales@example.com"], ["sales@example.com"]]);
  });

  it("the domain tag the budget filters on is the one the stack's provider puts on every resource", () => {
    const tf = synthStackOf(modelFrom(), "sales-dev");
    const tags = (tf.provider?.aws?.[0]?.default_tags as { tags: Record<string, string> }[])[0]!.tags;
    expect(tags.domain).toBe("sales");
    expect(resource(tf, "aws_budgets_budget", "budget").cost_filter).toEqual([{ name: "TagKeyValue", values: [`user:domain$${tags.domain}`] }]);
  });

  it("platform stacks activate Lakeform's tag keys, except where the management account does", () => {
    const p = { ...platformFixture(), budgets: { tagsActivatedByManagementAccount: ["prod"] } };
    const model = modelFrom(p, [domainFixture()]);
    const dev = resourcesOf(synthStackOf(model, "platform-dev"), "aws_ce_cost_allocation_tag");
    expect(Object.entries(dev).map(([k, v]) => [k, v.tag_key, v.status])).toEqual([
      ["cost-centre", "cost-centre", "Active"],
      ["domain", "domain", "Active"],
      ["environment", "environment", "Active"],
      ["managed-by", "managed-by", "Active"],
      ["owner", "owner", "Active"],
    ]);
    expect(resourcesOf(synthStackOf(model, "platform-prod"), "aws_ce_cost_allocation_tag")).toEqual({});
  });
});
