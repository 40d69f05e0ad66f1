import { GlueCatalogDatabase } from "@cdktf/provider-aws/lib/glue-catalog-database";
import { Construct } from "constructs";

export interface ResourceLinkProps {
  /** Terraform resource name. @default - the construct id */
  readonly terraformName?: string;
  /** Name of the link in the consumer's catalog. */
  readonly name: string;
  /** The consumer's catalog (account). */
  readonly catalogId: string;
  readonly description: string;
  /** The shared database: its catalog (account) and name. */
  readonly target: { readonly catalogId: string; readonly databaseName: string; readonly region?: string };
}

/**
 * A resource link: a database in the consumer's catalog that points at a
 * database another domain shares, so the consumer's engines find the shared
 * tables under the consumer's own namespace. It holds no data and grants
 * nothing: the producer's grants decide what the link shows.
 *
 * Terraform address: `aws_glue_catalog_database.<name>`.
 */
export class ResourceLink extends Construct {
  readonly database: GlueCatalogDatabase;

  constructor(scope: Construct, id: string, props: ResourceLinkProps) {
    super(scope, id);
    if (props.target.catalogId === props.catalogId && props.target.databaseName === props.name) {
      throw new Error(`resource link ${props.name} would point at itself`);
    }
    this.database = new GlueCatalogDatabase(this, "link", {
      name: props.name,
      catalogId: props.catalogId,
      description: props.description,
      targetDatabase: { catalogId: props.target.catalogId, databaseName: props.target.databaseName, ...(props.target.region ? { region: props.target.region } : {}) },
    });
    this.database.overrideLogicalId(props.terraformName ?? id);
  }
}
