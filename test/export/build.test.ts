import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { TABLE_STORAGE, buildCatalogExport, catalogExports } from "../../generators/export/build";
import { verifyExport, type CatalogExport } from "../../generators/export/format";
import { loadAndValidate } from "../../generators/manifest/validate";
import type { Model } from "../../generators/model/types";
import { synthesizeModel } from "../../generators/stacks/app";
import { jsonSchemaErrors } from "../helpers/json-schema";
import { scratchDir } from "../helpers/project";
import { resourcesOf, type TfJson } from "../helpers/synth";

const repo = resolve(import.meta.dirname, "../..");
const schema = JSON.parse(readFileSync(join(repo, "domains/_schema/catalog-export.schema.json"), "utf8")) as Record<string, unknown>;

describe("the declared catalog export of every example deployment", () => {
  let model: Model;
  let out: string;
  beforeAll(async () => {
    const r = await loadAndValidate(repo);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    model = r.model;
    out = scratchDir("export-");
    synthesizeModel(model, { outdir: out });
  });
  const stackOf = (name: string) => JSON.parse(readFileSync(join(out, "stacks", name, "cdk.tf.json"), "utf8")) as TfJson;

  it("is written on synth for each domain and environment, verifies, and validates against the published JSON Schema", () => {
    const exports = catalogExports(model);
    expect([...exports.keys()]).toEqual(["dev", "prod"].flatMap((e) => ["billing", "cdr", "clickstream"].map((d) => `catalog-export/${e}/${d}.json`)));
    for (const [path, text] of exports) {
      expect(readFileSync(join(out, path), "utf8"), path).toBe(text);
      expect(verifyExport(text).ok, path).toBe(true);
      expect(jsonSchemaErrors(schema, JSON.parse(text)), path).toEqual([]);
    }
  });

  it("is the same bytes from two separate loads of the manifests", async () => {
    const again = await loadAndValidate(repo);
    if (!again.ok) throw new Error("invalid");
    expect(catalogExports(again.model)).toEqual(catalogExports(model));
  });

  it("holds what the domain stack creates: databases, tables with their storage, registrations, filters and every grant's principal", () => {
    for (const d of model.domains) {
      for (const dep of d.deployments) {
        const e: CatalogExport = buildCatalogExport(dep);
        const tf = stackOf(dep.stack);
        const names = (type: string, attr: string) => Object.values(resourcesOf(tf, type)).map((r) => r[attr] as string).sort();
        expect(e.databases.map((x) => x.name).sort(), dep.stack).toEqual(names("aws_glue_catalog_database", "name").filter((n) => !dep.resourceLinks.some((l) => l.name === n)));
        expect(e.resourceLinks.map((x) => x.name), dep.stack).toEqual(dep.resourceLinks.map((l) => l.name).sort());
        const tables = Object.values(resourcesOf(tf, "aws_glue_catalog_table"));
        expect(e.tables.map((t) => t.name).sort(), dep.stack).toEqual(tables.map((t) => t.name as string).sort());
        for (const t of tables) {
          const x = e.tables.find((y) => y.name === t.name && dep.tables.some((m) => m.name === t.name && m.database === y.database))!;
          const sd = t.storage_descriptor as Record<string, any>;
          expect(x.location, `${dep.stack} ${String(t.name)}`).toBe(sd.location);
          if (x.format === "iceberg") continue;
          // The export's storage is what modules/catalog/glue-table.ts writes.
          expect({ inputFormat: sd.input_format, outputFormat: sd.output_format, serializationLibrary: sd.ser_de_info.serialization_library, serdeParameters: sd.ser_de_info.parameters }).toEqual(TABLE_STORAGE[x.format as "parquet" | "json"].storage);
          expect(t.parameters).toEqual(x.parameters);
          expect([...x.columns, ...x.partitionKeys].map((c) => `${c.name} ${c.type}`)).toEqual([...sd.columns, ...((t.partition_keys as any[]) ?? [])].map((c: any) => `${c.name} ${c.type}`));
        }
        expect(e.registrations.length, dep.stack).toBe(Object.keys(resourcesOf(tf, "aws_lakeformation_resource")).length);
        expect(e.dataCellsFilters.map((f) => f.name).sort(), dep.stack).toEqual(Object.keys(resourcesOf(tf, "aws_lakeformation_data_cells_filter")).sort());
        const principals = [...new Set(Object.values(resourcesOf(tf, "aws_lakeformation_permissions")).map((p) => p.principal as string))].sort();
        expect([...new Set(e.grants.map((g) => g.principal))].sort(), dep.stack).toEqual(principals);
        // And the stack ships exactly these bytes.
        expect(JSON.parse(resourcesOf(tf, "aws_s3_object").catalog_export!.content as string), dep.stack).toEqual(JSON.parse(catalogExports(model).get(`catalog-export/${dep.environment}/${d.name}`.concat(".json"))!));
      }
    }
  });

  it("marks raw replicated everywhere and cdr's processed too, with every zone's DR bucket and replica key", () => {
    const cdr = buildCatalogExport(model.domains.find((d) => d.name === "cdr")!.deployments[1]!);
    expect(cdr.zones.map((z) => [z.name, z.replicated])).toEqual([["curated", false], ["processed", true], ["raw", true]]);
    expect(cdr.zones.find((z) => z.name === "raw")!.dr).toEqual({
      region: "eu-central-1",
      bucketArn: "arn:aws:s3:::acme-cdr-raw-prod-222222222222-eu-central-1",
      keyArn: "arn:aws:kms:eu-central-1:222222222222:alias/acme/prod/cdr/raw",
    });
  });
});
