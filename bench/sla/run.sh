#!/bin/bash
# run.sh — recompute the SLA state of COUNT open requests (bench/README.md):
# a database of COUNT open requests with their events and SLA clocks, then,
# in one process and at one `now`, (a) store_sla_list over all of them, as
# GET /api/v1/sla does (cold, then warm), (b) the arithmetic alone, (c) the
# naive baseline: per request, read its events, replay them and walk the
# calendar day by day; both must reach the same states.
# Settings: COUNT=1000000 ROUNDS=3.  Exit 0 when the target (<= 2 s) is met
# in every round and the states agree.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
COUNT=${COUNT:-1000000}
ROUNDS=${ROUNDS:-3}
BUILD=build-release

[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" --buildtype=release -Dtests=disabled >/dev/null
ninja -C "$BUILD" bench_sla >/dev/null
work=$(mktemp -d /tmp/ungcuu-bench-sla-XXXXXX)
trap 'rm -rf "$work"' EXIT

"$BUILD/bench_sla" gen "$work/sla.db" "$COUNT"
ls -l "$work/sla.db" | awk '{ printf "database %.0f MB\n", $5 / 1e6 }'
status=0
for r in $(seq 1 "$ROUNDS"); do
	echo "== round $r"
	"$BUILD/bench_sla" run "$work/sla.db" | tee "$work/round$r" || status=1
	grep -q "target (<= 2 s)     met" "$work/round$r" || status=1
done
exit $status
