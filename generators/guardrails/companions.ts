import type { Model } from "../model/types";

/**
 * What a stack names by physical name while other stacks hold it, as the
 * Model knows it. Only a compute-only domain stack has companions: a stack of
 * kind `domain` that is not its deployment's own stack — the DR model's
 * `dr-compute-<domain>-<env>`, whose zone buckets and replica keys are the
 * always-on DR storage (in the primary domain stack, under its DR provider),
 * whose access-log bucket is the always-on DR log bucket, and whose
 * registrations, databases, tags and grants are the export-built
 * `dr-<domain>-<env>`. The rules that ask "a … of the stack" accept these by
 * name for such a stack, and nothing else changes.
 */
export interface StackCompanions {
  /** Access-log buckets, by name. */
  readonly logBuckets: readonly string[];
  /** Registered zone buckets by name, with their zone and their key's alias ARN (the bucket's default key). */
  readonly zones: readonly { readonly zone: string; readonly bucket: string; readonly keyAliasArn: string }[];
  /** The crawlers' databases, by name: their tags and grants are the catalog stack's. */
  readonly discoveryDatabases: readonly string[];
}

export function companionsOf(model: Model, stackName: string): StackCompanions | undefined {
  const stack = model.stacks.find((s) => s.name === stackName);
  if (!stack || stack.kind !== "domain") return undefined;
  const deployments = model.domains.find((d) => d.name === stack.domain)?.deployments ?? [];
  if (deployments.some((x) => x.stack === stack.name)) return undefined;
  const dep = deployments.find((x) => x.environment === stack.environment);
  if (!dep) return undefined;
  return {
    logBuckets: [dep.logBucket.name],
    zones: dep.zones.map((z) => ({ zone: z.name, bucket: z.bucket.name, keyAliasArn: z.key.aliasArn })),
    discoveryDatabases: dep.discovery.databases.map((d) => d.name),
  };
}

/** The zone a companion bucket of the stack holds `s3://…` in, if any. */
export const companionZoneOf = (c: StackCompanions | undefined, uri: unknown) =>
  typeof uri === "string" ? c?.zones.find((z) => uri === `s3://${z.bucket}` || uri.startsWith(`s3://${z.bucket}/`)) : undefined;

const ALIASED_KEYS = /^(arn:[\w-]+:kms:[\w-]+:\d{12}:)key\/\*$/;

/** The aliases a statement lets `arn:…:kms:<region>:<account>:key/*` through for (`ForAnyValue:StringEquals kms:ResourceAliases`), as alias ARNs; empty when it names no key that way. */
export function aliasedKeysOf(resource: string, condition: unknown): string[] {
  const m = ALIASED_KEYS.exec(resource);
  const c = (condition as Record<string, Record<string, unknown>> | undefined)?.["ForAnyValue:StringEquals"]?.["kms:ResourceAliases"];
  if (!m || c === undefined) return [];
  return (Array.isArray(c) ? c : [c]).map((a) => `${m[1]}${String(a)}`);
}

/** A `key/*` resource whose condition lets through only the zone keys of the stack's companions. */
export function isCompanionZoneKeys(c: StackCompanions | undefined, resource: string, condition: unknown): boolean {
  const keys = aliasedKeysOf(resource, condition);
  return c !== undefined && keys.length > 0 && keys.every((k) => c.zones.some((z) => z.keyAliasArn === k));
}
