#!/bin/bash
# durability.sh — an acknowledged create survives kill -9: clients create
# requests as fast as they can and record every code answered with 201;
# the server is killed with SIGKILL mid-load; after a restart every
# recorded code is there, the database is intact and the audit chain
# verifies.
UNGCUU=$1
. "$(dirname "$0")/lib.sh"

"$UNGCUU" init --db "$DB" --demo >/dev/null
AGENT=$("$UNGCUU" user token agent --db "$DB")
start_server
BODY_JSON='{"unit":"0010","service":"DVC","subject":"Kiểm tra độ bền","description":"Tạo trong lúc máy chủ bị dừng đột ngột","requester":{"name":"Trần Thị Bình","email":"binh@example.gov.vn"}}'

client() {
	# until the server disappears: POST, and keep the code of every 201
	while :; do
		out=$(curl -s -m 5 -w '\n%{http_code}' -X POST -H "Authorization: Bearer $AGENT" \
			--data-binary "$BODY_JSON" "$BASE/api/v1/requests") || break
		[ "${out##*$'\n'}" = 201 ] || continue
		printf '%s\n' "${out%$'\n'*}" | jq -r .code >>"$WORK/acked.$1"
	done
}
for i in 1 2 3 4 5 6 7 8; do client $i & done
sleep 3
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=""
wait
cat "$WORK"/acked.* >"$WORK/acked"
n=$(wc -l <"$WORK/acked")
if [ "$n" -gt 20 ]; then ok; else bad "too few creates before the kill ($n)"; fi

check "database intact after SIGKILL" ok "$(sqlite3 "$DB" 'PRAGMA integrity_check')"
start_server
missing=0
while read -r code; do
	api "$AGENT" GET "/api/v1/requests/$code"
	[ "$STATUS" = 200 ] || missing=$((missing + 1))
done <"$WORK/acked"
check "every acknowledged create survived ($n)" 0 "$missing"
check "no duplicate codes" "$(sqlite3 "$DB" 'SELECT count(*) FROM requests')" \
	"$(sqlite3 "$DB" 'SELECT count(DISTINCT code) FROM requests')"
# the server goes on numbering after the restart without reusing a code
api "$AGENT" POST /api/v1/requests "$BODY_JSON"
check "create after restart" 201 "$STATUS"
if grep -qx "$(jget .code)" "$WORK/acked"; then bad "code reused after restart"; else ok; fi
stop_server
"$UNGCUU" audit verify --db "$DB" >/dev/null
check "audit chain verifies after SIGKILL" 0 $?
finish
