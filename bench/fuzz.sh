#!/usr/bin/env bash
# Fuzz: generated requests (raw bytes: methods, ids, tokens, headers, bodies, framing) over every
# route of the server's route table. Fails on any 5xx, hang, stack trace or ERROR in the server log.
# Usage: bench/fuzz.sh [requests] [seed]      (50,000 by default; a seed repeats a run)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/find-jdk.sh
JDK=$(find_jdk)
export JAVA_HOME=$JDK
./mvnw -B -q -DskipTests package -pl watchpost-bench -am >&2
"$JDK/bin/java" -Xmx1g -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED \
  -cp "watchpost-bench/target/watchpost-bench.jar:watchpost-bench/target/libs/*" dev.watchpost.bench.Fuzz "$@"
