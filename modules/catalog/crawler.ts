import { GlueCrawler } from "@cdktf/provider-aws/lib/glue-crawler";
import { LakeformationPermissions } from "@cdktf/provider-aws/lib/lakeformation-permissions";
import { Token } from "cdktf";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { EncryptedLogGroup, kmsKeyArnProblems, retentionProblems } from "../compute/log-group";
import { SECURITY_CONFIGURATION_NAME } from "../compute/glue-security-configuration";
import { type PolicyDocument, policyDocument } from "../identity/policy-document";
import { ServiceRole } from "../identity/service-role";

export interface DiscoveryCrawlerProps {
  /**
   * Terraform name of the crawler (`aws_glue_crawler.<name>`); its role, log
   * group and grants are `crawler__<name>…`.
   * @default - the construct id
   */
  readonly terraformName?: string;
  /** Crawler name: 1–255 letters, digits and `._-`. */
  readonly name: string;
  readonly description: string;
  /** Physical name of the crawler's own role. */
  readonly roleName: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  /** The database discovered tables go to; a reference makes the crawler wait for it. */
  readonly databaseName: string;
  /** Literal name of that database, for the role's policy (known before apply). */
  readonly databaseLiteralName: string;
  /** ARN of the registered zone bucket the targets lie in (DATA_LOCATION_ACCESS); a reference to the bucket's `arn`. */
  readonly locationArn: string;
  /** `s3://<bucket>/<prefix>/` per target, in a stable order. */
  readonly targets: readonly string[];
  /** Glob patterns, relative to each target, the crawler skips. @default - none */
  readonly exclusions?: readonly string[];
  /** Prefix of the names of the tables it creates. @default - none */
  readonly tablePrefix?: string;
  /**
   * Folder depth where tables start (`Grouping.TableLevelConfiguration`, the
   * top-level folder of the bucket being 1): each folder at that depth is one
   * table, its sub-folders partitions.
   */
  readonly tableLevel: number;
  /** Name of the Glue security configuration (CKV_AWS_195); a reference makes the crawler wait for it. */
  readonly securityConfigurationName: string;
  /** Literal name of that security configuration: Glue puts it in the log group's name. */
  readonly securityConfigurationLiteralName: string;
  /** Key ARN of the security configuration, for the log group and the role. */
  readonly logKmsKeyArn: string;
  /** @default 400 */
  readonly logRetentionDays?: number;
  /**
   * What Lake Formation needs before the crawler can use its credentials:
   * the location's registration.
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
  /**
   * Whether this construct makes the crawler's two Lake Formation grants.
   * Off where another stack holds the catalog and its grants (the DR
   * rebuild `dr-<domain>-<env>` grants to the crawler's role from the
   * catalog export); the crawler then runs once they exist.
   * @default true
   */
  readonly lakeFormationGrants?: boolean;
}

/** The log group Glue writes a crawler's logs to under a security configuration that encrypts them. */
export const crawlerLogGroup = (roleName: string, securityConfiguration: string) => `/aws-glue/crawlers-role/${roleName}-${securityConfiguration}`;

/** Lake Formation permissions the crawler's role gets on its database (the ones the Glue guide lists for crawlers using Lake Formation credentials). */
export const CRAWLER_DATABASE_PERMISSIONS = ["ALTER", "CREATE_TABLE", "DESCRIBE"] as const;

const CATALOG_ACTIONS = [
  "glue:BatchCreatePartition",
  "glue:BatchGetPartition",
  "glue:BatchUpdatePartition",
  "glue:CreatePartition",
  "glue:CreateTable",
  "glue:GetDatabase",
  "glue:GetPartition",
  "glue:GetPartitions",
  "glue:GetTable",
  "glue:GetTables",
  "glue:UpdatePartition",
  "glue:UpdateTable",
];

/**
 * A Glue crawler that catalogues new folders under S3 prefixes of a
 * registered (Lake Formation) location into one database, as its own role.
 *
 * Fixed in code, not offered as options:
 * - Lake Formation credentials (`lake_formation_configuration`): the crawler
 *   reads the bytes through the location's registration role, as every
 *   engine does, so its own role has no S3 access at all and the zone
 *   bucket's read guard stays whole;
 * - incremental crawls (`CRAWL_NEW_FOLDERS_ONLY`) with a schema change
 *   policy of LOG for updates and deletions, which that recrawl behavior
 *   requires: a crawl adds tables and partitions, never rewrites or drops
 *   one; partitions inherit their table's schema;
 * - a security configuration, and the log group Glue writes to under it,
 *   created first with that key and a retention;
 * - Lake Formation grants: DATA_LOCATION_ACCESS on the location and ALTER,
 *   CREATE_TABLE, DESCRIBE on the database — nothing on any existing table.
 *   Lake Formation makes a table's creator its owner, so the crawler can
 *   update only the tables it created;
 * - a role whose one policy allows `lakeformation:GetDataAccess`, the catalog
 *   actions a crawl needs on its database and that database's tables (a
 *   crawler names tables only when it finds them: `table/<database>/*`), its
 *   log group, and the log key.
 *
 * Terraform addresses: `aws_glue_crawler.<name>`,
 * `aws_cloudwatch_log_group.crawler__<name>`, the ServiceRole's
 * `aws_iam_role.crawler__<name>` (policy `crawler__<name>__crawl`), and
 * `aws_lakeformation_permissions.crawler__<name>--location` and `…--database`.
 */
export class DiscoveryCrawler extends Construct {
  readonly crawler: GlueCrawler;
  readonly role: ServiceRole;
  readonly logGroup: EncryptedLogGroup;

  constructor(scope: Construct, id: string, props: DiscoveryCrawlerProps) {
    super(scope, id);
    const problems = discoveryCrawlerProblems(props);
    if (problems.length > 0) {
      throw new Error(`DiscoveryCrawler ${this.node.path}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    const name = props.terraformName ?? id;
    const stem = `crawler__${name}`;
    const logName = crawlerLogGroup(props.roleName, props.securityConfigurationLiteralName);

    this.logGroup = new EncryptedLogGroup(this, "log-group", {
      terraformName: stem,
      name: logName,
      kmsKeyArn: props.logKmsKeyArn,
      ...(props.logRetentionDays === undefined ? {} : { retentionDays: props.logRetentionDays }),
    });
    this.role = new ServiceRole(this, "role", {
      terraformName: stem,
      roleName: props.roleName,
      description: `Glue crawler ${props.name}: catalogues new folders into ${props.databaseLiteralName} through Lake Formation`,
      servicePrincipal: "glue.amazonaws.com",
      accountId: props.accountId,
      policies: { crawl: crawlerPolicy(props, logName) },
    });

    // The role's ARN as a literal, the form Lake Formation stores and audits read; the grants wait for the role.
    const principal = `arn:${props.partition}:iam::${props.accountId}:role/${props.roleName}`;
    const grants: LakeformationPermissions[] = [];
    if (props.lakeFormationGrants ?? true) {
      const location = new LakeformationPermissions(this, "location", {
        catalogId: props.accountId,
        principal,
        permissions: ["DATA_LOCATION_ACCESS"],
        dataLocation: { arn: props.locationArn, catalogId: props.accountId },
        dependsOn: [this.role.role, ...(props.dependsOn ?? [])],
      });
      location.overrideLogicalId(`${stem}--location`);
      const database = new LakeformationPermissions(this, "database", {
        catalogId: props.accountId,
        principal,
        permissions: [...CRAWLER_DATABASE_PERMISSIONS],
        database: { name: props.databaseName, catalogId: props.accountId },
        dependsOn: [this.role.role],
      });
      database.overrideLogicalId(`${stem}--database`);
      grants.push(location, database);
    }

    const exclusions = [...new Set(props.exclusions ?? [])].sort();
    this.crawler = new GlueCrawler(this, "crawler", {
      name: props.name,
      description: props.description,
      role: this.role.role.arn,
      databaseName: props.databaseName,
      ...(props.tablePrefix ? { tablePrefix: props.tablePrefix } : {}),
      securityConfiguration: props.securityConfigurationName,
      s3Target: props.targets.map((path) => ({ path, ...(exclusions.length > 0 ? { exclusions } : {}) })),
      lakeFormationConfiguration: { useLakeFormationCredentials: true },
      recrawlPolicy: { recrawlBehavior: "CRAWL_NEW_FOLDERS_ONLY" },
      schemaChangePolicy: { updateBehavior: "LOG", deleteBehavior: "LOG" },
      configuration: JSON.stringify({
        Version: 1,
        CrawlerOutput: { Partitions: { AddOrUpdateBehavior: "InheritFromTable" } },
        Grouping: { TableLevelConfiguration: props.tableLevel },
      }),
      // The first crawl must find its log group, permissions and grants in place.
      dependsOn: [this.logGroup.logGroup, ...Object.values(this.role.policies), ...grants],
    });
    this.crawler.overrideLogicalId(name);
  }
}

/** The crawler role's one policy. */
export function crawlerPolicy(props: DiscoveryCrawlerProps, logGroupName: string): PolicyDocument {
  const glue = `arn:${props.partition}:glue:${props.region}:${props.accountId}`;
  const logGroupArn = `arn:${props.partition}:logs:${props.region}:${props.accountId}:log-group:${logGroupName}`;
  return policyDocument([
    { Sid: "LakeFormationVendsDataCredentials", Effect: "Allow", Action: "lakeformation:GetDataAccess", Resource: "*" },
    {
      Sid: "CatalogueIntoOwnDatabase",
      Effect: "Allow",
      Action: CATALOG_ACTIONS,
      Resource: [`${glue}:catalog`, `${glue}:database/${props.databaseLiteralName}`, `${glue}:table/${props.databaseLiteralName}/*`],
    },
    { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:AssociateKmsKey", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: [logGroupArn, `${logGroupArn}:*`] },
    { Sid: "UseLogKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: props.logKmsKeyArn },
  ]);
}

const CRAWLER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;
const S3_PREFIX_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/(?:[A-Za-z0-9_.=-]+\/)+$/;
const GLUE_NAME = /^[a-z0-9_]{1,255}$/;

/** Every problem with the props, one sentence each; empty when they are fine. Tokens are not checked. */
export function discoveryCrawlerProblems(props: DiscoveryCrawlerProps): string[] {
  const out: string[] = [];
  const literal = (s: string | undefined): s is string => s !== undefined && !Token.isUnresolved(s);
  if (literal(props.name) && !CRAWLER_NAME.test(props.name)) out.push(`name "${props.name}" is not a crawler name (1-255 letters, digits and ._-)`);
  if (literal(props.databaseLiteralName) && !GLUE_NAME.test(props.databaseLiteralName)) out.push(`databaseLiteralName "${props.databaseLiteralName}" is not a Glue database name (lower-case letters, digits, _)`);
  if (props.targets.length === 0) out.push("targets is empty: a crawler needs at least one S3 prefix");
  for (const t of props.targets) if (literal(t) && !S3_PREFIX_URI.test(t)) out.push(`target "${t}" is not an S3 prefix URI ("s3://<bucket>/<prefix>/", not the whole bucket)`);
  if (new Set(props.targets).size !== props.targets.length) out.push("targets lists a prefix twice");
  if (!Number.isInteger(props.tableLevel) || props.tableLevel < 1) out.push(`tableLevel ${props.tableLevel} is not a positive whole number`);
  if (props.tablePrefix !== undefined && !/^[a-z0-9_]{0,64}$/.test(props.tablePrefix)) out.push(`tablePrefix "${props.tablePrefix}" may hold only lower-case letters, digits and _`);
  if (!props.securityConfigurationName) out.push("securityConfigurationName is required: a crawler without one writes unencrypted logs (CKV_AWS_195, AwsSolutions-GL1)");
  if (literal(props.securityConfigurationLiteralName) && !SECURITY_CONFIGURATION_NAME.test(props.securityConfigurationLiteralName)) {
    out.push(`securityConfigurationLiteralName "${props.securityConfigurationLiteralName}" is not a security configuration name`);
  }
  out.push(...kmsKeyArnProblems("logKmsKeyArn", props.logKmsKeyArn));
  out.push(...retentionProblems("logRetentionDays", props.logRetentionDays));
  return out;
}
