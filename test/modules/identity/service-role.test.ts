import { describe, expect, it } from "vitest";
import { type PolicyStatement, policyDocument } from "../../../modules/identity/policy-document";
import { UNSCOPABLE_ACTIONS, ServiceRole, type ServiceRoleProps, serviceRoleProblems } from "../../../modules/identity/service-role";
import { policyOf, resource, resourcesOf, synthScope, type TfJson } from "../../helpers/synth";

const BUCKET = "arn:aws:s3:::acme-sales-raw-dev-111111111111-eu-west-1";

const read: PolicyStatement = { Sid: "ReadObjects", Effect: "Allow", Action: "s3:GetObject", Resource: `${BUCKET}/*` };
const list: PolicyStatement = { Sid: "ListBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: BUCKET };

function props(over: Partial<ServiceRoleProps> = {}): ServiceRoleProps {
  return {
    roleName: "acme-sales-lf-raw-dev-eu-west-1",
    description: "Lake Formation access to the raw zone",
    servicePrincipal: "lakeformation.amazonaws.com",
    accountId: "111111111111",
    policies: { "data-access": policyDocument([read, list]) },
    ...over,
  };
}

const synth = (p: ServiceRoleProps, id = "raw"): TfJson => synthScope((s) => void new ServiceRole(s, id, p));

describe("ServiceRole", () => {
  it("is trusted by the one service, only on behalf of its own account", () => {
    const role = resource(synth(props()), "aws_iam_role", "raw");
    expect(policyOf(role, "assume_role_policy")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ServiceAssumesRoleForThisAccountOnly",
          Effect: "Allow",
          Principal: { Service: "lakeformation.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
        },
      ],
    });
  });

  it("is trusted by several services when given several (MWAA's two Airflow principals), sorted, only on behalf of its own account", () => {
    const role = resource(synth(props({ servicePrincipal: ["airflow.amazonaws.com", "airflow-env.amazonaws.com"] })), "aws_iam_role", "raw");
    expect(policyOf(role, "assume_role_policy").Statement).toEqual([
      {
        Sid: "ServiceAssumesRoleForThisAccountOnly",
        Effect: "Allow",
        Principal: { Service: ["airflow-env.amazonaws.com", "airflow.amazonaws.com"] },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
      },
    ]);
    expect(serviceRoleProblems(props({ servicePrincipal: ["airflow-env.amazonaws.com", "airflow"] }))).toEqual([
      'servicePrincipal "airflow" is not an AWS service principal (like lakeformation.amazonaws.com)',
    ]);
  });

  it("has its physical name, description and one-hour sessions, and nothing else", () => {
    const role = resource(synth(props()), "aws_iam_role", "raw");
    expect(role).toEqual({
      name: "acme-sales-lf-raw-dev-eu-west-1",
      description: "Lake Formation access to the raw zone",
      max_session_duration: 3600,
      assume_role_policy: role.assume_role_policy,
    });
  });

  it("writes each inline policy as its own aws_iam_role_policy on the role, exactly as given", () => {
    const tf = synth(props());
    expect(Object.keys(resourcesOf(tf, "aws_iam_role_policy"))).toEqual(["raw__data-access"]);
    const p = resource(tf, "aws_iam_role_policy", "raw__data-access");
    expect(p.name).toBe("data-access");
    expect(p.role).toBe("${aws_iam_role.raw.name}");
    expect(policyOf(p)).toEqual({ Version: "2012-10-17", Statement: [read, list] });
  });

  it("names several policies after the role, sorted by policy name", () => {
    const tf = synth(props({ policies: { write: policyDocument([list]), "a-read": policyDocument([read]) } }));
    expect(Object.keys(resourcesOf(tf, "aws_iam_role_policy"))).toEqual(["raw__a-read", "raw__write"]);
    expect(resource(tf, "aws_iam_role_policies_exclusive", "raw").policy_names).toEqual(["a-read", "write"]);
  });

  it("uses no managed policies and no deprecated inline_policy blocks", () => {
    const tf = synth(props());
    const role = resource(tf, "aws_iam_role", "raw");
    expect(role).not.toHaveProperty("managed_policy_arns");
    expect(role).not.toHaveProperty("inline_policy");
    expect(resourcesOf(tf, "aws_iam_role_policy_attachment")).toEqual({});
    expect(resourcesOf(tf, "aws_iam_policy")).toEqual({});
  });

  it("makes the inline policies and the empty managed-policy list exclusive, so additions outside Terraform are removed", () => {
    const tf = synth(props());
    expect(resource(tf, "aws_iam_role_policies_exclusive", "raw")).toEqual({ role_name: "${aws_iam_role.raw.name}", policy_names: ["data-access"] });
    expect(resource(tf, "aws_iam_role_policy_attachments_exclusive", "raw")).toEqual({ role_name: "${aws_iam_role.raw.name}", policy_arns: [] });
  });

  it("uses terraformName instead of the construct id when given", () => {
    const tf = synth(props({ terraformName: "curated" }), "curated-role");
    expect(Object.keys(resourcesOf(tf, "aws_iam_role"))).toEqual(["curated"]);
    expect(Object.keys(resourcesOf(tf, "aws_iam_role_policy"))).toEqual(["curated__data-access"]);
    expect(resource(tf, "aws_iam_role_policy", "curated__data-access").role).toBe("${aws_iam_role.curated.name}");
  });

  it("accepts a Deny on Resource * when its actions are named", () => {
    const deny: PolicyStatement = { Sid: "NoDeletes", Effect: "Deny", Action: "s3:DeleteObject", Resource: "*" };
    expect(() => synth(props({ policies: { guard: policyDocument([read, deny]) } }))).not.toThrow();
  });

  it("fails when the name is too long, an action is a wildcard and an Allow is on Resource * — all in one error", () => {
    const longName = `acme-${"x".repeat(60)}`;
    const wide: PolicyStatement = { Sid: "Everything", Effect: "Allow", Action: ["s3:GetObject", "s3:*"], Resource: `${BUCKET}/*` };
    const anywhere: PolicyStatement = { Sid: "Anywhere", Effect: "Allow", Action: "kms:Decrypt", Resource: ["*"] };
    let message = "";
    try {
      synth(props({ roleName: longName, policies: { "data-access": policyDocument([wide, anywhere]) } }));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      [
        "ServiceRole stack/raw: 3 problems:",
        `  - roleName "${longName}" is 65 characters (1-64 allowed)`,
        '  - policies.data-access › Everything: Action "s3:*" grants a whole service; list the actions needed',
        `  - policies.data-access › Anywhere: Allow on Resource "*"; name the resources (only actions without resource-level permissions may use "*": ${UNSCOPABLE_ACTIONS.join(", ")})`,
      ].join("\n"),
    );
  });

  it('fails when an action is "*" or a whole service in any case, even in a Deny', () => {
    const star: PolicyStatement = { Sid: "Star", Effect: "Allow", Action: "*", Resource: BUCKET };
    const upper: PolicyStatement = { Sid: "Upper", Effect: "Allow", Action: "S3:*", Resource: BUCKET };
    const deny: PolicyStatement = { Sid: "DenyAll", Effect: "Deny", Action: "iam:*", Resource: BUCKET };
    expect(() => synth(props({ policies: { p: policyDocument([star, upper, deny]) } }))).toThrow(
      /3 problems:\n.*Star: Action "\*".*\n.*Upper: Action "S3:\*".*\n.*DenyAll: Action "iam:\*"/,
    );
  });

  it("fails when the role name has a character IAM refuses", () => {
    expect(() => synth(props({ roleName: "acme/sales role" }))).toThrow(/roleName "acme\/sales role" may hold only letters, digits and _\+=,\.@-/);
  });

  it("fails when the service principal, account or a policy name is malformed, or a policy names a Principal", () => {
    const withPrincipal: PolicyStatement = { ...read, Principal: { AWS: "arn:aws:iam::111111111111:root" } };
    expect(() =>
      synth(props({ servicePrincipal: "lakeformation", accountId: "1111", policies: { "data access": policyDocument([withPrincipal]) } })),
    ).toThrow(
      new Error(
        [
          "ServiceRole stack/raw: 4 problems:",
          '  - servicePrincipal "lakeformation" is not an AWS service principal (like lakeformation.amazonaws.com)',
          '  - accountId "1111" is not 12 digits',
          "  - policies.data access: the policy name must be 1-128 letters, digits, _ or - (it is part of a Terraform address)",
          "  - policies.data access › ReadObjects: an inline policy names no Principal (IAM rejects it); the role is the principal",
        ].join("\n"),
      ),
    );
  });
});

describe("ServiceRole exceptions and role trust", () => {
  it("allows Resource * only for actions that have no resource-level permissions, alone in their statement", () => {
    const ok: PolicyStatement = { Sid: "VendData", Effect: "Allow", Action: "lakeformation:GetDataAccess", Resource: "*" };
    expect(serviceRoleProblems(props({ policies: { p: policyDocument([ok]) } }))).toEqual([]);
    const mixed: PolicyStatement = { Sid: "Mixed", Effect: "Allow", Action: ["lakeformation:GetDataAccess", "glue:GetTable"], Resource: "*" };
    expect(serviceRoleProblems(props({ policies: { p: policyDocument([mixed]) } }))).toHaveLength(1);
    // MWAA's execution-role guide asks for the account's Block Public Access setting, which has no resource ARN.
    const account: PolicyStatement = { Sid: "AccountBlock", Effect: "Allow", Action: "s3:GetAccountPublicAccessBlock", Resource: "*" };
    expect(serviceRoleProblems(props({ policies: { p: policyDocument([account]) } }))).toEqual([]);
    const bucketLevel: PolicyStatement = { Sid: "BucketBlock", Effect: "Allow", Action: "s3:GetBucketPublicAccessBlock", Resource: "*" };
    expect(serviceRoleProblems(props({ policies: { p: policyDocument([bucketLevel]) } }))).toHaveLength(1);
  });

  it("lets one IAM role assume the role and tag the session, with no service principal", () => {
    const tf = synthScope((s) => {
      new ServiceRole(s, "runtime", { ...props(), servicePrincipal: undefined, trustedRoleArn: "arn:aws:iam::111111111111:role/emr-instance" });
    });
    const trust = JSON.parse(resource(tf, "aws_iam_role", "runtime").assume_role_policy as string);
    expect(trust.Statement).toEqual([{ Sid: "RoleAssumesRole", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/emr-instance" }, Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"] }]);
  });

  it("fails when both or neither trust forms are given", () => {
    expect(serviceRoleProblems({ ...props(), trustedRoleArn: "arn:aws:iam::111111111111:role/x" })).toContain("give exactly one of servicePrincipal and trustedRoleArn");
    expect(serviceRoleProblems({ ...props(), servicePrincipal: undefined })).toContain("give exactly one of servicePrincipal and trustedRoleArn");
  });
});

describe("ServiceRole resourceStarStatements", () => {
  const run: PolicyStatement = {
    Sid: "LaunchTaggedClusters",
    Effect: "Allow",
    Action: "elasticmapreduce:RunJobFlow",
    Resource: "*",
    Condition: { StringEquals: { "aws:RequestTag/lakeform:state-machine": "m" } },
  };
  const reason = "RunJobFlow creates the cluster, so there is no cluster ARN to name";

  it("puts them in one more inline policy, resource-star, and keeps each reason by Sid", () => {
    let role: ServiceRole | undefined;
    const tf = synthScope((s) => void (role = new ServiceRole(s, "raw", props({ resourceStarStatements: [{ statement: run, reason }] }))));
    expect(Object.keys(resourcesOf(tf, "aws_iam_role_policy"))).toEqual(["raw__data-access", "raw__resource-star"]);
    expect(policyOf(resource(tf, "aws_iam_role_policy", "raw__resource-star")).Statement).toEqual([run]);
    expect(resource(tf, "aws_iam_role_policies_exclusive", "raw").policy_names).toEqual(["data-access", "resource-star"]);
    expect(role!.resourceStarReasons).toEqual({ LaunchTaggedClusters: reason });
  });

  it("accepts unscopable actions on * with a reason and no condition", () => {
    const logs: PolicyStatement = { Sid: "Deliver", Effect: "Allow", Action: ["logs:CreateLogDelivery", "logs:GetLogDelivery"], Resource: "*" };
    expect(serviceRoleProblems(props({ resourceStarStatements: [{ statement: logs, reason: "log delivery actions have no resource type" }] }))).toEqual([]);
  });

  it("fails when a scopable action has no condition, the reason is short, the resource is not * alone, or a Sid repeats — all at once", () => {
    const bare: PolicyStatement = { ...run, Condition: undefined };
    expect(
      serviceRoleProblems(
        props({
          resourceStarStatements: [
            { statement: bare, reason },
            { statement: { ...run, Resource: ["*", BUCKET] }, reason: "short" },
            { statement: { ...run, Action: "ec2:*" }, reason },
          ],
        }),
      ),
    ).toEqual([
      'resourceStarStatements[0] › LaunchTaggedClusters: actions with resource-level permissions on Resource "*" need a Condition that narrows them (a request or resource tag, a passed-to service)',
      "resourceStarStatements[1] › LaunchTaggedClusters: Sid appears twice",
      "resourceStarStatements[1] › LaunchTaggedClusters: give the reason in a sentence (why no narrower resource works): reviews and the audit read it",
      'resourceStarStatements[1] › LaunchTaggedClusters: Resource must be "*" alone; name narrower resources in an ordinary policy',
      "resourceStarStatements[2] › LaunchTaggedClusters: Sid appears twice",
      'resourceStarStatements[2] › LaunchTaggedClusters: Action "ec2:*" grants a whole service; list the actions needed',
    ]);
  });

  it("fails when an ordinary policy takes the resource-star name", () => {
    expect(serviceRoleProblems(props({ policies: { "resource-star": policyDocument([read]) } }))).toEqual(["policies.resource-star: the name is kept for resourceStarStatements"]);
  });

  it("trusts EC2 without aws:SourceAccount, which EC2 does not send for an instance profile's role", () => {
    const role = resource(synth(props({ servicePrincipal: "ec2.amazonaws.com" })), "aws_iam_role", "raw");
    expect(policyOf(role, "assume_role_policy").Statement).toEqual([
      { Sid: "Ec2AssumesInstanceProfileRole", Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
  });
});
