import { definePlatform } from "lakeform";

/**
 * Acme's data platform: two environments in their own accounts, eu-west-1
 * with eu-central-1 for disaster recovery. The account IDs, VPCs and roles
 * are examples; replace them with your landing zone's.
 */
export default definePlatform({
  organization: "acme",
  owner: "data-platform",
  costCentre: "CC-1000",
  regions: { primary: "eu-west-1", dr: "eu-central-1" },
  environments: {
    dev: {
      accountId: "111111111111",
      network: {
        vpcId: "vpc-0a1b2c3d4e5f60001",
        vpcCidr: "10.10.0.0/16",
        s3PrefixListId: "pl-6da54004",
        privateRouteTableIds: ["rtb-0a1b2c3d4e5f60011", "rtb-0a1b2c3d4e5f60012", "rtb-0a1b2c3d4e5f60013"],
        privateSubnetIds: ["subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012", "subnet-0a1b2c3d4e5f60013"],
      },
      lakeFormationAdmins: ["arn:aws:iam::111111111111:role/lakeform-deployer", "arn:aws:iam::111111111111:role/data-platform-admin"],
      piiReaders: ["arn:aws:iam::111111111111:role/privacy-office", "arn:aws:iam::111111111111:role/fraud-investigations"],
      backend: { type: "local" },
      eks: {
        clusterName: "acme-dev-compute",
        oidcProviderArn: "arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9",
      },
      principals: {
        analysts: "arn:aws:iam::111111111111:role/analysts",
        "eu-mvno-analysts": "arn:aws:iam::111111111111:role/eu-mvno-analysts",
        "fraud-investigations": "arn:aws:iam::111111111111:role/fraud-investigations",
        "data-science": "arn:aws:identitystore:::group/9a672b3314-d1b2c3d4-1111-2222-3333-444455556666",
        "redshift-spectrum": "arn:aws:iam::111111111111:role/redshift-spectrum",
        "sagemaker-training": "arn:aws:iam::111111111111:role/sagemaker-execution",
        "partner-adtech": "333333333333",
        "mvno-nordic": "555555555555",
      },
      // In-transit TLS of transient EMR clusters: the PKI team's certificates for *.eu-west-1.compute.internal.
      emr: { tlsCertificates: "s3://acme-pki-dev-111111111111/emr/lakeform-emr-tls.zip" },
      // Where lakeform dr synth rebuilds dev's compute and orchestration in a failover: eu-central-1's landing zone.
      dr: {
        network: {
          vpcId: "vpc-0a1b2c3d4e5f61001",
          vpcCidr: "10.110.0.0/16",
          s3PrefixListId: "pl-6ea54007",
          privateRouteTableIds: ["rtb-0a1b2c3d4e5f61011", "rtb-0a1b2c3d4e5f61012", "rtb-0a1b2c3d4e5f61013"],
          privateSubnetIds: ["subnet-0a1b2c3d4e5f61011", "subnet-0a1b2c3d4e5f61012", "subnet-0a1b2c3d4e5f61013"],
        },
        // The PKI team's certificates for *.eu-central-1.compute.internal.
        emr: { tlsCertificates: "s3://acme-pki-dev-111111111111-eu-central-1/emr/lakeform-emr-tls.zip" },
        eks: {
          clusterName: "acme-dev-compute-dr",
          oidcProviderArn: "arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/1B2C3D4E5F60718293A4B5C6D7E8F90A",
        },
      },
    },
    prod: {
      accountId: "222222222222",
      network: {
        vpcId: "vpc-0a1b2c3d4e5f60002",
        vpcCidr: "10.20.0.0/16",
        s3PrefixListId: "pl-6da54004",
        privateRouteTableIds: ["rtb-0a1b2c3d4e5f60021", "rtb-0a1b2c3d4e5f60022", "rtb-0a1b2c3d4e5f60023"],
        organizationId: "o-a1b2c3d4e5",
        privateSubnetIds: ["subnet-0a1b2c3d4e5f60021", "subnet-0a1b2c3d4e5f60022", "subnet-0a1b2c3d4e5f60023"],
      },
      lakeFormationAdmins: ["arn:aws:iam::222222222222:role/lakeform-deployer", "arn:aws:iam::222222222222:role/data-platform-admin"],
      piiReaders: ["arn:aws:iam::222222222222:role/privacy-office", "arn:aws:iam::222222222222:role/fraud-investigations"],
      backend: { type: "local" },
      eks: {
        clusterName: "acme-prod-compute",
        oidcProviderArn: "arn:aws:iam::222222222222:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/9F8E7D6C5B4A39281706F5E4D3C2B1A0",
        namespace: "emr-{domain}",
      },
      principals: {
        analysts: "arn:aws:iam::222222222222:role/analysts",
        "eu-mvno-analysts": "arn:aws:iam::222222222222:role/eu-mvno-analysts",
        "fraud-investigations": "arn:aws:iam::222222222222:role/fraud-investigations",
        "data-science": "arn:aws:identitystore:::group/9a672b3314-d1b2c3d4-7777-8888-9999-000011112222",
        "redshift-spectrum": "arn:aws:iam::222222222222:role/redshift-spectrum",
        "sagemaker-training": "arn:aws:iam::222222222222:role/sagemaker-execution",
        "partner-adtech": "444444444444",
        "mvno-nordic": "666666666666",
      },
      // In-transit TLS of transient EMR clusters: the PKI team's certificates for *.eu-west-1.compute.internal.
      emr: { tlsCertificates: "s3://acme-pki-prod-222222222222/emr/lakeform-emr-tls.zip" },
      // Where lakeform dr synth rebuilds prod's compute and orchestration in a failover: eu-central-1's landing zone.
      dr: {
        network: {
          vpcId: "vpc-0a1b2c3d4e5f61002",
          vpcCidr: "10.120.0.0/16",
          s3PrefixListId: "pl-6ea54007",
          privateRouteTableIds: ["rtb-0a1b2c3d4e5f61021", "rtb-0a1b2c3d4e5f61022", "rtb-0a1b2c3d4e5f61023"],
          organizationId: "o-a1b2c3d4e5",
          privateSubnetIds: ["subnet-0a1b2c3d4e5f61021", "subnet-0a1b2c3d4e5f61022", "subnet-0a1b2c3d4e5f61023"],
        },
        // The PKI team's certificates for *.eu-central-1.compute.internal.
        emr: { tlsCertificates: "s3://acme-pki-prod-222222222222-eu-central-1/emr/lakeform-emr-tls.zip" },
        eks: {
          clusterName: "acme-prod-compute-dr",
          oidcProviderArn: "arn:aws:iam::222222222222:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/8E7D6C5B4A39281706F5E4D3C2B1A09F",
          namespace: "emr-{domain}",
        },
      },
    },
  },
  lfTags: {
    domain: { description: "Owning data domain", values: ["billing", "cdr", "clickstream"] },
    confidentiality: { description: "Who may see the data", values: ["public", "internal", "confidential", "pii"] },
    retention: { description: "How long the data is kept", values: ["90d", "1y", "2y", "7y"] },
  },
  pii: { key: "confidentiality", value: "pii" },
  // Reviews ask this team to approve PII and cross-account changes; mentioned in the PR comment.
  governance: { approvers: "@acme/data-governance" },
  defaultTags: { "data-classification-policy": "acme-dcp-v3" },
  guardrails: {
    // MWAA names its own log groups and queues, and EMR application and virtual-cluster IDs exist only
    // once the domain stacks are applied: the execution role keeps AWS's documented wildcards (README, exceptions).
    suppress: [
      {
        rule: "IAM-001",
        resource: "aws_iam_role_policy.mwaa__environment",
        reason: "MWAA's documented execution-role policy: s3:GetObject*, s3:GetBucket*, s3:List* on its own source bucket, kms:GenerateDataKey* through SQS and S3 only.",
      },
      {
        rule: "IAM-002",
        resource: "aws_iam_role_policy.mwaa__environment",
        reason: "MWAA names its log groups (airflow-<env>-*) and Celery queues (airflow-celery-*) itself; AWS documents these wildcards for the execution role.",
      },
      {
        rule: "IAM-002",
        resource: "aws_iam_role_policy.mwaa__dags",
        reason: "EMR Serverless application and EMR on EKS virtual-cluster IDs exist only after the domain stacks apply; runs are held to the environment's tags and the jobs' roles by name.",
      },
    ],
  },
  // Every domain gets a budget; billing, which sets none, gets this one. prod's account is in the
  // Organization, whose management account activates the cost-allocation tags; dev's activates its own.
  budgets: { defaultMonthlyUsd: 2500, alertAtPercent: [80, 100], forecastAtPercent: [100], tagsActivatedByManagementAccount: ["prod"] },
});
