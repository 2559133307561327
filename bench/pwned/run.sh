#!/bin/bash
# run.sh — the breached-password index benchmark (bench/README.md, "pwned"):
#   1. a corpus of HASHES random SHA-1 hashes in HIBP's one-file layout
#      (HASH:COUNT lines, ~43 bytes each), generated here, never kept;
#   2. build throughput of `ungcuu pwned build`, MB/s of input text: full
#      density with and without the verification pass, and compact;
#   3. index size per hash, both densities;
#   4. in-process lookup latency (bench_pwned_lookup), both densities;
#   5. GET /range/{random prefix} with wrk against `ungcuu serve`, and against
#      bench_minimal answering a fixed body of the same mean size (the
#      ceiling of libmicrohttpd on this machine), ROUNDS interleaved rounds,
#      medians; then once with Add-Padding (informational).
# Targets: build >= 500 MB/s; lookup p50 <= 1 us, p99 <= 5 us; /range >= 50 %
# of the fixed body; full <= 22 and compact <= 8 bytes per hash.
# Exit status 0 when every target is met and no request failed, 1 if not.
#
# Settings (environment):
#   HASHES=100000000   corpus size (scaled down, and said so, if the disk
#                      holding WORKDIR is short: it needs ~63 bytes a hash)
#   ROUNDS=3           build runs and wrk rounds (medians are reported)
#   DURATION=10s       of each wrk run, after a WARMUP=3s run of each server
#   CONNS=64 WRK_THREADS=2 THREADS=16
#   PIN=1              server on SERVER_CPUS=0, wrk on CLIENT_CPUS=1 (taskset)
#   WORKDIR=/tmp       where the temporary directory goes; KEEP=1 keeps it
#   BUILD=build-release
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

HASHES=${HASHES:-100000000}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
CONNS=${CONNS:-64}
WRK_THREADS=${WRK_THREADS:-2}
THREADS=${THREADS:-16}
PIN=${PIN:-1}
SERVER_CPUS=${SERVER_CPUS:-0}
CLIENT_CPUS=${CLIENT_CPUS:-1}
WORKDIR=${WORKDIR:-/tmp}
KEEP=${KEEP:-0}
BUILD=${BUILD:-build-release}

die() { echo "bench: $*" >&2; exit 1; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
calc() { awk "BEGIN { print $* }"; }

for tool in wrk curl meson ninja; do
	command -v "$tool" >/dev/null || die "'$tool' is missing (scripts/bootstrap installs it)"
done
if [ "$PIN" = 1 ] && [ "$(nproc)" -lt 2 ]; then
	echo "bench: one core only: running unpinned" >&2
	PIN=0
fi
ON_SERVER=() ON_CLIENT=()
if [ "$PIN" = 1 ]; then
	ON_SERVER=(taskset -c "$SERVER_CPUS")
	ON_CLIENT=(taskset -c "$CLIENT_CPUS")
fi

# ---------------------------------------------------------------- build
if [ ! -f "$BUILD/build.ninja" ]; then
	meson setup "$BUILD" --buildtype=release -Dtests=disabled >/dev/null
fi
ninja -C "$BUILD" ungcuu bench_minimal bench_pwned_gen bench_pwned_lookup >/dev/null
UNGCUU=$root/$BUILD/ungcuu
MINIMAL=$root/$BUILD/bench_minimal

# ---------------------------------------------------------------- set-up
WORK=$(mktemp -d "$WORKDIR/ungcuu-bench-pwned-XXXXXX")
RESULTS=$here/results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$RESULTS"
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	if [ "$KEEP" = 1 ]; then echo "bench: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# text ~43 bytes a hash, full index ~19, compact ~4.1, plus the temporary
# file of a rebuild: ~63 bytes a hash at the worst moment
avail=$(df -P -B1 "$WORK" | awk 'NR == 2 { print $4 }')
need=$((HASHES * 63 + (1 << 30)))
if [ "$avail" -lt "$need" ]; then
	scaled=$(((avail - (1 << 30)) / 63 / 1000000 * 1000000))
	[ "$scaled" -ge 1000000 ] || die "not enough disk in $WORKDIR for even a million hashes"
	echo "bench: only $((avail >> 30)) GiB free in $WORKDIR: $scaled hashes instead of $HASHES" |
		tee "$RESULTS/scaled.txt" >&2
	HASHES=$scaled
fi

{
	echo "commit:  $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "${COMMIT:-unknown}")"
	echo "date:    $(date -u +%FT%TZ)"
	echo "machine: $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1))," \
		"$(free -g | awk '/^Mem:/ { print $2 }') GiB RAM, $(uname -r)"
	echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at the start"
	echo "hashes:  $HASHES"
} | tee "$RESULTS/summary.txt"

# ---------------------------------------------------------------- 1. corpus
echo "== generating the corpus" >&2
start=$(date +%s.%N)
"$root/$BUILD/bench_pwned_gen" --hashes "$HASHES" --seed 1 "$WORK/pwned.txt"
TEXT=$(stat -c %s "$WORK/pwned.txt")
printf 'corpus:  %.2f GB of text generated in %.1f s\n' "$(calc "$TEXT / 1e9")" \
	"$(calc "$(date +%s.%N) - $start")" | tee -a "$RESULTS/summary.txt"

# ---------------------------------------------------------------- 2, 3. builds
# mb_per_s OUTPUT LOG: "read ... in S s (R MB/s)" -> R
rate() { sed -n 's/.* (\([0-9]*\) MB\/s).*/\1/p' "$1"; }
for kind in full-verified full-unverified compact; do
	case $kind in
	full-verified) args=(-o "$WORK/full.idx") ;;
	full-unverified) args=(-o "$WORK/full.idx" --no-verify) ;;
	compact) args=(-o "$WORK/compact.idx" --compact) ;;
	esac
	: >"$RESULTS/build-$kind.txt"
	for r in $(seq 1 "$ROUNDS"); do
		echo "== build $kind, round $r" >&2
		"$UNGCUU" pwned build "$WORK/pwned.txt" "${args[@]}" --quiet >"$WORK/build.out"
		cat "$WORK/build.out" >>"$RESULTS/build-$kind.txt"
		rate "$WORK/build.out" >>"$WORK/rates-$kind"
	done
	printf 'build %-16s median %s MB/s of text (runs: %s)\n' "$kind" \
		"$(median <"$WORK/rates-$kind")" "$(paste -sd' ' "$WORK/rates-$kind")" |
		tee -a "$RESULTS/summary.txt"
done
"$UNGCUU" pwned verify "$WORK/full.idx" "$WORK/compact.idx" | tee "$RESULTS/verify.txt"
FULL_BPH=$(calc "$(stat -c %s "$WORK/full.idx") / $HASHES")
COMPACT_BPH=$(calc "$(stat -c %s "$WORK/compact.idx") / $HASHES")
printf 'size     full %.2f bytes per hash, compact %.2f bytes per hash\n' "$FULL_BPH" "$COMPACT_BPH" |
	tee -a "$RESULTS/summary.txt"
BUILD_MBS=$(median <"$WORK/rates-full-verified")

# ---------------------------------------------------------------- 4. lookups
echo "== lookups" >&2
"$root/$BUILD/bench_pwned_lookup" "$WORK/full.idx" 1000000 | tee "$RESULTS/lookup-full.txt"
"$root/$BUILD/bench_pwned_lookup" "$WORK/compact.idx" 1000000 "$WORK/full.idx" |
	tee "$RESULTS/lookup-compact.txt"
P50=$(sed -n 's/^random .* p50 \([0-9]*\) ns.*/\1/p' "$RESULTS/lookup-full.txt")
P99=$(sed -n 's/^random .* p99 \([0-9]*\) ns.*/\1/p' "$RESULTS/lookup-full.txt")
{
	printf 'lookup   full:    '
	sed -n 's/^random  *n=[0-9]*  \(p50 [0-9]* ns\)  p90 [0-9]* ns  \(p99 [0-9]* ns\).*/random \1, \2/p' \
		"$RESULTS/lookup-full.txt" | tr '\n' ';'
	sed -n 's/^hot  *n=[0-9]*  \(p50 [0-9]* ns\)  p90 [0-9]* ns  \(p99 [0-9]* ns\).*/ hot \1, \2/p' \
		"$RESULTS/lookup-full.txt"
	printf 'lookup   compact: '
	sed -n 's/^random  *n=[0-9]*  \(p50 [0-9]* ns\)  p90 [0-9]* ns  \(p99 [0-9]* ns\).*/random \1, \2/p' \
		"$RESULTS/lookup-compact.txt" | tr '\n' ';'
	sed -n 's/^hot  *n=[0-9]*  \(p50 [0-9]* ns\)  p90 [0-9]* ns  \(p99 [0-9]* ns\).*/ hot \1, \2/p' \
		"$RESULTS/lookup-compact.txt"
} | tee -a "$RESULTS/summary.txt"

# ---------------------------------------------------------------- 5. HTTP
echo "== HTTP" >&2
"$UNGCUU" init --db "$WORK/ungcuu.db" >/dev/null
"${ON_SERVER[@]}" "$UNGCUU" serve --db "$WORK/ungcuu.db" --listen 127.0.0.1:0 --threads "$THREADS" \
	--pwned-index "$WORK/full.idx" >"$WORK/serve.out" 2>"$WORK/serve.err" &
PIDS+=($!)
for _ in $(seq 1 100); do
	OURS=$(sed -n 's|^ungcuu: listening on \(http://.*\)$|\1|p' "$WORK/serve.out")
	[ -n "$OURS" ] && break
	sleep 0.1
done
[ -n "$OURS" ] || die "the server did not start: $(cat "$WORK/serve.err")"
# the mean size of a /range body, over 1,000 random prefixes
urls=() # curl pairs each -o with one URL
for _ in $(seq 1 1000); do urls+=(-o /dev/null "$OURS/range/$(printf '%05X' $((RANDOM * 32 + RANDOM % 32)))"); done
BODY=$(curl -s -w '%{size_download}\n' "${urls[@]}" | awk '{ s += $1 } END { printf "%d", s / NR }')
"${ON_SERVER[@]}" "$MINIMAL" 0 "$THREADS" "$BODY" >"$WORK/minimal.out" &
PIDS+=($!)
for _ in $(seq 1 100); do
	PEER=$(sed -n 's|^bench_minimal: listening on \(http://.*\)$|\1|p' "$WORK/minimal.out")
	[ -n "$PEER" ] && break
	sleep 0.1
done
[ -n "$PEER" ] || die "bench_minimal did not start"
echo "mean /range body: $BODY bytes" | tee -a "$RESULTS/summary.txt"

wrk_run() { # NAME URL [env...]
	local name=$1 url=$2
	shift 2
	env "$@" "${ON_CLIENT[@]}" wrk -t"$WRK_THREADS" -c"$CONNS" -d"$DURATION" --latency \
		-s "$here/range.lua" "$url" >"$RESULTS/$name.txt"
	sed -n 's/^RESULT //p' "$RESULTS/$name.txt"
}
"${ON_CLIENT[@]}" wrk -t"$WRK_THREADS" -c"$CONNS" -d"$WARMUP" -s "$here/range.lua" "$PEER" >/dev/null
"${ON_CLIENT[@]}" wrk -t"$WRK_THREADS" -c"$CONNS" -d"$WARMUP" -s "$here/range.lua" "$OURS" >/dev/null
FAILED=0
for r in $(seq 1 "$ROUNDS"); do
	echo "== wrk round $r" >&2
	for side in peer ours; do
		url=$PEER
		[ $side = ours ] && url=$OURS
		line=$(wrk_run "$side-$r" "$url")
		echo "$side round $r: $line" >>"$RESULTS/rounds.txt"
		echo "$line" | sed -n 's/.* rps=\([0-9.]*\) .*/\1/p' >>"$WORK/rps-$side"
		bad=$(echo "$line" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^(errors|non2xx)=/) { split($i, f, "="); s += f[2] } } END { print s + 0 }')
		FAILED=$((FAILED + bad))
	done
done
PEER_RPS=$(median <"$WORK/rps-peer")
OUR_RPS=$(median <"$WORK/rps-ours")
RATIO=$(calc "100 * $OUR_RPS / $PEER_RPS")
printf 'range    %.0f req/s median vs fixed body %.0f req/s: %.0f %% (rounds: %s | %s), %d failed\n' \
	"$OUR_RPS" "$PEER_RPS" "$RATIO" "$(paste -sd' ' "$WORK/rps-ours")" "$(paste -sd' ' "$WORK/rps-peer")" \
	"$FAILED" | tee -a "$RESULTS/summary.txt"
line=$(wrk_run padded "$OURS" PADDING=1)
printf 'padded   %s\n' "$line" | tee -a "$RESULTS/summary.txt"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) at the end" | tee -a "$RESULTS/summary.txt"

# ---------------------------------------------------------------- verdict
ok=1
check() { # NAME CONDITION (awk)
	if awk "BEGIN { exit !($2) }"; then echo "target met:    $1"; else echo "target missed: $1"; fi
}
{
	check "build >= 500 MB/s ($BUILD_MBS)" "$BUILD_MBS >= 500"
	check "lookup p50 <= 1000 ns ($P50)" "$P50 <= 1000"
	check "lookup p99 <= 5000 ns ($P99)" "$P99 <= 5000"
	check "range >= 50 % of the fixed body ($(printf '%.0f' "$RATIO") %)" "$RATIO >= 50"
	check "full <= 22 bytes per hash ($(printf '%.2f' "$FULL_BPH"))" "$FULL_BPH <= 22"
	check "compact <= 8 bytes per hash ($(printf '%.2f' "$COMPACT_BPH"))" "$COMPACT_BPH <= 8"
	check "no failed request ($FAILED)" "$FAILED == 0"
} | tee -a "$RESULTS/summary.txt"
grep -q 'target missed' "$RESULTS/summary.txt" && ok=0
echo "results in $RESULTS" >&2
[ "$ok" = 1 ]
