#!/usr/bin/env bash
# What one resume costs the other streams of a node, for several replay bounds (docs/BENCHMARKS.md, "The replay
# bound"): bench/ReplayCost.java drives the hub of this build in one JVM, no server. Options are ReplayCost's.
#   bench/replay-cost.sh [--topics 2000] [--events 100] [--bounds 2147483647,50000,10000,2000]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
JAVA25="$(scripts/java-home.sh)" || { echo "needs a JDK 24+ (set SSE_JAVA_HOME)" >&2; exit 1; }
mkdir -p target/bench
./mvnw -q -B -DskipTests compile dependency:build-classpath -Dmdep.outputFile=target/bench/replay-cp.txt \
    -Dmdep.includeScope=test >&2
"$JAVA25/bin/java" -Xmx4g -cp "target/classes:$(cat target/bench/replay-cp.txt)" bench/ReplayCost.java "$@"
