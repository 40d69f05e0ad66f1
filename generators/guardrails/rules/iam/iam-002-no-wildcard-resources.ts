import { isCompanionZoneKeys } from "../../companions";
import type { GuardrailRule } from "../../types";
import { type Check, hasWildcard, iamStatements, isClustersOfStackStateMachine, isDocumentedResourceStar, isEmrCreatedEc2Resources, isExecutionsOfOneStateMachine, isObjectsUnderPrefix, isStreamsOfStackLogGroup, isTablesOfCrawledDatabase, list, onlyUnscopableActions } from "../../terraform";

/**
 * (e) AwsSolutions-IAM5 on resources, CKV_AWS_355: no Allow on Resource `*`
 * (but for statements of UNSCOPABLE_ACTIONS_DOCUMENTED alone) or NotResource;
 * a wildcard only where it stays inside one resource of the stack: the objects
 * under one literal prefix of one of its buckets (`<bucket ARN>/*` is the form
 * cdk-nag's documented suppression, `appliesTo: Resource::<bucket-arn>/*`,
 * accepts; a prefix of it is narrower), or the streams of one of its log groups
 * (`<log group ARN>:*`, what logs:CreateLogStream and PutLogEvents act on),
 * or what EMR creates per cluster, by type, under EMR's own tag
 * (isEmrCreatedEc2Resources; IAM-005 keeps launches off subnets and groups),
 * or, in a DR compute stack, the keys of one account and region let through
 * only under `kms:ResourceAliases` naming its zones' replica keys (which it
 * knows by alias alone: modules/identity/kms-key-access.ts).
 */
export const checkIamResources: Check = (stacks) =>
  iamStatements("AwsSolutions-IAM5/CKV_AWS_355", stacks, (st, s, d) => {
    if (st.Effect !== "Allow") return [];
    const out: string[] = [];
    if (st.NotResource !== undefined) out.push("Allow with NotResource reaches every other resource");
    for (const r of list(st.Resource).map(String)) {
      if (r === "*") {
        if (!onlyUnscopableActions(st) && !isDocumentedResourceStar(st, d.name)) out.push('Allow on Resource "*"');
      } else if (hasWildcard(r) && !isObjectsUnderPrefix(s, r) && !isStreamsOfStackLogGroup(s, r) && !isTablesOfCrawledDatabase(s, r) && !isClustersOfStackStateMachine(s, st, r) && !isExecutionsOfOneStateMachine(s, r) && !isEmrCreatedEc2Resources(s, st, r) && !isCompanionZoneKeys(s.companions, r, st.Condition)) {
        out.push(`Resource "${r}" has a wildcard that is not the objects under one prefix of a bucket of the stack, nor the streams of one of its log groups`);
      }
    }
    return out;
  });

export const rule: GuardrailRule = {
  id: "IAM-002",
  severity: "error",
  scope: "terraform",
  rule: "No Allow on Resource * (but the documented unscopable actions and reasoned statements), and wildcards only inside one resource of the stack.",
  explanation: "Resources are named; a wildcard is accepted only for the objects under one prefix of a bucket of the stack, the streams of one log group, a crawler's own database, a state machine's executions and tagged clusters, the EC2 resources EMR creates per cluster under its own tag, or (DR compute) its zones' replica keys under kms:ResourceAliases.",
  source: ["AwsSolutions-IAM5", "CKV_AWS_355", "CKV_AWS_290", "CKV_AWS_288"],
  check: ({ stacks }) => checkIamResources(stacks),
};
