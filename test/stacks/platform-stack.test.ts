import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadAndValidate } from "../../generators/manifest/validate";
import type { Model } from "../../generators/model/types";
import { pipelineStatements } from "../../generators/stacks/platform-stack";
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
  it("holds the Lake Formation settings, the LF-tag taxonomy, the VPC endpoints with their security group, and MWAA with its key, bucket, role and access-log bucket, and reads no data sources", () => {
    expect(Object.keys(dev.resource).sort()).toEqual([
      "aws_ce_cost_allocation_tag",
      "aws_iam_role",
      "aws_iam_role_policies_exclusive",
      "aws_iam_role_policy",
      "aws_iam_role_policy_attachments_exclusive",
      "aws_kms_alias",
      "aws_kms_key",
      "aws_lakeformation_data_lake_settings",
      "aws_lakeformation_lf_tag",
      "aws_mwaa_environment",
      "aws_s3_bucket",
      "aws_s3_bucket_lifecycle_configuration",
      "aws_s3_bucket_logging",
      "aws_s3_bucket_ownership_controls",
      "aws_s3_bucket_policy",
      "aws_s3_bucket_public_access_block",
      "aws_s3_bucket_server_side_encryption_configuration",
      "aws_s3_bucket_versioning",
      "aws_s3_object",
      "aws_security_group",
      "aws_vpc_endpoint",
    ]);
    // One of each MWAA resource, and the two buckets: MWAA's source and the platform's access logs.
    for (const type of ["aws_iam_role", "aws_kms_key", "aws_kms_alias", "aws_mwaa_environment"]) expect(Object.keys(resourcesOf(dev, type)), type).toEqual(["mwaa"]);
    expect(Object.keys(resourcesOf(dev, "aws_s3_bucket")).sort()).toEqual(["access_logs", "mwaa"]);
    expect(Object.keys(resourcesOf(dev, "aws_s3_object"))).toEqual(["mwaa--requirements"]);
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

  // Regression guard: `depends_on` written as "${aws_lakeformation_data_lake_settings.data_lake_settings}"
  // (from `dependsOn = [x.fqn]`) is rejected by Terraform 1.11 ("A single static variable reference is
  // required"), so no platform stack could be planned; the bare address is what Terraform accepts.
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
    "secretsmanager",
    "sqs",
    "states",
    "sts",
  ];
  const endpoints = (tf: TfJson) => resourcesOf(tf, "aws_vpc_endpoint");
  const serviceOf = (name: string) => name.replace(/_/g, ".");

  it("has an interface endpoint for each of 18 services and the S3 gateway, in the environment's VPC and Region", () => {
    expect(Object.keys(endpoints(dev)).sort()).toEqual([...INTERFACES, "s3"].sort());
    expect(INTERFACES).toHaveLength(18);
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
    // The endpoints' group, and MWAA's own (its rules are the MwaaEnvironment module's).
    expect(Object.keys(sgs).sort()).toEqual(["endpoints", "mwaa"]);
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

  /** The S3 gateway's one extra statement: reads of the AWS-owned bucket ECR serves MWAA's image layers from. */
  const ECR_LAYERS = { Sid: "EcrImageLayers", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*" };
  const EMR_REPOS = {
    Sid: "EmrNodePackageRepositories",
    Effect: "Allow",
    Principal: "*",
    Action: "s3:GetObject",
    Resource: ["arn:aws:s3:::al2023-repos-eu-west-1-de612dc2/*", "arn:aws:s3:::repo.eu-west-1.emr.amazonaws.com/*"],
  };

  it("admits only principals of the environment's account through every endpoint when there is no organization, and ECR's layer reads through the S3 gateway", () => {
    for (const [tf, account] of [[dev, "111111111111"], [prod, "222222222222"]] as const) {
      for (const [name, e] of Object.entries(endpoints(tf))) {
        expect(policyOf(e), `${account} ${name}`).toEqual({
          Version: "2012-10-17",
          Statement: [
            { Sid: "OnlyPrincipalsOfTheAllowedAccounts", Effect: "Allow", Principal: "*", Action: "*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalAccount": [account] } } },
            ...(name === "s3" ? [ECR_LAYERS, EMR_REPOS] : []),
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
          ...(name === "s3" ? [ECR_LAYERS, EMR_REPOS] : []),
        ]);
      }
      expect(Object.keys(endpoints(examples.prod))).toHaveLength(19);
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

describe("PlatformStack MWAA", () => {
  const airflowBucket = (env: string, account: string) => `acme-platform-airflow-${env}-${account}-eu-west-1`;
  const logBucket = (env: string, account: string) => `acme-platform-logs-${env}-${account}-eu-west-1`;
  const LOG_TYPES = ["dag_processing_logs", "scheduler_logs", "task_logs", "webserver_logs", "worker_logs"];

  it("runs one private environment with all five log types at INFO, under its own key and role, in two private subnets, reading DAGs from its bucket", () => {
    expect(resource(dev, "aws_mwaa_environment", "mwaa")).toEqual({
      name: "acme-dev",
      airflow_version: "2.10.3",
      environment_class: "mw1.small",
      min_workers: 1,
      max_workers: 5,
      schedulers: 2,
      webserver_access_mode: "PRIVATE_ONLY",
      endpoint_management: "SERVICE",
      kms_key: "${aws_kms_key.mwaa.arn}",
      source_bucket_arn: `arn:aws:s3:::${airflowBucket("dev", "111111111111")}`,
      dag_s3_path: "dags/",
      requirements_s3_path: "requirements.txt",
      requirements_s3_object_version: "${aws_s3_object.mwaa--requirements.version_id}",
      execution_role_arn: "${aws_iam_role.mwaa.arn}",
      network_configuration: { security_group_ids: ["${aws_security_group.mwaa.id}"], subnet_ids: ["subnet-0123456789abcdef1", "subnet-0123456789abcdef2"] },
      logging_configuration: Object.fromEntries(LOG_TYPES.map((t) => [t, { enabled: true, log_level: "INFO" }])),
      airflow_configuration_options: { "core.load_default_connections": "false", "core.load_examples": "false" },
      // No domain of the fixture has a pipeline, so there is no DAG policy to wait for.
      depends_on: ["aws_iam_role_policy.mwaa__environment", "aws_s3_bucket_policy.mwaa"],
    });
    expect(resource(dev, "aws_s3_bucket", "mwaa").bucket).toBe(airflowBucket("dev", "111111111111"));
    expect(resource(dev, "aws_iam_role", "mwaa").name).toBe("acme-platform-mwaa-dev-eu-west-1");
    expect(resource(dev, "aws_security_group", "mwaa")).toMatchObject({ name: "acme-dev-mwaa", vpc_id: "vpc-0123456789abcdef0" });
  });

  it("names prod's environment, bucket, key, role and subnets after prod", () => {
    const e = resource(prod, "aws_mwaa_environment", "mwaa");
    expect(e).toMatchObject({
      name: "acme-prod",
      source_bucket_arn: `arn:aws:s3:::${airflowBucket("prod", "222222222222")}`,
      network_configuration: { subnet_ids: ["subnet-0123456789abcdef3", "subnet-0123456789abcdef4"] },
    });
    expect(resource(prod, "aws_kms_alias", "mwaa").name).toBe("alias/acme/prod/platform/mwaa");
    expect(resource(prod, "aws_iam_role", "mwaa").name).toBe("acme-platform-mwaa-prod-eu-west-1");
    expect(policyOf(resource(prod, "aws_iam_role", "mwaa"), "assume_role_policy").Statement[0]!.Condition).toEqual({ StringEquals: { "aws:SourceAccount": "222222222222" } });
  });

  it("keeps its key single-Region, the one key that is (MWAA refuses multi-Region keys), rotating yearly, with the environment's alias", () => {
    for (const [tf, env] of [[dev, "dev"], [prod, "prod"]] as const) {
      expect(Object.keys(resourcesOf(tf, "aws_kms_key")), env).toEqual(["mwaa"]);
      expect(resource(tf, "aws_kms_key", "mwaa"), env).toMatchObject({ multi_region: false, enable_key_rotation: true, rotation_period_in_days: 365, customer_master_key_spec: "SYMMETRIC_DEFAULT" });
      expect(resource(tf, "aws_kms_alias", "mwaa"), env).toEqual({ name: `alias/acme/${env}/platform/mwaa`, target_key_id: "${aws_kms_key.mwaa.key_id}" });
    }
  });

  it("takes the version, class, workers, schedulers and pinned requirements from the platform manifest, requirements sorted one a line", () => {
    const m = withPlatform((p) => {
      p.mwaa = { airflowVersion: "2.9.2", environmentClass: "mw1.medium", minWorkers: 2, maxWorkers: 8, schedulers: 3, requirements: ["pandas==2.2.3", "apache-airflow-providers-slack==8.9.0"] };
    });
    const tf = synthStackOf(m, "platform-prod");
    expect(resource(tf, "aws_mwaa_environment", "mwaa")).toMatchObject({ airflow_version: "2.9.2", environment_class: "mw1.medium", min_workers: 2, max_workers: 8, schedulers: 3 });
    expect(resource(tf, "aws_s3_object", "mwaa--requirements")).toMatchObject({
      bucket: "${aws_s3_bucket.mwaa.id}",
      key: "requirements.txt",
      content: "apache-airflow-providers-slack==8.9.0\npandas==2.2.3\n",
      server_side_encryption: "aws:kms",
      kms_key_id: "${aws_kms_key.mwaa.arn}",
    });
    // The defaults: no extra requirements, an empty file.
    expect(resource(dev, "aws_s3_object", "mwaa--requirements").content).toBe("");
  });

  it("keeps the source bucket's access logs in the platform's access-log bucket: SSE-S3, written only by S3 log delivery for that bucket, no notifications", () => {
    for (const [tf, env, account] of [[dev, "dev", "111111111111"], [prod, "prod", "222222222222"]] as const) {
      expect(resource(tf, "aws_s3_bucket", "access_logs").bucket, env).toBe(logBucket(env, account));
      expect(resource(tf, "aws_s3_bucket_logging", "mwaa"), env).toEqual({ bucket: "${aws_s3_bucket.mwaa.id}", target_bucket: "${aws_s3_bucket.access_logs.id}", target_prefix: "mwaa/" });
      // Only the MWAA bucket logs; the log bucket itself does not.
      expect(Object.keys(resourcesOf(tf, "aws_s3_bucket_logging")), env).toEqual(["mwaa"]);
      expect((resource(tf, "aws_s3_bucket_server_side_encryption_configuration", "access_logs").rule as unknown[])[0], env).toEqual({ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } });
      const policy = policyOf(resource(tf, "aws_s3_bucket_policy", "access_logs"));
      expect(policy.Statement.map((st) => st.Sid), env).toEqual(["DenyInsecureTransport", "DenyOutdatedTls", "AllowS3ServerAccessLogDelivery"]);
      expect(policy.Statement[2], env).toEqual({
        Sid: "AllowS3ServerAccessLogDelivery",
        Effect: "Allow",
        Principal: { Service: "logging.s3.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `arn:aws:s3:::${logBucket(env, account)}/*`,
        Condition: { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": [`arn:aws:s3:::${airflowBucket(env, account)}`] } },
      });
      expect(resource(tf, "aws_s3_bucket_lifecycle_configuration", "access_logs").rule, env).toEqual([
        expect.objectContaining({ status: "Enabled", expiration: [{ days: 400 }], noncurrent_version_expiration: [{ noncurrent_days: 30 }], abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] }),
      ]);
      expect(resourcesOf(tf, "aws_s3_bucket_notification"), env).toEqual({});
    }
  });

  it("encrypts the source bucket with the environment's key and takes uploads naming that key, by ARN or by alias", () => {
    expect((resource(dev, "aws_s3_bucket_server_side_encryption_configuration", "mwaa").rule as unknown[])[0]).toEqual({
      apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "${aws_kms_key.mwaa.arn}" },
      bucket_key_enabled: true,
    });
    const guard = policyOf(resource(dev, "aws_s3_bucket_policy", "mwaa")).Statement.find((st) => st.Sid === "DenyUploadsWithOtherKeys");
    // Domain stacks upload DAGs naming the key by its alias ARN, the only name they know.
    expect(guard?.Condition).toEqual({
      StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": ["${aws_kms_key.mwaa.arn}", "arn:aws:kms:eu-west-1:111111111111:alias/acme/dev/platform/mwaa"] },
    });
    expect(resource(dev, "aws_s3_bucket_versioning", "mwaa").versioning_configuration).toEqual({ status: "Enabled" });
  });

  it("gives the DAGs no permissions when no domain of the environment has a pipeline", () => {
    expect(pipelineStatements(model, model.environments.find((e) => e.name === "dev")!)).toEqual([]);
    expect(Object.keys(resourcesOf(dev, "aws_iam_role_policy"))).toEqual(["mwaa__environment"]);
    expect(resource(dev, "aws_iam_role_policies_exclusive", "mwaa").policy_names).toEqual(["environment"]);
  });

  it("builds the DAG permissions of one environment from the pipelines deployed there only", () => {
    const d = domainFixture();
    d.tables.push({ name: "daily", zone: "curated", columns: [{ name: "day", type: "date" }], quality: ["RowCount > 0"] });
    d.jobs = [{ name: "daily", engine: "glue", script: "jobs/daily.py", reads: ["processed.orders"], writes: ["curated.daily"], processesPii: "Aggregates orders by e-mail." }];
    d.pipeline = { schedule: "@daily", tasks: [{ name: "daily", job: "daily" }] };
    d.environments = ["prod"];
    const m = modelFrom(platformFixture(), [d]);
    // A Glue job only: no EMR Serverless or quality statement, no PassRole (Glue jobs run as their own role).
    expect(pipelineStatements(m, m.environments.find((e) => e.name === "prod")!)).toEqual([
      {
        Sid: "RunPipelineGlueJobs",
        Effect: "Allow",
        Action: ["glue:BatchStopJobRun", "glue:GetJob", "glue:GetJobRun", "glue:GetJobRuns", "glue:StartJobRun"],
        Resource: ["arn:aws:glue:eu-west-1:222222222222:job/sales-prod-daily"],
      },
    ]);
    // The table's rules exist, but no task gates on them: the DAGs may not evaluate them.
    expect(pipelineStatements(m, m.environments.find((e) => e.name === "dev")!)).toEqual([]);
    expect(Object.keys(resourcesOf(synthStackOf(m, "platform-prod"), "aws_iam_role_policy")).sort()).toEqual(["mwaa__dags", "mwaa__environment"]);
  });

  describe("in the examples", () => {
    const repo = resolve(import.meta.dirname, "../..");
    let examples: Model;
    let stacks: Record<string, TfJson>;
    beforeAll(async () => {
      const r = await loadAndValidate(repo);
      if (!r.ok) throw new Error(JSON.stringify(r.problems));
      examples = r.model;
      stacks = Object.fromEntries(r.model.stacks.map((s) => [s.name, synthStackOf(r.model, s.name)]));
    });

    /** What the examples' pipelines need in one environment, written out by hand. */
    const expectedDagStatements = (env: string, account: string) => [
      {
        Sid: "RunPipelineGlueJobs",
        Effect: "Allow",
        Action: ["glue:BatchStopJobRun", "glue:GetJob", "glue:GetJobRun", "glue:GetJobRuns", "glue:StartJobRun"],
        // cdr's two Glue jobs; clickstream's campaign-hourly and billing's monthly-invoices run on their own schedules, outside any DAG.
        Resource: [`arn:aws:glue:eu-west-1:${account}:job/cdr-${env}-conform-calls`, `arn:aws:glue:eu-west-1:${account}:job/cdr-${env}-subscriber-daily`],
      },
      {
        Sid: "RunPipelineEmrServerlessJobs",
        Effect: "Allow",
        Action: ["emr-serverless:CancelJobRun", "emr-serverless:GetApplication", "emr-serverless:GetJobRun", "emr-serverless:StartApplication", "emr-serverless:StartJobRun"],
        Resource: [`arn:aws:emr-serverless:eu-west-1:${account}:/applications/*`],
        Condition: { StringEquals: { "aws:ResourceTag/managed-by": "lakeform", "aws:ResourceTag/environment": env } },
      },
      {
        Sid: "PassEmrServerlessJobRoles",
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: [`arn:aws:iam::${account}:role/acme-clickstream-job-conform-events-${env}-eu-west-1`],
        Condition: { StringEquals: { "iam:PassedToService": "emr-serverless.amazonaws.com" } },
      },
      {
        Sid: "RunPipelineQualityGates",
        Effect: "Allow",
        Action: ["glue:GetDataQualityResult", "glue:GetDataQualityRuleset", "glue:GetDataQualityRulesetEvaluationRun", "glue:StartDataQualityRulesetEvaluationRun"],
        Resource: [
          `arn:aws:glue:eu-west-1:${account}:dataQualityRuleset/cdr-${env}-curated-cell_daily`,
          `arn:aws:glue:eu-west-1:${account}:dataQualityRuleset/cdr-${env}-curated-subscriber_daily`,
          `arn:aws:glue:eu-west-1:${account}:dataQualityRuleset/clickstream-${env}-processed-impressions`,
        ],
      },
      {
        Sid: "PassQualityRoles",
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: [`arn:aws:iam::${account}:role/acme-cdr-quality-${env}-eu-west-1`, `arn:aws:iam::${account}:role/acme-clickstream-quality-${env}-eu-west-1`],
        Condition: { StringEquals: { "iam:PassedToService": "glue.amazonaws.com" } },
      },
      // cdr's fleet job: its state machine, and that machine's executions (named by Step Functions).
      { Sid: "StartPipelineFleetStateMachines", Effect: "Allow", Action: "states:StartExecution", Resource: [`arn:aws:states:eu-west-1:${account}:stateMachine:cdr-${env}-cell-traffic`] },
      {
        Sid: "WatchPipelineFleetExecutions",
        Effect: "Allow",
        Action: ["states:DescribeExecution", "states:StopExecution"],
        Resource: [`arn:aws:states:eu-west-1:${account}:execution:cdr-${env}-cell-traffic:*`],
      },
      {
        // EMR on EKS takes the execution role through a condition key, not iam:PassRole.
        Sid: "StartPipelineEmrEksJobRuns",
        Effect: "Allow",
        Action: "emr-containers:StartJobRun",
        Resource: [`arn:aws:emr-containers:eu-west-1:${account}:/virtualclusters/*`],
        Condition: {
          StringEquals: {
            "aws:ResourceTag/managed-by": "lakeform",
            "aws:ResourceTag/environment": env,
            "emr-containers:ExecutionRoleArn": [`arn:aws:iam::${account}:role/acme-clickstream-job-ctr-features-${env}-eu-west-1`],
          },
        },
      },
      {
        Sid: "WatchPipelineEmrEksJobRuns",
        Effect: "Allow",
        Action: ["emr-containers:CancelJobRun", "emr-containers:DescribeJobRun"],
        Resource: [`arn:aws:emr-containers:eu-west-1:${account}:/virtualclusters/*/jobruns/*`],
        Condition: { StringEquals: { "aws:ResourceTag/managed-by": "lakeform", "aws:ResourceTag/environment": env } },
      },
      // cdr's Athena step: its workgroup, the catalog entries of processed.calls (read) and curated.cell_daily (inserted into).
      {
        Sid: "RunPipelineAthenaQueries",
        Effect: "Allow",
        Action: ["athena:GetQueryExecution", "athena:GetWorkGroup", "athena:StartQueryExecution", "athena:StopQueryExecution"],
        Resource: [`arn:aws:athena:eu-west-1:${account}:workgroup/cdr-pipeline-curated-${env}`],
      },
      {
        Sid: "PipelineQueriesReadCatalog",
        Effect: "Allow",
        Action: ["glue:BatchGetPartition", "glue:GetDatabase", "glue:GetPartition", "glue:GetPartitions", "glue:GetTable"],
        Resource: [
          `arn:aws:glue:eu-west-1:${account}:catalog`,
          `arn:aws:glue:eu-west-1:${account}:database/cdr_curated_${env}`,
          `arn:aws:glue:eu-west-1:${account}:database/cdr_processed_${env}`,
          `arn:aws:glue:eu-west-1:${account}:table/cdr_curated_${env}/cell_daily`,
          `arn:aws:glue:eu-west-1:${account}:table/cdr_processed_${env}/calls`,
        ],
      },
      {
        Sid: "PipelineQueriesAddPartitions",
        Effect: "Allow",
        Action: ["glue:BatchCreatePartition", "glue:CreatePartition", "glue:UpdatePartition"],
        Resource: [`arn:aws:glue:eu-west-1:${account}:catalog`, `arn:aws:glue:eu-west-1:${account}:database/cdr_curated_${env}`, `arn:aws:glue:eu-west-1:${account}:table/cdr_curated_${env}/cell_daily`],
      },
      { Sid: "PipelineQueriesLakeFormationData", Effect: "Allow", Action: "lakeformation:GetDataAccess", Resource: "*" },
    ];

    it("lets the DAGs start and watch exactly the pipelines' Glue jobs, EMR Serverless, EMR on EKS and fleet runs, quality evaluations and Athena statements, and pass exactly their roles", () => {
      for (const [env, account] of [["dev", "111111111111"], ["prod", "222222222222"]] as const) {
        const tf = stacks[`platform-${env}`]!;
        expect(pipelineStatements(examples, examples.environments.find((e) => e.name === env)!), env).toEqual(expectedDagStatements(env, account));
        expect(policyOf(resource(tf, "aws_iam_role_policy", "mwaa__dags")), env).toEqual({ Version: "2012-10-17", Statement: expectedDagStatements(env, account) });
        expect(resource(tf, "aws_iam_role_policy", "mwaa__dags").role, env).toBe("${aws_iam_role.mwaa.name}");
        expect(resource(tf, "aws_iam_role_policies_exclusive", "mwaa").policy_names, env).toEqual(["dags", "environment"]);
        // The environment is created only once the DAGs' permissions are in place too.
        expect(resource(tf, "aws_mwaa_environment", "mwaa").depends_on, env).toEqual(["aws_iam_role_policy.mwaa__dags", "aws_iam_role_policy.mwaa__environment", "aws_s3_bucket_policy.mwaa"]);
      }
    });

    it("names only Glue jobs, rulesets and roles the domain stacks create, and conditions EMR Serverless on tags their provider puts on every application", () => {
      for (const env of ["dev", "prod"]) {
        const statements = policyOf(resource(stacks[`platform-${env}`]!, "aws_iam_role_policy", "mwaa__dags")).Statement;
        const resources = (sid: string) => statements.find((st) => st.Sid === sid)!.Resource as string[];
        const domainStacks = examples.stacks.filter((s) => s.kind === "domain" && s.environment === env).map((s) => stacks[s.name]!);
        const all = (type: string, attr: string) => domainStacks.flatMap((tf) => Object.values(resourcesOf(tf, type)).map((r) => r[attr] as string));
        for (const arn of resources("RunPipelineGlueJobs")) expect(all("aws_glue_job", "name"), arn).toContain(arn.slice(arn.indexOf(":job/") + 5));
        for (const arn of resources("StartPipelineFleetStateMachines")) expect(all("aws_sfn_state_machine", "name"), arn).toContain(arn.slice(arn.indexOf(":stateMachine:") + 14));
        for (const arn of resources("RunPipelineQualityGates")) expect(all("aws_glue_data_quality_ruleset", "name"), arn).toContain(arn.slice(arn.indexOf(":dataQualityRuleset/") + 20));
        for (const arn of [...resources("PassEmrServerlessJobRoles"), ...resources("PassQualityRoles")]) expect(all("aws_iam_role", "name"), arn).toContain(arn.slice(arn.indexOf(":role/") + 6));
        // Every domain stack with an EMR Serverless application tags it (provider default tags) as the condition requires.
        const condition = statements.find((st) => st.Sid === "RunPipelineEmrServerlessJobs")!.Condition!.StringEquals!;
        const withApps = domainStacks.filter((tf) => Object.keys(resourcesOf(tf, "aws_emrserverless_application")).length > 0);
        expect(withApps.length, env).toBeGreaterThan(0);
        for (const tf of withApps) {
          const tags = (tf.provider!.aws![0]!.default_tags as { tags: Record<string, string> }[])[0]!.tags;
          expect(tags, env).toMatchObject({ "managed-by": condition["aws:ResourceTag/managed-by"], environment: condition["aws:ResourceTag/environment"] });
        }
        // Virtual clusters carry the same default tags; job runs carry them because the DAG tags each run.
        for (const sid of ["StartPipelineEmrEksJobRuns", "WatchPipelineEmrEksJobRuns"]) {
          const c = statements.find((st) => st.Sid === sid)!.Condition!.StringEquals!;
          const withClusters = domainStacks.filter((tf) => Object.keys(resourcesOf(tf, "aws_emrcontainers_virtual_cluster")).length > 0);
          expect(withClusters.length, env).toBe(1);
          for (const tf of withClusters) {
            expect((tf.provider!.aws![0]!.default_tags as { tags: Record<string, string> }[])[0]!.tags, env).toMatchObject({ "managed-by": c["aws:ResourceTag/managed-by"], environment: c["aws:ResourceTag/environment"] });
            const dag = resource(tf, "aws_s3_object", "dag").content as string;
            expect(dag, env).toContain(`"managed-by": "${c["aws:ResourceTag/managed-by"]}",`);
            expect(dag, env).toContain(`"environment": "${c["aws:ResourceTag/environment"]}",`);
          }
        }
        for (const arn of statements.find((st) => st.Sid === "StartPipelineEmrEksJobRuns")!.Condition!.StringEquals!["emr-containers:ExecutionRoleArn"] as string[]) {
          expect(all("aws_iam_role", "name"), arn).toContain(arn.slice(arn.indexOf(":role/") + 6));
        }
      }
    });

    it("puts each environment's MWAA in the first two of its three private subnets", () => {
      expect((resource(stacks["platform-dev"]!, "aws_mwaa_environment", "mwaa").network_configuration as Record<string, unknown>).subnet_ids).toEqual([
        "subnet-0a1b2c3d4e5f60011",
        "subnet-0a1b2c3d4e5f60012",
      ]);
      expect((resource(stacks["platform-prod"]!, "aws_mwaa_environment", "mwaa").network_configuration as Record<string, unknown>).subnet_ids).toEqual([
        "subnet-0a1b2c3d4e5f60021",
        "subnet-0a1b2c3d4e5f60022",
      ]);
      for (const env of ["dev", "prod"]) {
        const e = resource(stacks[`platform-${env}`]!, "aws_mwaa_environment", "mwaa");
        expect(e, env).toMatchObject({ webserver_access_mode: "PRIVATE_ONLY", kms_key: "${aws_kms_key.mwaa.arn}" });
        expect(e.logging_configuration, env).toEqual(Object.fromEntries(LOG_TYPES.map((t) => [t, { enabled: true, log_level: "INFO" }])));
        expect(resource(stacks[`platform-${env}`]!, "aws_kms_key", "mwaa").multi_region, env).toBe(false);
      }
    });
  });
});
