/**
 * The guardrail pack: every rule, ordered by id. The folder tree under rules/
 * is the catalogue (one rule per file, grouped by concern); ids are stable and
 * never reused.
 */
import { rule as ATH_001 } from "./rules/athena/ath-001-workgroups";
import { rule as ATH_002 } from "./rules/athena/ath-002-scan-cap";
import { rule as CT_001 } from "./rules/cloudtrail/ct-001-trail-source-arn";
import { rule as EMR_001 } from "./rules/emr/emr-001-no-standing-cluster";
import { rule as EMR_002 } from "./rules/emr/emr-002-security-configurations";
import { rule as EMR_003 } from "./rules/emr/emr-003-serverless";
import { rule as EMR_004 } from "./rules/emr/emr-004-on-demand-primary-core";
import { rule as FH_001 } from "./rules/firehose/fh-001-delivery-streams";
import { rule as GLUE_001 } from "./rules/glue/glue-001-security-configuration-set";
import { rule as GLUE_002 } from "./rules/glue/glue-002-security-configuration-cmk";
import { rule as GLUE_003 } from "./rules/glue/glue-003-job-encryption";
import { rule as GLUE_004 } from "./rules/glue/glue-004-job-zone-keys";
import { rule as GLUE_005 } from "./rules/glue/glue-005-crawlers";
import { rule as GLUE_006 } from "./rules/glue/glue-006-workflow-targets";
import { rule as IAM_001 } from "./rules/iam/iam-001-no-wildcard-actions";
import { rule as IAM_002 } from "./rules/iam/iam-002-no-wildcard-resources";
import { rule as IAM_003 } from "./rules/iam/iam-003-trust-policies";
import { rule as IAM_004 } from "./rules/iam/iam-004-no-managed-policies";
import { rule as KMS_001 } from "./rules/kms/kms-001-key-rotation";
import { rule as KMS_002 } from "./rules/kms/kms-002-no-wildcard-key-principal";
import { rule as KMS_003 } from "./rules/kms/kms-003-key-policy-set";
import { rule as KMS_004 } from "./rules/kms/kms-004-key-enabled";
import { rule as KMS_005 } from "./rules/kms/kms-005-multi-region-keys";
import { rule as LF_001 } from "./rules/lake/lf-001-no-iam-allowed-principals";
import { rule as LF_002 } from "./rules/lake/lf-002-data-lake-settings";
import { rule as LF_003 } from "./rules/lake/lf-003-glue-database-defaults";
import { rule as LF_004 } from "./rules/lake/lf-004-named-grant-principals";
import { rule as LF_005 } from "./rules/lake/lf-005-object-reads-only-lake-formation";
import { rule as LF_006 } from "./rules/lake/lf-006-object-read-guard";
import { rule as LF_007 } from "./rules/lake/lf-007-registration";
import { rule as LF_008 } from "./rules/lake/lf-008-pii-readers-only";
import { rule as LF_009 } from "./rules/lake/lf-009-one-key-per-zone";
import { rule as LF_010 } from "./rules/lake/lf-010-artifacts-isolation";
import { rule as LF_011 } from "./rules/lake/lf-011-partner-drops";
import { rule as LOG_001 } from "./rules/logs/log-001-log-groups";
import { rule as MWAA_001 } from "./rules/mwaa/mwaa-001-private-webserver";
import { rule as MWAA_002 } from "./rules/mwaa/mwaa-002-logs-enabled";
import { rule as MWAA_003 } from "./rules/mwaa/mwaa-003-all-logging-info";
import { rule as MWAA_004 } from "./rules/mwaa/mwaa-004-key-and-network";
import { rule as MWAA_005 } from "./rules/mwaa/mwaa-005-source-buckets";
import { rule as S3_001 } from "./rules/s3/s3-001-sse-kms";
import { rule as S3_002 } from "./rules/s3/s3-002-public-access-block";
import { rule as S3_003 } from "./rules/s3/s3-003-tls-only";
import { rule as S3_004 } from "./rules/s3/s3-004-no-public-allow";
import { rule as S3_005 } from "./rules/s3/s3-005-no-lockout-deny";
import { rule as S3_006 } from "./rules/s3/s3-006-access-logging";
import { rule as S3_007 } from "./rules/s3/s3-007-versioning";
import { rule as S3_008 } from "./rules/s3/s3-008-lifecycle";
import { rule as S3_009 } from "./rules/s3/s3-009-event-notifications";
import { rule as S3_010 } from "./rules/s3/s3-010-bucket-owner-enforced";
import { rule as S3_011 } from "./rules/s3/s3-011-no-acl";
import { rule as SFN_001 } from "./rules/stepfunctions/sfn-001-state-machines";
import { rule as SG_001 } from "./rules/network/sg-001-security-group-descriptions";
import { rule as SG_002 } from "./rules/network/sg-002-no-open-ingress";
import { rule as SG_003 } from "./rules/network/sg-003-no-open-egress";
import { rule as SG_004 } from "./rules/network/sg-004-security-groups-attached";
import { rule as SNS_001 } from "./rules/sns/sns-001-topics";
import { rule as STK_001 } from "./rules/stack/stk-001-no-data-sources";
import type { GuardrailRule } from "./types";

export const PACK: readonly GuardrailRule[] = [
  ATH_001,
  ATH_002,
  CT_001,
  EMR_001,
  EMR_002,
  EMR_003,
  EMR_004,
  FH_001,
  GLUE_001,
  GLUE_002,
  GLUE_003,
  GLUE_004,
  GLUE_005,
  GLUE_006,
  IAM_001,
  IAM_002,
  IAM_003,
  IAM_004,
  KMS_001,
  KMS_002,
  KMS_003,
  KMS_004,
  KMS_005,
  LF_001,
  LF_002,
  LF_003,
  LF_004,
  LF_005,
  LF_006,
  LF_007,
  LF_008,
  LF_009,
  LF_010,
  LF_011,
  LOG_001,
  MWAA_001,
  MWAA_002,
  MWAA_003,
  MWAA_004,
  MWAA_005,
  S3_001,
  S3_002,
  S3_003,
  S3_004,
  S3_005,
  S3_006,
  S3_007,
  S3_008,
  S3_009,
  S3_010,
  S3_011,
  SFN_001,
  SG_001,
  SG_002,
  SG_003,
  SG_004,
  SNS_001,
  STK_001,
];

/** The ids of the pack, for validating suppressions. */
export const RULE_IDS: ReadonlySet<string> = new Set(PACK.map((r) => r.id));
