import { describe, expect, it } from "vitest";
import { DiscoveryCrawler, type DiscoveryCrawlerProps, crawlerLogGroup } from "../../../modules/catalog/crawler";
import { policyOf, resource, resourcesOf, synthScope, type TfJson, errorOf } from "../../helpers/synth";

const ACCOUNT = "111111111111";
const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/mrk-0123456789abcdef0123456789abcdef`;
const ROLE = "acme-sales-crawler-leads-dev-eu-west-1";
const DB = "sales_raw_discovered_dev";
const BUCKET_ARN = "arn:aws:s3:::acme-sales-raw-dev-111111111111-eu-west-1";

function props(over: Partial<DiscoveryCrawlerProps> = {}): DiscoveryCrawlerProps {
  return {
    name: "sales-dev-leads",
    description: "Lead files",
    roleName: ROLE,
    accountId: ACCOUNT,
    region: "eu-west-1",
    partition: "aws",
    databaseName: DB,
    databaseLiteralName: DB,
    locationArn: BUCKET_ARN,
    targets: ["s3://acme-sales-raw-dev-111111111111-eu-west-1/leads/"],
    exclusions: ["**.tmp", "**/_SUCCESS"],
    tablePrefix: "lead_",
    tableLevel: 2,
    securityConfigurationName: "acme-sales-dev-crawler-logs",
    securityConfigurationLiteralName: "acme-sales-dev-crawler-logs",
    logKmsKeyArn: KEY,
    ...over,
  };
}

const synth = (p: DiscoveryCrawlerProps): TfJson => synthScope((s) => void new DiscoveryCrawler(s, "leads", p));
describe("DiscoveryCrawler", () => {
  const tf = synth(props());
  const crawler = resource(tf, "aws_glue_crawler", "leads");

  it("crawls its S3 prefixes through Lake Formation credentials, new folders only, never updating or deleting a table", () => {
    expect(crawler.name).toBe("sales-dev-leads");
    expect(crawler.database_name).toBe(DB);
    expect(crawler.table_prefix).toBe("lead_");
    expect(crawler.s3_target).toEqual([{ path: "s3://acme-sales-raw-dev-111111111111-eu-west-1/leads/", exclusions: ["**.tmp", "**/_SUCCESS"] }]);
    expect(crawler.lake_formation_configuration).toEqual({ use_lake_formation_credentials: true });
    expect(crawler.recrawl_policy).toEqual({ recrawl_behavior: "CRAWL_NEW_FOLDERS_ONLY" });
    expect(crawler.schema_change_policy).toEqual({ update_behavior: "LOG", delete_behavior: "LOG" });
    expect(JSON.parse(crawler.configuration as string)).toEqual({
      Version: 1,
      CrawlerOutput: { Partitions: { AddOrUpdateBehavior: "InheritFromTable" } },
      Grouping: { TableLevelConfiguration: 2 },
    });
    expect(crawler.schedule).toBeUndefined();
  });

  it("runs with the security configuration (CKV_AWS_195) and logs into a log group made first, under its key", () => {
    expect(crawler.security_configuration).toBe("acme-sales-dev-crawler-logs");
    const group = resource(tf, "aws_cloudwatch_log_group", "crawler__leads");
    expect(group.name).toBe(crawlerLogGroup(ROLE, "acme-sales-dev-crawler-logs"));
    expect(group.name).toBe(`/aws-glue/crawlers-role/${ROLE}-acme-sales-dev-crawler-logs`);
    expect(group.kms_key_id).toBe(KEY);
    expect(group.retention_in_days).toBe(400);
    expect(crawler.depends_on).toEqual(
      expect.arrayContaining(["aws_cloudwatch_log_group.crawler__leads", "aws_iam_role_policy.crawler__leads__crawl", "aws_lakeformation_permissions.crawler__leads--location", "aws_lakeformation_permissions.crawler__leads--database"]),
    );
  });

  it("runs as its own Glue role with no S3 access: data credentials, its database's catalog entries, its log group, its log key", () => {
    expect(crawler.role).toBe("${aws_iam_role.crawler__leads.arn}");
    const role = resource(tf, "aws_iam_role", "crawler__leads");
    expect(role.name).toBe(ROLE);
    expect(JSON.parse(role.assume_role_policy as string).Statement[0].Principal).toEqual({ Service: "glue.amazonaws.com" });
    const policy = policyOf(resource(tf, "aws_iam_role_policy", "crawler__leads__crawl"));
    expect(policy.Statement.map((s) => s.Sid)).toEqual(["LakeFormationVendsDataCredentials", "CatalogueIntoOwnDatabase", "WriteOwnLogs", "UseLogKey"]);
    expect(policy.Statement.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith("s3:"))).toEqual([]);
    const catalog = policy.Statement.find((s) => s.Sid === "CatalogueIntoOwnDatabase")!;
    expect(catalog.Resource).toEqual([`arn:aws:glue:eu-west-1:${ACCOUNT}:catalog`, `arn:aws:glue:eu-west-1:${ACCOUNT}:database/${DB}`, `arn:aws:glue:eu-west-1:${ACCOUNT}:table/${DB}/*`]);
    expect(catalog.Action).not.toContain("glue:DeleteTable");
    expect(catalog.Action).not.toContain("glue:DeletePartition");
    expect(policy.Statement.find((s) => s.Sid === "UseLogKey")!.Resource).toBe(KEY);
  });

  it("grants its role DATA_LOCATION_ACCESS on the location and ALTER, CREATE_TABLE, DESCRIBE on its database, by literal ARN, after the role exists", () => {
    const grants = resourcesOf(tf, "aws_lakeformation_permissions");
    expect(Object.keys(grants).sort()).toEqual(["crawler__leads--database", "crawler__leads--location"]);
    const location = grants["crawler__leads--location"]!;
    expect(location.principal).toBe(`arn:aws:iam::${ACCOUNT}:role/${ROLE}`);
    expect(location.permissions).toEqual(["DATA_LOCATION_ACCESS"]);
    expect(location.data_location).toEqual({ arn: BUCKET_ARN, catalog_id: ACCOUNT });
    expect(location.depends_on).toEqual(["aws_iam_role.crawler__leads"]);
    const database = grants["crawler__leads--database"]!;
    expect(database.permissions).toEqual(["ALTER", "CREATE_TABLE", "DESCRIBE"]);
    expect(database.database).toEqual({ name: DB, catalog_id: ACCOUNT });
  });

  it("makes no Lake Formation grant when another stack holds them (lakeFormationGrants: false), and the crawler waits only for its log group and policies", () => {
    const out = synth(props({ lakeFormationGrants: false }));
    expect(out.resource).not.toHaveProperty("aws_lakeformation_permissions");
    const deps = resource(out, "aws_glue_crawler", "leads").depends_on as string[];
    expect(deps.some((d) => d.startsWith("aws_lakeformation_permissions."))).toBe(false);
    expect(deps).toContain("aws_cloudwatch_log_group.crawler__leads");
  });

  it("leaves out exclusions and the table prefix when there are none", () => {
    const c = resource(synth(props({ exclusions: [], tablePrefix: undefined })), "aws_glue_crawler", "leads");
    expect(c.s3_target).toEqual([{ path: "s3://acme-sales-raw-dev-111111111111-eu-west-1/leads/" }]);
    expect(c.table_prefix).toBeUndefined();
  });

  it("fails when a target is the whole bucket, not a prefix", () => {
    expect(errorOf(() => synth(props({ targets: ["s3://acme-sales-raw-dev-111111111111-eu-west-1/"] })))).toMatch(/is not an S3 prefix URI/);
  });

  it("fails when there is no target", () => {
    expect(errorOf(() => synth(props({ targets: [] })))).toMatch(/targets is empty/);
  });

  it("fails when there is no security configuration", () => {
    expect(errorOf(() => synth(props({ securityConfigurationName: "" })))).toMatch(/CKV_AWS_195/);
  });

  it("fails when the log key is an alias, and names every problem at once", () => {
    const msg = errorOf(() => synth(props({ logKmsKeyArn: "alias/x", tableLevel: 0, name: "bad name" })));
    expect(msg).toMatch(/3 problems/);
    expect(msg).toMatch(/logKmsKeyArn "alias\/x" is not a KMS key ARN/);
    expect(msg).toMatch(/tableLevel 0/);
    expect(msg).toMatch(/name "bad name"/);
  });
});
