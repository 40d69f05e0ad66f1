import { GlueCatalogTable } from "@cdktf/provider-aws/lib/glue-catalog-table";
import { describe, expect, it } from "vitest";
import {
  DataQualityRuleset,
  type DataQualityRulesetProps,
  dataQualityFailurePattern,
} from "../../../modules/catalog/data-quality-ruleset";
import { resource, resourcesOf, synthScope, type TfJson } from "../../helpers/synth";

const CATALOG = "111111111111";
const RULESET = 'Rules = [\n    RowCount > 0,\n    IsComplete "msisdn"\n]';

function props(over: Partial<DataQualityRulesetProps> = {}): DataQualityRulesetProps {
  return {
    name: "acme-cdr-dev-processed-calls",
    description: "quality gate of processed.calls",
    ruleset: RULESET,
    databaseName: "cdr_processed_dev",
    tableName: "calls",
    catalogId: CATALOG,
    ...over,
  };
}

const synth = (p: DataQualityRulesetProps, id = "processed__calls"): TfJson => synthScope((s) => void new DataQualityRuleset(s, id, p));

describe("DataQualityRuleset", () => {
  it("holds the ruleset text, bound to the table", () => {
    expect(resource(synth(props()), "aws_glue_data_quality_ruleset", "processed__calls")).toEqual({
      name: "acme-cdr-dev-processed-calls",
      description: "quality gate of processed.calls",
      ruleset: RULESET,
      target_table: { database_name: "cdr_processed_dev", table_name: "calls", catalog_id: CATALOG },
    });
  });

  it("is named by terraformName when given, and is the only resource", () => {
    const tf = synth(props({ terraformName: "quality__calls" }));
    expect(Object.keys(resourcesOf(tf, "aws_glue_data_quality_ruleset"))).toEqual(["quality__calls"]);
    expect(Object.keys(tf.resource)).toEqual(["aws_glue_data_quality_ruleset"]);
  });

  it("is created after the table when given the table's tokens", () => {
    const tf = synthScope((s) => {
      const table = new GlueCatalogTable(s, "calls", { name: "calls", databaseName: "cdr_processed_dev", catalogId: CATALOG });
      table.overrideLogicalId("processed__calls");
      new DataQualityRuleset(s, "quality__calls", props({ databaseName: table.databaseName, tableName: table.name }));
    });
    expect(resource(tf, "aws_glue_data_quality_ruleset", "quality__calls").target_table).toEqual({
      database_name: "${aws_glue_catalog_table.processed__calls.database_name}",
      table_name: "${aws_glue_catalog_table.processed__calls.name}",
      catalog_id: CATALOG,
    });
  });

  it("fails when the name, description, ruleset, table or catalog is malformed, naming every problem", () => {
    const run = () =>
      synth(
        props({
          name: "two\nlines",
          description: "x".repeat(2049),
          ruleset: "RowCount > 0",
          tableName: "",
          catalogId: "acme",
        }),
      );
    expect(run).toThrow(
      [
        "DataQualityRuleset stack/processed__calls: 5 problems:",
        '  - name "two\nlines" must be 1-255 characters without line breaks',
        "  - description is 2049 characters (at most 2048)",
        '  - ruleset must be a DQDL document "Rules = [ … ]" with at least one rule (build it with dqdlRuleset)',
        '  - tableName "" must be 1-255 characters',
        '  - catalogId "acme" is not a 12-digit account id',
      ].join("\n"),
    );
  });

  it("fails when the name is over 255 characters or the ruleset has no rules or is over 65536 characters", () => {
    expect(() => synth(props({ name: "n".repeat(256) }))).toThrow("must be 1-255 characters without line breaks");
    expect(() => synth(props({ ruleset: "Rules = [ ]" }))).toThrow('ruleset must be a DQDL document "Rules = [ … ]"');
    expect(() => synth(props({ ruleset: `Rules = [\n    ${"RowCount > 0,".repeat(6000)}RowCount > 0\n]` }))).toThrow(/ruleset is \d+ characters \(at most 65536\)/);
  });
});

describe("dataQualityFailurePattern", () => {
  it("matches failed evaluation results of the given rulesets, sorted and de-duplicated", () => {
    expect(dataQualityFailurePattern(["b-ruleset", "a-ruleset", "b-ruleset"])).toEqual({
      source: ["aws.glue-dataquality"],
      "detail-type": ["Data Quality Evaluation Results Available"],
      detail: { rulesetNames: ["a-ruleset", "b-ruleset"], state: ["FAILED"] },
    });
  });

  it("is the same JSON for the same set of names", () => {
    expect(JSON.stringify(dataQualityFailurePattern(["x", "y"]))).toBe(JSON.stringify(dataQualityFailurePattern(["y", "x"])));
  });

  it("fails when there are no ruleset names", () => {
    expect(() => dataQualityFailurePattern([])).toThrow("no ruleset names");
  });
});
