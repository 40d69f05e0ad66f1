import { Testing, TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { LfTagTaxonomy, type LfTagTaxonomyProps } from "../../../modules/governance/lf-tag-taxonomy";
import { resource, resourcesOf, synthScope, type TfJson } from "../../helpers/synth";

const TAGS: LfTagTaxonomyProps["tags"] = [
  { key: "domain", values: ["sales", "cdr"] },
  { key: "confidentiality", values: ["public", "pii", "internal"] },
];
const synth = (tags: LfTagTaxonomyProps["tags"] = TAGS): TfJson => synthScope((s) => void new LfTagTaxonomy(s, "lf_tags", { catalogId: "111111111111", tags }));

describe("LfTagTaxonomy", () => {
  it("creates one LF-tag per key, named after the key, with its values sorted", () => {
    const tf = synth();
    expect(Object.keys(resourcesOf(tf, "aws_lakeformation_lf_tag")).sort()).toEqual(["confidentiality", "domain"]);
    expect(resource(tf, "aws_lakeformation_lf_tag", "domain")).toMatchObject({ catalog_id: "111111111111", key: "domain", values: ["cdr", "sales"] });
    expect(resource(tf, "aws_lakeformation_lf_tag", "confidentiality").values).toEqual(["internal", "pii", "public"]);
  });

  it("exposes the tags sorted by key, whatever the input order", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "s");
    const taxonomy = new LfTagTaxonomy(stack, "lf_tags", { catalogId: "111111111111", tags: TAGS });
    expect(taxonomy.tags.map((t) => t.friendlyUniqueId)).toEqual(["confidentiality", "domain"]);
  });

  it("does not sort or otherwise change the caller's lists", () => {
    const tags = [{ key: "b", values: ["y", "x"] }, { key: "a", values: ["z"] }];
    synth(tags);
    expect(tags).toEqual([{ key: "b", values: ["y", "x"] }, { key: "a", values: ["z"] }]);
  });

  it("fails when a key is not a legal Terraform name, instead of renaming it into a possible collision", () => {
    expect(() => synth([{ key: "data.class", values: ["a"] }])).toThrow('LF-tag key "data.class" is not a legal Terraform name');
  });

  it("creates nothing for an empty taxonomy", () => {
    expect(resourcesOf(synth([]), "aws_lakeformation_lf_tag")).toEqual({});
  });

});
