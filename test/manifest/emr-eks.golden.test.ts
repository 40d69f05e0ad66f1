import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lakeform, treeDigest } from "../helpers/cli";
import { type ProjectSpec, domainFixture, makeProject, platformFixture } from "../helpers/project";

/** Golden texts of EMR on EKS manifest errors: exit 2, every problem at once, an earlier cdktf.out untouched. */

const PII_REASON = "Aggregates orders; e-mail addresses are read, never written.";
const ISSUER = (region: string, id: string) => `oidc.eks.${region}.amazonaws.com/id/${id}`;
const eks = (account: string, region = "eu-west-1", id = "0123456789ABCDEF0123456789ABCDEF") => ({
  clusterName: `acme-${account.slice(0, 1)}-compute`,
  oidcProviderArn: `arn:aws:iam::${account}:oidc-provider/${ISSUER(region, id)}`,
});

/** Both environments name a cluster; the domain has one emr-eks job. `mutate` breaks one thing. */
function withEks(mutate: (p: Record<string, any>, d: Record<string, any>) => void): ProjectSpec {
  const p = platformFixture();
  p.environments.dev.eks = eks("111111111111");
  p.environments.prod.eks = eks("222222222222");
  const d = domainFixture();
  d.tables.push({ name: "daily", zone: "curated", columns: [{ name: "day", type: "date" }] });
  d.jobs = [{ name: "rollup", engine: "emr-eks", script: "jobs/rollup.py", reads: ["processed.orders"], writes: ["curated.daily"], processesPii: PII_REASON }];
  mutate(p, d);
  return { platform: p, domains: { sales: d }, files: { "domains/sales/jobs/rollup.py": "print('rollup')\n" } };
}

async function failingSynth(spec: ProjectSpec): Promise<string> {
  const root = makeProject(spec);
  const out = join(root, "cdktf.out");
  mkdirSync(join(out, "stacks", "sales-dev"), { recursive: true });
  writeFileSync(join(out, "stacks", "sales-dev", "cdk.tf.json"), '{"resource":{}}\n');
  const before = treeDigest(out);
  const r = await lakeform("synth", "--dir", root);
  expect(r.code).toBe(2);
  expect(treeDigest(out)).toEqual(before);
  return r.stderr;
}

describe("lakeform synth on EMR on EKS manifests", () => {
  it("synthesizes the fixture itself (every case below breaks one thing)", async () => {
    const r = await lakeform("synth", "--dir", makeProject(withEks(() => {})));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("fails when an environment of the domain names no EKS cluster", async () => {
    expect(await failingSynth(withEks((p) => delete p.environments.prod.eks))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › jobs[0].engine: environment "prod" names no EKS cluster for EMR on EKS, got "emr-eks"; add environments.prod.eks to the platform manifest, limit the domain's environments, or use engine: emr-serverless
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when the OIDC provider ARN is not one", async () => {
    expect(await failingSynth(withEks((p) => (p.environments.dev.eks.oidcProviderArn = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com")))).toMatchInlineSnapshot(`
      "domains/platform.yaml › environments.dev.eks.oidcProviderArn: not in the required form, got "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"; an EKS OIDC provider ARN looks like arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF
      1 problem in 1 file; nothing was written.
      "
    `);
  });

  it("fails when the OIDC provider is another account's, or its cluster in another region", async () => {
    expect(
      await failingSynth(
        withEks((p) => {
          p.environments.dev.eks = eks("222222222222");
          p.environments.prod.eks = eks("222222222222", "us-east-1");
        }),
      ),
    ).toMatchInlineSnapshot(`
      "domains/platform.yaml › environments.dev.eks.oidcProviderArn: the OIDC provider must be in the environment's account 111111111111, where the job roles trust it, got "arn:aws:iam::222222222222:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/01…; use the provider of the cluster in 111111111111 (aws iam list-open-id-connect-providers in that account)
      domains/platform.yaml › environments.prod.eks.oidcProviderArn: the cluster's OIDC issuer is in us-east-1, not the primary region eu-west-1, got "arn:aws:iam::222222222222:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/01…; name a cluster in the primary region: virtual clusters and job runs are regional
      2 problems in 1 file; nothing was written.
      "
    `);
  });

  it("fails when the release cannot read through Lake Formation, or the namespace would not be a Kubernetes one", async () => {
    expect(
      await failingSynth(
        withEks((p, d) => {
          d.jobs[0].releaseLabel = "emr-6.15.0-latest";
          p.environments.dev.eks.namespace = "{domain}-";
        }),
      ),
    ).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › jobs[0].releaseLabel: EMR on EKS reads through Lake Formation from emr-7.7.0 on; older releases would need the lake's objects directly, which the buckets deny, got "emr-6.15.0-latest"; use emr-7.7.0-latest or later
      domains/sales/domain.yaml › jobs[0].engine: the namespace of this domain in dev would not be a Kubernetes namespace (at most 63 lower-case letters, digits and -, alphanumeric at both ends), got "sales-"; change environments.dev.eks.namespace in the platform manifest
      2 problems in 1 file; nothing was written.
      "
    `);
  });

  it("fails when a release label or the sizing has the wrong shape", async () => {
    expect(await failingSynth(withEks((_, d) => ((d.jobs[0].releaseLabel = "emr-7.7.0"), (d.jobs[0].executor = { cores: 0 }))))).toMatchInlineSnapshot(`
      "domains/sales/domain.yaml › jobs[0].releaseLabel: not in the required form, got "emr-7.7.0"; an EMR on EKS release label looks like emr-7.7.0-latest or emr-7.7.0-20250131
      domains/sales/domain.yaml › jobs[0].executor.cores: below the minimum (at least 1), got 0; vCPUs of the executor pod.
      2 problems in 1 file; nothing was written.
      "
    `);
  });
});
