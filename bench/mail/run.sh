#!/bin/bash
# run.sh — durable mail intake (bench/README.md), on 127.0.0.1:
#   (a) LMTP: Postfix's smtp-source speaking LMTP straight to `ungcuu serve
#       --lmtp`, SESSIONS parallel sessions, 10 KB messages, then 100 KB
#       messages (the size of a mail with a screenshot attached); every
#       message is parsed, its raw bytes synced to the blob store and its
#       request committed (synchronous=FULL) before the 250;
#   (b) the pipe transport an MTA would use instead: one `ungcuu mailgate`
#       process per message, PIPE_COUNT messages in sequence — the shape of
#       Request Tracker's rt-mailgate, measured here on our own code;
# ROUNDS rounds, medians.  Each run checks that every message was stored.
# Settings: ROUNDS=3 COUNT=20000 BIG_COUNT=4000 SESSIONS=20 PIPE_COUNT=300
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
ROUNDS=${ROUNDS:-3}
COUNT=${COUNT:-20000}
BIG_COUNT=${BIG_COUNT:-4000}
SESSIONS=${SESSIONS:-20}
PIPE_COUNT=${PIPE_COUNT:-300}
BUILD=build-release

for tool in smtp-source sqlite3 meson ninja; do
	command -v "$tool" >/dev/null || { echo "bench: '$tool' is missing (scripts/bootstrap installs it)"; exit 1; }
done
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" --buildtype=release -Dtests=disabled >/dev/null
ninja -C "$BUILD" ungcuu >/dev/null
work=$(mktemp -d /tmp/ungcuu-bench-mail-XXXXXX)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

db="$work/m.db"
"$BUILD/ungcuu" init --db "$db" >/dev/null
"$BUILD/ungcuu" serve --db "$db" --listen 127.0.0.1:0 --lmtp 127.0.0.1:0 >"$work/out" 2>"$work/err" &
server=$!
for _ in $(seq 1 100); do
	port=$(sed -n 's|^ungcuu: lmtp on .*:\([0-9]*\)$|\1|p' "$work/out")
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || { cat "$work/err"; exit 1; }

stored() { sqlite3 "$db" "SELECT count(*) FROM messages"; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
now() { date +%s.%N; }

# lmtp COUNT SIZE — messages/s through LMTP
lmtp() {
	local before t0 t1 after
	before=$(stored)
	t0=$(now)
	smtp-source -L -s "$SESSIONS" -m "$1" -l "$2" -f bench@example.org -t hotro@example.gov.vn \
		"127.0.0.1:$port" >/dev/null
	t1=$(now)
	after=$(stored)
	[ $((after - before)) -eq "$1" ] || { echo "bench: $1 sent, $((after - before)) stored" >&2; exit 1; }
	awk -v n="$1" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }'
}

# pipe COUNT — messages/s with one mailgate process per message
pipe() {
	local before t0 t1 after i
	before=$(stored)
	t0=$(now)
	for i in $(seq 1 "$1"); do
		printf 'From: bench@example.org\r\nTo: hotro@example.gov.vn\r\nSubject: pipe %s\r\nMessage-ID: <pipe.%s.%s@bench>\r\n\r\n%s\r\n' \
			"$i" "$i" "$t0" "$(head -c 7000 /dev/zero | tr '\0' 'x')" |
			"$BUILD/ungcuu" mailgate --db "$db" >/dev/null
	done
	t1=$(now)
	after=$(stored)
	[ $((after - before)) -eq "$1" ] || { echo "bench: pipe stored $((after - before))" >&2; exit 1; }
	awk -v n="$1" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }'
}

declare -a S B P
for r in $(seq 1 "$ROUNDS"); do
	S+=("$(lmtp "$COUNT" 10240)")
	B+=("$(lmtp "$BIG_COUNT" 102400)")
	P+=("$(pipe "$PIPE_COUNT")")
	echo "round $r: LMTP 10 KB ${S[-1]} msg/s, LMTP 100 KB ${B[-1]} msg/s, mailgate pipe ${P[-1]} msg/s"
done
sm=$(printf '%s\n' "${S[@]}" | median)
bm=$(printf '%s\n' "${B[@]}" | median)
pm=$(printf '%s\n' "${P[@]}" | median)
echo
echo "median LMTP intake, 10 KB:    $sm msg/s (target >= 1000)"
echo "median LMTP intake, 100 KB:   $bm msg/s"
echo "median pipe (mailgate) intake: $pm msg/s; LMTP / pipe = $(awk -v a="$sm" -v b="$pm" 'BEGIN { printf "%.1f", a / b }')"
echo "database $(du -h "$db" | cut -f1), attachment blobs $(du -sh "$work/blobs" 2>/dev/null | cut -f1 || echo none)"
[ "$sm" -ge 1000 ]
