import { createHash } from "node:crypto";
import type { Partition } from "./types";

/**
 * Physical-name derivation. Pure and deterministic: the same inputs always
 * give the same names, and a name over its AWS limit is shortened the same
 * way every time (a readable head, a hash of the full name, the distinguishing
 * tail kept whole).
 */

export const LIMITS = {
  s3Bucket: 63,
  glueDatabase: 255,
  kmsAlias: 256,
  iamRole: 64,
} as const;

export function shortHash(text: string, length = 8): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * Joins `head` and `tail` parts with `sep`. When the result is over `max`,
 * the head is cut and a hash of the full name inserted before the tail, so
 * the name stays unique and the tail (account, region) stays readable.
 */
export function boundedName(head: readonly string[], tail: readonly string[], max: number, sep = "-"): string {
  const full = [...head, ...tail].join(sep);
  if (full.length <= max) return full;
  const hash = shortHash(full);
  const tailText = tail.join(sep);
  const budget = max - hash.length - (tailText ? tailText.length + sep.length : 0) - sep.length;
  if (budget < 1) throw new Error(`cannot fit a name of ${max} characters with tail "${tailText}"`);
  const cut = head.join(sep).slice(0, budget).replace(/[-_.]+$/, "");
  return [cut, hash, ...(tailText ? [tailText] : [])].join(sep);
}

export function partitionOf(region: string): Partition {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** Hyphens are legal in S3 names but not in Athena-friendly Glue names. */
export const glueSafe = (s: string) => s.replace(/-/g, "_");

export interface NameContext {
  readonly organization: string;
  readonly environment: string;
  readonly accountId: string;
  readonly region: string;
}

/** `<org>-<domain>-<purpose>-<env>-<account>-<region>`, at most 63 characters. */
export function bucketName(ctx: NameContext, domain: string, purpose: string): string {
  return boundedName([ctx.organization, domain, purpose, ctx.environment], [ctx.accountId, ctx.region], LIMITS.s3Bucket);
}

export function bucketArn(partition: Partition, name: string): string {
  return `arn:${partition}:s3:::${name}`;
}

/** `<domain>_<zone>_<env>` with underscores: legal in Glue, Athena, Spark and Hive. */
export function databaseName(ctx: NameContext, domain: string, zone: string): string {
  return boundedName([glueSafe(domain), zone], [ctx.environment], LIMITS.glueDatabase, "_");
}

/** `<consumer>_<producer>_<zone>_<env>`: a resource link in the consumer's catalog. */
export function resourceLinkName(ctx: NameContext, consumer: string, producer: string, zone: string): string {
  return boundedName([glueSafe(consumer), glueSafe(producer), zone], [ctx.environment], LIMITS.glueDatabase, "_");
}

export function databaseArn(partition: Partition, ctx: NameContext, database: string): string {
  return `arn:${partition}:glue:${ctx.region}:${ctx.accountId}:database/${database}`;
}

export function tableArn(partition: Partition, ctx: NameContext, database: string, table: string): string {
  return `arn:${partition}:glue:${ctx.region}:${ctx.accountId}:table/${database}/${table}`;
}

/** `alias/<org>/<env>/<domain>/<purpose>`, at most 256 characters. */
export function kmsAlias(ctx: NameContext, domain: string, purpose: string): string {
  const name = boundedName([ctx.organization, ctx.environment, domain, purpose], [], LIMITS.kmsAlias - "alias/".length, "/");
  return `alias/${name}`;
}

export function kmsAliasArn(partition: Partition, ctx: NameContext, alias: string): string {
  return `arn:${partition}:kms:${ctx.region}:${ctx.accountId}:${alias}`;
}

/** `<org>-<domain>-<purpose>-<env>`, at most 64 characters (IAM role names are per account, not per region). */
export function iamRoleName(ctx: NameContext, domain: string, purpose: string): string {
  return boundedName([ctx.organization, domain, purpose], [ctx.environment, ctx.region], LIMITS.iamRole);
}

export function iamRoleArn(partition: Partition, accountId: string, name: string): string {
  return `arn:${partition}:iam::${accountId}:role/${name}`;
}

/** `<org>-<domain>-<env>-<purpose>`, at most 128 characters (CloudTrail trail names are per region). */
export function trailName(ctx: NameContext, domain: string, purpose: string): string {
  return boundedName([ctx.organization, domain, ctx.environment, purpose], [], 128);
}

/** Checks the rules S3 puts on bucket names beyond the character set. */
export function bucketNameProblems(name: string): string[] {
  const out: string[] = [];
  if (name.length < 3 || name.length > 63) out.push(`is ${name.length} characters (3-63 allowed)`);
  if (!/^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(name)) out.push("must be lower-case letters, digits and hyphens, starting and ending with a letter or digit");
  if (name.includes("--")) out.push("must not contain two hyphens in a row");
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) out.push("must not start with a prefix S3 reserves");
  if (/(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(name)) out.push("must not end with a suffix S3 reserves");
  return out;
}
