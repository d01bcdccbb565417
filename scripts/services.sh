#!/usr/bin/env bash
# Makes sure the services the tests talk to are running, and prints the environment that points
# the tests at them. Usage: eval "$(scripts/services.sh)".
#
# Redis: the machine's own on 127.0.0.1:6379 when it answers; otherwise a private
# redis-server on a free port, with nothing kept on disk (installed from Debian if missing).
# A service that cannot be provided is an error: the tests never skip for lack of one.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
log() { echo "services: $*" >&2; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

redis_url=""
if command -v redis-cli >/dev/null 2>&1 && redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
  redis_url="redis://127.0.0.1:6379"
else
  if ! command -v redis-server >/dev/null 2>&1; then
    log "installing redis-server"
    as_root apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >&2
  fi
  port=$(free_port)
  dir=$(mktemp -d)
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" \
    --daemonize yes --logfile "$dir/redis.log" --pidfile "$dir/redis.pid" >&2
  for _ in $(seq 1 50); do
    redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
  done
  redis-cli -p "$port" ping | grep -q PONG || { log "redis-server did not start"; exit 1; }
  log "started a private redis-server on port $port"
  redis_url="redis://127.0.0.1:$port"
fi
echo "export HOITHI_TEST_REDIS_URL=$redis_url"
