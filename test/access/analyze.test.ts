import { describe, expect, it } from "vitest";
import { type ColumnAccess, analyzeAccess, filterConflicts, piiFindings } from "../../generators/access/analyze";
import { modelFrom } from "../helpers/model-fixtures";
import { domainFixture, platformFixture } from "../helpers/project";

/** A platform with principals and a taxonomy rich enough for several-key expressions. */
function platform(): Record<string, any> {
  const p = platformFixture();
  p.lfTags = {
    domain: { values: ["sales", "cdr"] },
    confidentiality: { values: ["public", "internal", "confidential", "pii"] },
    region: { values: ["eu", "us", "global"] },
  };
  for (const [env, acct] of [["dev", "111111111111"], ["prod", "222222222222"]] as const) {
    p.environments[env].principals = {
      analysts: `arn:aws:iam::${acct}:role/analysts`,
      "eu-team": `arn:aws:iam::${acct}:role/eu-team`,
      privacy: `arn:aws:iam::${acct}:role/privacy`,
      partner: "999999999999",
    };
    p.environments[env].piiReaders = [`arn:aws:iam::${acct}:role/privacy`];
  }
  return p;
}

/** sales: orders (processed) with a PII email column and an EU/US region tag split. */
function sales(access: Record<string, any>[]): Record<string, any> {
  const d = domainFixture("sales");
  d.lfTags = { domain: "sales", confidentiality: "internal", region: "global" };
  d.tables = [
    {
      name: "orders",
      zone: "processed",
      lfTags: { region: "eu" },
      columns: [
        { name: "order_id", type: "string" },
        { name: "email", type: "string", lfTags: { confidentiality: "pii" } },
        { name: "amount", type: "decimal(10,2)", lfTags: { confidentiality: "confidential" } },
        { name: "country", type: "char(2)" },
      ],
      partitionKeys: [{ name: "order_date", type: "date" }],
    },
    { name: "rates", zone: "curated", columns: [{ name: "currency", type: "char(3)" }, { name: "rate", type: "double" }] },
  ];
  d.access = access;
  return d;
}

const pick = (rows: ColumnAccess[], env: string, principal: string, table: string) =>
  Object.fromEntries(
    rows
      .filter((r) => r.environment === env && r.principal.name === principal && r.table === table)
      .map((r) => [r.column, r.visibility === "visible" ? (r.rows === null ? "all" : r.rows.join(" OR ")) : "masked"]),
  );

describe("analyzeAccess", () => {
  it("matches a tag expression with several keys and values column by column, column tags overriding the table's", () => {
    const m = modelFrom(platform(), [sales([{ name: "aa", principal: "analysts", tags: { domain: ["sales"], confidentiality: ["internal", "confidential"], region: ["eu"] } }])]);
    const rows = analyzeAccess(m);
    // orders is tagged region=eu at table level; email's own confidentiality=pii leaves the expression.
    expect(pick(rows, "dev", "analysts", "orders")).toEqual({ order_id: "all", email: "masked", amount: "all", country: "all", order_date: "all" });
    // rates inherits region=global from the database: no column matches, so the table is not reached at all.
    expect(pick(rows, "dev", "analysts", "rates")).toEqual({});
  });

  it("fails to reach a table when one key of the expression matches nothing", () => {
    const m = modelFrom(platform(), [sales([{ name: "aa", principal: "analysts", tags: { domain: ["sales"], confidentiality: ["public"] } }])]);
    expect(analyzeAccess(m)).toEqual([]);
  });

  it("applies a mask and a row filter on one table through a data-cells filter", () => {
    const m = modelFrom(platform(), [sales([{ name: "eu", principal: "eu-team", table: "processed.orders", mask: ["email"], rows: "country IN ('DE', 'FR')" }])]);
    const rows = analyzeAccess(m);
    const eu = pick(rows, "prod", "eu-team", "orders");
    expect(eu.email).toBe("masked");
    expect(eu.order_id).toMatch(/^country IN \('DE', 'FR'\)$/);
    expect(Object.keys(eu).sort()).toEqual(["amount", "country", "email", "order_date", "order_id"]);
    const masked = rows.find((r) => r.principal.name === "eu-team" && r.column === "email")!;
    expect(masked.via).toEqual([{ grant: "eu", source: "access", index: 0, piiReason: null, rows: "country IN ('DE', 'FR')" }]);
  });

  it("unions two grants of one principal: all rows win, and each column names the grants that show it", () => {
    const m = modelFrom(platform(), [
      sales([
        { name: "tagged", principal: "analysts", tags: { domain: ["sales"], confidentiality: ["confidential"] } },
        { name: "whole", principal: "analysts", tables: ["curated.rates"] },
      ]),
    ]);
    const rows = analyzeAccess(m);
    expect(pick(rows, "dev", "analysts", "orders")).toEqual({ order_id: "masked", email: "masked", amount: "all", country: "masked", order_date: "masked" });
    expect(pick(rows, "dev", "analysts", "rates")).toEqual({ currency: "all", rate: "all" });
    const amount = rows.find((r) => r.environment === "dev" && r.column === "amount")!;
    expect(amount.via.map((v) => v.grant)).toEqual(["tagged"]);
  });

  it("models a cross-account share as an external principal", () => {
    const m = modelFrom(platform(), [sales([{ name: "share", principal: "partner", tables: ["curated.rates"] }])]);
    const r = analyzeAccess(m).filter((x) => x.table === "rates");
    expect(r.map((x) => [x.environment, x.principal.id, x.principal.kind, x.principal.external, x.column])).toEqual([
      ["dev", "999999999999", "account", true, "currency"],
      ["dev", "999999999999", "account", true, "rate"],
      ["prod", "999999999999", "account", true, "currency"],
      ["prod", "999999999999", "account", true, "rate"],
    ]);
  });

  it("counts only grants that include SELECT as reading data", () => {
    const m = modelFrom(platform(), [sales([{ name: "meta", principal: "analysts", tables: ["curated.rates"], permissions: ["DESCRIBE"] }])]);
    expect(analyzeAccess(m)).toEqual([]);
  });
});

describe("piiFindings", () => {
  it("names the grant, principal, column and the mask that would fix a PII leak", () => {
    const m = modelFrom(platform(), [sales([{ name: "everything", principal: "analysts", tables: ["processed.orders"] }])]);
    expect(piiFindings(m).map((f) => [f.path, f.message, f.hint])).toEqual([
      [
        ["access", 0],
        'grant "everything" lets analysts read PII column sales.processed.orders.email unmasked in dev, prod',
        "mask it (table: processed.orders, mask: [email]), leave it out of the grant's tag expression, or add the principal to the PII readers of dev, prod",
      ],
    ]);
  });

  it("finds nothing when the PII column is masked, excluded by tags, or read by a PII reader", () => {
    const m = modelFrom(platform(), [
      sales([
        { name: "masked", principal: "eu-team", table: "processed.orders", mask: ["email"] },
        { name: "tagged", principal: "analysts", tags: { domain: ["sales"], confidentiality: ["internal", "confidential"] } },
        { name: "privacy", principal: "privacy", tables: ["processed.orders"] },
      ]),
    ]);
    expect(piiFindings(m)).toEqual([]);
    expect(analyzeAccess(m).find((r) => r.principal.name === "privacy" && r.column === "email")?.visibility).toBe("visible");
  });
});

describe("filterConflicts", () => {
  it("fails when a filtered principal also reaches the table through another grant", () => {
    const m = modelFrom(platform(), [
      sales([
        { name: "eu", principal: "eu-team", table: "processed.orders", rows: "country = 'DE'" },
        { name: "broad", principal: "eu-team", tags: { domain: ["sales"], confidentiality: ["internal"] } },
      ]),
    ]);
    expect(filterConflicts(m).map((p) => [p.path, p.code, p.message])).toEqual([
      [["access", 1], "grant-conflict", 'grant "broad" also reaches processed.orders for eu-team, which grant "eu" filters; Lake Formation would union them and void the filter'],
    ]);
  });

  it("allows a filtered principal other grants on other tables", () => {
    const m = modelFrom(platform(), [
      sales([
        { name: "eu", principal: "eu-team", table: "processed.orders", rows: "country = 'DE'" },
        { name: "rates", principal: "eu-team", tables: ["curated.rates"] },
      ]),
    ]);
    expect(filterConflicts(m)).toEqual([]);
  });
});
