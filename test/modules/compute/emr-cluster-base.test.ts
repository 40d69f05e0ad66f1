import { describe, expect, it } from "vitest";
import { EmrClusterBase, type EmrClusterBaseProps, emrClusterBaseProblems, emrServiceResourceStarStatements } from "../../../modules/compute/emr-cluster-base";
import { UNSCOPABLE_ACTIONS } from "../../../modules/identity/service-role";
import { policyOf, resource, resourcesOf, synthScope } from "../../helpers/synth";

const KEY = "arn:aws:kms:eu-west-1:111111111111:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789";
const OPS = "arn:aws:kms:eu-west-1:111111111111:key/1a1b2c3d-4e5f-6789-abcd-ef0123456789";

function props(over: Partial<EmrClusterBaseProps> = {}): EmrClusterBaseProps {
  return {
    accountId: "111111111111",
    region: "eu-west-1",
    partition: "aws",
    serviceRoleName: "acme-sales-emr-service-rebuild-dev",
    instanceRoleName: "acme-sales-emr-instance-rebuild-dev",
    vpcId: "vpc-0123456789abcdef0",
    vpcCidr: "10.0.0.0/16",
    s3PrefixListId: "pl-6da54004",
    subnetIds: ["subnet-0123456789abcdef2", "subnet-0123456789abcdef1"],
    securityGroupNames: { primary: "sales-dev-rebuild-emr-primary", coreAndTask: "sales-dev-rebuild-emr-core-task", serviceAccess: "sales-dev-rebuild-emr-service-access" },
    dataKeyArn: KEY,
    logKeyArn: OPS,
    logPrefixArn: "arn:aws:s3:::acme-artifacts/logs/rebuild/",
    tlsCertificatesObjectArn: "arn:aws:s3:::acme-pki/emr/certs.zip",
    ...over,
  };
}

const synth = (p: EmrClusterBaseProps) => synthScope((s) => void new EmrClusterBase(s, "rebuild", p));

describe("EmrClusterBase", () => {
  it("is two roles, an instance profile, three EMR-managed groups and the nodes' HTTPS egress", () => {
    const tf = synth(props());
    expect(Object.keys(resourcesOf(tf, "aws_iam_role")).sort()).toEqual(["rebuild__emr_instance", "rebuild__emr_service"]);
    expect(Object.keys(resourcesOf(tf, "aws_iam_instance_profile"))).toEqual(["rebuild"]);
    expect(Object.keys(resourcesOf(tf, "aws_security_group")).sort()).toEqual(["rebuild__emr_core_task", "rebuild__emr_primary", "rebuild__emr_service_access"]);
    expect(Object.keys(resourcesOf(tf, "aws_vpc_security_group_egress_rule"))).toHaveLength(4);
    for (const [n, g] of Object.entries(resourcesOf(tf, "aws_security_group"))) expect(String(g.description), n).toMatch(/^EMR-managed group/);
  });

  it("trusts EMR for this account for the service role, and EC2 for the nodes' role", () => {
    const tf = synth(props());
    expect(policyOf(resource(tf, "aws_iam_role", "rebuild__emr_service"), "assume_role_policy").Statement[0]).toMatchObject({
      Principal: { Service: "elasticmapreduce.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
    });
    expect(policyOf(resource(tf, "aws_iam_role", "rebuild__emr_instance"), "assume_role_policy").Statement[0]).toEqual({
      Sid: "Ec2AssumesInstanceProfileRole",
      Effect: "Allow",
      Principal: { Service: "ec2.amazonaws.com" },
      Action: "sts:AssumeRole",
    });
  });

  it("lets EBS use the data key only through grants for AWS resources", () => {
    const keys = policyOf(resource(synth(props()), "aws_iam_role_policy", "rebuild__emr_service__keys")).Statement;
    expect(keys.find((s) => s.Sid === "GrantEbsTheDataKey")).toEqual({
      Sid: "GrantEbsTheDataKey",
      Effect: "Allow",
      Action: "kms:CreateGrant",
      Resource: KEY,
      Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
    });
  });

  it("keeps Resource * to the unscopable Describe actions and tag-, create-action- or owner-conditioned statements, each with a reason", () => {
    const statements = emrServiceResourceStarStatements();
    expect(statements[0]!.statement.Action).toEqual(UNSCOPABLE_ACTIONS.filter((a) => a.startsWith("ec2:")));
    for (const s of statements.slice(1)) expect(s.statement.Condition, s.statement.Sid).toBeDefined();
    for (const s of statements) expect(s.reason.length, s.statement.Sid).toBeGreaterThan(40);
  });

  it("launches only into its subnets and groups: what EMR creates is allowed by type under its tag, never on * or on other subnets and groups", () => {
    const tf = synth(props());
    const ec2 = (type: string) => `arn:aws:ec2:eu-west-1:111111111111:${type}/*`;
    const network = policyOf(resource(tf, "aws_iam_role_policy", "rebuild__emr_service__network")).Statement;
    expect(network.find((s) => s.Sid === "CreateEmrTaggedResources")).toEqual({
      Sid: "CreateEmrTaggedResources",
      Effect: "Allow",
      Action: ["ec2:CreateFleet", "ec2:CreateLaunchTemplate", "ec2:CreateLaunchTemplateVersion", "ec2:CreateNetworkInterface", "ec2:RunInstances"],
      Resource: ["fleet", "instance", "launch-template", "network-interface", "spot-instances-request", "volume"].map(ec2),
      Condition: { StringEquals: { "aws:RequestTag/for-use-with-amazon-emr-managed-policies": "true" } },
    });
    expect(network.find((s) => s.Sid === "LaunchFromEmrTaggedTemplates")).toEqual({
      Sid: "LaunchFromEmrTaggedTemplates",
      Effect: "Allow",
      Action: ["ec2:CreateFleet", "ec2:CreateLaunchTemplateVersion", "ec2:RunInstances"],
      Resource: ec2("launch-template"),
      Condition: { StringEquals: { "aws:ResourceTag/for-use-with-amazon-emr-managed-policies": "true" } },
    });
    // On Resource "*", no statement may launch: a tag condition there would admit any subnet or group it matches.
    const launch = ["ec2:CreateFleet", "ec2:CreateLaunchTemplate", "ec2:CreateLaunchTemplateVersion", "ec2:CreateNetworkInterface", "ec2:RunInstances"];
    for (const s of policyOf(resource(tf, "aws_iam_role_policy", "rebuild__emr_service__resource-star")).Statement) {
      const actions = [s.Action].flat() as string[];
      if (actions.some((a) => launch.includes(a))) expect(s.Condition, s.Sid).toEqual({ StringEquals: { "ec2:Owner": "amazon" } });
    }
  });

  it("fails when names, subnets, the log prefix or the certificates are malformed — all in one error", () => {
    expect(
      emrClusterBaseProblems(
        props({
          serviceRoleName: "emr service",
          subnetIds: ["subnet-x"],
          securityGroupNames: { primary: "sg-123", coreAndTask: "ok", serviceAccess: "ok2" },
          logPrefixArn: "s3://acme-artifacts/logs/",
          tlsCertificatesObjectArn: "arn:aws:s3:::acme-pki/emr/certs.tar",
        }),
      ),
    ).toEqual([
      'serviceRoleName "emr service" is not an IAM role name (1-64 letters, digits and _+=,.@-)',
      'securityGroupNames.primary "sg-123" is not a security group name',
      'subnetIds: "subnet-x" is not a subnet ID',
      'logPrefixArn "s3://acme-artifacts/logs/" is not an S3 prefix ARN',
      'tlsCertificatesObjectArn "arn:aws:s3:::acme-pki/emr/certs.tar" is not the ARN of a zip object',
    ]);
    expect(() => synth(props({ subnetIds: [] }))).toThrow("subnetIds is empty: give the lake's private subnets");
  });
});
