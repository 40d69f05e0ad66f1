import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_ENDPOINT_SERVICES,
  PrivateEndpoints,
  type PrivateEndpointsProps,
  privateEndpointsProblems,
} from "../../../modules/network/private-endpoints";
import { policyOf, resource, resourcesOf, synthScope, type TfJson } from "../../helpers/synth";

const VPC = "vpc-0a1b2c3d4e5f60001";
const SUBNET_A = "subnet-0a1b2c3d4e5f60011";
const SUBNET_B = "subnet-0a1b2c3d4e5f60012";
const RTB_A = "rtb-0a1b2c3d4e5f60031";
const RTB_B = "rtb-0a1b2c3d4e5f60032";

function props(over: Partial<PrivateEndpointsProps> = {}): PrivateEndpointsProps {
  return {
    vpcId: VPC,
    vpcCidr: "10.20.0.0/16",
    // Unsorted on purpose: the output is sorted.
    privateSubnetIds: [SUBNET_B, SUBNET_A],
    routeTableIds: [RTB_B, RTB_A],
    region: "eu-west-1",
    allowedAccountIds: ["222222222222", "111111111111"],
    ...over,
  };
}

const synth = (p: PrivateEndpointsProps): TfJson => synthScope((s) => void new PrivateEndpoints(s, "endpoints", p));

const accountsPolicy = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "OnlyPrincipalsOfTheAllowedAccounts",
      Effect: "Allow",
      Principal: "*",
      Action: "*",
      Resource: "*",
      Condition: { StringEquals: { "aws:PrincipalAccount": ["111111111111", "222222222222"] } },
    },
  ],
};

/** The statements only the S3 gateway adds: reads of the AWS-owned buckets ECR serves image layers from and EMR nodes install packages from, in the endpoint's Region. */
const ecrLayers = (region = "eu-west-1") => [
  {
    Sid: "EcrImageLayers",
    Effect: "Allow",
    Principal: "*",
    Action: "s3:GetObject",
    Resource: `arn:aws:s3:::prod-${region}-starport-layer-bucket/*`,
  },
  {
    Sid: "EmrNodePackageRepositories",
    Effect: "Allow",
    Principal: "*",
    Action: "s3:GetObject",
    Resource: [`arn:aws:s3:::al2023-repos-${region}-de612dc2/*`, `arn:aws:s3:::repo.${region}.emr.amazonaws.com/*`],
  },
];

/** The message of what `fn` throws. */
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error, none was thrown");
}

describe("PrivateEndpoints", () => {
  describe("S3 gateway endpoint", () => {
    it("is a Gateway endpoint on every private route table, sorted", () => {
      const tf = synth(props());
      const s3 = resource(tf, "aws_vpc_endpoint", "s3");
      expect({ ...s3, policy: undefined }).toEqual({
        vpc_id: VPC,
        service_name: "com.amazonaws.eu-west-1.s3",
        vpc_endpoint_type: "Gateway",
        route_table_ids: [RTB_A, RTB_B],
        policy: undefined,
      });
      // The accounts' statement, then ECR's layer reads (made by no principal of ours, so the first cannot admit them).
      expect(policyOf(s3)).toEqual({ ...accountsPolicy, Statement: [...accountsPolicy.Statement, ...ecrLayers()] });
    });

    it("admits reads of ECR's layer bucket and EMR's package repositories of its own Region only, and only on the gateway", () => {
      const tf = synth(props({ region: "eu-central-1" }));
      expect(policyOf(resource(tf, "aws_vpc_endpoint", "s3")).Statement.slice(1)).toEqual(ecrLayers("eu-central-1"));
      for (const [name, e] of Object.entries(resourcesOf(tf, "aws_vpc_endpoint")).filter(([n]) => n !== "s3")) {
        expect(policyOf(e).Statement.map((st) => st.Sid), name).toEqual(["OnlyPrincipalsOfTheAllowedAccounts"]);
      }
    });
  });

  describe("interface endpoints", () => {
    it("has one for each default service, named after it with dots as _", () => {
      const names = Object.keys(resourcesOf(synth(props()), "aws_vpc_endpoint")).sort();
      expect(names).toEqual(
        [
          "airflow_api",
          "airflow_env",
          "airflow_ops",
          "athena",
          "ecr_api",
          "ecr_dkr",
          "elasticmapreduce",
          "emr-serverless",
          "events",
          "glue",
          "kms",
          "lakeformation",
          "logs",
          "monitoring",
          "s3",
          "secretsmanager",
          "sqs",
          "states",
          "sts",
        ].sort(),
      );
      expect(DEFAULT_ENDPOINT_SERVICES).toHaveLength(18);
    });

    it("puts every one in the private subnets behind the endpoint group, with private DNS and the policy", () => {
      const tf = synth(props());
      for (const service of DEFAULT_ENDPOINT_SERVICES) {
        const e = resource(tf, "aws_vpc_endpoint", service.replace(/\./g, "_"));
        expect({ ...e, policy: undefined }, service).toEqual({
          vpc_id: VPC,
          service_name: `com.amazonaws.eu-west-1.${service}`,
          vpc_endpoint_type: "Interface",
          private_dns_enabled: true,
          subnet_ids: [SUBNET_A, SUBNET_B],
          security_group_ids: ["${aws_security_group.endpoints.id}"],
          policy: undefined,
        });
        expect(policyOf(e), service).toEqual(accountsPolicy);
      }
    });

    it("creates only the services given, in the Region given", () => {
      const tf = synth(props({ services: ["sts", "airflow.env"], region: "eu-central-1" }));
      expect(Object.keys(resourcesOf(tf, "aws_vpc_endpoint")).sort()).toEqual(["airflow_env", "s3", "sts"]);
      expect(resource(tf, "aws_vpc_endpoint", "airflow_env").service_name).toBe("com.amazonaws.eu-central-1.airflow.env");
      expect(resource(tf, "aws_vpc_endpoint", "s3").service_name).toBe("com.amazonaws.eu-central-1.s3");
    });

    it("creates no security group when there are no interface endpoints", () => {
      const tf = synth(props({ services: [] }));
      expect(Object.keys(resourcesOf(tf, "aws_vpc_endpoint"))).toEqual(["s3"]);
      expect(resourcesOf(tf, "aws_security_group")).toEqual({});
    });
  });

  describe("security group", () => {
    it("admits only HTTPS from the VPC CIDR and allows no egress, every rule described", () => {
      expect(resource(synth(props()), "aws_security_group", "endpoints")).toEqual({
        name: "lakeform-vpc-endpoints",
        description: "Interface VPC endpoints of the data lake: HTTPS from inside the VPC only",
        vpc_id: VPC,
        ingress: [
          {
            description: "HTTPS from the VPC to the AWS service endpoints",
            protocol: "tcp",
            from_port: 443,
            to_port: 443,
            cidr_blocks: ["10.20.0.0/16"],
            ipv6_cidr_blocks: null,
            prefix_list_ids: null,
            security_groups: null,
            self: null,
          },
        ],
        egress: [],
      });
    });

    it("is named securityGroupName when given", () => {
      expect(resource(synth(props({ securityGroupName: "acme-dev-endpoints" })), "aws_security_group", "endpoints").name).toBe("acme-dev-endpoints");
    });

    it("has no separate rule resources, which would fight the inline rules", () => {
      const tf = synth(props());
      for (const type of ["aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"]) {
        expect(resourcesOf(tf, type), type).toEqual({});
      }
    });

    it("opens nothing to the internet anywhere in the stack", () => {
      const json = JSON.stringify(synth(props()));
      expect(json).not.toContain("0.0.0.0/0");
      expect(json).not.toContain("::/0");
    });
  });

  describe("endpoint policy", () => {
    it("admits the organization instead of listing accounts when organizationId is given", () => {
      const tf = synth(props({ organizationId: "o-a1b2c3d4e5" }));
      for (const name of ["s3", "glue", "airflow_ops"]) {
        expect(policyOf(resource(tf, "aws_vpc_endpoint", name)), name).toEqual({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "OnlyPrincipalsOfTheOrganization",
              Effect: "Allow",
              Principal: "*",
              Action: "*",
              Resource: "*",
              Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
            },
            ...(name === "s3" ? ecrLayers() : []),
          ],
        });
      }
    });

    it("lists a single account as a one-element list", () => {
      const p = policyOf(resource(synth(props({ allowedAccountIds: ["111111111111"] })), "aws_vpc_endpoint", "kms"));
      expect(p.Statement[0]!.Condition).toEqual({ StringEquals: { "aws:PrincipalAccount": ["111111111111"] } });
    });

    it("uses no aws_iam_policy_document data source", () => {
      expect(synth(props()).data).toBeUndefined();
    });
  });

  it("accepts references to a VPC created in the same stack (tokens are not checked)", () => {
    const tf = synthScope((s) => {
      const vpc = new Vpc(s, "vpc", { cidrBlock: "10.30.0.0/16" });
      new PrivateEndpoints(s, "endpoints", props({ vpcId: vpc.id, vpcCidr: vpc.cidrBlock, services: ["glue"] }));
    });
    const sg = resource(tf, "aws_security_group", "endpoints") as { vpc_id: string; ingress: { cidr_blocks: string[] }[] };
    expect(sg.vpc_id).toBe("${aws_vpc.vpc.id}");
    expect(sg.ingress[0]!.cidr_blocks).toEqual(["${aws_vpc.vpc.cidr_block}"]);
  });

  describe("validation", () => {
    it("finds no problem in well-formed props", () => {
      expect(privateEndpointsProblems(props({ organizationId: "o-a1b2c3d4e5", securityGroupName: "acme endpoints (dev)" }))).toEqual([]);
    });

    it("fails when there are no private subnets", () => {
      expect(() => synth(props({ privateSubnetIds: [] }))).toThrow(
        new Error("PrivateEndpoints stack/endpoints: 1 problem:\n  - privateSubnetIds is empty; give at least one"),
      );
    });

    it("fails when there are no route tables", () => {
      expect(() => synth(props({ routeTableIds: [] }))).toThrow(/routeTableIds is empty; give at least one/);
    });

    it("fails when the VPC CIDR is 0.0.0.0/0", () => {
      expect(thrown(() => synth(props({ vpcCidr: "0.0.0.0/0" })))).toBe(
        [
          "PrivateEndpoints stack/endpoints: 2 problems:",
          '  - vpcCidr "0.0.0.0/0" has a /0 prefix; a VPC CIDR block is /16 to /28',
          '  - vpcCidr "0.0.0.0/0" is not a private range; the endpoints admit only the VPC\'s own addresses (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10)',
        ].join("\n"),
      );
    });

    it("fails when the VPC CIDR is a public range, or straddles the edge of a private one", () => {
      for (const cidr of ["8.8.0.0/16", "172.32.0.0/16", "11.0.0.0/16", "192.169.0.0/16"]) {
        expect(privateEndpointsProblems(props({ vpcCidr: cidr })), cidr).toEqual([
          `vpcCidr "${cidr}" is not a private range; the endpoints admit only the VPC's own addresses (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10)`,
        ]);
      }
    });

    it("accepts every private range, at the edges of the VPC prefix lengths", () => {
      for (const cidr of ["10.0.0.0/16", "172.31.255.240/28", "192.168.0.0/16", "100.127.0.0/16"]) {
        expect(privateEndpointsProblems(props({ vpcCidr: cidr })), cidr).toEqual([]);
      }
    });

    it("fails when the VPC CIDR is malformed, too wide, too narrow or not a network address", () => {
      expect(privateEndpointsProblems(props({ vpcCidr: "10.20.0.0" }))).toEqual(['vpcCidr "10.20.0.0" is not an IPv4 CIDR block (like 10.20.0.0/16)']);
      expect(privateEndpointsProblems(props({ vpcCidr: "10.256.0.0/16" }))).toEqual(['vpcCidr "10.256.0.0/16" is not an IPv4 CIDR block (like 10.20.0.0/16)']);
      expect(privateEndpointsProblems(props({ vpcCidr: "10.0.0.0/8" }))).toEqual(['vpcCidr "10.0.0.0/8" has a /8 prefix; a VPC CIDR block is /16 to /28']);
      expect(privateEndpointsProblems(props({ vpcCidr: "10.0.0.0/29" }))).toEqual(['vpcCidr "10.0.0.0/29" has a /29 prefix; a VPC CIDR block is /16 to /28']);
      expect(privateEndpointsProblems(props({ vpcCidr: "10.20.1.0/16" }))).toEqual(['vpcCidr "10.20.1.0/16" is not a network address; write 10.20.0.0/16']);
    });

    it("fails when the account list is empty", () => {
      expect(() => synth(props({ allowedAccountIds: [] }))).toThrow(
        new Error(
          "PrivateEndpoints stack/endpoints: 1 problem:\n  - allowedAccountIds is empty: no principal could use the endpoints; name at least the VPC's own account",
        ),
      );
    });

    it("fails when an account is malformed or repeated, or the organization ID is malformed", () => {
      expect(privateEndpointsProblems(props({ allowedAccountIds: ["111111111111", "1111", "111111111111"], organizationId: "r-abcd" }))).toEqual([
        'allowedAccountIds[1] "1111" is not 12 digits',
        'allowedAccountIds[2] "111111111111" is listed twice',
        'organizationId "r-abcd" is not an AWS Organizations ID (like o-a1b2c3d4e5)',
      ]);
    });

    it("fails when a service is s3, malformed or repeated", () => {
      expect(privateEndpointsProblems(props({ services: ["glue", "s3", "com.amazonaws.eu-west-1.sts", "Glue", "glue"] }))).toEqual([
        'services[1] "s3" always goes through the gateway endpoint; remove it from the list',
        'services[2] "com.amazonaws.eu-west-1.sts" is a whole service name; give only its last part, "sts"',
        'services[3] "Glue" is not the last part of a service name (like glue or airflow.api)',
        'services[4] "glue" is listed twice',
      ]);
    });

    it("reports every problem at once, in the order of the props", () => {
      expect(
        thrown(() =>
          synth(
            props({
              vpcId: "vpc-xyz",
              vpcCidr: "8.8.8.0/24",
              privateSubnetIds: ["subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60011", "sn-1"],
              routeTableIds: ["rtb-1"],
              region: "Ireland",
              allowedAccountIds: [],
              securityGroupName: "sg-endpoints",
            }),
          ),
        ),
      ).toBe(
        [
          "PrivateEndpoints stack/endpoints: 8 problems:",
          '  - vpcId "vpc-xyz" is not a VPC ID (like vpc-0a1b2c3d4e5f67890)',
          '  - vpcCidr "8.8.8.0/24" is not a private range; the endpoints admit only the VPC\'s own addresses (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10)',
          '  - privateSubnetIds[2] "sn-1" is not a subnet ID (like subnet-0a1b2c3d4e5f67890)',
          '  - privateSubnetIds[1] "subnet-0a1b2c3d4e5f60011" is listed twice',
          '  - routeTableIds[0] "rtb-1" is not a route table ID (like rtb-0a1b2c3d4e5f67890)',
          '  - region "Ireland" is not an AWS Region (like eu-west-1)',
          "  - allowedAccountIds is empty: no principal could use the endpoints; name at least the VPC's own account",
          '  - securityGroupName "sg-endpoints" cannot start with sg- (EC2 reserves it)',
        ].join("\n"),
      );
    });
  });
});
