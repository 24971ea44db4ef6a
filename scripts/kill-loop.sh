#!/usr/bin/env bash
# The kill -9 loop under flapping load: starts the real server (a child JVM, its own SQLite file),
# makes every target of a sharded group flap as fast as the server takes batches, kills the process
# with SIGKILL at a random moment, restarts it, and counts after every restart
#   restored_stale   targets shown in another state than their last recorded transition's 'to'
#   broken_links     recorded transitions whose 'from' is not the previous one's 'to' (same target)
#   lost_announced   transitions announced on the live feed (/api/v1/stream) but not in the database
# All three must be 0. It is app.CrashRestoreTest, run bigger and longer.
#   scripts/kill-loop.sh                    20 kills, 900 targets, SQLite (4 to 5 minutes on 2 busy cores)
#   scripts/kill-loop.sh 10 300             10 kills, 300 targets
#   scripts/kill-loop.sh 10 900 postgres    also on an embedded PostgreSQL (10 kills there as well)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/find-jdk.sh
export JAVA_HOME=$(find_jdk)
if [ "$(java_major "$JAVA_HOME")" -ge 24 ]; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi

cycles=${1:-20}
targets=${2:-900}
databases=${3:-sqlite}
only=true
[ "$databases" = postgres ] && only=false

echo "kill-loop: $cycles kills under flapping load, $targets targets ($databases)" >&2
rm -f watchpost-server/target/surefire-reports/*CrashRestoreTest*
set +e
./mvnw -B -q -pl watchpost-server test -Dtest=CrashRestoreTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dcrash.cycles="$cycles" -Dcrash.pg-cycles="$cycles" -Dcrash.targets="$targets" -Dcrash.sqlite-only="$only" \
  > target/kill-loop.log 2>&1
status=$?
set -e
grep -h "^crash-restore:" target/kill-loop.log watchpost-server/target/surefire-reports/*CrashRestoreTest*.txt 2>/dev/null \
  | sort -u || true
if [ $status -ne 0 ]; then
  echo "kill-loop: inconsistencies found (or the run failed): see target/kill-loop.log" >&2
  exit 1
fi
echo "kill-loop: 0 inconsistencies" >&2
