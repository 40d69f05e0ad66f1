import { z } from "zod";

/**
 * Building blocks shared by the platform and domain manifests. Every pattern
 * here is the strictest of the AWS services a name ends up in, so a name that
 * passes is legal everywhere it is used (S3, Glue, IAM, KMS aliases).
 */

/** A 12-digit AWS account ID. */
export const AccountId = z
  .string()
  .regex(/^\d{12}$/, "an AWS account ID is exactly 12 digits")
  .describe("AWS account ID, 12 digits.");

/** An AWS commercial or GovCloud region code such as `eu-west-1`. */
export const Region = z
  .string()
  .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, "a region code looks like eu-west-1")
  .describe("AWS region code, for example `eu-west-1`.");

/**
 * An IAM role or user ARN, the principals Lake Formation accepts as admins
 * and grantees.
 */
export const IamPrincipalArn = z
  .string()
  .regex(
    /^arn:aws(-us-gov|-cn)?:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/,
    "an IAM principal ARN looks like arn:aws:iam::123456789012:role/name",
  )
  .describe("IAM role or user ARN.");

/**
 * Short resource-name segment used inside physical names (bucket, database,
 * key alias, role). Lower-case letters and digits, hyphens inside: legal for
 * S3 and, with hyphens turned into underscores, for Glue.
 */
export const NameSegment = z
  .string()
  .regex(
    /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/,
    "use lower-case letters and digits, words joined by single hyphens, starting with a letter",
  );

/** An LF-tag key as Lakeform accepts it (a subset of what Lake Formation allows). */
export const LfTagKey = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,127}$/, "an LF-tag key is lower-case letters, digits, _ and -, starting with a letter, at most 128 characters");

/** An LF-tag value. */
export const LfTagValue = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.:/=+@-]{0,255}$/, "an LF-tag value is lower-case letters, digits and _ . : / = + @ -, at most 256 characters");

/** Tag assignments: LF-tag key to one value of the platform taxonomy. */
export const LfTagAssignment = z
  .record(LfTagKey, LfTagValue)
  .describe("LF-tags as key: value; keys and values must exist in the platform's taxonomy.");

/** AWS resource tags (not LF-tags): printable, within AWS limits. */
export const AwsTags = z
  .record(
    z.string().regex(/^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+@-]{1,128}$/u, "a tag key is 1-128 characters of letters, digits, spaces and _ . : / = + @ -, not starting with aws:"),
    z.string().regex(/^[\p{L}\p{Z}\p{N}_.:/=+@-]{0,256}$/u, "a tag value is at most 256 characters of letters, digits, spaces and _ . : / = + @ -"),
  )
  .describe("AWS resource tags as key: value.");

/** A cost centre code carried in the `cost-centre` tag of every resource. */
export const CostCentre = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:/=+@-]{0,63}$/, "a cost centre is 1-64 letters, digits and _ . : / = + @ -")
  .describe("Cost centre code, carried in the `cost-centre` tag of every resource.");

/** A team name, carried in the `owner` tag. */
export const TeamName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,62}$/, "a team name is lower-case letters, digits and hyphens, 2-63 characters")
  .describe("Owning team, carried in the `owner` tag.");

/** Name of a principal in the platform's catalogue, referenced by grants. */
export const PrincipalName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,62}$/, "a principal name is 2-63 lower-case letters, digits and hyphens, starting with a letter");

/**
 * What Lake Formation can grant to: an IAM role or user, an IAM Identity
 * Center group, or another AWS account (cross-account sharing).
 */
export const DataLakePrincipal = z
  .string()
  .regex(
    /^(arn:aws(-us-gov|-cn)?:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}|arn:aws(-us-gov|-cn)?:identitystore:::group\/[0-9a-f-]{10,68}|\d{12})$/,
    "a principal is an IAM role or user ARN, an Identity Center group ARN (arn:aws:identitystore:::group/<id>) or a 12-digit account ID",
  )
  .describe("IAM role or user ARN, Identity Center group ARN, or external AWS account ID.");
