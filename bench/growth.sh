#!/usr/bin/env bash
# Storage growth: the SQLite database a year of PROBES (1,000) HTTP probes checked every 60 s leaves
# behind, and the status page's render time with that year of history.
#  1. dev.watchpost.bench.GrowthBench writes the year with the server's history code (see its
#     javadoc for how): FLAPS (3) outages per probe per day (each 3-12 failed checks, so each is two
#     transition rows) and about one 1-6 h outage per probe per month;
#  2. file size after a WAL checkpoint, rows per table, bytes per table and index (sqlite3's dbstat);
#  3. the server started on that database with the same PROBES probes (checking its own /healthz):
#     start-up time, then GET /, /status.json and one target's history: first request, median of
#     RUNS (7) repeats, and GET / again right after the next history flush (history read anew).
# Usage: bench/growth.sh   (env: PROBES=1000 DAYS=365 FLAPS=3 RUNS=7 WP_PORT=18083;
#                           DB=path/watchpost.db measures an existing file instead of writing one)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/find-jdk.sh
JDK=$(find_jdk)
export JAVA_HOME=$JDK
PROBES=${PROBES:-1000}
DAYS=${DAYS:-365}
FLAPS=${FLAPS:-3}
RUNS=${RUNS:-7}
WP_PORT=${WP_PORT:-18083}

./watchpost --help >/dev/null                      # builds the server and its start-up archive
./mvnw -B -q -DskipTests package -pl watchpost-bench -am >&2
CP="watchpost-bench/target/watchpost-bench.jar:watchpost-bench/target/libs/*"

work=$(mktemp -d)
cleanup() { kill "${wp_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/data"

echo "== writing $DAYS days of $PROBES probes every 60 s"
if [[ -n "${DB:-}" ]]; then
  cp "$DB" "$work/data/watchpost.db"
else
  "$JDK/bin/java" -Xmx2g -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$CP" dev.watchpost.bench.GrowthBench "$work/data/watchpost.db" "$PROBES" "$DAYS" "$FLAPS"
fi
db="$work/data/watchpost.db"
if command -v sqlite3 >/dev/null; then
  sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
  echo "bytes per table and index (sqlite3 dbstat), rows of its table, bytes per row:"
  sqlite3 -separator ' ' "$db" "SELECT d.name, s.tbl_name, SUM(d.pgsize) FROM dbstat d JOIN sqlite_schema s ON s.name = d.name
      GROUP BY d.name HAVING SUM(d.pgsize) > 100000 ORDER BY 3 DESC" |
    while read -r name table bytes; do
      rows=$(sqlite3 "$db" "SELECT COUNT(*) FROM \"$table\"")
      awk -v n="$name" -v b="$bytes" -v r="$rows" 'BEGIN { printf "  %-24s %8.1f MB %12d rows %6.1f B/row\n", n, b / 1e6, r, (r ? b / r : 0) }'
    done
fi
size=$(stat -c %s "$db")
echo "file: $size bytes = $(awk -v s="$size" 'BEGIN { printf "%.1f MB", s / 1e6 }')," \
  "$(awk -v s="$size" -v p="$PROBES" -v d="$DAYS" 'BEGIN { printf "%.0f", s / p * 365 / d }') bytes per probe per year"

{
  echo "groups:"
  for g in $(seq 0 $(( (PROBES - 1) / 100 ))); do echo "  - { id: g$g, name: Group $g }"; done
  echo "targets:"
  for i in $(seq 0 $((PROBES - 1))); do
    echo "  - { id: g$((i / 100))/p$i, name: Probe $i, http: { url: 'http://127.0.0.1:$WP_PORT/healthz', every: 60s } }"
  done
} > "$work/watchpost.yml"

echo "== server on that database"
t0=$(date +%s%N)
WATCHPOST_CONFIG="$work/watchpost.yml" WATCHPOST_DATA="$work/data" WATCHPOST_PORT=$WP_PORT WATCHPOST_LOG_LEVEL=warn \
  ./watchpost > "$work/watchpost.log" 2>&1 & wp_pid=$!
until curl -fs "127.0.0.1:$WP_PORT/readyz" >/dev/null 2>&1; do
  kill -0 "$wp_pid" 2>/dev/null || { cat "$work/watchpost.log" >&2; exit 1; }
  sleep 0.1
done
echo "ready after $(( ($(date +%s%N) - t0) / 1000000 )) ms"

time_of() { curl -fsS -o /dev/null -w '%{time_total}' "127.0.0.1:$WP_PORT$1"; }
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.0f", v[int((NR + 1) / 2)] * 1000 }'; }
measure() { # $1 = path: first request, then the median of RUNS
  local first; first=$(time_of "$1")
  local med; med=$(for _ in $(seq "$RUNS"); do time_of "$1"; echo; done | median)
  printf '  %-40s first %6.0f ms, median of %d %5s ms\n' "$1" "$(awk -v t="$first" 'BEGIN { print t * 1000 }')" "$RUNS" "$med"
}
measure /
measure /status.json
measure /api/v1/targets/g0/p0/history
measure '/api/v1/targets/g0/p0/history?days=365'
echo "  html: $(curl -s -o /dev/null -w '%{size_download}' "127.0.0.1:$WP_PORT/") bytes"
# The page keeps its history read until the next flush (every 60 s): GET / right after one reads it anew.
sleep 62
printf '  %-40s %6.0f ms (history read anew after a flush)\n' "/ after the next flush" "$(awk -v t="$(time_of /)" 'BEGIN { print t * 1000 }')"
echo "server RSS: $(awk '/VmRSS/ {printf "%.0f MB", $2/1024}' /proc/$wp_pid/status)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $("$JDK/bin/java" -version 2>&1 | head -1), $(date -u +%F)"
