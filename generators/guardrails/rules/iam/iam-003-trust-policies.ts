import type { GuardrailRule } from "../../types";
import { type Check, emrEksTrustProblems, isInstanceProfileRole, type Json, list, perResource, providerOf, refName, ROLE, sameStrings, servicesOf, statementsOf } from "../../terraform";

/**
 * (e) CKV_AWS_60 / CKV_AWS_61: a role's trust policy lets only AWS services
 * assume it — no `*`, no account, root or other AWS principal — and only on
 * behalf of the stack's account (aws:SourceAccount, against the confused
 * deputy). The one federated principal allowed is an EMR on EKS execution
 * role's (see emrEksTrustProblems).
 */
export const checkTrustPolicies: Check = (stacks) =>
  perResource("CKV_AWS_60/CKV_AWS_61", stacks, ROLE, (r, s, n) => {
    const statements = statementsOf(r.assume_role_policy);
    if (!statements) return ["assume_role_policy is not a literal JSON document (UNKNOWN)"];
    const { account } = providerOf(s);
    const out: string[] = [];
    for (const st of statements) {
      const at = `statement ${st.Sid ?? "?"}`;
      if (st.NotPrincipal !== undefined) out.push(`${at}: NotPrincipal trusts everyone else`);
      if (st.Effect !== "Allow") continue;
      const p = st.Principal;
      // EMR runtime roles: trusted by the nodes' role of a cluster (a role of the stack in an instance profile), to assume and tag the session.
      const aws = typeof p === "object" && p !== null && Object.keys(p).length === 1 ? (p as Json).AWS : undefined;
      const trusted = refName(aws, ROLE);
      if (trusted !== undefined) {
        if (!isInstanceProfileRole(s, trusted)) out.push(`${at}: trusts role ${String(aws)}, which is not the role of an instance profile of the stack (CKV_AWS_61)`);
        if (!sameStrings(st.Action, ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"])) out.push(`${at}: allows ${JSON.stringify(st.Action)}, expected sts:AssumeRole, sts:SetSourceIdentity and sts:TagSession`);
        continue;
      }
      // EC2 sends no aws:SourceAccount for an instance profile's role: accepted only for such a role.
      if (sameStrings(servicesOf(p), ["ec2.amazonaws.com"]) && isInstanceProfileRole(s, n) && st.Condition === undefined) {
        if (!sameStrings(st.Action, ["sts:AssumeRole"])) out.push(`${at}: allows ${JSON.stringify(st.Action)}, expected sts:AssumeRole`);
        continue;
      }
      if (typeof p !== "object" || p === null) {
        out.push(`${at}: trusts ${JSON.stringify(p)} (CKV_AWS_60)`);
        continue;
      }
      if (Object.keys(p).length === 1 && "Federated" in p) {
        out.push(...emrEksTrustProblems(st, r, s).map((why) => `${at}: ${why}`));
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

export const rule: GuardrailRule = {
  id: "IAM-003",
  severity: "error",
  scope: "terraform",
  rule: "Roles are trusted by AWS services limited to this account (aws:SourceAccount), by an instance profile's role, or by the cluster's OIDC provider for one service account; never by * or a whole account.",
  explanation: "A role trusted by an account root can be assumed by anyone that account lets; service trust is conditioned on the source account.",
  source: ["CKV_AWS_60", "CKV_AWS_61"],
  check: ({ stacks }) => checkTrustPolicies(stacks),
};
