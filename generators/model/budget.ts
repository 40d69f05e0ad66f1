import type { DomainManifestOutput } from "../manifest/schema/domain";
import type { PlatformManifestOutput } from "../manifest/schema/platform";

/**
 * The cost guardrails in the Model: one AWS Budget per domain and
 * environment, and the tag keys each environment's platform stack activates
 * for cost allocation.
 */

export interface BudgetModel {
  /** `<org>-<domain>-<env>`: unique per account, as Budgets requires. */
  readonly name: string;
  /** USD per month, as Budgets writes it (`"1000.0"`). */
  readonly limitAmount: string;
  /** The cost filter: the domain's tag, `user:domain$<domain>` (cost-allocation tags are `user:` tags). */
  readonly tagFilter: string;
  /** The owner's email. */
  readonly email: string;
  /** Percentages of actual spend that notify, sorted. */
  readonly actualPercents: readonly number[];
  /** Percentages of forecast spend that notify, sorted. */
  readonly forecastPercents: readonly number[];
}

/** The tag keys Lakeform sets on every resource, which budgets and cost reports group by. */
export const COST_ALLOCATION_TAG_KEYS = ["cost-centre", "domain", "environment", "managed-by", "owner"] as const;

/** `1000` → `"1000.0"`, `12.5` → `"12.5"`: the form the Budgets API returns, so a second plan shows no change. */
export function budgetAmount(usd: number): string {
  return Number.isInteger(usd) ? `${usd}.0` : String(usd);
}

export function budgetOf(m: DomainManifestOutput, platform: PlatformManifestOutput, environment: string): BudgetModel {
  const b = m.budget;
  const usd = b?.environments[environment] ?? b?.monthlyUsd ?? platform.budgets.defaultMonthlyUsd;
  const sortedNumbers = (xs: readonly number[]) => [...new Set(xs)].sort((a, c) => a - c);
  return {
    name: `${platform.organization}-${m.name}-${environment}`,
    limitAmount: budgetAmount(usd),
    tagFilter: `user:domain$${m.name}`,
    email: m.owner.email,
    actualPercents: sortedNumbers(b?.alertAtPercent ?? platform.budgets.alertAtPercent),
    forecastPercents: sortedNumbers(b?.forecastAtPercent ?? platform.budgets.forecastAtPercent),
  };
}

/**
 * Cost-allocation tags are activated once per account: when two environments
 * share an account, the first by name activates them, so no two states own
 * one activation. Empty for an environment whose Organization's management
 * account activates them (`budgets.tagsActivatedByManagementAccount`).
 */
export function costAllocationTagsOf(platform: PlatformManifestOutput, environment: string): readonly string[] {
  const elsewhere = platform.budgets.tagsActivatedByManagementAccount;
  if (elsewhere.includes(environment)) return [];
  const account = platform.environments[environment]?.accountId;
  const first = Object.keys(platform.environments)
    .sort()
    .find((e) => platform.environments[e]!.accountId === account && !elsewhere.includes(e));
  return first === environment ? [...COST_ALLOCATION_TAG_KEYS] : [];
}
