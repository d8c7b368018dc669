#!/usr/bin/env bash
# Creates the Google Kubernetes Engine cluster of a HyperFlow profile, written by `hfgen setup`.
# hfgen ran none of it: read it, then run it with gcloud logged in (`gcloud auth login`):
#
#   bash setup.sh                   create the cluster and its node pools, skipping what
#                                   exists, and point kubectl at the cluster
#   bash setup.sh resize-to-zero    scale both node pools to 0 nodes: nothing to pay for
#                                   nodes while no workflow runs (a run in progress fails:
#                                   its Job does not start it again)
#   bash setup.sh resize            scale both node pools back to the profile's node counts
#   bash setup.sh delete            delete the cluster, its nodes and disks (the NFS export's
#                                   disk too); gcloud asks before it deletes
#
# Then deploy: hfgen render --profile ... | kubectl apply -f -
set -euo pipefail

# The profile's [cluster] section.
project='my-gcp-project'
zone='europe-west2-a'
cluster='hyperflow'
master_machine_type='e2-standard-4'
master_node_count=1
worker_machine_type='n1-standard-2'
worker_node_count=3
# Node labels, KEY=VALUE[,KEY=VALUE]: exactly the profile's nodes.master and nodes.worker,
# the node selectors of the rendered pods, so every pod finds the nodes it selects (a pool
# whose pods select no labels gets none).
master_labels='nodetype=hfmaster'
worker_labels='nodetype=worker'

# The engine, Redis and the NFS server run on the pool that `clusters create` makes
# (GKE names it default-pool): giving it the master labels at creation means the cluster
# never has unlabelled nodes. The worker Jobs get a second pool with the worker labels.
master_pool=default-pool
worker_pool=worker-pool
scope=(--project="$project" --zone="$zone")

# storage.class is a Filestore class: its CSI driver is off on Standard clusters, and it
# creates instances through the Filestore API, which the project must have enabled.
enable_filestore() {
  gcloud services enable file.googleapis.com --project="$project"
}

create_cluster() {
  if gcloud container clusters describe "$cluster" "${scope[@]}" >/dev/null 2>&1; then
    echo "cluster $cluster exists; not creating it" >&2
    gcloud container clusters update "$cluster" "${scope[@]}" --update-addons=GcpFilestoreCsiDriver=ENABLED
    return
  fi
  local flags=(
    --num-nodes="$master_node_count"
    --machine-type="$master_machine_type"
    --addons=GcpFilestoreCsiDriver
    --node-labels="$master_labels"
    # Enforces the rendered NetworkPolicies (network_policy.enabled); without a policy
    # controller they would do nothing.
    --enable-dataplane-v2
  )
  gcloud container clusters create "$cluster" "${scope[@]}" "${flags[@]}"
}

create_worker_pool() {
  if gcloud container node-pools describe "$worker_pool" --cluster="$cluster" "${scope[@]}" >/dev/null 2>&1; then
    echo "node pool $worker_pool exists; not creating it" >&2
    return
  fi
  local flags=(
    --num-nodes="$worker_node_count"
    --machine-type="$worker_machine_type"
    --node-labels="$worker_labels"
  )
  gcloud container node-pools create "$worker_pool" --cluster="$cluster" "${scope[@]}" "${flags[@]}"
}

# Writes the cluster's entry into ~/.kube/config and makes it kubectl's current context.
get_credentials() {
  gcloud container clusters get-credentials "$cluster" "${scope[@]}"
}

# Lists the nodes each group of pods can be scheduled on: both lists must be non-empty.
show_nodes() {
  kubectl get nodes --selector="$master_labels"
  kubectl get nodes --selector="$worker_labels"
}

# Resizes one node pool; --quiet skips gcloud's confirmation prompt.
resize_pool() {
  gcloud container clusters resize "$cluster" --node-pool="$1" --num-nodes="$2" --quiet "${scope[@]}"
}

# The seed README's way to stop paying for nodes without deleting the cluster. Pods stay
# Pending until `bash setup.sh resize` brings the nodes back; the NFS exports' disk stays.
resize_to_zero() {
  resize_pool "$worker_pool" 0
  resize_pool "$master_pool" 0
}

resize_to_profile() {
  resize_pool "$master_pool" "$master_node_count"
  resize_pool "$worker_pool" "$worker_node_count"
}

# gcloud asks for confirmation: this removes every workload and disk of the cluster.
delete_cluster() {
  gcloud container clusters delete "$cluster" "${scope[@]}"
}

case "${1:-create}" in
  create)
    enable_filestore
    create_cluster
    create_worker_pool
    get_credentials
    show_nodes
    ;;
  resize-to-zero) resize_to_zero ;;
  resize) resize_to_profile ;;
  delete) delete_cluster ;;
  *)
    echo "usage: bash setup.sh [create|resize-to-zero|resize|delete]" >&2
    exit 2
    ;;
esac
