#!/usr/bin/env bash
# Runs each fuzz target (tests/fuzz) for a bounded time: `scripts/fuzz.sh [SECONDS]`.
# Installs cargo-fuzz from crates.io when missing. Only the stable toolchain exists here, so
# cargo-fuzz runs with RUSTC_BOOTSTRAP=1 for the sanitizer flags it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz from crates.io (once; a few minutes)"
  cargo install cargo-fuzz --locked
fi
# The instrumented build takes minutes the first time: build in the open, so the wait shows
# progress, then keep only the fuzzer's summary of each run.
echo "building the fuzz targets with sanitizers (about 5 minutes the first time)"
RUSTC_BOOTSTRAP=1 cargo fuzz build --fuzz-dir tests/fuzz
for target in protocol_decode game_sequence; do
  echo "fuzzing $target for ${seconds}s"
  RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir tests/fuzz "$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 2>&1 | tail -n 12
done
