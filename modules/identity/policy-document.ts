/**
 * IAM, bucket and key policies as plain JSON built in TypeScript (no
 * aws_iam_policy_document data sources): plans stay offline, and the policy
 * can be read in the synthesized JSON exactly as AWS will receive it.
 */

export type PolicyPrincipal = "*" | { readonly AWS?: string | readonly string[]; readonly Service?: string | readonly string[] };

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: PolicyPrincipal;
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

export function policyDocument(statements: readonly PolicyStatement[]): PolicyDocument {
  const sids = new Set<string>();
  for (const s of statements) {
    if (sids.has(s.Sid)) throw new Error(`duplicate policy statement Sid ${s.Sid}`);
    sids.add(s.Sid);
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** Compact JSON with the key order above; tokens inside strings resolve to Terraform references. */
export function renderPolicy(doc: PolicyDocument): string {
  return JSON.stringify(doc);
}

/** Deny `action` on `resource` to anyone calling over plain HTTP (AwsSolutions-S10 and its SNS twin). */
export function denyInsecureTransport(action: string, resource: string | readonly string[]): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: { AWS: "*" },
    Action: action,
    Resource: resource,
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}
