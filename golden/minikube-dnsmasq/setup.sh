#!/usr/bin/env bash
# Prepares a minikube or bare-metal host for a HyperFlow profile with nfs.address = "dns",
# written by `hfgen setup`. hfgen ran none of it: read it, then run it as root on the machine
# whose kubelet mounts the NFS volume (bare metal or `minikube --driver=none`; with a VM or
# container driver, inside the node: `minikube ssh`):
#
#   sudo bash setup.sh          make the changes below
#   sudo bash setup.sh undo     remove exactly the lines this script added (it keeps a list in
#                               /etc/hfgen-dnsmasq.added) and restart dnsmasq; the packages stay
#
# Why: the PersistentVolume names the NFS server nfs-server.<namespace>.svc.<cluster domain>.
# The kubelet mounts it with the host's resolver, which does not know cluster DNS, so the host
# forwards the cluster domain to kube-dns through dnsmasq (the seed README's steps).
# Running it again adds nothing twice: each line is appended only if the file lacks it.
#
# HFGEN_ROOT=/some/dir writes the files under that directory instead of / and then neither
# installs packages nor restarts services (for trying the script out, and for hfgen's tests).
set -euo pipefail

root="${HFGEN_ROOT:-/}"
root="${root%/}"
on_host=true
if [ -n "$root" ]; then
  on_host=false
fi

if "$on_host" && [ "$(id -u)" -ne 0 ]; then
  echo "error: run as root (sudo bash setup.sh): it installs packages and edits /etc" >&2
  exit 1
fi

# What this script added, one "FILE<tab>LINE" a line: `undo` removes exactly those lines.
added="$root/etc/hfgen-dnsmasq.added"

# Creates FILE if missing; succeeds if FILE has LINE as a whole line.
has_line() {
  local line=$1 file=$2
  mkdir -p "$(dirname "$file")"
  touch "$file"
  grep -qxF -- "$line" "$file"
}

# Appends LINE to FILE unless FILE already has it.
add_line() {
  local line=$1 file=$2
  if has_line "$line" "$file"; then
    return
  fi
  # A file whose last line lacks its newline would glue LINE onto that line.
  if [ -s "$file" ] && [ -n "$(tail -c 1 "$file")" ]; then
    printf '\n' >>"$file"
  fi
  printf '%s\n' "$line" >>"$file"
  printf '%s\t%s\n' "$file" "$line" >>"$added"
}

# Puts LINE first in FILE unless FILE already has it.
prepend_line() {
  local line=$1 file=$2
  if has_line "$line" "$file"; then
    return
  fi
  # Keep the rest byte for byte (the x protects trailing newlines from $(...)); rewrite in
  # place, not with mv, because /etc/resolv.conf is often a symlink that must stay one.
  local rest
  rest=$(cat "$file"; printf x)
  printf '%s\n%s' "$line" "${rest%x}" >"$file"
  printf '%s\t%s\n' "$file" "$line" >>"$added"
}

# Removes the first line of FILE equal to LINE, in place (resolv.conf may be a symlink).
remove_line() {
  local line=$1 file=$2 rest
  [ -f "$file" ] || return 0
  rest=$(LINE="$line" awk '!done && $0 == ENVIRON["LINE"] { done = 1; next } { print }' "$file"; printf x)
  printf '%s' "${rest%x}" >"$file"
}

restart_dnsmasq() {
  # dnsmasq reads its configuration only when it starts.
  if "$on_host"; then
    systemctl restart dnsmasq
  else
    echo "HFGEN_ROOT is set: not restarting dnsmasq" >&2
  fi
}

undo() {
  if [ ! -f "$added" ]; then
    echo "nothing to undo: $added does not exist" >&2
    return
  fi
  local file line
  while IFS=$'\t' read -r file line; do
    remove_line "$line" "$file"
  done <"$added"
  rm -f "$added"
  restart_dnsmasq
  echo "removed the lines this script added; nfs-common and dnsmasq stay installed" >&2
}

case "${1:-apply}" in
  apply) ;;
  undo)
    undo
    exit 0
    ;;
  *)
    echo "usage: sudo bash setup.sh [apply|undo]" >&2
    exit 2
    ;;
esac

# Packages. nfs-common is the NFS client that the kubelet's mount needs. The seed README
# installs nfs-kernel-server, a host NFS server, which pulls nfs-common in; the server itself
# is not needed, because the NFS server of this deployment runs in the nfs-server pod.
# dnsmasq is the resolver that forwards the cluster domain to kube-dns.
if "$on_host"; then
  if ! command -v apt-get >/dev/null; then
    echo "error: apt-get not found; install the NFS client and dnsmasq with your package manager, then run this again" >&2
    exit 1
  fi
  apt-get install -y nfs-common dnsmasq
else
  echo "HFGEN_ROOT is set: not installing nfs-common and dnsmasq" >&2
fi

# dnsmasq: names under the cluster domain go to kube-dns (the profile's dns.cluster_dns_ip),
# every other name to the upstream server; it answers on the loopback address only.
add_line 'server=/cluster.local/10.96.0.10' "$root/etc/dnsmasq.conf"
add_line 'server=8.8.8.8' "$root/etc/dnsmasq.conf"
add_line 'listen-address=127.0.0.1' "$root/etc/dnsmasq.conf"

# /etc/hosts: the host's own name, so that it still resolves once dnsmasq answers for it
# (sudo, for one, looks it up).
add_line "127.0.1.1 $(hostname)" "$root/etc/hosts"

# /etc/resolv.conf: ask dnsmasq first (a later nameserver is only tried when dnsmasq does not
# answer), try short names such as nfs-server.hyperflow under svc.<cluster domain>, and do so
# for names with up to 4 dots; time out fast when dnsmasq is down.
prepend_line 'nameserver 127.0.0.1' "$root/etc/resolv.conf"
add_line 'search svc.cluster.local' "$root/etc/resolv.conf"
add_line 'options ndots:5 timeout:1' "$root/etc/resolv.conf"

restart_dnsmasq

# The engine's client library drops seccompProfile from the worker Jobs: worker pods get the
# RuntimeDefault seccomp profile only from the kubelet's default.
echo "note: start the kubelet with --seccomp-default (minikube start --extra-config=kubelet.seccomp-default=true) so worker pods run with the RuntimeDefault seccomp profile" >&2
# The size the pods need ([host] in the profile, or sized from their requests).
cpus=4
memory_mib=4608
echo "note: the pods need minikube start --cpus=$cpus --memory=${memory_mib}mb or more" >&2
