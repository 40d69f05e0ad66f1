import type { GuardrailRule } from "../../types";
import { type Check, iamStatements, isEmrCreatedEc2Resources, launchActionsOf, list, providerOf, refName, SECURITY_GROUP } from "../../terraform";

/**
 * Where a role may launch: EC2 authorizes RunInstances, CreateFleet and
 * CreateNetworkInterface on every resource of the call, the subnet and the
 * security groups included. So a launch action may be allowed on named
 * subnets of the account, on security groups of the stack, and on what EMR
 * creates per cluster (by type, under its tag) — never on `*` or a wildcard
 * subnet or group, where a request-tag condition holds for the whole call and
 * a resource-tag condition for every group anyone tagged. The one condition
 * that keeps `*` off subnets and groups is `ec2:Owner`, a key only images
 * carry. (AwsSolutions-IAM5 read for what it means; README: "launches only
 * into the lake's subnets and the job's groups".)
 */
export const checkEc2LaunchScope: Check = (stacks) =>
  iamStatements("EC2 launch scope", stacks, (st, s) => {
    if (st.Effect !== "Allow") return [];
    const launch = launchActionsOf(st);
    if (launch.length === 0) return [];
    const { account, region, partition } = providerOf(s);
    const subnet = new RegExp(`^arn:${partition}:ec2:${region}:${account}:subnet/subnet-[0-9a-f]{8,17}$`);
    const imagesOnly = st.Condition !== undefined && Object.keys(st.Condition).length === 1 && Object.keys(st.Condition.StringEquals ?? {}).join() === "ec2:Owner";
    const out: string[] = [];
    if (st.NotResource !== undefined) out.push(`NotResource lets ${launch.join(", ")} use every other subnet and security group`);
    for (const r of list(st.Resource).map(String)) {
      if (r === "*") {
        if (!imagesOnly) out.push(`Resource "*" lets ${launch.join(", ")} use any subnet or security group ${st.Condition ? "its condition admits" : "of the account"}`);
      } else if (!subnet.test(r) && !(refName(r, SECURITY_GROUP) !== undefined && r.endsWith(".arn}") && s.json.resource?.[SECURITY_GROUP]?.[refName(r, SECURITY_GROUP)!] !== undefined) && !isEmrCreatedEc2Resources(s, st, r)) {
        out.push(`Resource "${r}" is not a named subnet, a security group of the stack, nor what EMR creates under its tag`);
      }
    }
    return out;
  });

export const rule: GuardrailRule = {
  id: "IAM-005",
  severity: "error",
  scope: "terraform",
  rule: "EC2 launch actions are allowed only on named subnets, security groups of the stack, and what EMR creates per cluster under its tag.",
  explanation:
    "EC2 authorizes RunInstances, CreateFleet and CreateNetworkInterface on every resource of the call, subnet and security groups included: on * (or a wildcard subnet or group) a request-tag condition holds for the whole call and a resource-tag condition for any group anyone tagged, so the role could launch anywhere. * is accepted only under an ec2:Owner condition alone, a key only images carry.",
  source: ["AwsSolutions-IAM5", "custom"],
  check: ({ stacks }) => checkEc2LaunchScope(stacks),
};
