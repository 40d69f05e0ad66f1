import type { Model } from "../model/types";
import type { StackJson } from "../stacks/in-memory";

/**
 * What the review needs from a guardrail pack: findings over a model and its
 * synthesized stacks, and the findings that manifests suppressed (with their
 * written reasons). The review compares the two sides' results.
 */

export interface GuardrailFinding {
  readonly rule: string;
  readonly severity: "error" | "warning";
  readonly stack: string;
  /** Terraform address (`aws_s3_bucket.raw`), or a manifest path for model rules. */
  readonly resource: string;
  readonly message: string;
}

export interface SuppressedFinding extends GuardrailFinding {
  readonly reason: string;
}

export interface GuardrailOutcome {
  readonly findings: readonly GuardrailFinding[];
  readonly suppressed: readonly SuppressedFinding[];
}

export type GuardrailRunner = (model: Model, stacks: ReadonlyMap<string, StackJson>) => GuardrailOutcome;
