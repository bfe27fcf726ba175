#!/usr/bin/env bash
# Prints the class path of the bench tools (HdrHistogram), fetching it from Maven Central on first use.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
JAR=target/bench-lib/HdrHistogram-2.2.2.jar
if [ ! -f "$JAR" ]; then
    ./mvnw -q -B dependency:copy -Dartifact=org.hdrhistogram:HdrHistogram:2.2.2 -DoutputDirectory=target/bench-lib >&2
fi
echo "$(pwd)/$JAR"
