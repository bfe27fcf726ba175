#!/usr/bin/env bash
# Tracing on against off, alternating in one run: bench/fanout.sh N M R with no exporter (traces off, the
# default), then with OTEL_EXPORTER_OTLP_ENDPOINT pointing at bench/OtlpSink.java on loopback, PAIRS times.
# Each fanout run prints its completion/latency, loss, node CPU and RSS; this adds what the sink received.
#   bench/traces.sh [N=15000] [M=100] [R=2] [PAIRS=2]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N="${1:-15000}"; M="${2:-100}"; R="${3:-2}"; PAIRS="${4:-2}"
SINK_PORT="${SINK_PORT:-4318}"
JAVA25="$(scripts/java-home.sh)" || { echo "needs a JDK 24+ (set SSE_JAVA_HOME)" >&2; exit 1; }
OUT=target/bench; mkdir -p "$OUT"
for pair in $(seq 1 "$PAIRS"); do
    echo "=== pair $pair: traces off"
    bench/fanout.sh "$N" "$M" "$R"
    echo "=== pair $pair: traces on (OTLP/HTTP to 127.0.0.1:$SINK_PORT)"
    "$JAVA25/bin/java" bench/OtlpSink.java "$SINK_PORT" "$OUT/otlp-sink-$pair.txt" > "$OUT/otlp-sink-$pair.log" 2>&1 &
    SINK=$!
    for _ in $(seq 1 60); do grep -q "OTLP sink on" "$OUT/otlp-sink-$pair.log" && break; sleep 0.5; done
    OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$SINK_PORT" OTEL_SERVICE_NAME=massive-sse-bench \
        bench/fanout.sh "$N" "$M" "$R" || true
    kill "$SINK"; wait "$SINK" 2>/dev/null || true
    cat "$OUT/otlp-sink-$pair.txt"
done
