#!/usr/bin/env bash
# Runs each fuzz target (tests/fuzz) for a bounded time: `scripts/fuzz.sh [SECONDS]`.
# Installs cargo-fuzz from crates.io when missing. Only the stable toolchain exists here, so
# cargo-fuzz runs with RUSTC_BOOTSTRAP=1 for the sanitizer flags it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz"
  cargo install cargo-fuzz --locked --quiet
fi
for target in protocol_decode game_sequence; do
  echo "fuzzing $target for ${seconds}s"
  RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir tests/fuzz "$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 2>&1 | tail -n 12
done
