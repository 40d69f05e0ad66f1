import { LakeformationResource } from "@cdktf/provider-aws/lib/lakeformation-resource";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { kmsKeyResource } from "../identity/kms-key-access";
import { policyDocument } from "../identity/policy-document";
import { ServiceRole, type ServiceRoleProps, serviceRoleProblems } from "../identity/service-role";

export interface LocationRegistrationProps {
  /**
   * Terraform resource name of every resource of this construct.
   * @default - the construct id
   */
  readonly terraformName?: string;
  /** Physical name of the registration role. */
  readonly roleName: string;
  /**
   * ARN of the zone bucket (the whole bucket is registered). A reference to
   * the bucket's `arn` also makes the registration wait for the bucket.
   */
  readonly bucketArn: string;
  /**
   * Key ARN of the zone key, usually a reference to the key's `arn`; or, for
   * a key of another stack whose ID is not known in advance (a multi-Region
   * replica in the DR region), its alias ARN: the role may then use keys of
   * that account and region only while they carry that alias
   * (`kms:ResourceAliases`), since an alias ARN as a Resource grants nothing.
   */
  readonly kmsKeyArn: string;
  readonly accountId: string;
  readonly partition: string;
}

/** The name of the registration role's one inline policy. */
export const LOCATION_ACCESS_POLICY = "data-access";

const PARTITIONS = ["aws", "aws-cn", "aws-us-gov"];

/**
 * Registers one zone bucket with Lake Formation, in Lake Formation mode only,
 * through a role of its own (not the service-linked role, which cannot be
 * scoped to one bucket and key, and which EMR cannot use).
 *
 * The role is the only principal that touches the zone's bytes: Lake
 * Formation assumes it (only for this account) and vends scoped-down
 * credentials to the engines it has authorized. Its one inline policy is the
 * read/write policy of the Lake Formation guide ("Requirements for roles used
 * to register locations") on this bucket, plus use of the zone key for SSE-KMS:
 *
 * - `s3:GetObject`, `s3:PutObject`, `s3:DeleteObject` on `<bucket>/*`
 * - `s3:ListBucket`, `s3:GetBucketLocation` on the bucket
 * - `kms:Decrypt`, `kms:Encrypt`, `kms:GenerateDataKey`, `kms:DescribeKey` on the zone key
 *
 * Not granted: object-version actions (engines read current versions; old
 * versions are for recovery, by people with their own access), ACL and tagging
 * actions (ACLs are off), `kms:ReEncrypt*` (objects are not re-keyed through
 * Lake Formation), and any other bucket or key.
 *
 * Hybrid access is off: IAM and bucket policies alone grant nothing on the
 * location, so every read goes through Lake Formation permissions.
 *
 * Terraform addresses: `aws_iam_role.<name>`, `aws_iam_role_policy.<name>__data-access`,
 * the role's `aws_iam_role_policies_exclusive.<name>` and
 * `aws_iam_role_policy_attachments_exclusive.<name>`, and
 * `aws_lakeformation_resource.<name>`, which is created only once the policy is in place.
 */
export class LocationRegistration extends Construct {
  readonly role: ServiceRole;
  readonly resource: LakeformationResource;

  constructor(scope: Construct, id: string, props: LocationRegistrationProps) {
    super(scope, id);
    const name = props.terraformName ?? id;
    const roleProps: ServiceRoleProps = {
      terraformName: name,
      roleName: props.roleName,
      description: `Lake Formation access to the data of ${props.bucketArn}`,
      servicePrincipal: "lakeformation.amazonaws.com",
      accountId: props.accountId,
      policies: { [LOCATION_ACCESS_POLICY]: locationAccessPolicy(props.bucketArn, props.kmsKeyArn) },
    };
    const problems = [...locationRegistrationProblems(props), ...serviceRoleProblems(roleProps)];
    if (problems.length > 0) {
      throw new Error(`LocationRegistration ${this.node.path}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    this.role = new ServiceRole(this, "role", roleProps);
    this.resource = new LakeformationResource(this, "resource", {
      arn: props.bucketArn,
      roleArn: this.role.role.arn,
      hybridAccessEnabled: false,
      useServiceLinkedRole: false,
      // Registering with a role that cannot yet read the bucket would leave engines failing until IAM catches up.
      dependsOn: Object.values(this.role.policies),
    });
    this.resource.overrideLogicalId(name);
  }
}

/** The registration role's inline policy: the bucket's objects, the bucket listing, the zone key. */
export function locationAccessPolicy(bucketArn: string, kmsKeyArn: string) {
  return policyDocument([
    {
      Sid: "ReadWriteObjects",
      Effect: "Allow",
      Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
      Resource: `${bucketArn}/*`,
    },
    {
      Sid: "ListBucket",
      Effect: "Allow",
      Action: ["s3:GetBucketLocation", "s3:ListBucket"],
      Resource: bucketArn,
    },
    {
      Sid: "UseZoneKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
      ...kmsKeyResource(kmsKeyArn),
    },
  ]);
}

/** Problems with the ARNs given as literals (references are checked by Terraform and AWS). */
export function locationRegistrationProblems(props: LocationRegistrationProps): string[] {
  const out: string[] = [];
  const literal = (s: string) => !Token.isUnresolved(s);
  const partitionOk = PARTITIONS.includes(props.partition);
  if (!partitionOk) out.push(`partition "${props.partition}" is not one of ${PARTITIONS.join(", ")}`);
  // With a bad partition, the ARNs are still checked against any partition, so every problem shows at once.
  const p = partitionOk ? props.partition : "<partition>";
  const pRe = partitionOk ? props.partition : "[a-z-]+";
  if (literal(props.bucketArn) && !new RegExp(`^arn:${pRe}:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`).test(props.bucketArn)) {
    out.push(`bucketArn "${props.bucketArn}" is not a bucket ARN (arn:${p}:s3:::<bucket>, no prefix: the whole bucket is registered)`);
  }
  if (literal(props.kmsKeyArn) && !new RegExp(`^arn:${pRe}:kms:[a-z0-9-]+:\\d{12}:(key/[A-Za-z0-9-]+|alias/[A-Za-z0-9/_-]+)$`).test(props.kmsKeyArn)) {
    out.push(`kmsKeyArn "${props.kmsKeyArn}" is not a key or alias ARN (arn:${p}:kms:<region>:<account>:key/<id> or …:alias/<name>)`);
  }
  return out;
}
