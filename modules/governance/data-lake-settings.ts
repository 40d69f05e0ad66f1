import { LakeformationDataLakeSettings } from "@cdktf/provider-aws/lib/lakeformation-data-lake-settings";
import { Construct } from "constructs";

export interface DataLakeSettingsProps {
  readonly catalogId: string;
  /** The only data-lake administrators (IAM role or user ARNs). */
  readonly admins: readonly string[];
}

/**
 * The account's Lake Formation settings: one per account and region, so only
 * the platform stack may hold it. No default-permission blocks are written, so
 * PutDataLakeSettings carries no default permissions, which Lake Formation
 * reads as "Lake Formation permissions only": new databases and tables grant
 * nothing to IAMAllowedPrincipals. (The attributes are optional and computed in
 * the provider, so a console change that re-adds IAMAllowedPrincipals defaults
 * does not show as drift in a plan.)
 * Cross-account grants use version 4 (resource links, hybrid-free RAM shares).
 * External data filtering is allowed for this account's EMR engines only
 * (session tag "Amazon EMR"), which is how Spark on EMR and EMR Serverless
 * apply masks and row filters; full-table access by other engines stays off.
 *
 * Terraform address: `aws_lakeformation_data_lake_settings.<id>`.
 */
export class DataLakeSettings extends Construct {
  readonly settings: LakeformationDataLakeSettings;

  constructor(scope: Construct, id: string, props: DataLakeSettingsProps) {
    super(scope, id);
    this.settings = new LakeformationDataLakeSettings(this, "settings", {
      catalogId: props.catalogId,
      admins: [...props.admins].sort(),
      allowFullTableExternalDataAccess: false,
      // EMR runtime roles and EMR Serverless enforce Lake Formation filters themselves; only this account's may.
      allowExternalDataFiltering: true,
      externalDataFilteringAllowList: [props.catalogId],
      authorizedSessionTagValueList: ["Amazon EMR"],
      parameters: { CROSS_ACCOUNT_VERSION: "4" },
    });
    this.settings.overrideLogicalId(id);
  }
}
