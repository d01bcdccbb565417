#!/usr/bin/env bash
# Runs tests/browser/ against a real hoithi server in headless Debian Chromium.
# Installs Chromium (apt) and playwright-core (npm) when they are missing.
# Some files only: scripts/browser-test.sh tests/browser/cards.test.mjs …
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v chromium >/dev/null 2>&1; then
  echo "installing Debian's chromium"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if ! command -v node >/dev/null 2>&1; then
  echo "installing node and npm"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
# axe-core checks the pages' contrast (WCAG AA) in the browser.
if [ ! -d tests/browser/node_modules/playwright-core ] || [ ! -d tests/browser/node_modules/axe-core ]; then
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi

# scripts/test.sh passes the binary its tests built; run alone, this builds it.
if [ -z "${HOITHI_BIN:-}" ]; then cargo build --quiet --locked; fi
bin="${HOITHI_BIN:-${CARGO_TARGET_DIR:-target}/debug/hoithi}"
data=$(mktemp -d)
log="$data/server.log"
password="browser-test-$RANDOM$RANDOM"
HOITHI_DATA_DIR="$data" HOITHI_ADMIN_PASSWORD="$password" HOITHI_PORT=0 HOITHI_LOG=hoithi=info \
  "$bin" serve >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT

url=""
for _ in $(seq 1 100); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*/ ' "$log" | head -n1 | tr -d ' ' || true)
  [ -n "$url" ] && break
  sleep 0.2
done
if [ -z "$url" ]; then
  echo "the server did not start:"; cat "$log"; exit 1
fi

# HOITHI_BIN: restart.test.mjs runs a server of its own, which it stops and restarts.
HOITHI_URL="${url%/}" HOITHI_ADMIN_USER=admin HOITHI_ADMIN_PASSWORD="$password" HOITHI_BIN="$bin" \
  node --test "${@:-tests/browser/}"
