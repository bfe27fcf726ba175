#!/usr/bin/env bash
# Broker failover on a local 3-node cluster over an Artemis HA pair (docs/BENCHMARKS.md "Broker failover"):
# bench/FailoverBench.java publishes RATE events/s with retries while READERS clients read, and kills the
# live broker KILLS times (each time the dead one comes back as the backup before the next kill).
#   bench/failover.sh [KILLS=5] [READERS=30] [RATE=50]
# Uses scripts/cluster.sh with SSE_BROKER_HA=true (nodes from SSE_CLUSTER_BASE_PORT 9380, brokers on
# SSE_BROKER_PORT 61636 and the next port), persistent events.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
K="${1:-5}"; READERS="${2:-30}"; RATE="${3:-50}"
export SSE_CLUSTER_BASE_PORT="${SSE_CLUSTER_BASE_PORT:-9380}" SSE_BROKER_PORT="${SSE_BROKER_PORT:-61636}" SSE_BROKER_HA=true
JAVA25="$(scripts/java-home.sh)" || { echo "needs a JDK 24+ (set SSE_JAVA_HOME)" >&2; exit 1; }
OUT=target/bench; mkdir -p "$OUT"
scripts/cluster.sh start 3
trap 'scripts/cluster.sh stop >/dev/null 2>&1 || true' EXIT
NODES="$(for i in 0 1 2; do printf 'http://127.0.0.1:%d,' $((SSE_CLUSTER_BASE_PORT + i)); done)"
"$JAVA25/bin/java" bench/FailoverBench.java --nodes "${NODES%,}" --readers "$READERS" --rate "$RATE" --kills "$K" \
    2>&1 | tee "$OUT/failover-k$K-r$READERS.log" | grep -vE "^\[broker\]"
