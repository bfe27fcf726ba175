#!/usr/bin/env bash
# The heap a node's history holds, and the longest absence a user resumes from without a reset
# (docs/BENCHMARKS.md, "History by stream"): bench/HistoryHeap.java drives the hub of this build in one JVM, no
# server. Options are HistoryHeap's (the defaults: 100,000 users one event a minute each for 10 minutes, 1,000
# topics at 1,000 events/s in all, the shipped history settings).
#   bench/history-heap.sh [--max-bytes N] [--ttl S] ...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
JAVA25="$(scripts/java-home.sh)" || { echo "needs a JDK 24+ (set SSE_JAVA_HOME)" >&2; exit 1; }
./mvnw -q -B -DskipTests compile dependency:build-classpath -Dmdep.outputFile=target/bench/history-cp.txt \
    -Dmdep.includeScope=test >&2
"$JAVA25/bin/java" -Xmx6g -XX:+UseParallelGC -cp "target/classes:$(cat target/bench/history-cp.txt)" bench/HistoryHeap.java "$@"
