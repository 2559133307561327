#!/bin/bash
# sla.sh — service levels against a real server: the "sla" object of a
# request (due times in +07:00, pause while pending), GET /api/v1/sla, the
# escalation sequence driven by `ungcuu sla tick --now` (assignee, then the
# lead on duty, then the department head; each once: internal note, outbox
# mail, audit entry), the server's own escalation worker mailing into a
# Maildir, the duty roster (API and CLI), settings, statistics as JSON and
# CSV, RBAC and hostile input.
UNGCUU=$1
. "$(dirname "$0")/lib.sh"

"$UNGCUU" init --db "$DB" --demo >/dev/null
AGENT=$("$UNGCUU" user token agent --db "$DB")
ADMIN=$("$UNGCUU" user token admin --db "$DB")
U10=$("$UNGCUU" user token unit0010 --db "$DB")
"$UNGCUU" user add lead --role agent --name "Phạm Minh Trưởng" --email truong@example.gov.vn --db "$DB" >/dev/null
"$UNGCUU" user add head --role admin --name "Đỗ Văn Lãnh" --email lanh@example.gov.vn --db "$DB" >/dev/null
MAILDIR="$WORK/maildir"
start_server --maildir "$MAILDIR" --mail-from hotro@example.gov.vn --sla-interval 1

# local time (UTC+7) as the CLI and API read it, N seconds from an epoch
at() { date -u -d "@$(($1 + 7 * 3600))" +%Y-%m-%dT%H:%M:%S; }
epoch() { date -u -d "$(printf '%s' "$1" | sed 's/+07:00$//')" +%s; }  # local ISO -> seconds
epoch7() { echo $(($(epoch "$1") - 7 * 3600)); }

# the demo requests are resolved: only this test's requests run clocks
for c in $("$UNGCUU" request list --db "$DB" | cut -d' ' -f1); do
	api "$AGENT" PATCH "/api/v1/requests/$c" '{"status":"resolved"}'
	check "demo request resolved" "resolved met" "$(jget '[.status, .sla.state]|join(" ")')"
done

# --- the sla object of a request ----------------------------------------
NEW='{"kind":"support","unit":"0010","service":"DVC","subject":"Không in được biên lai","description":"Lỗi khi in.","requester":{"name":"Trần Thị Bình","email":"binh.tt@hanoi.example.gov.vn"},"assignee":"agent"}'
api "$AGENT" POST /api/v1/requests "$NEW"
check "create 201" 201 "$STATUS"
CODE=$(jget .code)
check "policy by kind and priority" "support/normal" "$(jget .sla.policy)"
check "state ok" ok "$(jget .sla.state)"
check "first response is the next target" first_response "$(jget .sla.target)"
check_match "due times in Hà Nội time" '^20[0-9-]+T[0-9:]+\+07:00$' "$(jget .sla.first_response_due)"
check "no next update before a first response" null "$(jget .sla.next_update_due)"
api "$AGENT" POST /api/v1/requests "$NEW"
PAUSE=$(jget .code)
api "$AGENT" POST "/api/v1/requests/$PAUSE/messages" '{"body":"Xin gửi ảnh chụp màn hình lỗi."}'
check "a reply: the next update runs" "next_update null" "$(jget '[.sla.target, (.sla.first_response_due|tostring)]|join(" ")')"
check_match "first response time kept" '\+07:00$' "$(jget .sla.first_response_at)"
api "$AGENT" PATCH "/api/v1/requests/$PAUSE" '{"status":"pending"}'
check "pending pauses" "paused true" "$(jget '[.sla.state, .sla.paused]|join(" ")')"
api "$U10" POST "/api/v1/requests/$PAUSE/messages" '{"body":"Đã gửi ảnh chụp"}'
check "the requester's answer resumes" "ok false" "$(jget '[.sla.state, .sla.paused]|join(" ")')"
api "$U10" GET "/api/v1/requests/$PAUSE"
check "a unit user sees the sla too" support/normal "$(jget .sla.policy)"

# --- escalation sequence with an injected clock ---------------------------
api "$ADMIN" PATCH /api/v1/sla/config '{"head":"head","head_after":3600}'
check "config 200" "200 head 3600" "$STATUS $(jget .head) $(jget .head_after)"
api "$AGENT" GET "/api/v1/requests/$CODE"
DUE=$(jget .sla.first_response_due)
D=$(epoch7 "$DUE")
# the lead on duty around the due time, by the API and the CLI
api "$ADMIN" POST /api/v1/duty "{\"username\":\"lead\",\"role\":\"lead\",\"starts\":\"$(at $((D - 86400)))\",\"ends\":\"$(at $((D + 86400)))\"}"
check "duty create 201" 201 "$STATUS"
SHIFT=$(jget .id)
check_match "shift times in +07:00" '\+07:00$' "$(jget .starts)"
"$UNGCUU" duty add agent primary "$(at $((D - 86400)))" "$(at $((D + 86400)))" --db "$DB" >/dev/null
check "duty add (CLI)" 0 $?
check_match "duty list (CLI)" "lead +lead" "$("$UNGCUU" duty list --from "$(at $((D - 3600)))" --to "$(at $((D + 3600)))" --db "$DB")"
check_match "duty now (CLI)" "lead +Phạm Minh Trưởng" "$("$UNGCUU" duty now --now "$(at "$D")" --db "$DB")"

# 6 minutes before the due: due soon (20 % of 4 h = 48 min): the assignee
OUT=$("$UNGCUU" sla tick --now "$(at $((D - 360)))" --db "$DB")
check_match "due soon: one escalation, mailed" "escalations 1, mailed 1" "$OUT"
check_match "a second tick sends nothing again" "escalations 0" "$("$UNGCUU" sla tick --now "$(at $((D - 300)))" --db "$DB")"
check_match "due soon in the CLI list" "$CODE +due_soon +first_response" "$("$UNGCUU" sla list --now "$(at $((D - 300)))" --db "$DB" 2>/dev/null)"
# breached: the lead on duty
check_match "breached: the lead" "escalations 1, mailed 1" "$("$UNGCUU" sla tick --now "$(at $((D + 60)))" --db "$DB")"
# an hour later (head_after): the department head
check_match "later: the head" "escalations 1, mailed 1" "$("$UNGCUU" sla tick --now "$(at $((D + 3700)))" --db "$DB")"
check_match "and nothing twice" "escalations 0" "$("$UNGCUU" sla tick --now "$(at $((D + 7200)))" --db "$DB")"
api "$ADMIN" GET "/api/v1/outbox?limit=50"
check "escalation mails in the outbox, in order" "hotro@example.gov.vn truong@example.gov.vn lanh@example.gov.vn" \
	"$(jget "[.items[]|select(.kind==\"escalation\" and .code==\"$CODE\")]|sort_by(.id)|map(.to)|join(\" \")")"
api "$ADMIN" GET "/api/v1/audit?action=sla.escalate&limit=50"
check "escalations audited" "assignee lead head" "$(jget "[.items[]|select(.object==\"$CODE\")]|reverse|map(.detail.level)|join(\" \")")"
api "$AGENT" GET "/api/v1/requests/$CODE"
check "escalations are internal notes by system" 3 "$(jget '[.events[]|select(.type=="note" and .actor=="system")]|length')"
check_match "note text in Vietnamese" "VI PHẠM SLA" "$(jget '[.events[]|select(.type=="note")][-1].body')"
api "$U10" GET "/api/v1/requests/$CODE"
check "the unit does not see them" 0 "$(jget '[.events[]|select(.type=="note")]|length')"

# --- the server's own worker, real clock ----------------------------------
api "$ADMIN" PATCH /api/v1/sla/policies/incident/high '{"first_response":2,"business":false}'
check "policy patch 200" 200 "$STATUS"
INC='{"kind":"incident","priority":"high","unit":"0010","subject":"Mã độc mã hóa dữ liệu","description":"Máy trạm bị mã hóa.","requester":{"name":"Trần Thị Bình","email":"binh.tt@hanoi.example.gov.vn"},"assignee":"agent"}'
api "$AGENT" POST /api/v1/requests "$INC"
ICODE=$(jget .code)
check "24/7 two-second policy" "incident/high false" "$(jget '[.sla.policy, .sla.business]|join(" ")')"
for _ in $(seq 1 60); do
	grep -qs "$ICODE" "$MAILDIR"/new/* && break
	sleep 0.2
done
MAIL=$(grep -l "$ICODE" "$MAILDIR"/new/* 2>/dev/null | head -1)
check_match "the worker mailed an escalation" "ungcuu" "$MAIL"
check_match "subject marks it [SLA]" '^Subject: .*\[SLA\] \[' "$(grep -a '^Subject:' "$MAIL" 2>/dev/null)"
check_match "auto-generated, not a reply" "Auto-Submitted: auto-generated" "$(cat "$MAIL" 2>/dev/null)"
check "not threaded into the requester's mail" "" "$(grep -a '^In-Reply-To:' "$MAIL" 2>/dev/null)"
api "$AGENT" GET "/api/v1/sla?state=breached"
check "GET /sla lists the breach" breached "$(jget "[.items[]|select(.code==\"$ICODE\")][0].state")"
check "item shape" "0010 incident high agent first_response" "$(jget "[.items[]|select(.code==\"$ICODE\")][0]|[.unit,.kind,.priority,.assignee,.target]|join(\" \")")"
check_match "counts" '^[0-9]+$' "$(jget .counts.breached)"
api "$AGENT" GET "/api/v1/requests?kind=incident&limit=5"
check "queue items carry the SLA state (console markers)" "breached first_response" \
	"$(jget "[.items[]|select(.code==\"$ICODE\")][0].sla|[.state,.target]|join(\" \")")"
api "$AGENT" GET "/api/v1/sla?state=breached&unit=0110"
check "unit filter" 0 "$(jget "[.items[]|select(.code==\"$ICODE\")]|length")"

# --- duty API -------------------------------------------------------------
api "$AGENT" GET /api/v1/duty/now
check "duty now 200" 200 "$STATUS"
check "head in duty now" head "$(jget .head.username)"
api "$AGENT" GET "/api/v1/duty?from=$(at $((D - 3600)))&to=$(at $((D + 3600)))"
check "duty list" "lead agent" "$(jget '[.items[].username]|join(" ")')"
api "$AGENT" POST /api/v1/duty '{"username":"agent","role":"lead","starts":"2026-12-01T07:00","ends":"2026-12-01T17:00"}'
check "agents cannot change the roster" 403 "$STATUS"
api "$ADMIN" POST /api/v1/duty '{"username":"unit0010","role":"lead","starts":"2026-12-01T07:00","ends":"2026-12-01T17:00"}'
check "a unit user cannot be on duty" "400 username" "$STATUS $(jget .error.field)"
api "$ADMIN" POST /api/v1/duty '{"username":"agent","role":"chief","starts":"2026-12-01T07:00","ends":"2026-12-01T17:00"}'
check "bad role" "400 role" "$STATUS $(jget .error.field)"
api "$ADMIN" POST /api/v1/duty '{"username":"agent","role":"lead","starts":"2026-12-01T17:00","ends":"2026-12-01T07:00"}'
check "ends before starts" "400 ends" "$STATUS $(jget .error.field)"
api "$ADMIN" POST /api/v1/duty '{"username":"agent","role":"lead","starts":"1/12/2026","ends":"2026-12-01T07:00"}'
check "bad time" "400 starts" "$STATUS $(jget .error.field)"
api "$ADMIN" DELETE "/api/v1/duty/$SHIFT"
check "duty delete 200" 200 "$STATUS"
api "$ADMIN" DELETE "/api/v1/duty/$SHIFT"
check "delete twice 404" 404 "$STATUS"
api "$U10" GET /api/v1/duty/now
check "units do not read the roster" 403 "$STATUS"

# --- settings -------------------------------------------------------------
api "$AGENT" GET "/api/v1/sla/config?year=2026"
check "config read" "mon-fri 07:30-11:30,13:00-17:00 16" "$(jget '.hours + " " + (.policies|length|tostring)')"
check_match "Tết 2026 entered" "2026-02-17 holiday" "$(jget '.days[]|.day + " " + .kind')"
api "$AGENT" PATCH /api/v1/sla/config '{"hours":"mon-sat 07:00-17:00"}'
check "agents cannot configure" 403 "$STATUS"
api "$ADMIN" PATCH /api/v1/sla/config '{"hours":"mon-fri 17:00-07:30"}'
check "bad hours refused" "400 hours" "$STATUS $(jget .error.field)"
api "$ADMIN" PATCH /api/v1/sla/config '{"hours":"mon-sat 07:00-17:00","head_after":60,"head":"nobody"}'
check "one bad setting refuses the change" "400 head" "$STATUS $(jget .error.field)"
api "$AGENT" GET /api/v1/sla/config
check "and nothing of it is stored" "mon-fri 07:30-11:30,13:00-17:00 head 3600" "$(jget '"\(.hours) \(.head) \(.head_after)"')"
api "$ADMIN" PATCH /api/v1/sla/config '{"colour":"red"}'
check "unknown field" "400 colour" "$STATUS $(jget .error.field)"
api "$ADMIN" PUT /api/v1/sla/calendar/2027-02-08 '{"kind":"holiday","name":"Tết Nguyên đán"}'
check "enter a lunar holiday" 200 "$STATUS"
api "$ADMIN" PUT /api/v1/sla/calendar/2027-02-30 '{"kind":"holiday","name":"x"}'
check "no such date" "400 day" "$STATUS $(jget .error.field)"
api "$ADMIN" DELETE /api/v1/sla/calendar/2027-02-08
check "remove it" 200 "$STATUS"
api "$ADMIN" PATCH /api/v1/sla/policies/incident/extreme '{"first_response":60}'
check "unknown priority 404" 404 "$STATUS"
api "$ADMIN" PATCH /api/v1/sla/policies/incident/high '{"first_response":-5}'
check "negative target" "400 first_response" "$STATUS $(jget .error.field)"
printf 'day,kind,name\n2027-02-05,holiday,Tết Nguyên đán\n2027-02-20,workday,"Làm bù, thứ Bảy"\n' >"$WORK/cal.csv"
check_match "calendar import (CLI)" "2 dates entered" "$("$UNGCUU" sla import "$WORK/cal.csv" --db "$DB")"
printf '2027-02-31,holiday,x\n' >"$WORK/bad.csv"
"$UNGCUU" sla import "$WORK/bad.csv" --db "$DB" 2>/dev/null
check "bad calendar file refused" 65 $?

# --- statistics -----------------------------------------------------------
TODAY=$(date -u -d "@$(($(date +%s) + 7 * 3600))" +%Y-%m-%d)
api "$AGENT" GET "/api/v1/stats?from=2026-01-01&to=$TODAY"
check "stats 200" 200 "$STATUS"
check "six requests this year" 6 "$(jget '[.by_month[].count]|add')"
check "by unit" 4 "$(jget '[.by_unit[]|select(.key=="0010")][0].count')"
check_match "medians are numbers or null" '^([0-9]+|null)$' "$(jget .first_response.median_s)"
check "compliance keys" "breached in_progress met ratio" "$(jget '.sla_compliance|keys|join(" ")')"
curl -s -D "$WORK/h" -o "$WORK/stats.csv" -H "Authorization: Bearer $AGENT" "$BASE/api/v1/stats?from=2026-01-01&to=$TODAY&format=csv"
check "CSV header" "section,key,name,value" "$(head -1 "$WORK/stats.csv" | tr -d '\r')"
check_match "CSV rows" "^by_unit,0010,Kho bạc Nhà nước Hà Nội,4" "$(tr -d '\r' <"$WORK/stats.csv")"
check_match "CSV content type" "text/csv" "$(grep -i '^content-type' "$WORK/h")"
api "$U10" GET "/api/v1/stats?from=2026-01-01&to=$TODAY"
check "a unit sees its own" "0010" "$(jget '[.by_unit[].key]|join(" ")')"
api "$AGENT" GET "/api/v1/stats?from=2026-13-01"
check "bad from" "400 from" "$STATUS $(jget .error.field)"
api "$AGENT" GET "/api/v1/stats?from=2026-02-01&to=2026-01-01"
check "to before from" "400 to" "$STATUS $(jget .error.field)"
api "$AGENT" GET "/api/v1/stats?format=xml"
check "bad format" "400 format" "$STATUS $(jget .error.field)"
check_match "stats (CLI) CSV" "^section,key,name,value" "$("$UNGCUU" stats --from 2026-01-01 --csv --db "$DB")"
check "stats (CLI) JSON" 6 "$("$UNGCUU" stats --from 2026-01-01 --db "$DB" | jq '[.by_month[].count]|add')"

# --- hostile input and RBAC on the list ----------------------------------
api "$AGENT" GET "/api/v1/sla?state=late"
check "bad state" "400 state" "$STATUS $(jget .error.field)"
api "$AGENT" GET "/api/v1/sla?limit=0"
check "bad limit" "400 limit" "$STATUS $(jget .error.field)"
api "$AGENT" GET "/api/v1/sla?unit=%27%3B--"
check "bad unit" "400 unit" "$STATUS $(jget .error.field)"
api "$U10" GET /api/v1/sla
check "units do not read the SLA list" 403 "$STATUS"
"$UNGCUU" sla tick --now "not-a-time" --db "$DB" 2>/dev/null
check "CLI refuses a bad --now" 64 $?

stop_server
check "audit chain intact" 0 "$("$UNGCUU" audit verify --db "$DB" >/dev/null; echo $?)"
finish
