/**
 * Authoring helpers for TypeScript manifests. They only give the editor the
 * manifest types; validation happens when Lakeform loads the file, so every
 * problem is reported with its path instead of failing at import.
 */
import type { DomainManifestInput } from "./schema/domain";
import type { PlatformManifestInput } from "./schema/platform";

export type { DomainManifestInput, PlatformManifestInput };

/** Declares a data domain: `export default defineDomain({ … })` in domains/<name>/domain.ts. */
export function defineDomain(manifest: DomainManifestInput): DomainManifestInput {
  return manifest;
}

/** Declares the platform: `export default definePlatform({ … })` in domains/platform.ts. */
export function definePlatform(manifest: PlatformManifestInput): PlatformManifestInput {
  return manifest;
}
