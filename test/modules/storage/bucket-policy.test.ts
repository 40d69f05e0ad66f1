import { describe, expect, it } from "vitest";
import { renderPolicy } from "../../../modules/identity/policy-document";
import { logDeliveryStatement, secureBucketPolicy } from "../../../modules/storage/bucket-policy";

const ARN = "arn:aws:s3:::acme-sales-raw-dev-111111111111-eu-west-1";
const KEY = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001";
const isWildcard = (p: unknown) => p === "*" || (typeof p === "object" && p !== null && [(p as { AWS?: unknown }).AWS].flat().includes("*"));

describe("secureBucketPolicy", () => {
  it("denies plain HTTP in exactly the form AwsSolutions-S10 looks for", () => {
    const [tls] = secureBucketPolicy({ bucketArn: ARN }).Statement;
    expect(tls).toEqual({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: "s3:*",
      Resource: [ARN, `${ARN}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  it("denies TLS older than 1.2 on the bucket and its objects", () => {
    const stmt = secureBucketPolicy({ bucketArn: ARN }).Statement.find((s) => s.Sid === "DenyOutdatedTls");
    expect(stmt).toMatchObject({ Effect: "Deny", Action: "s3:*", Resource: [ARN, `${ARN}/*`], Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } });
  });

  it("has only the two transport guards when no key is given", () => {
    const doc = secureBucketPolicy({ bucketArn: ARN });
    expect(doc.Version).toBe("2012-10-17");
    expect(doc.Statement.map((s) => s.Sid)).toEqual(["DenyInsecureTransport", "DenyOutdatedTls"]);
  });

  it("refuses uploads that ask for another encryption type or another key when a key is given", () => {
    const doc = secureBucketPolicy({ bucketArn: ARN, kmsKeyArn: KEY });
    expect(doc.Statement.map((s) => s.Sid)).toEqual(["DenyInsecureTransport", "DenyOutdatedTls", "DenyUploadsNotSseKms", "DenyUploadsWithOtherKeys"]);
    const [, , notKms, otherKey] = doc.Statement;
    expect(notKms).toEqual({
      Sid: "DenyUploadsNotSseKms",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: "s3:PutObject",
      Resource: `${ARN}/*`,
      // IfExists: uploads that name no encryption get the bucket default (the zone key).
      Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": "aws:kms" } },
    });
    expect(otherKey).toMatchObject({ Action: "s3:PutObject", Resource: `${ARN}/*`, Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY } } });
  });

  it("conditions every deny, so no statement locks everyone out of the bucket (CKV_AWS_93)", () => {
    for (const s of secureBucketPolicy({ bucketArn: ARN, kmsKeyArn: KEY }).Statement) {
      expect(s.Effect, s.Sid).toBe("Deny");
      expect(s.Condition, s.Sid).toBeDefined();
    }
  });

  it("appends extra statements after the guards, unchanged", () => {
    const extra = logDeliveryStatement(ARN, "111111111111", [ARN]);
    const doc = secureBucketPolicy({ bucketArn: ARN, statements: [extra] });
    expect(doc.Statement.at(-1)).toBe(extra);
    expect(doc.Statement).toHaveLength(3);
  });

  it("fails when an extra statement reuses a guard Sid", () => {
    const dup = { Sid: "DenyOutdatedTls", Effect: "Deny" as const, Principal: "*" as const, Action: "s3:*", Resource: ARN };
    expect(() => secureBucketPolicy({ bucketArn: ARN, statements: [dup] })).toThrow("duplicate policy statement Sid DenyOutdatedTls");
  });

  it("renders as compact JSON that parses back to the same document", () => {
    const doc = secureBucketPolicy({ bucketArn: ARN, kmsKeyArn: KEY });
    const text = renderPolicy(doc);
    expect(text).not.toMatch(/\n/);
    expect(JSON.parse(text)).toEqual(doc);
  });
});

describe("logDeliveryStatement", () => {
  const sources = ["arn:aws:s3:::z-processed", "arn:aws:s3:::a-raw", "arn:aws:s3:::m-curated"];

  it("lets only the S3 logging service put objects into the log bucket", () => {
    const s = logDeliveryStatement("arn:aws:s3:::logs", "111111111111", sources);
    expect(s).toMatchObject({
      Sid: "AllowS3ServerAccessLogDelivery",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: "arn:aws:s3:::logs/*",
    });
    expect(isWildcard(s.Principal)).toBe(false);
  });

  it("limits delivery to the source account and source buckets, sorted, without changing the input", () => {
    const input = [...sources];
    const s = logDeliveryStatement("arn:aws:s3:::logs", "111111111111", input);
    expect(s.Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "111111111111" },
      ArnLike: { "aws:SourceArn": ["arn:aws:s3:::a-raw", "arn:aws:s3:::m-curated", "arn:aws:s3:::z-processed"] },
    });
    expect(input).toEqual(sources);
  });
});
