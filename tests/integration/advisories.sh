#!/bin/bash
# advisories.sh — the advisory campaign against a real server: the
# inventory CSV import (per-line errors, nothing half-imported), the real
# CISA KEV catalog and a national advisory file (re-import changes nothing,
# a bad file names its entry and field and imports nothing), matching into
# vulnerability requests with notices in the outbox, the assets API with
# unit isolation, answers and reviews, the register, aliases, deadlines,
# the dashboard in JSON and CSV, reminders and escalations.
UNGCUU=$1
. "$(dirname "$0")/lib.sh"
DATA="$(cd "$(dirname "$0")/../data" && pwd)"
KEV="$DATA/kev/known_exploited_vulnerabilities.json"
NATIONAL="$DATA/advisories/national.json"

"$UNGCUU" init --db "$DB" --demo >/dev/null
AGENT=$("$UNGCUU" user token agent --db "$DB")
U10=$("$UNGCUU" user token unit0010 --db "$DB")
U110=$("$UNGCUU" user token unit0110 --db "$DB")

# focal contacts: the notices go to them, escalations to the parent's
cat >"$WORK/units.csv" <<'EOF'
code,name,parent,contact_name,contact_email
0010,Kho bạc Nhà nước Hà Nội,,Nguyễn Văn An,an@hanoi.example.gov.vn
0010-HK,Ủy ban nhân dân quận Hoàn Kiếm,0010,Lê Thị Hoa,hoa@hoankiem.example.gov.vn
0110,Kho bạc Nhà nước Hải Phòng,,Phạm Văn Bình,binh@haiphong.example.gov.vn
EOF
"$UNGCUU" unit import "$WORK/units.csv" --db "$DB" >/dev/null
check "units with contacts" 0 $?

# --- inventory CSV ------------------------------------------------------
cat >"$WORK/bad.csv" <<'EOF'
unit,name,vendor,product,version,cpe,exposure,owner
0010,fw-hn,Fortinet,FortiGate,7.0.5,,internet,it@hanoi
9999,fw-x,Fortinet,FortiOS,7.0.5,,internet,
0110,fw-hp,Fortinet,FortiOS,bản mới,,internet,
0110,,Fortinet,FortiOS,7.2.5,,internet,
0110,pc-1,,,,cpe:/a:zoom:zoom,internal,
0110,pc-2,Zoom,Zoom,5.12.0,,dmz,
EOF
"$UNGCUU" assets import "$WORK/bad.csv" --db "$DB" >"$WORK/out" 2>"$WORK/err"
check "bad CSV exits 65" 65 $?
check "each bad line named" 5 "$(grep -c 'bad.csv:[0-9]*:' "$WORK/err")"
check_match "unknown unit on line 3" "bad.csv:3: unknown unit code '9999'" "$(cat "$WORK/err")"
check_match "bad version on line 4" "bad.csv:4: version" "$(cat "$WORK/err")"
check_match "bad exposure on line 7" "bad.csv:7: exposure must be internet or internal" "$(cat "$WORK/err")"
check "nothing imported" "" "$("$UNGCUU" assets list --db "$DB")"

cat >"$WORK/assets.csv" <<'EOF'
unit,name,vendor,product,version,cpe,exposure,owner
0010,fw-hn,Fortinet,FortiGate,7.0.5,,internet,it@hanoi.example.gov.vn
0010,mail-hn,Microsoft,Exchange Server,15.2.1118.7,,internet,
0010-HK,fw-hk,Fortinet,FortiOS,7.0.12 build0523,,internet,
0110,fw-hp,,,,cpe:2.3:o:fortinet:fortios:7.2.5:*:*:*:*:*:*:*,internet,
0110,mail-hp,,Microsoft Exchange,15.2.1118.20,,internal,
0110,zoom-hp,Zoom Video Communications,Zoom Cloud Meeting,5.12.0,,internal,
EOF
"$UNGCUU" assets import "$WORK/assets.csv" --db "$DB" >"$WORK/out" 2>&1
check "CSV import" 0 $?
check_match "six created" "6 created, 0 updated" "$(cat "$WORK/out")"
"$UNGCUU" assets import "$WORK/assets.csv" --db "$DB" >"$WORK/out" 2>&1
check_match "re-import changes nothing" "0 created, 0 updated, 6 unchanged" "$(cat "$WORK/out")"

# --- advisories ---------------------------------------------------------
"$UNGCUU" advisories config match_unranged 0 --db "$DB" >/dev/null
check "only ranged advisories match" 0 $?
"$UNGCUU" advisories import "$KEV" --now 2026-11-21 --db "$DB" >"$WORK/out" 2>&1
check "KEV import" 0 $?
check_match "1404 created" "1404 KEV entries .*: 1404 created, 0 updated, 0 unchanged" "$(cat "$WORK/out")"
"$UNGCUU" advisories import "$NATIONAL" --now 2026-11-21 --timing --db "$DB" >"$WORK/out" 2>&1
check "national import" 0 $?
check_match "refines four, adds one" "1 created, 4 updated" "$(cat "$WORK/out")"
check_match "items and requests" "6 new items, .*6 new requests" "$(cat "$WORK/out")"
check_match "time split printed" "time: parse .* load .* match .* store .* total" "$(cat "$WORK/out")"
"$UNGCUU" advisories import "$KEV" --now 2026-11-22 --db "$DB" >"$WORK/out" 2>&1
check_match "KEV again: nothing new" "0 created, 0 updated, 1404 unchanged.*0 new items" "$(tr '\n' ' ' <"$WORK/out")"

sed 's/"<5.13.0"/"<5.13;0"/' "$NATIONAL" >"$WORK/bad.json"
"$UNGCUU" advisories import "$WORK/bad.json" --db "$DB" >"$WORK/out" 2>"$WORK/err"
check "bad advisory file exits 65" 65 $?
check_match "names the entry and the field" "entry 5 \(VN-2020-ZOOM\): 'affected\[0\]\.ranges\[0\]'" "$(cat "$WORK/err")"
check_match "nothing imported" "nothing imported" "$(cat "$WORK/err")"
printf '{"format":"ungcuu-advisories/1","advisories":[{"id":"X-1","title":"t","severity":"high","affected":[{"vendor":"A","product":"B"}]},{"id":"X-2","title":"t","severity":"huge","affected":[]}]}' >"$WORK/half.json"
"$UNGCUU" advisories import "$WORK/half.json" --db "$DB" >/dev/null 2>"$WORK/err"
check "half-good file refused" 65 $?
check "its good entry was not stored" 0 "$(sqlite3 "$DB" "SELECT count(*) FROM advisories WHERE ref = 'X-1'")"

start_server --advisory-nightly off --advisory-check 0

api "$AGENT" GET "/api/v1/advisories?q=CVE-2022-42475"
check "advisory list 200" 200 "$STATUS"
check "one found" 1 "$(jget '.items|length')"
check "fields" "CVE-2022-42475 critical true 7 Fortinet FortiOS" "$(jget '.items[0]|[.cve,.severity,.exploited,.due_days,.vendor,.product]|join(" ")')"
ADV=$(jget '.items[0].id')
api "$U10" GET "/api/v1/advisories/$ADV"
check "a unit reads advisories" 200 "$STATUS"
check "with its ranges" ">=7.0.0 <7.0.9" "$(jget '.affected[0].ranges[1]')"
check "KEV due kept" "2023-01-03" "$(jget .kev_due)"
api "$AGENT" GET /api/v1/advisories/abc
check "bad id 404" 404 "$STATUS"

# the item counts are the caller's: a unit does not learn which advisories
# other units have not remediated yet (0110's FortiOS 7.2.5 is not affected)
api "$AGENT" GET "/api/v1/advisories?q=CVE-2022-42475"
check "an agent counts every unit's items" "1 0" "$(jget '.items[0]|"\(.open) \(.closed)"')"
api "$U110" GET "/api/v1/advisories?q=CVE-2022-42475"
check "another unit's items are not counted" "0 0" "$(jget '.items[0]|"\(.open) \(.closed)"')"
api "$U110" GET "/api/v1/advisories/$ADV"
check "nor in the advisory" "0 0" "$(jget '"\(.open) \(.closed)"')"
api "$U10" GET "/api/v1/advisories/$ADV"
check "a unit counts its own" "1 0" "$(jget '"\(.open) \(.closed)"')"
api "$AGENT" GET "/api/v1/advisories?q=CVE-2024-21762"
check "the three units' items for an agent" 3 "$(jget '.items[0].open')"
api "$U110" GET "/api/v1/advisories?q=CVE-2024-21762"
check "one of them for each unit" "1 1" "$(jget '.items[0].open') $(api "$U10" GET "/api/v1/advisories?q=CVE-2024-21762"; jget '.items[0].open')"
ADMIN=$("$UNGCUU" user token admin --db "$DB")
"$UNGCUU" user add agent110 --role agent --name "Cán bộ Hải Phòng" --db "$DB" >/dev/null
api "$ADMIN" PATCH /api/v1/users/agent110 '{"units":["0110"]}'
check "an agent limited to 0110" 200 "$STATUS"
A110=$("$UNGCUU" user token agent110 --db "$DB")
api "$A110" GET "/api/v1/advisories/$ADV"
check "counts only its units' items" "0 0" "$(jget '"\(.open) \(.closed)"')"

# --- requests and notices -----------------------------------------------
api "$U10" GET "/api/v1/requests?kind=vulnerability"
check "0010's vulnerability requests" 3 "$(jget '.items|length')"
check "all of its unit" "0010" "$(jget '[.items[].unit]|unique|join(",")')"
api "$U110" GET "/api/v1/requests?kind=vulnerability"
check "0110 sees its own" "0110" "$(jget '[.items[].unit]|unique|join(",")')"
RCODE=$(jget '[.items[]|select(.subject|test("CVE-2024-21762"))][0].code')
api "$U110" GET "/api/v1/remediation?request=$RCODE"
check "a request's items" "fw-hp" "$(jget '[.items[].asset_name]|join(",")')"
api "$U10" GET "/api/v1/remediation?request=$RCODE"
check "not another unit's" 0 "$(jget '.items|length')"
api "$AGENT" GET "/api/v1/requests/$RCODE"
check_match "the notice is on the request" "Cảnh báo lỗ hổng bảo mật CVE-2024-21762" "$(jget '[.events[]|select(.type=="message")][0].body')"
check "and was mailed" 1 "$(sqlite3 "$DB" "SELECT count(*) FROM outbox o JOIN requests r ON r.id = o.request_id WHERE r.code = '$RCODE' AND o.to_addr = 'binh@haiphong.example.gov.vn'")"
check "notices queued to the focal contacts" 6 "$(sqlite3 "$DB" "SELECT count(*) FROM outbox WHERE to_addr IN ('an@hanoi.example.gov.vn','hoa@hoankiem.example.gov.vn','binh@haiphong.example.gov.vn')")"

# --- assets API and isolation ---------------------------------------------
api "$U10" GET /api/v1/assets
check "unit lists assets" 200 "$STATUS"
check "only its own" "0010" "$(jget '[.items[].unit]|unique|join(",")')"
HP=$(sqlite3 "$DB" "SELECT id FROM assets WHERE name = 'fw-hp'")
api "$U10" GET "/api/v1/assets/$HP"
check "another unit's asset is 404" 404 "$STATUS"
api "$U10" PATCH "/api/v1/assets/$HP" '{"version":"7.4.9"}'
check "and cannot be changed" 404 "$STATUS"
api "$U10" DELETE "/api/v1/assets/$HP"
check "nor removed" 404 "$STATUS"
api "$U10" POST /api/v1/assets '{"unit":"0110","name":"x","vendor":"Fortinet","product":"FortiOS","version":"7.0.1","exposure":"internet"}'
check "nor created in another unit" 403 "$STATUS"
api "$U10" POST /api/v1/assets '{"unit":"0010","name":"fw-hn-2","vendor":"Fortinet","product":"FortiGate","version":"7.2.2","exposure":"internet","owner":"it@hanoi.example.gov.vn"}'
check "unit creates its asset" 201 "$STATUS"
check "canonical name by alias" "fortinet:fortios" "$(jget .canon)"
check "flagged" "not_approved vulnerable exposed" "$(jget '.flags|join(" ")')"
check "matched at once" 2 "$(jget .open_items)"
NEWA=$(jget .id)
api "$U10" POST /api/v1/assets '{"unit":"0010","name":"y","product":"FortiOS","version":"bản mới","exposure":"internet"}'
check "bad version 400" "400 version" "$STATUS $(jget .error.field)"
api "$U10" POST /api/v1/assets '{"unit":"0010","name":"y","product":"FortiOS","exposure":"dmz"}'
check "bad exposure 400" "400 exposure" "$STATUS $(jget .error.field)"
api "$U10" POST /api/v1/assets '{"unit":"0010","name":"y","product":"FortiOS","colour":"red"}'
check "unknown field 400" "400 colour" "$STATUS $(jget .error.field)"
api "$U10" PATCH "/api/v1/assets/$NEWA" '{"version":"7.2.7"}'
check "patched inventory" 200 "$STATUS"
check "rematched: nothing open" 0 "$(jget .open_items)"

api "$U10" POST /api/v1/assets '{"unit":"0010","name":"tmp-1","vendor":"Fortinet","product":"FortiOS","version":"7.0.1","exposure":"internal"}'
TMP=$(jget .id)
check "a matched temporary asset" 2 "$(jget .open_items)"
api "$U10" DELETE "/api/v1/assets/$TMP"
check "its unit removes it" "200 true" "$STATUS $(jget .ok)"
check "its items closed as removed" 2 "$(sqlite3 "$DB" "SELECT count(*) FROM remediation WHERE asset_name = 'tmp-1' AND resolution = 'asset_removed' AND asset_id IS NULL")"
api "$U10" GET "/api/v1/assets/$TMP"
check "gone" 404 "$STATUS"

# --- remediation: answers and reviews -------------------------------------
api "$U10" GET "/api/v1/remediation?state=open"
check "items 200" 200 "$STATUS"
check "only 0010's" "0010" "$(jget '[.items[].unit]|unique|join(",")')"
ITEM=$(jget "[.items[]|select(.asset_name==\"fw-hn\" and .cve==\"CVE-2022-42475\")][0].id")
check "overdue (KEV's date has passed)" true "$(jget "[.items[]|select(.id==$ITEM)][0].overdue")"
api "$U110" POST "/api/v1/remediation/$ITEM/answer" '{"answer":"not_affected","text":"x"}'
check "another unit's item is 404" 404 "$STATUS"
api "$U10" POST "/api/v1/remediation/$ITEM/answer" '{"answer":"patched","version":"7.0.8"}'
check "still affected 409" "409 version" "$STATUS $(jget .error.field)"
api "$U10" POST "/api/v1/remediation/$ITEM/answer" '{"answer":"patched"}'
check "version required" "400 version" "$STATUS $(jget .error.field)"
api "$U10" POST "/api/v1/remediation/$ITEM/answer" '{"answer":"fixed"}'
check "unknown answer" "400 answer" "$STATUS $(jget .error.field)"
api "$U10" POST "/api/v1/remediation/$ITEM/answer" '{"answer":"patched","version":"7.0.9","text":"Đã nâng cấp đêm 20/11"}'
check "patched 200" 200 "$STATUS"
check "answered" "answered patched 7.0.9" "$(jget '[.state,.answer,.answer_version]|join(" ")')"
check "inventory updated" "7.0.9" "$(sqlite3 "$DB" "SELECT version FROM assets WHERE name = 'fw-hn'")"
api "$U10" POST "/api/v1/remediation/$ITEM/review" '{"accept":true}'
check "a unit cannot review" 403 "$STATUS"
api "$AGENT" POST "/api/v1/remediation/$ITEM/review" '{"accept":"yes"}'
check "accept must be boolean" "400 accept" "$STATUS $(jget .error.field)"
api "$AGENT" POST "/api/v1/remediation/$ITEM/review" '{"accept":true,"text":"Đã kiểm tra phiên bản"}'
check "agent accepts" "200 closed accepted" "$STATUS $(jget '.state+" "+.resolution')"
ITEM2=$(sqlite3 "$DB" "SELECT m.id FROM remediation m JOIN advisories a ON a.id = m.advisory_id WHERE a.ref = 'VN-2020-ZOOM'")
api "$U110" POST "/api/v1/remediation/$ITEM2/answer" '{"answer":"mitigated"}'
check "mitigated needs text" "400 text" "$STATUS $(jget .error.field)"
api "$U110" POST "/api/v1/remediation/$ITEM2/answer" '{"answer":"mitigated","text":"Gỡ Zoom, dùng phần mềm họp được phê duyệt"}'
check "mitigated 200" 200 "$STATUS"
MAILS=$(sqlite3 "$DB" "SELECT count(*) FROM outbox WHERE to_addr = 'binh@haiphong.example.gov.vn'")
api "$AGENT" POST "/api/v1/remediation/$ITEM2/review" '{"accept":false,"text":"Cần gỡ trên mọi máy"}'
check "rejected: open again" "200 open" "$STATUS $(jget .state)"
check "the unit is told by mail" $((MAILS + 1)) "$(sqlite3 "$DB" "SELECT count(*) FROM outbox WHERE to_addr = 'binh@haiphong.example.gov.vn'")"

# --- register, aliases, deadlines -------------------------------------------
api "$AGENT" POST /api/v1/apps '{"name":"Zoom Cloud Meeting","vendor":"Zoom","min_version":"5.13.0","source":"https://zoom.us/download","notes":"Phòng họp phải có mật khẩu và phòng chờ"}'
check "register add" 201 "$STATUS"
APP=$(jget .id)
api "$AGENT" POST /api/v1/apps '{"name":"Zoom","vendor":"Zoom Video Communications"}'
check "same application twice 409" 409 "$STATUS"
api "$U110" POST /api/v1/apps '{"name":"X","vendor":"Y"}'
check "units do not edit the register" 403 "$STATUS"
api "$U110" GET /api/v1/assets?q=zoom
check "below the minimum" "below_minimum vulnerable" "$(jget '.items[0].flags|join(" ")')"
api "$AGENT" PATCH "/api/v1/apps/$APP" '{"min_version":"5.10"}'
check "register change" "200 5.10" "$STATUS $(jget .min_version)"
api "$U110" GET /api/v1/assets?q=zoom
check "no longer below" "vulnerable" "$(jget '.items[0].flags|join(" ")')"
api "$AGENT" DELETE "/api/v1/apps/$APP"
check "register remove" "200 true" "$STATUS $(jget .ok)"
api "$U110" GET /api/v1/assets?q=zoom
check "not on the register" "not_approved vulnerable" "$(jget '.items[0].flags|join(" ")')"
api "$AGENT" DELETE "/api/v1/apps/$APP"
check "removed twice 404" 404 "$STATUS"
api "$AGENT" POST /api/v1/advisories/aliases '{"kind":"product","vendor":"fortinet","alias":"FortiGate-VM64","canon_vendor":"fortinet","product":"fortios"}'
check "alias add" 201 "$STATUS"
check "listed" 1 "$(jget '[.products[]|select(.alias=="fortigate_vm64")]|length')"
api "$AGENT" POST /api/v1/advisories/aliases '{"kind":"product","alias":"x","canon_vendor":"y"}'
check "product alias needs vendor" "400 vendor" "$STATUS $(jget .error.field)"
api "$AGENT" PATCH /api/v1/advisories/config '{"deadline.critical":5}'
check "deadline set" "200 5" "$STATUS $(jget '."deadline.critical"')"
api "$AGENT" PATCH /api/v1/advisories/config '{"deadline.critical":0}'
check "deadline range" "400 deadline.critical" "$STATUS $(jget .error.field)"
api "$AGENT" PATCH /api/v1/advisories/config '{"deadline.critical":2,"deadline.high":999}'
check "one bad value refuses the change" "400 deadline.high" "$STATUS $(jget .error.field)"
api "$AGENT" GET /api/v1/advisories/config
check "and nothing of it is stored" "5 14" "$(jget '"\(."deadline.critical") \(."deadline.high")"')"
check "nor audited" 0 "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'advisory.config' AND object = 'deadline.critical' AND detail LIKE '%2}'")"
api "$AGENT" PATCH /api/v1/advisories/config '{"deadline.critical":4,"remind_days":3}'
check "several keys at once" "200 4 3" "$STATUS $(jget '"\(."deadline.critical") \(.remind_days)"')"
check "each audited" 2 "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'advisory.config' AND ((object = 'deadline.critical' AND detail LIKE '%4}') OR (object = 'remind_days' AND detail LIKE '%3}'))")"
api "$U10" PATCH /api/v1/advisories/config '{"deadline.critical":3}'
check "units do not set deadlines" 403 "$STATUS"

# --- import through the API -------------------------------------------------
api "$AGENT" POST /api/v1/advisories/import "$(cat "$NATIONAL")"
check "API import 200" 200 "$STATUS"
check "unchanged" "local 5 0" "$(jget '[.format,.unchanged,.items_new]|join(" ")')"
api "$AGENT" POST /api/v1/advisories/import "$(cat "$WORK/bad.json")"
check "bad file 400" "400 file" "$STATUS $(jget .error.field)"
check_match "names entry and field" "entry 5 \(VN-2020-ZOOM\)" "$(jget .error.message)"
api "$U10" POST /api/v1/advisories/import "$(cat "$NATIONAL")"
check "units do not import" 403 "$STATUS"
curl -s -o "$WORK/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $AGENT" \
	-H 'Content-Type: application/json' --data-binary "@$KEV" "$BASE/api/v1/advisories/import" >"$WORK/status"
check "the whole KEV file through the API" 200 "$(cat "$WORK/status")"

# --- dashboard ----------------------------------------------------------------
api "$AGENT" GET /api/v1/advisories/dashboard
check "dashboard 200" 200 "$STATUS"
check "per advisory" true "$(jget '[.advisories[]|has("open") and has("overdue") and has("closed")]|all')"
check "42475: one accepted, one fixed, one removed" 3 "$(jget '[.advisories[]|select(.cve=="CVE-2022-42475")][0].closed')"
check "both units" "0010,0010-HK,0110" "$(jget '[.units[].unit]|sort|join(",")')"
api "$U10" GET /api/v1/advisories/dashboard
check "a unit's dashboard is its own" "0010" "$(jget '[.units[].unit]|join(",")')"
curl -s -D "$WORK/h" -o "$WORK/csv" -H "Authorization: Bearer $AGENT" "$BASE/api/v1/advisories/dashboard?format=csv"
check_match "CSV content type" "text/csv" "$(grep -i '^content-type' "$WORK/h")"
check_match "CSV header" "kind,key,cve,name,open,overdue,closed" "$(head -1 "$WORK/csv")"
check_match "CSV unit row" '^unit,"0110",,"Kho bạc Nhà nước Hải Phòng",' "$(grep '^unit,"0110"' "$WORK/csv")"

stop_server

# --- reminders and escalations (CLI; serve runs the same every few minutes) --
"$UNGCUU" advisories remind --now 2026-11-21T04:00:00Z --db "$DB" >"$WORK/out"
check_match "overdue requests escalate" "[1-9][0-9]* escalations" "$(cat "$WORK/out")"
check "the parent unit is told" 1 "$(sqlite3 "$DB" "SELECT count(*) > 0 FROM outbox WHERE to_addr = 'an@hanoi.example.gov.vn' AND request_id IN (SELECT request_id FROM advisory_requests ar JOIN units u ON u.id = ar.unit_id WHERE u.code = '0010-HK')")"
"$UNGCUU" advisories remind --now 2026-11-21T05:00:00Z --db "$DB" >"$WORK/out"
check_match "once only" "0 reminders, 0 escalations" "$(cat "$WORK/out")"
check "audited" 1 "$(sqlite3 "$DB" "SELECT count(*) > 0 FROM audit WHERE action = 'advisory.escalate'")"
"$UNGCUU" audit verify --db "$DB" >/dev/null
check "audit chain intact" 0 $?
"$UNGCUU" advisories dashboard --csv --db "$DB" >"$WORK/csv"
check_match "CLI CSV" "^kind,key,name,open,overdue,closed" "$(head -1 "$WORK/csv")"

finish
