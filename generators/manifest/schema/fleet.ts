import { z } from "zod";

/**
 * The manifest pieces of transient EMR on EC2 fleets: the engine-specific
 * fields of an `engine: emr-fleet` job (domain manifest), and the per
 * environment `emr` settings (platform manifest). The fleet rules themselves
 * (On-Demand primary and core, a diversified Spot task fleet, scaling and
 * lifetime ranges) run after the shape, in fleet-rules.ts, so a bad fleet is
 * reported field by field.
 */

const InstanceType = z
  .string()
  .regex(/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/, "an instance type looks like r6g.2xlarge")
  .describe("EC2 instance type, like r6g.2xlarge.");

const instanceTypes = (what: string) =>
  z.array(InstanceType).min(1, "name at least one instance type").max(30, "EMR takes at most 30 instance types per fleet").describe(what);

const OnDemandFleet = (role: string, onDemand: number) =>
  z
    .strictObject({
      instanceTypes: instanceTypes(`Instance types EMR may fill the ${role} fleet with; each counts as one unit of capacity.`),
      onDemandCapacity: z
        .int()
        .min(0)
        .default(onDemand)
        .describe(`On-Demand instances of the ${role} fleet.\n@default - ${onDemand}`),
      spotCapacity: z
        .int()
        .min(0)
        .default(0)
        .describe(`Spot instances of the ${role} fleet: must stay 0, as losing a ${role} node to a Spot interruption loses the job.\n@default - 0`),
    })
    .describe(`The ${role} fleet: On-Demand only.`);

/** Spot allocation strategies EMR knows; the rules accept only price-capacity-optimized. */
const SPOT_ALLOCATION_STRATEGIES = ["price-capacity-optimized", "capacity-optimized", "capacity-optimized-prioritized", "lowest-price", "diversified"] as const;

/** The fields of an `engine: emr-fleet` job beyond those every job has. */
export const EMR_FLEET_JOB_FIELDS = {
  engine: z
    .literal("emr-fleet")
    .describe("A transient EMR on EC2 cluster with instance fleets and Spot task nodes, created per run by a Step Functions state machine and terminated after it: large scheduled batch and reprocessing."),
  releaseLabel: z
    .string()
    .regex(/^emr-\d+\.\d+\.\d+$/, "a release label looks like emr-7.5.0")
    .default("emr-7.5.0")
    .describe("EMR release; emr-6.15.0 or later (runtime roles under Lake Formation).\n@default - \"emr-7.5.0\""),
  primary: OnDemandFleet("primary", 1).describe("The primary (master) fleet: exactly one On-Demand instance."),
  core: OnDemandFleet("core", 2).describe("The core fleet: On-Demand only; core nodes hold HDFS and shuffle data and the application masters."),
  task: z
    .strictObject({
      instanceTypes: instanceTypes("Instance types of the Spot task fleet: at least 3, from at least 2 families (like r6g, r6i, m6g), so one Spot pool running dry does not stall the job."),
      spotCapacity: z.int().min(0).describe("Spot instances of the task fleet (at least 1)."),
      onDemandCapacity: z
        .int()
        .min(0)
        .default(0)
        .describe("On-Demand instances of the task fleet: must stay 0 (On-Demand only as the launch fallback, after spotTimeoutMinutes).\n@default - 0"),
      spotAllocationStrategy: z
        .enum(SPOT_ALLOCATION_STRATEGIES)
        .default("price-capacity-optimized")
        .describe("How EMR picks Spot pools; only price-capacity-optimized is accepted (the cheapest of the pools least likely to be interrupted).\n@default - \"price-capacity-optimized\""),
      spotTimeoutMinutes: z
        .int()
        .default(10)
        .describe("Minutes EMR waits for Spot capacity at launch before it provisions the rest On-Demand (5-1440).\n@default - 10"),
    })
    .describe("The task fleet: Spot only, diversified, price-capacity-optimized."),
  managedScaling: z
    .strictObject({
      minimumCapacityUnits: z.int().describe("Fewest instances of the core and task fleets (at least 1, at most the core fleet's On-Demand capacity)."),
      maximumCapacityUnits: z.int().describe("Most instances of the core and task fleets (at least the minimum and the core fleet's capacity); growth beyond core is Spot task nodes."),
    })
    .describe("EMR managed scaling, in instances."),
  idleTimeoutSeconds: z
    .int()
    .default(600)
    .describe("Seconds without work after which the cluster terminates itself (60-86400): the backstop if a run is stopped before it terminates the cluster.\n@default - 600"),
  stepTimeoutSeconds: z
    .int()
    .min(60)
    .max(604800)
    .default(86400)
    .describe("Seconds the Spark step may run before the state machine fails it and terminates the cluster (a hung step keeps a cluster busy, so the idle timeout would not).\n@default - 86400 (one day)"),
  sparkDefaults: z
    .record(z.string().regex(/^spark\.[A-Za-z0-9._-]+$/, "a Spark property looks like spark.sql.shuffle.partitions"), z.string().max(1024))
    .default({})
    .describe(
      "Extra spark-defaults properties. Adaptive Query Execution, skew-join handling, partition coalescing and dynamic allocation are on and may not be turned off.\n@default - none",
    ),
};

export const EmrEnvironmentManifest = z
  .strictObject({
    tlsCertificates: z
      .string()
      .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/\S+\.zip$/, "the certificates are an S3 object URI of a zip, like s3://acme-pki-prod/emr/certs.zip")
      .describe(
        "S3 URI of the zip of PEM files (privateKey.pem, certificateChain.pem, trustedCertificates.pem) EMR uses for in-transit TLS between cluster nodes, issued by the organization's PKI for *.<region>.compute.internal. The cluster nodes read it with their instance-profile role.",
      ),
  })
  .describe("EMR on EC2 in this environment: required when a domain here runs an emr-fleet job.");
