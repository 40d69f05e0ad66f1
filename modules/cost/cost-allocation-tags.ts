import { CeCostAllocationTag } from "@cdktf/provider-aws/lib/ce-cost-allocation-tag";
import { Construct } from "constructs";

export interface CostAllocationTagsProps {
  /** User-defined tag keys to activate for cost allocation, e.g. domain, environment. */
  readonly tagKeys: readonly string[];
}

/**
 * Activates user-defined tag keys as cost-allocation tags of the account, so
 * Cost Explorer, the Cost and Usage Report and Budgets' tag filters see them.
 * Activation is account-wide: exactly one stack per account may hold it.
 *
 * Terraform addresses: `aws_ce_cost_allocation_tag.<key>`, keys sorted.
 */
export class CostAllocationTags extends Construct {
  readonly tags: CeCostAllocationTag[];

  constructor(scope: Construct, id: string, props: CostAllocationTagsProps) {
    super(scope, id);
    const keys = [...props.tagKeys].sort();
    const problems = keys.flatMap((k, i) => [
      ...(/^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+@-]{1,128}$/u.test(k) ? [] : [`tag key "${k}" is not a user-defined tag key`]),
      ...(/^[A-Za-z0-9_-]+$/.test(k) ? [] : [`tag key "${k}" cannot name a Terraform resource; use letters, digits, _ and -`]),
      ...(keys.indexOf(k) !== i ? [`tag key "${k}" listed twice`] : []),
    ]);
    if (keys.length === 0) problems.push("no tag keys to activate");
    if (problems.length > 0) throw new Error(`CostAllocationTags ${this.node.path}: ${problems.join("; ")}`);
    this.tags = keys.map((k) => {
      const tag = new CeCostAllocationTag(this, k, { tagKey: k, status: "Active" });
      tag.overrideLogicalId(k);
      return tag;
    });
  }
}
