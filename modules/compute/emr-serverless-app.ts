import { EmrserverlessApplication } from "@cdktf/provider-aws/lib/emrserverless-application";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { endpointEgressRules } from "../network/endpoint-egress";
import { subnetIdProblems } from "../network/subnet-ids";

/** Capacity as EMR Serverless writes it: `"400 vCPU"`, `"3000 GB"`. */
export interface EmrServerlessCapacity {
  /** vCPUs, e.g. `"400 vCPU"`. */
  readonly cpu: string;
  /** Memory, e.g. `"3000 GB"`. */
  readonly memory: string;
  /**
   * Disk, e.g. `"20000 GB"`.
   * @default - no limit on disk
   */
  readonly disk?: string;
}

/** Workers of one type kept initialized while the application is started. */
export interface EmrServerlessInitialWorkers {
  /** Number of workers, at least 1. */
  readonly workerCount: number;
  /** vCPUs of each worker: 1, 2, 4, 8 or 16 (`"4 vCPU"`). */
  readonly cpu: string;
  /** Memory of each worker, e.g. `"16 GB"`. */
  readonly memory: string;
  /**
   * Disk of each worker, e.g. `"20 GB"`.
   * @default - EMR Serverless's default (20 GB)
   */
  readonly disk?: string;
}

export interface EmrServerlessAppProps {
  /**
   * Terraform resource name of the application and of its security group.
   * @default - the construct id
   */
  readonly terraformName?: string;
  /** Application name: 1–64 letters, digits and `._/#-`. */
  readonly name: string;
  /**
   * EMR release of the application.
   * @default "emr-7.5.0"
   */
  readonly releaseLabel?: string;
  /**
   * CPU architecture of the workers; Graviton costs less for the same Spark work.
   * @default "ARM64"
   */
  readonly architecture?: "ARM64" | "X86_64";
  /**
   * Minutes without a job after which the application stops and releases any
   * pre-initialized workers (1–10080).
   * @default 15
   */
  readonly idleTimeoutMinutes?: number;
  /** Upper bound on what all running jobs of the application may use together: a spending cap. */
  readonly maximumCapacity: EmrServerlessCapacity;
  /**
   * Workers kept warm while the application is started, for jobs that cannot
   * wait for workers to start. They are billed while the application runs,
   * job or no job; auto-stop releases them after `idleTimeoutMinutes`.
   * @default - none: workers start with each job
   */
  readonly initialCapacity?: {
    readonly driver: EmrServerlessInitialWorkers;
    readonly executor: EmrServerlessInitialWorkers;
  };
  /** VPC of the subnets (`vpc-…`). */
  readonly vpcId: string;
  /**
   * IPv4 CIDR of the VPC: the security group allows HTTPS to it, which is
   * where the interface endpoints (Glue, Lake Formation, STS, KMS, logs) are.
   */
  readonly vpcCidr: string;
  /**
   * Prefix list of the VPC's S3 gateway endpoint (`pl-…`): the security group
   * allows HTTPS to it, the only way the workers reach S3 (scripts, logs, and
   * the data Lake Formation vends credentials for).
   */
  readonly s3PrefixListId: string;
  /** Private subnets the workers' network interfaces are placed in, in at least two Availability Zones. */
  readonly subnetIds: readonly string[];
  /** Name of the application's security group (unique in the VPC; cannot start with `sg-`). */
  readonly securityGroupName: string;
}

const DEFAULT_RELEASE_LABEL = "emr-7.5.0";
const DEFAULT_ARCHITECTURE = "ARM64";
const DEFAULT_IDLE_TIMEOUT_MINUTES = 15;

/**
 * An EMR Serverless Spark application that runs only in the lake's private
 * subnets and scales to zero: it starts when a job is submitted and stops
 * after `idleTimeoutMinutes` without one.
 *
 * Fixed in code, not offered as options:
 * - type `spark`, auto-start and auto-stop on, a maximum capacity (required);
 * - no interactive endpoints (EMR Studio, Livy): jobs are submitted, not typed;
 * - a VPC network configuration with a security group of its own that admits
 *   nothing and lets out only HTTPS to the VPC (the interface endpoints) and
 *   to the S3 gateway endpoint's prefix list: no internet path, and no other
 *   port (CKV_AWS_23, AVD-AWS-0099, AVD-AWS-0104, CKV_AWS_382). The rules are
 *   inline, so a rule added outside Terraform is drift and is removed on the
 *   next apply.
 *
 * Logs: a job run names its own S3 or CloudWatch destination and key
 * (StartJobRun `monitoringConfiguration`); provider 5.100 has no
 * application-level `monitoring_configuration` to fix it here.
 *
 * Terraform addresses: `aws_emrserverless_application.<name>`, `aws_security_group.<name>`.
 */
export class EmrServerlessApp extends Construct {
  readonly application: EmrserverlessApplication;
  readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: EmrServerlessAppProps) {
    super(scope, id);
    const problems = emrServerlessAppProblems(props);
    if (problems.length > 0) {
      throw new Error(`EmrServerlessApp ${this.node.path}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    const name = props.terraformName ?? id;

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: props.securityGroupName,
      description: `EMR Serverless application ${props.name}: HTTPS out to the VPC endpoints and S3 only, nothing in`,
      vpcId: props.vpcId,
      // Explicitly empty: nothing connects to the workers; any ingress rule added later is removed.
      ingress: [],
      egress: endpointEgressRules(props.vpcCidr, props.s3PrefixListId, "Glue, Lake Formation, STS, KMS, logs"),
    });
    this.securityGroup.overrideLogicalId(name);

    const initial = props.initialCapacity;
    this.application = new EmrserverlessApplication(this, "application", {
      name: props.name,
      type: "spark",
      releaseLabel: props.releaseLabel ?? DEFAULT_RELEASE_LABEL,
      architecture: props.architecture ?? DEFAULT_ARCHITECTURE,
      autoStartConfiguration: { enabled: true },
      autoStopConfiguration: { enabled: true, idleTimeoutMinutes: props.idleTimeoutMinutes ?? DEFAULT_IDLE_TIMEOUT_MINUTES },
      maximumCapacity: capacity(props.maximumCapacity),
      initialCapacity: initial
        ? [
            { initialCapacityType: "Driver", initialCapacityConfig: workers(initial.driver) },
            { initialCapacityType: "Executor", initialCapacityConfig: workers(initial.executor) },
          ]
        : undefined,
      interactiveConfiguration: { livyEndpointEnabled: false, studioEnabled: false },
      networkConfiguration: {
        subnetIds: [...props.subnetIds].sort(),
        securityGroupIds: [this.securityGroup.id],
      },
    });
    this.application.overrideLogicalId(name);
  }
}

const capacity = (c: EmrServerlessCapacity) => ({ cpu: c.cpu, memory: c.memory, ...(c.disk === undefined ? {} : { disk: c.disk }) });

const workers = (w: EmrServerlessInitialWorkers) => ({
  workerCount: w.workerCount,
  workerConfiguration: { cpu: w.cpu, memory: w.memory, ...(w.disk === undefined ? {} : { disk: w.disk }) },
});

const APP_NAME = /^[A-Za-z0-9._/#-]{1,64}$/;
const RELEASE_LABEL = /^emr-(\d+)\.(\d+)\.(\d+)$/;
const VCPU = /^(\d+) ?vCPU$/;
const GB = /^(\d+) ?GB$/;
const WORKER_VCPUS = [1, 2, 4, 8, 16];
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const PREFIX_LIST_ID = /^pl-[0-9a-f]{8,17}$/;
const SECURITY_GROUP_NAME = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/;

/** Every problem with the props, one sentence each; empty when they are fine. Tokens are not checked. */
export function emrServerlessAppProblems(props: EmrServerlessAppProps): string[] {
  const out: string[] = [];
  const literal = (s: string) => !Token.isUnresolved(s);

  if (literal(props.name) && !APP_NAME.test(props.name)) out.push(`name "${props.name}" must be 1-64 letters, digits, ".", "_", "/", "#" or "-"`);
  const release = props.releaseLabel ?? DEFAULT_RELEASE_LABEL;
  const m = RELEASE_LABEL.exec(release);
  // emr-6.6.0 is the first EMR Serverless release.
  if (literal(release) && (!m || Number(m[1]) < 6 || (Number(m[1]) === 6 && Number(m[2]) < 6))) {
    out.push(`releaseLabel "${release}" is not an EMR Serverless release ("emr-6.6.0" or later, like "emr-7.5.0")`);
  }
  const idle = props.idleTimeoutMinutes ?? DEFAULT_IDLE_TIMEOUT_MINUTES;
  if (!Number.isInteger(idle) || idle < 1 || idle > 10080) out.push(`idleTimeoutMinutes must be a whole number from 1 to 10080 (7 days); got ${idle}`);

  const max = props.maximumCapacity;
  out.push(...amountProblems("maximumCapacity.cpu", max.cpu, VCPU, '"400 vCPU"'));
  out.push(...amountProblems("maximumCapacity.memory", max.memory, GB, '"3000 GB"'));
  if (max.disk !== undefined) out.push(...amountProblems("maximumCapacity.disk", max.disk, GB, '"20000 GB"'));

  const initial = props.initialCapacity;
  if (initial) {
    for (const kind of ["driver", "executor"] as const) {
      const w = initial[kind];
      const at = `initialCapacity.${kind}`;
      if (!Number.isInteger(w.workerCount) || w.workerCount < 1) out.push(`${at}.workerCount must be a whole number, at least 1; got ${w.workerCount}`);
      const cpu = amountProblems(`${at}.cpu`, w.cpu, VCPU, '"4 vCPU"');
      out.push(...cpu);
      const vcpus = amount(w.cpu, VCPU);
      if (cpu.length === 0 && vcpus !== undefined && !WORKER_VCPUS.includes(vcpus)) {
        out.push(`${at}.cpu "${w.cpu}": a worker has ${WORKER_VCPUS.join(", ")} vCPUs`);
      }
      out.push(...amountProblems(`${at}.memory`, w.memory, GB, '"16 GB"'));
      if (w.disk !== undefined) out.push(...amountProblems(`${at}.disk`, w.disk, GB, '"20 GB"'));
    }
    // Pre-initialized workers count against the maximum; EMR rejects an application whose initial capacity exceeds it.
    const total = (unit: RegExp, pick: (w: EmrServerlessInitialWorkers) => string) =>
      [initial.driver, initial.executor].reduce<number | undefined>((sum, w) => {
        const each = amount(pick(w), unit);
        return sum === undefined || each === undefined ? undefined : sum + each * w.workerCount;
      }, 0);
    const cpus = total(VCPU, (w) => w.cpu);
    const maxCpus = amount(max.cpu, VCPU);
    if (cpus !== undefined && maxCpus !== undefined && cpus > maxCpus) out.push(`initialCapacity holds ${cpus} vCPU, more than maximumCapacity.cpu "${max.cpu}"`);
    const memory = total(GB, (w) => w.memory);
    const maxMemory = amount(max.memory, GB);
    if (memory !== undefined && maxMemory !== undefined && memory > maxMemory) {
      out.push(`initialCapacity holds ${memory} GB of memory, more than maximumCapacity.memory "${max.memory}"`);
    }
  }

  if (literal(props.vpcId) && !VPC_ID.test(props.vpcId)) out.push(`vpcId "${props.vpcId}" is not a VPC ID (like "vpc-0a1b2c3d4e5f67890")`);
  if (literal(props.vpcCidr)) out.push(...cidrProblems(props.vpcCidr));
  if (literal(props.s3PrefixListId) && !PREFIX_LIST_ID.test(props.s3PrefixListId)) {
    out.push(`s3PrefixListId "${props.s3PrefixListId}" is not a prefix list ID (like "pl-6da54004"): the prefix list of the VPC's S3 gateway endpoint`);
  }
  if (props.subnetIds.length === 0) out.push("subnetIds is empty: give the lake's private subnets");
  out.push(...subnetIdProblems(props.subnetIds));
  const sg = props.securityGroupName;
  if (literal(sg) && (!SECURITY_GROUP_NAME.test(sg) || sg.startsWith("sg-"))) {
    out.push(`securityGroupName "${sg}" must be 1-255 characters of letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*, not starting with "sg-"`);
  }
  return out;
}

function amount(value: string, unit: RegExp): number | undefined {
  if (Token.isUnresolved(value)) return undefined;
  const m = unit.exec(value);
  return m ? Number(m[1]) : undefined;
}

function amountProblems(field: string, value: string, unit: RegExp, example: string): string[] {
  if (Token.isUnresolved(value)) return [];
  const n = amount(value, unit);
  if (n === undefined) return [`${field} "${value}" is not written like ${example}`];
  if (n < 1) return [`${field} "${value}" must be at least 1`];
  return [];
}

/** An IPv4 CIDR block of /16 to /28 (what a VPC can have), written as its network address; so never 0.0.0.0/0. */
function cidrProblems(cidr: string): string[] {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const bits = m ? Number(m[5]) : -1;
  if (!m || octets.some((o) => o > 255) || bits > 32) return [`vpcCidr "${cidr}" is not an IPv4 CIDR block (like "10.20.0.0/16")`];
  if (bits < 16 || bits > 28) return [`vpcCidr "${cidr}" is a /${bits}; a VPC CIDR is /16 to /28 (and never 0.0.0.0/0: the egress rule would open the internet)`];
  const address = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - bits);
  if (address % size !== 0) return [`vpcCidr "${cidr}" is not written as its network address`];
  return [];
}
