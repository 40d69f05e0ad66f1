import type { ValidatedManifests } from "../../generators/manifest/validate";
import { type ParsedDomain } from "../../generators/manifest/rules";
import { DomainManifest } from "../../generators/manifest/schema/domain";
import { PlatformManifest } from "../../generators/manifest/schema/platform";

/** The DR side of the platform fixture's environments: eu-central-1 networks with IDs of their own. */
export const DR_NETWORKS: Record<string, Record<string, unknown>> = {
  dev: {
    vpcId: "vpc-0fedcba987654321a",
    vpcCidr: "10.100.0.0/16",
    s3PrefixListId: "pl-6ea54007",
    privateRouteTableIds: ["rtb-0fedcba987654321a"],
    privateSubnetIds: ["subnet-0fedcba987654321a", "subnet-0fedcba987654321b"],
  },
  prod: {
    vpcId: "vpc-0fedcba987654321f",
    vpcCidr: "10.101.0.0/16",
    s3PrefixListId: "pl-6ea54007",
    privateRouteTableIds: ["rtb-0fedcba987654321f"],
    privateSubnetIds: ["subnet-0fedcba987654321e", "subnet-0fedcba987654321f"],
  },
};

/** Gives each environment of a platform fixture (as authored) its `dr.network`; returns the fixture. */
export function withDrNetworks(platform: Record<string, any>): Record<string, any> {
  for (const [env, e] of Object.entries(platform.environments as Record<string, any>)) e.dr = { network: structuredClone(DR_NETWORKS[env]) };
  return platform;
}

/** Manifests as authored → what validation hands the DR model (shape only: tests pass fixtures the CLI accepts). */
export function manifestsOf(platform: Record<string, any>, domains: readonly Record<string, any>[], scripts: Readonly<Record<string, Readonly<Record<string, string>>>> = {}): ValidatedManifests {
  const parsed: ParsedDomain[] = domains.map((d) => {
    const files = scripts[d.name as string];
    return { file: `domains/${d.name}/domain.yaml`, folder: d.name as string, manifest: DomainManifest.parse(d), ...(files ? { scripts: new Map(Object.entries(files)) } : {}) };
  });
  return { platform: PlatformManifest.parse(platform), platformFile: "domains/platform.yaml", domains: parsed };
}
