#!/usr/bin/env bash
# Memory per idle connection on one node: starts a node, measures RSS and heap (after a full GC)
# with no connections, opens N SSE connections with bench/SseLoad.java, measures again while
# they are held, then stops the node. Usage: bench/idle-connections.sh [N] [HOLD_SECONDS]
# LOAD_ARGS adds options of bench/SseLoad.java, e.g. "--topics 1000" (10 topics per connection).
# HEAP_DUMP=1 also writes a heap dump (target/bench/idle.hprof) and lists its byte arrays by length.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N="${1:-10000}"
HOLD="${2:-60}"
JAVA25="$(scripts/java-home.sh)" || { echo "needs a JDK 24+ (set SSE_JAVA_HOME)" >&2; exit 1; }
export JAVA_HOME="$JAVA25"
# Benchmarks measure the delivery path: no tokens, and no rate limits (every client is on loopback).
export SSE_SECURITY=open SSE_RATE_SUBSCRIBE_PER_SECOND=0 SSE_RATE_PUBLISH_PER_SECOND=0
WLP=target/liberty/wlp
LOG=target/bench; mkdir -p "$LOG"

./mvnw -q -B -DskipTests package liberty:create liberty:install-feature liberty:deploy
# Native memory tracking (a few % overhead) so the report can say where the RSS goes.
JVM_ARGS="${JVM_ARGS:-} -XX:NativeMemoryTracking=summary" "$WLP/bin/server" start defaultServer >/dev/null
trap '"$WLP/bin/server" stop defaultServer >/dev/null 2>&1 || true' EXIT
for _ in $(seq 1 60); do curl -sf -o /dev/null -m 2 -X POST 'http://127.0.0.1:9080/sse/broadcast?message=warmup' && break; sleep 1; done
PID="$(cat "$WLP/usr/servers/.pid/defaultServer.pid")"

sample() { # prints "rss_kb heap_used_kb heap_committed_kb"
    "$JAVA_HOME/bin/jcmd" "$PID" GC.run >/dev/null
    sleep 2
    local rss info heap committed
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
    info=$("$JAVA_HOME/bin/jcmd" "$PID" GC.heap_info | grep -m1 'committed')
    heap=$(grep -o 'used [0-9]*K' <<<"$info" | tr -dc 0-9)
    committed=$(grep -o 'committed [0-9]*K' <<<"$info" | tr -dc 0-9)
    echo "$rss $heap $committed"
}
read -r RSS0 HEAP0 COMMITTED0 <<<"$(sample)"
echo "baseline: rss=${RSS0} KB heap=${HEAP0} KB (committed ${COMMITTED0} KB)"
# Every live class (the histogram runs a full GC first): diffed below against the same with the connections held.
"$JAVA_HOME/bin/jcmd" "$PID" GC.class_histogram > "$LOG/idle-histogram-before.txt"
"$JAVA_HOME/bin/jcmd" "$PID" VM.native_memory baseline >/dev/null

"$JAVA_HOME/bin/java" -Xmx512m -cp "$(bench/classpath.sh)" bench/SseLoad.java --nodes http://127.0.0.1:9080 --connections "$N" --rate 1000 \
    --hold "$HOLD" ${LOAD_ARGS:-} > "$LOG/idle-client.log" 2>&1 &
CLIENT=$!
for _ in $(seq 1 600); do grep -q "ramp done" "$LOG/idle-client.log" && break; sleep 1; done
sleep 10
read -r RSS1 HEAP1 COMMITTED1 <<<"$(sample)"
# What the heap holds per connection: the largest classes after the GC, and every class's growth.
"$JAVA_HOME/bin/jcmd" "$PID" GC.class_histogram > "$LOG/idle-histogram-after.txt"
head -30 "$LOG/idle-histogram-after.txt" > "$LOG/idle-histogram.txt"
# HEAP_DUMP=1: a heap dump too, and its byte arrays by length (bench/HprofArrays.java).
if [ "${HEAP_DUMP:-0}" = 1 ]; then
    rm -f "$(pwd)/$LOG/idle.hprof"
    "$JAVA_HOME/bin/jcmd" "$PID" GC.heap_dump "$(pwd)/$LOG/idle.hprof" >/dev/null
    "$JAVA_HOME/bin/java" bench/HprofArrays.java "$LOG/idle.hprof" 15 | tee "$LOG/idle-arrays.txt"
fi
# Native memory beside the heap (direct buffers are most of it).
"$JAVA_HOME/bin/jcmd" "$PID" VM.native_memory summary.diff > "$LOG/idle-nmt.txt" 2>&1 || true
THREADS=$(ls "/proc/$PID/task" | wc -l)
wait "$CLIENT" || true
cat "$LOG/idle-client.log" | grep -E "ramp done|RESULT|failure"
echo "with $N connections: rss=${RSS1} KB heap=${HEAP1} KB (committed ${COMMITTED1} KB) platform-threads=${THREADS}"
echo "native memory growth by category (committed KB; all of it in $LOG/idle-nmt.txt):"
grep -E '^-? *[A-Za-z ]+ \(reserved=' "$LOG/idle-nmt.txt" | sed -E 's/^-? *([A-Za-z ]+) \(reserved=[^,]*, committed=([0-9]+KB)( [+-][0-9]+KB)?.*/  \1: \2\3/' || true
# Growth per connection by owner: classes grouped by where they come from (JDK classes such as byte[]
# and HashMap$Node belong to whoever allocated them: listed apart, by class).
bench/heap-owners.sh "$LOG/idle-histogram-before.txt" "$LOG/idle-histogram-after.txt" "$N" | tee "$LOG/idle-owners.txt"
awk -v n="$N" -v r0="$RSS0" -v r1="$RSS1" -v h0="$HEAP0" -v h1="$HEAP1" 'BEGIN {
    printf "per connection: rss=%.1f KB heap=%.1f KB\n", (r1 - r0) / n, (h1 - h0) / n }'
