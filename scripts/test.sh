#!/usr/bin/env bash
# Usage: scripts/test.sh [extra Maven arguments]      e.g. scripts/test.sh -Dtest=FrameCodecTest -Dit.test=NoSuchIT
# Installs what the tests need when it is missing (redis-server, Node/npm, Java, Maven: Debian apt), resolves
# the Kafka broker jars, then runs `mvn -B verify -Pservices`: unit tests (*Test, Surefire; -Pservices includes
# those tagged redis, kafka and browser, which plain `mvn test` leaves out), the fat jar, then integration tests
# (*IT, Failsafe). Tests start their own Redis and Kafka processes on free ports.
# Exits with Maven's exit code.
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

# --- build and test -----------------------------------------------------------------------------------
t0=$(now)
log "mvn -B verify -Pservices $*"
rm -rf target/surefire-reports target/failsafe-reports # the summary below counts this run only
set +e
mvn -B verify -Pservices -Dvpush.test.kafkaClasspath="$kafka_cp" "$@"
status=$?
set -e
timings+=("maven: $(($(now) - t0)) s")

# --- summary ------------------------------------------------------------------------------------------
# Sums tests/failures/errors/skipped over a directory of JUnit XML reports.
count() {
  local dir="$1"
  if compgen -G "$dir/TEST-*.xml" >/dev/null; then
    sed -n 's/.*<testsuite \(.*\)/\1/p' "$dir"/TEST-*.xml | awk '
      { for (i = 1; i <= NF; i++) if (split($i, kv, "=") == 2) { gsub(/[">]/, "", kv[2]); n[kv[1]] += kv[2] } }
      END { printf "%d tests, %d failed, %d errors, %d skipped", n["tests"], n["failures"], n["errors"], n["skipped"] }'
  else
    echo "none run"
  fi
}
echo
echo "vpush test summary"
echo "  unit (Surefire):        $(count target/surefire-reports)"
echo "  integration (Failsafe): $(count target/failsafe-reports)"
echo "  timings: $(IFS=';'; echo "${timings[*]}" | sed 's/;/, /g')"
if ((status == 0)); then echo "  result: PASSED"; else echo "  result: FAILED (mvn exit $status; reports in target/*-reports)"; fi
exit "$status"
