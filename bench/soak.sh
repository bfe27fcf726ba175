#!/usr/bin/env bash
# The churn soak (docs/BENCHMARKS.md, "Churn soak"): one node (with its broker, tokens on, default settings),
# 5,000 steady subscribers (above the hub's parallel fan-out threshold of 2,048 users, where fan-outs and heartbeat
# walks run on the pool; every change to the delivery path runs this before it lands) that must receive every
# broadcast answered 202, whose liveness is asked every second, and 300 churners that connect and leave in every way a client can (close, reset, stop reading, replaced by a second connection, resume with
# Last-Event-ID, topics in the URL, tokens that expire), with server-side subscription changes aimed at churning
# users, a publisher on broadcasts, topics and users, and presence queries (bench/Soak.java). 20,000 events first
# fill the node's bounded windows (replay, recent ids), and a minute of the churn makes what a node makes once (the
# first request of each kind, per-endpoint metrics), so the heap check finds only what grows. The node's heap
# after a full GC, open files, threads and RSS are sampled before, during and after; after the churn and a
# heartbeat interval the node must hold only the steady ones. Loopback only; bounded by MINUTES.
#   bench/soak.sh MINUTES            e.g. bench/soak.sh 30
# Environment (optional): STEADY (5000), CHURNERS (300), SSE_CLUSTER_BASE_PORT (9080), SSE_BROKER_PORT (61616).
# Writes target/bench/soak.log (the load's lines), target/bench/soak-samples.txt and target/bench/soak-summary.txt;
# exits non-zero when a check fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MINUTES="${1:?usage: bench/soak.sh MINUTES}"
STEADY="${STEADY:-5000}"
CHURNERS="${CHURNERS:-300}"
BASE="${SSE_CLUSTER_BASE_PORT:-9080}"
JAVA25="$(scripts/java-home.sh)" || { echo "needs a JDK 24+ (set SSE_JAVA_HOME)" >&2; exit 1; }
OUT=target/bench; mkdir -p "$OUT"
LOG="$OUT/soak.log" SAMPLES="$OUT/soak-samples.txt" SUMMARY="$OUT/soak-summary.txt"
HEARTBEAT=30   # the default: the soak runs the node as shipped

./mvnw -q -B -DskipTests package >&2
scripts/dev-token.sh soak >/dev/null   # makes target/dev-keys on first use
export SSE_SECURITY=jwt MP_JWT_VERIFY_PUBLICKEY_LOCATION="$(pwd)/target/dev-keys/public.pem" MP_JWT_VERIFY_ISSUER=massive-sse-dev
# Every client is on loopback: one address for all of them.
export SSE_RATE_SUBSCRIBE_PER_SECOND=0 SSE_RATE_PUBLISH_PER_SECOND=0
# One log line per connect and per close would be most of the node's disk writes (server.xml's switch).
export SSE_LOG_CONNECTIONS="${SSE_LOG_CONNECTIONS:-off}"
scripts/cluster.sh stop >/dev/null 2>&1 || true
scripts/cluster.sh start 1
trap 'scripts/cluster.sh stop >/dev/null 2>&1 || true' EXIT
PID="$(cat "target/cluster-$BASE/servers/.pid/node1.pid")"

sample() { # label: heap used after a full GC (KB), open files, threads, RSS (KB)
    "$JAVA25/bin/jcmd" "$PID" GC.run >/dev/null
    sleep 2
    local heap files threads rss
    heap=$("$JAVA25/bin/jcmd" "$PID" GC.heap_info | grep -m1 -o 'used [0-9]*K' | tr -dc 0-9)
    files=$(ls "/proc/$PID/fd" | wc -l)
    threads=$(ls "/proc/$PID/task" | wc -l)
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
    echo "$1 $(date -u +%H:%M:%S) heap_kb=$heap files=$files threads=$threads rss_kb=$rss" | tee -a "$SAMPLES"
}
: > "$SAMPLES"
sample idle

rm -f "$OUT/soak.release"
"$JAVA25/bin/java" -Xmx1g bench/Soak.java --node "http://127.0.0.1:$BASE" --management "http://127.0.0.1:$((BASE + 10))" \
    --steady "$STEADY" --churners "$CHURNERS" --churn-seconds $((MINUTES * 60)) --settle-seconds $((HEARTBEAT + 5)) \
    --before-seconds 20 --release-file "$OUT/soak.release" --jwt-key target/dev-keys/private.pem > "$LOG" 2>&1 &
LOAD=$!
for _ in $(seq 1 420); do grep -q "^steady up" "$LOG" && break; kill -0 "$LOAD" 2>/dev/null || break; sleep 1; done
grep "^steady up" "$LOG" || { cat "$LOG"; exit 1; }
sleep 5
sample before
"$JAVA25/bin/jcmd" "$PID" GC.class_histogram > "$OUT/soak-histogram-before.txt"
read -r HEAP0 FILES0 <<<"$(awk '/^before/ {split($3,h,"="); split($4,f,"="); print h[2], f[2]}' "$SAMPLES")"
# During: every five minutes (a full GC each) until the churn ends.
NEXT=$(( $(date +%s) + 300 ))
while kill -0 "$LOAD" 2>/dev/null && ! grep -q "^churn done" "$LOG"; do
    sleep 5
    if [ "$(date +%s)" -ge "$NEXT" ] && ! grep -q "^churn done" "$LOG"; then sample during; NEXT=$(( NEXT + 300 )); fi
done
while kill -0 "$LOAD" 2>/dev/null && ! grep -q "^checks done" "$LOG"; do sleep 2; done
sample after
"$JAVA25/bin/jcmd" "$PID" GC.class_histogram > "$OUT/soak-histogram-after.txt"
touch "$OUT/soak.release"
wait "$LOAD" || true
read -r HEAP1 FILES1 <<<"$(awk '/^after/ {split($3,h,"="); split($4,f,"="); print h[2], f[2]}' "$SAMPLES")"

{
    echo "bench/soak.sh $MINUTES on $(git rev-parse --short HEAD), $(date -u +%Y-%m-%d), steady=$STEADY churners=$CHURNERS"
    grep -E "^(progress|RESULT|CHECK)" "$LOG" | grep -v "^progress" || true
    grep "^progress" "$LOG" | tail -1 || true
    cat "$SAMPLES"
    echo "heap growth by class, before to after (bytes, the ten largest):"
    awk 'FNR == NR && $1 ~ /^[0-9]+:$/ {before[$4] = $3; next}
         $1 ~ /^[0-9]+:$/ {print $3 - before[$4], $4}' "$OUT/soak-histogram-before.txt" "$OUT/soak-histogram-after.txt" \
        | sort -rn | head -10 || true
    FILES_OK=$(( (FILES1 - FILES0) * 100 <= FILES0 && (FILES0 - FILES1) * 100 <= FILES0 ))
    HEAP_OK=$(( HEAP1 - HEAP0 <= 10240 && HEAP0 - HEAP1 <= 10240 ))
    echo "CHECK open-files-within-1% $([ "$FILES_OK" = 1 ] && echo ok || echo FAIL) before $FILES0, after $FILES1"
    echo "CHECK heap-within-10MB $([ "$HEAP_OK" = 1 ] && echo ok || echo FAIL) before $HEAP0 KB, after $HEAP1 KB ($(( (HEAP1 - HEAP0) / 1024 )) MB)"
} > "$SUMMARY"
cat "$SUMMARY"
! grep -q "FAIL" "$SUMMARY"
