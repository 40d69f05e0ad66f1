import { describe, expect, it } from "vitest";
import { querySqlProblems, resolveQueryTables, sqlCode, sqlTableReferences } from "../../generators/manifest/query-sql";

const ZONES = ["raw", "processed", "curated"];
const TABLES = ["processed.calls", "processed.cells", "curated.cell_daily"];
const ctx = { into: "curated.cell_daily", reads: ["processed.calls"], zones: ZONES, tables: TABLES };
const GOOD = `-- per cell and day
INSERT INTO curated.cell_daily
SELECT cell_id, count(*) AS calls, call_date
FROM processed.calls
WHERE call_date = DATE '{{ ds }}'
GROUP BY cell_id, call_date;
`;

describe("sqlCode and sqlTableReferences", () => {
  it("sees code only: strings, quoted identifiers and both comment kinds are blanked", () => {
    const sql = `SELECT 'processed.cells' AS a, "processed.cells" AS b /* processed.cells */ FROM processed.calls -- processed.cells\n`;
    expect(sqlTableReferences(sql, ZONES).map((r) => r.ref)).toEqual(["processed.calls"]);
    expect(sqlCode("SELECT 'it''s' -- x\nFROM t")).toBe("SELECT    \nFROM t");
  });

  it("finds references case-insensitively and across spaces around the dot, but not columns of an alias or a longer name", () => {
    expect(sqlTableReferences("FROM Processed . Calls c JOIN x.processed_calls ON c.processed = my_processed.calls", ZONES).map((r) => r.ref)).toEqual(["processed.calls"]);
  });
});

describe("querySqlProblems", () => {
  it("accepts one INSERT INTO the target reading exactly its reads", () => {
    expect(querySqlProblems(GOOD, ctx)).toEqual([]);
  });

  it("fails when the file holds no statement, or more than one", () => {
    expect(querySqlProblems("-- nothing here\n", ctx)).toEqual(["the file holds no SQL statement"]);
    expect(querySqlProblems(`${GOOD}\nDELETE FROM curated.cell_daily`, ctx)).toEqual(["the file holds more than one statement; a query task runs one"]);
  });

  it("fails when the statement is a CTAS, or anything but INSERT INTO", () => {
    expect(querySqlProblems("CREATE TABLE curated.cell_daily AS SELECT * FROM processed.calls", ctx)).toEqual([
      'the statement starts with "CREATE TABLE" (CTAS would create a table the manifest does not declare); it must be INSERT INTO curated.cell_daily …',
    ]);
    expect(querySqlProblems("SELECT * FROM processed.calls", ctx)).toEqual(['the statement starts with "SELECT *"; it must be INSERT INTO curated.cell_daily …']);
  });

  it("fails when it inserts into another table than its into, or an unqualified one", () => {
    expect(querySqlProblems(GOOD.replace("INSERT INTO curated.cell_daily", "INSERT INTO processed.cells"), ctx)).toContain(
      "the statement inserts into processed.cells, not curated.cell_daily (its `into`); name the table as curated.cell_daily",
    );
    expect(querySqlProblems(GOOD.replace("INSERT INTO curated.cell_daily", "INSERT INTO cell_daily"), ctx)[0]).toBe(
      "the statement inserts into an unqualified table, not curated.cell_daily (its `into`); name the table as curated.cell_daily",
    );
  });

  it("fails when it reads a table outside its reads, an undeclared table, or never reads one its reads list", () => {
    expect(querySqlProblems(GOOD.replace("FROM processed.calls", "FROM processed.calls JOIN processed.cells USING (cell_id)"), ctx)).toEqual([
      "reads processed.cells, which is not in the task's reads; list it there, so the pipeline is granted it",
    ]);
    expect(querySqlProblems(GOOD.replace("FROM processed.calls", "FROM processed.calls JOIN processed.towers USING (cell_id)"), ctx)).toEqual([
      "names processed.towers, which the domain does not declare",
    ]);
    expect(querySqlProblems(GOOD, { ...ctx, reads: ["processed.calls", "processed.cells"] })).toEqual([
      "never names processed.cells, which the task's reads list; remove it from reads, so the pipeline is not granted it",
    ]);
  });
});

describe("resolveQueryTables", () => {
  it("writes each <zone>.<table> in code as the environment's <database>.<table>, and nothing else", () => {
    const out = resolveQueryTables(GOOD, ZONES, (z) => `cdr_${z}_prod`);
    expect(out).toBe(GOOD.replace("INSERT INTO curated.cell_daily", "INSERT INTO cdr_curated_prod.cell_daily").replace("FROM processed.calls", "FROM cdr_processed_prod.calls"));
    expect(resolveQueryTables("SELECT 'processed.calls' -- processed.calls\n", ZONES, () => "x")).toBe("SELECT 'processed.calls' -- processed.calls\n");
  });
});
