import { describe, expect, it } from "vitest";
import { EmrServerlessApp, type EmrServerlessAppProps } from "../../../modules/compute/emr-serverless-app";
import { resource, resourcesOf, synthScope, type TfJson } from "../../helpers/synth";

function props(over: Partial<EmrServerlessAppProps> = {}): EmrServerlessAppProps {
  return {
    name: "acme-sales-rollup-dev",
    maximumCapacity: { cpu: "400 vCPU", memory: "3000 GB" },
    vpcId: "vpc-0a1b2c3d4e5f67890",
    vpcCidr: "10.20.0.0/16",
    s3PrefixListId: "pl-6da54004",
    subnetIds: ["subnet-0bbbbbbbbbbbbbbbb", "subnet-0aaaaaaaaaaaaaaaa"],
    securityGroupName: "acme-sales-rollup-dev-emr-serverless",
    ...over,
  };
}

const synth = (p: EmrServerlessAppProps, id = "rollup"): TfJson => synthScope((s) => void new EmrServerlessApp(s, id, p));
const app = (tf: TfJson, name = "rollup") => resource(tf, "aws_emrserverless_application", name);
const sg = (tf: TfJson, name = "rollup") => resource(tf, "aws_security_group", name);

function problemsOf(p: EmrServerlessAppProps): string {
  try {
    synth(p);
  } catch (e) {
    return (e as Error).message;
  }
  return "";
}

describe("EmrServerlessApp", () => {
  it("is an application and its security group, both named after the construct id", () => {
    const tf = synth(props());
    expect(Object.keys(tf.resource).sort()).toEqual(["aws_emrserverless_application", "aws_security_group"]);
    expect(Object.keys(resourcesOf(tf, "aws_emrserverless_application"))).toEqual(["rollup"]);
    expect(Object.keys(resourcesOf(tf, "aws_security_group"))).toEqual(["rollup"]);
  });

  it("uses terraformName instead of the construct id when given", () => {
    const tf = synth(props({ terraformName: "sales_rollup" }), "sales-rollup");
    expect(Object.keys(resourcesOf(tf, "aws_emrserverless_application"))).toEqual(["sales_rollup"]);
    expect(app(tf, "sales_rollup").network_configuration).toMatchObject({ security_group_ids: ["${aws_security_group.sales_rollup.id}"] });
  });

  it("is a Spark application on emr-7.5.0 and Graviton that starts with a job and stops after 15 idle minutes", () => {
    expect(app(synth(props()))).toMatchObject({
      name: "acme-sales-rollup-dev",
      type: "spark",
      release_label: "emr-7.5.0",
      architecture: "ARM64",
      auto_start_configuration: { enabled: true },
      auto_stop_configuration: { enabled: true, idle_timeout_minutes: 15 },
    });
  });

  it("takes release, architecture and idle timeout from the props", () => {
    const a = app(synth(props({ releaseLabel: "emr-7.2.0", architecture: "X86_64", idleTimeoutMinutes: 60 })));
    expect(a).toMatchObject({ release_label: "emr-7.2.0", architecture: "X86_64", auto_stop_configuration: { enabled: true, idle_timeout_minutes: 60 } });
  });

  it("caps capacity, with disk only when given", () => {
    expect(app(synth(props())).maximum_capacity).toEqual({ cpu: "400 vCPU", memory: "3000 GB" });
    const withDisk = app(synth(props({ maximumCapacity: { cpu: "400 vCPU", memory: "3000 GB", disk: "20000 GB" } })));
    expect(withDisk.maximum_capacity).toEqual({ cpu: "400 vCPU", memory: "3000 GB", disk: "20000 GB" });
  });

  it("has no pre-initialized workers unless asked", () => {
    expect(app(synth(props()))).not.toHaveProperty("initial_capacity");
  });

  it("pre-initializes drivers and executors when asked", () => {
    const a = app(
      synth(
        props({
          initialCapacity: {
            driver: { workerCount: 1, cpu: "4 vCPU", memory: "16 GB" },
            executor: { workerCount: 4, cpu: "8 vCPU", memory: "32 GB", disk: "100 GB" },
          },
        }),
      ),
    );
    expect(a.initial_capacity).toEqual([
      { initial_capacity_type: "Driver", initial_capacity_config: { worker_count: 1, worker_configuration: { cpu: "4 vCPU", memory: "16 GB" } } },
      {
        initial_capacity_type: "Executor",
        initial_capacity_config: { worker_count: 4, worker_configuration: { cpu: "8 vCPU", memory: "32 GB", disk: "100 GB" } },
      },
    ]);
  });

  it("has no interactive endpoints", () => {
    expect(app(synth(props())).interactive_configuration).toEqual({ livy_endpoint_enabled: false, studio_enabled: false });
  });

  it("runs in the given subnets (sorted) behind its own security group only", () => {
    expect(app(synth(props())).network_configuration).toEqual({
      subnet_ids: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
      security_group_ids: ["${aws_security_group.rollup.id}"],
    });
  });

  it("sets no monitoring_configuration (provider 5.100 has none)", () => {
    expect(app(synth(props()))).not.toHaveProperty("monitoring_configuration");
  });

  describe("security group", () => {
    it("is in the VPC, with its name and a description", () => {
      expect(sg(synth(props()))).toMatchObject({
        name: "acme-sales-rollup-dev-emr-serverless",
        vpc_id: "vpc-0a1b2c3d4e5f67890",
        description: "EMR Serverless application acme-sales-rollup-dev: HTTPS out to the VPC endpoints and S3 only, nothing in",
      });
    });

    it("admits nothing: ingress is explicitly empty, so a rule added outside Terraform is removed", () => {
      expect(sg(synth(props())).ingress).toEqual([]);
    });

    it("lets out only HTTPS, to the VPC CIDR and to the S3 gateway prefix list, each rule described", () => {
      const egress = sg(synth(props())).egress as Record<string, unknown>[];
      // CDKTF writes every attribute of an inline rule; the ones not used are null.
      const set = egress.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null)));
      expect(set).toEqual([
        {
          description: "HTTPS to the interface VPC endpoints (Glue, Lake Formation, STS, KMS, logs) in the VPC",
          protocol: "tcp",
          from_port: 443,
          to_port: 443,
          cidr_blocks: ["10.20.0.0/16"],
        },
        { description: "HTTPS to S3 through the VPC gateway endpoint", protocol: "tcp", from_port: 443, to_port: 443, prefix_list_ids: ["pl-6da54004"] },
      ]);
      // CKV_AWS_23 / AVD-AWS-0099: every rule and the group described, never with the provider's default text.
      for (const rule of egress) expect(rule.description).not.toMatch(/^$|Managed by Terraform/);
      // CKV_AWS_382 / AVD-AWS-0104: no egress to the internet, no all-protocol rule.
      expect(JSON.stringify(egress)).not.toContain("0.0.0.0/0");
      expect(egress.map((r) => r.protocol)).not.toContain("-1");
    });
  });

  describe("validation", () => {
    it("fails when the VPC CIDR is the internet, a subnet is not a subnet ID and the capacity is not written in units — all in one error", () => {
      expect(problemsOf(props({ vpcCidr: "0.0.0.0/0", subnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "sn-1"], maximumCapacity: { cpu: "400", memory: "3 TB" } }))).toBe(
        [
          "EmrServerlessApp stack/rollup: 4 problems:",
          '  - maximumCapacity.cpu "400" is not written like "400 vCPU"',
          '  - maximumCapacity.memory "3 TB" is not written like "3000 GB"',
          '  - vpcCidr "0.0.0.0/0" is a /0; a VPC CIDR is /16 to /28 (and never 0.0.0.0/0: the egress rule would open the internet)',
          '  - subnetIds[1] "sn-1" is not a subnet ID (like "subnet-0a1b2c3d4e5f67890")',
        ].join("\n"),
      );
    });

    it("fails when there are no subnets", () => {
      expect(problemsOf(props({ subnetIds: [] }))).toContain("subnetIds is empty: give the lake's private subnets");
    });

    it("fails when the VPC CIDR is not a network address", () => {
      expect(problemsOf(props({ vpcCidr: "10.20.1.0/16" }))).toContain('vpcCidr "10.20.1.0/16" is not written as its network address');
    });

    it("fails when the S3 prefix list is not a prefix list ID", () => {
      expect(problemsOf(props({ s3PrefixListId: "com.amazonaws.eu-west-1.s3" }))).toContain('s3PrefixListId "com.amazonaws.eu-west-1.s3" is not a prefix list ID');
    });

    it("fails when the release predates EMR Serverless", () => {
      expect(problemsOf(props({ releaseLabel: "emr-6.5.0" }))).toContain('releaseLabel "emr-6.5.0" is not an EMR Serverless release');
    });

    it("fails when the idle timeout is out of range", () => {
      expect(problemsOf(props({ idleTimeoutMinutes: 0 }))).toContain("idleTimeoutMinutes must be a whole number from 1 to 10080 (7 days); got 0");
    });

    it("fails when a pre-initialized worker has a vCPU count EMR Serverless does not offer", () => {
      const initialCapacity = { driver: { workerCount: 1, cpu: "3 vCPU", memory: "16 GB" }, executor: { workerCount: 2, cpu: "4 vCPU", memory: "16 GB" } };
      expect(problemsOf(props({ initialCapacity }))).toContain('initialCapacity.driver.cpu "3 vCPU": a worker has 1, 2, 4, 8, 16 vCPUs');
    });

    it("fails when pre-initialized workers exceed the maximum capacity", () => {
      const initialCapacity = { driver: { workerCount: 1, cpu: "4 vCPU", memory: "16 GB" }, executor: { workerCount: 10, cpu: "16 vCPU", memory: "120 GB" } };
      const message = problemsOf(props({ maximumCapacity: { cpu: "100 vCPU", memory: "1000 GB" }, initialCapacity }));
      expect(message).toContain('initialCapacity holds 164 vCPU, more than maximumCapacity.cpu "100 vCPU"');
      expect(message).toContain('initialCapacity holds 1216 GB of memory, more than maximumCapacity.memory "1000 GB"');
    });

    it("fails when the security group name starts with sg-", () => {
      expect(problemsOf(props({ securityGroupName: "sg-rollup" }))).toContain('securityGroupName "sg-rollup" must be');
    });
  });
});
