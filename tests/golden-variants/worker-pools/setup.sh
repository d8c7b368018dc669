#!/usr/bin/env bash
# Creates the Google Kubernetes Engine cluster of a HyperFlow profile, written by `hfgen setup`.
# hfgen ran none of it: read it, then run it with gcloud logged in (`gcloud auth login`):
#
#   bash setup.sh                   create the cluster and its node pools, skipping what
#                                   exists, and point kubectl at the cluster
#                                   (worker pools: then install KEDA and create the
#                                   RabbitMQ Secret, unless it exists)
#   bash setup.sh pools             worker pools only, on the cluster as it is: point
#                                   kubectl at it, install KEDA and create the RabbitMQ
#                                   Secret unless it exists
#   bash setup.sh resize-to-zero    scale both node pools to 0 nodes: nothing to pay for
#                                   nodes while no workflow runs (a run in progress fails:
#                                   its Job does not start it again)
#   bash setup.sh resize            scale both node pools back to the profile's node counts
#   bash setup.sh delete            delete the cluster, its nodes and disks (the NFS export's
#                                   disk too); gcloud asks before it deletes
#                                   (KEDA and the RabbitMQ Secret live in the cluster and
#                                   go with it: nothing else to remove)
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
# The cluster autoscaler adds worker nodes while pods are Pending, up to what the workers
# need at their most (`hfgen explain --capacity` shows the sums), and removes idle ones down
# to min_nodes.
worker_min_nodes=3
worker_max_nodes=46
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

create_cluster() {
  if gcloud container clusters describe "$cluster" "${scope[@]}" >/dev/null 2>&1; then
    echo "cluster $cluster exists; not creating it" >&2
    return
  fi
  local flags=(
    --num-nodes="$master_node_count"
    --machine-type="$master_machine_type"
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
    --enable-autoscaling
    --min-nodes="$worker_min_nodes"
    --max-nodes="$worker_max_nodes"
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

# Worker pools (execution.mode = "pools"): KEDA sizes each pool's Deployment by the length of
# its RabbitMQ queue. RabbitMQ, the engine, the workers and KEDA take RabbitMQ's credentials
# from a Secret that no rendered manifest holds: this script creates it, once.
namespace='hyperflow'
# The KEDA release whose CRDs hfgen checks the rendered ScaledObjects against.
keda_manifest='https://github.com/kedacore/keda/releases/download/v2.20.2/keda-2.20.2.yaml'
rabbitmq_secret='hyperflow-rabbitmq'
rabbitmq_user='hyperflow'
# RabbitMQ's management API, where KEDA reads the queue lengths (the Secret's management-url).
rabbitmq_management='rabbitmq.hyperflow.svc.cluster.local:15672'

# KEDA's own manifest: CRDs, operator, metrics server and webhooks, in namespace keda.
# Server-side apply, as KEDA's docs install it: its CRDs are too large for the annotation a
# client-side apply keeps. Applying the same release again changes nothing.
install_keda() {
  kubectl apply --server-side -f "$keda_manifest"
  kubectl -n keda rollout status deployment/keda-operator --timeout=300s
}

# Made the way `kubectl apply` makes it, so applying the rendered Namespace later updates this
# one instead of failing on it.
create_namespace() {
  kubectl create namespace "$namespace" --dry-run=client -o yaml | kubectl apply -f -
}

# The file that carries the password to kubectl; removed on every way out of the script.
secret_env_file=
remove_secret_env_file() {
  if [ -n "$secret_env_file" ]; then
    rm -f -- "$secret_env_file"
    secret_env_file=
  fi
}

# Creates the Secret only if it is missing: RabbitMQ runs with the password it started with,
# so a new password under a running RabbitMQ would lock the engine, the workers and KEDA out.
# The password (48 hex characters from /dev/urandom) is never printed and never on a command
# line, which every user of this machine can read: kubectl gets it in a file only this user
# can read.
create_rabbitmq_secret() {
  create_namespace
  if kubectl -n "$namespace" get secret "$rabbitmq_secret" >/dev/null 2>&1; then
    echo "secret $rabbitmq_secret exists in namespace $namespace; keeping its password" >&2
    return
  fi
  trap remove_secret_env_file EXIT
  secret_env_file=$(mktemp)
  chmod 600 "$secret_env_file"
  local password
  password=$(od -An -v -tx1 -N24 /dev/urandom | tr -d ' \n')
  if ! [[ $password =~ ^[0-9a-f]{48}$ ]]; then
    echo "error: could not read 24 random bytes from /dev/urandom" >&2
    exit 1
  fi
  printf 'username=%s\npassword=%s\nmanagement-url=http://%s:%s@%s\n' \
    "$rabbitmq_user" "$password" "$rabbitmq_user" "$password" "$rabbitmq_management" \
    >"$secret_env_file"
  kubectl -n "$namespace" create secret generic "$rabbitmq_secret" --from-env-file="$secret_env_file"
  remove_secret_env_file
  echo "created secret $rabbitmq_secret in namespace $namespace with a random password" >&2
}

# What the worker pools need of the cluster: KEDA, the namespace and the Secret, in the
# cluster of kubectl's current context, which it names first.
setup_pools() {
  local context
  context=$(kubectl config current-context)
  echo "worker pools: installing KEDA and the RabbitMQ Secret in the cluster of kubectl context $context" >&2
  install_keda
  create_rabbitmq_secret
}

case "${1:-create}" in
  create)
    create_cluster
    create_worker_pool
    get_credentials
    show_nodes
    setup_pools
    ;;
  resize-to-zero) resize_to_zero ;;
  resize) resize_to_profile ;;
  delete) delete_cluster ;;
  pools)
    get_credentials
    setup_pools
    ;;
  *)
    echo "usage: bash setup.sh [create|resize-to-zero|resize|delete|pools]" >&2
    exit 2
    ;;
esac
