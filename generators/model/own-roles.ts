import { iamRoleName, type NameContext } from "./names";

/**
 * Lakeform's own Lake Formation principals: the roles it creates for a
 * domain's jobs, its quality evaluations and its crawlers, and the
 * environment's MWAA execution role that runs the pipelines' queries. Their
 * names end in the region (names.ts `iamRoleName`; a long one is cut with a
 * hash of the whole name), so the same role in another region has a name of
 * its own that only these functions give. The Model names the roles with
 * them, and a DR rebuild (dr.ts `drOwnPrincipal`) renames an exported grant's
 * principal with them, so the two cannot drift.
 *
 * In grants and exports each has a principal name: `job:<job>`,
 * `job:quality`, `crawler:<crawler>` and `pipeline:<env>`.
 */
export type OwnRole =
  | { readonly kind: "job"; readonly job: string }
  | { readonly kind: "quality" }
  | { readonly kind: "crawler"; readonly crawler: string }
  | { readonly kind: "pipeline" };

/** The environment's MWAA execution role, `<org>-platform-mwaa-<env>-<region>`: one per environment, whatever the domain. */
export const pipelineRoleName = (ctx: NameContext) => iamRoleName(ctx, "platform", "mwaa");

/** The IAM role name of an own role of `domain` in the context's region. */
export function ownRoleName(ctx: NameContext, domain: string, role: OwnRole): string {
  switch (role.kind) {
    case "job":
      return iamRoleName(ctx, domain, `job-${role.job}`);
    case "quality":
      return iamRoleName(ctx, domain, "quality");
    case "crawler":
      return iamRoleName(ctx, domain, `crawler-${role.crawler}`);
    case "pipeline":
      return pipelineRoleName(ctx);
  }
}

/** Export principal kinds that are own roles. */
export const OWN_PRINCIPAL_KINDS = ["job", "pipeline", "crawler"] as const;
export type OwnPrincipalKind = (typeof OWN_PRINCIPAL_KINDS)[number];
export const isOwnPrincipalKind = (kind: string): kind is OwnPrincipalKind => (OWN_PRINCIPAL_KINDS as readonly string[]).includes(kind);

/**
 * The own roles a grant's principal kind and name can denote in
 * `environment`, or why none: `job:quality` is the quality role or a job
 * named `quality` (the principal's ARN tells which), `pipeline:<env>` only
 * the environment's own.
 */
export function ownRolesOf(kind: OwnPrincipalKind, principalName: string | null, environment: string): { roles: OwnRole[] } | { why: string } {
  const m = /^([a-z]+):(.+)$/.exec(principalName ?? "");
  const forms = { job: "job:<job> or job:quality", pipeline: `pipeline:${environment}`, crawler: "crawler:<crawler>" }[kind];
  if (!m || m[1] !== kind) return { why: `its principal name ${JSON.stringify(principalName)} is not ${forms}` };
  const rest = m[2]!;
  switch (kind) {
    case "job":
      return { roles: rest === "quality" ? [{ kind: "quality" }, { kind: "job", job: rest }] : [{ kind: "job", job: rest }] };
    case "crawler":
      return { roles: [{ kind: "crawler", crawler: rest }] };
    case "pipeline":
      return rest === environment ? { roles: [{ kind: "pipeline" }] } : { why: `its principal name ${JSON.stringify(principalName)} is not ${forms}: another environment's pipeline` };
  }
}
