#!/usr/bin/env bash
# Prints the home of a JDK 24 or later, for running Liberty: only there do virtual-thread
# writers not pin a carrier while a client stalls (docs/DESIGN.md). Looks at SSE_JAVA_HOME,
# JAVA_HOME, then /usr/lib/jvm/*. Prints nothing and exits 1 when there is none.
java_feature() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | awk -F'= ' '/java.specification.version/ { split($2, v, "."); print v[1]; exit }'
}
for candidate in "${SSE_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    feature=$(java_feature "$candidate")
    if [ -n "$feature" ] && [ "$feature" -ge 24 ] 2>/dev/null; then
        echo "$candidate"
        exit 0
    fi
done
exit 1
