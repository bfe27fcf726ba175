#!/usr/bin/env bash
# A local cluster on loopback: one Artemis broker and N (at most 10) Liberty nodes node1..nodeN on HTTP
# ports 9080, 9081, ...; each node's HTTPS and management ports follow from its HTTP port by server.xml's
# rule (+363 and +10: node1 has 9443 and 9090, as a lone server does).
#   scripts/cluster.sh start N     build if needed, start the broker and N nodes, wait until all relay events
#   scripts/cluster.sh stop        stop the nodes this script started, then the broker
#   scripts/cluster.sh stop-node I stop node I (1-based) gracefully: its clients are told to reconnect elsewhere
#   scripts/cluster.sh start-node I start node I again, with the settings it had
#   scripts/cluster.sh status
# Environment (optional): SSE_CLUSTER_BASE_PORT (9080), SSE_BROKER_PORT (61616), SSE_JAVA_HOME,
# SSE_BROKER_HA=true (an Artemis primary/backup pair on SSE_BROKER_PORT and the next port, and
# persistent events unless SSE_RELAY_PERSISTENT says otherwise), and any SSE_*, MP_JWT_* or OTEL_* setting
# (passed to every node; OTEL_EXPORTER_OTLP_ENDPOINT turns traces on). The node's Liberty server and its id are both node<I>;
# its files are in target/cluster-<base port>/servers/node<I>/ (logs/messages.log).
# A local cluster is for trials, tests and benchmarks: it runs without tokens (SSE_SECURITY=open) unless
# SSE_SECURITY=jwt is set, with MP_JWT_VERIFY_PUBLICKEY_LOCATION (README, Security), and without rate limits
# unless SSE_RATE_SUBSCRIBE_PER_SECOND / SSE_RATE_PUBLISH_PER_SECOND are set.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BASE="${SSE_CLUSTER_BASE_PORT:-9080}"
BROKER_PORT="${SSE_BROKER_PORT:-61616}"
# With the HA pair the nodes know both brokers; without it, the one broker twice (server.xml's list).
if [ "${SSE_BROKER_HA:-false}" = true ]; then
    BACKUP_PORT=$((BROKER_PORT + 1))
    # Only persistent events are in the journal the backup takes over.
    export SSE_RELAY_PERSISTENT="${SSE_RELAY_PERSISTENT:-true}"
else
    BACKUP_PORT=$BROKER_PORT
fi
WLP="$ROOT/target/liberty/wlp"
# One Liberty user directory per cluster: node1 of one cluster never touches node1 of another.
export WLP_USER_DIR="$ROOT/target/cluster-$BASE"
NODES_FILE="$WLP_USER_DIR/nodes"
# Management ports are HTTP port + 10: more nodes would take the first node's management port.
MAX_NODES=10

say() { echo "[cluster] $*" >&2; }

java_home() {
    if JH="$(scripts/java-home.sh)"; then echo "$JH"; return; fi
    say "WARNING: no JDK 24+ found (set SSE_JAVA_HOME); nodes run on the default Java, where a stalled client holds a platform thread"
    dirname "$(dirname "$(readlink -f "$(command -v java)")")"
}

build() {
    if [ -f target/massive-sse-service.war ] && [ -f target/artemis-ra.rar ] && [ -x "$WLP/bin/server" ]; then return; fi
    say "building (war, rar, Liberty runtime)"
    ./mvnw -q -B -DskipTests package liberty:create liberty:install-feature >&2
}

# One self-signed development keystore and one set of LTPA keys for every local node (server.xml's default
# keystore location and password, Liberty's default LTPA password), made once: a node that has to make its
# own spends seconds of CPU of its start on them.
dev_keys() {
    local keys="$ROOT/target/cluster-keys" made
    mkdir -p "$keys"
    if [ ! -f "$keys/key.p12" ]; then
        made="$(mktemp -u "$keys/key.XXXXXX")"
        "$(java_home)/bin/keytool" -genkeypair -keystore "$made" -storetype PKCS12 -storepass development-only \
            -alias default -keyalg RSA -keysize 2048 -dname "CN=localhost, OU=massive-sse local cluster" -validity 3650 \
            -ext "SAN=dns:localhost,ip:127.0.0.1" >/dev/null 2>&1
        mv -n "$made" "$keys/key.p12"; rm -f "$made"
    fi
    if [ ! -f "$keys/ltpa.keys" ]; then
        made="$(mktemp -u "$keys/ltpa.XXXXXX")"
        JAVA_HOME="$(java_home)" "$WLP/bin/securityUtility" createLTPAKeys --password=WebAS --file="$made" >/dev/null
        mv -n "$made" "$keys/ltpa.keys"; rm -f "$made"
    fi
}

node_up() { # port log -> 0 once the app and its topic MDB are active and its history is filled (or given up)
    grep -q "CWWKZ0001I" "$2" 2>/dev/null && grep -q "J2CA8801I" "$2" 2>/dev/null \
        && grep -q "History at start: " "$2" 2>/dev/null
}

# Generous: several nodes starting at once on a small machine each take far longer than one alone.
UP_SECONDS=300

await_up() { # name (its server start has returned)
    local log="$WLP_USER_DIR/servers/$1/logs/messages.log" pidfile="$WLP_USER_DIR/servers/.pid/$1.pid"
    for _ in $(seq 1 $((UP_SECONDS * 2))); do
        node_up "$1" "$log" && return
        if ! { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }; then
            say "$1 is not running; see $WLP_USER_DIR/servers/$1/logs/console.log:"
            tail -5 "$WLP_USER_DIR/servers/$1/logs/console.log" >&2 || true
            exit 1
        fi
        sleep 0.5
    done
    say "$1 did not come up in $UP_SECONDS s; see $log"; exit 1
}

start() {
    local count="${1:?usage: cluster.sh start N}"
    [ "$count" -ge 1 ] && [ "$count" -le "$MAX_NODES" ] || { say "N must be 1-$MAX_NODES"; exit 2; }
    export SSE_SECURITY="${SSE_SECURITY:-open}"
    [ "$SSE_SECURITY" = open ] && say "SSE_SECURITY=open: no tokens needed (local trial mode)"
    # Every local client shares the loopback address (and benchmarks are one publisher): the rate limits
    # are off here unless set.
    export SSE_RATE_SUBSCRIBE_PER_SECOND="${SSE_RATE_SUBSCRIBE_PER_SECOND:-0}"
    export SSE_RATE_PUBLISH_PER_SECOND="${SSE_RATE_PUBLISH_PER_SECOND:-0}"
    build
    dev_keys
    scripts/broker.sh start
    local jh; jh="$(java_home)"
    mkdir -p "$WLP_USER_DIR"
    : > "$NODES_FILE"
    local starting=() pid
    for i in $(seq 1 "$count"); do
        local port=$((BASE + i - 1)) name="node$i"
        local dir="$WLP_USER_DIR/servers/$name"
        rm -rf "$dir"
        mkdir -p "$dir/dropins" "$dir/configDropins/overrides"
        cp src/main/liberty/config/server.xml src/main/liberty/config/jvm.options "$dir/"
        cp target/massive-sse-service.war "$dir/dropins/"
        mkdir -p "$dir/resources/security" && cp target/cluster-keys/key.p12 target/cluster-keys/ltpa.keys "$dir/resources/security/"
        # Nobody edits a local node's files while it runs (a new start copies them afresh): Liberty need not look
        # for changes twice a second, which is half of what an idle node spends.
        cat > "$dir/configDropins/overrides/local-cluster.xml" <<'XML'
<server>
    <config updateTrigger="mbean"/>
    <applicationMonitor updateTrigger="mbean"/>
</server>
XML
        cat > "$dir/server.env" <<ENV
JAVA_HOME=$jh
HTTP_PORT=$port
HTTPS_PORT=$((port + 363))
MANAGEMENT_PORT=$((port + 10))
BROKER_PORT=$BROKER_PORT
BROKER_BACKUP_PORT=$BACKUP_PORT
ARTEMIS_RAR=$ROOT/target/artemis-ra.rar
ENV
        # The settings given to this start, kept so start-node brings the node back the same.
        env | grep -E '^(SSE_|MP_JWT_|OTEL_|ACCESS_LOG_|HTTP_READTIMEOUT|HTTP_MAX_OPEN_CONNECTIONS|TCP_|WLP_LOGGING_|JVM_ARGS)' \
            | grep -v -E '^(SSE_NODE_ID|SSE_JAVA_HOME|SSE_CLUSTER_BASE_PORT|SSE_BROKER_PORT|SSE_BROKER_DIR|SSE_BROKER_HA)=' >> "$dir/server.env" || true
        # All nodes start at once: a start waits on more than the CPU, so together they take far less.
        "$WLP/bin/server" start "$name" >/dev/null &
        starting+=($!)
        echo "$name" >> "$NODES_FILE"
        say "starting $name on http://127.0.0.1:$port (management: $((port + 10)))"
    done
    # Whether a node is up is told by its log, below; server start's own answer may come before that.
    for pid in "${starting[@]}"; do wait "$pid" || true; done
    for name in $(cat "$NODES_FILE"); do
        await_up "$name"
    done
    say "$count node(s) up; broker on 127.0.0.1:$BROKER_PORT$([ "$BACKUP_PORT" != "$BROKER_PORT" ] && echo ", backup on $BACKUP_PORT")"
}

stop() {
    if [ -f "$NODES_FILE" ]; then
        for name in $(cat "$NODES_FILE"); do
            "$WLP/bin/server" stop "$name" >/dev/null 2>&1 &
        done
        wait
        for name in $(cat "$NODES_FILE"); do
            local pidfile="$WLP_USER_DIR/servers/.pid/$name.pid"
            if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
                say "$name did not stop: killing"; kill -9 "$(cat "$pidfile")" 2>/dev/null || true
            fi
            say "stopped $name"
        done
        rm -f "$NODES_FILE"
    fi
    scripts/broker.sh stop
}

start_node() {
    local index="${1:?usage: cluster.sh start-node I}"
    local name="node$index"
    local log="$WLP_USER_DIR/servers/$name/logs/messages.log"
    [ -d "$WLP_USER_DIR/servers/$name" ] || { say "no $name: run cluster.sh start first"; exit 1; }
    [ -f "$log" ] && mv "$log" "${log%.log}_before_restart_$(date +%s).log"
    "$WLP/bin/server" start "$name" >/dev/null || true
    await_up "$name"
    say "started $name again"
}

stop_node() {
    local index="${1:?usage: cluster.sh stop-node I}"
    local name="node$index"
    "$WLP/bin/server" stop "$name" >/dev/null
    say "stopped $name"
}

status() {
    scripts/broker.sh status || true
    [ -f "$NODES_FILE" ] || { echo "no nodes"; return; }
    for name in $(cat "$NODES_FILE"); do
        local pidfile="$WLP_USER_DIR/servers/.pid/$name.pid"
        if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then echo "$name running"; else echo "$name stopped"; fi
    done
}

case "${1:-}" in
    start) start "${2:-}" ;;
    stop) stop ;;
    stop-node) stop_node "${2:-}" ;;
    start-node) start_node "${2:-}" ;;
    status) status ;;
    *) echo "usage: $0 start N | stop | stop-node I | start-node I | status" >&2; exit 2 ;;
esac
