import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { base36, emrEksServiceAccountSubject, namespaceOf, sparkSubmitParameters } from "../../generators/model/emr-eks";

describe("EMR on EKS in the Model", () => {
  it("encodes role names in base36 as the AWS CLI does (bytes read big-endian)", () => {
    // "a" is 97; "ab" is 97 * 256 + 98 = 24930 = 19 * 36^2 + 8 * 36 + 18, "j8i" in base 36.
    expect(base36("a")).toBe("2p");
    expect(base36("ab")).toBe("j8i");
    expect(base36("")).toBe("0");
  });

  it("decodes back to the role name, for any IAM role name", () => {
    const roleName = fc.stringMatching(/^[\w+=,.@-]{1,64}$/);
    fc.assert(
      fc.property(roleName, (name) => {
        let n = [...base36(name)].reduce((acc, d) => acc * 36n + BigInt(parseInt(d, 36)), 0n);
        const bytes: number[] = [];
        while (n > 0n) {
          bytes.unshift(Number(n % 256n));
          n /= 256n;
        }
        return String.fromCharCode(...bytes) === name.replace(/^\0+/, "");
      }),
    );
  });

  it("trusts the service accounts EMR creates for one role in one namespace", () => {
    expect(emrEksServiceAccountSubject("emr-clickstream", "111111111111", "ab")).toBe("system:serviceaccount:emr-clickstream:emr-containers-sa-*-*-111111111111-j8i");
  });

  it("names each domain's namespace from the platform's template", () => {
    expect(namespaceOf("emr-{domain}", "clickstream")).toBe("emr-clickstream");
    expect(namespaceOf("{domain}-spark", "cdr")).toBe("cdr-spark");
  });

  it("writes the sizing, dynamic allocation and the Glue catalog into sparkSubmitParameters, in a fixed order", () => {
    expect(sparkSubmitParameters({ releaseLabel: "emr-7.7.0-latest", driver: { cores: 1, memoryGb: 4 }, executor: { cores: 4, memoryGb: 16 }, maxExecutors: 40, timeoutMinutes: 45 })).toBe(
      [
        "--conf spark.driver.cores=1",
        "--conf spark.driver.memory=4g",
        "--conf spark.executor.cores=4",
        "--conf spark.executor.memory=16g",
        "--conf spark.dynamicAllocation.enabled=true",
        "--conf spark.dynamicAllocation.shuffleTracking.enabled=true",
        "--conf spark.dynamicAllocation.minExecutors=0",
        "--conf spark.dynamicAllocation.maxExecutors=40",
        "--conf spark.hadoop.hive.metastore.client.factory.class=com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory",
      ].join(" "),
    );
  });
});
