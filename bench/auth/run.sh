#!/bin/bash
# run.sh — the identity benchmark (bench/README.md), on 127.0.0.1:
#   (a) logins per second at the default Argon2id parameters (m = 19 MiB,
#       t = 2): slow on purpose — this is what a password guesser pays;
#   (b) GET /api/v1/requests/{code} authenticated by a session cookie, beside
#   (c) the same GET authenticated by a bearer token: a session costs about
#       what a token costs (target: within 10 %).
# ROUNDS rounds, medians.  Release build in build-release.
# Settings: ROUNDS=3 DURATION=10s CONNS=64 LOGIN_CONNS=4 THREADS=16
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-64}
LOGIN_CONNS=${LOGIN_CONNS:-4}
THREADS=${THREADS:-16}
BUILD=build-release

[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" --buildtype=release -Dtests=disabled >/dev/null
ninja -C "$BUILD" ungcuu >/dev/null
work=$(mktemp -d /tmp/ungcuu-bench-auth-XXXXXX)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

db="$work/b.db"
"$BUILD/ungcuu" init --db "$db" --demo >/dev/null
# a known password, already changed, for the agent
PASSWORD='Trực ban 24/7 ứng cứu!'
"$BUILD/ungcuu" serve --db "$db" --listen 127.0.0.1:0 --lmtp off --threads "$THREADS" >"$work/out" 2>"$work/err" &
server=$!
for _ in $(seq 1 100); do
	base=$(sed -n 's|^ungcuu: listening on \(http://.*\)$|\1|p' "$work/out")
	[ -n "$base" ] && break
	sleep 0.1
done
[ -n "$base" ] || { cat "$work/err"; exit 1; }
# first login with the demo one-time password, then the change
"$BUILD/ungcuu" user passwd agent --db "$db" >"$work/pw"
initial=$(sed -n 's/.*: //p' "$work/pw")
curl -s -c "$work/jar" -o "$work/login.json" -X POST \
	--data-binary "{\"username\":\"agent\",\"password\":\"$initial\"}" "$base/api/v1/session"
csrf=$(jq -r .csrf_token "$work/login.json")
curl -s -b "$work/jar" -o /dev/null -H "X-CSRF-Token: $csrf" -X POST \
	--data-binary "{\"current\":\"$initial\",\"new\":\"$PASSWORD\"}" "$base/api/v1/password"
cookie=$(awk '$6 == "ungcuu_session" { print $7 }' "$work/jar")
token=$("$BUILD/ungcuu" user token agent --db "$db")
code=$(sqlite3 "$db" "SELECT code FROM requests LIMIT 1")

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
rps() { sed -n 's/^Requests\/sec: *//p'; }

declare -a L S T
for r in $(seq 1 "$ROUNDS"); do
	L+=("$(USERNAME=agent PASSWORD="$PASSWORD" wrk -t2 -c"$LOGIN_CONNS" -d"$DURATION" -s "$here/login.lua" "$base/api/v1/session" | tee "$work/l$r" | rps)")
	grep -q '^non201 0$' "$work/l$r" || { echo "bench: failed logins in round $r"; cat "$work/l$r"; exit 1; }
	S+=("$(CODE=$code AUTH_HEADER=Cookie AUTH_VALUE="ungcuu_session=$cookie" wrk -t2 -c"$CONNS" -d"$DURATION" -s "$here/get.lua" "$base" | tee "$work/s$r" | rps)")
	T+=("$(CODE=$code AUTH_HEADER=Authorization AUTH_VALUE="Bearer $token" wrk -t2 -c"$CONNS" -d"$DURATION" -s "$here/get.lua" "$base" | tee "$work/t$r" | rps)")
	grep -q '^non200 0$' "$work/s$r" && grep -q '^non200 0$' "$work/t$r" || { echo "bench: errors in round $r"; exit 1; }
	echo "round $r: logins/s ${L[-1]}  session GET/s ${S[-1]}  token GET/s ${T[-1]}"
done
lm=$(printf '%s\n' "${L[@]}" | median)
sm=$(printf '%s\n' "${S[@]}" | median)
tm=$(printf '%s\n' "${T[@]}" | median)
ratio=$(awk -v s="$sm" -v t="$tm" 'BEGIN { printf "%.3f", s / t }')
echo
echo "median logins/s (Argon2id m=19 MiB t=2): $lm"
echo "median GET/s with a session cookie:      $sm"
echo "median GET/s with a bearer token:        $tm"
echo "session / token:                         $ratio (target: 0.90 to 1.10)"
awk -v r="$ratio" 'BEGIN { exit !(r >= 0.90 && r <= 1.10) }'
