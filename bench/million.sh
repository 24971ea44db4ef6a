#!/usr/bin/env bash
# One million push targets: heap per target and lease-expiry lateness when all go quiet at once.
# Usage: bench/million.sh [targets] [lease-seconds]
. "$(dirname "$0")/harness.sh"
bench_java 4g MillionTargets "$@"
