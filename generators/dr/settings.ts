import type { BackendModel, Model } from "../model/types";
import type { DrStackSettings } from "./rebuild";

/**
 * Provider and backend settings of the DR stacks, from the platform's Model:
 * the environment's backend (local state beside the others, or the S3 state
 * bucket under the same key prefix, `<prefix>/dr-<domain>-<env>.tfstate`) and
 * the primary stacks' default tags. These are configuration, not catalog
 * state; the catalog itself comes from the exports alone.
 */
export function drSettingsOf(model: Model): DrStackSettings {
  const platformOf = (environment: string) => {
    const s = model.stacks.find((x) => x.kind === "platform" && x.environment === environment);
    if (!s) throw new Error(`the platform has no environment ${environment}`);
    return s;
  };
  return {
    backendOf: (name, environment): BackendModel => {
      const b = platformOf(environment).backend;
      return b.type === "local" ? { type: "local", path: `terraform.${name}.tfstate` } : { ...b, key: b.key.replace(/[^/]*\.tfstate$/, `${name}.tfstate`) };
    },
    tagsOf: (domain, environment) => {
      const primary = model.stacks.find((x) => x.environment === environment && (domain === "platform" ? x.kind === "platform" : x.domain === domain));
      // A domain whose manifest is gone still gets the platform's tags, under its own name.
      return primary ? primary.defaultTags : { ...platformOf(environment).defaultTags, domain };
    },
  };
}
