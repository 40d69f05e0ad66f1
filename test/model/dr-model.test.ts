import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { drModelForRegion } from "../../generators/dr/model-for-region";
import { formatProblems } from "../../generators/manifest/errors";
import { loadAndValidate } from "../../generators/manifest/validate";
import { drRegistrationRole, drZoneBucket, platformDrLogBucket, replicaKeyAlias } from "../../generators/model/dr";
import { buildDrModel, drComputeStackName, drDeploymentOf, drOrchestrationLogBucket, drOrchestrationStackName } from "../../generators/model/dr-model";
import type { Model } from "../../generators/model/types";
import { exampleDrModel } from "../helpers/dr-examples";
import { DR_NETWORKS, manifestsOf, withDrNetworks } from "../helpers/dr-fixtures";
import { domainFixture, platformFixture } from "../helpers/project";

const repo = resolve(import.meta.dirname, "../..");
const examples = await loadAndValidate(repo);
if (!examples.ok) throw new Error("the example manifests are invalid");
const primary = examples.model;
const dr = exampleDrModel(examples.manifests);
const DR = "eu-central-1";

/** The DR model without its `dr` parts (which point back at the primary region, for a fail-back). */
function withoutFailBack(m: Model): unknown {
  return {
    ...m,
    regions: { primary: m.regions.primary },
    environments: m.environments.map(({ dr: _dr, drRegion: _r, ...e }) => e),
    domains: m.domains.map((d) => ({ ...d, deployments: d.deployments.map(({ dr: _dr, ...x }) => x) })),
  };
}

describe("the DR model of the examples", () => {
  it("has an orchestration stack per environment and a compute stack per deployment, in the DR region, with the DR stacks' backends and the primary stacks' tags", () => {
    expect(dr.stacks.map((s) => s.name)).toEqual([
      "dr-compute-billing-dev",
      "dr-compute-billing-prod",
      "dr-compute-cdr-dev",
      "dr-compute-cdr-prod",
      "dr-compute-clickstream-dev",
      "dr-compute-clickstream-prod",
      "dr-orchestration-dev",
      "dr-orchestration-prod",
    ]);
    for (const s of dr.stacks) {
      const counterpart = primary.stacks.find((p) => p.environment === s.environment && p.kind === s.kind && p.domain === s.domain)!;
      expect(s.region, s.name).toBe(DR);
      expect(s.accountId, s.name).toBe(counterpart.accountId);
      expect(s.backend, s.name).toEqual({ type: "local", path: `terraform.${s.name}.tfstate` });
      expect(s.defaultTags, s.name).toEqual(counterpart.defaultTags);
    }
    expect(drOrchestrationStackName("prod")).toBe("dr-orchestration-prod");
    expect(drComputeStackName("cdr", "prod")).toBe("dr-compute-cdr-prod");
  });

  it("swaps the regions, and nothing but the fail-back parts names the primary region", () => {
    expect(dr.regions).toEqual({ primary: DR, dr: "eu-west-1" });
    for (const e of dr.environments) expect([e.region, e.drRegion], e.name).toEqual([DR, "eu-west-1"]);
    for (const d of dr.domains) for (const x of d.deployments) expect(x.region, x.stack).toBe(DR);
    const text = JSON.stringify(withoutFailBack(dr));
    expect(text).toContain(DR);
    expect(text).not.toContain("eu-west-1");
  });

  it("names every zone bucket, zone key and registration role as the always-on DR storage does", () => {
    let zones = 0;
    for (const d of dr.domains) {
      for (const x of d.deployments) {
        const ctx = { organization: dr.organization, environment: x.environment, accountId: x.accountId, region: "eu-west-1" };
        const always = primary.domains.find((p) => p.name === d.name)!.deployments.find((p) => p.environment === x.environment)!.dr;
        for (const z of x.zones) {
          zones++;
          expect(z.bucket.name, `${x.stack} ${z.name}`).toBe(drZoneBucket(ctx, x.partition, DR, d.name, z.name).name);
          expect(z.bucket.name).toBe(always.zones.find((a) => a.zone === z.name)!.bucket.name);
          expect(z.key.alias).toBe(replicaKeyAlias(ctx, x.partition, DR, d.name, z.name).alias);
          expect(z.key.aliasArn).toBe(replicaKeyAlias(ctx, x.partition, DR, d.name, z.name).aliasArn);
          expect(z.key.aliasArn).toBe(always.zones.find((a) => a.zone === z.name)!.key.aliasArn);
          expect(z.registrationRole).toEqual(drRegistrationRole(ctx, x.partition, DR, d.name, z.name));
          expect(z.registrationRole.arn).toBe(always.zones.find((a) => a.zone === z.name)!.readerRoleArn);
        }
      }
    }
    expect(zones).toBe(18);
  });

  it("names job, quality and MWAA roles for the DR region, and keeps the regional names the DAGs call", () => {
    for (const d of dr.domains) {
      for (const x of d.deployments) {
        const p = primary.domains.find((y) => y.name === d.name)!.deployments.find((y) => y.environment === x.environment)!;
        expect(x.stack).toBe(p.stack);
        expect(x.jobs.map((j) => j.role.name)).toEqual(p.jobs.map((j) => j.role.name.replace(/-eu-west-1$/, `-${DR}`)));
        expect(x.quality.role.name).toBe(p.quality.role.name.replace(/-eu-west-1$/, `-${DR}`));
        expect(x.pipeline?.dag.tasks.map((t) => t.id)).toEqual(p.pipeline?.dag.tasks.map((t) => t.id));
        expect(x.pipeline?.dag.region ?? DR).toBe(DR);
        expect(drDeploymentOf(dr, dr.stacks.find((s) => s.name === drComputeStackName(d.name, x.environment))!)).toBe(x);
      }
    }
    const prod = dr.environments.find((e) => e.name === "prod")!;
    expect(prod.mwaa.executionRole.name).toBe("acme-platform-mwaa-prod-eu-central-1");
    expect(prod.mwaa.bucket.name).toBe("acme-platform-airflow-prod-222222222222-eu-central-1");
    expect(prod.mwaa.keyAliasArn).toBe("arn:aws:kms:eu-central-1:222222222222:alias/acme/prod/platform/mwaa");
  });

  it("runs on the environments' DR network, certificates and cluster", () => {
    const manifest = examples.manifests.platform.environments.prod!.dr!;
    const prod = dr.environments.find((e) => e.name === "prod")!;
    expect(prod.network).toEqual({ ...manifest.network, privateSubnetIds: [...manifest.network.privateSubnetIds].sort(), privateRouteTableIds: [...manifest.network.privateRouteTableIds].sort() });
    expect(prod.emrTlsCertificates).toBe(manifest.emr!.tlsCertificates);
    expect(prod.eks?.oidcProviderArn).toBe(manifest.eks!.oidcProviderArn);
    const fleet = dr.domains.find((d) => d.name === "cdr")!.deployments.find((x) => x.environment === "prod")!.jobs.find((j) => j.fleet)!.fleet!;
    expect(fleet.tlsCertificates).toBe(manifest.emr!.tlsCertificates);
    expect(fleet.stateMachine.arn).toMatch(/^arn:aws:states:eu-central-1:222222222222:stateMachine:cdr-prod-/);
    const eks = dr.domains.find((d) => d.name === "clickstream")!.deployments.find((x) => x.environment === "prod")!.emrEks!;
    expect(eks.clusterName).toBe("acme-prod-compute-dr");
    expect(eks.oidcIssuer).toMatch(/^oidc\.eks\.eu-central-1\.amazonaws\.com\/id\//);
  });

  it("gives MWAA's bucket an access-log bucket of its own, apart from the always-on log bucket of the export bucket", () => {
    for (const e of dr.environments) {
      const ctx = { organization: dr.organization, environment: e.name, accountId: e.accountId, region: "eu-west-1" };
      expect(e.logBucket).toEqual(drOrchestrationLogBucket(ctx, e.partition, DR));
      expect(e.logBucket.name).toBe(`acme-platform-orchestration-logs-${e.name}-${e.accountId}-eu-central-1`);
      expect(e.logBucket.name).not.toBe(platformDrLogBucket(ctx, e.partition, DR).name);
    }
  });

  it("applies the platform's suppressions to the orchestration stacks and a domain's to its compute stacks", () => {
    expect(dr.guardrails.suppressions.length).toBe(primary.guardrails.suppressions.length);
    for (const s of dr.guardrails.suppressions.filter((x) => x.file === "domains/platform.ts")) expect(s.stacks).toEqual(["dr-orchestration-dev", "dr-orchestration-prod"]);
  });
});

/** Domain sales with a fleet job and an emr-eks job, deployed in dev and prod. */
function computeDomain(): Record<string, any> {
  const d = domainFixture();
  d.tables.push({ name: "daily", zone: "curated", columns: [{ name: "day", type: "date" }] });
  d.jobs = [
    {
      name: "rebuild",
      engine: "emr-fleet",
      script: "jobs/rebuild.py",
      reads: ["processed.orders"],
      writes: ["curated.daily"],
      processesPii: "Counts orders per day; writes no identifier.",
      primary: { instanceTypes: ["m6g.xlarge"] },
      core: { instanceTypes: ["r6g.2xlarge"], onDemandCapacity: 2 },
      task: { instanceTypes: ["r6g.4xlarge", "r7g.4xlarge", "m6g.8xlarge"], spotCapacity: 4 },
      managedScaling: { minimumCapacityUnits: 2, maximumCapacityUnits: 10 },
    },
    { name: "score", engine: "emr-eks", script: "jobs/score.py", reads: ["processed.orders"], writes: ["curated.daily"], processesPii: "Scores orders; writes no identifier." },
  ];
  return d;
}

const eks = (region: string, id: string) => ({ clusterName: "compute", oidcProviderArn: `arn:aws:iam::${id}:oidc-provider/oidc.eks.${region}.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF` });
const ACCOUNTS: Record<string, string> = { dev: "111111111111", prod: "222222222222" };

/** The platform fixture with EMR certificates and a cluster in the primary region, and the DR side `dr` gives. */
function platformWith(dr: (env: string) => Record<string, unknown> | undefined): Record<string, any> {
  const p = platformFixture();
  for (const [env, e] of Object.entries(p.environments as Record<string, any>)) {
    e.emr = { tlsCertificates: `s3://acme-pki-${env}/emr/certs.zip` };
    e.eks = eks("eu-west-1", ACCOUNTS[env]!);
    const side = dr(env);
    if (side) e.dr = side;
  }
  return p;
}

const problemsOf = (platform: Record<string, any>, domains: Record<string, any>[]) => {
  const m = manifestsOf(platform, domains);
  const r = buildDrModel(m.platform, m.platformFile, m.domains);
  if (r.ok) throw new Error("expected problems");
  return formatProblems(r.problems);
};

describe("buildDrModel", () => {
  it("builds from a platform whose environments each name their DR network, certificates and cluster", () => {
    const m = manifestsOf(platformWith((env) => ({ network: DR_NETWORKS[env], emr: { tlsCertificates: `s3://acme-pki-${env}-dr/emr/certs.zip` }, eks: eks(DR, ACCOUNTS[env]!) })), [computeDomain()]);
    const r = buildDrModel(m.platform, m.platformFile, m.domains);
    if (!r.ok) throw new Error(formatProblems(r.problems));
    expect(r.model.stacks.map((s) => s.name)).toEqual(["dr-compute-sales-dev", "dr-compute-sales-prod", "dr-orchestration-dev", "dr-orchestration-prod"]);
    expect(r.model.domains[0]!.deployments[1]!.jobs.map((j) => j.role.arn)).toEqual([
      "arn:aws:iam::222222222222:role/acme-sales-job-rebuild-prod-eu-central-1",
      "arn:aws:iam::222222222222:role/acme-sales-job-score-prod-eu-central-1",
    ]);
  });

  it("fails when environments with deployments have no DR network and their fleet and emr-eks jobs no DR certificates or cluster, naming the platform's fields and the jobs, all at once", () => {
    const text = problemsOf(platformWith(() => undefined), [computeDomain()]);
    for (const env of ["dev", "prod"]) {
      expect(text).toContain(`domains/platform.yaml › environments.${env}.dr.network: environment ${env} has domain deployments (sales) but no network in the DR region eu-central-1`);
      expect(text).toContain(`domains/platform.yaml › environments.${env}.dr.emr: domains/sales/domain.yaml › jobs[0] (rebuild) runs on a transient EMR fleet in ${env}, and the DR region names no TLS certificates for its clusters`);
      expect(text).toContain(`domains/platform.yaml › environments.${env}.dr.eks: domains/sales/domain.yaml › jobs[1] (score) runs on EMR on EKS in ${env}, and the DR region names no EKS cluster`);
    }
    expect(text).toContain(`add environments.prod.dr.emr.tlsCertificates: the zip of PEM certificates for *.eu-central-1.compute.internal`);
    expect(text.match(/^domains\/platform\.yaml › /gm)).toHaveLength(6);
  });

  it("fails when only the network is given, for the fleet and emr-eks jobs", () => {
    const text = problemsOf(platformWith((env) => ({ network: DR_NETWORKS[env] })), [computeDomain()]);
    expect(text.match(/^domains\/platform\.yaml › environments\.(dev|prod)\.dr\.(emr|eks): /gm)).toHaveLength(4);
    expect(text).not.toContain("dr.network");
  });

  it("fails when the DR cluster's OIDC provider is in the primary region or another account", () => {
    const text = problemsOf(platformWith((env) => ({ network: DR_NETWORKS[env], emr: { tlsCertificates: "s3://pki/dr.zip" }, eks: env === "dev" ? eks("eu-west-1", "111111111111") : eks(DR, "999999999999") })), [computeDomain()]);
    expect(text).toContain("domains/platform.yaml › environments.dev.dr.eks.oidcProviderArn: the cluster's OIDC issuer is in eu-west-1, not the DR region eu-central-1");
    expect(text).toContain("domains/platform.yaml › environments.prod.dr.eks.oidcProviderArn: the OIDC provider must be in the environment's account 222222222222");
  });

  it("fails when the DR network repeats the primary network's regional IDs", () => {
    const p = withDrNetworks(platformFixture());
    p.environments.prod.dr.network = structuredClone(p.environments.prod.network);
    const text = problemsOf(p, [domainFixture()]);
    for (const field of ["vpcId", "s3PrefixListId", "privateSubnetIds", "privateRouteTableIds"]) {
      expect(text).toContain(`domains/platform.yaml › environments.prod.dr.network.${field}: repeats the primary network's ${field}`);
    }
    expect(text).not.toContain("environments.dev");
  });

  it("fails when a domain's DR stack would take the name of another DR stack", () => {
    const d = domainFixture("orchestration");
    d.lfTags = { domain: "sales", confidentiality: "internal" };
    const text = problemsOf(withDrNetworks(platformFixture()), [d]);
    expect(text).toContain("domains/orchestration/domain.yaml › name: DR stack name dr-orchestration-dev is already the orchestration stack of dev");
  });

  it("leaves out environments without deployments, which need no DR side", () => {
    const p = withDrNetworks(platformFixture());
    delete p.environments.dev.dr;
    const d = domainFixture();
    d.environments = ["prod"];
    const m = manifestsOf(p, [d]);
    const r = buildDrModel(m.platform, m.platformFile, m.domains);
    if (!r.ok) throw new Error(formatProblems(r.problems));
    expect(r.model.environments.map((e) => e.name)).toEqual(["prod"]);
    expect(r.model.stacks.map((s) => s.name)).toEqual(["dr-compute-sales-prod", "dr-orchestration-prod"]);
  });
});

describe("drModelForRegion", () => {
  const m = manifestsOf(withDrNetworks(platformFixture()), [domainFixture()]);

  it("builds for the platform's DR region, or when no region is named", () => {
    expect(drModelForRegion(m, DR).ok).toBe(true);
    expect(drModelForRegion(m, undefined).ok).toBe(true);
  });

  it("fails when asked for another region than regions.dr, naming the field", () => {
    const r = drModelForRegion(m, "us-east-1");
    if (r.ok) throw new Error("expected a problem");
    expect(formatProblems(r.problems)).toContain(
      "domains/platform.yaml › regions.dr: is eu-central-1, and the DR compute and orchestration stacks are built for it (the environments' dr network, certificates and cluster), not for --region us-east-1",
    );
  });
});
