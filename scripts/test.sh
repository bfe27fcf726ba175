#!/usr/bin/env bash
# Runs the tests: unit tests, then the integration tests against real Liberty servers, real Artemis
# brokers, Debian's nginx and a headless Chromium (installed first when missing).
#   scripts/test.sh              every test (what CI runs)
#   scripts/test.sh unit         the unit tests only (no server)
#   scripts/test.sh it NAME      one integration class (or several: NAME,NAME; a pattern: '*IT'), no unit tests
# Anything after these goes to Maven as it is (-o, -X, -Dit.test=..., ...).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
case "${1:-}" in
    unit)
        shift
        exec scripts/with-java25.sh ./mvnw -B test "$@" ;;
    it)
        name="${2:?usage: scripts/test.sh it NAME (an integration test class, e.g. ClusterIT)}"
        shift 2
        scripts/test-deps.sh
        exec scripts/with-java25.sh ./mvnw -B verify -DskipUTs -Dit.test="$name" "$@" ;;
    *)
        scripts/test-deps.sh
        exec scripts/with-java25.sh ./mvnw -B verify "$@" ;;
esac
