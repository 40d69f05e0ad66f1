import type { GuardrailRule } from "../../types";
import { BUCKET, type Check, perResource } from "../../terraform";

/** ACLs stay off: no aws_s3_bucket_acl and no inline acl/grant (CKV_AWS_20/57, CKV2_AWS_43, AVD-AWS-0092 cannot apply). */
export const checkNoAcl: Check = (stacks) => [
  ...perResource("no-acl", stacks, "aws_s3_bucket_acl", () => ["aws_s3_bucket_acl is not allowed (ACLs are disabled by BucketOwnerEnforced)"]),
  ...perResource("no-acl", stacks, BUCKET, (r) => ["acl", "grant"].filter((k) => r[k] !== undefined).map((k) => `inline ${k} is not allowed`)),
];

export const rule: GuardrailRule = {
  id: "S3-011",
  severity: "error",
  scope: "terraform",
  rule: "No bucket ACL, as a resource or inline.",
  explanation: "ACLs are disabled (BucketOwnerEnforced); an ACL resource would fail to apply or reopen a path around policies.",
  source: ["CKV_AWS_20", "CKV_AWS_57", "CKV2_AWS_43", "AVD-AWS-0092"],
  check: ({ stacks }) => checkNoAcl(stacks),
};
