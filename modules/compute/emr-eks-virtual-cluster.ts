import { EmrcontainersVirtualCluster } from "@cdktf/provider-aws/lib/emrcontainers-virtual-cluster";
import { Token } from "cdktf";
import { Construct } from "constructs";

export interface EmrEksVirtualClusterProps {
  /**
   * Terraform resource name of the virtual cluster.
   * @default - the construct id
   */
  readonly terraformName?: string;
  /** Virtual cluster name: 1–64 letters, digits and `._/#-`. */
  readonly name: string;
  /** Name of the existing EKS cluster, in the stack's account and Region. */
  readonly clusterName: string;
  /**
   * The Kubernetes namespace the virtual cluster maps to. It must exist, with
   * the RBAC that lets EMR on EKS create pods in it, before the apply.
   */
  readonly namespace: string;
}

/**
 * An EMR on EKS virtual cluster: one namespace of an existing EKS cluster
 * registered as a place to run EMR job runs. It costs nothing while idle;
 * job runs become pods in the namespace.
 *
 * What provider 5.100 cannot set: a security configuration (the
 * `securityConfigurationId` of CreateVirtualCluster, which turns on Lake
 * Formation fine-grained access from EMR 7.7). There is no
 * `aws_emrcontainers_security_configuration` and no attribute for it here
 * (hashicorp/terraform-provider-aws#41712, #41716), so this virtual cluster
 * never enforces Lake Formation itself; see the README.
 *
 * Terraform address: `aws_emrcontainers_virtual_cluster.<name>`.
 */
export class EmrEksVirtualCluster extends Construct {
  readonly virtualCluster: EmrcontainersVirtualCluster;

  constructor(scope: Construct, id: string, props: EmrEksVirtualClusterProps) {
    super(scope, id);
    const problems = emrEksVirtualClusterProblems(props);
    if (problems.length > 0) {
      throw new Error(`EmrEksVirtualCluster ${this.node.path}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    this.virtualCluster = new EmrcontainersVirtualCluster(this, "virtual-cluster", {
      name: props.name,
      containerProvider: { id: props.clusterName, type: "EKS", info: { eksInfo: { namespace: props.namespace } } },
    });
    this.virtualCluster.overrideLogicalId(props.terraformName ?? id);
  }
}

const VIRTUAL_CLUSTER_NAME = /^[A-Za-z0-9._/#-]{1,64}$/;
export const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
/** A Kubernetes namespace is a DNS label (RFC 1123): at most 63 lower-case letters, digits and hyphens, alphanumeric at both ends. */
export const KUBERNETES_NAMESPACE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Every problem with the props, one sentence each; empty when they are fine. Tokens are not checked. */
export function emrEksVirtualClusterProblems(props: EmrEksVirtualClusterProps): string[] {
  const out: string[] = [];
  const literal = (s: string) => !Token.isUnresolved(s);
  if (literal(props.name) && !VIRTUAL_CLUSTER_NAME.test(props.name)) out.push(`name "${props.name}" must be 1-64 letters, digits, ".", "_", "/", "#" or "-"`);
  if (literal(props.clusterName) && !EKS_CLUSTER_NAME.test(props.clusterName)) {
    out.push(`clusterName "${props.clusterName}" is not an EKS cluster name (1-100 letters, digits, - and _, starting with a letter or digit)`);
  }
  if (literal(props.namespace) && !KUBERNETES_NAMESPACE.test(props.namespace)) {
    out.push(`namespace "${props.namespace}" is not a Kubernetes namespace (at most 63 lower-case letters, digits and -, starting and ending with a letter or digit)`);
  }
  if (props.namespace === "default" || props.namespace.startsWith("kube-")) out.push(`namespace "${props.namespace}" is one of Kubernetes' own; give EMR jobs a namespace of their own`);
  return out;
}
