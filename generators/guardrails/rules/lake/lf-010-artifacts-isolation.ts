import type { GuardrailRule } from "../../types";
import { actsOnS3, artifactsBuckets, attached, BUCKET, bucketArnOf, type Check, globReachesPrefix, iamDocuments, keyPrefixIn, list, POLICY, resolveBucketRefs, resultGrantProblem, ROLE, statementsOf, violation, type Violation } from "../../terraform";

/**
 * The artifacts bucket is outside Lake Formation, so its IAM access is what
 * keeps jobs apart: no bucket policy allows anything on it but a workgroup's
 * own results to one role (resultGrantProblem), no standalone policy reaches
 * its objects, every role reaches only named prefixes (never the whole
 * bucket), and no two roles share a prefix (one job cannot read or overwrite
 * another's script, temp data or logs).
 */
export const checkArtifactsIsolation: Check = (stacks) =>
  stacks.flatMap((s) =>
    artifactsBuckets(s).flatMap(([b]) => {
      const rule = "artifacts-isolation";
      const out: Violation[] = [];
      const arn = bucketArnOf(s, b);
      if (!arn) return [...out, violation(rule, s.name, `${BUCKET}.${b}`, "the bucket's name is not literal, so its prefixes cannot be told apart")];
      const prefixes = new Map<string, Set<string>>();
      for (const [pn, p] of attached(s, POLICY, b)) {
        for (const st of (statementsOf(p.policy) ?? []).filter((x) => x.Effect === "Allow")) {
          const grant = resultGrantProblem(s, st, arn);
          if (grant.problem) out.push(violation(rule, s.name, `${POLICY}.${pn}`, `statement ${st.Sid ?? "?"} allows access to ${BUCKET}.${b} through a bucket policy, and ${grant.problem}`));
          else for (const prefix of grant.prefixes) prefixes.set(grant.role!, (prefixes.get(grant.role!) ?? new Set()).add(prefix));
        }
      }
      for (const d of iamDocuments(s)) {
        for (const st of (statementsOf(d.policy) ?? []).filter((x) => x.Effect === "Allow" && actsOnS3(x))) {
          const reaching = st.NotResource !== undefined ? [String(st.NotResource)] : list(st.Resource).map((r) => resolveBucketRefs(s, String(r))).filter((r) => globReachesPrefix(r, `${arn}/`));
          for (const r of reaching) {
            const prefix = st.NotResource !== undefined ? undefined : keyPrefixIn(r, arn);
            if (d.kind !== "role" || !d.role) out.push(violation(rule, s.name, d.address, `statement ${st.Sid ?? "?"}: a ${d.kind} policy reaches objects of ${BUCKET}.${b}`));
            else if (!prefix) out.push(violation(rule, s.name, d.address, `statement ${st.Sid ?? "?"}: ${r} reaches the whole of ${BUCKET}.${b}, not a prefix of the job's own`));
            else prefixes.set(d.role, (prefixes.get(d.role) ?? new Set()).add(prefix));
          }
        }
      }
      const roles = [...prefixes.keys()].sort();
      for (const [i, a] of roles.entries()) {
        for (const other of roles.slice(i + 1)) {
          for (const p of prefixes.get(a)!) {
            for (const q of prefixes.get(other)!) {
              if (p.startsWith(q) || q.startsWith(p)) out.push(violation(rule, s.name, `${BUCKET}.${b}`, `${ROLE}.${a} (${p}) and ${ROLE}.${other} (${q}) share a prefix`));
            }
          }
        }
      }
      return out;
    }),
  );

export const rule: GuardrailRule = {
  id: "LF-010",
  severity: "error",
  scope: "terraform",
  rule: "The artifacts bucket grants nothing in its policy, and each role reaches only its own prefixes of it.",
  explanation: "Scripts, temp data and query results are read with IAM; each job sees its own prefixes so no job reads another's temp data or results.",
  source: ["custom"],
  check: ({ stacks }) => checkArtifactsIsolation(stacks),
};
