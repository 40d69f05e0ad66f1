import type { Construct } from "constructs";
import { DataLakeSettings } from "../../modules/governance/data-lake-settings";
import { LfTagTaxonomy } from "../../modules/governance/lf-tag-taxonomy";
import { PrivateEndpoints } from "../../modules/network/private-endpoints";
import { AwsStack } from "../../modules/stack/aws-stack";
import type { EnvironmentModel, Model, StackModel } from "../model/types";
import { DEFAULT_STATE_ROOT, stackProps } from "./stack-props";

/**
 * `platform-<env>`: what exists once per account and region. The Lake
 * Formation settings live only here (two owners of one account's settings
 * would overwrite each other on every apply), with the taxonomy as LF-tags,
 * and the VPC endpoints every domain's compute reaches AWS through.
 */
export class PlatformStack extends AwsStack {
  constructor(scope: Construct, model: Model, stack: StackModel, env: EnvironmentModel, stateRoot = DEFAULT_STATE_ROOT) {
    super(scope, stack.name, stackProps(stack, stateRoot));
    const settings = new DataLakeSettings(this, "data_lake_settings", { catalogId: env.accountId, admins: env.lakeFormationAdmins });
    // Creating LF-tags needs the caller to be a data-lake admin: settings first.
    new LfTagTaxonomy(this, "lf_tags", { catalogId: env.accountId, tags: model.lfTags, dependsOn: [settings.settings] });
    // Data-plane traffic stays on the AWS backbone: S3 through a gateway, every other service through PrivateLink.
    new PrivateEndpoints(this, "endpoints", {
      vpcId: env.network.vpcId,
      vpcCidr: env.network.vpcCidr,
      privateSubnetIds: env.network.privateSubnetIds,
      routeTableIds: env.network.privateRouteTableIds,
      region: env.region,
      allowedAccountIds: [env.accountId],
      ...(env.network.organizationId ? { organizationId: env.network.organizationId } : {}),
    });
  }
}
