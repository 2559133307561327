#!/bin/bash
# postfix.sh — a real Postfix in front of ungcuu, as deployed: a private
# Postfix instance on loopback relays mail for example.gov.vn to our LMTP
# port.  First a few messages with swaks; then the crash test: COUNT
# messages from Postfix's smtp-source while ungcuu is killed with SIGKILL
# and restarted several times.  When Postfix's queue has drained, every
# message is stored exactly once.
UNGCUU=$1
. "$(dirname "$0")/lib.sh"
COUNT=${COUNT:-5000}
KILLS=${KILLS:-4}

if [ "$(id -u)" != 0 ]; then
	echo "postfix.sh: a private Postfix instance needs root; skipped"
	exit 77 # meson: skipped
fi
for tool in postfix postconf postqueue smtp-source swaks python3; do
	command -v $tool >/dev/null || { echo "missing $tool (scripts/bootstrap installs it)"; exit 1; }
done
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
LMTP_PORT=$(free_port)
SMTP_PORT=$(free_port)

"$UNGCUU" init --db "$DB" --demo >/dev/null
serve() { start_server --lmtp "127.0.0.1:$LMTP_PORT" --mail-from hotro@example.gov.vn --smtp-url "smtp://127.0.0.1:$SMTP_PORT"; }
serve

# --- a private Postfix ---------------------------------------------------------------
PF="$WORK/postfix"
chmod 755 "$WORK" # the Postfix daemons run as postfix and must reach their directories
mkdir -p "$PF/etc" "$PF/spool" "$PF/data"
chown postfix "$PF/data"
cp /etc/postfix/master.cf "$PF/etc/"
cat >"$PF/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $PF/spool
data_directory = $PF/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.test
mydestination =
relay_domains = example.gov.vn
# ours goes to ungcuu over LMTP; the rest (our acknowledgements) is discarded
transport_maps = inline:{ example.gov.vn=lmtp:inet:127.0.0.1:$LMTP_PORT, *=discard: }
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
alias_maps =
alias_database =
local_recipient_maps =
maillog_file = /dev/stdout
# retry fast: the test kills the LMTP server on purpose
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
lmtp_connect_timeout = 2s
message_size_limit = 30000000
smtpd_client_connection_count_limit = 0
EOF
postconf -c "$PF/etc" -M# smtp/inet
postconf -c "$PF/etc" -M "127.0.0.1:$SMTP_PORT/inet=127.0.0.1:$SMTP_PORT inet n - n - - smtpd"
postconf -c "$PF/etc" -F '*/*/chroot = n'
postfix -c "$PF/etc" start-fg >"$WORK/maillog" 2>&1 &
PF_PID=$!
stop_postfix() { postfix -c "$PF/etc" stop >/dev/null 2>&1; wait "$PF_PID" 2>/dev/null; }
trap 'stop_postfix; cleanup' EXIT
for _ in $(seq 1 100); do
	(echo >"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null && break
	sleep 0.1
done
queue_empty() { postqueue -c "$PF/etc" -p 2>/dev/null | grep -q 'Mail queue is empty'; }
drain() { for _ in $(seq 1 "${1:-600}"); do queue_empty && return 0; postqueue -c "$PF/etc" -f >/dev/null 2>&1; sleep 1; done; return 1; }

# --- a few messages through Postfix ------------------------------------------------------
swaks --server "127.0.0.1:$SMTP_PORT" --from binh.tt@hanoi.example.gov.vn --to hotro@example.gov.vn \
	--header 'Subject: =?UTF-8?B?WzAwMTAjRFZDXSBM4buXaSDEkcSDbmcgbmjhuq1w?=' \
	--header 'Message-ID: <pf1@hanoi.example.gov.vn>' --body 'Không đăng nhập được.' >/dev/null 2>&1
check "swaks to Postfix" 0 $?
drain 60
check "Postfix delivered over LMTP" 0 $?
check "stored with its unit" "0010|[0010#DVC] Lỗi đăng nhập" \
	"$(sqlite3 "$DB" "SELECT u.code || '|' || r.subject FROM requests r JOIN units u ON u.id = r.unit_id JOIN messages m ON m.request_id = r.id WHERE m.message_id = 'pf1@hanoi.example.gov.vn'")"
check_match "Postfix logged the LMTP 250" "status=sent \(250 2\.0\.0 SD" "$(grep 'relay=127.0.0.1' "$WORK/maillog" | tail -1)"
# the acknowledgement leaves through the relay (libcurl SMTP into this Postfix)
for _ in $(seq 1 100); do grep -q 'to=<binh.tt@hanoi.example.gov.vn>.*status=sent' "$WORK/maillog" && break; sleep 0.1; done
check_match "acknowledgement sent through the SMTP relay" "to=<binh.tt@hanoi.example.gov.vn>.*status=sent" "$(grep 'to=<binh.tt@hanoi' "$WORK/maillog")"
check_match "from the official mailbox" "from=<hotro@example.gov.vn>" "$(grep 'from=<hotro@example.gov.vn>' "$WORK/maillog" | head -1)"
check "the outbox marks it sent" sent "$(sqlite3 "$DB" "SELECT status FROM outbox WHERE to_addr = 'binh.tt@hanoi.example.gov.vn' ORDER BY id DESC LIMIT 1")"

# --- crash test: COUNT messages while the server is killed KILLS times ---------------------
before=$(sqlite3 "$DB" "SELECT count(*) FROM messages WHERE direction = 'in'")
smtp-source -s 20 -m "$COUNT" -l 10240 -f load@example.org -t hotro@example.gov.vn -S 'tai thu' \
	"127.0.0.1:$SMTP_PORT" >"$WORK/source.log" 2>&1 &
SRC=$!
for k in $(seq 1 "$KILLS"); do
	sleep 2
	kill -9 "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=""
	sleep 1
	serve
done
wait "$SRC"
check "smtp-source handed every message to Postfix" 0 $?
drain 900
check "Postfix's queue drained" 0 $?
after=$(sqlite3 "$DB" "SELECT count(*) FROM messages WHERE direction = 'in'")
check "every message stored exactly once ($COUNT)" "$COUNT" "$((after - before))"
check "no Message-ID twice" "$(sqlite3 "$DB" "SELECT count(*) FROM messages")" \
	"$(sqlite3 "$DB" "SELECT count(DISTINCT message_id) FROM messages")"
check "database intact" ok "$(sqlite3 "$DB" 'PRAGMA integrity_check')"
retried=$(grep -c 'status=deferred' "$WORK/maillog")
if [ "$retried" -gt 0 ]; then ok; else bad "no delivery was interrupted: the kills came too late"; fi
echo "deliveries deferred by the kills and retried: $retried" >&2
stop_server
"$UNGCUU" audit verify --db "$DB" >/dev/null
check "audit chain intact" 0 $?
finish
