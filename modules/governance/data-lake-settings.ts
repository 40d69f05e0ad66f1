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
      parameters: { CROSS_ACCOUNT_VERSION: "4" },
    });
    this.settings.overrideLogicalId(id);
  }
}
