/*
 * serve.c — `ungcuu serve`: run the HTTP API until SIGINT or SIGTERM.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/totp.h"
#include "cmd/cmd.h"
#include "http/server.h"
#include "mail/intake.h"
#include "mail/lmtp.h"
#include "mail/outbox.h"
#include "pwned/pwned.h"
#include "pwned/pwned_set.h"
#include "vuln/advworker.h"

struct mail_ctx {
	struct store *st;
	const struct intake_config *cfg;
};

/* LMTP hands each message here: one store transaction, then the answer. */
static int lmtp_deliver(void *ctx, const char *sender, const char *const *rcpts, size_t nrcpt,
			const char *data, size_t len, char *reply, size_t reply_size)
{
	struct mail_ctx *m = ctx;

	(void)sender, (void)rcpts, (void)nrcpt;
	return intake_deliver(m->st, m->cfg, data, len, NULL, reply, reply_size);
}

static int parse_num(const char *s, unsigned long min, unsigned long max, const char *name,
		     unsigned long *ret)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '-' || *end || end == s || v < min || v > max) {
		cmd_err("serve: --%s must be a number from %lu to %lu, not '%s'", name, min, max, s);
		return -1;
	}
	*ret = v;
	return 0;
}

/*
 * Open a breached-password index for the server (full density: ranges need
 * the counts) and install it; at a reload, refuse one of another kind.
 */
static int pwned_load(struct pwned_set *set, const char *path, enum pwned_kind expect,
		      enum pwned_kind *ret_kind)
{
	struct pwned_info info;
	struct pwned *p, *other;
	const char *why = NULL;
	int rc;

	if ((rc = pwned_open(path, &p)) < 0) {
		cmd_err("serve: --pwned-index '%s': %s", path, pwned_strerror(rc));
		return rc;
	}
	pwned_get_info(p, &info);
	if (info.density != PWNED_FULL) {
		why = "a compact index cannot answer range queries";
	} else if (expect && info.kind != expect) {
		why = "the file now holds another kind of hashes";
	} else if (!expect && (other = pwned_set_get(set, info.kind))) {
		pwned_close(other);
		why = "two indexes of the same kind";
	}
	if (why) {
		cmd_err("serve: --pwned-index '%s': %s", path, why);
		pwned_close(p);
		return -EINVAL;
	}
	fprintf(stderr, "ungcuu: pwned index '%s': %s, %llu hashes, version %s\n", path,
		pwned_kind_name(info.kind), (unsigned long long)info.hashes, info.version);
	pwned_set_put(set, p);
	if (ret_kind)
		*ret_kind = info.kind;
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' },
		{ "max-body", required_argument, NULL, 'b' },
		{ "max-conns", required_argument, NULL, 'c' },
		{ "access-log", no_argument, NULL, 'a' },
		{ "require-totp", no_argument, NULL, 'T' },
		{ "secure", no_argument, NULL, 'S' },
		{ "session-idle", required_argument, NULL, 'I' },
		{ "session-max", required_argument, NULL, 'M' },
		{ "argon2-mem", required_argument, NULL, 'm' },
		{ "argon2-ops", required_argument, NULL, 'o' },
		{ "password-min", required_argument, NULL, 'p' },
		{ "no-composition", no_argument, NULL, 'C' },
		{ "lmtp", required_argument, NULL, 'L' },
		{ "blob-dir", required_argument, NULL, 'B' },
		{ "mail-from", required_argument, NULL, 'F' },
		{ "mail-name", required_argument, NULL, 'N' },
		{ "verify-url", required_argument, NULL, 'V' },
		{ "public-url", required_argument, NULL, 'W' },
		{ "verify-ip-limit", required_argument, NULL, 1001 },
		{ "verify-code-limit", required_argument, NULL, 1002 },
		{ "submit-ip-limit", required_argument, NULL, 1003 },
		{ "trusted-proxy", required_argument, NULL, 1004 },
		{ "smtp-url", required_argument, NULL, 'U' },
		{ "smtp-user", required_argument, NULL, 'A' },
		{ "maildir", required_argument, NULL, 'D' },
		{ "ack-per-hour", required_argument, NULL, 'R' },
		{ "pwned-index", required_argument, NULL, 'P' },
		{ "web", required_argument, NULL, 2001 },
		{ "sla-interval", required_argument, NULL, 'Z' },
		{ "cache-mb", required_argument, NULL, 'K' },
		{ "advisory-nightly", required_argument, NULL, 3001 },
		{ "advisory-check", required_argument, NULL, 3002 },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct http_options o = HTTP_DEFAULTS;
	struct lmtp_options lo = { NULL, LMTP_LIMITS_DEFAULT, 64, 300, NULL };
	struct intake_config icfg = { .ack_per_hour = 5, .lim = MIME_LIMITS_DEFAULT, .loop_id = "ungcuu" };
	struct outbox_config ocfg = { .from_addr = "hotro@localhost", .from_name = "Đầu mối hỗ trợ",
				      .verify_url = NULL, .loop_id = "ungcuu",
				      .max_attempts = 10 };
	struct lmtp_server *lmtp = NULL;
	struct outbox_worker *worker = NULL;
	struct sla_worker *sla = NULL;
	unsigned sla_interval = 60;
	struct advworker_config acfg = ADVWORKER_DEFAULTS;
	struct advworker *advw = NULL;
	struct mail_ctx mctx;
	const char *blob = NULL;
	char blob_dir[4096], host[256], verify_url[600];
	struct http_server *srv;
	const char *db = NULL, *env = getenv("UNGCUU_LISTEN");
	struct store *st;
	struct pwned_set *pwned = NULL;
	const char *pwned_path[2] = { NULL, NULL };
	enum pwned_kind pwned_kind[2] = { 0, 0 };
	int npwned = 0;
	char errbuf[256];
	unsigned long v;
	sigset_t sigs;
	int c, sig;

	if (env && *env)
		o.listen = env;
	o.web_dir = "web/dist";
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'l': o.listen = optarg; break;
		case 't':
			if (parse_num(optarg, 1, 256, "threads", &v) < 0)
				return EXIT_USAGE;
			o.threads = (unsigned)v;
			break;
		case 'b':
			if (parse_num(optarg, 1024, 64ul << 20, "max-body", &v) < 0)
				return EXIT_USAGE;
			o.max_body = v;
			break;
		case 'c':
			if (parse_num(optarg, 1, 65536, "max-conns", &v) < 0)
				return EXIT_USAGE;
			o.max_conns = (unsigned)v;
			break;
		case 'a': o.access_log = true; break;
		case 'K':
			if (parse_num(optarg, 0, 65536, "cache-mb", &v) < 0)
				return EXIT_USAGE;
			o.cache_bytes = (size_t)v << 20;
			break;
		case 'L': lo.listen = optarg; break;
		case 'B': blob = optarg; break;
		case 2001: o.web_dir = optarg; break;
		case 'F': ocfg.from_addr = optarg; break;
		case 'N': ocfg.from_name = optarg; break;
		case 'V': ocfg.verify_url = optarg; break;
		case 'W':
			if (strncmp(optarg, "http://", 7) && strncmp(optarg, "https://", 8)) {
				cmd_err("serve: --public-url must start with http:// or https://, not '%s'",
					optarg);
				return EXIT_USAGE;
			}
			o.public_url = optarg;
			break;
		case 1004: o.trusted_proxy = optarg; break;
		case 1001:
		case 1002:
		case 1003:
			if (parse_num(optarg, 1, 1000000000, c == 1001 ? "verify-ip-limit" : c == 1002
				      ? "verify-code-limit" : "submit-ip-limit", &v) < 0)
				return EXIT_USAGE;
			if (c == 1001)
				o.verify_ip_limit = (unsigned)v;
			else if (c == 1002)
				o.verify_code_limit = (unsigned)v;
			else
				o.submit_ip_limit = (unsigned)v;
			break;
		case 'U': ocfg.smtp_url = optarg; break;
		case 'A': ocfg.smtp_user = optarg; break;
		case 'D': ocfg.maildir = optarg; break;
		case 'R':
			if (parse_num(optarg, 0, 1000, "ack-per-hour", &v) < 0)
				return EXIT_USAGE;
			icfg.ack_per_hour = (int)v;
			o.ack_per_hour = (int)v ? (int)v : -1;
			break;
		case 'T': o.auth.require_totp = true; break;
		case 'S': o.auth.secure = true; break;
		case 'C': o.auth.policy.require_classes = false; break;
		case 'P':
			if (npwned == 2) {
				cmd_err("serve: at most two --pwned-index (one SHA-1, one NTLM)");
				return EXIT_USAGE;
			}
			pwned_path[npwned++] = optarg;
			break;
		case 'I':
			if (parse_num(optarg, 1, 24 * 60, "session-idle", &v) < 0)
				return EXIT_USAGE;
			o.auth.session_idle = (int64_t)v * 60;
			break;
		case 'M':
			if (parse_num(optarg, 1, 24 * 30, "session-max", &v) < 0)
				return EXIT_USAGE;
			o.auth.session_max = (int64_t)v * 3600;
			break;
		case 'm':
			if (parse_num(optarg, 8, 4096, "argon2-mem", &v) < 0)
				return EXIT_USAGE;
			o.auth.pwhash.memlimit = v << 20;
			break;
		case 'o':
			if (parse_num(optarg, 1, 64, "argon2-ops", &v) < 0)
				return EXIT_USAGE;
			o.auth.pwhash.opslimit = v;
			break;
		case 'p':
			if (parse_num(optarg, 8, 64, "password-min", &v) < 0)
				return EXIT_USAGE;
			o.auth.policy.min_length = v;
			break;
		case 'Z':
			if (parse_num(optarg, 0, 86400, "sla-interval", &v) < 0)
				return EXIT_USAGE;
			sla_interval = (unsigned)v;
			break;
		case 3001: {
			int hh, mm, n = 0;
			if (!strcmp(optarg, "off")) {
				acfg.nightly = -1;
			} else if (sscanf(optarg, "%2d:%2d%n", &hh, &mm, &n) != 2 || optarg[n] ||
				   hh < 0 || hh > 23 || mm < 0 || mm > 59) {
				cmd_err("serve: --advisory-nightly must be HH:MM or off, not '%s'", optarg);
				return EXIT_USAGE;
			} else {
				acfg.nightly = hh * 60 + mm;
			}
			break;
		}
		case 3002:
			if (parse_num(optarg, 0, 86400, "advisory-check", &v) < 0)
				return EXIT_USAGE;
			acfg.period = (unsigned)v;
			break;
		case 'h':
			puts("usage: ungcuu serve [--db PATH] [--listen HOST:PORT] [--threads N]\n"
			     "                    [--max-body BYTES] [--max-conns N] [--access-log]\n"
			     "                    [--require-totp] [--secure] [--session-idle MINUTES]\n"
			     "                    [--session-max HOURS] [--argon2-mem MIB] [--argon2-ops N]\n"
			     "                    [--password-min N] [--no-composition]\n"
			     "                    [--pwned-index FILE]... [--public-url URL] [--web DIR]\n"
			     "                    [--verify-ip-limit N] [--verify-code-limit N]\n"
			     "                    [--submit-ip-limit N] [--sla-interval SECONDS]\n"
			     "                    [--cache-mb N] [--advisory-nightly HH:MM|off]\n"
			     "                    [--advisory-check SECONDS] [--trusted-proxy ADDR]\n\n"
			     "Serve the JSON API (default 127.0.0.1:8080, or $UNGCUU_LISTEN).\n"
			     "Port 0 picks a free port; the URL is printed on stdout.\n"
			     "--require-totp    admin and agent accounts must use two-step verification\n"
			     "--sla-interval    check SLAs and escalate every SECONDS (default 60; 0: never,\n"
			     "                  then run `ungcuu sla tick` from cron)\n"
			     "--secure          behind TLS: Secure cookies and HSTS\n"
			     "--no-composition  drop the lower/upper/digit/special rule (NIST style)\n"
			     "--pwned-index     serve GET /range/{prefix} (HIBP-compatible) and refuse\n"
			     "                  breached passwords from this index (`ungcuu pwned build`);\n"
			     "                  one SHA-1 and one NTLM index at most; SIGHUP reloads them\n"
			     "--public-url      base URL of the public pages, linked from acknowledgements\n"
			     "                  (URL/xac-minh?code=...); default http://LISTEN\n"
			     "--verify-ip-limit, --verify-code-limit\n"
			     "                  public checks per address (30 per 10 minutes) and per\n"
			     "                  request code (10 per hour) before answering 429\n"
			     "--submit-ip-limit public web requests per address (10 per hour)\n"
			     "--trusted-proxy   the reverse proxy's address: its requests count as coming\n"
			     "                  from the last X-Forwarded-For address (limits, audit)\n"
			     "--web DIR         the built web UI served at /app/ and /assets/\n"
			     "                  (default web/dist, relative to the working directory)\n"
			     "--cache-mb        memory for rendered request answers (default 64; 0: none)\n"
			     "--advisory-nightly when to match every asset against every advisory, in\n"
			     "                  Asia/Ho_Chi_Minh time (01:00), or off\n"
			     "--advisory-check  seconds between checks for advisory reminders and\n"
			     "                  escalations (900; 0: none)");
			return 0;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cmd_err("serve: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	/* Block the stop signals before any thread starts, so that every
	 * thread inherits the mask and sigwait() below receives them. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP); /* reload the breached-password indexes */
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (totp_global_init() < 0) {
		cmd_err("serve: cannot initialise liboath");
		return EXIT_UNAVAILABLE;
	}
	if (npwned) {
		if (pwned_set_new(&pwned) < 0) {
			cmd_err("serve: out of memory");
			return EXIT_UNAVAILABLE;
		}
		for (int i = 0; i < npwned; i++)
			if (pwned_load(pwned, pwned_path[i], 0, &pwned_kind[i]) < 0) {
				pwned_set_free(pwned);
				return EXIT_UNAVAILABLE;
			}
		o.pwned = pwned;
	}
	if (mime_global_init() < 0) {
		cmd_err("serve: cannot initialise GMime");
		pwned_set_free(pwned);
		return EXIT_UNAVAILABLE;
	}
	if (!(st = cmd_open(cmd_db(db), 0))) {
		pwned_set_free(pwned);
		return EXIT_UNAVAILABLE;
	}
	cmd_blob_dir(blob, cmd_db(db), blob_dir, sizeof(blob_dir));
	{
		/* the web UI is optional: the API works without it */
		char index[4096];
		snprintf(index, sizeof(index), "%s/index.html", o.web_dir);
		if (access(index, R_OK) != 0)
			fprintf(stderr, "ungcuu: no web UI: '%s' is missing (build it with make, "
					"or give --web DIR)\n", index);
	}
	icfg.blob_dir = blob_dir;
	o.blob_dir = blob_dir;
	icfg.own_addrs = ocfg.from_addr;
	ocfg.smtp_pass = getenv("UNGCUU_SMTP_PASSWORD");
	mctx.st = st;
	mctx.cfg = &icfg;
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	lo.hostname = host;
	if (http_server_start(st, &o, &srv, errbuf, sizeof(errbuf)) < 0) {
		cmd_err("serve: %s", errbuf);
		store_close(st);
		pwned_set_free(pwned);
		return EXIT_UNAVAILABLE;
	}
	if (!lo.listen) {
		/* the default listener: a busy port is a warning, not a failure
		 * (another instance, a test): say --lmtp to insist */
		lo.listen = "127.0.0.1:2424";
		if (lmtp_server_start(&lo, lmtp_deliver, &mctx, &lmtp, errbuf, sizeof(errbuf)) < 0) {
			fprintf(stderr, "ungcuu: no LMTP listener: %s\n", errbuf);
			lmtp = NULL;
		}
	} else if (!strcmp(lo.listen, "off")) {
		lmtp = NULL;
	} else if (lmtp_server_start(&lo, lmtp_deliver, &mctx, &lmtp, errbuf, sizeof(errbuf)) < 0) {
		cmd_err("serve: %s", errbuf);
		http_server_stop(srv);
		store_close(st);
		pwned_set_free(pwned);
		return EXIT_UNAVAILABLE;
	}
	if (!ocfg.verify_url) {
		snprintf(verify_url, sizeof(verify_url), "%s/xac-minh", http_server_public_url(srv));
		ocfg.verify_url = verify_url;
	}
	if ((ocfg.smtp_url || ocfg.maildir) && outbox_worker_start(st, &ocfg, &worker) < 0) {
		cmd_err("serve: cannot start the outbox worker");
		lmtp_server_stop(lmtp);
		http_server_stop(srv);
		store_close(st);
		pwned_set_free(pwned);
		return EXIT_UNAVAILABLE;
	}
	if (sla_interval && sla_worker_start(st, sla_interval, &sla) < 0) {
		cmd_err("serve: cannot start the SLA worker");
		outbox_worker_stop(worker);
		lmtp_server_stop(lmtp);
		http_server_stop(srv);
		store_close(st);
		pwned_set_free(pwned);
		return EXIT_UNAVAILABLE;
	}
	if ((acfg.nightly >= 0 || acfg.period) && advworker_start(st, &acfg, &advw) < 0) {
		cmd_err("serve: cannot start the advisory worker");
		sla_worker_stop(sla);
		outbox_worker_stop(worker);
		lmtp_server_stop(lmtp);
		http_server_stop(srv);
		store_close(st);
		pwned_set_free(pwned);
		return EXIT_UNAVAILABLE;
	}
	{
		/* print the URLs with the ports actually bound */
		const char *colon = strrchr(o.listen, ':');
		printf("ungcuu: listening on http://%.*s:%u\n", (int)(colon - o.listen), o.listen,
		       http_server_port(srv));
		if (lmtp) {
			colon = strrchr(lo.listen, ':');
			printf("ungcuu: lmtp on %.*s:%u\n", (int)(colon - lo.listen), lo.listen,
			       lmtp_server_port(lmtp));
		}
		if (!worker)
			fprintf(stderr, "ungcuu: no --smtp-url or --maildir: outgoing mail waits in the outbox\n");
		fflush(stdout);
	}
	/* SIGHUP: swap in the index files found at the same paths now (an
	 * updated index is built beside and renamed over); requests in
	 * flight finish on the old one.  A file that fails keeps the old. */
	while (sigwait(&sigs, &sig) == 0 && sig == SIGHUP)
		for (int i = 0; i < npwned; i++)
			pwned_load(pwned, pwned_path[i], pwned_kind[i], NULL);
	fprintf(stderr, "ungcuu: %s received, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	lmtp_server_stop(lmtp);
	sla_worker_stop(sla);
	advworker_stop(advw);
	outbox_worker_stop(worker);
	http_server_stop(srv);
	store_close(st);
	pwned_set_free(pwned);
	return 0;
}
