#!/bin/bash
# cli.sh — the command line: init and migrations, demo data, unit CSV import
# with per-line errors and all-or-nothing, users and tokens, audit verify
# against tampering.
UNGCUU=$1
. "$(dirname "$0")/lib.sh"

# --- init ---------------------------------------------------------------
out=$("$UNGCUU" init --db "$DB" --demo)
check "init exit" 0 $?
check_match "init migrates" "migrated from schema version 0 to" "$out"
check_match "demo loaded" "demo data loaded" "$out"
out=$("$UNGCUU" init --db "$DB" --demo)
check_match "init again is idempotent" "demo data present already" "$out"
check "units after demo" 3 "$("$UNGCUU" unit list --db "$DB" | wc -l)"
UNGCUU_DB="$DB" "$UNGCUU" user list | grep -q '^unit0010 *unit *0010'
check "UNGCUU_DB is honoured" 0 $?

# serving a database that was never initialised is a clear error
"$UNGCUU" serve --db "$WORK/none.db" --listen 127.0.0.1:0 >/dev/null 2>"$WORK/err"
check "serve without database exits 69" 69 $?
check_match "serve says to run init" "ungcuu init" "$(cat "$WORK/err")"

# a database newer than the binary
cp "$DB" "$WORK/newer.db"
sqlite3 "$WORK/newer.db" "INSERT INTO schema_migrations VALUES (99, 'future', 'x')"
"$UNGCUU" init --db "$WORK/newer.db" >/dev/null 2>"$WORK/err"
check "init on a newer schema fails" 1 $?
check_match "newer schema message" "newer" "$(cat "$WORK/err")"
"$UNGCUU" request list --db "$WORK/newer.db" >/dev/null 2>"$WORK/err"
check "commands refuse a newer schema" 1 $?

# --- unit import --------------------------------------------------------
cat >"$WORK/units.csv" <<'CSV'
code,name,parent,province,contact_name,contact_title,contact_email,contact_phone
0210,Kho bạc Nhà nước Hải Dương,,Hải Dương,Nguyễn Thị Hoa,Đầu mối CNTT,hoa.nt@example.gov.vn,0912000111
0210,,,,Phạm Văn Nam,Cán bộ hỗ trợ,nam.pv@example.gov.vn,
"0210-TP","UBND thành phố Hải Dương, tỉnh Hải Dương",0210,Hải Dương,,,,
CSV
out=$("$UNGCUU" unit import "$WORK/units.csv" --db "$DB")
check "good CSV imports" 0 $?
check_match "import summary" "2 created" "$out"
"$UNGCUU" unit list --db "$DB" | grep -q '^0210-TP *0210 *UBND thành phố Hải Dương, tỉnh Hải Dương'
check "quoted field with comma and parent" 0 $?
check "audit has the import" 2 "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action='unit.create' AND object LIKE '0210%'")"
check "two contacts for 0210" 2 "$(sqlite3 "$DB" "SELECT count(*) FROM unit_contacts c JOIN units u ON u.id=c.unit_id WHERE u.code='0210'")"
# re-import updates, never duplicates
out=$("$UNGCUU" unit import "$WORK/units.csv" --db "$DB")
check_match "re-import updates" "0 created, 2 updated" "$out"
check "still two contacts" 2 "$(sqlite3 "$DB" "SELECT count(*) FROM unit_contacts c JOIN units u ON u.id=c.unit_id WHERE u.code='0210'")"

before=$(sqlite3 "$DB" "SELECT count(*) FROM units")
printf 'code,name,parent,email\n0310,A,,\n' >"$WORK/badhdr.csv"
"$UNGCUU" unit import "$WORK/badhdr.csv" --db "$DB" 2>"$WORK/err"
check "unknown column exits 65" 65 $?
check_match "unknown column named" "badhdr.csv:1: unknown column 'email'" "$(cat "$WORK/err")"

cat >"$WORK/bad.csv" <<'CSV'
code,name,parent,contact_name,contact_email
0310,Kho bạc Nhà nước Quảng Ninh,,,
0320,,0310,,
0330,Kho bạc X,,Lan,lan-at-example
03 40,Kho bạc Y,,,
0350,Kho bạc Z,0350,,
0360,Kho bạc W,,
CSV
"$UNGCUU" unit import "$WORK/bad.csv" --db "$DB" 2>"$WORK/err"
check "bad CSV exits 65" 65 $?
err=$(cat "$WORK/err")
check_match "empty name on line 3" "bad.csv:3: 'name' is empty" "$err"
check_match "bad email on line 4" "bad.csv:4: contact_email 'lan-at-example'" "$err"
check_match "bad code on line 5" "bad.csv:5: code '03 40'" "$err"
check_match "own parent on line 6" "bad.csv:6: unit '0350' cannot be its own parent" "$err"
check_match "field count on line 7" "bad.csv:7: 4 fields, the header has 5" "$err"
check_match "nothing imported said" "nothing imported" "$err"
check "nothing imported" "$before" "$(sqlite3 "$DB" "SELECT count(*) FROM units")"

printf 'code,name,parent\n0410,A,9999\n' >"$WORK/orphan.csv"
"$UNGCUU" unit import "$WORK/orphan.csv" --db "$DB" 2>"$WORK/err"
check "unknown parent exits 65" 65 $?
check_match "unknown parent names the line" "orphan.csv:2: .*unknown parent unit code '9999'" "$(cat "$WORK/err")"
check "orphan not imported" "$before" "$(sqlite3 "$DB" "SELECT count(*) FROM units")"

printf 'code,name\n"0510,unterminated\n' >"$WORK/quote.csv"
"$UNGCUU" unit import "$WORK/quote.csv" --db "$DB" 2>"$WORK/err"
check "broken quoting exits 65" 65 $?
check_match "broken quoting names a line" "quote.csv: line 2" "$(cat "$WORK/err")"
printf 'code,name\n0610,\xff\xfe\n' >"$WORK/utf.csv"
"$UNGCUU" unit import "$WORK/utf.csv" --db "$DB" 2>"$WORK/err"
check "invalid UTF-8 exits 65" 65 $?
"$UNGCUU" unit import "$WORK/missing.csv" --db "$DB" 2>"$WORK/err"
check "missing file exits 1" 1 $?
check_match "missing file named" "cannot open '.*missing.csv'" "$(cat "$WORK/err")"

# --- users and tokens ---------------------------------------------------
"$UNGCUU" user add lan --role unit --unit 0210 --name "Trần Thị Lan" --db "$DB" >/dev/null
check "user add" 0 $?
"$UNGCUU" user add lan --role agent --db "$DB" 2>"$WORK/err"
check "duplicate user fails" 1 $?
check_match "duplicate user message" "exists already" "$(cat "$WORK/err")"
"$UNGCUU" user add ghost --role unit --unit 9999 --db "$DB" 2>"$WORK/err"
check "unknown unit fails" 1 $?
"$UNGCUU" user add ghost --role boss --db "$DB" 2>/dev/null
check "unknown role is a usage error" 64 $?
tok=$("$UNGCUU" user token lan --db "$DB")
check_match "token printed alone" '^ugc_[A-Za-z0-9_-]{43}$' "$tok"
check "token stored as its SHA-256" 1 "$(sqlite3 "$DB" "SELECT count(*) FROM api_tokens WHERE hex(hash) = upper('$(printf %s "$tok" | sha256sum | cut -c1-64)')")"
"$UNGCUU" user token nobody --db "$DB" >/dev/null 2>&1
check "token for unknown user fails" 1 $?
if cat "$DB"* | grep -aq "$tok"; then bad "token found in the database file"; else ok; fi

# --- audit --------------------------------------------------------------
out=$("$UNGCUU" audit verify --db "$DB")
check "audit verify ok" 0 $?
check_match "audit verify says ok" "audit chain ok: [0-9]+ entries" "$out"
sqlite3 "$DB" "UPDATE audit SET detail = '{\"subject\":\"sửa lén\"}' WHERE id = 7"
"$UNGCUU" audit verify --db "$DB" >"$WORK/out" 2>"$WORK/err"
check "altered audit fails" 1 $?
check_match "first altered entry named" "BROKEN at entry 7" "$(cat "$WORK/out")"

# --- help and usage -----------------------------------------------------
"$UNGCUU" --help | grep -q "serve"
check "help lists commands" 0 $?
"$UNGCUU" nosuch 2>/dev/null
check "unknown command exits 64" 64 $?
for c in init serve user unit service request audit; do
	"$UNGCUU" $c --help >/dev/null
	check "$c --help" 0 $?
done

finish
