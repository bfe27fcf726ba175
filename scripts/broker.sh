#!/usr/bin/env bash
# One ActiveMQ Artemis broker on loopback, from the official distribution on Maven Central.
#   scripts/broker.sh start | stop | status
# Environment (all optional):
#   SSE_BROKER_PORT      acceptor port                       (61616)
#   SSE_BROKER_DIR       where the distribution and instance live (target/artemis)
#   SSE_BROKER_USER / SSE_BROKER_PASSWORD   broker login     (sse / sse)
#   ARTEMIS_VERSION      distribution version                (2.56.0)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${SSE_BROKER_PORT:-61616}"
DIR="${SSE_BROKER_DIR:-$ROOT/target/artemis}"
case "$DIR" in /*) ;; *) DIR="$ROOT/$DIR" ;; esac
USER_NAME="${SSE_BROKER_USER:-sse}"
PASSWORD="${SSE_BROKER_PASSWORD:-sse}"
VERSION="${ARTEMIS_VERSION:-2.56.0}"
HOME_DIR="$DIR/apache-artemis-$VERSION"
INSTANCE="$DIR/instance-$PORT"
PID_FILE="$INSTANCE/broker.pid"
LOG_FILE="$INSTANCE/broker.log"

say() { echo "[broker] $*" >&2; }

running() { [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }

fetch() {
    [ -x "$HOME_DIR/bin/artemis" ] && return
    mkdir -p "$DIR"
    say "fetching org.apache.artemis:apache-artemis:$VERSION (bin tar.gz) from Maven Central"
    "$ROOT/mvnw" -q -B -f "$ROOT/pom.xml" dependency:copy \
        -Dartifact="org.apache.artemis:apache-artemis:$VERSION:tar.gz:bin" -DoutputDirectory="$DIR" >&2
    tar -xzf "$DIR/apache-artemis-$VERSION-bin.tar.gz" -C "$DIR"
    rm -f "$DIR/apache-artemis-$VERSION-bin.tar.gz"
}

create() {
    [ -f "$INSTANCE/etc/broker.xml" ] && return
    say "creating broker instance $INSTANCE (port $PORT)"
    "$HOME_DIR/bin/artemis" create "$INSTANCE" --silent --force \
        --user "$USER_NAME" --password "$PASSWORD" --require-login \
        --host 127.0.0.1 --default-port "$PORT" --no-web --no-autotune \
        --no-amqp-acceptor --no-mqtt-acceptor --no-stomp-acceptor --no-hornetq-acceptor \
        --java-memory 512M >/dev/null
    # 'create --java-memory' leaves -Xms larger than -Xmx in artemis.profile, and the JVM then refuses to start.
    sed -i -E 's/-Xms[0-9]+[MmGg]/-Xms128M/' "$INSTANCE/etc/artemis.profile"
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
        }' "$INSTANCE/etc/broker.xml" > "$INSTANCE/etc/broker.xml.new"
    mv "$INSTANCE/etc/broker.xml.new" "$INSTANCE/etc/broker.xml"
}

start() {
    if running; then say "already running (pid $(cat "$PID_FILE"), port $PORT)"; return; fi
    fetch
    create
    : > "$LOG_FILE"
    # Artemis needs Java 17+; any JDK will do.
    nohup "$INSTANCE/bin/artemis" run >"$LOG_FILE" 2>&1 &
    echo $! > "$PID_FILE"
    for _ in $(seq 1 120); do
        if grep -q "AMQ221007" "$LOG_FILE"; then say "up on 127.0.0.1:$PORT (pid $(cat "$PID_FILE"))"; return; fi
        running || { say "broker exited; see $LOG_FILE"; tail -20 "$LOG_FILE" >&2; exit 1; }
        sleep 0.5
    done
    say "broker did not start within 60 s; see $LOG_FILE"; exit 1
}

stop() {
    running || { say "not running (port $PORT)"; rm -f "$PID_FILE"; return; }
    local pid; pid="$(cat "$PID_FILE")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then say "still running after 30 s: killing"; kill -9 "$pid" 2>/dev/null || true; fi
    rm -f "$PID_FILE"
    say "stopped (port $PORT)"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) if running; then echo "running pid $(cat "$PID_FILE") port $PORT"; else echo "stopped"; exit 1; fi ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
