import { describe, expect, it } from "vitest";
import { checkAthenaScanCap } from "../../generators/guardrails/rules/athena/ath-002-scan-cap";
import { checkOnDemandPrimaryCore } from "../../generators/guardrails/rules/emr/emr-004-on-demand-primary-core";
import { checkOneKeyPerZone } from "../../generators/guardrails/rules/lake/lf-009-one-key-per-zone";
import { checkZoneNotifications } from "../../generators/guardrails/rules/s3/s3-009-event-notifications";
import { type Json, type TfStack, lakeBuckets } from "../../generators/guardrails/terraform";
import { modelFrom, synthStackOf } from "../helpers/model-fixtures";
import { domainFixture, platformFixture } from "../helpers/project";

/**
 * The rules the pack adds beyond the audit's checks (those keep their cases
 * in test/security/audit.test.ts): each on a compliant stack and on stacks
 * broken one way at a time.
 */

type Resources = Record<string, Record<string, Json>>;

const stackOf = (name: string, resource: Resources): TfStack => {
  const json = { resource };
  return { name, text: JSON.stringify(json), json };
};

/** The fixture domain's dev stack as synthesized, with a consumer so its Athena workgroup exists. */
const synthesized = (() => {
  const d = domainFixture();
  d.access = [{ name: "analysts", principal: "analysts", tables: ["processed.orders"], permissions: ["SELECT"] }];
  const p = platformFixture();
  p.environments.dev.principals = { analysts: "arn:aws:iam::111111111111:role/analysts" };
  p.environments.prod.principals = { analysts: "arn:aws:iam::222222222222:role/analysts" };
  return synthStackOf(modelFrom(p, [d]), "sales-dev") as unknown as { resource: Resources };
})();
const domainStack = (breakIt: (r: Resources) => void = () => {}): TfStack[] => {
  const resource = structuredClone(synthesized.resource);
  breakIt(resource);
  return [stackOf("sales-dev", resource)];
};
const at = (vs: readonly { stack: string; address: string; message: string }[]) => vs.map((v) => `${v.stack}/${v.address}: ${v.message}`);

describe("LF-009 checkOneKeyPerZone", () => {
  it("passes when each zone bucket has its own key", () => {
    expect(lakeBuckets(domainStack()[0]!).map(([n]) => n)).toEqual(["curated", "processed", "raw"]);
    expect(checkOneKeyPerZone(domainStack())).toEqual([]);
  });

  it("fails when two zones share a key", () => {
    const vs = checkOneKeyPerZone(
      domainStack((r) => {
        const sse = r.aws_s3_bucket_server_side_encryption_configuration!.curated!;
        (sse.rule as Json[])[0]!.apply_server_side_encryption_by_default = { sse_algorithm: "aws:kms", kms_master_key_id: "${aws_kms_key.raw.arn}" };
      }),
    );
    expect(at(vs)).toEqual(["sales-dev/aws_s3_bucket.raw: shares aws_kms_key.raw with zone bucket curated; each zone has its own key"]);
  });

  it("fails when a zone's key is no key of the stack", () => {
    const vs = checkOneKeyPerZone(
      domainStack((r) => {
        const sse = r.aws_s3_bucket_server_side_encryption_configuration!.raw!;
        (sse.rule as Json[])[0]!.apply_server_side_encryption_by_default = { sse_algorithm: "aws:kms", kms_master_key_id: "arn:aws:kms:eu-west-1:111111111111:key/shared" };
      }),
    );
    expect(at(vs)).toEqual(["sales-dev/aws_s3_bucket.raw: encrypts under a key that is no aws_kms_key of the stack; a zone has exactly one key of its stack"]);
  });
});

describe("ATH-002 checkAthenaScanCap", () => {
  it("passes when every workgroup caps a query's scan", () => {
    expect(Object.keys(domainStack()[0]!.json.resource!.aws_athena_workgroup!)).toEqual(["analysts"]);
    expect(checkAthenaScanCap(domainStack())).toEqual([]);
  });

  it("fails when the cap is missing or below Athena's 10 MB minimum", () => {
    const cap = (value: unknown) => (r: Resources) => {
      const c = r.aws_athena_workgroup!.analysts!.configuration as Json;
      if (value === undefined) delete c.bytes_scanned_cutoff_per_query;
      else c.bytes_scanned_cutoff_per_query = value;
    };
    expect(at(checkAthenaScanCap(domainStack(cap(undefined))))).toEqual(["sales-dev/aws_athena_workgroup.analysts: configuration.bytes_scanned_cutoff_per_query is not set: a query may scan without limit"]);
    expect(at(checkAthenaScanCap(domainStack(cap(1024))))).toEqual(["sales-dev/aws_athena_workgroup.analysts: bytes_scanned_cutoff_per_query must be an integer of at least 10485760 (10 MB), got 1024"]);
  });
});

describe("EMR-004 checkOnDemandPrimaryCore", () => {
  const fleet = (type: string, onDemand: number, spot: number) => ({ Name: type.toLowerCase(), InstanceFleetType: type, TargetOnDemandCapacity: onDemand, TargetSpotCapacity: spot });
  const machine = (fleets: Json[], groups?: Json[]): TfStack[] => [
    stackOf("sales-dev", {
      aws_sfn_state_machine: {
        rebuild: {
          definition: JSON.stringify({
            StartAt: "CreateCluster",
            States: { CreateCluster: { Type: "Task", Resource: "arn:aws:states:::elasticmapreduce:createCluster.sync", Parameters: { Instances: groups ? { InstanceGroups: groups } : { InstanceFleets: fleets } }, End: true } },
          }),
        },
      },
    }),
  ];

  it("passes with On-Demand primary and core fleets and Spot task nodes", () => {
    expect(checkOnDemandPrimaryCore(machine([fleet("MASTER", 1, 0), fleet("CORE", 2, 0), fleet("TASK", 0, 16)]))).toEqual([]);
  });

  it("fails when the primary or core fleet asks for Spot, or has no On-Demand capacity", () => {
    expect(at(checkOnDemandPrimaryCore(machine([fleet("MASTER", 0, 1), fleet("CORE", 2, 4), fleet("TASK", 0, 16)])))).toEqual([
      "sales-dev/aws_sfn_state_machine.rebuild: MASTER fleet master asks for 1 Spot units",
      "sales-dev/aws_sfn_state_machine.rebuild: MASTER fleet master has no On-Demand capacity",
      "sales-dev/aws_sfn_state_machine.rebuild: CORE fleet core asks for 4 Spot units",
    ]);
  });

  it("fails when a core instance group runs on Spot", () => {
    const groups = [{ Name: "primary", InstanceRole: "MASTER", Market: "ON_DEMAND" }, { Name: "core", InstanceRole: "CORE", Market: "SPOT" }];
    expect(at(checkOnDemandPrimaryCore(machine([], groups)))).toEqual(["sales-dev/aws_sfn_state_machine.rebuild: CORE group core runs on SPOT, not ON_DEMAND"]);
  });

  it("fails when a definition that creates a cluster cannot be read", () => {
    const s = machine([]);
    s[0]!.json.resource!.aws_sfn_state_machine!.rebuild!.definition = '${templatefile("x", {})} elasticmapreduce:createCluster';
    expect(at(checkOnDemandPrimaryCore(s))).toEqual(["sales-dev/aws_sfn_state_machine.rebuild: definition is not a literal JSON document (UNKNOWN), so its cluster cannot be read"]);
  });
});

describe("S3-009 checkZoneNotifications", () => {
  it("passes when every zone bucket notifies, and leaves the other kinds of bucket alone", () => {
    expect(checkZoneNotifications(domainStack())).toEqual([]);
  });

  it("fails when a zone bucket has no notification", () => {
    expect(at(checkZoneNotifications(domainStack((r) => void delete r.aws_s3_bucket_notification!.raw)))).toEqual(["sales-dev/aws_s3_bucket.raw: no event notification is connected"]);
  });
});

describe("buckets nothing touches", () => {
  it("are no zone buckets: a domain without compute or consumers keeps an empty artifacts bucket", () => {
    const plain = synthStackOf(modelFrom(), "sales-dev") as unknown as { resource: Resources };
    expect(lakeBuckets(stackOf("sales-dev", plain.resource)).map(([n]) => n)).toEqual(["curated", "processed", "raw"]);
  });

  it("become zone buckets again once anything names them", () => {
    const plain = structuredClone((synthStackOf(modelFrom(), "sales-dev") as unknown as { resource: Resources }).resource);
    plain.aws_iam_role_policy = { reader: { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "${aws_s3_bucket.artifacts.arn}/*" }] }) } };
    expect(lakeBuckets(stackOf("sales-dev", plain)).map(([n]) => n)).toEqual(["artifacts", "curated", "processed", "raw"]);
  });
});
