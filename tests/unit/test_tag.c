/*
 * test_tag.c - unit tests for request codes and subject tags (core/tag).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "core/tag.h"

/* Length of a string literal without its NUL, for (pointer, length) calls. */
#define L(s) (s), (sizeof(s) - 1)

/* ---------------------------------------------------------------------------
 * tag_code_parse / tag_code_format
 * ------------------------------------------------------------------------- */

static void parse_valid(void **state)
{
	struct tag_code c;

	(void)state;
	assert_int_equal(tag_code_parse(L("SD211208-123456"), &c), 0);
	assert_int_equal(c.year, 2021);
	assert_int_equal(c.month, 12);
	assert_int_equal(c.day, 8);
	assert_int_equal(c.seq, 123456);

	assert_int_equal(tag_code_parse(L("SD000101-000001"), &c), 0);
	assert_int_equal(c.year, 2000);
	assert_int_equal(c.seq, 1);
	assert_int_equal(tag_code_parse(L("SD991231-999999"), &c), 0);
	assert_int_equal(c.year, 2099);
	assert_int_equal(c.seq, 999999);

	/* Leap days: 2024 and 2000 (divisible by 400) have one. */
	assert_int_equal(tag_code_parse(L("SD240229-000001"), &c), 0);
	assert_int_equal(tag_code_parse(L("SD000229-000001"), &c), 0);
	assert_int_equal(tag_code_parse(L("SD240229-000001"), NULL), 0);
}

static void parse_invalid(void **state)
{
	static const char *bad[] = {
		"SD230229-000001",      /* 2023 is not a leap year */
		"SD211308-123456",      /* month 13 */
		"SD211200-123456",      /* day 0 */
		"SD210431-123456",      /* April has 30 days */
		"SD210001-123456",      /* month 0 */
		"SD211208-000000",      /* sequence starts at 1 */
		"sd211208-123456",      /* parse wants uppercase */
		"Sd211208-123456",
		"SX211208-123456",
		"SD211208_123456",
		"SD2112O8-123456",      /* letter O */
		"SD211208-12345a",
		"SD211208-1234 6",
		"SD-211208-12345",
		"SD21120812345 6",
	};
	struct tag_code c = {.year = 7, .month = 7, .day = 7, .seq = 7};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(tag_code_parse(bad[i], strlen(bad[i]), &c),
				 -EINVAL);
	/* Wrong lengths, including a valid code with a trailing byte. */
	assert_int_equal(tag_code_parse(L("SD211208-12345"), &c), -EINVAL);
	assert_int_equal(tag_code_parse(L("SD211208-1234567"), &c), -EINVAL);
	assert_int_equal(tag_code_parse(L("SD211208-123456 "), &c), -EINVAL);
	assert_int_equal(tag_code_parse("", 0, &c), -EINVAL);
	/* Embedded NUL in place of a digit. */
	assert_int_equal(tag_code_parse("SD211208-12\0" "456", 15, &c),
			 -EINVAL);
	/* Untouched on failure. */
	assert_int_equal(c.year, 7);
	assert_int_equal(c.seq, 7);
}

static void format_roundtrip(void **state)
{
	static const char *codes[] = {
		"SD211208-123456", "SD000101-000001", "SD991231-999999",
		"SD240229-000010", "SD261121-000100",
	};
	char buf[TAG_CODE_SIZE];
	struct tag_code c;

	(void)state;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		assert_int_equal(tag_code_parse(codes[i], 15, &c), 0);
		assert_int_equal(tag_code_format(&c, buf), 0);
		assert_string_equal(buf, codes[i]);
	}
	c = (struct tag_code){.year = 2026, .month = 1, .day = 2, .seq = 3};
	assert_int_equal(tag_code_format(&c, buf), 0);
	assert_string_equal(buf, "SD260102-000003");
}

static void format_errors(void **state)
{
	static const struct tag_code bad[] = {
		{2021, 12, 8, 0},
		{2021, 12, 8, 1000000},
		{2023, 2, 29, 1},
		{2021, 13, 1, 1},
		{2021, 0, 1, 1},
		{2021, 6, 31, 1},
		{1999, 12, 31, 1},
		{2100, 1, 1, 1},
		{-1, -1, -1, 1},
	};
	char buf[TAG_CODE_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(buf, 'x', sizeof(buf));
		assert_int_equal(tag_code_format(&bad[i], buf), -ERANGE);
		for (size_t j = 0; j < sizeof(buf); j++)
			assert_int_equal(buf[j], 'x');
	}
}

/* ---------------------------------------------------------------------------
 * tag_code_find
 * ------------------------------------------------------------------------- */

/* Find a code in s; return its offset and check it formats back to want. */
static size_t find_ok(const char *s, const char *want)
{
	struct tag_code c;
	char buf[TAG_CODE_SIZE];
	size_t off = 0;

	assert_int_equal(tag_code_find(s, strlen(s), &c, &off), 0);
	assert_int_equal(tag_code_format(&c, buf), 0);
	assert_string_equal(buf, want);
	return off;
}

static void find_in_subjects(void **state)
{
	(void)state;
	assert_int_equal(find_ok("Re: [SD211208-123456] Lỗi ký số",
				 "SD211208-123456"), 5);
	assert_int_equal(find_ok("SD211208-123456", "SD211208-123456"), 0);
	find_ok("TL: [SD211208-123456] Lỗi ký số", "SD211208-123456");
	find_ok("Fwd: RE: TL: SD211208-123456", "SD211208-123456");
	find_ok("trả lời sd211208-000042 nhé", "SD211208-000042");
	find_ok("Sd211208-000042", "SD211208-000042");
	find_ok("(SD211208-000042).", "SD211208-000042");
	find_ok("mã:SD211208-000042,SD211209-000001", "SD211208-000042");
	/* Non-ASCII neighbours do not break the word boundary. */
	find_ok("Mã hồ sơSD211208-000042đã", "SD211208-000042");
}

static void find_boundaries(void **state)
{
	struct tag_code c = {.seq = 7};
	size_t off = 77;

	(void)state;
	assert_int_equal(tag_code_find(L("xSD211208-123456"), &c, &off),
			 -ENOENT);
	assert_int_equal(tag_code_find(L("1SD211208-123456"), &c, &off),
			 -ENOENT);
	assert_int_equal(tag_code_find(L("SD211208-123456x"), &c, &off),
			 -ENOENT);
	assert_int_equal(tag_code_find(L("SD211208-1234567"), &c, &off),
			 -ENOENT);
	assert_int_equal(tag_code_find(L("no code here"), &c, &off), -ENOENT);
	assert_int_equal(tag_code_find("", 0, &c, &off), -ENOENT);
	assert_int_equal(c.seq, 7);
	assert_int_equal(off, 77);

	/* Truncated by n even though the bytes continue. */
	assert_int_equal(tag_code_find("SD211208-123456", 14, &c, &off),
			 -ENOENT);
	/* A boundary byte beyond n is not looked at. */
	assert_int_equal(tag_code_find("SD211208-123456x", 15, &c, &off), 0);
	assert_int_equal(off, 0);
}

static void find_skips_invalid(void **state)
{
	(void)state;
	/* Bad date, zero sequence and glued letters come first. */
	assert_int_equal(find_ok("SD230229-000001 SD211208-000000 "
				 "aSD211208-000001 SD211208-000002",
				 "SD211208-000002"), 49);
	/* Overlapping: the first candidate is glued to the second. */
	find_ok("SDSD211208-000002 SD211208-000003", "SD211208-000003");
	/* Multiple valid codes: the first wins. */
	find_ok("[SD211209-000001] [SD211208-000001]", "SD211209-000001");
	/* Embedded NULs are ordinary separators. */
	assert_int_equal(tag_code_find("a\0SD211208-000009\0b", 19, NULL, NULL),
			 0);
}

/* ---------------------------------------------------------------------------
 * tag_code_day / tag_code_dayfmt
 * ------------------------------------------------------------------------- */

static void day_boundary(void **state)
{
	struct tag_code c;
	char buf[TAG_DAY_SIZE];

	(void)state;
	/* 2026-11-20T16:59:59Z is 23:59:59 in Hanoi. */
	assert_int_equal(tag_code_day((time_t)1795193999, &c), 0);
	assert_int_equal(c.seq, 0);
	assert_int_equal(tag_code_dayfmt(&c, buf), 0);
	assert_string_equal(buf, "261120");
	/* One second later it is the next day there, whatever TZ says. */
	setenv("TZ", "America/Los_Angeles", 1);
	tzset();
	assert_int_equal(tag_code_day((time_t)1795194000, &c), 0);
	assert_int_equal(tag_code_dayfmt(&c, buf), 0);
	assert_string_equal(buf, "261121");
	unsetenv("TZ");
	tzset();

	/* 2024-02-28T17:00:00Z is the leap day in Hanoi. */
	assert_int_equal(tag_code_day((time_t)1709139600, &c), 0);
	assert_int_equal(c.year, 2024);
	assert_int_equal(c.month, 2);
	assert_int_equal(c.day, 29);

	/* The supported range is 2000..2099 in Hanoi. */
	assert_int_equal(tag_code_day((time_t)946659600, &c), 0);
	assert_int_equal(c.year, 2000);
	assert_int_equal(tag_code_day((time_t)946659599, &c), -ERANGE);
	assert_int_equal(tag_code_day((time_t)4102419599, &c), 0);
	assert_int_equal(c.year, 2099);
	assert_int_equal(c.day, 31);
	assert_int_equal(tag_code_day((time_t)4102419600, &c), -ERANGE);
	assert_int_equal(tag_code_day((time_t)-1, &c), -ERANGE);
}

static void dayfmt_errors(void **state)
{
	struct tag_code c = {.year = 2023, .month = 2, .day = 29};
	char buf[TAG_DAY_SIZE] = "xxxxxx";

	(void)state;
	assert_int_equal(tag_code_dayfmt(&c, buf), -ERANGE);
	assert_string_equal(buf, "xxxxxx");
	c.day = 28;
	assert_int_equal(tag_code_dayfmt(&c, buf), 0);
	assert_string_equal(buf, "230228");
}

/* ---------------------------------------------------------------------------
 * tag_subject_find
 * ------------------------------------------------------------------------- */

static void subject_ok(const char *s, size_t n, const char *unit,
		       const char *service)
{
	struct tag_subject t;

	assert_int_equal(tag_subject_find(s, n, &t), 0);
	assert_string_equal(t.unit, unit);
	assert_string_equal(t.service, service);
}

static void subject_none(const char *s, size_t n)
{
	struct tag_subject t = {.unit = "keep"};

	assert_int_equal(tag_subject_find(s, n, &t), -ENOENT);
	assert_string_equal(t.unit, "keep");
}

static void subject_forms(void **state)
{
	(void)state;
	subject_ok(L("[0010#DVC]"), "0010", "DVC");
	subject_ok(L("Lỗi ký số [0010#DVC] gấp"), "0010", "DVC");
	subject_ok(L("[ 0010 # dvc ]"), "0010", "DVC");
	subject_ok(L("[\t0010\t#\tdvc\t]"), "0010", "DVC");
	subject_ok(L("[kbnn.hn#tabmis]"), "KBNN.HN", "TABMIS");
	subject_ok(L("[a_b-c.d#x_y-z]"), "A_B-C.D", "X_Y-Z");
	/* Full-width number sign and brackets, alone and mixed. */
	subject_ok(L("［0010＃DVC］"), "0010", "DVC");
	subject_ok(L("［ 0010 ＃ dvc ］"), "0010", "DVC");
	subject_ok(L("[0010＃DVC］"), "0010", "DVC");
	subject_ok(L("［0010#DVC]"), "0010", "DVC");
	/* Exact maximum lengths. */
	subject_ok(L("[12345678901234567890123456789012#1234567890123456]"),
		   "12345678901234567890123456789012", "1234567890123456");
	subject_ok(L("[x#y]"), "X", "Y");
}

static void subject_skips(void **state)
{
	(void)state;
	/* A request code in brackets is not a tag; the next group is. */
	subject_ok(L("Re: [SD211208-123456] [0010#DVC]"), "0010", "DVC");
	subject_ok(L("[[0010#DVC]"), "0010", "DVC");
	subject_ok(L("[0010#DVC [0020#KT]"), "0020", "KT");
	subject_ok(L("[0010#] [#DVC] [0010#DVC]"), "0010", "DVC");
	/* A dot is allowed in the unit but not in the service. */
	subject_ok(L("[0010#D.V] [0010#DV]"), "0010", "DV");
	subject_none(L("[0010#D.V]"));
}

static void subject_hostile(void **state)
{
	(void)state;
	subject_none(L(""));
	subject_none(L("["));
	subject_none(L("［"));
	subject_none(L("\xEF\xBC"));                    /* cut full-width */
	subject_none(L("[0010#DVC"));                   /* unterminated */
	subject_none(L("[0010#DVC \xEF\xBC"));
	subject_none(L("[0010 DVC]"));                  /* no number sign */
	subject_none(L("[0010##DVC]"));
	subject_none(L("[ # ]"));
	subject_none(L("[00 10#DVC]"));
	subject_none(L("[0010#DV C]"));
	subject_none(L("[Đơn#DVC]"));                   /* non-ASCII unit */
	subject_none(L("(0010#DVC)"));
	/* Overlong parts. */
	subject_none(L("[123456789012345678901234567890123#DVC]"));
	subject_none(L("[0010#12345678901234567]"));
	/* Embedded NUL inside a group, and a valid group after one. */
	subject_none(L("[0010\0#DVC]"));
	subject_ok(L("\0[0010#\0] [0010#DVC]"), "0010", "DVC");
	/* Invalid UTF-8 around a tag. */
	subject_ok(L("\xFF\xC3[0010#DVC]\x80"), "0010", "DVC");
	/* The closing bracket lies beyond n. */
	subject_none("[0010#DVC]", 9);
	subject_none("［0010#DVC］", 13);
	/* NULL ret still gives the verdict. */
	assert_int_equal(tag_subject_find(L("[0010#DVC]"), NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_valid),
		cmocka_unit_test(parse_invalid),
		cmocka_unit_test(format_roundtrip),
		cmocka_unit_test(format_errors),
		cmocka_unit_test(find_in_subjects),
		cmocka_unit_test(find_boundaries),
		cmocka_unit_test(find_skips_invalid),
		cmocka_unit_test(day_boundary),
		cmocka_unit_test(dayfmt_errors),
		cmocka_unit_test(subject_forms),
		cmocka_unit_test(subject_skips),
		cmocka_unit_test(subject_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
