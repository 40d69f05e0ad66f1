import { z } from "zod";

/**
 * The manifests' `guardrails` field: suppressions of guardrail findings, each
 * for one rule on one resource, with a written reason. A suppressed finding
 * is still reported (as suppressed, with its reason) by `lakeform check` and
 * in reviews; it only stops blocking `synth`. Rule ids and resources are
 * checked against the pack and the synthesized stacks (../guardrail-rules.ts,
 * generators/guardrails/run.ts).
 */

export const SuppressionManifest = z
  .strictObject({
    rule: z
      .string()
      .regex(/^[A-Z][A-Z0-9]*-\d{3}$/, "a rule id looks like S3-006 or IAM-002 (README, Guardrails)")
      .describe("Id of the guardrail rule whose finding is suppressed, like IAM-002 (`lakeform check --help` lists them)."),
    resource: z
      .string()
      .regex(/^[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+$/, "a resource is a Terraform address <type>.<name>, like aws_iam_role_policy.mwaa__environment")
      .describe("Terraform address `<type>.<name>` the finding is about, in every stack of this manifest (a domain's stacks, or the platform stacks)."),
    reason: z.string().trim().min(20, "say why in at least 20 characters: the reason shows in checks and reviews").max(1024).describe("Why the finding is acceptable here; shown beside the suppressed finding in `lakeform check` and reviews."),
  })
  .describe("One suppressed guardrail finding: a rule on a resource, with the reason.");

export const GuardrailsManifest = z
  .strictObject({
    suppress: z.array(SuppressionManifest).default([]).describe("Guardrail findings accepted on purpose, each with its reason.\n@default - none"),
  })
  .describe("Guardrail settings of this manifest's stacks.");

export type GuardrailsManifestOutput = z.output<typeof GuardrailsManifest>;
