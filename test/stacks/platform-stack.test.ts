import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadAndValidate } from "../../generators/manifest/validate";
import { modelFrom, synthStackOf } from "../helpers/model-fixtures";
import { domainFixture, platformFixture } from "../helpers/project";
import { policyOf, resource, resourcesOf, type TfJson } from "../helpers/synth";

const withPlatform = (mutate: (p: Record<string, any>) => void) => {
  const p = platformFixture();
  mutate(p);
  return modelFrom(p, [domainFixture("sales"), domainFixture("cdr")]);
};
const model = modelFrom(platformFixture(), [domainFixture("sales"), domainFixture("cdr")]);
const dev = synthStackOf(model, "platform-dev");
const prod = synthStackOf(model, "platform-prod");

const backendOf = (tf: TfJson) => (tf.terraform as { backend: Record<string, Record<string, unknown>> }).backend;
/** `depends_on` entries as addresses, whether written bare or as `${…}`. */
const dependencies = (r: Record<string, unknown>) => ((r.depends_on as string[] | undefined) ?? []).map((d) => d.replace(/^\$\{(.*)\}$/, "$1"));

describe("PlatformStack", () => {
  it("holds the Lake Formation settings, the LF-tag taxonomy and the VPC endpoints with their security group, and reads no data sources", () => {
    expect(Object.keys(dev.resource).sort()).toEqual(["aws_lakeformation_data_lake_settings", "aws_lakeformation_lf_tag", "aws_security_group", "aws_vpc_endpoint"]);
    expect(dev.data ?? {}).toEqual({});
  });

  it("lets only this account's EMR engines filter data themselves, and no engine read whole tables", () => {
    for (const [tf, account] of [[dev, "111111111111"], [prod, "222222222222"]] as const) {
      expect(resource(tf, "aws_lakeformation_data_lake_settings", "data_lake_settings"), account).toMatchObject({
        allow_external_data_filtering: true,
        external_data_filtering_allow_list: [account],
        authorized_session_tag_value_list: ["Amazon EMR"],
        allow_full_table_external_data_access: false,
      });
    }
  });

  it("owns the data-lake settings of its environment's account, with that environment's admins", () => {
    const s = resource(dev, "aws_lakeformation_data_lake_settings", "data_lake_settings");
    expect(s.catalog_id).toBe("111111111111");
    expect(s.admins).toEqual(["arn:aws:iam::111111111111:role/admin"]);
    expect(resource(prod, "aws_lakeformation_data_lake_settings", "data_lake_settings")).toMatchObject({
      catalog_id: "222222222222",
      admins: ["arn:aws:iam::222222222222:role/admin"],
    });
  });

  it("makes every admin of the manifest a data-lake admin, sorted", () => {
    const m = withPlatform((p) => {
      p.environments.dev.lakeFormationAdmins = ["arn:aws:iam::111111111111:role/z", "arn:aws:iam::111111111111:role/a"];
    });
    expect(resource(synthStackOf(m, "platform-dev"), "aws_lakeformation_data_lake_settings", "data_lake_settings").admins).toEqual([
      "arn:aws:iam::111111111111:role/a",
      "arn:aws:iam::111111111111:role/z",
    ]);
  });

  it("writes no default permissions, so new databases and tables grant nothing to IAMAllowedPrincipals", () => {
    const s = resource(dev, "aws_lakeformation_data_lake_settings", "data_lake_settings");
    expect(Object.keys(s).filter((k) => /default_permissions/.test(k))).toEqual([]);
    expect(JSON.stringify([dev, prod])).not.toMatch(/IAM_ALLOWED_PRINCIPALS|IAMAllowedPrincipals/i);
  });

  it("creates the taxonomy as one LF-tag per key, values sorted, in the environment's catalog", () => {
    const tags = resourcesOf(prod, "aws_lakeformation_lf_tag");
    expect(Object.keys(tags).sort()).toEqual(["confidentiality", "domain"]);
    expect(tags.confidentiality).toMatchObject({ catalog_id: "222222222222", key: "confidentiality", values: ["internal", "pii", "public"] });
    expect(tags.domain).toMatchObject({ catalog_id: "222222222222", key: "domain", values: ["cdr", "sales"] });
  });

  it("creates LF-tags only after the settings that make the deployer a data-lake admin", () => {
    for (const [name, tag] of Object.entries(resourcesOf(dev, "aws_lakeformation_lf_tag"))) {
      expect(dependencies(tag), name).toEqual(["aws_lakeformation_data_lake_settings.data_lake_settings"]);
    }
  });

  // BUG (generators/stacks/platform-stack.ts): `t.dependsOn = [settings.settings.fqn]` synthesizes
  // "depends_on": ["${aws_lakeformation_data_lake_settings.data_lake_settings}"]. Terraform 1.11 rejects it
  // (`terraform validate` on cdktf.out/stacks/platform-dev: "Invalid expression … A single static variable
  // reference is required"), so no platform stack can be planned. Passing `dependsOn: [settings.settings]`
  // to the LakeformationLfTag constructor writes the bare address. Remove `.fails` once fixed.
  it("writes depends_on as bare addresses that Terraform accepts", () => {
    for (const tag of Object.values(resourcesOf(dev, "aws_lakeformation_lf_tag"))) {
      expect(tag.depends_on).toEqual(["aws_lakeformation_data_lake_settings.data_lake_settings"]);
    }
  });

  it("pins the provider to the environment's account and the primary region", () => {
    expect(dev.provider?.aws).toEqual([expect.objectContaining({ region: "eu-west-1", allowed_account_ids: ["111111111111"] })]);
    expect(prod.provider?.aws?.[0]?.allowed_account_ids).toEqual(["222222222222"]);
  });

  it("tags every resource as the platform team's, with the platform's extra tags", () => {
    const m = withPlatform((p) => {
      p.defaultTags = { "data-classification-policy": "v3" };
    });
    const tags = (synthStackOf(m, "platform-dev").provider!.aws![0]!.default_tags as { tags: Record<string, string> }[])[0]!.tags;
    expect(tags).toEqual({
      "cost-centre": "CC-1",
      "data-classification-policy": "v3",
      domain: "platform",
      environment: "dev",
      "managed-by": "lakeform",
      owner: "data-platform",
    });
    expect(Object.keys(tags)).toEqual(Object.keys(tags).sort());
  });

  it("keeps local state in terraform.<stack>.tfstate at the project root by default", () => {
    expect(backendOf(dev)).toEqual({ local: { path: "../../../terraform.platform-dev.tfstate" } });
  });

  it("uses the environment's S3 backend, one key per stack, in the primary region unless told otherwise", () => {
    const m = withPlatform((p) => {
      p.environments.prod.backend = { type: "s3", bucket: "acme-tfstate-prod" };
    });
    expect(backendOf(synthStackOf(m, "platform-prod"))).toEqual({
      s3: { bucket: "acme-tfstate-prod", key: "lakeform/platform-prod.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true },
    });
    expect(backendOf(synthStackOf(m, "platform-dev"))).toHaveProperty("local");
  });

  it("passes the S3 backend's key prefix, region and KMS key through", () => {
    const key = "arn:aws:kms:eu-central-1:222222222222:key/00000000-0000-0000-0000-000000000002";
    const m = withPlatform((p) => {
      p.environments.prod.backend = { type: "s3", bucket: "acme-tfstate-prod", keyPrefix: "state/lake", region: "eu-central-1", kmsKeyArn: key };
    });
    expect(backendOf(synthStackOf(m, "platform-prod")).s3).toEqual({
      bucket: "acme-tfstate-prod",
      key: "state/lake/platform-prod.tfstate",
      region: "eu-central-1",
      kms_key_id: key,
      encrypt: true,
      use_lockfile: true,
    });
  });
});

describe("PlatformStack endpoints", () => {
  const INTERFACES = [
    "airflow_api",
    "airflow_env",
    "airflow_ops",
    "athena",
    "elasticmapreduce",
    "emr-serverless",
    "events",
    "glue",
    "kms",
    "lakeformation",
    "logs",
    "monitoring",
    "secretsmanager",
    "sqs",
    "states",
    "sts",
  ];
  const endpoints = (tf: TfJson) => resourcesOf(tf, "aws_vpc_endpoint");
  const serviceOf = (name: string) => name.replace(/_/g, ".");

  it("has an interface endpoint for each of 16 services and the S3 gateway, in the environment's VPC and Region", () => {
    expect(Object.keys(endpoints(dev)).sort()).toEqual([...INTERFACES, "s3"].sort());
    expect(INTERFACES).toHaveLength(16);
    for (const [name, e] of Object.entries(endpoints(dev))) {
      expect(e.vpc_id, name).toBe("vpc-0123456789abcdef0");
      expect(e.service_name, name).toBe(`com.amazonaws.eu-west-1.${name === "s3" ? "s3" : serviceOf(name)}`);
    }
    for (const e of Object.values(endpoints(prod))) expect(e.vpc_id).toBe("vpc-0123456789abcdef9");
  });

  it("routes S3 through a gateway on the private route tables", () => {
    expect(resource(dev, "aws_vpc_endpoint", "s3")).toMatchObject({ vpc_endpoint_type: "Gateway", route_table_ids: ["rtb-0123456789abcdef1"] });
    expect(resource(dev, "aws_vpc_endpoint", "s3")).not.toHaveProperty("subnet_ids");
  });

  it("puts every interface endpoint, with private DNS, in the private subnets behind the endpoints' security group", () => {
    for (const name of INTERFACES) {
      expect(resource(dev, "aws_vpc_endpoint", name), name).toMatchObject({
        vpc_endpoint_type: "Interface",
        private_dns_enabled: true,
        subnet_ids: ["subnet-0123456789abcdef1", "subnet-0123456789abcdef2"],
        security_group_ids: ["${aws_security_group.endpoints.id}"],
      });
    }
  });

  it("admits only HTTPS from the VPC's own CIDR to the endpoints, and lets nothing out", () => {
    const sgs = resourcesOf(dev, "aws_security_group");
    expect(Object.keys(sgs)).toEqual(["endpoints"]);
    const sg = sgs.endpoints!;
    expect(sg.vpc_id).toBe("vpc-0123456789abcdef0");
    expect(sg.description).toBe("Interface VPC endpoints of the data lake: HTTPS from inside the VPC only");
    expect(sg.ingress).toEqual([
      expect.objectContaining({ description: "HTTPS from the VPC to the AWS service endpoints", protocol: "tcp", from_port: 443, to_port: 443, cidr_blocks: ["10.0.0.0/16"] }),
    ]);
    const [rule] = sg.ingress as Record<string, unknown>[];
    for (const other of ["ipv6_cidr_blocks", "prefix_list_ids", "security_groups"]) expect([undefined, null, []], other).toContainEqual(rule![other]);
    expect(sg.egress).toEqual([]);
    expect((resourcesOf(prod, "aws_security_group").endpoints!.ingress as Record<string, unknown>[])[0]!.cidr_blocks).toEqual(["10.1.0.0/16"]);
  });

  it("admits only principals of the environment's account through every endpoint when there is no organization", () => {
    for (const [tf, account] of [[dev, "111111111111"], [prod, "222222222222"]] as const) {
      for (const [name, e] of Object.entries(endpoints(tf))) {
        expect(policyOf(e), `${account} ${name}`).toEqual({
          Version: "2012-10-17",
          Statement: [
            { Sid: "OnlyPrincipalsOfTheAllowedAccounts", Effect: "Allow", Principal: "*", Action: "*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalAccount": [account] } } },
          ],
        });
      }
    }
  });

  describe("in the examples", () => {
    const repo = resolve(import.meta.dirname, "../..");
    let examples: { dev: TfJson; prod: TfJson };
    beforeAll(async () => {
      const r = await loadAndValidate(repo);
      if (!r.ok) throw new Error(JSON.stringify(r.problems));
      examples = { dev: synthStackOf(r.model, "platform-dev"), prod: synthStackOf(r.model, "platform-prod") };
    });

    it("scopes prod's endpoint policies to its organization, which its network names", () => {
      for (const [name, e] of Object.entries(endpoints(examples.prod))) {
        expect(policyOf(e).Statement, name).toEqual([
          { Sid: "OnlyPrincipalsOfTheOrganization", Effect: "Allow", Principal: "*", Action: "*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } },
        ]);
      }
      expect(Object.keys(endpoints(examples.prod))).toHaveLength(17);
    });

    it("scopes dev's endpoint policies to its account, since dev's network names no organization", () => {
      for (const [name, e] of Object.entries(endpoints(examples.dev))) {
        expect(policyOf(e).Statement[0]!.Condition, name).toEqual({ StringEquals: { "aws:PrincipalAccount": ["111111111111"] } });
      }
    });

    it("admits HTTPS from each environment's VPC CIDR only, through each environment's route tables and subnets", () => {
      const ingress = (tf: TfJson) => (resourcesOf(tf, "aws_security_group").endpoints!.ingress as Record<string, unknown>[]).map((r) => [r.from_port, r.to_port, r.cidr_blocks]);
      expect(ingress(examples.dev)).toEqual([[443, 443, ["10.10.0.0/16"]]]);
      expect(ingress(examples.prod)).toEqual([[443, 443, ["10.20.0.0/16"]]]);
      expect(resource(examples.prod, "aws_vpc_endpoint", "s3").route_table_ids).toEqual(["rtb-0a1b2c3d4e5f60021", "rtb-0a1b2c3d4e5f60022", "rtb-0a1b2c3d4e5f60023"]);
      expect(resource(examples.prod, "aws_vpc_endpoint", "glue").subnet_ids).toEqual(["subnet-0a1b2c3d4e5f60021", "subnet-0a1b2c3d4e5f60022", "subnet-0a1b2c3d4e5f60023"]);
    });
  });

  it("scopes the endpoint policies to the organization when the platform names one for the environment", () => {
    const m = withPlatform((p) => {
      p.environments.dev.network.organizationId = "o-0123456789";
    });
    const tf = synthStackOf(m, "platform-dev");
    for (const e of Object.values(endpoints(tf))) expect(policyOf(e).Statement[0]!.Condition).toEqual({ StringEquals: { "aws:PrincipalOrgID": "o-0123456789" } });
    // The other environment keeps its account scope.
    expect(policyOf(resource(synthStackOf(m, "platform-prod"), "aws_vpc_endpoint", "s3")).Statement[0]!.Condition).toEqual({ StringEquals: { "aws:PrincipalAccount": ["222222222222"] } });
  });
});
