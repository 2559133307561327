# lib.sh — shared by the integration tests: a scratch directory, a real
# `ungcuu serve` on a free loopback port, curl helpers, and assertions that
# count and print "N passed, N failed" at the end.
# Sourced; expects $UNGCUU (the binary) to be set by the caller.

set -u
PASS=0
FAIL=0
WORK=$(mktemp -d /tmp/ungcuu-it-XXXXXX)
DB="$WORK/ungcuu.db"
SERVER_PID=""
BASE=""

cleanup() {
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
	[ -n "${KEEP_WORK:-}" ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT

ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*" >&2; }

# check DESCRIPTION EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then ok; else bad "$1: expected '$2', got '$3'"; fi
}

# check_match DESCRIPTION REGEX ACTUAL
check_match() {
	if printf '%s' "$3" | grep -Eq -- "$2"; then ok; else bad "$1: '$3' does not match /$2/"; fi
}

# start_server [extra serve args...] — sets BASE and SERVER_PID
start_server() {
	# a free LMTP port too, unless the test names one: never the default 2424
	case " $* " in *" --lmtp "*) ;; *) set -- "$@" --lmtp 127.0.0.1:0 ;; esac
	"$UNGCUU" serve --db "$DB" --listen 127.0.0.1:0 "$@" >"$WORK/serve.out" 2>>"$WORK/serve.err" &
	SERVER_PID=$!
	for _ in $(seq 1 100); do
		BASE=$(sed -n 's|^ungcuu: listening on \(http://.*\)$|\1|p' "$WORK/serve.out")
		[ -n "$BASE" ] && return 0
		sleep 0.05
	done
	echo "server did not start:" >&2
	cat "$WORK/serve.err" >&2
	exit 1
}

# Stop the server with SIGTERM; it must exit 0 and without any sanitizer
# report (the tests build with ASan, LeakSanitizer and UBSan).
stop_server() {
	[ -n "$SERVER_PID" ] || return 0
	kill "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	check "server exits 0 on SIGTERM" 0 $?
	SERVER_PID=""
	sanitizer_clean "$WORK/serve.err"
}

# Fail when a log holds a sanitizer report.
sanitizer_clean() {
	if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error' "$1"; then
		bad "sanitizer report in $1:"
		head -40 "$1" >&2
	else
		ok
	fi
}

# api TOKEN METHOD PATH [BODY] — prints "STATUS BODY"
api() {
	_tok=$1 _m=$2 _p=$3
	shift 3
	if [ $# -gt 0 ]; then
		curl -s -o "$WORK/body" -w '%{http_code}' -X "$_m" -H "Authorization: Bearer $_tok" \
			-H 'Content-Type: application/json' --data-binary "$1" "$BASE$_p" >"$WORK/status"
	else
		curl -s -o "$WORK/body" -w '%{http_code}' -X "$_m" -H "Authorization: Bearer $_tok" \
			"$BASE$_p" >"$WORK/status"
	fi
	STATUS=$(cat "$WORK/status")
	BODY=$(cat "$WORK/body")
}

# jget FILTER — jq over the last BODY
jget() { printf '%s' "$BODY" | jq -r "$1"; }

finish() {
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}
