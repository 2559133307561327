#!/bin/bash
# run.sh — the public check benchmark (bench/README.md): in one run, on
# 127.0.0.1, against one release server with the public limits lifted,
#   (a) GET /healthz: the server's HTTP ceiling, no store work;
#   (b) POST /api/v1/requests: one durable create per request (an agent);
#   (c) POST /api/v1/verify: one check per request (read the request,
#       compare the requester, look the contact up, one durable audit write),
#       cycling genuine / wrong requester / guessed code.
# ROUNDS rounds of a, b, c interleaved; medians of requests/s and latency.
# Run under `flock /tmp/ungcuu-bench.lock` (make bench does not take it).
#
# Settings (environment): ROUNDS=3 DURATION=5s CONNS=32 WRK_THREADS=2
# THREADS=16 KEEP=0
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5s}
CONNS=${CONNS:-32}
WRK_THREADS=${WRK_THREADS:-2}
THREADS=${THREADS:-16}
KEEP=${KEEP:-0}
BUILD=build-release

die() { echo "bench: $*" >&2; exit 1; }
for tool in wrk curl meson ninja python3; do
	command -v "$tool" >/dev/null || die "'$tool' is missing (scripts/bootstrap installs it)"
done
if [ ! -f "$BUILD/build.ninja" ]; then
	meson setup "$BUILD" --buildtype=release -Dtests=disabled >/dev/null || die "meson setup failed"
fi
ninja -C "$BUILD" ungcuu >/dev/null || die "the build failed"
UNGCUU=$root/$BUILD/ungcuu

WORK=$(mktemp -d -t ungcuu-bench-XXXXXX)
SRV_PID=""
cleanup() {
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null
	if [ "$KEEP" = 1 ]; then echo "bench: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DB=$WORK/bench.db
"$UNGCUU" init --db "$DB" --demo >/dev/null
TOKEN=$("$UNGCUU" user token agent --db "$DB")
CODE=$(sqlite3 "$DB" "SELECT code FROM requests WHERE requester_phone = '0912345678'")
"$UNGCUU" serve --db "$DB" --listen 127.0.0.1:0 --threads "$THREADS" --lmtp off \
	--verify-ip-limit 1000000000 --verify-code-limit 1000000000 >"$WORK/serve.out" 2>"$WORK/serve.err" &
SRV_PID=$!
for _ in $(seq 1 200); do
	URL=$(sed -n 's|^ungcuu: listening on \(http://.*\)$|\1|p' "$WORK/serve.out")
	[ -n "$URL" ] && break
	sleep 0.05
done
[ -n "$URL" ] || die "the server did not start: $(cat "$WORK/serve.err")"

# run NAME ARGS...: one wrk run; appends "NAME rps p50 p99 errors" to results
run() {
	local name=$1 line
	shift
	line=$(wrk -t "$WRK_THREADS" -c "$CONNS" -d "$DURATION" "$@" | grep '^RESULT') ||
		die "wrk failed for $name"
	echo "$name $line" >>"$WORK/results"
}
wrk -t 1 -c 4 -d 1s -s "$here/verify.lua" "$URL" -- "$CODE" >/dev/null
for r in $(seq 1 "$ROUNDS"); do
	echo "bench: round $r of $ROUNDS" >&2
	run healthz -s "$here/report.lua" "$URL/healthz"
	run create -s "$root/bench/api/post.lua" "$URL/api/v1/requests" -- "$TOKEN"
	run verify -s "$here/verify.lua" "$URL" -- "$CODE"
done
python3 - "$WORK/results" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name = line.split()[0]
    kv = dict(re.findall(r"(\w+)=([\d.]+)", line))
    rows.setdefault(name, []).append(kv)
med = lambda name, k: statistics.median(float(r[k]) for r in rows[name])
errs = lambda name: sum(int(r["status_errors"]) + int(r["socket_errors"]) for r in rows[name])
for name in ("healthz", "create", "verify"):
    print("%-8s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d" %
          (name, med(name, "rps"), med(name, "p50_ms"), med(name, "p99_ms"), errs(name)))
print("verify / create  %.2f" % (med("verify", "rps") / med("create", "rps")))
print("verify / healthz %.2f" % (med("verify", "rps") / med("healthz", "rps")))
PY
audit=$("$UNGCUU" audit verify --db "$DB")
echo "audit: $audit"
