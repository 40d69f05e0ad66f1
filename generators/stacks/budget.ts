import type { Construct } from "constructs";
import { CostBudget } from "../../modules/cost/budget";
import { CostAllocationTags } from "../../modules/cost/cost-allocation-tags";
import type { DomainDeploymentModel, EnvironmentModel } from "../model/types";

/**
 * Cost guardrails. In a domain stack, `aws_budgets_budget.budget`: the
 * domain's monthly budget over the spend tagged with its `domain` tag in the
 * environment's account, emailing the owner. In a platform stack,
 * `aws_ce_cost_allocation_tag.<key>` for Lakeform's tag keys, which that
 * filter needs, unless the platform activates them elsewhere.
 */
export function domainBudget(scope: Construct, dep: DomainDeploymentModel): CostBudget {
  const b = dep.budget;
  return new CostBudget(scope, "budget", {
    terraformName: "budget",
    name: b.name,
    accountId: dep.accountId,
    limitAmount: b.limitAmount,
    tagFilter: b.tagFilter,
    email: b.email,
    actualPercents: b.actualPercents,
    forecastPercents: b.forecastPercents,
  });
}

export function costAllocationTags(scope: Construct, env: EnvironmentModel): CostAllocationTags | undefined {
  if (env.costAllocationTags.length === 0) return undefined;
  return new CostAllocationTags(scope, "cost_allocation_tags", { tagKeys: env.costAllocationTags });
}
