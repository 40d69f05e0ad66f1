import type { GuardrailRule } from "../../types";
import { awsOwnedGatewayReads, type Check, list, perResource, providerOf, refName, sameStrings, SECURITY_GROUP, statementsOf, VPC_ENDPOINT } from "../../terraform";

/**
 * VPC endpoints (no upstream rule; security-rules.md lists them as needing
 * custom ones): interface endpoints resolve the services' names privately
 * (private DNS), sit in subnets behind security groups of the stack; the
 * gateway is on route tables; every endpoint carries a literal policy whose
 * only broad statement admits principals of the organization or the allowed
 * accounts — no other condition, no Not* elements — and the gateway alone
 * adds anonymous reads of the documented AWS-owned buckets of its Region.
 */
export const checkVpcEndpoints: Check = (stacks) =>
  perResource("VPC endpoints: private DNS, the stack's groups, an organization or account perimeter", stacks, VPC_ENDPOINT, (e, s) => {
    const out: string[] = [];
    const gateway = e.vpc_endpoint_type === "Gateway";
    if (gateway) {
      if (list(e.route_table_ids).length === 0) out.push("a gateway endpoint on no route table");
    } else {
      if (e.private_dns_enabled !== true) out.push("private DNS is off: the services' default names bypass the endpoint");
      if (list(e.subnet_ids).length === 0) out.push("an interface endpoint in no subnet");
      const groups = list(e.security_group_ids);
      if (groups.length === 0) out.push("an interface endpoint behind no security group");
      for (const g of groups) {
        const n = refName(g, SECURITY_GROUP);
        if (n === undefined || s.json.resource?.[SECURITY_GROUP]?.[n] === undefined) out.push(`security group ${String(g)} is not a group of the stack`);
      }
    }
    const statements = statementsOf(e.policy);
    if (!statements) return [...out, "no literal endpoint policy: the default one admits any principal of any account"];
    const { region } = providerOf(s);
    const owned = awsOwnedGatewayReads(region ?? "");
    let perimeter = 0;
    for (const st of statements) {
      const at = `statement ${st.Sid ?? "?"}`;
      if (st.NotPrincipal !== undefined || st.NotAction !== undefined || st.NotResource !== undefined) out.push(`${at}: NotPrincipal, NotAction or NotResource`);
      if (st.Effect !== "Allow") continue;
      const cond = st.Condition ?? {};
      const eq = cond.StringEquals ?? {};
      const keys = Object.keys(eq);
      if (Object.keys(cond).length === 1 && keys.length === 1 && (keys[0] === "aws:PrincipalOrgID" || keys[0] === "aws:PrincipalAccount") && list(eq[keys[0]!]).length > 0 && !list(eq[keys[0]!]).some((v) => String(v).includes("*"))) {
        perimeter += 1;
        continue;
      }
      const awsOwnedReads = gateway && st.Condition === undefined && sameStrings(st.Action, ["s3:GetObject"]) && list(st.Resource).length > 0 && list(st.Resource).every((r) => owned.includes(String(r)));
      if (!awsOwnedReads) out.push(`${at}: admits ${JSON.stringify(st.Principal)} to ${JSON.stringify(st.Action)} on ${JSON.stringify(st.Resource)} outside the organization or account perimeter`);
    }
    if (perimeter !== 1) out.push(`${perimeter} perimeter statements (principals of the organization or the allowed accounts), expected one`);
    return out;
  });

export const rule: GuardrailRule = {
  id: "VPCE-001",
  severity: "error",
  scope: "terraform",
  rule: "VPC endpoints resolve privately behind the stack's groups, and their policies admit only the organization or the allowed accounts.",
  explanation:
    "Interface endpoints have private DNS on, subnets and security groups of the stack; the gateway is on route tables. Every endpoint has a literal policy with exactly one perimeter statement (aws:PrincipalOrgID or aws:PrincipalAccount, nothing else) and no Not* elements; the S3 gateway alone may add anonymous s3:GetObject on the documented AWS-owned buckets of its Region (ECR layers, Amazon Linux 2023 and EMR package repositories).",
  source: ["custom"],
  check: ({ stacks }) => checkVpcEndpoints(stacks),
};
