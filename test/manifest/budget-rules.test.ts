import { describe, expect, it } from "vitest";
import { checkBudget, checkPlatformBudgets } from "../../generators/manifest/budget-rules";
import { formatProblem } from "../../generators/manifest/errors";
import { DomainManifest } from "../../generators/manifest/schema/domain";
import { PlatformManifest } from "../../generators/manifest/schema/platform";
import { budgetAmount, budgetOf, costAllocationTagsOf } from "../../generators/model/budget";
import { lakeform, treeDigest } from "../helpers/cli";
import { domainFixture, makeProject, platformFixture } from "../helpers/project";

const FILE = "domains/sales/domain.yaml";
const PLATFORM = "domains/platform.yaml";

function problems(budget: unknown, p: Record<string, any> = platformFixture(), mutate: (d: Record<string, any>) => void = () => {}): string[] {
  const d = domainFixture();
  if (budget !== undefined) d.budget = budget;
  mutate(d);
  return checkBudget({ file: FILE, folder: "sales", manifest: DomainManifest.parse(d) }, PlatformManifest.parse(p)).map(formatProblem);
}

const platformWith = (budgets: Record<string, unknown>) => ({ ...platformFixture(), budgets });
const platformProblems = (budgets: Record<string, unknown>) => checkPlatformBudgets(PlatformManifest.parse(platformWith(budgets)), PLATFORM).map(formatProblem);

describe("budget rules", () => {
  it("accept a budget with per-environment limits and its own thresholds, and a domain without one", () => {
    expect(problems({ monthlyUsd: 3000, environments: { dev: 300 }, alertAtPercent: [50, 100], forecastAtPercent: [] })).toEqual([]);
    expect(problems(undefined)).toEqual([]);
    expect(platformProblems({ defaultMonthlyUsd: 500, tagsActivatedByManagementAccount: ["prod"] })).toEqual([]);
  });

  it("fails when a per-environment limit names an environment the platform lacks, or one the domain is not deployed to", () => {
    expect(problems({ monthlyUsd: 3000, environments: { staging: 300, prod: 5000 } }, platformFixture(), (d) => (d.environments = ["dev"]))).toEqual([
      `${FILE} › budget.environments.staging: no such environment in the platform manifest, got "staging"; use one of the domain's environments: dev`,
      `${FILE} › budget.environments.prod: the domain is not deployed to this environment, got "prod"; use one of the domain's environments: dev`,
    ]);
  });

  it("fails when a threshold is listed twice", () => {
    expect(problems({ monthlyUsd: 10, alertAtPercent: [80, 80], forecastAtPercent: [100, 100] })).toEqual([
      `${FILE} › budget.alertAtPercent[1]: threshold listed twice, got 80; list each percentage once`,
      `${FILE} › budget.forecastAtPercent[1]: threshold listed twice, got 100; list each percentage once`,
    ]);
    expect(platformProblems({ alertAtPercent: [90, 90] })).toEqual([`${PLATFORM} › budgets.alertAtPercent[1]: threshold listed twice, got 90; list each percentage once`]);
  });

  it("fails when a budget would notify nobody, or hold more than 10 notifications", () => {
    expect(problems({ monthlyUsd: 10, alertAtPercent: [], forecastAtPercent: [] })).toEqual([
      `${FILE} › budget.alertAtPercent: a budget nobody hears about guards nothing, got []; keep at least one threshold, e.g. alertAtPercent: [80, 100]`,
    ]);
    expect(problems({ monthlyUsd: 10, alertAtPercent: [10, 20, 30, 40, 50, 60, 70, 80], forecastAtPercent: [90, 100, 110] })).toEqual([
      `${FILE} › budget: a budget holds at most 10 notifications (actual and forecast together), got 11; drop thresholds from alertAtPercent or forecastAtPercent`,
    ]);
    expect(platformProblems({ alertAtPercent: [], forecastAtPercent: [] })).toHaveLength(1);
    expect(platformProblems({ alertAtPercent: [1, 2, 3, 4, 5, 6], forecastAtPercent: [7, 8, 9, 10, 11] })).toEqual([
      `${PLATFORM} › budgets: a budget holds at most 10 notifications (actual and forecast together), got 11; drop thresholds from alertAtPercent or forecastAtPercent`,
    ]);
  });

  it("fails when the platform leaves tag activation of an unknown environment to the management account", () => {
    expect(platformProblems({ tagsActivatedByManagementAccount: ["stage"] })).toEqual([
      `${PLATFORM} › budgets.tagsActivatedByManagementAccount[0]: no such environment, got "stage"; use one of dev, prod`,
    ]);
  });

  it("fails at the shape layer when a limit is not positive or a threshold is out of range, through the CLI with exit 2 and nothing written", async () => {
    const d = domainFixture();
    d.budget = { monthlyUsd: 0, alertAtPercent: [0, 1001] };
    const root = makeProject({ platform: platformFixture(), domains: { sales: d } });
    const before = treeDigest(`${root}/cdktf.out`);
    const r = await lakeform("synth", "--dir", root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${FILE} › budget.monthlyUsd: `);
    expect(r.stderr).toContain(`${FILE} › budget.alertAtPercent[0]: `);
    expect(r.stderr).toContain(`${FILE} › budget.alertAtPercent[1]: `);
    expect(treeDigest(`${root}/cdktf.out`)).toEqual(before);
  });
});

describe("budget model", () => {
  const p = PlatformManifest.parse(platformWith({ defaultMonthlyUsd: 750, alertAtPercent: [100, 80], forecastAtPercent: [120] }));
  const d = (budget?: unknown) => DomainManifest.parse({ ...domainFixture(), ...(budget ? { budget } : {}) });

  it("takes the platform's default limit and thresholds when the domain sets none, sorted", () => {
    expect(budgetOf(d(), p, "dev")).toEqual({
      name: "acme-sales-dev",
      limitAmount: "750.0",
      tagFilter: "user:domain$sales",
      email: "sales@example.com",
      actualPercents: [80, 100],
      forecastPercents: [120],
    });
  });

  it("takes the domain's limit, its per-environment override and its own thresholds", () => {
    const b = { monthlyUsd: 4000.5, environments: { dev: 400 }, alertAtPercent: [90], forecastAtPercent: [] };
    expect(budgetOf(d(b), p, "dev")).toMatchObject({ limitAmount: "400.0", actualPercents: [90], forecastPercents: [] });
    expect(budgetOf(d(b), p, "prod")).toMatchObject({ limitAmount: "4000.5" });
    expect(budgetAmount(12)).toBe("12.0");
  });

  it("activates the tags once per account, and not where the management account does", () => {
    const shared = platformFixture();
    shared.environments.prod.accountId = "111111111111";
    shared.environments.prod.lakeFormationAdmins = ["arn:aws:iam::111111111111:role/admin"];
    const sp = PlatformManifest.parse(shared);
    expect(costAllocationTagsOf(sp, "dev")).toEqual(["cost-centre", "domain", "environment", "managed-by", "owner"]);
    expect(costAllocationTagsOf(sp, "prod")).toEqual([]);
    const org = PlatformManifest.parse(platformWith({ tagsActivatedByManagementAccount: ["prod"] }));
    expect(costAllocationTagsOf(org, "dev")).toHaveLength(5);
    expect(costAllocationTagsOf(org, "prod")).toEqual([]);
    const sharedOrg = PlatformManifest.parse({ ...shared, budgets: { tagsActivatedByManagementAccount: ["dev"] } });
    expect(costAllocationTagsOf(sharedOrg, "prod")).toHaveLength(5);
  });
});
