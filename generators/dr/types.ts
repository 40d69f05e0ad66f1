import type { CatalogExportContent, ExportSource } from "../export/format";
import type { StackModel } from "../model/types";

/**
 * What a DR stack is built from: a catalog export with its region, bucket,
 * key and registration-role fields remapped to the DR side, and a Terraform
 * name for each resource. Pure data (no cdktf): `lakeform dr plan` prints
 * it, the DR stacks compose modules from it, and the round-trip test
 * compares it with what the stacks declare. Nothing here comes from a domain
 * manifest.
 */

export interface DrPlatformRebuild {
  /** `dr-platform-<env>`, in the DR region. */
  readonly stack: StackModel;
  /** Data-lake administrators: the platform manifest's (IAM is global). */
  readonly admins: readonly string[];
  /** The union of the exports' taxonomies, keys and values sorted. */
  readonly lfTags: readonly { readonly key: string; readonly values: readonly string[] }[];
}

/** A registration of a zone's DR bucket, through a role of the DR region. */
export interface DrRegistration {
  /** The zone's name: the Terraform name of the role and the registration. */
  readonly terraformName: string;
  readonly zone: string;
  readonly bucketArn: string;
  /** Alias ARN of the zone key's replica in the DR region. */
  readonly keyArn: string;
  readonly roleName: string;
  readonly roleArn: string;
}

/**
 * One of Lakeform's own principals in the export (a job, quality, crawler or
 * pipeline role, named per region) and the role of the DR region its grants
 * go to: the one the Model names with the DR region as primary, which the
 * DR compute stacks create.
 */
export interface DrPrincipalRemap {
  readonly kind: "job" | "pipeline" | "crawler";
  readonly principalName: string | null;
  /** The primary's role, as exported. */
  readonly from: string;
  /** The DR region's role; null: the principal is kept as exported, for `why`. */
  readonly to: string | null;
  readonly why: string | null;
}

/** Something of the export the rebuild leaves out, and why. */
export interface DrSkipped {
  readonly what: string;
  readonly why: string;
}

export interface DrDomainRebuild {
  /** `dr-<domain>-<env>`, in the DR region. */
  readonly stack: StackModel;
  /** The export it was built from: where, and its content hash. */
  readonly primary: { readonly source: ExportSource; readonly contentHash: string };
  /**
   * The DR side as export content: the primary export with the region, S3
   * locations and bucket ARNs, key ARNs, registration roles and Lakeform's
   * own principals remapped, and without what `skipped` lists. What the
   * stack declares, read back (`exportFromDrStacks`), must equal it.
   */
  readonly export: CatalogExportContent;
  readonly registrations: readonly DrRegistration[];
  /** Every own principal of the rebuilt grants, remapped or kept, sorted by principal name and role. */
  readonly principals: readonly DrPrincipalRemap[];
  /** Terraform names, by the export entry's identity (see `keyOf…` in rebuild.ts). */
  readonly names: {
    readonly databases: Readonly<Record<string, string>>;
    readonly resourceLinks: Readonly<Record<string, string>>;
    readonly tables: Readonly<Record<string, string>>;
    readonly filters: Readonly<Record<string, string>>;
    readonly grants: readonly string[];
  };
  readonly skipped: readonly DrSkipped[];
}
