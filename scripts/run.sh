#!/usr/bin/env bash
# Builds the service and runs one node in the foreground on http://localhost:9080 (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec scripts/with-java25.sh ./mvnw -B -DskipTests package liberty:run "$@"
