import { z } from "zod";

/** Who reviews name when no governance group is declared. */
export const DEFAULT_GOVERNANCE_APPROVERS = "data-governance";

export const GovernanceManifest = z
  .strictObject({
    approvers: z
      .string()
      .regex(/^@?[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/, "name a team, like data-governance or the GitHub team @acme/data-governance")
      .default(DEFAULT_GOVERNANCE_APPROVERS)
      .describe(
        "Who must approve a change that lets someone read PII unmasked, removes a mask from PII, adds a PII reader or shares data with another account; `lakeform review` names them. A GitHub team (@org/team) is mentioned in the pull-request comment.\n@default - \"data-governance\"",
      ),
  })
  .describe("Data governance: the approvers `lakeform review` asks for on PII and cross-account changes.");
