#!/usr/bin/env bash
# Runs every test: unit tests, then the integration tests against real Liberty servers, a real
# Artemis broker, Debian's nginx and a headless Chromium (installed first when missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/test-deps.sh
exec scripts/with-java25.sh ./mvnw -B verify "$@"
