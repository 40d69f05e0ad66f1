import { describe, expect, it } from "vitest";
import { renderPolicy } from "../../../modules/identity/policy-document";
import { PREFIX_WRITER_ACTIONS, logDeliveryStatement, prefixWriterStatements, secureBucketPolicy } from "../../../modules/storage/bucket-policy";

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

  describe("additionalUploadKeyArns", () => {
    const GLUE_KEY = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000002";
    const OTHER_KEY = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000003";
    const keysOf = (doc: ReturnType<typeof secureBucketPolicy>) =>
      doc.Statement.find((s) => s.Sid === "DenyUploadsWithOtherKeys")?.Condition?.StringNotEqualsIfExists?.["s3:x-amz-server-side-encryption-aws-kms-key-id"];

    it("lets uploads name the bucket key or one of the further keys, and refuses every other key: the condition lists them, bucket key first", () => {
      const doc = secureBucketPolicy({ bucketArn: ARN, kmsKeyArn: KEY, additionalUploadKeyArns: [GLUE_KEY, OTHER_KEY] });
      expect(doc.Statement.find((s) => s.Sid === "DenyUploadsWithOtherKeys")).toEqual({
        Sid: "DenyUploadsWithOtherKeys",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: "s3:PutObject",
        Resource: `${ARN}/*`,
        Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": [KEY, GLUE_KEY, OTHER_KEY] } },
      });
    });

    it("keeps the condition a single key, as without the option, when no further key is given", () => {
      const without = secureBucketPolicy({ bucketArn: ARN, kmsKeyArn: KEY });
      expect(keysOf(without)).toBe(KEY);
      expect(secureBucketPolicy({ bucketArn: ARN, kmsKeyArn: KEY, additionalUploadKeyArns: [] })).toEqual(without);
    });

    it("changes nothing but the key condition: same statements, same order, SSE-KMS still required", () => {
      const readers = ["arn:aws:iam::111111111111:role/acme-sales-lf-raw-dev-eu-west-1"];
      const base = secureBucketPolicy({ bucketArn: ARN, kmsKeyArn: KEY, onlyObjectReaders: readers });
      const more = secureBucketPolicy({ bucketArn: ARN, kmsKeyArn: KEY, onlyObjectReaders: readers, additionalUploadKeyArns: [GLUE_KEY] });
      expect(more.Statement.map((s) => s.Sid)).toEqual(base.Statement.map((s) => s.Sid));
      for (const [i, s] of more.Statement.entries()) if (s.Sid !== "DenyUploadsWithOtherKeys") expect(s, s.Sid).toEqual(base.Statement[i]);
      expect(keysOf(more)).toEqual([KEY, GLUE_KEY]);
    });

    it("does not change the list given", () => {
      const extra = [GLUE_KEY, OTHER_KEY];
      secureBucketPolicy({ bucketArn: ARN, kmsKeyArn: KEY, additionalUploadKeyArns: extra });
      expect(extra).toEqual([GLUE_KEY, OTHER_KEY]);
    });

    it("renders a list condition as JSON that parses back to the same document", () => {
      const doc = secureBucketPolicy({ bucketArn: ARN, kmsKeyArn: KEY, additionalUploadKeyArns: [GLUE_KEY] });
      expect(JSON.parse(renderPolicy(doc))).toEqual(doc);
    });
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

  describe("onlyObjectReaders", () => {
    const REG = "arn:aws:iam::111111111111:role/acme-sales-lf-raw-dev-eu-west-1";
    const REPL = "arn:aws:iam::111111111111:role/acme-sales-replication-dev-eu-west-1";

    it("denies object reads to everyone but the named readers, in exactly this statement", () => {
      const doc = secureBucketPolicy({ bucketArn: ARN, kmsKeyArn: KEY, onlyObjectReaders: [REG] });
      expect(doc.Statement.find((s) => s.Sid === "DenyObjectReadsOutsideLakeFormation")).toEqual({
        Sid: "DenyObjectReadsOutsideLakeFormation",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectVersionForReplication"],
        Resource: `${ARN}/*`,
        // aws:PrincipalArn is the role ARN for every session of the role, so vended credentials pass.
        Condition: { ArnNotEquals: { "aws:PrincipalArn": [REG] } },
      });
    });

    it("comes after the transport and key guards, before any extra statement", () => {
      const extra = logDeliveryStatement(ARN, "111111111111", [ARN]);
      const doc = secureBucketPolicy({ bucketArn: ARN, kmsKeyArn: KEY, onlyObjectReaders: [REG], statements: [extra] });
      expect(doc.Statement.map((s) => s.Sid)).toEqual([
        "DenyInsecureTransport",
        "DenyOutdatedTls",
        "DenyUploadsNotSseKms",
        "DenyUploadsWithOtherKeys",
        "DenyObjectReadsOutsideLakeFormation",
        "AllowS3ServerAccessLogDelivery",
      ]);
    });

    it("is added without a key too (the reads guard does not depend on the encryption)", () => {
      expect(secureBucketPolicy({ bucketArn: ARN, onlyObjectReaders: [REG] }).Statement.map((s) => s.Sid)).toEqual([
        "DenyInsecureTransport",
        "DenyOutdatedTls",
        "DenyObjectReadsOutsideLakeFormation",
      ]);
    });

    it("sorts the readers, without changing the input", () => {
      const readers = [REPL, REG];
      const stmt = secureBucketPolicy({ bucketArn: ARN, onlyObjectReaders: readers }).Statement.at(-1)!;
      expect(stmt.Condition).toEqual({ ArnNotEquals: { "aws:PrincipalArn": [REG, REPL] } });
      expect(readers).toEqual([REPL, REG]);
    });

    it("denies only reads: no write, list or delete action, and never the bucket itself", () => {
      const stmt = secureBucketPolicy({ bucketArn: ARN, onlyObjectReaders: [REG] }).Statement.at(-1)!;
      expect(typeof stmt.Resource).toBe("string");
      expect(stmt.Resource).not.toBe(ARN);
      expect([stmt.Action].flat().filter((a) => !/^s3:GetObject(Version(ForReplication)?)?$/.test(a))).toEqual([]);
    });

    it("is conditioned, so it cannot lock everyone out (CKV_AWS_93), and allows nothing", () => {
      const doc = secureBucketPolicy({ bucketArn: ARN, kmsKeyArn: KEY, onlyObjectReaders: [REG] });
      for (const s of doc.Statement) {
        expect(s.Effect, s.Sid).toBe("Deny");
        expect(Object.keys(s.Condition ?? {}), s.Sid).not.toEqual([]);
      }
    });

    it("leaves the policy unchanged when not given", () => {
      expect(secureBucketPolicy({ bucketArn: ARN, kmsKeyArn: KEY }).Statement.map((s) => s.Sid)).not.toContain("DenyObjectReadsOutsideLakeFormation");
    });

    it("fails when the list is empty: nobody could read the bucket", () => {
      expect(() => secureBucketPolicy({ bucketArn: ARN, kmsKeyArn: KEY, onlyObjectReaders: [] })).toThrow("onlyObjectReaders is empty: nobody could read the bucket");
    });
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

describe("prefix writers (partner drops)", () => {
  const writers = [{ name: "mvno-nordic", accountId: "555555555555", prefix: "drops/mvno-nordic/" }];

  it("lets the partner account upload under its prefix only: PutObject and the multipart actions, no reads, no listing, no ACLs", () => {
    const doc = secureBucketPolicy({ bucketArn: ARN, kmsKeyArn: KEY, onlyObjectReaders: ["arn:aws:iam::111111111111:role/lf"], prefixWriters: writers });
    const allow = doc.Statement.filter((s) => s.Effect === "Allow");
    expect(allow).toEqual([
      {
        Sid: "AllowUploadsByPartnerMvnoNordic",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::555555555555:root" },
        Action: ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:PutObject"],
        Resource: `${ARN}/drops/mvno-nordic/*`,
      },
    ]);
    expect(PREFIX_WRITER_ACTIONS.filter((a) => /Get|Acl|Delete|ListBucket/.test(a))).toEqual([]);
    expect(isWildcard(allow[0]!.Principal)).toBe(false);
  });

  it("keeps every guard, after which the writers come: the partner too must send SSE-KMS under the bucket key, and is denied reads", () => {
    const doc = secureBucketPolicy({ bucketArn: ARN, kmsKeyArn: KEY, onlyObjectReaders: ["arn:aws:iam::111111111111:role/lf"], prefixWriters: writers });
    expect(doc.Statement.map((s) => s.Sid)).toEqual([
      "DenyInsecureTransport",
      "DenyOutdatedTls",
      "DenyUploadsNotSseKms",
      "DenyUploadsWithOtherKeys",
      "DenyObjectReadsOutsideLakeFormation",
      "AllowUploadsByPartnerMvnoNordic",
    ]);
    const guard = doc.Statement.find((s) => s.Sid === "DenyObjectReadsOutsideLakeFormation")!;
    expect(guard.Condition).toEqual({ ArnNotEquals: { "aws:PrincipalArn": ["arn:aws:iam::111111111111:role/lf"] } });
  });

  it("writes the partner's root in the bucket's partition", () => {
    const [s] = prefixWriterStatements("arn:aws-cn:s3:::b", writers);
    expect(s!.Principal).toEqual({ AWS: "arn:aws-cn:iam::555555555555:root" });
  });

  it("fails when the account is not 12 digits, or the prefix is the whole bucket or lacks its slash", () => {
    expect(() => prefixWriterStatements(ARN, [{ name: "a", accountId: "12345", prefix: "drops/a/" }])).toThrow(/account "12345" is not 12 digits/);
    expect(() => prefixWriterStatements(ARN, [{ name: "a", accountId: "555555555555", prefix: "" }])).toThrow(/not a key prefix/);
    expect(() => prefixWriterStatements(ARN, [{ name: "a", accountId: "555555555555", prefix: "drops/a" }])).toThrow(/not a key prefix/);
  });

  it("adds nothing without writers", () => {
    expect(secureBucketPolicy({ bucketArn: ARN, kmsKeyArn: KEY }).Statement.some((s) => s.Effect === "Allow")).toBe(false);
  });
});
