#!/usr/bin/env bash
# Makes sure the services the tests talk to are running, and prints the environment that points
# the tests at them. Usage: eval "$(scripts/services.sh)".
#
# Redis: the machine's own on 127.0.0.1:6379 when it answers; otherwise a private
# redis-server on a free port, with nothing kept on disk (installed from Debian if missing).
# PostgreSQL: the machine's own on 127.0.0.1:5432 when its `postgres` role may create
# databases without a password; otherwise a private cluster in a temporary folder on a free
# port (installed from Debian if missing). HOITHI_PRIVATE_SERVICES=1 skips the machine's own
# services, as on a machine that has none.
# A service that cannot be provided is an error: the tests never skip for lack of one.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
log() { echo "services: $*" >&2; }
private="${HOITHI_PRIVATE_SERVICES:-0}"
stop=""  # shell commands that stop the private services started here
# Whatever was started is stopped again if this script fails half-way.
trap '[ $? -eq 0 ] || eval "${stop:-:}"' EXIT

# initdb and pg_ctl refuse to run as root: as root, a cluster belongs to Debian's postgres user.
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

apt_install() {
  log "installing $*"
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

redis_url=""
if [ "$private" != 1 ] && command -v redis-cli >/dev/null 2>&1 \
  && redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
  redis_url="redis://127.0.0.1:6379"
else
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
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
  stop+="redis-cli -p $port shutdown nosave >/dev/null 2>&1; rm -rf '$dir'; "
  redis_url="redis://127.0.0.1:$port"
fi
echo "export HOITHI_TEST_REDIS_URL=$redis_url"

# PostgreSQL: a role that may create databases (each test makes its own).
postgres_url=""
# -w: never ask for a password (a server that wants one is not ours to use).
can_create_databases() {
  PGCONNECT_TIMEOUT=3 psql -w "$1" -Atc \
    "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user" \
    2>/dev/null | grep -q t
}
# The newest server binaries (the client package alone has a bin folder without initdb).
server_bin() {
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  done
  return 0
}
if [ "$private" != 1 ] && command -v psql >/dev/null 2>&1 \
  && can_create_databases "postgres://postgres@127.0.0.1:5432/postgres"; then
  postgres_url="postgres://postgres@127.0.0.1:5432/postgres"
else
  pg_bin=$(server_bin)
  if [ -z "$pg_bin" ] || ! command -v psql >/dev/null 2>&1; then
    apt_install postgresql
    pg_bin=$(server_bin)
    [ -n "$pg_bin" ] || { log "no initdb after installing postgresql"; exit 1; }
  fi
  port=$(free_port)
  dir=$(mktemp -d)
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  run_pg "$pg_bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; log "initdb failed"; exit 1; }
  run_pg "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300" start >&2 \
    || { cat "$dir/postgres.log" >&2; log "postgres did not start"; exit 1; }
  postgres_url="postgres://postgres@127.0.0.1:$port/postgres"
  can_create_databases "$postgres_url" || { log "the private postgres does not answer"; exit 1; }
  log "started a private PostgreSQL on port $port ($dir)"
  stop+="run_pg '$pg_bin/pg_ctl' -D '$dir/data' -m immediate stop >/dev/null 2>&1; rm -rf '$dir'; "
fi
echo "export HOITHI_TEST_POSTGRES_URL=$postgres_url"
# The caller runs this when it is done (scripts/test.sh does, on exit).
printf 'hoithi_stop_services() { %s }\n' "${stop:-:; }"
declare -f run_pg
