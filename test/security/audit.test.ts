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
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAndValidate } from "../../generators/manifest/validate";
import { synthesizeModel } from "../../generators/stacks/app";

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
  Action?: unknown;
  Resource?: unknown;
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
  const out = mkdtempSync(join(tmpdir(), "lakeform-audit-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  beforeAll(async () => {
    const result = await loadAndValidate(repo);
    if (!result.ok) throw new Error(`the example manifests are invalid: ${JSON.stringify(result.problems)}`);
    synthesizeModel(result.model, { outdir: out });
    stacks = readStacks(out);
    domainStacks = result.model.stacks.filter((s) => s.kind === "domain").map((s) => s.name);
  });

  it("audits every stack of the model and every bucket and key in them", () => {
    expect(stacks.map((s) => s.name)).toEqual(["billing-dev", "billing-prod", "cdr-dev", "cdr-prod", "clickstream-dev", "clickstream-prod", "platform-dev", "platform-prod"]);
    const count = (type: string) => stacks.reduce((n, s) => n + entries(s, type).length, 0);
    // Three zones and one access-log bucket per domain stack: the checks cannot pass vacuously.
    expect(count(BUCKET)).toBe(domainStacks.length * 4);
    expect(count(KMS_KEY)).toBe(domainStacks.length * 3);
    expect(count(POLICY)).toBe(count(BUCKET));
    expect(count(SETTINGS)).toBe(2);
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

  it("leaves exactly the access-log buckets without event notifications (CKV2_AWS_62 exception)", () => {
    expect(where(checkNotifications(stacks))).toEqual(domainStacks.map((s) => `${s}/aws_s3_bucket.access_logs`));
  });
});

// ---------------------------------------------------------------------------
// The checks themselves: a compliant fixture, then deliberately broken ones

const ACCOUNT = "111111111111";
const doc = (statements: Json[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

function bucketResources(name: string, physical: string, o: { kmsKey?: string; logTo?: string; notify: boolean; logDeliveryFrom?: string[] }): Resources {
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

/** A minimal compliant platform stack and domain stack, shaped like the synthesized JSON. */
function fixture(): { platform: Resources; domain: Resources } {
  return {
    platform: { [SETTINGS]: { data_lake_settings: { catalog_id: ACCOUNT, admins: [`arn:aws:iam::${ACCOUNT}:role/admin`] } } },
    domain: merge(
      bucketResources("raw", "shop-raw", { kmsKey: "${aws_kms_key.raw.arn}", logTo: "access_logs", notify: true }),
      bucketResources("access_logs", "shop-logs", { notify: false, logDeliveryFrom: ["arn:aws:s3:::shop-raw"] }),
      {
        [KMS_KEY]: {
          raw: {
            customer_master_key_spec: "SYMMETRIC_DEFAULT",
            enable_key_rotation: true,
            is_enabled: true,
            multi_region: true,
            policy: doc([{ Sid: "Root", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }]),
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
  return [stackOf("platform-dev", f.platform, extra.platform), stackOf("shop-dev", f.domain, extra.domain)];
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

  it("CKV2_AWS_62 reports only the access-log bucket", () => {
    expect(where(checkNotifications(stacksWith()))).toEqual(["shop-dev/aws_s3_bucket.access_logs"]);
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
  it("fails when a zone bucket logs nowhere (and the log bucket then receives nothing)", () => {
    const vs = checkAccessLogging(stacksWith((d) => void delete d[LOGGING]));
    expect(where(vs)).toEqual(["shop-dev/aws_s3_bucket.access_logs", "shop-dev/aws_s3_bucket.raw"]);
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
    expect(where(checkNotifications(stacksWith((d) => void delete d[NOTIFICATION])))).toEqual(["shop-dev/aws_s3_bucket.access_logs", "shop-dev/aws_s3_bucket.raw"]);
  });
});

describe("checkOwnership", () => {
  it("fails when object ownership is ObjectWriter", () => {
    expect(checkOwnership(stacksWith((d) => void (r(d, OWNERSHIP, "raw").rule = [{ object_ownership: "ObjectWriter" }]))).map((v) => v.message)).toEqual([
      "aws_s3_bucket_ownership_controls.raw: object_ownership is ObjectWriter",
    ]);
  });

  it("fails when a bucket has no ownership controls", () => {
    expect(where(checkOwnership(stacksWith((d) => void delete d[OWNERSHIP])))).toEqual(["shop-dev/aws_s3_bucket.access_logs", "shop-dev/aws_s3_bucket.raw"]);
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
