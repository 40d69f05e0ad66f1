import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildCatalogExport } from "../export/build";
import { type CatalogExport, serializeExport, verifyExport, formatExportProblem } from "../export/format";
import { type LiveClientOptions, type LiveClients, createLiveClients } from "../export/live/clients";
import { compareExports, formatDriftJson, formatDriftText, hasDrift, mergeExports } from "../export/live/drift";
import { LiveReadError, callerIdentity, errorName, readLiveCatalog } from "../export/live/read";
import { accountScope, domainScope } from "../export/live/scope";
import { toCatalogExport } from "../export/live/to-export";
import { formatProblems } from "../manifest/errors";
import { loadAndValidate } from "../manifest/validate";
import type { EnvironmentModel, Model } from "../model/types";
import { EXIT, fail } from "./exit";
import { writeFileAtomic } from "./write";

/**
 * `lakeform catalog export --live`: reads an account's Glue Data Catalog and
 * Lake Formation state through the AWS SDK into the export format, and with
 * `--merge` reports its drift from the manifests. Exit 0 done (no drift),
 * 1 drift, 2 bad input, wrong account, missing credentials or access denied,
 * 3 any other AWS failure (after the SDK's retries) or internal error.
 */

export const CATALOG_HELP = `Usage: lakeform catalog export --live [--domain D] [--env E] [--region R] [--profile P]
                              [--merge [--format text|json]] [--out FILE] [--max-attempts N] [--dir DIR]

Reads the live Glue Data Catalog and Lake Formation state of an account through
the AWS SDK (databases, tables including crawler-discovered ones, LF-tags and
their assignments, permissions, data-cells filters, registrations) into the
catalog export format, the same as the export written on synth.
  --domain D        one domain: its databases <domain>_*_<env>, its buckets, its
                    tag grants (default: the whole account, source.domain "*")
  --env E           the platform environment to read: its account and region;
                    refused when the credentials are for another account
                    (default: the environment whose account and region the
                    credentials and region are)
  --region R        region (default: the environment's, else the SDK's chain)
  --profile P       shared-config profile (default: the SDK's credential chain)
  --merge           compare with the manifests' export and report what exists
                    live but in no manifest, what is declared but missing live,
                    and what differs; --out then writes the declared export
                    plus every live-only entry
  --format F        the report with --merge: text (default) or json
  --out FILE        write the export there (default: stdout without --merge)
  --max-attempts N  attempts per AWS request, throttling retried with adaptive
                    backoff (default 10)
Exit 0 done (no drift), 1 drift found (--merge), 2 bad input, wrong account,
missing credentials or access denied, 3 any other AWS failure.
`;

/** Errors the caller fixes with other credentials, another profile or IAM/Lake Formation permissions (exit 2). */
const CALLER_ERRORS = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "CredentialsProviderError",
]);

function awsFailure(e: unknown): number {
  const inner = e instanceof LiveReadError ? e.error : e;
  const name = errorName(inner);
  const operation = e instanceof LiveReadError ? e.operation : "AWS";
  const message = (inner as Error)?.message ?? String(inner);
  if (name === "AccessDeniedException" || name === "AccessDenied" || name === "UnauthorizedOperation") {
    return fail(
      EXIT.badInput,
      `lakeform catalog export: access denied on ${operation}: ${message}\n` +
        "The caller needs the IAM actions listed in the README (Exporting the live catalog) and, to list every\n" +
        "permission and LF-tag assignment, must be a Lake Formation data lake administrator (or read-only admin).",
    );
  }
  if (CALLER_ERRORS.has(name) || /region is missing|could not load credentials/i.test(message)) {
    return fail(EXIT.badInput, `lakeform catalog export: ${operation}: ${message}\nGive credentials and a region through the SDK's chain (AWS_PROFILE, AWS_REGION…), --profile, --region or --env.`);
  }
  return fail(EXIT.internal, `lakeform catalog export: ${operation} failed: ${name}: ${message}`);
}

interface Options {
  dir?: string;
  live?: boolean;
  domain?: string;
  env?: string;
  region?: string;
  profile?: string;
  merge?: boolean;
  format?: string;
  out?: string;
  "max-attempts"?: string;
  help?: boolean;
}

/** Tests inject clients over a fake transport; the CLI builds real ones. */
export type ClientFactory = (options: LiveClientOptions) => LiveClients;

export async function catalog(argv: readonly string[], makeClients: ClientFactory = createLiveClients): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === "--help" || sub === "-h") {
    process.stdout.write(CATALOG_HELP);
    return sub ? EXIT.ok : EXIT.badInput;
  }
  if (sub !== "export") return fail(EXIT.badInput, `lakeform catalog: unknown subcommand "${sub}"\n\n${CATALOG_HELP}`);
  let values: Options;
  try {
    ({ values } = parseArgs({
      args: [...rest],
      options: {
        dir: { type: "string" },
        live: { type: "boolean" },
        domain: { type: "string" },
        env: { type: "string" },
        region: { type: "string" },
        profile: { type: "string" },
        merge: { type: "boolean" },
        format: { type: "string" },
        out: { type: "string" },
        "max-attempts": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    return fail(EXIT.badInput, `lakeform catalog export: ${(e as Error).message}\n\n${CATALOG_HELP}`);
  }
  if (values.help) {
    process.stdout.write(CATALOG_HELP);
    return EXIT.ok;
  }
  if (!values.live) {
    return fail(EXIT.badInput, "lakeform catalog export: give --live to read an account (the declared export is written by lakeform synth)");
  }
  const format = values.format ?? "text";
  if (values.format && !values.merge) return fail(EXIT.badInput, "lakeform catalog export: --format applies to the drift report of --merge");
  if (format !== "text" && format !== "json") return fail(EXIT.badInput, `lakeform catalog export: --format must be text or json, got "${format}"`);
  const maxAttempts = values["max-attempts"] === undefined ? undefined : Number(values["max-attempts"]);
  if (maxAttempts !== undefined && !(Number.isInteger(maxAttempts) && maxAttempts >= 1 && maxAttempts <= 50)) {
    return fail(EXIT.badInput, `lakeform catalog export: --max-attempts must be a whole number from 1 to 50, got "${values["max-attempts"]}"`);
  }

  const root = resolve(values.dir ?? ".");
  const result = await loadAndValidate(root);
  if (!result.ok) return fail(EXIT.badInput, formatProblems(result.problems));
  const model = result.model;

  let env: EnvironmentModel | undefined;
  if (values.env) {
    env = model.environments.find((e) => e.name === values.env);
    if (!env) return fail(EXIT.badInput, `lakeform catalog export: no environment "${values.env}"; environments are: ${model.environments.map((e) => e.name).join(", ")}`);
    if (values.region && values.region !== env.region) {
      return fail(EXIT.badInput, `lakeform catalog export: environment ${env.name} is in ${env.region}, got --region ${values.region}; drop --region or --env`);
    }
  }
  const region = values.region ?? env?.region;
  const clients = makeClients({ ...(region ? { region } : {}), ...(values.profile ? { profile: values.profile } : {}), ...(maxAttempts ? { maxAttempts } : {}) });

  try {
    const identity = await callerIdentity(clients);
    if (env && identity.accountId !== env.accountId) {
      return fail(
        EXIT.badInput,
        `lakeform catalog export: the credentials are for account ${identity.accountId} (${identity.arn}), but environment ${env.name} is account ${env.accountId}; use that account's credentials (--profile) or another --env`,
      );
    }
    env ??= model.environments.find((e) => e.accountId === identity.accountId && e.region === identity.region);
    if (!env) {
      return fail(
        EXIT.badInput,
        `lakeform catalog export: account ${identity.accountId} in ${identity.region} is none of the platform's environments (${model.environments.map((e) => `${e.name}: ${e.accountId} in ${e.region}`).join(", ")}); pass --env or use those credentials`,
      );
    }
    const deployments = declaredExports(model, env);
    if (values.domain && !deployments.has(values.domain)) {
      return fail(EXIT.badInput, `lakeform catalog export: no domain "${values.domain}" in ${env.name}; domains there: ${[...deployments.keys()].join(", ") || "none"}`);
    }
    const declared = values.domain ? [deployments.get(values.domain)!] : [...deployments.values()];
    const scope = values.domain ? domainScope(model, env, values.domain, declared) : accountScope(model, env, declared);

    const live = await readLiveCatalog(clients, scope.database, identity);
    const { export: liveExport, skipped } = toCatalogExport(live, scope);
    for (const s of skipped) process.stderr.write(`lakeform catalog export: left out ${s}\n`);

    if (!values.merge) {
      return write(liveExport, values.out);
    }
    const report = compareExports(liveExport, declared, env.lakeFormationAdmins);
    if (values.out) {
      const code = write(mergeExports(liveExport, declared), values.out);
      if (code !== EXIT.ok) return code;
    }
    process.stdout.write(format === "json" ? formatDriftJson(report) : formatDriftText(report));
    // Drift is the finding of --merge: exit 1.
    return hasDrift(report) ? EXIT.findings : EXIT.ok;
  } catch (e) {
    return awsFailure(e);
  } finally {
    clients.glue.destroy();
    clients.lakeFormation.destroy();
    clients.sts.destroy();
  }
}

/** The declared export of every domain deployed in the environment, by domain. */
function declaredExports(model: Model, env: EnvironmentModel): Map<string, CatalogExport> {
  const out = new Map<string, CatalogExport>();
  for (const d of model.domains) {
    const dep = d.deployments.find((x) => x.environment === env.name);
    if (dep) out.set(d.name, buildCatalogExport(dep));
  }
  return out;
}

/** Verifies before writing: an export Lakeform writes is one `lakeform dr` accepts. */
function write(e: CatalogExport, out: string | undefined): number {
  const checked = verifyExport(e);
  if (!checked.ok) return fail(EXIT.internal, `lakeform catalog export: the export is not valid, nothing was written:\n${checked.problems.map((p) => `  ${formatExportProblem(p)}`).join("\n")}`);
  const text = serializeExport(e);
  if (out) {
    writeFileAtomic(resolve(out), text);
    process.stderr.write(`lakeform catalog export: wrote ${out} (${e.contentHash})\n`);
  } else process.stdout.write(text);
  return EXIT.ok;
}
