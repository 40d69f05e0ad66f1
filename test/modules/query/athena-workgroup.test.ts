import { describe, expect, it } from "vitest";
import {
  AthenaWorkgroup,
  type AthenaWorkgroupProps,
  MIN_BYTES_SCANNED_CUTOFF_PER_QUERY,
  athenaWorkgroupProblems,
} from "../../../modules/query/athena-workgroup";
import { resource, resourcesOf, synthScope, type TfJson } from "../../helpers/synth";

const KEY = "arn:aws:kms:eu-west-1:111111111111:key/mrk-0123456789abcdef0123456789abcdef";
const ONE_TIB = 1024 ** 4;

function props(over: Partial<AthenaWorkgroupProps> = {}): AthenaWorkgroupProps {
  return {
    name: "acme-sales-dev",
    description: "sales analysts (dev)",
    outputLocation: "s3://acme-sales-athena-results-dev-111111111111-eu-west-1/results/",
    kmsKeyArn: KEY,
    accountId: "111111111111",
    bytesScannedCutoffPerQuery: ONE_TIB,
    ...over,
  };
}

const synth = (p: AthenaWorkgroupProps, id = "sales"): TfJson => synthScope((s) => void new AthenaWorkgroup(s, id, p));

/** The message of what `fn` throws. */
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error, none was thrown");
}

describe("AthenaWorkgroup", () => {
  it("is enabled, never force-destroyed, and enforces engine 3, metrics, the scan cap and SSE-KMS results in the expected owner's bucket", () => {
    expect(resource(synth(props()), "aws_athena_workgroup", "sales")).toEqual({
      name: "acme-sales-dev",
      description: "sales analysts (dev)",
      state: "ENABLED",
      force_destroy: false,
      configuration: {
        enforce_workgroup_configuration: true,
        publish_cloudwatch_metrics_enabled: true,
        requester_pays_enabled: false,
        bytes_scanned_cutoff_per_query: ONE_TIB,
        engine_version: { selected_engine_version: "Athena engine version 3" },
        result_configuration: {
          output_location: "s3://acme-sales-athena-results-dev-111111111111-eu-west-1/results/",
          expected_bucket_owner: "111111111111",
          encryption_configuration: { encryption_option: "SSE_KMS", kms_key_arn: KEY },
        },
      },
    });
  });

  it("sets no result ACL (ACLs are off on BucketOwnerEnforced buckets) and no Spark execution role", () => {
    const config = resource(synth(props()), "aws_athena_workgroup", "sales").configuration as Record<string, Record<string, unknown>>;
    expect(config.result_configuration).not.toHaveProperty("acl_configuration");
    expect(config).not.toHaveProperty("execution_role");
  });

  it("names the workgroup after terraformName when given", () => {
    const tf = synth(props({ terraformName: "analysts" }), "analysts-workgroup");
    expect(Object.keys(resourcesOf(tf, "aws_athena_workgroup"))).toEqual(["analysts"]);
  });

  it("accepts a customer-managed key ARN of a single-Region key", () => {
    const single = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    expect(athenaWorkgroupProblems(props({ kmsKeyArn: single }))).toEqual([]);
  });

  it("accepts the alias ARN of a key known only by alias (a zone key's replica in the DR region)", () => {
    expect(athenaWorkgroupProblems(props({ kmsKeyArn: "arn:aws:kms:eu-central-1:111111111111:alias/acme/dev/sales/curated" }))).toEqual([]);
  });

  it("accepts a scan cap of exactly Athena's minimum, 10 MiB", () => {
    expect(MIN_BYTES_SCANNED_CUTOFF_PER_QUERY).toBe(10 * 1024 * 1024);
    const wg = resource(synth(props({ bytesScannedCutoffPerQuery: 10_485_760 })), "aws_athena_workgroup", "sales");
    expect((wg.configuration as Record<string, unknown>).bytes_scanned_cutoff_per_query).toBe(10_485_760);
  });

  describe("validation", () => {
    it("fails when the scan cap is below Athena's minimum", () => {
      expect(() => synth(props({ bytesScannedCutoffPerQuery: 10_485_759 }))).toThrow(
        new Error("AthenaWorkgroup stack/sales: 1 problem:\n  - bytesScannedCutoffPerQuery 10485759 is below Athena's minimum of 10485760 bytes (10 MiB)"),
      );
    });

    it("fails when the scan cap is not a whole number of bytes", () => {
      for (const cap of [20_000_000.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(athenaWorkgroupProblems(props({ bytesScannedCutoffPerQuery: cap })), String(cap)).toEqual([
          `bytesScannedCutoffPerQuery ${cap} is not a whole number of bytes`,
        ]);
      }
    });

    it("fails when the output location is not an S3 URI, or does not end with /", () => {
      expect(athenaWorkgroupProblems(props({ outputLocation: "https://acme-results.s3.amazonaws.com/x/" }))).toEqual([
        'outputLocation "https://acme-results.s3.amazonaws.com/x/" is not an S3 URI (like s3://acme-dev-athena-results/sales/)',
      ]);
      expect(athenaWorkgroupProblems(props({ outputLocation: "s3://acme-results/sales" }))).toEqual([
        'outputLocation "s3://acme-results/sales" must end with "/"; write s3://acme-results/sales/',
      ]);
    });

    it("reports every problem at once, in the order of the props", () => {
      expect(
        thrown(() =>
          synth(
            props({
              name: "sales analysts",
              description: "x".repeat(1025),
              outputLocation: "s3://Acme_Results/",
              kmsKeyArn: "alias/acme/sales",
              accountId: "11111111111",
              bytesScannedCutoffPerQuery: 0,
            }),
          ),
        ),
      ).toBe(
        [
          "AthenaWorkgroup stack/sales: 6 problems:",
          '  - name "sales analysts" must be 1-128 letters, digits, . _ or -',
          "  - description is 1025 characters (at most 1024)",
          '  - outputLocation "s3://Acme_Results/" is not an S3 URI (like s3://acme-dev-athena-results/sales/)',
          '  - kmsKeyArn "alias/acme/sales" is not a KMS key or alias ARN (like arn:aws:kms:eu-west-1:123456789012:key/<key id> or …:alias/<name>); a bare alias or key id is not accepted',
          '  - accountId "11111111111" is not 12 digits',
          "  - bytesScannedCutoffPerQuery 0 is below Athena's minimum of 10485760 bytes (10 MiB)",
        ].join("\n"),
      );
    });
  });
});
