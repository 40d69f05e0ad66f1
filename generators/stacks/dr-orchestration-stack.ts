import type { Construct } from "constructs";
import { AwsStack } from "../../modules/stack/aws-stack";
import type { EnvironmentModel, Model, StackModel } from "../model/types";
import { pipelineQueryIdentityStatements } from "./pipeline-queries";
import { environmentOrchestration } from "./platform-stack";
import { DEFAULT_STATE_ROOT, stackProps } from "./stack-props";

/**
 * `dr-orchestration-<env>`, applied in a failover after `dr-platform-<env>`:
 * the environment's orchestration in the DR region, from the DR model
 * (generators/model/dr-model.ts) — the private endpoints in the DR VPC, and
 * MWAA with its key, source bucket, access-log bucket and execution role,
 * whose statements start and watch the DR compute stacks' jobs, rulesets and
 * state machines (the DR model's pipelines), and — since the DR zone buckets
 * and replica keys belong to the always-on storage, whose policies name no
 * DR role — the pipeline queries' writes into their target tables as the
 * role's own IAM statements (pipelineQueryIdentityStatements). The same construct as the
 * platform stack's, so the Terraform addresses are the platform stack's.
 *
 * Not here: the Lake Formation settings and LF-tags (`dr-platform-<env>`,
 * from the exports), cost-allocation tags (account-wide, activated by the
 * primary platform stack) and the catalog-export storage (always on, in the
 * primary platform stack).
 */
export class DrOrchestrationStack extends AwsStack {
  constructor(scope: Construct, drModel: Model, stack: StackModel, env: EnvironmentModel, stateRoot = DEFAULT_STATE_ROOT) {
    super(scope, stack.name, stackProps(stack, stateRoot));
    environmentOrchestration(this, drModel, env, pipelineQueryIdentityStatements(drModel, env));
  }
}
