import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { StackJson } from "../stacks/in-memory";

/**
 * Standing monthly cost of a synthesized stack: what its resources cost
 * while nothing runs. Usage (job runs, queries, storage, requests, data
 * events) is left out: it depends on data, not on the manifests.
 */

export interface PriceTable {
  readonly asOf: string;
  readonly region: string;
  readonly currency: string;
  readonly hoursPerMonth: number;
  readonly note: string;
  readonly sources: readonly string[];
  readonly mwaa: {
    readonly includedWorkers: number;
    readonly includedSchedulers: number;
    readonly environmentPerHour: Readonly<Record<string, number>>;
    readonly workerPerHour: Readonly<Record<string, number>>;
    readonly schedulerPerHour: Readonly<Record<string, number>>;
  };
  readonly interfaceEndpointPerAzHour: number;
  readonly kmsKeyPerMonth: number;
  readonly emrServerless: Readonly<Record<string, { readonly vcpuHour: number; readonly gbHour: number }>>;
  readonly cloudTrailDataEventsPer100k: number;
}

/** The price table shipped with Lakeform (`generators/review/aws-prices.json`). */
export function defaultPrices(): PriceTable {
  return JSON.parse(readFileSync(join(import.meta.dirname, "aws-prices.json"), "utf8")) as PriceTable;
}

export interface CostItem {
  /** Stable key, for comparing the two sides: `mwaa`, `endpoints`, `kms`, `trails`, `emr-serverless:<app>`. */
  readonly key: string;
  readonly label: string;
  /** Per month, in the table's currency, rounded to cents. */
  readonly monthly: number;
}

type Resources = Readonly<Record<string, Readonly<Record<string, unknown>>>>;
const cents = (n: number) => Math.round(n * 100) / 100;
const num = (v: unknown, fallback: number) => (typeof v === "number" ? v : fallback);
const amount = (s: unknown) => Number.parseFloat(String(s ?? "0"));

export function standingCost(stack: StackJson, prices: PriceTable): CostItem[] {
  const r = stack.resource ?? {};
  const of = (type: string): Resources => (r[type] ?? {}) as Resources;
  const h = prices.hoursPerMonth;
  const items: CostItem[] = [];

  for (const [name, env] of Object.entries(of("aws_mwaa_environment")).sort()) {
    const cls = String(env.environment_class ?? "mw1.small");
    const workers = num(env.min_workers, 1);
    const schedulers = num(env.schedulers, 2);
    const extraWorkers = Math.max(0, workers - prices.mwaa.includedWorkers);
    const extraSchedulers = Math.max(0, schedulers - prices.mwaa.includedSchedulers);
    const hourly = (prices.mwaa.environmentPerHour[cls] ?? 0) + extraWorkers * (prices.mwaa.workerPerHour[cls] ?? 0) + extraSchedulers * (prices.mwaa.schedulerPerHour[cls] ?? 0);
    items.push({ key: `mwaa:${name}`, label: `MWAA ${cls}, ${workers} minimum worker${workers === 1 ? "" : "s"}, ${schedulers} scheduler${schedulers === 1 ? "" : "s"}`, monthly: cents(hourly * h) });
  }

  const interfaces = Object.values(of("aws_vpc_endpoint")).filter((e) => e.vpc_endpoint_type === "Interface");
  if (interfaces.length > 0) {
    const azHours = interfaces.reduce((n, e) => n + (Array.isArray(e.subnet_ids) ? e.subnet_ids.length : 1), 0);
    items.push({ key: "endpoints", label: `${interfaces.length} interface endpoints × their subnets (${azHours} endpoint-AZs)`, monthly: cents(azHours * prices.interfaceEndpointPerAzHour * h) });
  }

  const keys = Object.keys(of("aws_kms_key")).length + Object.keys(of("aws_kms_replica_key")).length;
  if (keys > 0) items.push({ key: "kms", label: `${keys} KMS key${keys === 1 ? "" : "s"}`, monthly: cents(keys * prices.kmsKeyPerMonth) });

  for (const [name, app] of Object.entries(of("aws_emrserverless_application")).sort()) {
    const initial = (app.initial_capacity ?? []) as { initial_capacity_config?: { worker_count?: number; worker_configuration?: { cpu?: string; memory?: string } } }[];
    if (initial.length === 0) continue;
    const rate = prices.emrServerless[String(app.architecture ?? "X86_64")] ?? prices.emrServerless.X86_64!;
    let vcpus = 0;
    let gb = 0;
    for (const c of initial) {
      const n = c.initial_capacity_config?.worker_count ?? 0;
      vcpus += n * amount(c.initial_capacity_config?.worker_configuration?.cpu);
      gb += n * amount(c.initial_capacity_config?.worker_configuration?.memory);
    }
    items.push({ key: `emr-serverless:${name}`, label: `EMR Serverless ${name}: pre-initialized ${vcpus} vCPU, ${gb} GB`, monthly: cents((vcpus * rate.vcpuHour + gb * rate.gbHour) * h) });
  }

  const trails = Object.keys(of("aws_cloudtrail")).length;
  if (trails > 0) items.push({ key: "trails", label: `${trails} CloudTrail data-event trail${trails === 1 ? "" : "s"} (usage-based)`, monthly: 0 });
  return items;
}

export const totalOf = (items: readonly CostItem[]) => cents(items.reduce((n, i) => n + i.monthly, 0));
