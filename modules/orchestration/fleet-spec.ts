/**
 * The fleet spec of a transient EMR cluster and its rules, with no CDKTF in
 * it: the manifest validation runs `fleetProblems` on a job's fleet before
 * any stack exists, and the state machine runs it again on its props.
 */

/**
 * One instance fleet. Every instance type counts as one unit of capacity
 * (EMR's default weighted capacity), so capacities are numbers of instances.
 */
export interface InstanceFleetSpec {
  /** Instance types EMR may fill the fleet with, e.g. `["r6g.2xlarge"]`. */
  readonly instanceTypes: readonly string[];
  /**
   * On-Demand instances.
   * @default 0
   */
  readonly onDemandCapacity?: number;
  /**
   * Spot instances.
   * @default 0
   */
  readonly spotCapacity?: number;
}

/** The task fleet: Spot capacity that can be lost without losing the job. */
export interface TaskFleetSpec extends InstanceFleetSpec {
  /**
   * How EMR picks Spot pools; only `price-capacity-optimized` is allowed
   * (cheapest among the pools least likely to be interrupted).
   * @default "price-capacity-optimized"
   */
  readonly spotAllocationStrategy?: string;
  /**
   * Minutes EMR waits for Spot capacity at launch before it provisions the
   * rest On-Demand (5–1440).
   * @default 10
   */
  readonly spotTimeoutMinutes?: number;
}

/** The instance fleets, scaling and lifetime of a transient cluster: what the fleet rules judge. */
export interface FleetSpec {
  /**
   * EMR release; emr-6.15.0 or later (runtime roles with Lake Formation).
   * @default "emr-7.5.0"
   */
  readonly releaseLabel?: string;
  /** Primary (master) fleet: exactly one On-Demand instance. */
  readonly primary: InstanceFleetSpec;
  /** Core fleet: On-Demand only, as core nodes hold HDFS and shuffle data and the application masters. */
  readonly core: InstanceFleetSpec;
  /** Task fleet: Spot only, from at least three instance types in at least two families. */
  readonly task: TaskFleetSpec;
  /**
   * EMR managed scaling of the core and task fleets, in instances, with
   * minimum ≤ core On-Demand capacity ≤ maximum. The core fleet never grows
   * past its On-Demand capacity: growth is Spot task nodes.
   */
  readonly managedScaling: { readonly minimumCapacityUnits: number; readonly maximumCapacityUnits: number };
  /**
   * Seconds without work after which the cluster terminates itself (60–86400):
   * the backstop if an execution is stopped before it terminates the cluster.
   * @default 600
   */
  readonly idleTimeoutSeconds?: number;
}

export const DEFAULT_RELEASE_LABEL = "emr-7.5.0";
export const DEFAULT_IDLE_TIMEOUT_SECONDS = 600;
export const DEFAULT_SPOT_TIMEOUT_MINUTES = 10;
export const ALLOCATION_STRATEGY = "price-capacity-optimized";

/**
 * The Spark settings every cluster gets: Adaptive Query Execution splits
 * skewed partitions and coalesces small ones at runtime, and executors follow
 * the stage's demand. Extra properties may not turn them off.
 */
export const FIXED_SPARK_DEFAULTS: Readonly<Record<string, string>> = {
  "spark.dynamicAllocation.enabled": "true",
  "spark.sql.adaptive.coalescePartitions.enabled": "true",
  "spark.sql.adaptive.enabled": "true",
  "spark.sql.adaptive.skewJoin.enabled": "true",
};

/** A CDKTF token (`${TfToken[…]}`): a value known only at apply, which the rules do not judge. */
const isToken = (s: string) => s.includes("${");

const RELEASE_LABEL = /^emr-(\d+)\.(\d+)\.(\d+)$/;
/** `r6g.2xlarge`, `m7i-flex.large`. */
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;

/**
 * The family of an instance type: the leading letters of the part before the
 * first ".", so `r6g.4xlarge`, `r6i.4xlarge` and `r5.4xlarge` are family "r",
 * `m6g.8xlarge` family "m". Types of one family share a profile (memory per
 * vCPU) and tend to share Spot capacity pressure; types of two families come
 * from more independent pools.
 */
export function instanceFamily(instanceType: string): string {
  return /^[a-z]*/.exec(instanceType.split(".")[0] ?? "")![0];
}

const isWhole = (n: number) => Number.isInteger(n);

/**
 * The fleet rules of a transient cluster, one sentence each; empty when the
 * spec keeps them. Primary and core are On-Demand (losing one to a Spot
 * interruption loses the job); the task fleet is Spot from a diversified menu
 * with price-capacity-optimized allocation; managed scaling, idle timeout and
 * release label are in range.
 */
export function fleetProblems(spec: FleetSpec): string[] {
  const out: string[] = [];
  const fleets = [
    ["primary", spec.primary],
    ["core", spec.core],
    ["task", spec.task],
  ] as const;
  for (const [name, f] of fleets) {
    if (f.instanceTypes.length === 0) out.push(`${name}.instanceTypes is empty: name at least one instance type`);
    const seen = new Set<string>();
    for (const [i, t] of f.instanceTypes.entries()) {
      if (!isToken(t) && !INSTANCE_TYPE.test(t)) out.push(`${name}.instanceTypes[${i}] "${t}" is not an EC2 instance type (like "r6g.2xlarge")`);
      if (seen.has(t)) out.push(`${name}.instanceTypes[${i}] "${t}" is listed twice`);
      seen.add(t);
    }
    for (const field of ["onDemandCapacity", "spotCapacity"] as const) {
      const n = f[field];
      if (n !== undefined && (!isWhole(n) || n < 0)) out.push(`${name}.${field} must be a whole number, 0 or more; got ${n}`);
    }
  }

  const primary = spec.primary;
  if ((primary.spotCapacity ?? 0) > 0) {
    out.push(`primary.spotCapacity is ${primary.spotCapacity}: the primary node runs the cluster, and a Spot interruption would end the job; use onDemandCapacity 1`);
  }
  if ((primary.onDemandCapacity ?? 0) !== 1) out.push(`primary.onDemandCapacity must be 1 (one primary node); got ${primary.onDemandCapacity ?? 0}`);

  const core = spec.core;
  if ((core.spotCapacity ?? 0) > 0) {
    out.push(`core.spotCapacity is ${core.spotCapacity}: core nodes hold HDFS and shuffle data and the application masters, and a Spot interruption would fail the job; use onDemandCapacity`);
  }
  if ((core.onDemandCapacity ?? 0) < 1) out.push(`core.onDemandCapacity must be at least 1; got ${core.onDemandCapacity ?? 0}`);

  const task = spec.task;
  if ((task.onDemandCapacity ?? 0) > 0) {
    out.push(`task.onDemandCapacity is ${task.onDemandCapacity}: task nodes are Spot (On-Demand only as the launch fallback); use spotCapacity, or grow core instead`);
  }
  if ((task.spotCapacity ?? 0) < 1) out.push(`task.spotCapacity must be at least 1; got ${task.spotCapacity ?? 0}`);
  const types = new Set(task.instanceTypes);
  const families = [...new Set([...types].map(instanceFamily))].sort();
  if (types.size < 3 || families.length < 2) {
    out.push(
      `task.instanceTypes has ${types.size} type${types.size === 1 ? "" : "s"} from ${families.length} famil${families.length === 1 ? "y" : "ies"} (${families.join(", ") || "none"}): a Spot fleet needs at least 3 types from at least 2 families (like r6g, r6i, m6g), so one pool running dry does not stall the job`,
    );
  }
  const strategy = task.spotAllocationStrategy ?? ALLOCATION_STRATEGY;
  if (strategy !== ALLOCATION_STRATEGY) {
    out.push(`task.spotAllocationStrategy "${strategy}" is not allowed: use "${ALLOCATION_STRATEGY}" (cheapest among the pools least likely to be interrupted)`);
  }
  const spotTimeout = task.spotTimeoutMinutes ?? DEFAULT_SPOT_TIMEOUT_MINUTES;
  if (!isWhole(spotTimeout) || spotTimeout < 5 || spotTimeout > 1440) out.push(`task.spotTimeoutMinutes must be a whole number from 5 to 1440; got ${spotTimeout}`);

  const { minimumCapacityUnits: min, maximumCapacityUnits: max } = spec.managedScaling;
  if (!isWhole(min) || min < 1) out.push(`managedScaling.minimumCapacityUnits must be a whole number, at least 1; got ${min}`);
  if (!isWhole(max) || max < min) out.push(`managedScaling.maximumCapacityUnits must be a whole number, at least minimumCapacityUnits (${min}); got ${max}`);
  // The core fleet is capped at its On-Demand capacity (MaximumCoreCapacityUnits), which EMR wants between the minimum and the maximum.
  const coreUnits = core.onDemandCapacity ?? 0;
  if (isWhole(max) && max < coreUnits) out.push(`managedScaling.maximumCapacityUnits ${max} is below the core fleet's ${coreUnits} instances, which managed scaling counts`);
  if (isWhole(min) && coreUnits >= 1 && min > coreUnits) {
    out.push(`managedScaling.minimumCapacityUnits ${min} is above the core fleet's ${coreUnits} instances: the floor is On-Demand core nodes, Spot task nodes are the elastic part`);
  }

  const idle = spec.idleTimeoutSeconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS;
  if (!isWhole(idle) || idle < 60 || idle > 86400) out.push(`idleTimeoutSeconds must be a whole number from 60 to 86400 (one day); got ${idle}`);

  const release = spec.releaseLabel ?? DEFAULT_RELEASE_LABEL;
  const m = RELEASE_LABEL.exec(release);
  // Runtime roles with Lake Formation (the security configuration's authorization) start at emr-6.15.0.
  const supported = m !== null && (Number(m[1]) > 6 || (Number(m[1]) === 6 && Number(m[2]) >= 15));
  if (!isToken(release) && !supported) {
    out.push(`releaseLabel "${release}" is not emr-6.15.0 or later (like "${DEFAULT_RELEASE_LABEL}"): earlier releases cannot run steps as Lake Formation runtime roles`);
  }
  return out;
}
