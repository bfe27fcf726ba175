#!/usr/bin/env bash
# The 100,000-connection run on one machine (docs/BENCHMARKS.md): one Artemis broker and NODES
# Liberty nodes (scripts/cluster.sh), CLIENTS load-client processes (bench/SseLoad.java, each under
# the 20,000 open files a process may have here) opening CONNECTIONS SSE connections spread over
# all nodes; held HOLD_SECONDS with heartbeats flowing; then BROADCASTS broadcasts at RATE/s
# (after WARMUP unmeasured ones) published by REST to the first node; then a clean stop.
# Node RSS, heap and CPU are sampled all along; bench/SseReport.java merges the clients' reports.
#
#   bench/run-100k.sh [CONNECTIONS=100000]
#   env: NODES=6 CLIENTS=6 HOLD_SECONDS=300 BROADCASTS=60 RATE=1 WARMUP=5 RAMP_PER_CLIENT=100 (connects/s)
#
# SERVER=nchan runs the same load, addresses and broadcast schedule against nginx + Nchan (../shared/peers,
# copied to target/peers; Debian's nginx and libnginx-mod-nchan installed when missing): NCHAN_WORKERS (7)
# workers listening on NODES ports (one per node's port, so the clients' source ports suffice), all sharing
# each port (reuseport). bench/side-by-side-100k.sh runs both, one after the other.
#
# JFR=1 records a Flight Recorder profile of node1 during the broadcasts (node1.jfr, and its hot
# methods in jfr-hot-methods.txt).
# TIMELINE=1 (nodes only) logs every node's collections and safepoints (gc-<pid>.log, node-pids.txt) and the
# broker's collections (broker-gc.log), records a Flight Recorder profile of every node during the broadcasts
# (node<i>.jfr), samples CPU every second, and ends with bench/StallTimeline.java's timeline.md: every broadcast
# slower than twice the median, which node was late and what it and the machine were doing.
# Loopback drops the packets its receive queue cannot hold (net.core.netdev_max_backlog, 1,000 by default; a
# dropped packet is retransmitted after 0.2 s, then 0.4, 0.8 ... s): the run reports how many it dropped.
# LOOPBACK_BACKLOG=N sets that queue for the run (needs root; the old value is put back at the end).
# Output: target/bench/100k-<server>-<time>/ (report.json, report.html, samples.csv, client and node logs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N="${1:-100000}"
NODES="${NODES:-6}"; CLIENTS="${CLIENTS:-6}"; HOLD="${HOLD_SECONDS:-300}"
M="${BROADCASTS:-60}"; R="${RATE:-1}"; W="${WARMUP:-5}"; RAMP="${RAMP_PER_CLIENT:-100}"
PER_CLIENT=$(( (N + CLIENTS - 1) / CLIENTS ))
PER_NODE=$(( (N + NODES - 1) / NODES ))
[ "$PER_CLIENT" -le 19000 ] || { echo "$PER_CLIENT connections per client process: use more CLIENTS (open-file limit)" >&2; exit 2; }
[ "$PER_NODE" -le 18000 ] || { echo "$PER_NODE connections per node: use more NODES (SSE_MAX_CONNECTIONS 18000)" >&2; exit 2; }
export SSE_CLUSTER_BASE_PORT="${SSE_CLUSTER_BASE_PORT:-9980}" SSE_BROKER_PORT="${SSE_BROKER_PORT:-61696}"
JAVA25="$(scripts/java-home.sh)" || { echo "needs a JDK 24+ (set SSE_JAVA_HOME)" >&2; exit 1; }
CP="$(bench/classpath.sh)"
SERVER="${SERVER:-node}"
OUT="target/bench/100k-$SERVER-$(date -u +%Y%m%d-%H%M%S)"; mkdir -p "$OUT"
TICKS=$(getconf CLK_TCK)
say() { echo "[100k $(date -u +%H:%M:%S)] $*" | tee -a "$OUT/run.log" >&2; }

CLIENT_PIDS=()
SAMPLER=""
softnet_drops() { local t=0 a b rest; while read -r a b rest; do t=$((t + 16#$b)); done < /proc/net/softnet_stat; echo "$t"; }
BACKLOG0="$(sysctl -n net.core.netdev_max_backlog 2>/dev/null || echo "")"
if [ -n "${LOOPBACK_BACKLOG:-}" ]; then
    sysctl -qw net.core.netdev_max_backlog="$LOOPBACK_BACKLOG" || { echo "cannot set net.core.netdev_max_backlog (root?)" >&2; exit 1; }
fi
DROPS0=$(softnet_drops)
cleanup() {
    [ -n "${LOOPBACK_BACKLOG:-}" ] && [ -n "$BACKLOG0" ] && sysctl -qw net.core.netdev_max_backlog="$BACKLOG0" || true
    [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null || true
    for pid in "${CLIENT_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [ "$SERVER" = nchan ]; then
        target/peers/nchan-100k/stop.sh >/dev/null 2>&1 || true
    else
        scripts/cluster.sh stop >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

NODE_PIDS=(); URLS=(); PEER_ARGS=()
TIMELINE="${TIMELINE:-0}"; [ "$SERVER" = node ] || TIMELINE=0
SAMPLE_SECONDS=10
if [ "$TIMELINE" = 1 ]; then
    # %p: each node's log is named by its process id (node-pids.txt maps them back).
    export JVM_ARGS="${JVM_ARGS:-} -Xlog:gc,safepoint:file=$(pwd)/$OUT/gc-%p.log:time,uptime"
    export JAVA_ARGS_APPEND="${JAVA_ARGS_APPEND:-} -Xlog:gc:file=$(pwd)/$OUT/broker-gc.log:time,uptime"
    SAMPLE_SECONDS=1
fi
if [ "$SERVER" = nchan ]; then
    bench/install-nchan.sh
    # The peer's own config and scripts, listening on the nodes' ports instead of its one port.
    rm -rf target/peers/nchan-100k; mkdir -p target/peers; cp -r "${PEERS_DIR:-../shared/peers}/nchan" target/peers/nchan-100k
    chmod -R u+w target/peers/nchan-100k
    listens=""; for i in $(seq 1 "$NODES"); do listens+="listen 127.0.0.1:$((SSE_CLUSTER_BASE_PORT + i - 1)) reuseport backlog=4096; "; done
    sed -i "s#listen 127.0.0.1:@PORT@ reuseport backlog=4096;#$listens#" target/peers/nchan-100k/nginx.conf.in
    say "starting nginx + Nchan (${NCHAN_WORKERS:-7} workers on $NODES ports); $N connections from $CLIENTS client processes ($PER_CLIENT each)"
    WORKERS="${NCHAN_WORKERS:-7}" target/peers/nchan-100k/start.sh "$SSE_CLUSTER_BASE_PORT" >>"$OUT/run.log" 2>&1
    master="$(cat target/peers/nchan-100k/run/nginx.pid)"
    NODE_PIDS=("$master" $(pgrep -P "$master"))
    for i in $(seq 1 "$NODES"); do URLS+=("http://127.0.0.1:$((SSE_CLUSTER_BASE_PORT + i - 1))"); done
    PEER_ARGS=(--peer nchan)
else
    say "starting a broker and $NODES nodes; $N connections from $CLIENTS client processes ($PER_CLIENT each)"
    scripts/cluster.sh start "$NODES" 2>>"$OUT/run.log"
    for i in $(seq 1 "$NODES"); do
        port=$((SSE_CLUSTER_BASE_PORT + i - 1))
        NODE_PIDS+=("$(cat "target/cluster-$SSE_CLUSTER_BASE_PORT/servers/.pid/node$i.pid")")
        URLS+=("http://127.0.0.1:$port")
        echo "node$i ${NODE_PIDS[$((i - 1))]}" >> "$OUT/node-pids.txt"
    done
fi
NODE_LIST="$(IFS=,; echo "${URLS[*]}")"

cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }   # user+system ticks
rss_of() { awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
nodes_cpu() { local t=0; for p in "${NODE_PIDS[@]}"; do t=$((t + $(cpu_of "$p"))); done; echo "$t"; }
clients_cpu() { local t=0; for p in "${CLIENT_PIDS[@]}"; do t=$((t + $(cpu_of "$p"))); done; echo "$t"; }
heap_after_gc() { # KB used after a full GC (0 when the node cannot be asked)
    "$JAVA25/bin/jcmd" "$1" GC.run >/dev/null 2>&1 || true
    local used; used=$("$JAVA25/bin/jcmd" "$1" GC.heap_info 2>/dev/null | grep -o 'used [0-9]*K' | head -1 | tr -dc 0-9 || true)
    echo "${used:-0}"
}
active_of() { # connections open on node $1, from its readiness data (Nchan: all its subscribers, counted once)
    local n
    if [ "$SERVER" = nchan ]; then
        [ "$1" = 1 ] || { echo 0; return; }
        n=$(curl -s -m 5 "http://127.0.0.1:$SSE_CLUSTER_BASE_PORT/nchan_status" | awk '/^subscribers:/ {print $2}' || true)
        echo "${n:-0}"; return
    fi
    n=$(curl -s -m 5 "http://127.0.0.1:$((SSE_CLUSTER_BASE_PORT + $1 - 1 + 10))/health/ready" \
        | grep -o '"activeConnections":[0-9]*' | tr -dc 0-9 || true)
    echo "${n:-0}"
}

# Baseline memory of every node, idle.
declare -A RSS0 HEAP0
all_rss() { local k=0; for p in "${NODE_PIDS[@]}"; do k=$((k + $(rss_of "$p"))); done; echo "$k"; }
RSS_ALL0=$(all_rss)
if [ "$SERVER" = node ]; then
    for i in $(seq 1 "$NODES"); do
        p="${NODE_PIDS[$((i - 1))]}"; HEAP0[$i]=$(heap_after_gc "$p"); RSS0[$i]=$(rss_of "$p")
    done
fi

# Every SAMPLE_SECONDS: each node's RSS and CPU ticks, and the clients' (samples.csv).
( echo "time,process,rss_kb,cpu_ticks" > "$OUT/samples.csv"
  while true; do
      now=$(date -u +%s)
      for i in $(seq 1 "$NODES"); do p="${NODE_PIDS[$((i - 1))]}"; echo "$now,node$i,$(rss_of "$p"),$(cpu_of "$p")" >> "$OUT/samples.csv"; done
      for p in $(pgrep -f "SseLoad.java.*--user-offset" || true); do echo "$now,client-$p,$(rss_of "$p"),$(cpu_of "$p")" >> "$OUT/samples.csv"; done
      sleep "$SAMPLE_SECONDS"
  done ) &
SAMPLER=$!

# Each client holds from its own ramp's end; the run as a whole is bounded by --max-seconds.
CLIENT_HOLD=$(( HOLD + (M + W) / R + 120 ))   # and the memory look after the broadcasts
CLIENT_MAX=$(( 900 + CLIENT_HOLD ))
for c in $(seq 0 $((CLIENTS - 1))); do
    count=$(( c == CLIENTS - 1 ? N - c * PER_CLIENT : PER_CLIENT ))
    "$JAVA25/bin/java" -Xmx768m -cp "$CP" bench/SseLoad.java --nodes "$NODE_LIST" --connections "$count" \
        --rate "$RAMP" --user-prefix u --user-offset $((c * PER_CLIENT)) --hold "$CLIENT_HOLD" --max-seconds "$CLIENT_MAX" \
        --expect "$M" --warmup "$W" "${PEER_ARGS[@]}" --json "$OUT/client-$c.json" > "$OUT/client-$c.log" 2>&1 &
    CLIENT_PIDS+=($!)
done
RAMP_START=$(date +%s)
for _ in $(seq 1 900); do
    done_count=$( (grep -l "ramp done" "$OUT"/client-*.log 2>/dev/null || true) | wc -l)
    [ "$done_count" -ge "$CLIENTS" ] && break
    sleep 1
done
say "ramp done in $(( $(date +%s) - RAMP_START )) s: $(grep -h "ramp done" "$OUT"/client-*.log | awk '{c+=substr($6,11); f+=substr($7,8)} END {print c " connected, " f " failed"}')"

# Hold with heartbeats flowing (every SSE_HEARTBEAT_SECONDS, 30 s by default).
HOLD_END=$(( $(date +%s) + HOLD ))
while [ "$(date +%s)" -lt "$HOLD_END" ]; do
    sleep 30
    total=0; for i in $(seq 1 "$NODES"); do total=$((total + $(active_of "$i"))); done
    say "holding: $total connections open on the nodes"
done

say "publishing $W warm-up + $M broadcasts at $R/s to node1"
if [ "${JFR:-0}" = 1 ] && [ "$SERVER" = node ]; then
    "$JAVA25/bin/jcmd" "${NODE_PIDS[0]}" JFR.start name=broadcast settings=profile filename="$(pwd)/$OUT/node1.jfr" >/dev/null
elif [ "$TIMELINE" = 1 ]; then
    for i in $(seq 1 "$NODES"); do
        "$JAVA25/bin/jcmd" "${NODE_PIDS[$((i - 1))]}" JFR.start name=timeline settings=profile filename="$(pwd)/$OUT/node$i.jfr" >/dev/null
    done
fi
N0=$(nodes_cpu); C0=$(clients_cpu); T0=$(date +%s)
"$JAVA25/bin/java" -cp "$CP" bench/SseLoad.java --publish-only --nodes "${URLS[0]}" --publish "$M" --warmup "$W" \
    --publish-rate "$R" "${PEER_ARGS[@]}" > "$OUT/publisher.log" 2>&1
sleep 10
N1=$(nodes_cpu); C1=$(clients_cpu); T1=$(date +%s)
awk -v n=$((N1 - N0)) -v c=$((C1 - C0)) -v t=$((T1 - T0)) -v k="$TICKS" \
    'BEGIN { printf "broadcast phase: %d s; node CPU %.1f s (all nodes), client CPU %.1f s (all clients), of %d s x 2 cores\n", t, n / k, c / k, t }' \
    | tee "$OUT/cpu.txt" | tee -a "$OUT/run.log" >&2
if [ "${JFR:-0}" = 1 ] && [ "$SERVER" = node ]; then
    "$JAVA25/bin/jcmd" "${NODE_PIDS[0]}" JFR.stop name=broadcast >/dev/null
    "$JAVA25/bin/jfr" view --width 160 hot-methods "$OUT/node1.jfr" > "$OUT/jfr-hot-methods.txt" 2>&1 || true
    head -30 "$OUT/jfr-hot-methods.txt" | tee -a "$OUT/run.log" >&2
elif [ "$TIMELINE" = 1 ]; then
    for i in $(seq 1 "$NODES"); do "$JAVA25/bin/jcmd" "${NODE_PIDS[$((i - 1))]}" JFR.stop name=timeline >/dev/null || true; done
fi

# Memory per connection per node, after a full GC, once the broadcasts are over and every connection still held (a
# full GC before them shrank each node's heap to what it held then, and the broadcasts ran in a heap a third as
# large, collecting every second). Nchan: its processes' RSS below.
if [ "$SERVER" = node ]; then
    {
        echo "node,connections,rss_idle_kb,rss_kb,heap_idle_kb,heap_kb,rss_per_conn_kb,heap_per_conn_kb"
        for i in $(seq 1 "$NODES"); do
            p="${NODE_PIDS[$((i - 1))]}"; heap=$(heap_after_gc "$p"); rss=$(rss_of "$p"); n=$(active_of "$i")
            awk -v i="$i" -v n="$n" -v r0="${RSS0[$i]}" -v r="$rss" -v h0="${HEAP0[$i]}" -v h="$heap" \
                'BEGIN { m = n > 0 ? n : 1; printf "node%d,%d,%d,%d,%d,%d,%.1f,%.1f\n", i, n, r0, r, h0, h, (r - r0) / m, (h - h0) / m }'
        done
    } > "$OUT/memory.csv"
    say "memory per connection (node, connections, RSS/heap per connection KB):"
    awk -F, 'NR > 1 {print "  " $1 " " $2 " " $7 " " $8}' "$OUT/memory.csv" | tee -a "$OUT/run.log" >&2
fi
say "server RSS, every process: $(( RSS_ALL0 / 1024 )) MB idle, $(( $(all_rss) / 1024 )) MB holding the connections after the broadcasts"

say "waiting for the clients to finish (their hold ends by itself)"
for pid in "${CLIENT_PIDS[@]}"; do wait "$pid" || true; done
CLIENT_PIDS=()
"$JAVA25/bin/java" -cp "$CP" bench/SseReport.java "$OUT/report" "$OUT"/client-*.json | tee -a "$OUT/run.log"
if [ "$TIMELINE" = 1 ]; then
    "$JAVA25/bin/java" bench/StallTimeline.java "$OUT" > /dev/null && say "stall timeline: $OUT/timeline.md"
fi
say "loopback packets dropped during the run: $(( $(softnet_drops) - DROPS0 )) (receive queue $(sysctl -n net.core.netdev_max_backlog 2>/dev/null || echo unknown))"
say "done: $OUT"
