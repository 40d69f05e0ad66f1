import { AthenaWorkgroup as AthenaWorkgroupResource } from "@cdktf/provider-aws/lib/athena-workgroup";
import { Token } from "cdktf";
import { Construct } from "constructs";

/** The smallest per-query scan cap Athena accepts: 10 MiB. */
export const MIN_BYTES_SCANNED_CUTOFF_PER_QUERY = 10_485_760;

/** The engine every workgroup runs, pinned so that a change made in the console shows as drift. */
export const ATHENA_ENGINE_VERSION = "Athena engine version 3";

export interface AthenaWorkgroupProps {
  /**
   * Terraform resource name of the workgroup.
   * @default - the construct id
   */
  readonly terraformName?: string;
  /** Workgroup name: 1-128 letters, digits, `.`, `_` and `-`. */
  readonly name: string;
  /** At most 1024 characters. */
  readonly description: string;
  /**
   * Where query results go: `s3://<bucket>/<prefix>/`, ending in `/` so that
   * no other prefix can share its start.
   */
  readonly outputLocation: string;
  /**
   * ARN of the customer-managed key results are encrypted with: the results
   * bucket's own key, since lake bucket policies refuse uploads under any other.
   * The alias ARN of a key known only by alias is accepted (a zone key's
   * replica in the DR region; the bucket must then accept uploads naming it).
   */
  readonly kmsKeyArn: string;
  /** Account that owns the results bucket; Athena refuses to write into a bucket owned by anyone else. */
  readonly accountId: string;
  /**
   * The most bytes one query may scan before Athena cancels it, at least
   * 10 MiB (MIN_BYTES_SCANNED_CUTOFF_PER_QUERY). The cost ceiling of a runaway query.
   */
  readonly bytesScannedCutoffPerQuery: number;
}

/**
 * An Athena workgroup whose settings its users cannot override. Fixed in
 * code, not offered as options:
 * - the workgroup configuration is enforced: clients cannot pick another
 *   result location, switch off encryption or lift the scan cap;
 * - results are SSE-KMS under a customer-managed key (not SSE-S3), in a
 *   bucket that must belong to the expected account;
 * - no result ACL: lake buckets are BucketOwnerEnforced, ACLs are off;
 * - engine version 3, CloudWatch query metrics, a per-query scan cap;
 * - enabled, and never force-destroyed: destroying a workgroup that still
 *   holds saved queries fails rather than deleting them.
 *
 * Terraform address: `aws_athena_workgroup.<terraformName>`.
 */
export class AthenaWorkgroup extends Construct {
  readonly workgroup: AthenaWorkgroupResource;

  constructor(scope: Construct, id: string, props: AthenaWorkgroupProps) {
    super(scope, id);
    const problems = athenaWorkgroupProblems(props);
    if (problems.length > 0) {
      throw new Error(`AthenaWorkgroup ${this.node.path}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    this.workgroup = new AthenaWorkgroupResource(this, "workgroup", {
      name: props.name,
      description: props.description,
      state: "ENABLED",
      forceDestroy: false,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        requesterPaysEnabled: false,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
        resultConfiguration: {
          outputLocation: props.outputLocation,
          expectedBucketOwner: props.accountId,
          encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: props.kmsKeyArn },
        },
      },
    });
    this.workgroup.overrideLogicalId(props.terraformName ?? id);
  }
}

const NAME = /^[A-Za-z0-9._-]{1,128}$/;
const OUTPUT_LOCATION = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.*)$/;
/** A key ARN, or an alias ARN for a key known only by alias (a zone key's replica in the DR region: SSE_KMS hands the id to S3, which resolves it). */
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(?:key\/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})|alias\/[A-Za-z0-9/_-]+)$/;
const ACCOUNT_ID = /^\d{12}$/;

/** Every problem with the props, one sentence each; empty when they are fine. Tokens are not checked. */
export function athenaWorkgroupProblems(props: AthenaWorkgroupProps): string[] {
  const out: string[] = [];
  const literal = (s: string) => !Token.isUnresolved(s);
  if (literal(props.name) && !NAME.test(props.name)) out.push(`name "${props.name}" must be 1-128 letters, digits, . _ or -`);
  if (literal(props.description) && props.description.length > 1024) {
    out.push(`description is ${props.description.length} characters (at most 1024)`);
  }
  if (literal(props.outputLocation)) {
    const m = OUTPUT_LOCATION.exec(props.outputLocation);
    if (!m) out.push(`outputLocation "${props.outputLocation}" is not an S3 URI (like s3://acme-dev-athena-results/sales/)`);
    else if (!props.outputLocation.endsWith("/")) out.push(`outputLocation "${props.outputLocation}" must end with "/"; write ${props.outputLocation}/`);
  }
  if (literal(props.kmsKeyArn) && !KMS_KEY_ARN.test(props.kmsKeyArn)) {
    out.push(`kmsKeyArn "${props.kmsKeyArn}" is not a KMS key or alias ARN (like arn:aws:kms:eu-west-1:123456789012:key/<key id> or …:alias/<name>); a bare alias or key id is not accepted`);
  }
  if (literal(props.accountId) && !ACCOUNT_ID.test(props.accountId)) out.push(`accountId "${props.accountId}" is not 12 digits`);
  const cap = props.bytesScannedCutoffPerQuery;
  if (!Token.isUnresolved(cap)) {
    if (!Number.isSafeInteger(cap)) out.push(`bytesScannedCutoffPerQuery ${cap} is not a whole number of bytes`);
    else if (cap < MIN_BYTES_SCANNED_CUTOFF_PER_QUERY) {
      out.push(`bytesScannedCutoffPerQuery ${cap} is below Athena's minimum of ${MIN_BYTES_SCANNED_CUTOFF_PER_QUERY} bytes (10 MiB)`);
    }
  }
  return out;
}
