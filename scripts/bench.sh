#!/usr/bin/env bash
# Runs the standard vpush benchmark set against a forked vpush node (memory engine) and the built-in bare
# Vert.x server, side by side, and prints a Markdown table for docs/benchmarks.md.
#
#   scripts/bench.sh                 full set (minutes; 10k-18k connections)
#   QUICK=1 scripts/bench.sh         small N, seconds per scenario (a check that everything runs)
#   TARGETS="bare" scripts/bench.sh  only the bare server (e.g. before vpush serves clients)
#   OUT=dir EXTRA="--server-env VPUSH_STORE=redis" scripts/bench.sh
#
# Results: $OUT/<scenario>-<target>[-N].{json,txt,html} and $OUT/table.md.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=target/vpush.jar
OUT=${OUT:-bench-out/$(date -u +%Y%m%dT%H%M%SZ)}
TARGETS=${TARGETS:-"vpush-local bare"}
EXTRA=${EXTRA:-}
# The bench entry point directly (same as `java -jar vpush.jar bench ...`, without depending on the launcher).
BENCH=io.vpush.bench.BenchCommand
mkdir -p "$OUT"

if [[ ! -f $JAR ]]; then
  mvn -q -B -o package -DskipTests || mvn -q -B package -DskipTests
fi

if [[ -n ${QUICK:-} ]]; then
  IDLE_N="500"; N=500; RATES="500,2000"; DUR=3000; UNACKED=5; WARMUP=2000
else
  IDLE_N="5000 10000 18000"; N=10000; RATES="5000,20000,50000"; DUR=20000; UNACKED=20; WARMUP=10000
fi

bench() { # bench <out-subdir> <scenario> <target> [options...]
  local dir=$1 scenario=$2 target=$3; shift 3
  echo "== $scenario against $target: $*" >&2
  # shellcheck disable=SC2086
  java -Xmx2g -cp "$JAR" $BENCH "$scenario" --target "$target" --jar "$JAR" --out "$OUT/$dir" "$@" $EXTRA \
    || echo "!! $scenario against $target failed (exit $?)" >&2
}

for target in $TARGETS; do
  for n in $IDLE_N; do
    bench "idle-$n" idle "$target" --clients "$n" --hold-ms 5000
  done
  bench unicast unicast "$target" --clients "$N" --rate "$RATES" --duration-ms "$DUR" --warmup-ms "$WARMUP" --door http
  bench multicast multicast "$target" --clients "$N" --rate 2 --duration-ms "$DUR" --warmup-ms "$WARMUP" --door http
  bench reconnect reconnect "$target" --clients "$N" --unacked "$UNACKED"
done

{
  echo "Machine: $(nproc) cores, $(uname -sr), $(java -version 2>&1 | head -1); date: $(date -u +%F)"
  echo
  java -cp "$JAR" $BENCH table "$OUT"
} | tee "$OUT/table.md"
echo "results in $OUT (paste table.md into docs/benchmarks.md)" >&2
