import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { GetDatabasesCommand } from "@aws-sdk/client-glue";
import { ListPermissionsCommand } from "@aws-sdk/client-lakeformation";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { catalog } from "../../generators/cli/catalog";
import { buildCatalogExport } from "../../generators/export/build";
import { type CatalogExport, type CatalogExportContent, finalizeExport, serializeExport, verifyExport } from "../../generators/export/format";
import { type LiveClientOptions, createLiveClients } from "../../generators/export/live/clients";
import { loadAndValidate } from "../../generators/manifest/validate";
import type { Model } from "../../generators/model/types";
import { lakeform } from "../helpers/cli";
import { type LiveAccount, accountFrom, mockLiveAccount } from "../helpers/live-account";
import { scratchDir } from "../helpers/project";

/**
 * `lakeform catalog export --live` over the example domains, against
 * accounts mocked from their declared exports (aws-sdk-client-mock: no
 * network, no credentials).
 */

const repo = resolve(import.meta.dirname, "../..");
const exportLive = (...args: string[]) => lakeform("catalog", "export", "--live", "--dir", repo, ...args);

let model: Model;
beforeAll(async () => {
  const r = await loadAndValidate(repo);
  if (!r.ok) throw new Error("the example domains are invalid");
  model = r.model;
});

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

function declared(domain: string, env: string): CatalogExport {
  const d = model.domains.find((x) => x.name === domain)!;
  return buildCatalogExport(d.deployments.find((x) => x.environment === env)!);
}
const declaredIn = (env: string) => model.domains.filter((d) => d.deployments.some((x) => x.environment === env)).map((d) => declared(d.name, env));

function serve(account: LiveAccount) {
  const mocks = mockLiveAccount(account);
  restore = mocks.restore;
  return mocks;
}

/** The account of `env` holding its declared exports, changed by `change`. */
function accountOf(env: string, change: (c: CatalogExportContent[]) => CatalogExportContent[] = (c) => c) {
  return accountFrom(change(declaredIn(env).map((e) => structuredClone(e) as CatalogExportContent)).map(finalizeExport));
}

describe("lakeform catalog export --live", () => {
  it("reads back, byte for byte, the declared export of every example domain from an account that holds it", async () => {
    for (const d of model.domains) {
      for (const dep of d.deployments) {
        serve(accountOf(dep.environment));
        const r = await exportLive("--domain", d.name, "--env", dep.environment);
        expect(r.stderr, `${d.name}-${dep.environment}`).toBe("");
        expect(r.code).toBe(0);
        expect(r.stdout, `${d.name}-${dep.environment}`).toBe(serializeExport(declared(d.name, dep.environment)));
        restore!();
      }
    }
  });

  it("finds the environment from the caller's account and region when --env is not given", async () => {
    serve(accountOf("dev"));
    const r = await exportLive("--domain", "cdr", "--region", "eu-west-1");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).source).toMatchObject({ environment: "dev", domain: "cdr", accountId: "111111111111" });
  });

  it("exports the whole account without --domain, and finds no drift when it holds every manifest", async () => {
    serve(accountOf("prod"));
    const r = await exportLive("--env", "prod");
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout) as CatalogExport;
    expect(verifyExport(e).ok).toBe(true);
    expect(e.source.domain).toBe("*");
    expect(new Set(e.databases.map((d) => d.name.split("_")[0]))).toEqual(new Set(model.domains.map((d) => d.name)));
    const merged = await exportLive("--env", "prod", "--merge");
    expect(merged.stdout).toBe("no drift: the whole account in prod (222222222222, eu-west-1) holds exactly what the manifests declare\n");
    expect(merged.code).toBe(0);
  });

  describe("--merge", () => {
    const drifted = () =>
      accountOf("prod", (exports) =>
        exports.map((c) => {
          if (c.source.domain !== "cdr") return c;
          const discovery = c.databases.find((d) => d.kind === "discovery")!;
          const calls = c.tables.find((t) => t.name === "calls")!;
          const filter = c.dataCellsFilters[0]!;
          return {
            ...c,
            tables: [...c.tables, { ...calls, database: discovery.name, name: "partner_mvno_drop", location: `${discovery.locationUri ?? "s3://x/"}partner_mvno_drop/`, lfTags: {} }],
            grants: [
              ...c.grants.filter((g) => !(g.resource.kind === "dataCellsFilter" && g.resource.name === filter.name)),
              { name: null, principal: "arn:aws:iam::222222222222:role/adhoc-analyst", principalKind: "iam-role", principalName: null, permissions: ["SELECT"], permissionsWithGrantOption: [], resource: { kind: "table", database: calls.database, name: "calls" } },
              { name: null, principal: "arn:aws:iam::222222222222:role/lakeform-deployer", principalKind: "iam-role", principalName: null, permissions: ["ALL"], permissionsWithGrantOption: ["ALL"], resource: { kind: "database", name: calls.database } },
            ],
            dataCellsFilters: c.dataCellsFilters.slice(1),
          };
        }),
      );

    it("reports drift as text and exits 1: a crawler's table, a grant made by hand, a filter gone", async () => {
      serve(drifted());
      const r = await exportLive("--domain", "cdr", "--env", "prod", "--merge");
      expect(r.code).toBe(1);
      expect(r.stdout).toMatchInlineSnapshot(`
        "drift in domain cdr in prod (222222222222, eu-west-1): 4 differences
        live, in no manifest (2):
          grant   SELECT on table cdr_processed_prod.calls to arn:aws:iam::222222222222:role/adhoc-analyst
          table   cdr_raw_discovered_prod.partner_mvno_drop — crawler-discovered: declare it in the manifest to tag and grant it
        declared, missing live (2):
          filter  cdr_processed_prod.calls.eu-mvno-calls — all columns but called_number, imsi, msisdn, rows where region = 'EU'
          grant   SELECT on data-cells filter cdr_processed_prod.calls.eu-mvno-calls to arn:aws:iam::222222222222:role/eu-mvno-analysts
        grants to the Lake Formation admins were not compared: arn:aws:iam::222222222222:role/data-platform-admin, arn:aws:iam::222222222222:role/lakeform-deployer
        "
      `);
    });

    it("reports drift as JSON, and writes the declared export plus the live-only entries with --out", async () => {
      serve(drifted());
      const out = join(scratchDir("lakeform-live-"), "cdr-prod.json");
      const r = await exportLive("--domain", "cdr", "--env", "prod", "--merge", "--format", "json", "--out", out);
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout);
      expect(report.drift).toBe(true);
      expect(report.undeclared.map((e: { kind: string }) => e.kind)).toEqual(["grant", "table"]);
      expect(report.missing.map((e: { kind: string }) => e.kind)).toEqual(["dataCellsFilter", "grant"]);
      expect(report.ignoredPrincipals).toEqual(["arn:aws:iam::222222222222:role/data-platform-admin", "arn:aws:iam::222222222222:role/lakeform-deployer"]);
      const written = readFileSync(out, "utf8");
      const merged = verifyExport(written);
      expect(merged.ok).toBe(true);
      if (!merged.ok) return;
      expect(merged.export.tables.some((t) => t.name === "partner_mvno_drop")).toBe(true);
      expect(merged.export.dataCellsFilters).toEqual(declared("cdr", "prod").dataCellsFilters);
    });
  });

  describe("refuses", () => {
    it("fails when the credentials are for another account than --env's, before reading anything", async () => {
      const mocks = serve(accountOf("dev"));
      const r = await exportLive("--domain", "cdr", "--env", "prod");
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        "lakeform catalog export: the credentials are for account 111111111111 (arn:aws:sts::111111111111:assumed-role/lakeform-deployer/ci), but environment prod is account 222222222222; use that account's credentials (--profile) or another --env",
      );
      expect(mocks.glue.commandCalls(GetDatabasesCommand)).toHaveLength(0);
    });

    it("fails when the caller's account and region are no environment's", async () => {
      serve(accountOf("dev"));
      const r = await exportLive("--domain", "cdr", "--region", "us-east-1");
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("account 111111111111 in us-east-1 is none of the platform's environments (dev: 111111111111 in eu-west-1, prod: 222222222222 in eu-west-1); pass --env");
    });

    it("fails with a clear message (exit 2) when Lake Formation denies access", async () => {
      const mocks = serve(accountOf("prod"));
      mocks.lf.on(ListPermissionsCommand).rejects(Object.assign(new Error("User: arn:aws:sts::222222222222:assumed-role/ci/x is not authorized to perform: lakeformation:ListPermissions"), { name: "AccessDeniedException" }));
      const r = await exportLive("--domain", "cdr", "--env", "prod");
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("lakeform catalog export: access denied on lakeformation:ListPermissions: User: arn:aws:sts::222222222222:assumed-role/ci/x is not authorized");
      expect(r.stderr).toContain("must be a Lake Formation data lake administrator");
    });

    it("fails with exit 3 on any other AWS failure, naming the call", async () => {
      const mocks = serve(accountOf("prod"));
      mocks.glue.on(GetDatabasesCommand).rejects(Object.assign(new Error("Internal service error"), { name: "InternalServiceException" }));
      const r = await exportLive("--domain", "cdr", "--env", "prod");
      expect(r.code).toBe(3);
      expect(r.stderr).toContain("lakeform catalog export: glue:GetDatabases failed: InternalServiceException: Internal service error");
    });

    it.each([
      [["catalog", "export"], "give --live to read an account"],
      [["catalog", "import"], 'unknown subcommand "import"'],
      [["catalog", "export", "--live", "--dir", repo, "--format", "json"], "--format applies to the drift report of --merge"],
      [["catalog", "export", "--live", "--dir", repo, "--merge", "--format", "yaml"], '--format must be text or json, got "yaml"'],
      [["catalog", "export", "--live", "--dir", repo, "--max-attempts", "0"], '--max-attempts must be a whole number from 1 to 50, got "0"'],
      [["catalog", "export", "--live", "--dir", repo, "--env", "prod", "--region", "us-east-1"], "environment prod is in eu-west-1, got --region us-east-1"],
      [["catalog", "export", "--live", "--dir", repo, "--env", "staging"], 'no environment "staging"; environments are: dev, prod'],
      [["catalog", "export", "--live", "--bogus"], "Unknown option '--bogus'"],
    ])("fails on bad usage: %j", async (argv, message) => {
      serve(accountOf("prod"));
      const r = await lakeform(...argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    });

    it("fails on a domain the environment does not have", async () => {
      serve(accountOf("prod"));
      const r = await exportLive("--domain", "sales", "--env", "prod");
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('no domain "sales" in prod; domains there: billing, cdr, clickstream');
    });
  });

  it("hands --env's region, --profile and --max-attempts to the SDK clients", async () => {
    serve(accountOf("prod"));
    const seen: LiveClientOptions[] = [];
    const out = join(scratchDir("lakeform-live-"), "cdr.json");
    const quiet = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const code = await catalog(["export", "--live", "--dir", repo, "--domain", "cdr", "--env", "prod", "--profile", "lakeform-prod", "--max-attempts", "4", "--out", out], (o) => {
        seen.push(o);
        return createLiveClients(o);
      });
      expect(code).toBe(0);
    } finally {
      quiet.mockRestore();
    }
    expect(seen).toEqual([{ region: "eu-west-1", profile: "lakeform-prod", maxAttempts: 4 }]);
    expect(readFileSync(out, "utf8")).toBe(serializeExport(declared("cdr", "prod")));
  });

  it("prints its help", async () => {
    const r = await lakeform("catalog", "export", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: lakeform catalog export --live");
  });
});
