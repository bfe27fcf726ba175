#!/usr/bin/env bash
# Runs every test: unit tests, then the integration tests against a real Liberty server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec scripts/with-java25.sh ./mvnw -B verify "$@"
