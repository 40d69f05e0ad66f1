import { GlueCatalogDatabase } from "@cdktf/provider-aws/lib/glue-catalog-database";
import { Construct } from "constructs";
import { LfTagAssignment, type LfTagValue } from "../governance/lf-tag-assignment";

export interface GlueDatabaseProps {
  /**
   * Terraform resource name of every resource of this construct.
   * @default - the construct id
   */
  readonly terraformName?: string;
  readonly name: string;
  readonly catalogId: string;
  readonly description: string;
  /**
   * `s3://bucket/`: where the database's tables live.
   * @default - none (a database whose tables say where they live, such as one rebuilt from an export that had none)
   */
  readonly locationUri?: string;
  /**
   * LF-tags on the database; its tables inherit them.
   * @default - none
   */
  readonly lfTags?: readonly LfTagValue[];
}

/**
 * A Glue database under Lake Formation control. No
 * `create_table_default_permission` block is written: the database takes the
 * account's defaults, which the platform stack sets to empty, so neither the
 * database nor its future tables grant anything to IAMAllowedPrincipals.
 * (Provider 5.x sends an empty block as one empty principal, which Glue
 * rejects; hashicorp/terraform-provider-aws#43226.)
 *
 * Terraform addresses: `aws_glue_catalog_database.<id>`,
 * `aws_lakeformation_resource_lf_tags.<id>`.
 */
export class GlueDatabase extends Construct {
  readonly database: GlueCatalogDatabase;

  constructor(scope: Construct, id: string, props: GlueDatabaseProps) {
    super(scope, id);
    const name = props.terraformName ?? id;
    this.database = new GlueCatalogDatabase(this, "database", {
      name: props.name,
      catalogId: props.catalogId,
      description: props.description,
      ...(props.locationUri !== undefined ? { locationUri: props.locationUri } : {}),
    });
    this.database.overrideLogicalId(name);
    if (props.lfTags && props.lfTags.length > 0) {
      new LfTagAssignment(this, name, {
        catalogId: props.catalogId,
        target: { database: { name: this.database.name, catalogId: props.catalogId } },
        tags: props.lfTags,
      });
    }
  }
}
