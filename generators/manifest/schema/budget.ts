import { z } from "zod";

/**
 * Cost guardrails: an AWS Budget per domain and environment, filtered by the
 * `domain` cost-allocation tag that every resource carries, and the
 * activation of Lakeform's tags for billing in the platform stacks.
 */

const Usd = z.number().positive("a budget is more than 0 USD").max(100_000_000, "a monthly budget is at most 100,000,000 USD");

const Percents = z
  .array(z.int().min(1, "a threshold is at least 1 %").max(1000, "a threshold is at most 1000 %"))
  .max(10, "a budget has at most 10 notifications");

export const DomainBudgetManifest = z
  .strictObject({
    monthlyUsd: Usd.describe("Monthly cost limit in USD of the domain's resources in each environment: costs tagged `domain: <name>` in the environment's account."),
    environments: z
      .record(z.string(), Usd)
      .default({})
      .describe("Monthly limits of single environments, overriding monthlyUsd there, e.g. { dev: 200 }.\n@default - monthlyUsd in every environment"),
    alertAtPercent: Percents.optional().describe(
      "Percentages of the limit at which actual spend emails the owner.\n@default - the platform's budgets.alertAtPercent ([80, 100])",
    ),
    forecastAtPercent: Percents.optional().describe(
      "Percentages of the limit at which the month's forecast spend emails the owner; [] for none.\n@default - the platform's budgets.forecastAtPercent ([100])",
    ),
  })
  .describe("The domain's monthly AWS Budget per environment; alerts go to owner.email.");

export const PlatformBudgetsManifest = z
  .strictObject({
    defaultMonthlyUsd: Usd.default(1000).describe("Monthly limit of every domain and environment whose manifest sets no budget.\n@default - 1000"),
    alertAtPercent: Percents.default([80, 100]).describe("Percentages of the limit at which actual spend alerts the domain's owner.\n@default - [80, 100]"),
    forecastAtPercent: Percents.default([100]).describe("Percentages of the limit at which forecast spend alerts the domain's owner.\n@default - [100]"),
    tagsActivatedByManagementAccount: z
      .array(z.string())
      .default([])
      .describe(
        "Environments whose account belongs to an AWS Organization: only the Organization's management account can activate cost-allocation tags, so their platform stacks leave activation to it. Every other environment's platform stack activates Lakeform's tags (domain, environment, owner, cost-centre, managed-by) in its account.\n@default - none: every platform stack activates them",
      ),
  })
  .describe("Cost guardrails of every domain: the default budget and its alerts, and the cost-allocation tags budgets filter on.");

export type DomainBudgetManifestOutput = z.output<typeof DomainBudgetManifest>;
export type PlatformBudgetsManifestOutput = z.output<typeof PlatformBudgetsManifest>;
