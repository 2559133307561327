/*
 * test_validate.c — field validators and the small string helpers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/validate.h"

static void codes(void **state)
{
	(void)state;
	assert_null(valid_unit_code("0010"));
	assert_null(valid_unit_code("0010-HK"));
	assert_null(valid_unit_code("SO_TTTT.HP"));
	assert_non_null(valid_unit_code(""));
	assert_non_null(valid_unit_code("0010 "));
	assert_non_null(valid_unit_code("abc"));     /* callers upper-case first */
	assert_non_null(valid_unit_code("Đ010"));
	assert_non_null(valid_unit_code("0123456789012345678901234567890123"));
	assert_non_null(valid_unit_code(NULL));
	assert_null(valid_service_code("DVC"));
	assert_non_null(valid_service_code("D.V.C"));
	assert_non_null(valid_service_code("ABCDEFGHIJKLMNOPQ"));
	assert_null(valid_username("unit0010"));
	assert_null(valid_username("nguyen.van-an_2"));
	assert_non_null(valid_username("Admin"));
	assert_non_null(valid_username("a"));
	assert_non_null(valid_username("a b"));
}

static void emails_and_phones(void **state)
{
	(void)state;
	assert_null(valid_email("hotrocntt@vst.gov.vn"));
	assert_null(valid_email("binh.tt@hanoi.example.gov.vn"));
	assert_non_null(valid_email("hotrocntt"));
	assert_non_null(valid_email("@vst.gov.vn"));
	assert_non_null(valid_email("a@b"));
	assert_non_null(valid_email("a@@b.vn"));
	assert_non_null(valid_email("a b@c.vn"));
	assert_non_null(valid_email("a@c.vn."));
	assert_non_null(valid_email("a\n@c.vn"));
	assert_non_null(valid_email("<a@c.vn>"));
	assert_null(valid_phone("02462764300"));
	assert_null(valid_phone("+84 24 6276 4300"));
	assert_null(valid_phone("024.6276.4300 máy lẻ 88617"));
	assert_non_null(valid_phone("12"));
	assert_non_null(valid_phone("không có"));
	assert_non_null(valid_phone("0912\x01" "345678"));
}

static void text(void **state)
{
	char big[400];

	(void)state;
	assert_null(valid_line("Lỗi đăng nhập Dịch vụ công", 300));
	assert_non_null(valid_line("", 300));
	assert_non_null(valid_line("hai\ndòng", 300));
	assert_non_null(valid_line("tab\tkhông", 300));
	assert_non_null(valid_line("\xc3\x28", 300));          /* invalid UTF-8 */
	assert_non_null(valid_line("\xe0\x80\xaf", 300));      /* overlong */
	assert_non_null(valid_line("\xed\xa0\x80", 300));      /* surrogate */
	assert_non_null(valid_line("\xc2\x85", 300));          /* C1 control */
	assert_null(valid_line("ảảả", 3));                     /* counts characters, not bytes */
	assert_non_null(valid_line("ảảảả", 3));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_non_null(valid_line(big, 300));
	assert_null(valid_block("dòng 1\r\ndòng 2\n\tthụt lề", 100));
	assert_non_null(valid_block("nul\x01", 100));
	assert_non_null(valid_block(big, 100));
	assert_non_null(valid_block("", 100));
}

static void helpers(void **state)
{
	char a[] = "  0010-hk \t", b[] = "AbC", c[] = "   ";

	(void)state;
	assert_string_equal(upcase_ascii(trim_space(a)), "0010-HK");
	assert_string_equal(downcase_ascii(b), "abc");
	assert_string_equal(trim_space(c), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(codes),
		cmocka_unit_test(emails_and_phones),
		cmocka_unit_test(text),
		cmocka_unit_test(helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
