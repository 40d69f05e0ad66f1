import { Testing } from "cdktf";
import type { Construct } from "constructs";

/** Synthesized Terraform JSON, loosely typed for assertions. */
export interface TfJson {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  provider?: Record<string, Record<string, unknown>[]>;
  terraform?: Record<string, unknown>;
  data?: Record<string, unknown>;
}

/** Synthesizes whatever `fn` adds to a fresh test stack. */
export function synthScope(fn: (scope: Construct) => void): TfJson {
  return JSON.parse(Testing.synthScope(fn)) as TfJson;
}

/** All resources of one type, by Terraform name. */
export function resourcesOf(tf: TfJson, type: string): Record<string, Record<string, unknown>> {
  return tf.resource?.[type] ?? {};
}

/** One resource; throws with the names present when it is missing. */
export function resource(tf: TfJson, type: string, name: string): Record<string, unknown> {
  const r = resourcesOf(tf, type)[name];
  if (!r) throw new Error(`no ${type}.${name}; have: ${Object.keys(resourcesOf(tf, type)).join(", ") || "none"}`);
  return r;
}

export interface PolicyJson {
  Version: string;
  Statement: {
    Sid: string;
    Effect: string;
    Principal?: unknown;
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
  }[];
}

export function policyOf(r: Record<string, unknown>, attr = "policy"): PolicyJson {
  return JSON.parse(r[attr] as string) as PolicyJson;
}

/** The message of the error `fn` throws; fails the test when it throws none. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error");
}
