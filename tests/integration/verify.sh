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
# a phone line needs its number, a mailbox its address
api "$ADMIN" PATCH /api/v1/contacts/2 '{"phone":null,"email":"tongdai@vst.gov.vn"}'
check "a phone contact may not lose its number" "400 phone" "$STATUS $(jget .error.field)"
api "$ADMIN" POST /api/v1/contacts '{"kind":"phone","label":"x","email":"x@vst.gov.vn"}'
check "nor be created without one" "400 phone" "$STATUS $(jget .error.field)"
api "$ADMIN" POST /api/v1/contacts '{"kind":"mailbox","label":"x","phone":"0912345678"}'
check "a mailbox needs an address" "400 email" "$STATUS $(jget .error.field)"
api "$ADMIN" PATCH /api/v1/contacts/1 '{"email":null,"phone":"0912345678"}'
check "and may not lose it" "400 email" "$STATUS $(jget .error.field)"
pub GET /api/v1/contacts
check "refused edits change nothing" "02462764300 hotrocntt@vst.gov.vn" \
	"$(jget '.items[] | select(.id == 2) | .phone') $(jget '.items[] | select(.id == 1) | .email')"
# a phone contact stored without a number (as an older version allowed) does
# not bring the home page down
sqlite3 "$DB" "INSERT INTO official_contacts(kind, label, email, created_at, updated_at) VALUES ('phone', 'Số cũ', 'cu@vst.gov.vn', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')"
check "the home page survives a phone contact without a number" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/")"
check "the server is still up" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/xac-minh")"
sqlite3 "$DB" "DELETE FROM official_contacts WHERE label = 'Số cũ'"

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
# a request without an address (or without a number) matches no typed
# placeholder: the answer is the unknown one, byte for byte
api "$AGENT" POST /api/v1/requests '{"unit":"0010","service":"DVC","subject":"Gọi điện","description":"x","channel":"phone","requester":{"name":"Lê Văn Cường","phone":"0903111222"}}'
PHONEONLY=$(jget .code)
api "$AGENT" POST /api/v1/requests '{"unit":"0010","service":"DVC","subject":"Thư","description":"x","requester":{"name":"Lê Văn Cường","email":"cuong.lv@example.gov.vn"}}'
MAILONLY=$(jget .code)
verify "{\"code\":\"$PHONEONLY\",\"requester\":\"nobody@invalid.invalid\"}"
check "a phone-only request never matches the placeholder address" "200 unknown null null" \
	"$STATUS $(jget .result) $(jget .status) $(jget .agent)"
sed "s/$PHONEONLY/CODE/g" "$WORK/body" >"$WORK/p.json"
verify "{\"code\":\"${CODE%-*}-999998\",\"requester\":\"nobody@invalid.invalid\"}"
check "and reads as a code that does not exist" "$(cat "$WORK/p.json")" "$(sed "s/${CODE%-*}-999998/CODE/g" "$WORK/body")"
verify "{\"code\":\"$PHONEONLY\",\"requester\":\"0903 111 222\"}"
check "its own number still matches" genuine "$(jget .result)"
verify "{\"code\":\"$MAILONLY\",\"requester\":\"0000000000\"}"
check "an address-only request never matches a placeholder number" "400 requester" \
	"$STATUS $(jget '.result // .error.field')"
verify "{\"code\":\"$MAILONLY\",\"requester\":\"Cuong.LV@example.gov.vn\"}"
check "its own address still matches" genuine "$(jget .result)"

# similar timing: the same store work either way, one audited write each.
# The fastest of 25 interleaved checks of each kind, loosely bounded (the
# machine is shared): skipping the write for unknown codes would be ~10x.
for i in $(seq 1 25); do
	for c in "$CODE" "$GUESS"; do
		curl -s -o /dev/null -w "$c %{time_total}\n" -X POST \
			--data-binary "{\"code\":\"$c\",\"requester\":\"0987654321\"}" "$BASE/api/v1/verify"
	done
done >"$WORK/times"
RATIO=$(python3 -c 'import sys
t = {}
for line in open(sys.argv[1]):
    c, s = line.split()
    t.setdefault(c, []).append(float(s))
a, b = (min(v) for v in t.values())
r = a / b
print("ok %.2f" % r if 0.25 <= r <= 4 else "off %.2f" % r)' "$WORK/times")
check_match "wrong requester and guessed code take similar time ($RATIO)" '^ok ' "$RATIO"

# the same check from the shell
OUT=$("$UNGCUU" verify "${CODE,,}" --phone "+84 912 345 678" --contact "024.6276.4300 máy lẻ 88617" --db "$DB")
check "CLI: genuine exits 0" 0 $?
check_match "CLI: status, agent, official contact" "status: open.*agent: An.*02462764300;ext=88617 official" "$(printf '%s' "$OUT" | tr '\n' ' ')"
"$UNGCUU" verify "$GUESS" --email binh.tt@hanoi.example.gov.vn --db "$DB" >/dev/null
check "CLI: unknown exits 1" 1 $?
"$UNGCUU" verify nonsense --email a@b.vn --db "$DB" 2>/dev/null
check "CLI: a malformed code is a usage error" 64 $?
check "CLI checks are audited" 2 "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'verify.check' AND actor = 'public:cli'")"

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
check_match "the message says it is official" '024 6276 4300 máy lẻ 88617 là kênh liên hệ chính thức' "$(jget .message)"
for c in "0988111222" "02462764300 máy lẻ 99999" "hotro-cntt@gmail.com" "+84 24 3999 9999"; do
	verify "{\"code\":\"$CODE\",\"requester\":\"0912345678\",\"contact\":\"$c\"}"
	check "unofficial contact '$c'" "false null" "$(jget .contact.official) $(jget .contact.label)"
done
check_match "the message says it is not official" 'KHÔNG có trong danh sách kênh liên hệ chính thức' "$(jget .message)"
api "$ADMIN" PATCH "/api/v1/contacts/$HOA" '{"active":false}'
verify "{\"code\":\"$CODE\",\"requester\":\"0912345678\",\"contact\":\"hoa.tt@vst.gov.vn\"}"
check "an inactive contact is not official" false "$(jget .contact.official)"
pub GET "/api/v1/contacts?all=1"
check "strangers never see retired contacts" 0 "$(jget "[.items[] | select(.id == $HOA)] | length")"
api "$ADMIN" GET "/api/v1/contacts?all=1"
check "admins do, with ?all=1" false "$(jget ".items[] | select(.id == $HOA) | .active")"
api "not-a-token" GET "/api/v1/contacts?all=1"
check "bad credentials on a public list: anonymous" "200 0" "$STATUS $(jget "[.items[] | select(.id == $HOA)] | length")"

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
check "the audit names the client" "public:127.0.0.1" "$(sqlite3 "$DB" "SELECT DISTINCT actor FROM audit WHERE action = 'verify.check' AND actor <> 'public:cli'")"
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
api "$ADMIN" POST /api/v1/announcements '{"title":"Đêm qua","body":"x","published_at":"2026-01-01T18:30:00Z"}'
NIGHT=$(jget .id)
check "stored with milliseconds" "2026-01-01T18:30:00.000Z" "$(jget .published_at)"
check_match "the home page dates in Hà Nội time" '<time datetime="2026-01-01T18:30:00.000Z">02/01/2026 01:30</time>' "$(curl -s "$BASE/")"
api "$ADMIN" DELETE "/api/v1/announcements/$NIGHT"
pub GET /api/v1/announcements
check "newest first, future ones hidden" "Bảo trì hệ thống 2" "$(jget '.items[0].title') $(jget '.items | length')"
pub GET "/api/v1/announcements?all=1"
check "future ones hidden from strangers even with ?all=1" 2 "$(jget '.items | length')"
api "$ADMIN" GET "/api/v1/announcements?all=1"
check "admins see scheduled ones" "3 Sắp tới" "$(jget '.items | length') $(jget '.items[0].title')"
api "$ADMIN" PATCH "/api/v1/announcements/$ANN" '{"title":"Bảo trì hệ thống (đã lùi)"}'
check "admin edits it" "200 Bảo trì hệ thống (đã lùi)" "$STATUS $(jget .title)"
api "$ADMIN" POST /api/v1/announcements '{"title":"x","body":"y","published_at":"tomorrow"}'
check "a bad time names the field" "400 published_at" "$STATUS $(jget .error.field)"
api "$AGENT" POST /api/v1/announcements '{"title":"x","body":"y"}'
check "an agent may not post" 403 "$STATUS"
api "$ADMIN" DELETE "/api/v1/announcements/$FUT"
check "admin deletes one" 200 "$STATUS"
check "announcement changes are audited" "4 1 2" \
	"$(audit_count announcement.create) $(audit_count announcement.update) $(audit_count announcement.delete)"
pub GET /api/v1/public/units
check "public unit list: codes and names only" "200 0010 Kho bạc Nhà nước Hà Nội code,name" \
	"$STATUS $(jget '.items[0].code') $(jget '.items[0].name') $(jget '.items[0] | keys | join(",")')"
pub GET /api/v1/public/services
check "public service list" "200 DVC" "$STATUS $(jget '[.items[].code] | sort | .[0]')"

# --- the public request form: multipart with a real PNG ------------------------
python3 - "$WORK" <<'PY'
import struct, sys, zlib
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
w, h = 4, 3
raw = b''.join(b'\x00' + b'\xcc\x00\x00' * w for _ in range(h))
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + \
      chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
d = sys.argv[1]
open(d + '/shot.png', 'wb').write(png)
open(d + '/big.png', 'wb').write(png + b'\x00' * (5 * 1024 * 1024 + 1 - len(png)))
open(d + '/huge.png', 'wb').write(png + b'\x00' * (9 * 1024 * 1024))
open(d + '/evil.png', 'wb').write(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
open(d + '/fake.png', 'wb').write(b'MZ\x90\x00 not an image at all')
PY
# submit [curl -F args...] — POST /api/v1/public/requests
submit() {
	curl -s -o "$WORK/body" -w '%{http_code}' "$@" "$BASE/api/v1/public/requests" >"$WORK/status"
	STATUS=$(cat "$WORK/status")
	BODY=$(cat "$WORK/body")
}
FORM=(-F unit=0010 -F service=DVC -F 'subject=Lỗi ký số khi nộp hồ sơ' -F 'description=Bấm Ký và gửi thì báo lỗi.'
	-F 'name=Trần Thị Bình' -F 'email=Binh.TT@Hanoi.Example.gov.vn' -F 'phone=0912 345 678')
submit "${FORM[@]}" -F "screenshot=@$WORK/shot.png;type=image/png;filename=Ảnh lỗi.png"
check "public request with a screenshot" "201 true" "$STATUS $(jget .screenshot)"
WEB=$(jget .code)
check "it links to the verify page" "$BASE/xac-minh?code=$WEB" "$(jget .verify_url)"
api "$AGENT" GET "/api/v1/requests/$WEB"
check "the agent sees it, channel web" "web 0010 DVC Trần Thị Bình binh.tt@hanoi.example.gov.vn" \
	"$(jget .channel) $(jget .unit) $(jget .service) $(jget .requester.name) $(jget .requester.email)"
check "with the screenshot as an attachment" "Ảnh lỗi.png image/png $(stat -c %s "$WORK/shot.png")" \
	"$(jget '.attachments[0] | "\(.filename) \(.content_type) \(.size)"')"
ATT=$(jget '.attachments[0].id')
curl -s -o "$WORK/got.png" -H "Authorization: Bearer $AGENT" "$BASE/api/v1/requests/$WEB/attachments/$ATT"
cmp -s "$WORK/got.png" "$WORK/shot.png"
check "the agent downloads the same bytes" 0 $?
check "the unit's own user may too" 200 "$(curl -s -o /dev/null -w '%{http_code}' \
	-H "Authorization: Bearer $U10" "$BASE/api/v1/requests/$WEB/attachments/$ATT")"
api "$AGENT" GET "/api/v1/outbox"
check "an acknowledgement is queued to the requester" "ack binh.tt@hanoi.example.gov.vn" \
	"$(jget ".items[] | select(.code == \"$WEB\") | \"\(.kind) \(.to)\"")"
check "the web request is audited" 1 "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'request.web' AND object = '$WEB' AND actor = 'web:127.0.0.1'")"
# anyone can file with someone else's number: not vouched for until support
# has answered it
verify "{\"code\":\"$WEB\",\"requester\":\"+84 912 345 678\"}"
check "a web request is unconfirmed, no status, no agent" "200 unconfirmed null null null" \
	"$STATUS $(jget .result) $(jget .status) $(jget .status_label) $(jget .agent)"
check_match "saying support has not contacted the requester" "^Mã yêu cầu $WEB có tồn tại.*chưa liên hệ.*KHÔNG phải cán bộ hỗ trợ" "$(jget .message)"
check_match "with the fixed warning" 'KHÔNG BAO GIỜ' "$(jget .warning)"
verify "{\"code\":\"$WEB\",\"requester\":\"0912345678\"}" "?lang=en"
check_match "in English too" "^The request code $WEB exists and was filed through the public web form.*not yet contacted.*is NOT support" "$(jget .message)"
verify "{\"code\":\"$WEB\",\"requester\":\"0987654321\"}"
sed "s/$WEB/CODE/g" "$WORK/body" >"$WORK/w.json"
verify "{\"code\":\"${WEB%-*}-999997\",\"requester\":\"0987654321\"}"
check "a web request with a wrong requester reads as unknown, byte for byte" "$(cat "$WORK/w.json")" \
	"$(sed "s/${WEB%-*}-999997/CODE/g" "$WORK/body")"
check "the audit records unconfirmed" 2 "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'verify.check' AND object = '$WEB' AND json_extract(detail, '$.result') = 'unconfirmed'")"
OUT=$("$UNGCUU" verify "$WEB" --phone 0912345678 --db "$DB")
check "CLI: unconfirmed exits 1" 1 $?
check_match "CLI: says so" "unconfirmed" "$OUT"
api "$AGENT" PATCH "/api/v1/requests/$WEB" '{"assignee":"agent"}'
api "$U10" POST "/api/v1/requests/$WEB/messages" '{"body":"Tôi bổ sung thông tin."}'
api "$AGENT" POST "/api/v1/requests/$WEB/notes" '{"body":"Ghi chú nội bộ."}'
verify "{\"code\":\"$WEB\",\"requester\":\"0912345678\"}"
check "assignment, the unit's messages and internal notes do not confirm it" unconfirmed "$(jget .result)"
page_check() {
	curl -s -X POST --data-urlencode "code=$WEB" --data-urlencode 'requester=0912 345 678' "$BASE/xac-minh"
}
check_match "the verify page shows it unconfirmed" 'class="warn" role="status">.*Chưa được đầu mối hỗ trợ xác nhận.*chưa liên hệ' \
	"$(page_check | tr -d '\n')"
check "the verify page shows no status for it" 0 "$(page_check | grep -c 'Cán bộ phụ trách</dt>')"
api "$AGENT" POST "/api/v1/requests/$WEB/messages" '{"body":"Chúng tôi đã nhận yêu cầu."}'
verify "{\"code\":\"$WEB\",\"requester\":\"0912345678\"}"
check "once support has answered it, genuine" "genuine open An" "$(jget .result) $(jget .status) $(jget .agent)"
submit -F 'subject=Không có ảnh' -F 'description=x' -F 'name=An' -F 'phone=0912345678'
check "a screenshot is optional, a phone enough" "201 false" "$STATUS $(jget .screenshot)"
submit "${FORM[@]}" -F "screenshot=@$WORK/shot.png;filename=../../etc/<b>passwd.html"
api "$AGENT" GET "/api/v1/requests/$(jq -r .code "$WORK/body")"
check "the file name is made safe" "bpasswd.html.png" "$(jget '.attachments[0].filename')"
submit "${FORM[@]}" -F "screenshot=@$WORK/shot.png;filename=$(printf 'l\xe1\xbb\x97i\xff.png')"
api "$AGENT" GET "/api/v1/requests/$(jq -r .code "$WORK/body")"
check "a file name that is not UTF-8 is cleaned" "lỗi.png" "$(jget '.attachments[0].filename')"
submit "${FORM[@]}" -F "screenshot=@$WORK/shot.png" -F "screenshot=@$WORK/fake.png"
api "$AGENT" GET "/api/v1/requests/$(jq -r .code "$WORK/body")"
check "only the first file is kept" "1 $(stat -c %s "$WORK/shot.png")" "$(jget '.attachments | length') $(jget '.attachments[0].size')"
# the same screenshot from many requests at once: one blob, every request stored
PIDS=()
for i in $(seq 1 12); do
	curl -s -o /dev/null -w '%{http_code}\n' -F "subject=Cùng ảnh $i" -F 'description=x' -F 'name=An' \
		-F 'phone=0912345678' -F "screenshot=@$WORK/shot.png" "$BASE/api/v1/public/requests" \
		>"$WORK/par.$i" &
	PIDS+=($!)
done
wait "${PIDS[@]}"
cat "$WORK"/par.* >"$WORK/par"
check "parallel submissions of one screenshot all stored" "12 201" "$(sort "$WORK/par" | uniq -c | awk '{print $1, $2}')"

# refusals name the field
submit "${FORM[@]}" -F "screenshot=@$WORK/big.png"
check "over 5 MB: 413 naming the screenshot" "413 screenshot" "$STATUS $(jget .error.field)"
submit "${FORM[@]}" -F "screenshot=@$WORK/huge.png"
check "over the upload limit: 413 naming the screenshot" "413 screenshot" "$STATUS $(jget .error.field)"
submit "${FORM[@]}" -F "screenshot=@$WORK/evil.png;type=image/png"
check "SVG is not an image we take" "415 screenshot" "$STATUS $(jget .error.field)"
submit "${FORM[@]}" -F "screenshot=@$WORK/fake.png;type=image/png"
check "the type is read from the bytes" "415 screenshot" "$STATUS $(jget .error.field)"
submit -F 'description=x' -F 'name=An' -F 'email=an@example.gov.vn'
check "missing subject" "400 subject" "$STATUS $(jget .error.field)"
submit -F 'subject=x' -F 'description=x' -F 'name=An'
check "no address and no number" "400 email" "$STATUS $(jget .error.field)"
submit -F 'subject=x' -F 'description=x' -F 'name=An' -F 'email=not an address'
check "a bad address" "400 email" "$STATUS $(jget .error.field)"
submit "${FORM[@]}" -F 'unit=9999'
check "an unknown unit" "400 unit" "$STATUS $(jget .error.field)"
submit "${FORM[@]}" -F 'website=http://spam.example'
check "the honeypot catches bots" "400 website" "$STATUS $(jget .error.field)"
submit -H 'Content-Type: application/json' --data-binary '{"subject":"x"}'
check "a JSON body is refused" "400 invalid_form" "$STATUS $(jget .error.code)"
check "refused submissions store nothing" 17 "$(sqlite3 "$DB" "SELECT count(*) FROM requests WHERE channel = 'web' AND id > 3")"

# --- the pages: no JavaScript needed, accessible, escaped ----------------------
# page PATH [curl args...] — the HTML in $BODY, headers in $WORK/headers
page() {
	_p=$1
	shift
	curl -s -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}' "$@" "$BASE$_p" >"$WORK/status"
	STATUS=$(cat "$WORK/status")
	BODY=$(cat "$WORK/body")
}
header() { tr -d '\r' <"$WORK/headers" | sed -n "s/^$1: //Ip" | head -1; }
page /
check "home page" "200 text/html; charset=utf-8" "$STATUS $(header Content-Type)"
check_match "Vietnamese by default" '<html lang="vi">' "$BODY"
check_match "responsive" '<meta name="viewport" content="width=device-width, initial-scale=1">' "$BODY"
check_match "links the shared stylesheet" '<link rel="stylesheet" href="/assets/site.css">' "$BODY"
check_match "links the public script" '<script src="/assets/public.js" defer></script>' "$BODY"
check "no inline script" 0 "$(grep -c '<script>' "$WORK/body")"
check_match "official contacts listed" 'hotrocntt@vst\.gov\.vn.*' "$BODY"
check_match "the switchboard with its extensions" '024 6276 4300, máy lẻ 88617, 88618' "$BODY"
check_match "announcements listed" 'Bảo trì hệ thống' "$BODY"
check_match "links to submit, verify, login" 'href="/gui-yeu-cau".*href="/xac-minh".*href="/app/"' "$(tr -d '\n' <"$WORK/body")"
check_match "the warning" 'KHÔNG BAO GIỜ' "$BODY"
check_match "a skip link to the main content" '<a class="skip" href="#main">' "$BODY"
check "framing denied" DENY "$(header X-Frame-Options)"
CSP=$(header Content-Security-Policy)
check_match "strict CSP: scripts from us only" "script-src 'self';" "$CSP"
check_match "strict CSP: forms to us only" "form-action 'self'" "$CSP"
STYLE_HASH=$(python3 -c 'import base64,hashlib,re,sys
s = re.search(r"<style>(.*?)</style>", open(sys.argv[1], encoding="utf-8").read(), re.S).group(1)
print(base64.b64encode(hashlib.sha256(s.encode()).digest()).decode())' "$WORK/body")
check_match "the CSP allows exactly the inline baseline style" "style-src 'self' 'sha256-$STYLE_HASH'" "$CSP"
page /?lang=en
check_match "English on request" '<html lang="en">' "$BODY"
check_match "and remembered in a cookie" '^lang=en; Path=/' "$(header Set-Cookie)"
page /xac-minh -H 'Cookie: lang=en'
check_match "the cookie gives English" '<html lang="en">.*' "$BODY"
check_match "English texts" 'Verify a support contact' "$BODY"

# hostile values everywhere come back as text
api "$ADMIN" POST /api/v1/announcements '{"title":"<script>alert(\"t\")</script>","body":"<img src=x onerror=alert(1)>"}'
api "$ADMIN" POST /api/v1/contacts '{"kind":"staff","display_name":"\"><svg onload=alert(2)>","extension":"88610"}'
api "$ADMIN" POST /api/v1/units '{"code":"XSS","name":"<b onmouseover=alert(3)>Đơn vị</b>"}'
page /
check "no hostile tag on the home page" 0 "$(grep -Ec '<script>alert|<img src=x|<svg' "$WORK/body")"
check_match "hostile title shown as text" '&lt;script&gt;alert\(&quot;t&quot;\)&lt;/script&gt;' "$BODY"
check_match "hostile contact shown as text" '&quot;&gt;&lt;svg onload=alert\(2\)&gt;' "$BODY"
page /gui-yeu-cau
check "no hostile tag in the unit picker" 0 "$(grep -c '<b onmouseover' "$WORK/body")"
check_match "hostile unit name shown as text" '&lt;b onmouseover=alert\(3\)&gt;Đơn vị&lt;/b&gt;' "$BODY"
page '/xac-minh?code=SD1%22%3E%3Cscript%3Ealert(4)%3C/script%3E'
check "the prefill is escaped" 0 "$(grep -c '<script>alert' "$WORK/body")"
check_match "the prefill keeps the text" 'value="SD1&quot;&gt;&lt;script&gt;alert\(4\)&lt;/script&gt;"' "$BODY"

# every form control has a label
labels_ok() {
	python3 -c 'import re,sys
h = open(sys.argv[1], encoding="utf-8").read()
ids = re.findall(r"<(?:input|select|textarea)[^>]*\bid=\"([^\"]+)\"", h)
fors = set(re.findall(r"<label for=\"([^\"]+)\"", h))
missing = [i for i in ids if i not in fors]
print(len(ids), " ".join(missing) or "none")' "$WORK/body"
}
page "/xac-minh?code=$CODE"
check_match "verify page: a form without JavaScript" '<form method="post" action="/xac-minh">' "$BODY"
check_match "the code prefilled" "id=\"code\" name=\"code\".*value=\"$CODE\"" "$BODY"
check "verify page: every control labelled" "3 none" "$(labels_ok)"
page /gui-yeu-cau
check_match "submit page: a multipart form" '<form method="post" action="/gui-yeu-cau" enctype="multipart/form-data">' "$BODY"
check_match "a unit picker" '<select id="unit" name="unit"' "$BODY"
check_match "listing public units" '<option value="0010">0010 — Kho bạc Nhà nước Hà Nội</option>' "$BODY"
check_match "a screenshot input" '<input id="screenshot" name="screenshot" type="file" accept="image/\*"' "$BODY"
check_match "a honeypot kept out of the tab order" 'name="website" type="text" tabindex="-1"' "$BODY"
check "submit page: every control labelled" "9 none" "$(labels_ok)"

# the verify form posts and answers in HTML; guessed and wrong answers match
page /xac-minh -X POST --data-urlencode "code=$CODE" --data-urlencode 'requester=0912 345 678' \
	--data-urlencode 'contact=024 6276 4300 máy lẻ 88617'
check_match "form check: genuine" 'class="ok" role="status"' "$BODY"
check_match "form check: agent and official contact" 'Cán bộ phụ trách</dt><dd>An</dd>.*' "$BODY"
check_match "form check: the contact is official" '<strong>chính thức</strong>' "$BODY"
page /xac-minh -X POST --data-urlencode "code=$CODE" --data-urlencode 'requester=0987654321'
sed -n '/<section/,/<\/section>/p' "$WORK/body" | sed "s/$CODE/CODE/g" >"$WORK/wrong.html"
page /xac-minh -X POST --data-urlencode "code=$GUESS" --data-urlencode 'requester=0987654321'
sed -n '/<section/,/<\/section>/p' "$WORK/body" | sed "s/$GUESS/CODE/g" >"$WORK/guess.html"
check "form check: guessed and wrong requester read the same" "$(cat "$WORK/wrong.html")" "$(cat "$WORK/guess.html")"
check_match "and warn" 'class="warn"' "$(cat "$WORK/guess.html")"
page /xac-minh -X POST --data "code=$CODE&requester=0912345678&contact=0912345678%FF"
check "form check: bytes that are not UTF-8 are refused, naming the field" 400 "$STATUS"
check_match "naming the contact" '<a href="#contact">' "$BODY"
page /xac-minh -X POST --data-urlencode "code=nonsense" --data-urlencode 'requester=0987654321'
check_match "form check: a bad code is explained, 400" '400' "$STATUS"
check_match "naming the field" '<a href="#code">Mã yêu cầu có dạng' "$BODY"
check_match "and marking it invalid" 'id="code" name="code"[^>]* aria-invalid="true"' "$BODY"
check "only that one" 1 "$(grep -c 'aria-invalid' "$WORK/body")"

# the submit form posts multipart and answers with the code
page /gui-yeu-cau "${FORM[@]}" -F "screenshot=@$WORK/shot.png"
check "form submit: 201" 201 "$STATUS"
HCODE=$(sed -n 's|.*<strong id="request-code">\(SD[0-9-]*\)</strong>.*|\1|p' "$WORK/body")
check_match "form submit: the request code" '^SD[0-9]{6}-[0-9]{6}$' "$HCODE"
check_match "form submit: a link to verify it" "href=\"/xac-minh\\?code=$HCODE\"" "$BODY"
check_match "form submit: the acknowledgement announced" 'Thư xác nhận kèm mã này' "$BODY"
api "$AGENT" GET "/api/v1/requests/$HCODE"
check "form submit: stored with its screenshot" "web 1" "$(jget .channel) $(jget '.attachments | length')"
page /gui-yeu-cau "${FORM[@]}" -F "screenshot=@$WORK/big.png"
check "form submit: oversized screenshot, 413" 413 "$STATUS"
check_match "explained, naming the field" '<a href="#screenshot">Ảnh chụp màn hình tối đa 5 MB' "$BODY"
check_match "the file input marked invalid" 'id="screenshot"[^>]* aria-invalid="true"' "$BODY"
page /gui-yeu-cau "${FORM[@]}" -F "screenshot=@$WORK/fake.png;type=image/png"
check "form submit: wrong type, 415" 415 "$STATUS"
check_match "explained" '<a href="#screenshot">Ảnh chụp màn hình phải là tệp PNG' "$BODY"
page /gui-yeu-cau --form-string 'subject=<script>alert(5)</script>' \
	--form-string 'description=</textarea><script>alert(6)</script>' \
	--form-string 'name="><img src=x onerror=alert(7)>' --form-string 'email=bad'
check "form submit: refused, values kept" 400 "$STATUS"
check "form submit: hostile values escaped" 0 "$(grep -Ec '<script>alert|<img src=x' "$WORK/body")"
check_match "the textarea keeps its text" '&lt;/textarea&gt;&lt;script&gt;alert\(6\)' "$BODY"

# --- rate limits: per code and per address -------------------------------------
stop_server
MAILDIR="$WORK/Maildir"
start_server --verify-ip-limit 12 --verify-code-limit 3 --submit-ip-limit 2 --trusted-proxy 127.0.0.1 \
	--public-url https://hotro.example.gov.vn/ --maildir "$MAILDIR" --mail-from hotro@example.gov.vn
for i in 1 2 3; do verify "{\"code\":\"$CODE\",\"requester\":\"0987654321\"}"; done
check "within the per-code limit" 200 "$STATUS"
verify "{\"code\":\"$CODE\",\"requester\":\"0912345678\"}"
check "past the per-code limit: 429" "429 rate_limited" "$STATUS $(jget .error.code)"
RA=$(curl -s -o /dev/null -D - -X POST --data-binary "{\"code\":\"$CODE\",\"requester\":\"0912345678\"}" \
	"$BASE/api/v1/verify" | tr -d '\r' | sed -n 's/^Retry-After: //Ip')
check_match "with Retry-After" '^[0-9]+$' "$RA"
# this address has made 3 counted checks (refused ones do not count): 9 more
# answer, the tenth is refused
FIRST=""
for i in $(seq 10 30); do
	verify "{\"code\":\"${CODE%-*}-0001$i\",\"requester\":\"0987654321\"}"
	[ "$STATUS" = 429 ] && { FIRST=$((i - 9)); break; }
done
check "past the per-address limit: 429 at the tenth other code" "10 rate_limited" "$FIRST $(jget .error.code)"
# behind the trusted proxy, the client is the address the proxy appended
XFF="$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'X-Forwarded-For: 198.51.100.9, 203.0.113.7' \
	--data-binary "{\"code\":\"${CODE%-*}-000400\",\"requester\":\"0987654321\"}" "$BASE/api/v1/verify")"
check "another client behind the proxy is not limited" 200 "$XFF"
check "and is audited under its own address" 1 \
	"$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'verify.check' AND actor = 'public:203.0.113.7' AND object = '${CODE%-*}-000400'")"

# acknowledgements link to <public URL>/xac-minh?code=...
submit -F 'subject=Cần hỗ trợ' -F 'description=x' -F 'name=An' -F 'email=an.nv@example.gov.vn'
check "the public URL in the answer" "https://hotro.example.gov.vn/xac-minh?code=$(jget .code)" "$(jget .verify_url)"
ACKCODE=$(jget .code)
# ack_body CODE — the decoded text of the acknowledgement for CODE, once sent
ack_body() {
	python3 -c 'import email,glob,sys,time
from email.header import decode_header, make_header
for _ in range(100):
    for f in glob.glob(sys.argv[1] + "/new/*"):
        m = email.message_from_binary_file(open(f, "rb"))
        if sys.argv[2] in str(make_header(decode_header(m.get("Subject", "")))):
            print(m.get_payload(decode=True).decode("utf-8"))
            sys.exit(0)
    time.sleep(0.1)' "$MAILDIR" "$1"
}
check_match "the acknowledgement links to the verify page, code prefilled" \
	"https://hotro\\.example\\.gov\\.vn/xac-minh\\?code=$ACKCODE" "$(ack_body "$ACKCODE")"
submit -F 'subject=x' -F 'description=x' -F 'name=An' -F 'email=an.nv@example.gov.vn'
check "within the per-address submission limit" 201 "$STATUS"
submit -F 'subject=x' -F 'description=x' -F 'name=An' -F 'email=an.nv@example.gov.vn'
check "past it: 429" "429 rate_limited" "$STATUS $(jget .error.code)"
page /gui-yeu-cau -F 'subject=x' -F 'description=x' -F 'name=An' -F 'email=an.nv@example.gov.vn'
check "the form says so too" 429 "$STATUS"
check_match "in words" 'Quý vị đã thao tác quá nhiều lần' "$BODY"
stop_server

finish
