import type { GuardrailRule } from "../../types";
import { blocks, BUDGET, type Check, COST_ALLOCATION_TAG, defaultTagsOf, entries, list, providerOf, type Violation } from "../../terraform";

/**
 * A domain stack (provider default tag `domain` other than `platform`) holds
 * exactly one budget: COST, MONTHLY, in USD, in the stack's account, filtered
 * by exactly its own `user:domain$<domain>` tag (never the whole account),
 * with at least one notification, each a percentage with a subscriber. A
 * platform stack holds no budget, and activates `domain` when it activates
 * any tag.
 */
export const checkBudgets: Check = (stacks) =>
  stacks.flatMap((s) => {
    const v = (address: string, message: string): Violation => ({ rule: "budgets", stack: s.name, address, message });
    const domain = defaultTagsOf(s).domain;
    const budgets = entries(s, BUDGET);
    // A DR compute stack: budgets are account-wide and by name, so the primary stack's budget covers its spend too.
    if (s.companions) return budgets.map(([n]) => v(`${BUDGET}.${n}`, "a budget in a DR compute stack; the domain's budget is the primary stack's"));
    if (!domain || domain === "platform") {
      const tags = entries(s, COST_ALLOCATION_TAG);
      return [
        ...budgets.map(([n]) => v(`${BUDGET}.${n}`, "a budget in a stack of no domain")),
        ...(tags.length > 0 && !tags.some(([, t]) => t.tag_key === "domain" && t.status === "Active") ? [v("(stack)", "activates cost-allocation tags but not domain, which every budget filters on")] : []),
      ];
    }
    if (budgets.length !== 1) return [v("(stack)", `${budgets.length} budgets; a domain stack holds exactly one`)];
    const [name, b] = budgets[0]!;
    const address = `${BUDGET}.${name}`;
    const out: Violation[] = [];
    for (const [attr, want] of [["budget_type", "COST"], ["time_unit", "MONTHLY"], ["limit_unit", "USD"]] as const) {
      if (b[attr] !== want) out.push(v(address, `${attr} is ${JSON.stringify(b[attr])}, expected ${want}`));
    }
    if (b.account_id !== providerOf(s).account) out.push(v(address, `account_id ${JSON.stringify(b.account_id)} is not the stack's account ${providerOf(s).account}`));
    const filters = blocks(b.cost_filter);
    const want = `user:domain$${domain}`;
    if (filters.length !== 1 || filters[0]!.name !== "TagKeyValue" || JSON.stringify(filters[0]!.values) !== JSON.stringify([want])) {
      out.push(v(address, `cost_filter ${JSON.stringify(filters)} is not exactly TagKeyValue ${want}`));
    }
    const notifications = blocks(b.notification);
    if (notifications.length === 0) out.push(v(address, "no notification"));
    notifications.forEach((n, i) => {
      if (n.threshold_type !== "PERCENTAGE" || typeof n.threshold !== "number") out.push(v(address, `notification ${i}: not a percentage threshold`));
      if (list(n.subscriber_email_addresses).length + list(n.subscriber_sns_topic_arns).length === 0) out.push(v(address, `notification ${i}: no subscriber`));
    });
    return out;
  });

export const rule: GuardrailRule = {
  id: "COST-001",
  severity: "error",
  scope: "terraform",
  rule: "Every domain stack has exactly one monthly USD cost budget of its account, scoped to its own domain tag and alerting someone.",
  explanation:
    "The budget filters on exactly TagKeyValue user:domain$<domain>, never the whole account or another domain, and each notification is a percentage threshold with a subscriber. Platform stacks and DR compute stacks (the primary's budget covers the account) hold no budget; a platform stack that activates cost-allocation tags activates domain, which every budget filters on.",
  source: ["custom"],
  check: ({ stacks }) => checkBudgets(stacks),
};
