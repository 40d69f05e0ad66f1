import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { kmsKeyStatements } from "../identity/kms-key-access";
import { type PolicyStatement, policyDocument } from "../identity/policy-document";
import { INSTANCE_PROFILE_SERVICE, type ResourceStarStatement, ServiceRole, UNSCOPABLE_ACTIONS } from "../identity/service-role";
import { SUBNET_ID } from "../network/subnet-ids";

export interface EmrClusterBaseProps {
  /** Terraform name stem: `<stem>__emr_service`, `<stem>__emr_instance`, `<stem>__emr_primary`, …. @default - the construct id */
  readonly terraformName?: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly serviceRoleName: string;
  /** Name of the nodes' role and of its instance profile. */
  readonly instanceRoleName: string;
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly s3PrefixListId: string;
  /** The private subnets clusters may launch in (ARNs are derived; they must be of this account). */
  readonly subnetIds: readonly string[];
  /** Names of the primary, core/task and service-access security groups. */
  readonly securityGroupNames: { readonly primary: string; readonly coreAndTask: string; readonly serviceAccess: string };
  /**
   * The key of the security configuration: EMRFS writes, local disks and
   * EBS volumes. The service role may create grants on it for EBS; the nodes
   * may encrypt and decrypt with it. A key ARN (or reference), or the alias
   * ARN of a key known only by alias (a replica in the DR region): the
   * statements then name it through `kms:ResourceAliases`.
   */
  readonly dataKeyArn: string;
  /** The key of the artifacts bucket, where the nodes push the cluster's logs. */
  readonly logKeyArn: string;
  /** `arn:…:s3:::<bucket>/<prefix>/`: the cluster's log prefix (the LogUri). */
  readonly logPrefixArn: string;
  /** S3 object ARN of the TLS certificate zip the nodes download. */
  readonly tlsCertificatesObjectArn: string;
}

/** The tag EMR's service role policy keys on: EMR tags what it creates with it; Lakeform tags the security groups. */
export const EMR_MANAGED_TAG = "for-use-with-amazon-emr-managed-policies";

/** What EMR reads as it launches a cluster: the EC2 Describe actions, which support no resource-level permissions. */
const EC2_DESCRIBE = UNSCOPABLE_ACTIONS.filter((a) => a.startsWith("ec2:Describe"));
const LAUNCH = ["ec2:CreateFleet", "ec2:CreateLaunchTemplate", "ec2:CreateLaunchTemplateVersion", "ec2:CreateNetworkInterface", "ec2:RunInstances"];

/**
 * The statements of the EMR service role that must be on Resource "*", each
 * with its reason: the launch templates, instances and network interfaces
 * EMR manages have no ID Terraform knows, and EC2's Describe actions have no
 * resource type. Every statement but the Describe one is held by a condition
 * on EMR's own tag, the create action or the EMR images — and none of them
 * lets EMR launch into a subnet or security group: those it may use are
 * named in the `network` policy (emrServiceNetworkStatements).
 */
export function emrServiceResourceStarStatements(): ResourceStarStatement[] {
  const tag = (kind: "RequestTag" | "ResourceTag") => ({ StringEquals: { [`aws:${kind}/${EMR_MANAGED_TAG}`]: "true" } });
  return [
    {
      statement: { Sid: "DescribeNetworkAndInstances", Effect: "Allow", Action: EC2_DESCRIBE, Resource: "*" },
      reason: "EC2 Describe actions support no resource-level permissions; EMR reads the network, images and its instances before and while it launches a cluster",
    },
    {
      statement: {
        Sid: "ManageEmrTaggedResources",
        Effect: "Allow",
        Action: ["ec2:DeleteLaunchTemplate", "ec2:DeleteNetworkInterface", "ec2:DeleteTags", "ec2:ModifyInstanceAttribute", "ec2:TerminateInstances"],
        Resource: "*",
        Condition: tag("ResourceTag"),
      },
      reason: "the launch templates, instances and network interfaces of clusters created per run are not known to Terraform; the resource-tag condition admits only those EMR tagged as its own",
    },
    {
      statement: {
        Sid: "TagOnCreate",
        Effect: "Allow",
        Action: "ec2:CreateTags",
        Resource: "*",
        Condition: { StringEquals: { "ec2:CreateAction": ["CreateFleet", "CreateLaunchTemplate", "CreateNetworkInterface", "RunInstances"] } },
      },
      reason: "tags are written as EMR creates a cluster's resources, which have no ID yet; the create-action condition admits tagging only inside those calls",
    },
    {
      statement: {
        Sid: "LaunchFromAmazonImages",
        Effect: "Allow",
        Action: ["ec2:CreateFleet", "ec2:CreateLaunchTemplate", "ec2:CreateLaunchTemplateVersion", "ec2:RunInstances"],
        Resource: "*",
        Condition: { StringEquals: { "ec2:Owner": "amazon" } },
      },
      reason: "the EMR release's machine image is chosen by EMR per Region and release; the owner condition admits only Amazon's images",
    },
  ];
}

/** The EC2 resource types EMR creates per cluster, tagged as its own as it creates them. */
export const EMR_CREATED_EC2_TYPES = ["fleet", "instance", "launch-template", "network-interface", "spot-instances-request", "volume"] as const;

/**
 * The EMR service role's launch permissions. EC2 authorizes RunInstances and
 * CreateFleet on every resource of the call — subnet, security groups,
 * image, launch template, instance, volumes, network interfaces — and a
 * statement on Resource "*" held only by a tag condition would admit every
 * subnet and security group that condition matches: a request tag is part of
 * the whole request, and any group of the account may carry EMR's tag. So
 * the subnets and groups are named, what EMR creates per cluster is allowed
 * by type under its request tag, and its tagged launch templates by type
 * under their resource tag (AmazonEMRServicePolicy_v2 scopes them the same
 * way).
 */
export function emrServiceNetworkStatements(p: { partition: string; region: string; accountId: string; subnetArns: readonly string[]; groupArns: readonly string[] }): PolicyStatement[] {
  const ec2 = (type: string) => `arn:${p.partition}:ec2:${p.region}:${p.accountId}:${type}/*`;
  const tag = (kind: "RequestTag" | "ResourceTag") => ({ StringEquals: { [`aws:${kind}/${EMR_MANAGED_TAG}`]: "true" } });
  return [
    { Sid: "LaunchIntoTheLakeSubnetsAndGroups", Effect: "Allow", Action: LAUNCH, Resource: [...p.subnetArns, ...p.groupArns] },
    { Sid: "CreateEmrTaggedResources", Effect: "Allow", Action: LAUNCH, Resource: EMR_CREATED_EC2_TYPES.map(ec2), Condition: tag("RequestTag") },
    { Sid: "LaunchFromEmrTaggedTemplates", Effect: "Allow", Action: ["ec2:CreateFleet", "ec2:CreateLaunchTemplateVersion", "ec2:RunInstances"], Resource: ec2("launch-template"), Condition: tag("ResourceTag") },
  ];
}

/**
 * What a transient EMR on EC2 cluster needs to exist before any run: the EMR
 * service role, the nodes' role and instance profile, and the three
 * EMR-managed security groups. Fixed in code:
 *
 * - the service role follows AmazonEMRServicePolicy_v2 as inline policies
 *   (no managed policy: AwsSolutions-IAM4), narrowed: it launches only into
 *   the given subnets and these security groups, manages only the security
 *   groups' rules, passes only the nodes' role to EC2, and uses only the data
 *   key; what EMR creates per cluster it reaches through its own tag, by
 *   resource type (`network`) or, where it has no ID, on `*` without any
 *   launch action (`resource-star`, with reasons);
 * - the nodes' role writes the cluster's logs under one prefix, reads the TLS
 *   certificates, uses the data and log keys, and assumes nothing itself:
 *   runtime roles trust it, so a step runs as its job's role and reads the
 *   lake through Lake Formation. No lake bucket, no Glue catalog, no
 *   GetDataAccess;
 * - the security groups admit nothing of their own: EMR adds the rules
 *   between primary, core/task and service access when it launches a
 *   cluster (so Terraform manages none inline, and `revoke_rules_on_delete`
 *   clears EMR's cross-references before a group is deleted); primary and
 *   core/task nodes may reach only the VPC endpoints and S3 over HTTPS.
 *   They carry EMR's managed-policy tag.
 *
 * Terraform addresses: `aws_iam_role.<stem>__emr_service` and
 * `…__emr_instance` with their `aws_iam_role_policy`s,
 * `aws_iam_instance_profile.<stem>`, `aws_security_group.<stem>__emr_primary`,
 * `…__emr_core_task`, `…__emr_service_access`, and
 * `aws_vpc_security_group_egress_rule.<stem>__emr_<group>--endpoints` / `--s3`.
 */
export class EmrClusterBase extends Construct {
  readonly serviceRole: ServiceRole;
  readonly instanceRole: ServiceRole;
  readonly instanceProfile: IamInstanceProfile;
  readonly securityGroups: { readonly primary: SecurityGroup; readonly coreAndTask: SecurityGroup; readonly serviceAccess: SecurityGroup };

  constructor(scope: Construct, id: string, props: EmrClusterBaseProps) {
    super(scope, id);
    const problems = emrClusterBaseProblems(props);
    if (problems.length > 0) {
      throw new Error(`EmrClusterBase ${this.node.path}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    const stem = props.terraformName ?? id;
    const { partition: p, region, accountId } = props;

    const group = (key: "primary" | "coreAndTask" | "serviceAccess", tfName: string, what: string) => {
      const sg = new SecurityGroup(this, `sg-${tfName}`, {
        name: props.securityGroupNames[key],
        description: what,
        vpcId: props.vpcId,
        // EMR writes the rules between the cluster's groups itself; on delete they are revoked first, as they refer to each other.
        revokeRulesOnDelete: true,
        tags: { [EMR_MANAGED_TAG]: "true" },
        lifecycle: { ignoreChanges: ["ingress", "egress"] },
      });
      sg.overrideLogicalId(`${stem}__${tfName}`);
      return sg;
    };
    this.securityGroups = {
      primary: group("primary", "emr_primary", `EMR-managed group of the primary node of ${props.securityGroupNames.primary.replace(/-emr-primary$/, "")} clusters: EMR adds the cluster's rules; HTTPS out to the VPC endpoints and S3`),
      coreAndTask: group("coreAndTask", "emr_core_task", `EMR-managed group of the core and task nodes of ${props.securityGroupNames.coreAndTask.replace(/-emr-core-task$/, "")} clusters: EMR adds the cluster's rules; HTTPS out to the VPC endpoints and S3`),
      serviceAccess: group("serviceAccess", "emr_service_access", `EMR-managed group for EMR's access to ${props.securityGroupNames.serviceAccess.replace(/-emr-service-access$/, "")} clusters in private subnets: EMR adds its rules`),
    };
    for (const [key, tfName] of [["primary", "emr_primary"], ["coreAndTask", "emr_core_task"]] as const) {
      const sg = this.securityGroups[key];
      new VpcSecurityGroupEgressRule(this, `${tfName}-endpoints`, {
        securityGroupId: sg.id,
        description: "HTTPS to the interface VPC endpoints (EMR, STS, KMS, Glue, Lake Formation, logs) in the VPC",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: props.vpcCidr,
      }).overrideLogicalId(`${stem}__${tfName}--endpoints`);
      new VpcSecurityGroupEgressRule(this, `${tfName}-s3`, {
        securityGroupId: sg.id,
        description: "HTTPS to S3 through the VPC gateway endpoint",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        prefixListId: props.s3PrefixListId,
      }).overrideLogicalId(`${stem}__${tfName}--s3`);
    }

    const instanceRoleArn = `arn:${p}:iam::${accountId}:role/${props.instanceRoleName}`;
    const groupArns = Object.values(this.securityGroups).map((g) => g.arn);
    const subnetArns = [...props.subnetIds].sort().map((s) => `arn:${p}:ec2:${region}:${accountId}:subnet/${s}`);
    this.serviceRole = new ServiceRole(this, "service-role", {
      terraformName: `${stem}__emr_service`,
      roleName: props.serviceRoleName,
      description: `EMR service role of ${props.securityGroupNames.primary.replace(/-emr-primary$/, "")} clusters: launches them into the lake's private subnets`,
      servicePrincipal: "elasticmapreduce.amazonaws.com",
      accountId,
      policies: {
        network: policyDocument([
          ...emrServiceNetworkStatements({ partition: p, region, accountId, subnetArns, groupArns }),
          {
            Sid: "ManageTheClusterGroupsRules",
            Effect: "Allow",
            Action: ["ec2:AuthorizeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress"],
            Resource: groupArns,
          },
        ]),
        "pass-role": policyDocument([
          { Sid: "PassTheNodesRoleToEc2", Effect: "Allow", Action: "iam:PassRole", Resource: instanceRoleArn, Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } } },
        ]),
        keys: policyDocument([
          ...kmsKeyStatements(
            {
              Sid: "EncryptVolumesWithTheDataKey",
              Effect: "Allow",
              Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
            },
            [props.dataKeyArn],
          ),
          ...kmsKeyStatements({ Sid: "GrantEbsTheDataKey", Effect: "Allow", Action: "kms:CreateGrant", Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } } }, [props.dataKeyArn]),
        ]),
      },
      resourceStarStatements: emrServiceResourceStarStatements(),
    });

    const prefix = props.logPrefixArn.endsWith("/") ? props.logPrefixArn : `${props.logPrefixArn}/`;
    const logBucketArn = prefix.slice(0, prefix.indexOf("/"));
    const logPrefix = prefix.slice(prefix.indexOf("/") + 1);
    this.instanceRole = new ServiceRole(this, "instance-role", {
      terraformName: `${stem}__emr_instance`,
      roleName: props.instanceRoleName,
      description: `Nodes of ${props.securityGroupNames.primary.replace(/-emr-primary$/, "")} clusters: push logs, read the TLS certificates; steps run as the job's runtime role`,
      servicePrincipal: INSTANCE_PROFILE_SERVICE,
      accountId,
      policies: {
        node: policyDocument([
          { Sid: "PushClusterLogs", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: `${prefix}*` },
          { Sid: "ListClusterLogs", Effect: "Allow", Action: "s3:ListBucket", Resource: logBucketArn, Condition: { StringLike: { "s3:prefix": `${logPrefix}*` } } },
          { Sid: "ReadTlsCertificates", Effect: "Allow", Action: "s3:GetObject", Resource: props.tlsCertificatesObjectArn },
          ...kmsKeyStatements({ Sid: "UseDataAndLogKeys", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"] }, [...new Set([props.dataKeyArn, props.logKeyArn])], (arns) => arns),
        ] satisfies PolicyStatement[]),
      },
    });
    this.instanceProfile = new IamInstanceProfile(this, "instance-profile", { name: props.instanceRoleName, role: this.instanceRole.role.name });
    this.instanceProfile.overrideLogicalId(stem);
  }
}

const NAME = /^[\w+=,.@-]{1,64}$/;
const SG_NAME = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/;

/** Every problem with the props, one sentence each; empty when they are fine. Tokens are not checked. */
export function emrClusterBaseProblems(props: EmrClusterBaseProps): string[] {
  const out: string[] = [];
  const literal = (s: string) => !Token.isUnresolved(s);
  for (const field of ["serviceRoleName", "instanceRoleName"] as const) {
    if (literal(props[field]) && !NAME.test(props[field])) out.push(`${field} "${props[field]}" is not an IAM role name (1-64 letters, digits and _+=,.@-)`);
  }
  for (const [key, n] of Object.entries(props.securityGroupNames)) if (!SG_NAME.test(n) || n.startsWith("sg-")) out.push(`securityGroupNames.${key} "${n}" is not a security group name`);
  if (props.subnetIds.length === 0) out.push("subnetIds is empty: give the lake's private subnets");
  for (const s of props.subnetIds) if (literal(s) && !SUBNET_ID.test(s)) out.push(`subnetIds: "${s}" is not a subnet ID`);
  if (literal(props.logPrefixArn) && !/^arn:[\w-]+:s3:::[a-z0-9][a-z0-9.-]+[a-z0-9]\/\S+$/.test(props.logPrefixArn)) out.push(`logPrefixArn "${props.logPrefixArn}" is not an S3 prefix ARN`);
  if (literal(props.tlsCertificatesObjectArn) && !/^arn:[\w-]+:s3:::[a-z0-9][a-z0-9.-]+[a-z0-9]\/\S+\.zip$/.test(props.tlsCertificatesObjectArn)) {
    out.push(`tlsCertificatesObjectArn "${props.tlsCertificatesObjectArn}" is not the ARN of a zip object`);
  }
  return out;
}
