/*
 * test_hibp_input.c — the Pwned Passwords text parser: both layouts, LF and
 * CRLF, any chunking, BOM, padding lines, and every refusal with its line
 * number (unsorted, duplicate, bad hex, bad count, wrong length, long line).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "pwned/hibp_input.h"

struct got {
	unsigned char h[8][20];
	uint32_t count[8];
	size_t len[8];
	int n;
};

static int collect(const unsigned char *hash, size_t len, uint32_t count, void *ctx)
{
	struct got *g = ctx;

	if (g->n == 8)
		return -ENOSPC;
	memcpy(g->h[g->n], hash, len);
	g->len[g->n] = len;
	g->count[g->n++] = count;
	return 0;
}

/* Parse text as one file, fed in chunks of `chunk` bytes (0: all at once). */
static int parse(const char *text, long prefix, size_t chunk, struct got *g, uint64_t *ret_line,
		 const char **ret_err)
{
	static char err[200];
	struct hibp_input *p;
	size_t len = strlen(text);
	int rc = 0;

	memset(g, 0, sizeof(*g));
	assert_int_equal(hibp_input_new(0, &p), 0);
	hibp_input_begin(p, prefix);
	if (!chunk)
		chunk = len ? len : 1;
	for (size_t off = 0; off < len && rc == 0; off += chunk)
		rc = hibp_input_feed(p, text + off, len - off < chunk ? len - off : chunk, collect, g);
	if (rc == 0)
		rc = hibp_input_end(p, collect, g);
	if (ret_line)
		*ret_line = hibp_input_line(p);
	if (ret_err) {
		snprintf(err, sizeof(err), "%s", hibp_input_error(p));
		*ret_err = err;
	}
	hibp_input_free(p);
	return rc;
}

#define A "0000000000000000000000000000000000000001"
#define B "21BD12DC183F740EE76F27B78EB39C8AD972A757"
#define C "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"

static void full_lines_any_chunking(void **state)
{
	static const char *texts[] = {
		A ":1\n" B ":52256\n" C ":4294967295\n",
		A ":1\r\n" B ":52256\r\n" C ":4294967295\r\n",
		A ":1\r\n" B ":52256\r\n" C ":4294967295",          /* no final newline */
		"\xef\xbb\xbf" A ":1\n\n" B ":52256\n" C ":4294967295\n\n", /* BOM, blank lines */
		"0000000000000000000000000000000000000001:1\n21bd12dc183f740ee76f27b78eb39c8ad972a757:52256\n"
		"ffffffffffffffffffffffffffffffffffffffff:4294967295\n", /* lowercase */
	};

	(void)state;
	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++)
		for (size_t chunk = 0; chunk < 50; chunk++) {
			struct got g;
			assert_int_equal(parse(texts[t], HIBP_INPUT_NO_PREFIX, chunk, &g, NULL, NULL), 0);
			assert_int_equal(g.n, 3);
			assert_int_equal(g.len[1], 20);
			assert_int_equal(g.count[0], 1);
			assert_int_equal(g.count[1], 52256);
			assert_int_equal(g.count[2], 4294967295u);
			assert_int_equal(g.h[1][0], 0x21);
			assert_int_equal(g.h[1][19], 0x57);
			assert_int_equal(g.h[0][19], 0x01);
		}
}

static void prefix_files(void **state)
{
	struct got g;
	uint64_t line;
	const char *err;

	(void)state;
	/* the range API's body: CRLF between lines, none after the last */
	assert_int_equal(parse("2DC183F740EE76F27B78EB39C8AD972A757:52256\r\n"
			       "2DC183F740EE76F27B78EB39C8AD972A758:3",
			       0x21BD1, 7, &g, NULL, NULL), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.h[0][0], 0x21);
	assert_int_equal(g.h[0][2], 0x12);
	assert_int_equal(g.h[0][19], 0x57);
	assert_int_equal(g.count[1], 3);
	/* NTLM: 27 digits after a 5-digit prefix */
	assert_int_equal(parse("CF75EE54E06B06A5907AF13CEF42:7", 0xE19C, 0, &g, NULL, NULL), -EINVAL);
	assert_int_equal(parse("F75EE54E06B06A5907AF13CEF42:7", 0xE19CC, 0, &g, NULL, NULL), 0);
	assert_int_equal(g.len[0], 16);
	assert_int_equal(g.h[0][0], 0xE1);
	assert_int_equal(g.h[0][2], 0xCF);
	/* a suffix needs a prefix */
	assert_int_equal(parse("2DC183F740EE76F27B78EB39C8AD972A757:1\n", HIBP_INPUT_NO_PREFIX, 0,
			       &g, &line, &err), -EINVAL);
	assert_int_equal(line, 1);
	assert_non_null(strstr(err, "prefix"));
}

static void padding_lines_skipped(void **state)
{
	struct got g;

	(void)state;
	/* HIBP appends padding (count 0) unsorted at the end: not data */
	assert_int_equal(parse(B ":5\r\n" C ":0\r\n" A ":0", HIBP_INPUT_NO_PREFIX, 0, &g, NULL, NULL), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.count[0], 5);
}

static void refusals_name_the_line(void **state)
{
	static const struct {
		const char *text;
		uint64_t line;
		const char *why;
	} cases[] = {
		{ B ":1\n" A ":1\n", 2, "not sorted" },
		{ A ":1\n" B ":1\n" B ":2\n", 3, "duplicate" },
		{ A ":1\n" "21BD12DC183F740EE76F27B78EB39C8AD972A75G:1\n", 2, "hexadecimal" },
		{ A ":1\n" B ":\n", 2, "count" },
		{ A ":1\n" B ":12a\n", 2, "count" },
		{ A ":1\n" B ": 1\n", 2, "count" },
		{ A ":1\n" B ":99999999999\n", 2, "count" },
		{ A ":4294967296\n", 1, "count over" },
		{ A ":1\n" B "\n", 2, "HASH:COUNT" },
		{ A ":1\n" "E19CCF75EE54E06B06A5907AF13CEF42:1\n", 2, "SHA-1" },
		{ "1234:5\n", 1, "40 (SHA-1)" },
		{ A ":1\n\n\n" B ":1:2\n", 4, "count" },
	};
	char longline[400];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (size_t chunk = 0; chunk < 9; chunk += 4) {
			struct got g;
			uint64_t line;
			const char *err;
			assert_int_equal(parse(cases[i].text, HIBP_INPUT_NO_PREFIX, chunk, &g, &line, &err),
					 -EINVAL);
			if (line != cases[i].line || !strstr(err, cases[i].why))
				fail_msg("case %zu: line %llu '%s'", i, (unsigned long long)line, err);
		}
	memset(longline, 'A', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	for (size_t chunk = 0; chunk < 300; chunk += 37) {
		struct got g;
		uint64_t line;
		const char *err;
		assert_int_equal(parse(longline, HIBP_INPUT_NO_PREFIX, chunk, &g, &line, &err), -EINVAL);
		assert_string_equal(err, "line too long");
	}
}

static void order_spans_files(void **state)
{
	struct hibp_input *p;
	struct got g = { 0 };

	(void)state;
	assert_int_equal(hibp_input_new(20, &p), 0);
	hibp_input_begin(p, 0x21BD1);
	assert_int_equal(hibp_input_feed(p, "2DC183F740EE76F27B78EB39C8AD972A757:2", 37, collect, &g), 0);
	assert_int_equal(hibp_input_end(p, collect, &g), 0);
	hibp_input_begin(p, 0x21BD0); /* a lower prefix after a higher one */
	assert_int_equal(hibp_input_feed(p, "\r\n\r\n2DC183F740EE76F27B78EB39C8AD972A757:2\n", 42,
					 collect, &g), -EINVAL);
	assert_int_equal(hibp_input_line(p), 3);
	assert_int_equal(hibp_input_records(p), 1);
	/* sticky: nothing more is accepted */
	assert_int_equal(hibp_input_feed(p, A ":1\n", 43, collect, &g), -EINVAL);
	hibp_input_free(p);
	/* a fixed kind refuses the other */
	assert_int_equal(hibp_input_new(16, &p), 0);
	hibp_input_begin(p, HIBP_INPUT_NO_PREFIX);
	assert_int_equal(hibp_input_feed(p, A ":1\n", 43, collect, &g), -EINVAL);
	hibp_input_free(p);
	assert_int_equal(hibp_input_new(17, &p), -EINVAL);
}

static void callback_errors_stop(void **state)
{
	struct got g;
	char text[2000] = "";

	(void)state;
	for (int i = 0; i < 10; i++)
		sprintf(text + strlen(text), "%039X%X:1\n", 0, i);
	/* collect() refuses the ninth record */
	assert_int_equal(parse(text, HIBP_INPUT_NO_PREFIX, 0, &g, NULL, NULL), -ENOSPC);
	assert_int_equal(g.n, 8);
}

static void file_names(void **state)
{
	(void)state;
	assert_int_equal(hibp_input_name_prefix("21BD1"), 0x21BD1);
	assert_int_equal(hibp_input_name_prefix("21bd1.txt"), 0x21BD1);
	assert_int_equal(hibp_input_name_prefix("FFFFF.txt.zst"), 0xFFFFF);
	assert_int_equal(hibp_input_name_prefix("00000"), 0);
	assert_int_equal(hibp_input_name_prefix("21BD"), HIBP_INPUT_NO_PREFIX);
	assert_int_equal(hibp_input_name_prefix("21BD12"), HIBP_INPUT_NO_PREFIX);
	assert_int_equal(hibp_input_name_prefix("21BDG.txt"), HIBP_INPUT_NO_PREFIX);
	assert_int_equal(hibp_input_name_prefix("pwnedpasswords.txt"), HIBP_INPUT_NO_PREFIX);
	assert_int_equal(hibp_input_name_prefix(""), HIBP_INPUT_NO_PREFIX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_lines_any_chunking),
		cmocka_unit_test(prefix_files),
		cmocka_unit_test(padding_lines_skipped),
		cmocka_unit_test(refusals_name_the_line),
		cmocka_unit_test(order_spans_files),
		cmocka_unit_test(callback_errors_stop),
		cmocka_unit_test(file_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
