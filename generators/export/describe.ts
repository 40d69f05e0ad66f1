import type { ExportGrantResource } from "./format";

/** One line naming what a grant of an export is on, for plans and drift reports. */
export function describeResource(r: ExportGrantResource): string {
  switch (r.kind) {
    case "catalog":
      return "the catalog";
    case "lfTagPolicy":
      return `${r.resourceType === "DATABASE" ? "databases" : "tables"} tagged ${r.expression.map((e) => `${e.key}=${e.values.join("|")}`).join(" and ")}`;
    case "lfTag":
      return `LF-tag ${r.key}=${r.values.join("|")}`;
    case "database":
      return `database ${r.name}`;
    case "table":
      return r.name === null ? `every table of ${r.database}` : `table ${r.database}.${r.name}`;
    case "tableColumns":
      return r.columns === null ? `table ${r.database}.${r.table} except ${r.excludedColumns.join(", ")}` : `columns ${r.columns.join(", ")} of ${r.database}.${r.table}`;
    case "dataLocation":
      return `data location ${r.resourceArn}`;
    case "dataCellsFilter":
      return `data-cells filter ${r.database}.${r.table}.${r.name}`;
  }
}
