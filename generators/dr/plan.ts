import { describeResource } from "../export/describe";
import type { Model } from "../model/types";
import type { DrRebuildSet } from "./load";
import type { DrDomainRebuild } from "./types";

/** Tag assignments a rebuild writes: databases, tables and columns with tags of their own. */
export function tagAssignmentCount(d: DrDomainRebuild): number {
  const e = d.export;
  const own = (r: Readonly<Record<string, string>>) => (Object.keys(r).length > 0 ? 1 : 0);
  return e.databases.reduce((n, x) => n + own(x.lfTags), 0) + e.tables.reduce((n, t) => n + own(t.lfTags) + [...t.columns, ...t.partitionKeys].reduce((m, c) => m + own(c.lfTags), 0), 0);
}

/**
 * The orchestration stacks of the DR model: per environment, the DR network
 * the endpoints and MWAA go into, MWAA's names, and the DAGs it runs.
 */
export function drOrchestrationPlan(drModel: Model) {
  return drModel.stacks
    .filter((s) => s.kind === "platform")
    .map((s) => {
      const env = drModel.environments.find((e) => e.name === s.environment)!;
      return {
        stack: s.name,
        region: s.region,
        accountId: s.accountId,
        vpcId: env.network.vpcId,
        privateSubnetIds: env.network.privateSubnetIds,
        mwaa: { name: env.mwaa.name, environmentClass: env.mwaa.environmentClass, bucket: env.mwaa.bucket.name, executionRole: env.mwaa.executionRole.name, accessLogBucket: env.logBucket.name },
        dags: drModel.domains.flatMap((d) => d.deployments.filter((x) => x.environment === env.name && x.pipeline).map((x) => x.pipeline!.dag.dagId)).sort(),
      };
    });
}

/**
 * The compute stacks of the DR model: per deployment, the roles the rebuilt
 * grants name, the jobs and the DAG, with the network they run in.
 */
export function drComputePlan(drModel: Model) {
  return drModel.stacks
    .filter((s) => s.kind === "domain")
    .map((s) => {
      const dep = drModel.domains.find((d) => d.name === s.domain)!.deployments.find((x) => x.environment === s.environment)!;
      return {
        stack: s.name,
        region: s.region,
        accountId: s.accountId,
        artifactsBucket: dep.artifacts.bucket.name,
        jobs: dep.jobs.map((j) => ({ name: j.name, engine: j.engine, role: j.role.name })),
        qualityRole: dep.quality.rulesets.length > 0 ? dep.quality.role.name : null,
        crawlers: dep.discovery.crawlers.map((c) => c.name),
        dag: dep.pipeline?.dag.dagId ?? null,
      };
    });
}

/**
 * What `lakeform dr plan` shows: per DR stack, what a rebuild would create —
 * registrations, databases, tables, tag assignments, filters and grants,
 * with Lakeform's own principals remapped to the DR region's roles (or kept,
 * with the reason) — and what it leaves out, with the reason. Sorted as the
 * exports are, so the same exports always print the same plan.
 */
export function formatDrPlanText(set: DrRebuildSet, drModel?: Model): string {
  const lines: string[] = [];
  for (const p of set.platforms) {
    lines.push(`${p.stack.name} (${p.stack.region}, account ${p.stack.accountId}): data-lake settings${p.admins.length > 0 ? ` with ${p.admins.length} admin${p.admins.length === 1 ? "" : "s"}` : ""}, ${p.lfTags.length} LF-tags (${p.lfTags.map((t) => t.key).join(", ")})`);
  }
  for (const o of drModel ? drOrchestrationPlan(drModel) : []) {
    lines.push(
      `${o.stack} (${o.region}, account ${o.accountId}): private endpoints in ${o.vpcId} (${o.privateSubnetIds.join(", ")}); MWAA ${o.mwaa.name} (${o.mwaa.environmentClass}), bucket ${o.mwaa.bucket}, role ${o.mwaa.executionRole}, access logs in ${o.mwaa.accessLogBucket}; ${o.dags.length > 0 ? `DAGs ${o.dags.join(", ")}` : "no DAGs"}`,
    );
  }
  for (const c of drModel ? drComputePlan(drModel) : []) {
    const jobs = c.jobs.map((j) => `${j.name} (${j.engine}, role ${j.role})`);
    lines.push(
      `${c.stack} (${c.region}, account ${c.accountId}): artifacts ${c.artifactsBucket}; ${jobs.length > 0 ? `jobs ${jobs.join(", ")}` : "no jobs"}${c.qualityRole ? `; quality role ${c.qualityRole}` : ""}${c.crawlers.length > 0 ? `; crawlers ${c.crawlers.join(", ")}` : ""}; ${c.dag ? `DAG ${c.dag}` : "no DAG"}`,
    );
  }
  for (const d of set.domains) {
    const e = d.export;
    const s = d.primary.source;
    lines.push("", `${d.stack.name} (${d.stack.region}, account ${d.stack.accountId}) from the ${s.domain} export of ${s.environment} in ${s.region}, ${d.primary.contentHash.slice(0, 19)}…:`);
    const section = (title: string, items: readonly string[]) => {
      lines.push(`  ${title} (${items.length})`);
      for (const i of items) lines.push(`    ${i}`);
    };
    section("registrations", d.registrations.map((r) => `${r.zone}: ${r.bucketArn} through role ${r.roleName}, key ${r.keyArn}`));
    section("databases", e.databases.map((x) => `${x.name}${x.locationUri ? ` at ${x.locationUri}` : ""}`));
    if (e.resourceLinks.length > 0) section("resource links", e.resourceLinks.map((l) => `${l.name} → ${l.targetCatalogId}:${l.targetDatabase}`));
    section("tables", e.tables.map((t) => `${t.database}.${t.name} (${t.format}) at ${t.location}`));
    lines.push(`  tag assignments (${tagAssignmentCount(d)})`);
    section("data-cells filters", e.dataCellsFilters.map((f) => `${f.database}.${f.table}.${f.name}: ${f.columns ? `columns ${f.columns.join(", ")}` : f.excludedColumns.length > 0 ? `without ${f.excludedColumns.join(", ")}` : "all columns"}; ${f.rowFilter ? `rows where ${f.rowFilter}` : "all rows"}`));
    const remapped = d.principals.filter((p) => p.to !== null);
    const kept = d.principals.filter((p) => p.to === null);
    if (remapped.length > 0) section("principals remapped to the DR region's roles", remapped.map((p) => `${p.principalName}: ${p.from} → ${p.to}`));
    if (kept.length > 0) section("principals kept as exported", kept.map((p) => `${p.principalName ?? "(unnamed)"} (${p.kind}) ${p.from}: ${p.why}`));
    section("grants", e.grants.map((g) => `${g.name ?? "(unnamed)"}: ${g.principal} ${g.permissions.join(", ")}${g.permissionsWithGrantOption.length > 0 ? ` (grantable ${g.permissionsWithGrantOption.join(", ")})` : ""} on ${describeResource(g.resource)}`));
    if (d.skipped.length > 0) section("not rebuilt", d.skipped.map((x) => `${x.what}: ${x.why}`));
  }
  return `${lines.join("\n")}\n`;
}

export function formatDrPlanJson(set: DrRebuildSet, drModel?: Model): string {
  const body = {
    platforms: set.platforms.map((p) => ({ stack: p.stack.name, region: p.stack.region, accountId: p.stack.accountId, admins: p.admins, lfTags: p.lfTags })),
    orchestration: drModel ? drOrchestrationPlan(drModel) : [],
    compute: drModel ? drComputePlan(drModel) : [],
    domains: set.domains.map((d) => ({
      stack: d.stack.name,
      region: d.stack.region,
      accountId: d.stack.accountId,
      from: { domain: d.primary.source.domain, environment: d.primary.source.environment, region: d.primary.source.region, contentHash: d.primary.contentHash },
      registrations: d.registrations,
      principals: d.principals,
      databases: d.export.databases.map((x) => x.name),
      resourceLinks: d.export.resourceLinks.map((x) => x.name),
      tables: d.export.tables.map((t) => `${t.database}.${t.name}`),
      tagAssignments: tagAssignmentCount(d),
      dataCellsFilters: d.export.dataCellsFilters.map((f) => `${f.database}.${f.table}.${f.name}`),
      grants: d.export.grants.map((g) => ({ name: g.name, principal: g.principal, permissions: g.permissions, permissionsWithGrantOption: g.permissionsWithGrantOption, resource: g.resource })),
      skipped: d.skipped,
    })),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
