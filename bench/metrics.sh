#!/usr/bin/env bash
# Prometheus scrapes with many targets: /metrics (totals) against /metrics/targets (one series per
# target and family, plain and gzip), timed with curl; the server's CPU and allocation per scrape.
# Usage: bench/metrics.sh [targets] [runs]   (defaults 10000 5; 1000000 3 for a million)
. "$(dirname "$0")/harness.sh"
bench_java 4g MetricsScrape "$@"
