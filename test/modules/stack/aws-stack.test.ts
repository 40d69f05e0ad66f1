import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsStack, type AwsStackProps } from "../../../modules/stack/aws-stack";
import type { TfJson } from "../../helpers/synth";

const TAGS = { domain: "sales", environment: "dev", "managed-by": "lakeform" };

function props(over: Partial<AwsStackProps> = {}): AwsStackProps {
  return { region: "eu-west-1", accountId: "111111111111", backend: { type: "local", path: "terraform.sales-dev.tfstate" }, defaultTags: TAGS, ...over };
}

function synth(p: AwsStackProps, name = "sales-dev"): TfJson {
  const stack = new AwsStack(Testing.app(), name, p);
  return JSON.parse(Testing.synth(stack)) as TfJson;
}

const backendOf = (tf: TfJson) => (tf.terraform as { backend: Record<string, Record<string, unknown>> }).backend;
const awsProvider = (tf: TfJson) => {
  const list = tf.provider?.aws ?? [];
  expect(list).toHaveLength(1);
  return list[0]!;
};

describe("AwsStack backend", () => {
  it("writes the local state path it is given, relative to the stack's working directory", () => {
    expect(backendOf(synth(props()))).toEqual({ local: { path: "terraform.sales-dev.tfstate" } });
    expect(backendOf(synth(props({ backend: { type: "local", path: "state/x.tfstate" } })))).toEqual({ local: { path: "state/x.tfstate" } });
  });

  it("writes an encrypted S3 backend with S3-native locking", () => {
    const tf = synth(props({ backend: { type: "s3", bucket: "acme-tfstate", key: "lakeform/sales-dev.tfstate", region: "eu-west-1" } }));
    const backend = backendOf(tf);
    expect(Object.keys(backend)).toEqual(["s3"]);
    expect(backend.s3).toEqual({ bucket: "acme-tfstate", key: "lakeform/sales-dev.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true });
  });

  it("uses S3-native locking, not a DynamoDB lock table", () => {
    const s3 = backendOf(synth(props({ backend: { type: "s3", bucket: "b", key: "k", region: "eu-west-1" } }))).s3!;
    expect(s3.use_lockfile).toBe(true);
    expect(s3).not.toHaveProperty("dynamodb_table");
  });

  it("encrypts state with the given KMS key when one is set", () => {
    const key = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001";
    const s3 = backendOf(synth(props({ backend: { type: "s3", bucket: "b", key: "k", region: "eu-central-1", kmsKeyArn: key } }))).s3!;
    expect(s3).toMatchObject({ kms_key_id: key, encrypt: true, region: "eu-central-1" });
  });
});

describe("AwsStack provider", () => {
  it("pins the AWS provider to one region and refuses any other account", () => {
    const aws = awsProvider(synth(props()));
    expect(aws.region).toBe("eu-west-1");
    expect(aws.allowed_account_ids).toEqual(["111111111111"]);
    expect(aws).not.toHaveProperty("forbidden_account_ids");
  });

  it("puts the default tags on every taggable resource through the provider", () => {
    expect(awsProvider(synth(props())).default_tags).toEqual([{ tags: TAGS }]);
  });

  it("copies the default tags, so later changes to the caller's object do not leak in", () => {
    const tags: Record<string, string> = { ...TAGS };
    const stack = new AwsStack(Testing.app(), "s", props({ defaultTags: tags }));
    tags.extra = "x";
    const tf = JSON.parse(Testing.synth(stack)) as TfJson;
    expect(awsProvider(tf).default_tags).toEqual([{ tags: TAGS }]);
  });

  it("reads nothing at plan time: no data sources and no remote state", () => {
    const tf = synth(props());
    expect(tf.data ?? {}).toEqual({});
    expect(JSON.stringify(tf)).not.toContain("terraform_remote_state");
  });
});
