import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { type PolicyDocument, policyDocument, renderPolicy } from "../identity/policy-document";
import { SUBNET_ID } from "./subnet-ids";

/**
 * The AWS services a governed lake calls from inside its VPC: catalog and
 * governance, query, keys and credentials, logs and metrics, EMR and EMR
 * Serverless, Step Functions, queues and events, secrets, and the three MWAA
 * endpoints (environment management, Airflow, health metrics).
 */
export const DEFAULT_ENDPOINT_SERVICES: readonly string[] = [
  "glue",
  "lakeformation",
  "athena",
  "kms",
  "sts",
  "logs",
  "monitoring",
  "elasticmapreduce",
  "emr-serverless",
  "states",
  "sqs",
  "events",
  "secretsmanager",
  "airflow.api",
  "airflow.env",
  "airflow.ops",
  // MWAA pulls its images from ECR (the layers come through the S3 gateway).
  "ecr.api",
  "ecr.dkr",
];

export interface PrivateEndpointsProps {
  /** The VPC the endpoints are created in (`vpc-…`). */
  readonly vpcId: string;
  /**
   * The VPC's IPv4 CIDR block; the only source the endpoints accept traffic
   * from. A private range (RFC 1918, or the RFC 6598 shared space 100.64.0.0/10)
   * of /16 to /28, written as its network address.
   */
  readonly vpcCidr: string;
  /** Private subnets that hold the interface endpoints' network interfaces: at most one per Availability Zone. */
  readonly privateSubnetIds: readonly string[];
  /** Route tables of the private subnets; the S3 gateway endpoint adds its prefix-list route to each. */
  readonly routeTableIds: readonly string[];
  /** Region of the VPC; part of every service name, `com.amazonaws.<region>.<service>`. */
  readonly region: string;
  /**
   * The accounts whose principals may use the endpoints (12 digits each).
   * Written sorted into every endpoint policy.
   */
  readonly allowedAccountIds: readonly string[];
  /**
   * The AWS Organizations organization (`o-…`) whose principals may use the
   * endpoints. When given, the policies admit the whole organization
   * (`aws:PrincipalOrgID`) instead of listing `allowedAccountIds`.
   * @default - only principals of `allowedAccountIds`
   */
  readonly organizationId?: string;
  /**
   * Services that get an interface endpoint, as the last part of their service
   * name (`glue`, `airflow.api`). S3 is not one of them: it always has the
   * gateway endpoint.
   * @default - DEFAULT_ENDPOINT_SERVICES
   */
  readonly services?: readonly string[];
  /**
   * Name of the endpoints' security group (unique in the VPC; cannot start with `sg-`).
   * @default "lakeform-vpc-endpoints"
   */
  readonly securityGroupName?: string;
}

const DEFAULT_SECURITY_GROUP_NAME = "lakeform-vpc-endpoints";

/**
 * The private paths from one VPC to the AWS services a lake uses, so that
 * jobs, clusters and Airflow need no internet route: an S3 gateway endpoint on
 * the private route tables, and an interface endpoint with private DNS for
 * every other service, in the private subnets.
 *
 * Fixed in code, not offered as options:
 * - private DNS on every interface endpoint (the SDKs' default hostnames
 *   resolve to the endpoints; the VPC needs DNS support and DNS hostnames on);
 * - one security group for the interface endpoints, which admits only HTTPS
 *   (tcp 443) from the VPC CIDR and allows no egress at all: an endpoint
 *   never opens connections, and replies to admitted ones pass a security
 *   group's connection tracking. The rules are inline, so a rule added outside
 *   Terraform is drift and is removed on the next apply;
 * - an endpoint policy on every endpoint that admits only principals of the
 *   allowed accounts (or of the organization): credentials from any other
 *   account — a personal account, an attacker's — cannot move data through
 *   this network, whatever their own policies allow. The policies add no
 *   permission; IAM, key and bucket policies still decide.
 *
 * The principal-account condition also refuses, on purpose, requests that
 * carry no principal of ours: anonymous ones (Amazon Linux and EMR-on-EC2
 * package repositories in AWS-owned buckets, such as
 * `repo.<region>.emr.amazonaws.com`), ones signed by AWS-owned accounts (ECR
 * image layers in `prod-<region>-starport-layer-bucket`), and unauthenticated
 * STS calls (`AssumeRoleWithWebIdentity`, `AssumeRoleWithSAML`). Compute that
 * needs one of them gets it from an extra statement naming those resources,
 * added with a written reason — not by loosening this one.
 *
 * Service names are `com.amazonaws.<region>.<service>`: the China Regions'
 * `cn.com.amazonaws.` names are not produced. Interface endpoints for a
 * service not offered in the Region, or two subnets in one Availability Zone,
 * fail at apply, not at plan.
 *
 * Terraform addresses: `aws_vpc_endpoint.s3`, `aws_vpc_endpoint.<service>`
 * with dots as `_` (`aws_vpc_endpoint.airflow_api`), `aws_security_group.endpoints`.
 */
export class PrivateEndpoints extends Construct {
  /** The S3 gateway endpoint. */
  readonly gateway: VpcEndpoint;
  /** The interface endpoints, by service (`airflow.api`). */
  readonly interfaces: Readonly<Record<string, VpcEndpoint>>;
  /** The interface endpoints' security group; none when `services` is empty. */
  readonly securityGroup: SecurityGroup | undefined;
  /** The policy every endpoint carries. */
  readonly policy: PolicyDocument;

  constructor(scope: Construct, id: string, props: PrivateEndpointsProps) {
    super(scope, id);
    const problems = privateEndpointsProblems(props);
    if (problems.length > 0) {
      throw new Error(`PrivateEndpoints ${this.node.path}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    this.policy = endpointPolicy(props);
    const policy = renderPolicy(this.policy);

    this.gateway = new VpcEndpoint(this, "s3", {
      vpcId: props.vpcId,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: [...props.routeTableIds].sort(),
      policy: renderPolicy(gatewayPolicy(props)),
    });
    this.gateway.overrideLogicalId("s3");

    const services = [...(props.services ?? DEFAULT_ENDPOINT_SERVICES)].sort();
    const interfaces: Record<string, VpcEndpoint> = {};
    // Without interface endpoints the group would guard nothing, so it exists only with them.
    if (services.length > 0) {
      const securityGroup = new SecurityGroup(this, "security-group", {
        name: props.securityGroupName ?? DEFAULT_SECURITY_GROUP_NAME,
        description: "Interface VPC endpoints of the data lake: HTTPS from inside the VPC only",
        vpcId: props.vpcId,
        ingress: [
          {
            description: "HTTPS from the VPC to the AWS service endpoints",
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrBlocks: [props.vpcCidr],
          },
        ],
        // Explicitly empty: Terraform removes AWS's default allow-all egress rule, and any rule added later.
        egress: [],
      });
      securityGroup.overrideLogicalId("endpoints");
      this.securityGroup = securityGroup;
      for (const service of services) {
        const endpoint = new VpcEndpoint(this, `interface-${service}`, {
          vpcId: props.vpcId,
          serviceName: `com.amazonaws.${props.region}.${service}`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: [...props.privateSubnetIds].sort(),
          securityGroupIds: [securityGroup.id],
          policy,
        });
        endpoint.overrideLogicalId(endpointTerraformName(service));
        interfaces[service] = endpoint;
      }
    }
    this.interfaces = interfaces;
  }
}

/** `airflow.api` → `airflow_api`: the Terraform name of a service's interface endpoint. */
export function endpointTerraformName(service: string): string {
  return service.replace(/\./g, "_");
}

/**
 * The policy of every endpoint: anything, but only by principals of the
 * allowed accounts, or of the organization when one is given.
 */
export function endpointPolicy(props: Pick<PrivateEndpointsProps, "allowedAccountIds" | "organizationId">): PolicyDocument {
  const anything = { Effect: "Allow", Principal: "*", Action: "*", Resource: "*" } as const;
  return policyDocument([
    props.organizationId
      ? { Sid: "OnlyPrincipalsOfTheOrganization", ...anything, Condition: { StringEquals: { "aws:PrincipalOrgID": props.organizationId } } }
      : { Sid: "OnlyPrincipalsOfTheAllowedAccounts", ...anything, Condition: { StringEquals: { "aws:PrincipalAccount": [...props.allowedAccountIds].sort() } } },
  ]);
}

/**
 * The S3 gateway's policy: the endpoint policy, plus reads of the AWS-owned
 * buckets compute in the private subnets needs and whose requests are not
 * made by our principals: the one ECR serves image layers from (MWAA and
 * other container workloads pull through it), and the package repositories
 * every EMR on EC2 node installs from as it boots (EMR's own, and Amazon
 * Linux 2023's for EMR 7; "Sample policies for private subnets that access
 * Amazon S3" in the EMR guide). Without them a transient cluster never
 * starts.
 */
export function gatewayPolicy(props: Pick<PrivateEndpointsProps, "allowedAccountIds" | "organizationId" | "region">): PolicyDocument {
  return policyDocument([
    ...endpointPolicy(props).Statement,
    {
      Sid: "EcrImageLayers",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: `arn:aws:s3:::prod-${props.region}-starport-layer-bucket/*`,
    },
    {
      Sid: "EmrNodePackageRepositories",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: emrRepositoryObjectArns(props.region),
    },
  ]);
}

/** The objects of the AWS-owned package repositories EMR 7 nodes install from in a Region: EMR's and Amazon Linux 2023's. */
export function emrRepositoryObjectArns(region: string): string[] {
  return [`arn:aws:s3:::al2023-repos-${region}-de612dc2/*`, `arn:aws:s3:::repo.${region}.emr.amazonaws.com/*`];
}

const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const ROUTE_TABLE_ID = /^rtb-[0-9a-f]{8,17}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ACCOUNT_ID = /^\d{12}$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
/** Dot-separated lower-case labels, starting with a letter: also a valid Terraform name once dots become `_`. */
const SERVICE = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/;
const SECURITY_GROUP_NAME = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/;

/** Address blocks that are not routed on the internet, as [first address, prefix length]. */
const PRIVATE_RANGES: readonly (readonly [string, number])[] = [
  ["10.0.0.0", 8],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
  ["100.64.0.0", 10],
];

const literal = (s: string) => !Token.isUnresolved(s);

/** Every problem with the props, one sentence each; empty when they are fine. Tokens are not checked. */
export function privateEndpointsProblems(props: PrivateEndpointsProps): string[] {
  const out: string[] = [];
  if (literal(props.vpcId) && !VPC_ID.test(props.vpcId)) out.push(`vpcId "${props.vpcId}" is not a VPC ID (like vpc-0a1b2c3d4e5f67890)`);
  if (literal(props.vpcCidr)) out.push(...vpcCidrProblems(props.vpcCidr));
  out.push(...idListProblems("privateSubnetIds", props.privateSubnetIds, SUBNET_ID, "a subnet ID (like subnet-0a1b2c3d4e5f67890)"));
  out.push(...idListProblems("routeTableIds", props.routeTableIds, ROUTE_TABLE_ID, "a route table ID (like rtb-0a1b2c3d4e5f67890)"));
  if (literal(props.region) && !REGION.test(props.region)) out.push(`region "${props.region}" is not an AWS Region (like eu-west-1)`);
  if (props.allowedAccountIds.length === 0) {
    out.push("allowedAccountIds is empty: no principal could use the endpoints; name at least the VPC's own account");
  }
  props.allowedAccountIds.forEach((a, i) => {
    if (literal(a) && !ACCOUNT_ID.test(a)) out.push(`allowedAccountIds[${i}] "${a}" is not 12 digits`);
  });
  out.push(...repeated("allowedAccountIds", props.allowedAccountIds));
  if (props.organizationId !== undefined && literal(props.organizationId) && !ORGANIZATION_ID.test(props.organizationId)) {
    out.push(`organizationId "${props.organizationId}" is not an AWS Organizations ID (like o-a1b2c3d4e5)`);
  }
  (props.services ?? []).forEach((s, i) => {
    const full = /^(cn\.)?com\.amazonaws\.[^.]+\.(.+)$/.exec(s);
    if (full) out.push(`services[${i}] "${s}" is a whole service name; give only its last part, "${full[2]}"`);
    else if (!SERVICE.test(s)) out.push(`services[${i}] "${s}" is not the last part of a service name (like glue or airflow.api)`);
    else if (s === "s3") out.push(`services[${i}] "s3" always goes through the gateway endpoint; remove it from the list`);
  });
  out.push(...repeated("services", props.services ?? []));
  const sg = props.securityGroupName;
  if (sg !== undefined && literal(sg)) {
    if (!SECURITY_GROUP_NAME.test(sg)) out.push(`securityGroupName "${sg}" must be 1-255 letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*`);
    else if (sg.toLowerCase().startsWith("sg-")) out.push(`securityGroupName "${sg}" cannot start with sg- (EC2 reserves it)`);
  }
  return out;
}

function idListProblems(field: string, ids: readonly string[], pattern: RegExp, what: string): string[] {
  const out: string[] = [];
  if (ids.length === 0) out.push(`${field} is empty; give at least one`);
  ids.forEach((id, i) => {
    if (literal(id) && !pattern.test(id)) out.push(`${field}[${i}] "${id}" is not ${what}`);
  });
  return [...out, ...repeated(field, ids)];
}

/** `field[i] "x" is listed twice` for every later occurrence of a value. */
function repeated(field: string, xs: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  xs.forEach((x, i) => {
    if (seen.has(x)) out.push(`${field}[${i}] "${x}" is listed twice`);
    seen.add(x);
  });
  return out;
}

function vpcCidrProblems(cidr: string): string[] {
  const parsed = parseIpv4Cidr(cidr);
  if (!parsed) return [`vpcCidr "${cidr}" is not an IPv4 CIDR block (like 10.20.0.0/16)`];
  const out: string[] = [];
  const { address, prefix } = parsed;
  if (prefix < 16 || prefix > 28) out.push(`vpcCidr "${cidr}" has a /${prefix} prefix; a VPC CIDR block is /16 to /28`);
  const network = prefix === 0 ? 0 : (address & (~0 << (32 - prefix))) >>> 0;
  if (network !== address) out.push(`vpcCidr "${cidr}" is not a network address; write ${formatIpv4(network)}/${prefix}`);
  const inside = PRIVATE_RANGES.some(([first, len]) => {
    const base = parseIpv4Cidr(`${first}/${len}`)!.address;
    const mask = (~0 << (32 - len)) >>> 0;
    return prefix >= len && (address & mask) >>> 0 === base;
  });
  if (!inside) {
    out.push(`vpcCidr "${cidr}" is not a private range; the endpoints admit only the VPC's own addresses (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10)`);
  }
  return out;
}

function parseIpv4Cidr(cidr: string): { address: number; prefix: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  return { address: octets.reduce((acc, o) => acc * 256 + o, 0), prefix };
}

function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join(".");
}
