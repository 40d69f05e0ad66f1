import type { Model } from "../model/types";
import type { TfStack } from "./terraform";

/** `error` blocks `synth` and fails `lakeform check` (exit 1); `warning` is reported only. */
export type Severity = "error" | "warning";

/** What a rule reads: the Model and the synthesized Terraform JSON of the stacks being checked. */
export interface GuardrailContext {
  readonly model: Model;
  readonly stacks: readonly TfStack[];
}

/** One non-compliance a rule returns. */
export interface RuleFinding {
  readonly stack: string;
  /** Terraform address `<type>.<name>`, `(stack)` for the whole file, or a Model path (`<zone>.<table>.<column>`). */
  readonly address: string;
  readonly message: string;
}

/**
 * One rule of the pack, in the cdk-nag style: one rule per file, a stable id,
 * a pure check that returns what does not comply (nothing when compliant or
 * not applicable). The user-facing text lives here, beside the check.
 */
export interface GuardrailRule {
  /** Stable, never reused: `<FAMILY>-<nnn>` (S3, KMS, LF, IAM, GLUE, EMR, MWAA…). */
  readonly id: string;
  readonly severity: Severity;
  /** `terraform`: over the synthesized JSON; `model`: over the Model. */
  readonly scope: "terraform" | "model";
  /** One line: what compliance looks like. */
  readonly rule: string;
  /** Why, and what the rule accepts by design. */
  readonly explanation: string;
  /** The checkov, trivy and cdk-nag rule ids it covers, or `custom`. */
  readonly source: readonly string[];
  check(context: GuardrailContext): readonly RuleFinding[];
}

/** A finding as reported: its rule, severity and the manifest that owns the stack. */
export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly stack: string;
  readonly address: string;
  readonly message: string;
  /** The manifest the stack comes from (domain or platform), relative to the project root; null for a rule that failed to run. */
  readonly file: string | null;
}

/** A finding a manifest suppressed, with the suppression that did it. */
export interface SuppressedFinding extends Finding {
  readonly reason: string;
  /** Where the suppression is written: manifest file and field path. */
  readonly suppressedBy: { readonly file: string; readonly path: readonly (string | number)[] };
}
