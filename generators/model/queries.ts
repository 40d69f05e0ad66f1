import { resolveQueryTables } from "../manifest/query-sql";
import type { DagTaskModel } from "../dags/types";
import type { DomainManifestOutput, JobManifestOutput } from "../manifest/schema/domain";
import type { EnvironmentModel, GrantModel, PrincipalModel, TableModel, TableRefModel, ZoneModel } from "./types";

/**
 * Pipeline query tasks, resolved: an Athena `INSERT INTO` a declared Parquet
 * table, run by the environment's MWAA execution role (the AthenaOperator's
 * default connection) in a pipeline workgroup of the domain.
 *
 * Why the execution role and not a role of its own: the AthenaOperator runs
 * as its Airflow connection, and MWAA offers no declarative connection that
 * assumes another role; the execution role already starts exactly the DAGs'
 * jobs. What it may read and write through Athena is Lake Formation grants on
 * exactly the tasks' tables (principal `pipeline:<env>`), and IAM writes on
 * exactly the targets' locations.
 *
 * Why one workgroup per zone written: Athena encrypts what an INSERT writes
 * with the workgroup's result encryption (enforced), and the zone bucket
 * accepts uploads under its own key only, as for Glue's security
 * configurations.
 */

export interface PipelineWorkgroupModel {
  /** `<domain>-pipeline-<zone>-<env>` */
  readonly name: string;
  readonly arn: string;
  /** The zone its statements write: results and inserted data are under that zone's key. */
  readonly zone: string;
  readonly keyAlias: string;
  /** `s3://<artifacts>/athena/<name>/` */
  readonly outputLocation: string;
  readonly bytesScannedCutoffPerQuery: number;
}

export interface QueryTaskModel {
  /** The pipeline task's name (its DAG task id). */
  readonly task: string;
  /** Index in the manifest's pipeline.tasks, for messages. */
  readonly index: number;
  /** Relative to the domain folder. */
  readonly path: string;
  /** The statement as Athena gets it: `<zone>.<table>` written as this environment's `<database>.<table>`. */
  readonly sql: string;
  readonly reads: readonly TableRefModel[];
  readonly into: TableRefModel & {
    /** `s3://<zone bucket>/<table>/` */
    readonly location: string;
    readonly bucketArn: string;
    readonly keyAlias: string;
  };
  readonly workgroup: string;
  readonly processesPii: string | null;
}

export interface PipelineQueriesModel {
  /** The MWAA execution role that runs the statements: the Lake Formation principal `pipeline:<env>`. */
  readonly principal: PrincipalModel;
  /** By zone, in zone order. */
  readonly workgroups: readonly PipelineWorkgroupModel[];
  /** In manifest order. */
  readonly tasks: readonly QueryTaskModel[];
}

/** Lake Formation permissions of the pipeline on a query's sources and target. */
export const QUERY_READ_PERMISSIONS = ["DESCRIBE", "SELECT"];
/** INSERT writes rows; ALTER lets Athena register the partitions an insert adds. */
export const QUERY_INTO_PERMISSIONS = ["ALTER", "DESCRIBE", "INSERT"];

/** Airflow execution_timeout of a task, in minutes, when the manifest gives none. */
export function defaultTaskTimeoutMinutes(kind: DagTaskModel["kind"], job?: JobManifestOutput): number {
  switch (kind) {
    case "glue":
      // Flex runs and busy accounts start late; the job's own limit counts from its start.
      return (job?.engine === "glue" ? job.timeoutMinutes : 60) + 30;
    case "emr-serverless":
      return 240;
    case "emr-eks":
      // The job run's own limit (the virtual cluster cancels it then).
      return job?.engine === "emr-eks" ? job.timeoutMinutes : 60;
    case "emr-fleet":
      // The step's own limit plus an hour for provisioning the cluster and terminating it.
      return job?.engine === "emr-fleet" ? Math.ceil(job.stepTimeoutSeconds / 60) + 60 : 1500;
    case "quality":
      return 60;
    case "athena":
      // Athena's default DML query timeout (a service quota).
      return 30;
  }
}

export function queriesOf(
  m: DomainManifestOutput,
  env: EnvironmentModel,
  zones: readonly ZoneModel[],
  tables: readonly TableModel[],
  artifactsBucket: string,
  scripts: ReadonlyMap<string, string> | undefined,
): PipelineQueriesModel {
  const principal: PrincipalModel = { name: `pipeline:${env.name}`, id: env.mwaa.executionRole.arn, kind: "pipeline", external: false };
  const ref = (r: string): TableRefModel => {
    const [zone, table] = r.split(".") as [string, string];
    return { zone, table, database: tables.find((t) => t.zone === zone && t.name === table)?.database ?? "" };
  };
  const zoneNames = zones.map((z) => z.name);
  const workgroupName = (zone: string) => `${m.name}-pipeline-${zone}-${env.name}`;
  const tasks: QueryTaskModel[] = (m.pipeline?.tasks ?? []).flatMap((t, index) => {
    if (t.query === undefined || t.into === undefined) return [];
    const into = ref(t.into);
    const zone = zones.find((z) => z.name === into.zone);
    const source = scripts?.get(t.query) ?? "";
    return [
      {
        task: t.name,
        index,
        path: t.query,
        sql: resolveQueryTables(source, zoneNames, (z) => zones.find((x) => x.name === z)?.database.name ?? z),
        reads: [...new Set(t.reads ?? [])].sort().map(ref),
        into: {
          ...into,
          location: tables.find((x) => x.zone === into.zone && x.name === into.table)?.location ?? "",
          bucketArn: zone?.bucket.arn ?? "",
          keyAlias: zone?.key.alias ?? "",
        },
        workgroup: workgroupName(into.zone),
        processesPii: t.processesPii ?? null,
      },
    ];
  });
  const written = zones.filter((z) => tasks.some((t) => t.into.zone === z.name));
  return {
    principal,
    workgroups: written.map((z) => {
      const name = workgroupName(z.name);
      return {
        name,
        arn: `arn:${env.partition}:athena:${env.region}:${env.accountId}:workgroup/${name}`,
        zone: z.name,
        keyAlias: z.key.alias,
        outputLocation: `s3://${artifactsBucket}/athena/${name}/`,
        bytesScannedCutoffPerQuery: m.athena.bytesScannedCutoffGb * 1024 ** 3,
      };
    }),
    tasks,
  };
}

/** The pipeline's Lake Formation grants for each query task: reads on its sources, INSERT on its target. */
export function queryGrants(q: PipelineQueriesModel): GrantModel[] {
  return q.tasks.flatMap((t) => {
    const grant = (suffix: "reads" | "into", permissions: string[], tables: readonly TableRefModel[]): GrantModel => ({
      name: `pipeline-${t.task}-${suffix}`,
      description: `pipeline query ${t.task} ${suffix === "reads" ? "reads its tables" : "inserts into its table"}`,
      source: "pipeline",
      index: t.index,
      piiReason: t.processesPii,
      principal: q.principal,
      permissions,
      grantable: false,
      target: { kind: "tables", tables },
    });
    return [
      ...(t.reads.length > 0 ? [grant("reads", QUERY_READ_PERMISSIONS, t.reads)] : []),
      grant("into", QUERY_INTO_PERMISSIONS, [{ zone: t.into.zone, table: t.into.table, database: t.into.database }]),
    ];
  });
}
