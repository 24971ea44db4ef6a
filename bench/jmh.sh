#!/usr/bin/env bash
# JMH micro-benchmarks of the ingest hot path (no HTTP). Extra arguments go to JMH (e.g. -t 2).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/find-jdk.sh
JDK=$(find_jdk)
export JAVA_HOME=$JDK
./mvnw -B -q -DskipTests package -pl watchpost-bench -am >&2
"$JDK/bin/java" --enable-native-access=ALL-UNNAMED -cp "watchpost-bench/target/watchpost-bench.jar:watchpost-bench/target/libs/*" \
  org.openjdk.jmh.Main HotPathBenchmark "$@"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $("$JDK/bin/java" -version 2>&1 | head -1), $(date -u +%F)"
