#!/usr/bin/env bash
# The status page at scale: a page of SHARDS (5,000) shards in one sharded group and SERVICES
# (1,000) push targets in groups of 100, all reported (a few offline or down).
#  1. the server's render time over RENDERS (300) uncached requests, and time to first paint and
#     to complete render in headless Chromium: RUNS (7; 0 skips it) loads, median
#     (dev.watchpost.bench.PageBench; needs chromium and chromium-driver);
#  2. an outage's crowd: VIEWERS (10,000) concurrent SSE viewers of /api/v1/stream connecting as the
#     page does (from the feed position its snapshot includes): how long until all are live; then
#     WARMUP (3) changes shown but not counted (the JIT's first compiles), then ROUNDS (20) changes,
#     PAUSE_MS (500) apart, and how long each takes to reach every viewer (p50 / p99 / max;
#     dev.watchpost.bench.StreamBench, one selector thread for all viewers), while
#     the same client asks for GET / (gzip) at RATE (5,000) requests a second, open loop, each timed
#     from when it was due: p50 / p99; and the server's and the client's CPU over the rounds;
#  3. the same again while wrk asks for GET / as fast as it can for 10 s from 64 connections.
# The server runs with a heap of SERVER_HEAP (1g; the launcher's default cap is 512m): each live
# viewer holds ~25 KB (its connection's buffers and its virtual thread's stack), so 10,000 of them
# need ~250 MB besides the targets.
# Usage: bench/page.sh   (env: SHARDS=5000 SERVICES=1000 RENDERS=300 RUNS=7 VIEWERS=10000 ROUNDS=20 PAUSE_MS=500
#                         RATE=5000 WARMUP=3 SERVER_HEAP=1g)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/find-jdk.sh
JDK=$(find_jdk)
export JAVA_HOME=$JDK
SHARDS=${SHARDS:-5000}
SERVICES=${SERVICES:-1000}
RUNS=${RUNS:-7}
VIEWERS=${VIEWERS:-10000}
ROUNDS=${ROUNDS:-20}
PAUSE_MS=${PAUSE_MS:-500}
RATE=${RATE:-5000}
WARMUP=${WARMUP:-3}
SERVER_HEAP=${SERVER_HEAP:-1g}
RENDERS=${RENDERS:-300}
WP_PORT=${WP_PORT:-18081}
INGEST=bench-ingest-token-0000000001

command -v wrk >/dev/null || { echo "bench: wrk is needed (apt-get install wrk)" >&2; exit 1; }
./watchpost --help >/dev/null                      # builds the server and its start-up archive
./mvnw -B -q -DskipTests package -pl watchpost-bench -am >&2
CP="watchpost-bench/target/watchpost-bench.jar:watchpost-bench/target/libs/*"

work=$(mktemp -d)
cleanup() {
  if [ -n "${wp_pid:-}" ] && ! kill -0 "$wp_pid" 2>/dev/null; then echo "bench: the server stopped; its log ends:" >&2; tail -20 "$work/watchpost.log" >&2; fi
  kill "${wp_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT

groups=$(( (SERVICES + 99) / 100 ))
{
  echo "groups:"
  echo "  - { id: bots, name: Discord bots, groups: [ { id: main, name: Main bot, shards: $SHARDS, lease: 1h } ] }"
  for g in $(seq 0 $((groups - 1))); do
    echo "  - { id: svc$g, name: Services $g }"
  done
  echo "targets:"
  for i in $(seq 0 $((SERVICES - 1))); do
    echo "  - { id: svc$((i / 100))/t$i, name: Service $i, push: { every: 1h } }"
  done
} > "$work/watchpost.yml"

JAVA_OPTS="-Xmx$SERVER_HEAP ${JAVA_OPTS:-}" WATCHPOST_CONFIG="$work/watchpost.yml" WATCHPOST_DATA="$work/data" WATCHPOST_PORT=$WP_PORT \
  WATCHPOST_INGEST_TOKEN=$INGEST WATCHPOST_LOG_LEVEL=warn WATCHPOST_MAX_CONNECTIONS_PER_ADDRESS=0 \
  WATCHPOST_MAX_CONNECTIONS=$((VIEWERS + 1000)) \
  ./watchpost > "$work/watchpost.log" 2>&1 & wp_pid=$!
until curl -fs "127.0.0.1:$WP_PORT/readyz" >/dev/null 2>&1; do
  kill -0 "$wp_pid" 2>/dev/null || { cat "$work/watchpost.log" >&2; exit 1; }
  sleep 0.2
done

# Everyone reports: shards online but every 50th offline; services online but every 40th down.
batch() { # $1 = JSON array file
  curl -fsS -o /dev/null -H "Authorization: Bearer $INGEST" -H 'Content-Type: application/json' \
    --data-binary @"$1" "127.0.0.1:$WP_PORT/api/v1/heartbeats"
}
for start in $(seq 0 1000 $((SHARDS - 1))); do
  end=$(( start + 999 < SHARDS - 1 ? start + 999 : SHARDS - 1 ))
  seq "$start" "$end" | awk '{ printf "%s{\"target\":\"bots/main/%d\",\"state\":\"%s\"}", (NR>1?",":"["), $1, ($1 % 50 == 49 ? "offline" : "online") } END { print "]" }' > "$work/b.json"
  batch "$work/b.json"
done
seq 0 $((SERVICES - 1)) | awk '{ printf "%s{\"target\":\"svc%d/t%d\",\"state\":\"%s\",\"latency_ms\":%d}", (NR>1?",":"["), int($1/100), $1, ($1 % 40 == 39 ? "down" : "online"), 20 + $1 % 80 } END { print "]" }' > "$work/b.json"
batch "$work/b.json"
sleep 1

echo "== page: $SHARDS shards + $SERVICES services"
echo "html: $(curl -s -o /dev/null -w '%{size_download}' "127.0.0.1:$WP_PORT/") bytes," \
  "gzip $(curl -s -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' "127.0.0.1:$WP_PORT/") bytes"
# The server's render, uncached (a guild search in the query makes each page fresh): RENDERS requests
# after 5 unmeasured ones; every answer must be a 200 (a failing page is fast, and must not count).
for i in $(seq 1 5); do curl -s -o /dev/null "127.0.0.1:$WP_PORT/?guild=$i"; done
for i in $(seq 1 "$RENDERS"); do
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "127.0.0.1:$WP_PORT/?guild=$((i * 7919))"
done | awk '$1 != 200 { bad++ } { print $2 } END { if (bad) { print "bench: " bad " renders did not answer 200" > "/dev/stderr"; exit 1 } }' \
  | sort -n | awk '{ a[NR] = $1 } END { printf "server render over %d uncached requests: min %.1f ms, median %.1f ms, p90 %.1f ms\n", NR, a[1] * 1000, a[int((NR + 1) / 2)] * 1000, a[int(NR * 0.9)] * 1000 }'
if [ "$RUNS" -gt 0 ]; then "$JDK/bin/java" -cp "$CP" dev.watchpost.bench.PageBench "http://127.0.0.1:$WP_PORT/" "$RUNS"; fi

echo "== live: $VIEWERS SSE viewers, $ROUNDS changes, GET / paced at $RATE req/s meanwhile"
stream() { # $1 = GET / rate (0: none), $2 = the target to flip; prints "connected" when every viewer is live
  local since before=
  # The page's feed position once the setup's burst has been published: read mid-burst, it could be
  # older than the feed still holds, and every viewer would be sent the whole snapshot instead.
  for _ in $(seq 1 60); do
    since=$(curl -fsS "127.0.0.1:$WP_PORT/" | grep -o 'data-since="[^"]*"' | head -1 | cut -d'"' -f2)
    [ "$since" = "$before" ] && break
    before=$since
    sleep 0.5
  done
  "$JDK/bin/java" -Dserver.pid="$wp_pid" -cp "$CP" dev.watchpost.bench.StreamBench "http://127.0.0.1:$WP_PORT" "$INGEST" \
    "$VIEWERS" "$ROUNDS" "$2" "$since" "$PAUSE_MS" "$1" "$WARMUP"
}
stream "$RATE" svc0/t0
echo "server RSS with $VIEWERS viewers: $(awk '/VmRSS/ {printf "%.0f MB", $2/1024}' /proc/$wp_pid/status)"

# The first crowd has gone; the server finds out at each stream's next keep-alive (15 s). Wait for
# that, or the two crowds' sockets together could pass this shell's descriptor limit.
for _ in $(seq 1 60); do
  left=$(curl -fsS "127.0.0.1:$WP_PORT/metrics" | awk '/^watchpost_stream_subscribers[{ ]/ { print int($NF) }')
  [ "${left:-0}" -lt 100 ] && break
  sleep 1
done
echo "== live again, GET / from wrk at full speed meanwhile (-t2 -c64, 10 s)"
: > "$work/stream.out"
stream 0 svc0/t1 > "$work/stream.out" 2>&1 & stream_pid=$!  # another target: its first change is a change
until grep -q "connected" "$work/stream.out"; do
  kill -0 "$stream_pid" 2>/dev/null || { cat "$work/stream.out" >&2; exit 1; }
  sleep 0.1
done
wrk -t2 -c64 -d10s --latency -H 'Accept-Encoding: gzip' "http://127.0.0.1:$WP_PORT/" \
  | awk '/Requests\/sec/ || /^ +(50|99)%/ || /Non-2xx/ || /Socket errors/ { print "GET / meanwhile: " $0 }'
wait "$stream_pid"
cat "$work/stream.out"
echo "server RSS: $(awk '/VmRSS/ {printf "%.0f MB", $2/1024}' /proc/$wp_pid/status)"
