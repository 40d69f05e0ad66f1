import { describe, expect, it } from "vitest";
import { JobRole, type JobRoleProps, type JobTableArns, jobRolePolicy } from "../../../modules/identity/job-role";
import { policyOf, resource, resourcesOf, synthScope, type TfJson } from "../../helpers/synth";

const ACCOUNT = "111111111111";
const ARTIFACTS = "arn:aws:s3:::acme-sales-artifacts-dev-111111111111-eu-west-1";
const KEY = "arn:aws:kms:eu-west-1:111111111111:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789";
const glue = (x: string) => `arn:aws:glue:eu-west-1:${ACCOUNT}:${x}`;
const table = (db: string, t: string): JobTableArns => ({ catalogArn: glue("catalog"), databaseArn: glue(`database/${db}`), tableArn: glue(`table/${db}/${t}`) });
const EVENTS = table("sales_raw_dev", "events");
const ORDERS = table("sales_processed_dev", "orders");
const DAILY = table("sales_curated_dev", "daily");
const LOG_GROUP = `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws-glue/jobs/acme-sales-dev-role/acme-sales-job-conform-dev-eu-west-1/error`;

const CATALOG_READ = ["glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"];
const CATALOG_WRITE = ["glue:UpdateTable", "glue:CreatePartition", "glue:BatchCreatePartition", "glue:UpdatePartition", "glue:DeletePartition", "glue:BatchDeletePartition"];
const GET_DATA_ACCESS = { Sid: "LakeFormationVendsDataCredentials", Effect: "Allow", Action: "lakeformation:GetDataAccess", Resource: "*" };

function props(over: Partial<JobRoleProps> = {}): JobRoleProps {
  return {
    roleName: "acme-sales-job-conform-dev-eu-west-1",
    description: "glue job conform of sales-dev",
    accountId: ACCOUNT,
    servicePrincipal: "glue.amazonaws.com",
    reads: [EVENTS],
    writes: [],
    readObjectArns: [`${ARTIFACTS}/jobs/conform/0123456789abcdef.py`],
    scratchPrefixArns: [`${ARTIFACTS}/tmp/conform/`],
    kmsKeyArns: [KEY],
    ...over,
  };
}

const statements = (p: JobRoleProps) => jobRolePolicy(p).Statement;
const synth = (p: JobRoleProps, id = "role-conform"): TfJson => synthScope((s) => void new JobRole(s, id, p));

/** The message of what `fn` throws. */
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error, none was thrown");
}

describe("jobRolePolicy", () => {
  it("lets a job that only reads get data credentials, read its tables' catalog entries, its script and its scratch space, and use its key", () => {
    expect(jobRolePolicy(props())).toEqual({
      Version: "2012-10-17",
      Statement: [
        GET_DATA_ACCESS,
        { Sid: "ReadOwnTablesInCatalog", Effect: "Allow", Action: CATALOG_READ, Resource: [glue("catalog"), glue("database/sales_raw_dev"), glue("table/sales_raw_dev/events")] },
        { Sid: "ReadOwnScript", Effect: "Allow", Action: "s3:GetObject", Resource: [`${ARTIFACTS}/jobs/conform/0123456789abcdef.py`] },
        { Sid: "UseOwnScratchSpace", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: [`${ARTIFACTS}/tmp/conform/*`] },
        { Sid: "ListOwnScratchSpace", Effect: "Allow", Action: "s3:ListBucket", Resource: [ARTIFACTS], Condition: { StringLike: { "s3:prefix": ["tmp/conform/*"] } } },
        { Sid: "UseArtifactKeys", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: [KEY] },
      ],
    });
  });

  it("lets a job update the catalog entries of exactly the tables it writes, and read those of every table it touches", () => {
    const st = statements(props({ reads: [EVENTS, ORDERS], writes: [DAILY] }));
    expect(st.find((s) => s.Sid === "ReadOwnTablesInCatalog")).toEqual({
      Sid: "ReadOwnTablesInCatalog",
      Effect: "Allow",
      Action: CATALOG_READ,
      Resource: [
        glue("catalog"),
        glue("database/sales_curated_dev"),
        glue("database/sales_processed_dev"),
        glue("database/sales_raw_dev"),
        glue("table/sales_curated_dev/daily"),
        glue("table/sales_processed_dev/orders"),
        glue("table/sales_raw_dev/events"),
      ],
    });
    expect(st.find((s) => s.Sid === "UpdateWrittenTables")).toEqual({
      Sid: "UpdateWrittenTables",
      Effect: "Allow",
      Action: CATALOG_WRITE,
      Resource: [glue("catalog"), glue("database/sales_curated_dev"), glue("table/sales_curated_dev/daily")],
    });
    expect(st.map((s) => s.Sid)).toEqual(["LakeFormationVendsDataCredentials", "ReadOwnTablesInCatalog", "UpdateWrittenTables", "ReadOwnScript", "UseOwnScratchSpace", "ListOwnScratchSpace", "UseArtifactKeys"]);
  });

  it("writes no catalog update for a job that writes nothing, and no catalog statement at all for one that touches no table", () => {
    expect(statements(props()).map((s) => s.Sid)).not.toContain("UpdateWrittenTables");
    expect(statements(props({ reads: [] })).map((s) => s.Sid)).toEqual(["LakeFormationVendsDataCredentials", "ReadOwnScript", "UseOwnScratchSpace", "ListOwnScratchSpace", "UseArtifactKeys"]);
  });

  it("gives each scratch prefix its objects and a listing limited to it, across prefixes and buckets, sorted", () => {
    const other = "arn:aws:s3:::acme-shared-tmp-dev-111111111111-eu-west-1";
    const st = statements(props({ scratchPrefixArns: [`${ARTIFACTS}/tmp/conform/`, `${other}/conform/`, `${ARTIFACTS}/logs/conform/`] }));
    expect(st.find((s) => s.Sid === "UseOwnScratchSpace")).toEqual({
      Sid: "UseOwnScratchSpace",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      Resource: [`${ARTIFACTS}/logs/conform/*`, `${ARTIFACTS}/tmp/conform/*`, `${other}/conform/*`],
    });
    expect(st.find((s) => s.Sid === "ListOwnScratchSpace")).toEqual({
      Sid: "ListOwnScratchSpace",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: [ARTIFACTS, other],
      Condition: { StringLike: { "s3:prefix": ["conform/*", "logs/conform/*", "tmp/conform/*"] } },
    });
  });

  it("writes no S3 or key statement when there is nothing to read, no scratch space and no key", () => {
    expect(statements(props({ reads: [], readObjectArns: [], scratchPrefixArns: [], kmsKeyArns: [] }))).toEqual([GET_DATA_ACCESS]);
  });

  it("lets a job write to its own log groups and their streams, and nowhere else", () => {
    const output = LOG_GROUP.replace(/error$/, "output");
    expect(statements(props({ logGroupArns: [output, LOG_GROUP] })).find((s) => s.Sid === "WriteOwnLogs")).toEqual({
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:AssociateKmsKey", "logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [LOG_GROUP, `${LOG_GROUP}:*`, output, `${output}:*`],
    });
    expect(statements(props()).map((s) => s.Sid)).not.toContain("WriteOwnLogs");
    expect(statements(props({ logGroupArns: [] })).map((s) => s.Sid)).not.toContain("WriteOwnLogs");
  });

  it("lets a job publish its metrics in its namespace only, when it has one", () => {
    const metrics = { Sid: "PublishJobMetrics", Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": "Glue" } } };
    expect(statements(props({ metricsNamespace: "Glue" })).find((s) => s.Sid === "PublishJobMetrics")).toEqual(metrics);
    expect(statements(props()).map((s) => s.Sid)).not.toContain("PublishJobMetrics");
  });

  it("allows Resource \"*\" only for lakeformation:GetDataAccess, which has no resource-level permissions", () => {
    const all = statements(props({ reads: [EVENTS], writes: [DAILY], logGroupArns: [LOG_GROUP] }));
    expect(all.filter((s) => [s.Resource].flat().includes("*"))).toEqual([GET_DATA_ACCESS]);
    for (const s of all) expect([s.Action].flat().every((a) => a !== "*" && !a.endsWith(":*")), s.Sid).toBe(true);
  });

  it("never reaches a whole bucket's objects", () => {
    for (const s of statements(props({ scratchPrefixArns: [`${ARTIFACTS}/tmp/conform/`, `${ARTIFACTS}/logs/conform/`] }))) {
      for (const r of [s.Resource].flat()) expect(r, s.Sid).not.toBe(`${ARTIFACTS}/*`);
    }
  });

  it("fails when a scratch prefix is not an S3 prefix ARN", () => {
    expect(thrown(() => jobRolePolicy(props({ scratchPrefixArns: [ARTIFACTS] })))).toBe(`"${ARTIFACTS}" is not an S3 prefix ARN like arn:aws:s3:::bucket/prefix/`);
    expect(thrown(() => jobRolePolicy(props({ scratchPrefixArns: [`${ARTIFACTS}/`] })))).toMatch(/is not an S3 prefix ARN/);
    expect(thrown(() => jobRolePolicy(props({ scratchPrefixArns: ["s3://acme-sales-artifacts-dev-111111111111-eu-west-1/tmp/conform/"] })))).toMatch(/is not an S3 prefix ARN/);
    expect(thrown(() => jobRolePolicy(props({ scratchPrefixArns: [`arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/tmp/conform/`] })))).toMatch(/is not an S3 prefix ARN/);
  });

  it("fails when a scratch prefix is not an S3 prefix ARN, through the construct too", () => {
    expect(() => synth(props({ scratchPrefixArns: [`${ARTIFACTS}/tmp/conform/`, "tmp/conform/"] }))).toThrow(/"tmp\/conform\/" is not an S3 prefix ARN/);
  });

  it("accepts prefix ARNs of the other partitions", () => {
    const cn = "arn:aws-cn:s3:::acme-sales-artifacts-dev-111111111111-cn-north-1";
    expect(statements(props({ scratchPrefixArns: [`${cn}/tmp/conform/`] })).find((s) => s.Sid === "ListOwnScratchSpace")!.Resource).toEqual([cn]);
  });
});

describe("JobRole", () => {
  it("is a role only the job's engine assumes, for this account only, with the run policy as its one inline policy", () => {
    const tf = synth(props({ terraformName: "job__conform" }));
    const role = resource(tf, "aws_iam_role", "job__conform");
    expect(role).toMatchObject({ name: "acme-sales-job-conform-dev-eu-west-1", description: "glue job conform of sales-dev", max_session_duration: 3600 });
    expect(policyOf(role, "assume_role_policy").Statement).toEqual([
      { Sid: "ServiceAssumesRoleForThisAccountOnly", Effect: "Allow", Principal: { Service: "glue.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } },
    ]);
    expect(Object.keys(resourcesOf(tf, "aws_iam_role_policy"))).toEqual(["job__conform__run"]);
    const run = resource(tf, "aws_iam_role_policy", "job__conform__run");
    expect(run).toMatchObject({ name: "run", role: "${aws_iam_role.job__conform.name}" });
    expect(policyOf(run)).toEqual(jobRolePolicy(props()));
  });

  it("trusts EMR Serverless for an EMR Serverless job", () => {
    const role = resource(synth(props({ servicePrincipal: "emr-serverless.amazonaws.com" })), "aws_iam_role", "role-conform");
    expect(policyOf(role, "assume_role_policy").Statement[0]!.Principal).toEqual({ Service: "emr-serverless.amazonaws.com" });
  });

  it("can be an EMR runtime role, assumed and session-tagged by one cluster role", () => {
    const trusted = `arn:aws:iam::${ACCOUNT}:role/acme-sales-emr-instance-dev`;
    const { servicePrincipal: _, ...rest } = props();
    const role = resource(synth({ ...rest, trustedRoleArn: trusted }), "aws_iam_role", "role-conform");
    expect(policyOf(role, "assume_role_policy").Statement).toEqual([{ Sid: "RoleAssumesRole", Effect: "Allow", Principal: { AWS: trusted }, Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"] }]);
  });

  it("makes its inline policy and its empty managed-policy list exclusive, and attaches no managed policy", () => {
    const tf = synth(props({ terraformName: "job__conform" }));
    expect(resource(tf, "aws_iam_role_policies_exclusive", "job__conform")).toEqual({ role_name: "${aws_iam_role.job__conform.name}", policy_names: ["run"] });
    expect(resource(tf, "aws_iam_role_policy_attachments_exclusive", "job__conform")).toEqual({ role_name: "${aws_iam_role.job__conform.name}", policy_arns: [] });
    expect(resource(tf, "aws_iam_role", "job__conform")).not.toHaveProperty("managed_policy_arns");
    expect(resourcesOf(tf, "aws_iam_role_policy_attachment")).toEqual({});
  });

  it("fails when it is given both a service and a role to trust, or neither", () => {
    expect(() => synth(props({ trustedRoleArn: `arn:aws:iam::${ACCOUNT}:role/x` }))).toThrow(/exactly one of servicePrincipal and trustedRoleArn/);
    const { servicePrincipal: _, ...neither } = props();
    expect(() => synth(neither)).toThrow(/exactly one of servicePrincipal and trustedRoleArn/);
  });

  it("fails when the role name is over IAM's 64 characters", () => {
    expect(() => synth(props({ roleName: "r".repeat(65) }))).toThrow(/is 65 characters \(1-64 allowed\)/);
  });
});
