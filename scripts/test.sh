#!/usr/bin/env bash
# Usage: scripts/test.sh [extra Maven arguments]      e.g. scripts/test.sh -Dtest=FrameCodecTest -Dit.test=NoSuchIT
# Installs what the tests need when it is missing (redis-server, Node/npm, Java, Maven: Debian apt), resolves
# the Kafka broker jars, then runs `mvn -B verify` in each build unit, every one even when an earlier one failed:
#   .         the server, with -Pservices: unit tests (*Test, Surefire; -Pservices includes those tagged redis, kafka and
#             browser, which plain `mvn test` leaves out), the fat jar target/vpush.jar, then integration tests (*IT, Failsafe)
#   testkit/  the test kit's own tests (the fixtures shared by the server's tests and the load generator)
#   bench/    the load generator: its unit tests, its jar, then its *IT (they fork the server's target/vpush.jar)
# then clients/js, the JavaScript SDK: node --test (its tests fork target/vpush.jar). Its `npm ci` runs first of all,
# because the Java units drive the SDK too (clients/java's SdkChaosIT runs a fleet of it in Node).
# Extra arguments go to every unit; a -Dtest/-Dit.test filter that matches nothing in a unit is not a failure there.
# Tests start their own Redis and Kafka processes on free ports. Exits 0 when every unit passed, else 1.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

now() { date +%s; }
log() { echo "==> $*"; }
timings=()

# --- system packages -------------------------------------------------------------------------------
t0=$(now)
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
command -v chromium >/dev/null || missing+=(chromium) # the dashboard test (io.vpush.ops.DashboardTest) drives headless Chromium
if ((${#missing[@]})); then
  sudo=(); [[ "$(id -u)" -eq 0 ]] || sudo=(sudo)
  log "installing ${missing[*]} (apt)"
  "${sudo[@]}" apt-get update -qq
  # The redis-server package tries to start its service; that may be refused in containers, and
  # the tests start private instances anyway.
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
timings+=("packages: $(($(now) - t0)) s${missing:+ (installed ${missing[*]})}")
log "$(redis-server --version | cut -d' ' -f1-3), node $(node --version), npm $(npm --version), $(java -version 2>&1 | head -1)"

# --- Kafka broker jars ------------------------------------------------------------------------------
t0=$(now)
log "resolving the Kafka broker classpath (scripts/kafka/pom.xml)"
kafka_cp="$(scripts/kafka-classpath.sh)"
timings+=("kafka classpath: $(($(now) - t0)) s")

# --- the JavaScript SDK's dependencies (clients/js): the Java units' tests drive it too (browser page, chaos fleet) ---
t0=$(now)
log "clients/js: npm ci"
js_deps=0
(cd clients/js && npm ci --no-audit --no-fund) || js_deps=$?
timings+=("npm ci: $(($(now) - t0)) s")

# --- build and test -----------------------------------------------------------------------------------
units=(. clients/java testkit bench)
args=("$@")
# A filter meant for one unit's tests must not fail the units that have none of them.
if [[ " $* " == *"-Dtest="* || " $* " == *"-Dit.test="* ]]; then
  args+=(-Dsurefire.failIfNoSpecifiedTests=false -Dit.failIfNoSpecifiedTests=false)
fi
declare -A unit_status
unit_name() { if [[ $1 == . ]]; then echo server; else echo "$1"; fi; }
for unit in "${units[@]}"; do
  t0=$(now)
  profile=(); [[ $unit == . ]] && profile=(-Pservices)
  log "mvn -B -f $unit/pom.xml verify ${profile[*]} $*"
  rm -rf "$unit/target/surefire-reports" "$unit/target/failsafe-reports" # the summary below counts this run only
  set +e
  mvn -B -f "$unit/pom.xml" verify "${profile[@]}" -Dvpush.test.kafkaClasspath="$kafka_cp" "${args[@]}"
  unit_status[$unit]=$?
  set -e
  timings+=("maven $(unit_name "$unit"): $(($(now) - t0)) s")
done

# --- the JavaScript SDK (clients/js): node --test against target/vpush.jar, built by the server unit above ---
t0=$(now)
js_status=0
js_log="clients/js/test-results.tap"
if ((js_deps != 0)); then
  echo "clients/js: npm ci failed (exit $js_deps)" | tee "$js_log"
  js_status=1
elif [[ -f target/vpush.jar ]]; then
  log "clients/js: npm test"
  set +e
  (cd clients/js && node --test --test-concurrency=1 --test-timeout=180000 --test-reporter=tap test/*.test.js) | tee "$js_log"
  js_status=${PIPESTATUS[0]}
  set -e
else
  echo "clients/js: target/vpush.jar is missing (the server unit did not build it)" | tee "$js_log"
  js_status=1
fi
timings+=("clients/js: $(($(now) - t0)) s")

# --- summary ------------------------------------------------------------------------------------------
total=(0 0 0 0) # tests failures errors skipped, over every unit
# Prints one line: the tests/failures/errors/skipped summed over a directory of JUnit XML reports (label first),
# and adds them to the totals (so it runs in this shell, never in a $(...)).
count() {
  local label="$1" dir="$2" sums t f e k
  if compgen -G "$dir/TEST-*.xml" >/dev/null; then
    sums=$(sed -n 's/.*<testsuite \(.*\)/\1/p' "$dir"/TEST-*.xml | awk '
      { for (i = 1; i <= NF; i++) if (split($i, kv, "=") == 2) { gsub(/[">]/, "", kv[2]); n[kv[1]] += kv[2] } }
      END { printf "%d %d %d %d", n["tests"], n["failures"], n["errors"], n["skipped"] }')
    read -r t f e k <<<"$sums"
    total=($((total[0] + t)) $((total[1] + f)) $((total[2] + e)) $((total[3] + k)))
    printf '  %-30s %d tests, %d failed, %d errors, %d skipped\n' "$label" "$t" "$f" "$e" "$k"
  else
    printf '  %-30s none run\n' "$label"
  fi
}
status=0
echo
echo "vpush test summary"
for unit in "${units[@]}"; do
  name=$(unit_name "$unit")
  count "$name unit (Surefire):" "$unit/target/surefire-reports"
  if find "$unit/src/test/java" -name '*IT.java' 2>/dev/null | grep -q .; then
    count "$name integration (Failsafe):" "$unit/target/failsafe-reports"
  fi
  if ((unit_status[$unit] != 0)); then
    status=1
    echo "    $name FAILED (mvn exit ${unit_status[$unit]}; reports in $unit/target/*-reports)"
  fi
done
js_pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$js_log" | tail -1); js_fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$js_log" | tail -1)
js_skip=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$js_log" | tail -1)
js_pass=${js_pass:-0}; js_fail=${js_fail:-0}; js_skip=${js_skip:-0}
total=($((total[0] + js_pass + js_fail + js_skip)) $((total[1] + js_fail)) "${total[2]}" $((total[3] + js_skip)))
printf '  %-30s %d tests, %d failed, %d errors, %d skipped\n' "clients/js (node --test):" "$((js_pass + js_fail + js_skip))" "$js_fail" 0 "$js_skip"
if ((js_status != 0)); then
  status=1
  echo "    clients/js FAILED (exit $js_status; output in $js_log)"
fi
echo "  timings: $(IFS=';'; echo "${timings[*]}" | sed 's/;/, /g')"
if ((status == 0)); then echo "  result: PASSED"; else echo "  result: FAILED"; fi
echo "total: $((total[0] - total[1] - total[2] - total[3])) passed, $((total[1] + total[2])) failed, ${total[3]} skipped"
exit "$status"
