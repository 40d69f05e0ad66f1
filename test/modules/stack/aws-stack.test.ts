import { Testing } from "cdktf";
import { it } from "vitest";
import { AwsStack } from "../../../modules/stack/aws-stack";
it("x", () => {
  const app = Testing.app();
  const s = new AwsStack(app, "s", { region: "eu-west-1", accountId: "111111111111", backend: { type: "s3", bucket: "b", key: "k", region: "eu-west-1", kmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/x" }, defaultTags: { a: "b" } });
  console.log(Testing.synth(s));
  const s2 = new AwsStack(app, "s2", { region: "eu-west-1", accountId: "111111111111", backend: { type: "local", path: "x.tfstate" }, defaultTags: { a: "b" } });
  console.log(Testing.synth(s2));
});
