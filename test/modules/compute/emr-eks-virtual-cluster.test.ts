import { describe, expect, it } from "vitest";
import { EmrEksVirtualCluster, type EmrEksVirtualClusterProps, emrEksVirtualClusterProblems } from "../../../modules/compute/emr-eks-virtual-cluster";
import { resource, synthScope } from "../../helpers/synth";

const props = (over: Partial<EmrEksVirtualClusterProps> = {}): EmrEksVirtualClusterProps => ({ name: "acme-sales-dev", clusterName: "acme-dev-compute", namespace: "emr-sales", ...over });

describe("EmrEksVirtualCluster", () => {
  it("registers one namespace of the existing EKS cluster, named after the construct id", () => {
    const tf = synthScope((s) => void new EmrEksVirtualCluster(s, "emr_eks", props()));
    expect(Object.keys(tf.resource)).toEqual(["aws_emrcontainers_virtual_cluster"]);
    expect(resource(tf, "aws_emrcontainers_virtual_cluster", "emr_eks")).toMatchObject({
      name: "acme-sales-dev",
      container_provider: { id: "acme-dev-compute", type: "EKS", info: { eks_info: { namespace: "emr-sales" } } },
    });
  });

  it("uses terraformName instead of the construct id when given", () => {
    const tf = synthScope((s) => void new EmrEksVirtualCluster(s, "cluster", props({ terraformName: "sales_eks" })));
    expect(resource(tf, "aws_emrcontainers_virtual_cluster", "sales_eks")).toBeDefined();
  });

  it("fails when the name, cluster name or namespace is not what AWS and Kubernetes accept, listing every problem", () => {
    expect(emrEksVirtualClusterProblems(props())).toEqual([]);
    expect(emrEksVirtualClusterProblems(props({ name: "a b" }))).toHaveLength(1);
    expect(emrEksVirtualClusterProblems(props({ name: "x".repeat(65) }))).toHaveLength(1);
    expect(emrEksVirtualClusterProblems(props({ clusterName: "-cluster" }))).toHaveLength(1);
    expect(emrEksVirtualClusterProblems(props({ namespace: "EMR_Sales" }))).toHaveLength(1);
    expect(emrEksVirtualClusterProblems(props({ namespace: `emr-${"x".repeat(60)}` }))).toHaveLength(1);
    expect(() => synthScope((s) => void new EmrEksVirtualCluster(s, "c", props({ name: "a b", namespace: "-x" })))).toThrow(/2 problems/);
  });

  it("fails when the namespace is one of Kubernetes' own", () => {
    expect(emrEksVirtualClusterProblems(props({ namespace: "default" }))).toEqual(['namespace "default" is one of Kubernetes\' own; give EMR jobs a namespace of their own']);
    expect(emrEksVirtualClusterProblems(props({ namespace: "kube-system" }))).toHaveLength(1);
  });
});
