#!/bin/bash
# verify.sh — the public side against a real server with curl: the registry
# of official contacts (seeded from the public notice, admin-editable,
# audited, CLI), the "is this really support?" check (genuine code and
# requester, guessed codes and wrong requesters answered identically,
# official and unofficial contacts, phone number forms, rate limits,
# audit entries without the requester in clear), announcements, the public
# lists, the public request form (multipart, screenshot checks) and the
# server-rendered pages (no JavaScript needed, everything escaped).
UNGCUU=$1
. "$(dirname "$0")/lib.sh"

"$UNGCUU" init --db "$DB" --demo >/dev/null
AGENT=$("$UNGCUU" user token agent --db "$DB")
ADMIN=$("$UNGCUU" user token admin --db "$DB")
U10=$("$UNGCUU" user token unit0010 --db "$DB")
start_server --verify-ip-limit 1000 --verify-code-limit 1000 --submit-ip-limit 1000

# pub METHOD PATH [BODY] — an anonymous call
pub() { api "" "$@"; }
# verify BODY [QUERY] — POST /api/v1/verify, the body kept in $WORK/v.json
verify() {
	curl -s -o "$WORK/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
		--data-binary "$1" "$BASE/api/v1/verify${2:-}" >"$WORK/status"
	STATUS=$(cat "$WORK/status")
	BODY=$(cat "$WORK/body")
}
audit_count() { sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = '$1'"; }

# --- the registry: seeded from the public notice -----------------------------
pub GET /api/v1/contacts
check "contacts are public" 200 "$STATUS"
check "the support mailbox is seeded" 1 "$(jget '[.items[] | select(.kind == "mailbox" and .email == "hotrocntt@vst.gov.vn")] | length')"
check "the switchboard is seeded" 1 "$(jget '[.items[] | select(.kind == "phone" and .phone == "02462764300" and .extension == null)] | length')"
check "its eight extensions are seeded" "88323 88397 88403 88608 88610 88613 88617 88618" \
	"$(jget '[.items[] | select(.kind == "phone" and .extension != null) | .extension] | sort | join(" ")')"
check "the demo staff member is listed" "Nguyễn Văn An 88617" \
	"$(jget '.items[] | select(.kind == "staff") | "\(.display_name) \(.extension)"')"
OUT=$("$UNGCUU" contacts list --db "$DB")
check_match "CLI lists the registry" 'hotrocntt@vst\.gov\.vn' "$OUT"
check_match "CLI shows extensions" '02462764300 ext 88617' "$OUT"

# --- the registry: admin edits, audited ----------------------------------------
api "$ADMIN" POST /api/v1/contacts '{"kind":"staff","display_name":"Trần Thị Hoa","label":"Cán bộ hỗ trợ","phone":"024.6276.4300 máy lẻ 88618","email":" Hoa.TT@VST.gov.vn "}'
check "admin adds a staff member" 201 "$STATUS"
HOA=$(jget .id)
check "number and extension normalised" "02462764300 88618 hoa.tt@vst.gov.vn" "$(jget '"\(.phone) \(.extension) \(.email)"')"
api "$ADMIN" PATCH "/api/v1/contacts/$HOA" '{"label":"Cán bộ hỗ trợ chữ ký số"}'
check "admin edits it" "200 Cán bộ hỗ trợ chữ ký số Trần Thị Hoa" "$STATUS $(jget .label) $(jget .display_name)"
api "$AGENT" POST /api/v1/contacts '{"kind":"mailbox","label":"x","email":"x@vst.gov.vn"}'
check "an agent may not add contacts" 403 "$STATUS"
pub POST /api/v1/contacts '{"kind":"mailbox","label":"x","email":"x@vst.gov.vn"}'
check "nor may a stranger" 401 "$STATUS"
api "$ADMIN" POST /api/v1/contacts '{"kind":"mailbox","label":"x","email":"not-an-address"}'
check "a bad address names the field" "400 email" "$STATUS $(jget .error.field)"
api "$ADMIN" POST /api/v1/contacts '{"kind":"phone","label":"x","phone":"abc"}'
check "a bad number names the field" "400 phone" "$STATUS $(jget .error.field)"
api "$ADMIN" POST /api/v1/contacts '{"kind":"fax","label":"x","phone":"0912345678"}'
check "an unknown kind names the field" "400 kind" "$STATUS $(jget .error.field)"
api "$ADMIN" POST /api/v1/contacts '{"kind":"mailbox","label":"Hộp thư cũ","email":"old@vst.gov.vn"}'
OLD=$(jget .id)
api "$ADMIN" DELETE "/api/v1/contacts/$OLD"
check "admin removes a contact" 200 "$STATUS"
api "$ADMIN" DELETE "/api/v1/contacts/$OLD"
check "removing it twice is 404" 404 "$STATUS"
check "contact changes are audited" "3 1 1" \
	"$(audit_count contact.create) $(audit_count contact.update) $(audit_count contact.delete)"
OUT=$("$UNGCUU" contacts add phone "Đường dây nóng" --phone "+84 24 3825 1234" --db "$DB")
check_match "CLI adds a contact" '^contact [0-9]+ added$' "$OUT"
"$UNGCUU" contacts add phone "x" --phone "abc" --db "$DB" 2>/dev/null
check "CLI refuses a bad number" 64 $?

# --- verification: genuine, guessed, wrong requester ---------------------------
# the demo request SD...-000001 was filed by binh.tt@hanoi.example.gov.vn, 0912345678
CODE=$(sqlite3 "$DB" "SELECT code FROM requests WHERE requester_phone = '0912345678'")
NEWCODE=$(sqlite3 "$DB" "SELECT code FROM requests ORDER BY id DESC LIMIT 1")
verify "{\"code\":\"$CODE\",\"requester\":\"binh.tt@hanoi.example.gov.vn\"}"
check "genuine code and requester" "200 genuine new" "$STATUS $(jget .result) $(jget .status)"
check_match "plain Vietnamese answer" "^Mã yêu cầu $CODE là mã thật" "$(jget .message)"
check_match "the fixed warning" 'KHÔNG BAO GIỜ.*mật khẩu.*mã PIN chứng thư số.*truy cập từ xa' "$(jget .warning)"
for form in "0912345678" "0912 345 678" "0912.345.678" "+84 912 345 678" "84912345678" "(+84) 912-345-678"; do
	verify "{\"code\":\"$CODE\",\"requester\":\"$form\"}"
	check "requester phone written as '$form'" genuine "$(jget .result)"
done
verify "{\"code\":\" ${CODE,,} \",\"requester\":\"BINH.TT@Hanoi.Example.gov.vn\"}"
check "code and address in any case" genuine "$(jget .result)"
# assign it: the answer names the agent by given name only
api "$AGENT" PATCH "/api/v1/requests/$CODE" '{"assignee":"agent","status":"open"}'
verify "{\"code\":\"$CODE\",\"requester\":\"0912345678\"}"
check "status and the agent's given name" "open Đang xử lý An" "$(jget .status) $(jget .status_label) $(jget .agent)"
verify "{\"code\":\"$CODE\",\"requester\":\"0912345678\"}" "?lang=en"
check_match "English on request" '^The request code .* is genuine.*Status: In progress\. Handled by: An\.$' "$(jget .message)"
check_match "English warning" '^Support staff NEVER ask for passwords' "$(jget .warning)"

# a wrong requester and a code that does not exist: the same bytes
verify "{\"code\":\"$CODE\",\"requester\":\"0987654321\",\"contact\":\"0988111222\"}"
check "wrong requester is unknown" "200 unknown" "$STATUS $(jget .result)"
check "no status, no agent" "null null null" "$(jget .status) $(jget .status_label) $(jget .agent)"
cp "$WORK/body" "$WORK/wrong.json"
# the same code's shape with a sequence that was never issued: change the code
# in both answers' text to compare them byte for byte
GUESS="${CODE%-*}-999999"
verify "{\"code\":\"$GUESS\",\"requester\":\"0987654321\",\"contact\":\"0988111222\"}"
check "guessed code is unknown" "200 unknown" "$STATUS $(jget .result)"
check "guessed code and wrong requester: identical bodies" \
	"$(sed "s/$CODE/CODE/g" "$WORK/wrong.json")" "$(sed "s/$GUESS/CODE/g" "$WORK/body")"
# and with the very same code text: an existing code with a wrong requester
# against a request whose requester has no phone at all
verify "{\"code\":\"$NEWCODE\",\"requester\":\"binh.tt@hanoi.example.gov.vn\"}"
cp "$WORK/body" "$WORK/a.json"
sqlite3 "$DB" "UPDATE requests SET code = 'SD000101-000001' WHERE code = '$NEWCODE'"
verify "{\"code\":\"$NEWCODE\",\"requester\":\"binh.tt@hanoi.example.gov.vn\"}"
sqlite3 "$DB" "UPDATE requests SET code = '$NEWCODE' WHERE code = 'SD000101-000001'"
check "existing code + wrong requester == missing code, byte for byte" "$(cat "$WORK/a.json")" "$BODY"
check "identical status too" 200 "$STATUS"

# --- verification: the contact channel -----------------------------------------
for c in "02462764300" "024.6276.4300" "+84 24 6276 4300" "(024) 6276-4300" "024 6276 4300 máy lẻ 88617" \
	"02462764300 ext. 88613" "02462764300 - 88397" "02462764300 nhánh 88403" "HOTROCNTT@vst.gov.vn" \
	"hoa.tt@vst.gov.vn"; do
	verify "{\"code\":\"$CODE\",\"requester\":\"0912345678\",\"contact\":\"$c\"}"
	check "official contact '$c'" "true" "$(jget .contact.official)"
done
verify "{\"code\":\"$CODE\",\"requester\":\"0912345678\",\"contact\":\"024 6276 4300 máy lẻ 88617\"}"
check "a staff extension names the staff member" "02462764300;ext=88617 Cán bộ hỗ trợ công nghệ thông tin — Nguyễn Văn An" \
	"$(jget .contact.normalized) $(jget .contact.label)"
check_match "the message says it is official" 'là kênh liên hệ chính thức' "$(jget .message)"
for c in "0988111222" "02462764300 máy lẻ 99999" "hotro-cntt@gmail.com" "+84 24 3999 9999"; do
	verify "{\"code\":\"$CODE\",\"requester\":\"0912345678\",\"contact\":\"$c\"}"
	check "unofficial contact '$c'" "false null" "$(jget .contact.official) $(jget .contact.label)"
done
check_match "the message says it is not official" 'KHÔNG có trong danh sách kênh liên hệ chính thức' "$(jget .message)"
api "$ADMIN" PATCH "/api/v1/contacts/$HOA" '{"active":false}'
verify "{\"code\":\"$CODE\",\"requester\":\"0912345678\",\"contact\":\"hoa.tt@vst.gov.vn\"}"
check "an inactive contact is not official" false "$(jget .contact.official)"

# --- verification: refusals name the field -------------------------------------
verify '{"code":"SD12","requester":"0912345678"}'
check "malformed code" "400 code" "$STATUS $(jget .error.field)"
verify "{\"code\":\"$CODE\"}"
check "missing requester" "400 requester" "$STATUS $(jget .error.field)"
verify "{\"code\":\"$CODE\",\"requester\":\"hello\"}"
check "requester neither address nor number" "400 requester" "$STATUS $(jget .error.field)"
verify "{\"code\":\"$CODE\",\"requester\":\"0912345678\",\"contact\":\"zalo: anh An\"}"
check "contact neither address nor number" "400 contact" "$STATUS $(jget .error.field)"
verify "{\"code\":\"$CODE\",\"requester\":\"0912345678\",\"extra\":1}"
check "unknown field" "400 extra" "$STATUS $(jget .error.field)"

# --- every check is audited, the requester only masked --------------------------
N=$(audit_count verify.check)
check_match "checks are audited" '^[0-9]{2,}$' "$N"
check "the audit keeps the contact and the result" 1 \
	"$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'verify.check' AND object = '$GUESS' AND json_extract(detail, '$.result') = 'unknown' AND json_extract(detail, '$.contact') = '0988111222'")"
check "the audit names the client" "public:127.0.0.1" "$(sqlite3 "$DB" "SELECT DISTINCT actor FROM audit WHERE action = 'verify.check'")"
check "no requester number in clear" 0 "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'verify.check' AND (detail LIKE '%0912345678%' OR detail LIKE '%0987654321%' OR detail LIKE '%binh.tt%')")"
check "the requester masked" "091*****78" "$(sqlite3 "$DB" "SELECT json_extract(detail, '$.requester') FROM audit WHERE action = 'verify.check' AND object = '$CODE' ORDER BY id DESC LIMIT 1")"
"$UNGCUU" audit verify --db "$DB" >/dev/null
check "the audit chain holds" 0 $?

# --- announcements and public lists -------------------------------------------
pub GET /api/v1/announcements
check "announcements are public" "200 Cảnh báo mạo danh cán bộ hỗ trợ" "$STATUS $(jget '.items[0].title')"
api "$ADMIN" POST /api/v1/announcements '{"title":"Bảo trì hệ thống","body":"Tối thứ Bảy hệ thống tạm dừng."}'
check "admin posts an announcement" 201 "$STATUS"
ANN=$(jget .id)
api "$ADMIN" POST /api/v1/announcements '{"title":"Sắp tới","body":"x","published_at":"2099-01-01T00:00:00Z"}'
FUT=$(jget .id)
pub GET /api/v1/announcements
check "newest first, future ones hidden" "Bảo trì hệ thống 2" "$(jget '.items[0].title') $(jget '.items | length')"
api "$ADMIN" PATCH "/api/v1/announcements/$ANN" '{"title":"Bảo trì hệ thống (đã lùi)"}'
check "admin edits it" "200 Bảo trì hệ thống (đã lùi)" "$STATUS $(jget .title)"
api "$ADMIN" POST /api/v1/announcements '{"title":"x","body":"y","published_at":"tomorrow"}'
check "a bad time names the field" "400 published_at" "$STATUS $(jget .error.field)"
api "$AGENT" POST /api/v1/announcements '{"title":"x","body":"y"}'
check "an agent may not post" 403 "$STATUS"
api "$ADMIN" DELETE "/api/v1/announcements/$FUT"
check "admin deletes one" 200 "$STATUS"
check "announcement changes are audited" "3 1 1" \
	"$(audit_count announcement.create) $(audit_count announcement.update) $(audit_count announcement.delete)"
pub GET /api/v1/public/units
check "public unit list: codes and names only" "200 0010 Kho bạc Nhà nước Hà Nội code,name" \
	"$STATUS $(jget '.items[0].code') $(jget '.items[0].name') $(jget '.items[0] | keys | join(",")')"
pub GET /api/v1/public/services
check "public service list" "200 DVC" "$STATUS $(jget '[.items[].code] | sort | .[0]')"

# --- rate limits: per code and per address -------------------------------------
stop_server
start_server --verify-ip-limit 12 --verify-code-limit 3
for i in 1 2 3; do verify "{\"code\":\"$CODE\",\"requester\":\"0987654321\"}"; done
check "within the per-code limit" 200 "$STATUS"
verify "{\"code\":\"$CODE\",\"requester\":\"0912345678\"}"
check "past the per-code limit: 429" "429 rate_limited" "$STATUS $(jget .error.code)"
RA=$(curl -s -o /dev/null -D - -X POST --data-binary "{\"code\":\"$CODE\",\"requester\":\"0912345678\"}" \
	"$BASE/api/v1/verify" | tr -d '\r' | sed -n 's/^Retry-After: //Ip')
check_match "with Retry-After" '^[0-9]+$' "$RA"
# this address has made 4 counted checks (the refused one counts, the one
# refused while waiting does not): 8 more answer, the ninth is refused
FIRST=""
for i in $(seq 10 30); do
	verify "{\"code\":\"${CODE%-*}-0001$i\",\"requester\":\"0987654321\"}"
	[ "$STATUS" = 429 ] && { FIRST=$((i - 9)); break; }
done
check "past the per-address limit: 429 at the ninth other code" "9 rate_limited" "$FIRST $(jget .error.code)"
stop_server

finish
