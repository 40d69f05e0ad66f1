import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePoliciesExclusive } from "@cdktf/provider-aws/lib/iam-role-policies-exclusive";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachmentsExclusive } from "@cdktf/provider-aws/lib/iam-role-policy-attachments-exclusive";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { type PolicyDocument, type PolicyStatement, policyDocument, renderPolicy } from "./policy-document";

export interface ServiceRoleProps {
  /**
   * Terraform resource name of the role (and the stem of its policies' names).
   * @default - the construct id
   */
  readonly terraformName?: string;
  /** Physical role name: at most 64 characters of `[A-Za-z0-9_+=,.@-]`. */
  readonly roleName: string;
  readonly description: string;
  /**
   * The one AWS service that may assume the role, e.g. `lakeformation.amazonaws.com`.
   * Exactly one of servicePrincipal and trustedRoleArn.
   */
  readonly servicePrincipal?: string | readonly string[];
  /**
   * The one IAM role that may assume this role (and tag the session): an EMR
   * cluster's instance-profile role assuming a Lake Formation runtime role.
   */
  readonly trustedRoleArn?: string;
  /**
   * Kubernetes service accounts that may assume the role through a cluster's
   * IAM OIDC provider (IRSA): those whose `sub` matches `subjectLike`, with
   * the STS audience. EMR on EKS job execution roles.
   */
  readonly webIdentity?: WebIdentityTrust;
  /** The account the role lives in; the service may assume it only on that account's behalf. */
  readonly accountId: string;
  /**
   * Inline policies by name. A name is `[A-Za-z0-9_-]`, at most 128
   * characters, because it is also part of a Terraform address.
   */
  readonly policies: Readonly<Record<string, PolicyDocument>>;
  /**
   * Statements that must allow on Resource "*", each with the reason no
   * narrower resource works. They go into one more inline policy,
   * `resource-star`. A statement of UNSCOPABLE_ACTIONS alone needs only its
   * reason; any other action also needs a Condition that narrows it (a
   * request or resource tag, a passed-to service): the constructor refuses
   * it otherwise. Reviews and the security audit read the reasons.
   * @default - none
   */
  readonly resourceStarStatements?: readonly ResourceStarStatement[];
}

/** Trust of service accounts through an EKS cluster's OIDC provider. */
export interface WebIdentityTrust {
  /** `arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>` */
  readonly providerArn: string;
  /** StringLike pattern of the `sub` claim: `system:serviceaccount:<namespace>:<name pattern>`; it must name one namespace. */
  readonly subjectLike: string;
}

/** A statement on Resource "*", and why AWS offers nothing narrower. */
export interface ResourceStarStatement {
  readonly statement: PolicyStatement;
  /** Why no narrower resource works, in a sentence (at least 20 characters). */
  readonly reason: string;
}

/** Name of the inline policy that holds a role's resourceStarStatements. */
export const RESOURCE_STAR_POLICY = "resource-star";

/**
 * The one service whose trust carries no aws:SourceAccount condition: EC2
 * assumes an instance profile's role without sending the key, so the
 * condition would lock the instances out. Only the instance profile can hand
 * the role to EC2, and passing it needs iam:PassRole.
 */
export const INSTANCE_PROFILE_SERVICE = "ec2.amazonaws.com";

/** The trust policy has no Resource element: IAM rejects one in a role's trust policy. */
interface TrustPolicy {
  readonly Version: "2012-10-17";
  readonly Statement: readonly {
    readonly Sid: string;
    readonly Effect: "Allow";
    readonly Principal: { readonly Service: string | readonly string[] } | { readonly AWS: string } | { readonly Federated: string };
    readonly Action: string | readonly string[];
    readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  }[];
}

/**
 * Actions AWS documents as supporting no resource-level permissions: a
 * statement may allow them on Resource "*" when it allows nothing else.
 * GetDataAccess is how Lake Formation vends data credentials to engines;
 * log delivery and X-Ray are what Step Functions logging and tracing need;
 * the EC2 Describe actions are what EMR reads as it launches a cluster.
 */
export const UNSCOPABLE_ACTIONS: readonly string[] = [
  "cloudwatch:PutMetricData",
  "ec2:DescribeAccountAttributes",
  "ec2:DescribeCapacityReservations",
  "ec2:DescribeDhcpOptions",
  "ec2:DescribeImages",
  "ec2:DescribeInstanceTypeOfferings",
  "ec2:DescribeInstances",
  "ec2:DescribeLaunchTemplates",
  "ec2:DescribeNetworkAcls",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribePlacementGroups",
  "ec2:DescribeRouteTables",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeSubnets",
  "ec2:DescribeVolumeStatus",
  "ec2:DescribeVolumes",
  "ec2:DescribeVpcAttribute",
  "ec2:DescribeVpcEndpoints",
  "ec2:DescribeVpcs",
  "s3:GetAccountPublicAccessBlock",
  "lakeformation:GetDataAccess",
  "logs:CreateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:DescribeLogGroups",
  "logs:DescribeResourcePolicies",
  "logs:GetLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:UpdateLogDelivery",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
  "xray:PutTelemetryRecords",
  "xray:PutTraceSegments",
];

/**
 * An IAM role that exactly one AWS service can assume, and only on behalf of
 * the role's own account (`aws:SourceAccount`, against the confused deputy).
 * Fixed in code, not offered as options: one-hour sessions, no managed
 * policies, and permissions only from the inline policies given here.
 *
 * Inline policies are `aws_iam_role_policy` resources, not the role's
 * `inline_policy` blocks: those are deprecated since provider 5.68 (a warning
 * on every plan), and a separate resource can be depended on, so a consumer
 * can wait until the permissions are in place, not just the role.
 * `aws_iam_role_policies_exclusive` and `aws_iam_role_policy_attachments_exclusive`
 * keep what the blocks gave: an inline or managed policy added outside
 * Terraform shows as drift and is removed on the next apply.
 *
 * The constructor checks the name and every inline policy, and throws once
 * with every problem found: no `*` or `<service>:*` action in any statement,
 * no Allow on Resource `*` except for UNSCOPABLE_ACTIONS alone.
 *
 * Terraform addresses: `aws_iam_role.<name>`, `aws_iam_role_policy.<name>__<policy>`
 * for each policy, `aws_iam_role_policies_exclusive.<name>`,
 * `aws_iam_role_policy_attachments_exclusive.<name>`.
 */
export class ServiceRole extends Construct {
  readonly role: IamRole;
  /** The inline policies, by policy name. */
  readonly policies: Readonly<Record<string, IamRolePolicy>>;
  /** Why each statement of the `resource-star` policy is on Resource "*", by Sid. */
  readonly resourceStarReasons: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    const problems = serviceRoleProblems(props);
    if (problems.length > 0) {
      throw new Error(`ServiceRole ${this.node.path}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    const name = props.terraformName ?? id;
    const trust: TrustPolicy = {
      Version: "2012-10-17",
      Statement: props.servicePrincipal
        ? [
            {
              Sid: props.servicePrincipal === INSTANCE_PROFILE_SERVICE ? "Ec2AssumesInstanceProfileRole" : "ServiceAssumesRoleForThisAccountOnly",
              Effect: "Allow",
              Principal: { Service: typeof props.servicePrincipal === "string" ? props.servicePrincipal : [...props.servicePrincipal].sort() },
              Action: "sts:AssumeRole",
              ...(props.servicePrincipal === INSTANCE_PROFILE_SERVICE ? {} : { Condition: { StringEquals: { "aws:SourceAccount": props.accountId } } }),
            },
          ]
        : props.webIdentity
          ? [
              {
                Sid: "ServiceAccountsOfOneNamespaceAssumeRole",
                Effect: "Allow",
                Principal: { Federated: props.webIdentity.providerArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                  StringEquals: { [`${oidcIssuerOf(props.webIdentity.providerArn)}:aud`]: "sts.amazonaws.com" },
                  StringLike: { [`${oidcIssuerOf(props.webIdentity.providerArn)}:sub`]: props.webIdentity.subjectLike },
                },
              },
            ]
          : [
            {
              // EMR tags the session for Lake Formation ("Amazon EMR") and sets the caller as its source identity.
              Sid: "RoleAssumesRole",
              Effect: "Allow",
              Principal: { AWS: props.trustedRoleArn! },
              Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
            },
          ],
    };
    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: JSON.stringify(trust),
      maxSessionDuration: 3600,
    });
    this.role.overrideLogicalId(name);

    const star = props.resourceStarStatements ?? [];
    const documents: Record<string, PolicyDocument> = { ...props.policies };
    if (star.length > 0) documents[RESOURCE_STAR_POLICY] = policyDocument(star.map((s) => s.statement));
    this.resourceStarReasons = Object.fromEntries(star.map((s) => [s.statement.Sid, s.reason]));
    const names = Object.keys(documents).sort();
    const policies: Record<string, IamRolePolicy> = {};
    for (const policyName of names) {
      const p = new IamRolePolicy(this, `policy-${policyName}`, {
        name: policyName,
        role: this.role.name,
        policy: renderPolicy(documents[policyName]!),
      });
      p.overrideLogicalId(`${name}__${policyName}`);
      policies[policyName] = p;
    }
    this.policies = policies;

    new IamRolePoliciesExclusive(this, "inline-policies", { roleName: this.role.name, policyNames: names }).overrideLogicalId(name);
    new IamRolePolicyAttachmentsExclusive(this, "managed-policies", { roleName: this.role.name, policyArns: [] }).overrideLogicalId(name);
  }
}

const ROLE_NAME = /^[\w+=,.@-]+$/;
/** `arn:…:oidc-provider/<issuer>` → `<issuer>`, the prefix of the provider's condition keys. */
const oidcIssuerOf = (providerArn: string) => providerArn.replace(/^.*?:oidc-provider\//, "");
const POLICY_NAME = /^[A-Za-z0-9_-]+$/;
const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/;
const list = (x: string | readonly string[]) => (typeof x === "string" ? [x] : x);
/** `*`, or a whole service: `s3:*` (IAM action names are case-insensitive). */
const isWildcardAction = (a: string) => a === "*" || /^[a-z0-9-]+:\*$/i.test(a);

/** Every problem with the props, one sentence each; empty when they are fine. Tokens are not checked. */
export function serviceRoleProblems(props: ServiceRoleProps): string[] {
  const out: string[] = [];
  const literal = (s: string) => !Token.isUnresolved(s);
  const n = props.roleName;
  if (literal(n)) {
    if (n.length < 1 || n.length > 64) out.push(`roleName "${n}" is ${n.length} characters (1-64 allowed)`);
    if (!ROLE_NAME.test(n)) out.push(`roleName "${n}" may hold only letters, digits and _+=,.@-`);
  }
  if ([props.servicePrincipal, props.trustedRoleArn, props.webIdentity].filter((t) => t !== undefined).length !== 1) {
    out.push(props.webIdentity === undefined ? "give exactly one of servicePrincipal and trustedRoleArn" : "give exactly one of servicePrincipal, trustedRoleArn and webIdentity");
  }
  const w = props.webIdentity;
  if (w && literal(w.providerArn)) {
    const account = /^arn:aws[a-z-]*:iam::(\d{12}):oidc-provider\/[a-z0-9.-]+\/id\/[0-9A-F]+$/.exec(w.providerArn)?.[1];
    if (!account) out.push(`webIdentity.providerArn "${w.providerArn}" is not an IAM OIDC provider ARN`);
    else if (literal(props.accountId) && account !== props.accountId) out.push(`webIdentity.providerArn "${w.providerArn}" is in account ${account}, not the role's ${props.accountId}`);
  }
  if (w && literal(w.subjectLike) && !/^system:serviceaccount:[a-z0-9]([a-z0-9-]*[a-z0-9])?:[^:*?]*[^:]*$/.test(w.subjectLike)) {
    out.push(`webIdentity.subjectLike "${w.subjectLike}" must name one namespace literally: system:serviceaccount:<namespace>:<service account pattern>`);
  }
  for (const sp of props.servicePrincipal === undefined ? [] : typeof props.servicePrincipal === "string" ? [props.servicePrincipal] : props.servicePrincipal) {
    if (literal(sp) && !SERVICE_PRINCIPAL.test(sp)) out.push(`servicePrincipal "${sp}" is not an AWS service principal (like lakeformation.amazonaws.com)`);
  }
  if (props.trustedRoleArn !== undefined && literal(props.trustedRoleArn) && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(props.trustedRoleArn)) {
    out.push(`trustedRoleArn "${props.trustedRoleArn}" is not an IAM role ARN`);
  }
  if (literal(props.accountId) && !/^\d{12}$/.test(props.accountId)) out.push(`accountId "${props.accountId}" is not 12 digits`);
  if (RESOURCE_STAR_POLICY in props.policies) out.push(`policies.${RESOURCE_STAR_POLICY}: the name is kept for resourceStarStatements`);
  const sids = new Set<string>();
  for (const [i, { statement: s, reason }] of (props.resourceStarStatements ?? []).entries()) {
    const at = `resourceStarStatements[${i}] › ${s.Sid}`;
    if (sids.has(s.Sid)) out.push(`${at}: Sid appears twice`);
    sids.add(s.Sid);
    if (reason.trim().length < 20) out.push(`${at}: give the reason in a sentence (why no narrower resource works): reviews and the audit read it`);
    if (s.Effect !== "Allow") out.push(`${at}: only Allow statements belong here`);
    if (list(s.Resource).length !== 1 || list(s.Resource)[0] !== "*") out.push(`${at}: Resource must be "*" alone; name narrower resources in an ordinary policy`);
    if (s.Principal !== undefined) out.push(`${at}: an inline policy names no Principal (IAM rejects it); the role is the principal`);
    for (const a of list(s.Action).filter(isWildcardAction)) out.push(`${at}: Action "${a}" grants a whole service; list the actions needed`);
    const unscopable = list(s.Action).every((a) => UNSCOPABLE_ACTIONS.includes(a));
    if (!unscopable && (s.Condition === undefined || Object.keys(s.Condition).length === 0)) {
      out.push(`${at}: actions with resource-level permissions on Resource "*" need a Condition that narrows them (a request or resource tag, a passed-to service)`);
    }
  }
  for (const policyName of Object.keys(props.policies).sort()) {
    const where = `policies.${policyName}`;
    if (policyName.length < 1 || policyName.length > 128 || !POLICY_NAME.test(policyName)) {
      out.push(`${where}: the policy name must be 1-128 letters, digits, _ or - (it is part of a Terraform address)`);
    }
    for (const s of props.policies[policyName]!.Statement) {
      const at = `${where} › ${s.Sid}`;
      if (s.Principal !== undefined) out.push(`${at}: an inline policy names no Principal (IAM rejects it); the role is the principal`);
      for (const a of list(s.Action).filter(isWildcardAction)) out.push(`${at}: Action "${a}" grants a whole service; list the actions needed`);
      if (s.Effect === "Allow" && list(s.Resource).includes("*") && !list(s.Action).every((a) => UNSCOPABLE_ACTIONS.includes(a))) {
        out.push(`${at}: Allow on Resource "*"; name the resources (only actions without resource-level permissions may use "*": ${UNSCOPABLE_ACTIONS.join(", ")})`);
      }
    }
  }
  return out;
}
