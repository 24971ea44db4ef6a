#!/usr/bin/env bash
# Prometheus scrapes with many targets: /metrics (totals) against /metrics/targets (one series per
# target and family, plain and gzip), timed with curl; the server's CPU and allocation per scrape.
# Usage: bench/metrics.sh [targets] [runs]   (defaults 10000 5; 1000000 3 for a million)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/find-jdk.sh
JDK=$(find_jdk)
export JAVA_HOME=$JDK
./mvnw -B -q -DskipTests package -pl watchpost-bench -am >&2
"$JDK/bin/java" -Xmx4g -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "watchpost-bench/target/watchpost-bench.jar:watchpost-bench/target/libs/*" dev.watchpost.bench.MetricsScrape "$@"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $("$JDK/bin/java" -version 2>&1 | head -1), $(date -u +%F)"
