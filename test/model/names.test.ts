import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  LIMITS,
  boundedName,
  bucketName,
  bucketNameProblems,
  databaseName,
  iamRoleName,
  kmsAlias,
  partitionOf,
} from "../../generators/model/names";

const segment = fc.stringMatching(/^[a-z][a-z0-9]{0,11}(-[a-z0-9]{1,6}){0,3}$/);
const ctxArb = fc.record({
  organization: fc.stringMatching(/^[a-z][a-z0-9]{1,11}$/),
  environment: fc.stringMatching(/^[a-z][a-z0-9]{1,9}$/),
  accountId: fc.stringMatching(/^\d{12}$/),
  region: fc.constantFrom("eu-west-1", "us-east-1", "ap-southeast-2", "us-gov-west-1", "eu-central-1"),
});

describe("physical names", () => {
  it("derives readable names when they fit", () => {
    const ctx = { organization: "acme", environment: "prod", accountId: "222222222222", region: "eu-west-1" };
    expect(bucketName(ctx, "clickstream", "raw")).toBe("acme-clickstream-raw-prod-222222222222-eu-west-1");
    expect(databaseName(ctx, "call-records", "curated")).toBe("call_records_curated_prod");
    expect(kmsAlias(ctx, "cdr", "raw")).toBe("alias/acme/prod/cdr/raw");
    expect(iamRoleName(ctx, "cdr", "registration")).toBe("acme-cdr-registration-prod-eu-west-1");
  });

  it("shortens long names with a hash and keeps account and region whole", () => {
    const ctx = { organization: "megacorpdata", environment: "staging01", accountId: "123456789012", region: "ap-southeast-2" };
    const name = bucketName(ctx, "call-detail-records-eu", "processed");
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name.endsWith("-123456789012-ap-southeast-2")).toBe(true);
    expect(name).toBe("megacorpdata-call-detail-r-94df360e-123456789012-ap-southeast-2");
    expect(bucketNameProblems(name)).toEqual([]);
  });

  it("keeps every bucket name legal, within 63 characters and deterministic (property)", () => {
    fc.assert(
      fc.property(ctxArb, segment, fc.stringMatching(/^[a-z][a-z0-9]{1,15}$/), (ctx, domain, zone) => {
        const a = bucketName(ctx, domain, zone);
        expect(a.length).toBeLessThanOrEqual(LIMITS.s3Bucket);
        expect(bucketNameProblems(a)).toEqual([]);
        expect(bucketName({ ...ctx }, domain, zone)).toBe(a);
        expect(a.endsWith(`-${ctx.accountId}-${ctx.region}`)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("gives different inputs different names (property)", () => {
    fc.assert(
      fc.property(ctxArb, segment, segment, fc.stringMatching(/^[a-z]{2,16}$/), (ctx, d1, d2, zone) => {
        fc.pre(d1 !== d2);
        expect(bucketName(ctx, d1, zone)).not.toBe(bucketName(ctx, d2, zone));
        expect(databaseName(ctx, d1, zone)).not.toBe(databaseName(ctx, d2, zone));
      }),
      { numRuns: 300 },
    );
  });

  it("respects the IAM role and KMS alias limits (property)", () => {
    fc.assert(
      fc.property(ctxArb, segment, fc.stringMatching(/^[a-z][a-z0-9-]{0,80}[a-z0-9]$/), (ctx, domain, purpose) => {
        expect(iamRoleName(ctx, domain, purpose).length).toBeLessThanOrEqual(LIMITS.iamRole);
        expect(kmsAlias(ctx, domain, purpose).length).toBeLessThanOrEqual(LIMITS.kmsAlias);
        expect(kmsAlias(ctx, domain, purpose)).toMatch(/^alias\/[A-Za-z0-9/_-]+$/);
      }),
    );
  });

  it("fails when the tail alone cannot fit", () => {
    expect(() => boundedName(["a"], ["x".repeat(70)], 63)).toThrow(/cannot fit/);
  });

  it("reports the S3 naming rules a name breaks", () => {
    expect(bucketNameProblems("ab")).toEqual(["is 2 characters (3-63 allowed)"]);
    expect(bucketNameProblems("xn--bucket")).toContain("must not start with a prefix S3 reserves");
    expect(bucketNameProblems("data-s3alias")).toContain("must not end with a suffix S3 reserves");
    expect(bucketNameProblems("a--b")).toContain("must not contain two hyphens in a row");
    expect(bucketNameProblems("Upper")).toHaveLength(1);
  });

  it("knows the partition of a region", () => {
    expect(partitionOf("eu-west-1")).toBe("aws");
    expect(partitionOf("cn-north-1")).toBe("aws-cn");
    expect(partitionOf("us-gov-west-1")).toBe("aws-us-gov");
  });
});
