#!/usr/bin/env bash
# A target's page with a year of history behind it: the server's time for GET /targets/<id>, which
# is rendered for every request (nothing cached: each one reads the target's history anew).
#  1. dev.watchpost.bench.GrowthBench writes a year of PROBES (100) HTTP probes checked every 60 s
#     with the server's own history code: day buckets for the year, hour buckets for the 90 days the
#     server keeps them, minute buckets as its retention leaves them, about 6 transitions per probe
#     per day (see bench/growth.sh and docs/reliability.md#storage-growth);
#  2. the server (./watchpost) starts on that database with the same probes, checking its /healthz;
#  3. the first GET of /targets/g0/p0 after start (cold: nothing compiled yet), then WARMUP (25)
#     unmeasured GETs per chart range (24h, 7d, 30d, 1y), then per range REQUESTS (200), each checked
#     to answer 200 (a failing page is fast and must not count): min / median / p99 / max of curl's
#     time_total over loopback.
# Usage: bench/target-page.sh   (env: PROBES=100 DAYS=365 REQUESTS=200 WARMUP=25 WP_PORT=18084;
#                                DB=path/watchpost.db measures an existing file instead of writing one)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/find-jdk.sh
JDK=$(find_jdk)
export JAVA_HOME=$JDK
PROBES=${PROBES:-100}
DAYS=${DAYS:-365}
REQUESTS=${REQUESTS:-200}
WARMUP=${WARMUP:-25}
WP_PORT=${WP_PORT:-18084}
TARGET=g0/p0

./watchpost --help >/dev/null                      # builds the server and its start-up archive
./mvnw -B -q -DskipTests package -pl watchpost-bench -am >&2
CP="watchpost-bench/target/watchpost-bench.jar:watchpost-bench/target/libs/*"

work=$(mktemp -d)
cleanup() { kill "${wp_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/data"

if [[ -n "${DB:-}" ]]; then
  cp "$DB" "$work/data/watchpost.db"
else
  echo "== writing $DAYS days of $PROBES probes every 60 s"
  t0=$(date +%s)
  "$JDK/bin/java" -Xmx1g -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$CP" dev.watchpost.bench.GrowthBench "$work/data/watchpost.db" "$PROBES" "$DAYS" 3 | tail -3
  echo "written in $(( $(date +%s) - t0 )) s, $(stat -c %s "$work/data/watchpost.db" | awk '{ printf "%.1f MB", $1 / 1e6 }')"
fi

{
  echo "groups:"
  for g in $(seq 0 $(( (PROBES - 1) / 100 ))); do echo "  - { id: g$g, name: Group $g }"; done
  echo "targets:"
  for i in $(seq 0 $((PROBES - 1))); do
    echo "  - { id: g$((i / 100))/p$i, name: Probe $i, http: { url: 'http://127.0.0.1:$WP_PORT/healthz', every: 60s } }"
  done
} > "$work/watchpost.yml"

WATCHPOST_CONFIG="$work/watchpost.yml" WATCHPOST_DATA="$work/data" WATCHPOST_PORT=$WP_PORT WATCHPOST_LOG_LEVEL=warn \
  WATCHPOST_MAX_CONNECTIONS_PER_ADDRESS=0 ./watchpost > "$work/watchpost.log" 2>&1 & wp_pid=$!
until curl -fs "127.0.0.1:$WP_PORT/readyz" >/dev/null 2>&1; do
  kill -0 "$wp_pid" 2>/dev/null || { cat "$work/watchpost.log" >&2; exit 1; }
  sleep 0.2
done

echo "== GET /targets/$TARGET: $REQUESTS uncached requests per range"
echo "  first request after start: $(curl -s -o /dev/null -w '%{http_code} %{time_total}' "127.0.0.1:$WP_PORT/targets/$TARGET" | awk '{ printf "%.1f ms (HTTP %s)", $2 * 1000, $1 }')"
for range in 24h 7d 30d 1y; do
  for _ in $(seq 1 "$WARMUP"); do curl -s -o /dev/null "127.0.0.1:$WP_PORT/targets/$TARGET?range=$range"; done
done
for range in 24h 7d 30d 1y; do
  url="127.0.0.1:$WP_PORT/targets/$TARGET?range=$range"
  size=$(curl -s -o /dev/null -w '%{size_download}' "$url")
  for _ in $(seq 1 "$REQUESTS"); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$url"
  done | awk '$1 != 200 { bad++ } { print $2 } END { if (bad) { print "bench: " bad " requests did not answer 200" > "/dev/stderr"; exit 1 } }' \
    | sort -n | awk -v r="$range" -v s="$size" '{ a[NR] = $1 } END {
        p99 = int(NR * 0.99); if (p99 < 1) p99 = 1
        printf "  range=%-4s %6d bytes: min %.1f ms, median %.1f ms, p99 %.1f ms, max %.1f ms\n", r, s, a[1] * 1000, a[int((NR + 1) / 2)] * 1000, a[p99] * 1000, a[NR] * 1000 }'
done
echo "server RSS: $(awk '/VmRSS/ {printf "%.0f MB", $2/1024}' /proc/$wp_pid/status)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg), $("$JDK/bin/java" -version 2>&1 | head -1), $(date -u +%F)"
