#!/bin/bash
# incident.sh — incident handling against a real server: incidents created
# from the API and from mail ([TBSC] subjects over LMTP and through
# mailgate), observables extracted (defanged forms too) and edited, links
# between requests sharing an observable (impersonation reports), tasks,
# merge of duplicates, parent/child links, RBAC (a unit sees only its own),
# the audit, the STIX 2.1 bundle validated against the official schemas,
# and the report forms (fields present, hostile input escaped, deadline).
UNGCUU=$1
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
SCHEMAS="$HERE/../data/stix2.1/schemas"

"$UNGCUU" init --db "$DB" --demo >/dev/null
AGENT=$("$UNGCUU" user token agent --db "$DB")
ADMIN=$("$UNGCUU" user token admin --db "$DB")
U10=$("$UNGCUU" user token unit0010 --db "$DB")
U110=$("$UNGCUU" user token unit0110 --db "$DB")
start_server --lmtp 127.0.0.1:0
LMTP_PORT=$(sed -n 's|^ungcuu: lmtp on .*:\([0-9]*\)$|\1|p' "$WORK/serve.out")

has_obs() { printf '%s' "$BODY" | jq -e --arg t "$1" --arg v "$2" \
	'.incident.observables | any(.type == $t and .value == $v)' >/dev/null && echo yes || echo no; }
has_link() { printf '%s' "$BODY" | jq -e --arg c "$1" --arg r "$2" \
	'.incident.links | any(.code == $c and .relation == $r)' >/dev/null && echo yes || echo no; }

# --- an incident from the API ----------------------------------------------------
read -r -d '' BODY1 <<'EOF'
{"kind":"incident","unit":"0010","subject":"Máy kế toán nhiễm mã độc đánh cắp thông tin",
 "description":"Máy kết nối tới 185.220.101[.]45 và hxxp://update-microsoft[.]top/gate.php, mã băm SHA-256 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08, lỗ hổng cve-2023-4966 trên phiên bản 13.1.49.15. Tệp invoice.zip. Liên hệ 0912 345 678 (người báo).",
 "requester":{"name":"Trần Thị Bình","email":"binh.tt@hanoi.example.gov.vn","phone":"0912345678"},
 "priority":"high",
 "incident":{"category":"malware","severity":"high","detected_at":"2026-11-20T08:15:00+07:00",
   "affected_systems":"Máy trạm phòng Kế toán","affected_units":["0010","0010-hk"]}}
EOF
api "$AGENT" POST /api/v1/requests "$BODY1"
check "incident created" 201 "$STATUS"
C1=$(jget .code)
check "category, severity" "malware high" "$(jget '.incident.category + " " + .incident.severity')"
check "detection time in Vietnam's zone" "2026-11-20T08:15:00+07:00" "$(jget .incident.detected_at)"
check "initial report due 5 days after detection" "2026-11-25T08:15:00+07:00" "$(jget .incident.report_deadline)"
check_match "deadline state" '^(ok|due_soon|overdue)$' "$(jget .incident.deadlines.initial.state)"
check "affected units upper-cased" "0010,0010-HK" "$(jget '.incident.affected_units|join(",")')"
check "defanged IPv4 extracted" yes "$(has_obs ipv4 185.220.101.45)"
check "defanged URL extracted" yes "$(has_obs url http://update-microsoft.top/gate.php)"
check "hash extracted, lower case" yes "$(has_obs sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08)"
check "CVE extracted" yes "$(has_obs cve CVE-2023-4966)"
check "a version is not an address" no "$(has_obs ipv4 13.1.49.15)"
check "a file name is not a domain" no "$(has_obs domain invoice.zip)"
check "the requester's own phone is not an observable" no "$(has_obs phone 0912345678)"

# unknown category, bad time, incident on a support request: 400 naming the field
api "$AGENT" POST /api/v1/requests '{"kind":"incident","unit":"0010","subject":"x","description":"y","requester":{"name":"A","email":"a@example.org"},"incident":{"category":"aliens"}}'
check "unknown category refused" "400 category" "$STATUS $(jget .error.field)"
api "$AGENT" POST /api/v1/requests '{"kind":"incident","unit":"0010","subject":"x","description":"y","requester":{"name":"A","email":"a@example.org"},"incident":{"detected_at":"yesterday"}}'
check "bad detection time refused" "400 detected_at" "$STATUS $(jget .error.field)"
api "$AGENT" POST /api/v1/requests '{"kind":"support","unit":"0010","service":"DVC","subject":"x","description":"y","requester":{"name":"A","email":"a@example.org"},"incident":{}}'
check "incident fields on a support request refused" "400 incident" "$STATUS $(jget .error.field)"

# --- impersonation reports link by shared phone / Zalo ---------------------------
read -r -d '' BODY2 <<'EOF'
{"kind":"incident","unit":"0010","subject":"Giả mạo cán bộ hỗ trợ Kho bạc qua Zalo",
 "description":"Có người gọi từ số 0867 123 456, kết bạn Zalo tên “Hỗ Trợ DVC Kho Bạc” và gửi https://zalo.me/0867123456, yêu cầu cài UltraViewer.",
 "requester":{"name":"Trần Thị Bình","email":"binh.tt@hanoi.example.gov.vn"},
 "incident":{"category":"impersonation"}}
EOF
api "$U10" POST /api/v1/requests "$BODY2"
check "a unit reports an impersonation" 201 "$STATUS"
C2=$(jget .code)
check "phone observable" yes "$(has_obs phone 0867123456)"
check "Zalo name observable" yes "$(has_obs zalo "Hỗ Trợ DVC Kho Bạc")"
check "Zalo link observable" yes "$(has_obs zalo https://zalo.me/0867123456)"

read -r -d '' BODY3 <<'EOF'
{"kind":"incident","unit":"0110","subject":"Cuộc gọi lạ tự xưng hỗ trợ dịch vụ công",
 "description":"Số +84 867 123 456 gọi yêu cầu đọc mã OTP.",
 "requester":{"name":"Lê Văn Cường","email":"cuong.lv@haiphong.example.gov.vn"}}
EOF
api "$U110" POST /api/v1/requests "$BODY3"
check "another unit's report" 201 "$STATUS"
C3=$(jget .code)
check "category guessed from the words" impersonation "$(jget .incident.category)"
check "the reporting unit does not see the other unit's request" no "$(has_link "$C2" shares_observable)"
api "$AGENT" GET "/api/v1/requests/$C3"
check "the new report links to the earlier one (shared phone)" yes "$(has_link "$C2" shares_observable)"
api "$AGENT" GET "/api/v1/requests/$C2"
check "and the earlier one to the new" yes "$(has_link "$C3" shares_observable)"
api "$U10" GET "/api/v1/requests/$C2"
check "a unit does not see links to another unit's request" no "$(has_link "$C3" shares_observable)"
check "a unit does not see tasks" 0 "$(jget '.incident.tasks|length')"

# an official number quoted in reports (a spoofed caller id) is kept, marked, and links nothing
api "$U10" POST /api/v1/requests '{"kind":"incident","unit":"0010","subject":"Cuộc gọi giả số tổng đài","description":"Hiển thị số 024 6276 4300 (tổng đài Kho bạc) nhưng yêu cầu mã OTP.","requester":{"name":"Trần Thị Bình","email":"binh.tt@hanoi.example.gov.vn"}}'
O1=$(jget .code)
api "$U10" POST /api/v1/requests '{"kind":"incident","unit":"0010","subject":"Lại số tổng đài","description":"Số 02462764300 gọi tới.","requester":{"name":"Trần Thị Bình","email":"binh.tt@hanoi.example.gov.vn"}}'
check "official number kept as an observable" "02462764300 true" "$(jget '.incident.observables[] | select(.type=="phone") | "\(.value) \(.official)"')"
check "an official number links nothing" no "$(has_link "$O1" shares_observable)"

api "$AGENT" GET "/api/v1/observables?value=%2B84867123456"
check "search by observable (normalised)" "$C3 $C2" "$(jget '[.items[].code]|join(" ")')"
api "$U10" GET "/api/v1/observables?value=0867123456"
check "search within the unit's scope" "$C2" "$(jget '[.items[].code]|join(" ")')"
api "$AGENT" GET "/api/v1/observables?value=x&type=bogus"
check "unknown type refused" "400 type" "$STATUS $(jget .error.field)"

# --- incidents from mail ------------------------------------------------------------
cat >"$WORK/m1.eml" <<'EOF'
From: =?UTF-8?B?VHLhuqduIFRo4buLIELDrG5o?= <binh.tt@hanoi.example.gov.vn>
To: hotro@example.gov.vn
Subject: =?UTF-8?Q?[TBSC]_Trang_web_b=E1=BB=8B_thay_=C4=91=E1=BB=95i_giao_di=E1=BB=87n?=
Message-ID: <inc1.lmtp@hanoi.example.gov.vn>
Date: Sat, 21 Nov 2026 09:00:00 +0700
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Kính gửi Đội ứng cứu,
Trang chủ cổng thông tin bị thay đổi giao diện (deface) lúc 7 giờ sáng.
Kẻ tấn công để lại liên hệ hacker[@]evil-team[.]xyz và máy chủ 45.77.12[.]9.
Số điện thoại lừa đảo 0867.123.456.
EOF
r=$(swaks --protocol LMTP --server 127.0.0.1 --port "$LMTP_PORT" --from binh.tt@hanoi.example.gov.vn \
	--to hotro@example.gov.vn --data "$WORK/m1.eml" 2>&1 | sed -n 's/^<[-~*]* *//p' | grep '^250 2.0.0 SD' | tail -1)
C4=$(echo "$r" | awk '{print $3}')
check_match "mail over LMTP: a new request" '^SD[0-9]{6}-[0-9]{6}$' "$C4"
api "$AGENT" GET "/api/v1/requests/$C4"
check "a [TBSC] subject opens an incident" "incident defacement" "$(jget '.kind + " " + .incident.category')"
check "observables from mail: email" yes "$(has_obs email hacker@evil-team.xyz)"
check "observables from mail: IPv4" yes "$(has_obs ipv4 45.77.12.9)"
check "mail report linked by the shared phone" yes "$(has_link "$C2" shares_observable)"

# a reply by mail adds its observables
cat >"$WORK/m2.eml" <<EOF
From: binh.tt@hanoi.example.gov.vn
To: hotro@example.gov.vn
Subject: Re: [$C4] [TBSC] Trang web
Message-ID: <inc2.lmtp@hanoi.example.gov.vn>
In-Reply-To: <inc1.lmtp@hanoi.example.gov.vn>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8

Bổ sung: tệp webshell có MD5 5d41402abc4b2a76b9719d911017c592.
EOF
"$UNGCUU" mailgate --db "$DB" <"$WORK/m2.eml" >/dev/null 2>&1
check "mailgate delivers the reply" 0 $?
api "$AGENT" GET "/api/v1/requests/$C4"
check "observables from a reply (mailgate)" yes "$(has_obs md5 5d41402abc4b2a76b9719d911017c592)"

# a message through the API adds its observables too
api "$AGENT" POST "/api/v1/requests/$C1/messages" '{"body":"Đã chặn thêm tên miền cdn.update-microsoft(dot)top."}'
api "$AGENT" GET "/api/v1/requests/$C1"
check "observables from an API message" yes "$(has_obs domain cdn.update-microsoft.top)"

# --- editing observables ------------------------------------------------------------
api "$AGENT" POST "/api/v1/requests/$C1/observables" '{"type":"ipv4","value":"45.77.12[.]9"}'
check "observable added by hand" 201 "$STATUS"
check "normalised" yes "$(has_obs ipv4 45.77.12.9)"
check "manual source" manual "$(jget '.incident.observables[] | select(.value=="45.77.12.9") | .source')"
check "shared with the mail incident: linked" yes "$(has_link "$C4" shares_observable)"
api "$AGENT" POST "/api/v1/requests/$C1/observables" '{"type":"ipv4","value":"45.77.12.9"}'
check "twice is a conflict" 409 "$STATUS"
api "$AGENT" POST "/api/v1/requests/$C1/observables" '{"type":"ipv4","value":"7.0.12"}'
check "invalid value refused" "400 value" "$STATUS $(jget .error.field)"
api "$AGENT" POST "/api/v1/requests/$C1/observables" '{"type":"phone","value":"0123"}'
check "invalid phone refused" "400 value" "$STATUS $(jget .error.field)"
api "$U10" POST "/api/v1/requests/$C1/observables" '{"type":"ipv4","value":"1.2.3.4"}'
check "a unit may not edit observables" 403 "$STATUS"
api "$AGENT" GET "/api/v1/requests/$C1"
OID=$(jget '.incident.observables[] | select(.value=="45.77.12.9") | .id')
api "$AGENT" DELETE "/api/v1/requests/$C1/observables/$OID"
check "observable removed" "200 no" "$STATUS $(has_obs ipv4 45.77.12.9)"
check "the link it made goes with it" no "$(has_link "$C4" shares_observable)"
api "$AGENT" POST "/api/v1/requests/$C1/messages" '{"body":"Nhắc lại: 45.77.12.9"}'
api "$AGENT" GET "/api/v1/requests/$C1"
check "a removed observable stays removed" no "$(has_obs ipv4 45.77.12.9)"
api "$AGENT" DELETE "/api/v1/requests/$C1/observables/999999"
check "unknown observable: 404" 404 "$STATUS"

# --- PATCH incident; a support request becomes an incident --------------------------
api "$AGENT" PATCH "/api/v1/requests/$C1/incident" '{"severity":"critical","impact":"Lộ dữ liệu kế toán","measures":"Cách ly máy","cause":"Mở tệp đính kèm độc hại","initial_reported_at":"2026-11-21T10:00:00+07:00","report":{"system_level":"3","notified":["vncert","owner"],"contact_title":"Kế toán trưởng"}}'
check "incident updated" "200 critical" "$STATUS $(jget .incident.severity)"
check "initial report sent in time" met "$(jget .incident.deadlines.initial.state)"
check "report fields kept" "3" "$(jget .incident.report.system_level)"
api "$AGENT" PATCH "/api/v1/requests/$C1/incident" '{"report":{"bogus":"x"}}'
check "unknown report field refused" "400 report.bogus" "$STATUS $(jget .error.field)"
api "$AGENT" PATCH "/api/v1/requests/$C1/incident" '{"severity":"extreme"}'
check "unknown severity refused" "400 severity" "$STATUS $(jget .error.field)"
api "$U10" PATCH "/api/v1/requests/$C1/incident" '{"severity":"low"}'
check "a unit may not change an incident" 403 "$STATUS"
api "$AGENT" GET /api/v1/requests?kind=support
S1=$(jget '.items[0].code')
api "$AGENT" PATCH "/api/v1/requests/$S1/incident" '{"category":"account_compromise","detected_at":"2026-11-21T07:00:00+07:00"}'
check "a support request becomes an incident" "200 incident account_compromise" "$STATUS $(jget '.kind + " " + .incident.category')"
check_match "its SLA clock follows the incident policy" '^incident/' "$(jget .sla.policy)"

# --- tasks ---------------------------------------------------------------------------
api "$AGENT" POST "/api/v1/requests/$C1/tasks" '{"title":"Cách ly máy trạm","assignee":"agent","due":"2026-11-22"}'
check "task added" "201 1" "$STATUS $(jget '.incident.tasks|length')"
TID=$(jget '.incident.tasks[0].id')
check "task fields" "Cách ly máy trạm agent 2026-11-22 false" "$(jget '.incident.tasks[0] | "\(.title) \(.assignee) \(.due) \(.done)"')"
api "$AGENT" PATCH "/api/v1/requests/$C1/tasks/$TID" '{"done":true}'
check "task done" "200 true" "$STATUS $(jget '.incident.tasks[0].done')"
api "$AGENT" POST "/api/v1/requests/$C1/tasks" '{"title":"x","assignee":"unit0010"}'
check "a unit user cannot be assigned a task" "400 assignee" "$STATUS $(jget .error.field)"
api "$AGENT" POST "/api/v1/requests/$C1/tasks" '{"assignee":"agent"}'
check "a task needs a title" "400 title" "$STATUS $(jget .error.field)"
api "$AGENT" PATCH "/api/v1/requests/$C1/tasks/424242" '{"done":true}'
check "unknown task: 404" 404 "$STATUS"
api "$U10" POST "/api/v1/requests/$C1/tasks" '{"title":"x"}'
check "a unit may not add tasks" 403 "$STATUS"

# --- merge and parent/child links ---------------------------------------------------
api "$AGENT" POST /api/v1/requests '{"kind":"incident","unit":"0010","subject":"Lặp lại: máy kế toán nhiễm mã độc","description":"Như trên, IP 185.220.101.45","requester":{"name":"Trần Thị Bình","email":"binh.tt@hanoi.example.gov.vn"}}'
C5=$(jget .code)
api "$AGENT" POST "/api/v1/requests/$C5/merge" "{\"into\":\"$C1\"}"
check "merged" "200 closed" "$STATUS $(jget .status)"
check_match "the duplicate's SLA clock stopped" '^(met|breached)$' "$(jget .sla.state)"
check "the duplicate links to its case" yes "$(has_link "$C1" duplicate)"
check "its timeline stays readable" true "$(jget '[.events[] | select(.type=="note") | .body] | any(test("'"$C1"'"))')"
api "$AGENT" GET "/api/v1/requests/$C1"
check "the case links back" yes "$(has_link "$C5" duplicate)"
api "$AGENT" POST "/api/v1/requests/$C5/merge" "{\"into\":\"$C1\"}"
check "merging twice refused" 409 "$STATUS"
api "$AGENT" POST "/api/v1/requests/$C1/merge" "{\"into\":\"$C1\"}"
check "merge into itself refused" "400 into" "$STATUS $(jget .error.field)"
api "$AGENT" POST "/api/v1/requests/$C1/merge" '{"into":"SD000000-000000"}'
check "merge into an unknown request refused" "400 into" "$STATUS $(jget .error.field)"

api "$AGENT" POST /api/v1/requests '{"kind":"incident","unit":"0010","subject":"Chiến dịch lừa đảo giả mạo hỗ trợ DVC","description":"Tổng hợp các báo cáo","requester":{"name":"Nguyễn Văn An","email":"hotro@example.gov.vn"},"incident":{"category":"impersonation"}}'
CAMP=$(jget .code)
api "$AGENT" POST "/api/v1/requests/$CAMP/links" "{\"code\":\"$C2\",\"relation\":\"child\"}"
check "child linked" "201 yes" "$STATUS $(has_link "$C2" child)"
api "$AGENT" POST "/api/v1/requests/$C3/links" "{\"code\":\"$CAMP\",\"relation\":\"parent\"}"
check "parent linked" "201 yes" "$STATUS $(has_link "$CAMP" parent)"
api "$AGENT" POST "/api/v1/requests/$C2/links" "{\"code\":\"$CAMP\",\"relation\":\"child\"}"
check "a cycle refused" "400 relation" "$STATUS $(jget .error.field)"
api "$AGENT" POST "/api/v1/requests/$C2/links" "{\"code\":\"$C1\",\"relation\":\"parent\"}"
check "a second parent refused" 409 "$STATUS"
api "$AGENT" POST "/api/v1/requests/$C2/links" "{\"code\":\"$C1\",\"relation\":\"duplicate\"}"
check "bad relation refused" "400 relation" "$STATUS $(jget .error.field)"
api "$U10" POST "/api/v1/requests/$C2/links" "{\"code\":\"$CAMP\",\"relation\":\"parent\"}"
check "a unit may not link" 403 "$STATUS"

# --- RBAC on reads ----------------------------------------------------------------
api "$U110" GET "/api/v1/requests/$C1"
check "another unit's incident is 404" 404 "$STATUS"
api "$U110" GET "/api/v1/requests/$C1/stix"
check "nor its STIX" 404 "$STATUS"
api "$U110" GET "/api/v1/requests/$C1/report/initial"
check "nor its report" 404 "$STATUS"
api "$U10" GET "/api/v1/requests/$C1/report/initial"
check "a unit may read its own incident's report" 200 "$STATUS"

# --- audit ------------------------------------------------------------------------
api "$ADMIN" GET "/api/v1/audit?object=$C1&limit=100"
for a in request.create observable.extract observable.add observable.delete incident.update task.add task.update; do
	check "audited: $a" true "$(jget "[.items[].action] | index(\"$a\") != null")"
done
api "$ADMIN" GET "/api/v1/audit?object=$C5&limit=100"
check "audited: request.merge" true "$(jget '[.items[].action] | index("request.merge") != null')"

# --- STIX 2.1 ----------------------------------------------------------------------
api "$AGENT" GET "/api/v1/requests/$C1/stix"
check "STIX bundle" "200 bundle" "$STATUS $(jget .type)"
printf '%s' "$BODY" >"$WORK/c1.stix.json"
check "incident SDO" 1 "$(jget '[.objects[] | select(.type=="incident")] | length')"
check "identities: team and unit" 2 "$(jget '[.objects[] | select(.type=="identity")] | length')"
check "IPv4 SCO" 1 "$(jget '[.objects[] | select(.type=="ipv4-addr" and .value=="185.220.101.45")] | length')"
check "indicator pattern" true "$(jget '[.objects[] | select(.type=="indicator") | .pattern] | index("[ipv4-addr:value = '"'"'185.220.101.45'"'"']") != null')"
check "CVE as a vulnerability" 1 "$(jget '[.objects[] | select(.type=="vulnerability" and .name=="CVE-2023-4966")] | length')"
check "file hashes" 1 "$(jget '[.objects[] | select(.type=="file" and .hashes."SHA-256")] | length')"
check "marked TLP:AMBER" "TLP:AMBER" "$(jget '.objects[] | select(.type=="marking-definition") | .name')"
check "relationships" true "$(jget '[.objects[] | select(.type=="relationship")] | length > 5')"
ID1=$(jget '.id')
api "$AGENT" GET "/api/v1/requests/$C1/stix"
check "deterministic ids" "$ID1" "$(jget .id)"
"$UNGCUU" export stix "$C1" --db "$DB" >"$WORK/c1.cli.json"
check "the CLI gives the same bundle" "$(jq -S . "$WORK/c1.stix.json" | md5sum)" "$(jq -S . "$WORK/c1.cli.json" | md5sum)"
api "$AGENT" GET "/api/v1/requests/$C2/stix"
printf '%s' "$BODY" >"$WORK/c2.stix.json"
check "phone as a user-account" 1 "$(jget '[.objects[] | select(.type=="user-account" and .user_id=="0867123456")] | length')"
S2=$(sqlite3 "$DB" "SELECT code FROM requests WHERE kind = 'support' LIMIT 1")
"$UNGCUU" export stix "$S2" --db "$DB" >"$WORK/s.stix.json"
check "a support request exports as a report SDO" 1 "$(jq '[.objects[] | select(.type=="report")] | length' "$WORK/s.stix.json")"
out=$(python3 "$HERE/../stix_validate.py" "$SCHEMAS" "$WORK/c1.stix.json" "$WORK/c2.stix.json" "$WORK/s.stix.json" 2>&1)
check "bundles validate against the STIX 2.1 schemas" 0 $?
[ -n "$out" ] && echo "$out" >&2
# the validator is not a rubber stamp: a broken bundle fails
jq '(.objects[] | select(.type=="incident")) |= del(.name)' "$WORK/c1.stix.json" >"$WORK/bad1.json"
python3 "$HERE/../stix_validate.py" "$SCHEMAS" "$WORK/bad1.json" 2>/dev/null
check "an incident without a name fails validation" 1 $?
jq '(.objects[] | select(.type=="ipv4-addr")) |= (.id = "ipv4-addr--not-a-uuid")' "$WORK/c1.stix.json" >"$WORK/bad2.json"
python3 "$HERE/../stix_validate.py" "$SCHEMAS" "$WORK/bad2.json" 2>/dev/null
check "a malformed id fails validation" 1 $?
"$UNGCUU" export stix SD000000-000000 --db "$DB" >/dev/null 2>"$WORK/err"
check "export of an unknown request fails" 1 $?
check_match "with a message" "no request" "$(cat "$WORK/err")"

# --- report forms ---------------------------------------------------------------------
api "$AGENT" GET "/api/v1/requests/$C1/report/initial"
check "initial report" 200 "$STATUS"
printf '%s' "$BODY" >"$WORK/initial.html"
for f in "BÁO CÁO BAN ĐẦU SỰ CỐ MẠNG" "Mẫu số 03" "20/2017/TT-BTTTT" "Tên tổ chức/cá nhân báo cáo sự cố" \
	"Kho bạc Nhà nước Hà Nội" "NGƯỜI LIÊN HỆ|Người liên hệ" "Trần Thị Bình" "Kế toán trưởng" \
	"Tên đơn vị vận hành hệ thống thông tin" "Máy trạm phòng Kế toán" "Mô tả sơ bộ về sự cố" \
	"20/11/2026" "08 giờ 15 phút" "Hiện trạng sự cố" "Cách thức phát hiện" "Đã gửi thông báo sự cố cho" \
	"Kiến nghị, đề xuất hỗ trợ" "THỜI GIAN THỰC HIỆN BÁO CÁO SỰ CỐ" "Hạn gửi báo cáo ban đầu" \
	"25/11/2026 08:15" "185.220.101.45" "CÁ NHÂN/NGƯỜI ĐẠI DIỆN THEO PHÁP LUẬT" "&#9745; Cấp độ 3"; do
	check_match "initial form holds: $f" "$f" "$BODY"
done
api "$AGENT" GET "/api/v1/requests/$C1/report/final"
check "final report" 200 "$STATUS"
for f in "BÁO CÁO KẾT THÚC ỨNG PHÓ SỰ CỐ" "Mẫu số 04" "KÝ HIỆU BÁO CÁO BAN ĐẦU SỰ CỐ" "$C1" "21/11/2026" \
	"Kết quả xử lý sự cố" "Mở tệp đính kèm độc hại" "Cách ly máy" "Các tài liệu đính kèm" "Hạn gửi báo cáo kết thúc"; do
	check_match "final form holds: $f" "$f" "$BODY"
done
api "$AGENT" GET "/api/v1/requests/$C1/report/weekly"
check "unknown form: 404" 404 "$STATUS"
api "$AGENT" GET "/api/v1/requests/$S2/report/initial"
check "no form for a support request" 409 "$STATUS"

# hostile text stays text
api "$AGENT" POST /api/v1/requests '{"kind":"incident","unit":"0010","subject":"<script>alert(1)</script> \"><img src=x onerror=alert(2)>","description":"</p><iframe src=//evil.example>&amp;","requester":{"name":"<b>Kẻ xấu</b>","email":"x@example.org"},"incident":{"affected_systems":"<svg onload=alert(3)>"}}'
CH=$(jget .code)
api "$AGENT" GET "/api/v1/requests/$CH/report/initial"
check "hostile incident: report served" 200 "$STATUS"
if printf '%s' "$BODY" | grep -Eiq '<script|<img|<iframe|<svg|<b>Kẻ'; then bad "markup from the request reached the form"; else ok; fi
check_match "escaped, still readable" '&lt;script&gt;alert\(1\)&lt;/script&gt;' "$BODY"
check_match "ampersand escaped" '&amp;amp;' "$BODY"
CSP=$(curl -s -D - -o /dev/null -H "Authorization: Bearer $AGENT" "$BASE/api/v1/requests/$CH/report/initial" | tr -d '\r' | sed -n 's/^[Cc]ontent-[Ss]ecurity-[Pp]olicy: //p')
check "one policy, no script, its own style only" "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'" "$CSP"

check "request show includes the incident" malware "$("$UNGCUU" request show "$C1" --db "$DB" | jq -r .incident.category)"
"$UNGCUU" export report "$C1" --form initial --db "$DB" -o "$WORK/cli.html"
check "CLI report" 0 $?
check_match "CLI report content" "BÁO CÁO BAN ĐẦU SỰ CỐ MẠNG" "$(cat "$WORK/cli.html")"
"$UNGCUU" export report "$C1" --form weekly --db "$DB" >/dev/null 2>&1
check "CLI: bad form is a usage error" 64 $?
if command -v chromium >/dev/null 2>&1 && [ -z "${NO_PDF:-}" ]; then
	"$UNGCUU" export report "$C1" --form final --db "$DB" --pdf "$WORK/final.pdf" 2>"$WORK/pdf.err"
	check "PDF printed" 0 $?
	check "a PDF file" "%PDF" "$(head -c 4 "$WORK/final.pdf" 2>/dev/null)"
fi

stop_server
finish
