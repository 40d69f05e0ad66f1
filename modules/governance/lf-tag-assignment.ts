import {
  LakeformationResourceLfTags,
  type LakeformationResourceLfTagsConfig,
} from "@cdktf/provider-aws/lib/lakeformation-resource-lf-tags";
import { Construct } from "constructs";

export interface LfTagValue {
  readonly key: string;
  readonly value: string;
}

export interface LfTagAssignmentProps {
  readonly catalogId: string;
  /** Exactly one of database, table or tableWithColumns, as the provider takes it. */
  readonly target: Pick<LakeformationResourceLfTagsConfig, "database" | "table" | "tableWithColumns">;
  readonly tags: readonly LfTagValue[];
}

/**
 * LF-tags on one catalog resource. Lake Formation inherits tags downwards
 * (database → table → column), so only a level's own tags are assigned here.
 *
 * Terraform address: `aws_lakeformation_resource_lf_tags.<id>`.
 */
export class LfTagAssignment extends Construct {
  constructor(scope: Construct, id: string, props: LfTagAssignmentProps) {
    super(scope, `${id}-lf-tags`);
    const r = new LakeformationResourceLfTags(this, "tags", {
      catalogId: props.catalogId,
      ...props.target,
      lfTag: [...props.tags]
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .map((t) => ({ key: t.key, value: t.value, catalogId: props.catalogId })),
    });
    r.overrideLogicalId(id);
  }
}
