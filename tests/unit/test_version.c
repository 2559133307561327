/*
 * test_version.c — vendor version comparison and affected ranges
 * (core/version): orderings as vendors publish them, equivalences, the
 * range syntax and its edge cases, and every refusal.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/version.h"

static int cmp(const char *a, const char *b)
{
	int r = 99;

	if (version_cmp_str(a, b, &r) < 0)
		fail_msg("'%s' or '%s' does not parse", a, b);
	return r < 0 ? -1 : r > 0 ? 1 : 0;
}

/* Every element older than every later one, and the relation antisymmetric. */
static void ascending(const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int want = i < j ? -1 : i > j ? 1 : 0;
			if (cmp(v[i], v[j]) != want)
				fail_msg("cmp('%s', '%s') = %d, want %d", v[i], v[j], cmp(v[i], v[j]),
					 want);
		}
}

#define ASCENDING(...)                                                                  \
	do {                                                                            \
		static const char *const v_[] = { __VA_ARGS__ };                        \
		ascending(v_, sizeof(v_) / sizeof(v_[0]));                              \
	} while (0)

static void test_dotted(void **state)
{
	(void)state;
	ASCENDING("0.9", "1", "1.0.1", "1.2", "1.10", "1.10.1", "2", "10.0", "100");
	ASCENDING("6.4.15", "7.0.0", "7.0.5", "7.0.9", "7.0.12", "7.0.17", "7.2.0", "7.2.4",
		  "7.4.0");
	assert_int_equal(cmp("7.0", "7.0.0"), 0);
	assert_int_equal(cmp("7", "7.0.0.0"), 0);
	assert_int_equal(cmp("7.00.05", "7.0.5"), 0);
	assert_int_equal(cmp("v7.0.5", "7.0.5"), 0);
	assert_int_equal(cmp("V7.0.5", "7.0.5"), 0);
	assert_int_equal(cmp("7-0-5", "7.0.5"), 0);
	assert_int_equal(cmp("7_0_5", "7.0.5"), 0);
	/* numbers beyond 32 bits */
	ASCENDING("1.4294967295", "1.4294967296", "1.18446744073709551606");
}

static void test_builds(void **state)
{
	(void)state;
	/* a build counts only when both sides name one */
	assert_int_equal(cmp("7.0.12 build0523", "7.0.12"), 0);
	assert_int_equal(cmp("7.0.12", "7.0.12 build0523"), 0);
	assert_int_equal(cmp("v7.0.12,build0523 (GA)", "7.0.12"), 0);
	assert_int_equal(cmp("7.0.12 Build 0523", "7.0.12 build523"), 0);
	ASCENDING("7.0.12 build0100", "7.0.12 build0523", "7.0.12 build1000");
	ASCENDING("7.0.11 build9999", "7.0.12 build0001", "7.0.13");
	/* more parts win over a build */
	assert_int_equal(cmp("7.0.12 build0523", "7.0.12.1"), -1);
	assert_int_equal(cmp("7.0.12.1", "7.0.12 build0523"), 1);
	assert_int_equal(cmp("7.0.12.0 build5", "7.0.12"), 0);
}

static void test_microsoft(void **state)
{
	(void)state;
	/* Exchange 2019: CU11, CU11 SU, CU12, CU12 SU, CU13, CU14 */
	ASCENDING("15.2.986.5", "15.2.986.9", "15.2.986.14", "15.2.1118.7", "15.2.1118.12",
		  "15.2.1118.15", "15.2.1258.12", "15.2.1258.16", "15.2.1544.4");
	/* Exchange 2016 is older than 2019 */
	assert_int_equal(cmp("15.1.2507.6", "15.2.792.3"), -1);
	/* Windows builds */
	ASCENDING("10.0.17763.1", "10.0.19044.2965", "10.0.19045.3803", "10.0.22621.1");
}

static void test_letters(void **state)
{
	(void)state;
	ASCENDING("2.4.56", "2.4.57", "2.4.57a", "2.4.57b", "2.4.57z", "2.4.58");
	ASCENDING("9.3", "9.3p1", "9.3p2", "9.4", "9.4p1");
	ASCENDING("1.1.1", "1.1.1a", "1.1.1t", "1.1.1w", "1.1.2");
	assert_int_equal(cmp("2.4.57A", "2.4.57a"), 0);
	/* a further number is newer than a letter suffix */
	assert_int_equal(cmp("2.4.57a", "2.4.57.1"), -1);
	/* letters compare on their first 8 characters */
	assert_int_equal(cmp("1.0abcdefghX", "1.0abcdefghY"), 0);
}

static void test_prerelease(void **state)
{
	(void)state;
	ASCENDING("1.0-dev", "1.0-alpha", "1.0-alpha2", "1.0-beta", "1.0-beta.2", "1.0-pre1",
		  "1.0rc1", "1.0-rc2", "1.0", "1.0a", "1.0.1-rc1", "1.0.1");
	assert_int_equal(cmp("1.0.0-rc1", "1.0-rc1"), 0);
	assert_int_equal(cmp("1.0-SNAPSHOT", "1.0-dev"), 0);
	/* ignored words */
	assert_int_equal(cmp("7.2.5 GA", "7.2.5"), 0);
	assert_int_equal(cmp("18.04 LTS", "18.4"), 0);
	assert_int_equal(cmp("2.1 final", "2.1 release"), 0);
}

static void test_refusals(void **state)
{
	static const char *const bad[] = {
		"", " ", "...", "abc", "FortiOS 7.0.5", "7.0.5;rm", "7.0.5\n", "7.0\xc3\xa9",
		"1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17", "1.99999999999999999999", "v",
		"=7.0", "7.0*",
	};
	struct version v = { .n = 77 };
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (version_parse(bad[i], strlen(bad[i]), &v, &why) != -EINVAL)
			fail_msg("'%s' parsed", bad[i]);
		assert_non_null(why);
		assert_int_equal(v.n, 77); /* untouched */
	}
	{
		char big[VERSION_MAX + 2];
		memset(big, '1', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		assert_int_equal(version_parse(big, strlen(big), &v, &why), -EINVAL);
		assert_string_equal(why, "is longer than 128 bytes");
	}
	/* a NUL inside the given length is refused, not a terminator */
	assert_int_equal(version_parse("7.0\0.5", 5, &v, NULL), -EINVAL);
	assert_int_equal(version_parse("7.0.5", 5, &v, NULL), 0);
}

static bool in(const char *range, const char *ver)
{
	struct version_range r;
	struct version v;
	const char *why = NULL;

	if (version_range_parse(range, &r, &why) < 0)
		fail_msg("range '%s' refused: %s", range, why);
	if (version_parse(ver, strlen(ver), &v, &why) < 0)
		fail_msg("version '%s' refused: %s", ver, why);
	return version_in_range(&v, &r);
}

static void test_ranges(void **state)
{
	(void)state;
	/* half-open: the lower bound in, the upper out */
	assert_true(in(">=7.0.0 <7.0.9", "7.0.0"));
	assert_true(in(">=7.0.0 <7.0.9", "7.0"));
	assert_true(in(">=7.0.0 <7.0.9", "7.0.8"));
	assert_true(in(">=7.0.0 <7.0.9", "7.0.8 build0301"));
	assert_false(in(">=7.0.0 <7.0.9", "7.0.9"));
	assert_false(in(">=7.0.0 <7.0.9", "7.0.9 build0444"));
	assert_false(in(">=7.0.0 <7.0.9", "7.0.12"));
	assert_false(in(">=7.0.0 <7.0.9", "6.4.15"));
	assert_false(in(">=7.0.0 <7.0.9", "7.2.0"));
	/* pre-releases of the lower bound are before it */
	assert_false(in(">=7.0.0 <7.0.9", "7.0.0-beta1"));
	assert_true(in(">=7.0.0 <7.0.9", "7.0.9-rc1"));
	/* inclusive upper bound, strict lower bound */
	assert_true(in(">6.4 <=6.4.10", "6.4.10"));
	assert_false(in(">6.4 <=6.4.10", "6.4.0"));
	assert_false(in(">6.4 <=6.4.10", "6.4.11"));
	/* exact versions */
	assert_true(in("=2.4.57", "2.4.57"));
	assert_true(in("==2.4.57", "2.4.57.0"));
	assert_true(in("2.4.57", "2.4.57"));
	assert_false(in("2.4.57", "2.4.57a"));
	/* everything */
	assert_true(in("*", "0.0.1"));
	assert_true(in("  *  ", "99"));
	/* alternatives */
	assert_true(in(">=7.2.0 <7.2.3 || >=7.0.0 <7.0.9", "7.2.2"));
	assert_true(in(">=7.2.0 <7.2.3 || >=7.0.0 <7.0.9", "7.0.5"));
	assert_false(in(">=7.2.0 <7.2.3 || >=7.0.0 <7.0.9", "7.0.9"));
	assert_false(in(">=7.2.0 <7.2.3 || >=7.0.0 <7.0.9", "7.1.0"));
	/* commas and no spaces */
	assert_true(in(">=7.0.0, <7.0.9", "7.0.3"));
	assert_true(in(">=7.0.0<7.0.9", "7.0.3"));
	assert_false(in(">=7.0.0<7.0.9", "7.0.10"));
	/* versions with spaces inside a range */
	assert_true(in(">=7.0.12 build0100 <7.0.12 build0600", "7.0.12 build0523"));
	assert_false(in(">=7.0.12 build0100 <7.0.12 build0600", "7.0.12 build0601"));
	/* Microsoft CUs */
	assert_true(in(">=15.2.0 <15.2.1118.12", "15.2.1118.7"));
	assert_false(in(">=15.2.0 <15.2.1118.12", "15.2.1118.12"));
	assert_false(in(">=15.2.0 <15.2.1118.12", "15.1.2507.6"));
	/* letters */
	assert_true(in("<2.4.57a", "2.4.57"));
	assert_false(in("<2.4.57a", "2.4.57a"));
	assert_true(in(">=1.1.1 <1.1.1t", "1.1.1k"));
}

static void test_range_refusals(void **state)
{
	static const char *const bad[] = {
		"", "   ", ">=", ">= <7", "* 7.0", "||", ">=7.0 ||", "|| <7", ">=x", "<7.0;",
		">=1 >=2 >=3 >=4 >=5", "1||2||3||4||5||6||7||8||9", ">=7.0\n<7.1",
	};
	struct version_range r = { .nalt = 42 };
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (version_range_parse(bad[i], &r, &why) != -EINVAL)
			fail_msg("range '%s' parsed", bad[i]);
		assert_non_null(why);
		assert_int_equal(r.nalt, 42);
	}
	{
		char big[RANGE_MAX + 2];
		memset(big, '1', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		assert_int_equal(version_range_parse(big, &r, &why), -EINVAL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dotted),	    cmocka_unit_test(test_builds),
		cmocka_unit_test(test_microsoft),   cmocka_unit_test(test_letters),
		cmocka_unit_test(test_prerelease),  cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_ranges),	    cmocka_unit_test(test_range_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
