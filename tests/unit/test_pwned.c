/*
 * test_pwned.c — the breached-password index: hashing (published SHA-1 and
 * NTLM vectors), building from generated corpora in every layout and
 * compression, exact lookups and ranges, HIBP padding, refusal of unsorted
 * input, detection of truncated and corrupt files, the compact density's
 * false-positive rate, and lookups that never fail while indexes are
 * swapped under them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>
#include <xxhash.h>
#include <zlib.h>
#include <zstd.h>

#include "pwned/pwned.h"
#include "pwned/pwned_build.h"
#include "pwned/pwned_set.h"

#define BUILD_TIME 1700000000u

static char dir[64];

/* ------------------------------------------------------------------------ */
/* Corpora                                                                  */
/* ------------------------------------------------------------------------ */

struct entry {
	unsigned char h[PWNED_HASH_MAX];
	uint32_t count;
	char pw[24];
};

struct corpus {
	enum pwned_kind kind;
	size_t hs, n;
	struct entry *e;
};

static size_t g_hs;

static int cmp_entry(const void *a, const void *b)
{
	return memcmp(((const struct entry *)a)->h, ((const struct entry *)b)->h, g_hs);
}

static const struct {
	const char *pw;
	uint32_t count;
} KNOWN[] = {
	{ "P@ssw0rd", 52256 }, { "password", 10434004 }, { "123456", 42 }, { "mật khẩu", 7 },
	{ "x", 1 }, { "y", 15 }, { "z", 16 },
};

/* n random passwords (printable, 8..20 bytes) plus KNOWN, sorted by hash. */
static void corpus_make(struct corpus *c, enum pwned_kind kind, size_t n)
{
	size_t total = n + sizeof(KNOWN) / sizeof(KNOWN[0]), m = 0;

	c->kind = kind;
	c->hs = pwned_hash_size(kind);
	c->e = calloc(total, sizeof(*c->e));
	assert_non_null(c->e);
	for (size_t i = 0; i < total; i++) {
		struct entry *e = &c->e[i];
		if (i < n) {
			size_t len = 8 + randombytes_uniform(13);
			for (size_t k = 0; k < len; k++)
				e->pw[k] = (char)(33 + randombytes_uniform(94));
			/* heavy-tailed counts, some over 15 (overflow entries) */
			e->count = 1 + (randombytes_uniform(4) == 0 ? randombytes_uniform(100000)
								    : randombytes_uniform(15));
		} else {
			strcpy(e->pw, KNOWN[i - n].pw);
			e->count = KNOWN[i - n].count;
		}
		assert_int_equal(pwned_hash_password(kind, e->pw, strlen(e->pw), e->h), 0);
	}
	g_hs = c->hs;
	qsort(c->e, total, sizeof(*c->e), cmp_entry);
	for (size_t i = 0; i < total; i++)
		if (m == 0 || memcmp(c->e[m - 1].h, c->e[i].h, c->hs))
			c->e[m++] = c->e[i];
	c->n = m;
}

static const char HEX[] = "0123456789ABCDEF";

static void hexify(const unsigned char *h, size_t from, size_t to, char *out)
{
	for (size_t i = from; i < to; i++)
		*out++ = HEX[i % 2 ? h[i / 2] & 0xf : h[i / 2] >> 4];
	*out = '\0';
}

static uint32_t prefix_of(const unsigned char *h)
{
	return (uint32_t)h[0] << 12 | (uint32_t)h[1] << 4 | h[2] >> 4;
}

/* The corpus as one text: full lines, LF or CRLF. Caller frees. */
static char *corpus_text(const struct corpus *c, bool crlf, size_t *ret_len)
{
	char *t = malloc(c->n * 64 + 1), *o = t;

	assert_non_null(t);
	for (size_t i = 0; i < c->n; i++) {
		hexify(c->e[i].h, 0, 2 * c->hs, o);
		o += strlen(o);
		o += sprintf(o, ":%u%s", c->e[i].count, crlf ? "\r\n" : "\n");
	}
	*ret_len = (size_t)(o - t);
	return t;
}

/* The range text HIBP would send for a prefix. Caller frees. */
static char *expected_range(const struct corpus *c, uint32_t prefix)
{
	char *t = malloc(c->n * 64 + 1), *o = t;

	assert_non_null(t);
	*o = '\0';
	for (size_t i = 0; i < c->n; i++) {
		if (prefix_of(c->e[i].h) != prefix)
			continue;
		if (o != t)
			o += sprintf(o, "\r\n");
		hexify(c->e[i].h, 5, 2 * c->hs, o);
		o += strlen(o);
		o += sprintf(o, ":%u", c->e[i].count);
	}
	return t;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static char *path_of(const char *name)
{
	static char bufs[8][256];
	static int k;
	char *p = bufs[k++ % 8];

	snprintf(p, 256, "%s/%s", dir, name);
	return p;
}

static void write_gzip(const char *path, const char *data, size_t len, size_t members)
{
	FILE *f = fopen(path, "wb");
	size_t per = len / members + 1;

	assert_non_null(f);
	/* concatenated members, as `cat a.gz b.gz` makes */
	for (size_t off = 0; off < len; off += per) {
		size_t n = len - off < per ? len - off : per;
		z_stream z = { 0 };
		unsigned char *out = malloc(compressBound((uLong)n) + 64);
		assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
		z.next_in = (unsigned char *)data + off;
		z.avail_in = (uInt)n;
		z.next_out = out;
		z.avail_out = (uInt)(compressBound((uLong)n) + 64);
		assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
		assert_int_equal(fwrite(out, 1, z.total_out, f), z.total_out);
		deflateEnd(&z);
		free(out);
	}
	assert_int_equal(fclose(f), 0);
}

static size_t write_zstd(const char *path, const char *data, size_t len)
{
	size_t cap = ZSTD_compressBound(len), n;
	void *out = malloc(cap);

	n = ZSTD_compress(out, cap, data, len, 3);
	assert_false(ZSTD_isError(n));
	write_file(path, out, n);
	free(out);
	return n;
}

/* The downloader's per-prefix directory: ABCDE.txt, CRLF, no final newline. */
static void write_prefix_dir(const struct corpus *c, const char *d)
{
	assert_int_equal(mkdir(d, 0755), 0);
	for (size_t i = 0; i < c->n;) {
		uint32_t p = prefix_of(c->e[i].h);
		char path[300];
		char *t = expected_range(c, p);
		snprintf(path, sizeof(path), "%s/%05X.txt", d, p);
		write_file(path, t, strlen(t));
		free(t);
		while (i < c->n && prefix_of(c->e[i].h) == p)
			i++;
	}
}

static int build(const char *const *in, size_t n, const char *out, enum pwned_density d,
		 unsigned fp_bits, struct pwned_build_stats *st, struct pwned_build_err *err)
{
	struct pwned_build_options o = { .density = d, .fp_bits = fp_bits, .build_time = BUILD_TIME };
	struct pwned_build_stats s;
	struct pwned_build_err e;

	return pwned_build(in, n, out, &o, true, NULL, NULL, st ? st : &s, err ? err : &e);
}

static void version_of(const char *path, char v[PWNED_VERSION_SIZE])
{
	struct pwned_info info;
	struct pwned *p;

	assert_int_equal(pwned_open(path, &p), 0);
	pwned_get_info(p, &info);
	memcpy(v, info.version, PWNED_VERSION_SIZE);
	pwned_close(p);
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                    */
/* ------------------------------------------------------------------------ */

static void check_hash(enum pwned_kind kind, const char *pw, const char *hex)
{
	unsigned char h[PWNED_HASH_MAX];
	char got[41];

	assert_int_equal(pwned_hash_password(kind, pw, strlen(pw), h), 0);
	hexify(h, 0, 2 * pwned_hash_size(kind), got);
	assert_string_equal(got, hex);
}

static void hash_vectors(void **state)
{
	unsigned char h[PWNED_HASH_MAX];

	(void)state;
	/* published: HIBP's documentation and any NTLM table */
	check_hash(PWNED_SHA1, "P@ssw0rd", "21BD12DC183F740EE76F27B78EB39C8AD972A757");
	check_hash(PWNED_SHA1, "", "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709");
	check_hash(PWNED_NTLM, "P@ssw0rd", "E19CCF75EE54E06B06A5907AF13CEF42");
	check_hash(PWNED_NTLM, "password", "8846F7EAEE8FB117AD06BDD830B7586C");
	check_hash(PWNED_NTLM, "", "31D6CFE0D16AE931B73C59D7E0C089C0");
	/* UTF-8 to UTF-16LE, outside ASCII and outside the BMP (a surrogate pair) */
	check_hash(PWNED_SHA1, "mật khẩu", "EBE99BB74AB702A581F2FC92D9E27909C020C4EA");
	check_hash(PWNED_NTLM, "mật khẩu", "B389FF8C7CBFD4BCFBF9D3BC99BA708B");
	check_hash(PWNED_NTLM, "\xf0\x9f\x98\x80x", "4239D4DCD7148A5EA8F750B376CFDBD6");
	assert_int_equal(pwned_hash_password(PWNED_NTLM, "\xff\xfe", 2, h), -EILSEQ);
	assert_int_equal(pwned_hash_password(0, "x", 1, h), -EINVAL);
}

static void lookups_both_kinds(void **state)
{
	(void)state;
	for (int k = PWNED_SHA1; k <= PWNED_NTLM; k++) {
		struct corpus c;
		struct pwned_info info;
		struct pwned *p;
		const char *in[1] = { path_of("full.txt") };
		char *text;
		size_t len;
		uint32_t count;

		corpus_make(&c, (enum pwned_kind)k, 3000);
		text = corpus_text(&c, false, &len);
		write_file(in[0], text, len);
		free(text);
		assert_int_equal(build(in, 1, path_of("k.idx"), PWNED_FULL, 0, NULL, NULL), 0);
		assert_int_equal(pwned_open(path_of("k.idx"), &p), 0);
		pwned_get_info(p, &info);
		assert_int_equal(info.kind, k);
		assert_int_equal(info.density, PWNED_FULL);
		assert_int_equal(info.hashes, c.n);
		assert_int_equal(info.records, c.n);
		assert_int_equal(info.build_time, BUILD_TIME);
		assert_int_equal(pwned_populate(p), 0);
		for (size_t i = 0; i < c.n; i++) {
			count = 0;
			assert_int_equal(pwned_lookup(p, c.e[i].h, c.hs, &count), 0);
			assert_int_equal(count, c.e[i].count);
			assert_int_equal(pwned_check_password(p, c.e[i].pw, strlen(c.e[i].pw), &count), 0);
			assert_int_equal(count, c.e[i].count);
		}
		for (int i = 0; i < 10000; i++) {
			unsigned char h[PWNED_HASH_MAX];
			randombytes_buf(h, sizeof(h));
			assert_int_equal(pwned_lookup(p, h, c.hs, &count), -ENOENT);
		}
		/* neighbours of present hashes are absent */
		for (size_t i = 0; i < c.n; i += 7) {
			unsigned char h[PWNED_HASH_MAX];
			memcpy(h, c.e[i].h, c.hs);
			h[c.hs - 1] ^= 1;
			assert_int_equal(pwned_lookup(p, h, c.hs, NULL), -ENOENT);
		}
		assert_int_equal(pwned_check_password(p, "not in the corpus, surely", 25, &count), -ENOENT);
		assert_int_equal(pwned_lookup(p, c.e[0].h, c.hs - 1, &count), -EINVAL);
		if (k == PWNED_NTLM)
			assert_int_equal(pwned_lookup_sha1(p, c.e[0].h, &count), -EINVAL);
		else
			assert_int_equal(pwned_lookup_sha1(p, c.e[0].h, &count), 0);
		assert_int_equal(pwned_verify(p, NULL, NULL), 0);
		pwned_close(p);
		free(c.e);
	}
}

static void layouts_and_compressions_agree(void **state)
{
	struct corpus c;
	char *lf, *crlf, v0[PWNED_VERSION_SIZE], v[PWNED_VERSION_SIZE];
	size_t lf_len, crlf_len;
	struct pwned_build_stats st;

	(void)state;
	corpus_make(&c, PWNED_SHA1, 600);
	lf = corpus_text(&c, false, &lf_len);
	crlf = corpus_text(&c, true, &crlf_len);
	write_file(path_of("lf.txt"), lf, lf_len);
	write_file(path_of("crlf.txt"), crlf, crlf_len);
	write_gzip(path_of("one.gz"), crlf, crlf_len, 1);
	write_gzip(path_of("multi.gz"), lf, lf_len, 5);
	write_zstd(path_of("lf.zst"), lf, lf_len);
	write_prefix_dir(&c, path_of("ranges"));
	{
		/* the directory again, its files compressed */
		char d[300];
		DIR *dd;
		struct dirent *de;
		snprintf(d, sizeof(d), "%s", path_of("ranges.zst"));
		assert_int_equal(mkdir(d, 0755), 0);
		assert_non_null(dd = opendir(path_of("ranges")));
		while ((de = readdir(dd))) {
			char src[600], dst[600];
			struct stat sst;
			FILE *f;
			char *buf;
			if (de->d_name[0] == '.')
				continue;
			snprintf(src, sizeof(src), "%s/%s", path_of("ranges"), de->d_name);
			snprintf(dst, sizeof(dst), "%s/%s.zst", d, de->d_name);
			assert_int_equal(stat(src, &sst), 0);
			buf = malloc((size_t)sst.st_size + 1);
			assert_non_null(f = fopen(src, "rb"));
			assert_int_equal(fread(buf, 1, (size_t)sst.st_size, f), (size_t)sst.st_size);
			fclose(f);
			write_zstd(dst, buf, (size_t)sst.st_size);
			free(buf);
		}
		closedir(dd);
	}
	{
		const char *in[] = { path_of("lf.txt") };
		assert_int_equal(build(in, 1, path_of("v.idx"), PWNED_FULL, 0, &st, NULL), 0);
		assert_int_equal(st.hashes, c.n);
		assert_int_equal(st.text_bytes, lf_len);
		version_of(path_of("v.idx"), v0);
	}
	static const char *variants[] = { "crlf.txt", "one.gz", "multi.gz", "lf.zst", "ranges",
					  "ranges.zst" };
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		const char *in[] = { path_of(variants[i]) };
		struct pwned_build_err err;
		if (build(in, 1, path_of("v.idx"), PWNED_FULL, 0, &st, &err) != 0)
			fail_msg("%s: %s", variants[i], err.message);
		assert_int_equal(st.hashes, c.n);
		version_of(path_of("v.idx"), v);
		assert_string_equal(v, v0);
	}
	/* stdin-like multiple inputs: the file split in two, in order */
	{
		size_t half = lf_len / 2;
		while (lf[half - 1] != '\n')
			half++;
		write_file(path_of("a.txt"), lf, half);
		write_file(path_of("b.txt"), lf + half, lf_len - half);
		const char *in[] = { path_of("a.txt"), path_of("b.txt") };
		assert_int_equal(build(in, 2, path_of("v.idx"), PWNED_FULL, 0, &st, NULL), 0);
		version_of(path_of("v.idx"), v);
		assert_string_equal(v, v0);
		/* ...and in the wrong order: refused at the first line of the second */
		const char *rev[] = { path_of("b.txt"), path_of("a.txt") };
		struct pwned_build_err err;
		assert_int_equal(build(rev, 2, path_of("v.idx"), PWNED_FULL, 0, &st, &err), -EINVAL);
		assert_non_null(strstr(err.message, "a.txt:1: not sorted"));
	}
	free(lf);
	free(crlf);
	free(c.e);
}

static int collect_range(const unsigned char *hash, uint32_t count, void *ctx)
{
	char **o = ctx;
	char hex[41];

	hexify(hash, 5, 40, hex);
	*o += sprintf(*o, "%s%s:%u", **o ? "" : "", hex, count);
	*(*o)++ = '|';
	**o = '\0';
	return 0;
}

static void ranges_are_exact(void **state)
{
	(void)state;
	for (int k = PWNED_SHA1; k <= PWNED_NTLM; k++) {
		struct corpus c;
		const char *in[] = { path_of("r.txt") };
		struct pwned *p;
		char *text;
		size_t len;

		corpus_make(&c, (enum pwned_kind)k, 20000);
		text = corpus_text(&c, false, &len);
		write_file(in[0], text, len);
		free(text);
		assert_int_equal(build(in, 1, path_of("r.idx"), PWNED_FULL, 0, NULL, NULL), 0);
		assert_int_equal(pwned_open(path_of("r.idx"), &p), 0);
		for (int t = 0; t < 300; t++) {
			uint32_t prefix = t < 200 ? prefix_of(c.e[randombytes_uniform((uint32_t)c.n)].h)
						  : randombytes_uniform(PWNED_PREFIXES);
			char *want = expected_range(&c, prefix), *got;
			size_t got_len;
			assert_int_equal(pwned_range_text(p, prefix, false, &got, &got_len), 0);
			assert_int_equal(got_len, strlen(got));
			assert_string_equal(got, want);
			if (k == PWNED_SHA1 && *got)
				assert_int_equal(strcspn(got, ":"), 35);
			if (k == PWNED_NTLM && *got)
				assert_int_equal(strcspn(got, ":"), 27);
			free(want);
			free(got);
		}
		/* the callback form gives whole hashes */
		if (k == PWNED_SHA1) {
			char buf[4096] = "", *o = buf, *got;
			size_t got_len;
			assert_int_equal(pwned_range(p, 0x21BD1, collect_range, &o), 0);
			assert_non_null(strstr(buf, "2DC183F740EE76F27B78EB39C8AD972A757:52256|"));
			assert_int_equal(pwned_range_text(p, 0x21BD1, false, &got, &got_len), 0);
			assert_non_null(strstr(got, "2DC183F740EE76F27B78EB39C8AD972A757:52256"));
			free(got);
		}
		assert_int_equal(pwned_range(p, PWNED_PREFIXES, collect_range, NULL), -EINVAL);
		pwned_close(p);
		free(c.e);
	}
}

/* Check one padded answer against the unpadded one; returns its line count. */
static size_t check_padded(const char *plain, const char *padded, size_t suffix_len)
{
	size_t lines = 0, real = 0, plain_lines = *plain ? 1 : 0;
	char prev[64] = "";
	const char *s = padded;

	for (const char *q = plain; *q; q++)
		plain_lines += *q == '\n';
	assert_true(*padded);
	for (;;) {
		const char *end = strstr(s, "\r\n"), *colon;
		size_t n = end ? (size_t)(end - s) : strlen(s);
		char line[64];
		assert_true(n < sizeof(line));
		memcpy(line, s, n);
		line[n] = '\0';
		colon = strchr(line, ':');
		assert_non_null(colon);
		assert_int_equal((size_t)(colon - line), suffix_len);
		assert_int_equal(strspn(line, HEX), suffix_len); /* uppercase hex */
		/* strictly increasing suffixes: no duplicate, no clash */
		assert_true(strncmp(prev, line, suffix_len) < 0);
		memcpy(prev, line, suffix_len);
		if (strcmp(colon, ":0") == 0) {
			char key[64];
			memcpy(key, line, suffix_len);
			key[suffix_len] = ':';
			key[suffix_len + 1] = '\0';
			assert_null(strstr(plain, key)); /* a padding suffix is never a real one */
		} else {
			assert_non_null(strstr(plain, line));
			real++;
		}
		lines++;
		if (!end)
			break;
		s = end + 2;
	}
	assert_int_equal(real, plain_lines);
	assert_false(padded[strlen(padded) - 1] == '\n');
	return lines;
}

static void padding(void **state)
{
	struct corpus c;
	const char *in[] = { path_of("pad.txt") };
	struct pwned *p;
	char *text, *plain, *padded;
	size_t len, min = SIZE_MAX, max = 0;

	(void)state;
	corpus_make(&c, PWNED_SHA1, 5000);
	text = corpus_text(&c, false, &len);
	write_file(in[0], text, len);
	free(text);
	assert_int_equal(build(in, 1, path_of("pad.idx"), PWNED_FULL, 0, NULL, NULL), 0);
	assert_int_equal(pwned_open(path_of("pad.idx"), &p), 0);
	for (int t = 0; t < 40; t++) {
		uint32_t prefix = t % 2 ? 0x21BD1 : randombytes_uniform(PWNED_PREFIXES);
		size_t lines;
		assert_int_equal(pwned_range_text(p, prefix, false, &plain, &len), 0);
		assert_int_equal(pwned_range_text(p, prefix, true, &padded, &len), 0);
		assert_int_equal(len, strlen(padded));
		lines = check_padded(plain, padded, 35);
		assert_true(lines >= PWNED_PAD_MIN && lines <= PWNED_PAD_MAX);
		min = lines < min ? lines : min;
		max = lines > max ? lines : max;
		free(plain);
		free(padded);
	}
	assert_true(max > min); /* the size varies */
	pwned_close(p);
	free(c.e);

	/* a range already over 1,000 lines gets 10..200 more */
	{
		struct pwned_build_options o = { .kind = PWNED_NTLM, .build_time = BUILD_TIME };
		struct pwned_builder *b;
		unsigned char h[PWNED_NTLM_SIZE];
		assert_int_equal(pwned_builder_new(path_of("big.idx"), &o, &b), 0);
		for (uint32_t i = 0; i < 1500; i++) {
			memset(h, 0, sizeof(h));
			h[0] = 0xAB, h[1] = 0xCD, h[2] = 0xE0 | (i >> 8 & 0xf);
			h[3] = (unsigned char)i;
			h[15] = 0x42;
			assert_int_equal(pwned_builder_add(b, h, sizeof(h), i + 1), 0);
		}
		assert_int_equal(pwned_builder_commit(b, true, NULL, NULL), 0);
		assert_int_equal(pwned_open(path_of("big.idx"), &p), 0);
		for (int t = 0; t < 10; t++) {
			size_t lines;
			assert_int_equal(pwned_range_text(p, 0xABCDE, false, &plain, &len), 0);
			assert_int_equal(pwned_range_text(p, 0xABCDE, true, &padded, &len), 0);
			lines = check_padded(plain, padded, 27);
			assert_true(lines >= 1510 && lines <= 1700);
			free(plain);
			free(padded);
		}
		pwned_close(p);
	}
}

static bool temp_files_left(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;

	assert_non_null(d);
	while ((e = readdir(d)))
		found |= strstr(e->d_name, ".tmp.") != NULL;
	closedir(d);
	return found;
}

static void unsorted_input_refused(void **state)
{
	static const char text[] =
		"0000000000000000000000000000000000000001:1\n"
		"21BD12DC183F740EE76F27B78EB39C8AD972A757:52256\n"
		"21BD12DC183F740EE76F27B78EB39C8AD972A756:3\n"
		"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:1\n";
	const char *in[] = { path_of("unsorted.txt") }, *good[] = { path_of("good.txt") };
	struct pwned_build_err err;
	char v0[PWNED_VERSION_SIZE], v[PWNED_VERSION_SIZE];

	(void)state;
	write_file(in[0], text, sizeof(text) - 1);
	unlink(path_of("out.idx"));
	assert_int_equal(build(in, 1, path_of("out.idx"), PWNED_FULL, 0, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.message, "unsorted.txt:3: not sorted"));
	assert_int_equal(access(path_of("out.idx"), F_OK), -1);
	assert_false(temp_files_left());
	/* an existing index survives a failed rebuild untouched */
	write_file(good[0], text, (size_t)(strstr(text, "21BD12DC183F740EE76F27B78EB39C8AD972A756") - text));
	assert_int_equal(build(good, 1, path_of("out.idx"), PWNED_FULL, 0, NULL, NULL), 0);
	version_of(path_of("out.idx"), v0);
	assert_int_equal(build(in, 1, path_of("out.idx"), PWNED_FULL, 0, NULL, &err), -EINVAL);
	version_of(path_of("out.idx"), v);
	assert_string_equal(v, v0);
	assert_false(temp_files_left());
	/* a truncated compressed input is an error, not a short index */
	{
		char big[200000];
		size_t n = 0;
		for (int i = 0; n + 64 < sizeof(big); i++)
			n += (size_t)sprintf(big + n, "%040X:%d\n", (unsigned)i + 1, i + 1);
		size_t z = write_zstd(path_of("cut.zst"), big, n);
		assert_int_equal(truncate(path_of("cut.zst"), (off_t)(z - 10)), 0);
		const char *cut[] = { path_of("cut.zst") };
		assert_int_equal(build(cut, 1, path_of("out.idx"), PWNED_FULL, 0, NULL, &err), -EBADMSG);
		assert_non_null(strstr(err.message, "corrupt or truncated"));
		write_gzip(path_of("cut.gz"), big, n, 1);
		assert_int_equal(truncate(path_of("cut.gz"), 300), 0);
		cut[0] = path_of("cut.gz");
		assert_int_equal(build(cut, 1, path_of("out.idx"), PWNED_FULL, 0, NULL, &err), -EBADMSG);
		version_of(path_of("out.idx"), v);
		assert_string_equal(v, v0);
	}
	/* a directory with a stray file */
	assert_int_equal(mkdir(path_of("stray"), 0755), 0);
	write_file(path_of("stray/21BD1.txt"), "2DC183F740EE76F27B78EB39C8AD972A757:1", 37);
	write_file(path_of("stray/README"), "x", 1);
	in[0] = path_of("stray");
	assert_int_equal(build(in, 1, path_of("out.idx"), PWNED_FULL, 0, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.message, "unexpected file 'README'"));
}

/* Read the whole file; caller frees. */
static unsigned char *slurp(const char *path, size_t *ret_len)
{
	struct stat st;
	unsigned char *b;
	FILE *f = fopen(path, "rb");

	assert_non_null(f);
	assert_int_equal(fstat(fileno(f), &st), 0);
	b = malloc((size_t)st.st_size + 1);
	assert_int_equal(fread(b, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	*ret_len = (size_t)st.st_size;
	return b;
}

static int open_variant(const unsigned char *b, size_t len, int verify)
{
	struct pwned *p;
	int rc;

	write_file(path_of("bad.idx"), b, len);
	if ((rc = pwned_open(path_of("bad.idx"), &p)) < 0)
		return rc;
	rc = verify ? pwned_verify(p, NULL, NULL) : 0;
	pwned_close(p);
	return rc;
}

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Recompute the checksums after a deliberate change (to reach deeper checks). */
static void reseal(unsigned char *b)
{
	uint64_t data_off = le64(b + 72), data_size = le64(b + 80);
	XXH128_hash_t x = XXH3_128bits(b + data_off, data_size);
	XXH128_canonical_t c;

	XXH128_canonicalFromHash(&c, x);
	memcpy(b + 104, c.digest, 16);
	put64(b + 120, XXH3_64bits(b, 120));
}

static void corruption_detected(void **state)
{
	struct corpus c;
	const char *in[] = { path_of("c.txt") };
	unsigned char *b, *m;
	size_t len, tlen;
	uint64_t data_off;
	char *text;

	(void)state;
	corpus_make(&c, PWNED_SHA1, 2000);
	text = corpus_text(&c, false, &tlen);
	write_file(in[0], text, tlen);
	free(text);
	assert_int_equal(build(in, 1, path_of("c.idx"), PWNED_FULL, 0, NULL, NULL), 0);
	b = slurp(path_of("c.idx"), &len);
	m = malloc(len + 1);
	data_off = le64(b + 72);
	assert_int_equal(open_variant(b, len, 1), 0);
	/* truncated, anywhere */
	assert_int_equal(open_variant(b, len - 1, 0), -ENODATA);
	assert_int_equal(open_variant(b, (size_t)data_off, 0), -ENODATA);
	assert_int_equal(open_variant(b, 5000, 0), -ENODATA);
	assert_int_equal(open_variant(b, 100, 0), -ENODATA);
	assert_int_equal(open_variant(b, 3, 0), -EMEDIUMTYPE);
	/* grown */
	memcpy(m, b, len);
	m[len] = 0;
	assert_int_equal(open_variant(m, len + 1, 0), -EUCLEAN);
	/* a flipped bit in the header, the tables, the data */
	memcpy(m, b, len);
	m[20] ^= 1;
	assert_int_equal(open_variant(m, len, 0), -EBADMSG);
	memcpy(m, b, len);
	m[4096 + 8 * 1000] ^= 0x10;
	assert_int_equal(open_variant(m, len, 0), -EBADMSG);
	for (int t = 0; t < 20; t++) {
		size_t at = (size_t)data_off + randombytes_uniform((uint32_t)(len - data_off));
		memcpy(m, b, len);
		m[at] ^= (unsigned char)(1u << randombytes_uniform(8));
		assert_int_equal(open_variant(m, len, 0), 0); /* open is quick... */
		assert_int_equal(open_variant(m, len, 1), -EBADMSG); /* ...verify reads all */
	}
	/* not an index at all */
	memcpy(m, b, len);
	memcpy(m, "NOTANIDX", 8);
	assert_int_equal(open_variant(m, len, 0), -EMEDIUMTYPE);
	/* a future format version */
	memcpy(m, b, len);
	m[8] = 2;
	reseal(m);
	assert_int_equal(open_variant(m, len, 0), -EPROTONOSUPPORT);
	free(m);
	free(b);
	/* records out of order, checksums made to match: verify still refuses */
	{
		struct pwned_build_options o = { .build_time = BUILD_TIME };
		struct pwned_builder *bl;
		unsigned char h[20] = { 0x21, 0xBD, 0x12 }, tmp[18];
		assert_int_equal(pwned_builder_new(path_of("order.idx"), &o, &bl), 0);
		for (unsigned char i = 0; i < 10; i++) {
			h[19] = i;
			assert_int_equal(pwned_builder_add(bl, h, 20, i + 1u), 0);
		}
		assert_int_equal(pwned_builder_commit(bl, true, NULL, NULL), 0);
		b = slurp(path_of("order.idx"), &len);
		m = b + le64(b + 72); /* the only block: its first two records */
		memcpy(tmp, m, 18);
		memcpy(m, m + 18, 18);
		memcpy(m + 18, tmp, 18);
		reseal(b);
		assert_int_equal(open_variant(b, len, 0), 0);
		assert_int_equal(open_variant(b, len, 1), -EUCLEAN);
	}
	free(b);
	free(c.e);
}

static void compact_density(void **state)
{
	enum { N = 200000, Q = 1000000 };
	unsigned char *hs = NULL;
	size_t n = 0;

	(void)state;
	/* N random hashes, sorted and unique */
	hs = malloc((size_t)N * 20);
	randombytes_buf(hs, (size_t)N * 20);
	g_hs = 20;
	{
		struct entry *tmp = calloc(N, sizeof(*tmp));
		for (size_t i = 0; i < N; i++)
			memcpy(tmp[i].h, hs + i * 20, 20);
		qsort(tmp, N, sizeof(*tmp), cmp_entry);
		for (size_t i = 0; i < N; i++)
			if (n == 0 || memcmp(hs + (n - 1) * 20, tmp[i].h, 20))
				memcpy(hs + n++ * 20, tmp[i].h, 20);
		free(tmp);
	}
	for (unsigned bits = 8; bits <= 32; bits += 24) {
		struct pwned_build_options o = { .density = PWNED_COMPACT, .fp_bits = bits,
						 .build_time = BUILD_TIME };
		struct pwned_builder *b;
		struct pwned_info info;
		struct pwned *p;
		unsigned char q[20];
		uint64_t fp = 0, data_off = (4096 + 8 * (PWNED_PREFIXES + 1) + 4095) / 4096 * 4096;
		double expect;
		uint32_t count = 99;
		char *text;
		size_t len;

		assert_int_equal(pwned_builder_new(path_of("compact.idx"), &o, &b), 0);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(pwned_builder_add(b, hs + i * 20, 20, 3), 0);
		assert_int_equal(pwned_builder_commit(b, true, NULL, NULL), 0);
		assert_int_equal(pwned_open(path_of("compact.idx"), &p), 0);
		pwned_get_info(p, &info);
		assert_int_equal(info.density, PWNED_COMPACT);
		assert_int_equal(info.fp_bits, bits);
		assert_int_equal(info.hashes, n);
		/* size: a fixed header and table, then exactly bits/8 bytes a record */
		assert_int_equal(info.file_size, data_off + info.records * bits / 8);
		assert_true(bits / 8 <= 8);
		/* no false negatives */
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(pwned_lookup(p, hs + i * 20, 20, &count), 0);
			assert_int_equal(count, 0); /* counts are not stored */
		}
		/* false positives: records / 2^(20 + bits) per absent hash */
		for (int i = 0; i < Q; i++) {
			randombytes_buf(q, sizeof(q));
			fp += pwned_lookup(p, q, 20, NULL) == 0;
		}
		expect = (double)Q * (double)info.records / ldexp(1.0, 20 + (int)bits);
		print_message("compact %u-bit: %llu hashes, %llu records, %llu false positives in %d "
			      "lookups (expected %.1f, rate %.2e)\n", bits,
			      (unsigned long long)info.hashes, (unsigned long long)info.records,
			      (unsigned long long)fp, Q, expect, (double)fp / Q);
		assert_true(fabs((double)fp - expect) <= 5 * sqrt(expect) + 1);
		if (bits == 32)
			assert_int_equal(fp, 0);
		assert_int_equal(pwned_range_text(p, 0, false, &text, &len), -EOPNOTSUPP);
		assert_int_equal(pwned_range(p, 0, collect_range, NULL), -EOPNOTSUPP);
		assert_int_equal(pwned_verify(p, NULL, NULL), 0);
		pwned_close(p);
	}
	free(hs);
	/* bad widths are refused */
	{
		struct pwned_build_options o = { .density = PWNED_COMPACT, .fp_bits = 12 };
		struct pwned_builder *b;
		assert_int_equal(pwned_builder_new(path_of("x.idx"), &o, &b), -EINVAL);
		o.fp_bits = 64;
		assert_int_equal(pwned_builder_new(path_of("x.idx"), &o, &b), -EINVAL);
	}
}

static void builder_contract(void **state)
{
	struct pwned_build_options o = { .build_time = BUILD_TIME };
	struct pwned_builder *b;
	struct pwned *p;
	unsigned char h1[20] = { 1 }, h2[20] = { 2 }, n16[16] = { 3 };
	char *text;
	size_t len;
	uint32_t count = 7;

	(void)state;
	assert_int_equal(pwned_builder_new(path_of("b.idx"), &o, &b), 0);
	assert_int_equal(pwned_builder_add(b, h2, 20, 1), 0);
	assert_int_equal(pwned_builder_add(b, h1, 20, 1), -EDOM);
	assert_int_equal(pwned_builder_add(b, h2, 20, 1), -EDOM);
	assert_int_equal(pwned_builder_add(b, n16, 16, 1), -EINVAL);
	assert_int_equal(pwned_builder_count(b), 1);
	/* abandoned: nothing written, nothing left behind */
	pwned_builder_free(b);
	assert_int_equal(access(path_of("b.idx"), F_OK), -1);
	assert_false(temp_files_left());
	/* empty: a valid index that holds nothing */
	assert_int_equal(pwned_builder_new(path_of("empty.idx"), &o, &b), 0);
	assert_int_equal(pwned_builder_commit(b, true, NULL, NULL), 0);
	assert_int_equal(pwned_open(path_of("empty.idx"), &p), 0);
	assert_int_equal(pwned_lookup(p, h1, 20, &count), -ENOENT);
	assert_int_equal(count, 7); /* untouched on failure */
	assert_int_equal(pwned_range_text(p, 0x01000, false, &text, &len), 0);
	assert_int_equal(len, 0);
	assert_string_equal(text, "");
	free(text);
	assert_int_equal(pwned_verify(p, NULL, NULL), 0);
	pwned_close(p);
	/* counts of every size, including over 15 and 0 (kept in overflow) */
	{
		static const uint32_t counts[] = { 1, 15, 16, 0, 255, 65536, 4294967295u, 2 };
		unsigned char h[20];
		assert_int_equal(pwned_builder_new(path_of("counts.idx"), &o, &b), 0);
		for (unsigned i = 0; i < 8; i++) {
			memset(h, 0x21, sizeof(h));
			h[19] = (unsigned char)i;
			assert_int_equal(pwned_builder_add(b, h, 20, counts[i]), 0);
		}
		assert_int_equal(pwned_builder_commit(b, true, NULL, NULL), 0);
		assert_int_equal(pwned_open(path_of("counts.idx"), &p), 0);
		for (unsigned i = 0; i < 8; i++) {
			memset(h, 0x21, sizeof(h));
			h[19] = (unsigned char)i;
			assert_int_equal(pwned_lookup(p, h, 20, &count), 0);
			assert_int_equal(count, counts[i]);
		}
		pwned_close(p);
	}
	/* a missing file and a directory */
	assert_int_equal(pwned_open(path_of("nope.idx"), &p), -ENOENT);
	assert_int_equal(pwned_open(dir, &p), -EMEDIUMTYPE);
}

/* ------------------------------------------------------------------------ */
/* Hot swap                                                                 */
/* ------------------------------------------------------------------------ */

struct swap_ctx {
	struct pwned_set *set;
	unsigned char h[20];
	atomic_bool stop;
	atomic_ulong ops, failures;
};

static void *reader(void *arg)
{
	struct swap_ctx *s = arg;

	while (!atomic_load(&s->stop)) {
		struct pwned *p = pwned_set_get(s->set, PWNED_SHA1);
		uint32_t count = 0;
		char *text = NULL;
		size_t len;
		if (!p || pwned_lookup(p, s->h, 20, &count) != 0 || (count != 1000 && count != 2000) ||
		    pwned_range_text(p, 0x21BD1, (atomic_load(&s->ops) & 1) != 0, &text, &len) != 0 ||
		    !strstr(text, count == 1000 ? "A757:1000" : "A757:2000"))
			atomic_fetch_add(&s->failures, 1);
		free(text);
		pwned_close(p);
		atomic_fetch_add(&s->ops, 1);
	}
	return NULL;
}

static void build_swap_index(const char *path, uint32_t count)
{
	struct pwned_build_options o = { .build_time = BUILD_TIME };
	struct pwned_builder *b;
	unsigned char h[20];

	assert_int_equal(pwned_builder_new(path, &o, &b), 0);
	assert_int_equal(pwned_hash_password(PWNED_SHA1, "P@ssw0rd", 8, h), 0);
	assert_int_equal(pwned_builder_add(b, h, 20, count), 0);
	assert_int_equal(pwned_builder_commit(b, false, NULL, NULL), 0);
}

static void concurrent_swap(void **state)
{
	struct swap_ctx s = { 0 };
	pthread_t th[4];
	struct pwned *p;
	uint32_t count;
	int swaps = 0;

	(void)state;
	build_swap_index(path_of("swap-a.idx"), 1000);
	build_swap_index(path_of("swap-b.idx"), 2000);
	assert_int_equal(pwned_set_new(&s.set), 0);
	assert_null(pwned_set_get(s.set, PWNED_SHA1));
	assert_int_equal(pwned_set_breached(s.set, "P@ssw0rd", &count), -ENODEV);
	assert_int_equal(pwned_hash_password(PWNED_SHA1, "P@ssw0rd", 8, s.h), 0);
	assert_int_equal(pwned_open(path_of("swap-a.idx"), &p), 0);
	pwned_set_put(s.set, p);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, reader, &s), 0);
	/* swap while they read, until both many swaps and many reads happened */
	while (swaps < 40 || atomic_load(&s.ops) < 5000) {
		assert_int_equal(pwned_open(path_of(swaps % 2 ? "swap-a.idx" : "swap-b.idx"), &p), 0);
		pwned_set_put(s.set, p);
		swaps++;
		if (swaps > 100000)
			break;
	}
	atomic_store(&s.stop, true);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	print_message("swap: %d swaps, %lu lookups and ranges, %lu failures\n", swaps,
		      (unsigned long)atomic_load(&s.ops), (unsigned long)atomic_load(&s.failures));
	assert_int_equal(atomic_load(&s.failures), 0);
	assert_int_equal(pwned_set_generation(s.set), (uint64_t)swaps + 1);
	/* the policy hook */
	assert_int_equal(pwned_set_breached(s.set, "P@ssw0rd", &count), 0);
	assert_true(count == 1000 || count == 2000);
	assert_int_equal(pwned_set_breached(s.set, "Tr0ub4dor&3-ungcuu", &count), -ENOENT);
	pwned_set_free(s.set);
}

/* ------------------------------------------------------------------------ */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/ungcuu-pwned-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hash_vectors),
		cmocka_unit_test(lookups_both_kinds),
		cmocka_unit_test(layouts_and_compressions_agree),
		cmocka_unit_test(ranges_are_exact),
		cmocka_unit_test(padding),
		cmocka_unit_test(unsorted_input_refused),
		cmocka_unit_test(corruption_detected),
		cmocka_unit_test(compact_density),
		cmocka_unit_test(builder_contract),
		cmocka_unit_test(concurrent_swap),
	};
	if (argc > 1)
		cmocka_set_test_filter(argv[1]); /* one test by name, when debugging */
	return cmocka_run_group_tests(tests, setup, teardown);
}
