#!/bin/bash
# e2e.sh — the web UI in a real browser: headless Chromium (Debian's) driven
# by playwright-core (tests/e2e/run.mjs) against a real `ungcuu serve` with
# the demo data and the built web/dist.  Screenshots of the main pages go to
# <build dir>/screenshots/.  Skipped (77) only when Chromium is missing.
UNGCUU=$1
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

if [ ! -x "$CHROMIUM" ]; then
	echo "SKIP: no Chromium at $CHROMIUM (scripts/bootstrap installs Debian's chromium)"
	exit 77
fi
if [ ! -d "$SRC/web/node_modules/playwright-core" ]; then
	echo "web/node_modules is missing: run scripts/bootstrap (npm ci in web/)" >&2
	exit 1
fi
if [ ! -f "$SRC/web/dist/index.html" ]; then
	(cd "$SRC/web" && node build.mjs) || exit 1
fi

"$UNGCUU" init --db "$DB" --demo >"$WORK/init.out"
pw_of() { sed -n "s/^  $1 *//p" "$WORK/init.out"; }
# units' assets and the national advisories: the advisory dashboard has data
cat >"$WORK/assets.csv" <<'CSV'
unit,name,vendor,product,version,cpe,exposure,owner
0010,fw-hn,Fortinet,FortiGate,7.0.5,,internet,it@hanoi.example.gov.vn
0010,mail-hn,Microsoft,Exchange Server,15.2.1118.7,,internet,
0110,fw-hp,,,,cpe:2.3:o:fortinet:fortios:7.2.5:*:*:*:*:*:*:*,internet,
0110,zoom-hp,Zoom Video Communications,Zoom Cloud Meeting,5.12.0,,internal,
CSV
"$UNGCUU" assets import "$WORK/assets.csv" --db "$DB" >/dev/null &&
	"$UNGCUU" advisories import "$SRC/tests/data/advisories/national.json" --db "$DB" >/dev/null
check "assets and advisories loaded" 0 $?
# a credential dump naming an account of unit 0010 and a mailbox of its domain
printf 'binh.tt@hanoi.example.gov.vn:Mua-thu-Ha-Noi-2025\nnobody.here@hanoi.example.gov.vn:123456\nx@example.org:abc\n' \
	>"$WORK/combo.txt"
"$UNGCUU" leaks scan "$WORK/combo.txt" --db "$DB" --source combo-2026-11 --domain hanoi.example.gov.vn \
	--quiet >/dev/null 2>&1
check "leak scan" 0 $?
# a cheaper Argon2id keeps the many logins quick
start_server --web "$SRC/web/dist" --lmtp 127.0.0.1:0 --argon2-mem 8 --argon2-ops 1
LMTP_PORT=$(sed -n 's|^ungcuu: lmtp on .*:\([0-9]*\)$|\1|p' "$WORK/serve.out")
PW_LOCKME=$("$UNGCUU" user add lockme --role agent --name "Khóa Thử" --db "$DB" |
	sed -n 's/^initial password.*: //p')

# A mailed request whose subject, sender name, body and attachment file name
# carry HTML and script (the XSS scenario shows them as text).
PNG64=iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNg+M/A8B8ABQACAaW24lcAAAAASUVORK5CYII=
cat >"$WORK/xss.eml" <<MAIL
From: "<b onmouseover=alert(1)>Kẻ xấu</b>" <xss@example.org>
To: hotro@example.gov.vn
Subject: [0010#DVC] Thư <script>window.__xss=1;alert(1)</script> <img src=x onerror=alert(2)>
Message-ID: <xss.e2e@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Nội dung <script>window.__xss=1;alert(3)</script> <img src=x onerror=alert(4)>
--b1
Content-Type: image/png; name="<img src=x onerror=alert(5)>.png"
Content-Disposition: attachment; filename="<img src=x onerror=alert(5)>.png"
Content-Transfer-Encoding: base64

$PNG64
--b1--
MAIL
XSS_MAIL_CODE=$("$UNGCUU" mailgate --url "lmtp://127.0.0.1:$LMTP_PORT" <"$WORK/xss.eml" 2>&1 |
	grep -o 'SD[0-9]\{6\}-[0-9]\{6\}' | head -1)
check_match "the hostile mail is a request" '^SD[0-9]{6}-[0-9]{6}$' "$XSS_MAIL_CODE"

SHOTS="$(dirname "$UNGCUU")/screenshots"
rm -rf "$SHOTS"
mkdir -p "$SHOTS"
BASE="$BASE" UNGCUU="$UNGCUU" DB="$DB" LMTP_PORT="$LMTP_PORT" CHROMIUM="$CHROMIUM" SHOTS="$SHOTS" WORK="$WORK" \
	PW_ADMIN="$(pw_of admin)" PW_AGENT="$(pw_of agent)" PW_UNIT0010="$(pw_of unit0010)" \
	PW_UNIT0110="$(pw_of unit0110)" PW_LOCKME="$PW_LOCKME" XSS_MAIL_CODE="$XSS_MAIL_CODE" \
	timeout 300 node "$SRC/tests/e2e/run.mjs"
rc=$?
[ $rc -eq 0 ] && ok || bad "browser scenarios (exit $rc)"
stop_server
finish
