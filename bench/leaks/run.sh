#!/bin/bash
# run.sh — the leak-scanner benchmark (bench/README.md, "leaks"):
#   1. a combo list of SIZE bytes (`email:password` lines, one in HIT_EVERY
#      naming one of ACCOUNTS generated accounts) and the account list,
#      generated once by bench_leaks_gen and cached in CACHE (re-runs skip
#      the generation), then read twice so that it sits in the page cache;
#   2. start-up: `ungcuu leaks scan --accounts` over an empty file (loading
#      and indexing the accounts), ROUNDS times;
#   3. the scan, 1 thread then 2 threads, ROUNDS times each: wall and CPU
#      seconds (from the --json report), peak RSS (/usr/bin/time -v);
#   4. in the same run, over the same file: `LC_ALL=C grep -F -f accounts.txt`
#      and `rg -F -f accounts.txt` (once each: they are slow), wall, CPU, RSS.
# Every tool prints the matching lines to a file; the counts are compared.
# Targets: >= 1 GB/s per core (bytes / CPU seconds of one thread); >= 2x
# grep; peak RSS <= 128 MB; start-up <= 0.5 s.  Exit status 0 when every
# target is met.
#
# Settings (environment):
#   SIZE=2000000000 ACCOUNTS=1000000 HIT_EVERY=10000 ROUNDS=3
#   CACHE=/var/tmp/ungcuu-bench-leaks   generated inputs, kept between runs
#   BASELINES="grep rg"                 which baselines to run ("" for none)
#   RG_MIN_GB=19                        run rg only with this much memory available
#   BUILD=build-release
# The run takes the lock /tmp/ungcuu-bench.lock so that benchmarks do not overlap.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

if [ -z "${UNGCUU_BENCH_LOCKED:-}" ]; then
	exec env UNGCUU_BENCH_LOCKED=1 flock /tmp/ungcuu-bench.lock "$0" "$@"
fi

SIZE=${SIZE:-2000000000}
ACCOUNTS=${ACCOUNTS:-1000000}
HIT_EVERY=${HIT_EVERY:-10000}
ROUNDS=${ROUNDS:-3}
CACHE=${CACHE:-/var/tmp/ungcuu-bench-leaks}
BASELINES=${BASELINES-grep rg}
BUILD=${BUILD:-build-release}

die() { echo "bench: $*" >&2; exit 1; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
calc() { awk "BEGIN { printf \"%.3f\", $* }"; }
r2() { awk -v v="$1" 'BEGIN { printf "%.2f", v }'; }

[ -x /usr/bin/time ] || die "/usr/bin/time is missing (package 'time'; scripts/bootstrap installs it)"
for tool in meson ninja jq; do
	command -v "$tool" >/dev/null || die "'$tool' is missing (scripts/bootstrap installs it)"
done

# ---------------------------------------------------------------- build
if [ ! -f "$BUILD/build.ninja" ]; then
	meson setup "$BUILD" --buildtype=release -Dtests=disabled >/dev/null
fi
ninja -C "$BUILD" ungcuu bench_leaks_gen >/dev/null
UNGCUU=$root/$BUILD/ungcuu

# ---------------------------------------------------------------- inputs
mkdir -p "$CACHE"
ACC=$CACHE/accounts-$ACCOUNTS.txt
COMBO=$CACHE/combo-$SIZE-$ACCOUNTS-$HIT_EVERY.txt
if [ ! -s "$COMBO" ] || [ ! -s "$ACC" ]; then
	need=$((SIZE / 1000000 + 200))
	avail=$(df -Pm "$CACHE" | awk 'NR == 2 { print $4 }')
	[ "$avail" -gt "$need" ] || die "$CACHE needs $need MB free, has $avail (set SIZE or CACHE)"
	echo "bench: generating $SIZE bytes and $ACCOUNTS accounts in $CACHE" >&2
	"$root/$BUILD/bench_leaks_gen" --accounts "$ACCOUNTS" --bytes "$SIZE" --hit-every "$HIT_EVERY" \
		"$ACC.tmp" "$COMBO.tmp"
	mv "$ACC.tmp" "$ACC"
	mv "$COMBO.tmp" "$COMBO"
fi
: >"$CACHE/empty.txt"
BYTES=$(stat -c %s "$COMBO")
cat "$COMBO" >/dev/null
cat "$COMBO" >/dev/null   # twice: the second read comes from the page cache
OUT=$(mktemp -d /tmp/ungcuu-bench-leaks-XXXXXX)
trap 'rm -rf "$OUT"' EXIT

# timed NAME CMD... — run under /usr/bin/time -v, stdout to $OUT/NAME.out;
# sets WALL (s), CPU (user + sys, s), RSS (MB)
timed() {
	local name=$1
	shift
	/usr/bin/time -v -o "$OUT/$name.time" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" || true
	WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
		for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$OUT/$name.time")
	CPU=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { print u + s }' "$OUT/$name.time")
	RSS=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$OUT/$name.time")
}

echo "bench: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $BYTES bytes, $ACCOUNTS accounts" >&2

# ---------------------------------------------------------------- start-up
for r in $(seq "$ROUNDS"); do
	timed startup "$UNGCUU" leaks scan --accounts "$ACC" "$CACHE/empty.txt" --json
	jq -r .load_seconds "$OUT/startup.out" >>"$OUT/startup.wall"
	jq -r .load_cpu_seconds "$OUT/startup.out" >>"$OUT/startup.cpu"
	echo "$WALL" >>"$OUT/startup.total"
done
STARTUP=$(median <"$OUT/startup.wall")
STARTUP_CPU=$(median <"$OUT/startup.cpu")
STARTUP_TOTAL=$(median <"$OUT/startup.total")

# ---------------------------------------------------------------- ours
for t in 1 2; do
	for r in $(seq "$ROUNDS"); do
		timed "ours$t" "$UNGCUU" leaks scan --accounts "$ACC" "$COMBO" --threads "$t" --json
		jq -r .seconds "$OUT/ours$t.out" >>"$OUT/ours$t.scan"
		jq -r .cpu_seconds "$OUT/ours$t.out" >>"$OUT/ours$t.cpu"
		echo "$WALL" >>"$OUT/ours$t.wall"
		echo "$RSS" >>"$OUT/ours$t.rss"
	done
	jq -r .findings "$OUT/ours$t.out" >"$OUT/ours$t.hits"
done
SCAN1=$(median <"$OUT/ours1.scan")
SCAN2=$(median <"$OUT/ours2.scan")
CPU1=$(median <"$OUT/ours1.cpu")
CPU2=$(median <"$OUT/ours2.cpu")
WALL1=$(median <"$OUT/ours1.wall")
WALL2=$(median <"$OUT/ours2.wall")
RSS1=$(sort -g "$OUT/ours1.rss" | tail -1)
RSS2=$(sort -g "$OUT/ours2.rss" | tail -1)
HITS=$(cat "$OUT/ours1.hits")

# ---------------------------------------------------------------- baselines
declare -A BW BC BR BH
RAN=""
for b in $BASELINES; do
	case $b in
	grep) timed grep grep -F -f "$ACC" "$COMBO" ;;
	rg) command -v rg >/dev/null || die "'rg' is missing (package ripgrep; scripts/bootstrap)"
	    # ripgrep builds an automaton of about 17 GB for 1,000,000 literals: on a
	    # machine without that much memory free it would push others out
	    avail=$(awk '/MemAvailable/ { print int($2 / 1048576) }' /proc/meminfo)
	    if [ "$avail" -lt "${RG_MIN_GB:-19}" ]; then
		    echo "bench: skipping rg: $avail GB available, it needs ~17 GB (RG_MIN_GB)" >&2
		    continue
	    fi
	    timed rg rg --no-filename --no-line-number -F -f "$ACC" "$COMBO" ;;
	*) die "unknown baseline '$b'" ;;
	esac
	BW[$b]=$WALL BC[$b]=$CPU BR[$b]=$RSS BH[$b]=$(wc -l <"$OUT/$b.out")
	RAN="$RAN $b"
done

# ---------------------------------------------------------------- report
GBS_CORE=$(calc "$BYTES / $CPU1 / 1e9")
GBS1=$(calc "$BYTES / $SCAN1 / 1e9")
GBS2=$(calc "$BYTES / $SCAN2 / 1e9")
{
	echo "leaks benchmark, $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo -)"
	echo "machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "input: $BYTES bytes, $(wc -l <"$COMBO") lines, $ACCOUNTS accounts, page-cached; medians of $ROUNDS"
	printf '%-34s %10s %10s %10s %10s %8s\n' "" "wall s" "CPU s" "GB/s" "RSS MB" "hits"
	printf '%-34s %10s %10s %10s %10s %8s\n' "start-up (load $ACCOUNTS accounts)" "$(r2 "$STARTUP")" "$(r2 "$STARTUP_CPU")" "" "" ""
	printf '%-34s %10s %10s %10s %10s %8s\n' "ours, 1 thread (scan only)" "$(r2 "$SCAN1")" "$(r2 "$CPU1")" "$GBS1" "$RSS1" "$HITS"
	printf '%-34s %10s %10s %10s %10s %8s\n' "ours, 2 threads (scan only)" "$(r2 "$SCAN2")" "$(r2 "$CPU2")" "$GBS2" "$RSS2" "$(cat "$OUT/ours2.hits")"
	printf '%-34s %10s %10s %10s %10s %8s\n' "ours, 1 thread (whole command)" "$(r2 "$WALL1")" "" "" "" ""
	printf '%-34s %10s %10s %10s %10s %8s\n' "ours, 2 threads (whole command)" "$(r2 "$WALL2")" "" "" "" ""
	for b in $RAN; do
		printf '%-34s %10s %10s %10s %10s %8s\n' "$b -F -f accounts.txt" "${BW[$b]}" "${BC[$b]}" \
			"$(calc "$BYTES / ${BW[$b]} / 1e9")" "${BR[$b]}" "${BH[$b]}"
	done
	echo "GB/s per core (bytes / CPU seconds of the 1-thread scan): $GBS_CORE"
	echo "2 threads vs 1: $(calc "$SCAN1 / $SCAN2")x the speed (wall), $(calc "$CPU2 / $SCAN2") cores busy on average"
	for b in $RAN; do
		echo "ours (whole command, 2 threads) vs $b: $(calc "${BW[$b]} / $WALL2")x faster; CPU: $(calc "${BC[$b]} / $CPU1")x less"
	done
} | tee "$OUT/report"

ok=1
awk "BEGIN { exit !($GBS_CORE >= 1.0) }" || { echo "bench: below 1 GB/s per core" >&2; ok=0; }
awk "BEGIN { exit !($RSS1 <= 128 && $RSS2 <= 128) }" || { echo "bench: peak RSS above 128 MB" >&2; ok=0; }
awk "BEGIN { exit !($STARTUP <= 0.5) }" || { echo "bench: start-up above 0.5 s" >&2; ok=0; }
for b in $RAN; do
	[ "$b" = grep ] || continue
	awk "BEGIN { exit !(${BW[grep]} >= 2 * $WALL2) }" || { echo "bench: less than 2x grep" >&2; ok=0; }
done
[ "$ok" = 1 ]
