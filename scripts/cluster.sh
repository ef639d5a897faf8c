#!/usr/bin/env bash
# Usage: scripts/cluster.sh start|stop|status
# A local 3-node vpush cluster for trying things out: Redis (scripts/redis.sh), Kafka (scripts/kafka.sh), and
#   node1  access                       http://127.0.0.1:8081
#   node2  access                       http://127.0.0.1:8082
#   node3  dispatch, purge, delay       http://127.0.0.1:8083  (HTTP publish, TCP bridge 127.0.0.1:7000, Kafka ingest)
# joined by Hazelcast over loopback (conf/cluster.xml, members 127.0.0.1:5801-5803). Logs and pids under ./run/cluster/.
# Environment: VPUSH_API_KEY (default dev-cluster-key), VPUSH_JWT_SECRET (default a dev secret), NO_KAFKA=1 to skip Kafka.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/run/cluster"
jar="$root/target/vpush.jar"
key="${VPUSH_API_KEY:-dev-cluster-key}"
secret="${VPUSH_JWT_SECRET:-dev-cluster-secret-change-me-0123456789}"
nodes=(node1 node2 node3)
roles=(access access dispatch,purge,delay)

usage() { echo "usage: $0 start|stop|status" >&2; exit 2; }
alive() { local stat; stat="$(ps -o stat= -p "$1" 2>/dev/null)" && [[ "$stat" != Z* ]]; }
running() { [[ -f "$dir/$1.pid" ]] && alive "$(cat "$dir/$1.pid")"; }

build() {
  if [[ ! -f "$jar" || -n "$(find "$root/pom.xml" "$root/src/main" -newer "$jar" -print -quit)" ]]; then
    echo "building $jar" >&2
    mvn -q -B -f "$root/pom.xml" -DskipTests package >&2
  fi
}

start() {
  build
  "$root/scripts/redis.sh" start
  local kafka=()
  if [[ -z "${NO_KAFKA:-}" ]]; then "$root/scripts/kafka.sh" start; kafka=(VPUSH_KAFKA_BOOTSTRAP=127.0.0.1:${KAFKA_PORT:-9092}); fi
  mkdir -p "$dir"
  for i in 0 1 2; do
    local n="${nodes[$i]}" port=$((8081 + i))
    if running "$n"; then echo "$n already running"; continue; fi
    # Started together: the Hazelcast joins overlap. cd to the repo so ./conf/cluster.xml is found.
    (cd "$root" && env VPUSH_NODE_ID="$n" VPUSH_ROLES="${roles[$i]}" VPUSH_HTTP_PORT="$port" VPUSH_STORE=redis \
      VPUSH_REDIS_URL="redis://127.0.0.1:${REDIS_PORT:-6379}" VPUSH_MODE=production VPUSH_API_KEY="$key" VPUSH_JWT_SECRET="$secret" \
      VPUSH_TCP_BRIDGE_ENABLED="$([[ ${roles[$i]} == *purge* ]] && echo true || echo false)" "${kafka[@]}" \
      nohup bash -c 'echo $$ >"$0"; exec "$@"' "$dir/$n.pid" java -Xmx512m -XX:+ExitOnOutOfMemoryError ${VPUSH_JAVA_OPTS:-} -jar "$jar" -cluster \
      >"$dir/$n.log" 2>&1 &)
    # The pid file is written by the process that becomes java (exec), so stop signals the JVM itself.
  done
  for i in 0 1 2; do
    local n="${nodes[$i]}" port=$((8081 + i))
    for _ in $(seq 1 240); do
      curl -sf "http://127.0.0.1:$port/health/live" >/dev/null && break
      running "$n" || { echo "$n exited; see $dir/$n.log" >&2; tail -20 "$dir/$n.log" >&2; exit 1; }
      sleep 0.5
    done
    curl -sf "http://127.0.0.1:$port/health/live" >/dev/null || { echo "$n not live after 120 s; see $dir/$n.log" >&2; exit 1; }
    echo "$n (${roles[$i]}) live on http://127.0.0.1:$port"
  done
  echo "API key: $key    nodes: curl -H 'Authorization: Bearer $key' http://127.0.0.1:8081/api/v1/nodes"
  echo "token:   java -jar $jar gentoken --user alice --mode=production --jwt.secret=$secret --api.key=$key"
}

stop() {
  for n in "${nodes[@]}"; do
    if running "$n"; then kill "$(cat "$dir/$n.pid")"; echo "stopping $n"; fi
  done
  for n in "${nodes[@]}"; do
    for _ in $(seq 1 100); do running "$n" || break; sleep 0.2; done
    rm -f "$dir/$n.pid"
  done
  [[ -z "${NO_KAFKA:-}" ]] && "$root/scripts/kafka.sh" stop || true
  "$root/scripts/redis.sh" stop
}

status() {
  for i in 0 1 2; do
    local n="${nodes[$i]}"
    if running "$n"; then echo "$n running (pid $(cat "$dir/$n.pid"), port $((8081 + i)), roles ${roles[$i]})"; else echo "$n stopped"; fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) usage ;;
esac
