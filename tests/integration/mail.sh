#!/bin/bash
# mail.sh — the email channel against a real server with real clients:
# swaks over LMTP (new requests from [SHKB#DVC] subjects in RFC 2047,
# duplicates, replies by code and by In-Reply-To, reopening, auto-replies,
# routing by sender and triage, acknowledgement limits, oversized and
# non-mail input, secret masking, dangerous attachments), the outbox
# (acknowledgements and agent replies into a Maildir), and mailgate's exit
# codes.
UNGCUU=$1
. "$(dirname "$0")/lib.sh"

"$UNGCUU" init --db "$DB" --demo >/dev/null
AGENT=$("$UNGCUU" user token agent --db "$DB")
MAILDIR="$WORK/Maildir"
start_server --lmtp 127.0.0.1:0 --maildir "$MAILDIR" --mail-from hotro@example.gov.vn \
	--verify-url https://hotro.example.gov.vn/xac-minh --ack-per-hour 3
LMTP_PORT=$(sed -n 's|^ungcuu: lmtp on .*:\([0-9]*\)$|\1|p' "$WORK/serve.out")
check_match "LMTP listening" '^[0-9]+$' "$LMTP_PORT"

# send FILE [FROM] — deliver with swaks over LMTP; prints the answer to the message
send() {
	swaks --protocol LMTP --server 127.0.0.1 --port "$LMTP_PORT" --from "${2:-sender@example.org}" \
		--to hotro@example.gov.vn --data "$1" 2>&1 | sed -n 's/^<[-~*]* *//p' | grep -v '^221' | tail -1
}
# hdr FILE NAME / body FILE — a decoded header, the decoded text body
hdr() { python3 -c 'import email,sys
from email.header import decode_header, make_header
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
print(str(make_header(decode_header(m.get(sys.argv[2], "")))))' "$1" "$2"; }
body() { python3 -c 'import email,sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
print(m.get_payload(decode=True).decode("utf-8"))' "$1"; }
count() { sqlite3 "$DB" "SELECT count(*) FROM $1"; }
wait_mail() { for _ in $(seq 1 50); do [ "$(ls "$MAILDIR/new" 2>/dev/null | wc -l)" -ge "$1" ] && return 0; sleep 0.1; done; return 1; }

# --- a new request from the official subject format ----------------------------
cat >"$WORK/m1.eml" <<'EOF'
From: =?UTF-8?B?VHLhuqduIFRo4buLIELDrG5o?= <binh.tt@hanoi.example.gov.vn>
To: hotro@example.gov.vn
Subject: =?UTF-8?Q?[0010#DVC]_L=E1=BB=97i_k=C3=BD_s=E1=BB=91_khi_n=E1=BB=99p_h=E1=BB=93_s=C6=A1?=
Message-ID: <m1.lmtp@hanoi.example.gov.vn>
Date: Sat, 21 Nov 2026 09:00:00 +0700
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Kính gửi Đội hỗ trợ,
Đơn vị không ký số được hồ sơ thanh toán. Mật khẩu: Abc@12345 (để cán bộ kiểm tra).
EOF
r=$(send "$WORK/m1.eml")
check_match "new message: 250 with the code" "^250 2\.0\.0 SD[0-9]{6}-[0-9]{6} new request$" "$r"
CODE=$(echo "$r" | awk '{print $3}')
api "$AGENT" GET "/api/v1/requests/$CODE"
check "routed by [0010#DVC]" "0010 DVC email" "$(jget '[.unit,.service,.channel]|join(" ")')"
check "subject decoded (RFC 2047)" "[0010#DVC] Lỗi ký số khi nộp hồ sơ" "$(jget .subject)"
check "requester from the From header" "Trần Thị Bình binh.tt@hanoi.example.gov.vn" "$(jget '.requester.name + " " + .requester.email')"
check_match "the password is masked for agents" "Mật khẩu: \[đã che\]" "$(jget .description)"
if jget .description | grep -q 'Abc@12345'; then bad "secret visible"; else ok; fi
RAW=$(sqlite3 "$DB" "SELECT raw_blob FROM messages WHERE message_id='m1.lmtp@hanoi.example.gov.vn'")
check "the raw message is kept, secret included" 1 "$(sqlite3 "$DB" "SELECT instr(data, CAST('Abc@12345' AS BLOB)) > 0 FROM raw_messages WHERE sha256 = '$RAW'")"

# --- the acknowledgement ------------------------------------------------------------
wait_mail 1
ACK=$(ls "$MAILDIR"/new/* | head -1)
check "ack subject: [code] original subject" "[$CODE] [0010#DVC] Lỗi ký số khi nộp hồ sơ" "$(hdr "$ACK" Subject)"
check "ack is marked automatic" 1 "$(grep -c '^Auto-Submitted: auto-replied' "$ACK")"
check "ack threads to the request" "In-Reply-To: <m1.lmtp@hanoi.example.gov.vn>" "$(grep '^In-Reply-To:' "$ACK" | tr -d '\r')"
check_match "ack links to verification" "https://hotro\.example\.gov\.vn/xac-minh\?code=$CODE" "$(body "$ACK")"
check_match "ack carries the anti-fraud notice (R4)" "KHÔNG BAO GIỜ đề nghị" "$(body "$ACK")"
check_match "ack in English too" "Support staff NEVER ask for passwords" "$(body "$ACK")"
ACK_ID=$(sed -n 's/^Message-I[Dd]: <\(.*\)>\r*$/\1/p' "$ACK")
check_match "ack Message-ID" "^ungcuu\.[0-9a-f]{32}@example\.gov\.vn$" "$ACK_ID"

# --- the same message again: nothing new ------------------------------------------------
before=$(count requests)
r=$(send "$WORK/m1.eml")
check_match "duplicate Message-ID: still 250" "^250 2\.0\.0 $CODE stored before$" "$r"
check "no second request" "$before" "$(count requests)"
check "no second message" 1 "$(sqlite3 "$DB" "SELECT count(*) FROM messages WHERE message_id='m1.lmtp@hanoi.example.gov.vn'")"

# --- replies: by code (reopens) and by In-Reply-To ---------------------------------------
api "$AGENT" PATCH "/api/v1/requests/$CODE" '{"status":"resolved"}'
printf 'From: binh.tt@hanoi.example.gov.vn\r\nSubject: Re: [%s] lỗi vẫn còn\r\nMessage-ID: <m2@hanoi>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVẫn chưa ký được ạ.\r\n' "$CODE" >"$WORK/m2.eml"
r=$(send "$WORK/m2.eml")
check_match "reply by code" "^250 2\.0\.0 $CODE added to the request$" "$r"
api "$AGENT" GET "/api/v1/requests/$CODE"
check "the reply reopened the resolved request" open "$(jget .status)"
check "the reply is in the timeline, inbound" "Vẫn chưa ký được ạ. in" "$(jget '[.events[]|select(.type=="message")][-1]|(.body|rtrimstr("\n")|rtrimstr("\r")) + " " + .direction')"
printf 'From: binh.tt@hanoi.example.gov.vn\r\nSubject: cảm ơn\r\nIn-Reply-To: <%s>\r\nMessage-ID: <m3@hanoi>\r\n\r\nCảm ơn anh.\r\n' "$ACK_ID" >"$WORK/m3.eml"
r=$(send "$WORK/m3.eml")
check_match "reply by In-Reply-To to our acknowledgement" "^250 2\.0\.0 $CODE added" "$r"

# --- an agent's reply goes out by email --------------------------------------------------
n=$(ls "$MAILDIR/new" | wc -l)
api "$AGENT" POST "/api/v1/requests/$CODE/messages" '{"body":"Đề nghị cài lại chứng thư số theo hướng dẫn."}'
wait_mail $((n + 1))
REPLY=$(ls -t "$MAILDIR"/new/* | head -1)
check "agent reply subject" "Re: [$CODE] [0010#DVC] Lỗi ký số khi nộp hồ sơ" "$(hdr "$REPLY" Subject)"
check "agent reply body" "Đề nghị cài lại chứng thư số theo hướng dẫn." "$(body "$REPLY" | head -1)"
check "agent reply is not marked automatic" 0 "$(grep -c '^Auto-Submitted' "$REPLY")"
check "agent reply threads to the last message" "In-Reply-To: <m3@hanoi>" "$(grep '^In-Reply-To:' "$REPLY" | tr -d '\r')"

# --- routing without a tag ----------------------------------------------------------------
printf 'From: cuong.lv@haiphong.example.gov.vn\r\nSubject: Hỏi về tài khoản\r\nMessage-ID: <m4@hp>\r\n\r\nXin hướng dẫn.\r\n' >"$WORK/m4.eml"
r=$(send "$WORK/m4.eml")
C4=$(echo "$r" | awk '{print $3}')
api "$AGENT" GET "/api/v1/requests/$C4"
check "no tag: the sender's registered unit" 0110 "$(jget .unit)"
printf 'From: someone@gmail.example\r\nSubject: [9999#DVC] Xin hỗ trợ\r\nMessage-ID: <m5@x>\r\n\r\nXin hỗ trợ.\r\n' >"$WORK/m5.eml"
r=$(send "$WORK/m5.eml")
api "$AGENT" GET "/api/v1/requests/$(echo "$r" | awk '{print $3}')"
check "unknown tag, unknown sender: triage" null "$(jget .unit)"

# --- robots get no acknowledgement ---------------------------------------------------------
printf 'From: binh.tt@hanoi.example.gov.vn\r\nSubject: Tự động trả lời: vắng mặt\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <m6@x>\r\n\r\nTôi đang nghỉ phép.\r\n' >"$WORK/m6.eml"
send "$WORK/m6.eml" >/dev/null
printf 'From: list@example.org\r\nSubject: bản tin\r\nPrecedence: bulk\r\nMessage-ID: <m7@x>\r\n\r\nTin.\r\n' >"$WORK/m7.eml"
send "$WORK/m7.eml" >/dev/null
printf 'From: hotro@example.gov.vn\r\nSubject: vòng lặp\r\nMessage-ID: <m8@x>\r\n\r\nx\r\n' >"$WORK/m8.eml"
send "$WORK/m8.eml" >/dev/null
printf 'From: a@b.example\r\nSubject: loop\r\nX-Loop: ungcuu\r\nMessage-ID: <m9@x>\r\n\r\nx\r\n' >"$WORK/m9.eml"
send "$WORK/m9.eml" >/dev/null
check "no ack to auto-replies, bulk, ourselves or our loop" 0 "$(sqlite3 "$DB" "SELECT count(*) FROM outbox o JOIN messages m ON m.request_id = o.request_id WHERE m.message_id IN ('m6@x', 'm7@x', 'm8@x', 'm9@x') AND o.kind = 'ack'")"
check "but they are stored" 4 "$(sqlite3 "$DB" "SELECT count(*) FROM messages WHERE message_id IN ('m6@x', 'm7@x', 'm8@x', 'm9@x')")"

# --- at most N acknowledgements per sender per hour ---------------------------------------------
for i in 1 2 3 4 5; do
	printf 'From: flood@example.org\r\nSubject: lần %s\r\nMessage-ID: <flood%s@x>\r\n\r\nx\r\n' "$i" "$i" >"$WORK/f.eml"
	send "$WORK/f.eml" >/dev/null
done
sleep 1.5
check "acks limited to 3 per sender per hour" 3 "$(grep -l 'flood@example.org' "$MAILDIR"/new/* | wc -l)"
check "but every message is a request" 5 "$(sqlite3 "$DB" "SELECT count(*) FROM requests WHERE requester_email='flood@example.org'")"

# --- attachments ----------------------------------------------------------------------------
cat >"$WORK/m10.eml" <<'EOF'
From: binh.tt@hanoi.example.gov.vn
Subject: [0010#DVC] ảnh chụp màn hình
Message-ID: <m10@hanoi>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Ảnh lỗi đính kèm.
--b1
Content-Type: image/png; name="loi.png"
Content-Disposition: attachment; filename="loi.png"
Content-Transfer-Encoding: base64

iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==
--b1
Content-Type: application/octet-stream; name="huongdan.pdf.exe"
Content-Disposition: attachment; filename="huongdan.pdf.exe"
Content-Transfer-Encoding: base64

TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAAA==
--b1--
EOF
r=$(send "$WORK/m10.eml")
check_match "multipart with attachments" "^250 " "$r"
check "attachments stored" "huongdan.pdf.exe|1 loi.png|0" "$(sqlite3 "$DB" "SELECT filename || '|' || dangerous FROM attachments ORDER BY filename" | tr '\n' ' ' | sed 's/ $//')"
BLOB=$(sqlite3 "$DB" "SELECT blob FROM attachments WHERE filename='loi.png'")
check "attachment content-addressed" "$BLOB" "$(sha256sum "$(dirname "$DB")/blobs/${BLOB:0:2}/$BLOB" | cut -c1-64)"

api "$AGENT" GET "/api/v1/requests/$(sqlite3 "$DB" "SELECT r.code FROM requests r JOIN messages m ON m.request_id = r.id WHERE m.message_id = 'm10@hanoi'")"
C10=$(jget .code)
PNG_ID=$(jget '.attachments[]|select(.filename=="loi.png")|.id')
EXE_ID=$(jget '.attachments[]|select(.filename=="huongdan.pdf.exe")|.id')
check "attachments listed on the request" "loi.png false huongdan.pdf.exe true" "$(jget '[.attachments[]|.filename + " " + (.dangerous|tostring)]|join(" ")')"
curl -s -D "$WORK/h" -o "$WORK/png" -H "Authorization: Bearer $AGENT" "$BASE/api/v1/requests/$C10/attachments/$PNG_ID"
check "picture downloads intact" "$BLOB" "$(sha256sum "$WORK/png" | cut -c1-64)"
check_match "a picture may show inline" "Content-Type: image/png" "$(tr -d '\r' <"$WORK/h")"
check_match "inline disposition" 'Content-Disposition: inline; filename="loi.png"' "$(tr -d '\r' <"$WORK/h")"
curl -s -D "$WORK/h" -o /dev/null -H "Authorization: Bearer $AGENT" "$BASE/api/v1/requests/$C10/attachments/$EXE_ID"
check_match "a dangerous file is never typed" "Content-Type: application/octet-stream" "$(tr -d '\r' <"$WORK/h")"
check_match "and never inline" 'Content-Disposition: attachment; filename="huongdan.pdf.exe"' "$(tr -d '\r' <"$WORK/h")"
U110=$("$UNGCUU" user token unit0110 --db "$DB")
api "$U110" GET "/api/v1/requests/$C10/attachments/$PNG_ID"
check "another unit cannot download it" 404 "$STATUS"
api "$AGENT" GET "/api/v1/requests/$C10/attachments/99999"
check "unknown attachment" 404 "$STATUS"
api "$AGENT" GET "/api/v1/outbox?status=sent"
check_match "the outbox shows what was sent" "^[1-9][0-9]*$" "$(jget '.items|length')"
check "sent entries carry their Message-ID" true "$(jget '[.items[]|.message_id|startswith("ungcuu.")]|all')"
api "$U110" GET /api/v1/outbox
check "units do not see the outbox" 403 "$STATUS"

# --- what LMTP refuses ------------------------------------------------------------------------
out=$(printf 'LHLO t\r\nMAIL FROM:<a@b> SIZE=999999999\r\nQUIT\r\n' | timeout 5 nc -q 2 127.0.0.1 "$LMTP_PORT" | tr -d '\r')
check_match "SIZE over the limit: 552" "552 5\.3\.4" "$out"
printf '\x00\x01\x02binary garbage without any header\r\n' >"$WORK/bad.eml"
r=$(send "$WORK/bad.eml")
check_match "not RFC 5322: 554" "^554 5\.6\.0" "$r"
out=$(printf 'HELO t\r\nLHLO t\r\nDATA\r\nRCPT TO:<x>\r\nMAIL FROM:<a@b>\r\nMAIL FROM:<a@b>\r\nRCPT TO:<>\r\nQUIT\r\n' | timeout 5 nc -q 2 127.0.0.1 "$LMTP_PORT" | tr -d '\r')
check_match "HELO refused in LMTP" "500 5\.5\.1" "$out"
check_match "DATA before RCPT" "503 5\.5\.1" "$out"
check_match "nested MAIL" "503 5\.5\.1 nested MAIL" "$out"
check_match "empty recipient" "501 5\.1\.3" "$out"
long=$(head -c 10000 /dev/zero | tr '\0' 'a')
out=$(printf 'LHLO t\r\nNOOP %s\r\nNOOP\r\nQUIT\r\n' "$long" | timeout 5 nc -q 2 127.0.0.1 "$LMTP_PORT" | tr -d '\r')
check_match "overlong command line" "500 5\.5\.2 line too long" "$out"
check_match "the session goes on after it" "250 2\.0\.0 ok" "$out"
# two recipients: one reply each, one stored copy
out=$(printf 'LHLO t\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<hotro@example.gov.vn>\r\nRCPT TO:<support@example.gov.vn>\r\nDATA\r\nFrom: a@b.example\r\nSubject: hai\r\nMessage-ID: <two@x>\r\n\r\n..dot-stuffed line\r\n.\r\nQUIT\r\n' | timeout 5 nc -q 2 127.0.0.1 "$LMTP_PORT" | tr -d '\r')
check "one reply per recipient" 2 "$(echo "$out" | grep -c '^250 2\.0\.0 SD')"
check "stored once" 1 "$(sqlite3 "$DB" "SELECT count(*) FROM messages WHERE message_id='two@x'")"
check_match "dot-stuffing undone" "^\.dot-stuffed line" "$(sqlite3 "$DB" "SELECT r.description FROM requests r JOIN messages m ON m.request_id=r.id WHERE m.message_id='two@x'")"

# --- mailgate ------------------------------------------------------------------------------------
printf 'From: mg@example.org\r\nSubject: qua mailgate\r\nMessage-ID: <mg1@x>\r\n\r\nxin chào\r\n' >"$WORK/mg.eml"
"$UNGCUU" mailgate --db "$DB" <"$WORK/mg.eml" >/dev/null
check "mailgate delivers: exit 0" 0 $?
"$UNGCUU" mailgate --db "$DB" <"$WORK/mg.eml" >/dev/null
check "mailgate duplicate: exit 0" 0 $?
check "mailgate stored once" 1 "$(sqlite3 "$DB" "SELECT count(*) FROM messages WHERE message_id='mg1@x'")"
"$UNGCUU" mailgate --db "$DB" <"$WORK/bad.eml" 2>/dev/null
check "mailgate garbage: exit 65" 65 $?
"$UNGCUU" mailgate --db "$WORK/missing.db" <"$WORK/mg.eml" 2>/dev/null
check "mailgate without a database: exit 75" 75 $?

"$UNGCUU" mailgate --url "lmtp://127.0.0.1:$LMTP_PORT" <"$WORK/m1.eml" >/dev/null
check "mailgate --url through the server: duplicate, exit 0" 0 $?
printf 'From: url@example.org\r\nSubject: qua LMTP\r\nMessage-ID: <url1@x>\r\n\r\n.dòng bắt đầu bằng dấu chấm\r\n' >"$WORK/u.eml"
"$UNGCUU" mailgate --url "lmtp://127.0.0.1:$LMTP_PORT" <"$WORK/u.eml" >/dev/null
check "mailgate --url delivers" 0 $?
check_match "mailgate --url keeps leading dots" "^\.dòng" "$(sqlite3 "$DB" "SELECT r.description FROM requests r JOIN messages m ON m.request_id = r.id WHERE m.message_id = 'url1@x'")"
"$UNGCUU" mailgate --url "lmtp://127.0.0.1:$LMTP_PORT" <"$WORK/bad.eml" 2>/dev/null
check "mailgate --url garbage: exit 65" 65 $?

# --- the outbox survives a restart ----------------------------------------------------
stop_server
"$UNGCUU" mailgate --url "lmtp://127.0.0.1:$LMTP_PORT" <"$WORK/u.eml" 2>/dev/null
check "mailgate --url with the server down: exit 75" 75 $?
start_server # no --maildir: nothing is sent
pending=$(sqlite3 "$DB" "SELECT count(*) FROM outbox WHERE status = 'pending'")
api "$AGENT" POST "/api/v1/requests/$CODE/messages" '{"body":"Thư gửi sau khi khởi động lại."}'
sleep 1.5
check "without a relay the reply waits" $((pending + 1)) "$(sqlite3 "$DB" "SELECT count(*) FROM outbox WHERE status = 'pending'")"
stop_server
start_server --maildir "$MAILDIR"
for _ in $(seq 1 50); do [ "$(sqlite3 "$DB" "SELECT count(*) FROM outbox WHERE status = 'pending'")" = 0 ] && break; sleep 0.1; done
check "after a restart it is sent" 0 "$(sqlite3 "$DB" "SELECT count(*) FROM outbox WHERE status = 'pending'")"
check "exactly once" 1 "$(for f in "$MAILDIR"/new/*; do body "$f"; done 2>/dev/null | grep -c 'Thư gửi sau khi khởi động lại')"

stop_server
"$UNGCUU" audit verify --db "$DB" >/dev/null
check "audit chain intact" 0 $?
finish
