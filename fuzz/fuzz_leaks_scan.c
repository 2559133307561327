/*
 * fuzz_leaks_scan.c - libFuzzer target for the leak scanner's reader
 * (leaks/leaks_scan): its fast path (SWAR line splitting, lower-casing and
 * hashing of `email:password` lines) against the plain parser.
 *
 * Input: a combo list, given to leaks_scan() as a file (a memfd).  The same
 * bytes are split into lines here and each line is read with
 * leaks_line_check(), leaks_combo_parse() and leaks_key_norm(); both must
 * find the same hits on a few fixed accounts (the same count and the same
 * digest of names and passwords) and count the same lines and skipped
 * lines.  Inputs that the scanner would read as a stealer log or as
 * compressed data are left out.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "leaks/leaks_match.h"
#include "leaks/leaks_parse.h"
#include "leaks/leaks_scan.h"

static const char *const accounts[] = { "a@b.vn", "binh.tt@hanoi.gov.vn", "x@y.z",
					"abcdefgh@ijklmnop.vn", "bình@sở.vn" };

struct tally {
	uint64_t hits, digest;
};

static void check(int ok)
{
	if (!ok)
		abort();
}

static void add(struct tally *t, const char *key, size_t klen, const char *pass, size_t plen)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < klen; i++)
		h = (h ^ (unsigned char)key[i]) * 1099511628211ull;
	h = (h ^ 0xff) * 1099511628211ull;
	for (size_t i = 0; i < plen; i++)
		h = (h ^ (unsigned char)pass[i]) * 1099511628211ull;
	t->hits++;
	t->digest += h; /* order-free: threads and batches may report in any order */
}

static int on_hit(void *arg, const struct leaks_hit *h)
{
	add(arg, h->key, h->key_len, h->pass, h->pass_len);
	return 0;
}

static bool ours(const char *key, size_t len)
{
	for (size_t i = 0; i < sizeof(accounts) / sizeof(accounts[0]); i++)
		if (strlen(accounts[i]) == len && !memcmp(accounts[i], key, len))
			return true;
	return false;
}

/* What the scanner must find, line by line with the plain parser. */
static void reference(const char *p, size_t size, struct tally *t, uint64_t *ret_lines,
		      uint64_t *ret_skipped)
{
	const char *end = p + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *s = p;
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct leaks_cred c[2];
		int n;

		(*ret_lines)++;
		p = nl ? nl + 1 : end;
		leaks_line_trim(&s, &len);
		if (!len)
			continue;
		if (leaks_line_check(s, len) < 0) {
			(*ret_skipped)++;
			continue;
		}
		n = leaks_combo_parse(s, len, c);
		for (int i = 0; i < n; i++) {
			char key[LEAKS_KEY_MAX];
			int kl = leaks_key_norm(c[i].user, c[i].user_len, key);
			if (kl > 0 && leaks_key_domain(key, (size_t)kl) && ours(key, (size_t)kl))
				add(t, key, (size_t)kl, c[i].pass, c[i].pass_len);
		}
	}
}

/* Whether the scanner would take these bytes for a stealer log or compressed data. */
static bool not_a_combo_list(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + (size < 4096 ? size : 4096);
	size_t keys = 0, lines = 0;

	if ((size >= 2 && data[0] == 0x1f && data[1] == 0x8b) ||
	    (size >= 4 && !memcmp(data, "\x28\xb5\x2f\xfd", 4)))
		return true;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *s = p;
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		leaks_line_trim(&s, &len);
		if (len) {
			lines++;
			keys += leaks_block_is_key_line(s, len);
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return keys >= 2 && 2 * keys >= lines;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct leaks_match *m;
	struct tally got = { 0 }, want = { 0 };
	struct leaks_scan_opts o = { .threads = 1, .on_hit = on_hit, .arg = &got };
	struct leaks_stats st;
	uint64_t lines = 0, skipped = 0;
	char path[64], err[256], *paths[] = { path };
	int fd;

	if (!size || not_a_combo_list(data, size))
		return 0;
	if (!m) {
		check(leaks_match_new(8, &m) == 0);
		for (size_t i = 0; i < sizeof(accounts) / sizeof(accounts[0]); i++)
			check(leaks_match_add_account(m, accounts[i], strlen(accounts[i]), (uint32_t)i) == 0);
		check(leaks_match_seal(m) == 0);
	}
	if ((fd = memfd_create("combo", MFD_CLOEXEC)) < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	check(leaks_scan(m, paths, 1, &o, &st, err, sizeof(err)) == 0);
	close(fd);
	reference((const char *)data, size, &want, &lines, &skipped);
	check(st.lines == lines);
	check(st.skipped == skipped);
	check(got.hits == want.hits);
	check(got.digest == want.digest);
	return 0;
}
