import { BudgetsBudget } from "@cdktf/provider-aws/lib/budgets-budget";
import { Construct } from "constructs";

/** AWS Budgets: notifications per budget, email subscribers per notification. */
export const MAX_NOTIFICATIONS = 10;

export interface CostBudgetProps {
  /**
   * Terraform resource name of the budget.
   * @default - the construct id
   */
  readonly terraformName?: string;
  /** Budget name, unique in the account: 1-100 characters, no `:` or `\`. */
  readonly name: string;
  /** The account the budget belongs to (the stack's). */
  readonly accountId: string;
  /** Monthly limit in USD, as a decimal string (`"1000.0"`). */
  readonly limitAmount: string;
  /**
   * The one cost-allocation tag the budget counts, `user:<key>$<value>`
   * (a `TagKeyValue` filter); untagged spend is not the domain's.
   */
  readonly tagFilter: string;
  /** Who is told: the owner's address. */
  readonly email: string;
  /** Percentages of the limit at which actual spend notifies. */
  readonly actualPercents: readonly number[];
  /** Percentages of the limit at which the month's forecast notifies. */
  readonly forecastPercents: readonly number[];
}

/**
 * A monthly COST budget in USD over the spend carrying one cost-allocation
 * tag, with a notification per threshold (ACTUAL and FORECASTED, greater
 * than a percentage of the limit) emailed to the owner. Fixed in code: the
 * period is monthly, the limit is in USD, the filter is a tag (so a budget
 * never silently covers the whole account), and there is at least one
 * notification.
 *
 * Terraform address: `aws_budgets_budget.<terraformName>`.
 */
export class CostBudget extends Construct {
  readonly budget: BudgetsBudget;

  constructor(scope: Construct, id: string, props: CostBudgetProps) {
    super(scope, id);
    const problems = costBudgetProblems(props);
    if (problems.length > 0) {
      throw new Error(`CostBudget ${this.node.path}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    const notify = (type: "ACTUAL" | "FORECASTED", percents: readonly number[]) =>
      [...percents]
        .sort((a, b) => a - b)
        .map((threshold) => ({ notificationType: type, comparisonOperator: "GREATER_THAN", threshold, thresholdType: "PERCENTAGE", subscriberEmailAddresses: [props.email] }));
    this.budget = new BudgetsBudget(this, "budget", {
      name: props.name,
      accountId: props.accountId,
      budgetType: "COST",
      limitAmount: props.limitAmount,
      limitUnit: "USD",
      timeUnit: "MONTHLY",
      costFilter: [{ name: "TagKeyValue", values: [props.tagFilter] }],
      notification: [...notify("ACTUAL", props.actualPercents), ...notify("FORECASTED", props.forecastPercents)],
    });
    this.budget.overrideLogicalId(props.terraformName ?? id);
  }
}

const NAME = /^[^:\\]{1,100}$/;
const AMOUNT = /^\d{1,12}(\.\d{1,2})?$|^\d{1,12}\.0$/;
const TAG_FILTER = /^user:[^$]{1,128}\$[^$]{1,256}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const ACCOUNT_ID = /^\d{12}$/;

/** Every problem with the props, one sentence each; empty when they are fine. */
export function costBudgetProblems(props: CostBudgetProps): string[] {
  const out: string[] = [];
  if (!NAME.test(props.name)) out.push(`name "${props.name}" must be 1-100 characters without : or \\`);
  if (!ACCOUNT_ID.test(props.accountId)) out.push(`accountId "${props.accountId}" is not 12 digits`);
  if (!AMOUNT.test(props.limitAmount) || Number(props.limitAmount) <= 0) out.push(`limitAmount "${props.limitAmount}" is not a positive amount in USD like "1000.0"`);
  if (!TAG_FILTER.test(props.tagFilter)) out.push(`tagFilter "${props.tagFilter}" is not a cost-allocation tag filter like "user:domain$sales"`);
  if (!EMAIL.test(props.email)) out.push(`email "${props.email}" is not an email address`);
  const all = [...props.actualPercents, ...props.forecastPercents];
  if (all.length === 0) out.push("no notification: a budget nobody hears about guards nothing");
  if (all.length > MAX_NOTIFICATIONS) out.push(`${all.length} notifications; a budget holds at most ${MAX_NOTIFICATIONS}`);
  for (const [kind, xs] of [["actualPercents", props.actualPercents], ["forecastPercents", props.forecastPercents]] as const) {
    for (const p of xs) if (!Number.isInteger(p) || p < 1 || p > 1000) out.push(`${kind}: ${p} is not a whole percentage from 1 to 1000`);
    if (new Set(xs).size !== xs.length) out.push(`${kind} lists a threshold twice: ${xs.join(", ")}`);
  }
  return out;
}
