import { describe, expect, it } from "vitest";
import { defaultPrices, standingCost, totalOf } from "../../generators/review/cost";
import { money } from "../../generators/review/markdown";
import type { StackJson } from "../../generators/stacks/in-memory";

const prices = defaultPrices();
const h = prices.hoursPerMonth;

describe("standingCost", () => {
  it("prices MWAA by class, with workers and schedulers above those included", () => {
    const stack: StackJson = { resource: { aws_mwaa_environment: { mwaa: { environment_class: "mw1.medium", min_workers: 3, schedulers: 3 } } } };
    const m = prices.mwaa;
    const hourly = m.environmentPerHour["mw1.medium"]! + 2 * m.workerPerHour["mw1.medium"]! + 1 * m.schedulerPerHour["mw1.medium"]!;
    expect(standingCost(stack, prices)).toEqual([{ key: "mwaa:mwaa", label: "MWAA mw1.medium, 3 minimum workers, 3 schedulers", monthly: Math.round(hourly * h * 100) / 100 }]);
  });

  it("counts interface endpoints per subnet, not gateway endpoints", () => {
    const stack: StackJson = {
      resource: {
        aws_vpc_endpoint: {
          s3: { vpc_endpoint_type: "Gateway" },
          glue: { vpc_endpoint_type: "Interface", subnet_ids: ["subnet-a", "subnet-b", "subnet-c"] },
          kms: { vpc_endpoint_type: "Interface", subnet_ids: ["subnet-a", "subnet-b"] },
        },
      },
    };
    expect(standingCost(stack, prices)).toEqual([
      { key: "endpoints", label: "2 interface endpoints × their subnets (5 endpoint-AZs)", monthly: Math.round(5 * prices.interfaceEndpointPerAzHour * h * 100) / 100 },
    ]);
  });

  it("counts KMS keys and replicas, and trails without a price", () => {
    const stack: StackJson = { resource: { aws_kms_key: { raw: {}, ops: {} }, aws_kms_replica_key: { raw: {} }, aws_cloudtrail: { audit: {} } } };
    const items = standingCost(stack, prices);
    expect(items).toEqual([
      { key: "kms", label: "3 KMS keys", monthly: 3 * prices.kmsKeyPerMonth },
      { key: "trails", label: "1 CloudTrail data-event trail (usage-based)", monthly: 0 },
    ]);
    expect(totalOf(items)).toBe(3 * prices.kmsKeyPerMonth);
  });

  it("prices pre-initialized EMR Serverless workers by architecture, and nothing without them", () => {
    const app = (architecture: string, initial?: unknown) => ({ resource: { aws_emrserverless_application: { spiky: { architecture, ...(initial ? { initial_capacity: initial } : {}) } } } });
    const initial = [
      { initial_capacity_type: "Driver", initial_capacity_config: { worker_count: 1, worker_configuration: { cpu: "4 vCPU", memory: "16 GB" } } },
      { initial_capacity_type: "Executor", initial_capacity_config: { worker_count: 2, worker_configuration: { cpu: "4 vCPU", memory: "16 GB" } } },
    ];
    const arm = prices.emrServerless.ARM64!;
    expect(standingCost(app("ARM64", initial), prices)).toEqual([
      { key: "emr-serverless:spiky", label: "EMR Serverless spiky: pre-initialized 12 vCPU, 48 GB", monthly: Math.round((12 * arm.vcpuHour + 48 * arm.gbHour) * h * 100) / 100 },
    ]);
    expect(standingCost(app("X86_64", initial), prices)[0]!.monthly).toBeGreaterThan(standingCost(app("ARM64", initial), prices)[0]!.monthly);
    expect(standingCost(app("ARM64"), prices)).toEqual([]);
  });

  it("ships a dated price table with its sources", () => {
    expect(prices.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(prices.currency).toBe("USD");
    expect(prices.sources.length).toBeGreaterThan(0);
    for (const cls of ["mw1.micro", "mw1.small", "mw1.medium", "mw1.large", "mw1.xlarge", "mw1.2xlarge"]) expect(prices.mwaa.environmentPerHour[cls], cls).toBeGreaterThan(0);
  });
});

describe("money", () => {
  it("groups thousands and signs changes without locale data", () => {
    expect(money(1234567.5)).toBe("$1,234,567.50");
    expect(money(12, true)).toBe("+$12.00");
    expect(money(-3.1, true)).toBe("-$3.10");
    expect(money(0, true)).toBe("$0.00");
  });
});
