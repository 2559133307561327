#!/bin/bash
# run.sh — the API benchmark (bench/README.md): in one run, on 127.0.0.1,
#   (a) bench_minimal, a libmicrohttpd handler with a fixed body: the ceiling
#       of the HTTP layer;
#   (b) GET /api/v1/requests/{code} on a database of COUNT requests;
#   (c) POST /api/v1/requests, every create synced before its 201;
#   (d) the same GET as (b) from a second server with its answer cache off
#       (`serve --cache-mb 0`): the store's own read path, for the record;
# ROUNDS rounds of a, b, c interleaved, medians reported, against the
# targets (b) >= 50 % of (a) and (c) >= 2,000 creates/s.  Then the
# durability check: POST load that records every acknowledged code, kill -9
# of the server mid-load, restart, and every recorded code must answer 200.
#
# Builds the release binaries into build-release, works in a temporary
# directory, keeps wrk's raw output in bench/api/results/<time>/.
# Exit status: 0 when every run was free of errors, both targets are met and
# no acknowledged create was lost; 1 when not; 2 when other processes took
# more than OTHER_MAX % of the CPUs during a run even after RETRIES more
# tries (the figures are then no verdict).
#
# Settings (environment):
#   COUNT=100000       requests seeded for (b)
#   CACHE_MB=256       answer cache of the server measured in (b) and (c)
#   ROUNDS=3           rounds of (a), (b), (c)
#   DURATION=10s       of each wrk run; WARMUP=3s before the rounds
#   CONNS=64           wrk connections; WRK_THREADS=2
#   THREADS=16         server thread pool, the same for (a) and ours
#   PIN=1              server on SERVER_CPUS, wrk on CLIENT_CPUS (taskset);
#   SERVER_CPUS=0      PIN=0 lets both float over every core
#   CLIENT_CPUS=1
#   SEED_DAY=2026-01-01  day of the seeded codes (must hold no request yet)
#   OTHER_MAX=5        a run during which other processes take more than
#                      OTHER_MAX % of the CPUs is disturbed: measure it again,
#   RETRIES=3          at most RETRIES times
#   KEEP=1             keep the temporary directory
#   COMMIT=...         label of the code measured, when not a git checkout
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

COUNT=${COUNT:-100000}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
CONNS=${CONNS:-64}
WRK_THREADS=${WRK_THREADS:-2}
THREADS=${THREADS:-16}
PIN=${PIN:-1}
SERVER_CPUS=${SERVER_CPUS:-0}
CLIENT_CPUS=${CLIENT_CPUS:-1}
SEED_DAY=${SEED_DAY:-2026-01-01}
OTHER_MAX=${OTHER_MAX:-5}
RETRIES=${RETRIES:-3}
KEEP=${KEEP:-0}
BUILD=build-release

die() { echo "bench: $*" >&2; exit 1; }

for tool in wrk curl meson ninja; do
	command -v "$tool" >/dev/null || die "'$tool' is missing (scripts/bootstrap installs it)"
done
if [ "$PIN" = 1 ] && [ "$(nproc)" -lt 2 ]; then
	echo "bench: one core only: running unpinned" >&2
	PIN=0
fi
# Command prefixes, not functions: a background "taskset ... prog &" execs
# into prog, so $! is the server's own pid (for kill -9 and its CPU time).
ON_SERVER=() ON_CLIENT=()
if [ "$PIN" = 1 ]; then
	command -v taskset >/dev/null || die "'taskset' is missing (util-linux)"
	ON_SERVER=(taskset -c "$SERVER_CPUS")
	ON_CLIENT=(taskset -c "$CLIENT_CPUS")
fi

# ---------------------------------------------------------------- build
if [ ! -f "$BUILD/build.ninja" ]; then
	out=$(meson setup "$BUILD" --buildtype=release -Dtests=disabled 2>&1) ||
		{ printf '%s\n' "$out" >&2; die "meson setup failed"; }
fi
out=$(ninja -C "$BUILD" ungcuu bench_minimal bench_seed 2>&1) ||
	{ printf '%s\n' "$out" >&2; die "the build failed"; }
UNGCUU=$root/$BUILD/ungcuu
MINIMAL=$root/$BUILD/bench_minimal
SEED=$root/$BUILD/bench_seed

# ---------------------------------------------------------------- set-up
WORK=$(mktemp -d -t ungcuu-bench-XXXXXX)
RESULTS=$here/results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$RESULTS"
DB=$WORK/bench.db
MIN_PID="" SRV_PID="" NC_PID=""

stop() { # PID: stop a process this script started, and reap it
	[ -n "$1" ] && kill "$1" 2>/dev/null && wait "$1" 2>/dev/null
	return 0
}
cleanup() {
	stop "$MIN_PID"
	stop "$SRV_PID"
	stop "$NC_PID"
	if [ "$KEEP" = 1 ]; then echo "bench: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_url FILE NAME: the URL a server printed on stdout
wait_url() {
	local url
	for _ in $(seq 1 200); do
		url=$(sed -n 's|^.*: listening on \(http://.*\)$|\1|p' "$1")
		if [ -n "$url" ]; then echo "$url"; return 0; fi
		sleep 0.05
	done
	die "$2 did not start: $(cat "${1%.out}.err")"
}

start_minimal() {
	"${ON_SERVER[@]}" "$MINIMAL" 0 "$THREADS" >"$WORK/minimal.out" 2>"$WORK/minimal.err" &
	MIN_PID=$!
	MIN_URL=$(wait_url "$WORK/minimal.out" bench_minimal)
}

start_ungcuu() { # [LOG [ARGS...]]: stdout and stderr files get the suffix LOG
	local log=${1:-serve}
	shift || true
	"${ON_SERVER[@]}" "$UNGCUU" serve --db "$DB" --listen 127.0.0.1:0 --threads "$THREADS" \
		--lmtp off "$@" >"$WORK/$log.out" 2>"$WORK/$log.err" &
	SRV_PID=$!
	SRV_URL=$(wait_url "$WORK/$log.out" "ungcuu serve")
}

"$UNGCUU" init --db "$DB" --demo >/dev/null
echo "bench: seeding $COUNT requests ..." >&2
PREFIX=$("$SEED" --db "$DB" --count "$COUNT" --day "$SEED_DAY" 2>"$RESULTS/seed.txt") ||
	die "seeding failed: $(cat "$RESULTS/seed.txt")"
cat "$RESULTS/seed.txt" >&2
TOKEN=$("$UNGCUU" user token agent --db "$DB")
[ -n "$TOKEN" ] || die "no token for the demo agent"

start_minimal
start_ungcuu serve-nocache --cache-mb 0
NC_PID=$SRV_PID NC_URL=$SRV_URL
start_ungcuu serve --cache-mb "${CACHE_MB:-256}"

# ---------------------------------------------------------------- measure
# CPU time (user + system, clock ticks) of a process, all its threads.
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
# Busy and total ticks of all CPUs; softirq time counts as busy (it is
# where loopback TCP is delivered).
cpu_busy() {
	awk '/^cpu / { for (i = 2; i <= 9; i++) t += $i; print t - $5 - $6, t }' /proc/stat
}
HZ=$(getconf CLK_TCK)

# CPU seconds used so far by the waited-for children of this shell (wrk,
# mostly); `times` must run in this shell, not in a $(...) subshell.
child_cpu() {
	times >"$WORK/times"
	CHILD_CPU=$(awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, t, "m")
		s += t[1] * 60 + t[2] } print s }' "$WORK/times")
}

# Count the syncs of the server during a run, when perf can: the group
# commit batch size is creates / (fdatasync + fsync).
SYNC_EVENTS=syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync
if command -v perf >/dev/null &&
	perf stat -x, -e "$SYNC_EVENTS" -- true >/dev/null 2>&1; then
	HAVE_PERF=1
else
	HAVE_PERF=0
fi

# measure NAME PID URL SCRIPT [-- ARGS...]: one wrk run against the server
# PID (syncs counted when COUNT_SYNCS=1).  Sets RECORD to
#   NAME req/s p50_ms p99_ms errors server_us/req server_cpu% wrk_cpu% other% requests syncs
# server_cpu% and wrk_cpu%: CPU time over wall time, 100 = one core;
# other%: the CPU time of every other process, in % of all CPUs (anything
# above a few per cent means something else ran: the run is disturbed);
# syncs: -1 when not counted.  Empty RECORD when wrk gave no result.
measure() {
	local name=$1 pid=$2 url=$3 script=$4 t0 t1 w0 w1 b0 b1 e0 e1 out line perf_pid="" syncs=-1
	shift 4
	if [ "${COUNT_SYNCS:-0}" = 1 ] && [ "$HAVE_PERF" = 1 ]; then
		perf stat -x, -e "$SYNC_EVENTS" -p "$pid" -o "$WORK/perf.txt" &
		perf_pid=$!
	fi
	child_cpu
	t0=$(cpu_ticks "$pid") w0=$CHILD_CPU b0=$(cpu_busy) e0=$EPOCHREALTIME
	out=$("${ON_CLIENT[@]}" wrk -t"$WRK_THREADS" -c"$CONNS" -d"$DURATION" -s "$here/$script" \
		"$url" "$@" 2>&1) || true
	t1=$(cpu_ticks "$pid") e1=$EPOCHREALTIME b1=$(cpu_busy)
	child_cpu
	w1=$CHILD_CPU
	if [ -n "$perf_pid" ]; then
		kill -INT "$perf_pid"
		wait "$perf_pid" || true
		syncs=$(awk -F, '$3 ~ /^syscalls/ { n += $1 } END { print n + 0 }' "$WORK/perf.txt")
	fi
	printf '%s\n' "$out" >"$RESULTS/$name.txt"
	RECORD=""
	line=$(printf '%s\n' "$out" | grep '^RESULT ' || true)
	[ -n "$line" ] || return 0
	RECORD=$(printf '%s\n' "$line" | awk -v name="$name" -v hz="$HZ" -v syncs="$syncs" \
		-v t0="$t0" -v t1="$t1" -v w0="$w0" -v w1="$w1" -v b0="$b0" -v b1="$b1" \
		-v e0="$e0" -v e1="$e1" '
		{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
		END {
			wall = e1 - e0; srv = (t1 - t0) / hz; wrk = w1 - w0
			split(b0, a, " "); split(b1, b, " ")
			busy = (b[1] - a[1]) / hz; cap = (b[2] - a[2]) / hz
			other = 100 * (busy - srv - wrk) / cap
			printf "%s %.0f %.2f %.2f %d %.1f %.0f %.0f %.0f %d %d\n", name, v["rps"],
				v["p50_ms"], v["p99_ms"], v["status_errors"] + v["socket_errors"],
				srv * 1e6 / v["requests"], 100 * srv / wall, 100 * wrk / wall,
				other < 0 ? 0 : other, v["requests"], syncs
		}')
}

# run_wrk NAME PID URL SCRIPT [ARGS...]: measure, again (up to RETRIES
# times) while other processes disturb the run, and append the record to
# $RESULTS/runs.txt; wrk's own output goes to $RESULTS/NAME.txt.
FAILED=0
run_wrk() {
	local name=$1 pid=$2 url=$3 script=$4 try=0 other
	shift 4
	if [ $# -gt 0 ]; then set -- -- "$@"; fi
	while :; do
		measure "$name" "$pid" "$url" "$script" "$@"
		kill -0 "$pid" 2>/dev/null || { echo "bench: $name: the server died" >&2; FAILED=1; }
		if [ -z "$RECORD" ]; then
			echo "bench: $name: wrk gave no result:" >&2
			cat "$RESULTS/$name.txt" >&2
			FAILED=1
			return 0
		fi
		other=$(echo "$RECORD" | awk '{ print $9 }')
		try=$((try + 1))
		if [ "$other" -le "$OTHER_MAX" ] || [ "$try" -gt "$RETRIES" ]; then
			break
		fi
		echo "bench: $name: other processes took $other % of the CPUs, measuring again" >&2
		sleep 5
	done
	echo "$RECORD" >>"$RESULTS/runs.txt"
	if echo "$RECORD" | awk '{ exit !($5 > 0) }'; then
		echo "bench: $name: wrk saw errors: $(grep '^RESULT ' "$RESULTS/$name.txt")" >&2
		FAILED=1
	fi
}

# The figures only mean something on an otherwise idle machine.
b0=$(cpu_busy)
sleep 2
b1=$(cpu_busy)
idle_busy=$(echo "$b0 $b1" | awk '{ printf "%.0f", 100 * ($3 - $1) / ($4 - $2) }')
if [ "$idle_busy" -gt 10 ]; then
	echo "bench: WARNING: the machine is $idle_busy % busy before the runs: the figures will be disturbed" >&2
fi

: >"$RESULTS/runs.txt"
echo "bench: warming up ..." >&2
DURATION_SAVED=$DURATION
DURATION=$WARMUP
RETRIES=0 run_wrk warmup-a "$MIN_PID" "$MIN_URL/" report.lua
RETRIES=0 run_wrk warmup-b "$SRV_PID" "$SRV_URL/" get.lua "$TOKEN" "$PREFIX" "$COUNT"
RETRIES=0 run_wrk warmup-c "$SRV_PID" "$SRV_URL/" post.lua "$TOKEN"
RETRIES=0 run_wrk warmup-d "$NC_PID" "$NC_URL/" get.lua "$TOKEN" "$PREFIX" "$COUNT"
DURATION=$DURATION_SAVED
: >"$RESULTS/runs.txt"

for r in $(seq 1 "$ROUNDS"); do
	echo "bench: round $r of $ROUNDS ..." >&2
	run_wrk "a$r" "$MIN_PID" "$MIN_URL/" report.lua
	run_wrk "b$r" "$SRV_PID" "$SRV_URL/" get.lua "$TOKEN" "$PREFIX" "$COUNT"
	COUNT_SYNCS=1 run_wrk "c$r" "$SRV_PID" "$SRV_URL/" post.lua "$TOKEN"
	run_wrk "d$r" "$NC_PID" "$NC_URL/" get.lua "$TOKEN" "$PREFIX" "$COUNT"
done
stop "$NC_PID"; NC_PID=""

# ---------------------------------------------------------------- report
grep -iE 'error|warn|abort|assert' "$WORK/serve.err" >"$RESULTS/serve-errors.txt" || true
if [ -s "$RESULTS/serve-errors.txt" ]; then
	echo "bench: the server logged problems:" >&2
	head -20 "$RESULTS/serve-errors.txt" >&2
	FAILED=1
fi

report() {
	awk -v rounds="$ROUNDS" -v othermax="$OTHER_MAX" '
		function median(arr, n,   i, j, t, s) {
			for (i = 1; i <= n; i++) s[i] = arr[i]
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
				if (s[j] < s[i]) { t = s[i]; s[i] = s[j]; s[j] = t }
			return n % 2 ? s[(n + 1) / 2] : (s[n / 2] + s[n / 2 + 1]) / 2
		}
		{
			k = substr($1, 1, 1); r = substr($1, 2)
			rps[k, r] = $2; p50[k, r] = $3; p99[k, r] = $4; err[k, r] = $5
			us[k, r] = $6; scpu[k, r] = $7; ccpu[k, r] = $8; oth[k, r] = $9; n[k, r] = $10
			sync[k, r] = $11
		}
		END {
			split("a b c d", ks, " ")
			label["a"] = "(a) minimal handler"; label["b"] = "(b) GET request"
			label["c"] = "(c) POST request"; label["d"] = "(d) GET, no cache"
			printf "%-20s %-6s %8s %7s %7s %6s %10s %7s %7s %6s %8s\n", "", "round", "req/s",
				"p50 ms", "p99 ms", "errors", "srv us/req", "srv cpu", "wrk cpu", "other",
				"req/sync"
			for (i = 1; i <= 4; i++) {
				k = ks[i]
				for (r = 1; r <= rounds; r++) {
					bs = sync[k, r] > 0 ? sprintf("%.1f", n[k, r] / sync[k, r]) : "-"
					printf "%-20s %-6d %8.0f %7.2f %7.2f %6d %10.1f %6.0f%% %6.0f%% %5.0f%% %8s\n",
						label[k], r, rps[k, r], p50[k, r], p99[k, r], err[k, r], us[k, r],
						scpu[k, r], ccpu[k, r], oth[k, r], bs
					if (oth[k, r] > maxoth) maxoth = oth[k, r]
					v[r] = rps[k, r]; w[r] = p50[k, r]; x[r] = p99[k, r]; y[r] = us[k, r]
				}
				med[k] = median(v, rounds)
				printf "%-20s %-6s %8.0f %7.2f %7.2f %6s %10.1f\n", label[k], "median", med[k],
					median(w, rounds), median(x, rounds), "", median(y, rounds)
			}
			# A verdict taken while something else ran is no verdict.
			q = maxoth > othermax ? " (disturbed)" : ""
			if (q != "")
				printf "\nWARNING: other processes used up to %.0f %% of the CPUs during the runs:" \
					" the figures are disturbed, run again on an idle machine\n", maxoth
			ratio = med["b"] / med["a"]
			printf "\n(b)/(a) = %.1f %% of the minimal handler   target >= 50 %%            %s%s\n",
				100 * ratio, (ratio >= 0.5 ? "PASS" : "FAIL"), q
			printf "(d)/(a) = %.1f %% without the answer cache (for the record)\n", 100 * med["d"] / med["a"]
			printf "(c)     = %.0f durable creates/s           target >= 2,000 creates/s  %s%s\n",
				med["c"], (med["c"] >= 2000 ? "PASS" : "FAIL"), q
			exit q != "" ? 2 : !(ratio >= 0.5 && med["c"] >= 2000)
		}
	' "$RESULTS/runs.txt"
}
commit=${COMMIT:-unknown}
if [ "$commit" = unknown ] && command -v git >/dev/null &&
	git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
	commit=$(git -C "$root" rev-parse --short HEAD)
	git -C "$root" diff --quiet HEAD -- src meson.build 2>/dev/null || commit="$commit (src modified)"
fi
TARGETS=0
{
	echo
	echo "ungcuu $commit, $(date -u +%Y-%m-%d), $(nproc) CPUs, $COUNT requests seeded"
	echo "wrk -t$WRK_THREADS -c$CONNS -d$DURATION, $THREADS server threads," \
		"$([ "$PIN" = 1 ] && echo "server on CPU $SERVER_CPUS, wrk on CPU $CLIENT_CPUS" || echo unpinned)"
	report
} | tee "$RESULTS/summary.txt" || TARGETS=$?

# ---------------------------------------------------------------- durability
# wrk records the code of every 201 it receives; the server is killed with
# SIGKILL half-way; after a restart every recorded code must answer 200.
echo >&2
echo "bench: durability: POST load, kill -9 mid-load, restart, check ..." >&2
stop "$MIN_PID"; MIN_PID=""
BENCH_CODES=$WORK/acked "${ON_CLIENT[@]}" wrk -t"$WRK_THREADS" -c"$CONNS" -d30s \
	-s "$here/post.lua" "$SRV_URL/" -- "$TOKEN" >"$RESULTS/durability-wrk.txt" 2>&1 &
wrk_pid=$!
sleep 3
kill -9 "$SRV_PID"
wait "$SRV_PID" 2>/dev/null || true
SRV_PID=""
sleep 0.5
kill -INT "$wrk_pid" 2>/dev/null || true
wait "$wrk_pid" || true
cat "$WORK"/acked.* 2>/dev/null | sort >"$WORK/acked" || true
acked=$(wc -l <"$WORK/acked")
dups=$(uniq -d "$WORK/acked" | wc -l)

start_ungcuu serve-restart
while read -r code; do
	printf 'url = "%s/api/v1/requests/%s"\noutput = "/dev/null"\n' "$SRV_URL" "$code"
done <"$WORK/acked" >"$WORK/curl.conf"
got=0
if [ "$acked" -gt 0 ]; then
	got=$(curl -s -H "Authorization: Bearer $TOKEN" -w '%{http_code}\n' -K "$WORK/curl.conf" |
		grep -c '^200$' || true)
fi
stop "$SRV_PID"; SRV_PID=""
audit=$("$UNGCUU" audit verify --db "$DB" 2>&1) && audit_ok=1 || audit_ok=0
integrity=-
if command -v sqlite3 >/dev/null; then
	integrity=$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1 | head -3)
fi
{
	echo "durability: $acked creates acknowledged before kill -9, $got found after restart" \
		"($((acked - got)) lost)   $([ "$acked" -gt 0 ] && [ "$got" = "$acked" ] && echo PASS || echo FAIL)"
	echo "durability: $dups codes acknowledged twice; integrity_check: $integrity;" \
		"audit verify: $audit"
} | tee "$RESULTS/durability.txt"
[ "$acked" -gt 0 ] && [ "$got" = "$acked" ] && [ "$dups" = 0 ] || FAILED=1
[ "$audit_ok" = 1 ] || FAILED=1
[ "$integrity" = ok ] || [ "$integrity" = - ] || FAILED=1

echo
echo "bench: raw output in ${RESULTS#"$root"/}"
[ "$FAILED" = 0 ] || die "some runs failed (see above)"
exit "$TARGETS"
