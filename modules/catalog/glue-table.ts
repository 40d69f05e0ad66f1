import { GlueCatalogTable } from "@cdktf/provider-aws/lib/glue-catalog-table";
import { Construct } from "constructs";
import { LfTagAssignment, type LfTagValue } from "../governance/lf-tag-assignment";

export interface GlueTableColumn {
  readonly name: string;
  readonly type: string;
  readonly comment: string;
  /** @default - the table's tags */
  readonly lfTags?: readonly LfTagValue[];
}

export interface GlueTableProps {
  /**
   * Terraform resource name of every resource of this construct.
   * @default - the construct id
   */
  readonly terraformName?: string;
  readonly name: string;
  /** Database name; pass the database resource's `name` so the table is created after it. */
  readonly databaseName: string;
  readonly catalogId: string;
  readonly description: string;
  readonly format: "parquet" | "iceberg" | "json";
  /** `s3://bucket/prefix/` */
  readonly location: string;
  readonly columns: readonly GlueTableColumn[];
  /** @default - not partitioned */
  readonly partitionKeys?: readonly GlueTableColumn[];
  /** @default - the database's tags */
  readonly lfTags?: readonly LfTagValue[];
}

const PARQUET = {
  inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
  outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
  serDeInfo: {
    name: "parquet",
    serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
    parameters: { "serialization.format": "1" },
  },
};

const JSON_LINES = {
  inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
  outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
  serDeInfo: {
    name: "json",
    serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
    parameters: { "ignore.malformed.json": "FALSE", "case.insensitive": "TRUE" },
  },
};

/**
 * A catalog table: Parquet (a Hive-style external table with the Parquet
 * SerDe) or Iceberg (created through Glue's open table format input, which
 * writes the first metadata file). Column LF-tags are assigned per column.
 *
 * Terraform addresses: `aws_glue_catalog_table.<id>`,
 * `aws_lakeformation_resource_lf_tags.<id>` (table tags) and
 * `aws_lakeformation_resource_lf_tags.<id>--<column>` (column tags).
 */
export class GlueTable extends Construct {
  readonly table: GlueCatalogTable;

  constructor(scope: Construct, id: string, props: GlueTableProps) {
    super(scope, id);
    const name = props.terraformName ?? id;
    const columns = props.columns.map((c) => ({ name: c.name, type: c.type, ...(c.comment ? { comment: c.comment } : {}) }));
    const partitionKeys = (props.partitionKeys ?? []).map((c) => ({ name: c.name, type: c.type, ...(c.comment ? { comment: c.comment } : {}) }));
    this.table =
      props.format === "iceberg"
        ? new GlueCatalogTable(this, "table", {
            name: props.name,
            databaseName: props.databaseName,
            catalogId: props.catalogId,
            description: props.description,
            tableType: "EXTERNAL_TABLE",
            openTableFormatInput: { icebergInput: { metadataOperation: "CREATE", version: "2" } },
            storageDescriptor: { location: props.location, columns: [...columns, ...partitionKeys] },
          })
        : new GlueCatalogTable(this, "table", {
            name: props.name,
            databaseName: props.databaseName,
            catalogId: props.catalogId,
            description: props.description,
            tableType: "EXTERNAL_TABLE",
            parameters:
              props.format === "json" ? { classification: "json", EXTERNAL: "TRUE" } : { classification: "parquet", EXTERNAL: "TRUE", "parquet.compression": "ZSTD" },
            storageDescriptor: { location: props.location, ...(props.format === "json" ? JSON_LINES : PARQUET), columns },
            partitionKeys,
          });
    this.table.overrideLogicalId(name);

    if (props.lfTags && props.lfTags.length > 0) {
      new LfTagAssignment(this, name, {
        catalogId: props.catalogId,
        target: { table: { databaseName: props.databaseName, name: this.table.name, catalogId: props.catalogId } },
        tags: props.lfTags,
      });
    }
    for (const c of [...props.columns, ...(props.partitionKeys ?? [])]) {
      if (!c.lfTags || c.lfTags.length === 0) continue;
      // "--" cannot occur in table or column names, so no table's address can equal a column's.
      new LfTagAssignment(this, `${name}--${c.name}`, {
        catalogId: props.catalogId,
        target: { tableWithColumns: { databaseName: props.databaseName, name: this.table.name, columnNames: [c.name], catalogId: props.catalogId } },
        tags: c.lfTags,
      });
    }
  }
}
