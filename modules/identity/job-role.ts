import { Token } from "cdktf";
import type { Construct } from "constructs";
import { kmsKeyStatements } from "./kms-key-access";
import { type PolicyStatement, policyDocument } from "./policy-document";
import { ServiceRole } from "./service-role";

/** A catalog table the job touches, by the ARNs IAM needs to let Glue's catalog API through. */
export interface JobTableArns {
  readonly catalogArn: string;
  readonly databaseArn: string;
  readonly tableArn: string;
}

export interface JobRoleProps {
  /** Terraform resource name. @default - the construct id */
  readonly terraformName?: string;
  readonly roleName: string;
  readonly description: string;
  readonly accountId: string;
  /** The service that runs the job (`glue.amazonaws.com`, `emr-serverless.amazonaws.com`); exactly one of this and trustedRoleArn. */
  readonly servicePrincipal?: string;
  /** The role that assumes this one (an EMR cluster's instance-profile role, for runtime roles). */
  readonly trustedRoleArn?: string;
  /** Tables the job reads: catalog reads only. */
  readonly reads: readonly JobTableArns[];
  /** Tables the job writes: catalog reads plus partition and table updates. */
  readonly writes: readonly JobTableArns[];
  /** S3 object ARNs the job only reads (its script). */
  readonly readObjectArns: readonly string[];
  /** S3 prefixes (`arn:…:bucket/prefix/`) the job reads and writes: its temp and log space. */
  readonly scratchPrefixArns: readonly string[];
  /** KMS keys it encrypts and decrypts its own artifacts with: key ARNs (or references), or alias ARNs of keys known only by alias. */
  readonly kmsKeyArns: readonly string[];
  /** CloudWatch log groups it writes to. @default - none */
  readonly logGroupArns?: readonly string[];
  /**
   * The CloudWatch namespace the job publishes its metrics to with this
   * role's credentials (Glue jobs: `Glue`); cloudwatch:PutMetricData has no
   * resource type, so it is allowed on `*` for that namespace only.
   * @default - none: the job publishes no metrics itself
   */
  readonly metricsNamespace?: string;
}

const CATALOG_READ = ["glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"];
const CATALOG_WRITE = ["glue:UpdateTable", "glue:CreatePartition", "glue:BatchCreatePartition", "glue:UpdatePartition", "glue:DeletePartition", "glue:BatchDeletePartition"];

/**
 * Literal ARNs sorted; references (`${aws_kms_key.x.arn}`) after them in the
 * caller's order: a token's placeholder text depends on how many tokens the
 * process made before, so sorting it would order a stack differently when
 * other stacks are built first (as `lakeform review` does).
 */
const sorted = (xs: readonly string[]) => {
  const unique = [...new Set(xs)];
  return [...unique.filter((x) => !Token.isUnresolved(x)).sort(), ...unique.filter((x) => Token.isUnresolved(x))];
};

/** `arn:aws:s3:::bucket/prefix/` → bucket ARN and key prefix. */
function splitPrefix(arn: string): { bucketArn: string; prefix: string } {
  const m = /^(arn:[^:]+:s3:::[^/]+)\/(.+)$/.exec(arn);
  if (!m) throw new Error(`"${arn}" is not an S3 prefix ARN like arn:aws:s3:::bucket/prefix/`);
  return { bucketArn: m[1]!, prefix: m[2]! };
}

/**
 * The role one job runs as. Data is reached through Lake Formation only: the
 * role may ask for data credentials (lakeformation:GetDataAccess) and read
 * the catalog entries of its own tables; what it may read or write is the
 * Lake Formation grants on those tables. In S3 it reaches nothing but its
 * script and its own scratch prefixes, and the lake buckets deny it reads.
 *
 * Terraform addresses: those of ServiceRole (`aws_iam_role.<name>`,
 * `aws_iam_role_policy.<name>__run`, …).
 */
export class JobRole extends ServiceRole {
  constructor(scope: Construct, id: string, props: JobRoleProps) {
    super(scope, id, {
      ...(props.terraformName ? { terraformName: props.terraformName } : {}),
      roleName: props.roleName,
      description: props.description,
      accountId: props.accountId,
      ...(props.servicePrincipal ? { servicePrincipal: props.servicePrincipal } : {}),
      ...(props.trustedRoleArn ? { trustedRoleArn: props.trustedRoleArn } : {}),
      policies: { run: jobRolePolicy(props) },
    });
  }
}

export function jobRolePolicy(props: JobRoleProps) {
  const all = [...props.reads, ...props.writes];
  const statements: PolicyStatement[] = [
    { Sid: "LakeFormationVendsDataCredentials", Effect: "Allow", Action: "lakeformation:GetDataAccess", Resource: "*" },
  ];
  if (all.length > 0) {
    statements.push({
      Sid: "ReadOwnTablesInCatalog",
      Effect: "Allow",
      Action: CATALOG_READ,
      Resource: sorted([...all.map((t) => t.catalogArn), ...all.map((t) => t.databaseArn), ...all.map((t) => t.tableArn)]),
    });
  }
  if (props.writes.length > 0) {
    statements.push({ Sid: "UpdateWrittenTables", Effect: "Allow", Action: CATALOG_WRITE, Resource: sorted(props.writes.flatMap((t) => [t.catalogArn, t.databaseArn, t.tableArn])) });
  }
  if (props.readObjectArns.length > 0) statements.push({ Sid: "ReadOwnScript", Effect: "Allow", Action: "s3:GetObject", Resource: sorted(props.readObjectArns) });
  if (props.scratchPrefixArns.length > 0) {
    const prefixes = props.scratchPrefixArns.map(splitPrefix);
    statements.push(
      { Sid: "UseOwnScratchSpace", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: sorted(props.scratchPrefixArns.map((a) => `${a}*`)) },
      {
        Sid: "ListOwnScratchSpace",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: sorted(prefixes.map((p) => p.bucketArn)),
        Condition: { StringLike: { "s3:prefix": sorted(prefixes.map((p) => `${p.prefix}*`)) } },
      },
    );
  }
  if (props.kmsKeyArns.length > 0) {
    // A zone key known only by its alias ARN (DR) gets a statement of its own: see kmsKeyStatements.
    statements.push(...kmsKeyStatements({ Sid: "UseArtifactKeys", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"] }, props.kmsKeyArns, sorted));
  }
  if (props.logGroupArns && props.logGroupArns.length > 0) {
    statements.push({
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:AssociateKmsKey", "logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: sorted(props.logGroupArns.flatMap((a) => [a, `${a}:*`])),
    });
  }
  if (props.metricsNamespace) {
    statements.push({
      Sid: "PublishJobMetrics",
      Effect: "Allow",
      Action: "cloudwatch:PutMetricData",
      Resource: "*",
      Condition: { StringEquals: { "cloudwatch:namespace": props.metricsNamespace } },
    });
  }
  return policyDocument(statements);
}
