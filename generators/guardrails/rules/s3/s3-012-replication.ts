import type { GuardrailRule } from "../../types";
import {
  BUCKET,
  blocks,
  bucketArnOf,
  type Check,
  entries,
  iamDocuments,
  inOtherRegion,
  isWildcardPrincipal,
  KMS_KEY,
  lakeBuckets,
  list,
  NOTIFICATION,
  OBJECT_READS,
  POLICY,
  attached,
  providerOf,
  READ_GUARD,
  REPLICA_KEY,
  REPLICATION,
  REPLICATION_READS,
  refName,
  registrationsOf,
  replicaBuckets,
  replicationsInto,
  ROLE,
  roleArnOf,
  sameStrings,
  statementsOf,
  violation,
  type Violation,
  zoneKeysOf,
} from "../../terraform";

/**
 * Cross-region replication (README, "Disaster recovery: what is always on"):
 * - every replication configuration is on a zone bucket of the stack, enabled,
 *   selects SSE-KMS objects, writes into a replica bucket of the stack and
 *   encrypts replicas with the replica of the source bucket's own zone key;
 * - every replica key replicates a multi-Region key of the stack, is enabled,
 *   keeps the 30-day window, and has an explicit policy with no wildcard
 *   principal (CKV_AWS_33/CKV2_AWS_64/CKV_AWS_227 for replicas; rotation
 *   follows the primary);
 * - a zone's DR bucket (replicated into or not) is encrypted under a replica
 *   key of the stack, and its read guard excepts exactly one role of the
 *   account that is no role of this stack (the DR registration role):
 *   nothing here reads replicas;
 * - the replication role may only read the replication configuration and
 *   object versions of its source buckets, write replicas (and delete markers)
 *   into its replica buckets, and use the source and replica keys through S3
 *   in their regions.
 */
export const checkReplication: Check = (stacks) =>
  stacks.flatMap((s) => {
    const out: Violation[] = [];
    const rule = "replication";
    const keyRef = (v: unknown, type: string) => refName(v, type);
    const zoneKeyOf = (b: string) => zoneKeysOf(s, b).map((k) => keyRef(k, KMS_KEY)).find((k) => k !== undefined);
    for (const [n, k] of entries(s, REPLICA_KEY)) {
      const at = (m: string) => out.push(violation(rule, s.name, `${REPLICA_KEY}.${n}`, m));
      const primary = keyRef(k.primary_key_arn, KMS_KEY);
      if (!primary || s.json.resource?.[KMS_KEY]?.[primary]?.multi_region !== true) at("primary_key_arn is not a multi-Region key of the stack");
      if (!inOtherRegion(k)) at("is in the stack's own region");
      if (k.enabled !== true) at("is not enabled (CKV_AWS_227)");
      if (k.deletion_window_in_days !== 30) at(`deletion window is ${String(k.deletion_window_in_days)} days, expected 30`);
      const statements = statementsOf(k.policy);
      if (!statements) at("has no literal key policy (CKV2_AWS_64)");
      else if (statements.some((st) => st.Effect === "Allow" && isWildcardPrincipal(st.Principal))) at("key policy allows a wildcard principal (CKV_AWS_33)");
    }
    const replicaKeyOfBucket = (b: string) => zoneKeysOf(s, b).map((k) => keyRef(k, REPLICA_KEY)).find((k) => k !== undefined);
    for (const [b, r] of replicaBuckets(s)) {
      const at = (m: string) => out.push(violation(rule, s.name, `${BUCKET}.${b}`, m));
      if (!replicaKeyOfBucket(b)) at("is not encrypted under a replica key of the stack");
      if (registrationsOf(s, b).length > 0) at("is registered here; the DR rebuild registers it in its own region");
      const guards = attached(s, POLICY, b).flatMap(([, p]) => (statementsOf(p.policy) ?? []).filter((st) => st.Sid === READ_GUARD));
      const readers = list(guards[0]?.Condition?.ArnNotEquals?.["aws:PrincipalArn"]).map(String);
      const own = entries(s, ROLE).map(([rn]) => roleArnOf(s, rn));
      const account = providerOf(s).account;
      if (guards.length !== 1 || guards[0]!.Effect !== "Deny" || !sameStrings(guards[0]!.Action, OBJECT_READS) || readers.length !== 1) at(`needs one ${READ_GUARD} excepting exactly one role`);
      else if (own.includes(readers[0]) || !new RegExp(`^arn:aws(-cn|-us-gov)?:iam::${account}:role/`).test(readers[0]!)) at(`${READ_GUARD} excepts ${readers[0]}, which must be a role of the account outside this stack`);
      if (!inOtherRegion(r)) at("is in the stack's own region");
      if (attached(s, NOTIFICATION, b).length === 0) at("sends no events (CKV2_AWS_62): a rebuilt lake starts crawlers from them");
    }
    for (const [n, c] of entries(s, REPLICATION)) {
      const at = (m: string) => out.push(violation(rule, s.name, `${REPLICATION}.${n}`, m));
      const source = refName(c.bucket, BUCKET);
      if (!source || !lakeBuckets(s).some(([b]) => b === source)) at("is not on a zone bucket of the stack");
      const rules = blocks(c.rule);
      if (rules.length !== 1) at(`has ${rules.length} rules, expected 1`);
      for (const rl of rules) {
        if (rl.status !== "Enabled") at("rule is not enabled");
        if (blocks(blocks(rl.source_selection_criteria)[0]?.sse_kms_encrypted_objects)[0]?.status !== "Enabled") at("does not replicate SSE-KMS objects");
        const d = blocks(rl.destination)[0] ?? {};
        const dest = refName(d.bucket, BUCKET) ?? entries(s, BUCKET).find(([b]) => bucketArnOf(s, b) === d.bucket)?.[0];
        if (!dest || !replicaBuckets(s).some(([b]) => b === dest)) at("destination is not a replica bucket of the stack");
        const replicaKey = keyRef(blocks(d.encryption_configuration)[0]?.replica_kms_key_id, REPLICA_KEY);
        const primary = replicaKey ? keyRef(s.json.resource?.[REPLICA_KEY]?.[replicaKey]?.primary_key_arn, KMS_KEY) : undefined;
        if (!primary || !source || primary !== zoneKeyOf(source)) at("replicas are not encrypted under the replica of the source bucket's zone key");
        if (dest && replicaKey && replicaKeyOfBucket(dest) !== replicaKey) at("replicas are encrypted under another key than the replica bucket's");
      }
    }
    const replicationRoles = new Set(entries(s, REPLICATION).map(([, c]) => refName(c.role, ROLE)));
    for (const role of replicationRoles) {
      const sources = entries(s, REPLICATION).filter(([, c]) => refName(c.role, ROLE) === role).map(([, c]) => refName(c.bucket, BUCKET)!);
      const dests = replicaBuckets(s).map(([b]) => b).filter((b) => replicationsInto(s, b).some(([, c]) => refName(c.role, ROLE) === role));
      const arns = (bs: string[], objects: boolean) => bs.flatMap((b) => [`\${${BUCKET}.${b}.arn}${objects ? "/*" : ""}`, ...(bucketArnOf(s, b) ? [`${bucketArnOf(s, b)}${objects ? "/*" : ""}`] : [])]);
      const sourceKeys = sources.map((b) => `\${${KMS_KEY}.${zoneKeyOf(b)}.arn}`);
      const replicaKeys = dests.map((b) => `\${${REPLICA_KEY}.${replicaKeyOfBucket(b)}.arn}`);
      const allowedActions: [string[], string[]][] = [
        [["s3:GetReplicationConfiguration", "s3:ListBucket"], arns(sources, false)],
        [REPLICATION_READS, arns(sources, true)],
        [["s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"], arns(dests, true)],
        [["kms:Decrypt"], sourceKeys],
        [["kms:Encrypt", "kms:GenerateDataKey"], replicaKeys],
      ];
      for (const d of iamDocuments(s).filter((x) => x.kind === "role" && x.role === role)) {
        for (const st of statementsOf(d.policy) ?? []) {
          const at = (m: string) => out.push(violation(rule, s.name, d.address, `statement ${st.Sid ?? "?"}: ${m}`));
          if (st.Effect !== "Allow") continue;
          const actions = list(st.Action).map(String);
          const fit = allowedActions.find(([acts]) => actions.length > 0 && actions.every((a) => acts.includes(a)));
          if (!fit || st.NotAction !== undefined) {
            at(`actions ${JSON.stringify(st.Action)} are not replication's`);
            continue;
          }
          for (const res of list(st.Resource).map(String)) if (!fit[1].includes(res)) at(`resource ${res} is not one replication needs for these actions`);
          if (actions.some((a) => a.startsWith("kms:")) && typeof st.Condition?.StringEquals?.["kms:ViaService"] !== "string") at("a key is usable outside S3 (no kms:ViaService)");
        }
      }
    }
    return out;
  });

export const rule: GuardrailRule = {
  id: "S3-012",
  severity: "error",
  scope: "terraform",
  rule: "Replication copies SSE-KMS objects of a zone bucket into a DR replica under the zone key's replica, through a role that only replicates; nobody in the stack reads replicas.",
  explanation: "Raw is the system of record and is replicated to the DR region (RPO ≈ 15 minutes with replication time control). A replica is the same data: it must stay under the replica of its zone key, behind a read guard that lets only the DR registration role through, and the replication role must be unable to read objects the way a person could (GetObjectVersionForReplication only).",
  source: ["CKV_AWS_144", "CKV_AWS_33", "CKV2_AWS_64", "CKV_AWS_227"],
  check: ({ stacks }) => checkReplication(stacks),
};
