#!/usr/bin/env bash
# Whole-process benchmark of hfgen against the issue 9 targets, printed as a table:
#   - `hfgen render --profile gke` (validation included): median <= 5 ms, peak RSS <= 30 MB
#   - `hfgen check` of every built-in profile: median <= 20 ms
#   - `hfgen validate` of 200 / 2,000 / 20,000 documents on one core (taskset -c 0):
#     >= 20,000 documents/s at 20,000, cost linear in documents, and >= 100x faster than
#     `kubernetes-validate --strict` on the same 200 documents, measured side by side.
#   - issue 20: 20,000 documents on every core (>= 1.8x one core on two), the same for a
#     mixed-kind corpus (gke's objects and one of every other kind of 1.33), and the first-use
#     cost of a kind hfgen does not render (one HorizontalPodAutoscaler against one Deployment).
#   - issue 15: render time of the other built-in profiles and of a worker-pools profile,
#     side by side with gke.
# Not part of .ci/run: timings depend on the machine and its load, so a benchmark cannot be a
# pass/fail test. In-process timings of each stage: `cargo bench --bench stages`.
#
# usage: bench/run.sh [--no-build] [--runs N]
# needs: hyperfine (Debian: `apt-get install hyperfine`; installed here if run as root),
#        GNU time (/usr/bin/time), taskset, python3, and kubernetes-validate (.venv/bin, as
#        .ci/run installs it, or PATH; KUBERNETES_VALIDATE=/path overrides).
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
runs=50
while [ $# -gt 0 ]; do
  case $1 in
    --no-build) build=0 ;;
    --runs) runs=$2; shift ;;
    *) echo "usage: bench/run.sh [--no-build] [--runs N]" >&2; exit 2 ;;
  esac
  shift
done

if ! command -v hyperfine >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y hyperfine >/dev/null
  else
    echo "hyperfine is missing: sudo apt-get install hyperfine" >&2
    exit 2
  fi
fi
for tool in /usr/bin/time taskset python3; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 2; }
done
kv=${KUBERNETES_VALIDATE:-}
if [ -z "$kv" ]; then
  if [ -x .venv/bin/kubernetes-validate ]; then kv=.venv/bin/kubernetes-validate
  else kv=$(command -v kubernetes-validate || true); fi
fi
[ -n "$kv" ] || { echo "kubernetes-validate is missing: run bash .ci/run once" >&2; exit 2; }

[ $build = 1 ] && cargo build --release --locked --quiet
hfgen=$PWD/target/release/hfgen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for n in 200 2000 20000; do
  bench/corpus.sh "$n" "$hfgen" >"$work/c$n.yaml"
  "$hfgen" validate "$work/c$n.yaml" >/dev/null # every document must be valid
done
bench/corpus.sh 20000 "$hfgen" tests/manifests/kinds/v1.33-valid.yaml >"$work/m20000.yaml"
# The kind corpus's objects are schema-valid but too bare for the API server's own rules (a
# Deployment without a selector), and so are the first-use pair below: those runs measure the
# schemas alone (--schema-only); hfgen's own documents are measured with every rule.
"$hfgen" validate --schema-only "$work/m20000.yaml" >/dev/null
printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {selector: {}, template: {}}\n' >"$work/deployment.yaml"
printf 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec: {maxReplicas: 2, scaleTargetRef: {kind: Deployment, name: d}}\n' >"$work/hpa.yaml"
"$hfgen" validate --schema-only "$work/deployment.yaml" "$work/hpa.yaml" >/dev/null

# Keep only the median of hyperfine's JSON export and print nothing else.
time_it() { # NAME RUNS COMMAND...
  local name=$1 n=$2
  shift 2
  hyperfine -N --warmup 3 --runs "$n" --export-json "$work/$name.json" "$@" >/dev/null 2>&1
}
# Renders are short and the VM is noisy: more runs for a stable median.
time_it render $((runs * 4)) "$hfgen render --profile gke"
# The other built-in profiles and worker pools (gke with RabbitMQ, three pools and their KEDA
# objects, validated against the vendored KEDA CRDs), side by side.
time_it render_profiles $((runs * 2)) "$hfgen render --profile gke" \
  "$hfgen render --profile minikube-ip" "$hfgen render --profile kind" \
  "$hfgen render --profile tests/data/worker-pools.toml"
time_it check "$runs" "$hfgen check"
time_it v200 "$runs" "taskset -c 0 $hfgen validate $work/c200.yaml"
time_it v2000 20 "taskset -c 0 $hfgen validate $work/c2000.yaml"
time_it v20000 5 "taskset -c 0 $hfgen validate $work/c20000.yaml"
time_it v20000x2 5 "$hfgen validate $work/c20000.yaml"
time_it m20000 5 "taskset -c 0 $hfgen validate --schema-only $work/m20000.yaml"
time_it m20000x2 5 "$hfgen validate --schema-only $work/m20000.yaml"
time_it first_use "$runs" "$hfgen validate --schema-only $work/deployment.yaml" \
  "$hfgen validate --schema-only $work/hpa.yaml"
# Side by side in one run, so both see the same machine load.
time_it versus 5 "taskset -c 0 $hfgen validate $work/c200.yaml" \
  "taskset -c 0 $kv --strict --quiet -k 1.33.0 $work/c200.yaml"

rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
rss_render=$(rss "$hfgen" render --profile gke)
rss_pools=$(rss "$hfgen" render --profile tests/data/worker-pools.toml)
rss_check=$(rss "$hfgen" check)
rss_v20000=$(rss "$hfgen" validate "$work/c20000.yaml")

export work rss_render rss_pools rss_check rss_v20000
python3 - <<'EOF'
import json, os
work = os.environ["work"]
def result(name, index=0):
    return json.load(open(f"{work}/{name}.json"))["results"][index]
def ms(seconds):
    return f"{seconds * 1e3:.1f}"
def verdict(ok):
    return "met" if ok else "**missed**"

rows = []
render, check = result("render"), result("check")
rss_render = int(os.environ["rss_render"]) / 1024
rows.append(("`hfgen render --profile gke`", ms(render["median"]), ms(render["min"]),
             ms(render["user"]), ms(render["system"]), f"{rss_render:.1f}",
             "median <= 5 ms, RSS <= 30 MB",
             verdict(render["median"] <= 0.005 and rss_render <= 30)))
rows.append(("`hfgen check` (every built-in profile)", ms(check["median"]), ms(check["min"]),
             ms(check["user"]), ms(check["system"]), f"{int(os.environ['rss_check']) / 1024:.1f}",
             "median <= 20 ms", verdict(check["median"] <= 0.020)))
rate = {}
for n in (200, 2000, 20000):
    r = result(f"v{n}")
    rate[n] = n / r["median"]
    rss = f"{int(os.environ['rss_v20000']) / 1024:.1f}" if n == 20000 else ""
    target, ok = ("", "")
    if n == 20000:
        target, ok = ">= 20,000 documents/s", verdict(rate[n] >= 20000)
    rows.append((f"`hfgen validate` {n:,} documents, 1 core", ms(r["median"]), ms(r["min"]),
                 ms(r["user"]), ms(r["system"]), rss, target, ok))
ours, theirs = result("versus", 0), result("versus", 1)
ratio = theirs["median"] / ours["median"]
rows.append(("`kubernetes-validate --strict` 200 documents, 1 core", ms(theirs["median"]),
             ms(theirs["min"]), ms(theirs["user"]), ms(theirs["system"]), "",
             ">= 100x slower than hfgen", verdict(ratio >= 100)))

head = ("command", "median ms", "min ms", "user ms", "sys ms", "max RSS MB", "target", "")
print("| " + " | ".join(head) + " |")
print("|" + "---|" * len(head))
for row in rows:
    print("| " + " | ".join(row) + " |")
print()
print("hfgen validate, documents/s (median): " +
      ", ".join(f"{n:,}: {rate[n]:,.0f}" for n in rate))
per_doc = {n: 1e6 / rate[n] for n in rate}
print("µs per document: " + ", ".join(f"{n:,}: {per_doc[n]:.1f}" for n in per_doc) +
      f" (20,000 vs 2,000: x{per_doc[20000] / per_doc[2000]:.2f} per document)")
print(f"side by side on 200 documents: hfgen {ms(ours['median'])} ms, "
      f"kubernetes-validate {ms(theirs['median'])} ms: {ratio:.0f}x")
print()
print("| 20,000 documents | 1 core ms | docs/s | MB/s | all cores ms | docs/s | MB/s | speed-up | target |")
print("|---|---|---|---|---|---|---|---|---|")
for name, label in (("v20000", "gke objects, every rule"), ("m20000", "mixed kinds, schemas only")):
    one, all_ = result(name)["median"], result(name + "x2")["median"]
    mb = os.path.getsize(f"{work}/{name[0].replace('v', 'c')}20000.yaml") / 1e6
    print(f"| {label} | {ms(one)} | {20000 / one:,.0f} | {mb / one:.1f} | {ms(all_)} | "
          f"{20000 / all_:,.0f} | {mb / all_:.1f} | x{one / all_:.2f} | "
          f">= 20 MB/s, >= x1.8: {verdict(mb / one >= 20 and one / all_ >= 1.8)} |")
print()
print("| render, side by side | median ms | min ms | user ms | sys ms |")
print("|---|---|---|---|---|")
for index, label in enumerate(("gke", "minikube-ip", "kind",
                               "worker pools (tests/data/worker-pools.toml)")):
    r = result("render_profiles", index)
    print(f"| {label} | {ms(r['median'])} | {ms(r['min'])} | {ms(r['user'])} | {ms(r['system'])} |")
print(f"worker-pools render max RSS: {int(os.environ['rss_pools']) / 1024:.1f} MB")
print()
deployment, hpa = result("first_use", 0), result("first_use", 1)
print(f"first use of a kind hfgen does not render: HorizontalPodAutoscaler {ms(hpa['median'])} ms, "
      f"Deployment {ms(deployment['median'])} ms (medians): "
      f"{(hpa['median'] - deployment['median']) * 1e3:.1f} ms to compile it")
EOF
echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
