import { GlueClient } from "@aws-sdk/client-glue";
import { LakeFormationClient } from "@aws-sdk/client-lakeformation";
import { STSClient } from "@aws-sdk/client-sts";

/**
 * The three SDK v3 clients the live export reads through. Region and
 * credentials come from the standard provider chain (environment, shared
 * config and credentials files, SSO, web identity, container and instance
 * roles) unless `--region` / `--profile` say otherwise.
 */
export interface LiveClients {
  readonly glue: GlueClient;
  readonly lakeFormation: LakeFormationClient;
  readonly sts: STSClient;
}

export interface LiveClientOptions {
  /** @default - the provider chain's region (AWS_REGION, the profile's region) */
  readonly region?: string;
  /** @default - AWS_PROFILE, else "default" */
  readonly profile?: string;
  /**
   * Attempts per request, the first included. Listing a large catalog makes
   * hundreds of calls; Glue and Lake Formation throttle bursts, and the
   * adaptive mode slows the client down instead of failing the export.
   * @default 10
   */
  readonly maxAttempts?: number;
  /** Tests only: a transport that answers without a network. */
  readonly requestHandler?: GlueClient["config"]["requestHandler"];
  /** Tests only: static credentials, so the provider chain is not consulted. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export const DEFAULT_MAX_ATTEMPTS = 10;

export function createLiveClients(options: LiveClientOptions = {}): LiveClients {
  // The pinned SDK runs on the Node 20 the project targets; its notice that later releases need Node 22 would
  // land in every export's stderr, which CI reads. Whoever sets the variable decides.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const config = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // Adaptive: the standard mode's retries with backoff, plus client-side rate limiting once throttled.
    retryMode: "adaptive",
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  };
  return { glue: new GlueClient(config), lakeFormation: new LakeFormationClient(config), sts: new STSClient(config) };
}
