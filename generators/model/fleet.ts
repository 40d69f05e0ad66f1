import type { DagTaskModel } from "../dags/types";
import type { DomainManifestOutput } from "../manifest/schema/domain";
import { type NameContext, iamRoleArn, iamRoleName } from "./names";
import type { EnvironmentModel } from "./types";

type FleetJobManifest = Extract<DomainManifestOutput["jobs"][number], { engine: "emr-fleet" }>;

/** An instance fleet, resolved. */
export interface FleetInstancesModel {
  readonly instanceTypes: readonly string[];
  readonly onDemandCapacity: number;
  readonly spotCapacity: number;
}

/**
 * Everything of one `engine: emr-fleet` job that has a name: the state
 * machine that creates, uses and terminates its cluster per run, the roles of
 * the cluster, its security configuration and security groups. The job's own
 * role (JobModel.role) is the runtime role its Spark step runs as.
 */
export interface FleetModel {
  /** `<domain>-<env>-<job>`: the state machine, the cluster, the security configuration. */
  readonly stateMachine: { readonly name: string; readonly arn: string };
  /** The role Step Functions runs the state machine as. */
  readonly stateMachineRole: { readonly name: string; readonly arn: string };
  /** The EMR service role (RunJobFlow's ServiceRole). */
  readonly serviceRole: { readonly name: string; readonly arn: string };
  /** The nodes' instance profile (JobFlowRole), named like its role. */
  readonly instanceProfile: { readonly name: string; readonly arn: string; readonly role: { readonly name: string; readonly arn: string } };
  readonly clusterName: string;
  readonly securityConfigurationName: string;
  /** `/aws/vendedlogs/states/<state machine>`: the execution history. */
  readonly logGroup: { readonly name: string; readonly arn: string };
  /** Names of the three EMR-managed security groups. */
  readonly securityGroups: { readonly primary: string; readonly coreAndTask: string; readonly serviceAccess: string };
  /** `s3://<artifacts>/logs/<job>/`: the cluster's logs. */
  readonly logUri: string;
  /** The zone the job writes (its key encrypts EMRFS writes, local disks and EBS), or null: the ops key. */
  readonly zone: string | null;
  /** S3 URI of the zip of PEM certificates for in-transit TLS (the platform's, per environment). */
  readonly tlsCertificates: string;
  readonly releaseLabel: string;
  readonly primary: FleetInstancesModel;
  readonly core: FleetInstancesModel;
  readonly task: FleetInstancesModel & { readonly spotAllocationStrategy: string; readonly spotTimeoutMinutes: number };
  readonly managedScaling: { readonly minimumCapacityUnits: number; readonly maximumCapacityUnits: number };
  readonly idleTimeoutSeconds: number;
  readonly stepTimeoutSeconds: number;
  /** Extra spark-defaults, sorted by key. */
  readonly sparkDefaults: Readonly<Record<string, string>>;
}

const role = (env: EnvironmentModel, name: string) => ({ name, arn: iamRoleArn(env.partition, env.accountId, name) });
const fleet = (f: { instanceTypes: string[]; onDemandCapacity: number; spotCapacity: number }): FleetInstancesModel => ({
  instanceTypes: [...f.instanceTypes],
  onDemandCapacity: f.onDemandCapacity,
  spotCapacity: f.spotCapacity,
});

/** The names and settings of a fleet job; pure. */
export function fleetOf(j: FleetJobManifest, ctx: NameContext, env: EnvironmentModel, domain: string, artifactsBucket: string, writeZone: string | null): FleetModel {
  const name = `${domain}-${env.name}-${j.name}`;
  const arn = (service: string, resource: string) => `arn:${env.partition}:${service}:${env.region}:${env.accountId}:${resource}`;
  const instanceRole = role(env, iamRoleName(ctx, domain, `emr-instance-${j.name}`));
  const logGroup = `/aws/vendedlogs/states/${name}`;
  return {
    stateMachine: { name, arn: arn("states", `stateMachine:${name}`) },
    stateMachineRole: role(env, iamRoleName(ctx, domain, `sfn-${j.name}`)),
    serviceRole: role(env, iamRoleName(ctx, domain, `emr-service-${j.name}`)),
    instanceProfile: { name: instanceRole.name, arn: `arn:${env.partition}:iam::${env.accountId}:instance-profile/${instanceRole.name}`, role: instanceRole },
    clusterName: name,
    securityConfigurationName: name,
    logGroup: { name: logGroup, arn: arn("logs", `log-group:${logGroup}`) },
    securityGroups: { primary: `${name}-emr-primary`, coreAndTask: `${name}-emr-core-task`, serviceAccess: `${name}-emr-service-access` },
    logUri: `s3://${artifactsBucket}/logs/${j.name}/`,
    zone: writeZone,
    tlsCertificates: env.emrTlsCertificates ?? "",
    releaseLabel: j.releaseLabel,
    primary: fleet(j.primary),
    core: fleet(j.core),
    task: { ...fleet(j.task), spotAllocationStrategy: j.task.spotAllocationStrategy, spotTimeoutMinutes: j.task.spotTimeoutMinutes },
    managedScaling: { ...j.managedScaling },
    idleTimeoutSeconds: j.idleTimeoutSeconds,
    stepTimeoutSeconds: j.stepTimeoutSeconds,
    sparkDefaults: Object.fromEntries(Object.keys(j.sparkDefaults).sort().map((k) => [k, j.sparkDefaults[k]!])),
  };
}

/**
 * The DAG task of a fleet job: start its state machine and wait, a minute
 * between polls, for the step's timeout plus an hour (launching and
 * terminating the cluster); the state machine's own timeout fails it first.
 */
export function fleetDagTask(id: string, after: readonly string[], fleet: FleetModel, timeoutMinutes: number): DagTaskModel {
  return { kind: "emr-fleet", id, after, stateMachineArn: fleet.stateMachine.arn, timeoutMinutes };
}
