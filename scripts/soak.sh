#!/usr/bin/env bash
# Soak: heartbeats at a steady rate for a long time; every minute one line with the rate reached,
# latency percentiles, the process's RSS and the heap in use. After the warm-up, RSS and p99 should
# stay flat (docs/reliability.md).
# Usage: scripts/soak.sh                 (DURATION_MIN=60, RATE about 10,000/s, TARGETS=1000)
#        DURATION_MIN=5 scripts/soak.sh  (a quick look)
#        JAVA_OPTS=-Xmx2g scripts/soak.sh (the launcher's default heap limit replaced)
#        HISTO_AT="5 30 60" scripts/soak.sh (after those minutes: a full GC, the live heap in the row
#                                          and the class histogram kept in SOAK_OUT)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/find-jdk.sh
JDK=$(find_jdk)
export JAVA_HOME=$JDK
DURATION_MIN=${DURATION_MIN:-60}
WARMUP_MIN=${WARMUP_MIN:-$(( DURATION_MIN >= 10 ? 5 : 1 ))}
CONNECTIONS=${CONNECTIONS:-20}
export DELAY_MS=${DELAY_MS:-2}          # 20 connections x 1 request / 2 ms = 10,000/s
export TARGETS=${TARGETS:-1000}
PORT=${PORT:-18090}
HISTO_AT=" ${HISTO_AT:-} "
SOAK_OUT=${SOAK_OUT:-/tmp/watchpost-soak-$(date +%Y%m%d-%H%M%S)}
command -v wrk >/dev/null || { echo "soak: wrk is needed (apt-get install wrk)" >&2; exit 1; }

./watchpost --help >/dev/null                      # builds the server and its start-up archive
work=$(mktemp -d)
cleanup() { kill "${wp_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cat > "$work/watchpost.yml" <<YML
groups:
  - id: soak
    shards: $TARGETS
    lease: 1m
YML
export TOKEN=soak-ingest-token-00000000001
WATCHPOST_CONFIG="$work/watchpost.yml" WATCHPOST_DATA="$work/data" WATCHPOST_PORT=$PORT \
  WATCHPOST_INGEST_TOKEN=$TOKEN WATCHPOST_ADMIN_TOKEN=soak-admin-token-0000000001 WATCHPOST_LOG_LEVEL=warn \
  ./watchpost > "$work/watchpost.log" 2>&1 & wp_pid=$!
until curl -fs "127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do
  kill -0 "$wp_pid" 2>/dev/null || { cat "$work/watchpost.log" >&2; exit 1; }
  sleep 0.1
done

rss_mb() { awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$wp_pid/status"; }
heap_mb() { # the heap in use (live objects and garbage not yet collected) and what the JVM holds for it
  curl -s "127.0.0.1:$PORT/metrics" | awk '/^jvm_memory_used_bytes\{.*area="heap"/ {u += $NF}
    /^jvm_memory_committed_bytes\{.*area="heap"/ {c += $NF} END {printf "%.0f %.0f", u / 1048576, c / 1048576}'
}
live_mb() { # forces a full GC: the heap that is still reachable, and the histogram kept for later
  mkdir -p "$SOAK_OUT"
  "$JDK/bin/jcmd" "$wp_pid" GC.class_histogram > "$SOAK_OUT/histogram-minute-$1.txt" 2>/dev/null || { echo "?"; return; }
  awk '/^Total/ {printf "%.0f", $3 / 1048576}' "$SOAK_OUT/histogram-minute-$1.txt"
}
ms() { # wrk's latency figure (us, ms or s) in milliseconds
  awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.2f", v / 1000; else if (v ~ /ms$/) printf "%.2f", v + 0; else printf "%.2f", v * 1000 }'
}

echo "soak: $DURATION_MIN min, $CONNECTIONS connections x 1 per ${DELAY_MS} ms (~$(( CONNECTIONS * 1000 / DELAY_MS ))/s), $TARGETS targets; JAVA_OPTS='${JAVA_OPTS:-}'"
echo "start: RSS $(rss_mb) MB, heap in use and committed $(heap_mb) MB"
printf '%-6s %-9s %-8s %-8s %-8s %-8s %-7s %-7s %-7s %-7s %s\n' minute req/s p50_ms p90_ms p99_ms max_ms rss_MB heap_MB commit live_MB errors
: > "$work/rows"
for minute in $(seq 1 "$DURATION_MIN"); do
  out=$(wrk -t2 -c"$CONNECTIONS" -d60s --latency -s bench/paced.lua "http://127.0.0.1:$PORT/")
  rate=$(echo "$out" | awk '/^Requests\/sec:/ {printf "%.0f", $2}')
  p50=$(ms "$(echo "$out" | awk '$1=="50%" {print $2}')")
  p90=$(ms "$(echo "$out" | awk '$1=="90%" {print $2}')")
  p99=$(ms "$(echo "$out" | awk '$1=="99%" {print $2}')")
  max=$(ms "$(echo "$out" | awk '/^    Latency/ {print $4}')")
  errs=$(echo "$out" | awk '/Non-2xx|Socket errors/ {printf "%s ", $0}')
  live=-
  [[ "$HISTO_AT" == *" $minute "* ]] && live=$(live_mb "$minute")
  read -r heap commit <<< "$(heap_mb)"
  row=$(printf '%-6s %-9s %-8s %-8s %-8s %-8s %-7s %-7s %-7s %-7s %s' "$minute" "$rate" "$p50" "$p90" "$p99" "$max" "$(rss_mb)" "$heap" "$commit" "$live" "${errs:-0}")
  echo "$row"; echo "$row" >> "$work/rows"
done
awk -v w="$WARMUP_MIN" '
  $1 > w { n++; if (n == 1 || $7 < rmin) rmin = $7; if ($7 > rmax) rmax = $7; if (n == 1 || $5 < pmin) pmin = $5; if ($5 > pmax) pmax = $5; rate += $2 }
  END { if (n == 0) { print "summary: no minutes after the warm-up"; exit }
        printf "after the %d-minute warm-up (%d minutes): rate %.0f/s; RSS %d..%d MB (%+.0f%%); p99 %.2f..%.2f ms\n",
               w, n, rate / n, rmin, rmax, (rmax - rmin) * 100 / rmin, pmin, pmax }' "$work/rows"
[ -d "$SOAK_OUT" ] && echo "class histograms (live objects after a full GC): $SOAK_OUT"
grep -E "ERROR|Exception" "$work/watchpost.log" | head -5 || true
