#!/usr/bin/env bash
# Usage: scripts/kafka-classpath.sh
# Makes sure .vpush-test/kafka.classpath lists the jars of a Kafka 4.1.0 broker (resolved by Maven from
# scripts/kafka/pom.xml into ~/.m2) and prints the file's absolute path. Re-resolves when the file is
# missing, older than the pom, or names a jar that is no longer in ~/.m2.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pom="$root/scripts/kafka/pom.xml"
out="$root/.vpush-test/kafka.classpath"

fresh() {
  [[ -s "$out" && "$out" -nt "$pom" ]] || return 1
  local jar
  while IFS= read -r -d ':' jar; do [[ -f "$jar" ]] || return 1; done < <(cat "$out"; printf ':')
}

if ! fresh; then
  mkdir -p "$(dirname "$out")"
  # Write beside the target and rename, so a reader never sees half a file.
  mvn -q -B -f "$pom" dependency:build-classpath -Dmdep.outputFile="$out.tmp" >&2
  mv "$out.tmp" "$out"
fi
echo "$out"
