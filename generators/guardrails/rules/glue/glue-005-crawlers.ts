import { companionZoneOf } from "../../companions";
import type { GuardrailRule } from "../../types";
import { blocks, BUCKET, type Check, encryptionOf, entries, GLUE_CRAWLER, GLUE_DATABASE, GLUE_SECURITY, GLUE_TABLE, iamDocuments, lakeBuckets, LF_PERMISSIONS, list, locationInBucket, perResource, refersTo, refName, registrationsOf, ROLE, roleArnOf, securityConfigurationOf, statementsOf } from "../../terraform";

/**
 * Crawlers: AwsSolutions-GL1 through their security configuration (CloudWatch
 * logs SSE-KMS); Lake Formation credentials, so their role needs and has no S3
 * action; incremental crawls that never update or delete a table
 * (CRAWL_NEW_FOLDERS_ONLY, LOG/LOG); S3 targets under a registered zone bucket
 * only; a database of their own, which no declared table lives in, tagged with
 * the platform's PII value; and Lake Formation grants of their role limited to
 * DATA_LOCATION_ACCESS on that bucket and ALTER, CREATE_TABLE, DESCRIBE on that
 * database.
 */
export const checkCrawlers: Check = (stacks) =>
  perResource("crawlers", stacks, GLUE_CRAWLER, (c, s) => {
    const out: string[] = [];
    const found = securityConfigurationOf(s, c);
    if (found && encryptionOf(found[1], "cloudwatch_encryption")?.cloudwatch_encryption_mode !== "SSE-KMS") out.push(`${GLUE_SECURITY}.${found[0]} does not encrypt CloudWatch logs with SSE-KMS (GL1)`);
    if (blocks(c.lake_formation_configuration)[0]?.use_lake_formation_credentials !== true) out.push("does not use Lake Formation credentials");
    if (blocks(c.recrawl_policy)[0]?.recrawl_behavior !== "CRAWL_NEW_FOLDERS_ONLY") out.push("recrawls more than new folders");
    const scp = blocks(c.schema_change_policy)[0];
    if (scp?.update_behavior !== "LOG" || scp?.delete_behavior !== "LOG") out.push("may update or delete tables (schema_change_policy not LOG/LOG)");
    for (const t of ["jdbc_target", "dynamodb_target", "catalog_target", "mongodb_target", "delta_target", "hudi_target", "iceberg_target"]) if (c[t] !== undefined) out.push(`has a ${t}`);
    const targets = blocks(c.s3_target);
    if (targets.length === 0) out.push("has no S3 target");
    const zoneBuckets = lakeBuckets(s).map(([n]) => n).filter((b) => registrationsOf(s, b).length > 0);
    for (const t of targets) {
      const inZone = zoneBuckets.some((b) => locationInBucket(s, t.path, b)) || companionZoneOf(s.companions, t.path) !== undefined;
      if (!inZone || !/^s3:\/\/[^/]+\/.+\/$/.test(String(t.path))) out.push(`target ${String(t.path)} is not a prefix of a registered zone bucket`);
    }
    const db = refName(c.database_name, GLUE_DATABASE);
    // A DR compute stack's crawler names its database literally: the catalog stack holds it, its tags and its grants (companions).
    const companionDb = typeof c.database_name === "string" && (s.companions?.discoveryDatabases.includes(c.database_name) ?? false);
    if (!db) {
      if (!companionDb) out.push("database_name does not refer to a database of the stack");
    } else {
      if (entries(s, GLUE_TABLE).some(([, t]) => refersTo(t.database_name, GLUE_DATABASE, db))) out.push(`its database ${db} holds declared tables`);
      const tags = entries(s, "aws_lakeformation_resource_lf_tags").filter(([, t]) => blocks(t.database).some((d) => refersTo(d.name, GLUE_DATABASE, db)));
      if (!tags.some(([, t]) => blocks(t.lf_tag).some((x) => x.key === "confidentiality" && x.value === "pii"))) out.push(`its database ${db} is not tagged confidentiality=pii`);
    }
    const role = refName(c.role, ROLE);
    const arn = role ? roleArnOf(s, role) : undefined;
    if (!role || !arn) return [...out, "its role is no role of the stack with a literal name"];
    for (const d of iamDocuments(s).filter((x) => x.role === role)) {
      for (const st of statementsOf(d.policy) ?? []) {
        if (st.Effect === "Allow" && list(st.Action).some((a) => String(a).toLowerCase().startsWith("s3:"))) out.push(`${d.address}: statement ${st.Sid ?? "?"} allows S3 actions; the crawler reads through Lake Formation`);
      }
    }
    for (const [n, p] of entries(s, LF_PERMISSIONS).filter(([, p]) => p.principal === arn)) {
      const perms = list(p.permissions).map(String).sort().join(",");
      const location = blocks(p.data_location)[0];
      const database = blocks(p.database)[0];
      if (location && perms === "DATA_LOCATION_ACCESS" && zoneBuckets.some((b) => refersTo(location.arn, BUCKET, b)) && targets.every((t) => zoneBuckets.some((b) => refersTo(location.arn, BUCKET, b) && locationInBucket(s, t.path, b)))) continue;
      if (database && db && perms === "ALTER,CREATE_TABLE,DESCRIBE" && refersTo(database.name, GLUE_DATABASE, db) && p.table === undefined && p.table_with_columns === undefined) continue;
      out.push(`${LF_PERMISSIONS}.${n} grants its role ${perms} beyond its location and its database`);
    }
    return out;
  });

export const rule: GuardrailRule = {
  id: "GLUE-005",
  severity: "error",
  scope: "terraform",
  rule: "Crawlers use Lake Formation credentials, crawl new folders only, never update or delete tables, and write their own PII-tagged database.",
  explanation: "A crawler that updates tables would change declared schemas; its database is tagged PII until someone declares the tables.",
  source: ["AwsSolutions-GL1", "custom"],
  check: ({ stacks }) => checkCrawlers(stacks),
};
