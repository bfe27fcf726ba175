#!/usr/bin/env bash
# Before against after, alternating in one run: bench/fanout.sh with the given arguments in a build of BEFORE (a git
# commit, checked out as a worktree under target/alternate/ and built there once), then in this checkout, PAIRS
# times; then one line per run (completion, latency, loss, node CPU) and the mean after/before ratios.
#   bench/alternate.sh BEFORE [PAIRS=2] [fanout.sh arguments, e.g. 15000 100 2]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BEFORE="${1:?usage: bench/alternate.sh BEFORE-COMMIT [PAIRS] [fanout.sh arguments]}"
PAIRS="${2:-2}"
shift $(( $# >= 2 ? 2 : 1 ))
ARGS=("$@")
[ ${#ARGS[@]} -gt 0 ] || ARGS=(15000 100 2)
SHA="$(git rev-parse --short "$BEFORE^{commit}")"
HERE="$(pwd)"
THERE="$HERE/target/alternate/$SHA"
if [ ! -d "$THERE" ]; then
    mkdir -p "$HERE/target/alternate"
    git worktree add --detach "$THERE" "$SHA" >/dev/null
fi
# Each side is built afresh: scripts/cluster.sh reuses a war it finds, and an incremental compile keeps the classes
# of sources deleted since, which would then run on the wrong side.
for dir in "$THERE" "$HERE"; do
    rm -rf "$dir/target/classes" "$dir/target/massive-sse-service" "$dir/target/massive-sse-service.war"
done
OUT="$HERE/target/bench/alternate-$SHA-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$OUT"
echo "before: $SHA ($THERE); after: $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' + uncommitted changes'); fanout.sh ${ARGS[*]}"
for pair in $(seq 1 "$PAIRS"); do
    for side in before after; do
        dir="$HERE"; [ "$side" = before ] && dir="$THERE"
        echo "=== pair $pair: $side"
        (cd "$dir" && bench/fanout.sh "${ARGS[@]}") 2>&1 | tee "$OUT/$pair-$side.txt" | grep -E "SUMMARY|RESULT|server CPU|node RSS" \
            | sed -E 's/"completionByEventMs":\[[^]]*\],?//'
    done
done
echo "=== per run: completion p50/p99/max ms, latency p99 ms, lost+missing, duplicates, node CPU s"
for side in before after; do
    for pair in $(seq 1 "$PAIRS"); do
        f="$OUT/$pair-$side.txt"
        summary="$(grep -o 'SUMMARY .*' "$f" | head -1)"
        num() { echo "$summary" | grep -oE "\"$1\":\{[^}]*\"$2\":[0-9.]+" | grep -oE '[0-9.]+$'; }
        int() { echo "$summary" | grep -oE "\"$1\":[0-9]+" | grep -oE '[0-9]+$'; }
        cpu="$(grep -oE 'server CPU from ramp done to the end: [0-9]+' "$f" | grep -oE '[0-9]+$')"
        echo "$side $pair $(num completionMs p50) $(num completionMs p99) $(num completionMs max) $(num latencyMs p99)" \
            "$(( $(int lostGaps) + $(int missingAtEnd) )) $(int duplicates) $cpu"
    done
done | tee "$OUT/runs.txt"
awk '{p99[$1]+=$4; cpu[$1]+=$9; n[$1]++}
     END {printf "mean completion p99: before %.1f ms, after %.1f ms (after/before %.2f); node CPU: before %.1f s, after %.1f s (%.2f)\n",
          p99["before"]/n["before"], p99["after"]/n["after"], (p99["after"]/n["after"])/(p99["before"]/n["before"]),
          cpu["before"]/n["before"], cpu["after"]/n["after"], (cpu["after"]/n["after"])/(cpu["before"]/n["before"])}' "$OUT/runs.txt"
