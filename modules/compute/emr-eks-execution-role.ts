import type { Construct } from "constructs";
import { type JobRoleProps, jobRolePolicy } from "../identity/job-role";
import { policyDocument } from "../identity/policy-document";
import { ServiceRole } from "../identity/service-role";

export interface EmrEksExecutionRoleProps extends Omit<JobRoleProps, "servicePrincipal" | "trustedRoleArn" | "logGroupArns"> {
  /** The EKS cluster's IAM OIDC provider: `arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>`. */
  readonly oidcProviderArn: string;
  /**
   * StringLike pattern of the `sub` of the service accounts EMR on EKS creates
   * for this role, in one namespace:
   * `system:serviceaccount:<namespace>:emr-containers-sa-*-*-<account>-<base36(role name)>`.
   */
  readonly serviceAccountSubject: string;
  /** ARN of the log group the job runs' driver and executor logs go to. */
  readonly logGroupArn: string;
}

/**
 * The role an EMR on EKS job runs as (its job execution role). The same
 * permissions as any job's role (JobRole): Lake Formation data access, the
 * catalog entries of its own tables, its script and scratch prefixes, its
 * keys, its log group; never the lake buckets' objects, which their policies
 * deny it. Trusted through the EKS cluster's OIDC provider by exactly the
 * service accounts EMR creates for this role in the domain's namespace, for
 * the STS audience: another namespace or another role's service account gets
 * nothing.
 *
 * Terraform addresses: those of ServiceRole (`aws_iam_role.<name>`,
 * `aws_iam_role_policy.<name>__run`, `…__logs`, …).
 */
export class EmrEksExecutionRole extends ServiceRole {
  constructor(scope: Construct, id: string, props: EmrEksExecutionRoleProps) {
    super(scope, id, {
      ...(props.terraformName ? { terraformName: props.terraformName } : {}),
      roleName: props.roleName,
      description: props.description,
      accountId: props.accountId,
      webIdentity: { providerArn: props.oidcProviderArn, subjectLike: props.serviceAccountSubject },
      policies: {
        run: jobRolePolicy({ ...props, logGroupArns: [props.logGroupArn] }),
        // EMR on EKS's log shipper looks its group and streams up before writing (the EMR on EKS guide's CloudWatch policy).
        logs: policyDocument([
          { Sid: "FindLogGroups", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
          { Sid: "FindOwnLogStreams", Effect: "Allow", Action: "logs:DescribeLogStreams", Resource: [props.logGroupArn, `${props.logGroupArn}:*`] },
        ]),
      },
    });
  }
}
