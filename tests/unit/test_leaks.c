/*
 * test_leaks.c — the leak scanner's pure parts and its reader: every combo
 * layout, stealer-log blocks in several families' spellings, the line check
 * (UTF-8, binary, over-long), BOM and CR, name normalisation (case,
 * Unicode), exact matching with no substring hits, watched domains and
 * hosts, masking, and the threaded reader over chunk boundaries (a file
 * split into many chunks gives the same hits as one read).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "leaks/leaks_match.h"
#include "leaks/leaks_notice.h"
#include "leaks/leaks_parse.h"
#include "leaks/leaks_scan.h"

static int combo(const char *line, struct leaks_cred c[2])
{
	const char *s = line;
	size_t len = strlen(line);

	leaks_line_trim(&s, &len);
	if (leaks_line_check(s, len) < 0)
		return -1;
	return leaks_combo_parse(s, len, c);
}

#define assert_field(p, len, want)                                              \
	do {                                                                    \
		assert_int_equal((len), strlen(want));                          \
		assert_memory_equal((p), (want), strlen(want));                 \
	} while (0)

static void combo_layouts(void **state)
{
	struct leaks_cred c[2];

	assert_int_equal(combo("binh.tt@hanoi.gov.vn:Mật khẩu#1", c), 1);
	assert_field(c[0].user, c[0].user_len, "binh.tt@hanoi.gov.vn");
	assert_field(c[0].pass, c[0].pass_len, "Mật khẩu#1");
	assert_null(c[0].host);
	assert_int_equal(combo("binh@x.vn;pa:ss", c), 1);
	assert_field(c[0].pass, c[0].pass_len, "pa:ss");
	assert_int_equal(combo("binh@x.vn|p;w", c), 1);
	assert_field(c[0].pass, c[0].pass_len, "p;w");
	assert_int_equal(combo("  binh@x.vn  :secret", c), 1);
	assert_field(c[0].user, c[0].user_len, "binh@x.vn");
	/* url:user:password, with a port, with | and with a space */
	assert_int_equal(combo("https://dvc.hanoi.gov.vn:8443/dang-nhap:unit0010:Pa$$w0rd", c), 1);
	assert_field(c[0].host, c[0].host_len, "dvc.hanoi.gov.vn");
	assert_field(c[0].user, c[0].user_len, "unit0010");
	assert_field(c[0].pass, c[0].pass_len, "Pa$$w0rd");
	assert_int_equal(combo("https://qlvb.gov.vn/login|binh|x:y", c), 1);
	assert_field(c[0].host, c[0].host_len, "qlvb.gov.vn");
	assert_field(c[0].pass, c[0].pass_len, "x:y");
	assert_int_equal(combo("http://a.vn/ binh pw", c), 1);
	assert_field(c[0].user, c[0].user_len, "binh");
	assert_int_equal(combo("android://AbC==@com.vnpt.app/:u1:p1", c), 1);
	assert_field(c[0].host, c[0].host_len, "com.vnpt.app");
	/* host/path:user:password without a scheme: both readings */
	assert_int_equal(combo("portal.gov.vn/login:binh:pa:ss", c), 2);
	assert_field(c[0].user, c[0].user_len, "portal.gov.vn/login");
	assert_field(c[1].host, c[1].host_len, "portal.gov.vn");
	assert_field(c[1].user, c[1].user_len, "binh");
	assert_field(c[1].pass, c[1].pass_len, "pa:ss");
	/* user:password */
	assert_int_equal(combo("unit0010:abc", c), 1);
	assert_field(c[0].user, c[0].user_len, "unit0010");
	/* no credential */
	assert_int_equal(combo("just text", c), 0);
	assert_int_equal(combo("binh@x.vn:", c), 0);
	assert_int_equal(combo(":password", c), 0);
	assert_int_equal(combo("https://a.vn/login:useronly", c), 0);
}

static void line_check(void **state)
{
	char big[LEAKS_LINE_MAX + 2];
	const char *s;
	size_t len;

	assert_int_equal(leaks_line_check("abc@def.vn:hello world", 22), 0);
	assert_int_equal(leaks_line_check("a\tb", 3), 0);
	assert_int_equal(leaks_line_check("Nguyễn Văn Bình:mk", strlen("Nguyễn Văn Bình:mk")), 0);
	assert_int_equal(leaks_line_check("abc\xff" "def@x.vn:pass1234", 20), -EILSEQ);
	assert_int_equal(leaks_line_check("abcdefgh\xc3", 9), -EILSEQ);       /* cut UTF-8 */
	assert_int_equal(leaks_line_check("abcdefgh\0ijk", 12), -EILSEQ);     /* NUL */
	assert_int_equal(leaks_line_check("abc\x01", 4), -EILSEQ);
	assert_int_equal(leaks_line_check("abcdefgh\x7fijklmnop", 17), -EILSEQ);
	memset(big, 'a', sizeof(big));
	assert_int_equal(leaks_line_check(big, LEAKS_LINE_MAX), 0);
	assert_int_equal(leaks_line_check(big, LEAKS_LINE_MAX + 1), -E2BIG);
	s = "\xef\xbb\xbf" "a@b.vn:p\r";
	len = strlen(s);
	leaks_line_trim(&s, &len);
	assert_int_equal(len, 8);
	assert_memory_equal(s, "a@b.vn:p", 8);
}

static int feed_all(const char *text, struct leaks_cred *out, char (*users)[64], char (*pass)[64],
		    char (*hosts)[64], int max)
{
	struct leaks_block *b = malloc(sizeof(*b));
	struct leaks_cred c;
	int n = 0;

	leaks_block_init(b);
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		const char *s = text;
		leaks_line_trim(&s, &len);
		if (leaks_block_feed(b, s, len, &c) == 1 && n < max) {
			snprintf(users[n], 64, "%.*s", (int)c.user_len, c.user);
			snprintf(pass[n], 64, "%.*s", (int)c.pass_len, c.pass);
			snprintf(hosts[n], 64, "%.*s", c.host ? (int)c.host_len : 0, c.host ? c.host : "");
			n++;
		}
		text += nl ? (size_t)(nl - text) + 1 : strlen(text);
	}
	if (leaks_block_end(b, &c) == 1 && n < max) {
		snprintf(users[n], 64, "%.*s", (int)c.user_len, c.user);
		snprintf(pass[n], 64, "%.*s", (int)c.pass_len, c.pass);
		snprintf(hosts[n], 64, "%.*s", c.host ? (int)c.host_len : 0, c.host ? c.host : "");
		n++;
	}
	free(b);
	(void)out;
	return n;
}

static void stealer_blocks(void **state)
{
	char u[8][64], p[8][64], h[8][64];
	/* RedLine: separators */
	const char *redline =
		"URL: https://dvc.hanoi.gov.vn/login\r\n"
		"Username: binh.tt@hanoi.gov.vn\r\n"
		"Password: Hà Nội 2024!\r\n"
		"Application: Google_[Chrome]_Default\r\n"
		"===============\r\n"
		"URL: https://mail.google.com/\r\n"
		"Username: someone@gmail.com\r\n"
		"Password: x\r\n"
		"Application: Edge\r\n"
		"===============\r\n";
	/* Raccoon: USER/PASS, no separators */
	const char *raccoon =
		"URL: https://qlvb.gov.vn/\nUSER: unit0010\nPASS: abc123\n"
		"URL: https://b.vn/\nUSER: u2\nPASS: p2\n";
	/* Vidar: Soft/Host/Login, blank lines; a block without a password */
	const char *vidar =
		"Soft: Chrome\nHost: portal.gov.vn\nLogin: cuong\nPassword: mk1\n\n"
		"Soft: Firefox\nHost: x.vn\nLogin: nobody\nPassword:\n\n"
		"Soft: Edge\nHost: https://y.vn:8080/a\nLogin: last\nPassword: final";

	assert_int_equal(feed_all(redline, NULL, u, p, h, 8), 2);
	assert_string_equal(u[0], "binh.tt@hanoi.gov.vn");
	assert_string_equal(p[0], "Hà Nội 2024!");
	assert_string_equal(h[0], "dvc.hanoi.gov.vn");
	assert_string_equal(u[1], "someone@gmail.com");
	assert_int_equal(feed_all(raccoon, NULL, u, p, h, 8), 2);
	assert_string_equal(u[0], "unit0010");
	assert_string_equal(p[0], "abc123");
	assert_string_equal(h[0], "qlvb.gov.vn");
	assert_string_equal(u[1], "u2");
	assert_int_equal(feed_all(vidar, NULL, u, p, h, 8), 2);
	assert_string_equal(u[0], "cuong");
	assert_string_equal(h[0], "portal.gov.vn");
	assert_string_equal(u[1], "last");
	assert_string_equal(p[1], "final");
	assert_string_equal(h[1], "y.vn");
	assert_true(leaks_block_is_key_line("Password: x", 11));
	assert_true(leaks_block_is_key_line("  LOGIN :x", 10));
	assert_false(leaks_block_is_key_line("binh@x.vn:pass", 14));
}

static void names(void **state)
{
	char out[LEAKS_KEY_MAX];

	assert_int_equal(leaks_key_norm("  Binh.TT@HaNoi.Gov.VN ", 23, out), 20);
	assert_string_equal(out, "binh.tt@hanoi.gov.vn");
	assert_true(leaks_key_norm("BÌNH@SỞ.VN", strlen("BÌNH@SỞ.VN"), out) > 0);
	assert_string_equal(out, "bình@sở.vn");
	/* NFD input normalises to the same NFC name */
	assert_true(leaks_key_norm("bi\xcc\x80nh@so\xcc\x9b\xcc\x89.vn", 16, out) > 0);
	assert_string_equal(out, "bình@sở.vn");
	assert_int_equal(leaks_key_norm("   ", 3, out), -EINVAL);
	assert_int_equal(leaks_key_norm("a\xff", 2, out), -EINVAL);
	assert_string_equal(leaks_key_domain("a@b.vn", 6), "b.vn");
	assert_null(leaks_key_domain("ab.vn", 5));
	assert_null(leaks_key_domain("a@b@c", 5));
	assert_null(leaks_key_domain("@b.vn", 5));
	assert_true(leaks_domain_within("hanoi.gov.vn", 12, "gov.vn", 6));
	assert_true(leaks_domain_within("gov.vn", 6, "gov.vn", 6));
	assert_false(leaks_domain_within("notgov.vn", 9, "gov.vn", 6));
}

static void masks(void **state)
{
	char h[LEAKS_HINT_SIZE], a[200];

	leaks_hint("P@ssw0rd", 8, h);
	assert_string_equal(h, "P••••d (8)");
	leaks_hint("Đà Lạt mùa đông", strlen("Đà Lạt mùa đông"), h);
	assert_string_equal(h, "Đ••••g (15)");
	leaks_hint("abc", 3, h);
	assert_string_equal(h, "•••• (3)");
	leaks_mask_account("binh.tt@hanoi.gov.vn", a, sizeof(a));
	assert_string_equal(a, "b•••t@hanoi.gov.vn");
	leaks_mask_account("ab@x.vn", a, sizeof(a));
	assert_string_equal(a, "•••@x.vn");
	leaks_mask_account("unit0010", a, sizeof(a));
	assert_string_equal(a, "u•••0");
}

static void matching_is_exact(void **state)
{
	struct leaks_match *m;
	uint32_t acc[4];
	char k[LEAKS_KEY_MAX];
	int kl;

	assert_int_equal(leaks_match_new(4, &m), 0);
	assert_int_equal(leaks_match_add_account(m, "Binh.TT@Hanoi.gov.vn", 20, 7), 0);
	assert_int_equal(leaks_match_add_account(m, "binh.tt@hanoi.gov.vn", 20, 9), 0); /* shared */
	assert_int_equal(leaks_match_add_account(m, "unit0010", 8, 3), 0);
	assert_int_equal(leaks_match_names(m), 3);
	for (uint32_t i = 0; i < 5000; i++) { /* grow the table past its first size */
		char n[32];
		snprintf(n, sizeof(n), "user%u@x.vn", i);
		assert_int_equal(leaks_match_add_account(m, n, strlen(n), 100 + i), 0);
	}
	assert_int_equal(leaks_match_seal(m), 0);
	kl = leaks_key_norm("BINH.TT@HANOI.GOV.VN", 20, k);
	assert_int_equal(leaks_match_find(m, leaks_match_hash(k, (size_t)kl), k, (size_t)kl, acc, 4), 2);
	assert_true((acc[0] == 7 && acc[1] == 9) || (acc[0] == 9 && acc[1] == 7));
	/* no substring or prefix hits */
	assert_int_equal(leaks_match_find(m, leaks_match_hash("unit001", 7), "unit001", 7, acc, 4), 0);
	assert_int_equal(leaks_match_find(m, leaks_match_hash("xbinh.tt@hanoi.gov.vn", 21),
					  "xbinh.tt@hanoi.gov.vn", 21, acc, 4), 0);
	assert_int_equal(leaks_match_find(m, leaks_match_hash("user4999@x.vn", 13), "user4999@x.vn", 13,
					  acc, 4), 1);
	assert_int_equal(acc[0], 100 + 4999);
	assert_int_equal(leaks_match_add_domain(m, "Hanoi.GOV.vn"), 0);
	assert_int_equal(leaks_match_add_domain(m, "a@b"), -EINVAL);
	assert_string_equal(leaks_match_domain(m, "so.hanoi.gov.vn", 15), "hanoi.gov.vn");
	assert_null(leaks_match_domain(m, "xhanoi.gov.vn", 13));
	assert_int_equal(leaks_match_add_host(m, "DVC.hanoi.gov.vn", "DVC"), 0);
	assert_string_equal(leaks_match_host(m, "dvc.HANOI.gov.vn", 16), "DVC");
	assert_null(leaks_match_host(m, "dvc.hanoi.gov.vn.evil.com", 25));
	leaks_match_free(m);
}

/* ------------------------------------------------------------------------ */
/* The reader                                                               */
/* ------------------------------------------------------------------------ */

struct seen {
	uint64_t hits, sum;
};

static int count_hit(void *arg, const struct leaks_hit *h)
{
	struct seen *s = arg;

	s->hits++;
	for (size_t i = 0; i < h->naccounts; i++)
		s->sum += h->accounts[i] * 31 + h->pass_len;
	return 0;
}

static void reader_chunks(void **state)
{
	char path[] = "/tmp/test_leaks_XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct leaks_match *m;
	struct leaks_stats st1, st2;
	struct seen s1 = { 0 }, s2 = { 0 };
	struct leaks_scan_opts o = { .threads = 1, .on_hit = count_hit };
	char err[200], *paths[] = { path };
	uint64_t want = 0;

	assert_int_equal(leaks_match_new(100, &m), 0);
	for (uint32_t i = 0; i < 100; i++) {
		char n[32];
		snprintf(n, sizeof(n), "acc%u@hanoi.gov.vn", i);
		assert_int_equal(leaks_match_add_account(m, n, strlen(n), i), 0);
	}
	assert_int_equal(leaks_match_seal(m), 0);
	/* ~9 MB: three chunks of 4 MB; odd line lengths put lines across the boundaries */
	for (uint32_t i = 0; i < 300000; i++) {
		if (i % 997 == 0) {
			fprintf(f, "ACC%u@HANOI.gov.vn:pw%u\r\n", i % 100, i);
			want++;
		} else if (i % 50000 == 1) {
			fputc('x', f);
			for (int k = 0; k < 5000; k++)
				fputs("yyyyyyyyyy", f); /* over-long */
			fputc('\n', f);
		} else {
			fprintf(f, "someone%u@example.com:%.*s\n", i, (int)(i % 17), "abcdefghijklmnopq");
		}
	}
	fprintf(f, "acc1@hanoi.gov.vn:lastline-no-newline");
	want++;
	fclose(f);
	o.arg = &s1;
	assert_int_equal(leaks_scan(m, paths, 1, &o, &st1, err, sizeof(err)), 0);
	o.arg = &s2;
	o.threads = 2;
	assert_int_equal(leaks_scan(m, paths, 1, &o, &st2, err, sizeof(err)), 0);
	assert_int_equal(s1.hits, want);
	assert_int_equal(s2.hits, want);
	assert_int_equal(s1.sum, s2.sum);
	assert_int_equal(st1.lines, 300001);
	assert_int_equal(st2.lines, 300001);
	assert_int_equal(st1.skipped, 6);
	assert_int_equal(st2.skipped, 6);
	assert_int_equal(st1.matched, want);
	unlink(path);
	leaks_match_free(m);
}

/* Lines across the chunk boundaries (4 MiB apart here): an over-long line
 * straddling one, a hit straddling the next, hits just before and after. */
static void chunk_boundaries(void **state)
{
	const long chunk = 4l << 20;
	char path[] = "/tmp/test_leaks_cb_XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct leaks_match *m;
	struct leaks_stats st;
	struct seen s = { 0 };
	struct leaks_scan_opts o = { .threads = 2, .on_hit = count_hit, .arg = &s };
	char err[200], *paths[] = { path };
	uint64_t lines = 0, want = 0;

	assert_int_equal(leaks_match_new(4, &m), 0);
	assert_int_equal(leaks_match_add_account(m, "hit@hanoi.gov.vn", 16, 1), 0);
	assert_int_equal(leaks_match_seal(m), 0);
	/* filler up to 50 bytes before the first boundary */
	while (ftell(f) < chunk - 50 - 40) {
		fprintf(f, "filler%09lu@example.com:password\n", (unsigned long)lines);
		lines++;
	}
	while (ftell(f) < chunk - 50)
		fputc('#', f);
	fputc('\n', f), lines++;
	fprintf(f, "hit@hanoi.gov.vn:before1\n"), lines++, want++; /* ends just before */
	/* an over-long line from before the boundary to well after it */
	for (int k = 0; k < 10000; k++)
		fputs("yyyyyyyyyy", f);
	fputc('\n', f), lines++;
	fprintf(f, "hit@hanoi.gov.vn:after1\n"), lines++, want++;
	while (ftell(f) < 2 * chunk - 10) {
		fprintf(f, "filler%09lu@example.com:password\n", (unsigned long)lines);
		lines++;
	}
	while (ftell(f) < 2 * chunk - 10)
		fputc('#', f);
	fputc('\n', f), lines++;
	fprintf(f, "hit@hanoi.gov.vn:straddles\n"), lines++, want++; /* crosses the boundary */
	fprintf(f, "hit@hanoi.gov.vn:after2\n"), lines++, want++;
	while (ftell(f) < 2 * chunk + chunk / 2) {
		fprintf(f, "filler%09lu@example.com:password\n", (unsigned long)lines);
		lines++;
	}
	fclose(f);
	assert_int_equal(leaks_scan(m, paths, 1, &o, &st, err, sizeof(err)), 0);
	assert_int_equal(st.lines, lines);
	assert_int_equal(st.skipped, 1);
	assert_int_equal(s.hits, want);
	unlink(path);
	leaks_match_free(m);
}

/* The scanner hashes names as it lower-cases them (eight bytes at a time);
 * the table hashes them whole: every length must give the same hash. */
static void fast_path_every_length(void **state)
{
	char path[] = "/tmp/test_leaks_len_XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct leaks_match *m;
	struct leaks_stats st;
	struct seen s = { 0 };
	struct leaks_scan_opts o = { .threads = 1, .on_hit = count_hit, .arg = &s };
	char err[200], *paths[] = { path }, name[64];
	uint32_t n = 0;

	assert_int_equal(leaks_match_new(64, &m), 0);
	for (int len = 6; len <= 60; len++) {
		/* "x...x@v.vn" of `len` bytes, stored lower case, written upper case */
		memset(name, 'x', sizeof(name));
		memcpy(name + len - 5, "@v.vn", 6);
		assert_int_equal(leaks_match_add_account(m, name, (size_t)len, (uint32_t)len), 0);
		for (int i = 0; i < len - 5; i++)
			name[i] = 'X';
		fprintf(f, "%s:pw%s", name, len % 2 ? "\r\n" : "\n");
		n++;
	}
	fprintf(f, "padding@example.com:so that the last names are not at the end\n");
	fclose(f);
	assert_int_equal(leaks_match_seal(m), 0);
	assert_int_equal(leaks_scan(m, paths, 1, &o, &st, err, sizeof(err)), 0);
	assert_int_equal(s.hits, n);
	unlink(path);
	leaks_match_free(m);
}

static void notice_texts(void **state)
{
	json_t *f = json_pack("[{ss ss ss ss}]", "account", "binh.tt@hanoi.gov.vn", "verdict",
			      "valid_now", "hint", "P••••d (8)", "system", "DVC");
	char *subj, *desc, *notice;

	assert_int_equal(leaks_notice_compose(NULL, "0010", "Kho bạc Hà Nội", "combo.txt", f, &subj,
					      &desc, &notice), 0);
	assert_non_null(strstr(subj, "Kho bạc Hà Nội"));
	assert_non_null(strstr(notice, "b•••t@hanoi.gov.vn"));
	assert_null(strstr(notice, "binh.tt@"));
	assert_non_null(strstr(notice, "Đổi mật khẩu"));
	assert_non_null(strstr(notice, "info-stealer"));
	assert_non_null(strstr(desc, "ĐANG DÙNG"));
	free(subj);
	free(desc);
	free(notice);
	json_decref(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(combo_layouts),
		cmocka_unit_test(line_check),
		cmocka_unit_test(stealer_blocks),
		cmocka_unit_test(names),
		cmocka_unit_test(masks),
		cmocka_unit_test(matching_is_exact),
		cmocka_unit_test(reader_chunks),
		cmocka_unit_test(fast_path_every_length),
		cmocka_unit_test(chunk_boundaries),
		cmocka_unit_test(notice_texts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
