import type { PolicyStatement } from "./policy-document";

/** `arn:<partition>:kms:<region>:<account>:alias/<name>` → the region's key wildcard and the alias; null for anything else (a key ARN, a reference). */
export function kmsAliasArnParts(arn: string): { readonly keyWildcard: string; readonly alias: string } | null {
  const m = /^(arn:[a-z-]+:kms:[a-z0-9-]+:\d{12}:)(alias\/.+)$/.exec(arn);
  return m ? { keyWildcard: `${m[1]}key/*`, alias: m[2]! } : null;
}

/**
 * How an IAM statement names a key that may be known only by its alias ARN (a
 * multi-Region replica in the DR region, whose key ID exists only once the
 * primary stack applied). An alias ARN as a Resource grants nothing, so the
 * statement names every key of that account and region and lets it through
 * only while the key carries the alias (`kms:ResourceAliases`). A key ARN, or
 * a reference to one, is named as it is.
 */
export function kmsKeyResource(keyArn: string): Pick<PolicyStatement, "Resource" | "Condition"> {
  const a = kmsAliasArnParts(keyArn);
  return a ? { Resource: a.keyWildcard, Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": a.alias } } } : { Resource: keyArn };
}

/**
 * One statement for `keyArns`, or, when some are alias ARNs, the statement
 * for the key ARNs plus one per region naming the aliased keys as
 * kmsKeyResource does (Sid `<Sid>ByAlias`, or `<Sid>ByAlias<n>` from the
 * second region on). `arrange` orders the key ARNs (as the caller did before
 * aliases existed); a statement's own Condition is kept and joined with the
 * alias condition.
 */
export function kmsKeyStatements(
  statement: Omit<PolicyStatement, "Resource">,
  keyArns: readonly string[],
  arrange: (arns: readonly string[]) => string | readonly string[] = (arns) => (arns.length === 1 ? arns[0]! : arns),
): PolicyStatement[] {
  const byWildcard = new Map<string, string[]>();
  const keys: string[] = [];
  for (const arn of keyArns) {
    const a = kmsAliasArnParts(arn);
    if (!a) keys.push(arn);
    else if (!byWildcard.get(a.keyWildcard)?.includes(a.alias)) byWildcard.set(a.keyWildcard, [...(byWildcard.get(a.keyWildcard) ?? []), a.alias]);
  }
  // The key order of every statement (Sid, Effect, Principal, Action, Resource, Condition), as written by hand elsewhere.
  const { Condition, ...head } = statement;
  const out: PolicyStatement[] = keys.length > 0 ? [{ ...head, Resource: arrange(keys), ...(Condition ? { Condition } : {}) }] : [];
  [...byWildcard.entries()].forEach(([wildcard, aliases], i) => {
    const sorted = [...aliases].sort();
    out.push({
      ...head,
      Sid: `${statement.Sid}ByAlias${i === 0 ? "" : i + 1}`,
      Resource: wildcard,
      Condition: { ...(Condition ?? {}), "ForAnyValue:StringEquals": { "kms:ResourceAliases": sorted.length === 1 ? sorted[0]! : sorted } },
    });
  });
  return out;
}
