import type { Construct } from "constructs";
import { DataLakeSettings } from "../../modules/governance/data-lake-settings";
import { LfTagTaxonomy } from "../../modules/governance/lf-tag-taxonomy";
import { AwsStack } from "../../modules/stack/aws-stack";
import type { DrPlatformRebuild } from "../dr/types";
import { DEFAULT_STATE_ROOT, stackProps } from "./stack-props";

/**
 * `dr-platform-<env>`: Lake Formation is regional, so the DR region needs its
 * own data-lake settings (the same admins, no IAMAllowedPrincipals defaults,
 * the same EMR filtering) and the LF-tag taxonomy before any domain's DR
 * stack can tag or grant. The taxonomy is the union of the exports' (every
 * export carries the taxonomy it was written under); the admins come from the
 * platform manifest, which is configuration, not catalog state.
 *
 * Terraform addresses: `aws_lakeformation_data_lake_settings.data_lake_settings`,
 * `aws_lakeformation_lf_tag.<key>` — the platform stack's.
 */
export class DrPlatformStack extends AwsStack {
  constructor(scope: Construct, rebuild: DrPlatformRebuild, stateRoot = DEFAULT_STATE_ROOT) {
    super(scope, rebuild.stack.name, stackProps(rebuild.stack, stateRoot));
    const settings = new DataLakeSettings(this, "data_lake_settings", { catalogId: rebuild.stack.accountId, admins: rebuild.admins });
    new LfTagTaxonomy(this, "lf_tags", { catalogId: rebuild.stack.accountId, tags: rebuild.lfTags, dependsOn: [settings.settings] });
  }
}
