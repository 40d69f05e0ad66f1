import { describe, expect, it } from "vitest";
import { EmrEksExecutionRole, type EmrEksExecutionRoleProps } from "../../../modules/compute/emr-eks-execution-role";
import { policyOf, resource, resourcesOf, synthScope } from "../../helpers/synth";

const ACCOUNT = "111111111111";
const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
const SUB = `system:serviceaccount:emr-sales:emr-containers-sa-*-*-${ACCOUNT}-abc123`;
const LOG_GROUP = `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/lakeform/sales-dev/emr-eks/rollup`;
const table = (db: string, t: string) => ({
  catalogArn: `arn:aws:glue:eu-west-1:${ACCOUNT}:catalog`,
  databaseArn: `arn:aws:glue:eu-west-1:${ACCOUNT}:database/${db}`,
  tableArn: `arn:aws:glue:eu-west-1:${ACCOUNT}:table/${db}/${t}`,
});

const props = (over: Partial<EmrEksExecutionRoleProps> = {}): EmrEksExecutionRoleProps => ({
  roleName: "acme-sales-job-rollup-dev-eu-west-1",
  description: "emr-eks job rollup",
  accountId: ACCOUNT,
  oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`,
  serviceAccountSubject: SUB,
  reads: [table("sales_processed_dev", "orders")],
  writes: [table("sales_curated_dev", "daily")],
  readObjectArns: ["arn:aws:s3:::artifacts/jobs/rollup/abc.py"],
  scratchPrefixArns: ["arn:aws:s3:::artifacts/tmp/rollup/", "arn:aws:s3:::artifacts/logs/rollup/"],
  kmsKeyArns: [`arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234`],
  logGroupArn: LOG_GROUP,
  ...over,
});

const synth = (p: EmrEksExecutionRoleProps) => synthScope((s) => void new EmrEksExecutionRole(s, "job__rollup", p));

describe("EmrEksExecutionRole", () => {
  it("is trusted only by EMR's service accounts for it in one namespace, through the cluster's OIDC provider, for STS", () => {
    const role = resource(synth(props()), "aws_iam_role", "job__rollup");
    expect(policyOf(role, "assume_role_policy")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ServiceAccountsOfOneNamespaceAssumeRole",
          Effect: "Allow",
          Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}` },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: { StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com" }, StringLike: { [`${ISSUER}:sub`]: SUB } },
        },
      ],
    });
    expect(role.max_session_duration).toBe(3600);
  });

  it("has a job role's permissions, its log group and no lake bucket", () => {
    const tf = synth(props());
    expect(Object.keys(resourcesOf(tf, "aws_iam_role_policy")).sort()).toEqual(["job__rollup__logs", "job__rollup__run"]);
    const run = policyOf(resource(tf, "aws_iam_role_policy", "job__rollup__run")).Statement;
    expect(run.map((s) => s.Sid)).toEqual(["LakeFormationVendsDataCredentials", "ReadOwnTablesInCatalog", "UpdateWrittenTables", "ReadOwnScript", "UseOwnScratchSpace", "ListOwnScratchSpace", "UseArtifactKeys", "WriteOwnLogs"]);
    expect(run.find((s) => s.Sid === "WriteOwnLogs")!.Resource).toEqual([LOG_GROUP, `${LOG_GROUP}:*`]);
    const s3 = run.filter((s) => [s.Action].flat().some((a) => a.startsWith("s3:"))).flatMap((s) => [s.Resource].flat());
    expect(s3.every((r) => r.startsWith("arn:aws:s3:::artifacts"))).toBe(true);
    expect(policyOf(resource(tf, "aws_iam_role_policy", "job__rollup__logs")).Statement).toEqual([
      { Sid: "FindLogGroups", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
      { Sid: "FindOwnLogStreams", Effect: "Allow", Action: "logs:DescribeLogStreams", Resource: [LOG_GROUP, `${LOG_GROUP}:*`] },
    ]);
  });

  it("fails when the OIDC provider is another account's or not one, or the subject does not name one namespace", () => {
    expect(() => synth(props({ oidcProviderArn: `arn:aws:iam::222222222222:oidc-provider/${ISSUER}` }))).toThrow(/in account 222222222222, not the role's 111111111111/);
    expect(() => synth(props({ oidcProviderArn: `arn:aws:iam::${ACCOUNT}:saml-provider/corp` }))).toThrow(/not an IAM OIDC provider ARN/);
    expect(() => synth(props({ serviceAccountSubject: "system:serviceaccount:*:emr-containers-sa-*" }))).toThrow(/must name one namespace literally/);
    expect(() => synth(props({ serviceAccountSubject: "emr-containers-sa-*" }))).toThrow(/must name one namespace literally/);
  });
});
