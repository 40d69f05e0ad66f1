import { describe, expect, it } from "vitest";
import { CostBudget, type CostBudgetProps, costBudgetProblems } from "../../../modules/cost/budget";
import { CostAllocationTags } from "../../../modules/cost/cost-allocation-tags";
import { errorOf, resource, resourcesOf, synthScope } from "../../helpers/synth";

function props(over: Partial<CostBudgetProps> = {}): CostBudgetProps {
  return {
    name: "acme-sales-dev",
    accountId: "111111111111",
    limitAmount: "1000.0",
    tagFilter: "user:domain$sales",
    email: "sales@example.com",
    actualPercents: [100, 80],
    forecastPercents: [100],
    ...over,
  };
}

const notification = (type: string, threshold: number) => ({
  comparison_operator: "GREATER_THAN",
  notification_type: type,
  subscriber_email_addresses: ["sales@example.com"],
  threshold,
  threshold_type: "PERCENTAGE",
});

describe("CostBudget", () => {
  it("is a monthly USD cost budget over one cost-allocation tag, notifying the owner per threshold, actual then forecast, sorted", () => {
    const tf = synthScope((s) => void new CostBudget(s, "budget", props()));
    const { ["//"]: _meta, ...b } = resource(tf, "aws_budgets_budget", "budget");
    expect(b).toEqual({
      name: "acme-sales-dev",
      account_id: "111111111111",
      budget_type: "COST",
      limit_amount: "1000.0",
      limit_unit: "USD",
      time_unit: "MONTHLY",
      cost_filter: [{ name: "TagKeyValue", values: ["user:domain$sales"] }],
      notification: [notification("ACTUAL", 80), notification("ACTUAL", 100), notification("FORECASTED", 100)],
    });
  });

  it("fails when the filter is not a user tag, the limit not an amount, or nobody is notified — all at once", () => {
    expect(costBudgetProblems(props({ tagFilter: "domain=sales", limitAmount: "-5", actualPercents: [], forecastPercents: [] }))).toEqual([
      'limitAmount "-5" is not a positive amount in USD like "1000.0"',
      'tagFilter "domain=sales" is not a cost-allocation tag filter like "user:domain$sales"',
      "no notification: a budget nobody hears about guards nothing",
    ]);
    expect(errorOf(() => synthScope((s) => void new CostBudget(s, "budget", props({ name: "a:b" }))))).toContain('name "a:b" must be 1-100 characters without : or \\');
  });

  it("fails when there are over 10 notifications, a threshold twice or out of range, or a bad account or email", () => {
    expect(costBudgetProblems(props({ actualPercents: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], forecastPercents: [100, 100], accountId: "1", email: "nobody" }))).toEqual([
      'accountId "1" is not 12 digits',
      'email "nobody" is not an email address',
      "12 notifications; a budget holds at most 10",
      "forecastPercents lists a threshold twice: 100, 100",
    ]);
    expect(costBudgetProblems(props({ actualPercents: [0, 1001] }))).toEqual(["actualPercents: 0 is not a whole percentage from 1 to 1000", "actualPercents: 1001 is not a whole percentage from 1 to 1000"]);
  });
});

describe("CostAllocationTags", () => {
  it("activates each key once, by key, sorted", () => {
    const tf = synthScope((s) => void new CostAllocationTags(s, "tags", { tagKeys: ["owner", "domain", "cost-centre"] }));
    const tags = resourcesOf(tf, "aws_ce_cost_allocation_tag");
    expect(Object.keys(tags)).toEqual(["cost-centre", "domain", "owner"]);
    expect(tags.domain).toMatchObject({ tag_key: "domain", status: "Active" });
  });

  it("fails when a key is listed twice, is an aws: key, or there is none", () => {
    expect(errorOf(() => synthScope((s) => void new CostAllocationTags(s, "tags", { tagKeys: ["domain", "domain"] })))).toContain('tag key "domain" listed twice');
    expect(errorOf(() => synthScope((s) => void new CostAllocationTags(s, "tags", { tagKeys: ["aws:createdBy"] })))).toContain('tag key "aws:createdBy" is not a user-defined tag key');
    expect(errorOf(() => synthScope((s) => void new CostAllocationTags(s, "tags", { tagKeys: [] })))).toContain("no tag keys to activate");
  });
});
