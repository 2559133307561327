#!/bin/bash
# pwned.sh — the breached-password index from the shell and over HTTP:
# build from generated corpora in both HIBP layouts, plain, gzip, zstd, LF
# and CRLF (all must give the same index), verify, check, refusal of
# unsorted input and detection of truncated and corrupt indexes; then
# `serve --pwned-index` answering /range/{prefix} as api.pwnedpasswords.com
# does (exact bodies, NTLM mode, padding, ETag and 304, Cache-Control, CORS,
# 400s), the password policy refusing a breached password, and SIGHUP swaps
# of the index under concurrent requests with no failed request.
UNGCUU=$1
. "$(dirname "$0")/lib.sh"
GEN="$(dirname "$UNGCUU")/bench_pwned_gen"
C="$WORK/corpus"
mkdir -p "$C"

# An HIBP client, as written for api.pwnedpasswords.com: SHA-1 the password,
# send the first 5 hex digits, find the other 35 in the answer.
hibp_count() {
	local h prefix suffix
	h=$(printf '%s' "$1" | sha1sum | cut -c1-40 | tr a-f A-F)
	prefix=${h:0:5} suffix=${h:5}
	curl -s "$BASE/range/$prefix" | tr -d '\r' | awk -F: -v s="$suffix" '$1 == s { c = $2 } END { print c + 0 }'
}

# expected FILE PREFIX — the range body: suffixes of PREFIX, CRLF between lines
expected() {
	grep "^$2" "$1" | cut -c6- | tr -d '\r' | awk 'NR > 1 { printf "\r\n" } { printf "%s", $0 }'
}

version_of() { "$UNGCUU" pwned verify "$1" | sed -n 's/.*version \([0-9a-f]*\)$/\1/p'; }

# --- corpora ---------------------------------------------------------------
KNOWN=(--known 'P@ssw0rd:52256' --known 'password:10434004' --known 'Zq9!vX2#kLm7wR:5')
"$GEN" --passwords 1500 "${KNOWN[@]}" --seed 7 --list "$C/sha1.list" "$C/sha1.txt"
"$GEN" --passwords 1500 "${KNOWN[@]}" --seed 7 --crlf "$C/sha1-crlf.txt"
"$GEN" --passwords 1500 "${KNOWN[@]}" --seed 7 --layout prefix "$C/ranges"
"$GEN" --passwords 1500 "${KNOWN[@]}" --seed 7 --kind ntlm "$C/ntlm.txt"
check "corpus holds the known hash" 1 "$(grep -c '^21BD12DC183F740EE76F27B78EB39C8AD972A757:52256$' "$C/sha1.txt")"
check "per-prefix file as the downloader writes it" "2DC183F740EE76F27B78EB39C8AD972A757:52256" \
	"$(tr -d '\r' <"$C/ranges/21BD1.txt" | grep 2DC183F740EE76F27B78EB39C8AD972A757)"
gzip -c "$C/sha1-crlf.txt" >"$C/sha1.txt.gz"
zstd -q -c "$C/sha1.txt" >"$C/sha1.txt.zst"
cp -r "$C/ranges" "$C/ranges.gz"
gzip -r "$C/ranges.gz"
N=$(wc -l <"$C/sha1.txt")

# --- build, verify, check ------------------------------------------------
"$UNGCUU" pwned build "$C/sha1.txt" -o "$WORK/sha1.idx" --quiet >"$WORK/out" 2>"$WORK/err"
check "build exits 0" 0 $?
check_match "build reports the count" "^$WORK/sha1.idx: $N hashes \(sha1, full\)" "$(head -1 "$WORK/out")"
check_match "verify" ": ok: sha1, full, $N hashes" "$("$UNGCUU" pwned verify "$WORK/sha1.idx")"
V=$(version_of "$WORK/sha1.idx")
for input in sha1-crlf.txt sha1.txt.gz sha1.txt.zst ranges ranges.gz; do
	"$UNGCUU" pwned build "$C/$input" -o "$WORK/other.idx" --quiet >/dev/null 2>"$WORK/err"
	check "build from $input" "$V" "$(version_of "$WORK/other.idx")"
done
cat "$C/sha1.txt" | "$UNGCUU" pwned build - -o "$WORK/other.idx" --quiet >/dev/null
check "build from stdin" "$V" "$(version_of "$WORK/other.idx")"
"$UNGCUU" pwned build "$C/ntlm.txt" -o "$WORK/ntlm.idx" --quiet >/dev/null
check_match "NTLM index" ": ok: ntlm, full" "$("$UNGCUU" pwned verify "$WORK/ntlm.idx")"
"$UNGCUU" pwned build "$C/sha1.txt" --compact -o "$WORK/compact.idx" --quiet >/dev/null
check_match "compact index" ": ok: sha1, compact \(32-bit fingerprints\)" "$("$UNGCUU" pwned verify "$WORK/compact.idx")"

check "check passwords" "52256 10434004 0" \
	"$(printf 'P@ssw0rd\npassword\nnot a breached one, 9\n' | "$UNGCUU" pwned check "$WORK/sha1.idx" | paste -sd' ')"
check "check SHA-1 hashes" "52256" \
	"$(echo 21bd12dc183f740ee76f27b78eb39c8ad972a757 | "$UNGCUU" pwned check --sha1 "$WORK/sha1.idx")"
check "check against NTLM" "52256 0" \
	"$(printf 'P@ssw0rd\nnope, not this\n' | "$UNGCUU" pwned check "$WORK/ntlm.idx" | paste -sd' ')"
check "check against compact" "1 0" \
	"$(printf 'P@ssw0rd\nnope, not this\n' | "$UNGCUU" pwned check "$WORK/compact.idx" | paste -sd' ')"
PW=$(sed -n '100p' "$C/sha1.list" | cut -f1) WANT=$(sed -n '100p' "$C/sha1.list" | cut -f2)
check "a random corpus password" "$WANT" "$(printf '%s\n' "$PW" | "$UNGCUU" pwned check "$WORK/sha1.idx")"
echo 21BD12DC183F740EE76F27B78EB39C8AD972A757 | "$UNGCUU" pwned check --ntlm "$WORK/sha1.idx" >/dev/null 2>"$WORK/err"
check "check --ntlm on a SHA-1 index: 64" 64 $?

# refusals: unsorted input (named line), truncated and corrupt indexes
{ sed -n '1,9p' "$C/sha1.txt"; sed -n '11p' "$C/sha1.txt"; sed -n '10p' "$C/sha1.txt"; } >"$C/unsorted.txt"
cp "$WORK/sha1.idx" "$WORK/keep.idx"
"$UNGCUU" pwned build "$C/unsorted.txt" -o "$WORK/keep.idx" >/dev/null 2>"$WORK/err"
check "unsorted input: 65" 65 $?
check_match "names the line" "unsorted.txt:11: not sorted" "$(cat "$WORK/err")"
check "the old index is untouched" "$V" "$(version_of "$WORK/keep.idx")"
check "no temporary file left" "" "$(ls "$WORK" | grep '\.tmp\.')"
head -c 5000000 "$WORK/sha1.idx" >"$WORK/short.idx"
"$UNGCUU" pwned verify "$WORK/short.idx" >/dev/null 2>"$WORK/err"
check "truncated index: 65" 65 $?
check_match "says truncated" "truncated" "$(cat "$WORK/err")"
cp "$WORK/sha1.idx" "$WORK/bad.idx"
SIZE=$(stat -c %s "$WORK/bad.idx")
printf '\x55' | dd of="$WORK/bad.idx" bs=1 seek=$((SIZE - 1000)) conv=notrunc 2>/dev/null
"$UNGCUU" pwned verify "$WORK/bad.idx" >/dev/null 2>"$WORK/err"
check "corrupt index: 65" 65 $?
check_match "says checksum" "checksum" "$(cat "$WORK/err")"

# --- serve /range ----------------------------------------------------------
"$UNGCUU" init --db "$DB" --demo >/dev/null
"$UNGCUU" serve --db "$DB" --listen 127.0.0.1:0 --pwned-index "$WORK/compact.idx" >/dev/null 2>"$WORK/err"
check "serve refuses a compact index" 69 $?
cp "$WORK/sha1.idx" "$WORK/served.idx"
start_server --pwned-index "$WORK/served.idx" --pwned-index "$WORK/ntlm.idx"

curl -s -D "$WORK/h" -o "$WORK/b" "$BASE/range/21BD1"
expected "$C/sha1.txt" 21BD1 >"$WORK/want"
check "range 200" 200 "$(head -1 "$WORK/h" | cut -d' ' -f2)"
check "range body byte for byte" "" "$(cmp "$WORK/b" "$WORK/want" 2>&1)"
check "35-digit suffixes, CRLF, none after the last" "1 0" \
	"$(grep -c $'^2DC183F740EE76F27B78EB39C8AD972A757:52256\r\\?$' "$WORK/b") $(tail -c 1 "$WORK/b" | tr -d -c '\n' | wc -c)"
check_match "text/plain" "^Content-Type: text/plain" "$(grep -i '^content-type' "$WORK/h")"
check_match "Cache-Control public" "^Cache-Control: public, max-age=[0-9]+" "$(grep -i '^cache-control' "$WORK/h" | tr -d '\r')"
check_match "CORS" "^Access-Control-Allow-Origin: \*" "$(grep -i '^access-control-allow-origin' "$WORK/h" | tr -d '\r')"
ETAG=$(grep -i '^etag' "$WORK/h" | cut -d' ' -f2 | tr -d '\r')
check "ETag names the index version" "\"sha1-$V\"" "$ETAG"
check "If-None-Match: 304" 304 "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $ETAG" "$BASE/range/21BD1")"
check "another ETag: 200" 200 "$(curl -s -o /dev/null -w '%{http_code}' -H 'If-None-Match: "sha1-0"' "$BASE/range/21BD1")"
check "lowercase prefix" "" "$(curl -s "$BASE/range/21bd1" | cmp - "$WORK/want" 2>&1)"
for p in 00000 7F3A9 FFFFF ABCDE; do
	expected "$C/sha1.txt" $p >"$WORK/want"
	check "range $p" "" "$(curl -s "$BASE/range/$p" | cmp - "$WORK/want" 2>&1)"
done
check "an HIBP client finds P@ssw0rd" 52256 "$(hibp_count 'P@ssw0rd')"
check "an HIBP client finds a corpus password" "$WANT" "$(hibp_count "$PW")"
check "an HIBP client does not find others" 0 "$(hibp_count 'correct horse battery staple 42')"

# NTLM mode
curl -s "$BASE/range/E19CC?mode=ntlm" -o "$WORK/b"
expected "$C/ntlm.txt" E19CC >"$WORK/want"
check "NTLM range body" "" "$(cmp "$WORK/b" "$WORK/want" 2>&1)"
check "27-digit NTLM suffixes" 1 "$(grep -c $'^F75EE54E06B06A5907AF13CEF42:52256\r\\?$' "$WORK/b")"

# padding
curl -s -D "$WORK/h" -o "$WORK/b" -H 'Add-Padding: true' "$BASE/range/21BD1"
LINES=$(($(tr -cd '\n' <"$WORK/b" | wc -c) + 1))
check "padded to 800..1000 lines" yes "$([ "$LINES" -ge 800 ] && [ "$LINES" -le 1000 ] && echo yes || echo "no: $LINES")"
check "padding keeps the real lines" "" \
	"$(expected "$C/sha1.txt" 21BD1 | tr -d '\r' | sort | comm -23 - <(tr -d '\r' <"$WORK/b" | sort))"
PADS=$(tr -d '\r' <"$WORK/b" | grep -c ':0$')
REAL=$(expected "$C/sha1.txt" 21BD1 | tr -d '\r' | grep -c .)
check "the rest is count 0" "$LINES" "$((PADS + REAL))"
check "padding suffixes are 35 uppercase hex" "$LINES" "$(tr -d '\r' <"$WORK/b" | grep -cE '^[0-9A-F]{35}:[0-9]+$')"
check "padding never repeats a suffix" "$LINES" "$(tr -d '\r' <"$WORK/b" | cut -d: -f1 | sort -u | wc -l)"
check "padded answers are not cached" "no-store" "$(grep -i '^cache-control' "$WORK/h" | cut -d' ' -f2 | tr -d '\r')"
check "nor tagged" "" "$(grep -i '^etag' "$WORK/h")"
check_match "Vary: Add-Padding" "Add-Padding" "$(grep -i '^vary' "$WORK/h")"
L2=$(($(curl -s -H 'Add-Padding: true' "$BASE/range/21BD1" | tr -cd '\n' | wc -c) + 1))
L3=$(($(curl -s -H 'Add-Padding: true' "$BASE/range/21BD1" | tr -cd '\n' | wc -c) + 1))
check "padded sizes vary" yes "$([ "$LINES" != "$L2" ] || [ "$L2" != "$L3" ] && echo yes)"
NL=$(($(curl -s -H 'Add-Padding: true' "$BASE/range/E19CC?mode=ntlm" | tr -d '\r' | grep -cE '^[0-9A-F]{27}:[0-9]+$')))
check "NTLM padding" yes "$([ "$NL" -ge 800 ] && [ "$NL" -le 1000 ] && echo yes)"

# refusals: plain text, not JSON
for bad in 21BD 21BD12 21BDG "21B%201"; do
	curl -s -D "$WORK/h" -o "$WORK/b" "$BASE/range/$bad"
	check "prefix '$bad': 400" 400 "$(head -1 "$WORK/h" | cut -d' ' -f2)"
	check_match "plain text" "^Content-Type: text/plain" "$(grep -i '^content-type' "$WORK/h")"
done
check_match "names the fault" "5 hexadecimal digits, not '21BDG'" "$(curl -s "$BASE/range/21BDG")"
check "unknown mode: 400" 400 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/range/21BD1?mode=md5")"
check "POST: 405" 405 "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$BASE/range/21BD1")"
curl -s -D "$WORK/h" -o /dev/null -X OPTIONS -H 'Origin: https://example.gov.vn' \
	-H 'Access-Control-Request-Headers: add-padding' "$BASE/range/21BD1"
check "CORS preflight" 204 "$(head -1 "$WORK/h" | cut -d' ' -f2)"
check_match "preflight allows Add-Padding" "Add-Padding" "$(grep -i '^access-control-allow-headers' "$WORK/h")"

# the password policy consults the same index
AGENT=$("$UNGCUU" user token agent --db "$DB")
api "$AGENT" POST /api/v1/password/check '{"password":"Zq9!vX2#kLm7wR"}'
check_match "a breached password is refused" "^4" "$STATUS"
check_match "as breached" "breach" "$BODY"
api "$AGENT" POST /api/v1/password/check '{"password":"Tr4m-Hq8!wPz-Lk3vN"}'
check "a fresh strong password passes" 200 "$STATUS"

# --- hot swap under load -----------------------------------------------------
# Two versions of the corpus that differ in P@ssw0rd's count; the served
# file is rebuilt in place (temp + rename) and SIGHUP swaps it in, while
# four clients keep asking for its range.
"$GEN" --passwords 1500 --known 'P@ssw0rd:77777' --known 'password:10434004' \
	--known 'Zq9!vX2#kLm7wR:5' --seed 7 "$C/sha1-b.txt"
# load K: 150 requests on one connection at 50/s; one line per answer, the
# count served for P@ssw0rd, or FAIL
load() {
	local urls=() i
	for i in $(seq 1 150); do urls+=("$BASE/range/21BD1"); done
	curl -s --rate 50/s -w '\n@@%{http_code}\n' "${urls[@]}" | tr -d '\r' | awk '
		/^2DC183F740EE76F27B78EB39C8AD972A757:/ { split($0, f, ":"); c = f[2] }
		/^@@/ { print (substr($0, 3) == "200" && (c == 52256 || c == 77777)) ? c : "FAIL"; c = "" }
	' >"$WORK/load.$1"
}
for k in 1 2 3 4; do load $k & done
LOADERS=$(jobs -p | grep -v "^$SERVER_PID$")
for s in $(seq 1 12); do
	if [ $((s % 2)) = 1 ]; then src="$C/sha1-b.txt"; else src="$C/sha1.txt"; fi
	"$UNGCUU" pwned build "$src" -o "$WORK/served.idx" --quiet --no-verify >/dev/null
	kill -HUP "$SERVER_PID"
	sleep 0.1
done
wait $LOADERS
check "no request failed during the swaps" 0 "$(cat "$WORK"/load.* | grep -c FAIL)"
check "all requests answered" 600 "$(cat "$WORK"/load.* | wc -l)"
check "both versions were served" 2 "$(cat "$WORK"/load.* | sort -u | wc -l)"
check "reloads were logged" 12 "$(grep -c "pwned index '$WORK/served.idx'" "$WORK/serve.err" | awk '{print $1 - 1}')"
kill -HUP "$SERVER_PID"
sleep 0.2
check "the last build is served" 52256 "$(hibp_count 'P@ssw0rd')"
# a broken file at reload keeps the old index (replaced by rename, as always:
# truncating the mapped file in place would pull pages from under the server)
head -c 100000 "$WORK/sha1.idx" >"$WORK/broken.idx"
mv "$WORK/broken.idx" "$WORK/served.idx"
kill -HUP "$SERVER_PID"
sleep 0.2
check "a truncated file at reload is refused" 1 "$(grep -c "served.idx': the index is truncated" "$WORK/serve.err")"
check "the old index keeps serving" 52256 "$(hibp_count 'P@ssw0rd')"

stop_server
finish
