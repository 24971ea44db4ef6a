#!/usr/bin/env bash
# How long a burst of state changes takes to be recorded: every target changes state at once and
# the transitions (with the stored state and the alerts' rows in their transaction) and the
# checkpoints are written to SQLite. The writer thread's cost, not the hot path's.
# Usage: bench/transitions.sh [targets] [rounds]   (defaults 200,000 and 6)
. "$(dirname "$0")/harness.sh"
bench_java 2g TransitionWrites "$@"
