import type { GuardrailRule } from "../../types";
import { ATTACHMENTS_EXCLUSIVE, BUCKET, bucketArnOf, type Check, entries, iamDocuments, lakeBuckets, LF_RESOURCE, list, POLICIES_EXCLUSIVE, refersTo, refName, registrationsOf, ROLE, sameStrings, statementsOf, violation, zoneKeysOf } from "../../terraform";

/**
 * (d) Every zone bucket is registered once, with hybrid access off, through a
 * role of its own whose inline policies name only that bucket (and its objects)
 * and the bucket's zone key, and whose policy lists are exclusive: no inline
 * policy and no managed policy can be added outside Terraform.
 */
export const checkRegistration: Check = (stacks) =>
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

export const rule: GuardrailRule = {
  id: "LF-007",
  severity: "error",
  scope: "terraform",
  rule: "Every zone bucket is registered with Lake Formation, hybrid access off, through a role that reaches only that bucket and its key.",
  explanation: "Registration is what makes Lake Formation vend credentials for the location; hybrid access or a broad registration role would reopen IAM access.",
  source: ["custom"],
  check: ({ stacks }) => checkRegistration(stacks),
};
