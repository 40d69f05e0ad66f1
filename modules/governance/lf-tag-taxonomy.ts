import { LakeformationLfTag } from "@cdktf/provider-aws/lib/lakeformation-lf-tag";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

export interface LfTagTaxonomyProps {
  readonly catalogId: string;
  /** Keys must be legal Terraform names (letters, digits, `_`, `-`): each becomes one. */
  readonly tags: readonly { readonly key: string; readonly values: readonly string[] }[];
  /**
   * Resources the tags must wait for (the data-lake settings that make the deployer an admin).
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * The account's LF-tag taxonomy: one LF-tag per key with its allowed values.
 *
 * Terraform addresses: `aws_lakeformation_lf_tag.<key>`.
 */
export class LfTagTaxonomy extends Construct {
  readonly tags: LakeformationLfTag[];

  constructor(scope: Construct, id: string, props: LfTagTaxonomyProps) {
    super(scope, id);
    this.tags = [...props.tags]
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((t) => {
        if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(t.key)) throw new Error(`LF-tag key "${t.key}" is not a legal Terraform name`);
        const r = new LakeformationLfTag(this, t.key, {
          catalogId: props.catalogId,
          key: t.key,
          values: [...t.values].sort(),
          ...(props.dependsOn ? { dependsOn: [...props.dependsOn] } : {}),
        });
        r.overrideLogicalId(t.key);
        return r;
      });
  }
}
