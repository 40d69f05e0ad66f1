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
        privateSubnetIds: ["subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012", "subnet-0a1b2c3d4e5f60013"],
      },
      lakeFormationAdmins: ["arn:aws:iam::111111111111:role/lakeform-deployer", "arn:aws:iam::111111111111:role/data-platform-admin"],
      piiReaders: ["arn:aws:iam::111111111111:role/privacy-office"],
      backend: { type: "local" },
    },
    prod: {
      accountId: "222222222222",
      network: {
        vpcId: "vpc-0a1b2c3d4e5f60002",
        privateSubnetIds: ["subnet-0a1b2c3d4e5f60021", "subnet-0a1b2c3d4e5f60022", "subnet-0a1b2c3d4e5f60023"],
      },
      lakeFormationAdmins: ["arn:aws:iam::222222222222:role/lakeform-deployer", "arn:aws:iam::222222222222:role/data-platform-admin"],
      piiReaders: ["arn:aws:iam::222222222222:role/privacy-office", "arn:aws:iam::222222222222:role/fraud-investigations"],
      backend: { type: "local" },
    },
  },
  lfTags: {
    domain: { description: "Owning data domain", values: ["billing", "cdr", "clickstream"] },
    confidentiality: { description: "Who may see the data", values: ["public", "internal", "confidential", "pii"] },
    retention: { description: "How long the data is kept", values: ["90d", "1y", "2y", "7y"] },
  },
  pii: { key: "confidentiality", value: "pii" },
  defaultTags: { "data-classification-policy": "acme-dcp-v3" },
});
