import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import YAML from "yaml";

/** A minimal valid platform manifest, as authored (YAML/JSON shape). */
export function platformFixture(): Record<string, any> {
  return {
    organization: "acme",
    owner: "data-platform",
    costCentre: "CC-1",
    regions: { primary: "eu-west-1", dr: "eu-central-1" },
    environments: {
      dev: {
        accountId: "111111111111",
        network: {
          vpcId: "vpc-0123456789abcdef0",
          vpcCidr: "10.0.0.0/16",
          s3PrefixListId: "pl-6da54004",
          privateRouteTableIds: ["rtb-0123456789abcdef1"],
          privateSubnetIds: ["subnet-0123456789abcdef1", "subnet-0123456789abcdef2"],
        },
        lakeFormationAdmins: ["arn:aws:iam::111111111111:role/admin"],
      },
      prod: {
        accountId: "222222222222",
        network: {
          vpcId: "vpc-0123456789abcdef9",
          vpcCidr: "10.1.0.0/16",
          s3PrefixListId: "pl-6da54004",
          privateRouteTableIds: ["rtb-0123456789abcdef9"],
          privateSubnetIds: ["subnet-0123456789abcdef3", "subnet-0123456789abcdef4"],
        },
        lakeFormationAdmins: ["arn:aws:iam::222222222222:role/admin"],
        piiReaders: ["arn:aws:iam::222222222222:role/privacy"],
      },
    },
    lfTags: {
      domain: { values: ["sales", "cdr"] },
      confidentiality: { values: ["public", "internal", "pii"] },
    },
    guardrails: { suppress: MWAA_SUPPRESSIONS.map((x) => ({ ...x })) },
  };
}

/**
 * Every platform stack's MWAA execution role holds wildcards the pack flags
 * (README, Guardrails): the platform manifest suppresses them, as the
 * example's does. `mwaa__dags` exists only with pipelines: see MWAA_DAGS_SUPPRESSION.
 */
export const MWAA_SUPPRESSIONS = [
  { rule: "IAM-001", resource: "aws_iam_role_policy.mwaa__environment", reason: "MWAA's documented execution-role wildcards on its own bucket and key." },
  { rule: "IAM-002", resource: "aws_iam_role_policy.mwaa__environment", reason: "MWAA names its own log groups and Celery queues." },
];
export const MWAA_DAGS_SUPPRESSION = { rule: "IAM-002", resource: "aws_iam_role_policy.mwaa__dags", reason: "EMR application and virtual-cluster IDs exist only after the domain stacks apply." };

/** A minimal valid domain manifest. */
export function domainFixture(name = "sales"): Record<string, any> {
  return {
    name,
    owner: { team: "sales-data", email: "sales@example.com" },
    costCentre: "CC-2",
    lfTags: { domain: name === "cdr" ? "cdr" : "sales", confidentiality: "internal" },
    tables: [
      {
        name: "orders",
        zone: "processed",
        columns: [
          { name: "order_id", type: "string" },
          { name: "email", type: "string", lfTags: { confidentiality: "pii" } },
          { name: "amount", type: "decimal(10,2)" },
        ],
        partitionKeys: [{ name: "order_date", type: "date" }],
      },
    ],
  };
}

export interface ProjectSpec {
  /** Platform as an object (written as YAML) or raw file text with its extension. */
  platform?: Record<string, any> | { file: string; text: string };
  /** Domains by folder: an object (written as domain.yaml) or raw files. */
  domains?: Record<string, Record<string, any> | { file: string; text: string }>;
  /** Extra files relative to the project root. */
  files?: Record<string, string>;
}

const isRaw = (v: unknown): v is { file: string; text: string } => typeof v === "object" && v !== null && "file" in v && "text" in v;

/**
 * Scratch space inside the repository (git-ignored), so TypeScript manifests
 * in test projects resolve `import … from "lakeform"` like a user's do.
 */
export function scratchDir(prefix: string): string {
  const base = resolve(import.meta.dirname, "../../.lakeform-tmp");
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${prefix}-`));
}

/** Writes a throwaway project and returns its root. */
export function makeProject(spec: ProjectSpec): string {
  const root = scratchDir("project");
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  mkdirSync(join(root, "domains"), { recursive: true });
  if (spec.platform) {
    if (isRaw(spec.platform)) write(`domains/${spec.platform.file}`, spec.platform.text);
    else write("domains/platform.yaml", YAML.stringify(spec.platform));
  }
  for (const [folder, d] of Object.entries(spec.domains ?? {})) {
    if (isRaw(d)) write(`domains/${folder}/${d.file}`, d.text);
    else write(`domains/${folder}/domain.yaml`, YAML.stringify(d));
  }
  for (const [rel, text] of Object.entries(spec.files ?? {})) write(rel, text);
  return root;
}
