import { describe, expect, it } from "vitest";
import { domainFlow, mermaidLabel } from "../../generators/review/mermaid";
import { modelFrom } from "../helpers/model-fixtures";
import { domainFixture, platformFixture } from "../helpers/project";

describe("mermaidLabel", () => {
  it("keeps a name inside its quoted label whatever it holds", () => {
    expect(mermaidLabel('a"] --> x[("b')).toBe('"a#34;#93; --#62; x#91;(#34;b"');
    expect(mermaidLabel("line\nbreak <b>&`|#")).toBe('"line break #60;b#62;#38;#96;#124;#35;"');
  });
});

describe("domainFlow", () => {
  it("draws streams, partner drops and jobs between the zones' tables, and the consumers with masks and filters", () => {
    const p = platformFixture();
    for (const [env, acct] of [["dev", "111111111111"], ["prod", "222222222222"]] as const) {
      p.environments[env].principals = { analysts: `arn:aws:iam::${acct}:role/analysts`, "eu-team": `arn:aws:iam::${acct}:role/eu-team`, partner: "999999999999" };
    }
    const d = domainFixture("sales");
    d.tables.push({ name: "events", zone: "raw", format: "json", columns: [{ name: "order_id", type: "string" }], partitionKeys: [{ name: "ingest_date", type: "date" }] });
    d.tables[0].columns.push({ name: "country", type: "char(2)" });
    d.ingestion = { streams: [{ name: "orders-in", table: "raw.events" }], partnerDrops: [{ name: "acme-drop", partner: "partner", prefix: "drops/acme/", description: "The partner uploads daily order files." }] };
    d.jobs = [{ name: "conform", engine: "glue", script: "jobs/conform.py", reads: ["raw.events"], writes: ["processed.orders"], processesPii: "Conforms order e-mail addresses; consumers see them masked." }];
    d.access = [
      { name: "analysts", principal: "analysts", tags: { domain: ["sales"], confidentiality: ["internal"] } },
      { name: "eu", principal: "eu-team", table: "processed.orders", mask: ["email"], rows: "country = 'DE'" },
    ];
    const m = modelFrom(p, [d]);
    expect(domainFlow(m, m.domains[0]!)).toBe(
      [
        "flowchart LR",
        '  subgraph g4["sources"]',
        '    s0[/"stream orders-in"/]',
        '    s2[/"partner drop acme-drop (partner)"/]',
        "  end",
        '  subgraph z3["raw zone"]',
        '    t1[("events")]',
        "  end",
        '  subgraph z5["processed zone"]',
        '    t6[("orders")]',
        "  end",
        '  subgraph g7["jobs"]',
        '    j8{{"conform (glue)"}}',
        "  end",
        '  subgraph g9["consumers"]',
        '    p10(["analysts"])',
        '    p11(["eu-team"])',
        "  end",
        "  s0 --> t1",
        "  s2 --> z3",
        "  t1 --> j8",
        "  j8 --> t6",
        '  t6 -- "masked" --> p10',
        "  t1 --> p10",
        '  t6 -- "masked, rows filtered" --> p11',
        "",
      ].join("\n"),
    );
  });
});
