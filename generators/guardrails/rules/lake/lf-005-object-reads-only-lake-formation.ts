import type { GuardrailRule } from "../../types";
import { BUCKET, type Check, entries, iamDocuments, lakeBuckets, POLICY, reachesObjects, readsObjects, registrationRoleOf, ROLE, statementsOf, violation, type Violation } from "../../terraform";

/**
 * (b) No IAM policy and no bucket policy allows s3:GetObject (directly, by
 * `s3:Get*`, `s3:*`, `*` or NotAction) on a zone bucket's objects, except the
 * inline policy of the role that bucket is registered through.
 */
export const checkObjectReadsOnlyByRegistrationRole: Check = (stacks) =>
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

export const rule: GuardrailRule = {
  id: "LF-005",
  severity: "error",
  scope: "terraform",
  rule: "No IAM or bucket policy lets anyone but a zone bucket's registration role read its objects.",
  explanation: "People and jobs reach a zone's bytes through Lake Formation only: s3:GetObject on a lake bucket for any other principal bypasses grants, masks and row filters.",
  source: ["custom (ARCHITECTURE: no back doors)"],
  check: ({ stacks }) => checkObjectReadsOnlyByRegistrationRole(stacks),
};
