#!/usr/bin/env bash
# Usage: scripts/profiler.sh
# Fetches async-profiler (the Maven jar tools.profiler:async-profiler, at bench/pom.xml's async-profiler.version),
# unpacks this machine's libasyncProfiler.so into target/profiler/ and prints its path, for the bench's --profiler:
#   java -jar bench/target/vpush-bench.jar unicast --target vpush-local ... --profiler "$(scripts/profiler.sh)"
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="$(sed -n 's:.*<async-profiler.version>\(.*\)</async-profiler.version>.*:\1:p' "$root/bench/pom.xml")"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) arch=linux-x64 ;;
  Linux-aarch64) arch=linux-arm64 ;;
  *) echo "$0: async-profiler's Maven jar has no library for $(uname -s) $(uname -m)" >&2; exit 1 ;;
esac
dir="$root/target/profiler"
lib="$dir/$version/$arch/libasyncProfiler.so"
if [[ ! -f "$lib" ]]; then
  mkdir -p "$dir"
  jar="$dir/async-profiler-$version.jar"
  mvn -B -q -f "$root/bench/pom.xml" dependency:copy -Dartifact="tools.profiler:async-profiler:$version" \
    -DoutputDirectory="$dir" -Dmdep.stripVersion=false >&2
  # jar, not unzip: the JDK is on every machine that runs vpush, unzip is not.
  (cd "$dir" && mkdir -p "$version" && cd "$version" && jar xf "$jar" "$arch/libasyncProfiler.so")
fi
echo "$lib"
