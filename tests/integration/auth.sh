#!/bin/bash
# auth.sh — identity against a real server: first-login password change
# with every policy reason, cookie sessions and CSRF, logins that do not
# tell whether a user exists, brute-force locks per account and per
# address, TOTP enrolment and login (with replay refused and recovery
# codes), admin account management, scoped tokens, the audit API, security
# headers, and the cross-unit matrix.
UNGCUU=$1
. "$(dirname "$0")/lib.sh"

"$UNGCUU" init --db "$DB" --demo >"$WORK/init.out"
pw_of() { sed -n "s/^  $1 *//p" "$WORK/init.out"; }
ADMIN_PW=$(pw_of admin)
AGENT_PW=$(pw_of agent)
U10_PW=$(pw_of unit0010)
U110_PW=$(pw_of unit0110)
check_match "demo passwords printed" '^[A-Za-z2-9#@!%+=?]{16}$' "$U10_PW"
start_server

# session JAR — log in, keep the cookie in $WORK/JAR and the CSRF token in CSRF_JAR
login() {
	local jar=$1 user=$2 pass=$3 extra=${4:-}
	curl -s -c "$WORK/$jar" -D "$WORK/$jar.h" -o "$WORK/body" -w '%{http_code}' -X POST \
		--data-binary "{\"username\":\"$user\",\"password\":\"$pass\"$extra}" \
		"$BASE/api/v1/session" >"$WORK/status"
	STATUS=$(cat "$WORK/status")
	BODY=$(cat "$WORK/body")
	eval "CSRF_$jar=\$(jq -r '.csrf_token // empty' \"\$WORK/body\")"
}
# sapi JAR METHOD PATH [BODY] — a session request with the CSRF header
sapi() {
	local jar=$1 m=$2 p=$3 csrf
	eval "csrf=\${CSRF_$jar:-}"
	if [ $# -gt 3 ]; then
		curl -s -b "$WORK/$jar" -c "$WORK/$jar" -o "$WORK/body" -w '%{http_code}' -X "$m" \
			-H "X-CSRF-Token: $csrf" --data-binary "$4" "$BASE$p" >"$WORK/status"
	else
		curl -s -b "$WORK/$jar" -c "$WORK/$jar" -o "$WORK/body" -w '%{http_code}' -X "$m" \
			-H "X-CSRF-Token: $csrf" "$BASE$p" >"$WORK/status"
	fi
	STATUS=$(cat "$WORK/status")
	BODY=$(cat "$WORK/body")
}

# --- first login: the password must change first ------------------------
login u10 unit0010 "$U10_PW"
check "login 201" 201 "$STATUS"
check "must change at first login" true "$(jget .must_change)"
check_match "session cookie flags" "^Set-Cookie: ungcuu_session=ugc_[^;]+; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200" "$(grep -i '^set-cookie' "$WORK/u10.h" | tr -d '\r')"
sapi u10 GET /api/v1/requests
check "before the change: 403 password_change_required" "403 password_change_required" "$STATUS $(jget .error.code)"
sapi u10 GET /api/v1/me
check "me is allowed before the change" 200 "$STATUS"
sapi u10 POST /api/v1/password "{\"current\":\"$U10_PW\",\"new\":\"binh\"}"
check "weak password refused" "400 weak_password new" "$STATUS $(jget .error.code) $(jget .error.field)"
check "every reason at once" "too_short no_upper no_digit no_special weak" "$(jget '[.error.rules[].rule]|join(" ")')"
check "reasons in Vietnamese" "Mật khẩu phải có ít nhất 8 ký tự" "$(jget '.error.rules[0].message_vi')"
check "reasons in English" "must be at least 8 characters long" "$(jget '.error.rules[0].message_en')"
sapi u10 POST /api/v1/password "{\"current\":\"$U10_PW\",\"new\":\"P@ssw0rd\"}"
check_match "default password refused" "default" "$(jget '[.error.rules[].rule]|join(" ")')"
sapi u10 POST /api/v1/password "{\"current\":\"$U10_PW\",\"new\":\"Binh.tt#Hanoi2026\"}"
check_match "personal words refused" "personal" "$(jget '[.error.rules[].rule]|join(" ")')"
sapi u10 POST /api/v1/password "{\"current\":\"$U10_PW\",\"new\":\"$U10_PW\"}"
check_match "the initial password cannot be kept" "reused" "$(jget '[.error.rules[].rule]|join(" ")')"
sapi u10 POST /api/v1/password "{\"current\":\"wrong\",\"new\":\"Sông Hồng 2026 chảy mãi!\"}"
check "wrong current password" "403 wrong_password" "$STATUS $(jget .error.code)"
curl -s -b "$WORK/u10" -o "$WORK/body" -w '%{http_code}' -X POST --data-binary "{\"current\":\"$U10_PW\",\"new\":\"Sông Hồng 2026 chảy mãi!\"}" "$BASE/api/v1/password" >"$WORK/status"
check "no CSRF header: 403 csrf" "403 csrf" "$(cat "$WORK/status") $(jq -r .error.code "$WORK/body")"
sapi u10 POST /api/v1/password/check '{"password":"Sông Hồng 2026 chảy mãi!"}'
check "live policy check" "200 true" "$STATUS $(jget .ok)"
sapi u10 POST /api/v1/password "{\"current\":\"$U10_PW\",\"new\":\"Sông Hồng 2026 chảy mãi!\"}"
check "password changed" 200 "$STATUS"
sapi u10 GET /api/v1/requests
check "after the change the session works" 200 "$STATUS"
check "unit session sees its unit only" "0010" "$(jget '[.items[].unit]|unique|join(",")')"
login old unit0010 "$U10_PW"
check "the old password no longer works" 401 "$STATUS"
login u10b unit0010 "Sông Hồng 2026 chảy mãi!"
check "the new one does" "201 false" "$STATUS $(jget .must_change)"
check "hash is Argon2id with OWASP parameters" 1 "$(sqlite3 "$DB" "SELECT count(*) FROM users WHERE username='unit0010' AND password_hash LIKE '\$argon2id\$v=19\$m=19456,t=2,p=1\$%'")"

# --- sessions and logout ---------------------------------------------------
sapi u10b GET /api/v1/sessions
check "two live sessions listed" 2 "$(jget '.items|length')"
check "the current one is marked" 1 "$(jget '[.items[]|select(.current)]|length')"
OTHER=$(jget '[.items[]|select(.current|not)][0].id')
sapi u10b DELETE "/api/v1/sessions/$OTHER"
check "revoke another session" 200 "$STATUS"
sapi u10 GET /api/v1/requests
check "the revoked session is gone" 401 "$STATUS"
sapi u10b DELETE "/api/v1/sessions/999999"
check "revoke an unknown session" 404 "$STATUS"
sapi u10b DELETE /api/v1/session
check "logout" 200 "$STATUS"
sapi u10b GET /api/v1/me
check "after logout the cookie is dead" 401 "$STATUS"
curl -s -o /dev/null -w '%{http_code}' -b "ungcuu_session=ugc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" "$BASE/api/v1/me" >"$WORK/status"
check "forged cookie" 401 "$(cat "$WORK/status")"

# --- logins tell nothing ------------------------------------------------------
# the fastest of three tries each: both pay one Argon2id verification
fastest() { for _ in 1 2 3; do curl -s -o "$WORK/$1" -w '%{time_total}\n' -X POST --data-binary "{\"username\":\"$2\",\"password\":\"Wrong#Guess99\"}" "$BASE/api/v1/session"; done | sort -n | head -1; }
t_wrong=$(fastest b1 admin)
t_none=$(fastest b2 nobody)
check "same answer for unknown user and wrong password" "$(cat "$WORK/b1")" "$(cat "$WORK/b2")"
if awk -v a="$t_wrong" -v b="$t_none" 'BEGIN { exit !(b > a / 4 && b < a * 4) }'; then ok; else bad "timing differs: wrong password $t_wrong s, unknown user $t_none s"; fi

# --- brute force: the account locks -------------------------------------------
for i in 1 2 3 4 5; do login x unit0110 "Wrong#Guess$i"; done
check "5th failure still 401" 401 "$STATUS"
login x unit0110 "Wrong#Guess6"
login x unit0110 "$U110_PW"
check "locked: even the right password gets 429" 429 "$STATUS"
check "429 says too_many_attempts" too_many_attempts "$(jget .error.code)"
curl -s -D "$WORK/h" -o /dev/null -X POST --data-binary "{\"username\":\"unit0110\",\"password\":\"$U110_PW\"}" "$BASE/api/v1/session"
check_match "429 has Retry-After" "Retry-After: [0-9]+" "$(cat "$WORK/h")"
login x agent "$AGENT_PW"
check "another account is not locked" 201 "$STATUS"
check "failures are audited" true "$(sqlite3 "$DB" "SELECT count(*) >= 6 FROM audit WHERE action='login.failure'" | sed 's/1/true/')"

# --- TOTP ---------------------------------------------------------------------
login ag agent "$AGENT_PW"
sapi ag POST /api/v1/password "{\"current\":\"$AGENT_PW\",\"new\":\"Trực ban 24/7 ứng cứu!\"}"
check "agent password changed" 200 "$STATUS"
sapi ag POST /api/v1/totp
check "TOTP enrolment starts" 201 "$STATUS"
SECRET=$(jget .secret)
check_match "otpauth URI" "^otpauth://totp/ungcuu:agent\\?secret=$SECRET&issuer=ungcuu" "$(jget .otpauth_uri)"
sapi ag POST /api/v1/totp/confirm '{"code":"000000"}'
check "wrong confirmation code" "400 code" "$STATUS $(jget .error.field)"
sapi ag POST /api/v1/totp/confirm "{\"code\":\"$(oathtool --totp -b "$SECRET")\"}"
check "TOTP confirmed" "200 true 10" "$STATUS $(jget .enabled) $(jget '.recovery_codes|length')"
RECOVERY=$(jget '.recovery_codes[0]')
login t1 agent "Trực ban 24/7 ứng cứu!"
check "password alone is not enough" "401 totp_required" "$STATUS $(jget .error.code)"
NEXT=$(oathtool --totp -b "$SECRET" -N "@$(($(date +%s) + 30))")
login t2 agent "Trực ban 24/7 ứng cứu!" ",\"totp\":\"$NEXT\""
check "password and code" 201 "$STATUS"
login t3 agent "Trực ban 24/7 ứng cứu!" ",\"totp\":\"$NEXT\""
check "the same code again is refused (replay)" 401 "$STATUS"
login t4 agent "Trực ban 24/7 ứng cứu!" ",\"recovery_code\":\"$(echo "$RECOVERY" | tr a-z A-Z)\""
check "a recovery code works" 201 "$STATUS"
login t5 agent "Trực ban 24/7 ứng cứu!" ",\"recovery_code\":\"$RECOVERY\""
check "a recovery code works once" 401 "$STATUS"
check "TOTP secret never in the audit" 0 "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE detail LIKE '%$SECRET%'")"

# --- admin: accounts, tokens, audit ----------------------------------------------
login adm admin "$ADMIN_PW"
sapi adm POST /api/v1/password "{\"current\":\"$ADMIN_PW\",\"new\":\"Canh gác mạng lưới #1 an toàn\"}"
check "admin password changed" 200 "$STATUS"
sapi adm POST /api/v1/users '{"username":"Lan.NT","display_name":"Nguyễn Thị Lan","role":"unit","unit":"0110","email":"lan@example.gov.vn"}'
check "admin creates an account" "201 lan.nt true" "$STATUS $(jget .username) $(jget .must_change)"
LAN_PW=$(jget .initial_password)
check_match "with a one-time initial password" '^.{16}$' "$LAN_PW"
sapi adm POST /api/v1/users '{"username":"lan.nt","display_name":"x","role":"unit","unit":"0110"}'
check "duplicate account" 409 "$STATUS"
sapi adm POST /api/v1/users '{"username":"x1","display_name":"x","role":"unit"}'
check "unit role needs a unit" "400 unit" "$STATUS $(jget .error.field)"
login lan lan.nt "$LAN_PW"
check "the new account logs in, must change" "201 true" "$STATUS $(jget .must_change)"
sapi adm PATCH /api/v1/users/lan.nt '{"status":"disabled"}'
check "disable" "200 disabled" "$STATUS $(jget .status)"
sapi lan GET /api/v1/me
check "a disabled account's session dies" 401 "$STATUS"
sapi adm PATCH /api/v1/users/admin '{"status":"disabled"}'
check "cannot disable oneself" 409 "$STATUS"
sapi adm POST /api/v1/users/lan.nt/reset-password
check "admin reset gives a new one-time password" "200 true" "$STATUS $(jget .must_change)"
sapi ag GET /api/v1/users
check "agents may list accounts" 200 "$STATUS"
# an agent limited to some units
C10=$(sqlite3 "$DB" "SELECT r.code FROM requests r JOIN units u ON u.id=r.unit_id WHERE u.code='0010' LIMIT 1")
sapi adm PATCH /api/v1/users/agent '{"units":["0110"]}'
check "limit an agent to unit 0110" "200 0110" "$STATUS $(jget .units)"
sapi ag GET "/api/v1/requests/$C10"
check "limited agent: another unit's request is 404" 404 "$STATUS"
sapi ag GET "/api/v1/requests?limit=100"
check "limited agent lists only its units" "0110" "$(jget '[.items[].unit]|unique|join(",")')"
sapi ag POST /api/v1/requests '{"unit":"0010","service":"DVC","subject":"x","description":"y","requester":{"name":"n","phone":"0912345678"}}'
check "limited agent cannot create for another unit" 403 "$STATUS"
sapi adm PATCH /api/v1/users/unit0010 '{"units":["0110"]}'
check "only agents take a unit limit" "400 units" "$STATUS $(jget .error.field)"
sapi adm PATCH /api/v1/users/agent '{"units":["9999"]}'
check "unknown unit in a limit" "400 units" "$STATUS $(jget .error.field)"
sapi adm PATCH /api/v1/users/agent '{"units":null}'
sapi ag GET "/api/v1/requests/$C10"
check "limit lifted" 200 "$STATUS"
sapi ag POST /api/v1/users '{"username":"x2","display_name":"x","role":"agent"}'
check "agents may not create accounts" 403 "$STATUS"

sapi adm POST /api/v1/tokens '{"name":"máy chủ giám sát","role":"agent","expires_in_days":30}'
check "token created, narrower role" "201 agent" "$STATUS $(jget .role)"
TOK=$(jget .token)
TOK_ID=$(jget .id)
api "$TOK" GET /api/v1/requests
check "the token works" 200 "$STATUS"
api "$TOK" POST /api/v1/units '{"code":"0999","name":"x"}'
check "the token has the narrower role" 403 "$STATUS"
api "$TOK" POST /api/v1/tokens '{"name":"child"}'
check "tokens cannot make tokens" 403 "$STATUS"
sapi adm POST /api/v1/tokens '{"name":"x","role":"unit"}'
check "no unit role for a user without a unit" 400 "$STATUS"
# tokens confined to a unit
sapi adm POST /api/v1/tokens '{"name":"cổng 0110","role":"unit","unit":"0110"}'
check "a unit token for unit 0110" "201 unit 0110" "$STATUS $(jget .role) $(jget .unit)"
UT=$(jget .token)
api "$UT" GET "/api/v1/requests?limit=100"
check "it sees unit 0110 only" "0110" "$(jget '[.items[].unit]|unique|join(",")')"
C10=$(sqlite3 "$DB" "SELECT r.code FROM requests r JOIN units u ON u.id=r.unit_id WHERE u.code='0010' LIMIT 1")
api "$UT" GET "/api/v1/requests/$C10"
check "and not another unit's request" 404 "$STATUS"
sapi adm POST /api/v1/tokens '{"name":"giám sát 0010","role":"agent","unit":"0010"}'
AT=$(jget .token)
api "$AT" GET "/api/v1/requests?limit=100"
check "an agent token confined to 0010" "0010" "$(jget '[.items[].unit]|unique|join(",")')"
sapi adm POST /api/v1/tokens '{"name":"x","unit":"0010"}'
check "an admin token cannot be confined" "400 unit" "$STATUS $(jget .error.field)"
sapi adm POST /api/v1/tokens '{"name":"x","role":"unit","unit":"9999"}'
check "unknown unit for a token" "400 unit" "$STATUS $(jget .error.field)"
sapi u10b GET /api/v1/me
login u10c unit0010 "Sông Hồng 2026 chảy mãi!"
sapi u10c POST /api/v1/tokens '{"name":"x","role":"admin"}'
check "a token never widens a role" 400 "$STATUS"
sapi u10c POST /api/v1/tokens '{"name":"x","unit":"0110"}'
check "a unit user cannot make a token for another unit" "400 unit" "$STATUS $(jget .error.field)"
sapi adm GET /api/v1/tokens
check "token listed without its secret" "máy chủ giám sát null" "$(jget '[.items[]|select(.name=="máy chủ giám sát")][0]|.name + " " + (.token|tostring)')"
sqlite3 "$DB" "UPDATE api_tokens SET expires_ts = 1 WHERE id = $TOK_ID"
api "$TOK" GET /api/v1/requests
check "an expired token is refused" 401 "$STATUS"
sqlite3 "$DB" "UPDATE api_tokens SET expires_ts = NULL WHERE id = $TOK_ID"
sapi adm DELETE "/api/v1/tokens/$TOK_ID"
check "revoke token" 200 "$STATUS"
api "$TOK" GET /api/v1/requests
check "a revoked token is refused" 401 "$STATUS"

sapi adm GET "/api/v1/audit?limit=500"
check "audit lists logins" true "$(jget '[.items[].action]|index("session.create") != null')"
check "audit lists failures" true "$(jget '[.items[].action]|index("login.failure") != null')"
check "audit lists password changes" true "$(jget '[.items[].action]|index("password.set") != null')"
check "audit lists denials" true "$(jget '[.items[].action]|index("access.denied") != null')"
check "audit lists token creation" true "$(jget '[.items[].action]|index("token.create") != null')"
sapi adm GET "/api/v1/audit?action=login.failure&limit=2"
check "audit filter and page" "2 login.failure" "$(jget '.items|length') $(jget '[.items[].action]|unique|join(",")')"
sapi ag GET /api/v1/audit
check "agents may not read the audit" 403 "$STATUS"
if sqlite3 "$DB" "SELECT detail FROM audit" | grep -q "$TOK"; then bad "token in audit"; else ok; fi

# --- security headers -----------------------------------------------------------
curl -s -D "$WORK/h" -o /dev/null "$BASE/healthz"
for h in "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'" "X-Frame-Options: DENY" \
	"Referrer-Policy: no-referrer" "X-Content-Type-Options: nosniff"; do
	check_match "header $h" "$h" "$(tr -d '\r' <"$WORK/h")"
done

# --- cross-unit matrix: unit0110's session against 0010's request ------------------
stop_server
start_server # unit0110 was locked above; the counters are in memory
CODE=$(sqlite3 "$DB" "SELECT r.code FROM requests r JOIN units u ON u.id=r.unit_id WHERE u.code='0010' LIMIT 1")
login u110 unit0110 "$U110_PW"
sapi u110 POST /api/v1/password "{\"current\":\"$U110_PW\",\"new\":\"Cảng Hải Phòng 1888 vững!\"}"
for ep in "GET /api/v1/requests/$CODE" "PATCH /api/v1/requests/$CODE {\"status\":\"open\"}" \
	"POST /api/v1/requests/$CODE/messages {\"body\":\"x\"}" "POST /api/v1/requests/$CODE/notes {\"body\":\"x\"}"; do
	set -- $ep
	if [ $# -gt 2 ]; then sapi u110 "$1" "$2" "$3"; else sapi u110 "$1" "$2"; fi
	check_match "foreign unit: $1 $2 refused" "^40[34]$" "$STATUS"
done
sapi u110 GET /api/v1/users
check "unit users may not list accounts" 403 "$STATUS"
for ep in "PATCH /api/v1/units/0010 {\"name\":\"x\"}" "POST /api/v1/units {\"code\":\"0999\",\"name\":\"x\"}" \
	"PATCH /api/v1/services/DVC {\"name\":\"x\"}" "PATCH /api/v1/users/unit0010 {\"status\":\"disabled\"}" \
	"POST /api/v1/users/unit0010/reset-password" "GET /api/v1/users/unit0010" "GET /api/v1/audit" \
	"DELETE /api/v1/tokens/1" "DELETE /api/v1/sessions/1"; do
	set -- $ep
	if [ $# -gt 2 ]; then sapi u110 "$1" "$2" "$3"; else sapi u110 "$1" "$2"; fi
	check_match "unit user: $1 $2 refused" "^40[34]$" "$STATUS"
done
check "nothing above changed unit 0010" "Kho bạc Nhà nước Hà Nội" "$(sqlite3 "$DB" "SELECT name FROM units WHERE code='0010'")"
check "nor unit0010's account" active "$(sqlite3 "$DB" "SELECT status FROM users WHERE username='unit0010'")"

# --- the address locks too --------------------------------------------------------
for i in $(seq 1 20); do login x "nobody$i" "Wrong#Guess$i"; done
check "20 failures from one address: still 401" 401 "$STATUS"
login x nobody21 "Wrong#Guess21"
login x agent "Trực ban 24/7 ứng cứu!"
check "then the address is locked for every account" 429 "$STATUS"
stop_server

# --- staff must enrol TOTP when the deployment requires it ---------------------------
start_server --require-totp
login adm2 admin "Canh gác mạng lưới #1 an toàn"
check "admin logs in, told to enrol" "201 true" "$STATUS $(jget .totp_enrollment_required)"
sapi adm2 GET /api/v1/requests
check "nothing else until enrolled" "403 totp_enrollment_required" "$STATUS $(jget .error.code)"
sapi adm2 POST /api/v1/totp
S2=$(jget .secret)
sapi adm2 POST /api/v1/totp/confirm "{\"code\":\"$(oathtool --totp -b "$S2")\"}"
check "enrolment confirmed" 200 "$STATUS"
sapi adm2 GET /api/v1/requests
check "then the session works" 200 "$STATUS"
login u10d unit0010 "Sông Hồng 2026 chảy mãi!"
sapi u10d GET /api/v1/requests
check "unit users are not required to enrol" 200 "$STATUS"
stop_server

"$UNGCUU" audit verify --db "$DB" >/dev/null
check "audit chain intact" 0 $?
finish
