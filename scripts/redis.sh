#!/usr/bin/env bash
# Usage: scripts/redis.sh start|stop|status
# A local Redis for development on 127.0.0.1:${REDIS_PORT:-6379}, no persistence, files under ./run/redis/.
# Installs redis-server from apt when it is missing (the package's own service is not used).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${REDIS_PORT:-6379}"
dir="$root/run/redis"

usage() { echo "usage: $0 start|stop|status" >&2; exit 2; }

ensure_installed() {
  command -v redis-server >/dev/null && return
  local sudo=(); [[ "$(id -u)" -eq 0 ]] || sudo=(sudo)
  echo "installing redis-server from apt" >&2
  "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq redis-server >/dev/null
}

ping() { redis-cli -p "$port" PING 2>/dev/null | grep -q PONG; }

start() {
  ensure_installed
  if ping; then echo "redis already running on 127.0.0.1:$port"; return; fi
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
  for _ in $(seq 1 100); do ping && { echo "redis started on 127.0.0.1:$port, log $dir/redis.log"; return; }; sleep 0.05; done
  echo "redis did not answer PING within 5 s; see $dir/redis.log" >&2; exit 1
}

stop() {
  if ! ping; then echo "redis not running on $port"; return; fi
  redis-cli -p "$port" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
  echo "redis stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if ping; then echo "redis running on 127.0.0.1:$port"; else echo "redis not running on $port"; exit 1; fi ;;
  *) usage ;;
esac
