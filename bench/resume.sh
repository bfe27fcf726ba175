#!/usr/bin/env bash
# Resuming after a drain (docs/BENCHMARKS.md "History by stream"), on a local 2-node cluster with
# bench/ResumeBench.java: N streams on node1, numbered broadcasts (BROADCASTS/s, REST to node2) and events for users
# nobody holds (NOISE/s, the rest of a large user base, JMS to the broker); then node1 is stopped gracefully
# (scripts/cluster.sh stop-node 1) and its clients resume on node2 with Last-Event-ID after their retry hints.
# Reports when they were live again, resets, gaps and duplicates in their broadcasts, and node2's CPU.
#   bench/resume.sh [N=15000] [BROADCASTS=10] [NOISE=1700] [HOLD=60]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N="${1:-15000}"; BROADCASTS="${2:-10}"; NOISE="${3:-1700}"; HOLD="${4:-60}"
BASE="${SSE_CLUSTER_BASE_PORT:-9080}"
JAVA25="$(scripts/java-home.sh)" || { echo "needs a JDK 24+ (set SSE_JAVA_HOME)" >&2; exit 1; }
HDR="$(bench/classpath.sh)"
JMS_API=target/bench-lib/jakarta.jms-api-3.1.0.jar
[ -f "$JMS_API" ] || ./mvnw -q -B dependency:copy -Dartifact=jakarta.jms:jakarta.jms-api:3.1.0 -DoutputDirectory=target/bench-lib >&2
# Every client and the publisher are on loopback: one address for all of them.
export SSE_RATE_SUBSCRIBE_PER_SECOND=0 SSE_RATE_PUBLISH_PER_SECOND=0 SSE_LOG_CONNECTIONS="${SSE_LOG_CONNECTIONS:-off}"
scripts/cluster.sh stop >/dev/null 2>&1 || true
scripts/cluster.sh start 2
trap 'scripts/cluster.sh stop >/dev/null 2>&1 || true' EXIT
NODE2_PID="$(cat "target/cluster-$BASE/servers/.pid/node2.pid")"
# The Artemis client jars are the ones the build puts into the resource adapter.
CP="$HDR:$(pwd)/$JMS_API:$(ls "$(pwd)"/target/artemis-ra/*.jar | tr '\n' ':')"
"$JAVA25/bin/java" -Xmx1g -cp "$CP" bench/ResumeBench.java --nodes "http://127.0.0.1:$BASE" \
    --reconnect-to "http://127.0.0.1:$((BASE + 1))" --connections "$N" --rate 1500 --broadcast-rate "$BROADCASTS" \
    --noise-rate "$NOISE" --hold "$HOLD" --after-ramp "scripts/cluster.sh stop-node 1" --cpu-pid "$NODE2_PID" \
    --broker "tcp://127.0.0.1:${SSE_BROKER_PORT:-61616}"
