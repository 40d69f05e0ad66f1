import type { GuardrailRule } from "../../types";
import { actsOnS3, attached, BUCKET, bucketArnOf, type Check, entries, escapeRe, globMatches, globReachesPrefix, iamDocuments, isSourceOf, list, MWAA, mwaaSourceBuckets, nonEmpty, POLICY, providerOf, refersTo, refName, resolveBucketRefs, ROLE, S3_OBJECT, S3_WRITES, statementsOf, violation, type Violation, zoneKeysOf } from "../../terraform";

/**
 * The MWAA source bucket is outside Lake Formation and read with IAM, so its
 * access is what keeps DAGs trustworthy: it is encrypted under the
 * environment's own key, no bucket policy allows anything on it, only the
 * environment's execution role reaches it, and only to read. What is in it
 * is known: the requirements file the environment pins (in the platform
 * stack), and DAG files, `<dag_s3_path><name>.py`, uploaded by stacks of the
 * same account (the domain stacks, by the bucket's literal name).
 */
export const checkMwaaSourceBuckets: Check = (stacks) =>
  stacks.flatMap((s) =>
    entries(s, MWAA).flatMap(([en, e]) => {
      const rule = "mwaa-source-bucket";
      const out: Violation[] = [];
      const flag = (stack: string, address: string, message: string) => void out.push(violation(rule, stack, address, message));
      const bucket = mwaaSourceBuckets(s).find(([b]) => isSourceOf(s, e, b))?.[0];
      if (!bucket) {
        flag(s.name, `${MWAA}.${en}`, `source_bucket_arn ${String(e.source_bucket_arn)} is no MWAA source bucket of the stack`);
        return out;
      }
      const b = `${BUCKET}.${bucket}`;
      const keys = zoneKeysOf(s, bucket);
      if (!nonEmpty(e.kms_key) || keys.length !== 1 || keys[0] !== e.kms_key) flag(s.name, b, `default encryption is under ${JSON.stringify(keys)}, not the environment's key ${String(e.kms_key)}`);
      for (const [pn, p] of attached(s, POLICY, bucket)) {
        for (const st of (statementsOf(p.policy) ?? []).filter((x) => x.Effect === "Allow")) flag(s.name, `${POLICY}.${pn}`, `statement ${st.Sid ?? "?"} allows access to ${b} through a bucket policy`);
      }
      const role = refName(e.execution_role_arn, ROLE);
      if (!role || !s.json.resource?.[ROLE]?.[role]) flag(s.name, `${MWAA}.${en}`, "execution_role_arn is not a role of the stack");
      const arn = bucketArnOf(s, bucket);
      if (!arn) {
        flag(s.name, b, "the bucket's name is not literal, so what reaches it cannot be told");
        return out;
      }
      for (const d of iamDocuments(s)) {
        for (const st of (statementsOf(d.policy) ?? []).filter((x) => x.Effect === "Allow" && actsOnS3(x))) {
          const resources = list(st.Resource).map((x) => resolveBucketRefs(s, String(x)));
          if (st.NotResource === undefined && !resources.some((x) => globMatches(x, arn, false) || globReachesPrefix(x, `${arn}/`))) continue;
          if (d.kind !== "role" || d.role !== role) {
            flag(s.name, d.address, `statement ${st.Sid ?? "?"} reaches ${b}, which only the environment's execution role may read`);
            continue;
          }
          const writes = S3_WRITES.filter((w) => (st.NotAction !== undefined ? !list(st.NotAction).some((a) => globMatches(String(a), w, true)) : list(st.Action).some((a) => globMatches(String(a), w, true))));
          if (writes.length > 0) flag(s.name, d.address, `statement ${st.Sid ?? "?"} lets the execution role change ${b} (${writes.join(", ")})`);
        }
      }
      if (e.dag_s3_path !== "dags/") flag(s.name, `${MWAA}.${en}`, `dag_s3_path is ${JSON.stringify(e.dag_s3_path)}, not "dags/"`);
      for (const [on, o] of attached(s, S3_OBJECT, bucket)) {
        if (e.requirements_s3_path !== o.key || !refersTo(e.requirements_s3_object_version, S3_OBJECT, on)) {
          flag(s.name, `${S3_OBJECT}.${on}`, `${JSON.stringify(o.key)} in ${b} is not the requirements file the environment pins`);
        }
      }
      const physical = s.json.resource?.[BUCKET]?.[bucket]?.bucket;
      const dagKey = new RegExp(`^${escapeRe(String(e.dag_s3_path))}[\\w.-]+\\.py$`);
      for (const other of stacks.filter((x) => x !== s)) {
        for (const [on, o] of entries(other, S3_OBJECT).filter(([, x]) => x.bucket === physical)) {
          if (providerOf(other).account !== providerOf(s).account) flag(other.name, `${S3_OBJECT}.${on}`, `uploads into ${s.name}'s ${b} from another account`);
          if (!dagKey.test(String(o.key))) flag(other.name, `${S3_OBJECT}.${on}`, `uploads ${JSON.stringify(o.key)} into ${s.name}'s ${b}, which is not a DAG file under ${String(e.dag_s3_path)}`);
        }
      }
      return out;
    }),
  );

export const rule: GuardrailRule = {
  id: "MWAA-005",
  severity: "error",
  scope: "terraform",
  rule: "The MWAA source bucket is under its environment's key, read by its execution role only, holding only its requirements and DAG files.",
  explanation: "What lands in the DAG folder runs with the execution role's rights.",
  source: ["custom"],
  check: ({ stacks }) => checkMwaaSourceBuckets(stacks),
};
