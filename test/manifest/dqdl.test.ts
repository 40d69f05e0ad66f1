import { describe, expect, it } from "vitest";
import { customSqlProblem, dqdlProblems, dqdlRuleProblems, dqdlRuleset } from "../../generators/manifest/dqdl";

const COLUMNS: ReadonlySet<string> = new Set(["call_id", "msisdn", "region", "duration", "started_at", "call_date"]);

const problems = (...rules: string[]) => dqdlProblems(rules, COLUMNS);
/** The problems of one rule, without the `rule 0 `…`: ` prefix. */
const problemsOf = (rule: string) => problems(rule).map((p) => p.replace(/^rule 0 `[^`]*`: /, ""));

describe("dqdlProblems", () => {
  it.each([
    "RowCount > 0",
    "RowCount >= 10",
    "RowCount < 1000000",
    "RowCount <= 5",
    "RowCount = 42",
    "RowCount between 10 and 1000",
    "RowCount between 10 AND 1000",
    "ColumnCount = 6",
    "ColumnCount between 5 and 7",
    'IsComplete "msisdn"',
    'IsUnique "call_id"',
    'IsPrimaryKey "call_id"',
    'ColumnValues "region" in [ "eu-west-1", "us-east-1" ]',
    'ColumnValues "region" in ["eu"]',
    'ColumnValues "duration" in [ 0, 1, 2 ]',
    'ColumnValues "call_date" in [ "2024-01-01", "2024-01-02" ]',
    'ColumnValues "duration" between 0 and 86400',
    'ColumnValues "duration" between -1.5 and 2.25',
    'ColumnValues "call_date" between "2020-01-01" and "2030-12-31"',
    'ColumnValues "msisdn" matches "^\\+?[0-9]{6,15}$"',
    'ColumnValues "region" matches "[a-z]{2}-[a-z]+-\\d"',
    'Completeness "msisdn" >= 0.95',
    'Completeness "msisdn" between 0.5 and 1',
    'Uniqueness "call_id" = 1',
    'Uniqueness "region" < 0.1',
    'ColumnLength "region" <= 16',
    'ColumnLength "msisdn" between 6 and 16',
    'Freshness "started_at" <= 24 hours',
    'DataFreshness "started_at" <= 24 hours',
    'DataFreshness "started_at" > 1 days',
    'Freshness "started_at" between 2 days and 5 days',
    'DataFreshness "started_at" between 12 hours and 2 days',
    'CustomSql "select count(*) from primary where duration < 0" = 0',
    'CustomSql "SELECT COUNT(*) FROM primary" > 0',
    'CustomSql "select avg(duration) from primary p where p.region = \'eu\'" between 10 and 600',
    'CustomSql "select count(*) from primary a join primary b on a.call_id = b.call_id where a.msisdn <> b.msisdn" = 0',
    'CustomSql "select count(*) from (select call_id from primary group by call_id having count(*) > 1) d" = 0',
    'CustomSql "select count(*) from primary where call_id in (select call_id from primary where duration < 0)" = 0',
    'CustomSql "select max(extract(day from started_at)) from primary" <= 31',
    'CustomSql "select count(*) from `primary` where trim(both \' \' from region) = \'\'" = 0',
    'CustomSql "select sum(duration) from primary" >= -1.5',
    "  RowCount > 0\n",
    "RowCount\n  >\t0",
  ])("accepts %s", (rule) => {
    expect(problems(rule)).toEqual([]);
  });

  it("accepts no rules", () => {
    expect(dqdlProblems([], COLUMNS)).toEqual([]);
  });

  it("names the rule index and the rule in each problem, in rule order", () => {
    expect(problems("RowCount > 0", 'IsComplete "imsi"', "RowCount >> 1")).toEqual([
      'rule 1 `IsComplete "imsi"`: unknown column "imsi" (columns: call_date, call_id, duration, msisdn, region, started_at)',
      'rule 2 `RowCount >> 1`: expected a whole number, 0 or more, found ">"',
    ]);
  });

  it("reports every problem of a rule that parses", () => {
    expect(problemsOf('Completeness "imsi" between 2 and 1')).toEqual([
      'unknown column "imsi" (columns: call_date, call_id, duration, msisdn, region, started_at)',
      "2 is not a fraction from 0 to 1",
      "between 2 and 1: the lower bound must be less than the upper",
    ]);
  });

  it.each<[string, string, string]>([
    ["the rule is empty", "  ", "empty rule"],
    ["the rule type is unknown", 'IsCompleat "msisdn"', 'unknown rule type "IsCompleat" (accepted: RowCount, ColumnCount, IsComplete, IsUnique, IsPrimaryKey, ColumnValues, Completeness, Uniqueness, ColumnLength, Freshness, DataFreshness, CustomSql)'],
    ["the rule type is cased differently", "rowCount > 0", 'unknown rule type "rowCount"; rule types are case-sensitive: "RowCount"'],
    ["the rule type is DQDL Lakeform does not accept", 'ColumnExists "msisdn"', 'rule type "ColumnExists" is DQDL but not one Lakeform accepts'],
    ["a rule starts with something other than a name", '"msisdn" IsComplete', 'expected a rule type, found "\\"msisdn\\""'],
    ["the operator is unknown", "RowCount >> 0", 'expected a whole number, 0 or more, found ">"'],
    ["the operator is !=", "RowCount != 0", '"!=" is not accepted; use >, >=, <, <=, = or between'],
    ["the condition is negated", "RowCount not between 1 and 2", '"not" is not accepted; use >, >=, <, <=, = or between'],
    ["the condition is missing", "RowCount", "expected an operator (>, >=, <, <=, =) or between, found the end of the rule"],
    ["between is upper case", "RowCount BETWEEN 1 and 2", 'write "between" in lower case, found "BETWEEN"'],
    ["between has no and", "RowCount between 1 2", 'expected "and" between the bounds, found "2"'],
    ["between bounds are reversed", "RowCount between 10 and 5", "between 10 and 5: the lower bound must be less than the upper"],
    ["between bounds are equal", "ColumnCount between 5 and 5", "between 5 and 5: the lower bound must be less than the upper"],
    ["a row count is not whole", "RowCount > 0.5", "0.5 is not a whole number, 0 or more"],
    ["a row count is negative", "RowCount >= -1", "-1 is not a whole number, 0 or more"],
    ["a column count is not a number", "ColumnCount = six", 'expected a whole number, 0 or more, found "six"'],
    ["a threshold is dynamic", "RowCount > avg(last(3))", 'expected a whole number, 0 or more, found "avg"(…) (dynamic thresholds are not accepted)'],
    ["a column is not quoted", "IsComplete msisdn", 'write the column name in double quotes: "msisdn"'],
    ["a column is missing", "IsUnique", "expected a column name in double quotes, found the end of the rule"],
    ["a column does not exist", 'IsPrimaryKey "imsi"', 'unknown column "imsi" (columns: call_date, call_id, duration, msisdn, region, started_at)'],
    ["a column differs in case", 'IsComplete "MSISDN"', 'unknown column "MSISDN"; did you mean "msisdn"?'],
    ["IsPrimaryKey names two columns", 'IsPrimaryKey "call_id" "msisdn"', 'unexpected "\\"msisdn\\"" after the rule'],
    ["a string is unterminated", 'IsComplete "msisdn', 'unterminated string "\\"msisdn"'],
    ["a rule holds a carriage return", "RowCount\r> 0", 'unexpected character "\\r" (DQDL separates with spaces, tabs and newlines only)'],
    ["a rule holds an unknown character", "RowCount > 0;", 'unexpected character ";"'],
    ["a where clause follows", 'RowCount > 0 where "region = \'eu\'"', 'unexpected "where" after the rule (Lakeform accepts no where clauses, thresholds, labels or composite and/or rules; one rule per item)'],
    ["a threshold follows", 'ColumnValues "region" in [ "eu" ] with threshold > 0.9', 'unexpected "with" after the rule'],
    ["two rules are combined", 'IsComplete "msisdn" and IsComplete "region"', 'unexpected "and" after the rule'],
    ["two rules share one item", 'IsComplete "msisdn", IsComplete "region"', 'unexpected "," after the rule'],
    ["a composite rule is parenthesised", '(IsComplete "msisdn")', 'expected a rule type, found "("'],
    ["ColumnValues has no condition", 'ColumnValues "region"', "expected in, between or matches after the column, found the end of the rule"],
    ["ColumnValues uses a comparison", 'ColumnValues "duration" > 0', '">" is not accepted after ColumnValues; use in [ … ], between a and b, or matches "regex"'],
    ["ColumnValues keyword is upper case", 'ColumnValues "region" IN [ "eu" ]', 'write "in" in lower case, found "IN"'],
    ["an in list is empty", 'ColumnValues "region" in [ ]', "empty value list"],
    ["an in list is unclosed", 'ColumnValues "region" in [ "eu"', 'unclosed "[" (expected "]")'],
    ["an in list has no brackets", 'ColumnValues "region" in "eu"', 'expected "[" after "in", found "\\"eu\\""'],
    ["an in list holds a bare word", 'ColumnValues "region" in [ eu ]', 'expected a quoted string or a number in the value list, found "eu"'],
    ["an in list mixes strings and numbers", 'ColumnValues "region" in [ "eu", 1 ]', "the value list mixes strings and numbers; use one kind"],
    ["an in list mixes dates and strings", 'ColumnValues "region" in [ "2024-01-01", "eu" ]', 'the value list mixes dates or times (like "2024-01-01") with other strings'],
    ["a between date is not a date", 'ColumnValues "call_date" between "2024-01-01" and "soon"', 'expected a number or a date "yyyy-mm-dd" as the upper bound, found "\\"soon\\""'],
    ["a between date is not in the calendar", 'ColumnValues "call_date" between "2024-02-30" and "2024-03-01"', '"2024-02-30" is not a calendar date'],
    ["between dates are reversed", 'ColumnValues "call_date" between "2024-03-01" and "2024-01-01"', 'between "2024-03-01" and "2024-01-01": the lower bound must be earlier than the upper'],
    ["a regular expression is invalid", 'ColumnValues "msisdn" matches "[0-9"', 'invalid regular expression "[0-9": '],
    ["a regular expression is empty", 'ColumnValues "msisdn" matches ""', "empty regular expression"],
    ["a regular expression is not quoted", 'ColumnValues "msisdn" matches 123', 'expected a regular expression in double quotes after "matches", found "123"'],
    ["a completeness is above 1", 'Completeness "msisdn" > 1.5', "1.5 is not a fraction from 0 to 1"],
    ["a uniqueness is negative", 'Uniqueness "call_id" >= -0.1', "-0.1 is not a fraction from 0 to 1"],
    ["a column length is fractional", 'ColumnLength "region" <= 2.5', "2.5 is not a whole number, 0 or more"],
    ["a freshness has no unit", 'Freshness "started_at" <= 24', 'expected the unit hours or days after 24, found the end of the rule'],
    ["a freshness unit is unknown", 'DataFreshness "started_at" <= 2 weeks', 'expected the unit hours or days after 2, found "weeks"'],
    ["a freshness unit is an object property", 'DataFreshness "started_at" <= 2 constructor', 'expected the unit hours or days after 2, found "constructor"'],
    ["a freshness is zero", 'Freshness "started_at" <= 0 hours', "0 is not a whole number of hours or days above 0"],
    ["a freshness is fractional", 'Freshness "started_at" <= 1.5 days', "1.5 is not a whole number of hours or days above 0"],
    ["freshness bounds are reversed", 'Freshness "started_at" between 2 days and 24 hours', "between 2 days and 24 hours: the lower bound must be shorter than the upper"],
    ["a freshness is not a duration", 'Freshness "started_at" <= "2024-01-01"', 'expected a duration like 24 hours or 2 days, found "\\"2024-01-01\\""'],
    ["CustomSql is not quoted", "CustomSql select > 0", 'expected the SQL statement in double quotes, found "select"'],
    ["CustomSql has no threshold", 'CustomSql "select count(*) from primary"', "expected an operator (>, >=, <, <=, =) or between, found the end of the rule"],
    ["CustomSql is not a SELECT", 'CustomSql "delete from primary" > 0', 'CustomSql must be a SELECT statement, not "delete from primary"'],
    ["CustomSql starts with a CTE", 'CustomSql "with x as (select 1) select count(*) from x" > 0', "CustomSql must be a SELECT statement"],
    ["CustomSql reads another table", 'CustomSql "select count(*) from calls" > 0', 'CustomSql may read only the table primary, not "calls" (after FROM or JOIN)'],
    ["CustomSql qualifies primary", 'CustomSql "select count(*) from db.primary" > 0', 'CustomSql may read only the table primary, not "db"'],
    ["CustomSql joins another table", 'CustomSql "select count(*) from primary p join cdr.calls c on p.call_id = c.call_id" = 0', 'CustomSql may read only the table primary, not "cdr"'],
    ["CustomSql lists another table", 'CustomSql "select count(*) from primary p, other o" = 0', 'CustomSql may read only the table primary, not "other"'],
    ["CustomSql subquery reads another table", 'CustomSql "select count(*) from primary where call_id in (select id from other)" = 0', 'CustomSql may read only the table primary, not "other"'],
    ["CustomSql FROM subquery is followed by another table", 'CustomSql "select count(*) from (select 1 from primary) a, other" = 0', 'CustomSql may read only the table primary, not "other"'],
    ["CustomSql reads a table function", 'CustomSql "select count(*) from range(10)" > 0', 'CustomSql may read only the table primary, not "range"'],
    ["CustomSql reads no table", 'CustomSql "select 1" = 1', "CustomSql reads no table; select from primary (the evaluated table)"],
    ["CustomSql holds two statements", 'CustomSql "select count(*) from primary; select 1" > 0', 'CustomSql must be one statement, without ";"'],
    ["CustomSql selects into", 'CustomSql "select * into copy from primary" > 0', "CustomSql must only read (SELECT … INTO is not allowed)"],
    ["CustomSql holds a comment", 'CustomSql "select count(*) from primary -- x" > 0', "CustomSql holds an SQL comment; remove it"],
    ["CustomSql holds a double quote", 'CustomSql "select count(*) from primary where region = \\"eu\\"" > 0', "CustomSql holds a double quote"],
    ["CustomSql has unbalanced parentheses", 'CustomSql "select count(* from primary" > 0', 'CustomSql has an unclosed "("'],
    ["CustomSql has an unterminated string", 'CustomSql "select count(*) from primary where region = \'eu" > 0', "CustomSql has an unterminated 'string'"],
  ])("fails when %s", (_case, rule, expected) => {
    const found = problemsOf(rule);
    expect(found.length, found.join("\n")).toBeGreaterThan(0);
    expect(found.some((p) => p.startsWith(expected)), found.join("\n")).toBe(true);
  });

  it("fails when a rule repeats another, however spaced or aliased", () => {
    expect(problems("RowCount > 0", "RowCount   >  0", 'Freshness "started_at" <= 24 hours', 'DataFreshness "started_at" <= 24 hours')).toEqual([
      "rule 1 `RowCount > 0`: repeats rule 0",
      'rule 3 `DataFreshness "started_at" <= 24 hours`: repeats rule 2',
    ]);
  });

  it("fails when the ruleset would exceed Glue's 65536 characters", () => {
    const long = Array.from({ length: 1000 }, (_, i) => `CustomSql "select count(*) from primary where duration > ${i}" >= 0`);
    expect(dqdlProblems(long, COLUMNS)).toEqual([expect.stringMatching(/^the ruleset is \d+ characters; Glue stores at most 65536$/)]);
  });

  it("clips long rules in problems, spaces collapsed", () => {
    const rule = `CustomSql "select count(*) from other where ${"x = 1 and ".repeat(10)}y = 2" > 0`;
    expect(problems(rule)[0]).toMatch(/^rule 0 `CustomSql "select count\(\*\) from other where x = 1 and x = 1…`: CustomSql may read/);
  });
});

describe("customSqlProblem", () => {
  it("is undefined for a SELECT over primary", () => {
    expect(customSqlProblem("select count(*) from primary")).toBeUndefined();
  });

  it("fails when the SQL is empty", () => {
    expect(customSqlProblem("   ")).toBe("has an empty SQL statement");
  });

  it('fails when a ")" closes nothing', () => {
    expect(customSqlProblem("select count(*)) from primary")).toBe('has an unmatched ")"');
  });
});

describe("dqdlRuleset", () => {
  it("writes the rules in order, trimmed, one a line, inside Rules = [ … ]", () => {
    expect(dqdlRuleset(["  RowCount > 0 ", 'IsComplete "msisdn"\n', 'ColumnValues "region" in [ "eu", "us" ]'])).toBe(
      'Rules = [\n    RowCount > 0,\n    IsComplete "msisdn",\n    ColumnValues "region" in [ "eu", "us" ]\n]',
    );
  });

  it("writes a single rule without a trailing comma", () => {
    expect(dqdlRuleset(["RowCount > 0"])).toBe("Rules = [\n    RowCount > 0\n]");
  });

  it("spells Lakeform's Freshness alias as Glue's DataFreshness", () => {
    expect(dqdlRuleset(['Freshness "started_at" <= 24 hours', 'DataFreshness "started_at" > 1 days'])).toBe(
      'Rules = [\n    DataFreshness "started_at" <= 24 hours,\n    DataFreshness "started_at" > 1 days\n]',
    );
  });

  it("is stable: the same rules give the same bytes", () => {
    const rules = ["RowCount > 0", 'IsUnique "call_id"'];
    expect(dqdlRuleset(rules)).toBe(dqdlRuleset([...rules]));
  });

  it("fails when there are no rules", () => {
    expect(() => dqdlRuleset([])).toThrow("a DQDL ruleset needs at least one rule");
  });
});

describe("dqdlRuleProblems", () => {
  it("names the index of the rule each problem is about", () => {
    expect(dqdlRuleProblems(["RowCount > 0", 'IsComplete "Msisdn"', "RowCount  >  0"], COLUMNS)).toEqual([
      { index: 1, message: 'unknown column "Msisdn"; did you mean "msisdn"?' },
      { index: 2, message: "repeats rule 0" },
    ]);
  });

  it("gives a null index for a problem of the ruleset as a whole", () => {
    const long = Array.from({ length: 1000 }, (_, i) => `CustomSql "select count(*) from primary where duration > ${i}" >= 0`);
    expect(dqdlRuleProblems(long, COLUMNS)).toEqual([{ index: null, message: expect.stringMatching(/^the ruleset is \d+ characters; Glue stores at most 65536$/) }]);
  });
});
