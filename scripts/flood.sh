#!/usr/bin/env bash
# Connection floods: does the server keep answering /healthz, and does it recover?
# Three phases, one after the other, each held HOLD seconds while a second client address
# (127.0.0.2) asks /healthz four times a second:
#   idle          CONNECTIONS (3000) connections that send nothing;
#   slow headers  SLOW (1000) connections sending a request head one byte a second;
#   slow body     SLOW (1000) POSTs of a 1 MB body sent one byte a second (with an ingest token);
# then everything is closed and the time until /healthz answers 200 again is measured.
# About 1.5 minutes with the defaults.
#
# Usage: scripts/flood.sh              start a server (./watchpost) with NOFILE (1024) descriptors
#                                      and flood it; server settings from the environment, e.g.
#                                      WATCHPOST_MAX_CONNECTIONS_PER_ADDRESS=0 for one proxy address
#        scripts/flood.sh URL [TOKEN]  flood a server already running at URL (ingest TOKEN optional)
# env: CONNECTIONS=3000 SLOW=1000 HOLD=20 NOFILE=1024 WP_PORT=18090, FLOOD_LOG=FILE keeps the server log
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/find-jdk.sh
JDK=$(find_jdk)
export JAVA_HOME=$JDK
CONNECTIONS=${CONNECTIONS:-3000}
SLOW=${SLOW:-1000}
HOLD=${HOLD:-20}
NOFILE=${NOFILE:-1024}
WP_PORT=${WP_PORT:-18090}
TOKEN=flood-ingest-token-00000001

need=$(( CONNECTIONS + 200 ))
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt "$need" ]; then
  echo "flood: this shell may open only $(ulimit -Hn) descriptors; the flood needs $need (ulimit -n)" >&2
  exit 1
fi

wp_pid=""
work=$(mktemp -d)
cleanup() { [ -n "$wp_pid" ] && kill "$wp_pid" 2>/dev/null; wait 2>/dev/null || true; if [ -n "${FLOOD_LOG:-}" ]; then cp "$work/watchpost.log" "$FLOOD_LOG" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT

if [ $# -ge 1 ]; then
  url=$1
  TOKEN=${2:-}
  echo "flood: $url"
else
  command -v prlimit >/dev/null || { echo "flood: prlimit (util-linux) is needed to start a server" >&2; exit 1; }
  ./watchpost --help >/dev/null # builds the server
  WATCHPOST_DATA="$work/data" WATCHPOST_PORT=$WP_PORT WATCHPOST_INGEST_TOKEN=$TOKEN \
    prlimit --nofile="$NOFILE:$NOFILE" ./watchpost > "$work/watchpost.log" 2>&1 & wp_pid=$!
  until curl -fs "127.0.0.1:$WP_PORT/readyz" >/dev/null 2>&1; do
    kill -0 "$wp_pid" 2>/dev/null || { cat "$work/watchpost.log" >&2; exit 1; }
    sleep 0.2
  done
  url="http://127.0.0.1:$WP_PORT"
  echo "flood: a server with $NOFILE descriptors (max-connections ${WATCHPOST_MAX_CONNECTIONS:-auto}," \
    "per address ${WATCHPOST_MAX_CONNECTIONS_PER_ADDRESS:-100}, idle timeout ${WATCHPOST_IDLE_TIMEOUT:-5m})"
fi
echo "machine: $(nproc) cores, $("$JDK/bin/java" -version 2>&1 | head -1), $(date -u +%F)"

status=0
"$JDK/bin/java" -Xss256k scripts/Flood.java "$url" "$CONNECTIONS" "$SLOW" "$HOLD" "$TOKEN" || status=$?

if [ -n "$wp_pid" ]; then
  if kill -0 "$wp_pid" 2>/dev/null; then
    echo "server: running, RSS $(awk '/VmRSS/ {printf "%.0f MB", $2/1024}' "/proc/$wp_pid/status")"
  else
    wait "$wp_pid" || echo "server: exited with code $?"
    wp_pid=""
  fi
  echo "server log: $(grep -c 'event=connections.refused' "$work/watchpost.log" || true) refusal lines," \
    "$(grep -c 'terminating now' "$work/watchpost.log" || true) listener failures," \
    "$(grep -c 'event=server.listener_lost' "$work/watchpost.log" || true) exits for a lost listener," \
    "$(grep -c ' ERROR ' "$work/watchpost.log" || true) ERROR lines"
  grep -E ' (ERROR|WARN) ' "$work/watchpost.log" | cut -c1-220 | sort -k3 | uniq -f2 -c | head -8 || true
fi
exit $status
