import type { SecurityGroupEgress } from "@cdktf/provider-aws/lib/security-group";

/**
 * The only way out for compute in the lake's private subnets: HTTPS to the
 * interface endpoints in the VPC, and HTTPS to S3 through the gateway
 * endpoint's prefix list. No internet route, no 0.0.0.0/0.
 */
export function endpointEgressRules(vpcCidr: string, s3PrefixListId: string, services: string): SecurityGroupEgress[] {
  return [
    {
      description: `HTTPS to the interface VPC endpoints (${services}) in the VPC`,
      protocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrBlocks: [vpcCidr],
    },
    {
      description: "HTTPS to S3 through the VPC gateway endpoint",
      protocol: "tcp",
      fromPort: 443,
      toPort: 443,
      prefixListIds: [s3PrefixListId],
    },
  ];
}
