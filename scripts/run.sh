#!/usr/bin/env bash
# Runs one node on http://localhost:9080 in the foreground with a local Artemis broker
# (the official distribution, fetched from Maven Central on first use). Ctrl-C stops both.
# Quick-start mode: no tokens (SSE_SECURITY=open, the server warns at start). To run secure:
#   SSE_SECURITY=jwt MP_JWT_VERIFY_PUBLICKEY_LOCATION=target/dev-keys/public.pem scripts/run.sh
# (scripts/dev-token.sh makes that key pair and tokens; README, Security).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export SSE_SECURITY="${SSE_SECURITY:-open}"
if [ "$SSE_SECURITY" = open ]; then
    echo "[run] SSE_SECURITY=open: anyone may subscribe to any stream and publish. README, Security, shows how to run with tokens." >&2
fi
# SSE_BROKER_HA=true: an Artemis primary/backup pair (scripts/broker.sh), the node knowing both.
if [ "${SSE_BROKER_HA:-false}" = true ]; then
    export BROKER_PORT="${SSE_BROKER_PORT:-61616}" BROKER_BACKUP_PORT=$(( ${SSE_BROKER_PORT:-61616} + 1 ))
    export SSE_RELAY_PERSISTENT="${SSE_RELAY_PERSISTENT:-true}"
fi
scripts/broker.sh start
trap 'scripts/broker.sh stop' EXIT
# The server is named node1, which is also its node id (server.xml: the id defaults to the server name).
scripts/with-java25.sh ./mvnw -B -DskipTests -Dliberty.server.name=node1 package liberty:run "$@"
