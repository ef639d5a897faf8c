#!/usr/bin/env bash
# Runs the standard vpush benchmark set, vpush and the built-in bare Vert.x server side by side, writes
# every JSON/text/HTML report under $OUT and regenerates the results section of docs/benchmarks.md. It builds the
# load generator's jar (bench/target/vpush-bench.jar, from bench/pom.xml) and the server's target/vpush.jar when
# missing, and runs the load generator from the repository root.
#
#   scripts/bench.sh                    the full set (about 45-60 minutes on the 2-core box; up to 18k connections)
#   QUICK=1 scripts/bench.sh            small N, seconds per step: checks that everything runs; docs untouched
#   ONLY="idle unicast" scripts/bench.sh   a subset of: idle unicast multicast reconnect cluster kafka
#   ONLY="reconnect-js" scripts/bench.sh   (not in the default set) the reconnect cycle through Node clients, raw ws
#                                       frames against @vpush/client (needs node and `npm ci` in clients/js)
#   TARGETS="bare" scripts/bench.sh     only one side (default "vpush bare")
#   KAFKA=1 scripts/bench.sh            also unicast through the Kafka door (starts scripts/kafka.sh; needs the
#                                       Kafka ingest in the jar)
#   UPDATE_DOCS=0|1                     regenerate docs/benchmarks.md (default 1 for the full set, 0 for QUICK)
#   DOCS=file                           the file to regenerate (default docs/benchmarks.md)
#
# Run it on a machine that is otherwise quiet: other builds move the figures (the /proc/stat steal of the whole run is
# written next to the table, and every step has its own).
set -euo pipefail
cd "$(dirname "$0")/.."
# How this run was asked for, for the docs (the environment variables that shape it, then the script).
INVOCATION="$(for v in QUICK ONLY TARGETS KAFKA; do [[ -n ${!v:-} ]] && printf '%s="%s" ' "$v" "${!v}"; done; true)scripts/bench.sh"

JAR=target/vpush.jar               # the server under test (vpush-local, vpush-cluster)
BENCH_JAR=bench/target/vpush-bench.jar  # the load generator (bench/, a build unit of its own)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-bench-out/$STAMP}
TARGETS=${TARGETS:-"vpush bare"}
ONLY=${ONLY:-"idle unicast multicast reconnect cluster"}
if [[ -n ${KAFKA:-} ]]; then ONLY="$ONLY kafka"; fi
DOCS=${DOCS:-docs/benchmarks.md}
mkdir -p "$OUT"

if [[ ! -f $JAR ]]; then
  mvn -q -B -o package -DskipTests || mvn -q -B package -DskipTests
fi
# The load generator is built every time (a few seconds): a stale one would measure with other code.
mvn -q -B -o -f bench/pom.xml package -DskipTests || mvn -q -B -f bench/pom.xml package -DskipTests

if [[ -n ${QUICK:-} ]]; then
  IDLE_N="300"; N=300; RATES="200,500"; DUR=2000; UNACKED=3; ROUNDS=2; WARMUP=1000; WARMUP_MAX=2000; HOLD=500
  FIND="--find-max --find-start 500 --find-factor 2 --find-steps 2"; ROUTE_USERS=600; ROUTE_ROUND=300; CLUSTER_N=300
  UPDATE_DOCS=${UPDATE_DOCS:-0}
else
  IDLE_N="5000 10000 18000"; N=10000; RATES="5000,20000,50000"; DUR=20000; UNACKED=20; ROUNDS=5; WARMUP=10000; WARMUP_MAX=180000; HOLD=5000
  FIND="--find-max --find-start 5000 --find-factor 1.25"; ROUTE_USERS=100000; ROUTE_ROUND=5000; CLUSTER_N=4000
  UPDATE_DOCS=${UPDATE_DOCS:-1}
fi
wants() { [[ " $ONLY " == *" $1 "* ]]; }
# Warm-up: at least WARMUP ms, then rounds until the server's JIT settles, at most WARMUP_MAX ms (see Warmup.java).
WARM=(--warmup-ms "$WARMUP" --warmup-max-ms "$WARMUP_MAX")

COMMANDS="$OUT/commands.txt"
: > "$COMMANDS"
bench() { # bench <out-subdir> <scenario> [options...]
  local dir=$1 scenario=$2; shift 2
  local cmd=(java -Xmx2g -jar "$BENCH_JAR" "$scenario" --jar "$JAR" --out "$OUT/$dir" "$@")
  echo "== ${cmd[*]}" >&2
  echo "${cmd[*]}" >> "$COMMANDS"
  "${cmd[@]}" || echo "!! $scenario $* failed (exit $?)" >&2
}

# The whole run's hypervisor steal, from the aggregate cpu line of /proc/stat (8th value).
stat0=($(head -1 /proc/stat))
started=$(date -u +%FT%TZ)

for side in $TARGETS; do
  case $side in
    vpush) t=(--target vpush-local) ;;
    bare) t=(--target bare) ;;
    *) echo "unknown target side $side (vpush, bare)" >&2; exit 64 ;;
  esac
  if wants idle; then
    for n in $IDLE_N; do bench "idle-$n" idle "${t[@]}" --clients "$n" --hold-ms "$HOLD"; done
  fi
  if wants unicast; then
    common=(--clients "$N" --rate "$RATES" --duration-ms "$DUR" "${WARM[@]}" $FIND)
    if [[ $side == bare ]]; then
      bench unicast-http unicast "${t[@]}" "${common[@]}" --door http
    else
      for store in memory redis; do
        for door in http tcp; do
          bench "unicast-$door-$store" unicast "${t[@]}" --store "$store" "${common[@]}" --door "$door"
        done
      done
    fi
  fi
  if wants multicast; then
    bench multicast multicast "${t[@]}" --clients "$N" --rate 2 --duration-ms "$DUR" "${WARM[@]}" --door http
    if [[ $side == vpush ]]; then
      bench multicast-redis multicast "${t[@]}" --store redis --clients "$N" --rate 2 --duration-ms "$DUR" \
        "${WARM[@]}" --door http
    fi
  fi
  if wants reconnect; then
    # Start each run on a quiet network stack: the earlier steps leave tens of thousands of loopback sockets in
    # TIME_WAIT (60 s), and the set's reconnect measured 3,172/s behind 46,000 of them against 6,479/s behind none.
    # The Redis run starts as quiet as the memory run: the memory run left 14,000 behind it (01:32, 2026-11-23).
    quiet() { for _ in $(seq 1 70); do (( $(ss -Htan state time-wait | wc -l) < 1000 )) && break; sleep 1; done; }
    # Five measured rounds, reported by the median: the load generator's JIT still took 34-44 µs per reconnect in the
    # first one or two measured rounds of three runs (2026-11-23), and the node's kernel time jumps in some rounds.
    quiet
    bench reconnect reconnect "${t[@]}" --clients "$N" --unacked "$UNACKED" --rounds "$ROUNDS" "${WARM[@]}"
    if [[ $side == vpush ]]; then
      quiet
      bench reconnect-redis reconnect "${t[@]}" --store redis --clients "$N" --unacked "$UNACKED" --rounds "$ROUNDS" \
        "${WARM[@]}"
    fi
  fi
  if [[ $side == vpush ]] && wants reconnect-js; then
    # Both client modes in one run, raw first; the scenario waits for a quiet network stack before each.
    bench reconnect-js reconnect-js "${t[@]}" --clients "$N" --unacked "$UNACKED" --rounds "$ROUNDS" "${WARM[@]}"
  fi
  if [[ $side == vpush ]] && wants cluster; then
    # Clients plus one route round must stay under the load generator's 20,000 file descriptors, so the cluster
    # step uses fewer clients.
    bench cluster cluster --target vpush-cluster --clients "$CLUSTER_N" --rate "$RATES" --duration-ms "$DUR" \
      "${WARM[@]}" --door tcp $FIND --route-users "$ROUTE_USERS" --route-round "$ROUTE_ROUND"
  fi
  if [[ $side == vpush ]] && wants kafka; then
    started_kafka=; scripts/kafka.sh status >/dev/null 2>&1 || started_kafka=1
    KAFKA_PORT=${KAFKA_PORT:-9092} scripts/kafka.sh start >&2
    kpid=$(cat run/kafka/kafka.pid)
    bench unicast-kafka unicast "${t[@]}" --store redis --clients "$N" --rate "$RATES" --duration-ms "$DUR" \
      "${WARM[@]}" --door kafka --kafka-bootstrap "127.0.0.1:${KAFKA_PORT:-9092}" --extra-pid "kafka=$kpid"
    # Leave the machine as found: stop the broker if this script started it.
    [[ -n $started_kafka ]] && scripts/kafka.sh stop >&2
  fi
done

stat1=($(head -1 /proc/stat))
total=0; for i in $(seq 1 $((${#stat1[@]} - 1))); do total=$((total + stat1[i] - stat0[i])); done
steal=$(awk -v s=$((stat1[8] - stat0[8])) -v t=$total 'BEGIN { printf "%.1f", t ? 100 * s / t : 0 }')
finished=$(date -u +%FT%TZ)
model=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)

{
  echo "Date: $started to $finished. Machine: $(nproc) cores ($model), $mem memory, $(uname -sr),"
  echo "$(java -version 2>&1 | head -1). Steal during the run (/proc/stat): $steal%."
  echo
  echo "Command: \`$INVOCATION\` (reports in \`$OUT\`; each"
  echo "invocation is in \`$OUT/commands.txt\`)."
  echo
  java -jar "$BENCH_JAR" table "$OUT"
} > "$OUT/table.md"
cat "$OUT/table.md"

if [[ $UPDATE_DOCS == 1 ]]; then
  # Replace what lies between the two markers with the new table (the markers stay).
  awk -v table="$OUT/table.md" '
    /<!-- bench:results:begin -->/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
    /<!-- bench:results:end -->/ { skip = 0 }
    !skip { print }' "$DOCS" > "$DOCS.tmp" && mv "$DOCS.tmp" "$DOCS"
  echo "regenerated the results in $DOCS" >&2
fi
echo "results in $OUT" >&2
