#!/usr/bin/env bash
# One node and the two peers (../shared/peers: the original Spring WebFlux service, nginx + Nchan), one
# after the other on this machine, each with N connections from the same load client and options, then
# M broadcasts at R/s (WARMUP first, left out of latency and completion); a table of completion and
# latency, loss, server CPU during the publish phase and RSS per connection, so ratios come from one run.
#   bench/side-by-side.sh [N=15000] [M=100] [R=2] [SERVERS="node nchan webflux"]
# The peers are copied to target/peers (their folder is read-only); nchan needs Debian's nginx and
# libnginx-mod-nchan (installed here when missing), WebFlux is built with Maven on first use.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N="${1:-15000}"; M="${2:-100}"; R="${3:-2}"; SERVERS="${4:-node nchan webflux}"; W="${WARMUP:-10}"
PEERS_DIR="${PEERS_DIR:-../shared/peers}"
export SSE_CLUSTER_BASE_PORT="${SSE_CLUSTER_BASE_PORT:-9380}"
export SSE_BROKER_PORT="${SSE_BROKER_PORT:-61636}"
JAVA25="$(scripts/java-home.sh)" || { echo "needs a JDK 24+ (set SSE_JAVA_HOME)" >&2; exit 1; }
CP="$(bench/classpath.sh)"
OUT=target/bench/side-by-side; mkdir -p "$OUT"
TICKS=$(getconf CLK_TCK)
HOLD="${HOLD_SECONDS:-$(( (M + W) / R + 30 ))}"

[ -d target/peers ] || cp -r "$PEERS_DIR" target/peers
if [[ " $SERVERS " == *" nchan "* ]]; then
    bench/install-nchan.sh
fi
if [[ " $SERVERS " == *" webflux "* ]] && [ ! -f target/peers/webflux-seed/target/webflux-seed.jar ]; then
    ./mvnw -q -B -f target/peers/webflux-seed/pom.xml -DskipTests package
fi

pids_of() { # the server's processes: nginx's master and workers, or the one JVM
    case "$1" in
        nchan) local master; master="$(cat target/peers/nchan/run/nginx.pid)"; echo "$master $(pgrep -P "$master" | tr '\n' ' ')" ;;
        *) cat "$OUT/$1.pid" ;;
    esac
}
cpu_ticks() { local t=0; for p in $(pids_of "$1"); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
rss_kb() { local k=0; for p in $(pids_of "$1"); do k=$((k + $(awk '/VmRSS/ {print $2}' "/proc/$p/status"))); done; echo "$k"; }

start_server() {
    case "$1" in
        node)
            scripts/cluster.sh start 1 >&2
            cp "target/cluster-$SSE_CLUSTER_BASE_PORT/servers/.pid/node1.pid" "$OUT/node.pid"
            echo "http://127.0.0.1:$SSE_CLUSTER_BASE_PORT" ;;
        nchan)
            RUN="$(pwd)/target/peers/nchan/run" WORKERS="${NCHAN_WORKERS:-2}" target/peers/nchan/start.sh 8082 >&2
            echo "http://127.0.0.1:8082" ;;
        webflux)
            java -Xmx2g -Xms2g -jar target/peers/webflux-seed/target/webflux-seed.jar --server.port=8081 \
                > "$OUT/webflux.log" 2>&1 &
            echo $! > "$OUT/webflux.pid"
            for _ in $(seq 1 120); do curl -fs http://127.0.0.1:8081/actuator/health >/dev/null && break; sleep 1; done
            echo "http://127.0.0.1:8081" ;;
    esac
}
stop_server() {
    case "$1" in
        node) scripts/cluster.sh stop >/dev/null 2>&1 || true ;;
        nchan) RUN="$(pwd)/target/peers/nchan/run" target/peers/nchan/stop.sh >/dev/null 2>&1 || true ;;
        webflux) kill "$(cat "$OUT/webflux.pid")" 2>/dev/null || true; sleep 2 ;;
    esac
}

ROWS=()
for server in $SERVERS; do
    trap 'stop_server "$server"' EXIT
    url="$(start_server "$server")"
    sleep 3
    rss0=$(rss_kb "$server")
    peer=(); [ "$server" = node ] || peer=(--peer "$server")
    json="$OUT/$server-n$N-m$M-r$R.json"
    "$JAVA25/bin/java" -Xmx1g -cp "$CP" bench/SseLoad.java --nodes "$url" --connections "$N" --rate 1500 --hold "$HOLD" \
        --max-seconds $((HOLD + 200)) --publish "$M" --warmup "$W" --publish-rate "$R" --json "$json" "${peer[@]}" \
        > "$OUT/$server.log" 2>&1 &
    client=$!
    for _ in $(seq 1 300); do grep -q "ramp done" "$OUT/$server.log" && break; sleep 1; done
    sleep 5
    cpu0=$(cpu_ticks "$server"); rss1=$(rss_kb "$server")
    wait "$client" || true
    cpu1=$(cpu_ticks "$server")
    stop_server "$server"
    trap - EXIT
    ROWS+=("$(python3 - "$json" "$server" "$N" "$rss0" "$rss1" "$(( (cpu1 - cpu0) / TICKS ))" <<'PY'
import json, sys
path, server, n, rss0, rss1, cpu = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
try:
    d = json.loads(open(path).read().splitlines()[0])
    c, l = d["completionMs"], d["latencyMs"]
    print(f"| {server} | {c['p50']:.0f} / {c['p99']:.0f} ms | {l['p50']:.0f} / {l['p99']:.0f} ms | {d['lostGaps'] + d['missingAtEnd']} / {d['duplicates']} | {cpu} s | {(rss1 - rss0) / n:.1f} KB |")
except Exception as e:
    print(f"| {server} | no report ({e}) | | | {cpu} s | {(rss1 - rss0) / n:.1f} KB |")
PY
)")
done
echo
echo "$N connections, $W warm-up + $M broadcasts at $R/s, one load client (bench/SseLoad.java), $(date -u +%F)"
echo "| server | completion p50 / p99 | latency p50 / p99 | lost / duplicates | server CPU (publish phase) | RSS per connection |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
