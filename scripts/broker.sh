#!/usr/bin/env bash
# One ActiveMQ Artemis broker on loopback, from the official distribution on Maven Central; with
# SSE_BROKER_HA=true a highly available pair instead: a primary on SSE_BROKER_PORT and a backup on the
# next port, sharing one journal directory (Artemis's shared-store HA, what one host can run; the
# README says how production replicates with a quorum instead).
#   scripts/broker.sh start | stop | status
#   scripts/broker.sh fetch                           (only the distribution: the build does it once, before
#                                                      test classes start brokers side by side)
#   scripts/broker.sh kill-live | start-stopped       (HA pair only: the live broker's crash, and its return
#                                                      as the pair's backup: no failback, the survivor stays live)
# Environment (all optional):
#   SSE_BROKER_PORT      acceptor port (the primary's)       (61616)
#   SSE_BROKER_HA        true: the primary/backup pair        (false)
#   SSE_BROKER_DIR       where the distribution and instance live (target/artemis)
#   SSE_BROKER_USER / SSE_BROKER_PASSWORD   broker login     (sse / sse)
#   ARTEMIS_VERSION      distribution version                (2.56.0)
#   JAVA_ARGS_APPEND     more JVM options for the broker (Artemis's own variable)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${SSE_BROKER_PORT:-61616}"
DIR="${SSE_BROKER_DIR:-$ROOT/target/artemis}"
case "$DIR" in /*) ;; *) DIR="$ROOT/$DIR" ;; esac
USER_NAME="${SSE_BROKER_USER:-sse}"
PASSWORD="${SSE_BROKER_PASSWORD:-sse}"
VERSION="${ARTEMIS_VERSION:-2.56.0}"
HA="${SSE_BROKER_HA:-false}"
HOME_DIR="$DIR/apache-artemis-$VERSION"
BACKUP_PORT=$((PORT + 1))
if [ "$HA" = true ]; then
    INSTANCES=("$DIR/instance-$PORT-primary" "$DIR/instance-$PORT-backup")
    PORTS=("$PORT" "$BACKUP_PORT")
else
    INSTANCES=("$DIR/instance-$PORT")
    PORTS=("$PORT")
fi
SHARED="$DIR/shared-$PORT"

say() { echo "[broker] $*" >&2; }

pid_of() { cat "$1/broker.pid" 2>/dev/null; }
running() { [ -f "$1/broker.pid" ] && kill -0 "$(pid_of "$1")" 2>/dev/null; }

fetch() {
    [ -x "$HOME_DIR/bin/artemis" ] && return
    mkdir -p "$DIR"
    say "fetching org.apache.artemis:apache-artemis:$VERSION (bin tar.gz) from Maven Central"
    "$ROOT/mvnw" -q -B -f "$ROOT/pom.xml" dependency:copy \
        -Dartifact="org.apache.artemis:apache-artemis:$VERSION:tar.gz:bin" -DoutputDirectory="$DIR" >&2
    tar -xzf "$DIR/apache-artemis-$VERSION-bin.tar.gz" -C "$DIR"
    rm -f "$DIR/apache-artemis-$VERSION-bin.tar.gz"
}

# create INSTANCE PORT [primary|backup]
create() {
    local instance="$1" port="$2" role="${3:-}"
    [ -f "$instance/etc/broker.xml" ] && return
    say "creating broker instance $instance (port $port${role:+, $role})"
    local ha_options=()
    if [ -n "$role" ]; then
        # Shared store: both use one journal; the one holding its lock is live. The static cluster
        # connection is how each tells clients about the other (the topology they fail over with).
        local other=$BACKUP_PORT; [ "$role" = backup ] && other=$PORT
        ha_options=(--shared-store --data "$SHARED" --failover-on-shutdown --clustered
                    --cluster-user "$USER_NAME-cluster" --cluster-password "$PASSWORD"
                    --staticCluster "tcp://127.0.0.1:$other" --name "sse-$role")
        [ "$role" = backup ] && ha_options+=(--backup)
    fi
    "$HOME_DIR/bin/artemis" create "$instance" --silent --force \
        --user "$USER_NAME" --password "$PASSWORD" --require-login \
        --host 127.0.0.1 --default-port "$port" --no-web --no-autotune \
        --no-amqp-acceptor --no-mqtt-acceptor --no-stomp-acceptor --no-hornetq-acceptor \
        --java-memory 512M "${ha_options[@]}" >/dev/null
    # 'create --java-memory' leaves -Xms larger than -Xmx in artemis.profile, and the JVM then refuses to start.
    sed -i -E 's/-Xms[0-9]+[MmGg]/-Xms128M/' "$instance/etc/artemis.profile"
    # Events for the SSE topic expire (the publisher sets a time to live); expired ones are dropped,
    # not kept in an expiry queue, so a departed node's durable subscription cannot grow without end.
    awk '
        { print }
        /<address-settings>/ && !done {
            print "         <address-setting match=\"sse.#\">"
            print "            <expiry-address></expiry-address>"
            print "            <dead-letter-address></dead-letter-address>"
            print "            <auto-create-queues>true</auto-create-queues>"
            print "            <auto-create-addresses>true</auto-create-addresses>"
            print "            <default-address-routing-type>MULTICAST</default-address-routing-type>"
            print "         </address-setting>"
            done = 1
        }' "$instance/etc/broker.xml" > "$instance/etc/broker.xml.new"
    mv "$instance/etc/broker.xml.new" "$instance/etc/broker.xml"
    # No failback: a broker that returns waits as the backup instead of taking the journal back, so a
    # return costs no second takeover (measured: a failback once left neither broker live for 20 s).
    [ "$role" = backup ] && sed -i 's|<backup>|<backup>\n               <allow-failback>false</allow-failback>|' "$instance/etc/broker.xml"
    return 0
}

# run INSTANCE PORT WAIT_FOR(log pattern) WHAT
run() {
    local instance="$1" port="$2" ready="$3" what="$4" log="$1/broker.log"
    if running "$instance"; then say "$what already running (pid $(pid_of "$instance"), port $port)"; return; fi
    : > "$log"
    # Artemis needs Java 17+; any JDK will do.
    nohup "$instance/bin/artemis" run >"$log" 2>&1 &
    echo $! > "$instance/broker.pid"
    for _ in $(seq 1 120); do
        if grep -qE "$ready" "$log"; then say "$what up on 127.0.0.1:$port (pid $(pid_of "$instance"))"; return; fi
        running "$instance" || { say "$what exited; see $log"; tail -20 "$log" >&2; exit 1; }
        sleep 0.5
    done
    say "$what did not start within 60 s; see $log"; exit 1
}

start() {
    fetch
    if [ "$HA" = true ]; then
        create "${INSTANCES[0]}" "$PORT" primary
        create "${INSTANCES[1]}" "$BACKUP_PORT" backup
        # AMQ221007: live; AMQ221031: the backup announced itself, so a primary crash now fails over.
        run "${INSTANCES[0]}" "$PORT" "AMQ221007" "primary"
        run "${INSTANCES[1]}" "$BACKUP_PORT" "AMQ221031|AMQ221007" "backup"
    else
        create "${INSTANCES[0]}" "$PORT"
        run "${INSTANCES[0]}" "$PORT" "AMQ221007" "broker"
    fi
}

# halt INSTANCE PORT WHAT
halt() {
    local instance="$1" port="$2" what="$3"
    running "$instance" || { say "$what not running (port $port)"; rm -f "$instance/broker.pid"; return; }
    local pid; pid="$(pid_of "$instance")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then say "$what still running after 30 s: killing"; kill -9 "$pid" 2>/dev/null || true; fi
    rm -f "$instance/broker.pid"
    say "$what stopped (port $port)"
}

stop() {
    if [ "$HA" = true ]; then
        # The backup first: stopping the primary first would hand the journal to it (failover on shutdown).
        halt "${INSTANCES[1]}" "$BACKUP_PORT" "backup"
        halt "${INSTANCES[0]}" "$PORT" "primary"
    else
        halt "${INSTANCES[0]}" "$PORT" "broker"
    fi
}

status() {
    local code=0 i
    for i in "${!INSTANCES[@]}"; do
        if running "${INSTANCES[$i]}"; then echo "running pid $(pid_of "${INSTANCES[$i]}") port ${PORTS[$i]}"
        else echo "stopped port ${PORTS[$i]}"; code=1; fi
    done
    return $code
}

require_ha() { [ "$HA" = true ] || { say "$1 needs SSE_BROKER_HA=true"; exit 2; }; }

# The live broker of the pair is the one whose acceptor answers: a waiting backup opens none.
live_index() {
    local i
    for i in "${!INSTANCES[@]}"; do
        if running "${INSTANCES[$i]}" && (exec 3<>"/dev/tcp/127.0.0.1/${PORTS[$i]}") 2>/dev/null; then echo "$i"; return; fi
    done
    return 1
}

case "${1:-}" in
    fetch) fetch ;;
    start) start ;;
    stop) stop ;;
    status) status ;;
    kill-live)
        require_ha kill-live
        i="$(live_index)" || { say "no live broker"; exit 1; }
        kill -9 "$(pid_of "${INSTANCES[$i]}")"; rm -f "${INSTANCES[$i]}/broker.pid"
        say "live broker on port ${PORTS[$i]} killed (kill -9)" ;;
    start-stopped)
        # Back after a crash, it waits for the journal's lock as the pair's backup (AMQ221031: announced).
        require_ha start-stopped
        for i in "${!INSTANCES[@]}"; do
            running "${INSTANCES[$i]}" || run "${INSTANCES[$i]}" "${PORTS[$i]}" "AMQ221031|AMQ221007" "broker"
        done ;;
    *) echo "usage: $0 fetch|start|stop|status|kill-live|start-stopped" >&2; exit 2 ;;
esac
