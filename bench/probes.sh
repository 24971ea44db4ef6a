#!/usr/bin/env bash
# Probe engine under load: TARGETS (10,000) HTTP targets every 30 s against a local server that
# answers after DELAY_MS (100 ms). After WARMUP seconds (first runs, JIT) it measures for MEASURE seconds:
# probe-start drift (from the server's histogram), the server's CPU, and the latency of API calls
# made meanwhile at RATE per second.
# Usage: bench/probes.sh     (env: TARGETS=10000 MEASURE=120 WARMUP=60 RATE=50 DELAY_MS=100)
#
# With PROBERS=3 the targets are checked from three remote locations (p1, p2, p3: `watchpost
# prober` processes on this machine) instead of the server, quorum 2, failure-threshold 1: the
# server only receives (3 x 333 = 1,000 results a second) and decides. It measures the server's CPU
# for that, each prober's CPU and memory and start drift (its once-a-minute log line), then fails
# FAIL (1,000) targets for p1 and p2 and times each change to down on the live stream from the
# moment the second location got its 503.
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
PROBERS=${PROBERS:-0}
FAIL=${FAIL:-1000}
WP_PORT=${WP_PORT:-18080}
BACKEND_PORT=${BACKEND_PORT:-18090}

./watchpost --help >/dev/null                      # builds the server and its start-up archive
./mvnw -B -q -DskipTests package -pl watchpost-bench -am >&2
CP="watchpost-bench/target/watchpost-bench.jar:watchpost-bench/target/libs/*"

work=$(mktemp -d)
prober_pids=()
cleanup() {
  kill "${wp_pid:-}" "${backend_pid:-}" "${prober_pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT

if [ "$PROBERS" -gt 0 ]; then
  locations=$(seq -s ', ' -f 'p%g' 1 "$PROBERS")
  section="locations: [$locations], failure-threshold: 1, "
  backend_class=dev.watchpost.bench.RemoteProbeBench
else
  section=""
  backend_class=dev.watchpost.bench.ProbeBench
fi
"$JDK/bin/java" -XX:+UseParallelGC -cp "$CP" "$backend_class" backend "$BACKEND_PORT" "$DELAY_MS" \
  > "$work/backend.log" 2>&1 & backend_pid=$!

{
  echo "probes:"
  echo "  max-per-host: 200   # every target is on the one local host (probers run under the same limits)"
  echo "targets:"
  for i in $(seq 0 $((TARGETS - 1))); do
    echo "  - { id: probe/$i, http: { url: \"http://127.0.0.1:$BACKEND_PORT/health/$i\", ${section}every: 30s, timeout: 5s } }"
  done
} > "$work/watchpost.yml"

WATCHPOST_CONFIG="$work/watchpost.yml" WATCHPOST_DATA="$work/data" WATCHPOST_PORT=$WP_PORT \
  WATCHPOST_ADMIN_TOKEN=bench-admin-token-000000001 WATCHPOST_LOG_LEVEL=warn \
  ./watchpost > "$work/watchpost.log" 2>&1 & wp_pid=$!
until curl -fs "127.0.0.1:$WP_PORT/readyz" >/dev/null 2>&1; do
  kill -0 "$wp_pid" 2>/dev/null || { cat "$work/watchpost.log" >&2; exit 1; }
  sleep 0.2
done
if [ "$PROBERS" -gt 0 ]; then
  for n in $(seq 1 "$PROBERS"); do
    token=$(curl -fs -H 'Authorization: Bearer bench-admin-token-000000001' -H 'Content-Type: application/json' \
      -d "{\"scope\":\"prober\",\"location\":\"p$n\"}" "127.0.0.1:$WP_PORT/api/v1/tokens" | sed 's/.*"token":"\([^"]*\)".*/\1/')
    WATCHPOST_PROBER_TOKEN=$token ./watchpost prober --server "http://127.0.0.1:$WP_PORT" --location "p$n" \
      --buffer "$work/buffer-p$n" > "$work/prober-p$n.log" 2>&1 & prober_pids+=($!)
  done
  echo "== $TARGETS HTTP targets every 30 s from $PROBERS probers (quorum 2), backend answers after $DELAY_MS ms;" \
    "warm-up ${WARMUP}s, then measuring ${MEASURE}s"
  sleep "$WARMUP"
  pids=$(IFS=,; echo "${prober_pids[*]}")
  fail_locations=p1,p2
  "$JDK/bin/java" -cp "$CP" dev.watchpost.bench.RemoteProbeBench measure "$wp_pid" "$pids" "$WP_PORT" "$BACKEND_PORT" \
    "$TARGETS" "$MEASURE" "$fail_locations" "$FAIL"
  for n in $(seq 1 "$PROBERS"); do
    echo "prober p$n: $(grep 'event=prober.checks' "$work/prober-p$n.log" | tail -1 | sed 's/.*event=prober.checks //')"
  done
  echo "targets by state: $(curl -s 127.0.0.1:$WP_PORT/api/v1/snapshot | grep -o '"state":"[a-z]*"' | sort | uniq -c | tr '\n' ' ')"
  exit 0
fi
echo "== $TARGETS HTTP targets every 30 s, backend answers after $DELAY_MS ms; warm-up ${WARMUP}s, then measuring ${MEASURE}s"
sleep "$WARMUP"
"$JDK/bin/java" -cp "$CP" dev.watchpost.bench.ProbeBench measure "$wp_pid" "$WP_PORT" "$TARGETS" "$MEASURE" "$RATE"
echo "server RSS: $(awk '/VmRSS/ {printf "%.0f MB", $2/1024}' /proc/$wp_pid/status)"
echo "targets by state: $(curl -s 127.0.0.1:$WP_PORT/api/v1/snapshot | grep -o '"state":"[a-z]*"' | sort | uniq -c | tr '\n' ' ')"
