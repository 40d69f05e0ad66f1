import type { PathSegment, Problem } from "./errors";
import { type ParsedDomain, environmentsOf } from "./rules";
import type { PlatformManifestOutput } from "./schema/platform";

/**
 * Cross-field rules of the cost guardrails: a domain's per-environment
 * limits name environments it is deployed to, thresholds are listed once,
 * and a budget holds at most ten notifications (the Budgets quota).
 */

/** AWS Budgets: notifications per budget. */
export const MAX_BUDGET_NOTIFICATIONS = 10;

function duplicates(xs: readonly number[], file: string, path: PathSegment[]): Problem[] {
  const seen = new Set<number>();
  const out: Problem[] = [];
  xs.forEach((x, i) => {
    if (seen.has(x)) out.push({ file, path: [...path, i], code: "duplicate-name", message: "threshold listed twice", got: x, hint: "list each percentage once" });
    seen.add(x);
  });
  return out;
}

export function checkPlatformBudgets(p: PlatformManifestOutput, file: string): Problem[] {
  const b = p.budgets;
  const problems = [...duplicates(b.alertAtPercent, file, ["budgets", "alertAtPercent"]), ...duplicates(b.forecastAtPercent, file, ["budgets", "forecastAtPercent"])];
  b.tagsActivatedByManagementAccount.forEach((env, i) => {
    if (!p.environments[env]) {
      problems.push({ file, path: ["budgets", "tagsActivatedByManagementAccount", i], code: "unknown-environment", message: "no such environment", got: env, hint: `use one of ${Object.keys(p.environments).sort().join(", ")}` });
    }
  });
  const n = b.alertAtPercent.length + b.forecastAtPercent.length;
  if (n === 0) {
    problems.push({ file, path: ["budgets", "alertAtPercent"], code: "too-small", message: "a budget nobody hears about guards nothing", got: [], hint: "keep at least one threshold, e.g. alertAtPercent: [80, 100]" });
  }
  if (n > MAX_BUDGET_NOTIFICATIONS) {
    problems.push({ file, path: ["budgets"], code: "too-big", message: `a budget holds at most ${MAX_BUDGET_NOTIFICATIONS} notifications (actual and forecast together)`, got: n, hint: "drop thresholds from alertAtPercent or forecastAtPercent" });
  }
  return problems;
}

export function checkBudget(d: ParsedDomain, p: PlatformManifestOutput | undefined): Problem[] {
  const { file, manifest: m } = d;
  const b = m.budget;
  if (!b) return [];
  const problems: Problem[] = [];
  if (b.alertAtPercent) problems.push(...duplicates(b.alertAtPercent, file, ["budget", "alertAtPercent"]));
  if (b.forecastAtPercent) problems.push(...duplicates(b.forecastAtPercent, file, ["budget", "forecastAtPercent"]));
  if (!p) return problems;
  const actual = b.alertAtPercent ?? p.budgets.alertAtPercent;
  const forecast = b.forecastAtPercent ?? p.budgets.forecastAtPercent;
  if (actual.length + forecast.length === 0) {
    problems.push({ file, path: ["budget", "alertAtPercent"], code: "too-small", message: "a budget nobody hears about guards nothing", got: [], hint: "keep at least one threshold, e.g. alertAtPercent: [80, 100]" });
  }
  if (actual.length + forecast.length > MAX_BUDGET_NOTIFICATIONS) {
    problems.push({ file, path: ["budget"], code: "too-big", message: `a budget holds at most ${MAX_BUDGET_NOTIFICATIONS} notifications (actual and forecast together)`, got: actual.length + forecast.length, hint: "drop thresholds from alertAtPercent or forecastAtPercent" });
  }
  const deployed = environmentsOf(m, p);
  for (const env of Object.keys(b.environments)) {
    if (!deployed.includes(env)) {
      problems.push({
        file,
        path: ["budget", "environments", env],
        code: "unknown-environment",
        message: p.environments[env] ? "the domain is not deployed to this environment" : "no such environment in the platform manifest",
        got: env,
        hint: `use one of the domain's environments: ${deployed.join(", ")}`,
      });
    }
  }
  return problems;
}
