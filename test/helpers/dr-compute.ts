import { cpSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { App } from "cdktf";
import YAML from "yaml";
import { loadManifests } from "../../generators/manifest/load";
import { loadAndValidate } from "../../generators/manifest/validate";
import type { DomainDeploymentModel, EnvironmentModel, Model, StackModel } from "../../generators/model/types";
import { DrComputeStack, drComputeStackName } from "../../generators/stacks/dr-compute-stack";
import { scratchDir } from "./project";

const repoRoot = resolve(import.meta.dirname, "../..");

/**
 * The example environments' DR-region settings, used when the example
 * platform manifest names none (`environments.<env>.dr`): the DR landing
 * zone's network (eu-central-1's S3 prefix list), certificates for
 * *.eu-central-1.compute.internal, an EKS cluster there.
 */
export const EXAMPLE_DR_SETTINGS: Record<string, Record<string, unknown>> = {
  dev: {
    network: {
      vpcId: "vpc-0a1b2c3d4e5f61001",
      vpcCidr: "10.110.0.0/16",
      s3PrefixListId: "pl-6ea54007",
      privateRouteTableIds: ["rtb-0a1b2c3d4e5f61011", "rtb-0a1b2c3d4e5f61012", "rtb-0a1b2c3d4e5f61013"],
      privateSubnetIds: ["subnet-0a1b2c3d4e5f61011", "subnet-0a1b2c3d4e5f61012", "subnet-0a1b2c3d4e5f61013"],
    },
    emr: { tlsCertificates: "s3://acme-pki-dev-111111111111-eu-central-1/emr/lakeform-emr-tls.zip" },
    eks: {
      clusterName: "acme-dev-compute-dr",
      oidcProviderArn: "arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/1B2C3D4E5F60718293A4B5C6D7E8F90A",
    },
  },
  prod: {
    network: {
      vpcId: "vpc-0a1b2c3d4e5f61002",
      vpcCidr: "10.120.0.0/16",
      s3PrefixListId: "pl-6ea54007",
      privateRouteTableIds: ["rtb-0a1b2c3d4e5f61021", "rtb-0a1b2c3d4e5f61022", "rtb-0a1b2c3d4e5f61023"],
      organizationId: "o-a1b2c3d4e5",
      privateSubnetIds: ["subnet-0a1b2c3d4e5f61021", "subnet-0a1b2c3d4e5f61022", "subnet-0a1b2c3d4e5f61023"],
    },
    emr: { tlsCertificates: "s3://acme-pki-prod-222222222222-eu-central-1/emr/lakeform-emr-tls.zip" },
    eks: {
      clusterName: "acme-prod-compute-dr",
      oidcProviderArn: "arn:aws:iam::222222222222:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/8E7D6C5B4A39281706F5E4D3C2B1A09F",
      namespace: "emr-{domain}",
    },
  },
};

/**
 * A platform manifest turned to its DR side: the DR region as primary (and
 * the primary as DR), each environment's network, EMR certificates and EKS
 * cluster replaced by its DR ones (`dr`, or `fallback`). What the DR model is
 * built from; a plain object, the input untouched.
 */
export function drPlatformManifest(platform: Record<string, any>, fallback: Record<string, Record<string, unknown>> = EXAMPLE_DR_SETTINGS): Record<string, any> {
  const p = structuredClone(platform);
  p.regions = { primary: platform.regions.dr, dr: platform.regions.primary };
  for (const [name, env] of Object.entries<Record<string, any>>(p.environments)) {
    const dr = env.dr ?? fallback[name];
    if (!dr) throw new Error(`environment ${name} has no DR settings`);
    delete env.dr;
    env.network = dr.network;
    for (const k of ["emr", "eks"]) {
      if (dr[k]) env[k] = dr[k];
      else delete env[k];
    }
  }
  return p;
}

/**
 * The example project's Model, and its DR model: the same domain manifests
 * under the DR-side platform manifest (a YAML copy in a scratch project, so
 * the domains' `import … from "lakeform"` resolves as in the repository).
 */
export async function exampleModels(): Promise<{ primary: Model; dr: Model }> {
  const primary = await loadAndValidate(repoRoot);
  if (!primary.ok) throw new Error(`the example manifests do not validate:\n${JSON.stringify(primary.problems, null, 2)}`);
  const loaded = await loadManifests(repoRoot);
  const root = scratchDir("dr-model");
  cpSync(join(repoRoot, "domains"), join(root, "domains"), { recursive: true });
  rmSync(join(root, "domains", loaded.platform!.file.replace(/^domains\//, "")));
  writeFileSync(join(root, "domains", "platform.yaml"), YAML.stringify(drPlatformManifest(loaded.platform!.raw as Record<string, any>)));
  const dr = await loadAndValidate(root);
  rmSync(root, { recursive: true, force: true });
  if (!dr.ok) throw new Error(`the DR side of the example manifests does not validate:\n${JSON.stringify(dr.problems, null, 2)}`);
  return { primary: primary.model, dr: dr.model };
}

/** One compute stack of the DR model: its deployment, environment, and the StackModel of `dr-compute-<domain>-<env>`. */
export interface DrComputeInput {
  readonly stack: StackModel;
  readonly dep: DomainDeploymentModel;
  readonly env: EnvironmentModel;
}

/** Every deployment of the DR model as a `dr-compute-<domain>-<env>` stack (local state under its own name), sorted. */
export function drComputeInputs(dr: Model): DrComputeInput[] {
  return dr.stacks
    .filter((s) => s.kind === "domain")
    .map((s) => {
      const name = drComputeStackName(s.domain!, s.environment);
      const stack: StackModel = { ...s, name, backend: s.backend.type === "local" ? { type: "local", path: `terraform.${name}.tfstate` } : s.backend };
      const dep = dr.domains.find((d) => d.name === s.domain)!.deployments.find((x) => x.environment === s.environment)!;
      return { stack, dep, env: dr.environments.find((e) => e.name === s.environment)! };
    })
    .sort((a, b) => (a.stack.name < b.stack.name ? -1 : 1));
}

/** Synthesizes the DR compute stacks into `outdir` (stacks/<name>/cdk.tf.json). */
export function synthesizeDrCompute(inputs: readonly DrComputeInput[], outdir: string): void {
  const app = new App({ outdir, stackTraces: false, skipValidation: false });
  for (const i of inputs) new DrComputeStack(app, i.stack, i.dep, i.env);
  app.synth();
}
