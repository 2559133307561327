#!/bin/bash
# rt5.sh — the same mail into Request Tracker 5 and into ungcuu, in one run,
# everything on 127.0.0.1:
#   1. installs Debian's RT 5 (request-tracker5, rt5-db-sqlite, rt5-standalone,
#      rt5-clients) if missing, non-interactively, without letting dbconfig-common
#      create a database: the benchmark makes its own;
#   2. sets RT up in a temporary directory (RT_SITE_CONFIG and RT_SITE_CONFIG_DIR
#      point RT at a site config there, so nothing under /etc is changed): a
#      fresh SQLite database (rt-setup-database --action init), the right for
#      Everyone to create tickets in General by mail, outgoing mail (RT's
#      autoreplies) piped to a script that appends it to a file; then serves RT
#      with the packaged Starlet server (rt-server) as www-data;
#   3. each round, generates N plain-text messages of about 10 KB (unique
#      Message-IDs, Vietnamese subjects, 50 senders; ATTACH_EVERY=K makes every
#      K-th one multipart with a 100 KB attachment) and pipes each into
#      `rt-mailgate --queue General --action correspond`, counting the tickets
#      in RT's database afterwards;
#   4. pipes the same files into `ungcuu mailgate --db`, and sends them over
#      LMTP to `ungcuu serve --lmtp` one by one with `ungcuu mailgate --url
#      lmtp://` (each with a database of its own); then Postfix's smtp-source
#      sends LMTP_COUNT messages of 10 KB over SESSIONS parallel LMTP sessions
#      to the same server (the intake target of bench/README.md), and checks
#      that every message was stored;
#   5. prints each round (with the 1-minute load average at the start and at
#      the end of each measure: the machine may be shared), then the medians
#      and their ratios to RT 5;
#   6. stops what it started and removes its temporary directory.  The
#      packages stay installed (RT5_PURGE=1 purges the ones this run installed,
#      dependencies included).
# A few messages (WARMUP) go through each path untimed first: RT compiles its
# Mason templates on first use in each worker.
# JOBS=J runs J pipe deliveries at a time (xargs -P) instead of one by one.
# If RT cannot be installed or run, the ungcuu figures are still measured,
# the reason is printed, and the script exits 1.
# Settings: ROUNDS=3 N=200 WARMUP=5 JOBS=1 ATTACH_EVERY=0 LMTP_COUNT=5000
#           SESSIONS=20 RT_WORKERS=10 RT5_PURGE=0
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
ROUNDS=${ROUNDS:-3}
N=${N:-200}
WARMUP=${WARMUP:-5}
JOBS=${JOBS:-1}
ATTACH_EVERY=${ATTACH_EVERY:-0}
LMTP_COUNT=${LMTP_COUNT:-5000}
SESSIONS=${SESSIONS:-20}
RT_WORKERS=${RT_WORKERS:-10}
RT5_PURGE=${RT5_PURGE:-0}
BUILD=build-release
RT_PKGS="request-tracker5 rt5-db-sqlite rt5-standalone rt5-clients"
RT_SERVER=/usr/share/request-tracker5/libexec/rt-server

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo -n"

now() { date +%s.%N; }
load() { cut -d' ' -f1 /proc/loadavg; }
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { r = n / (b - a); printf(r < 100 ? "%.1f" : "%.0f", r) }'; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
packages() { dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' | awk '$1 == "ii" { print $2 }' | sort; }

# ---- tools and packages -------------------------------------------------------
tools_missing=""
for p in sqlite3 meson:meson ninja:ninja-build curl smtp-source:postfix; do
	tool=${p%%:*} pkg=${p#*:}
	command -v "$tool" >/dev/null || tools_missing="$tools_missing $pkg"
done
rt_missing=""
for p in $RT_PKGS; do
	installed "$p" || rt_missing="$rt_missing $p"
done
rt_error=""
policy_made="" pkgs_new=""
if [ -n "$tools_missing$rt_missing" ]; then
	echo "bench: installing:$tools_missing$rt_missing"
	# no database from dbconfig-common (this script makes its own), SQLite
	# as the type should it be asked for later, no cron jobs, no MTA set-up
	$SUDO debconf-set-selections <<-'EOF'
	request-tracker5 request-tracker5/dbconfig-install boolean false
	request-tracker5 request-tracker5/database-type select sqlite3
	request-tracker5 request-tracker5/install-cronjobs boolean false
	request-tracker5 request-tracker5/handle-siteconfig-permissions boolean true
	request-tracker5 request-tracker5/rtname string bench.example.org
	request-tracker5 request-tracker5/webbaseurl string http://127.0.0.1
	request-tracker5 request-tracker5/correspondaddress string hotro@example.gov.vn
	postfix postfix/main_mailer_type select No configuration
	EOF
	# no service may start during the install
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
		$SUDO chmod 755 /usr/sbin/policy-rc.d
		policy_made=1
	fi
	export DEBIAN_FRONTEND=noninteractive
	pkgs_before=$(packages)
	log=$(mktemp /tmp/ungcuu-bench-rt5-apt-XXXXXX.log)
	# shellcheck disable=SC2086
	$SUDO apt-get update -q >"$log" 2>&1 || { tail -n 20 "$log" >&2; echo "bench: apt-get update failed" >&2; }
	# shellcheck disable=SC2086
	[ -z "$tools_missing" ] || $SUDO apt-get install -y -q --no-install-recommends $tools_missing >>"$log" 2>&1 ||
		tail -n 20 "$log" >&2
	# shellcheck disable=SC2086
	if [ -n "$rt_missing" ] && ! $SUDO apt-get install -y -q --no-install-recommends $rt_missing >"$log" 2>&1; then
		tail -n 20 "$log" >&2
		rt_error="apt-get install$rt_missing failed (see above)"
	fi
	rm -f "$log"
	[ -z "$policy_made" ] || $SUDO rm -f /usr/sbin/policy-rc.d
	# what this run installed, dependencies included (for RT5_PURGE=1)
	pkgs_new=$(comm -13 <(echo "$pkgs_before") <(packages) | tr '\n' ' ')
fi
for tool in sqlite3 meson ninja curl smtp-source; do
	command -v "$tool" >/dev/null || { echo "bench: '$tool' is missing" >&2; exit 1; }
done
if [ -z "$rt_error" ]; then
	for p in $RT_PKGS; do
		installed "$p" || rt_error="package $p is not installed"
	done
	[ -n "$rt_error" ] || [ -x "$RT_SERVER" ] || rt_error="$RT_SERVER is missing"
fi

[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" --buildtype=release -Dtests=disabled >/dev/null
ninja -C "$BUILD" ungcuu >/dev/null
ungcuu="$root/$BUILD/ungcuu"

# ---- work directory and clean-up ------------------------------------------------
work=$(mktemp -d /tmp/ungcuu-bench-rt5-XXXXXX)
chmod 755 "$work"
rt_pid="" ungcuu_pid=""
alive() { # PID: running (a zombie is not)
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) && [ "${st#Z}" = "$st" ]
}
stop_pid() { # PID: TERM, then KILL after 15 s, children included
	local pid=$1 kids i
	alive "$pid" || return 0
	kids=$(ps -o pid= --ppid "$pid" 2>/dev/null || true)
	kill -TERM "$pid" 2>/dev/null || $SUDO kill -TERM "$pid" 2>/dev/null || true
	for i in $(seq 1 150); do
		alive "$pid" || break
		sleep 0.1
	done
	if alive "$pid"; then
		# shellcheck disable=SC2086
		$SUDO kill -KILL "$pid" $kids 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}
cleanup() {
	[ -z "$rt_pid" ] || stop_pid "$rt_pid"
	[ -z "$ungcuu_pid" ] || stop_pid "$ungcuu_pid"
	$SUDO rm -rf "$work"
	if [ "$RT5_PURGE" = 1 ] && [ -n "$pkgs_new" ]; then
		echo "bench: purging the $(wc -w <<<"$pkgs_new") packages this run installed"
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get purge -y -q $pkgs_new >/dev/null 2>&1 ||
			echo "bench: apt-get purge failed" >&2
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the messages ---------------------------------------------------------------
subjects=(
	"Lỗi đăng nhập cổng dịch vụ công"
	"Không nhận được mã OTP khi nộp hồ sơ"
	"Yêu cầu cấp lại mật khẩu tài khoản"
	"Hồ sơ trực tuyến bị treo ở bước thanh toán"
	"Đề nghị hỗ trợ cập nhật thông tin doanh nghiệp"
	"Trang tra cứu tiến độ hồ sơ không hiển thị"
	"Máy chủ thư điện tử của sở không gửi được thư"
	"Xin hướng dẫn ký số văn bản điện tử"
)
encoded=()
for s in "${subjects[@]}"; do
	encoded+=("=?UTF-8?B?$(printf '%s' "$s" | base64 -w0)?=")
done
body="$work/body.txt"
printf 'Kính gửi bộ phận hỗ trợ,\n\n' >"$body"
while [ "$(stat -c %s "$body")" -lt 9700 ]; do
	printf '%s%s\n' 'Tôi đã thử đăng nhập nhiều lần vào hệ thống nhưng trang báo lỗi phiên làm việc hết hạn; ' \
		'xin vui lòng kiểm tra và phản hồi sớm giúp tôi.' >>"$body"
done
printf '\nTrân trọng cảm ơn.\n' >>"$body"
date_hdr=$(LC_ALL=C date -R)
stamp=$(date +%s)
# message FILE ROUND I — writes message I of a round (round 0: the warm-up)
message() {
	local file=$1 r=$2 i=$3 s=$(($3 % ${#encoded[@]})) from=$(($3 % 50))
	{
		printf 'From: Nguoi dan %s <nguoidan%s@example.vn>\n' "$from" "$from"
		printf 'To: Ho tro <hotro@example.gov.vn>\n'
		printf 'Subject: %s #%s-%s\n' "${encoded[$s]}" "$r" "$i"
		printf 'Date: %s\n' "$date_hdr"
		printf 'Message-ID: <bench.%s.%s.%s@example.vn>\n' "$r" "$i" "$stamp"
		printf 'MIME-Version: 1.0\n'
		if [ "$ATTACH_EVERY" -gt 0 ] && [ "$r" -gt 0 ] && [ $((i % ATTACH_EVERY)) -eq 0 ]; then
			printf 'Content-Type: multipart/mixed; boundary="b-%s"\n\n' "$i"
			printf -- '--b-%s\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n' "$i"
			printf 'Yêu cầu số %s-%s.\n' "$r" "$i"
			cat "$body"
			printf -- '\n--b-%s\nContent-Type: image/png; name="anh-chup-man-hinh.png"\n' "$i"
			printf 'Content-Disposition: attachment; filename="anh-chup-man-hinh.png"\n'
			printf 'Content-Transfer-Encoding: base64\n\n'
			head -c 76800 /dev/urandom | base64 -w 76
			printf -- '--b-%s--\n' "$i"
		else
			printf 'Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n'
			printf 'Yêu cầu số %s-%s.\n' "$r" "$i"
			cat "$body"
		fi
	} >"$file"
}
# generate ROUND COUNT — the messages of a round in $work/msg, listed in $work/msgs
generate() {
	local i
	rm -rf "$work/msg"
	mkdir "$work/msg"
	for i in $(seq 1 "$2"); do
		message "$(printf '%s/msg/%06d.eml' "$work" "$i")" "$1" "$i"
	done
	printf '%s\n' "$work"/msg/*.eml >"$work/msgs"
}

# deliver CMD... — CMD < FILE for each FILE listed in $work/msgs, JOBS at a
# time; prints the number of failed deliveries
deliver() {
	local f failed=0
	if [ "$JOBS" -le 1 ]; then
		while read -r f; do
			"$@" <"$f" >/dev/null 2>>"$work/deliver.err" || failed=$((failed + 1))
		done <"$work/msgs"
	else
		# shellcheck disable=SC2016
		xargs -a "$work/msgs" -P "$JOBS" -I{} sh -c '"$@" <"$0" >/dev/null || echo x' {} "$@" \
			2>>"$work/deliver.err" >"$work/failed" || true
		failed=$(wc -l <"$work/failed")
	fi
	echo "$failed"
}

# measure COUNTER CMD... — times `deliver CMD...` of the N messages; COUNTER
# prints how many are stored.  Sets m_rate (msg/s), m_load, or m_err.
measure() {
	local counter=$1 before after t0 t1 l0 failed
	shift
	before=$($counter)
	l0=$(load)
	t0=$(now)
	failed=$(deliver "$@")
	t1=$(now)
	m_load="load $l0 -> $(load)"
	after=$($counter)
	m_rate="" m_err=""
	if [ "$failed" -ne 0 ] || [ $((after - before)) -ne "$N" ]; then
		m_err="$N messages, $failed failed deliveries, $((after - before)) stored"
	else
		m_rate=$(rate "$N" "$t0" "$t1")
	fi
}

# ---- RT 5: set up and start -----------------------------------------------------------
rt="$work/rt"
rt_fail() { rt_error=$1; echo "bench: RT 5: $1" >&2; }
rt_tickets() { sqlite3 "$rt/db/rtdb" "SELECT count(*) FROM Tickets"; }
start_rt() {
	local port i
	mkdir -p "$rt/db" "$rt/etc"
	$SUDO chown www-data "$rt/db"
	port=$(perl -MIO::Socket::INET -e \
		'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1:0")->sockport')
	# outgoing mail (autoreplies): handed to a program, as to sendmail, and kept
	cat >"$rt/sendmail" <<-EOF
	#!/bin/sh
	cat >>"$rt/db/outgoing.mbox"
	EOF
	cat >"$rt/RT_SiteConfig.pm" <<-EOF
	Set(\$rtname, 'bench.example.org');
	Set(\$Organization, 'bench.example.org');
	Set(\$CorrespondAddress, 'hotro@example.gov.vn');
	Set(\$CommentAddress, 'hotro-comment@example.gov.vn');
	Set(\$RTAddressRegexp, '^hotro(-comment)?@example\.gov\.vn\$');
	Set(\$WebDomain, '127.0.0.1');
	Set(\$WebPort, $port);
	Set(\$WebPath, '');
	Set(\$WebBaseURL, 'http://127.0.0.1:$port');
	Set(\$DatabaseType, 'SQLite');
	Set(\$DatabaseName, '$rt/db/rtdb');
	Set(\$LogToSyslog, undef);
	Set(\$LogToFile, undef);
	Set(\$LogToSTDERR, 'warning');
	Set(\$MailCommand, 'sendmailpipe');
	Set(\$SendmailPath, '$rt/sendmail');
	Set(\$Timezone, 'UTC');
	1;
	EOF
	cat >"$rt/acl.pm" <<-'EOF'
	@ACL = map {
	    { GroupDomain => 'SystemInternal', GroupType => 'Everyone', Queue => 'General', Right => $_ }
	} qw(CreateTicket ReplyToTicket CommentOnTicket);
	1;
	EOF
	chmod 755 "$rt/sendmail"
	chmod 644 "$rt/RT_SiteConfig.pm" "$rt/acl.pm"
	# as_www CMD... — CMD as www-data with this site config
	as_www() {
		$SUDO env RT_SITE_CONFIG="$rt/RT_SiteConfig.pm" RT_SITE_CONFIG_DIR="$rt/etc" \
			setpriv --reuid=www-data --regid=www-data --clear-groups "$@"
	}
	if ! (cd "$rt" && as_www rt-setup-database --action init --skip-create) >"$rt/setup.log" 2>&1 ||
		! (cd "$rt" && as_www rt-setup-database --action insert --datafile "$rt/acl.pm") >>"$rt/setup.log" 2>&1; then
		grep -v '^\[.*\[warning\]' "$rt/setup.log" | tail -n 15 >&2
		rt_fail "rt-setup-database failed (see above)"
		return 0
	fi
	# exec: $rt_pid is the server's own pid (Starlet's master)
	(cd "$rt" && exec $SUDO env RT_SITE_CONFIG="$rt/RT_SiteConfig.pm" RT_SITE_CONFIG_DIR="$rt/etc" \
		setpriv --reuid=www-data --regid=www-data --clear-groups \
		"$RT_SERVER" --host 127.0.0.1 --port "$port" --max-workers "$RT_WORKERS") \
		>"$rt/server.out" 2>"$rt/server.err" &
	rt_pid=$!
	for i in $(seq 1 600); do
		curl -s -o /dev/null -m 5 "http://127.0.0.1:$port/" && break
		alive "$rt_pid" || break
		sleep 0.2
	done
	if ! curl -s -o /dev/null -m 5 "http://127.0.0.1:$port/"; then
		tail -n 15 "$rt/server.err" >&2
		rt_fail "rt-server did not answer on 127.0.0.1:$port within 120 s (see above)"
		return 0
	fi
	to_rt=(rt-mailgate --queue General --action correspond --url "http://127.0.0.1:$port/" --timeout 60)
	echo "RT 5: rt-server (Starlet, $RT_WORKERS workers) on 127.0.0.1:$port"
}
if [ -z "$rt_error" ]; then
	start_rt
else
	echo "bench: RT 5: $rt_error" >&2
fi

# ---- ungcuu: databases and the LMTP server ----------------------------------------------
stored() { sqlite3 "$1" "SELECT count(*) FROM messages"; }
mkdir "$work/pipe" "$work/lmtp"
pdb="$work/pipe/u.db"
ldb="$work/lmtp/u.db"
pipe_stored() { stored "$pdb"; }
lmtp_stored() { stored "$ldb"; }
"$ungcuu" init --db "$pdb" >/dev/null
"$ungcuu" init --db "$ldb" >/dev/null
"$ungcuu" serve --db "$ldb" --listen 127.0.0.1:0 --lmtp 127.0.0.1:0 >"$work/lmtp/out" 2>"$work/lmtp/err" &
ungcuu_pid=$!
port=""
for _ in $(seq 1 100); do
	port=$(sed -n 's|^ungcuu: lmtp on .*:\([0-9]*\)$|\1|p' "$work/lmtp/out")
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || { cat "$work/lmtp/err" >&2; exit 1; }
to_pipe=("$ungcuu" mailgate --db "$pdb")
to_lmtp=("$ungcuu" mailgate --url "lmtp://127.0.0.1:$port")

# ---- warm-up, then the rounds ---------------------------------------------------------------
if [ "$WARMUP" -gt 0 ]; then
	generate 0 "$WARMUP"
	[ -n "$rt_error" ] || deliver "${to_rt[@]}" >/dev/null
	deliver "${to_pipe[@]}" >/dev/null
	deliver "${to_lmtp[@]}" >/dev/null
fi
declare -a RR PR LR SR
for r in $(seq 1 "$ROUNDS"); do
	generate "$r" "$N"
	[ "$r" -gt 1 ] || mean_size=$(cat "$work"/msg/*.eml | wc -c | awk -v n="$N" '{ printf "%.0f", $1 / n }')
	echo "round $r:"
	if [ -z "$rt_error" ]; then
		measure rt_tickets "${to_rt[@]}"
		if [ -n "$m_err" ]; then
			grep -v '\[warning\]' "$rt/server.err" | tail -n 10 >&2
			tail -n 5 "$work/deliver.err" >&2
			rt_fail "round $r: $m_err"
		else
			RR+=("$m_rate")
			printf '  %-46s %8s msg/s  (%s)\n' "RT 5 rt-mailgate" "$m_rate" "$m_load"
		fi
	fi
	measure pipe_stored "${to_pipe[@]}"
	[ -z "$m_err" ] || { tail -n 5 "$work/deliver.err" >&2; echo "bench: ungcuu mailgate --db: $m_err" >&2; exit 1; }
	PR+=("$m_rate")
	printf '  %-46s %8s msg/s  (%s)\n' "ungcuu mailgate --db" "$m_rate" "$m_load"
	measure lmtp_stored "${to_lmtp[@]}"
	[ -z "$m_err" ] || { tail -n 5 "$work/deliver.err" >&2; echo "bench: ungcuu mailgate --url: $m_err" >&2; exit 1; }
	LR+=("$m_rate")
	printf '  %-46s %8s msg/s  (%s)\n' "ungcuu mailgate --url lmtp://" "$m_rate" "$m_load"
	before=$(lmtp_stored)
	l0=$(load)
	t0=$(now)
	timeout 600 smtp-source -L -s "$SESSIONS" -m "$LMTP_COUNT" -l 10240 -f bench@example.org \
		-t hotro@example.gov.vn "127.0.0.1:$port" >/dev/null
	t1=$(now)
	l1=$(load)
	after=$(lmtp_stored)
	if [ $((after - before)) -ne "$LMTP_COUNT" ]; then
		echo "bench: smtp-source: $LMTP_COUNT sent, $((after - before)) stored" >&2
		exit 1
	fi
	SR+=("$(rate "$LMTP_COUNT" "$t0" "$t1")")
	printf '  %-46s %8s msg/s  (load %s -> %s)\n' "smtp-source -> ungcuu serve --lmtp" "${SR[-1]}" "$l0" "$l1"
done
if [ -n "$rt_pid" ]; then
	echo "RT 5: $(rt_tickets) tickets in all, database $(du -h "$rt/db/rtdb" | cut -f1)," \
		"$(grep -c '^Message-ID:' "$rt/db/outgoing.mbox" 2>/dev/null || true) autoreplies sent"
	stop_pid "$rt_pid"
	rt_pid=""
fi
stop_pid "$ungcuu_pid"
ungcuu_pid=""

# ---- the table ------------------------------------------------------------------------------
rt_rate=""
[ ${#RR[@]} -eq 0 ] || [ -n "$rt_error" ] || rt_rate=$(printf '%s\n' "${RR[@]}" | median)
pipe_rate=$(printf '%s\n' "${PR[@]}" | median)
lfile_rate=$(printf '%s\n' "${LR[@]}" | median)
src_rate=$(printf '%s\n' "${SR[@]}" | median)
vs_rt() { if [ -n "$rt_rate" ]; then awk -v a="$1" -v b="$rt_rate" 'BEGIN { printf "%.0fx", a / b }'; else echo "-"; fi; }
row() { printf '%-58s %8s %8s\n' "$@"; }
mix="plain text"
[ "$ATTACH_EVERY" -le 0 ] || mix="plain text, every $ATTACH_EVERY-th with a 100 KB attachment"
echo
echo "medians of $ROUNDS rounds; N = $N messages a round, mean $mean_size bytes ($mix);"
echo "pipe paths: $JOBS delivery process(es) at a time; $(nproc) CPUs; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
row "intake path" "msg/s" "vs RT 5"
row "RT 5: rt-mailgate -> rt-server (Starlet), SQLite" "${rt_rate:-failed}" "${rt_rate:+1x}"
row "ungcuu mailgate --db (pipe, same messages)" "$pipe_rate" "$(vs_rt "$pipe_rate")"
row "ungcuu mailgate --url lmtp:// (same messages)" "$lfile_rate" "$(vs_rt "$lfile_rate")"
row "ungcuu serve --lmtp, smtp-source -s $SESSIONS, 10 KB ($LMTP_COUNT)" "$src_rate" "$(vs_rt "$src_rate")"
echo "LMTP (smtp-source) / ungcuu mailgate pipe = $(awk -v a="$src_rate" -v b="$pipe_rate" 'BEGIN { printf "%.1f", a / b }')"
if [ -n "$rt_error" ]; then
	echo "RT 5 not measured: $rt_error"
	exit 1
fi
