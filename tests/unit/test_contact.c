/*
 * test_contact.c — phone and email normalisation, given names.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/contact.h"

/* Assert that `in` normalises to `want` (NULL: refused). */
static void norm_is(const char *in, const char *want)
{
	char buf[CONTACT_NORM_SIZE];
	enum contact_kind k = contact_norm(in, buf, sizeof(buf));

	if (!want) {
		if (k != CONTACT_NONE)
			fail_msg("'%s' should be refused, got '%s'", in, buf);
		return;
	}
	if (k == CONTACT_NONE)
		fail_msg("'%s' refused, want '%s'", in, want);
	if (strcmp(buf, want) != 0)
		fail_msg("'%s' gave '%s', want '%s'", in, buf, want);
}

static void switchboard_forms(void **state)
{
	(void)state;
	norm_is("02462764300", "02462764300");
	norm_is("024 6276 4300", "02462764300");
	norm_is("024.6276.4300", "02462764300");
	norm_is("024-6276-4300", "02462764300");
	norm_is("(024) 6276 4300", "02462764300");
	norm_is("(024)62764300", "02462764300");
	norm_is("+84 24 6276 4300", "02462764300");
	norm_is("+84 (0) 24 6276 4300", "02462764300");
	norm_is("+842462764300", "02462764300");
	norm_is("842462764300", "02462764300");
	norm_is("0084 24 6276 4300", "02462764300");
	norm_is("  ĐT: 024 6276 4300 ", "02462764300");
	norm_is("024\xc2\xa0" "6276\xc2\xa0" "4300", "02462764300");
}

static void extensions(void **state)
{
	(void)state;
	norm_is("02462764300 máy lẻ 88617", "02462764300;ext=88617");
	norm_is("024.6276.4300 máy lẻ 88617", "02462764300;ext=88617");
	norm_is("02462764300 MÁY LẺ 88617", "02462764300;ext=88617");
	/* decomposed (NFD) diacritics, as some keyboards send them */
	norm_is("02462764300 ma\xcc\x81y le\xcc\x89 88617", "02462764300;ext=88617");
	norm_is("02462764300 may le 88617", "02462764300;ext=88617");
	norm_is("02462764300 số máy lẻ: 88617", "02462764300;ext=88617");
	norm_is("02462764300 ext. 88617", "02462764300;ext=88617");
	norm_is("02462764300 ext 88617", "02462764300;ext=88617");
	norm_is("02462764300 Extension 88617", "02462764300;ext=88617");
	norm_is("02462764300x88617", "02462764300;ext=88617");
	norm_is("02462764300 #88617", "02462764300;ext=88617");
	norm_is("02462764300,88617", "02462764300;ext=88617");
	norm_is("02462764300 - 88617", "02462764300;ext=88617");
	norm_is("024 6276 4300 - 88617", "02462764300;ext=88617");
	norm_is("02462764300 nhánh 88617", "02462764300;ext=88617");
	norm_is("+84 24 6276 4300 nhánh 88617", "02462764300;ext=88617");
	/* once the number is complete, a plain group is the extension */
	norm_is("02462764300 88617", "02462764300;ext=88617");
	/* a remark after the number is ignored */
	norm_is("0912 345 678 (chị Bình)", "0912345678");
	norm_is("0912345678 máy lẻ 88617 (anh An)", "0912345678;ext=88617");
}

static void mobiles_and_others(void **state)
{
	(void)state;
	norm_is("0912345678", "0912345678");
	norm_is("0912.345.678", "0912345678");
	norm_is("+84 912 345 678", "0912345678");
	norm_is("84912345678", "0912345678");
	norm_is("+84912345678", "0912345678");
	norm_is("+33 1 23 45 67 89", "+33123456789");
	norm_is("1900 561 252", "1900561252");
	norm_is("113", "113");
}

static void refused(void **state)
{
	(void)state;
	norm_is("", NULL);
	norm_is("abc", NULL);
	norm_is("máy lẻ 88617", NULL);              /* an extension alone */
	norm_is("12", NULL);
	norm_is("0912345678 0987654321", NULL);     /* two numbers */
	norm_is("02462764300 máy lẻ 88617, 88618", NULL);
	norm_is("0912345678 gọi sau 5 giờ", NULL);   /* words, then digits */
	norm_is("091234567890123456789", NULL);
	norm_is("+1", NULL);
	norm_is("+84 (0078 098 (54", NULL);         /* +84 then "00": not a number */
	norm_is("+0 123 456 789", NULL);
	{
		char big[CONTACT_INPUT_MAX + 10];
		memset(big, '1', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		norm_is(big, NULL);
	}
}

static void emails(void **state)
{
	char buf[CONTACT_NORM_SIZE];

	(void)state;
	norm_is("hotrocntt@vst.gov.vn", "hotrocntt@vst.gov.vn");
	norm_is("  HotroCNTT@VST.gov.vn ", "hotrocntt@vst.gov.vn");
	norm_is("<hotrocntt@vst.gov.vn>", "hotrocntt@vst.gov.vn");
	norm_is("mailto:HOTROCNTT@vst.gov.vn", "hotrocntt@vst.gov.vn");
	norm_is("hotrocntt@", NULL);
	norm_is("a b@vst.gov.vn", NULL);
	assert_int_equal(contact_email_norm("x@vst.gov.vn", buf, 5), -ENOSPC);
	assert_int_equal(contact_norm("hotrocntt@vst.gov.vn", buf, sizeof(buf)), CONTACT_EMAIL);
	assert_int_equal(contact_norm("02462764300", buf, sizeof(buf)), CONTACT_PHONE);
}

static void pretty(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(contact_phone_pretty("02462764300", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "024 6276 4300");
	assert_int_equal(contact_phone_pretty("0912345678", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0912 345 678");
	assert_int_equal(contact_phone_pretty("+33123456789", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "+33123456789");
	assert_int_equal(contact_phone_pretty("113", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "113");
	assert_int_equal(contact_phone_pretty("02462764300", buf, 5), -ENOSPC);
}

static void given_names(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(contact_given_name("Nguyễn Văn An", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "An");
	assert_int_equal(contact_given_name("  Trần Thị   Bình  ", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "Bình");
	assert_int_equal(contact_given_name("Lê Văn Cường (Cục CNTT)", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "Cường");
	assert_int_equal(contact_given_name("Đức", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "Đức");
	assert_int_equal(contact_given_name("   ", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(contact_given_name("Nguyễn Văn An", buf, 2), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(switchboard_forms), cmocka_unit_test(extensions),
		cmocka_unit_test(mobiles_and_others), cmocka_unit_test(refused),
		cmocka_unit_test(emails), cmocka_unit_test(given_names), cmocka_unit_test(pretty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
