/**
 * An independent audit of the synthesized Terraform JSON of every example
 * stack against the S3, KMS and Lake Formation rules of
 * /work/shared/reference/security-rules.md (checkov, trivy-checks, cdk-nag).
 *
 * Each rule is a small pure function over the stacks that returns its
 * violations (stack and resource address); the audit asserts every one is
 * empty. Every check also has `fails when …` cases fed a deliberately broken
 * snippet, so the audit is known to be able to fail.
 *
 * "Connected" means what checkov's graph and trivy's S3 linking need: the
 * attached resource's `bucket` attribute interpolates the bucket
 * (`${aws_s3_bucket.<name>.id}`). A literal bucket name makes no edge.
 *
 * The "no back doors" audit (ARCHITECTURE.md, Governance semantics) adds:
 * (a) no grant to IAMAllowedPrincipals; (b) no IAM or bucket policy lets
 * anyone but a zone bucket's registration role read its objects; (c) every
 * zone bucket's policy denies object reads to all but that role; (d) every
 * zone bucket is registered, hybrid access off, through a role scoped to the
 * bucket and its key; (e) the IAM rules of security-rules.md over the
 * generated roles; (f) no PII column unmasked outside the PII readers, from
 * the effective-access analysis of the Model; (g) CloudTrail may use the
 * audit key and bucket only for its own trail.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ColumnAccess, analyzeAccess } from "../../generators/access/analyze";
import { loadAndValidate } from "../../generators/manifest/validate";
import type { Model } from "../../generators/model/types";
import { synthesizeModel } from "../../generators/stacks/app";
import { modelFrom } from "../helpers/model-fixtures";
import { domainFixture, platformFixture } from "../helpers/project";

// ---------------------------------------------------------------------------
// The audit: types and helpers

type Json = Record<string, unknown>;
type Resources = Record<string, Record<string, Json>>;

interface TfStack {
  readonly name: string;
  /** The cdk.tf.json text as written, for whole-file searches. */
  readonly text: string;
  readonly json: { resource?: Resources; data?: Record<string, Record<string, unknown>> } & Json;
}

interface Violation {
  readonly rule: string;
  readonly stack: string;
  /** Terraform address, `<type>.<name>`, or `(stack)` for the whole file. */
  readonly address: string;
  readonly message: string;
}

type Check = (stacks: readonly TfStack[]) => Violation[];

interface Statement {
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

const BUCKET = "aws_s3_bucket";
const PAB = "aws_s3_bucket_public_access_block";
const SSE = "aws_s3_bucket_server_side_encryption_configuration";
const POLICY = "aws_s3_bucket_policy";
const LOGGING = "aws_s3_bucket_logging";
const VERSIONING = "aws_s3_bucket_versioning";
const LIFECYCLE = "aws_s3_bucket_lifecycle_configuration";
const NOTIFICATION = "aws_s3_bucket_notification";
const OWNERSHIP = "aws_s3_bucket_ownership_controls";
const KMS_KEY = "aws_kms_key";
const SETTINGS = "aws_lakeformation_data_lake_settings";

const byName = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

function entries(s: TfStack, type: string): [string, Json][] {
  return Object.entries(s.json.resource?.[type] ?? {}).sort(byName);
}

/** CDKTF writes max-1 blocks as objects and others as arrays: treat `x` and `[x]` alike. */
function blocks(x: unknown): Json[] {
  if (x === undefined || x === null) return [];
  return (Array.isArray(x) ? x : [x]).filter((b): b is Json => typeof b === "object" && b !== null);
}

const list = (x: unknown): unknown[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** True when `value` is a string interpolating `<type>.<name>` (any attribute of it). */
function refersTo(value: unknown, type: string, name: string): boolean {
  return typeof value === "string" && new RegExp(`\\$\\{[^}]*\\b${escapeRe(type)}\\.${escapeRe(name)}(?![\\w-])`).test(value);
}

/** Resources of `type` connected to bucket `name` through their `bucket` attribute. */
function attached(s: TfStack, type: string, name: string): [string, Json][] {
  return entries(s, type).filter(([, r]) => refersTo(r.bucket, BUCKET, name));
}

/** Statements of a policy given as a literal JSON string; undefined when it cannot be read (UNKNOWN). */
function statementsOf(policy: unknown): Statement[] | undefined {
  if (typeof policy !== "string" || !policy.trim().startsWith("{")) return undefined;
  try {
    const doc = JSON.parse(policy) as { Statement?: Statement | Statement[] };
    return list(doc.Statement) as Statement[];
  } catch {
    return undefined;
  }
}

const isWildcardPrincipal = (p: unknown): boolean => p === "*" || (typeof p === "object" && p !== null && list((p as Json).AWS).includes("*"));

/** A policy statement letting S3 server access logging write into the bucket (trivy's log-target test). */
function allowsLogDelivery(s: TfStack, bucket: string): boolean {
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
function isLoggingTarget(s: TfStack, bucket: string, physicalName: unknown): boolean {
  return entries(s, LOGGING).some(([, l]) => refersTo(l.target_bucket, BUCKET, bucket) || (typeof physicalName === "string" && l.target_bucket === physicalName));
}

/**
 * The one documented exception: a bucket that receives S3 server access logs
 * (delivery cannot write to SSE-KMS buckets). It must be both a logging target
 * and allow log delivery in its policy, so a zone bucket cannot claim it by
 * adding a policy statement alone.
 */
function isAccessLogBucket(s: TfStack, bucket: string, r: Json): boolean {
  return isLoggingTarget(s, bucket, r.bucket) && allowsLogDelivery(s, bucket);
}

/** Runs `fn` for every bucket of every stack and collects what it reports. */
function perBucket(rule: string, stacks: readonly TfStack[], fn: (s: TfStack, name: string, bucket: Json) => string[]): Violation[] {
  return stacks.flatMap((s) => entries(s, BUCKET).flatMap(([name, r]) => fn(s, name, r).map((message) => ({ rule, stack: s.name, address: `${BUCKET}.${name}`, message }))));
}

function perResource(rule: string, stacks: readonly TfStack[], type: string, fn: (r: Json, s: TfStack, name: string) => string[]): Violation[] {
  return stacks.flatMap((s) => entries(s, type).flatMap(([name, r]) => fn(r, s, name).map((message) => ({ rule, stack: s.name, address: `${type}.${name}`, message }))));
}

const where = (vs: readonly Violation[]) => vs.map((v) => `${v.stack}/${v.address}`);

// ---------------------------------------------------------------------------
// S3 rules

/** CKV_AWS_145, AVD-AWS-0132, NIST S3DefaultEncryptionKMS, CKV_AWS_19. */
const checkSseKms: Check = (stacks) =>
  perBucket("CKV_AWS_145/AVD-AWS-0132/S3DefaultEncryptionKMS/CKV_AWS_19", stacks, (s, name, bucket) => {
    const cfgs = attached(s, SSE, name);
    if (cfgs.length === 0) return ["no server-side encryption configuration is connected"];
    const logBucket = isAccessLogBucket(s, name, bucket);
    const out: string[] = [];
    for (const [cfgName, cfg] of cfgs) {
      const rules = blocks(cfg.rule);
      if (rules.length === 0) out.push(`${SSE}.${cfgName} has no rule`);
      for (const rule of rules) {
        const apply = blocks(rule.apply_server_side_encryption_by_default);
        if (apply.length === 0) out.push(`${SSE}.${cfgName} has a rule without apply_server_side_encryption_by_default`);
        for (const a of apply) {
          if (logBucket) {
            if (a.sse_algorithm !== "AES256") out.push(`access-log bucket must use AES256 (log delivery cannot write SSE-KMS), got ${String(a.sse_algorithm)}`);
            continue;
          }
          if (a.sse_algorithm !== "aws:kms") {
            out.push(`sse_algorithm must be aws:kms, got ${String(a.sse_algorithm)}`);
            continue;
          }
          const key = a.kms_master_key_id;
          if (typeof key !== "string" || key === "") out.push("kms_master_key_id is empty");
          else {
            const ref = /\$\{aws_kms_key\.([\w-]+)\./.exec(key);
            if (ref && !s.json.resource?.[KMS_KEY]?.[ref[1]!]) out.push(`kms_master_key_id refers to ${KMS_KEY}.${ref[1]}, which is not in the stack`);
          }
        }
      }
    }
    return out;
  });

/** CKV2_AWS_6, CKV_AWS_53/54/55/56, AVD-AWS-0086/0087/0091/0093/0094, AwsSolutions-S2. */
const checkPublicAccessBlock: Check = (stacks) =>
  perBucket("CKV2_AWS_6/CKV_AWS_53-56/AVD-AWS-0086-0094", stacks, (s, name) => {
    const pabs = attached(s, PAB, name);
    if (pabs.length === 0) return ["no public access block is connected"];
    return pabs.flatMap(([pabName, p]) =>
      ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"].filter((f) => p[f] !== true).map((f) => `${PAB}.${pabName}: ${f} is not true`),
    );
  });

function isTlsOnlyDeny(st: Statement, arns: readonly string[]): boolean {
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

/** AwsSolutions-S10 (and NIST/HIPAA/PCI S3BucketSSLRequestsOnly), read exactly as cdk-nag reads it. */
const checkTlsOnly: Check = (stacks) =>
  perBucket("AwsSolutions-S10", stacks, (s, name, bucket) => {
    const policies = attached(s, POLICY, name);
    if (policies.length === 0) return ["no bucket policy is connected"];
    const physical = String(bucket.bucket);
    const arns = ["aws", "aws-cn", "aws-us-gov"].map((p) => `arn:${p}:s3:::${physical}`).concat(`\${${BUCKET}.${name}.arn}`);
    const found = policies.some(([, p]) => (statementsOf(p.policy) ?? []).some((st) => isTlsOnlyDeny(st, arns)));
    return found ? [] : ["no statement denies s3:* to * when aws:SecureTransport is false on [bucket ARN, ARN/*]"];
  });

/** Every bucket policy must be readable; UNKNOWN policies cannot pass an audit. */
function policyProblems(p: Json): { statements: Statement[]; problems: string[] } {
  const statements = statementsOf(p.policy);
  return statements ? { statements, problems: [] } : { statements: [], problems: ["policy is not a literal JSON document (UNKNOWN)"] };
}

/** CKV_AWS_70, stricter than checkov: no Allow to a wildcard principal at all. */
const checkNoPublicAllow: Check = (stacks) =>
  perResource("CKV_AWS_70", stacks, POLICY, (p) => {
    const { statements, problems } = policyProblems(p);
    return [...problems, ...statements.filter((st) => st.Effect === "Allow" && isWildcardPrincipal(st.Principal)).map((st) => `statement ${st.Sid ?? "?"} allows a wildcard principal`)];
  });

const LOCKOUT_ACTIONS = ["*", "s3:*", "s3:Put*", "s3:*BucketPolicy", "s3:PutBucketPolicy"];

/** CKV_AWS_93: no unconditioned Deny to everyone that would lock the account out of the bucket. */
const checkNoLockoutDeny: Check = (stacks) =>
  perResource("CKV_AWS_93", stacks, POLICY, (p) => {
    const { statements, problems } = policyProblems(p);
    return [
      ...problems,
      ...statements
        .filter((st) => st.Effect === "Deny" && isWildcardPrincipal(st.Principal) && list(st.Action).some((a) => LOCKOUT_ACTIONS.includes(a as string)) && Object.keys(st.Condition ?? {}).length === 0)
        .map((st) => `statement ${st.Sid ?? "?"} denies ${JSON.stringify(st.Action)} to everyone without a condition`),
    ];
  });

/** CKV_AWS_18, AVD-AWS-0089, AwsSolutions-S1: logging connected with a target, or the bucket is the access-log bucket. */
const checkAccessLogging: Check = (stacks) =>
  perBucket("CKV_AWS_18/AVD-AWS-0089/AwsSolutions-S1", stacks, (s, name, bucket) => {
    const logs = attached(s, LOGGING, name);
    const out = logs.flatMap(([logName, l]) => {
      const t = l.target_bucket;
      if (typeof t !== "string" || t === "") return [`${LOGGING}.${logName} has no target_bucket`];
      const inStack = entries(s, BUCKET).some(([b, r]) => refersTo(t, BUCKET, b) || r.bucket === t);
      return inStack ? [] : [`${LOGGING}.${logName} logs to ${t}, which is no bucket of the stack`];
    });
    if (logs.length === 0 && !isAccessLogBucket(s, name, bucket)) out.push("no logging is connected and the bucket is not a log target");
    return out;
  });

/** CKV_AWS_21, AVD-AWS-0090. */
const checkVersioning: Check = (stacks) =>
  perBucket("CKV_AWS_21/AVD-AWS-0090", stacks, (s, name) => {
    const vs = attached(s, VERSIONING, name);
    if (vs.length === 0) return ["no versioning resource is connected"];
    return vs.flatMap(([vName, v]) => {
      const status = blocks(v.versioning_configuration)[0]?.status;
      return status === "Enabled" ? [] : [`${VERSIONING}.${vName}: status is ${String(status)}`];
    });
  });

function hasEmptyFilter(rule: Json): boolean {
  if (typeof rule.prefix === "string" && rule.prefix !== "") return false;
  const empty = (v: unknown) => v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && Object.keys(v).length === 0);
  return blocks(rule.filter).every((f) => Object.values(f).every(empty));
}

/** CKV2_AWS_61 (lifecycle connected) and CKV_AWS_300 (an enabled whole-bucket rule aborting multipart uploads). */
const checkLifecycle: Check = (stacks) =>
  perBucket("CKV2_AWS_61/CKV_AWS_300", stacks, (s, name) => {
    const lcs = attached(s, LIFECYCLE, name);
    if (lcs.length === 0) return ["no lifecycle configuration is connected"];
    const ok = lcs.some(([, lc]) =>
      blocks(lc.rule).some(
        (r) =>
          r.status === "Enabled" &&
          hasEmptyFilter(r) &&
          blocks(r.abort_incomplete_multipart_upload).some((a) => typeof a.days_after_initiation === "number" && a.days_after_initiation > 0),
      ),
    );
    return ok ? [] : ["no enabled rule with an empty filter aborts incomplete multipart uploads"];
  });

/** CKV2_AWS_62: reports every bucket without a connected notification (the audit expects exactly the access-log buckets). */
const checkNotifications: Check = (stacks) =>
  perBucket("CKV2_AWS_62", stacks, (s, name) => (attached(s, NOTIFICATION, name).length > 0 ? [] : ["no event notification is connected"]));

/** CKV2_AWS_65. */
const checkOwnership: Check = (stacks) =>
  perBucket("CKV2_AWS_65", stacks, (s, name) => {
    const oc = attached(s, OWNERSHIP, name);
    if (oc.length === 0) return ["no ownership controls are connected"];
    return oc.flatMap(([ocName, o]) => {
      const own = blocks(o.rule)[0]?.object_ownership;
      return own === "BucketOwnerEnforced" ? [] : [`${OWNERSHIP}.${ocName}: object_ownership is ${String(own)}`];
    });
  });

/** ACLs stay off: no aws_s3_bucket_acl and no inline acl/grant (CKV_AWS_20/57, CKV2_AWS_43, AVD-AWS-0092 cannot apply). */
const checkNoAcl: Check = (stacks) => [
  ...perResource("no-acl", stacks, "aws_s3_bucket_acl", () => ["aws_s3_bucket_acl is not allowed (ACLs are disabled by BucketOwnerEnforced)"]),
  ...perResource("no-acl", stacks, BUCKET, (r) => ["acl", "grant"].filter((k) => r[k] !== undefined).map((k) => `inline ${k} is not allowed`)),
];

// ---------------------------------------------------------------------------
// KMS rules

const isSymmetric = (k: Json) => {
  const spec = k.customer_master_key_spec ?? k.key_spec;
  return (spec === undefined || spec === "SYMMETRIC_DEFAULT") && k.key_usage !== "SIGN_VERIFY";
};

/** CKV_AWS_7, AVD-AWS-0065, AwsSolutions-KMS5. */
const checkKeyRotation: Check = (stacks) =>
  perResource("CKV_AWS_7/AVD-AWS-0065/AwsSolutions-KMS5", stacks, KMS_KEY, (k) => (!isSymmetric(k) || k.enable_key_rotation === true ? [] : ["enable_key_rotation is not true"]));

/** CKV_AWS_33, stricter than checkov: no Allow to a wildcard principal in a key policy. */
const checkKeyPolicyNoWildcard: Check = (stacks) =>
  perResource("CKV_AWS_33", stacks, KMS_KEY, (k) => {
    if (k.policy === undefined) return [];
    const statements = statementsOf(k.policy);
    if (!statements) return ["policy is not a literal JSON document (UNKNOWN)"];
    return statements.filter((st) => st.Effect === "Allow" && isWildcardPrincipal(st.Principal)).map((st) => `statement ${st.Sid ?? "?"} allows a wildcard principal`);
  });

/** CKV2_AWS_64: a key policy is set inline or by a connected aws_kms_key_policy. */
const checkKeyPolicySet: Check = (stacks) =>
  perResource("CKV2_AWS_64", stacks, KMS_KEY, (k, s, name) => {
    const inline = typeof k.policy === "string" && k.policy.trim() !== "";
    const separate = entries(s, "aws_kms_key_policy").some(([, p]) => refersTo(p.key_id, KMS_KEY, name));
    return inline || separate ? [] : ["no key policy"];
  });

/** CKV_AWS_227. */
const checkKeyEnabled: Check = (stacks) =>
  perResource("CKV_AWS_227", stacks, KMS_KEY, (k) => (k.is_enabled === undefined || k.is_enabled === true ? [] : [`is_enabled is ${String(k.is_enabled)}`]));

/** Multi-Region, so DR can hold a replica key that decrypts replicated objects. */
const checkKeyMultiRegion: Check = (stacks) => perResource("multi-region-key", stacks, KMS_KEY, (k) => (k.multi_region === true ? [] : ["multi_region is not true"]));

// ---------------------------------------------------------------------------
// Lake Formation and the stacks as a whole

/** Lake Formation is the only path to data: IAMAllowedPrincipals appears nowhere. */
const checkNoIamAllowedPrincipals: Check = (stacks) =>
  stacks
    .filter((s) => /IAM_ALLOWED_PRINCIPALS|IAMAllowedPrincipals/i.test(s.text))
    .map((s) => ({ rule: "no-iam-allowed-principals", stack: s.name, address: "(stack)", message: "mentions IAM_ALLOWED_PRINCIPALS / IAMAllowedPrincipals" }));

/** Data-lake settings: exactly one, in each platform stack only, with no default-permission entries. */
const checkDataLakeSettings: Check = (stacks) =>
  stacks.flatMap((s) => {
    const settings = entries(s, SETTINGS);
    const v = (address: string, message: string): Violation => ({ rule: "lf-settings", stack: s.name, address, message });
    const out: Violation[] = [];
    if (!s.name.startsWith("platform-")) out.push(...settings.map(([n]) => v(`${SETTINGS}.${n}`, "data-lake settings outside a platform stack")));
    else if (settings.length !== 1) out.push(v("(stack)", `a platform stack must hold exactly one ${SETTINGS}, has ${settings.length}`));
    for (const [n, r] of settings) {
      for (const k of ["create_database_default_permissions", "create_table_default_permissions"]) {
        if (blocks(r[k]).length > 0) out.push(v(`${SETTINGS}.${n}`, `${k} has entries`));
      }
    }
    return out;
  });

/** No Glue database carries create_table_default_permission (even an empty block sends one empty principal). */
const checkGlueDatabaseDefaults: Check = (stacks) =>
  perResource("glue-database-defaults", stacks, "aws_glue_catalog_database", (r) => (r.create_table_default_permission !== undefined ? ["create_table_default_permission is set"] : []));

/** Plans stay offline: no data sources and no references to them. */
const checkNoDataSources: Check = (stacks) =>
  stacks.flatMap((s) => [
    ...Object.entries(s.json.data ?? {}).flatMap(([type, byName]) =>
      Object.keys(byName).map((n) => ({ rule: "no-data-sources", stack: s.name, address: `data.${type}.${n}`, message: "data source" })),
    ),
    ...(/\$\{[^}]*\bdata\./.test(s.text) ? [{ rule: "no-data-sources", stack: s.name, address: "(stack)", message: "interpolates a data source" }] : []),
  ]);

// ---------------------------------------------------------------------------
// No back doors: Lake Formation is the only path to a zone's bytes
//
// A zone ("lake") bucket is every bucket that is neither an access-log bucket
// (isAccessLogBucket) nor a trail's log bucket (isTrailBucket): both are
// recognised by structure, so a data bucket cannot opt out by its name.

const LF_PERMISSIONS = "aws_lakeformation_permissions";
const LF_RESOURCE = "aws_lakeformation_resource";
const ROLE = "aws_iam_role";
const ROLE_POLICY = "aws_iam_role_policy";
const POLICIES_EXCLUSIVE = "aws_iam_role_policies_exclusive";
const ATTACHMENTS_EXCLUSIVE = "aws_iam_role_policy_attachments_exclusive";
const TRAIL = "aws_cloudtrail";
const READ_GUARD = "DenyObjectReadsOutsideLakeFormation";
const OBJECT_READS = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectVersionForReplication"];
const MANAGED_ATTACHMENTS = ["aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment"];

/** Account, Region and partition of a stack, from its AWS provider (allowed_account_ids pins the account). */
function providerOf(s: TfStack): { account: string | undefined; region: string | undefined; partition: string } {
  const p = blocks((s.json.provider as Json | undefined)?.aws)[0];
  const account = list(p?.allowed_account_ids).find((a): a is string => typeof a === "string");
  const region = typeof p?.region === "string" ? p.region : undefined;
  const partition = region?.startsWith("cn-") ? "aws-cn" : region?.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  return { account, region, partition };
}

/** `<name>` of the first `${<type>.<name>.<attr>}` in value. */
function refName(value: unknown, type: string): string | undefined {
  return typeof value === "string" ? new RegExp(`\\$\\{${escapeRe(type)}\\.([\\w-]+)\\.`).exec(value)?.[1] : undefined;
}

const servicesOf = (p: unknown): unknown[] => (typeof p === "object" && p !== null ? list((p as Json).Service) : []);

/** A bucket a trail writes its log files to: a trail names it and its policy lets CloudTrail put objects. */
function isTrailBucket(s: TfStack, bucket: string, r: Json): boolean {
  const named = entries(s, TRAIL).some(([, t]) => refersTo(t.s3_bucket_name, BUCKET, bucket) || (typeof r.bucket === "string" && t.s3_bucket_name === r.bucket));
  const writable = attached(s, POLICY, bucket).some(([, p]) =>
    (statementsOf(p.policy) ?? []).some((st) => st.Effect === "Allow" && list(st.Action).includes("s3:PutObject") && servicesOf(st.Principal).includes("cloudtrail.amazonaws.com")),
  );
  return named && writable;
}

/** The zone buckets: every bucket but the access-log and trail buckets, which hold logs, not data. */
function lakeBuckets(s: TfStack): [string, Json][] {
  return entries(s, BUCKET).filter(([n, r]) => !isAccessLogBucket(s, n, r) && !isTrailBucket(s, n, r));
}

/** The bucket's ARN when its name is a literal. */
function bucketArnOf(s: TfStack, bucket: string): string | undefined {
  const physical = s.json.resource?.[BUCKET]?.[bucket]?.bucket;
  return typeof physical === "string" && !physical.includes("${") ? `arn:${providerOf(s).partition}:s3:::${physical}` : undefined;
}

/** Replaces references to a bucket's ARN, name or id by their literal values where the bucket's name is literal. */
function resolveBucketRefs(s: TfStack, value: string): string {
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
function globStates(pattern: string, input: string, ignoreCase: boolean): Set<number> {
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
const globMatches = (pattern: string, input: string, ignoreCase: boolean) => globStates(pattern, input, ignoreCase).has(pattern.length);
const globReachesPrefix = (pattern: string, prefix: string) => globStates(pattern, prefix, false).size > 0;

/** The statement allows s3:GetObject or s3:GetObjectVersion (through `*`, `s3:*`, `s3:Get*`, any case, or NotAction). */
function readsObjects(st: Statement): boolean {
  const matches = (patterns: unknown) => (a: string) => list(patterns).some((p) => typeof p === "string" && globMatches(p, a, true));
  if (st.NotAction !== undefined) return OBJECT_READS.some((a) => !matches(st.NotAction)(a));
  return OBJECT_READS.some(matches(st.Action));
}

/** Whether the statement's resources reach objects of the bucket; "unknown" when a resource cannot be resolved. */
function reachesObjects(s: TfStack, st: Statement, bucket: string): boolean | "unknown" {
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

interface IamDocument {
  readonly address: string;
  readonly kind: "role" | "managed" | "user" | "group";
  /** Terraform name of the role the policy belongs to (kind "role"). */
  readonly role?: string;
  /** The policy's own name (inline policies). */
  readonly name?: unknown;
  readonly policy: unknown;
}

/** Every identity policy of the stack: role policies, inline blocks, managed policies, user and group policies. */
function iamDocuments(s: TfStack): IamDocument[] {
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
function registrationsOf(s: TfStack, bucket: string): [string, Json][] {
  const arn = bucketArnOf(s, bucket);
  return entries(s, LF_RESOURCE).filter(([, r]) => refersTo(r.arn, BUCKET, bucket) || (arn !== undefined && r.arn === arn));
}

/** Terraform name of the role the bucket is registered through, when it is registered exactly once. */
function registrationRoleOf(s: TfStack, bucket: string): string | undefined {
  const regs = registrationsOf(s, bucket);
  return regs.length === 1 ? refName(regs[0]![1].role_arn, ROLE) : undefined;
}

/** A role's ARN from its literal name and path and the stack's account. */
function roleArnOf(s: TfStack, role: string): string | undefined {
  const r = s.json.resource?.[ROLE]?.[role];
  const { account, partition } = providerOf(s);
  if (!r || typeof r.name !== "string" || r.name.includes("${") || !account) return undefined;
  const path = typeof r.path === "string" ? r.path : "/";
  return `arn:${partition}:iam::${account}:role${path}${r.name}`;
}

/** The KMS key each zone bucket's default encryption names, as written (a reference or an ARN). */
function zoneKeysOf(s: TfStack, bucket: string): string[] {
  return attached(s, SSE, bucket)
    .flatMap(([, c]) => blocks(c.rule))
    .flatMap((r) => blocks(r.apply_server_side_encryption_by_default))
    .map((a) => a.kms_master_key_id)
    .filter((k): k is string => typeof k === "string" && k !== "");
}

function violation(rule: string, stack: string, address: string, message: string): Violation {
  return { rule, stack, address, message };
}

const IAM_ALLOWED_PRINCIPALS = /IAM_?ALLOWED_?PRINCIPALS/i;
/** What Lake Formation may grant to here: an IAM role or user, an Identity Center group, an account. */
const DATA_LAKE_PRINCIPAL = /^(arn:aws(-us-gov|-cn)?:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}|arn:aws(-us-gov|-cn)?:identitystore:::group\/[0-9a-f-]{10,68}|\d{12})$/;

/** Every string in a JSON value, keys included. */
function stringsIn(x: unknown): string[] {
  if (typeof x === "string") return [x];
  if (Array.isArray(x)) return x.flatMap(stringsIn);
  if (typeof x === "object" && x !== null) return Object.entries(x).flatMap(([k, v]) => [k, ...stringsIn(v)]);
  return [];
}

/**
 * (a) No grant to IAMAllowedPrincipals: every Lake Formation grant names a
 * role, user, Identity Center group or account, and no string of any
 * resource equals or contains IAM_ALLOWED_PRINCIPALS / IAMAllowedPrincipals.
 */
const checkNoIamAllowedGrants: Check = (stacks) =>
  stacks.flatMap((s) => [
    ...entries(s, LF_PERMISSIONS)
      .filter(([, r]) => typeof r.principal !== "string" || !DATA_LAKE_PRINCIPAL.test(r.principal))
      .map(([n, r]) => violation("no-back-doors/lf-principal", s.name, `${LF_PERMISSIONS}.${n}`, `principal ${JSON.stringify(r.principal)} is not an IAM role or user, Identity Center group or account`)),
    ...Object.entries(s.json.resource ?? {}).flatMap(([type, ofType]) =>
      Object.entries(ofType)
        .sort(byName)
        .filter(([, r]) => stringsIn(r).some((x) => IAM_ALLOWED_PRINCIPALS.test(x)))
        .map(([n]) => violation("no-back-doors/lf-principal", s.name, `${type}.${n}`, "names IAM_ALLOWED_PRINCIPALS / IAMAllowedPrincipals")),
    ),
    ...(stringsIn(Object.fromEntries(Object.entries(s.json).filter(([k]) => k !== "resource"))).some((x) => IAM_ALLOWED_PRINCIPALS.test(x))
      ? [violation("no-back-doors/lf-principal", s.name, "(stack)", "names IAM_ALLOWED_PRINCIPALS / IAMAllowedPrincipals outside the resources")]
      : []),
  ]);

/**
 * (b) No IAM policy and no bucket policy allows s3:GetObject (directly, by
 * `s3:Get*`, `s3:*`, `*` or NotAction) on a zone bucket's objects, except the
 * inline policy of the role that bucket is registered through.
 */
const checkObjectReadsOnlyByRegistrationRole: Check = (stacks) =>
  stacks.flatMap((s) => {
    const out: Violation[] = [];
    const rule = "no-back-doors/object-reads";
    const lake = lakeBuckets(s).map(([n]) => n);
    for (const d of iamDocuments(s)) {
      const statements = statementsOf(d.policy);
      if (!statements) {
        out.push(violation(rule, s.name, d.address, "policy is not a literal JSON document (UNKNOWN)"));
        continue;
      }
      for (const st of statements.filter((x) => x.Effect === "Allow" && readsObjects(x))) {
        const reached = lake.map((b) => [b, reachesObjects(s, st, b)] as const);
        if (reached.some(([, r]) => r === "unknown")) out.push(violation(rule, s.name, d.address, `statement ${st.Sid ?? "?"} allows object reads on a resource that cannot be resolved`));
        for (const [b] of reached.filter(([, r]) => r === true)) {
          if (d.kind === "role" && d.role !== undefined && d.role === registrationRoleOf(s, b)) continue;
          const who = d.kind === "role" ? (d.role ? `${ROLE}.${d.role}` : "an unknown role") : `a ${d.kind} policy`;
          out.push(violation(rule, s.name, d.address, `statement ${st.Sid ?? "?"} lets ${who} read objects of ${BUCKET}.${b}, which is not registered through it`));
        }
      }
    }
    for (const [pn, p] of entries(s, POLICY)) {
      for (const st of (statementsOf(p.policy) ?? []).filter((x) => x.Effect === "Allow" && readsObjects(x))) {
        for (const b of lake.filter((x) => reachesObjects(s, st, x) !== false)) {
          out.push(violation(rule, s.name, `${POLICY}.${pn}`, `statement ${st.Sid ?? "?"} allows object reads on ${BUCKET}.${b} through a bucket policy`));
        }
      }
    }
    return out;
  });

const sameStrings = (a: unknown, b: readonly string[]) => JSON.stringify([...list(a)].map(String).sort()) === JSON.stringify([...b].sort());

/** (c) Every zone bucket's policy denies object reads to everyone but the role the bucket is registered through. */
const checkObjectReadGuard: Check = (stacks) =>
  stacks.flatMap((s) =>
    lakeBuckets(s).flatMap(([b]) => {
      const at = (message: string) => violation("no-back-doors/read-guard", s.name, `${BUCKET}.${b}`, message);
      const role = registrationRoleOf(s, b);
      const expected = role ? roleArnOf(s, role) : undefined;
      if (!expected) return [at(`no registration role with a known ARN, so ${READ_GUARD} cannot name it`)];
      const guards = attached(s, POLICY, b).flatMap(([, p]) => (statementsOf(p.policy) ?? []).filter((st) => st.Sid === READ_GUARD));
      if (guards.length !== 1) return [at(`has ${guards.length} ${READ_GUARD} statements, expected 1`)];
      const g = guards[0]!;
      const arn = bucketArnOf(s, b);
      const objects = [`\${${BUCKET}.${b}.arn}/*`, ...(arn ? [`${arn}/*`] : [])];
      const problems: string[] = [];
      if (g.Effect !== "Deny") problems.push(`${READ_GUARD} is not a Deny`);
      if (!(g.Principal === "*" || JSON.stringify(g.Principal) === JSON.stringify({ AWS: "*" }))) problems.push(`${READ_GUARD} does not apply to every principal`);
      if (!sameStrings(g.Action, OBJECT_READS)) problems.push(`${READ_GUARD} denies ${JSON.stringify(g.Action)}, expected ${JSON.stringify(OBJECT_READS)}`);
      if (list(g.Resource).length !== 1 || !objects.includes(list(g.Resource)[0] as string)) problems.push(`${READ_GUARD} is on ${JSON.stringify(g.Resource)}, expected the bucket's objects`);
      const c = g.Condition ?? {};
      const readers = c.ArnNotEquals?.["aws:PrincipalArn"];
      if (Object.keys(c).length !== 1 || Object.keys(c.ArnNotEquals ?? {}).length !== 1 || !sameStrings(readers, [expected])) {
        problems.push(`${READ_GUARD} must except exactly ${expected} (ArnNotEquals aws:PrincipalArn), has ${JSON.stringify(c)}`);
      }
      return problems.map(at);
    }),
  );

/**
 * (d) Every zone bucket is registered once, with hybrid access off, through a
 * role of its own whose inline policies name only that bucket (and its objects)
 * and the bucket's zone key, and whose policy lists are exclusive: no inline
 * policy and no managed policy can be added outside Terraform.
 */
const checkRegistration: Check = (stacks) =>
  stacks.flatMap((s) =>
    lakeBuckets(s).flatMap(([b]) => {
      const at = (message: string) => violation("no-back-doors/registration", s.name, `${BUCKET}.${b}`, message);
      const regs = registrationsOf(s, b);
      if (regs.length !== 1) return [at(`is registered with Lake Formation ${regs.length} times, expected once`)];
      const [rn, reg] = regs[0]!;
      const out: string[] = [];
      if (reg.hybrid_access_enabled !== false) out.push(`${LF_RESOURCE}.${rn}: hybrid_access_enabled is ${String(reg.hybrid_access_enabled)}, must be false (IAM alone would grant access)`);
      if (reg.use_service_linked_role === true) out.push(`${LF_RESOURCE}.${rn}: uses the service-linked role, which cannot be scoped to one bucket`);
      const role = refName(reg.role_arn, ROLE);
      if (!role || !s.json.resource?.[ROLE]?.[role]) return [...out, `${LF_RESOURCE}.${rn}: role_arn is not a role of the stack`].map(at);
      for (const [other] of entries(s, LF_RESOURCE).filter(([n, r]) => n !== rn && refName(r.role_arn, ROLE) === role)) {
        out.push(`${ROLE}.${role} also registers ${LF_RESOURCE}.${other}`);
      }
      const arn = bucketArnOf(s, b);
      const keys = zoneKeysOf(s, b);
      if (keys.length === 0) out.push("the bucket names no zone key");
      const allowed = new Set([`\${${BUCKET}.${b}.arn}`, `\${${BUCKET}.${b}.arn}/*`, ...(arn ? [arn, `${arn}/*`] : []), ...keys]);
      const docs = iamDocuments(s).filter((d) => d.kind === "role" && d.role === role);
      if (docs.length === 0) out.push(`${ROLE}.${role} has no policy`);
      for (const d of docs) {
        const statements = statementsOf(d.policy);
        if (!statements) {
          out.push(`${d.address}: policy is not a literal JSON document (UNKNOWN)`);
          continue;
        }
        for (const st of statements) {
          if (st.NotResource !== undefined) out.push(`${d.address} › ${st.Sid ?? "?"}: NotResource reaches everything else`);
          for (const r of list(st.Resource).filter((x) => !allowed.has(x as string))) out.push(`${d.address} › ${st.Sid ?? "?"}: Resource ${String(r)} is neither ${BUCKET}.${b} nor its zone key`);
        }
      }
      const inlineNames = docs.map((d) => d.name);
      const exclusive = entries(s, POLICIES_EXCLUSIVE).filter(([, e]) => refersTo(e.role_name, ROLE, role));
      if (exclusive.length !== 1 || !sameStrings(exclusive[0]![1].policy_names, inlineNames.map(String))) {
        out.push(`${ROLE}.${role}: no ${POLICIES_EXCLUSIVE} listing exactly its inline policies ${JSON.stringify(inlineNames)}`);
      }
      const attachments = entries(s, ATTACHMENTS_EXCLUSIVE).filter(([, e]) => refersTo(e.role_name, ROLE, role));
      if (attachments.length !== 1 || list(attachments[0]![1].policy_arns).length !== 0) out.push(`${ROLE}.${role}: no ${ATTACHMENTS_EXCLUSIVE} with an empty policy_arns`);
      return out.map(at);
    }),
  );

/** Every statement of every identity policy, or a violation when a policy cannot be read. */
function iamStatements(rule: string, stacks: readonly TfStack[], fn: (st: Statement, s: TfStack) => string[]): Violation[] {
  return stacks.flatMap((s) =>
    iamDocuments(s).flatMap((d) => {
      const statements = statementsOf(d.policy);
      if (!statements) return [violation(rule, s.name, d.address, "policy is not a literal JSON document (UNKNOWN)")];
      return statements.flatMap((st) => fn(st, s).map((m) => violation(rule, s.name, d.address, `statement ${st.Sid ?? "?"}: ${m}`)));
    }),
  );
}

/**
 * (e) CKV_AWS_62/63/49 (no Action `*`), NIST IAMPolicyNoStatementsWithFullAccess
 * and AVD-AWS-0345 (no `<service>:*`), and AwsSolutions-IAM5 read strictly on
 * actions (no wildcard in any allowed action) and on NotAction.
 */
const checkIamActions: Check = (stacks) =>
  iamStatements("CKV_AWS_62/63/49/IAMPolicyNoStatementsWithFullAccess/AVD-AWS-0345/AwsSolutions-IAM5", stacks, (st) => {
    if (st.Effect !== "Allow") return [];
    const out: string[] = [];
    if (st.NotAction !== undefined) out.push("Allow with NotAction grants every other action");
    for (const a of list(st.Action).map(String)) {
      if (a === "*") out.push('Action "*" (CKV_AWS_62/63/49)');
      else if (/^[\w-]+:\*$/.test(a)) out.push(`Action "${a}" grants a whole service`);
      else if (a.includes("*") || a.includes("?")) out.push(`Action "${a}" has a wildcard (AwsSolutions-IAM5)`);
    }
    return out;
  });

/**
 * (e) AwsSolutions-IAM5 on resources, CKV_AWS_355: no Allow on Resource `*` or
 * NotResource; a wildcard only as `<bucket ARN>/*` of a bucket of the stack —
 * the objects of one bucket, the form cdk-nag's documented suppression
 * (`appliesTo: Resource::<bucket-arn>/*`) accepts.
 */
const checkIamResources: Check = (stacks) =>
  iamStatements("AwsSolutions-IAM5/CKV_AWS_355", stacks, (st, s) => {
    if (st.Effect !== "Allow") return [];
    const out: string[] = [];
    if (st.NotResource !== undefined) out.push("Allow with NotResource reaches every other resource");
    const objectsOfStackBuckets = new Set(entries(s, BUCKET).flatMap(([n]) => [`\${${BUCKET}.${n}.arn}/*`, ...(bucketArnOf(s, n) ? [`${bucketArnOf(s, n)}/*`] : [])]));
    for (const r of list(st.Resource).map(String)) {
      if (r === "*") out.push('Allow on Resource "*"');
      else if ((r.includes("*") || r.includes("?")) && !objectsOfStackBuckets.has(r)) out.push(`Resource "${r}" has a wildcard that is not the objects of one bucket of the stack`);
    }
    return out;
  });

/**
 * (e) CKV_AWS_60 / CKV_AWS_61: a role's trust policy lets only AWS services
 * assume it — no `*`, no account, root or other AWS principal, no federated
 * one — and only on behalf of the stack's account (aws:SourceAccount, against
 * the confused deputy).
 */
const checkTrustPolicies: Check = (stacks) =>
  perResource("CKV_AWS_60/CKV_AWS_61", stacks, ROLE, (r, s) => {
    const statements = statementsOf(r.assume_role_policy);
    if (!statements) return ["assume_role_policy is not a literal JSON document (UNKNOWN)"];
    const { account } = providerOf(s);
    const out: string[] = [];
    for (const st of statements) {
      const at = `statement ${st.Sid ?? "?"}`;
      if (st.NotPrincipal !== undefined) out.push(`${at}: NotPrincipal trusts everyone else`);
      if (st.Effect !== "Allow") continue;
      const p = st.Principal;
      if (typeof p !== "object" || p === null) {
        out.push(`${at}: trusts ${JSON.stringify(p)} (CKV_AWS_60)`);
        continue;
      }
      for (const [kind, ids] of Object.entries(p)) {
        if (kind !== "Service") out.push(`${at}: trusts ${kind} principal ${JSON.stringify(ids)} (${list(ids).includes("*") ? "CKV_AWS_60" : "CKV_AWS_61"})`);
      }
      const services = servicesOf(p);
      if (services.length === 0) out.push(`${at}: trusts no AWS service`);
      for (const svc of services) if (typeof svc !== "string" || !/^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/.test(svc)) out.push(`${at}: ${JSON.stringify(svc)} is not an AWS service principal`);
      if (!sameStrings(st.Action, ["sts:AssumeRole"])) out.push(`${at}: allows ${JSON.stringify(st.Action)}, expected sts:AssumeRole`);
      if (!account || st.Condition?.StringEquals?.["aws:SourceAccount"] !== account) out.push(`${at}: not limited to aws:SourceAccount ${account ?? "(unknown account)"}`);
    }
    return out;
  });

/** (e) AwsSolutions-IAM4 / CKV_AWS_274: no managed policy on any role, user or group, AWS-managed or not. */
const checkNoManagedPolicies: Check = (stacks) => [
  ...perResource("AwsSolutions-IAM4/CKV_AWS_274", stacks, ROLE, (r) => (list(r.managed_policy_arns).length > 0 ? [`managed_policy_arns ${JSON.stringify(r.managed_policy_arns)}`] : [])),
  ...MANAGED_ATTACHMENTS.flatMap((type) => perResource("AwsSolutions-IAM4/CKV_AWS_274", stacks, type, (r) => [`attaches managed policy ${String(r.policy_arn)}`])),
  ...perResource("AwsSolutions-IAM4/CKV_AWS_274", stacks, ATTACHMENTS_EXCLUSIVE, (r) => (list(r.policy_arns).length > 0 ? [`policy_arns ${JSON.stringify(r.policy_arns)}`] : [])),
];

/** A statement conditioned on aws:SourceArn being exactly `arn` (StringEquals or ArnEquals). */
const conditionedOnSourceArn = (st: Statement, arn: string) =>
  ["StringEquals", "ArnEquals"].some((op) => sameStrings(st.Condition?.[op]?.["aws:SourceArn"], [arn]));

/**
 * (g) The trail's key and bucket policies let CloudTrail act only for this
 * trail: every statement naming cloudtrail.amazonaws.com is conditioned on
 * aws:SourceArn = the trail's ARN; the trail's logs are encrypted with a key
 * of the stack that CloudTrail may use.
 */
const checkTrailPolicies: Check = (stacks) =>
  stacks.flatMap((s) =>
    entries(s, TRAIL).flatMap(([tn, t]) => {
      const at = (address: string, message: string) => violation("trail-source-arn", s.name, address, message);
      const { account, region, partition } = providerOf(s);
      const trailArn = `arn:${partition}:cloudtrail:${region ?? "?"}:${account ?? "?"}:trail/${String(t.name)}`;
      const key = refName(t.kms_key_id, KMS_KEY);
      const keyRes = key ? s.json.resource?.[KMS_KEY]?.[key] : undefined;
      const out: Violation[] = [];
      if (!key || !keyRes) return [at(`${TRAIL}.${tn}`, "log files are not encrypted with a key of the stack")];
      const keyStatements = statementsOf(keyRes.policy) ?? [];
      const forCloudTrail = (sts: Statement[]) => sts.filter((st) => servicesOf(st.Principal).includes("cloudtrail.amazonaws.com"));
      if (forCloudTrail(keyStatements).length === 0) out.push(at(`${KMS_KEY}.${key}`, "the key policy lets CloudTrail do nothing, so the trail cannot encrypt its logs"));
      for (const st of forCloudTrail(keyStatements).filter((x) => x.Effect === "Allow" && !conditionedOnSourceArn(x, trailArn))) {
        out.push(at(`${KMS_KEY}.${key}`, `statement ${st.Sid ?? "?"} is not conditioned on aws:SourceArn ${trailArn}`));
      }
      const bucket = refName(t.s3_bucket_name, BUCKET);
      for (const [pn, p] of bucket ? attached(s, POLICY, bucket) : []) {
        for (const st of forCloudTrail(statementsOf(p.policy) ?? []).filter((x) => x.Effect === "Allow" && !conditionedOnSourceArn(x, trailArn))) {
          out.push(at(`${POLICY}.${pn}`, `statement ${st.Sid ?? "?"} is not conditioned on aws:SourceArn ${trailArn}`));
        }
      }
      return out;
    }),
  );

// ---------------------------------------------------------------------------
// (f) PII, from the Model: the effective-access analysis must show no PII
// column unmasked to anyone but the environment's PII readers.

/** Keys of the PII columns, from the Model's tags alone (column over table over database), independent of the analyzer. */
function piiColumns(model: Model): Set<string> {
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

const accessKey = (a: ColumnAccess) => [a.domain, a.environment, a.zone, a.table, a.column].join("\u0000");

/** Every PII column a principal outside the environment's PII readers sees unmasked (and any column the analyzer mislabels). */
function checkPiiVisibility(model: Model, access: readonly ColumnAccess[]): Violation[] {
  const readers = new Map(model.environments.map((e) => [e.name, new Set(e.piiReaders)]));
  const pii = piiColumns(model);
  const out: Violation[] = [];
  for (const a of access) {
    const stack = `${a.domain}-${a.environment}`;
    const address = `${a.zone}.${a.table}.${a.column}`;
    const isPii = pii.has(accessKey(a));
    if (isPii !== a.pii) out.push(violation("pii", stack, address, `the analyzer says pii=${a.pii}, the tags say ${isPii}`));
    if (isPii && a.visibility === "visible" && !readers.get(a.environment)?.has(a.principal.id)) {
      out.push(violation("pii", stack, address, `${a.principal.name} (${a.principal.id}) reads it unmasked through ${a.via.map((v) => v.grant).join(", ")}`));
    }
  }
  return out;
}

/** Checks that must find nothing in the examples; CKV2_AWS_62 is asserted on its own (documented exception). */
const CHECKS: Record<string, Check> = {
  "CKV_AWS_145/AVD-AWS-0132/S3DefaultEncryptionKMS/CKV_AWS_19 (SSE-KMS)": checkSseKms,
  "CKV2_AWS_6/CKV_AWS_53-56/AVD-AWS-0086-0094 (public access block)": checkPublicAccessBlock,
  "AwsSolutions-S10 (TLS only)": checkTlsOnly,
  "CKV_AWS_70 (no public Allow)": checkNoPublicAllow,
  "CKV_AWS_93 (no lock-out Deny)": checkNoLockoutDeny,
  "CKV_AWS_18/AVD-AWS-0089/AwsSolutions-S1 (access logging)": checkAccessLogging,
  "CKV_AWS_21/AVD-AWS-0090 (versioning)": checkVersioning,
  "CKV2_AWS_61/CKV_AWS_300 (lifecycle)": checkLifecycle,
  "CKV2_AWS_65 (BucketOwnerEnforced)": checkOwnership,
  "no S3 ACLs": checkNoAcl,
  "CKV_AWS_7/AVD-AWS-0065/AwsSolutions-KMS5 (rotation)": checkKeyRotation,
  "CKV_AWS_33 (no wildcard key principal)": checkKeyPolicyNoWildcard,
  "CKV2_AWS_64 (key policy set)": checkKeyPolicySet,
  "CKV_AWS_227 (key enabled)": checkKeyEnabled,
  "multi-Region keys": checkKeyMultiRegion,
  "no IAMAllowedPrincipals": checkNoIamAllowedPrincipals,
  "data-lake settings only in platform stacks, no defaults": checkDataLakeSettings,
  "no Glue database default permissions": checkGlueDatabaseDefaults,
  "no data sources": checkNoDataSources,
  "(a) no grant to IAMAllowedPrincipals": checkNoIamAllowedGrants,
  "(b) object reads only by the bucket's registration role": checkObjectReadsOnlyByRegistrationRole,
  "(c) zone buckets deny object reads to all but their registration role": checkObjectReadGuard,
  "(d) zone buckets registered, hybrid access off, role scoped to bucket and key": checkRegistration,
  "(e) CKV_AWS_62/63/49, IAMPolicyNoStatementsWithFullAccess, AVD-AWS-0345 (IAM actions)": checkIamActions,
  "(e) AwsSolutions-IAM5, CKV_AWS_355 (IAM resources)": checkIamResources,
  "(e) CKV_AWS_60/61 (trust policies)": checkTrustPolicies,
  "(e) AwsSolutions-IAM4, CKV_AWS_274 (no managed policies)": checkNoManagedPolicies,
  "(g) CloudTrail statements conditioned on the trail's aws:SourceArn": checkTrailPolicies,
};

// ---------------------------------------------------------------------------
// The audit of the example stacks

const repo = resolve(import.meta.dirname, "../..");

function readStacks(outdir: string): TfStack[] {
  const dir = join(outdir, "stacks");
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const text = readFileSync(join(dir, name, "cdk.tf.json"), "utf8");
      return { name, text, json: JSON.parse(text) as TfStack["json"] };
    });
}

describe("security audit of every example stack", () => {
  let stacks: TfStack[] = [];
  let domainStacks: string[] = [];
  let model: Model;
  const out = mkdtempSync(join(tmpdir(), "lakeform-audit-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  beforeAll(async () => {
    const result = await loadAndValidate(repo);
    if (!result.ok) throw new Error(`the example manifests are invalid: ${JSON.stringify(result.problems)}`);
    synthesizeModel(result.model, { outdir: out });
    stacks = readStacks(out);
    model = result.model;
    domainStacks = result.model.stacks.filter((s) => s.kind === "domain").map((s) => s.name);
  });
  const domainStacksOf = () => stacks.filter((s) => domainStacks.includes(s.name));

  it("audits every stack of the model and every bucket and key in them", () => {
    expect(stacks.map((s) => s.name)).toEqual(["billing-dev", "billing-prod", "cdr-dev", "cdr-prod", "clickstream-dev", "clickstream-prod", "platform-dev", "platform-prod"]);
    const count = (type: string) => stacks.reduce((n, s) => n + entries(s, type).length, 0);
    // Three zones, one access-log bucket and one audit bucket per domain stack: the checks cannot pass vacuously.
    expect(count(BUCKET)).toBe(domainStacks.length * 5);
    expect(count(KMS_KEY)).toBe(domainStacks.length * 4);
    expect(count(POLICY)).toBe(count(BUCKET));
    expect(count(SETTINGS)).toBe(2);
    // One registration and one role per zone, one trail per domain stack, grants in every domain stack.
    expect(count(LF_RESOURCE)).toBe(domainStacks.length * 3);
    expect(count(ROLE)).toBe(domainStacks.length * 3);
    expect(count(ROLE_POLICY)).toBe(domainStacks.length * 3);
    expect(count(TRAIL)).toBe(domainStacks.length);
    for (const s of domainStacksOf()) expect(entries(s, LF_PERMISSIONS).length, s.name).toBeGreaterThan(0);
  });

  it("tells the zone buckets from the log buckets by structure, in every domain stack", () => {
    for (const s of domainStacksOf()) {
      expect(lakeBuckets(s).map(([n]) => n), s.name).toEqual(["curated", "processed", "raw"]);
      expect(isAccessLogBucket(s, "access_logs", s.json.resource![BUCKET]!.access_logs!), s.name).toBe(true);
      expect(isTrailBucket(s, "audit", s.json.resource![BUCKET]!.audit!), s.name).toBe(true);
    }
  });

  it.each(Object.entries(CHECKS))("%s: no violations", (_, check) => {
    expect(check(stacks)).toEqual([]);
  });

  it("uses SSE-S3 only on the access-log bucket of each domain stack (the documented exception)", () => {
    const sseS3 = stacks.flatMap((s) =>
      entries(s, SSE)
        .filter(([, c]) => blocks(c.rule).some((r) => blocks(r.apply_server_side_encryption_by_default).some((a) => a.sse_algorithm !== "aws:kms")))
        .map(([n]) => `${s.name}/${n}`),
    );
    expect(sseS3).toEqual(domainStacks.map((s) => `${s}/access_logs`));
    for (const s of stacks.filter((x) => domainStacks.includes(x.name))) {
      expect(isAccessLogBucket(s, "access_logs", s.json.resource![BUCKET]!.access_logs!), s.name).toBe(true);
    }
  });

  it("encrypts each audit bucket with SSE-KMS under its trail's own key", () => {
    for (const s of domainStacksOf()) {
      const [trail, ...others] = entries(s, TRAIL);
      expect(others, s.name).toEqual([]);
      const key = refName(trail![1].kms_key_id, KMS_KEY);
      expect(key, s.name).toBe("audit");
      expect(blocks(s.json.resource![SSE]!.audit!.rule), s.name).toEqual([
        { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "${aws_kms_key.audit.arn}" }, bucket_key_enabled: true },
      ]);
      // The audit key is no zone's key.
      for (const [z] of lakeBuckets(s)) expect(zoneKeysOf(s, z), `${s.name} ${z}`).toEqual([`\${aws_kms_key.${z}.arn}`]);
    }
  });

  /*
   * CKV2_AWS_62 (event notifications) is the one S3 rule with documented
   * exceptions, and they are exactly the two log buckets of each domain stack:
   * - the access-log bucket: S3 server access log deliveries;
   * - the audit bucket: CloudTrail's data-event log files.
   * Notifying on log writes serves nothing (no crawler or pipeline starts from
   * a log file; the trail bucket is not a data source), and every delivery
   * would emit an event for nobody. Both are recognised by structure
   * (isAccessLogBucket, isTrailBucket), so a zone bucket cannot claim the
   * exception by name; every zone bucket must notify.
   */
  it("leaves exactly the access-log and audit buckets without event notifications (CKV2_AWS_62 exception)", () => {
    expect(where(checkNotifications(stacks))).toEqual(domainStacks.flatMap((s) => [`${s}/aws_s3_bucket.access_logs`, `${s}/aws_s3_bucket.audit`]));
    for (const s of domainStacksOf()) {
      for (const v of checkNotifications([s])) {
        const name = v.address.slice(`${BUCKET}.`.length);
        const r = s.json.resource![BUCKET]![name]!;
        expect(isAccessLogBucket(s, name, r) || isTrailBucket(s, name, r), `${s.name}/${v.address}`).toBe(true);
      }
    }
  });

  it("(a) grants only to named principals: roles, Identity Center groups and accounts of the platform's catalogue", () => {
    const catalogue = new Set<unknown>(model.environments.flatMap((e) => e.lakeFormationAdmins).concat(model.domains.flatMap((d) => d.deployments.flatMap((dep) => dep.grants.map((g) => g.principal.id)))));
    for (const s of domainStacksOf()) for (const [n, r] of entries(s, LF_PERMISSIONS)) expect(catalogue.has(r.principal), `${s.name}/${n}`).toBe(true);
  });

  it("(c) names each zone's own registration role in its read guard, and no other", () => {
    for (const s of domainStacksOf()) {
      const roles = lakeBuckets(s).map(([b]) => roleArnOf(s, registrationRoleOf(s, b)!));
      expect(new Set(roles).size, s.name).toBe(3);
      for (const [b] of lakeBuckets(s)) {
        const guard = statementsOf(s.json.resource![POLICY]![b]!.policy)!.find((st) => st.Sid === READ_GUARD)!;
        expect(guard.Condition, `${s.name} ${b}`).toEqual({ ArnNotEquals: { "aws:PrincipalArn": [roleArnOf(s, b)] } });
      }
    }
  });

  it("(f) shows no PII column unmasked to anyone but the environment's PII readers", () => {
    expect(checkPiiVisibility(model, analyzeAccess(model))).toEqual([]);
  });

  it("(f) is not vacuous: the examples hold PII that non-readers reach masked, and readers reach unmasked", () => {
    const access = analyzeAccess(model);
    const pii = piiColumns(model);
    const readers = new Map(model.environments.map((e) => [e.name, new Set(e.piiReaders)]));
    const isReader = (a: ColumnAccess) => readers.get(a.environment)!.has(a.principal.id);
    const masked = access.filter((a) => pii.has(accessKey(a)) && a.visibility === "masked" && !isReader(a)).map((a) => `${a.domain}-${a.environment} ${a.zone}.${a.table}.${a.column} ${a.principal.name}`);
    for (const env of ["dev", "prod"]) {
      expect(masked).toEqual(
        expect.arrayContaining([
          `billing-${env} processed.payments.card_pan analysts`,
          `billing-${env} processed.payments.card_pan redshift-spectrum`,
          `cdr-${env} processed.calls.imsi analysts`,
          `cdr-${env} processed.calls.msisdn eu-mvno-analysts`,
          `clickstream-${env} processed.impressions.device_id data-science`,
        ]),
      );
    }
    const visibleToReaders = access.filter((a) => pii.has(accessKey(a)) && a.visibility === "visible" && isReader(a)).map((a) => `${a.domain}-${a.environment} ${a.table}.${a.column} ${a.principal.name}`);
    expect(visibleToReaders).toEqual(expect.arrayContaining(["cdr-dev calls.imsi fraud-investigations", "cdr-prod subscriber_daily.msisdn fraud-investigations"]));
  });

  it("(g) audits the audit keys with CKV_AWS_33 like every other key", () => {
    const auditKeys = domainStacksOf().map((s) => `${s.name}/${KMS_KEY}.${refName(entries(s, TRAIL)[0]![1].kms_key_id, KMS_KEY)}`);
    expect(auditKeys).toEqual(domainStacks.map((s) => `${s}/${KMS_KEY}.audit`));
    const audited = stacks.flatMap((s) => entries(s, KMS_KEY).map(([n]) => `${s.name}/${KMS_KEY}.${n}`));
    expect(audited).toEqual(expect.arrayContaining(auditKeys));
    expect(checkKeyPolicyNoWildcard(stacks)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// The checks themselves: a compliant fixture, then deliberately broken ones

const ACCOUNT = "111111111111";
const doc = (statements: Json[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

function bucketResources(name: string, physical: string, o: { kmsKey?: string; logTo?: string; notify: boolean; logDeliveryFrom?: string[]; statements?: Json[] }): Resources {
  const ref = `\${aws_s3_bucket.${name}.id}`;
  const arn = `arn:aws:s3:::${physical}`;
  const statements: Json[] = [
    { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: { AWS: "*" }, Action: "s3:*", Resource: [arn, `${arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
  ];
  if (o.logDeliveryFrom) {
    statements.push({
      Sid: "AllowS3ServerAccessLogDelivery",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `${arn}/*`,
      Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": o.logDeliveryFrom } },
    });
  }
  statements.push(...(o.statements ?? []));
  return {
    [BUCKET]: { [name]: { bucket: physical, force_destroy: false } },
    [PAB]: { [name]: { bucket: ref, block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true } },
    [OWNERSHIP]: { [name]: { bucket: ref, rule: { object_ownership: "BucketOwnerEnforced" } } },
    [VERSIONING]: { [name]: { bucket: ref, versioning_configuration: { status: "Enabled" } } },
    [SSE]: {
      [name]: {
        bucket: ref,
        rule: [{ apply_server_side_encryption_by_default: o.kmsKey ? { sse_algorithm: "aws:kms", kms_master_key_id: o.kmsKey } : { sse_algorithm: "AES256" } }],
      },
    },
    [POLICY]: { [name]: { bucket: ref, policy: doc(statements) } },
    [LIFECYCLE]: { [name]: { bucket: ref, rule: [{ id: "all-objects", status: "Enabled", filter: [{}], abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] }] } },
    ...(o.logTo ? { [LOGGING]: { [name]: { bucket: ref, target_bucket: `\${aws_s3_bucket.${o.logTo}.id}`, target_prefix: `${name}/` } } } : {}),
    ...(o.notify ? { [NOTIFICATION]: { [name]: { bucket: ref, eventbridge: true } } } : {}),
  };
}

function merge(...parts: Resources[]): Resources {
  const out: Resources = {};
  for (const p of parts) for (const [type, byName] of Object.entries(p)) out[type] = { ...(out[type] ?? {}), ...byName };
  return out;
}

const stackOf = (name: string, resource: Resources, extra: Json = {}): TfStack => {
  const json = { resource, ...extra };
  return { name, json, text: JSON.stringify(json) };
};

const REGION = "eu-west-1";
const RAW_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/shop-lf-raw`;
const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/shop-data-events`;
const PROVIDER = { provider: { aws: [{ region: REGION, allowed_account_ids: [ACCOUNT] }] } };

const key = (statements: Json[] = []): Json => ({
  customer_master_key_spec: "SYMMETRIC_DEFAULT",
  enable_key_rotation: true,
  is_enabled: true,
  multi_region: true,
  policy: doc([{ Sid: "Root", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }, ...statements]),
});

const readGuard = (readers: string[] = [RAW_ROLE_ARN]): Json => ({
  Sid: "DenyObjectReadsOutsideLakeFormation",
  Effect: "Deny",
  Principal: { AWS: "*" },
  Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectVersionForReplication"],
  Resource: "arn:aws:s3:::shop-raw/*",
  Condition: { ArnNotEquals: { "aws:PrincipalArn": readers } },
});

const trust = (statement: Json = {}) =>
  doc([
    {
      Sid: "Trust",
      Effect: "Allow",
      Principal: { Service: "lakeformation.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
      ...statement,
    },
  ]);

const rawAccess = (): Json[] => [
  { Sid: "ReadWriteObjects", Effect: "Allow", Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], Resource: "${aws_s3_bucket.raw.arn}/*" },
  { Sid: "ListBucket", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket"], Resource: "${aws_s3_bucket.raw.arn}" },
  { Sid: "UseZoneKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"], Resource: "${aws_kms_key.raw.arn}" },
];

/** A minimal compliant platform stack and domain stack, shaped like the synthesized JSON. */
function fixture(): { platform: Resources; domain: Resources } {
  const fromTrail = { StringEquals: { "aws:SourceArn": TRAIL_ARN } };
  const cloudtrail = { Service: "cloudtrail.amazonaws.com" };
  return {
    platform: { [SETTINGS]: { data_lake_settings: { catalog_id: ACCOUNT, admins: [`arn:aws:iam::${ACCOUNT}:role/admin`] } } },
    domain: merge(
      bucketResources("raw", "shop-raw", { kmsKey: "${aws_kms_key.raw.arn}", logTo: "access_logs", notify: true, statements: [readGuard()] }),
      bucketResources("access_logs", "shop-logs", { notify: false, logDeliveryFrom: ["arn:aws:s3:::shop-audit", "arn:aws:s3:::shop-raw"] }),
      bucketResources("audit", "shop-audit", {
        kmsKey: "${aws_kms_key.audit.arn}",
        logTo: "access_logs",
        notify: false,
        statements: [
          { Sid: "AllowCloudTrailAclCheck", Effect: "Allow", Principal: cloudtrail, Action: "s3:GetBucketAcl", Resource: "arn:aws:s3:::shop-audit", Condition: fromTrail },
          { Sid: "AllowCloudTrailWrite", Effect: "Allow", Principal: cloudtrail, Action: "s3:PutObject", Resource: `arn:aws:s3:::shop-audit/AWSLogs/${ACCOUNT}/*`, Condition: fromTrail },
        ],
      }),
      {
        [KMS_KEY]: {
          raw: key(),
          audit: key([
            { Sid: "AllowCloudTrailToEncryptLogs", Effect: "Allow", Principal: cloudtrail, Action: "kms:GenerateDataKey*", Resource: "*", Condition: fromTrail },
            { Sid: "AllowCloudTrailToDescribeKey", Effect: "Allow", Principal: cloudtrail, Action: "kms:DescribeKey", Resource: "*", Condition: fromTrail },
          ]),
        },
        [TRAIL]: { audit: { name: "shop-data-events", s3_bucket_name: "${aws_s3_bucket.audit.bucket}", kms_key_id: "${aws_kms_key.audit.arn}" } },
        [ROLE]: { raw: { name: "shop-lf-raw", assume_role_policy: trust(), max_session_duration: 3600 } },
        [ROLE_POLICY]: { "raw__data-access": { name: "data-access", role: "${aws_iam_role.raw.name}", policy: doc(rawAccess()) } },
        [POLICIES_EXCLUSIVE]: { raw: { role_name: "${aws_iam_role.raw.name}", policy_names: ["data-access"] } },
        [ATTACHMENTS_EXCLUSIVE]: { raw: { role_name: "${aws_iam_role.raw.name}", policy_arns: [] } },
        [LF_RESOURCE]: { raw: { arn: "${aws_s3_bucket.raw.arn}", role_arn: "${aws_iam_role.raw.arn}", hybrid_access_enabled: false, use_service_linked_role: false } },
        [LF_PERMISSIONS]: {
          analysts: {
            catalog_id: ACCOUNT,
            principal: `arn:aws:iam::${ACCOUNT}:role/analysts`,
            permissions: ["SELECT"],
            lf_tag_policy: { catalog_id: ACCOUNT, resource_type: "TABLE", expression: [{ key: "domain", values: ["shop"] }] },
          },
        },
        aws_glue_catalog_database: { raw: { name: "shop_raw_dev", catalog_id: ACCOUNT } },
      },
    ),
  };
}

/** The fixture stacks, after `breakIt` changed the domain stack (and, when it wants, the platform stack). */
function stacksWith(breakIt: (domain: Resources, platform: Resources) => void = () => {}, extra: { domain?: Json; platform?: Json } = {}): TfStack[] {
  const f = structuredClone(fixture());
  breakIt(f.domain, f.platform);
  return [stackOf("platform-dev", f.platform, { ...PROVIDER, ...extra.platform }), stackOf("shop-dev", f.domain, { ...PROVIDER, ...extra.domain })];
}

const r = (res: Resources, type: string, name: string): Json => {
  const x = res[type]?.[name];
  if (!x) throw new Error(`fixture has no ${type}.${name}`);
  return x;
};
const statementsIn = (res: Resources, name: string) => JSON.parse(r(res, POLICY, name).policy as string).Statement as Json[];
const setStatements = (res: Resources, name: string, st: Json[]) => {
  r(res, POLICY, name).policy = doc(st);
};

describe("audit checks on a compliant fixture", () => {
  it.each(Object.entries(CHECKS))("%s: no violations", (_, check) => {
    expect(check(stacksWith())).toEqual([]);
  });

  it("CKV2_AWS_62 reports only the access-log and audit buckets", () => {
    expect(where(checkNotifications(stacksWith()))).toEqual(["shop-dev/aws_s3_bucket.access_logs", "shop-dev/aws_s3_bucket.audit"]);
  });

  it("tells the zone bucket from the access-log and trail buckets", () => {
    const [, shop] = stacksWith();
    expect(lakeBuckets(shop!).map(([n]) => n)).toEqual(["raw"]);
  });
});

describe("checkSseKms", () => {
  it("fails when a zone bucket uses SSE-S3", () => {
    const vs = checkSseKms(stacksWith((d) => void (r(d, SSE, "raw").rule = [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }])));
    expect(where(vs)).toEqual(["shop-dev/aws_s3_bucket.raw"]);
    expect(vs[0]!.message).toMatch(/must be aws:kms, got AES256/);
  });

  it("fails when a zone bucket uses aws:kms:dsse", () => {
    const vs = checkSseKms(stacksWith((d) => void (r(d, SSE, "raw").rule = [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms:dsse", kms_master_key_id: "${aws_kms_key.raw.arn}" } }])));
    expect(where(vs)).toEqual(["shop-dev/aws_s3_bucket.raw"]);
  });

  it("fails when the KMS key id is missing", () => {
    const vs = checkSseKms(stacksWith((d) => void (r(d, SSE, "raw").rule = { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" } })));
    expect(vs.map((v) => v.message)).toEqual(["kms_master_key_id is empty"]);
  });

  it("fails when the key it names is not in the stack", () => {
    const vs = checkSseKms(stacksWith((d) => void (r(d, SSE, "raw").rule = [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "${aws_kms_key.gone.arn}" } }])));
    expect(vs.map((v) => v.message)).toEqual(["kms_master_key_id refers to aws_kms_key.gone, which is not in the stack"]);
  });

  it("fails when the encryption configuration names the bucket literally instead of referencing it", () => {
    const vs = checkSseKms(stacksWith((d) => void (r(d, SSE, "raw").bucket = "shop-raw")));
    expect(vs.map((v) => `${v.address}: ${v.message}`)).toEqual(["aws_s3_bucket.raw: no server-side encryption configuration is connected"]);
  });

  it("fails when a bucket has no encryption configuration", () => {
    const vs = checkSseKms(stacksWith((d) => void delete d[SSE]!.access_logs));
    expect(where(vs)).toEqual(["shop-dev/aws_s3_bucket.access_logs"]);
  });

  it("fails when a zone bucket claims the access-log exception by its policy alone", () => {
    const vs = checkSseKms(
      stacksWith((d) => {
        r(d, SSE, "raw").rule = [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }];
        setStatements(d, "raw", [...statementsIn(d, "raw"), { Sid: "Sneaky", Effect: "Allow", Principal: { Service: "logging.s3.amazonaws.com" }, Action: "s3:PutObject", Resource: "arn:aws:s3:::shop-raw/*" }]);
      }),
    );
    expect(where(vs)).toEqual(["shop-dev/aws_s3_bucket.raw"]);
  });

  it("fails when the access-log bucket uses SSE-KMS, which log delivery cannot write to", () => {
    const vs = checkSseKms(stacksWith((d) => void (r(d, SSE, "access_logs").rule = [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "${aws_kms_key.raw.arn}" } }])));
    expect(where(vs)).toEqual(["shop-dev/aws_s3_bucket.access_logs"]);
  });
});

describe("checkPublicAccessBlock", () => {
  it("fails when one flag is false", () => {
    const vs = checkPublicAccessBlock(stacksWith((d) => void (r(d, PAB, "raw").restrict_public_buckets = false)));
    expect(vs.map((v) => v.message)).toEqual(["aws_s3_bucket_public_access_block.raw: restrict_public_buckets is not true"]);
  });

  it("fails when a flag is absent", () => {
    const vs = checkPublicAccessBlock(stacksWith((d) => void delete r(d, PAB, "access_logs").ignore_public_acls));
    expect(where(vs)).toEqual(["shop-dev/aws_s3_bucket.access_logs"]);
  });

  it("fails when the block is connected to another bucket", () => {
    const vs = checkPublicAccessBlock(stacksWith((d) => void (r(d, PAB, "raw").bucket = "${aws_s3_bucket.access_logs.id}")));
    expect(where(vs)).toEqual(["shop-dev/aws_s3_bucket.raw"]);
  });
});

describe("checkTlsOnly", () => {
  const tls = (d: Resources, change: (st: Json) => void) => {
    const st = statementsIn(d, "raw");
    change(st[0]!);
    setStatements(d, "raw", st);
  };

  it("accepts Principal \"*\" as well as {AWS: \"*\"}", () => {
    expect(checkTlsOnly(stacksWith((d) => tls(d, (st) => void (st.Principal = "*"))))).toEqual([]);
  });

  it("fails when Resource is a string, not an array", () => {
    expect(where(checkTlsOnly(stacksWith((d) => tls(d, (st) => void (st.Resource = "arn:aws:s3:::shop-raw/*")))))).toEqual(["shop-dev/aws_s3_bucket.raw"]);
  });

  it("fails when Resource lacks the object ARN", () => {
    expect(where(checkTlsOnly(stacksWith((d) => tls(d, (st) => void (st.Resource = ["arn:aws:s3:::shop-raw"])))))).toEqual(["shop-dev/aws_s3_bucket.raw"]);
  });

  it("fails when the condition tests SecureTransport true", () => {
    expect(where(checkTlsOnly(stacksWith((d) => tls(d, (st) => void (st.Condition = { Bool: { "aws:SecureTransport": "true" } })))))).toEqual(["shop-dev/aws_s3_bucket.raw"]);
  });

  it("fails when the deny covers only some actions", () => {
    expect(where(checkTlsOnly(stacksWith((d) => tls(d, (st) => void (st.Action = "s3:GetObject")))))).toEqual(["shop-dev/aws_s3_bucket.raw"]);
  });

  it("fails when the principal is not everyone", () => {
    expect(where(checkTlsOnly(stacksWith((d) => tls(d, (st) => void (st.Principal = { AWS: `arn:aws:iam::${ACCOUNT}:root` })))))).toEqual(["shop-dev/aws_s3_bucket.raw"]);
  });

  it("fails when the policy is not a literal document", () => {
    expect(where(checkTlsOnly(stacksWith((d) => void (r(d, POLICY, "raw").policy = "${jsonencode(local.p)}"))))).toEqual(["shop-dev/aws_s3_bucket.raw"]);
  });

  it("fails when a bucket has no policy", () => {
    expect(where(checkTlsOnly(stacksWith((d) => void delete d[POLICY]!.access_logs)))).toEqual(["shop-dev/aws_s3_bucket.access_logs"]);
  });
});

describe("checkNoPublicAllow", () => {
  it("fails when a statement allows Principal \"*\"", () => {
    const vs = checkNoPublicAllow(
      stacksWith((d) => setStatements(d, "raw", [...statementsIn(d, "raw"), { Sid: "Public", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::shop-raw/*" }])),
    );
    expect(vs.map((v) => `${v.address}: ${v.message}`)).toEqual(["aws_s3_bucket_policy.raw: statement Public allows a wildcard principal"]);
  });

  it("fails when a statement allows {AWS: [\"*\"]}, even with a condition", () => {
    const vs = checkNoPublicAllow(
      stacksWith((d) =>
        setStatements(d, "raw", [
          ...statementsIn(d, "raw"),
          { Sid: "Org", Effect: "Allow", Principal: { AWS: ["*"] }, Action: "s3:GetObject", Resource: "arn:aws:s3:::shop-raw/*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-1" } } },
        ]),
      ),
    );
    expect(where(vs)).toEqual(["shop-dev/aws_s3_bucket_policy.raw"]);
  });

  it("fails when a policy cannot be read", () => {
    expect(where(checkNoPublicAllow(stacksWith((d) => void (r(d, POLICY, "raw").policy = "${data.aws_iam_policy_document.p.json}"))))).toEqual(["shop-dev/aws_s3_bucket_policy.raw"]);
  });
});

describe("checkNoLockoutDeny", () => {
  it("fails when a deny to everyone has no condition", () => {
    const vs = checkNoLockoutDeny(stacksWith((d) => setStatements(d, "raw", [{ Sid: "DenyAll", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::shop-raw"] }])));
    expect(where(vs)).toEqual(["shop-dev/aws_s3_bucket_policy.raw"]);
  });

  it("fails when the unconditioned deny targets only bucket-policy changes", () => {
    const vs = checkNoLockoutDeny(stacksWith((d) => setStatements(d, "raw", [{ Sid: "NoPolicy", Effect: "Deny", Principal: { AWS: "*" }, Action: ["s3:PutBucketPolicy"], Resource: "arn:aws:s3:::shop-raw", Condition: {} }])));
    expect(where(vs)).toEqual(["shop-dev/aws_s3_bucket_policy.raw"]);
  });
});

describe("checkAccessLogging", () => {
  it("fails when the zone and audit buckets log nowhere (and the log bucket then receives nothing)", () => {
    const vs = checkAccessLogging(stacksWith((d) => void delete d[LOGGING]));
    expect(where(vs)).toEqual(["shop-dev/aws_s3_bucket.access_logs", "shop-dev/aws_s3_bucket.audit", "shop-dev/aws_s3_bucket.raw"]);
  });

  it("fails when the target bucket is empty", () => {
    expect(checkAccessLogging(stacksWith((d) => void (r(d, LOGGING, "raw").target_bucket = ""))).map((v) => v.message)).toContain("aws_s3_bucket_logging.raw has no target_bucket");
  });

  it("fails when logs go to a bucket outside the stack", () => {
    const vs = checkAccessLogging(stacksWith((d) => void (r(d, LOGGING, "raw").target_bucket = "someone-elses-bucket")));
    expect(vs.map((v) => v.message)).toContain("aws_s3_bucket_logging.raw logs to someone-elses-bucket, which is no bucket of the stack");
  });

  it("fails when the log bucket does not allow log delivery", () => {
    const vs = checkAccessLogging(stacksWith((d) => setStatements(d, "access_logs", statementsIn(d, "access_logs").slice(0, 1))));
    expect(where(vs)).toEqual(["shop-dev/aws_s3_bucket.access_logs"]);
  });
});

describe("checkVersioning", () => {
  it("fails when versioning is suspended", () => {
    const vs = checkVersioning(stacksWith((d) => void (r(d, VERSIONING, "raw").versioning_configuration = [{ status: "Suspended" }])));
    expect(vs.map((v) => v.message)).toEqual(["aws_s3_bucket_versioning.raw: status is Suspended"]);
  });

  it("fails when a bucket has no versioning resource", () => {
    expect(where(checkVersioning(stacksWith((d) => void delete d[VERSIONING]!.access_logs)))).toEqual(["shop-dev/aws_s3_bucket.access_logs"]);
  });
});

describe("checkLifecycle", () => {
  const rule = (d: Resources) => blocks(r(d, LIFECYCLE, "raw").rule)[0]!;

  it("accepts an absent filter", () => {
    expect(checkLifecycle(stacksWith((d) => void delete rule(d).filter))).toEqual([]);
  });

  it("fails when the only rule is limited to a prefix", () => {
    expect(where(checkLifecycle(stacksWith((d) => void (rule(d).filter = [{ prefix: "_staging/" }]))))).toEqual(["shop-dev/aws_s3_bucket.raw"]);
  });

  it("fails when no rule aborts incomplete multipart uploads", () => {
    expect(where(checkLifecycle(stacksWith((d) => void delete rule(d).abort_incomplete_multipart_upload)))).toEqual(["shop-dev/aws_s3_bucket.raw"]);
  });

  it("fails when the rule is disabled", () => {
    expect(where(checkLifecycle(stacksWith((d) => void (rule(d).status = "Disabled"))))).toEqual(["shop-dev/aws_s3_bucket.raw"]);
  });

  it("fails when a bucket has no lifecycle configuration", () => {
    expect(where(checkLifecycle(stacksWith((d) => void delete d[LIFECYCLE]!.access_logs)))).toEqual(["shop-dev/aws_s3_bucket.access_logs"]);
  });
});

describe("checkNotifications", () => {
  it("fails when a zone bucket has no notification", () => {
    expect(where(checkNotifications(stacksWith((d) => void delete d[NOTIFICATION])))).toEqual([
      "shop-dev/aws_s3_bucket.access_logs",
      "shop-dev/aws_s3_bucket.audit",
      "shop-dev/aws_s3_bucket.raw",
    ]);
  });
});

describe("checkOwnership", () => {
  it("fails when object ownership is ObjectWriter", () => {
    expect(checkOwnership(stacksWith((d) => void (r(d, OWNERSHIP, "raw").rule = [{ object_ownership: "ObjectWriter" }]))).map((v) => v.message)).toEqual([
      "aws_s3_bucket_ownership_controls.raw: object_ownership is ObjectWriter",
    ]);
  });

  it("fails when a bucket has no ownership controls", () => {
    expect(where(checkOwnership(stacksWith((d) => void delete d[OWNERSHIP])))).toEqual([
      "shop-dev/aws_s3_bucket.access_logs",
      "shop-dev/aws_s3_bucket.audit",
      "shop-dev/aws_s3_bucket.raw",
    ]);
  });
});

describe("checkNoAcl", () => {
  it("fails when an aws_s3_bucket_acl exists", () => {
    expect(where(checkNoAcl(stacksWith((d) => void (d.aws_s3_bucket_acl = { raw: { bucket: "${aws_s3_bucket.raw.id}", acl: "private" } }))))).toEqual(["shop-dev/aws_s3_bucket_acl.raw"]);
  });

  it("fails when a bucket sets an inline ACL", () => {
    expect(where(checkNoAcl(stacksWith((d) => void (r(d, BUCKET, "access_logs").acl = "log-delivery-write"))))).toEqual(["shop-dev/aws_s3_bucket.access_logs"]);
  });
});

describe("KMS checks", () => {
  const key = (d: Resources) => r(d, KMS_KEY, "raw");

  it("fails when rotation is off", () => {
    expect(where(checkKeyRotation(stacksWith((d) => void (key(d).enable_key_rotation = false))))).toEqual(["shop-dev/aws_kms_key.raw"]);
  });

  it("fails when rotation is not set", () => {
    expect(where(checkKeyRotation(stacksWith((d) => void delete key(d).enable_key_rotation)))).toEqual(["shop-dev/aws_kms_key.raw"]);
  });

  it("does not ask an asymmetric signing key to rotate", () => {
    expect(
      checkKeyRotation(
        stacksWith((d) => {
          Object.assign(key(d), { customer_master_key_spec: "RSA_2048", key_usage: "SIGN_VERIFY" });
          delete key(d).enable_key_rotation;
        }),
      ),
    ).toEqual([]);
  });

  it("fails when a key policy allows everyone", () => {
    const vs = checkKeyPolicyNoWildcard(stacksWith((d) => void (key(d).policy = doc([{ Sid: "Everyone", Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: "*" }]))));
    expect(vs.map((v) => `${v.address}: ${v.message}`)).toEqual(["aws_kms_key.raw: statement Everyone allows a wildcard principal"]);
  });

  it("fails when a key has no policy, and passes when a connected aws_kms_key_policy sets it", () => {
    expect(where(checkKeyPolicySet(stacksWith((d) => void delete key(d).policy)))).toEqual(["shop-dev/aws_kms_key.raw"]);
    const separate = stacksWith((d) => {
      delete key(d).policy;
      d.aws_kms_key_policy = { raw: { key_id: "${aws_kms_key.raw.id}", policy: doc([]) } };
    });
    expect(checkKeyPolicySet(separate)).toEqual([]);
  });

  it("fails when a key is disabled", () => {
    expect(where(checkKeyEnabled(stacksWith((d) => void (key(d).is_enabled = false))))).toEqual(["shop-dev/aws_kms_key.raw"]);
  });

  it("fails when a key is single-Region", () => {
    expect(where(checkKeyMultiRegion(stacksWith((d) => void delete key(d).multi_region)))).toEqual(["shop-dev/aws_kms_key.raw"]);
  });
});

describe("Lake Formation and stack checks", () => {
  it("fails when IAM_ALLOWED_PRINCIPALS appears in any attribute", () => {
    const vs = checkNoIamAllowedPrincipals(
      stacksWith((_, p) => void (r(p, SETTINGS, "data_lake_settings").create_database_default_permissions = [{ principal: "IAM_ALLOWED_PRINCIPALS", permissions: ["ALL"] }])),
    );
    expect(where(vs)).toEqual(["platform-dev/(stack)"]);
  });

  it("fails when IAMAllowedPrincipals appears, in any case", () => {
    expect(where(checkNoIamAllowedPrincipals(stacksWith((d) => void (r(d, BUCKET, "raw").tags = { note: "iamallowedprincipals" }))))).toEqual(["shop-dev/(stack)"]);
  });

  it("fails when data-lake settings have default-permission entries", () => {
    const vs = checkDataLakeSettings(stacksWith((_, p) => void (r(p, SETTINGS, "data_lake_settings").create_table_default_permissions = [{ principal: "arn:aws:iam::1:role/x", permissions: ["ALL"] }])));
    expect(vs.map((v) => `${v.stack}/${v.address}: ${v.message}`)).toEqual(["platform-dev/aws_lakeformation_data_lake_settings.data_lake_settings: create_table_default_permissions has entries"]);
  });

  it("fails when a domain stack holds data-lake settings", () => {
    expect(where(checkDataLakeSettings(stacksWith((d) => void (d[SETTINGS] = { mine: { admins: [] } }))))).toEqual(["shop-dev/aws_lakeformation_data_lake_settings.mine"]);
  });

  it("fails when a platform stack holds no settings, or two", () => {
    expect(where(checkDataLakeSettings(stacksWith((_, p) => void delete p[SETTINGS])))).toEqual(["platform-dev/(stack)"]);
    expect(where(checkDataLakeSettings(stacksWith((_, p) => void (p[SETTINGS]!.second = { admins: [] }))))).toEqual(["platform-dev/(stack)"]);
  });

  it("fails when a Glue database sets create_table_default_permission, even an empty one", () => {
    expect(where(checkGlueDatabaseDefaults(stacksWith((d) => void (r(d, "aws_glue_catalog_database", "raw").create_table_default_permission = {}))))).toEqual([
      "shop-dev/aws_glue_catalog_database.raw",
    ]);
  });

  it("fails when a stack declares a data source", () => {
    expect(where(checkNoDataSources(stacksWith(undefined, { domain: { data: { aws_caller_identity: { current: {} } } } })))).toEqual(["shop-dev/data.aws_caller_identity.current"]);
  });

  it("fails when a resource interpolates a data source", () => {
    expect(where(checkNoDataSources(stacksWith((d) => void (r(d, BUCKET, "raw").bucket = "shop-raw-${data.aws_region.current.name}"))))).toEqual(["shop-dev/(stack)"]);
  });
});

describe("(a) checkNoIamAllowedGrants", () => {
  const grant = (d: Resources) => r(d, LF_PERMISSIONS, "analysts");

  it("fails when a grant's principal is IAM_ALLOWED_PRINCIPALS", () => {
    const vs = checkNoIamAllowedGrants(stacksWith((d) => void (grant(d).principal = "IAM_ALLOWED_PRINCIPALS")));
    expect(vs.map((v) => `${v.stack}/${v.address}: ${v.message}`)).toEqual([
      'shop-dev/aws_lakeformation_permissions.analysts: principal "IAM_ALLOWED_PRINCIPALS" is not an IAM role or user, Identity Center group or account',
      "shop-dev/aws_lakeformation_permissions.analysts: names IAM_ALLOWED_PRINCIPALS / IAMAllowedPrincipals",
    ]);
  });

  it("fails when the account-scoped IAMAllowedPrincipals form is granted to", () => {
    expect(where(checkNoIamAllowedGrants(stacksWith((d) => void (grant(d).principal = `${ACCOUNT}:IAMAllowedPrincipals`))))).toEqual([
      "shop-dev/aws_lakeformation_permissions.analysts",
      "shop-dev/aws_lakeformation_permissions.analysts",
    ]);
  });

  it("fails when a grant names everyone", () => {
    expect(checkNoIamAllowedGrants(stacksWith((d) => void (grant(d).principal = "*"))).map((v) => v.message)).toEqual([
      'principal "*" is not an IAM role or user, Identity Center group or account',
    ]);
  });

  it("fails when any string of any resource mentions IAM_ALLOWED_PRINCIPALS, in any case or spelling", () => {
    const vs = checkNoIamAllowedGrants(
      stacksWith((d, p) => {
        r(p, SETTINGS, "data_lake_settings").create_table_default_permissions = [{ principal: "iam_allowed_principals", permissions: ["ALL"] }];
        r(d, "aws_glue_catalog_database", "raw").description = "open to IAMAllowedPrincipals";
      }),
    );
    expect(where(vs)).toEqual(["platform-dev/aws_lakeformation_data_lake_settings.data_lake_settings", "shop-dev/aws_glue_catalog_database.raw"]);
  });

  it("fails when it appears outside the resources", () => {
    expect(where(checkNoIamAllowedGrants(stacksWith(undefined, { domain: { output: { p: { value: "IAM_ALLOWED_PRINCIPALS" } } } })))).toEqual(["shop-dev/(stack)"]);
  });
});

describe("(b) checkObjectReadsOnlyByRegistrationRole", () => {
  /** A second role, with one inline policy holding `statements`. */
  const etlRole = (d: Resources, statements: Json[], kind: "role" | "managed" = "role") => {
    d[ROLE]!.etl = { name: "shop-etl", assume_role_policy: trust({ Principal: { Service: "glue.amazonaws.com" } }) };
    if (kind === "role") d[ROLE_POLICY]!.etl__jobs = { name: "jobs", role: "${aws_iam_role.etl.name}", policy: doc(statements) };
    else d.aws_iam_policy = { etl: { name: "shop-etl", policy: doc(statements) } };
  };
  const reads = (action: unknown, resource: unknown): Json => ({ Sid: "Read", Effect: "Allow", Action: action, Resource: resource });
  const check = (breakIt: (d: Resources) => void) => checkObjectReadsOnlyByRegistrationRole(stacksWith(breakIt)).map((v) => `${v.address}: ${v.message}`);

  it("lets the registration role read its own bucket", () => {
    expect(check(() => {})).toEqual([]);
  });

  it("lets another role read the audit bucket, which holds no lake data", () => {
    expect(check((d) => etlRole(d, [reads("s3:GetObject", "${aws_s3_bucket.audit.arn}/*")]))).toEqual([]);
  });

  it("fails when another role may read the zone bucket's objects, by reference", () => {
    expect(check((d) => etlRole(d, [reads("s3:GetObject", "${aws_s3_bucket.raw.arn}/*")]))).toEqual([
      "aws_iam_role_policy.etl__jobs: statement Read lets aws_iam_role.etl read objects of aws_s3_bucket.raw, which is not registered through it",
    ]);
  });

  it("fails on s3:Get*, s3:*, * and lower-case actions, and on literal and wildcard ARNs", () => {
    for (const [action, resource] of [
      ["s3:Get*", "arn:aws:s3:::shop-raw/*"],
      ["s3:*", "arn:aws:s3:::shop-*"],
      ["*", "*"],
      ["s3:getobjectversion", "arn:aws:s3:::shop-raw/events/2024/*"],
      ["s3:GetObject", "arn:aws:s3:::${aws_s3_bucket.raw.bucket}/*"],
    ]) {
      expect(check((d) => etlRole(d, [reads(action, resource)])), `${action} ${resource}`).toHaveLength(1);
    }
  });

  it("fails on an Allow with NotAction that leaves s3:GetObject in", () => {
    expect(check((d) => etlRole(d, [{ Sid: "AllButIam", Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::shop-raw/*" }]))).toHaveLength(1);
  });

  it("does not count a read of another bucket whose name extends the zone bucket's", () => {
    expect(check((d) => etlRole(d, [reads("s3:GetObject", "arn:aws:s3:::shop-raw-archive/*")]))).toEqual([]);
  });

  it("fails when a standalone managed policy grants reads (it can be attached to anyone)", () => {
    expect(check((d) => etlRole(d, [reads("s3:GetObject", "arn:aws:s3:::shop-raw/*")], "managed"))).toEqual([
      "aws_iam_policy.etl: statement Read lets a managed policy read objects of aws_s3_bucket.raw, which is not registered through it",
    ]);
  });

  it("fails when a role reads through an inline_policy block", () => {
    expect(
      check((d) => void (r(d, ROLE, "raw").inline_policy = [{ name: "x", policy: doc([reads("s3:GetObject", "arn:aws:s3:::shop-audit/*")]) }])),
    ).toEqual([]);
    const other = check((d) => {
      etlRole(d, []);
      r(d, ROLE, "etl").inline_policy = [{ name: "x", policy: doc([reads("s3:GetObject", "arn:aws:s3:::shop-raw/*")]) }];
    });
    expect(other).toEqual(["aws_iam_role.etl.inline_policy[0]: statement Read lets aws_iam_role.etl read objects of aws_s3_bucket.raw, which is not registered through it"]);
  });

  it("fails when a read resource cannot be resolved", () => {
    expect(check((d) => etlRole(d, [reads("s3:GetObject", "${var.bucket_arn}/*")]))).toEqual([
      "aws_iam_role_policy.etl__jobs: statement Read allows object reads on a resource that cannot be resolved",
    ]);
  });

  it("fails when the registration role of one bucket reads another zone's bucket", () => {
    const vs = check((d) => {
      Object.assign(d, merge(d, bucketResources("curated", "shop-curated", { kmsKey: "${aws_kms_key.raw.arn}", logTo: "access_logs", notify: true })));
      r(d, ROLE_POLICY, "raw__data-access").policy = doc([...rawAccess(), reads("s3:GetObject", "${aws_s3_bucket.curated.arn}/*")]);
    });
    expect(vs).toEqual(["aws_iam_role_policy.raw__data-access: statement Read lets aws_iam_role.raw read objects of aws_s3_bucket.curated, which is not registered through it"]);
  });

  it("fails when a bucket policy allows object reads", () => {
    const vs = check((d) =>
      setStatements(d, "raw", [...statementsIn(d, "raw"), { Sid: "Partner", Effect: "Allow", Principal: { AWS: "arn:aws:iam::333333333333:root" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::shop-raw/*" }]),
    );
    expect(vs).toEqual(["aws_s3_bucket_policy.raw: statement Partner allows object reads on aws_s3_bucket.raw through a bucket policy"]);
  });
});

describe("(c) checkObjectReadGuard", () => {
  const guarded = (change: (g: Json) => void) =>
    checkObjectReadGuard(
      stacksWith((d) => {
        const st = statementsIn(d, "raw");
        change(st.find((x) => x.Sid === READ_GUARD)!);
        setStatements(d, "raw", st);
      }),
    ).map((v) => `${v.address}: ${v.message}`);

  it("fails when the guard is missing", () => {
    const vs = checkObjectReadGuard(stacksWith((d) => setStatements(d, "raw", statementsIn(d, "raw").filter((x) => x.Sid !== READ_GUARD))));
    expect(vs.map((v) => `${v.address}: ${v.message}`)).toEqual(["aws_s3_bucket.raw: has 0 DenyObjectReadsOutsideLakeFormation statements, expected 1"]);
  });

  it("fails when the guard excepts another role, or one more", () => {
    expect(guarded((g) => void (g.Condition = { ArnNotEquals: { "aws:PrincipalArn": [`arn:aws:iam::${ACCOUNT}:role/shop-etl`] } }))).toHaveLength(1);
    expect(guarded((g) => void (g.Condition = { ArnNotEquals: { "aws:PrincipalArn": [RAW_ROLE_ARN, `arn:aws:iam::${ACCOUNT}:role/shop-etl`] } }))).toHaveLength(1);
  });

  it("fails when the guard is weakened by another condition or a like-match", () => {
    expect(guarded((g) => void (g.Condition = { ArnNotEquals: { "aws:PrincipalArn": [RAW_ROLE_ARN] }, StringEquals: { "aws:PrincipalAccount": "999999999999" } }))).toHaveLength(1);
    expect(guarded((g) => void (g.Condition = { ArnNotLike: { "aws:PrincipalArn": [`arn:aws:iam::${ACCOUNT}:role/*`] } }))).toHaveLength(1);
  });

  it("fails when the guard leaves out GetObjectVersion, covers only a prefix, spares someone or allows", () => {
    expect(guarded((g) => void (g.Action = "s3:GetObject"))).toHaveLength(1);
    expect(guarded((g) => void (g.Resource = "arn:aws:s3:::shop-raw/events/*"))).toHaveLength(1);
    expect(guarded((g) => void (g.Principal = { AWS: `arn:aws:iam::${ACCOUNT}:root` }))).toHaveLength(1);
    expect(guarded((g) => void (g.Effect = "Allow"))).toHaveLength(1);
  });

  it("accepts the bucket ARN as a reference", () => {
    expect(guarded((g) => void (g.Resource = "${aws_s3_bucket.raw.arn}/*"))).toEqual([]);
  });

  it("fails when the bucket is not registered, so there is no role to name", () => {
    expect(where(checkObjectReadGuard(stacksWith((d) => void delete d[LF_RESOURCE])))).toEqual(["shop-dev/aws_s3_bucket.raw"]);
  });
});

describe("(d) checkRegistration", () => {
  const check = (breakIt: (d: Resources) => void) => checkRegistration(stacksWith(breakIt)).map((v) => `${v.address}: ${v.message}`);
  const reg = (d: Resources) => r(d, LF_RESOURCE, "raw");

  it("fails when a zone bucket is not registered", () => {
    expect(check((d) => void delete d[LF_RESOURCE])).toEqual(["aws_s3_bucket.raw: is registered with Lake Formation 0 times, expected once"]);
  });

  it("fails when hybrid access is on or not set", () => {
    expect(check((d) => void (reg(d).hybrid_access_enabled = true))).toEqual([
      "aws_s3_bucket.raw: aws_lakeformation_resource.raw: hybrid_access_enabled is true, must be false (IAM alone would grant access)",
    ]);
    expect(check((d) => void delete reg(d).hybrid_access_enabled)).toHaveLength(1);
  });

  it("fails when the bucket is registered through the service-linked role", () => {
    expect(
      check((d) => {
        reg(d).use_service_linked_role = true;
        delete reg(d).role_arn;
      }),
    ).toEqual([
      "aws_s3_bucket.raw: aws_lakeformation_resource.raw: uses the service-linked role, which cannot be scoped to one bucket",
      "aws_s3_bucket.raw: aws_lakeformation_resource.raw: role_arn is not a role of the stack",
    ]);
  });

  it("fails when the role reaches another bucket, another key, or everything", () => {
    const withAccess = (extra: Json) => (d: Resources) => void (r(d, ROLE_POLICY, "raw__data-access").policy = doc([...rawAccess(), extra]));
    expect(check(withAccess({ Sid: "Audit", Effect: "Allow", Action: "s3:GetObject", Resource: "${aws_s3_bucket.audit.arn}/*" }))).toEqual([
      "aws_s3_bucket.raw: aws_iam_role_policy.raw__data-access › Audit: Resource ${aws_s3_bucket.audit.arn}/* is neither aws_s3_bucket.raw nor its zone key",
    ]);
    expect(check(withAccess({ Sid: "AuditKey", Effect: "Allow", Action: "kms:Decrypt", Resource: "${aws_kms_key.audit.arn}" }))).toHaveLength(1);
    expect(check(withAccess({ Sid: "Logs", Effect: "Allow", Action: "logs:PutLogEvents", Resource: "*" }))).toHaveLength(1);
    expect(check(withAccess({ Sid: "Else", Effect: "Allow", Action: "s3:ListBucket", NotResource: "arn:aws:s3:::shop-raw" }))).toHaveLength(1);
  });

  it("fails when the role has a second policy outside the exclusive list, or the lists are not exclusive", () => {
    expect(check((d) => void (d[ROLE_POLICY]!["raw__extra"] = { name: "extra", role: "${aws_iam_role.raw.name}", policy: doc([]) }))).toHaveLength(1);
    expect(check((d) => void delete d[POLICIES_EXCLUSIVE])).toHaveLength(1);
    expect(check((d) => void delete d[ATTACHMENTS_EXCLUSIVE])).toHaveLength(1);
    expect(check((d) => void (r(d, ATTACHMENTS_EXCLUSIVE, "raw").policy_arns = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]))).toHaveLength(1);
  });

  it("fails when the role has no policy at all", () => {
    expect(
      check((d) => {
        delete d[ROLE_POLICY];
        r(d, POLICIES_EXCLUSIVE, "raw").policy_names = [];
      }),
    ).toEqual(["aws_s3_bucket.raw: aws_iam_role.raw has no policy"]);
  });

  it("fails when one role registers two buckets", () => {
    const vs = check((d) => {
      Object.assign(d, merge(d, bucketResources("curated", "shop-curated", { kmsKey: "${aws_kms_key.raw.arn}", logTo: "access_logs", notify: true })));
      d[LF_RESOURCE]!.curated = { arn: "${aws_s3_bucket.curated.arn}", role_arn: "${aws_iam_role.raw.arn}", hybrid_access_enabled: false, use_service_linked_role: false };
    });
    expect(vs).toEqual(
      expect.arrayContaining([
        "aws_s3_bucket.curated: aws_iam_role.raw also registers aws_lakeformation_resource.raw",
        "aws_s3_bucket.raw: aws_iam_role.raw also registers aws_lakeformation_resource.curated",
      ]),
    );
  });
});

describe("(e) IAM checks", () => {
  const withStatement = (st: Json) => (d: Resources) => void (r(d, ROLE_POLICY, "raw__data-access").policy = doc([...rawAccess(), { Sid: "Extra", Effect: "Allow", ...st }]));
  const messages = (vs: Violation[]) => vs.map((v) => `${v.address}: ${v.message}`);

  it("fails on Action * (CKV_AWS_62/63/49), a whole service, a wildcard action, and NotAction", () => {
    expect(messages(checkIamActions(stacksWith(withStatement({ Action: "*", Resource: "${aws_s3_bucket.raw.arn}" }))))).toEqual([
      'aws_iam_role_policy.raw__data-access: statement Extra: Action "*" (CKV_AWS_62/63/49)',
    ]);
    expect(messages(checkIamActions(stacksWith(withStatement({ Action: "S3:*", Resource: "${aws_s3_bucket.raw.arn}" }))))).toEqual([
      'aws_iam_role_policy.raw__data-access: statement Extra: Action "S3:*" grants a whole service',
    ]);
    expect(checkIamActions(stacksWith(withStatement({ Action: "s3:Get*", Resource: "${aws_s3_bucket.raw.arn}" })))).toHaveLength(1);
    expect(checkIamActions(stacksWith(withStatement({ NotAction: "iam:*", Resource: "${aws_s3_bucket.raw.arn}" })))).toHaveLength(1);
  });

  it("reads Deny statements as harmless", () => {
    expect(checkIamActions(stacksWith((d) => void (r(d, ROLE_POLICY, "raw__data-access").policy = doc([...rawAccess(), { Sid: "No", Effect: "Deny", Action: "*", Resource: "*" }]))))).toEqual([]);
  });

  it("fails on Resource *, NotResource, and a wildcard that is not one bucket's objects", () => {
    expect(messages(checkIamResources(stacksWith(withStatement({ Action: "kms:Decrypt", Resource: "*" }))))).toEqual([
      'aws_iam_role_policy.raw__data-access: statement Extra: Allow on Resource "*"',
    ]);
    expect(checkIamResources(stacksWith(withStatement({ Action: "s3:GetObject", Resource: "arn:aws:s3:::shop-*" })))).toHaveLength(1);
    expect(checkIamResources(stacksWith(withStatement({ Action: "s3:GetObject", Resource: "arn:aws:s3:::someone-else/*" })))).toHaveLength(1);
    expect(checkIamResources(stacksWith(withStatement({ Action: "s3:ListBucket", NotResource: "arn:aws:s3:::shop-raw" })))).toHaveLength(1);
  });

  it("accepts a stack bucket's objects, by reference or by ARN", () => {
    expect(checkIamResources(stacksWith(withStatement({ Action: "s3:GetObject", Resource: ["${aws_s3_bucket.raw.arn}/*", "arn:aws:s3:::shop-raw/*"] })))).toEqual([]);
  });

  it("fails when a policy cannot be read", () => {
    expect(where(checkIamActions(stacksWith((d) => void (r(d, ROLE_POLICY, "raw__data-access").policy = "${data.aws_iam_policy_document.x.json}"))))).toEqual([
      "shop-dev/aws_iam_role_policy.raw__data-access",
    ]);
  });

  describe("trust policies (CKV_AWS_60/61)", () => {
    const trusting = (statement: Json) => checkTrustPolicies(stacksWith((d) => void (r(d, ROLE, "raw").assume_role_policy = trust(statement)))).map((v) => v.message);

    it("fails when everyone may assume the role", () => {
      expect(trusting({ Principal: { AWS: "*" } })).toEqual(['statement Trust: trusts AWS principal "*" (CKV_AWS_60)', "statement Trust: trusts no AWS service"]);
      expect(trusting({ Principal: "*" })).toEqual(['statement Trust: trusts "*" (CKV_AWS_60)']);
    });

    it("fails when an account, its root or a role may assume it, even next to a service", () => {
      expect(trusting({ Principal: { AWS: "333333333333" } })).toContain('statement Trust: trusts AWS principal "333333333333" (CKV_AWS_61)');
      expect(trusting({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } })).toContain(`statement Trust: trusts AWS principal "arn:aws:iam::${ACCOUNT}:root" (CKV_AWS_61)`);
      expect(trusting({ Principal: { Service: "lakeformation.amazonaws.com", AWS: `arn:aws:iam::${ACCOUNT}:role/x` } })).toHaveLength(1);
      expect(trusting({ Principal: { Federated: "cognito-identity.amazonaws.com" }, Action: "sts:AssumeRoleWithWebIdentity" })).toHaveLength(3);
    });

    it("fails without the confused-deputy condition, or for another account", () => {
      expect(trusting({ Condition: undefined })).toEqual([`statement Trust: not limited to aws:SourceAccount ${ACCOUNT}`]);
      expect(trusting({ Condition: { StringEquals: { "aws:SourceAccount": "999999999999" } } })).toHaveLength(1);
    });

    it("fails on NotPrincipal and on a trust policy that cannot be read", () => {
      expect(trusting({ NotPrincipal: { AWS: "arn:aws:iam::1:root" } })).toContain("statement Trust: NotPrincipal trusts everyone else");
      expect(where(checkTrustPolicies(stacksWith((d) => void (r(d, ROLE, "raw").assume_role_policy = "${data.aws_iam_policy_document.t.json}"))))).toEqual(["shop-dev/aws_iam_role.raw"]);
    });
  });

  describe("managed policies (AwsSolutions-IAM4, CKV_AWS_274)", () => {
    it("fails on managed_policy_arns, on any attachment resource, and on a non-empty exclusive list", () => {
      expect(where(checkNoManagedPolicies(stacksWith((d) => void (r(d, ROLE, "raw").managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]))))).toEqual(["shop-dev/aws_iam_role.raw"]);
      for (const type of MANAGED_ATTACHMENTS) {
        expect(where(checkNoManagedPolicies(stacksWith((d) => void (d[type] = { x: { role: "${aws_iam_role.raw.name}", policy_arn: "arn:aws:iam::aws:policy/AWSGlueServiceRole" } })))), type).toEqual([
          `shop-dev/${type}.x`,
        ]);
      }
      expect(where(checkNoManagedPolicies(stacksWith((d) => void (r(d, ATTACHMENTS_EXCLUSIVE, "raw").policy_arns = [`arn:aws:iam::${ACCOUNT}:policy/mine`]))))).toEqual([
        `shop-dev/${ATTACHMENTS_EXCLUSIVE}.raw`,
      ]);
    });
  });
});

describe("(f) checkPiiVisibility", () => {
  const PRIVACY = { dev: `arn:aws:iam::111111111111:role/privacy`, prod: `arn:aws:iam::222222222222:role/privacy` };
  const piiModel = (access: Json[]) => {
    const p = platformFixture();
    p.environments.dev.principals = { analysts: "arn:aws:iam::111111111111:role/analysts", privacy: PRIVACY.dev };
    p.environments.prod.principals = { analysts: "arn:aws:iam::222222222222:role/analysts", privacy: PRIVACY.prod };
    const d = domainFixture();
    d.access = access;
    return modelFrom(p, [d]);
  };
  const check = (access: Json[]) => {
    const m = piiModel(access);
    return checkPiiVisibility(m, analyzeAccess(m)).map((v) => `${v.stack}/${v.address}: ${v.message}`);
  };

  it("passes when the PII column is masked, or out of the tag expression", () => {
    expect(check([{ name: "orders", principal: "analysts", table: "processed.orders", mask: ["email"] }])).toEqual([]);
    expect(check([{ name: "internal", principal: "analysts", tags: { domain: ["sales"], confidentiality: ["internal"] } }])).toEqual([]);
  });

  it("fails when a named-table grant shows a PII column to a non-reader, in every environment", () => {
    expect(check([{ name: "orders", principal: "analysts", tables: ["processed.orders"] }])).toEqual([
      "sales-dev/processed.orders.email: analysts (arn:aws:iam::111111111111:role/analysts) reads it unmasked through orders",
      "sales-prod/processed.orders.email: analysts (arn:aws:iam::222222222222:role/analysts) reads it unmasked through orders",
    ]);
  });

  it("fails when a tag grant includes the PII value", () => {
    expect(check([{ name: "all", principal: "analysts", tags: { domain: ["sales"], confidentiality: ["internal", "pii"] } }])).toHaveLength(2);
  });

  it("fails when a filter hides other columns but not the PII one", () => {
    expect(check([{ name: "eu", principal: "analysts", table: "processed.orders", mask: ["amount"] }])).toHaveLength(2);
  });

  it("lets a PII reader see the column only where it is a reader", () => {
    // The platform fixture makes role/privacy a PII reader in prod only.
    expect(check([{ name: "privacy", principal: "privacy", tables: ["processed.orders"] }])).toEqual([
      `sales-dev/processed.orders.email: privacy (${PRIVACY.dev}) reads it unmasked through privacy`,
    ]);
  });

  it("fails when the analyzer's PII flag disagrees with the tags", () => {
    const m = piiModel([{ name: "orders", principal: "analysts", table: "processed.orders", mask: ["email"] }]);
    const lying = analyzeAccess(m).map((a) => (a.column === "email" ? { ...a, pii: false } : a));
    expect(checkPiiVisibility(m, lying).map((v) => v.message)).toEqual(["the analyzer says pii=false, the tags say true", "the analyzer says pii=false, the tags say true"]);
  });
});

describe("(g) checkTrailPolicies", () => {
  const keyStatements = (d: Resources) => JSON.parse(r(d, KMS_KEY, "audit").policy as string).Statement as Json[];
  const setKey = (d: Resources, st: Json[]) => void (r(d, KMS_KEY, "audit").policy = doc(st));

  it("fails when a CloudTrail key statement is not conditioned on the trail's ARN", () => {
    const vs = checkTrailPolicies(stacksWith((d) => setKey(d, keyStatements(d).map((st) => (st.Sid === "AllowCloudTrailToEncryptLogs" ? { ...st, Condition: undefined } : st)))));
    expect(vs.map((v) => `${v.address}: ${v.message}`)).toEqual([`aws_kms_key.audit: statement AllowCloudTrailToEncryptLogs is not conditioned on aws:SourceArn ${TRAIL_ARN}`]);
  });

  /** The fixture with the condition of the audit key's DescribeKey statement replaced. */
  const describeKeyCondition = (condition: Json | undefined) =>
    stacksWith((d) => setKey(d, keyStatements(d).map((st) => (st.Sid === "AllowCloudTrailToDescribeKey" ? { ...st, Condition: condition } : st))));

  it("fails when the condition names another trail, or only the account", () => {
    const other = { StringEquals: { "aws:SourceArn": `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/other` } };
    expect(where(checkTrailPolicies(describeKeyCondition(other)))).toEqual(["shop-dev/aws_kms_key.audit"]);
    expect(where(checkTrailPolicies(describeKeyCondition({ StringEquals: { "aws:SourceAccount": ACCOUNT } })))).toEqual(["shop-dev/aws_kms_key.audit"]);
    expect(where(checkTrailPolicies(describeKeyCondition({ StringLike: { "aws:SourceArn": `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/*` } })))).toEqual(["shop-dev/aws_kms_key.audit"]);
  });

  it("accepts ArnEquals as well as StringEquals", () => {
    expect(checkTrailPolicies(describeKeyCondition({ ArnEquals: { "aws:SourceArn": TRAIL_ARN } }))).toEqual([]);
  });

  it("fails when the key lets CloudTrail do nothing, or the trail uses no key of the stack", () => {
    expect(checkTrailPolicies(stacksWith((d) => setKey(d, keyStatements(d).slice(0, 1)))).map((v) => v.message)).toEqual([
      "the key policy lets CloudTrail do nothing, so the trail cannot encrypt its logs",
    ]);
    expect(where(checkTrailPolicies(stacksWith((d) => void delete r(d, TRAIL, "audit").kms_key_id)))).toEqual(["shop-dev/aws_cloudtrail.audit"]);
  });

  it("fails when the trail bucket's policy lets CloudTrail write for any trail", () => {
    const vs = checkTrailPolicies(stacksWith((d) => setStatements(d, "audit", statementsIn(d, "audit").map((st) => (st.Sid === "AllowCloudTrailWrite" ? { ...st, Condition: undefined } : st)))));
    expect(vs.map((v) => `${v.address}: ${v.message}`)).toEqual([`aws_s3_bucket_policy.audit: statement AllowCloudTrailWrite is not conditioned on aws:SourceArn ${TRAIL_ARN}`]);
  });

  it("still finds a wildcard principal in the audit key (CKV_AWS_33)", () => {
    const vs = checkKeyPolicyNoWildcard(stacksWith((d) => setKey(d, [...keyStatements(d), { Sid: "Anyone", Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: "*" }])));
    expect(vs.map((v) => `${v.address}: ${v.message}`)).toEqual(["aws_kms_key.audit: statement Anyone allows a wildcard principal"]);
  });
});
