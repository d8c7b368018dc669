#!/usr/bin/env bash
# Builds the AFL++ target and fuzzes it for SECONDS (default 600) from fuzz/seeds.
# Needs cargo-afl (`cargo install cargo-afl`); findings land in fuzz/out/default/crashes.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-600}"
cargo afl build --release
AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
  cargo afl fuzz -V "$seconds" -i seeds -o out -x profile.dict target/release/profile_render
