#!/bin/bash
# api.sh — the JSON API against a real server: create/get/list/search/
# paginate requests, messages, notes, transitions, units and services,
# tokens and roles (a unit cannot read or write another unit's requests),
# hostile input (malformed JSON, unknown fields, oversized bodies, bad
# codes), health and metrics, and concurrent creates.
UNGCUU=$1
. "$(dirname "$0")/lib.sh"

"$UNGCUU" init --db "$DB" --demo >/dev/null
AGENT=$("$UNGCUU" user token agent --db "$DB")
ADMIN=$("$UNGCUU" user token admin --db "$DB")
U10=$("$UNGCUU" user token unit0010 --db "$DB")
U110=$("$UNGCUU" user token unit0110 --db "$DB")
start_server --max-body 65536

NEW='{"unit":"0010","service":"DVC","subject":"[0010#DVC] Lỗi đăng nhập Dịch vụ công","description":"Không đăng nhập được từ sáng nay.\nĐã thử đổi trình duyệt.","requester":{"name":"Trần Thị Bình","email":"binh.tt@hanoi.example.gov.vn","phone":"0912345678"}}'

# --- create and get -----------------------------------------------------
api "$AGENT" POST /api/v1/requests "$NEW"
check "create 201" 201 "$STATUS"
CODE=$(jget .code)
TODAY=$(date -u -d "@$(( $(date +%s) + 7 * 3600 ))" +%y%m%d)  # Asia/Ho_Chi_Minh, UTC+7
check_match "code format and Vietnamese date" "^SD$TODAY-[0-9]{6}$" "$CODE"
check "subject kept in UTF-8" "[0010#DVC] Lỗi đăng nhập Dịch vụ công" "$(jget .subject)"
check "defaults" "support new normal api" "$(jget '[.kind,.status,.priority,.channel]|join(" ")')"
check "requester" "Trần Thị Bình" "$(jget .requester.name)"
CREATED=$BODY
api "$AGENT" GET "/api/v1/requests/$CODE"
check "get 200" 200 "$STATUS"
check "get returns the same shape" "$(printf '%s' "$CREATED" | jq -S 'del(.events)')" "$(jget 'del(.events)' | jq -S .)"
check "timeline starts with created" "created" "$(jget '.events[0].type')"

# --- messages, notes, transitions ---------------------------------------
api "$AGENT" POST "/api/v1/requests/$CODE/messages" '{"body":"Đề nghị gửi ảnh chụp màn hình lỗi."}'
check "agent message 201" 201 "$STATUS"
check "agent reply opens" open "$(jget .status)"
api "$AGENT" POST "/api/v1/requests/$CODE/notes" '{"body":"Nghi ngờ tài khoản bị lộ mật khẩu"}'
check "note 201" 201 "$STATUS"
api "$AGENT" PATCH "/api/v1/requests/$CODE" '{"status":"pending","priority":"high","assignee":"agent"}'
check "patch 200" 200 "$STATUS"
check "patched" "pending high agent" "$(jget '[.status,.priority,.assignee]|join(" ")')"
api "$U10" POST "/api/v1/requests/$CODE/messages" '{"body":"Ảnh chụp màn hình đã gửi kèm."}'
check "unit reply 201" 201 "$STATUS"
check "requester reply reopens" open "$(jget .status)"
check "unit does not see the internal note" 0 "$(jget '[.events[]|select(.type=="note")]|length')"
check "direction of the unit reply" in "$(jget '[.events[]|select(.type=="message")][-1].direction')"
api "$AGENT" GET "/api/v1/requests/$CODE"
check "agent sees the note" 1 "$(jget '[.events[]|select(.type=="note")]|length')"
check "every event has actor and time" true "$(jget '[.events[]|(.actor|length>0) and (.at|test("Z$"))]|all')"
api "$AGENT" PATCH "/api/v1/requests/$CODE" '{"status":"closed"}'
check "open -> closed is 409" 409 "$STATUS"
check "409 names the field" status "$(jget .error.field)"
check "409 code" invalid_transition "$(jget .error.code)"
api "$AGENT" PATCH "/api/v1/requests/$CODE" '{"status":"resolved"}'
check "resolve" resolved "$(jget .status)"
api "$AGENT" PATCH "/api/v1/requests/$CODE" '{"status":"closed"}'
check "close" closed "$(jget .status)"
api "$AGENT" PATCH "/api/v1/requests/$CODE" '{"assignee":"unit0010"}'
check "assign to a unit user is 400" "400 assignee" "$STATUS $(jget .error.field)"
api "$AGENT" PATCH "/api/v1/requests/$CODE" '{"status":"reopened"}'
check "unknown status is 400" "400 status" "$STATUS $(jget .error.field)"
api "$AGENT" PATCH "/api/v1/requests/$CODE" '{}'
check "empty patch is 400" 400 "$STATUS"

# --- roles and scope ----------------------------------------------------
api "$U110" GET "/api/v1/requests/$CODE"
check "cross-unit read is 404" 404 "$STATUS"
api "$U110" POST "/api/v1/requests/$CODE/messages" '{"body":"chen ngang"}'
check "cross-unit write is 404" 404 "$STATUS"
api "$U110" PATCH "/api/v1/requests/$CODE" '{"status":"open"}'
check "cross-unit patch is 404" 404 "$STATUS"
api "$U10" PATCH "/api/v1/requests/$CODE" '{"status":"open"}'
check "unit may not patch its own request: 403" 403 "$STATUS"
api "$U10" POST "/api/v1/requests/$CODE/notes" '{"body":"x"}'
check "unit may not write notes" 403 "$STATUS"
api "$U110" POST /api/v1/requests "$NEW"
check "unit cannot create for another unit" "403 unit" "$STATUS $(jget .error.field)"
api "$U110" GET "/api/v1/requests?limit=100"
check "unit list shows only its unit" "0110" "$(jget '[.items[].unit]|unique|join(",")')"
api "$U110" GET "/api/v1/requests?unit=0010"
check "unit cannot widen its scope by filter" 0 "$(jget '.items|length')"
api "$U10" POST /api/v1/requests "${NEW/0912345678/0900000000}"
check "unit creates for its own unit" 201 "$STATUS"
api "$AGENT" POST /api/v1/units '{"code":"0999","name":"x"}'
check "agent cannot create units" 403 "$STATUS"
api "" GET /api/v1/requests
check "no token is 401" 401 "$STATUS"
api "ugc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" GET /api/v1/requests
check "unknown token is 401" 401 "$STATUS"
api "not-a-token" GET /api/v1/requests
check "malformed token is 401" "401 unauthorized" "$STATUS $(jget .error.code)"
curl -s -D "$WORK/h" -o /dev/null "$BASE/api/v1/requests"
check_match "401 sends WWW-Authenticate" "WWW-Authenticate: Bearer" "$(cat "$WORK/h")"
api "$U10" GET /api/v1/me
check "me" "unit0010 unit 0010" "$(jget '[.username,.role,.unit]|join(" ")')"

# --- list, filters, search, pagination ----------------------------------
for i in $(seq 1 12); do
	api "$AGENT" POST /api/v1/requests "{\"unit\":\"0110\",\"service\":\"QLVB\",\"kind\":\"incident\",\"priority\":\"urgent\",\"subject\":\"Máy $i nhiễm mã độc đánh cắp mật khẩu\",\"description\":\"Phát hiện tiến trình lạ\",\"requester\":{\"name\":\"Lê Văn Cường\",\"phone\":\"0987654321\"}}" >/dev/null
done
api "$AGENT" GET "/api/v1/requests?kind=incident&unit=0110&limit=5"
check "filtered page size" 5 "$(jget '.items|length')"
check "filters applied" "incident 0110 urgent" "$(jget '[.items[]|[.kind,.unit,.priority]|join(" ")]|unique|join(",")')"
CUR=$(jget .next_cursor)
seen=$(jget '[.items[].code]|join(" ")')
api "$AGENT" GET "/api/v1/requests?kind=incident&unit=0110&limit=5&cursor=$CUR"
seen="$seen $(jget '[.items[].code]|join(" ")')"
CUR=$(jget .next_cursor)
api "$AGENT" GET "/api/v1/requests?kind=incident&unit=0110&limit=5&cursor=$CUR"
seen="$seen $(jget '[.items[].code]|join(" ")')"
check "last page has no cursor" null "$(jget .next_cursor)"
check "pages cover all, no duplicates" "12 12" "$(echo $seen | wc -w) $(echo $seen | tr ' ' '\n' | sort -u | wc -l)"
api "$AGENT" GET "/api/v1/requests?q=ma%20doc"
check "search folds diacritics" 12 "$(jget '.items|length')"
api "$AGENT" GET "/api/v1/requests?q=%C4%90%C4%82NG%20NH%E1%BA%ACP"
check "search folds đ and upper case (ĐĂNG NHẬP)" 3 "$(jget '.items|length')"
api "$AGENT" GET "/api/v1/requests?q=nghi%20ngo%20lo%20mat%20khau"
check "staff search finds internal notes" 1 "$(jget '.items|length')"
api "$U10" GET "/api/v1/requests?q=nghi%20ngo%20lo%20mat%20khau"
check "unit search does not reach internal notes" 0 "$(jget '.items|length')"
api "$AGENT" GET "/api/v1/requests?status=closed"
check "status filter" "$CODE" "$(jget '[.items[].code]|join(",")')"
api "$AGENT" GET "/api/v1/requests?assignee=none&kind=incident&limit=100"
check "assignee=none" 13 "$(jget '.items|length')"
api "$AGENT" GET "/api/v1/requests?status=bogus"
check "bad status filter" "400 status" "$STATUS $(jget .error.field)"
api "$AGENT" GET "/api/v1/requests?limit=0"
check "bad limit" "400 limit" "$STATUS $(jget .error.field)"
api "$AGENT" GET "/api/v1/requests?limit=1000"
check "limit too large" 400 "$STATUS"
api "$AGENT" GET "/api/v1/requests?cursor=abc"
check "bad cursor" "400 cursor" "$STATUS $(jget .error.field)"

# --- hostile and malformed input ----------------------------------------
api "$AGENT" POST /api/v1/requests '{"unit":"0010",'
check "malformed JSON" "400 invalid_json" "$STATUS $(jget .error.code)"
api "$AGENT" POST /api/v1/requests '[1,2]'
check "not an object" 400 "$STATUS"
api "$AGENT" POST /api/v1/requests ''
check "empty body" 400 "$STATUS"
api "$AGENT" POST /api/v1/requests "${NEW/\"unit\"/\"unit\":\"0010\",\"unit\"}"
check "duplicate key" 400 "$STATUS"
api "$AGENT" POST /api/v1/requests "${NEW/\"service\"/\"sevrice\":1,\"service\"}"
check "unknown field named" "400 unknown_field sevrice" "$STATUS $(jget .error.code) $(jget .error.field)"
api "$AGENT" POST /api/v1/requests "${NEW/0010/0999}"
check "unknown unit" "400 unit" "$STATUS $(jget .error.field)"
check_match "unknown unit message quotes the code" "'0999'" "$(jget .error.message)"
api "$AGENT" POST /api/v1/requests "${NEW/\"DVC\"/\"NOPE\"}"
check "unknown service" "400 service" "$STATUS $(jget .error.field)"
api "$AGENT" POST /api/v1/requests "${NEW/binh.tt@hanoi.example.gov.vn/not-an-email}"
check "bad email" "400 requester.email" "$STATUS $(jget .error.field)"
api "$AGENT" POST /api/v1/requests "${NEW/Trần Thị Bình/}"
check "empty requester name" "400 requester.name" "$STATUS $(jget .error.field)"
api "$AGENT" POST /api/v1/requests "${NEW/Lỗi đăng nhập/Lỗi\\nđăng nhập}"
check "newline in subject" "400 subject" "$STATUS $(jget .error.field)"
api "$AGENT" POST /api/v1/requests "${NEW/Lỗi đăng nhập/Lỗi\\u0000}"
check "NUL in subject" 400 "$STATUS"
api "$AGENT" POST /api/v1/requests "${NEW/\"subject\"/\"kind\":\"prank\",\"subject\"}"
check "unknown kind" "400 kind" "$STATUS $(jget .error.field)"
api "$AGENT" POST /api/v1/requests "${NEW/\"DVC\"/42}"
check "wrong type" "400 service" "$STATUS $(jget .error.field)"
LONG=$(head -c 400 /dev/zero | tr '\0' 'a')
api "$AGENT" POST /api/v1/requests "${NEW/Lỗi đăng nhập/$LONG}"
check "subject too long" "400 subject" "$STATUS $(jget .error.field)"
printf '\xff\xfe' >"$WORK/bin"
curl -s -o "$WORK/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $AGENT" --data-binary @"$WORK/bin" "$BASE/api/v1/requests" >"$WORK/status"
check "binary body" 400 "$(cat "$WORK/status")"
head -c 200000 /dev/zero | tr '\0' 'x' >"$WORK/big"
curl -s -o "$WORK/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $AGENT" --data-binary @"$WORK/big" "$BASE/api/v1/requests" >"$WORK/status"
check "oversized body is 413" 413 "$(cat "$WORK/status")"
check "413 body is JSON" payload_too_large "$(jq -r .error.code "$WORK/body")"
curl -s -o "$WORK/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $AGENT" -H 'Transfer-Encoding: chunked' --data-binary @"$WORK/big" "$BASE/api/v1/requests" >"$WORK/status"
check "oversized chunked body is 413" 413 "$(cat "$WORK/status")"
api "$AGENT" GET "/api/v1/requests/SD000000-000000"
check "nonexistent code" "404 not_found" "$STATUS $(jget .error.code)"
api "$AGENT" GET "/api/v1/requests/%27%20OR%201=1--"
check "injection-shaped code" 404 "$STATUS"
api "$AGENT" GET /api/v1/nothing
check "unknown path" 404 "$STATUS"
api "$AGENT" DELETE "/api/v1/requests/$CODE"
check "wrong method" "405 method_not_allowed" "$STATUS $(jget .error.code)"
curl -s -D "$WORK/h" -o /dev/null -X DELETE -H "Authorization: Bearer $AGENT" "$BASE/api/v1/requests/$CODE"
check_match "405 sends Allow" "Allow: GET, PATCH" "$(cat "$WORK/h")"
api "$AGENT" GET "/api/v1/requests/$CODE"
check "nothing above changed the request" closed "$(jget .status)"
kill -0 "$SERVER_PID"
check "server survived the hostile input" 0 $?

# --- units and services -------------------------------------------------
api "$ADMIN" POST /api/v1/units '{"code":"0710","name":"Kho bạc Nhà nước Đà Nẵng","province":"Đà Nẵng","contacts":[{"name":"Võ Thị Mai","email":"mai.vt@example.gov.vn","phone":"0236 3822 111"}]}'
check "unit create" 201 "$STATUS"
check "unit contacts" "Võ Thị Mai" "$(jget '.contacts[0].name')"
api "$ADMIN" POST /api/v1/units '{"code":"0710","name":"again"}'
check "duplicate unit 409" 409 "$STATUS"
api "$ADMIN" PATCH /api/v1/units/0710 '{"parent":"0010"}'
check "unit patch keeps other fields" "Kho bạc Nhà nước Đà Nẵng 0010 1" "$(jget '[.name,.parent,(.contacts|length|tostring)]|join(" ")')"
api "$ADMIN" PATCH /api/v1/units/0010 '{"parent":"0710"}'
check "unit cycle refused" "400 parent" "$STATUS $(jget .error.field)"
api "$ADMIN" PATCH /api/v1/units/0710 '{"code":"0720"}'
check "unit code immutable" 400 "$STATUS"
api "$ADMIN" PATCH /api/v1/units/9999 '{"name":"x"}'
check "patch unknown unit" 404 "$STATUS"
api "$U10" GET /api/v1/units
check "units readable by unit users" true "$(jget '.items|length > 3')"
api "$ADMIN" POST /api/v1/services '{"code":"hddt","name":"Hóa đơn điện tử"}'
check "service create upper-cases the code" "201 HDDT" "$STATUS $(jget .code)"
api "$ADMIN" PATCH /api/v1/services/HDDT '{"name":"Hóa đơn điện tử (mới)"}'
check "service update" "Hóa đơn điện tử (mới)" "$(jget .name)"
api "$AGENT" GET /api/v1/services/HDDT
check "service get" 200 "$STATUS"
api "$AGENT" GET /api/v1/services
check "service list" 4 "$(jget '.items|length')"

# --- health and metrics -------------------------------------------------
check "healthz" ok "$(curl -s "$BASE/healthz" | jq -r .status)"
curl -s "$BASE/metrics" >"$WORK/metrics"
check_match "metrics: responses by code" 'ungcuu_http_responses_total\{code="201"\} [0-9]+' "$(cat "$WORK/metrics")"
check_match "metrics: latency histogram" 'ungcuu_http_request_duration_seconds_bucket\{le="\+Inf"\} [0-9]+' "$(cat "$WORK/metrics")"
check_match "metrics: requests by status" 'ungcuu_requests\{status="closed"\} 1' "$(cat "$WORK/metrics")"

# --- cached answers are never stale, never shared across scopes --------
api "$AGENT" POST /api/v1/requests "$NEW"
CC=$(jget .code)
api "$AGENT" POST "/api/v1/requests/$CC/notes" '{"body":"ghi chú nội bộ bí mật"}'
api "$AGENT" GET "/api/v1/requests/$CC"
api "$AGENT" GET "/api/v1/requests/$CC"
check "agent sees the internal note (cached or not)" "ghi chú nội bộ bí mật" \
	"$(jget '[.events[] | select(.internal) | .body][0]')"
api "$U10" GET "/api/v1/requests/$CC"
check "the unit's answer is its own: no internal note" "200 0" "$STATUS $(jget '[.events[] | select(.internal)] | length')"
api "$U110" GET "/api/v1/requests/$CC"
check "another unit gets 404 after the agent's answer was cached" 404 "$STATUS"
# a commit by another ungcuu process shows at once
printf 'From: binh.tt@hanoi.example.gov.vn\r\nSubject: Re: [%s] Bộ nhớ đệm\r\nMessage-ID: <cache-1@x>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nthư qua mailgate\r\n' \
	"$CC" >"$WORK/cache.eml"
"$UNGCUU" mailgate --db "$DB" <"$WORK/cache.eml" >/dev/null
api "$AGENT" GET "/api/v1/requests/$CC"
check "a change by another ungcuu process is seen at once" "thư qua mailgate" \
	"$(jget '[.events[] | select(.type == "message") | .body] | last' | tr -d '\r\n')"
# anything else's commit within a second
sqlite3 "$DB" "UPDATE requests SET subject = 'Đổi bởi sqlite3' WHERE code = '$CC'"
sleep 1.1
api "$AGENT" GET "/api/v1/requests/$CC"
check "a change by another program is seen within a second" "Đổi bởi sqlite3" "$(jget .subject)"
# a change through the API shows at once
api "$AGENT" POST "/api/v1/requests/$CC/messages" '{"body":"trả lời mới"}'
api "$AGENT" GET "/api/v1/requests/$CC"
check "a reply is in the next answer" "trả lời mới" "$(jget '[.events[] | select(.type == "message") | .body] | last')"
# a token revoked by another process stops at once (tokens are cached too)
TMP_TOKEN=$("$UNGCUU" user token agent --db "$DB")
api "$TMP_TOKEN" GET "/api/v1/requests/$CC"
api "$TMP_TOKEN" GET "/api/v1/requests/$CC"
check "a fresh token works" 200 "$STATUS"
sqlite3 "$DB" "UPDATE api_tokens SET revoked_at = strftime('%s','now') WHERE id = (SELECT max(id) FROM api_tokens)"
sleep 1.1
api "$TMP_TOKEN" GET "/api/v1/requests/$CC"
check "a token revoked by another program is refused within a second" 401 "$STATUS"
check_match "metrics: cache counters" 'ungcuu_response_cache_hits_total [1-9]' "$(curl -s "$BASE/metrics")"

# --- concurrent creates: no duplicate, no gap ---------------------------
before=$(sqlite3 "$DB" "SELECT last FROM code_seq WHERE day = '$TODAY'")
printf '%s' "$NEW" >"$WORK/new.json"
seq 1 200 | xargs -P 16 -n 1 sh -c 'curl -s -o /dev/null -w "%{http_code}\n" -X POST \
	-H "Authorization: Bearer $1" --data-binary @"$2" "$3/api/v1/requests"' sh "$AGENT" "$WORK/new.json" "$BASE" >"$WORK/codes"
check "200 concurrent creates all 201" "200" "$(grep -c '^201$' "$WORK/codes")"
check "sequence advanced by exactly 200" $((before + 200)) "$(sqlite3 "$DB" "SELECT last FROM code_seq WHERE day = '$TODAY'")"
check "codes unique and contiguous" "$((before + 200)) $((before + 200))" \
	"$(sqlite3 "$DB" "SELECT count(DISTINCT code), max(CAST(substr(code, 10) AS INTEGER)) FROM requests WHERE code LIKE 'SD$TODAY-%'" | tr '|' ' ')"

stop_server
out=$("$UNGCUU" audit verify --db "$DB")
check "audit chain intact after the run" 0 $?
check "every request has its audit entry" "$(sqlite3 "$DB" "SELECT count(*) FROM requests")" \
	"$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'request.create'")"
finish
