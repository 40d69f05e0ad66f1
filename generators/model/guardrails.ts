import type { ParsedDomain } from "../manifest/rules";
import type { PlatformManifestOutput } from "../manifest/schema/platform";
import type { StackModel } from "./types";

/** One suppression from a manifest, resolved to the stacks it applies to. */
export interface SuppressionModel {
  readonly rule: string;
  /** Terraform address `<type>.<name>`. */
  readonly resource: string;
  readonly reason: string;
  /** The stacks of the manifest that wrote it: a domain's stacks, or the platform stacks. */
  readonly stacks: readonly string[];
  readonly file: string;
  readonly path: readonly (string | number)[];
}

export interface GuardrailsModel {
  /** The platform manifest, relative to the project root: findings of platform stacks point at it. */
  readonly platformFile: string;
  /** Every suppression, platform first, then domains by name, each in manifest order. */
  readonly suppressions: readonly SuppressionModel[];
}

/** The guardrail part of the Model: suppressions with their stacks and manifest paths. */
export function guardrailsOf(platform: PlatformManifestOutput, platformFile: string, domains: readonly ParsedDomain[], stacks: readonly StackModel[]): GuardrailsModel {
  const stacksOf = (pred: (s: StackModel) => boolean) => stacks.filter(pred).map((s) => s.name).sort();
  const suppressions: SuppressionModel[] = platform.guardrails.suppress.map((s, i) => ({
    ...s,
    stacks: stacksOf((x) => x.kind === "platform"),
    file: platformFile,
    path: ["guardrails", "suppress", i],
  }));
  for (const d of [...domains].sort((a, b) => (a.manifest.name < b.manifest.name ? -1 : a.manifest.name > b.manifest.name ? 1 : 0))) {
    d.manifest.guardrails.suppress.forEach((s, i) => {
      suppressions.push({ ...s, stacks: stacksOf((x) => x.kind === "domain" && x.domain === d.manifest.name), file: d.file, path: ["guardrails", "suppress", i] });
    });
  }
  return { platformFile, suppressions };
}
