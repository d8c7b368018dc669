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

# What this script added, one "FILE<tab>LINE<tab>WHERE" a line (WHERE: `first` for a line
# put first, `last` for one appended, `newline` for the newline put after LINE, a last line
# that had none): `undo` removes exactly those, not a copy of the user's elsewhere in the file.
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
  # A file whose last line lacks its newline would glue LINE onto that line. That last line
  # is recorded, so that `undo` can take the newline away again.
  if [ -s "$file" ] && [ -n "$(tail -c 1 "$file")" ]; then
    printf '%s\t%s\tnewline\n' "$file" "$(tail -n 1 "$file")" >>"$added"
    printf '\n' >>"$file"
  fi
  printf '%s\n' "$line" >>"$file"
  printf '%s\t%s\tlast\n' "$file" "$line" >>"$added"
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
  printf '%s\t%s\tfirst\n' "$file" "$line" >>"$added"
}

# Removes the first (WHERE=first) or the last (WHERE=last) line of FILE equal to LINE, in
# place (resolv.conf may be a symlink).
remove_line() {
  local line=$1 file=$2 where=$3 rest
  [ -f "$file" ] || return 0
  # The first pass finds the line's number, the second leaves it out.
  rest=$(LINE="$line" WHERE="$where" awk '
    FNR == NR { if ($0 == ENVIRON["LINE"] && (!n || ENVIRON["WHERE"] == "last")) n = FNR; next }
    FNR != n { print }' "$file" "$file"; printf x)
  printf '%s' "${rest%x}" >"$file"
}

# Adds DOMAIN to the names the resolver tries. It reads only the last `search` (or `domain`)
# line, so the line added repeats the host's domains before DOMAIN, and the host's own line
# stays as it was for `undo`.
add_search() {
  local domain=$1 file=$2 host
  touch "$file"
  if DOMAIN="$domain" awk '$1 == "search" { for (i = 2; i <= NF; i++) if ($i == ENVIRON["DOMAIN"]) found = 1 }
    END { exit !found }' "$file"; then
    return
  fi
  host=$(awk '$1 == "search" || $1 == "domain" { $1 = ""; kept = $0 } END { print kept }' "$file")
  add_line "search${host} $domain" "$file"
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
  local file line where
  while IFS=$'\t' read -r file line where; do
    case "$where" in
      newline) ;;
      # A list written before WHERE was recorded: lines were put first or appended once.
      *) remove_line "$line" "$file" "${where:-first}" ;;
    esac
  done <"$added"
  # Then the newlines, each only if its line is last again (nothing was written after it).
  while IFS=$'\t' read -r file line where; do
    if [ "$where" = newline ] && [ -f "$file" ] && [ "$(tail -n 1 "$file")" = "$line" ] &&
      [ -z "$(tail -c 1 "$file")" ]; then
      truncate -s -1 "$file"
    fi
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
add_search 'svc.cluster.local' "$root/etc/resolv.conf"
add_line 'options ndots:5 timeout:1' "$root/etc/resolv.conf"

restart_dnsmasq

# The engine's client library drops seccompProfile from the worker Jobs: worker pods get the
# RuntimeDefault seccomp profile only from the kubelet's default.
echo "note: start the kubelet with --seccomp-default (minikube start --extra-config=kubelet.seccomp-default=true) so worker pods run with the RuntimeDefault seccomp profile" >&2
# The size the pods need ([host] in the profile, or sized from their requests).
cpus=4
memory_mib=4608
echo "note: the pods need minikube start --cpus=$cpus --memory=${memory_mib}mb or more" >&2
