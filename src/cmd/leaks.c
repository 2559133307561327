/*
 * leaks.c — `ungcuu leaks scan|watch|list`: leaked-credential monitoring
 * from the shell.
 *
 * scan: load our accounts (from the database, or a plain list with
 * --accounts) and the watch list into a matcher, read the dumps
 * (src/leaks/leaks_scan), keep each distinct hit once (by a keyed hash of
 * account and password: the password itself is held in memory only until
 * its verdict is known, then wiped), drop the hits recorded before, check
 * the rest against the account's Argon2id hashes (current, then history),
 * and record the findings with their requests, resets and mail in one
 * transaction.  The key of the keyed hash lives in a file beside the
 * database (--key), never in it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth/password.h"
#include "cmd/cmd.h"
#include "leaks/leaks_match.h"
#include "leaks/leaks_notice.h"
#include "leaks/leaks_parse.h"
#include "leaks/leaks_scan.h"

#define HITS_MAX 1000000   /* distinct hits held for one scan */
#define ACCOUNTS_FILE_MAX (1u << 20) /* bytes of one line of --accounts: generous */

static const char usage_text[] =
	"usage: ungcuu leaks scan FILE|DIR... [--db PATH | --accounts FILE] [--system NAME]\n"
	"                         [--source LABEL] [--domain DOMAIN]... [--host HOST[=SYSTEM]]...\n"
	"                         [--key FILE] [--threads N] [--json] [--progress | --quiet]\n"
	"                         [--dry-run]\n"
	"       ungcuu leaks watch add --domain DOMAIN | --host HOST [--system NAME] [--db PATH]\n"
	"       ungcuu leaks watch remove --domain DOMAIN | --host HOST [--db PATH]\n"
	"       ungcuu leaks watch list [--db PATH]\n"
	"       ungcuu leaks list [--unit CODE] [--verdict V] [--source S] [--db PATH]\n\n"
	"scan   match combo lists (email:password, email;password, email|password,\n"
	"       url:user:password; user:password with --system) and stealer logs\n"
	"       (Passwords.txt blocks), plain, gzip or zstd, against our accounts, our\n"
	"       systems' hosts and our watched mail domains.  Each new finding gets a\n"
	"       verdict (valid_now, old_password, different, unknown_mailbox); each\n"
	"       affected unit one leak request and a notice to its contacts; accounts\n"
	"       whose current or former password leaked must change it and lose their\n"
	"       sessions.  Passwords are never stored: a keyed hash (key in --key,\n"
	"       default leaks.key beside the database) and a masked hint.\n"
	"       --accounts FILE matches a plain list (one email or username a line)\n"
	"       without a database: hits are printed, nothing is stored.\n"
	"       --dry-run stores nothing and sends nothing.  --json prints a report.\n"
	"watch  the domains and hosts watched by every scan.";

/* ------------------------------------------------------------------------ */
/* The key of the keyed hash                                                */
/* ------------------------------------------------------------------------ */

/* Read the key file, creating it (mode 0600) with a random key if missing. */
static int load_key(const char *path, unsigned char key[32])
{
	char hex[65 + 2];
	size_t len;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		randombytes_buf(key, 32);
		sodium_bin2hex(hex, 65, key, 32);
		hex[64] = '\n';
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
			cmd_err("leaks: cannot create the key file '%s': %s", path, strerror(errno));
			return -1;
		}
		if (write(fd, hex, 65) != 65 || fsync(fd) < 0 || close(fd) < 0) {
			cmd_err("leaks: cannot write the key file '%s': %s", path, strerror(errno));
			unlink(path);
			return -1;
		}
		sodium_memzero(hex, sizeof(hex));
		return 0;
	}
	if (fd < 0) {
		cmd_err("leaks: cannot read the key file '%s': %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, hex, sizeof(hex) - 1);
	close(fd);
	if (n < 64 || sodium_hex2bin(key, 32, hex, (size_t)n, "\r\n", &len, NULL) != 0 || len != 32) {
		cmd_err("leaks: the key file '%s' does not hold a key (64 hex digits)", path);
		sodium_memzero(hex, sizeof(hex));
		return -1;
	}
	sodium_memzero(hex, sizeof(hex));
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Hits                                                                     */
/* ------------------------------------------------------------------------ */

struct account {
	int64_t id;
	char *username;
};

struct hit {
	unsigned char dedupe[32];
	int64_t user;          /* index into accounts, -1: an unknown mailbox */
	char *account;         /* username, or the leaked address */
	char *system;          /* or NULL */
	char *source;
	char *pass;            /* DB mode, account hits: wiped after the verdict */
	size_t pass_len;
	char hint[LEAKS_HINT_SIZE];
	const char *verdict;
};

/* qsort order of hits: by input name, then by keyed hash (any fixed order) */
static int hit_by_source(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	int c = strcmp(x->source, y->source);

	return c ? c : memcmp(x->dedupe, y->dedupe, sizeof(x->dedupe));
}

struct scan_ctx {
	unsigned char key[32];
	bool db_mode;
	struct account *accounts;
	size_t naccounts, cap_accounts;
	struct hit *hits;
	size_t nhits, cap_hits;
	/* distinct hits by dedupe hash: open addressing over hit indexes + 1 */
	uint32_t *slots;
	size_t mask;
};

static int slots_grow(struct scan_ctx *x)
{
	size_t n = x->slots ? (x->mask + 1) * 2 : 4096;
	uint32_t *s = calloc(n, sizeof(uint32_t));

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < x->nhits; i++) {
		uint64_t h;
		size_t k;
		memcpy(&h, x->hits[i].dedupe, 8);
		for (k = h & (n - 1); s[k]; k = (k + 1) & (n - 1))
			;
		s[k] = (uint32_t)i + 1;
	}
	free(x->slots);
	x->slots = s;
	x->mask = n - 1;
	return 0;
}

static void dedupe_of(const struct scan_ctx *x, const char *kind, const char *who,
		      const char *pass, size_t pass_len, unsigned char out[32])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, x->key, 32, 32);
	crypto_generichash_update(&st, (const unsigned char *)kind, strlen(kind) + 1);
	crypto_generichash_update(&st, (const unsigned char *)who, strlen(who) + 1);
	crypto_generichash_update(&st, (const unsigned char *)pass, pass_len);
	crypto_generichash_final(&st, out, 32);
}

/* Keep one hit unless the same (account, password) was seen in this scan. */
static int keep(struct scan_ctx *x, int64_t user, const char *who, const struct leaks_hit *h)
{
	unsigned char d[32];
	struct hit *e;
	uint64_t v;
	size_t k;
	char idbuf[24];

	if (user >= 0 && x->db_mode)
		snprintf(idbuf, sizeof(idbuf), "%lld", (long long)x->accounts[user].id);
	else
		snprintf(idbuf, sizeof(idbuf), "-");
	dedupe_of(x, user >= 0 ? "account" : "mailbox", x->db_mode && user >= 0 ? idbuf : who,
		  h->pass, h->pass_len, d);
	if (!x->slots || 2 * (x->nhits + 1) > x->mask + 1)
		if (slots_grow(x) < 0)
			return -ENOMEM;
	memcpy(&v, d, 8);
	for (k = v & x->mask; x->slots[k]; k = (k + 1) & x->mask)
		if (!memcmp(x->hits[x->slots[k] - 1].dedupe, d, 32))
			return 0;
	if (x->nhits >= HITS_MAX)
		return -E2BIG;
	if (x->nhits == x->cap_hits) {
		size_t cap = x->cap_hits ? x->cap_hits * 2 : 256;
		struct hit *p = realloc(x->hits, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		x->hits = p;
		x->cap_hits = cap;
	}
	e = &x->hits[x->nhits];
	memset(e, 0, sizeof(*e));
	memcpy(e->dedupe, d, 32);
	e->user = user;
	e->account = strdup(user >= 0 && x->db_mode ? x->accounts[user].username : who);
	e->system = h->system ? strdup(h->system) : NULL;
	e->source = strdup(h->source);
	leaks_hint(h->pass, h->pass_len, e->hint);
	e->verdict = user >= 0 ? (x->db_mode ? NULL : "matched") : "unknown_mailbox";
	if (user >= 0 && x->db_mode) {
		if ((e->pass = malloc(h->pass_len + 1))) {
			memcpy(e->pass, h->pass, h->pass_len);
			e->pass[h->pass_len] = '\0';
			e->pass_len = h->pass_len;
		}
	}
	if (!e->account || !e->source || (h->system && !e->system) ||
	    (user >= 0 && x->db_mode && !e->pass)) {
		free(e->account);
		free(e->system);
		free(e->source);
		free(e->pass);
		return -ENOMEM;
	}
	x->slots[k] = (uint32_t)++x->nhits;
	return 0;
}

static int on_hit(void *arg, const struct leaks_hit *h)
{
	struct scan_ctx *x = arg;
	int rc = 0;

	if (!h->naccounts)
		return keep(x, -1, h->key, h);
	for (size_t i = 0; i < h->naccounts && rc == 0; i++)
		rc = keep(x, x->db_mode ? (int64_t)h->accounts[i] : 0, h->key, h);
	return rc;
}

static void hits_free(struct scan_ctx *x)
{
	for (size_t i = 0; i < x->nhits; i++) {
		struct hit *e = &x->hits[i];
		if (e->pass) {
			sodium_memzero(e->pass, e->pass_len);
			free(e->pass);
		}
		free(e->account);
		free(e->system);
		free(e->source);
	}
	free(x->hits);
	free(x->slots);
	for (size_t i = 0; i < x->naccounts; i++)
		free(x->accounts[i].username);
	free(x->accounts);
	sodium_memzero(x->key, sizeof(x->key));
}

/* ------------------------------------------------------------------------ */
/* Accounts                                                                 */
/* ------------------------------------------------------------------------ */

struct load_ctx {
	struct scan_ctx *x;
	struct leaks_match *m;
	size_t bad;
};

static int add_db_account(void *arg, const struct leak_account *a)
{
	struct load_ctx *l = arg;
	struct scan_ctx *x = l->x;
	uint32_t idx = (uint32_t)x->naccounts;

	if (x->naccounts == x->cap_accounts) {
		size_t cap = x->cap_accounts ? x->cap_accounts * 2 : 1024;
		struct account *p = realloc(x->accounts, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		x->accounts = p;
		x->cap_accounts = cap;
	}
	if (!(x->accounts[idx].username = strdup(a->username)))
		return -ENOMEM;
	x->accounts[idx].id = a->id;
	x->naccounts++;
	if (leaks_match_add_account(l->m, a->username, strlen(a->username), idx) == -ENOMEM)
		return -ENOMEM;
	if (a->email && *a->email &&
	    leaks_match_add_account(l->m, a->email, strlen(a->email), idx) == -ENOMEM)
		return -ENOMEM;
	return 0;
}

/* One name a line; blank lines and lines starting with '#' are ignored. */
static int load_accounts_file(const char *path, struct leaks_match *m, size_t *ret_bad)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0, no = 0;
	ssize_t n;
	int rc = 0;

	if (!f) {
		cmd_err("leaks: cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		const char *s = line;
		size_t len = (size_t)n;
		if (s[len - 1] == '\n')
			len--;
		leaks_line_trim(&s, &len);
		if (!len || *s == '#')
			continue;
		rc = leaks_match_add_account(m, s, len, (uint32_t)no++);
		if (rc == -ENOMEM)
			break;
		if (rc < 0)
			(*ret_bad)++;
		rc = 0;
	}
	if (ferror(f) && !rc)
		rc = -EIO;
	free(line);
	fclose(f);
	if (rc < 0)
		cmd_err("leaks: cannot load '%s': %s", path, strerror(-rc));
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Verdicts                                                                 */
/* ------------------------------------------------------------------------ */

struct judge {
	struct store *st;
	struct scan_ctx *x;
	size_t next;
	pthread_mutex_t lock;
	int rc;
};

/* valid_now, old_password or different: Argon2id against what the account had. */
static int verdict_of(struct store *st, const struct scan_ctx *x, struct hit *e)
{
	json_t *h, *v;
	size_t i;
	int rc;

	if ((rc = store_leak_history(st, x->accounts[e->user].id, &h)) < 0)
		return rc;
	e->verdict = "different";
	if (json_string_value(json_object_get(h, "current")) &&
	    password_verify(json_string_value(json_object_get(h, "current")), e->pass) == 0) {
		e->verdict = "valid_now";
	} else {
		json_array_foreach(json_object_get(h, "old"), i, v)
			if (json_string_value(v) && password_verify(json_string_value(v), e->pass) == 0) {
				e->verdict = "old_password";
				break;
			}
	}
	json_decref(h);
	return 0;
}

static void *judge_main(void *arg)
{
	struct judge *j = arg;

	for (;;) {
		struct hit *e = NULL;
		int rc;

		pthread_mutex_lock(&j->lock);
		while (j->next < j->x->nhits && !e) {
			struct hit *c = &j->x->hits[j->next++];
			if (c->user >= 0 && !c->verdict)
				e = c;
		}
		pthread_mutex_unlock(&j->lock);
		if (!e)
			break;
		rc = verdict_of(j->st, j->x, e);
		sodium_memzero(e->pass, e->pass_len);
		if (rc < 0) {
			pthread_mutex_lock(&j->lock);
			j->rc = rc;
			pthread_mutex_unlock(&j->lock);
		}
	}
	return NULL;
}

/* Verdicts for the account hits, on `threads` threads (Argon2id is the cost). */
static int judge_all(struct store *st, struct scan_ctx *x, unsigned threads)
{
	struct judge j = { st, x, 0, PTHREAD_MUTEX_INITIALIZER, 0 };
	pthread_t tids[64];
	unsigned n = 0;

	if (!threads) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);
		threads = c > 0 ? (unsigned)c : 1;
	}
	if (threads > 64)
		threads = 64;
	for (; n < threads; n++)
		if (pthread_create(&tids[n], NULL, judge_main, &j) != 0)
			break;
	if (!n)
		judge_main(&j);
	for (unsigned i = 0; i < n; i++)
		pthread_join(tids[i], NULL);
	return j.rc;
}

/* ------------------------------------------------------------------------ */
/* Progress                                                                 */
/* ------------------------------------------------------------------------ */

struct progress {
	double start;
	bool tty, shown;
};

/* CPU seconds of the process so far, every thread, user and system. */
static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void show_progress(void *arg, const struct leaks_stats *s, uint64_t total)
{
	struct progress *g = arg;
	double el = now_s() - g->start, rate = el > 0 ? (double)s->bytes / el : 0;
	uint64_t done = s->bytes < total ? s->bytes : total;

	if (total && rate > 0)
		fprintf(stderr, "leaks: %.1f%% of %.2f GB, %.1f M lines/s, %.0f MB/s, ETA %.0f s%s",
			100.0 * (double)done / (double)total, (double)total / 1e9,
			(double)s->lines / 1e6 / el, rate / 1e6, (double)(total - done) / rate,
			g->tty ? "\033[K\r" : "\n");
	else
		fprintf(stderr, "leaks: %.2f GB, %.1f M lines/s, %.0f MB/s%s", (double)s->bytes / 1e9,
			el > 0 ? (double)s->lines / 1e6 / el : 0.0, rate / 1e6, g->tty ? "\033[K\r" : "\n");
	g->shown = true;
}

/* ------------------------------------------------------------------------ */
/* scan                                                                     */
/* ------------------------------------------------------------------------ */

struct scan_opts {
	const char *db, *accounts, *system, *source, *key;
	const char *domains[64], *hosts[64];
	size_t ndomains, nhosts;
	unsigned threads;
	bool json, progress, quiet, dry_run;
};

static int add_host_opt(struct leaks_match *m, const char *arg)
{
	char host[256];
	const char *eq = strchr(arg, '=');

	snprintf(host, sizeof(host), "%.*s", eq ? (int)(eq - arg) : (int)strlen(arg), arg);
	if (leaks_match_add_host(m, host, eq ? eq + 1 : NULL) < 0) {
		cmd_err("leaks: invalid host '%s'", host);
		return -1;
	}
	return 0;
}

static int load_watch(struct store *st, struct leaks_match *m)
{
	json_t *w, *it;
	size_t i;
	int rc = store_leak_watch_list(st, &w);

	if (rc < 0) {
		cmd_store_err("leaks: cannot read the watch list", rc, NULL);
		return -1;
	}
	json_array_foreach(w, i, it) {
		const char *kind = json_string_value(json_object_get(it, "kind"));
		const char *value = json_string_value(json_object_get(it, "value"));
		const char *sys = json_string_value(json_object_get(it, "system"));
		if (!kind || !value)
			continue;
		rc = !strcmp(kind, "domain") ? leaks_match_add_domain(m, value)
					     : leaks_match_add_host(m, value, sys);
		if (rc == -ENOMEM)
			break;
		rc = 0;
	}
	json_decref(w);
	return rc;
}

static json_t *hit_json(const struct hit *e)
{
	return json_pack("{ss ss ss s:s? ss}", "account", e->account, "verdict",
			 e->verdict ? e->verdict : "matched", "hint", e->hint, "system", e->system,
			 "source", e->source);
}

static int do_scan(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "accounts", required_argument, NULL, 'a' },
		{ "system", required_argument, NULL, 's' },
		{ "source", required_argument, NULL, 'S' },
		{ "domain", required_argument, NULL, 'D' },
		{ "host", required_argument, NULL, 'H' },
		{ "key", required_argument, NULL, 'k' },
		{ "threads", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "progress", no_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct scan_opts o = { 0 };
	struct scan_ctx x = { 0 };
	struct load_ctx l = { &x, NULL, 0 };
	struct leaks_scan_opts so = { 0 };
	struct leaks_stats stats;
	struct progress g = { .tty = isatty(STDERR_FILENO) };
	struct leak_outcome out = { 0 };
	struct store *st = NULL;
	struct leaks_match *m = NULL;
	char errbuf[512], keypath[4096];
	double t0 = now_s(), c0 = cpu_s(), t_loaded, t_scanned, c_loaded, c_scanned;
	size_t counts[4] = { 0 };
	static const char *const verdicts[] = { "valid_now", "old_password", "different",
						"unknown_mailbox" };
	int c, rc, ret = 1;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o.db = optarg; break;
		case 'a': o.accounts = optarg; break;
		case 's': o.system = optarg; break;
		case 'S': o.source = optarg; break;
		case 'k': o.key = optarg; break;
		case 'D':
			if (o.ndomains == 64) {
				cmd_err("leaks scan: at most 64 --domain options");
				return EXIT_USAGE;
			}
			o.domains[o.ndomains++] = optarg;
			break;
		case 'H':
			if (o.nhosts == 64) {
				cmd_err("leaks scan: at most 64 --host options");
				return EXIT_USAGE;
			}
			o.hosts[o.nhosts++] = optarg;
			break;
		case 't': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || end == optarg || v < 1 || v > 64) {
				cmd_err("leaks scan: --threads must be 1 to 64, not '%s'", optarg);
				return EXIT_USAGE;
			}
			o.threads = (unsigned)v;
			break;
		}
		case 'j': o.json = true; break;
		case 'p': o.progress = true; break;
		case 'q': o.quiet = true; break;
		case 'n': o.dry_run = true; break;
		case 'h': puts(usage_text); return 0;
		default: return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cmd_err("leaks scan: no input (files, directories, or - for stdin)");
		return EXIT_USAGE;
	}
	if (o.accounts && o.db) {
		cmd_err("leaks scan: --accounts and --db exclude each other");
		return EXIT_USAGE;
	}
	if (o.system && (!*o.system || strlen(o.system) > 64)) {
		cmd_err("leaks scan: invalid --system '%s'", o.system);
		return EXIT_USAGE;
	}
	if (o.source && (!*o.source || strlen(o.source) > 200)) {
		cmd_err("leaks scan: invalid --source '%s'", o.source);
		return EXIT_USAGE;
	}
	x.db_mode = !o.accounts;
	if (leaks_match_new(1024, &m) < 0) {
		cmd_err("leaks: out of memory");
		return 1;
	}
	l.m = m;
	for (size_t i = 0; i < o.ndomains; i++)
		if (leaks_match_add_domain(m, o.domains[i]) < 0) {
			cmd_err("leaks scan: invalid domain '%s'", o.domains[i]);
			ret = EXIT_USAGE;
			goto out;
		}
	for (size_t i = 0; i < o.nhosts; i++)
		if (add_host_opt(m, o.hosts[i]) < 0) {
			ret = EXIT_USAGE;
			goto out;
		}
	if (x.db_mode) {
		const char *db = cmd_db(o.db), *slash = strrchr(db, '/');
		if (o.key)
			snprintf(keypath, sizeof(keypath), "%s", o.key);
		else if (slash)
			snprintf(keypath, sizeof(keypath), "%.*s/leaks.key", (int)(slash - db), db);
		else
			snprintf(keypath, sizeof(keypath), "leaks.key");
		if (!(st = cmd_open(db, 0)))
			goto out;
		if (load_key(keypath, x.key) < 0)
			goto out;
		if ((rc = store_leak_accounts(st, add_db_account, &l)) < 0) {
			cmd_store_err("leaks: cannot read the accounts", rc, NULL);
			goto out;
		}
		if (load_watch(st, m) < 0)
			goto out;
	} else {
		randombytes_buf(x.key, sizeof(x.key)); /* dedupe within this run only */
		if (load_accounts_file(o.accounts, m, &l.bad) < 0)
			goto out;
	}
	if (leaks_match_seal(m) < 0) {
		cmd_err("leaks: out of memory");
		goto out;
	}
	t_loaded = now_s();
	c_loaded = cpu_s();

	so.threads = o.threads;
	so.system = o.system;
	so.source = o.source;
	so.on_hit = on_hit;
	so.arg = &x;
	if (!o.quiet && (o.progress || g.tty)) {
		so.progress = show_progress;
		so.progress_arg = &g;
		so.every = g.tty ? 0.5 : 5.0;
	}
	g.start = now_s();
	rc = leaks_scan(m, argv + optind, (size_t)(argc - optind), &so, &stats, errbuf, sizeof(errbuf));
	if (so.progress) {
		show_progress(&g, &stats, stats.bytes); /* the last word: 100 % */
		if (g.tty)
			fputc('\n', stderr);
	}
	t_scanned = now_s();
	c_scanned = cpu_s();
	if (rc < 0) {
		cmd_err("leaks scan: %s%s", errbuf,
			rc == -E2BIG ? " (more than 1,000,000 distinct hits)" : "");
		ret = rc == -ENOENT || rc == -EBADMSG || rc == -EISDIR ? EXIT_DATAERR : 1;
		goto out;
	}

	if (x.db_mode && x.nhits) {
		/* drop what earlier scans recorded, then judge the rest */
		unsigned char (*d)[32] = malloc(x.nhits * 32);
		bool *known = calloc(x.nhits, sizeof(bool));
		size_t k = 0;
		if (!d || !known) {
			free(d);
			free(known);
			cmd_err("leaks: out of memory");
			goto out;
		}
		for (size_t i = 0; i < x.nhits; i++)
			memcpy(d[i], x.hits[i].dedupe, 32);
		rc = store_leak_known(st, (const unsigned char (*)[32])d, x.nhits, known);
		free(d);
		if (rc < 0) {
			free(known);
			cmd_store_err("leaks: cannot read the findings", rc, NULL);
			goto out;
		}
		for (size_t i = 0; i < x.nhits; i++) {
			struct hit *e = &x.hits[i];
			if (known[i]) {
				if (e->pass)
					sodium_memzero(e->pass, e->pass_len);
				free(e->pass);
				free(e->account);
				free(e->system);
				free(e->source);
				out.known++;
				continue;
			}
			x.hits[k++] = *e;
		}
		x.nhits = k;
		free(known);
		if ((rc = judge_all(st, &x, o.threads)) < 0) {
			cmd_store_err("leaks: cannot read the password history", rc, NULL);
			goto out;
		}
	}
	for (size_t i = 0; i < x.nhits; i++)
		for (int v = 0; v < 4; v++)
			if (x.hits[i].verdict && !strcmp(x.hits[i].verdict, verdicts[v]))
				counts[v]++;

	if (x.db_mode && !o.dry_run && x.nhits) {
		struct leak_finding_in *f = calloc(x.nhits, sizeof(*f));
		struct store_err err = { 0 };
		json_t *scan = json_pack("{sI sI sI sI sI}", "lines", (json_int_t)stats.lines,
					 "skipped", (json_int_t)stats.skipped, "matched",
					 (json_int_t)stats.matched, "bytes", (json_int_t)stats.bytes,
					 "files", (json_int_t)stats.files);
		struct leak_record_in rec = { .source = o.source, .findings = f, .n = x.nhits,
					      .compose = leaks_notice_compose, .scan = scan };
		char sources[256] = "";
		size_t known_before = out.known;
		if (!f) {
			json_decref(scan);
			cmd_err("leaks: out of memory");
			goto out;
		}
		/* threads finish in any order: record the findings sorted by input
		 * name, so that findings and the scan's label come out the same at
		 * every run */
		qsort(x.hits, x.nhits, sizeof(*x.hits), hit_by_source);
		for (size_t i = 0; i < x.nhits; i++) {
			const struct hit *e = &x.hits[i];
			memcpy(f[i].dedupe, e->dedupe, 32);
			f[i].user_id = e->user >= 0 ? x.accounts[e->user].id : 0;
			f[i].account = e->account;
			f[i].verdict = e->verdict;
			f[i].hint = e->hint;
			f[i].system = e->system;
			f[i].source = e->source;
			/* the scan's label: --source, else the inputs' names that had findings */
			if (!o.source && !strstr(sources, e->source) &&
			    strlen(sources) + strlen(e->source) + 3 < sizeof(sources))
				snprintf(sources + strlen(sources), sizeof(sources) - strlen(sources),
					 "%s%s", sources[0] ? ", " : "", e->source);
		}
		if (!rec.source)
			rec.source = sources;
		rc = store_leak_record(st, &rec, CMD_ACTOR, &out, &err);
		free(f);
		json_decref(scan);
		if (rc < 0) {
			cmd_store_err("leaks: cannot record the findings", rc, &err);
			goto out;
		}
		out.known += known_before;
	} else {
		out.added = x.nhits;
	}

	if (o.json) {
		json_t *rep = json_pack("{sI sI sI sI sI sI sI sf sf si sI sI sb}",
			"files", (json_int_t)stats.files, "bytes", (json_int_t)stats.bytes,
			"lines", (json_int_t)stats.lines, "skipped", (json_int_t)stats.skipped,
			"credentials", (json_int_t)stats.creds, "matched", (json_int_t)stats.matched,
			"findings", (json_int_t)out.added, "seconds", t_scanned - g.start,
			"load_seconds", t_loaded - t0, "accounts", (int)leaks_match_names(m),
			"known", (json_int_t)out.known, "must_change", (json_int_t)out.must_change,
			"dry_run", o.dry_run);
		json_t *vs = json_object(), *items = json_array(), *codes = json_array();
		for (int v = 0; v < 4; v++)
			json_object_set_new(vs, verdicts[v], json_integer((json_int_t)counts[v]));
		for (size_t i = 0; i < x.nhits; i++)
			json_array_append_new(items, hit_json(&x.hits[i]));
		for (size_t i = 0; i < out.requests && i < 64; i++)
			json_array_append_new(codes, json_string(out.codes[i]));
		json_object_set_new(rep, "verdicts", vs);
		json_object_set_new(rep, "requests", codes);
		json_object_set_new(rep, "mails", json_integer((json_int_t)out.mails));
		/* CPU time as well as wall time: on a shared machine the ratio of
		 * bytes to CPU seconds is the figure per core */
		json_object_set_new(rep, "cpu_seconds", json_real(c_scanned - c_loaded));
		json_object_set_new(rep, "load_cpu_seconds", json_real(c_loaded - c0));
		json_object_set_new(rep, "threads", json_integer(o.threads ? o.threads : 0));
		json_object_set_new(rep, "items", items);
		cmd_print_json(rep);
		json_decref(rep);
	} else {
		double sec = t_scanned - g.start;
		if (!x.db_mode || o.dry_run)
			for (size_t i = 0; i < x.nhits; i++)
				printf("%s\t%s\t%s\t%s\t%s\n", x.hits[i].account,
				       x.hits[i].verdict ? x.hits[i].verdict : "matched", x.hits[i].hint,
				       x.hits[i].system ? x.hits[i].system : "-", x.hits[i].source);
		fprintf(x.db_mode && !o.dry_run ? stdout : stderr,
			"scanned %llu files, %.1f MB, %llu lines (%llu skipped) in %.2f s (%.0f MB/s); "
			"%llu hits, %zu new findings%s",
			(unsigned long long)stats.files, (double)stats.bytes / 1e6,
			(unsigned long long)stats.lines, (unsigned long long)stats.skipped, sec,
			sec > 0 ? (double)stats.bytes / 1e6 / sec : 0.0, (unsigned long long)stats.matched,
			out.added, o.dry_run ? " (dry run: nothing stored)" : "");
		if (x.db_mode)
			fprintf(x.db_mode && !o.dry_run ? stdout : stderr,
				": valid now %zu, old password %zu, different %zu, unknown mailbox %zu; "
				"requests %zu, forced password changes %zu, mails queued %zu",
				counts[0], counts[1], counts[2], counts[3], out.requests, out.must_change,
				out.mails);
		fputc('\n', x.db_mode && !o.dry_run ? stdout : stderr);
		for (size_t i = 0; i < out.requests && i < 64 && !o.dry_run; i++)
			printf("request %s\n", out.codes[i]);
	}
	ret = 0;
out:
	hits_free(&x);
	leaks_match_free(m);
	store_close(st);
	return ret;
}

/* ------------------------------------------------------------------------ */
/* watch, list                                                              */
/* ------------------------------------------------------------------------ */

static int do_watch(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "domain", required_argument, NULL, 'D' },
		{ "host", required_argument, NULL, 'H' },
		{ "system", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *db = NULL, *kind = NULL, *value = NULL, *system = NULL, *sub;
	char norm[LEAKS_KEY_MAX];
	struct store_err err = { 0 };
	struct store *st;
	int c, rc, ret = 0;

	if (argc < 2) {
		cmd_err("leaks watch: add, remove or list?");
		return EXIT_USAGE;
	}
	sub = argv[1];
	argc--, argv++;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'D': kind = "domain"; value = optarg; break;
		case 'H': kind = "host"; value = optarg; break;
		case 's': system = optarg; break;
		case 'h': puts(usage_text); return 0;
		default: return EXIT_USAGE;
		}
	}
	if (strcmp(sub, "list") && (!value || optind < argc)) {
		cmd_err("leaks watch %s: one --domain or --host is required", sub);
		return EXIT_USAGE;
	}
	if (value) {
		struct leaks_match *m;
		if (leaks_key_norm(value, strlen(value), norm) < 0 || leaks_match_new(1, &m) < 0) {
			cmd_err("leaks watch: invalid %s '%s'", kind, value);
			return EXIT_USAGE;
		}
		rc = !strcmp(kind, "domain") ? leaks_match_add_domain(m, norm)
					     : leaks_match_add_host(m, norm, system);
		leaks_match_free(m);
		if (rc < 0 || (system && (strlen(system) > 64 || !*system))) {
			cmd_err("leaks watch: invalid %s '%s'", system && rc == 0 ? "system" : kind,
				system && rc == 0 ? system : value);
			return EXIT_USAGE;
		}
	}
	if (!(st = cmd_open(cmd_db(db), 0)))
		return 1;
	if (!strcmp(sub, "add")) {
		if ((rc = store_leak_watch_add(st, kind, norm, system, CMD_ACTOR, &err)) < 0) {
			cmd_store_err("leaks watch add", rc, &err);
			ret = 1;
		}
	} else if (!strcmp(sub, "remove")) {
		if ((rc = store_leak_watch_remove(st, kind, norm, CMD_ACTOR)) < 0) {
			cmd_store_err("leaks watch remove", rc, NULL);
			ret = rc == -ENOENT ? EXIT_DATAERR : 1;
		}
	} else if (!strcmp(sub, "list")) {
		json_t *w, *it;
		size_t i;
		if ((rc = store_leak_watch_list(st, &w)) < 0) {
			cmd_store_err("leaks watch list", rc, NULL);
			ret = 1;
		} else {
			json_array_foreach(w, i, it) {
				const char *sys = json_string_value(json_object_get(it, "system"));
				printf("%s\t%s\t%s\n", json_string_value(json_object_get(it, "kind")),
				       json_string_value(json_object_get(it, "value")), sys ? sys : "-");
			}
			json_decref(w);
		}
	} else {
		cmd_err("leaks watch: unknown subcommand '%s'", sub);
		ret = EXIT_USAGE;
	}
	store_close(st);
	return ret;
}

static int do_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "unit", required_argument, NULL, 'u' },
		{ "verdict", required_argument, NULL, 'v' },
		{ "source", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct leak_filter f = { .limit = 100 };
	const char *db = NULL;
	struct store *st;
	json_t *items;
	int64_t next;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'u': f.unit = optarg; break;
		case 'v': f.verdict = optarg; break;
		case 's': f.source = optarg; break;
		case 'h': puts(usage_text); return 0;
		default: return EXIT_USAGE;
		}
	}
	if (!(st = cmd_open(cmd_db(db), 0)))
		return 1;
	rc = store_leak_list(st, &f, &items, &next);
	store_close(st);
	if (rc < 0) {
		cmd_store_err("leaks list", rc, NULL);
		return 1;
	}
	cmd_print_json(items);
	json_decref(items);
	return 0;
}

int cmd_leaks(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		puts(usage_text);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "scan"))
		return do_scan(argc - 1, argv + 1);
	if (!strcmp(argv[1], "watch"))
		return do_watch(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return do_list(argc - 1, argv + 1);
	cmd_err("leaks: unknown subcommand '%s'", argv[1]);
	return EXIT_USAGE;
}
