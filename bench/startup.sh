#!/usr/bin/env bash
# Start-up time to ready and idle memory of the server as users start it (./watchpost).
#   bench/startup.sh [runs]      default 10 runs; prints one line per run and a summary
# Each run starts on a fresh data directory (migrations included) and a free port, polls /readyz
# until it answers 200, then waits 5 s idle and reads the process's resident set size.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
port=${BENCH_PORT:-18080}

./watchpost --help >/dev/null 2>&1 || true   # builds the jar when sources changed
# One start to create the class-data-sharing archive, as a user's first start does.
first_data=$(mktemp -d)
WATCHPOST_DATA=$first_data WATCHPOST_PORT=$port ./watchpost >/dev/null 2>&1 & pid=$!
until curl -fs "127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.05; done
kill -TERM $pid; wait $pid 2>/dev/null || true; rm -rf "$first_data"

ready=(); rss=()
for i in $(seq 1 "$runs"); do
  data=$(mktemp -d)
  t0=$(date +%s%N)
  WATCHPOST_DATA=$data WATCHPOST_PORT=$port ./watchpost >/dev/null 2>&1 & pid=$!
  until curl -fs "127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.01; done
  t1=$(date +%s%N)
  sleep 5
  kb=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status)
  kill -TERM $pid; wait $pid 2>/dev/null || true
  rm -rf "$data"
  ms=$(( (t1 - t0) / 1000000 )); mb=$(( kb / 1024 ))
  ready+=("$ms"); rss+=("$mb")
  echo "run $i: ready ${ms} ms, idle RSS ${mb} MB"
done
stats() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "min %d, median %d, max %d", a[1], a[int((NR+1)/2)], a[NR]}'; }
echo "ready (ms):    $(stats "${ready[@]}")"
echo "idle RSS (MB): $(stats "${rss[@]}")"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
