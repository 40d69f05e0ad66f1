import { type CatalogExport, type CatalogExportContent, type ExportGrant, type ExportProblem, canonicalJson, canonicalizeExport } from "../export/format";
import { drOwnPrincipal, drRegistrationRole } from "../model/dr";
import { isOwnPrincipalKind } from "../model/own-roles";
import { partitionOf, shortHash } from "../model/names";
import type { BackendModel, StackModel } from "../model/types";
import type { DrDomainRebuild, DrPlatformRebuild, DrPrincipalRemap, DrRegistration, DrSkipped } from "./types";

/**
 * Catalog export → DR rebuild, a pure function of the export and the target
 * region. The remap is all a rebuild changes:
 *
 * - `source.region` becomes the DR region and `source.drRegion` the primary
 *   (the direction a fail-back goes);
 * - each zone's bucket and key become its DR bucket and the key's replica
 *   (`zones[].dr`), and every S3 location and bucket ARN under a zone bucket
 *   (databases, tables, registrations, data-location grants) follows;
 * - registration roles become roles named for the DR region (IAM names are
 *   per account; the role's policy names the DR bucket and replica key);
 * - Lakeform's own principals (kind `job`, `pipeline`, `crawler`) become the
 *   roles the Model names with the DR region as primary, which the DR
 *   compute stacks create (model/dr.ts `drOwnPrincipal`); one whose name does
 *   not parse, or that is not the role Lakeform names for it, is kept and
 *   listed with the reason (`principals`).
 *
 * Other principals are kept: IAM roles, users and groups are global, so the
 * primary's grants hold for the same principals in the DR region. Every
 * zone's DR bucket is always on (generators/stacks/dr-storage.ts), so the
 * rebuild registers every zone: a replicated zone's bucket holds the
 * replicas, the others are empty until a failover recomputes into them.
 */

export interface DrStackSettings {
  /** Backend of the DR stack `name` of environment `environment`. */
  readonly backendOf: (name: string, environment: string) => BackendModel;
  /** Provider default tags of a DR stack (`domain` "platform" for the platform's). */
  readonly tagsOf: (domain: string, environment: string) => Readonly<Record<string, string>>;
}

export type RebuildResult = { readonly ok: true; readonly rebuild: DrDomainRebuild } | { readonly ok: false; readonly problems: readonly ExportProblem[] };

export const drDomainStackName = (domain: string, environment: string) => `dr-${domain}-${environment}`;
export const drPlatformStackName = (environment: string) => `dr-platform-${environment}`;

const bucketOfArn = (arn: string) => arn.replace(/^arn:[a-z-]+:s3:::/, "");
const bucketOfUri = (uri: string) => /^s3:\/\/([^/]+)/.exec(uri)?.[1] ?? "";

/** A legal Terraform name (letters, digits, `_`, `-`; not starting with a digit or `-`). */
export function terraformNameOf(s: string): string {
  const t = s.replace(/[^A-Za-z0-9_-]/g, "_");
  return /^[A-Za-z_]/.test(t) ? t : `_${t}`;
}

/** Names for keys, each from `base`, with a hash of the key added where two bases collide. */
function uniqueNames(keys: readonly string[], base: (k: string) => string): Record<string, string> {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(base(k), (counts.get(base(k)) ?? 0) + 1);
  return Object.fromEntries(keys.map((k) => [k, counts.get(base(k))! > 1 ? `${base(k)}--${shortHash(k)}` : base(k)]));
}

export const keyOfTable = (t: { database: string; name: string }) => `${t.database}.${t.name}`;
export const keyOfFilter = (f: { database: string; table: string; name: string }) => `${f.database}.${f.table}.${f.name}`;
/** A grant's identity: its content (the same grant twice would be one Lake Formation permission). */
export const keyOfGrant = (g: ExportGrant) => canonicalJson({ principal: g.principal, resource: g.resource, permissions: g.permissions, permissionsWithGrantOption: g.permissionsWithGrantOption });

/** Terraform name of a grant: its manifest name (or principal's), and a hash of its content so the name is stable and unique. */
export function grantTerraformName(g: ExportGrant): string {
  const stem = g.name ?? g.principalName ?? "grant";
  return `${terraformNameOf(stem)}--${shortHash(keyOfGrant(g))}`;
}

/**
 * The DR rebuild of one export in `region`. Problems (the export has no DR
 * side, or its DR side is in another region or partition) refuse it, each
 * naming the field.
 */
export function rebuildDomain(exp: CatalogExport, region: string, settings: DrStackSettings): RebuildResult {
  const src = exp.source;
  const problems: ExportProblem[] = [];
  if (region === src.region) problems.push({ path: "source.region", message: `is ${region}: a DR rebuild goes to another region than the export's` });
  if (partitionOf(region) !== src.partition) problems.push({ path: "source.partition", message: `is ${src.partition}, but ${region} is in ${partitionOf(region)}` });
  exp.zones.forEach((z, i) => {
    if (z.dr === null) problems.push({ path: `zones[${i}].dr`, message: `zone ${z.name} has no DR bucket and key: the export was written without a DR region` });
    else if (z.dr.region !== region) problems.push({ path: `zones[${i}].dr.region`, message: `zone ${z.name}'s DR bucket and key are in ${z.dr.region}, not ${region}` });
  });
  if (exp.zones.length === 0) problems.push({ path: "zones", message: "no zones: nothing tells where the data lives in the DR region" });
  if (problems.length > 0) return { ok: false, problems };

  const srcCtx = { organization: src.organization, environment: src.environment, accountId: src.accountId, region: src.region };
  // Zone buckets, by primary bucket name.
  const zoneOfBucket = new Map(exp.zones.map((z) => [bucketOfArn(z.bucketArn), z]));
  const drUri = (uri: string) => {
    const z = zoneOfBucket.get(bucketOfUri(uri));
    return z ? uri.replace(/^s3:\/\/[^/]+/, `s3://${bucketOfArn(z.dr!.bucketArn)}`) : undefined;
  };
  const drArn = (arn: string) => {
    const z = zoneOfBucket.get(bucketOfArn(arn.split("/")[0]!));
    return z ? arn.replace(`:::${bucketOfArn(z.bucketArn)}`, `:::${bucketOfArn(z.dr!.bucketArn)}`) : undefined;
  };
  const skipped: DrSkipped[] = [];

  const tables = exp.tables.flatMap((t) => {
    const location = drUri(t.location);
    if (t.format === "other") {
      skipped.push({ what: `table ${keyOfTable(t)}`, why: "its format is not one Lakeform declares (found live); a crawler rediscovers it" });
      return [];
    }
    if (!location) {
      skipped.push({ what: `table ${keyOfTable(t)}`, why: `its location ${t.location} is in no zone bucket of the domain` });
      return [];
    }
    return [{ ...t, location }];
  });
  const kept = new Set(tables.map(keyOfTable));
  const dataCellsFilters = exp.dataCellsFilters.filter((f) => {
    if (kept.has(`${f.database}.${f.table}`)) return true;
    skipped.push({ what: `data-cells filter ${keyOfFilter(f)}`, why: "its table is not rebuilt" });
    return false;
  });

  const registered = new Map<string, DrRegistration>();
  const registrations = exp.registrations.flatMap((r) => {
    const z = zoneOfBucket.get(bucketOfArn(r.resourceArn));
    if (!z) {
      skipped.push({ what: `registration of ${r.resourceArn}`, why: "not a zone bucket of the domain: no DR bucket is known for it" });
      return [];
    }
    // The role the DR bucket's read guard lets through (generators/model/dr.ts).
    const role = drRegistrationRole(srcCtx, src.partition, region, src.domain, z.name);
    registered.set(z.dr!.bucketArn, { terraformName: z.name, zone: z.name, bucketArn: z.dr!.bucketArn, keyArn: z.dr!.keyArn, roleName: role.name, roleArn: role.arn });
    return [{ resourceArn: z.dr!.bucketArn, roleArn: role.arn, hybridAccessEnabled: r.hybridAccessEnabled }];
  });

  const filterKeys = new Set(dataCellsFilters.map(keyOfFilter));
  const grants = exp.grants.flatMap((g): ExportGrant[] => {
    const r = g.resource;
    const what = `grant ${g.name ?? "(unnamed)"} to ${g.principal} on ${r.kind}`;
    if ((r.kind === "table" && r.name !== null && !kept.has(`${r.database}.${r.name}`)) || (r.kind === "tableColumns" && !kept.has(`${r.database}.${r.table}`))) {
      skipped.push({ what, why: "its table is not rebuilt" });
      return [];
    }
    if (r.kind === "dataCellsFilter" && !filterKeys.has(keyOfFilter(r))) {
      skipped.push({ what, why: "its data-cells filter is not rebuilt" });
      return [];
    }
    if (r.kind === "dataLocation") {
      const arn = drArn(r.resourceArn);
      if (!arn || !registered.has(`arn:${src.partition}:s3:::${bucketOfArn(arn.split("/")[0]!)}`)) {
        skipped.push({ what, why: "its location is not registered in the DR region" });
        return [];
      }
      return [{ ...g, resource: { ...r, resourceArn: arn } }];
    }
    return [g];
  });

  // Lakeform's own roles are per region: their grants go to the DR region's roles.
  const principals = new Map<string, DrPrincipalRemap>();
  const remapped = grants.map((g): ExportGrant => {
    if (!isOwnPrincipalKind(g.principalKind)) return g;
    const key = canonicalJson([g.principalKind, g.principalName, g.principal]);
    let p = principals.get(key);
    if (!p) {
      const dr = drOwnPrincipal(srcCtx, src.partition, region, src.domain, g.principalKind, g.principalName, g.principal);
      p = { kind: g.principalKind, principalName: g.principalName, from: g.principal, ...("why" in dr ? { to: null, why: dr.why } : { to: dr.arn, why: null }) };
      principals.set(key, p);
    }
    return p.to === null ? g : { ...g, principal: p.to };
  });
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

  const content: CatalogExportContent = canonicalizeExport({
    format: exp.format,
    version: exp.version,
    source: { ...src, region, drRegion: src.region },
    lfTags: exp.lfTags,
    zones: exp.zones.map((z) => ({ name: z.name, bucketArn: z.dr!.bucketArn, keyArn: z.dr!.keyArn, replicated: false, dr: null })),
    databases: exp.databases.map((d) => ({ ...d, locationUri: d.locationUri === null ? null : (drUri(d.locationUri) ?? d.locationUri) })),
    resourceLinks: exp.resourceLinks,
    tables,
    registrations,
    dataCellsFilters,
    grants: remapped,
  });

  const stack = drStackModel(settings, { name: drDomainStackName(src.domain, src.environment), kind: "domain", environment: src.environment, domain: src.domain, accountId: src.accountId, region });
  return {
    ok: true,
    rebuild: {
      stack,
      primary: { source: src, contentHash: exp.contentHash },
      export: content,
      registrations: [...registered.values()].sort((a, b) => (a.zone < b.zone ? -1 : 1)),
      principals: [...principals.values()].sort((a, b) => byText(a.principalName ?? "", b.principalName ?? "") || byText(a.from, b.from)),
      names: {
        databases: uniqueNames(content.databases.map((d) => d.name), terraformNameOf),
        resourceLinks: uniqueNames(content.resourceLinks.map((l) => l.name), (n) => `link__${terraformNameOf(n)}`),
        tables: uniqueNames(content.tables.map(keyOfTable), (k) => k.split(".").map(terraformNameOf).join("__")),
        filters: uniqueNames(content.dataCellsFilters.map(keyOfFilter), (k) => k.split(".").map(terraformNameOf).join("__")),
        grants: content.grants.map(grantTerraformName),
      },
      skipped,
    },
  };
}

/**
 * The StackModel of a DR stack (the rebuild's and the DR model's alike): its
 * account and region, with the backend and default tags `settings` give it;
 * `domain` is "platform" for a platform-kind stack.
 */
export function drStackModel(
  settings: DrStackSettings,
  s: { readonly name: string; readonly kind: StackModel["kind"]; readonly environment: string; readonly domain: string; readonly accountId: string; readonly region: string },
): StackModel {
  return {
    name: s.name,
    kind: s.kind,
    environment: s.environment,
    ...(s.kind === "domain" ? { domain: s.domain } : {}),
    accountId: s.accountId,
    region: s.region,
    backend: settings.backendOf(s.name, s.environment),
    defaultTags: settings.tagsOf(s.domain, s.environment),
  };
}

/**
 * `dr-platform-<env>` of the exports of one environment: the data-lake
 * settings with the platform's admins, and the union of the exports'
 * taxonomies (an export carries the taxonomy it was written under).
 */
export function rebuildPlatform(exports: readonly CatalogExport[], environment: string, region: string, admins: readonly string[], settings: DrStackSettings): DrPlatformRebuild {
  const first = exports.find((e) => e.source.environment === environment);
  if (!first) throw new Error(`no export of environment ${environment}`);
  const values = new Map<string, Set<string>>();
  for (const e of exports.filter((x) => x.source.environment === environment)) {
    for (const t of e.lfTags) for (const v of t.values) (values.get(t.key) ?? values.set(t.key, new Set()).get(t.key)!).add(v);
  }
  return {
    stack: drStackModel(settings, { name: drPlatformStackName(environment), kind: "platform", environment, domain: "platform", accountId: first.source.accountId, region }),
    admins: [...admins].sort(),
    lfTags: [...values.keys()].sort().map((key) => ({ key, values: [...values.get(key)!].sort() })),
  };
}
