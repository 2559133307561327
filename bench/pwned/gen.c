/*
 * gen.c — make Pwned Passwords corpora in HIBP's layouts, for the
 * benchmark (bench/pwned/run.sh) and the integration test
 * (tests/integration/pwned.sh).  Nothing real: random hashes, or the hashes
 * of random passwords plus a few known ones.
 *
 * usage: bench_pwned_gen [--hashes N | --passwords N] [--known PASSWORD:COUNT]...
 *                        [--kind sha1|ntlm] [--layout full|prefix] [--crlf]
 *                        [--seed S] [--list FILE] OUT
 *
 *   --hashes N     N random hashes, streamed prefix by prefix (no memory
 *                  growth: 100 million lines take no more than one range)
 *   --passwords N  the hashes of N random passwords (and of --known ones);
 *                  --list FILE writes "PASSWORD<TAB>COUNT" for each of them
 *   --layout full  one file of HASH:COUNT lines (OUT, or - for stdout), LF
 *                  or --crlf, sorted, as the downloader's single file
 *   --layout prefix  a directory OUT of ABCDE.txt files, SUFFIX:COUNT lines
 *                  joined by CRLF without a final one (the range API's body)
 *
 * Counts follow a Pareto law, P(count >= k) = 1/k: half the hashes are seen
 * once, 6 % at least 16 times (HIBP's own counts are similarly skewed).
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pwned/pwned.h"

struct entry {
	unsigned char h[PWNED_HASH_MAX];
	uint32_t count;
	char *pw; /* --passwords only */
};

static uint64_t rng[4];

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256**: fast and good enough for test data (not for secrets). */
static uint64_t next(void)
{
	uint64_t r = rotl(rng[1] * 5, 7) * 9, t = rng[1] << 17;

	rng[2] ^= rng[0];
	rng[3] ^= rng[1];
	rng[1] ^= rng[2];
	rng[0] ^= rng[3];
	rng[2] ^= t;
	rng[3] = rotl(rng[3], 45);
	return r;
}

static void seed(uint64_t s)
{
	for (int i = 0; i < 4; i++) {
		/* splitmix64 */
		uint64_t z = (s += 0x9e3779b97f4a7c15ull);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		rng[i] = z ^ (z >> 31);
	}
}

static uint32_t pareto_count(void)
{
	/* u in (0, 1]: count = floor(1/u), capped */
	double u = ((double)(next() >> 11) + 1.0) / 9007199254740992.0;
	double c = 1.0 / u;

	return c >= 2147483647.0 ? 2147483647u : (uint32_t)c;
}

static size_t hash_size;

static int cmp_entry(const void *a, const void *b)
{
	return memcmp(((const struct entry *)a)->h, ((const struct entry *)b)->h, hash_size);
}

static const char HEX[] = "0123456789ABCDEF";

/* "HEX:COUNT" from nibble `from` of the hash; returns the length. */
static size_t format(char *o, const unsigned char *h, size_t from, uint32_t count)
{
	char *s = o, d[10];
	int nd = 0;

	for (size_t i = from; i < 2 * hash_size; i++)
		*o++ = HEX[i % 2 ? h[i / 2] & 0xf : h[i / 2] >> 4];
	*o++ = ':';
	do
		d[nd++] = (char)('0' + count % 10);
	while ((count /= 10));
	while (nd)
		*o++ = d[--nd];
	return (size_t)(o - s);
}

static int write_full(FILE *f, const struct entry *e, size_t n, bool crlf)
{
	char line[64];

	for (size_t i = 0; i < n; i++) {
		size_t k = format(line, e[i].h, 0, e[i].count);
		if (crlf)
			line[k++] = '\r';
		line[k++] = '\n';
		if (fwrite(line, 1, k, f) != k)
			return -1;
	}
	return 0;
}

static int write_prefix_dir(const char *dir, const struct entry *e, size_t n)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -1;
	for (size_t i = 0; i < n;) {
		unsigned prefix = (unsigned)e[i].h[0] << 12 | (unsigned)e[i].h[1] << 4 | e[i].h[2] >> 4;
		char path[4096], line[64];
		FILE *f;

		snprintf(path, sizeof(path), "%s/%05X.txt", dir, prefix);
		if (!(f = fopen(path, "w")))
			return -1;
		for (bool first = true; i < n; i++, first = false) {
			unsigned p = (unsigned)e[i].h[0] << 12 | (unsigned)e[i].h[1] << 4 | e[i].h[2] >> 4;
			size_t k;
			if (p != prefix)
				break;
			if (!first)
				fputs("\r\n", f);
			k = format(line, e[i].h, 5, e[i].count);
			fwrite(line, 1, k, f);
		}
		if (fclose(f) != 0)
			return -1;
	}
	return 0;
}

/* --hashes: one range at a time, in order. */
static int stream_random(FILE *f, const char *dir, uint64_t total, bool crlf)
{
	struct entry *e = NULL;
	size_t cap = 0;

	for (uint64_t p = 0; p < PWNED_PREFIXES; p++) {
		size_t k = (size_t)((p + 1) * total / PWNED_PREFIXES - p * total / PWNED_PREFIXES), m = 0;

		if (k > cap) {
			cap = 2 * k;
			if (!(e = realloc(e, cap * sizeof(*e))))
				return -1;
		}
		for (size_t i = 0; i < k; i++) {
			for (size_t b = 0; b < hash_size; b += 8) {
				uint64_t r = next();
				memcpy(e[i].h + b, &r, hash_size - b < 8 ? hash_size - b : 8);
			}
			e[i].h[0] = (unsigned char)(p >> 12);
			e[i].h[1] = (unsigned char)(p >> 4);
			e[i].h[2] = (unsigned char)((p & 0xf) << 4 | (e[i].h[2] & 0xf));
			e[i].count = pareto_count();
		}
		qsort(e, k, sizeof(*e), cmp_entry);
		for (size_t i = 0; i < k; i++)
			if (m == 0 || memcmp(e[m - 1].h, e[i].h, hash_size))
				e[m++] = e[i];
		if ((dir ? write_prefix_dir(dir, e, m) : write_full(f, e, m, crlf)) < 0) {
			free(e);
			return -1;
		}
	}
	free(e);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hashes", required_argument, NULL, 'H' },
		{ "passwords", required_argument, NULL, 'p' },
		{ "known", required_argument, NULL, 'k' },
		{ "kind", required_argument, NULL, 'K' },
		{ "layout", required_argument, NULL, 'l' },
		{ "crlf", no_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 's' },
		{ "list", required_argument, NULL, 'L' },
		{ 0 },
	};
	enum pwned_kind kind = PWNED_SHA1;
	uint64_t nhashes = 0, npw = 0;
	const char *list = NULL, *out;
	char **known = NULL;
	size_t nknown = 0, n = 0;
	bool prefix_layout = false, crlf = false;
	struct entry *e;
	FILE *f = NULL;
	int c, rc = 0;

	seed(1);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'H': nhashes = strtoull(optarg, NULL, 10); break;
		case 'p': npw = strtoull(optarg, NULL, 10); break;
		case 'k':
			if (!strrchr(optarg, ':') || !(known = realloc(known, (nknown + 1) * sizeof(*known))))
				goto usage;
			known[nknown++] = optarg;
			break;
		case 'K': kind = !strcmp(optarg, "ntlm") ? PWNED_NTLM : PWNED_SHA1; break;
		case 'l': prefix_layout = !strcmp(optarg, "prefix"); break;
		case 'c': crlf = true; break;
		case 's': seed(strtoull(optarg, NULL, 10)); break;
		case 'L': list = optarg; break;
		default: goto usage;
		}
	}
	if (optind != argc - 1 || (!nhashes && !npw && !nknown))
		goto usage;
	out = argv[optind];
	hash_size = pwned_hash_size(kind);
	if (!prefix_layout && !(f = strcmp(out, "-") ? fopen(out, "w") : stdout)) {
		perror(out);
		return 1;
	}
	if (f)
		setvbuf(f, NULL, _IOFBF, 1 << 22);
	if (nhashes) {
		rc = stream_random(f, prefix_layout ? out : NULL, nhashes, crlf);
		goto done;
	}
	if (!(e = calloc(npw + nknown, sizeof(*e))))
		return 1;
	for (uint64_t i = 0; i < npw; i++) {
		static const char alphabet[] =
			"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%&*";
		size_t len = 6 + next() % 10;
		char *pw = malloc(len + 1);
		if (!pw)
			return 1;
		for (size_t j = 0; j < len; j++)
			pw[j] = alphabet[next() % (sizeof(alphabet) - 1)];
		pw[len] = '\0';
		e[n].pw = pw;
		e[n].count = pareto_count();
		if (pwned_hash_password(kind, pw, len, e[n].h) < 0) {
			fprintf(stderr, "bench_pwned_gen: cannot hash (MD4 unavailable?)\n");
			return 1;
		}
		n++;
	}
	for (size_t i = 0; i < nknown; i++) {
		char *colon = strrchr(known[i], ':');
		*colon = '\0';
		e[n].pw = strdup(known[i]);
		e[n].count = (uint32_t)strtoul(colon + 1, NULL, 10);
		if (!e[n].pw || pwned_hash_password(kind, known[i], strlen(known[i]), e[n].h) < 0)
			return 1;
		n++;
	}
	qsort(e, n, sizeof(*e), cmp_entry);
	{
		size_t m = 0;
		for (size_t i = 0; i < n; i++) {
			if (m && !memcmp(e[m - 1].h, e[i].h, hash_size)) {
				free(e[i].pw); /* a random password met a known one */
				continue;
			}
			e[m++] = e[i];
		}
		n = m;
	}
	rc = prefix_layout ? write_prefix_dir(out, e, n) : write_full(f, e, n, crlf);
	if (list) {
		FILE *lf = fopen(list, "w");
		if (!lf)
			rc = -1;
		for (size_t i = 0; lf && i < n; i++)
			fprintf(lf, "%s\t%u\n", e[i].pw, e[i].count);
		if (lf && fclose(lf) != 0)
			rc = -1;
	}
	for (size_t i = 0; i < n; i++)
		free(e[i].pw);
	free(e);
done:
	free(known);
	if (f == stdout ? fflush(stdout) != 0 : f && fclose(f) != 0)
		rc = -1;
	if (rc < 0) {
		perror("bench_pwned_gen");
		return 1;
	}
	return 0;
usage:
	fprintf(stderr, "usage: bench_pwned_gen [--hashes N | --passwords N] [--known PW:COUNT]...\n"
			"       [--kind sha1|ntlm] [--layout full|prefix] [--crlf] [--seed S]\n"
			"       [--list FILE] OUT\n");
	return 64;
}
