# Sourced by the benchmarks that run one class of watchpost-bench in a JVM of its own:
#   . bench/harness.sh; bench_java 4g MetricsScrape "$@"
# builds the harness, runs the class with that heap, then prints the machine, for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/find-jdk.sh
JDK=$(find_jdk)
export JAVA_HOME=$JDK

bench_java() {
  local heap=$1 class=$2
  shift 2
  ./mvnw -B -q -DskipTests package -pl watchpost-bench -am >&2
  "$JDK/bin/java" "-Xmx$heap" -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "watchpost-bench/target/watchpost-bench.jar:watchpost-bench/target/libs/*" "dev.watchpost.bench.$class" "$@"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $("$JDK/bin/java" -version 2>&1 | head -1), $(date -u +%F)"
}
