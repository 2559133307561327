#!/bin/bash
# leaks.sh — leaked-credential monitoring end to end: dumps generated in
# every layout (email:password with : ; |, url:user:password, user:password
# with --system, RedLine/Raccoon/Vidar stealer folders), with Vietnamese
# names, CRLF, BOMs, broken bytes, NULs, a 10 MB line, empty files, gzip and
# zstd; verdicts (valid_now, old_password, different, unknown_mailbox)
# against real Argon2id hashes set through the login flow; dry run;
# idempotence (same and overlapping dumps); must-change and session
# revocation; the notice in the outbox; GET /api/v1/leaks filters and RBAC;
# the findings on the request page; the audit chain; and redaction: no
# plaintext leaked password in the database file, its WAL, the server's or
# the CLI's output.
UNGCUU=$1
. "$(dirname "$0")/lib.sh"
D="$WORK/dumps"
mkdir -p "$D/stealer/PL[4F2A]_2026/Browsers" "$D/stealer/VN_8812"

"$UNGCUU" init --db "$DB" --demo >"$WORK/init.out"
pw_of() { sed -n "s/^  $1 *//p" "$WORK/init.out"; }
P10=$(pw_of unit0010)
P110=$(pw_of unit0110)
cat >"$WORK/units.csv" <<'CSV'
code,name,parent,province,contact_name,contact_title,contact_email,contact_phone
0010,Kho bạc Nhà nước Hà Nội,,Hà Nội,Phạm Thu Hà,Đầu mối ATTT,ha.pt@hanoi.example.gov.vn,0241234567
CSV
"$UNGCUU" unit import "$WORK/units.csv" --db "$DB" >/dev/null
AGENT=$("$UNGCUU" user token agent --db "$DB")
U10=$("$UNGCUU" user token unit0010 --db "$DB")
U110=$("$UNGCUU" user token unit0110 --db "$DB")
start_server

# session JAR USER PASS — log in, keep the cookie and the CSRF token
login() {
	curl -s -c "$WORK/$1" -o "$WORK/body" -w '%{http_code}' -X POST \
		--data-binary "{\"username\":\"$2\",\"password\":\"$3\"}" "$BASE/api/v1/session" >"$WORK/status"
	STATUS=$(cat "$WORK/status")
	BODY=$(cat "$WORK/body")
	eval "CSRF_$1=\$(jq -r '.csrf_token // empty' \"\$WORK/body\")"
}
sapi() {
	local jar=$1 m=$2 p=$3 csrf
	eval "csrf=\${CSRF_$jar:-}"
	curl -s -b "$WORK/$jar" -o "$WORK/body" -w '%{http_code}' -X "$m" -H "X-CSRF-Token: $csrf" \
		${4:+--data-binary "$4"} "$BASE$p" >"$WORK/status"
	STATUS=$(cat "$WORK/status")
	BODY=$(cat "$WORK/body")
}

# unit0010 changes its one-time password: P10 becomes an old password
NEW10='Hồ Gươm#2026 xanh mát'
login s10 unit0010 "$P10"
sapi s10 POST /api/v1/password "{\"current\":\"$P10\",\"new\":\"$NEW10\"}"
check "unit0010 password changed" 200 "$STATUS"
NEW110='Sông Lam#2026 quê mẹ'
login s110 unit0110 "$P110"
sapi s110 POST /api/v1/password "{\"current\":\"$P110\",\"new\":\"$NEW110\"}"
check "unit0110 password changed" 200 "$STATUS"
sapi s10 GET /api/v1/me
check "unit0010's session works before the scan" 200 "$STATUS"

"$UNGCUU" leaks watch add --domain hanoi.example.gov.vn --db "$DB"
check "watch a domain" 0 $?
"$UNGCUU" leaks watch add --host DVC.example.gov.vn --system DVC --db "$DB"
check "watch a host" 0 $?
check "watch list" "domain hanoi.example.gov.vn - host dvc.example.gov.vn DVC" \
	"$("$UNGCUU" leaks watch list --db "$DB" | tr '\t\n' '  ' | sed 's/ $//')"
"$UNGCUU" leaks watch add --domain 'not a domain@' --db "$DB" 2>/dev/null
check "invalid domain refused" 64 $?

# --- dumps -----------------------------------------------------------------
WRONG110='Sai#mật khẩu 2024'
WRONGAGENT='hotro2023!'
WRONGQLVB='QlvbSai_99'
UNKNOWNPW='Thư mục#Chung 1'
printf '\xef\xbb\xbfnguyen.van.binh@gmail.com:Bình@1990\r\n' >"$D/combo_colon.txt"
printf 'BINH.TT@HANOI.EXAMPLE.GOV.VN:%s\r\n' "$P10" >>"$D/combo_colon.txt"
printf 'tran.thi.hoa@yahoo.com.vn:Hoa#2023\r\n\r\n' >>"$D/combo_colon.txt"
printf 'xbinh.tt@hanoi.example.gov.vn.evil.com:%s\r\n' "$NEW10" >>"$D/combo_colon.txt"   # no substring hits
printf 'le.van.cuong@outlook.com:\xff\xfe\xfdbroken\r\n' >>"$D/combo_colon.txt"
printf 'binary\x00line@x.vn:nul\r\n' >>"$D/combo_colon.txt"
{
	printf '\xef\xbb\xbfCuong.LV@HaiPhong.Example.gov.vn|%s\n' "$WRONG110"
	printf 'pham.duc.dung@gmail.com|Dũng!2022\n'
} >"$D/combo_pipe.txt"
{
	printf 'khong.ton.tai@hanoi.example.gov.vn;%s\n' "$UNKNOWNPW"
	printf 'Hotro@Example.gov.vn;%s\n' "$WRONGAGENT"
	printf 'someone@haiphong.example.com.vn;x\n'
} >"$D/combo_semicolon.txt"
{
	printf 'https://dvc.example.gov.vn:8443/dang-nhap:unit0110:%s\n' "$WRONG110"
	printf 'https://facebook.com/login:unit0010:%s\n' "$NEW10"   # a stranger's site: no username match
	printf 'https://mail.google.com/:binh.tt@hanoi.example.gov.vn:GmailOnly#1\n'
} >"$D/url_combo.txt"
printf 'nguyen.thi.lan@gmail.com:' >"$D/long_line.txt"
head -c 10000000 /dev/zero | tr '\0' 'a' >>"$D/long_line.txt"
printf '\nlast.one@gmail.com:after-the-long-line\n' >>"$D/long_line.txt"
: >"$D/empty.txt"
gzip -c "$D/combo_pipe.txt" >"$D/combo_pipe.txt.gz" && rm "$D/combo_pipe.txt"
zstd -q "$D/combo_semicolon.txt" -o "$D/combo_semicolon.txt.zst" && rm "$D/combo_semicolon.txt"
# RedLine: separators, CRLF; our DVC host with the current password
cat >"$D/stealer/PL[4F2A]_2026/Passwords.txt" <<EOF
*****************************************************
*  RedLine log: Nguyễn Văn Bình, máy KBNN-HN-PC12   *
*****************************************************
URL: https://dvc.example.gov.vn/dang-nhap
Username: unit0010
Password: $NEW10
Application: Google_[Chrome]_Default
===============
URL: https://shopee.vn/buyer/login
Username: binh.tt.1990
Password: shopee@Binh
Application: Google_[Chrome]_Default
===============
EOF
sed -i 's/$/\r/' "$D/stealer/PL[4F2A]_2026/Passwords.txt"
# Vidar: Soft/Host/Login blocks, blank lines, a last block with no separator
cat >"$D/stealer/VN_8812/passwords.txt" <<EOF
Soft: Microsoft Edge
Host: https://portal.example.vn/
Login: tran.thi.hoa
Password: Hoa@1985

Soft: Google Chrome
Host: https://dvc.example.gov.vn/
Login: cuong.lv@haiphong.example.gov.vn
Password: $WRONG110
EOF
printf 'URL: https://x.vn\nUSER: nobody\nPASS: \n' >"$D/stealer/VN_8812/Browsers_empty_pass.txt"
# user:password lines of one system (--system)
printf 'unit0110:%s\nadmin:%s\n' "$WRONGQLVB" "$WRONGQLVB" >"$WORK/qlvb_users.txt"

db_count() { sqlite3 "$DB" "$1"; }

# --- dry run -----------------------------------------------------------------
"$UNGCUU" leaks scan "$D" --db "$DB" --source "dump-2026-11" --json --dry-run >"$WORK/dry.json" 2>"$WORK/dry.err"
check "dry run exits 0" 0 $?
check "dry run verdicts" '{"valid_now":1,"old_password":1,"different":3,"unknown_mailbox":1}' \
	"$(jq -c .verdicts "$WORK/dry.json")"
check "dry run stores nothing" "0 0" "$(db_count 'SELECT count(*) FROM leak_findings') $(db_count "SELECT count(*) FROM requests WHERE kind='leak'")"
check "dry run forces nothing" 0 "$(db_count "SELECT must_change FROM users WHERE username='unit0010'")"

# --- the scan ----------------------------------------------------------------
"$UNGCUU" leaks scan "$D" --db "$DB" --source "dump-2026-11" --json >"$WORK/scan1.json" 2>"$WORK/scan1.err"
check "scan exits 0" 0 $?
J() { jq -r "$1" "$WORK/scan1.json"; }
check "files read (gz, zst, stealer folders, empty)" 9 "$(J .files)"
check "lines counted, the 10 MB line included" 42 "$(J .lines)"
check "broken, binary and over-long lines skipped" 3 "$(J .skipped)"
check "verdicts" '{"valid_now":1,"old_password":1,"different":3,"unknown_mailbox":1}' "$(jq -c .verdicts "$WORK/scan1.json")"
check "findings" 6 "$(J .findings)"
check "three requests: 0010, 0110, triage" 3 "$(J '.requests|length')"
check "one account must change" 1 "$(J .must_change)"
check "report has bytes and seconds" true "$(J '(.bytes > 10000000) and (.seconds >= 0)')"
check "stored findings" 6 "$(db_count 'SELECT count(*) FROM leak_findings')"
check "verdict of unit0010's current password" valid_now \
	"$(db_count "SELECT verdict FROM leak_findings WHERE account='unit0010' AND system='DVC'")"
check "unit0010: its current, a former and another password (from a Gmail login)" \
	"different old_password valid_now" \
	"$(db_count "SELECT verdict FROM leak_findings WHERE account='unit0010' ORDER BY verdict" | paste -sd' ')"
check "unknown mailbox goes to the unit of its domain" "khong.ton.tai@hanoi.example.gov.vn 0010" \
	"$(db_count "SELECT f.account, u.code FROM leak_findings f JOIN units u ON u.id = f.unit_id WHERE verdict='unknown_mailbox'" | tr '|' ' ')"
check "unit0110's three wrong passwords are one finding per password" 1 \
	"$(db_count "SELECT count(*) FROM leak_findings WHERE account='unit0110'")"
check "agent (no unit): triage request" "agent different" \
	"$(db_count "SELECT f.account, f.verdict FROM leak_findings f JOIN requests r ON r.id=f.request_id WHERE r.unit_id IS NULL" | tr '|' ' ')"
CODE10=$(db_count "SELECT r.code FROM requests r JOIN units u ON u.id=r.unit_id WHERE r.kind='leak' AND u.code='0010'")
CODE110=$(db_count "SELECT r.code FROM requests r JOIN units u ON u.id=r.unit_id WHERE r.kind='leak' AND u.code='0110'")
check "priority from the worst verdict" "urgent normal" \
	"$(db_count "SELECT priority FROM requests WHERE code='$CODE10'") $(db_count "SELECT priority FROM requests WHERE code='$CODE110'")"

# must change + sessions revoked (valid_now and old_password only)
check "unit0010 must change" 1 "$(db_count "SELECT must_change FROM users WHERE username='unit0010'")"
check "unit0110 (different) need not" 0 "$(db_count "SELECT must_change FROM users WHERE username='unit0110'")"
sapi s10 GET /api/v1/me
check "unit0010's session was revoked" 401 "$STATUS"
sapi s110 GET /api/v1/me
check "unit0110's session lives on" 200 "$STATUS"
login s10b unit0010 "$NEW10"
check "next login must change the password" "201 true" "$STATUS $(jget .must_change)"

# the notice in the outbox, to the unit's focal contact
check "one notice for 0010's contact" "reply ha.pt@hanoi.example.gov.vn" \
	"$(db_count "SELECT o.kind, o.to_addr FROM outbox o JOIN requests r ON r.id=o.request_id WHERE r.code='$CODE10'" | tr '|' ' ')"
NOTICE=$(db_count "SELECT e.body FROM outbox o JOIN events e ON e.id=o.event_id JOIN requests r ON r.id=o.request_id WHERE r.code='$CODE10'")
check_match "notice masks the accounts" "u•••0" "$NOTICE"
check_match "notice says to change the password now" "Đổi mật khẩu của các tài khoản trên ngay" "$NOTICE"
check_match "notice says to check for info-stealers" "info-stealer" "$NOTICE"
check_match "notice gives the source" "dump-2026-11" "$NOTICE"
check "0110 without contacts: its unit account is told" "cuong.lv@haiphong.example.gov.vn" \
	"$(db_count "SELECT o.to_addr FROM outbox o JOIN requests r ON r.id=o.request_id WHERE r.code='$CODE110'")"

# audit
check "audited: scan, notices, forced change" "1 3 1" \
	"$(db_count "SELECT count(*) FROM audit WHERE action='leak.scan'") $(db_count "SELECT count(*) FROM audit WHERE action='leak.notify'") $(db_count "SELECT count(*) FROM audit WHERE action='user.force_change'")"
"$UNGCUU" audit verify --db "$DB" >/dev/null
check "audit chain intact" 0 $?

# --- idempotence -------------------------------------------------------------
"$UNGCUU" leaks scan "$D" --db "$DB" --source "dump-2026-11" --json >"$WORK/scan2.json" 2>>"$WORK/scan.err"
check "same dump again: nothing new" "0 6 0" "$(jq -r '"\(.findings) \(.known) \(.requests|length)"' "$WORK/scan2.json")"
mkdir "$WORK/overlap"
cp "$D/url_combo.txt" "$WORK/overlap/"
printf 'binh.tt@hanoi.example.gov.vn:Một mật khẩu khác 7\n' >>"$WORK/overlap/url_combo.txt"
"$UNGCUU" leaks scan "$WORK/overlap" --db "$DB" --json >"$WORK/scan3.json" 2>>"$WORK/scan.err"
check "overlapping dump: only the new line" "1 different" "$(jq -r '"\(.findings) \(.items[0].verdict)"' "$WORK/scan3.json")"
check "no second reset for a different password" 0 "$(jq -r .must_change "$WORK/scan3.json")"
check "findings in total" 7 "$(db_count 'SELECT count(*) FROM leak_findings')"
check "source is the folder name by default" overlap \
	"$(db_count "SELECT DISTINCT source FROM leak_findings WHERE id = (SELECT max(id) FROM leak_findings)")"

printf 'binh.tt@hanoi.example.gov.vn:Nguồn một 1\n' >"$WORK/forum_a.txt"
printf 'binh.tt@hanoi.example.gov.vn:Nguồn hai 2\n' >"$WORK/forum_b.txt.gz.txt"
"$UNGCUU" leaks scan "$WORK/forum_a.txt" "$WORK/forum_b.txt.gz.txt" --db "$DB" --json >"$WORK/scan6.json" 2>>"$WORK/scan.err"
check "two inputs: each finding keeps its own source" "forum_a.txt forum_b.txt.gz.txt" \
	"$(db_count "SELECT source FROM leak_findings ORDER BY id DESC LIMIT 2" | sort | paste -sd' ')"
check_match "the request names both" "forum_a.txt, forum_b.txt.gz.txt" \
	"$(db_count "SELECT description FROM requests WHERE code = '$(jq -r '.requests[0]' "$WORK/scan6.json")'")"

# user:password with --system, from stdin
"$UNGCUU" leaks scan - --db "$DB" --system QLVB --source qlvb-users --json <"$WORK/qlvb_users.txt" >"$WORK/scan4.json" 2>>"$WORK/scan.err"
check "user:password with --system" "2 QLVB" "$(jq -r '"\(.findings) \(.items[0].system)"' "$WORK/scan4.json")"
printf 'unit0110:%s-no-system\n' "$WRONGQLVB" | "$UNGCUU" leaks scan - --db "$DB" --json >"$WORK/scan5.json" 2>>"$WORK/scan.err"
check "a bare username without --system matches nothing" 0 "$(jq -r .matched "$WORK/scan5.json")"

check "leaks list (CLI) with a filter" "1 unit0010" \
	"$("$UNGCUU" leaks list --db "$DB" --verdict valid_now | jq -r '"\(length) \(.[0].account)"')"
"$UNGCUU" leaks watch remove --domain hanoi.example.gov.vn --db "$DB"
check "watch remove" "host dvc.example.gov.vn DVC" "$("$UNGCUU" leaks watch list --db "$DB" | tr '\t' ' ')"
"$UNGCUU" leaks watch remove --domain hanoi.example.gov.vn --db "$DB" 2>/dev/null
check "removing what is not watched: 65" 65 $?

# --- --accounts (no database) --------------------------------------------------
printf 'binh.tt@hanoi.example.gov.vn\n# comment\nCUONG.LV@haiphong.example.gov.vn\n\n' >"$WORK/accounts.txt"
"$UNGCUU" leaks scan "$D" --accounts "$WORK/accounts.txt" >"$WORK/acc.out" 2>"$WORK/acc.err"
check "--accounts exits 0" 0 $?
check "--accounts hits: old P10, Gmail one, 0110 wrong" 3 "$(wc -l <"$WORK/acc.out")"
check_match "--accounts prints masked hints only" "^cuong.lv@haiphong.example.gov.vn	matched	S••••4 \(17\)	-	dumps$" \
	"$(grep cuong "$WORK/acc.out")"

check "no progress when stderr is not a terminal" "" "$(grep '^leaks: ' "$WORK/acc.err")"
"$UNGCUU" leaks scan "$D" --accounts "$WORK/accounts.txt" --progress >/dev/null 2>"$WORK/progress.err"
check_match "--progress: bytes, lines/s, MB/s, ETA on stderr" \
	'^leaks: 100\.0% of 0\.01 GB, [0-9.]+ M lines/s, [0-9]+ MB/s, ETA 0 s$' "$(grep '^leaks: ' "$WORK/progress.err" | tail -1)"

# --- refusals ----------------------------------------------------------------
"$UNGCUU" leaks scan "$WORK/nope.txt" --db "$DB" >/dev/null 2>"$WORK/err"
check "missing input: 65" 65 $?
check_match "missing input named" "nope.txt" "$(cat "$WORK/err")"
head -c 200 "$D/combo_pipe.txt.gz" >"$WORK/cut.gz"
printf 'x' >>"$WORK/cut.gz"
"$UNGCUU" leaks scan "$WORK/cut.gz" --db "$DB" >/dev/null 2>"$WORK/err"
check "corrupt gzip: 65" 65 $?
check "nothing stored from a failed scan" 11 "$(db_count 'SELECT count(*) FROM leak_findings')"
"$UNGCUU" leaks scan "$D" --db "$DB" --accounts "$WORK/accounts.txt" >/dev/null 2>&1
check "--db with --accounts: 64" 64 $?
"$UNGCUU" leaks scan "$D" --db "$DB" --threads 0 >/dev/null 2>&1
check "--threads 0: 64" 64 $?

# --- API ---------------------------------------------------------------------
api "$AGENT" GET /api/v1/leaks
check "agent lists every finding" "200 11" "$STATUS $(jget '.items|length')"
check "finding shape" '["account","found_at","hint","id","request","source","system","unit","verdict"]' \
	"$(jget '.items[0]|keys' | jq -c .)"
api "$AGENT" GET '/api/v1/leaks?verdict=valid_now'
check "filter by verdict" "1 unit0010 DVC $CODE10" "$(jget '.items|length') $(jget '.items[0].account') $(jget '.items[0].system') $(jget '.items[0].request')"
api "$AGENT" GET '/api/v1/leaks?unit=0110'
check "filter by unit" "0110" "$(jget '[.items[].unit]|unique|join(",")')"
api "$AGENT" GET "/api/v1/leaks?request=$CODE10"
check "filter by request" 4 "$(jget '.items|length')"
api "$AGENT" GET '/api/v1/leaks?source=qlvb-users'
check "filter by source" 2 "$(jget '.items|length')"
api "$AGENT" GET '/api/v1/leaks?limit=2'
check "pages" "2 true" "$(jget '.items|length') $(jget '.next_cursor != null')"
api "$AGENT" GET '/api/v1/leaks?verdict=leaked'
check "unknown verdict: 400 naming the field" "400 verdict" "$STATUS $(jget .error.field)"
api "$AGENT" GET '/api/v1/leaks?unit=bad%20code!'
check "bad unit: 400" "400 unit" "$STATUS $(jget .error.field)"
api "$U110" GET /api/v1/leaks
check "a unit sees only its own findings" "200 0110" "$STATUS $(jget '[.items[].unit]|unique|join(",")')"
api "$U110" GET '/api/v1/leaks?unit=0010'
check "another unit's findings stay hidden" 0 "$(jget '.items|length')"
api "$U110" GET "/api/v1/leaks?request=$CODE10"
check "another unit's request stays hidden" 0 "$(jget '.items|length')"
curl -s -o /dev/null -w '%{http_code}' "$BASE/api/v1/leaks" >"$WORK/status"
check "no credentials: 401" 401 "$(cat "$WORK/status")"
api "$U10" GET "/api/v1/requests/$CODE10"
check "the request page shows the findings" "leak urgent 4" "$(jget .kind) $(jget .priority) $(jget '.leaks|length')"
check "findings on the request page are masked" false "$(jget '[.leaks[].hint]|any(contains("'"$P10"'"))')"
api "$U110" GET "/api/v1/requests/$CODE10"
check "a unit cannot open another unit's leak request" 404 "$STATUS"
api "$AGENT" GET "/api/v1/requests/$(db_count "SELECT code FROM requests WHERE kind='support' LIMIT 1")"
check "other requests carry no findings" null "$(jget .leaks)"

stop_server

# --- redaction: no leaked password anywhere we keep or print -------------------
sqlite3 "$DB" 'PRAGMA wal_checkpoint(PASSIVE);' >/dev/null
found=""
for pw in "$P10" "$NEW10" "$WRONG110" "$WRONGAGENT" "$WRONGQLVB" "$UNKNOWNPW" "GmailOnly#1" "Một mật khẩu khác 7"; do
	for f in "$DB" "$DB-wal" "$WORK/serve.out" "$WORK/serve.err" "$WORK"/scan*.json "$WORK"/scan*.err \
		 "$WORK/dry.json" "$WORK/dry.err" "$WORK/acc.out" "$WORK/acc.err"; do
		[ -f "$f" ] || continue
		if grep -aqF -- "$pw" "$f"; then found="$found $(basename "$f"):${pw:0:3}…"; fi
	done
done
check "no plaintext leaked password in the database, WAL or logs" "" "$found"
check "the keyed-hash key is not in the database" "" \
	"$(grep -aqF -- "$(head -c 64 "$WORK/leaks.key")" "$DB" && echo found)"
check "the key file is private" 600 "$(stat -c %a "$WORK/leaks.key")"
sanitizer_clean "$WORK/scan.err"
sanitizer_clean "$WORK/scan1.err"

finish
