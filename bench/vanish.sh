#!/usr/bin/env bash
# How long a node keeps a client that vanished without a FIN or a reset (docs/BENCHMARKS.md, "A closed or vanished
# client"): one node at the default heartbeat (30 s); a subscriber connects, then every packet to its port is held
# on loopback (tc, needs root or CAP_NET_ADMIN), as if its network had gone. Measured twice: a quiet stream (only
# heartbeats), and a busy one (an event to the user every second after the vanish). Prints the seconds until the
# node no longer held the user's connection, then what the node's look at its streams' TCP state costs. The packets
# are held rather than dropped (an htb class at 8 bit/s: this kernel has no drop action), which is the same for
# TCP: nothing arrives, nothing is answered. htb's burst lets one packet by: a connection attempt to the client's
# port (refused) spends it before the clock starts. The qdisc is removed at the end, whatever happens. Bounded:
# 120 s per case.
#   bench/vanish.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v tc >/dev/null || { echo "needs tc (iproute2) and CAP_NET_ADMIN" >&2; exit 1; }
JAVA25="$(scripts/java-home.sh)" || { echo "needs a JDK 24+ (set SSE_JAVA_HOME)" >&2; exit 1; }
BASE="${SSE_CLUSTER_BASE_PORT:-9080}"
./mvnw -q -B -DskipTests package >&2
export SSE_RATE_SUBSCRIBE_PER_SECOND=0 SSE_RATE_PUBLISH_PER_SECOND=0
scripts/cluster.sh stop >/dev/null 2>&1 || true
scripts/cluster.sh start 1
CLIENT=""
cleanup() {
    tc qdisc del dev lo root 2>/dev/null || true
    [ -n "$CLIENT" ] && kill "$CLIENT" 2>/dev/null || true
    scripts/cluster.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
# Whether the node still holds the user's connection (its own presence answer, not a count: an earlier case's
# connection may still be closing).
held() { curl -s "http://127.0.0.1:$BASE/sse/presence/$1" | grep -q '"online":true'; }

measure() { # case name, events every second (0/1)
    local user="vanish-$1-$$" out port start now
    out="$(mktemp)"
    "$JAVA25/bin/java" bench/Vanish.java 127.0.0.1 "$BASE" "$user" 200 > "$out" &
    CLIENT=$!
    for _ in $(seq 1 100); do grep -q '^port' "$out" && break; sleep 0.2; done
    port="$(awk '/^port/ {print $2}' "$out")"
    [ -n "$port" ] || { echo "the subscriber did not connect" >&2; exit 1; }
    held "$user" || { echo "the node does not hold $user" >&2; exit 1; }
    tc qdisc add dev lo root handle 1: htb default 20 r2q 1 2>/dev/null
    tc class add dev lo parent 1: classid 1:10 htb rate 8bit ceil 8bit burst 1 cburst 1 2>/dev/null
    tc class add dev lo parent 1: classid 1:20 htb rate 10gbit ceil 10gbit 2>/dev/null
    tc filter add dev lo parent 1: protocol ip prio 1 u32 match ip dport "$port" 0xffff flowid 1:10
    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null || true
    start=$(date +%s.%N)
    while held "$user"; do
        now=$(date +%s.%N)
        if awk -v s="$start" -v n="$now" 'BEGIN {exit !(n - s > 120)}'; then echo "$1: still held after 120 s"; break; fi
        [ "$2" = 1 ] && curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
            -d '{"data":"are you there"}' "http://127.0.0.1:$BASE/sse/send/$user"
        sleep 1
    done
    now=$(date +%s.%N)
    awk -v s="$start" -v n="$now" -v c="$1" 'BEGIN {printf "%s: gone after %.1f s\n", c, n - s}'
    tc qdisc del dev lo root
    kill "$CLIENT" 2>/dev/null || true; wait "$CLIENT" 2>/dev/null || true; CLIENT=""
    rm -f "$out"
}
measure quiet 0
measure busy 1
# What the node's look at every stream's TCP state costs: one look at 9,000 sockets (the file limit holds both ends).
mkdir -p target/bench-classes
"$JAVA25/bin/javac" -cp target/classes -d target/bench-classes bench/TcpStateCost.java
"$JAVA25/bin/java" --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
    -cp target/bench-classes:target/classes io.massivesse.push.TcpStateCost 9000
grep -h "vanished ones" "target/cluster-$BASE/servers/node1/logs/messages.log" | tail -1 | sed 's/.*I //'
