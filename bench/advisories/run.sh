#!/bin/bash
# run.sh — the advisory matching benchmark (bench/README.md, "advisories"):
#   1. setup (not timed): UNITS units, ASSETS assets drawn from the KEV
#      catalog's products and the seeds' FortiOS and Exchange, version
#      ranges of ours for every KEV entry, nothing matched yet
#      (bench_adv_gen setup, see bench/advisories/gen.c);
#   2. timed, end to end: `ungcuu advisories import` of the full KEV catalog
#      (tests/data/kev) on a copy of that database: read, parse, store 1,404
#      entries, match every asset, write the items, requests and notices,
#      commit (synced); the split printed by --timing (parse, load, match,
#      store, commit);
#   3. the same import again (nothing changes: the steady state) and the
#      nightly `ungcuu advisories match`;
#   4. the baseline in the same run: the naive O(advisories x assets) loop
#      over the same database (bench_adv_gen naive), against our match phase.
# ROUNDS rounds, medians.  Target: step 2 <= 2 s.  Exit 0 when met.
#
# Settings (environment): UNITS=1000 ASSETS=100000 ROUNDS=3 SEED=1
#   WORKDIR=/tmp (KEEP=1 keeps the directory) BUILD=build-release
# The CPU time of the import (user + system, all threads) is printed beside the wall time:
# on a shared machine it is the steadier figure.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

UNITS=${UNITS:-1000}
ASSETS=${ASSETS:-100000}
ROUNDS=${ROUNDS:-3}
SEED=${SEED:-1}
WORKDIR=${WORKDIR:-/tmp}
KEEP=${KEEP:-0}
BUILD=${BUILD:-build-release}
KEV=$root/tests/data/kev/known_exploited_vulnerabilities.json

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
calc() { awk "BEGIN { print $* }"; }
now() { date +%s.%N; }

if [ ! -f "$BUILD/build.ninja" ]; then
	meson setup "$BUILD" --buildtype=release -Dtests=disabled >/dev/null
fi
ninja -C "$BUILD" ungcuu bench_adv_gen >/dev/null
UNGCUU=$root/$BUILD/ungcuu
GEN=$root/$BUILD/bench_adv_gen

WORK=$(mktemp -d "$WORKDIR/ungcuu-bench-adv-XXXXXX")
[ "$KEEP" = 1 ] || trap 'rm -rf "$WORK"' EXIT

echo "== setup: $UNITS units, $ASSETS assets"
"$GEN" setup "$WORK/base.db" "$KEV" --units "$UNITS" --assets "$ASSETS" --seed "$SEED"

for r in $(seq 1 "$ROUNDS"); do
	cp "$WORK/base.db" "$WORK/run.db"
	t0=$(now)
	/usr/bin/time -f "%U %S" -o "$WORK/cpu.$r" \
		"$UNGCUU" advisories import "$KEV" --timing --db "$WORK/run.db" >"$WORK/import.$r"
	t1=$(now)
	"$UNGCUU" advisories import "$KEV" --timing --db "$WORK/run.db" >"$WORK/again.$r"
	t2=$(now)
	"$UNGCUU" advisories match --timing --db "$WORK/run.db" >"$WORK/match.$r"
	t3=$(now)
	"$GEN" naive "$WORK/run.db" >"$WORK/naive.$r"
	calc "$t1 - $t0" >>"$WORK/e2e"
	awk '{ print $1 + $2 }' "$WORK/cpu.$r" >>"$WORK/cpu"
	calc "$t2 - $t1" >>"$WORK/e2e_again"
	calc "$t3 - $t2" >>"$WORK/e2e_match"
	for k in parse load match store commit; do
		sed -n "s/.* $k \([0-9.]*\) s.*/\1/p" "$WORK/import.$r" >>"$WORK/$k"
	done
	sed -n 's/.* in \([0-9.]*\) s$/\1/p' "$WORK/naive.$r" >>"$WORK/naive"
	echo "round $r: import $(tail -1 "$WORK/e2e") s, CPU $(tail -1 "$WORK/cpu") s (again $(tail -1 "$WORK/e2e_again") s," \
	     "nightly match $(tail -1 "$WORK/e2e_match") s); naive loop $(tail -1 "$WORK/naive") s"
done

echo
echo "== results (medians of $ROUNDS rounds)"
sed -n '1,2p' "$WORK/import.1"
sed -n '2p' "$WORK/again.1" | sed 's/^/again: /'
cat "$WORK/naive.1"
E2E=$(median <"$WORK/e2e")
MATCH=$(median <"$WORK/match")
NAIVE=$(median <"$WORK/naive")
printf 'KEV import end to end: %.3f s (target <= 2 s); CPU (user + system) %.3f s\n' "$E2E" \
	"$(median <"$WORK/cpu")"
printf '  parse %.3f s, load %.3f s, match %.3f s, store %.3f s, commit %.3f s\n' \
	"$(median <"$WORK/parse")" "$(median <"$WORK/load")" "$MATCH" "$(median <"$WORK/store")" \
	"$(median <"$WORK/commit")"
printf 'same import again: %.3f s; nightly match: %.3f s\n' "$(median <"$WORK/e2e_again")" \
	"$(median <"$WORK/e2e_match")"
printf 'match phase %.4f s vs naive O(n*m) loop %.3f s: %.0fx\n' "$MATCH" "$NAIVE" \
	"$(calc "$NAIVE / ($MATCH > 0 ? $MATCH : 0.0001)")"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared)"
awk "BEGIN { exit !($E2E <= 2.0) }"
