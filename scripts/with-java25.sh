#!/usr/bin/env bash
# Runs a command with JAVA_HOME set to a JDK 24+ when one exists, saying clearly when not.
# Usage: scripts/with-java25.sh ./mvnw verify
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if java25="$("$here/java-home.sh")"; then
    export JAVA_HOME="$java25"
    export PATH="$JAVA_HOME/bin:$PATH"
    echo "[massive-sse] Liberty runs on $("$JAVA_HOME/bin/java" -version 2>&1 | head -1) ($JAVA_HOME)" >&2
else
    echo "[massive-sse] WARNING: no JDK 24 or later found (set SSE_JAVA_HOME). Running on the default Java;" >&2
    echo "[massive-sse] WARNING: SSE writers then use platform threads, and a stalled client holds one until the write timeout." >&2
fi
exec "$@"
