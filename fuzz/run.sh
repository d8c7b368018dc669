#!/usr/bin/env bash
# Builds the AFL++ targets and fuzzes one for SECONDS (default 600) from fuzz/seeds/TARGET,
# with the dictionary TARGET.dict. TARGET is profile_render (default), out_check or
# yaml_fast_path.
# Needs cargo-afl (`cargo install cargo-afl`); findings land in fuzz/out/TARGET/default/crashes.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-600}"
target="${2:-profile_render}"
cargo afl build --release
mkdir -p out
AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
  cargo afl fuzz -V "$seconds" -i "seeds/$target" -o "out/$target" -x "$target.dict" \
  "target/release/$target"
