import { describe, expect, it } from "vitest";
import { GlueTable, type GlueTableProps } from "../../../modules/catalog/glue-table";
import { resource, resourcesOf, synthScope, type TfJson } from "../../helpers/synth";

const CATALOG = "111111111111";

function props(over: Partial<GlueTableProps> = {}): GlueTableProps {
  return {
    name: "orders",
    databaseName: "sales_processed_dev",
    catalogId: CATALOG,
    description: "one row per order",
    format: "parquet",
    location: "s3://acme-sales-processed-dev-111111111111-eu-west-1/orders/",
    columns: [
      { name: "order_id", type: "string", comment: "" },
      { name: "amount", type: "decimal(10,2)", comment: "in EUR" },
    ],
    partitionKeys: [{ name: "order_date", type: "date", comment: "" }],
    ...over,
  };
}

const synth = (p: GlueTableProps, id = "processed__orders"): TfJson => synthScope((s) => void new GlueTable(s, id, p));
const table = (tf: TfJson, name = "processed__orders") => resource(tf, "aws_glue_catalog_table", name);

describe("GlueTable (Parquet)", () => {
  it("is an external Hive-style table with the Parquet SerDe and ZSTD compression", () => {
    const t = table(synth(props()));
    expect(t).toMatchObject({
      name: "orders",
      database_name: "sales_processed_dev",
      catalog_id: CATALOG,
      description: "one row per order",
      table_type: "EXTERNAL_TABLE",
      parameters: { classification: "parquet", EXTERNAL: "TRUE", "parquet.compression": "ZSTD" },
    });
    const sd = t.storage_descriptor as Record<string, unknown>;
    expect(sd).toMatchObject({
      location: "s3://acme-sales-processed-dev-111111111111-eu-west-1/orders/",
      input_format: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
      output_format: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
      ser_de_info: { name: "parquet", serialization_library: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", parameters: { "serialization.format": "1" } },
    });
    expect(t).not.toHaveProperty("open_table_format_input");
  });

  it("keeps data columns in the storage descriptor and partition keys apart, writing comments only when set", () => {
    const t = table(synth(props()));
    expect((t.storage_descriptor as Record<string, unknown>).columns).toEqual([
      { name: "order_id", type: "string" },
      { name: "amount", type: "decimal(10,2)", comment: "in EUR" },
    ]);
    expect(t.partition_keys).toEqual([{ name: "order_date", type: "date" }]);
  });

  it("writes an empty partition key list for an unpartitioned table", () => {
    const t = table(synth(props({ partitionKeys: undefined })));
    expect(t.partition_keys).toEqual([]);
  });
});

describe("GlueTable (Iceberg)", () => {
  it("is created through Glue's Iceberg input, which writes the first metadata file", () => {
    const t = table(synth(props({ format: "iceberg", partitionKeys: [] })));
    expect(t.table_type).toBe("EXTERNAL_TABLE");
    expect(t.open_table_format_input).toEqual({ iceberg_input: { metadata_operation: "CREATE", version: "2" } });
    expect(t).not.toHaveProperty("parameters");
    const sd = t.storage_descriptor as Record<string, unknown>;
    expect(sd.location).toBe("s3://acme-sales-processed-dev-111111111111-eu-west-1/orders/");
    expect(sd).not.toHaveProperty("ser_de_info");
    expect(sd).not.toHaveProperty("input_format");
  });

  it("lists partition keys as ordinary columns after the data columns", () => {
    const t = table(synth(props({ format: "iceberg" })));
    expect((t.storage_descriptor as Record<string, unknown>).columns).toEqual([
      { name: "order_id", type: "string" },
      { name: "amount", type: "decimal(10,2)", comment: "in EUR" },
      { name: "order_date", type: "date" },
    ]);
    expect(t).not.toHaveProperty("partition_keys");
  });
});

describe("GlueTable LF-tags", () => {
  it("writes no LF-tag resources when neither the table nor its columns have tags", () => {
    expect(resourcesOf(synth(props()), "aws_lakeformation_resource_lf_tags")).toEqual({});
  });

  it("tags the table by reference to it, keys sorted", () => {
    const tf = synth(props({ lfTags: [{ key: "retention", value: "1y" }, { key: "confidentiality", value: "internal" }] }));
    const tags = resource(tf, "aws_lakeformation_resource_lf_tags", "processed__orders");
    expect(tags.table).toEqual({ database_name: "sales_processed_dev", name: "${aws_glue_catalog_table.processed__orders.name}", catalog_id: CATALOG });
    expect(tags.lf_tag).toEqual([
      { key: "confidentiality", value: "internal", catalog_id: CATALOG },
      { key: "retention", value: "1y", catalog_id: CATALOG },
    ]);
    expect(tags).not.toHaveProperty("table_with_columns");
  });

  it("tags each tagged column, partition keys included, in its own resource named <table>--<column>", () => {
    const pii = [{ key: "confidentiality", value: "pii" }];
    const tf = synth(
      props({
        columns: [
          { name: "order_id", type: "string", comment: "" },
          { name: "email", type: "string", comment: "", lfTags: pii },
        ],
        partitionKeys: [{ name: "region", type: "string", comment: "", lfTags: [{ key: "confidentiality", value: "internal" }] }],
      }),
    );
    const all = resourcesOf(tf, "aws_lakeformation_resource_lf_tags");
    expect(Object.keys(all).sort()).toEqual(["processed__orders--email", "processed__orders--region"]);
    const email = all["processed__orders--email"]!;
    expect(email.table_with_columns).toEqual({
      database_name: "sales_processed_dev",
      name: "${aws_glue_catalog_table.processed__orders.name}",
      column_names: ["email"],
      catalog_id: CATALOG,
    });
    expect(email.lf_tag).toEqual([{ key: "confidentiality", value: "pii", catalog_id: CATALOG }]);
    expect(email).not.toHaveProperty("table");
  });

  it("uses terraformName for the table and every tag resource", () => {
    const tf = synth(props({ terraformName: "raw__events", lfTags: [{ key: "domain", value: "sales" }] }), "raw-table-events");
    expect(Object.keys(resourcesOf(tf, "aws_glue_catalog_table"))).toEqual(["raw__events"]);
    expect(Object.keys(resourcesOf(tf, "aws_lakeformation_resource_lf_tags"))).toEqual(["raw__events"]);
  });

  // Table names may contain "__"; a column's tags must never land on the address of another table's tags.
  it("keeps the tag resources of table orders__email and column orders.email apart", () => {
    const tf = synthScope((s) => {
      new GlueTable(s, "a", props({ terraformName: "processed__orders", columns: [{ name: "email", type: "string", comment: "", lfTags: [{ key: "confidentiality", value: "pii" }] }] }));
      new GlueTable(s, "b", props({ terraformName: "processed__orders__email", name: "orders__email", lfTags: [{ key: "confidentiality", value: "public" }] }));
    });
    const table = resource(tf, "aws_lakeformation_resource_lf_tags", "processed__orders__email");
    expect(table.lf_tag).toEqual([expect.objectContaining({ value: "public" })]);
    expect(table.table_with_columns).toBeUndefined();
    const column = resource(tf, "aws_lakeformation_resource_lf_tags", "processed__orders--email");
    expect(column.lf_tag).toEqual([expect.objectContaining({ value: "pii" })]);
  });
});
