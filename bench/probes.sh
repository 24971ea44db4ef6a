#!/usr/bin/env bash
# Probe engine under load: TARGETS (10,000) HTTP targets every 30 s against a local server that
# answers after DELAY_MS (100 ms). After WARMUP seconds (first runs, JIT) it measures for MEASURE seconds:
# probe-start drift (from the server's histogram), the server's CPU, and the latency of API calls
# made meanwhile at RATE per second.
# Usage: bench/probes.sh     (env: TARGETS=10000 MEASURE=120 WARMUP=60 RATE=50 DELAY_MS=100)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/find-jdk.sh
JDK=$(find_jdk)
export JAVA_HOME=$JDK
TARGETS=${TARGETS:-10000}
MEASURE=${MEASURE:-120}
WARMUP=${WARMUP:-60}
RATE=${RATE:-50}
DELAY_MS=${DELAY_MS:-100}
WP_PORT=${WP_PORT:-18080}
BACKEND_PORT=${BACKEND_PORT:-18090}

./watchpost --help >/dev/null                      # builds the server and its start-up archive
./mvnw -B -q -DskipTests package -pl watchpost-bench -am >&2
CP="watchpost-bench/target/watchpost-bench.jar:watchpost-bench/target/libs/*"

work=$(mktemp -d)
cleanup() { kill "${wp_pid:-}" "${backend_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

"$JDK/bin/java" -XX:+UseParallelGC -cp "$CP" dev.watchpost.bench.ProbeBench backend "$BACKEND_PORT" "$DELAY_MS" \
  > "$work/backend.log" 2>&1 & backend_pid=$!

{
  echo "probes:"
  echo "  max-per-host: 200   # every target is on the one local host"
  echo "targets:"
  for i in $(seq 0 $((TARGETS - 1))); do
    echo "  - { id: probe/$i, http: { url: \"http://127.0.0.1:$BACKEND_PORT/health/$i\", every: 30s, timeout: 5s } }"
  done
} > "$work/watchpost.yml"

WATCHPOST_CONFIG="$work/watchpost.yml" WATCHPOST_DATA="$work/data" WATCHPOST_PORT=$WP_PORT \
  WATCHPOST_ADMIN_TOKEN=bench-admin-token-000000001 WATCHPOST_LOG_LEVEL=warn \
  ./watchpost > "$work/watchpost.log" 2>&1 & wp_pid=$!
until curl -fs "127.0.0.1:$WP_PORT/readyz" >/dev/null 2>&1; do
  kill -0 "$wp_pid" 2>/dev/null || { cat "$work/watchpost.log" >&2; exit 1; }
  sleep 0.2
done
echo "== $TARGETS HTTP targets every 30 s, backend answers after $DELAY_MS ms; warm-up ${WARMUP}s, then measuring ${MEASURE}s"
sleep "$WARMUP"
"$JDK/bin/java" -cp "$CP" dev.watchpost.bench.ProbeBench measure "$wp_pid" "$WP_PORT" "$TARGETS" "$MEASURE" "$RATE"
echo "server RSS: $(awk '/VmRSS/ {printf "%.0f MB", $2/1024}' /proc/$wp_pid/status)"
echo "targets by state: $(curl -s 127.0.0.1:$WP_PORT/api/v1/snapshot | grep -o '"state":"[a-z]*"' | sort | uniq -c | tr '\n' ' ')"
