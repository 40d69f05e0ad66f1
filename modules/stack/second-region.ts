import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { type TerraformProvider, TerraformResource } from "cdktf";
import type { Construct, IConstruct } from "constructs";

export interface SecondRegionProps {
  /** Provider alias, also the construct id: `aws.<alias>` in Terraform. */
  readonly alias: string;
  readonly region: string;
  /** The provider refuses to run against any other account. */
  readonly accountId: string;
  /** The stack's default tags, so resources in both regions carry the same. */
  readonly defaultTags: Readonly<Record<string, string>>;
}

/**
 * A second AWS provider for the same account in another region (the DR
 * region), for resources that must sit in one state with their primary
 * counterparts: a KMS replica key needs its primary key's ARN, known only
 * once that key exists, so the two cannot be in separate stacks without a
 * cross-stack reference or a data source. Returns the existing provider when
 * the stack already has one with this alias.
 *
 * Terraform: `provider "aws" { alias = "<alias>" … }`.
 */
export function secondRegionProvider(stack: Construct, props: SecondRegionProps): AwsProvider {
  const existing = stack.node.tryFindChild(`aws-${props.alias}`);
  if (existing) return existing as AwsProvider;
  return new AwsProvider(stack, `aws-${props.alias}`, {
    alias: props.alias,
    region: props.region,
    allowedAccountIds: [props.accountId],
    defaultTags: [{ tags: { ...props.defaultTags } }],
  });
}

/** Puts every resource under `scope` (a construct of the modules, built for one region) into `provider`'s region. */
export function inRegionOf(scope: IConstruct, provider: TerraformProvider): void {
  for (const c of scope.node.findAll()) if (c instanceof TerraformResource) c.provider = provider;
}
