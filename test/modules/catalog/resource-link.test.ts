import { describe, expect, it } from "vitest";
import { ResourceLink } from "../../../modules/catalog/resource-link";
import { resource, synthScope } from "../../helpers/synth";

describe("ResourceLink", () => {
  it("is a database in the consumer's catalog that targets the producer's database", () => {
    const tf = synthScope((s) => {
      new ResourceLink(s, "l", {
        terraformName: "link__cdr__curated",
        name: "billing_cdr_curated_prod",
        catalogId: "222222222222",
        description: "d",
        target: { catalogId: "333333333333", databaseName: "cdr_curated_prod" },
      });
    });
    const r = resource(tf, "aws_glue_catalog_database", "link__cdr__curated");
    expect(r).toMatchObject({ name: "billing_cdr_curated_prod", catalog_id: "222222222222", target_database: { catalog_id: "333333333333", database_name: "cdr_curated_prod" } });
    expect(r.location_uri).toBeUndefined();
  });

  it("fails when the link would point at itself", () => {
    expect(() =>
      synthScope((s) => {
        new ResourceLink(s, "l", { name: "x", catalogId: "1", description: "", target: { catalogId: "1", databaseName: "x" } });
      }),
    ).toThrow("resource link x would point at itself");
  });
});
