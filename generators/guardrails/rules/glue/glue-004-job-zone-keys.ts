import { aliasedKeysOf } from "../../companions";
import type { GuardrailRule } from "../../types";
import { artifactsBuckets, ATHENA, blocks, type Check, encryptionOf, entries, GLUE_JOB, GLUE_SECURITY, iamDocuments, lakeBuckets, list, locationInBucket, LOG_GROUP, POLICY, refName, resolveNameRefs, ROLE, roleArnOf, sameSet, securityConfigurationOf, statementsOf, uploadKeysOf, violation, type Violation, zoneKeysOf, zonesWrittenBy } from "../../terraform";

/**
 * A zone bucket takes uploads under its zone key only, so a Glue job writes
 * one zone, and everything its security configuration encrypts (what it
 * writes, its temp data, bookmarks and logs) is under that zone's key: the
 * configuration is `glue__<zone>` (`…-<zone>`), or `glue__ops` (`…-ops`, the
 * ops key) for a job that writes no table. The job's two log groups are
 * encrypted with the same key; its role may use exactly the ops key (script,
 * artifacts) and that key; and the artifacts bucket, where the temp data
 * lands, takes uploads under exactly the ops key and the keys of the stack's
 * Glue security configurations. What a job writes is read from the Lake
 * Formation grants of its role (INSERT), placed in a zone bucket by the
 * table's or its database's location.
 */
export const checkGlueZoneKeys: Check = (stacks) =>
  stacks.flatMap((s) => {
    const out: Violation[] = [];
    const flag = (address: string, message: string) => void out.push(violation("glue-zone-keys", s.name, address, message));
    const jobs = entries(s, GLUE_JOB);
    if (jobs.length === 0) return out;
    const artifacts = artifactsBuckets(s);
    const opsKeys = artifacts.flatMap(([b]) => zoneKeysOf(s, b));
    if (artifacts.length !== 1 || opsKeys.length !== 1) {
      flag("(stack)", "has Glue jobs but not one artifacts bucket under one key (the ops key)");
      return out;
    }
    const ops = opsKeys[0]!;
    const keyOfZone = new Map(lakeBuckets(s).map(([b]) => [b, zoneKeysOf(s, b)[0]]));
    const configKeys: string[] = [];
    for (const [jn, j] of jobs) {
      const at = `${GLUE_JOB}.${jn}`;
      const found = securityConfigurationOf(s, j);
      if (!found) continue; // CKV_AWS_195 reports it.
      const [cn, c] = found;
      const used = ["cloudwatch_encryption", "job_bookmarks_encryption", "s3_encryption"].map((b) => encryptionOf(c, b)?.kms_key_arn);
      const logKey = used[0];
      // A DR compute stack: S3 under the zone's replica key by alias ARN, logs and bookmarks under the ops key (CloudWatch Logs needs a key ARN and a key policy that lets it in).
      const companionZone = s.companions?.zones.find((z) => z.keyAliasArn === used[2] && cn === `glue__${z.zone}`);
      const split = companionZone !== undefined && used[0] === ops && used[1] === ops;
      if (typeof logKey !== "string" || (!split && used.some((k) => k !== logKey))) {
        flag(`${GLUE_SECURITY}.${cn}`, `does not encrypt logs, bookmarks and S3 with one key (${used.map(String).join(", ")})`);
        continue;
      }
      const key = used[2] as string;
      configKeys.push(key);
      const role = refName(j.role_arn, ROLE);
      const roleArn = role ? roleArnOf(s, role) : undefined;
      if (!role || !roleArn) {
        flag(at, "its role is no role of the stack with a literal name, so what it writes is not known");
        continue;
      }
      // What a DR compute stack's job writes is granted in the catalog stack: its zone is its security configuration's.
      const zones = s.companions ? (companionZone ? [companionZone.zone] : []) : zonesWrittenBy(s, roleArn);
      if (zones.length > 1) {
        flag(at, `writes ${zones.join(" and ")}: a Glue job writes one zone`);
        continue;
      }
      const zone = zones[0] ?? "ops";
      const what = zones.length === 0 ? "the ops key (it writes no table)" : `the key of zone ${zone}, which it writes`;
      const expected = zones.length === 0 ? ops : (keyOfZone.get(zone) ?? companionZone?.keyAliasArn);
      if (cn !== `glue__${zone}` || typeof c.name !== "string" || !c.name.endsWith(`-${zone}`)) {
        flag(at, `runs under ${GLUE_SECURITY}.${cn} (${String(c.name)}), not glue__${zone} (named …-${zone})`);
      }
      if (key !== expected) flag(at, `its security configuration encrypts with ${key}, not ${String(expected)}, ${what}`);
      const roleName = String(s.json.resource?.[ROLE]?.[role]?.name);
      for (const kind of ["error", "output"]) {
        const name = `/aws-glue/jobs/${String(c.name)}-role/${roleName}/${kind}`;
        const groups = entries(s, LOG_GROUP).filter(([, g]) => typeof g.name === "string" && resolveNameRefs(s, g.name) === name);
        if (groups.length === 0) flag(at, `has no ${kind} log group ${name}`);
        for (const [gn, g] of groups) {
          if (g.kms_key_id !== logKey) flag(`${LOG_GROUP}.${gn}`, `is encrypted with ${String(g.kms_key_id)}, not ${logKey}, the key of the security configuration job ${jn} runs with`);
        }
      }
      const roleKeys = iamDocuments(s)
        .filter((d) => d.kind === "role" && d.role === role)
        .flatMap((d) => (statementsOf(d.policy) ?? []).filter((st) => st.Effect === "Allow" && list(st.Action).some((a) => typeof a === "string" && /^kms:/i.test(a))))
        .flatMap((st) =>
          list(st.Resource)
            .map(String)
            .flatMap((r) => {
              const aliased = aliasedKeysOf(r, st.Condition);
              return aliased.length > 0 ? aliased : [r];
            }),
        );
      if (!sameSet(roleKeys, [ops, key])) {
        flag(`${ROLE}.${role}`, `may use ${[...new Set(roleKeys)].sort().join(", ") || "no key"}, not exactly the ops key and its security configuration's key (${[...new Set([ops, key])].sort().join(", ")})`);
      }
    }
    const [ab] = artifacts[0]!;
    const accepted = uploadKeysOf(s, ab);
    // …and the keys of the pipeline workgroups whose results it holds (each its zone's key).
    const workgroupKeys = entries(s, ATHENA).flatMap(([n, w]) => {
      const rc = blocks(blocks(w.configuration)[0]?.result_configuration)[0];
      const key = blocks(rc?.encryption_configuration)[0]?.kms_key_arn;
      return n.startsWith("pipeline__") && locationInBucket(s, rc?.output_location, ab) && typeof key === "string" ? [key] : [];
    });
    const wanted = [...new Set([ops, ...configKeys, ...workgroupKeys])].sort();
    if (accepted === undefined) flag(`${POLICY}.${ab}`, `refuses no upload under another key than ${wanted.join(", ")}`);
    else if (!sameSet(accepted, wanted)) flag(`${POLICY}.${ab}`, `takes uploads under ${[...new Set(accepted)].sort().join(", ") || "no key"}, not exactly the ops key and the keys of the Glue security configurations (${wanted.join(", ")})`);
    return out;
  });

export const rule: GuardrailRule = {
  id: "GLUE-004",
  severity: "error",
  scope: "terraform",
  rule: "A Glue job writes one zone, under that zone's key for its configuration, log groups and role.",
  explanation: "The zone bucket takes uploads under its own key only; a job writing two zones could not satisfy both.",
  source: ["custom"],
  check: ({ stacks }) => checkGlueZoneKeys(stacks),
};
