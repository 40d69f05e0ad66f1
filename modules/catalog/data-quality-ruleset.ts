import { GlueDataQualityRuleset } from "@cdktf/provider-aws/lib/glue-data-quality-ruleset";
import { Token } from "cdktf";
import { Construct } from "constructs";

export interface DataQualityRulesetProps {
  /**
   * Terraform resource name of the ruleset.
   * @default - the construct id
   */
  readonly terraformName?: string;
  /** Ruleset name, unique in the account and region: 1-255 characters, no line breaks. */
  readonly name: string;
  /** At most 2048 characters. */
  readonly description: string;
  /** The DQDL document, `Rules = [ … ]` (see dqdlRuleset); at most 65536 characters. */
  readonly ruleset: string;
  /** Database of the table; pass the table resource's `databaseName` so the ruleset is created after the table. */
  readonly databaseName: string;
  /** The table the rules are evaluated on; pass the table resource's `name`. */
  readonly tableName: string;
  /** The account whose Data Catalog holds the table. */
  readonly catalogId: string;
}

/**
 * A Glue Data Quality ruleset bound to one catalog table. Evaluations are
 * started elsewhere (the pipeline's quality tasks); the ruleset only holds
 * the rules.
 *
 * Terraform address: `aws_glue_data_quality_ruleset.<name>`.
 */
export class DataQualityRuleset extends Construct {
  readonly ruleset: GlueDataQualityRuleset;

  constructor(scope: Construct, id: string, props: DataQualityRulesetProps) {
    super(scope, id);
    const problems = dataQualityRulesetProblems(props);
    if (problems.length > 0) {
      throw new Error(`DataQualityRuleset ${this.node.path}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    this.ruleset = new GlueDataQualityRuleset(this, "ruleset", {
      name: props.name,
      description: props.description,
      ruleset: props.ruleset,
      targetTable: { databaseName: props.databaseName, tableName: props.tableName, catalogId: props.catalogId },
    });
    this.ruleset.overrideLogicalId(props.terraformName ?? id);
  }
}

/** Glue's name pattern: no control characters but tab. */
const NAME = /^[^\u0000-\u0008\u000a-\u001f]{1,255}$/;
/** A `Rules = [ … ]` document, the only section Lakeform writes. */
const RULES_DOCUMENT = /^Rules\s*=\s*\[[\s\S]*\S[\s\S]*\]$/;

/** Every problem with the props, one sentence each; empty when they are fine. Tokens are not checked. */
export function dataQualityRulesetProblems(props: DataQualityRulesetProps): string[] {
  const out: string[] = [];
  const literal = (s: string) => !Token.isUnresolved(s);
  if (literal(props.name) && !NAME.test(props.name)) out.push(`name "${props.name}" must be 1-255 characters without line breaks`);
  if (literal(props.description) && props.description.length > 2048) out.push(`description is ${props.description.length} characters (at most 2048)`);
  if (literal(props.ruleset)) {
    if (props.ruleset.length > 65_536) out.push(`ruleset is ${props.ruleset.length} characters (at most 65536)`);
    if (!RULES_DOCUMENT.test(props.ruleset)) out.push(`ruleset must be a DQDL document "Rules = [ … ]" with at least one rule (build it with dqdlRuleset)`);
  }
  for (const [field, value] of [
    ["databaseName", props.databaseName],
    ["tableName", props.tableName],
  ] as const) {
    if (literal(value) && (value.length < 1 || value.length > 255)) out.push(`${field} "${value}" must be 1-255 characters`);
  }
  if (literal(props.catalogId) && !/^\d{12}$/.test(props.catalogId)) out.push(`catalogId "${props.catalogId}" is not a 12-digit account id`);
  return out;
}

/**
 * The EventBridge pattern of "a quality evaluation of one of these rulesets
 * found failing rules", for FailureAlarms.
 *
 * Shape, from AWS's Glue Data Quality documentation ("Setting up alerts") and
 * published sample events: Glue sends `source` "aws.glue-dataquality",
 * `detail-type` "Data Quality Evaluation Results Available", and a detail
 * holding `rulesetNames` (an array: EventBridge matches when any element is
 * one of ours), `state` ("SUCCEEDED" or "FAILED"), `score`, rule counts and a
 * `context` naming the database and table (contextType GLUE_DATA_CATALOG) or
 * the job (GLUE_JOB).
 *
 * Uncertain: AWS does not state exactly when `state` is "FAILED"; the
 * documented alerting example filters on it to mean "rules failed", which is
 * what this pattern relies on. An evaluation run that errors before producing
 * results may send no such event at all; the pipeline task that starts the
 * run fails in that case, which covers it. The event type is documented as
 * best-effort delivery.
 *
 * Names are de-duplicated and sorted, so the pattern is the same bytes for
 * the same set. Throws when there are no names: an empty array matches
 * nothing, and EventBridge rejects it.
 */
export function dataQualityFailurePattern(rulesetNames: readonly string[]): Readonly<Record<string, unknown>> {
  if (rulesetNames.length === 0) throw new Error("dataQualityFailurePattern: no ruleset names; a pattern matching no ruleset would never fire");
  return {
    source: ["aws.glue-dataquality"],
    "detail-type": ["Data Quality Evaluation Results Available"],
    detail: {
      rulesetNames: [...new Set(rulesetNames)].sort(),
      state: ["FAILED"],
    },
  };
}
