#!/usr/bin/env bash
# One node, N connections, M broadcasts at R/s through the relay; reports fan-out latency,
# completion time, loss, node memory and CPU, client CPU. Optionally S stalled clients
# (connected, never reading) among the N, for slow-consumer isolation.
#   bench/fanout.sh [N=15000] [M=100] [R=2] [S=0] [PAYLOAD_BYTES=100]
# Uses scripts/cluster.sh (broker + one node on SSE_CLUSTER_BASE_PORT, default 9380).
# WARMUP (default 20) broadcasts go first and are left out of latency and completion (the JIT
# compiles the write path on them); they are still checked for loss.
# JFR=1 records a Flight Recorder profile of the node during the publish phase
# (target/bench/<tag>.jfr) and prints its hot methods.
# LOAD_ARGS adds options of bench/SseLoad.java (topics: "--topics 1000 --shared-topic shared
# --alternate-topic shared", or "--topics 1000 --topic-storm 1000:60"); HOLD_SECONDS sets how long the
# connections are held after the ramp (default: the publishing time + 30 s).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N="${1:-15000}"; M="${2:-100}"; R="${3:-2}"; S="${4:-0}"; B="${5:-100}"; W="${WARMUP:-20}"
export SSE_CLUSTER_BASE_PORT="${SSE_CLUSTER_BASE_PORT:-9380}"
export SSE_BROKER_PORT="${SSE_BROKER_PORT:-61636}"
JAVA25="$(scripts/java-home.sh)" || { echo "needs a JDK 24+ (set SSE_JAVA_HOME)" >&2; exit 1; }
CP="$(bench/classpath.sh)"
OUT=target/bench; mkdir -p "$OUT"
ROOT_OUT="$(pwd)/$OUT"
TAG="fanout-n$N-m$M-r$R-s$S-b$B-w$W${LOAD_ARGS:+-$(echo "$LOAD_ARGS" | tr -c 'A-Za-z0-9' '_' | tr -s '_')}"
scripts/cluster.sh start 1
trap 'scripts/cluster.sh stop >/dev/null 2>&1 || true' EXIT
PID="$(cat "target/cluster-$SSE_CLUSTER_BASE_PORT/servers/.pid/node1.pid")"
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # user+system clock ticks
TICKS=$(getconf CLK_TCK)
RSS0=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
HOLD="${HOLD_SECONDS:-$(( (M + W) / R + 30 ))}"
/usr/bin/time -f "client CPU (whole run): %U s user, %S s system" -o "$OUT/$TAG.time" \
    "$JAVA25/bin/java" -Xmx1g -cp "$CP" bench/SseLoad.java --nodes "http://127.0.0.1:$SSE_CLUSTER_BASE_PORT" --connections "$N" \
    --rate 1500 --hold "$HOLD" --publish "$M" --warmup "$W" --publish-rate "$R" --stalled "$S" --payload-bytes "$B" \
    --json "$OUT/$TAG.json" ${LOAD_ARGS:-} > "$OUT/$TAG.log" 2>&1 &
CLIENT=$!
for _ in $(seq 1 900); do grep -q "ramp done" "$OUT/$TAG.log" && break; sleep 1; done
sleep 5
CPU_SERVER0=$(cpu "$PID")
if [ "${JFR:-0}" = 1 ]; then
    "$JAVA25/bin/jcmd" "$PID" JFR.start name=fanout settings=profile filename="$ROOT_OUT/$TAG.jfr" >/dev/null
fi
RSS1=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
wait "$CLIENT" || true
CPU_SERVER1=$(cpu "$PID")
if [ "${JFR:-0}" = 1 ]; then
    "$JAVA25/bin/jcmd" "$PID" JFR.stop name=fanout >/dev/null
    "$JAVA25/bin/jfr" view --width 160 hot-methods "$OUT/$TAG.jfr" | head -30
fi
grep -E "ramp done|RESULT|SUMMARY|STORM|published|failure" "$OUT/$TAG.log"
echo "node RSS: ${RSS0} KB idle -> ${RSS1} KB with $N connections"
echo "server CPU from ramp done to the end: $(( (CPU_SERVER1 - CPU_SERVER0) / TICKS )) s"
cat "$OUT/$TAG.time"
