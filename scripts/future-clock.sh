#!/usr/bin/env bash
# Runs the whole test suite with the process clock moved ahead (one year and five years by default), to
# prove no test depends on the day it runs: a test that mixes a fixed test clock with something made
# at the real time (a certificate, SQL now(), a file time) fails here long before it fails on main.
#   scripts/future-clock.sh              +1y, then +5y
#   scripts/future-clock.sh +400d        any offsets faketime understands
# Needs Debian's faketime (apt-get install faketime). The dependencies are fetched first at the real
# time: Maven Central's certificate would not be valid five years from now.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/find-jdk.sh

if ! command -v faketime >/dev/null 2>&1; then
  echo "future-clock: needs faketime: apt-get install faketime" >&2
  exit 1
fi
export JAVA_HOME=$(find_jdk)
if [ "$(java_major "$JAVA_HOME")" -ge 24 ]; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi

offsets=("$@")
[ ${#offsets[@]} -eq 0 ] && offsets=(+1y +5y)

# Everything the build and the tests need, at the real time.
./mvnw -B -q verify -Dtest=HtmlTest -Dsurefire.failIfNoSpecifiedTests=false >/dev/null

for offset in "${offsets[@]}"; do
  echo "future-clock: the whole suite at $offset ($(faketime -f "$offset" date -u '+%Y-%m-%d %H:%M UTC'))" >&2
  # Both the wall and the monotonic clock move by the same offset (leaving the monotonic clock real
  # made the JDK's TLS handshakes fail under the preloaded library). -o: no network at the faked time.
  faketime -f "$offset" ./mvnw -B -o verify
done
echo "future-clock: green at ${offsets[*]}" >&2
