#!/usr/bin/env bash
# Creates the kind cluster of a HyperFlow profile with platform = "kind", written by
# `hfgen setup`. hfgen ran none of it: read it, then run it where docker and kind run:
#
#   bash setup.sh           create the cluster unless it exists, install the NFS client in
#                           its nodes, and point kubectl at it
#   bash setup.sh delete    delete the cluster and everything in it
#
# The cluster config below gives the nodes the labels the pods select (nodes.master,
# nodes.worker), the service range that holds the NFS server's pinned ClusterIP, and the
# kubelet's seccomp default (the engine's client library drops seccompProfile from the worker
# Jobs, so worker pods get RuntimeDefault only from it).
set -euo pipefail

# The cluster is named after the profile's namespace.
cluster='hyperflow'
config='kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
- role: control-plane
- role: worker
  labels:
    nodetype: hfmaster
  kubeadmConfigPatches:
  - |
    kind: JoinConfiguration
    nodeRegistration:
      kubeletExtraArgs:
        seccomp-default: "true"
- role: worker
  labels:
    nodetype: hfworker
  kubeadmConfigPatches:
  - |
    kind: JoinConfiguration
    nodeRegistration:
      kubeletExtraArgs:
        seccomp-default: "true"
- role: worker
  labels:
    nodetype: hfworker
  kubeadmConfigPatches:
  - |
    kind: JoinConfiguration
    nodeRegistration:
      kubeletExtraArgs:
        seccomp-default: "true"
networking:
  serviceSubnet: 10.96.0.0/16
'

# What the cluster needs of this machine: the profile's [host] cpus and memory, or, where it
# leaves them out, what the pods request with room for Kubernetes itself
# (`hfgen explain --capacity` shows the sums). The pods that do not fit stay Pending.
host_cpus=4
host_memory_mib=4864

# Refuses to start on a machine with fewer CPUs or less memory than that: minikube itself
# refuses --cpus above the machine's cores, after it has begun.
check_host() {
  local cores memory_mib
  cores=$(nproc)
  memory_mib=$(free -m | awk '/^Mem:/ { print $2 }')
  if [ "$cores" -lt "$host_cpus" ] || [ "$memory_mib" -lt "$host_memory_mib" ]; then
    echo "error: this machine has $cores CPUs and ${memory_mib} MiB of memory; the cluster needs $host_cpus CPUs and $host_memory_mib MiB ([host] cpus and memory in the profile, or the pods' requests when it leaves them out)" >&2
    echo "lower the requests under [resources] and [tasks], or run on a larger machine" >&2
    exit 1
  fi
}

create_cluster() {
  if kind get clusters 2>/dev/null | grep -qxF -- "$cluster"; then
    echo "kind cluster $cluster exists; not creating it" >&2
  else
    check_host
    printf '%s\n' "$config" | kind create cluster --name "$cluster" --config=-
  fi
  # The kubelet mounts the NFS share from the node itself, which needs the NFS client.
  local node
  while read -r node; do
    docker exec "$node" sh -c 'command -v mount.nfs >/dev/null || (apt-get update -qq && apt-get install -y -qq nfs-common)'
  done < <(kind get nodes --name "$cluster")
  kubectl config use-context "kind-$cluster"
  kubectl get nodes --show-labels
}

case "${1:-create}" in
  create) create_cluster ;;
  delete) kind delete cluster --name "$cluster" ;;
  *)
    echo "usage: bash setup.sh [create|delete]" >&2
    exit 2
    ;;
esac
