#!/usr/bin/env bash
# Usage: scripts/run.sh [vpush flags...]     e.g. scripts/run.sh --http.port=8081   (see: scripts/run.sh --help)
# Builds target/vpush.jar when it is missing or older than the sources, then runs it in the foreground.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/target/vpush.jar"

if [[ ! -f "$jar" || -n "$(find "$root/pom.xml" "$root/src/main" -newer "$jar" -print -quit)" ]]; then
  echo "building $jar" >&2
  mvn -q -B -f "$root/pom.xml" -DskipTests package >&2
fi
# A node out of memory exits (status 3) instead of running on with dead event loops (docs/operations.md).
exec java -XX:+ExitOnOutOfMemoryError ${VPUSH_JAVA_OPTS:-} -jar "$jar" "$@"
