/*
 * test_csvrec.c - unit tests for CSV record parsing (core/csvrec).
 *
 * Each record is rendered as "line|field|field..." into a small log so a
 * test can compare the whole parse with one string.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/csvrec.h"

struct log {
	char buf[4096];
	size_t len;
	size_t records;
	size_t stop_after;      /* return 99 after this many records; 0: never */
};

static int record(size_t line, char **fields, size_t nfields, void *arg)
{
	struct log *g = arg;
	int w;

	assert_true(nfields >= 1);
	w = snprintf(g->buf + g->len, sizeof(g->buf) - g->len, "%zu", line);
	assert_true(w > 0 && (size_t)w < sizeof(g->buf) - g->len);
	g->len += (size_t)w;
	for (size_t i = 0; i < nfields; i++) {
		w = snprintf(g->buf + g->len, sizeof(g->buf) - g->len, "|%s",
			     fields[i]);
		assert_true(w > 0 && (size_t)w < sizeof(g->buf) - g->len);
		g->len += (size_t)w;
	}
	assert_true(g->len + 1 < sizeof(g->buf));
	g->buf[g->len++] = '\n';
	g->buf[g->len] = '\0';
	g->records++;
	return g->stop_after && g->records == g->stop_after ? 99 : 0;
}

/* Parse s with limits lim (NULL: defaults) and expect success and log. */
static void parse_ok_lim(const char *s, size_t n,
			 const struct csvrec_limits *lim, const char *want)
{
	struct log g = {0};
	char err[128] = "untouched";

	assert_int_equal(csvrec_parse(s, n, lim, record, &g, err, sizeof(err)),
			 0);
	assert_string_equal(err, "");
	assert_string_equal(g.buf, want);
}

static void parse_ok(const char *s, const char *want)
{
	parse_ok_lim(s, strlen(s), NULL, want);
}

/* Parse s and expect -EINVAL with the message want. */
static void parse_err_lim(const char *s, size_t n,
			  const struct csvrec_limits *lim, const char *want)
{
	struct log g = {0};
	char err[128] = "";

	assert_int_equal(csvrec_parse(s, n, lim, record, &g, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, want);
}

static void parse_err(const char *s, const char *want)
{
	parse_err_lim(s, strlen(s), NULL, want);
}

static void simple(void **state)
{
	(void)state;
	parse_ok("shkb,ten\n0010,Hà Nội\n0020,Hải Phòng\n",
		 "1|shkb|ten\n2|0010|Hà Nội\n3|0020|Hải Phòng\n");
	/* No final newline. */
	parse_ok("a,b\nc,d", "1|a|b\n2|c|d\n");
	/* Nothing is trimmed and empty fields stay empty strings. */
	parse_ok(" a , b ,\n,,\n", "1| a | b |\n2|||\n");
	parse_ok("", "");
}

static void quoted(void **state)
{
	(void)state;
	parse_ok("\"a,b\",c\n", "1|a,b|c\n");
	parse_ok("\"say \"\"hi\"\"\",x\n", "1|say \"hi\"|x\n");
	parse_ok("\"\",\"\"\"\"\n", "1||\"\n");
	/* Embedded newlines: the next record's line is still right. */
	parse_ok("1,\"two\nlines\"\n2,\"three\n\nlines\"\n3,x\n",
		 "1|1|two\nlines\n3|2|three\n\nlines\n6|3|x\n");
	parse_ok("\"a\r\nb\",c\r\nd,e\r\n", "1|a\r\nb|c\n3|d|e\n");
}

static void line_ends(void **state)
{
	(void)state;
	parse_ok("a,b\r\nc,d\r\n", "1|a|b\n2|c|d\n");
	parse_ok("a,b\r\nc,d\ne,f", "1|a|b\n2|c|d\n3|e|f\n");
	/* Fully empty lines are skipped but still counted. */
	parse_ok("\n\na\n\r\n\nb\n\n", "3|a\n6|b\n");
	/* A lone CR ends a line too. */
	parse_ok("a\rb\r\rc", "1|a\n2|b\n4|c\n");
}

static void bom_and_utf8(void **state)
{
	(void)state;
	parse_ok("\xEF\xBB\xBFshkb,ten\n0010,Kho bạc Nhà nước Hà Nội\n",
		 "1|shkb|ten\n2|0010|Kho bạc Nhà nước Hà Nội\n");
	/* Only a leading BOM is stripped. */
	parse_ok("a,\xEF\xBB\xBF" "b\n", "1|a|\xEF\xBB\xBF" "b\n");
	parse_ok("\xEF\xBB\xBF", "");
	parse_ok("\"Đà Nẵng, Việt Nam\",ĐN\n", "1|Đà Nẵng, Việt Nam|ĐN\n");
}

static void bad_utf8_and_nul(void **state)
{
	(void)state;
	parse_err("a,b,c\nx,y\xFF,z\n", "line 2: invalid UTF-8 in field 2");
	parse_err("a\n\n\n\n\n\nx,y,\"\xC3\"\n",
		  "line 7: invalid UTF-8 in field 3");
	parse_err("\xED\xA0\x80\n", "line 1: invalid UTF-8 in field 1");
	parse_err_lim("a\nb,c\0d\n", 8, NULL, "line 2: NUL byte in field 2");
	parse_err_lim("\"\0\"", 3, NULL, "line 1: NUL byte in field 1");
}

static void malformed(void **state)
{
	(void)state;
	parse_err("a,b\n\"open,c\nd,e\n", "line 2: unterminated quoted field");
	parse_err("a\n\"", "line 2: unterminated quoted field");
	parse_err("a,b\nc,d\"e\n", "line 2: misplaced quote in field 2");
	parse_err("\"a\"b,c\n", "line 1: misplaced quote in field 1");
	parse_err("\"a\" ,c\n", "line 1: misplaced quote in field 1");
	parse_err("x\n\"multi\nline\"z\n",
		  "line 3: misplaced quote in field 1");
}

static int count(size_t line, char **fields, size_t nfields, void *arg)
{
	(void)line;
	(void)fields;
	(void)nfields;
	((struct log *)arg)->records++;
	return 0;
}

static void limits(void **state)
{
	static const char ok[] = "abcd,b,c\n\"ab\"\"c\",e\n";
	const struct csvrec_limits lim = {
		.max_field = 4, .max_fields = 3, .max_records = 2,
	};
	struct log g = {0};
	char big[3 * CSVREC_FIELD_MAX];
	char err[128];

	(void)state;
	parse_ok_lim(ok, sizeof(ok) - 1, &lim, "1|abcd|b|c\n2|ab\"c|e\n");
	parse_err_lim("abcde\n", 6, &lim, "line 1: field 1 longer than 4 bytes");
	parse_err_lim("a,\"ab\nc,,\"\n", 11, &lim,
		      "line 1: field 2 longer than 4 bytes");
	parse_err_lim("a,b,c,d\n", 8, &lim, "line 1: more than 3 fields");
	parse_err_lim("a\nb\nc\n", 6, &lim, "line 3: more than 2 records");

	/* The default field limit, just at and just over it. */
	memset(big, 'x', sizeof(big));
	assert_int_equal(csvrec_parse(big, CSVREC_FIELD_MAX, NULL, count, &g,
				      err, sizeof(err)), 0);
	assert_int_equal(g.records, 1);
	parse_err_lim(big, CSVREC_FIELD_MAX + 1, NULL,
		      "line 1: field 1 longer than 4096 bytes");
	/* An endless quoted field is cut off before the end of input. */
	big[0] = '"';
	parse_err_lim(big, sizeof(big), NULL,
		      "line 1: field 1 longer than 4096 bytes");
}

static void many_records(void **state)
{
	size_t n = (size_t)CSVREC_RECORDS_MAX + 1;
	char *buf = malloc(2 * n);
	struct log g = {0};
	char err[128];

	(void)state;
	assert_non_null(buf);
	for (size_t i = 0; i < n; i++) {
		buf[2 * i] = 'x';
		buf[2 * i + 1] = '\n';
	}
	assert_int_equal(csvrec_parse(buf, 2 * n - 2, NULL, count, &g, err,
				      sizeof(err)), 0);
	assert_int_equal(g.records, CSVREC_RECORDS_MAX);
	g.records = 0;
	assert_int_equal(csvrec_parse(buf, 2 * n, NULL, count, &g, err,
				      sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 100001: more than 100000 records");
	assert_int_equal(g.records, CSVREC_RECORDS_MAX);
	free(buf);
}

static void callback_abort(void **state)
{
	struct log g = {.stop_after = 2};
	char err[64] = "untouched";

	(void)state;
	assert_int_equal(csvrec_parse("a\nb\nc\n", 6, NULL, record, &g, err,
				      sizeof(err)), 99);
	assert_int_equal(g.records, 2);
	assert_string_equal(g.buf, "1|a\n2|b\n");
	assert_string_equal(err, "");

	/* The last record, delivered at end of input, can stop it too. */
	memset(&g, 0, sizeof(g));
	g.stop_after = 1;
	assert_int_equal(csvrec_parse("a", 1, NULL, record, &g, NULL, 0), 99);
}

static void no_errbuf(void **state)
{
	struct log g = {0};
	char err[8];

	(void)state;
	assert_int_equal(csvrec_parse("\"", 1, NULL, record, &g, NULL, 0),
			 -EINVAL);
	/* A short buffer truncates the message. */
	assert_int_equal(csvrec_parse("\"", 1, NULL, record, &g, err,
				      sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 1:");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(simple),
		cmocka_unit_test(quoted),
		cmocka_unit_test(line_ends),
		cmocka_unit_test(bom_and_utf8),
		cmocka_unit_test(bad_utf8_and_nul),
		cmocka_unit_test(malformed),
		cmocka_unit_test(limits),
		cmocka_unit_test(many_records),
		cmocka_unit_test(callback_abort),
		cmocka_unit_test(no_errbuf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
