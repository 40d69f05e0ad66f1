import { glueSafe } from "../../model/names";
import type { EnvironmentModel, Model } from "../../model/types";
import type { CatalogExport, ExportGrantResource } from "../format";
import type { LiveScope } from "./to-export";

/**
 * What one domain owns in a live account, by Lakeform's naming convention:
 * databases `<domain>_<…>_<env>` (zones `<domain>_<zone>_<env>`, discovery
 * `<domain>_<zone>_discovered_<env>`, resource links
 * `<domain>_<producer>_<zone>_<env>`), buckets `<org>-<domain>-…`, and tag
 * grants whose expression names the domain. A name that also fits a longer
 * declared domain (`cdr` and `cdr-eu`) belongs to the longer one. Declared
 * names are kept whatever their shape (a name shortened with a hash).
 */

/** Source fields the live export cannot read from the account. */
const source = (model: Model, env: EnvironmentModel, domain: string) => ({ organization: model.organization, environment: env.name, domain, drRegion: env.drRegion });

/** The export of one domain in one environment. */
export function domainScope(model: Model, env: EnvironmentModel, domain: string, declared: readonly CatalogExport[]): LiveScope {
  const longer = model.domains.map((d) => d.name).filter((d) => d !== domain && d.startsWith(`${domain}-`));
  const owns = (name: string, prefix: (d: string) => string, suffix: string) =>
    name.startsWith(prefix(domain)) && name.endsWith(suffix) && !longer.some((d) => name.startsWith(prefix(d)));
  const declaredDatabases = new Set(declared.flatMap((e) => [...e.databases.map((d) => d.name), ...e.resourceLinks.map((l) => l.name)]));
  const declaredBuckets = new Set(declared.flatMap((e) => [...e.zones.map((z) => bucketOf(z.bucketArn)), ...e.registrations.map((r) => bucketOf(r.resourceArn))]));
  return {
    source: source(model, env, domain),
    database: (name) => declaredDatabases.has(name) || owns(name, (d) => `${glueSafe(d)}_`, `_${env.name}`),
    location: (arn) => declaredBuckets.has(bucketOf(arn)) || owns(bucketOf(arn), (d) => `${model.organization}-${d}-`, ""),
    tagGrant: (r) => r.kind === "lfTagPolicy" && namesDomain(r, domain),
    declared,
  };
}

/** The export of a whole account: every database, registration and grant; `source.domain` is `*`. */
export function accountScope(model: Model, env: EnvironmentModel, declared: readonly CatalogExport[]): LiveScope {
  return { source: source(model, env, ACCOUNT_DOMAIN), database: () => true, location: () => true, tagGrant: () => true, declared };
}

/** `source.domain` of an export that covers a whole account. */
export const ACCOUNT_DOMAIN = "*";

/** `arn:aws:s3:::bucket/prefix` → `bucket`. */
export const bucketOf = (arn: string) => (arn.split(":::")[1] ?? arn).split("/")[0]!;

const namesDomain = (r: Extract<ExportGrantResource, { kind: "lfTagPolicy" }>, domain: string) => r.expression.some((e) => e.values.includes(domain));
