#!/bin/bash
# web.sh — the web UI's files as `ungcuu serve` gives them: /app and /app/*
# answer the app's index.html, /assets/ files come with their content type,
# validators (ETag, Last-Modified, 304) and cache lifetime, HTML carries a
# Content-Security-Policy without inline script, and no path leaves the
# directory (dot segments, encoded dots, hidden files, symlinks, directories).
# Uses a fixture directory, so it needs no Node.js build.  Also the CSV unit
# import the administration page uses (POST /api/v1/units/import).
UNGCUU=$1
. "$(dirname "$0")/lib.sh"

"$UNGCUU" init --db "$DB" --demo >/dev/null
ADMIN=$("$UNGCUU" user token admin --db "$DB")
AGENT=$("$UNGCUU" user token agent --db "$DB")
SITE="$WORK/web/dist"
mkdir -p "$SITE/assets/sub"
printf '<!doctype html><title>app shell</title>\n' >"$SITE/index.html"
printf 'body{color:#000}\n' >"$SITE/assets/site.css"
printf 'console.log(1)\n' >"$SITE/assets/app-AB12CD34.js"
printf '\x89PNG\r\n\x1a\n' >"$SITE/assets/logo.png"
printf 'inner\n' >"$SITE/assets/sub/file.txt"
printf 'data\n' >"$SITE/assets/thing.bin"
printf 'hidden\n' >"$SITE/assets/.hidden"
printf 'TOPSECRET\n' >"$WORK/web/secret.txt"
printf 'TOPSECRET\n' >"$SITE/secret.txt"
ln -s "$WORK/web/secret.txt" "$SITE/assets/link.txt"

# The default --web is web/dist under the working directory.
HERE=$PWD
cd "$WORK" || exit 1
start_server
cd "$HERE" || exit 1

# get PATH [curl args...] — STATUS, BODY, headers in $WORK/h
get() {
	local p=$1
	shift
	rm -f "$WORK/body"
	curl -s --path-as-is -D "$WORK/h" -o "$WORK/body" -w '%{http_code}' "$@" "$BASE$p" >"$WORK/status"
	STATUS=$(cat "$WORK/status")
	BODY=$(cat "$WORK/body" 2>/dev/null)
}
hdr() { grep -i "^$1:" "$WORK/h" | head -1 | cut -d' ' -f2- | tr -d '\r'; }

for p in /app /app/ /app/requests/SD261121-000001 /app/admin/units; do
	get "$p"
	check "$p answers the app shell" "200 <!doctype html><title>app shell</title>" "$STATUS $BODY"
done
check "index.html is HTML" "text/html; charset=utf-8" "$(hdr Content-Type)"
CSP=$(hdr Content-Security-Policy)
check_match "HTML CSP: scripts from this origin" "script-src 'self'" "$CSP"
check_match "HTML CSP: no framing" "frame-ancestors 'none'" "$CSP"
check "HTML CSP: nothing inline" "" "$(printf '%s' "$CSP" | grep -o "unsafe-inline")"
check "security headers kept" "nosniff DENY no-referrer" "$(hdr X-Content-Type-Options) $(hdr X-Frame-Options) $(hdr Referrer-Policy)"
check "the shell is revalidated" "no-cache" "$(hdr Cache-Control)"

get /assets/site.css
check "site.css" "200 text/css; charset=utf-8" "$STATUS $(hdr Content-Type)"
check "site.css revalidated" "no-cache" "$(hdr Cache-Control)"
ETAG=$(hdr ETag)
LM=$(hdr Last-Modified)
check_match "ETag" '^"[0-9a-f]+-[0-9a-f]+"$' "$ETAG"
check_match "Last-Modified" 'GMT$' "$LM"
get /assets/site.css -H "If-None-Match: $ETAG"
check "If-None-Match gives 304" "304" "$STATUS"
check "304 has no body" "" "$BODY"
get /assets/site.css -H "If-None-Match: \"other\", $ETAG"
check "If-None-Match list" "304" "$STATUS"
get /assets/site.css -H "If-Modified-Since: $LM"
check "If-Modified-Since gives 304" "304" "$STATUS"
get /assets/site.css -H 'If-None-Match: "stale"'
check "a stale ETag gets the file" "200" "$STATUS"
get /assets/app-AB12CD34.js
check "hashed script" "200 text/javascript; charset=utf-8" "$STATUS $(hdr Content-Type)"
check "hashed names cached for a year" "public, max-age=31536000, immutable" "$(hdr Cache-Control)"
get /assets/logo.png
check "png" "200 image/png" "$STATUS $(hdr Content-Type)"
get /assets/thing.bin
check "unknown type" "200 application/octet-stream" "$STATUS $(hdr Content-Type)"
get /assets/sub/file.txt
check "a file in a sub-folder" "200 inner" "$STATUS $BODY"
get /assets/site.css -I
check "HEAD" "200" "$STATUS"
get /assets/site.css -X POST -d x
check "POST refused" "405 GET, HEAD" "$STATUS $(hdr Allow)"
get /api/v1/me
check "the API keeps its own CSP" "default-src 'none'; frame-ancestors 'none'" "$(hdr Content-Security-Policy)"

# no way out of the directory
for p in /assets/../secret.txt /assets/../../web/secret.txt /assets/%2e%2e/secret.txt \
	/assets/..%2fsecret.txt /assets/%2E%2E%2Fsecret.txt /assets/sub/../../secret.txt \
	/assets/./site.css /assets/.hidden /assets/link.txt /assets/sub /assets/sub/ /assets/ \
	/assets//site.css '/assets/a%5c..%5csecret.txt' /assets/nope.css /secret.txt; do
	get "$p"
	check "$p is not served" "404" "$STATUS"
	check "$p leaks nothing" "" "$(printf '%s' "$BODY" | grep -o TOPSECRET)"
done
get /app/../secret.txt
check "/app/../ is the app, not a file" "200 <!doctype html><title>app shell</title>" "$STATUS $BODY"

# --- POST /api/v1/units/import: the CLI's CSV format, all or nothing ------------
# csv TOKEN FILE [CONTENT-TYPE]
csv() {
	curl -s -o "$WORK/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $1" \
		-H "Content-Type: ${3:-text/csv}" --data-binary "@$2" "$BASE/api/v1/units/import" >"$WORK/status"
	STATUS=$(cat "$WORK/status")
	BODY=$(cat "$WORK/body")
}
cat >"$WORK/u1.csv" <<'CSV'
code,name,parent,province,contact_name,contact_email
0200,Sở Tài chính Đà Nẵng,,Đà Nẵng,Võ Thị Hoa,hoa.vt@danang.example.gov.vn
0200,,,,Đặng Văn Khoa,khoa.dv@danang.example.gov.vn
0200-HC,"Ủy ban nhân dân quận Hải Châu, Đà Nẵng",0200,Đà Nẵng,,
0010,Kho bạc Nhà nước Hà Nội (cập nhật),,Hà Nội,,
CSV
csv "$ADMIN" "$WORK/u1.csv"
check "import: 200 with counts" "200 3 2 1" "$STATUS $(jget '[.imported,.created,.updated]|join(" ")')"
api "$ADMIN" GET /api/v1/units/0200
check "imported with both contacts" "Sở Tài chính Đà Nẵng 2" "$(jget .name) $(jget '.contacts|length')"
api "$ADMIN" GET /api/v1/units/0200-HC
check "quoted comma kept, parent set" "Ủy ban nhân dân quận Hải Châu, Đà Nẵng 0200" "$(jget .name) $(jget .parent)"
printf 'code,name,parent\n0300,Một,\nBAD CODE,Hai,\n0301,,\n0302,Bốn,9999\n' >"$WORK/u2.csv"
csv "$ADMIN" "$WORK/u2.csv"
check "errors: 400 invalid_csv" "400 invalid_csv body" "$STATUS $(jget .error.code) $(jget .error.field)"
check "every error with its line" "3 4" "$(jget '[.error.errors[].line]|join(" ")')"
api "$ADMIN" GET /api/v1/units/0300
check "nothing imported" 404 "$STATUS"
printf 'code,name,parent\n0300,Một,\n0302,Bốn,9999\n' >"$WORK/u3.csv"
csv "$ADMIN" "$WORK/u3.csv"
check "unknown parent: its line" "400 3" "$STATUS $(jget '.error.errors[0].line')"
check_match "unknown parent: said" "9999" "$(jget '.error.errors[0].message')"
api "$ADMIN" GET /api/v1/units/0300
check "still nothing imported" 404 "$STATUS"
printf 'name\nMột\n' >"$WORK/u4.csv"
csv "$ADMIN" "$WORK/u4.csv"
check_match "header without code" "code.*name" "$STATUS $(jget '.error.errors[0].message')"
printf '' >"$WORK/u5.csv"
csv "$ADMIN" "$WORK/u5.csv"
check "empty file" "400 the file is empty" "$STATUS $(jget '.error.errors[0].message')"
printf 'code,name\n0400,"unterminated\n' >"$WORK/u6.csv"
csv "$ADMIN" "$WORK/u6.csv"
check "broken CSV" "400 invalid_csv" "$STATUS $(jget .error.code)"
csv "$AGENT" "$WORK/u1.csv"
check "agents may not import" 403 "$STATUS"
csv "$ADMIN" "$WORK/u1.csv" application/json
check "JSON is not CSV" 415 "$STATUS"
stop_server

# Without the directory the API still runs; the web paths are 404.
start_server --web "$WORK/nowhere"
get /app/
check "no web dir: 404" "404" "$STATUS"
check_match "no web dir: said at start" "no web UI" "$(cat "$WORK/serve.err")"
get /healthz
check "no web dir: API fine" "200" "$STATUS"
stop_server
finish
