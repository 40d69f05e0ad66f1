import { describe, expect, it } from "vitest";
import { LocationRegistration, type LocationRegistrationProps } from "../../../modules/governance/location-registration";
import { EncryptionKey } from "../../../modules/storage/encryption-key";
import { policyOf, resource, resourcesOf, synthScope, type TfJson } from "../../helpers/synth";

const ACCOUNT = "111111111111";
const BUCKET = "arn:aws:s3:::acme-sales-raw-dev-111111111111-eu-west-1";
const KEY = "${aws_kms_key.raw.arn}";

function props(over: Partial<LocationRegistrationProps> = {}): Omit<LocationRegistrationProps, "kmsKeyArn"> & { kmsKeyArn?: string } {
  return { roleName: "acme-sales-lf-raw-dev-eu-west-1", bucketArn: BUCKET, accountId: ACCOUNT, partition: "aws", ...over };
}

/** A registration of the raw bucket; the zone key is a real key in the same stack unless kmsKeyArn is given. */
function synth(p: ReturnType<typeof props>, id = "raw"): TfJson {
  return synthScope((s) => {
    const key = new EncryptionKey(s, "raw-key", { terraformName: "raw", alias: "alias/acme/dev/sales/raw", description: "raw", accountId: ACCOUNT, partition: "aws" });
    new LocationRegistration(s, id, { ...p, kmsKeyArn: p.kmsKeyArn ?? key.key.arn });
  });
}

const asList = (x: string | string[]) => (typeof x === "string" ? [x] : x);

describe("LocationRegistration", () => {
  it("registers the whole bucket in Lake Formation mode only, through its own role", () => {
    const r = resource(synth(props()), "aws_lakeformation_resource", "raw");
    expect(r).toMatchObject({
      arn: BUCKET,
      role_arn: "${aws_iam_role.raw.arn}",
      hybrid_access_enabled: false,
      use_service_linked_role: false,
    });
    expect(r).not.toHaveProperty("with_federation");
  });

  it("registers only once the role's policy is in place", () => {
    const r = resource(synth(props()), "aws_lakeformation_resource", "raw");
    expect(r.depends_on).toEqual(["aws_iam_role_policy.raw__data-access"]);
  });

  it("has a role only Lake Formation can assume, and only for this account", () => {
    const role = resource(synth(props()), "aws_iam_role", "raw");
    expect(role.name).toBe("acme-sales-lf-raw-dev-eu-west-1");
    expect(role.max_session_duration).toBe(3600);
    expect(policyOf(role, "assume_role_policy")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ServiceAssumesRoleForThisAccountOnly",
          Effect: "Allow",
          Principal: { Service: "lakeformation.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
        },
      ],
    });
  });

  it("lets the role read and write the bucket's objects, list the bucket and use the zone key — nothing more", () => {
    const tf = synth(props());
    expect(Object.keys(resourcesOf(tf, "aws_iam_role_policy"))).toEqual(["raw__data-access"]);
    const p = resource(tf, "aws_iam_role_policy", "raw__data-access");
    expect(p.role).toBe("${aws_iam_role.raw.name}");
    expect(policyOf(p)).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "ReadWriteObjects", Effect: "Allow", Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], Resource: `${BUCKET}/*` },
        { Sid: "ListBucket", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket"], Resource: BUCKET },
        { Sid: "UseZoneKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"], Resource: KEY },
      ],
    });
    expect(resource(tf, "aws_iam_role_policies_exclusive", "raw").policy_names).toEqual(["data-access"]);
    expect(resource(tf, "aws_iam_role_policy_attachments_exclusive", "raw").policy_arns).toEqual([]);
  });

  it("grants no wildcard action and no wildcard resource", () => {
    const { Statement } = policyOf(resource(synth(props()), "aws_iam_role_policy", "raw__data-access"));
    const actions = Statement.flatMap((s) => asList(s.Action));
    const resources = Statement.flatMap((s) => asList(s.Resource));
    expect(actions.filter((a) => a.includes("*"))).toEqual([]);
    expect(resources.filter((r) => r === "*" || r === "arn:aws:s3:::*")).toEqual([]);
    expect(Statement.every((s) => s.Effect === "Allow" && s.Principal === undefined && s.Condition === undefined)).toBe(true);
    expect([...new Set(resources)].sort()).toEqual([KEY, BUCKET, `${BUCKET}/*`].sort());
  });

  it("names every resource after terraformName when given", () => {
    const tf = synth(props({ terraformName: "curated" }), "curated-registration");
    expect(Object.keys(resourcesOf(tf, "aws_iam_role"))).toEqual(["curated"]);
    expect(Object.keys(resourcesOf(tf, "aws_iam_role_policy"))).toEqual(["curated__data-access"]);
    expect(Object.keys(resourcesOf(tf, "aws_lakeformation_resource"))).toEqual(["curated"]);
    expect(resource(tf, "aws_lakeformation_resource", "curated")).toMatchObject({
      role_arn: "${aws_iam_role.curated.arn}",
      depends_on: ["aws_iam_role_policy.curated__data-access"],
    });
  });

  it("accepts a literal key ARN in the key's partition", () => {
    const key = "arn:aws-cn:kms:cn-north-1:111111111111:key/mrk-0123456789abcdef0123456789abcdef";
    const tf = synth(props({ partition: "aws-cn", bucketArn: "arn:aws-cn:s3:::acme-sales-raw-dev", kmsKeyArn: key }));
    expect(policyOf(resource(tf, "aws_iam_role_policy", "raw__data-access")).Statement[2]!.Resource).toBe(key);
  });

  it("reaches a key of another stack by its alias: keys of that account and region carrying the alias, nothing else", () => {
    const alias = "arn:aws:kms:eu-central-1:111111111111:alias/acme/dev/sales/raw";
    const tf = synth(props({ kmsKeyArn: alias }));
    const use = policyOf(resource(tf, "aws_iam_role_policy", "raw__data-access")).Statement[2]!;
    expect(use).toEqual({
      Sid: "UseZoneKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
      Resource: "arn:aws:kms:eu-central-1:111111111111:key/*",
      Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/acme/dev/sales/raw" } },
    });
  });

  it("fails when the ARNs are not a bucket and a key of the partition, with the role's problems in the same error", () => {
    expect(() =>
      synth(
        props({
          roleName: `r${"x".repeat(64)}`,
          bucketArn: `${BUCKET}/tables/`,
          kmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:acme/dev/sales/raw",
        }),
      ),
    ).toThrow(
      new Error(
        [
          "LocationRegistration stack/raw: 3 problems:",
          `  - bucketArn "${BUCKET}/tables/" is not a bucket ARN (arn:aws:s3:::<bucket>, no prefix: the whole bucket is registered)`,
          '  - kmsKeyArn "arn:aws:kms:eu-west-1:111111111111:acme/dev/sales/raw" is not a key or alias ARN (arn:aws:kms:<region>:<account>:key/<id> or …:alias/<name>)',
          `  - roleName "r${"x".repeat(64)}" is 65 characters (1-64 allowed)`,
        ].join("\n"),
      ),
    );
  });

  it("fails when the partition is unknown or the bucket ARN is in another partition", () => {
    expect(() => synth(props({ partition: "aws-eu" }))).toThrow(/1 problem:\n {2}- partition "aws-eu" is not one of aws, aws-cn, aws-us-gov$/);
    expect(() => synth(props({ partition: "aws-us-gov" }))).toThrow(/bucketArn "arn:aws:s3:::acme-sales-raw-dev-111111111111-eu-west-1" is not a bucket ARN \(arn:aws-us-gov:s3:::<bucket>/);
  });
});
