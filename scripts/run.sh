#!/usr/bin/env bash
# Runs one node on http://localhost:9080 in the foreground with a local Artemis broker
# (the official distribution, fetched from Maven Central on first use). Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/broker.sh start
trap 'scripts/broker.sh stop' EXIT
scripts/with-java25.sh ./mvnw -B -DskipTests package liberty:run "$@"
