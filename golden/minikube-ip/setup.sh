#!/usr/bin/env bash
# Starts minikube for a HyperFlow profile with nfs.address = "ip", written by `hfgen setup`.
# hfgen ran none of it: read it, then run it as the user who runs minikube:
#
#   bash setup.sh
#
# Why: the nfs-server Service gets the pinned ClusterIP nfs.ip, and the PersistentVolume
# mounts that same address, so no host DNS set-up is needed. Kubernetes accepts a pinned
# ClusterIP only inside the cluster's service range, so the cluster must be started with the
# profile's nfs.service_cidr. That is all this profile needs from the host.
set -euo pipefail

# The profile's [nfs] section.
service_cidr='10.96.0.0/12'
nfs_ip='10.96.100.100'
# What the cluster needs of this machine: the profile's [host] cpus and memory, or, where it
# leaves them out, what the pods request with room for Kubernetes itself
# (`hfgen explain --capacity` shows the sums). The pods that do not fit stay Pending.
host_cpus=4
host_memory_mib=4608

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

# Start minikube unless it runs. minikube applies --service-cluster-ip-range only when it
# creates the cluster; an existing cluster keeps its range, hence the check below.
# seccomp-default: the engine's client library drops seccompProfile from the worker Jobs, so
# worker pods get the RuntimeDefault profile only from the kubelet's default.
if minikube status >/dev/null 2>&1; then
  echo "minikube is running; not starting it" >&2
  echo "note: worker pods get the RuntimeDefault seccomp profile only if this cluster was started with --extra-config=kubelet.seccomp-default=true" >&2
else
  check_host
  minikube start --service-cluster-ip-range="$service_cidr" --extra-config=kubelet.seccomp-default=true \
    --cpus="$host_cpus" --memory="${host_memory_mib}mb"
fi

# Read the range the API server really uses from its command line (minikube runs it as the
# static pod component=kube-apiserver) and compare it with the profile's.
apiserver=$(kubectl --context=minikube --namespace=kube-system get pods \
  --selector=component=kube-apiserver \
  --output=jsonpath='{.items[*].spec.containers[*].command}' 2>/dev/null || true)
ranges=$(printf '%s\n' "$apiserver" | grep -o -- '--service-cluster-ip-range=[^" ]*' | head -n 1 || true)
ranges=${ranges#--service-cluster-ip-range=}
if [ -z "$ranges" ]; then
  echo "warning: could not read the cluster's service range; make sure it contains $nfs_ip" >&2
  exit 0
fi
# A dual-stack cluster lists an IPv4 and an IPv6 range, separated by a comma.
IFS=, read -r -a range_list <<<"$ranges"
for range in "${range_list[@]}"; do
  if [ "$range" = "$service_cidr" ]; then
    echo "the cluster's service range is $service_cidr; nfs.ip $nfs_ip lies in it" >&2
    exit 0
  fi
done
echo "error: this minikube cluster's service range is $ranges, not the profile's nfs.service_cidr $service_cidr," >&2
echo "so the pinned nfs.ip $nfs_ip may be refused. Either recreate the cluster (minikube delete; bash setup.sh)" >&2
echo "or set nfs.service_cidr and nfs.ip in the profile to match $ranges." >&2
exit 1
