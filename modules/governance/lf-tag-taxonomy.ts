import { LakeformationLfTag } from "@cdktf/provider-aws/lib/lakeformation-lf-tag";
import { Construct } from "constructs";

export interface LfTagTaxonomyProps {
  readonly catalogId: string;
  readonly tags: readonly { readonly key: string; readonly values: readonly string[] }[];
}

/**
 * The account's LF-tag taxonomy: one LF-tag per key with its allowed values.
 *
 * Terraform addresses: `aws_lakeformation_lf_tag.<key>` (characters other than
 * letters, digits, `_` and `-` become `_`).
 */
export class LfTagTaxonomy extends Construct {
  readonly tags: LakeformationLfTag[];

  constructor(scope: Construct, id: string, props: LfTagTaxonomyProps) {
    super(scope, id);
    this.tags = [...props.tags]
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((t) => {
        const r = new LakeformationLfTag(this, t.key, { catalogId: props.catalogId, key: t.key, values: [...t.values].sort() });
        r.overrideLogicalId(t.key.replace(/[^A-Za-z0-9_-]/g, "_"));
        return r;
      });
  }
}
