#!/usr/bin/env bash
# A/B of two server builds: the same load generator against the jar BEFORE and the jar AFTER, interleaved per
# scenario, bare Vert.x in the same run (docs/benchmarks-log.md D36). About 27 minutes on the 2-core box.
#   BEFORE=/path/old-vpush.jar AFTER=target/vpush.jar scripts/bench-ab.sh
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BENCH=bench/target/vpush-bench.jar
BEFORE=${BEFORE:?the older server jar}
AFTER=${AFTER:-target/vpush.jar}
OUT=${OUT:-bench-out/ab-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"; : > "$OUT/commands.txt"
run() { local dir=$1; shift; local cmd=(java -Xmx2g -jar "$BENCH" "$@" --out "$OUT/$dir"); echo "${cmd[*]}" >> "$OUT/commands.txt"; echo "== $dir $(date -u +%T)"; "${cmd[@]}" > "$OUT/$dir.log" 2>&1 || echo "!! $dir failed"; }
quiet() { for _ in $(seq 1 70); do (( $(ss -Htan state time-wait | wc -l) < 1000 )) && break; sleep 1; done; }
WARM=(--warmup-ms 10000 --warmup-max-ms 40000)
FIND=(--find-max --find-start 5000 --find-factor 1.25)
for side in before after; do jar=$BEFORE; [[ $side == after ]] && jar=$AFTER
  run idle-$side idle --target vpush-local --jar "$jar" --clients 10000 --hold-ms 5000; done
run idle-bare idle --target bare --clients 10000 --hold-ms 5000
for store in memory redis; do for side in before after; do jar=$BEFORE; [[ $side == after ]] && jar=$AFTER
  run unicast-$store-$side unicast --target vpush-local --jar "$jar" --store $store --door tcp --clients 10000 --rate 5000 --duration-ms 10000 "${WARM[@]}" "${FIND[@]}"; done; done
run unicast-bare unicast --target bare --clients 10000 --rate 5000 --duration-ms 10000 "${WARM[@]}" "${FIND[@]}"
for side in before after; do jar=$BEFORE; [[ $side == after ]] && jar=$AFTER
  quiet; run reconnect-$side reconnect --target vpush-local --jar "$jar" --clients 10000 --unacked 20 --rounds 3 "${WARM[@]}"; done
quiet; run reconnect-bare reconnect --target bare --clients 10000 --unacked 20 --rounds 3 "${WARM[@]}"
for side in before after; do jar=$BEFORE; [[ $side == after ]] && jar=$AFTER
  run cluster-$side cluster --target vpush-cluster --jar "$jar" --clients 4000 --rate 5000 --duration-ms 10000 "${WARM[@]}" --door tcp "${FIND[@]}" --route-users 0; done
java -jar "$BENCH" table "$OUT" > "$OUT/table.md" 2>/dev/null
echo "done $OUT $(date -u +%T)"
