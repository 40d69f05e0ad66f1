import type { DomainManifestOutput } from "../manifest/schema/domain";
import { databaseArn, databaseName, iamRoleArn, iamRoleName, type NameContext } from "./names";
import { ownRoleName } from "./own-roles";
import type { LfTagAssignmentModel, Partition, ZoneModel } from "./types";

/**
 * Discovery in the Model: per `discovery` entry, the crawler, its workflow
 * and roles, every name resolved; per zone with discovery, the database the
 * crawlers write to.
 */

export interface DiscoveryModel {
  /** The domain's crawlers and their workflows, in manifest order. */
  readonly crawlers: readonly CrawlerModel[];
  /**
   * One database per zone with discovery, `<domain>_<zone>_discovered_<env>`,
   * zones in canonical order. Discovered tables land here, not in the zone's
   * database: Lake Formation tables inherit their database's LF-tags, and a
   * crawler classifies no column, so these databases carry the zone's tags
   * with the platform's PII tag on top. Nobody but the PII readers' tag
   * grants reaches a discovered table until the manifest declares it.
   */
  readonly databases: readonly DiscoveryDatabaseModel[];
  /**
   * The Glue security configuration the crawlers run with: CloudWatch logs
   * (the only thing a crawler writes besides the catalog) under the ops key.
   */
  readonly securityConfiguration: string;
}

export interface DiscoveryDatabaseModel {
  readonly zone: string;
  readonly name: string;
  readonly arn: string;
  readonly description: string;
  readonly locationUri: string;
  /** The zone database's tags, with the PII tag key set to the PII value; sorted by key. */
  readonly lfTags: readonly LfTagAssignmentModel[];
}

export interface CrawlerModel {
  readonly name: string;
  readonly description: string;
  /** Index in the manifest's discovery list, for messages. */
  readonly index: number;
  readonly zone: string;
  /** `<stack>-<name>`: the crawler and its workflow. */
  readonly crawlerName: string;
  readonly workflowName: string;
  readonly workflowArn: string;
  /** The crawler's own role: catalog writes in the discovery database, Lake Formation data access, its log group. */
  readonly role: { readonly name: string; readonly arn: string };
  /** The role EventBridge uses to notify the workflow: glue:NotifyEvent on it, nothing else. */
  readonly eventsRole: { readonly name: string; readonly arn: string };
  readonly bucket: { readonly name: string; readonly arn: string };
  /** Sorted; each ends in `/`. */
  readonly prefixes: readonly string[];
  /** `s3://<bucket>/<prefix>` per prefix. */
  readonly targets: readonly string[];
  readonly exclusions: readonly string[];
  readonly tablePrefix: string;
  /** Folder depth at which tables start (the crawler's TableLevelConfiguration): one table per folder under a prefix. */
  readonly tableLevel: number;
  readonly database: { readonly name: string; readonly arn: string };
  readonly batch: { readonly size: number; readonly windowSeconds: number };
  readonly schedule: string | null;
  /** Glue job names (physical, `<stack>-<job>`) run when a crawl succeeds; manifest order. */
  readonly then: readonly string[];
  /** The same jobs by manifest name. */
  readonly thenJobs: readonly string[];
  /** Where Glue writes the crawler's logs under the security configuration. */
  readonly logGroupName: string;
}

/**
 * Glue's log group for a crawler that runs with a security configuration
 * encrypting CloudWatch logs: `/aws-glue/crawlers-role/<role path and name>-<configuration>`
 * (the role has no path here), one stream per crawler.
 */
export const crawlerLogGroupName = (roleName: string, securityConfiguration: string) => `/aws-glue/crawlers-role/${roleName}-${securityConfiguration}`;

/** The discovery part of one deployment. */
export function discoveryOf(
  m: DomainManifestOutput,
  ctx: NameContext,
  partition: Partition,
  stack: string,
  zones: readonly ZoneModel[],
  pii: { readonly key: string; readonly value: string },
): DiscoveryModel {
  const securityConfiguration = `${ctx.organization}-${m.name}-${ctx.environment}-crawler-logs`;
  const discoveryZones = zones.filter((z) => m.discovery.some((c) => c.zone === z.name));
  const databases: DiscoveryDatabaseModel[] = discoveryZones.map((z) => {
    const name = databaseName(ctx, m.name, `${z.name}_discovered`);
    const tags = new Map(z.database.lfTags.map((t) => [t.key, t.value]));
    tags.set(pii.key, pii.value);
    return {
      zone: z.name,
      name,
      arn: databaseArn(partition, ctx, name),
      description: `${m.name} ${z.name} zone: tables crawlers found under watched prefixes, unclassified (PII until declared)`,
      locationUri: z.database.locationUri,
      lfTags: [...tags].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, value]) => ({ key, value })),
    };
  });
  const crawlers = m.discovery.flatMap((c, index): CrawlerModel[] => {
    const zone = zones.find((z) => z.name === c.zone);
    const database = databases.find((d) => d.zone === c.zone);
    if (!zone || !database) return []; // reported by the discovery rules
    const role = ownRoleName(ctx, m.name, { kind: "crawler", crawler: c.name });
    const eventsRole = iamRoleName(ctx, m.name, `events-${c.name}`);
    const crawlerName = `${stack}-${c.name}`;
    const prefixes = [...new Set(c.prefixes)].sort();
    return [
      {
        name: c.name,
        description: c.description || `${m.name}: new folders under ${prefixes.join(", ")} of the ${c.zone} zone`,
        index,
        zone: c.zone,
        crawlerName,
        workflowName: crawlerName,
        workflowArn: `arn:${partition}:glue:${ctx.region}:${ctx.accountId}:workflow/${crawlerName}`,
        role: { name: role, arn: iamRoleArn(partition, ctx.accountId, role) },
        eventsRole: { name: eventsRole, arn: iamRoleArn(partition, ctx.accountId, eventsRole) },
        bucket: { name: zone.bucket.name, arn: zone.bucket.arn },
        prefixes,
        targets: prefixes.map((p) => `s3://${zone.bucket.name}/${p}`),
        exclusions: [...new Set(c.exclude)].sort(),
        tablePrefix: c.tablePrefix ?? "",
        tableLevel: (prefixes[0]?.split("/").length ?? 1),
        database: { name: database.name, arn: database.arn },
        batch: { size: c.batch.size, windowSeconds: c.batch.windowSeconds },
        schedule: c.schedule ?? null,
        then: (c.then ?? []).map((j) => `${stack}-${j}`),
        thenJobs: [...(c.then ?? [])],
        logGroupName: crawlerLogGroupName(role, securityConfiguration),
      },
    ];
  });
  return { crawlers, databases, securityConfiguration };
}
