import type { Construct } from "constructs";
import { DiscoveryCrawler } from "../../modules/catalog/crawler";
import { GlueDatabase } from "../../modules/catalog/glue-database";
import type { GlueJob } from "../../modules/compute/glue-job";
import { GlueSecurityConfiguration } from "../../modules/compute/glue-security-configuration";
import type { LocationRegistration } from "../../modules/governance/location-registration";
import { DiscoveryWorkflow } from "../../modules/orchestration/discovery-workflow";
import type { FailureSource } from "../../modules/orchestration/failure-alarms";
import type { LakeBucket } from "../../modules/storage/lake-bucket";
import type { DomainDeploymentModel } from "../model/types";

/** Failed crawls of the deployment's crawlers, for the domain's failure alarms. */
export function discoveryFailureSources(dep: DomainDeploymentModel): FailureSource[] {
  const crawlers = dep.discovery.crawlers.map((c) => c.crawlerName).sort();
  if (crawlers.length === 0) return [];
  return [
    {
      name: "crawlers",
      description: `Failed crawls of ${dep.stack}`,
      pattern: { source: ["aws.glue"], "detail-type": ["Glue Crawler State Change"], detail: { crawlerName: crawlers, state: ["Failed"] } },
    },
  ];
}

/**
 * Where discovery's catalog side lives. `in-stack` (the primary domain
 * stack): the stack makes the discovery databases and the crawlers' Lake
 * Formation grants, on the zone buckets and registrations it holds (by zone).
 * `elsewhere` (`dr-compute-<domain>-<env>`): the export-built `dr-<domain>-<env>`
 * holds the databases, registrations and grants; crawlers name the
 * databases and buckets by their DR names.
 */
export type DiscoveryCatalog =
  | { readonly kind: "in-stack"; readonly buckets: ReadonlyMap<string, LakeBucket>; readonly registrations: ReadonlyMap<string, LocationRegistration> }
  | { readonly kind: "elsewhere" };

/**
 * Event-driven discovery of one domain stack: per zone with crawlers, the
 * database they catalogue into (the zone's tags, PII until declared); one
 * security configuration for their logs under the ops key; per crawler, the
 * crawler with its role and grants, and the workflow that arrivals start.
 * Runs after the zones, the ops key and the jobs are in the stack; `glueJobs`
 * are the stack's Glue jobs by job name, which workflows start after a crawl.
 *
 * Terraform addresses: `aws_glue_catalog_database.discovery--<zone>` (and its
 * `aws_lakeformation_resource_lf_tags`), `aws_glue_security_configuration.crawlers`,
 * and those of DiscoveryCrawler and DiscoveryWorkflow under the discovery's name.
 */
export function addDiscovery(scope: Construct, dep: DomainDeploymentModel, catalog: DiscoveryCatalog, opsKeyArn: string, glueJobs: ReadonlyMap<string, GlueJob>): void {
  const d = dep.discovery;
  if (d.crawlers.length === 0) return;
  const inStack = catalog.kind === "in-stack";
  const databases = new Map<string, GlueDatabase>();
  for (const db of inStack ? d.databases : []) {
    databases.set(
      db.zone,
      new GlueDatabase(scope, `discovery-database-${db.zone}`, {
        terraformName: `discovery--${db.zone}`,
        name: db.name,
        catalogId: dep.accountId,
        description: db.description,
        locationUri: db.locationUri,
        lfTags: db.lfTags,
      }),
    );
  }
  // A crawler writes nothing to S3: the configuration encrypts its CloudWatch logs (and would encrypt the rest) under the ops key.
  const security = new GlueSecurityConfiguration(scope, "crawler-security", { terraformName: "crawlers", name: d.securityConfiguration, kmsKeyArn: opsKeyArn });

  for (const c of d.crawlers) {
    const bucket = catalog.kind === "in-stack" ? catalog.buckets.get(c.zone)! : null;
    const registration = catalog.kind === "in-stack" ? catalog.registrations.get(c.zone)! : null;
    const crawler = new DiscoveryCrawler(scope, `crawler-${c.name}`, {
      terraformName: c.name,
      name: c.crawlerName,
      description: c.description,
      roleName: c.role.name,
      accountId: dep.accountId,
      region: dep.region,
      partition: dep.partition,
      databaseName: databases.get(c.zone)?.database.name ?? c.database.name,
      databaseLiteralName: c.database.name,
      locationArn: bucket?.bucket.arn ?? c.bucket.arn,
      targets: c.targets,
      exclusions: c.exclusions,
      ...(c.tablePrefix ? { tablePrefix: c.tablePrefix } : {}),
      tableLevel: c.tableLevel,
      securityConfigurationName: security.name,
      securityConfigurationLiteralName: d.securityConfiguration,
      logKmsKeyArn: opsKeyArn,
      // Lake Formation vends credentials for a location only once it is registered.
      ...(registration ? { dependsOn: [registration.resource] } : { lakeFormationGrants: false }),
    });
    new DiscoveryWorkflow(scope, `workflow-${c.name}`, {
      terraformName: c.name,
      workflowName: c.workflowName,
      workflowArn: c.workflowArn,
      description: c.description,
      crawlerName: crawler.crawler.name,
      bucketName: c.bucket.name,
      prefixes: c.prefixes,
      batchSize: c.batch.size,
      batchWindowSeconds: c.batch.windowSeconds,
      ...(c.schedule ? { schedule: c.schedule } : {}),
      ...(c.then.length > 0 ? { thenJobs: c.then, thenJobResources: c.thenJobs.map((j) => glueJobs.get(j)!.job) } : {}),
      eventsRoleName: c.eventsRole.name,
      accountId: dep.accountId,
    });
  }
}
