#!/usr/bin/env bash
# Presence on a local 3-node cluster (docs/BENCHMARKS.md "Presence"), with bench/PresenceBench.java:
#  1. queries: N connections spread over the three nodes, then QUERIES presence queries one after another
#     (nine user queries to one topic query) on the nodes in turn: latency p50/p99.
#  2. drain: N connections on node1 alone, then node1 stopped gracefully (scripts/cluster.sh stop-node 1);
#     its clients reconnect to node2 and node3 after their retry hints. Counted on the broker from the stop
#     on: control and presence messages, presence changes by type (offline wanted: none), peak messages/s.
#   bench/presence.sh [N=15000] [QUERIES=2000]
# Uses scripts/cluster.sh (broker + three nodes from SSE_CLUSTER_BASE_PORT, default 9380).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N="${1:-15000}"; Q="${2:-2000}"
export SSE_CLUSTER_BASE_PORT="${SSE_CLUSTER_BASE_PORT:-9380}"
export SSE_BROKER_PORT="${SSE_BROKER_PORT:-61636}"
JAVA25="$(scripts/java-home.sh)" || { echo "needs a JDK 24+ (set SSE_JAVA_HOME)" >&2; exit 1; }
HDR="$(bench/classpath.sh)"
JMS_API=target/bench-lib/jakarta.jms-api-3.1.0.jar
[ -f "$JMS_API" ] || ./mvnw -q -B dependency:copy -Dartifact=jakarta.jms:jakarta.jms-api:3.1.0 -DoutputDirectory=target/bench-lib >&2
OUT=target/bench; mkdir -p "$OUT"
scripts/cluster.sh start 3
trap 'scripts/cluster.sh stop >/dev/null 2>&1 || true' EXIT
# The Artemis client jars are the ones the build puts into the resource adapter.
CP="$HDR:$(pwd)/$JMS_API:$(ls "$(pwd)"/target/artemis-ra/*.jar | tr '\n' ':')"
NODE() { echo "http://127.0.0.1:$((SSE_CLUSTER_BASE_PORT + $1 - 1))"; }
BROKER="tcp://127.0.0.1:$SSE_BROKER_PORT"
TAG="presence-n$N-q$Q"

echo "== 1. presence queries, $N connections over three nodes"
/usr/bin/time -f "client CPU: %U s user, %S s system" "$JAVA25/bin/java" -Xmx1g -cp "$CP" bench/PresenceBench.java \
    --nodes "$(NODE 1),$(NODE 2),$(NODE 3)" --connections "$N" --rate 1500 --broker "$BROKER" --prefix q \
    --queries "$Q" --hold 0 2>&1 | tee "$OUT/$TAG-queries.log" | grep -E "ramp done|QUERIES|RESULT|client CPU"

# The first run's connections are found closed at the nodes' next heartbeat (30 s), and go offline after
# the grace; let that pass so the second run has node1 to itself and counts only its own users.
sleep 45
echo "== 2. graceful stop of node1 holding $N connections; clients reconnect to node2 and node3"
/usr/bin/time -f "client CPU: %U s user, %S s system" "$JAVA25/bin/java" -Xmx1g -cp "$CP" bench/PresenceBench.java \
    --nodes "$(NODE 1)" --reconnect-to "$(NODE 2),$(NODE 3)" --connections "$N" --rate 1500 --broker "$BROKER" \
    --prefix d --hold 45 --after-ramp "scripts/cluster.sh stop-node 1" 2>&1 | tee "$OUT/$TAG-drain.log" \
    | grep -E "ramp done|running|done \(|RESULT|RECONNECTS|BROKER|ONLINE|client CPU"
grep -h "Left the cluster\|Drained" "target/cluster-$SSE_CLUSTER_BASE_PORT/servers/node1/logs/messages.log" | tail -3 || true
