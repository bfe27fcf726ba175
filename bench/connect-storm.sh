#!/usr/bin/env bash
# The connect storm (docs/BENCHMARKS.md, issue 17): ATTEMPTS subscribes within SECONDS against one node
# capped at CAP connections (SSE_MAX_CONNECTIONS), from two client processes (one holds at most ~19,000
# sockets here), while a probe asks the management port's /health/live every 100 ms; then one broadcast
# to the streams held. Reports attempts by answer (200, 503 with Retry-After, other statuses, resets,
# hangs), the probe's worst answer time, and when the held streams got the broadcast.
#   bench/connect-storm.sh [ATTEMPTS=20000] [SECONDS=5] [CAP=15000]
# All attempts come from loopback, one address: the per-address subscribe rate limit is off here (as
# scripts/cluster.sh has it), standing for 20,000 clients with addresses of their own.
# JFR=1 records a Flight Recorder profile of the node during the storm (target/bench/<tag>.jfr).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ATTEMPTS="${1:-20000}"; SECONDS_="${2:-5}"; CAP="${3:-15000}"
export SSE_CLUSTER_BASE_PORT="${SSE_CLUSTER_BASE_PORT:-9380}"
export SSE_BROKER_PORT="${SSE_BROKER_PORT:-61636}"
export SSE_MAX_CONNECTIONS="$CAP"
JAVA25="$(scripts/java-home.sh)" || { echo "needs a JDK 24+ (set SSE_JAVA_HOME)" >&2; exit 1; }
OUT=target/bench; mkdir -p "$OUT"
TAG="storm-a$ATTEMPTS-s$SECONDS_-c$CAP"
NODE="http://127.0.0.1:$SSE_CLUSTER_BASE_PORT"
MANAGEMENT="http://127.0.0.1:$((SSE_CLUSTER_BASE_PORT + 10))"
scripts/cluster.sh start 1
trap 'scripts/cluster.sh stop >/dev/null 2>&1 || true' EXIT
PID="$(cat "target/cluster-$SSE_CLUSTER_BASE_PORT/servers/.pid/node1.pid")"
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
sys_cpu() { awk '{print $15}' "/proc/$1/stat"; }
TICKS=$(getconf CLK_TCK)
# A node in service has compiled its subscribe path: a smaller storm first, its connections closed at once.
"$JAVA25/bin/java" -Xmx1g bench/ConnectStorm.java --node "$NODE" --attempts "${WARMUP_ATTEMPTS:-6000}" --seconds 10 \
    --user-offset 100000 --warmup > "$OUT/$TAG-warmup.log" 2>&1
grep -h "RESULT" "$OUT/$TAG-warmup.log" | sed 's/^/warm-up: /'
for _ in $(seq 1 60); do
    [ "$(curl -s "$MANAGEMENT/metrics" | awk '/^sse_connections_active/ {print int($2)}')" = 0 ] && break
    sleep 1
done
sleep 5
if [ "${JFR:-0}" = 1 ]; then
    "$JAVA25/bin/jcmd" "$PID" JFR.start name=storm settings=profile filename="$(pwd)/$OUT/$TAG.jfr" >/dev/null
fi
FIRST=$((ATTEMPTS / 2))
"$JAVA25/bin/java" -Xmx1g bench/ConnectStorm.java --node "$NODE" --attempts "$FIRST" --seconds "$SECONDS_" \
    --user-offset 0 --hold 120 --probe "$MANAGEMENT/health/live" --json "$OUT/$TAG-1.json" > "$OUT/$TAG-1.log" 2>&1 &
ONE=$!
"$JAVA25/bin/java" -Xmx1g bench/ConnectStorm.java --node "$NODE" --attempts "$((ATTEMPTS - FIRST))" --seconds "$SECONDS_" \
    --user-offset "$FIRST" --hold 120 --json "$OUT/$TAG-2.json" > "$OUT/$TAG-2.log" 2>&1 &
TWO=$!
CPU0=$(cpu "$PID"); SYS0=$(sys_cpu "$PID")
for _ in $(seq 1 120); do
    grep -q "storm done" "$OUT/$TAG-1.log" && grep -q "storm done" "$OUT/$TAG-2.log" && break
    sleep 1
done
CPU1=$(cpu "$PID"); SYS1=$(sys_cpu "$PID")
if [ "${JFR:-0}" = 1 ]; then
    "$JAVA25/bin/jcmd" "$PID" JFR.stop name=storm >/dev/null
    "$JAVA25/bin/jfr" view --width 200 hot-methods "$OUT/$TAG.jfr" | head -40
fi
ACTIVE=$(curl -s "$MANAGEMENT/metrics" | awk '/^sse_connections_active/ {print $2}')
sleep 3
"$JAVA25/bin/java" bench/ConnectStorm.java --publish-only "$MANAGEMENT"
wait "$ONE" "$TWO" || true
grep -h "storm done\|RESULT" "$OUT/$TAG-1.log" "$OUT/$TAG-2.log"
echo "node: sse_connections_active=$ACTIVE after the storm; node CPU during the storm: $(( (CPU1 - CPU0) / TICKS )) s ($(( (SYS1 - SYS0) / TICKS )) s of it system)"
