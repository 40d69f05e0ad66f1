import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { buildCatalogExport } from "../../generators/export/build";
import { canonicalJson } from "../../generators/export/format";
import { loadManifests, readDomainFiles } from "../../generators/manifest/load";
import type { ParsedDomain } from "../../generators/manifest/rules";
import { DomainManifest } from "../../generators/manifest/schema/domain";
import { PlatformManifest } from "../../generators/manifest/schema/platform";
import { loadAndValidate } from "../../generators/manifest/validate";
import { buildModel } from "../../generators/model/build";
import type { Model } from "../../generators/model/types";
import { exampleDrRebuild } from "../helpers/dr-examples";

/**
 * The DR rebuild renames Lakeform's own principals (jobs, quality, crawlers,
 * the pipeline's MWAA role) to the roles the DR compute stacks create: those
 * the Model names when it is built with the DR region as primary. Here the
 * example manifests are built that way (regions swapped, nothing else
 * changed) and every remapped principal must be one of that Model's roles.
 */

const root = resolve(import.meta.dirname, "../..");
const examples = await loadAndValidate(root);
if (!examples.ok) throw new Error("the example manifests do not validate");
const model = examples.model;

/** The example Model with regions.primary and regions.dr swapped: names only (the manifests' region-bound settings, such as an EKS OIDC provider, are not re-checked). */
async function swappedModel(): Promise<Model> {
  const loaded = await loadManifests(root);
  if (!loaded.platform) throw new Error("no platform manifest");
  const platform = PlatformManifest.parse(loaded.platform.raw);
  platform.regions = { primary: platform.regions.dr, dr: platform.regions.primary };
  const domains: ParsedDomain[] = loaded.domains.map((d) => {
    const manifest = DomainManifest.parse(d.raw);
    const files = [...manifest.jobs.map((j) => j.script), ...(manifest.pipeline?.tasks.flatMap((t) => (t.query ? [t.query] : [])) ?? [])];
    return { file: d.file, folder: d.folder!, manifest, scripts: readDomainFiles(root, d.folder!, files) };
  });
  const built = buildModel(platform, loaded.platform.file, domains);
  expect(built.problems).toEqual([]);
  return built.model;
}
const swapped = await swappedModel();
const { set } = exampleDrRebuild(model);

describe("own principals of the DR rebuild are the roles of the Model built for the DR region", () => {
  it("builds the swapped Model in the DR region", () => {
    expect(swapped.regions).toEqual({ primary: model.regions.dr, dr: model.regions.primary });
    expect(swapped.domains.flatMap((d) => d.deployments.map((x) => x.region))).toEqual(model.domains.flatMap((d) => d.deployments.map(() => model.regions.dr)));
  });

  it.each(set.domains.map((d) => [d.stack.name, d] as const))("%s: every job, quality, crawler and pipeline principal is that Model's role for it", (_, d) => {
    const src = d.primary.source;
    const dep = swapped.domains.find((x) => x.name === src.domain)!.deployments.find((x) => x.environment === src.environment)!;
    const env = swapped.environments.find((e) => e.name === src.environment)!;
    const roleOf = (principalName: string | null, from: string): string | undefined => {
      const [kind, name] = (principalName ?? "").split(/:(.*)/s);
      if (kind === "pipeline" && name === env.name) return env.mwaa.executionRole.arn;
      if (kind === "crawler") return dep.discovery.crawlers.find((c) => c.name === name)?.role.arn;
      // job:quality is the quality role unless the primary's principal is a job's role (a job named quality).
      const primaryDep = model.domains.find((x) => x.name === src.domain)!.deployments.find((x) => x.environment === src.environment)!;
      if (kind === "job" && name === "quality" && primaryDep.quality.role.arn === from) return dep.quality.role.arn;
      if (kind === "job") return dep.jobs.find((j) => j.name === name)?.role.arn;
      return undefined;
    };
    expect(d.principals.length).toBeGreaterThan(0);
    for (const p of d.principals) {
      expect(p.to, `${p.principalName}: ${p.why}`).not.toBeNull();
      expect(p.to, p.principalName!).toBe(roleOf(p.principalName, p.from));
      expect(p.to).not.toBe(p.from);
    }
    // Every grant to an own principal goes to the swapped Model's role: the rebuild's grants are the swapped Model's export's.
    const swappedExport = buildCatalogExport(dep);
    const own = (gs: readonly { principalKind: string }[]) => gs.filter((g) => ["job", "pipeline", "crawler"].includes(g.principalKind));
    expect(own(d.export.grants).length).toBe(own(swappedExport.grants).length);
    expect(canonicalJson(d.export.grants)).toBe(canonicalJson(swappedExport.grants));
  });

  it("covers every kind of own principal across the examples", () => {
    const kinds = new Set(set.domains.flatMap((d) => d.principals.map((p) => (p.principalName === "job:quality" ? "quality" : p.kind))));
    expect([...kinds].sort()).toEqual(["crawler", "job", "pipeline", "quality"]);
  });
});
