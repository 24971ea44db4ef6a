#!/usr/bin/env bash
# Ingest and snapshot throughput over HTTP, measured side by side in one run:
#   1. single heartbeats (wrk -t2 -c64) against Watchpost and against a bare Helidon handler;
#   2. batches of 1,000 heartbeats per request;
#   3. the snapshot of ~10,000 targets, with and without If-None-Match.
# Usage: bench/ingest.sh            (DURATION=15s by default; needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/find-jdk.sh
JDK=$(find_jdk)
export JAVA_HOME=$JDK
DURATION=${DURATION:-15s}
WP_PORT=${WP_PORT:-18080}
BARE_PORT=${BARE_PORT:-18081}
command -v wrk >/dev/null || { echo "bench: wrk is needed (apt-get install wrk)" >&2; exit 1; }

./watchpost --help >/dev/null                      # builds the server and its start-up archive
./mvnw -B -q -DskipTests package -pl watchpost-bench -am >&2

work=$(mktemp -d)
cleanup() { kill "${wp_pid:-}" "${bare_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cat > "$work/watchpost.yml" <<'YML'
groups:
  - id: bench
    shards: 10000
    lease: 5m
targets:
  - id: one
    push: { every: 1m }
YML
export TOKEN=bench-ingest-token-0000000001
WATCHPOST_CONFIG="$work/watchpost.yml" WATCHPOST_DATA="$work/data" WATCHPOST_PORT=$WP_PORT \
  WATCHPOST_INGEST_TOKEN=$TOKEN WATCHPOST_ADMIN_TOKEN=bench-admin-token-000000001 WATCHPOST_LOG_LEVEL=warn \
  ./watchpost > "$work/watchpost.log" 2>&1 & wp_pid=$!
"$JDK/bin/java" -Xms16m -XX:+UseParallelGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=40 -cp "watchpost-bench/target/watchpost-bench.jar:watchpost-bench/target/libs/*" \
  dev.watchpost.bench.BareServer "$BARE_PORT" > "$work/bare.log" 2>&1 & bare_pid=$!
until curl -fs "127.0.0.1:$WP_PORT/readyz" >/dev/null 2>&1; do sleep 0.1; done
until curl -s -o /dev/null -X POST "127.0.0.1:$BARE_PORT/api/v1/heartbeat/x" 2>/dev/null; do sleep 0.1; done

rps() { awk '/^Requests\/sec:/ {print $2}'; }
errors() { awk '/Non-2xx|Socket errors/ {print}' ; }
run() { # label, url, extra wrk args...
  local label=$1 url=$2; shift 2
  local out
  out=$(wrk -t2 -c64 -d"$DURATION" "$@" "$url")
  echo "$label: $(echo "$out" | rps) req/s; latency $(echo "$out" | awk '/^    Latency/ {print "avg "$2", max "$4}') $(echo "$out" | errors | tr '\n' ' ')"
  echo "$out" | rps > "$work/last"
}

echo "== warm-up (not measured)"
wrk -t2 -c64 -d5s -s bench/heartbeat.lua "http://127.0.0.1:$BARE_PORT/api/v1/heartbeat/one" >/dev/null
wrk -t2 -c64 -d5s -s bench/heartbeat.lua "http://127.0.0.1:$WP_PORT/api/v1/heartbeat/one" >/dev/null
wrk -t2 -c16 -d5s -s bench/batch.lua "http://127.0.0.1:$WP_PORT/" >/dev/null

ROUNDS=${ROUNDS:-4}
echo "== single heartbeat, wrk -t2 -c64 -d$DURATION (alternating, $ROUNDS rounds; the median ratio is the figure)"
ratios=()
for round in $(seq 1 "$ROUNDS"); do
  run "bare Helidon  (round $round)" "http://127.0.0.1:$BARE_PORT/api/v1/heartbeat/one" -s bench/heartbeat.lua; bare=$(cat "$work/last")
  run "Watchpost     (round $round)" "http://127.0.0.1:$WP_PORT/api/v1/heartbeat/one" -s bench/heartbeat.lua; wp=$(cat "$work/last")
  ratios+=("$(awk -v a="$wp" -v b="$bare" 'BEGIN {printf "%.2f", a / b}')")
  echo "ratio round $round: ${ratios[-1]}"
done
echo "median ratio: $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2] + a[NR/2+1]) / 2}')"

echo "== batch ingest, 1,000 heartbeats per request, wrk -t2 -c16 -d$DURATION ($ROUNDS runs)"
for round in $(seq 1 "$ROUNDS"); do
  out=$(wrk -t2 -c16 -d"$DURATION" -s bench/batch.lua "http://127.0.0.1:$WP_PORT/")
  r=$(echo "$out" | rps)
  echo "batches (run $round): $r req/s = $(awk -v r="$r" 'BEGIN {printf "%.0f", r * 1000}') heartbeats/s $(echo "$out" | errors | tr '\n' ' ')"
done
online=$(curl -s "127.0.0.1:$WP_PORT/api/v1/groups/bench" | grep -o '"online":[0-9]*' | head -1)
echo "check: bench group counts $online (expect 10000)"

echo "== snapshot of $(curl -s "127.0.0.1:$WP_PORT/api/v1/snapshot" | grep -o '"id":"' | wc -l) objects, $(curl -s "127.0.0.1:$WP_PORT/api/v1/snapshot" | wc -c) bytes, wrk -t2 -c64 -d$DURATION"
sleep 1
run "snapshot, full body        " "http://127.0.0.1:$WP_PORT/api/v1/snapshot" -s bench/snapshot.lua
GZIP=1 run "snapshot, gzip body        " "http://127.0.0.1:$WP_PORT/api/v1/snapshot" -s bench/snapshot.lua
ETAG=$(curl -s -D - -o /dev/null "127.0.0.1:$WP_PORT/api/v1/snapshot" | awk 'tolower($1)=="etag:" {print $2}' | tr -d '\r')
ETAG=$ETAG run "snapshot, If-None-Match 304" "http://127.0.0.1:$WP_PORT/api/v1/snapshot" -s bench/snapshot.lua
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $("$JDK/bin/java" -version 2>&1 | head -1), $(date -u +%F)"
