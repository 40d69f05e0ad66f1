import { describe, expect, it } from "vitest";
import { kmsAliasArnParts, kmsKeyResource, kmsKeyStatements } from "../../../modules/identity/kms-key-access";

const KEY = "arn:aws:kms:eu-west-1:111111111111:key/mrk-0123456789abcdef0123456789abcdef";
const RAW = "arn:aws:kms:eu-central-1:111111111111:alias/acme/dev/sales/raw";
const CURATED = "arn:aws:kms:eu-central-1:111111111111:alias/acme/dev/sales/curated";
const base = { Sid: "UseKeys", Effect: "Allow" as const, Action: ["kms:Decrypt", "kms:GenerateDataKey"] };

describe("kmsAliasArnParts", () => {
  it("splits an alias ARN into the region's key wildcard and the alias", () => {
    expect(kmsAliasArnParts(RAW)).toEqual({ keyWildcard: "arn:aws:kms:eu-central-1:111111111111:key/*", alias: "alias/acme/dev/sales/raw" });
  });

  it("is null for a key ARN, a bare alias and a reference", () => {
    expect(kmsAliasArnParts(KEY)).toBeNull();
    expect(kmsAliasArnParts("alias/acme/dev/sales/raw")).toBeNull();
    expect(kmsAliasArnParts("${aws_kms_key.raw.arn}")).toBeNull();
  });
});

describe("kmsKeyResource", () => {
  it("names a key ARN as it is", () => {
    expect(kmsKeyResource(KEY)).toEqual({ Resource: KEY });
  });

  it("names an aliased key by every key of its region, let through only while it carries the alias", () => {
    expect(kmsKeyResource(RAW)).toEqual({
      Resource: "arn:aws:kms:eu-central-1:111111111111:key/*",
      Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/acme/dev/sales/raw" } },
    });
  });
});

describe("kmsKeyStatements", () => {
  it("is the one statement it always was when every key is a key ARN", () => {
    expect(kmsKeyStatements(base, [KEY])).toEqual([{ ...base, Resource: KEY }]);
    expect(kmsKeyStatements(base, [KEY], (a) => a)).toEqual([{ ...base, Resource: [KEY] }]);
  });

  it("adds one statement for the aliased keys of a region, the aliases sorted and unique", () => {
    expect(kmsKeyStatements(base, [KEY, RAW, CURATED, RAW])).toEqual([
      { ...base, Resource: KEY },
      {
        ...base,
        Sid: "UseKeysByAlias",
        Resource: "arn:aws:kms:eu-central-1:111111111111:key/*",
        Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": ["alias/acme/dev/sales/curated", "alias/acme/dev/sales/raw"] } },
      },
    ]);
  });

  it("keeps the statement's own condition beside the alias condition, and the key order Resource before Condition", () => {
    const [s] = kmsKeyStatements({ ...base, Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } } }, [RAW]);
    expect(s).toEqual({
      ...base,
      Sid: "UseKeysByAlias",
      Resource: "arn:aws:kms:eu-central-1:111111111111:key/*",
      Condition: { Bool: { "kms:GrantIsForAWSResource": "true" }, "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/acme/dev/sales/raw" } },
    });
    expect(Object.keys(s!)).toEqual(["Sid", "Effect", "Action", "Resource", "Condition"]);
  });

  it("numbers the statements of a second region", () => {
    const other = "arn:aws:kms:eu-north-1:111111111111:alias/acme/dev/sales/raw";
    expect(kmsKeyStatements(base, [RAW, other]).map((s) => s.Sid)).toEqual(["UseKeysByAlias", "UseKeysByAlias2"]);
  });
});
