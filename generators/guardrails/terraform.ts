/**
 * The Terraform side of the guardrail pack: how the synthesized JSON is read.
 * Resources by type and name, CDKTF's max-1 blocks as objects or arrays,
 * policies as literal JSON documents (anything else is UNKNOWN and cannot
 * pass), "connected" as checkov's graph and trivy's S3 linking need it (the
 * attached resource's `bucket` interpolates the bucket), and the kinds of
 * bucket, told apart by structure, never by name: zone buckets (the data),
 * access-log buckets, the trail's bucket, the artifacts bucket and the MWAA
 * source bucket. The rules under rules/ are written with these helpers; the
 * security audit (test/security/audit.test.ts) uses them too.
 */
import type { ColumnAccess } from "../access/analyze";
import type { StackCompanions } from "./companions";
import type { Model } from "../model/types";

// ---------------------------------------------------------------------------
// Types and helpers

export type Json = Record<string, unknown>;
export type Resources = Record<string, Record<string, Json>>;

export interface TfStack {
  readonly name: string;
  /** The cdk.tf.json text as written, for whole-file searches. */
  readonly text: string;
  readonly json: { resource?: Resources; data?: Record<string, Record<string, unknown>> } & Json;
  /** What the stack names but other stacks hold (a DR compute stack's zones, log bucket, catalog); see companions.ts. */
  readonly companions?: StackCompanions;
}

export interface Violation {
  readonly rule: string;
  readonly stack: string;
  /** Terraform address, `<type>.<name>`, or `(stack)` for the whole file. */
  readonly address: string;
  readonly message: string;
}

export type Check = (stacks: readonly TfStack[]) => Violation[];

export interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export const BUCKET = "aws_s3_bucket";
export const PAB = "aws_s3_bucket_public_access_block";
export const SSE = "aws_s3_bucket_server_side_encryption_configuration";
export const POLICY = "aws_s3_bucket_policy";
export const LOGGING = "aws_s3_bucket_logging";
export const VERSIONING = "aws_s3_bucket_versioning";
export const LIFECYCLE = "aws_s3_bucket_lifecycle_configuration";
export const NOTIFICATION = "aws_s3_bucket_notification";
export const OWNERSHIP = "aws_s3_bucket_ownership_controls";
export const KMS_KEY = "aws_kms_key";
export const SETTINGS = "aws_lakeformation_data_lake_settings";
export const MWAA = "aws_mwaa_environment";
export const EMR_EKS = "aws_emrcontainers_virtual_cluster";

export const byName = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

export function entries(s: TfStack, type: string): [string, Json][] {
  return Object.entries(s.json.resource?.[type] ?? {}).sort(byName);
}

/** CDKTF writes max-1 blocks as objects and others as arrays: treat `x` and `[x]` alike. */
export function blocks(x: unknown): Json[] {
  if (x === undefined || x === null) return [];
  return (Array.isArray(x) ? x : [x]).filter((b): b is Json => typeof b === "object" && b !== null);
}

export const list = (x: unknown): unknown[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
export const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** True when `value` is a string interpolating `<type>.<name>` (any attribute of it). */
export function refersTo(value: unknown, type: string, name: string): boolean {
  return typeof value === "string" && new RegExp(`\\$\\{[^}]*\\b${escapeRe(type)}\\.${escapeRe(name)}(?![\\w-])`).test(value);
}

/** Resources of `type` connected to bucket `name` through their `bucket` attribute. */
export function attached(s: TfStack, type: string, name: string): [string, Json][] {
  return entries(s, type).filter(([, r]) => refersTo(r.bucket, BUCKET, name));
}

/** Statements of a policy given as a literal JSON string; undefined when it cannot be read (UNKNOWN). */
export function statementsOf(policy: unknown): Statement[] | undefined {
  if (typeof policy !== "string" || !policy.trim().startsWith("{")) return undefined;
  try {
    const doc = JSON.parse(policy) as { Statement?: Statement | Statement[] };
    return list(doc.Statement) as Statement[];
  } catch {
    return undefined;
  }
}

export const isWildcardPrincipal = (p: unknown): boolean => p === "*" || (typeof p === "object" && p !== null && list((p as Json).AWS).includes("*"));

/** A policy statement letting S3 server access logging write into the bucket (trivy's log-target test). */
export function allowsLogDelivery(s: TfStack, bucket: string): boolean {
  return attached(s, POLICY, bucket).some(([, p]) =>
    (statementsOf(p.policy) ?? []).some(
      (st) =>
        st.Effect === "Allow" &&
        list(st.Action).includes("s3:PutObject") &&
        typeof st.Principal === "object" &&
        st.Principal !== null &&
        list((st.Principal as Json).Service).includes("logging.s3.amazonaws.com"),
    ),
  );
}

/** Another bucket's logging resource names this bucket as its target (checkov's and cdk-nag's log-target test). */
export function isLoggingTarget(s: TfStack, bucket: string, physicalName: unknown): boolean {
  return entries(s, LOGGING).some(([, l]) => refersTo(l.target_bucket, BUCKET, bucket) || (typeof physicalName === "string" && l.target_bucket === physicalName));
}

/**
 * The one documented exception: a bucket that receives S3 server access logs
 * (delivery cannot write to SSE-KMS buckets). It must be both a logging target
 * and allow log delivery in its policy, so a zone bucket cannot claim it by
 * adding a policy statement alone.
 */
export function isAccessLogBucket(s: TfStack, bucket: string, r: Json): boolean {
  return isLoggingTarget(s, bucket, r.bucket) && allowsLogDelivery(s, bucket);
}

/** Runs `fn` for every bucket of every stack and collects what it reports. */
export function perBucket(rule: string, stacks: readonly TfStack[], fn: (s: TfStack, name: string, bucket: Json) => string[]): Violation[] {
  return stacks.flatMap((s) => entries(s, BUCKET).flatMap(([name, r]) => fn(s, name, r).map((message) => ({ rule, stack: s.name, address: `${BUCKET}.${name}`, message }))));
}

export function perResource(rule: string, stacks: readonly TfStack[], type: string, fn: (r: Json, s: TfStack, name: string) => string[]): Violation[] {
  return stacks.flatMap((s) => entries(s, type).flatMap(([name, r]) => fn(r, s, name).map((message) => ({ rule, stack: s.name, address: `${type}.${name}`, message }))));
}

export function isTlsOnlyDeny(st: Statement, arns: readonly string[]): boolean {
  const p = st.Principal;
  const principalOk = p === "*" || (typeof p === "object" && p !== null && Object.keys(p).length === 1 && (p as Json).AWS === "*");
  const secure = st.Condition?.Bool?.["aws:SecureTransport"];
  const res = st.Resource;
  return (
    st.Effect === "Deny" &&
    list(st.Action).some((a) => a === "*" || a === "s3:*") &&
    principalOk &&
    (secure === false || secure === "false") &&
    Array.isArray(res) &&
    arns.some((arn) => res.includes(arn) && res.includes(`${arn}/*`))
  );
}

/** Every bucket policy must be readable; UNKNOWN policies cannot pass an audit. */
export function policyProblems(p: Json): { statements: Statement[]; problems: string[] } {
  const statements = statementsOf(p.policy);
  return statements ? { statements, problems: [] } : { statements: [], problems: ["policy is not a literal JSON document (UNKNOWN)"] };
}

export const LOCKOUT_ACTIONS = ["*", "s3:*", "s3:Put*", "s3:*BucketPolicy", "s3:PutBucketPolicy"];

export function hasEmptyFilter(rule: Json): boolean {
  if (typeof rule.prefix === "string" && rule.prefix !== "") return false;
  const empty = (v: unknown) => v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && Object.keys(v).length === 0);
  return blocks(rule.filter).every((f) => Object.values(f).every(empty));
}

// ---------------------------------------------------------------------------
// KMS rules

export const isSymmetric = (k: Json) => {
  const spec = k.customer_master_key_spec ?? k.key_spec;
  return (spec === undefined || spec === "SYMMETRIC_DEFAULT") && k.key_usage !== "SIGN_VERIFY";
};

/** Terraform names of the keys the stack's MWAA environments encrypt with (`kms_key`, by reference). */
export function mwaaKeysOf(s: TfStack): string[] {
  return entries(s, MWAA).flatMap(([, e]) => refName(e.kms_key, KMS_KEY) ?? []);
}

/**
 * Where an MWAA key may be named: its environment, its alias, and the MWAA
 * source bucket's encryption, policy, objects and its execution role's
 * policies. Anything else encrypting under it would be data that DR cannot
 * replicate (the key is single-Region), under an exception meant for MWAA.
 */
export function mwaaKeyUses(s: TfStack, key: string): string[] {
  const ref = new RegExp(`\\$\\{${escapeRe(KMS_KEY)}\\.${escapeRe(key)}\\.`);
  const sources = new Set(mwaaSourceBuckets(s).map(([b]) => b));
  const roles = new Set(entries(s, MWAA).flatMap(([, e]) => refName(e.execution_role_arn, ROLE) ?? []));
  const allowed = (type: string, r: Json): boolean => {
    if (type === MWAA) return refName(r.kms_key, KMS_KEY) === key;
    if (type === "aws_kms_alias") return true;
    if ([SSE, POLICY, S3_OBJECT].includes(type)) return [...sources].some((b) => refersTo(r.bucket, BUCKET, b));
    if (type === ROLE_POLICY) return roles.has(refName(r.role, ROLE) ?? "");
    return false;
  };
  return Object.entries(s.json.resource ?? {}).flatMap(([type, ofType]) =>
    Object.entries(ofType)
      .sort(byName)
      .filter(([n, r]) => !(type === KMS_KEY && n === key) && ref.test(JSON.stringify(r)) && !allowed(type, r))
      .map(([n]) => `${type}.${n}`),
  );
}

// ---------------------------------------------------------------------------
// No back doors: Lake Formation is the only path to a zone's bytes
//
// A zone ("lake") bucket is every bucket that is neither an access-log bucket
// (isAccessLogBucket), a trail's log bucket (isTrailBucket), the artifacts
// bucket (isArtifactsBucket) nor an MWAA source bucket (isMwaaSourceBucket):
// all four are recognised by structure, so a data bucket cannot opt out by its
// name.

export const LF_PERMISSIONS = "aws_lakeformation_permissions";
export const LF_RESOURCE = "aws_lakeformation_resource";
export const ROLE = "aws_iam_role";
export const ROLE_POLICY = "aws_iam_role_policy";
export const POLICIES_EXCLUSIVE = "aws_iam_role_policies_exclusive";
export const ATTACHMENTS_EXCLUSIVE = "aws_iam_role_policy_attachments_exclusive";
export const TRAIL = "aws_cloudtrail";
export const READ_GUARD = "DenyObjectReadsOutsideLakeFormation";
export const OBJECT_READS = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectVersionForReplication"];
export const MANAGED_ATTACHMENTS = ["aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment"];

/** Account, Region and partition of a stack, from its AWS provider (allowed_account_ids pins the account). */
export function providerOf(s: TfStack): { account: string | undefined; region: string | undefined; partition: string } {
  const p = blocks((s.json.provider as Json | undefined)?.aws)[0];
  const account = list(p?.allowed_account_ids).find((a): a is string => typeof a === "string");
  const region = typeof p?.region === "string" ? p.region : undefined;
  const partition = region?.startsWith("cn-") ? "aws-cn" : region?.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  return { account, region, partition };
}

/** `<name>` of the first `${<type>.<name>.<attr>}` in value. */
export function refName(value: unknown, type: string): string | undefined {
  return typeof value === "string" ? new RegExp(`\\$\\{${escapeRe(type)}\\.([\\w-]+)\\.`).exec(value)?.[1] : undefined;
}

export const servicesOf = (p: unknown): unknown[] => (typeof p === "object" && p !== null ? list((p as Json).Service) : []);

/** A bucket a trail writes its log files to: a trail names it and its policy lets CloudTrail put objects. */
export function isTrailBucket(s: TfStack, bucket: string, r: Json): boolean {
  const named = entries(s, TRAIL).some(([, t]) => refersTo(t.s3_bucket_name, BUCKET, bucket) || (typeof r.bucket === "string" && t.s3_bucket_name === r.bucket));
  const writable = attached(s, POLICY, bucket).some(([, p]) =>
    (statementsOf(p.policy) ?? []).some((st) => st.Effect === "Allow" && list(st.Action).includes("s3:PutObject") && servicesOf(st.Principal).includes("cloudtrail.amazonaws.com")),
  );
  return named && writable;
}

export const S3_OBJECT = "aws_s3_object";
export const GLUE_DATABASE = "aws_glue_catalog_database";
export const GLUE_TABLE = "aws_glue_catalog_table";
export const GLUE_JOB = "aws_glue_job";
export const ATHENA = "aws_athena_workgroup";

/** `s3://<bucket>` or `s3://<bucket>/…`, the bucket named literally or by reference. */
export function locationInBucket(s: TfStack, value: unknown, bucket: string): boolean {
  const physical = s.json.resource?.[BUCKET]?.[bucket]?.bucket;
  if (typeof value !== "string" || typeof physical !== "string") return false;
  const resolved = resolveBucketRefs(s, value);
  return resolved === `s3://${physical}` || resolved.startsWith(`s3://${physical}/`);
}

/** Lake Formation or the catalog points at the bucket: a registration, or a database or table located in it. */
export function holdsCatalogData(s: TfStack, bucket: string): boolean {
  return (
    registrationsOf(s, bucket).length > 0 ||
    entries(s, GLUE_DATABASE).some(([, d]) => locationInBucket(s, d.location_uri, bucket)) ||
    entries(s, GLUE_TABLE).some(([, t]) => blocks(t.storage_descriptor).some((sd) => locationInBucket(s, sd.location, bucket)))
  );
}

/** Compute keeps its artifacts in the bucket: a script object, an Athena result location, a Glue job's script or temp dir. */
export function usedForArtifacts(s: TfStack, bucket: string): boolean {
  const resultLocations = (w: Json) => blocks(w.configuration).flatMap((c) => blocks(c.result_configuration)).map((rc) => rc.output_location);
  const jobLocations = (j: Json) => [
    ...blocks(j.command).map((c) => c.script_location),
    (j.non_overridable_arguments as Json | undefined)?.["--TempDir"],
    (j.default_arguments as Json | undefined)?.["--TempDir"],
  ];
  return (
    attached(s, S3_OBJECT, bucket).length > 0 ||
    entries(s, ATHENA).some(([, w]) => resultLocations(w).some((l) => locationInBucket(s, l, bucket))) ||
    entries(s, GLUE_JOB).some(([, j]) => jobLocations(j).some((l) => locationInBucket(s, l, bucket)))
  );
}

/**
 * The artifacts bucket: job scripts, temp data, job logs and query results,
 * which jobs and Athena read with IAM (no Lake Formation in front). It is
 * recognised by structure: compute keeps its artifacts there, and neither
 * Lake Formation nor the catalog points at it. A zone bucket is registered and
 * holds the catalog's databases and tables, so it cannot claim this by holding
 * a script; a bucket that is neither counts as a zone bucket (the strictest
 * rules apply to what the audit cannot place).
 */
export function isArtifactsBucket(s: TfStack, bucket: string, r: Json): boolean {
  return !isAccessLogBucket(s, bucket, r) && !isTrailBucket(s, bucket, r) && !holdsCatalogData(s, bucket) && !isMwaaSourceBucket(s, bucket, r) && usedForArtifacts(s, bucket);
}

/** The environment reads its DAGs from the bucket: its `source_bucket_arn` names it, by reference or by its ARN. */
export function isSourceOf(s: TfStack, e: Json, bucket: string): boolean {
  const arn = bucketArnOf(s, bucket);
  return refersTo(e.source_bucket_arn, BUCKET, bucket) || (arn !== undefined && e.source_bucket_arn === arn);
}

export const namedAsMwaaSource = (s: TfStack, bucket: string) => entries(s, MWAA).some(([, e]) => isSourceOf(s, e, bucket));

/**
 * An MWAA source bucket: DAGs and requirements, which the environment's
 * execution role reads with IAM (no Lake Formation in front). Recognised by
 * structure: an environment of the stack names it as its source, and neither
 * Lake Formation nor the catalog points at it (a zone bucket named as a
 * source stays a zone bucket, with every zone rule); a log bucket stays a log
 * bucket.
 */
export function isMwaaSourceBucket(s: TfStack, bucket: string, r: Json): boolean {
  return !isAccessLogBucket(s, bucket, r) && !isTrailBucket(s, bucket, r) && !holdsCatalogData(s, bucket) && namedAsMwaaSource(s, bucket);
}

/** The zone buckets: every bucket but the access-log and trail buckets (logs, not data), the artifacts bucket and MWAA source buckets. */
export function lakeBuckets(s: TfStack): [string, Json][] {
  return entries(s, BUCKET).filter(
    ([n, r]) =>
      !isAccessLogBucket(s, n, r) &&
      !isTrailBucket(s, n, r) &&
      !isArtifactsBucket(s, n, r) &&
      !isMwaaSourceBucket(s, n, r) &&
      !isUnusedBucket(s, n, r) &&
      !isReplicaBucket(s, n, r) &&
      !isCatalogExportBucket(s, n, r),
  );
}

// ─── DR: replicas and the catalog-export bucket (S3-012, S3-013) ─────────────

export const REPLICATION = "aws_s3_bucket_replication_configuration";
export const REPLICA_KEY = "aws_kms_replica_key";
/** What S3 replication reads from a source bucket: object versions with their ACLs and tags, nothing a person could use to read data. */
export const REPLICATION_READS = ["s3:GetObjectVersionAcl", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging"];

/** The resource sits in another region: its provider is an aliased one (`aws.dr`). */
export const inOtherRegion = (r: Json) => typeof r.provider === "string" && r.provider !== "aws";

/** Replication configurations of the stack that write into the bucket (destination by reference or ARN). */
export function replicationsInto(s: TfStack, bucket: string): [string, Json][] {
  const arn = bucketArnOf(s, bucket);
  return entries(s, REPLICATION).filter(([, c]) =>
    blocks(c.rule).some((rule) => blocks(rule.destination).some((d) => refersTo(d.bucket, BUCKET, bucket) || (arn !== undefined && d.bucket === arn))),
  );
}

/**
 * A zone's DR bucket: in the DR region, and a replication configuration of the
 * stack writes into it or it is encrypted under a zone key's replica (a zone
 * that is not replicated has its DR bucket too, empty until a failover).
 */
export function isReplicaBucket(s: TfStack, bucket: string, r: Json): boolean {
  return inOtherRegion(r) && (replicationsInto(s, bucket).length > 0 || zoneKeysOf(s, bucket).some((k) => refName(k, REPLICA_KEY) !== undefined));
}

/** The catalog-export bucket: in the DR region, no replica, no log bucket, and neither the catalog nor Lake Formation points at it. */
export function isCatalogExportBucket(s: TfStack, bucket: string, r: Json): boolean {
  return inOtherRegion(r) && !isReplicaBucket(s, bucket, r) && !isAccessLogBucket(s, bucket, r) && !holdsCatalogData(s, bucket);
}

export function replicaBuckets(s: TfStack): [string, Json][] {
  return entries(s, BUCKET).filter(([n, r]) => isReplicaBucket(s, n, r));
}

/** Terraform name of the role the bucket is replicated with, when a replication configuration of the stack is on it. */
export function replicationRoleOf(s: TfStack, bucket: string): string | undefined {
  const configs = entries(s, REPLICATION).filter(([, c]) => refersTo(c.bucket, BUCKET, bucket));
  return configs.length === 1 ? refName(configs[0]![1].role, ROLE) : undefined;
}

/**
 * A bucket nothing touches: it holds no catalog data, sends no events, allows
 * no one in its policy, and no resource outside its own S3 configuration
 * (no IAM policy, object, job, workgroup, stream or crawler) names it — the
 * artifacts bucket of a domain with no compute and no consumers. The zone
 * rules (registration, read guard, events) do not apply to it; every S3 rule
 * still does, and the first use of it makes it a zone or artifacts bucket.
 */
export function isUnusedBucket(s: TfStack, bucket: string, r: Json): boolean {
  if (holdsCatalogData(s, bucket) || attached(s, NOTIFICATION, bucket).length > 0) return false;
  if (attached(s, POLICY, bucket).some(([, p]) => (statementsOf(p.policy) ?? [{ Effect: "Allow" }]).some((st) => st.Effect !== "Deny"))) return false;
  const ref = new RegExp(`\\$\\{[^}]*\\b${escapeRe(BUCKET)}\\.${escapeRe(bucket)}(?![\\w-])`);
  const physical = typeof r.bucket === "string" ? r.bucket : undefined;
  return !Object.entries(s.json.resource ?? {}).some(
    ([type, byName]) => !type.startsWith(BUCKET) && Object.values(byName).some((x) => { const t = JSON.stringify(x); return ref.test(t) || (physical !== undefined && t.includes(physical)); }),
  );
}

export function artifactsBuckets(s: TfStack): [string, Json][] {
  return entries(s, BUCKET).filter(([n, r]) => isArtifactsBucket(s, n, r));
}

export function mwaaSourceBuckets(s: TfStack): [string, Json][] {
  return entries(s, BUCKET).filter(([n, r]) => isMwaaSourceBucket(s, n, r));
}

/** The bucket's ARN when its name is a literal. */
export function bucketArnOf(s: TfStack, bucket: string): string | undefined {
  const physical = s.json.resource?.[BUCKET]?.[bucket]?.bucket;
  return typeof physical === "string" && !physical.includes("${") ? `arn:${providerOf(s).partition}:s3:::${physical}` : undefined;
}

/** Replaces references to a bucket's ARN, name or id by their literal values where the bucket's name is literal. */
export function resolveBucketRefs(s: TfStack, value: string): string {
  return value.replace(/\$\{aws_s3_bucket\.([\w-]+)\.(arn|bucket|id)\}/g, (m, n: string, attr: string) => {
    const arn = bucketArnOf(s, n);
    if (!arn) return m;
    return attr === "arn" ? arn : arn.slice(arn.indexOf(":::") + 3);
  });
}

/**
 * The states of IAM's glob (`*` any run, `?` one character) after reading
 * `input`: the pattern matches when the end state is reached, and can still
 * match some continuation of `input` while any state is left.
 */
export function globStates(pattern: string, input: string, ignoreCase: boolean): Set<number> {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const t = ignoreCase ? input.toLowerCase() : input;
  const close = (xs: Set<number>) => {
    for (const i of xs) if (p[i] === "*") xs.add(i + 1);
    return xs;
  };
  let states = close(new Set([0]));
  for (const ch of t) {
    const next = new Set<number>();
    for (const i of states) {
      if (i >= p.length) continue;
      if (p[i] === "*") next.add(i);
      else if (p[i] === "?" || p[i] === ch) next.add(i + 1);
    }
    states = close(next);
    if (states.size === 0) break;
  }
  return states;
}
export const globMatches = (pattern: string, input: string, ignoreCase: boolean) => globStates(pattern, input, ignoreCase).has(pattern.length);
export const globReachesPrefix = (pattern: string, prefix: string) => globStates(pattern, prefix, false).size > 0;

/** The statement allows s3:GetObject or s3:GetObjectVersion (through `*`, `s3:*`, `s3:Get*`, any case, or NotAction). */
export function readsObjects(st: Statement): boolean {
  const matches = (patterns: unknown) => (a: string) => list(patterns).some((p) => typeof p === "string" && globMatches(p, a, true));
  if (st.NotAction !== undefined) return OBJECT_READS.some((a) => !matches(st.NotAction)(a));
  return OBJECT_READS.some(matches(st.Action));
}

/** Whether the statement's resources reach objects of the bucket; "unknown" when a resource cannot be resolved. */
export function reachesObjects(s: TfStack, st: Statement, bucket: string): boolean | "unknown" {
  const arn = bucketArnOf(s, bucket);
  if (!arn || st.NotResource !== undefined) return arn ? true : "unknown";
  let unknown = false;
  for (const r of list(st.Resource)) {
    if (typeof r !== "string") continue;
    const resolved = resolveBucketRefs(s, r);
    // A reference to anything but a bucket (a key, a role) cannot name this bucket's objects.
    if (/\$\{(?!aws_(?!s3_bucket\.)[a-z0-9_]+\.)/.test(resolved)) {
      unknown = true;
      continue;
    }
    if (resolved.includes("${")) continue;
    if (globReachesPrefix(resolved, `${arn}/`)) return true;
  }
  return unknown ? "unknown" : false;
}

export interface IamDocument {
  readonly address: string;
  readonly kind: "role" | "managed" | "user" | "group";
  /** Terraform name of the role the policy belongs to (kind "role"). */
  readonly role?: string;
  /** The policy's own name (inline policies). */
  readonly name?: unknown;
  readonly policy: unknown;
}

/** Every identity policy of the stack: role policies, inline blocks, managed policies, user and group policies. */
export function iamDocuments(s: TfStack): IamDocument[] {
  const roleNamed = (v: unknown) => refName(v, ROLE) ?? entries(s, ROLE).find(([, r]) => r.name === v)?.[0];
  return [
    ...entries(s, ROLE_POLICY).map(([n, p]) => ({ address: `${ROLE_POLICY}.${n}`, kind: "role" as const, role: roleNamed(p.role), name: p.name, policy: p.policy })),
    ...entries(s, ROLE).flatMap(([n, r]) =>
      blocks(r.inline_policy).map((b, i) => ({ address: `${ROLE}.${n}.inline_policy[${i}]`, kind: "role" as const, role: n, name: b.name, policy: b.policy })),
    ),
    ...entries(s, "aws_iam_policy").map(([n, p]) => ({ address: `aws_iam_policy.${n}`, kind: "managed" as const, policy: p.policy })),
    ...entries(s, "aws_iam_user_policy").map(([n, p]) => ({ address: `aws_iam_user_policy.${n}`, kind: "user" as const, policy: p.policy })),
    ...entries(s, "aws_iam_group_policy").map(([n, p]) => ({ address: `aws_iam_group_policy.${n}`, kind: "group" as const, policy: p.policy })),
  ];
}

/** The aws_lakeformation_resource entries that register the bucket. */
export function registrationsOf(s: TfStack, bucket: string): [string, Json][] {
  const arn = bucketArnOf(s, bucket);
  return entries(s, LF_RESOURCE).filter(([, r]) => refersTo(r.arn, BUCKET, bucket) || (arn !== undefined && r.arn === arn));
}

/** Terraform name of the role the bucket is registered through, when it is registered exactly once. */
export function registrationRoleOf(s: TfStack, bucket: string): string | undefined {
  const regs = registrationsOf(s, bucket);
  return regs.length === 1 ? refName(regs[0]![1].role_arn, ROLE) : undefined;
}

/** A role's ARN from its literal name and path and the stack's account. */
export function roleArnOf(s: TfStack, role: string): string | undefined {
  const r = s.json.resource?.[ROLE]?.[role];
  const { account, partition } = providerOf(s);
  if (!r || typeof r.name !== "string" || r.name.includes("${") || !account) return undefined;
  const path = typeof r.path === "string" ? r.path : "/";
  return `arn:${partition}:iam::${account}:role${path}${r.name}`;
}

/** The KMS key each zone bucket's default encryption names, as written (a reference or an ARN). */
export function zoneKeysOf(s: TfStack, bucket: string): string[] {
  return attached(s, SSE, bucket)
    .flatMap(([, c]) => blocks(c.rule))
    .flatMap((r) => blocks(r.apply_server_side_encryption_by_default))
    .map((a) => a.kms_master_key_id)
    .filter((k): k is string => typeof k === "string" && k !== "");
}

export function violation(rule: string, stack: string, address: string, message: string): Violation {
  return { rule, stack, address, message };
}

export const IAM_ALLOWED_PRINCIPALS = /IAM_?ALLOWED_?PRINCIPALS/i;
/** What Lake Formation may grant to here: an IAM role or user, an Identity Center group, an account. */
export const DATA_LAKE_PRINCIPAL = /^(arn:aws(-us-gov|-cn)?:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}|arn:aws(-us-gov|-cn)?:identitystore:::group\/[0-9a-f-]{10,68}|\d{12})$/;

/** Every string in a JSON value, keys included. */
export function stringsIn(x: unknown): string[] {
  if (typeof x === "string") return [x];
  if (Array.isArray(x)) return x.flatMap(stringsIn);
  if (typeof x === "object" && x !== null) return Object.entries(x).flatMap(([k, v]) => [k, ...stringsIn(v)]);
  return [];
}

export const sameStrings = (a: unknown, b: readonly string[]) => JSON.stringify([...list(a)].map(String).sort()) === JSON.stringify([...b].sort());

/** Every statement of every identity policy, or a violation when a policy cannot be read. */
export function iamStatements(rule: string, stacks: readonly TfStack[], fn: (st: Statement, s: TfStack, d: IamDocument) => string[]): Violation[] {
  return stacks.flatMap((s) =>
    iamDocuments(s).flatMap((d) => {
      const statements = statementsOf(d.policy);
      if (!statements) return [violation(rule, s.name, d.address, "policy is not a literal JSON document (UNKNOWN)")];
      return statements.flatMap((st) => fn(st, s, d).map((m) => violation(rule, s.name, d.address, `statement ${st.Sid ?? "?"}: ${m}`)));
    }),
  );
}

/**
 * Actions AWS documents as supporting no resource-level permissions (Service
 * Authorization Reference): the one exception to "no Resource *". A statement
 * may allow them on `*` only when it allows nothing else. This is the list
 * documented in modules/identity/service-role.ts (UNSCOPABLE_ACTIONS), kept
 * here as the audit's own copy; a test makes the two agree, so the generators
 * cannot widen the exception on their own.
 */
export const UNSCOPABLE_ACTIONS_DOCUMENTED = [
  "cloudwatch:PutMetricData",
  // What EMR reads as it launches a cluster (the fleet jobs' EMR service roles).
  "ec2:DescribeAccountAttributes",
  "ec2:DescribeCapacityReservations",
  "ec2:DescribeDhcpOptions",
  "ec2:DescribeImages",
  "ec2:DescribeInstanceTypeOfferings",
  "ec2:DescribeInstances",
  "ec2:DescribeLaunchTemplates",
  "ec2:DescribeNetworkAcls",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribePlacementGroups",
  "ec2:DescribeRouteTables",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeSubnets",
  "ec2:DescribeVolumeStatus",
  "ec2:DescribeVolumes",
  "ec2:DescribeVpcAttribute",
  "ec2:DescribeVpcEndpoints",
  "ec2:DescribeVpcs",
  "lakeformation:GetDataAccess",
  "logs:CreateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:DescribeLogGroups",
  "logs:DescribeResourcePolicies",
  "logs:GetLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:UpdateLogDelivery",
  // MWAA's execution-role guide asks for it on "*" (the account's Block Public Access setting).
  "s3:GetAccountPublicAccessBlock",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
  "xray:PutTelemetryRecords",
  "xray:PutTraceSegments",
];
export const UNSCOPABLE = new Set(UNSCOPABLE_ACTIONS_DOCUMENTED.map((a) => a.toLowerCase()));

/**
 * Statements that allow actions with resource-level permissions on Resource
 * "*" because the resource does not exist before the call, each held by a
 * condition, by Sid, with the reason the generators give
 * (ServiceRole resourceStarStatements; a test makes the two agree). Only
 * these Sids, only in an inline policy named `resource-star`, only with a
 * Condition, are accepted.
 */
export const RESOURCE_STAR_DOCUMENTED: Record<string, string> = {
  LaunchOnlyClustersTaggedForThisMachine:
    "RunJobFlow creates the cluster, so there is no cluster ARN to name; the request-tag condition limits it to clusters tagged for this state machine",
  ManageEmrTaggedResources:
    "the launch templates, instances and network interfaces of clusters created per run are not known to Terraform; the resource-tag condition admits only those EMR tagged as its own",
  TagOnCreate: "tags are written as EMR creates a cluster's resources, which have no ID yet; the create-action condition admits tagging only inside those calls",
  LaunchFromAmazonImages: "the EMR release's machine image is chosen by EMR per Region and release; the owner condition admits only Amazon's images",
};

export const isDocumentedResourceStar = (st: Statement, policyName: unknown) =>
  policyName === "resource-star" && st.Sid !== undefined && st.Sid in RESOURCE_STAR_DOCUMENTED && st.Condition !== undefined && Object.keys(st.Condition).length > 0;

/**
 * `arn:…:elasticmapreduce:<region>:<account>:cluster/*` in a statement held
 * to one state machine's clusters (its tag, a state machine of the stack):
 * clusters created per run have no ID before.
 */
export function isClustersOfStackStateMachine(s: TfStack, st: Statement, resource: string): boolean {
  const { account, region, partition } = providerOf(s);
  if (resource !== `arn:${partition}:elasticmapreduce:${region}:${account}:cluster/*`) return false;
  const tag = st.Condition?.StringEquals?.["elasticmapreduce:ResourceTag/lakeform:state-machine"];
  return typeof tag === "string" && entries(s, STATE_MACHINE).some(([, m]) => m.name === tag);
}

/** `arn:…:states:<region>:<account>:execution:<literal name>:*`: the executions (named by Step Functions) of one state machine. */
export function isExecutionsOfOneStateMachine(s: TfStack, resource: string): boolean {
  const { account, region, partition } = providerOf(s);
  const m = new RegExp(`^arn:${partition}:states:${region}:${account}:execution:([A-Za-z0-9_-]+):\\*$`).exec(resource);
  return m !== null;
}

/** The statement allows only actions without resource-level permissions (IAM action names are case-insensitive). */
export const onlyUnscopableActions = (st: Statement) => st.NotAction === undefined && list(st.Action).length > 0 && list(st.Action).every((a) => typeof a === "string" && UNSCOPABLE.has(a.toLowerCase()));

/** Replaces `${<type>.<name>.name}` by the resource's literal name, where it has one. */
export function resolveNameRefs(s: TfStack, value: string): string {
  return value.replace(/\$\{([a-z0-9_]+)\.([\w-]+)\.name\}/g, (m, type: string, n: string) => {
    const name = s.json.resource?.[type]?.[n]?.name;
    return typeof name === "string" && !name.includes("${") ? name : m;
  });
}

export const hasWildcard = (x: string) => x.includes("*") || x.includes("?");

/** `<bucket ARN>/<prefix>*` of a bucket of the stack, the prefix literal: the objects under one prefix of one bucket. */
export function isObjectsUnderPrefix(s: TfStack, resource: string): boolean {
  return entries(s, BUCKET).some(([n]) =>
    [`\${${BUCKET}.${n}.arn}`, bucketArnOf(s, n)].some((arn) => {
      if (!arn || !resource.startsWith(`${arn}/`) || !resource.endsWith("*")) return false;
      return !hasWildcard(resource.slice(arn.length + 1, -1));
    }),
  );
}

/** `arn:…:logs:<region>:<account>:log-group:<name>:*` of a log group of the stack: the streams of one log group. */
export function isStreamsOfStackLogGroup(s: TfStack, resource: string): boolean {
  const m = /^arn:([\w-]+):logs:([\w-]+):(\d{12}):log-group:(.+):\*$/.exec(resource);
  if (!m || hasWildcard(m[4]!)) return false;
  const { account, region, partition } = providerOf(s);
  if (m[1] !== partition || m[2] !== region || m[3] !== account) return false;
  return entries(s, LOG_GROUP).some(([, g]) => typeof g.name === "string" && resolveNameRefs(s, g.name) === m[4]);
}

/**
 * `arn:…:glue:<region>:<account>:table/<database>/*` where the database is one
 * of the stack's, with a literal name, that a crawler of the stack catalogues
 * into: a crawler names its tables only when it finds them. The documented
 * exception (README) for crawler roles; the crawler check below makes sure
 * such a database holds no declared table.
 */
export function isTablesOfCrawledDatabase(s: TfStack, resource: string): boolean {
  const m = /^arn:([\w-]+):glue:([\w-]+):(\d{12}):table\/([a-z0-9_]+)\/\*$/.exec(resource);
  if (!m) return false;
  const { account, region, partition } = providerOf(s);
  if (m[1] !== partition || m[2] !== region || m[3] !== account) return false;
  return entries(s, GLUE_CRAWLER).some(([, c]) => {
    const db = refName(c.database_name, GLUE_DATABASE);
    // A DR compute stack's crawler names its database, held by the catalog stack, literally (companions).
    if (db === undefined) return c.database_name === m[4] && (s.companions?.discoveryDatabases.includes(m[4]!) ?? false);
    return s.json.resource?.[GLUE_DATABASE]?.[db]?.name === m[4];
  });
}

export const VPC_ENDPOINT = "aws_vpc_endpoint";

/** Objects of the AWS-owned buckets the S3 gateway may serve to requests no principal of ours signs: ECR's image layers, EMR's and Amazon Linux 2023's package repositories. */
export const awsOwnedGatewayReads = (region: string) => [`arn:aws:s3:::prod-${region}-starport-layer-bucket/*`, `arn:aws:s3:::al2023-repos-${region}-de612dc2/*`, `arn:aws:s3:::repo.${region}.emr.amazonaws.com/*`];

/** The EC2 actions that put an instance or a network interface into a subnet and security groups (IAM action names are case-insensitive). */
export const EC2_LAUNCH_ACTIONS = ["ec2:CreateFleet", "ec2:CreateLaunchTemplate", "ec2:CreateLaunchTemplateVersion", "ec2:CreateNetworkInterface", "ec2:RunInstances"];
/** What EMR creates per cluster and tags as its own as it creates it (AmazonEMRServicePolicy_v2 scopes its tag statements to these types). */
export const EMR_CREATED_EC2_TYPES = ["fleet", "instance", "launch-template", "network-interface", "spot-instances-request", "volume"];
export const EMR_MANAGED_TAG_KEY = "for-use-with-amazon-emr-managed-policies";

/** The launch actions a statement allows, wildcards (`ec2:*`, `ec2:Run*`, `*`) and NotAction included. */
export function launchActionsOf(st: Statement): string[] {
  if (st.NotAction !== undefined) return list(st.NotAction).some((a) => String(a) === "*") ? [] : EC2_LAUNCH_ACTIONS;
  return EC2_LAUNCH_ACTIONS.filter((a) => list(st.Action).some((p) => globMatches(String(p), a, true)));
}

/**
 * `arn:…:ec2:<region>:<account>:<type>/*` for a type EMR creates per cluster,
 * in a statement held by EMR's own tag (on the request or on the resource)
 * and allowing nothing but EC2: an EMR service role's resources that have no
 * ID before a run.
 */
export function isEmrCreatedEc2Resources(s: TfStack, st: Statement, resource: string): boolean {
  const { account, region, partition } = providerOf(s);
  const m = new RegExp(`^arn:${partition}:ec2:${region}:${account}:([a-z-]+)/\\*$`).exec(resource);
  if (!m || !EMR_CREATED_EC2_TYPES.includes(m[1]!)) return false;
  const eq = st.Condition?.StringEquals ?? {};
  const tagged = eq[`aws:RequestTag/${EMR_MANAGED_TAG_KEY}`] === "true" || eq[`aws:ResourceTag/${EMR_MANAGED_TAG_KEY}`] === "true";
  return tagged && st.NotAction === undefined && list(st.Action).every((a) => /^ec2:[A-Za-z]+$/.test(String(a)));
}

/** Base36 of a role name as the AWS CLI writes it into EMR on EKS service-account names (big-endian bytes → base 36). */
export const base36 = (text: string) => [...text].reduce((n, ch) => n * 256n + BigInt(ch.charCodeAt(0)), 0n).toString(36);

/**
 * An EMR on EKS job execution role trusts, through the stack's EKS OIDC
 * provider in its own account and for the STS audience, only the service
 * accounts EMR creates for that very role in the namespace of the stack's
 * one virtual cluster: the namespace literal, no other wildcard than EMR's
 * two random parts.
 */
export function emrEksTrustProblems(st: Statement, role: Json, s: TfStack): string[] {
  const { account } = providerOf(s);
  const provider = String((st.Principal as Record<string, unknown>).Federated);
  const issuer = new RegExp(`^arn:aws:iam::${account}:oidc-provider/(oidc\\.eks\\.[a-z0-9-]+\\.amazonaws\\.com/id/[0-9A-F]{32})$`).exec(provider)?.[1];
  if (!issuer) return [`trusts federated principal ${provider}, not an EKS OIDC provider of account ${account}`];
  const out: string[] = [];
  if (!sameStrings(st.Action, ["sts:AssumeRoleWithWebIdentity"])) out.push(`allows ${JSON.stringify(st.Action)}, expected sts:AssumeRoleWithWebIdentity`);
  const conditions = st.Condition ?? {};
  if (!sameStrings(Object.keys(conditions).sort(), ["StringEquals", "StringLike"])) out.push(`conditions ${JSON.stringify(Object.keys(conditions))}, expected StringEquals (aud) and StringLike (sub)`);
  if (!sameStrings(Object.keys(conditions.StringEquals ?? {}), [`${issuer}:aud`]) || conditions.StringEquals?.[`${issuer}:aud`] !== "sts.amazonaws.com") out.push("audience is not exactly sts.amazonaws.com");
  const clusters = Object.values(s.json.resource?.aws_emrcontainers_virtual_cluster ?? {});
  const namespaces = clusters.map((c) => (c.container_provider as Json | undefined)?.info as Json | undefined).map((i) => (i?.eks_info as Json | undefined)?.namespace);
  if (clusters.length !== 1) out.push(`the stack has ${clusters.length} virtual clusters, expected one`);
  const expected = `system:serviceaccount:${String(namespaces[0])}:emr-containers-sa-*-*-${account}-${base36(String(role.name))}`;
  if (!sameStrings(Object.keys(conditions.StringLike ?? {}), [`${issuer}:sub`]) || conditions.StringLike?.[`${issuer}:sub`] !== expected) {
    out.push(`sub is ${JSON.stringify(conditions.StringLike)}, expected exactly ${expected}`);
  }
  return out;
}
/** The role is in an aws_iam_instance_profile of the stack. */
export const isInstanceProfileRole = (s: TfStack, role: string) => entries(s, INSTANCE_PROFILE).some(([, ip]) => refName(ip.role, ROLE) === role);

/** A statement conditioned on aws:SourceArn being exactly `arn` (StringEquals or ArnEquals). */
export const conditionedOnSourceArn = (st: Statement, arn: string) =>
  ["StringEquals", "ArnEquals"].some((op) => sameStrings(st.Condition?.[op]?.["aws:SourceArn"], [arn]));

// ---------------------------------------------------------------------------
// The artifacts bucket: read with IAM, so each job keeps to its own prefixes

/** The literal key prefix a resource reaches in `arn` (up to its first wildcard); undefined when it does not name a key under it literally. */
export function keyPrefixIn(resource: string, arn: string): string | undefined {
  if (!resource.startsWith(`${arn}/`)) return undefined;
  const key = resource.slice(arn.length + 1);
  const wild = key.search(/[*?]/);
  return wild < 0 ? key : key.slice(0, wild);
}

/** The statement may allow some S3 action: `*`, `s3:…` (any case), or NotAction. */
export const actsOnS3 = (st: Statement) => st.NotAction !== undefined || list(st.Action).some((a) => typeof a === "string" && (a === "*" || /^s3:/i.test(a)));

/** Actions a bucket-policy grant of a workgroup's results may allow: its objects, and listing under its prefix. */
export const RESULT_OBJECT_ACTIONS = new Set(["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"]);
export const RESULT_BUCKET_ACTIONS = new Set(["s3:GetBucketLocation", "s3:ListBucket"]);

/**
 * Why a bucket-policy Allow on the artifacts bucket is not a workgroup's own
 * results granted to one role of the account, from the stack alone;
 * undefined when it is. The pipeline's Athena statements run as the MWAA
 * execution role (another stack's), which reaches its workgroups' results
 * this way: one role ARN as principal, only result actions, objects only
 * under the output prefix of an Athena workgroup of the stack, listing only
 * with an s3:prefix condition within those prefixes. Returns the prefixes too.
 */
export function resultGrantProblem(s: TfStack, st: Statement, arn: string): { problem?: string; role?: string; prefixes: string[] } {
  const { account, partition } = providerOf(s);
  const principal = (st.Principal as { AWS?: unknown } | undefined)?.AWS;
  const role = typeof principal === "string" && new RegExp(`^arn:${partition}:iam::${account}:role/[\\w+=,.@-]+$`).test(principal) ? principal : undefined;
  if (!role || Object.keys(st.Principal as object).length !== 1) return { problem: "names no single role of the account as its principal", prefixes: [] };
  const outputs = entries(s, ATHENA).flatMap(([, w]) => {
    const loc = blocks(blocks(w.configuration)[0]?.result_configuration)[0]?.output_location;
    return typeof loc === "string" && loc.startsWith(`s3://${arn.slice(arn.lastIndexOf(":") + 1)}/`) ? [loc.replace(/^s3:\/\/[^/]+\//, "")] : [];
  });
  const actions = list(st.Action).map(String);
  const resources = list(st.Resource).map(String);
  const prefixes: string[] = [];
  for (const r of resources) {
    if (r === arn) {
      if (!actions.every((a) => RESULT_BUCKET_ACTIONS.has(a))) return { problem: `allows ${actions.join(", ")} on the whole bucket`, prefixes: [] };
      const wanted = list((st.Condition as { StringLike?: Record<string, unknown> } | undefined)?.StringLike?.["s3:prefix"]).map(String);
      if (wanted.length === 0 || !wanted.every((w) => outputs.some((o) => `${o}*` === w))) return { problem: "lists the bucket outside the output prefixes of the stack's workgroups", prefixes: [] };
      continue;
    }
    const prefix = keyPrefixIn(r, arn);
    if (!actions.every((a) => RESULT_OBJECT_ACTIONS.has(a))) return { problem: `allows ${actions.join(", ")} on objects`, prefixes: [] };
    if (prefix === undefined || !r.endsWith("*") || !outputs.includes(prefix)) return { problem: `reaches ${r}, which is not the output prefix of a workgroup of the stack`, prefixes: [] };
    prefixes.push(prefix);
  }
  return { role, prefixes };
}

// ---------------------------------------------------------------------------
// Compute: Glue, CloudWatch Logs, Athena, security groups, EMR

export const GLUE_CRAWLER = "aws_glue_crawler";
export const GLUE_SECURITY = "aws_glue_security_configuration";
export const LOG_GROUP = "aws_cloudwatch_log_group";
export const SECURITY_GROUP = "aws_security_group";
export const SG_RULE = "aws_security_group_rule";
export const SG_INGRESS_RULE = "aws_vpc_security_group_ingress_rule";
export const SG_EGRESS_RULE = "aws_vpc_security_group_egress_rule";
export const EMR_SERVERLESS = "aws_emrserverless_application";
export const STANDING_EMR = ["aws_emr_cluster", "aws_emr_instance_fleet", "aws_emr_instance_group"];
export const STATE_MACHINE = "aws_sfn_state_machine";
export const EMR_SECURITY = "aws_emr_security_configuration";
export const INSTANCE_PROFILE = "aws_iam_instance_profile";

export const nonEmpty = (x: unknown): x is string => typeof x === "string" && x.trim() !== "";

/** Problems with a KMS key attribute: it must be set, and a reference must name a key of the stack. */
export function cmkProblems(s: TfStack, attr: string, value: unknown): string[] {
  if (!nonEmpty(value)) return [`${attr} is not set`];
  const ref = refName(value, KMS_KEY);
  if (value.includes("${") && (!ref || !s.json.resource?.[KMS_KEY]?.[ref])) return [`${attr} ${value} is not a key of the stack`];
  return [];
}

/** The security configuration a Glue job or crawler names, by reference or by its literal name. */
export function securityConfigurationOf(s: TfStack, r: Json): [string, Json] | undefined {
  const v = r.security_configuration;
  if (!nonEmpty(v)) return undefined;
  const ref = refName(v, GLUE_SECURITY);
  return entries(s, GLUE_SECURITY).find(([n, c]) => (ref ? n === ref : c.name === v));
}

export const encryptionOf = (c: Json, block: string): Json | undefined => blocks(blocks(c.encryption_configuration)[0]?.[block])[0];

/** The zone buckets (by Terraform name) holding the tables `principal` may INSERT into through the stack's Lake Formation grants; "?" for a table the audit cannot place. */
export function zonesWrittenBy(s: TfStack, principal: string): string[] {
  const zones = new Set<string>();
  for (const [, p] of entries(s, LF_PERMISSIONS)) {
    if (p.principal !== principal || !list(p.permissions).includes("INSERT")) continue;
    for (const t of [...blocks(p.table), ...blocks(p.table_with_columns)]) {
      const table = s.json.resource?.[GLUE_TABLE]?.[refName(t.name, GLUE_TABLE) ?? ""];
      const database = s.json.resource?.[GLUE_DATABASE]?.[refName(table?.database_name, GLUE_DATABASE) ?? ""];
      const locations = [...blocks(table?.storage_descriptor).map((sd) => sd.location), database?.location_uri];
      const bucket = lakeBuckets(s).find(([b]) => locations.some((l) => locationInBucket(s, l, b)))?.[0];
      zones.add(bucket ?? "?");
    }
  }
  return [...zones].sort();
}

/** The keys a bucket's policy lets uploads name: those every Deny on s3:PutObject conditioned on the key id leaves open; undefined when none is. */
export function uploadKeysOf(s: TfStack, bucket: string): string[] | undefined {
  let keys: string[] | undefined;
  for (const [, p] of attached(s, POLICY, bucket)) {
    for (const st of statementsOf(p.policy) ?? []) {
      if (st.Effect !== "Deny" || !list(st.Action).includes("s3:PutObject")) continue;
      const cond = st.Condition?.StringNotEqualsIfExists ?? st.Condition?.StringNotEquals;
      const allowed = cond?.["s3:x-amz-server-side-encryption-aws-kms-key-id"];
      if (allowed === undefined) continue;
      const these = list(allowed).map(String);
      keys = keys === undefined ? these : keys.filter((k) => these.includes(k));
    }
  }
  return keys;
}

export const sameSet = (a: readonly string[], b: readonly string[]) => JSON.stringify([...new Set(a)].sort()) === JSON.stringify([...new Set(b)].sort());

export interface SgRule {
  readonly address: string;
  readonly direction: "ingress" | "egress";
  readonly rule: Json;
}

/** Every security-group rule: inline blocks, aws_security_group_rule, and the aws_vpc_security_group_*_rule resources. */
export function sgRules(s: TfStack): SgRule[] {
  return [
    ...entries(s, SECURITY_GROUP).flatMap(([n, g]) =>
      (["ingress", "egress"] as const).flatMap((direction) => blocks(g[direction]).map((rule, i) => ({ address: `${SECURITY_GROUP}.${n}.${direction}[${i}]`, direction, rule }))),
    ),
    ...entries(s, SG_RULE).map(([n, rule]) => ({ address: `${SG_RULE}.${n}`, direction: rule.type === "egress" ? ("egress" as const) : ("ingress" as const), rule })),
    ...entries(s, SG_INGRESS_RULE).map(([n, rule]) => ({ address: `${SG_INGRESS_RULE}.${n}`, direction: "ingress" as const, rule })),
    ...entries(s, SG_EGRESS_RULE).map(([n, rule]) => ({ address: `${SG_EGRESS_RULE}.${n}`, direction: "egress" as const, rule })),
  ];
}

export const cidrsOf = (r: Json): string[] => [...list(r.cidr_blocks), ...list(r.ipv6_cidr_blocks), r.cidr_ipv4, r.cidr_ipv6].filter((c): c is string => typeof c === "string");
export const otherSourcesOf = (r: Json): unknown[] =>
  [...list(r.prefix_list_ids), ...list(r.security_groups), r.source_security_group_id, r.referenced_security_group_id, r.prefix_list_id, r.self === true ? "self" : undefined].filter((x) => x !== undefined && x !== null);
export const isAllAddresses = (cidr: string) => /\/0$/.test(cidr.trim());

export function sgViolations(rule: string, stacks: readonly TfStack[], fn: (r: SgRule) => string[]): Violation[] {
  return stacks.flatMap((s) => sgRules(s).flatMap((r) => fn(r).map((m) => violation(rule, s.name, r.address, m))));
}

export const SNS_TOPIC = "aws_sns_topic";
export const SNS_TOPIC_POLICY = "aws_sns_topic_policy";

// ---------------------------------------------------------------------------
// Ingestion into raw: Firehose streams and partner prefix writers

export const FIREHOSE = "aws_kinesis_firehose_delivery_stream";

/** The literal head of a Firehose prefix (up to its first `!{…}`), and its first folder. */
export const firehoseHead = (p: unknown) => (typeof p === "string" ? p.split("!{")[0]! : "");
export const firstFolder = (p: string) => p.slice(0, p.indexOf("/") + 1);

/** What an account writing under a prefix of a zone bucket may do there; the audit's own copy of PREFIX_WRITER_ACTIONS. */
export const PREFIX_WRITER_ACTIONS_DOCUMENTED = ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:PutObject"];
export const ACCOUNT_ROOT = /^arn:aws[a-z-]*:iam::(\d{12}):root$/;

/** The one account whose root a statement names as its only principal, if it does. */
export function rootAccountOf(st: Statement): string | undefined {
  const p = st.Principal;
  if (typeof p !== "object" || p === null || Object.keys(p).length !== 1) return undefined;
  const ids = list((p as Json).AWS);
  return ids.length === 1 && typeof ids[0] === "string" ? ACCOUNT_ROOT.exec(ids[0])?.[1] : undefined;
}

// ---------------------------------------------------------------------------
// MWAA: the environment (CKV2_AWS_66, CKV_AWS_242/243/244, MWAAAllLoggingInfo,
// custom key and network rules) and its source bucket

/** The five component logs, in the provider's block names. */
export const MWAA_LOG_TYPES = ["dag_processing_logs", "scheduler_logs", "task_logs", "webserver_logs", "worker_logs"];

export const mwaaLog = (e: Json, type: string): Json | undefined => blocks(blocks(e.logging_configuration)[0]?.[type])[0];

/** S3 actions that change a bucket or its objects: an execution role reads its source bucket, and never writes it. */
export const S3_WRITES = [
  "s3:DeleteBucket",
  "s3:DeleteBucketPolicy",
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:PutBucketAcl",
  "s3:PutBucketPolicy",
  "s3:PutBucketPublicAccessBlock",
  "s3:PutBucketVersioning",
  "s3:PutEncryptionConfiguration",
  "s3:PutLifecycleConfiguration",
  "s3:PutObject",
  "s3:PutObjectAcl",
  "s3:RestoreObject",
];

// ---------------------------------------------------------------------------
// (f) PII, from the Model: the effective-access analysis must show no PII
// column unmasked to anyone but the environment's PII readers.

/** Keys of the PII columns, from the Model's tags alone (column over table over database), independent of the analyzer. */
export function piiColumns(model: Model): Set<string> {
  const out = new Set<string>();
  const asRecord = (tags: readonly { key: string; value: string }[]) => Object.fromEntries(tags.map((t) => [t.key, t.value]));
  for (const d of model.domains) {
    for (const dep of d.deployments) {
      for (const t of dep.tables) {
        const db = asRecord(dep.zones.find((z) => z.name === t.zone)?.database.lfTags ?? []);
        for (const c of [...t.columns, ...t.partitionKeys]) {
          const tags: Record<string, string> = { ...db, ...asRecord(t.lfTags), ...asRecord(c.lfTags) };
          if (tags[model.pii.key] === model.pii.value) out.add([d.name, dep.environment, t.zone, t.name, c.name].join("\u0000"));
        }
      }
    }
  }
  return out;
}

export const accessKey = (a: ColumnAccess) => [a.domain, a.environment, a.zone, a.table, a.column].join("\u0000");

/**
 * Why a job principal may see a PII column unmasked, from the Model alone (not
 * the analyzer's piiReason): it is the role of a job of that deployment, named
 * `job:<job>`, the job says why it processes PII (processesPii), and every grant
 * that shows the column is one of that job's own. Undefined when it may;
 * otherwise what is wrong.
 */
export function jobPiiProblem(model: Model, a: ColumnAccess): string | undefined {
  const dep = model.domains.find((d) => d.name === a.domain)?.deployments.find((x) => x.environment === a.environment);
  if (dep && a.principal.id === dep.quality.role.arn) return qualityPiiProblem(dep, a);
  const job = dep?.jobs.find((j) => j.role.arn === a.principal.id);
  if (!dep || !job) return "is no job's role in this deployment";
  if (a.principal.name !== `job:${job.name}`) return `is the role of job ${job.name}, so it should be named job:${job.name}`;
  if (!job.processesPii) return "gives no processesPii reason";
  const own = new Set(dep.grants.filter((g) => g.source === "jobs" && g.principal.id === job.role.arn).map((g) => g.name));
  const foreign = a.via.filter((v) => !own.has(v.grant)).map((v) => v.grant);
  return foreign.length > 0 ? `also reads it through ${foreign.join(", ")}, which is not the job's own grant` : undefined;
}

/**
 * The quality role's fixed reason for reading PII, the audit's own copy of the
 * Model's (generators/model/build.ts): Glue Data Quality evaluates rules over
 * whole rows. A test makes the examples' grants carry exactly this text.
 */
export const QUALITY_PII_REASON_DOCUMENTED = "Glue Data Quality evaluates rules over whole rows; results hold counts, not values.";

/**
 * Why the deployment's quality role may see a PII column unmasked, from the
 * Model alone; undefined when it may. The one processor besides jobs: it is
 * named `job:quality`, is no job's role, holds exactly one grant
 * (`quality-reads`, from the jobs' side) whose reason is the fixed one, over
 * exactly the tables that have rulesets, and sees the column through that
 * grant only.
 */
export function qualityPiiProblem(dep: Model["domains"][number]["deployments"][number], a: ColumnAccess): string | undefined {
  const role = dep.quality.role.arn;
  if (a.principal.name !== "job:quality") return "is the deployment's quality role, so it should be named job:quality";
  if (dep.jobs.some((j) => j.role.arn === role)) return "is the quality role and a job's role at once";
  const grants = dep.grants.filter((g) => g.principal.id === role);
  if (grants.length !== 1 || grants[0]!.name !== "quality-reads" || grants[0]!.source !== "jobs") {
    return `holds the grants ${JSON.stringify(grants.map((g) => g.name))}, not the one quality-reads grant`;
  }
  const g = grants[0]!;
  if (g.piiReason !== QUALITY_PII_REASON_DOCUMENTED) return `reads PII for ${JSON.stringify(g.piiReason)}, not the quality role's fixed reason`;
  if (JSON.stringify([...g.permissions].sort()) !== JSON.stringify(["DESCRIBE", "SELECT"]) || g.grantable) return `holds ${JSON.stringify(g.permissions)}${g.grantable ? " with the grant option" : ""}, not reads only`;
  const tables = g.target.kind === "tables" ? g.target.tables.map((t) => `${t.zone}.${t.table}`).sort() : [];
  const rulesets = dep.quality.rulesets.map((r) => `${r.zone}.${r.table}`).sort();
  if (g.target.kind !== "tables" || JSON.stringify(tables) !== JSON.stringify(rulesets)) return `reads ${JSON.stringify(tables)}, not exactly the tables with quality rules ${JSON.stringify(rulesets)}`;
  const foreign = a.via.filter((v) => v.grant !== "quality-reads" || v.piiReason !== QUALITY_PII_REASON_DOCUMENTED).map((v) => v.grant);
  return foreign.length > 0 ? `also reads it through ${foreign.join(", ")}, which is not the quality role's grant with its fixed reason` : undefined;
}

/**
 * Why the pipeline principal may see a PII column unmasked, from the Model
 * alone; undefined when it may. The MWAA execution role runs the query tasks:
 * it is the environment's execution role, named `pipeline:<env>`, and every
 * grant that shows the column is the reads grant of a query task of that
 * deployment that lists the column's table in its reads and says why in
 * processesPii.
 */
export function pipelinePiiProblem(model: Model, a: ColumnAccess): string | undefined {
  const env = model.environments.find((e) => e.name === a.environment);
  const dep = model.domains.find((d) => d.name === a.domain)?.deployments.find((x) => x.environment === a.environment);
  if (!env || !dep || a.principal.id !== env.mwaa.executionRole.arn) return "is not the environment's MWAA execution role";
  if (a.principal.name !== `pipeline:${a.environment}`) return `is the MWAA execution role, so it should be named pipeline:${a.environment}`;
  for (const v of a.via) {
    const task = dep.queries.tasks.find((t) => v.grant === `pipeline-${t.task}-reads`);
    const grant = dep.grants.find((g) => g.name === v.grant && g.source === "pipeline" && g.principal.id === a.principal.id);
    if (!task || !grant) return `also reads it through ${v.grant}, which is no query task's reads grant`;
    if (!task.reads.some((r) => r.zone === a.zone && r.table === a.table)) return `reads it through ${v.grant}, but query ${task.task} does not list ${a.zone}.${a.table} in its reads`;
    if (!task.processesPii || grant.piiReason !== task.processesPii) return `reads it through ${v.grant}, and query ${task.task} gives no processesPii reason`;
  }
  return undefined;
}
// ---------------------------------------------------------------------------
// Cost

export const BUDGET = "aws_budgets_budget";
export const COST_ALLOCATION_TAG = "aws_ce_cost_allocation_tag";

/** The AWS provider's default tags of a stack (where the `domain` tag of every resource comes from). */
export function defaultTagsOf(s: TfStack): Record<string, string> {
  const p = blocks((s.json.provider as Json | undefined)?.aws)[0];
  return (blocks(p?.default_tags)[0]?.tags as Record<string, string> | undefined) ?? {};
}
