#!/usr/bin/env bash
# Prints a YAML stream of N documents for `hfgen validate` benchmarks: the documents of
# `hfgen render --profile gke` over and over, copy i of each object renamed `<name>-<i>`
# (the `name:` line right under the top-level `metadata:`), so every object is distinct.
# benches/stages.rs builds its corpora by the same rule.
# With EXTRA, a YAML stream such as tests/manifests/kinds/v1.33-valid.yaml (one object of every
# kind hfgen does not render as well), its documents join the rotation: a mixed-kind corpus.
#
# usage: bench/corpus.sh N [HFGEN [EXTRA]]      (HFGEN defaults to target/release/hfgen)
set -euo pipefail
count=${1:?usage: bench/corpus.sh N [HFGEN [EXTRA]]}
hfgen=${2:-target/release/hfgen}
extra=${3:-}
{ "$hfgen" render --profile gke; if [ -n "$extra" ]; then grep -v '^#' "$extra"; fi; } | awk -v count="$count" '
  $0 == "---" { n++; next }
  { doc[n] = doc[n] $0 "\n" }
  END {
    # Keep only real objects (a file may start with comments only).
    for (i = 1; i <= n; i++) if (doc[i] ~ /(^|\n)kind:|"kind": "/) docs[m++] = doc[i]
    for (i = 0; i < count; i++) {
      printf "---\n"
      k = split(docs[i % m], lines, "\n")
      meta = 0
      for (j = 1; j < k; j++) {
        line = lines[j]
        if (meta && line ~ /^  name: /) { line = line "-" i; meta = 0 }
        if (line == "metadata:") meta = 1
        print line
      }
    }
  }'
