#!/usr/bin/env bash
# The whole test suite, as a new user and CI run it: `./scripts/test.sh`.
# On a fresh Debian machine with only the Rust toolchain, it installs what the tests need
# (Chromium from Debian, playwright-core from npm) and fails, never skips, when it cannot.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "services the tests need (Redis, PostgreSQL)"
# (eval "$(…)" would hide the script's failure from set -e.)
services=$(scripts/services.sh) || { echo "the services the tests need could not be provided" >&2; exit 1; }
eval "$services"

# Each integration test on PostgreSQL makes a database of its own, named with this run's
# prefix, so that runs of other checkouts on the same server are left alone.
export HOITHI_TEST_DB_PREFIX="hoithi_t_$(date +%s)_$$_"
drop_test_databases() {
  psql -w "$HOITHI_TEST_POSTGRES_URL" -Atc \
    "SELECT datname FROM pg_database WHERE starts_with(datname, '$HOITHI_TEST_DB_PREFIX')" |
    while read -r db; do psql -w "$HOITHI_TEST_POSTGRES_URL" -qc "DROP DATABASE \"$db\" WITH (FORCE)"; done
}
# Whatever happens — a failing test included — this run's databases go, then the services
# this script started.
cleanup() {
  drop_test_databases || echo "could not drop the test databases of this run" >&2
  hoithi_stop_services
}
trap cleanup EXIT

step "tools the tests use (poppler's pdftotext for the certificates' text, nginx in front of the nodes)"
# tests/api/nodes_proxy.rs runs a private nginx of its own on a free port, as the test's user;
# whatever service the package sets up is not used.
missing=()
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v pdftotext >/dev/null || { echo "pdftotext could not be installed" >&2; exit 1; }
[ -x /usr/sbin/nginx ] || { echo "nginx could not be installed" >&2; exit 1; }

step "formatting and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "unit, property and integration tests (real server, real WebSocket clients)"
cargo test --workspace --locked

step "the same integration tests with PostgreSQL as the database"
drop_test_databases
HOITHI_TEST_DATABASE=postgres cargo test --workspace --locked --test api
drop_test_databases

step "bundled question banks"
# The binary the tests just built: `cargo run` or `cargo build` of the package alone would
# build everything again with another set of features.
export HOITHI_BIN="${CARGO_TARGET_DIR:-target}/debug/hoithi"
"$HOITHI_BIN" bank check question-banks

step "browser test (Debian Chromium driven by playwright-core)"
scripts/browser-test.sh

step "fuzzing the protocol decoder and the game state machine (bounded)"
scripts/fuzz.sh 30

echo
echo "all tests passed"
