import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { type DrStackSettings, rebuildDomain, rebuildPlatform } from "../../generators/dr/rebuild";
import { exportFromDrStacks } from "../../generators/dr/read-back";
import { DrDomainStack } from "../../generators/stacks/dr-domain-stack";
import { DrPlatformStack } from "../../generators/stacks/dr-platform-stack";
import { exportFixture } from "../helpers/export-fixture";
import { policyOf, resource, resourcesOf, type TfJson } from "../helpers/synth";

const settings: DrStackSettings = {
  backendOf: (n) => ({ type: "s3", bucket: "acme-tfstate", key: `lakeform/${n}.tfstate`, region: "eu-central-1" }),
  tagsOf: (d, env) => ({ domain: d, environment: env, "managed-by": "lakeform" }),
};
const primary = exportFixture();
const r = rebuildDomain(primary, "eu-central-1", settings);
if (!r.ok) throw new Error(JSON.stringify(r.problems));
const rebuild = r.rebuild;
const platform = rebuildPlatform([primary], "prod", "eu-central-1", ["arn:aws:iam::222222222222:role/lakeform-deployer"], settings);
const domainTf = JSON.parse(Testing.synth(new DrDomainStack(Testing.app(), rebuild))) as TfJson & { output: Record<string, { value: string }> };
const platformTf = JSON.parse(Testing.synth(new DrPlatformStack(Testing.app(), platform))) as TfJson;

describe("DrPlatformStack", () => {
  it("holds only the DR region's data-lake settings (no IAMAllowedPrincipals defaults) and the taxonomy, after them", () => {
    expect(Object.keys(platformTf.resource).sort()).toEqual(["aws_lakeformation_data_lake_settings", "aws_lakeformation_lf_tag"]);
    expect(platformTf.provider!.aws![0]).toMatchObject({ region: "eu-central-1", allowed_account_ids: ["222222222222"] });
    const s = resource(platformTf, "aws_lakeformation_data_lake_settings", "data_lake_settings");
    expect(s).toMatchObject({ admins: ["arn:aws:iam::222222222222:role/lakeform-deployer"], allow_full_table_external_data_access: false, external_data_filtering_allow_list: ["222222222222"] });
    expect(s).not.toHaveProperty("create_database_default_permissions");
    expect(s).not.toHaveProperty("create_table_default_permissions");
    expect(resource(platformTf, "aws_lakeformation_lf_tag", "confidentiality")).toMatchObject({ values: ["confidential", "internal", "pii", "public"], depends_on: ["aws_lakeformation_data_lake_settings.data_lake_settings"] });
    expect((platformTf.terraform as { backend: unknown }).backend).toEqual({ s3: { bucket: "acme-tfstate", key: "lakeform/dr-platform-prod.tfstate", region: "eu-central-1", encrypt: true, use_lockfile: true } });
  });
});

describe("DrDomainStack", () => {
  it("declares catalog and governance only: no bucket, key or compute, and no data source", () => {
    expect(Object.keys(domainTf.resource).sort()).toEqual([
      "aws_glue_catalog_database",
      "aws_glue_catalog_table",
      "aws_iam_role",
      "aws_iam_role_policies_exclusive",
      "aws_iam_role_policy",
      "aws_iam_role_policy_attachments_exclusive",
      "aws_lakeformation_data_cells_filter",
      "aws_lakeformation_permissions",
      "aws_lakeformation_resource",
      "aws_lakeformation_resource_lf_tags",
    ]);
    expect(domainTf.data ?? {}).toEqual({});
    expect(domainTf.provider!.aws![0]).toMatchObject({ region: "eu-central-1", allowed_account_ids: ["222222222222"] });
  });

  it("registers every zone's DR bucket, replicated or not, hybrid access off, through a DR-region role that reaches that bucket and the replica key by alias only", () => {
    expect(Object.keys(resourcesOf(domainTf, "aws_lakeformation_resource"))).toEqual(["processed", "raw"]);
    for (const z of ["processed", "raw"]) {
      const bucket = `acme-sales-${z}-prod-222222222222-eu-central-1`;
      expect(resource(domainTf, "aws_lakeformation_resource", z)).toMatchObject({
        arn: `arn:aws:s3:::${bucket}`,
        role_arn: `\${aws_iam_role.${z}.arn}`,
        hybrid_access_enabled: false,
        use_service_linked_role: false,
      });
      expect(resource(domainTf, "aws_iam_role", z).name).toBe(`acme-sales-lf-${z}-prod-eu-central-1`);
      const p = policyOf(resource(domainTf, "aws_iam_role_policy", `${z}__data-access`));
      expect(p.Statement.map((s) => s.Resource)).toEqual([`arn:aws:s3:::${bucket}/*`, `arn:aws:s3:::${bucket}`, "arn:aws:kms:eu-central-1:222222222222:key/*"]);
      expect(p.Statement[2]!.Condition).toEqual({ "ForAnyValue:StringEquals": { "kms:ResourceAliases": `alias/acme/prod/sales/${z}` } });
    }
  });

  it("points databases and tables at the DR buckets, tags them as exported, and keeps the table formats", () => {
    expect(resource(domainTf, "aws_glue_catalog_database", "sales_raw_prod").location_uri).toBe("s3://acme-sales-raw-prod-222222222222-eu-central-1/");
    expect(resource(domainTf, "aws_glue_catalog_database", "sales_raw_discovered_prod")).not.toHaveProperty("location_uri");
    expect(resource(domainTf, "aws_glue_catalog_database", "link__sales_cdr_curated_prod").target_database).toEqual({ catalog_id: "222222222222", database_name: "cdr_curated_prod" });
    const orders = resource(domainTf, "aws_glue_catalog_table", "sales_processed_prod__orders");
    expect(orders).toMatchObject({ database_name: "${aws_glue_catalog_database.sales_processed_prod.name}", storage_descriptor: { location: "s3://acme-sales-processed-prod-222222222222-eu-central-1/orders/" } });
    expect(resource(domainTf, "aws_glue_catalog_table", "sales_processed_prod__customers")).toHaveProperty("open_table_format_input");
    expect(resource(domainTf, "aws_lakeformation_resource_lf_tags", "sales_processed_prod__orders--customer_id").lf_tag).toEqual([{ catalog_id: "222222222222", key: "confidentiality", value: "pii" }]);
    expect(Object.keys(resourcesOf(domainTf, "aws_lakeformation_resource_lf_tags")).length).toBe(6);
  });

  it("writes one Lake Formation permission per exported grant, with its grant option, and the filters the filter grants wait for", () => {
    const perms = resourcesOf(domainTf, "aws_lakeformation_permissions");
    expect(Object.keys(perms).sort()).toEqual([...rebuild.names.grants].sort());
    expect(Object.keys(perms).length).toBe(primary.grants.length);
    const named = (name: string) => Object.entries(perms).filter(([k]) => k.startsWith(`${name}--`)).map(([, v]) => v)[0]!;
    expect(named("admins")).toMatchObject({ permissions: ["DESCRIBE", "SELECT"], permissions_with_grant_option: ["DESCRIBE", "SELECT"], table: { database_name: "${aws_glue_catalog_database.sales_raw_prod.name}", wildcard: true } });
    expect(named("crawler-location")).toMatchObject({ data_location: { arn: "arn:aws:s3:::acme-sales-raw-prod-222222222222-eu-central-1" }, depends_on: ["aws_lakeformation_resource.processed", "aws_lakeformation_resource.raw"] });
    expect(named("eu-orders")).toMatchObject({ data_cells_filter: { name: "eu-orders", table_name: "${aws_glue_catalog_table.sales_processed_prod__orders.name}" }, depends_on: ["aws_lakeformation_data_cells_filter.sales_processed_prod__orders__eu-orders"] });
    expect(named("creators")).toMatchObject({ catalog_resource: true, permissions: ["CREATE_DATABASE"] });
    expect(named("job-load-reads")).toMatchObject({ table_with_columns: { wildcard: true, name: "${aws_glue_catalog_table.sales_raw_prod__events.name}" } });
    expect(named("job-load-reads")).not.toHaveProperty("permissions_with_grant_option");
    expect(resource(domainTf, "aws_lakeformation_data_cells_filter", "sales_processed_prod__orders__ids-only").table_data).toEqual([
      expect.objectContaining({ column_names: ["amount", "order_id"], row_filter: [{ all_rows_wildcard: [{}] }] }),
    ]);
    expect(resource(domainTf, "aws_lakeformation_data_cells_filter", "sales_processed_prod__orders__eu-orders").table_data).toEqual([
      expect.objectContaining({ column_wildcard: [{ excluded_column_names: ["customer_id"] }], row_filter: [{ filter_expression: "region = 'EU'" }] }),
    ]);
  });

  it("records the export it was built from in output.rebuilt_from", () => {
    const meta = JSON.parse(domainTf.output.rebuilt_from!.value) as { contentHash: string; source: { region: string } };
    expect(meta.contentHash).toBe(primary.contentHash);
    expect(meta.source.region).toBe("eu-west-1");
  });
});

describe("round trip", () => {
  it("reads the DR stacks back into the primary export, remapped", () => {
    expect(exportFromDrStacks(platformTf as never, domainTf as never)).toEqual(rebuild.export);
  });
});
