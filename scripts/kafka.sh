#!/usr/bin/env bash
# Usage: scripts/kafka.sh start|stop|status
# A local single-node KRaft Kafka 4.1.0 broker for development, run from the Maven jars (no tarball).
# Listens on 127.0.0.1:${KAFKA_PORT:-9092} (controller on ${KAFKA_CONTROLLER_PORT:-9093}); data and log
# under ./run/kafka/. Topics are created on first use (auto.create.topics.enable defaults to true).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${KAFKA_PORT:-9092}"
cport="${KAFKA_CONTROLLER_PORT:-9093}"
dir="$root/run/kafka"
pidfile="$dir/kafka.pid"

usage() { echo "usage: $0 start|stop|status" >&2; exit 2; }

# A killed process can linger as a zombie until it is reaped, and kill -0 still succeeds on a zombie.
alive() { local stat; stat="$(ps -o stat= -p "$1" 2>/dev/null)" && [[ "$stat" != Z* ]]; }
running() { [[ -f "$pidfile" ]] && alive "$(cat "$pidfile")"; }

write_properties() {
  cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
}

start() {
  if running; then echo "kafka already running (pid $(cat "$pidfile")) on 127.0.0.1:$port"; return; fi
  mkdir -p "$dir"
  local cp java_opts
  cp="$(cat "$("$root/scripts/kafka-classpath.sh")")"
  java_opts=(-Xmx512m "-Dlog4j2.configurationFile=$root/scripts/kafka/log4j2.properties")
  write_properties
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    # A KRaft cluster id is 16 random bytes in URL-safe base64 without padding (22 chars), not starting with '-'.
    local id
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' | sed 's/^-/A/')"
    java "${java_opts[@]}" -cp "$cp" kafka.tools.StorageTool format -t "$id" -c "$dir/server.properties" --standalone >/dev/null
  fi
  nohup java "${java_opts[@]}" -cp "$cp" kafka.Kafka "$dir/server.properties" > "$dir/kafka.log" 2>&1 &
  echo $! > "$pidfile"
  for _ in $(seq 1 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "kafka started (pid $(cat "$pidfile")) on 127.0.0.1:$port, log $dir/kafka.log"; return
    fi
    running || { echo "kafka exited during start; last log lines:" >&2; tail -n 30 "$dir/kafka.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "kafka did not accept connections on $port within 60 s; see $dir/kafka.log" >&2; exit 1
}

stop() {
  if ! running; then echo "kafka not running"; rm -f "$pidfile"; return; fi
  local pid; pid="$(cat "$pidfile")"
  kill -TERM "$pid"
  for _ in $(seq 1 300); do alive "$pid" || { rm -f "$pidfile"; echo "kafka stopped"; return; }; sleep 0.1; done
  echo "kafka did not stop within 30 s; sending SIGKILL" >&2
  kill -KILL "$pid"; rm -f "$pidfile"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "kafka running (pid $(cat "$pidfile")) on 127.0.0.1:$port"; else echo "kafka not running"; exit 1; fi ;;
  *) usage ;;
esac
