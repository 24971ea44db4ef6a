#!/usr/bin/env bash
# How long a burst of state changes takes to be recorded: every target changes state at once and
# the transitions (with the stored state and the alerts' rows in their transaction) and the
# checkpoints are written to SQLite. The writer thread's cost, not the hot path's.
# Usage: bench/transitions.sh [targets] [rounds]   (defaults 200,000 and 6)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/find-jdk.sh
JDK=$(find_jdk)
export JAVA_HOME=$JDK
./mvnw -B -q -DskipTests package -pl watchpost-bench -am >&2
"$JDK/bin/java" -Xmx2g -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "watchpost-bench/target/watchpost-bench.jar:watchpost-bench/target/libs/*" dev.watchpost.bench.TransitionWrites "$@"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $("$JDK/bin/java" -version 2>&1 | head -1), $(date -u +%F)"
