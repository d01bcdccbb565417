#!/usr/bin/env bash
# The whole test suite, as a new user and CI run it: `./scripts/test.sh`.
# On a fresh Debian machine with only the Rust toolchain, it installs what the tests need
# (Chromium from Debian, playwright-core from npm) and fails, never skips, when it cannot.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "services the tests need (Redis)"
eval "$(scripts/services.sh)"

step "formatting and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "unit, property and integration tests (real server, real WebSocket clients)"
cargo test --workspace --locked

step "bundled question banks"
cargo run --quiet --locked -- bank check question-banks

step "browser test (Debian Chromium driven by playwright-core)"
scripts/browser-test.sh

step "fuzzing the protocol decoder and the game state machine (bounded)"
scripts/fuzz.sh 30

echo
echo "all tests passed"
