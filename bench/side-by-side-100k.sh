#!/usr/bin/env bash
# 100,000 connections side by side (docs/BENCHMARKS.md): bench/run-100k.sh against this service's nodes, then
# the same run against nginx + Nchan (SERVER=nchan): the same load clients, source addresses, ports and
# broadcast schedule, one after the other, then both reports.
#   bench/side-by-side-100k.sh [CONNECTIONS=100000]   (env as bench/run-100k.sh; SERVERS="node nchan")
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for server in ${SERVERS:-node nchan}; do
    SERVER="$server" bench/run-100k.sh "${1:-100000}"
done
echo
for server in ${SERVERS:-node nchan}; do
    dir="$(ls -d target/bench/100k-"$server"-* | tail -1)"   # this run's: the names end in its start time
    echo "== $dir"
    grep -E "ramp done|server RSS|broadcast phase|completion|latency|lost|missing|dropped" "$dir/run.log" || true
done
