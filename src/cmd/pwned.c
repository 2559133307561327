/*
 * pwned.c — `ungcuu pwned build|verify|check`: the breached-password index
 * from the shell.  Building and checking are library calls (src/pwned);
 * this file parses arguments, shows progress on stderr, and prints.
 */
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "pwned/pwned.h"
#include "pwned/pwned_build.h"

static const char usage_text[] =
	"usage: ungcuu pwned build INPUT... -o FILE [--compact [--fp-bits N]]\n"
	"                          [--kind sha1|ntlm] [--no-verify] [--quiet]\n"
	"       ungcuu pwned verify FILE...\n"
	"       ungcuu pwned check FILE [--sha1 | --ntlm] < LINES\n\n"
	"build   read HIBP Pwned Passwords downloads and write one index, replacing FILE\n"
	"        atomically.  INPUT: a file of HASH:COUNT lines, a per-prefix file\n"
	"        (ABCDE.txt: SUFFIX:COUNT lines), a directory of those, or - (stdin);\n"
	"        plain, gzip or zstd; LF or CRLF; sorted (an unsorted line is an error).\n"
	"        --compact keeps membership only: N-bit fingerprints (8..56, default 32),\n"
	"        false positives at a rate of hashes / 2^(20+N).\n"
	"verify  read an index whole: checksums and order.  Exit 65 when corrupt.\n"
	"check   one password per line on stdin (or hex hashes with --sha1/--ntlm);\n"
	"        prints one count per line, 0 when not breached (a compact index prints 1\n"
	"        for a breached password: it does not store counts).";

/* ------------------------------------------------------------------------ */
/* Progress                                                                 */
/* ------------------------------------------------------------------------ */

struct progress {
	bool quiet, tty, shown;
	struct timespec start, last;
};

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void show_progress(const struct pwned_build_progress *pr, void *ctx)
{
	struct progress *g = ctx;
	double el;

	if (g->quiet || since(&g->last) < (g->tty ? 0.5 : 5.0))
		return;
	clock_gettime(CLOCK_MONOTONIC, &g->last);
	el = since(&g->start);
	if (pr->verifying)
		fprintf(stderr, "pwned: verifying the index: %.0f%%%s",
			pr->verify_total ? 100.0 * (double)pr->verify_done / (double)pr->verify_total : 100.0,
			g->tty ? "\033[K\r" : "\n");
	else if (pr->file_total)
		fprintf(stderr, "pwned: %.0f%% of %.2f GB read, %llu hashes, %.0f MB/s of text%s",
			100.0 * (double)pr->file_bytes / (double)pr->file_total,
			(double)pr->file_total / 1e9, (unsigned long long)pr->hashes,
			(double)pr->text_bytes / 1e6 / el, g->tty ? "\033[K\r" : "\n");
	else
		fprintf(stderr, "pwned: %.2f GB read, %llu hashes, %.0f MB/s of text%s",
			(double)pr->text_bytes / 1e9, (unsigned long long)pr->hashes,
			(double)pr->text_bytes / 1e6 / el, g->tty ? "\033[K\r" : "\n");
	g->shown = true;
}

static void end_progress(struct progress *g)
{
	if (g->shown && g->tty)
		fputs("\033[K", stderr);
}

/* ------------------------------------------------------------------------ */
/* build                                                                    */
/* ------------------------------------------------------------------------ */

static int do_build(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "compact", no_argument, NULL, 'c' },
		{ "fp-bits", required_argument, NULL, 'f' },
		{ "kind", required_argument, NULL, 'k' },
		{ "no-verify", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct pwned_build_options o = { .density = PWNED_FULL };
	struct pwned_build_stats st;
	struct pwned_build_err err;
	struct progress g = { .tty = isatty(STDERR_FILENO) };
	const char *out = NULL, *sde = getenv("SOURCE_DATE_EPOCH");
	bool verify = true;
	double el;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "o:q", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'c': o.density = PWNED_COMPACT; break;
		case 'f': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || end == optarg || v < 8 || v > 56 || v % 8) {
				cmd_err("pwned build: --fp-bits must be 8, 16, 24, 32, 40, 48 or 56, "
					"not '%s'", optarg);
				return EXIT_USAGE;
			}
			o.fp_bits = (unsigned)v;
			break;
		}
		case 'k':
			if (!strcmp(optarg, "sha1"))
				o.kind = PWNED_SHA1;
			else if (!strcmp(optarg, "ntlm"))
				o.kind = PWNED_NTLM;
			else {
				cmd_err("pwned build: unknown kind '%s' (sha1 or ntlm)", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'n': verify = false; break;
		case 'q': g.quiet = true; break;
		case 'h': puts(usage_text); return 0;
		default: return EXIT_USAGE;
		}
	}
	if (!out || optind >= argc) {
		cmd_err("pwned build: %s", !out ? "the output file is required (-o FILE)"
						: "no input (a file, a directory, or - for stdin)");
		return EXIT_USAGE;
	}
	if (o.fp_bits && o.density != PWNED_COMPACT) {
		cmd_err("pwned build: --fp-bits needs --compact");
		return EXIT_USAGE;
	}
	if (sde && *sde)
		o.build_time = strtoull(sde, NULL, 10); /* reproducible builds */
	clock_gettime(CLOCK_MONOTONIC, &g.start);
	g.last = g.start;
	rc = pwned_build((const char *const *)argv + optind, (size_t)(argc - optind), out, &o,
			 verify, show_progress, &g, &st, &err);
	end_progress(&g);
	if (rc < 0) {
		cmd_err("pwned build: %s", err.message[0] ? err.message : strerror(-rc));
		return rc == -EINVAL ? EXIT_DATAERR : 1;
	}
	el = since(&g.start);
	printf("%s: %llu hashes (%s, %s), %.2f bytes per hash, version %s\n", out,
	       (unsigned long long)st.hashes, pwned_kind_name(st.info.kind),
	       pwned_density_name(st.info.density),
	       st.hashes ? (double)st.info.file_size / (double)st.hashes : 0.0, st.info.version);
	printf("read %llu files, %.1f MB of text in %.2f s (%.0f MB/s)%s", (unsigned long long)st.files,
	       (double)st.text_bytes / 1e6, el, el > 0 ? (double)st.text_bytes / 1e6 / el : 0.0,
	       verify ? ", verified" : "");
	if (st.skipped)
		printf(", %llu padding lines (count 0) skipped", (unsigned long long)st.skipped);
	putchar('\n');
	return 0;
}

/* ------------------------------------------------------------------------ */
/* verify                                                                   */
/* ------------------------------------------------------------------------ */

static void verify_progress(uint64_t done, uint64_t total, void *ctx)
{
	struct pwned_build_progress pr = { .verifying = true, .verify_done = done,
					   .verify_total = total };

	show_progress(&pr, ctx);
}

static int do_verify(int argc, char **argv)
{
	struct progress g = { .tty = isatty(STDERR_FILENO) };
	int ret = 0;

	if (argc < 2) {
		cmd_err("pwned verify: which index? (ungcuu pwned verify FILE...)");
		return EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		struct pwned_info info;
		struct pwned *p;
		char when[32];
		time_t t;
		int rc;

		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			puts(usage_text);
			return 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &g.start);
		g.last = g.start;
		if ((rc = pwned_open(argv[i], &p)) == 0) {
			rc = pwned_verify(p, verify_progress, &g);
			pwned_get_info(p, &info);
			pwned_close(p);
		}
		end_progress(&g);
		if (rc < 0) {
			cmd_err("pwned verify: %s: %s", argv[i], pwned_strerror(rc));
			ret = rc == -ENOENT || rc == -EACCES ? 1 : EXIT_DATAERR;
			continue;
		}
		t = (time_t)info.build_time;
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
		printf("%s: ok: %s, %s", argv[i], pwned_kind_name(info.kind),
		       pwned_density_name(info.density));
		if (info.density == PWNED_COMPACT)
			printf(" (%u-bit fingerprints)", info.fp_bits);
		printf(", %llu hashes, %.2f bytes per hash, built %s, version %s\n",
		       (unsigned long long)info.hashes,
		       info.hashes ? (double)info.file_size / (double)info.hashes : 0.0, when,
		       info.version);
	}
	return ret;
}

/* ------------------------------------------------------------------------ */
/* check                                                                    */
/* ------------------------------------------------------------------------ */

static int unhex(const char *s, size_t n, unsigned char *out)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;
		for (int k = 0; k < 2; k++) {
			char c = s[2 * i + (size_t)k];
			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				v |= (unsigned)(c - 'A' + 10);
			else
				return -EINVAL;
		}
		out[i] = (unsigned char)v;
	}
	return 0;
}

static int do_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sha1", no_argument, NULL, 's' },
		{ "ntlm", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	enum pwned_kind hashes = 0;
	struct pwned_info info;
	struct pwned *p;
	char *line = NULL;
	size_t cap = 0, hs;
	ssize_t n;
	uint64_t lineno = 0;
	int c, rc, ret = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': hashes = PWNED_SHA1; break;
		case 'n': hashes = PWNED_NTLM; break;
		case 'h': puts(usage_text); return 0;
		default: return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		cmd_err("pwned check: give one index (ungcuu pwned check FILE < LINES)");
		return EXIT_USAGE;
	}
	if ((rc = pwned_open(argv[optind], &p)) < 0) {
		cmd_err("pwned check: %s: %s", argv[optind], pwned_strerror(rc));
		return EXIT_UNAVAILABLE;
	}
	pwned_get_info(p, &info);
	hs = pwned_hash_size(info.kind);
	if (hashes && hashes != info.kind) {
		cmd_err("pwned check: %s holds %s hashes, not %s", argv[optind],
			pwned_kind_name(info.kind), pwned_kind_name(hashes));
		pwned_close(p);
		return EXIT_USAGE;
	}
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		unsigned char h[PWNED_HASH_MAX];
		uint32_t count = 0;

		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (hashes) {
			if ((size_t)n != 2 * hs || unhex(line, hs, h) < 0) {
				cmd_err("pwned check: line %llu: expected %zu hex digits of %s",
					(unsigned long long)lineno, 2 * hs, pwned_kind_name(hashes));
				ret = EXIT_DATAERR;
				break;
			}
			rc = pwned_lookup(p, h, hs, &count);
		} else {
			rc = pwned_check_password(p, line, (size_t)n, &count);
		}
		sodium_memzero(line, cap);
		if (rc == -ENOENT) {
			count = 0;
		} else if (rc < 0) {
			cmd_err("pwned check: line %llu: %s", (unsigned long long)lineno,
				rc == -EILSEQ ? "not valid UTF-8 (NTLM hashes UTF-16)" : pwned_strerror(rc));
			ret = rc == -EILSEQ ? EXIT_DATAERR : 1;
			break;
		} else if (info.density == PWNED_COMPACT) {
			count = 1;
		}
		printf("%lu\n", (unsigned long)count);
	}
	if (line)
		sodium_memzero(line, cap);
	free(line);
	pwned_close(p);
	return ret;
}

int cmd_pwned(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		puts(usage_text);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "build"))
		return do_build(argc - 1, argv + 1);
	if (!strcmp(argv[1], "verify"))
		return do_verify(argc - 1, argv + 1);
	if (!strcmp(argv[1], "check"))
		return do_check(argc - 1, argv + 1);
	cmd_err("pwned: unknown subcommand '%s' (build, verify or check)", argv[1]);
	return EXIT_USAGE;
}
