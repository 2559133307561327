/*
 * test_redact.c - unit tests for secret masking (mail/redact).
 *
 * Realistic request texts in Vietnamese (with and without diacritics) and
 * English: what must be masked, what kind was found, and ordinary sentences
 * that must come back unchanged.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "mail/redact.h"

#define M REDACT_MASK

struct redact_case {
	const char *in, *out;
	unsigned found;
};

static void run_cases(const struct redact_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned found = 0xdead;
		char *r = redact_secrets(c[i].in, &found);

		assert_non_null(r);
		if (strcmp(r, c[i].out) != 0 || found != c[i].found)
			fail_msg("case %zu: '%s'\n  got  '%s' (%u)\n  want '%s' (%u)",
				 i, c[i].in, r, found, c[i].out, c[i].found);
		free(r);
	}
}

#define RUN(cases) run_cases(cases, sizeof(cases) / sizeof(cases[0]))

static void passwords(void **state)
{
	static const struct redact_case cases[] = {
		{ "mật khẩu: Abc@123", "mật khẩu: " M, REDACT_PASSWORD },
		{ "Mật khẩu: Abc@123.", "Mật khẩu: " M ".", REDACT_PASSWORD },
		{ "MẬT KHẨU: ABC@123", "MẬT KHẨU: " M, REDACT_PASSWORD },
		{ "mat khau: abc@123", "mat khau: " M, REDACT_PASSWORD },
		{ "mat khau la abc12345", "mat khau la " M, REDACT_PASSWORD },
		{ "matkhau=Qwerty#1", "matkhau=" M, REDACT_PASSWORD },
		{ "mk: 123456", "mk: " M, REDACT_PASSWORD },
		{ "MK là matkhau2021", "MK là " M, REDACT_PASSWORD },
		{ "mk Abc@123 nhé", "mk " M " nhé", REDACT_PASSWORD },
		{ "mk mới: Abc123", "mk mới: " M, REDACT_PASSWORD },
		{ "mật khẩu mới Xyz@2022", "mật khẩu mới " M, REDACT_PASSWORD },
		{ "pass: ab12cd", "pass: " M, REDACT_PASSWORD },
		{ "Pass:ab12cd", "Pass:" M, REDACT_PASSWORD },
		{ "password Secret1", "password " M, REDACT_PASSWORD },
		{ "my password is Secret123", "my password is " M,
		  REDACT_PASSWORD },
		{ "Password = \"hunter 2\"", "Password = \"" M "\"",
		  REDACT_PASSWORD },
		{ "pwd: P@ssw0rd!", "pwd: " M, REDACT_PASSWORD },
		{ "Mật khẩu của em là Kb@0010xyz ạ.",
		  "Mật khẩu của em là " M " ạ.", REDACT_PASSWORD },
		{ "mật khẩu đăng nhập: abcdefgh", "mật khẩu đăng nhập: " M,
		  REDACT_PASSWORD },
		{ "mật khẩu mặc định là 123456", "mật khẩu mặc định là " M,
		  REDACT_PASSWORD },
		{ "Em gửi mật khẩu “Abc 123” nhé", "Em gửi mật khẩu “" M "” nhé",
		  REDACT_PASSWORD },
		/* The value on the next line after the colon. */
		{ "Mật khẩu:\n  Abc@12345\nEm cảm ơn", "Mật khẩu:\n  " M
		  "\nEm cảm ơn", REDACT_PASSWORD },
		{ "mk cũ: Old@111, mk mới: New@222",
		  "mk cũ: " M ", mk mới: " M, REDACT_PASSWORD },
		/* Full-width colon from an IME. */
		{ "mật khẩu：Abc@123", "mật khẩu：" M, REDACT_PASSWORD },
	};

	(void)state;
	RUN(cases);
}

static void pins(void **state)
{
	static const struct redact_case cases[] = {
		{ "mã PIN: 123456", "mã PIN: " M, REDACT_PIN },
		{ "PIN: 123456", "PIN: " M, REDACT_PIN },
		{ "Mã PIN token là 12345678.", "Mã PIN token là " M ".",
		  REDACT_PIN },
		{ "pin token 87654321", "pin token " M, REDACT_PIN },
		{ "PIN 1234", "PIN " M, REDACT_PIN },
		{ "ma pin cua em la 1111 2222", "ma pin cua em la " M,
		  REDACT_PIN },
		{ "PIN USB token: Ab12cd34", "PIN USB token: " M, REDACT_PIN },
		{ "mã pin chữ ký số là 00112233", "mã pin chữ ký số là " M,
		  REDACT_PIN },
	};

	(void)state;
	RUN(cases);
}

static void remote_access(void **state)
{
	static const struct redact_case cases[] = {
		{ "UltraViewer ID: 123 456 789 Pass: ab12cd",
		  "UltraViewer ID: " M " Pass: " M, REDACT_REMOTE_ACCESS },
		{ "ultraview id 1 234 567 890 pass 1234",
		  "ultraview id " M " pass " M, REDACT_REMOTE_ACCESS },
		{ "Ultra Viewer:\nID: 987654321\nMật khẩu: 4fk9x2",
		  "Ultra Viewer:\nID: " M "\nMật khẩu: " M,
		  REDACT_REMOTE_ACCESS },
		{ "TeamViewer: 1 234 567 890 / 1234abcd",
		  "TeamViewer: " M " / " M, REDACT_REMOTE_ACCESS },
		{ "team viewer id 1234567890 mk 8812ab",
		  "team viewer id " M " mk " M, REDACT_REMOTE_ACCESS },
		{ "AnyDesk 123 456 789", "AnyDesk " M, REDACT_REMOTE_ACCESS },
		{ "anydesk: 123-456-789", "anydesk: " M, REDACT_REMOTE_ACCESS },
		/* Spaced like a remote-access ID: masked without the tool name. */
		{ "ID: 123 456 789", "ID: " M, REDACT_REMOTE_ACCESS },
		{ "ID 1 234 567 890", "ID " M, REDACT_REMOTE_ACCESS },
	};

	(void)state;
	RUN(cases);
}

/* Ordinary sentences: nothing to mask, the text comes back unchanged. */
static void no_false_positives(void **state)
{
	static const char *const keep[] = {
		"đổi mật khẩu thế nào?",
		"Em quên mật khẩu, đổi mật khẩu thế nào ạ?",
		"doi mat khau the nao?",
		"Mã yêu cầu SD211208-123456",
		"Re: [SD211208-123456] quên mật khẩu",
		"Mật khẩu là gì?",
		"Mật khẩu:",
		"Mật khẩu: 8 ký tự trở lên",
		"Mật khẩu: sai",
		"Mật khẩu phải có chữ hoa, chữ thường, số và ký tự đặc biệt.",
		"mật khẩu đăng nhập Dịch vụ công bị khóa",
		"mật khẩu hết hạn ngày 10/12",
		"Password: ********",
		"mật khẩu: xxxxxx",
		"password expired",
		"the password is wrong",
		"reset password for user ketoan01",
		"hết pin laptop",
		"pin 5000mAh",
		"pin laptop bị chai, dùng được 20 phút",
		"mã PIN bị khóa sau 3 lần nhập sai",
		"ID: 123456789",
		"user id 123456789",
		"ID đơn vị: 0010",
		"Tài khoản: ketoan0010",
		"Số điện thoại: 0912 345 678",
		"Kính gửi Phòng CNTT, em cần hỗ trợ cài đặt UltraViewer ạ.",
		"Em đã pass qua bước xác thực.",
		"passport number",
		"compass 12345",
		"",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		unsigned found = 0xdead;
		char *r = redact_secrets(keep[i], &found);

		assert_non_null(r);
		if (strcmp(r, keep[i]) != 0 || found != 0)
			fail_msg("case %zu: '%s' became '%s' (%u)", i, keep[i],
				 r, found);
		free(r);
	}
}

static void realistic_message(void **state)
{
	const char *in =
		"Kính gửi Phòng Công nghệ thông tin,\n"
		"\n"
		"Đơn vị em (KBNN 0010) không ký số được trên Dịch vụ công.\n"
		"Mã yêu cầu cũ: SD211208-123456.\n"
		"Tài khoản: ketoan0010\n"
		"Mật khẩu: Kb@0010xyz\n"
		"Mã PIN token: 12345678\n"
		"\n"
		"Anh vào máy em giúp qua UltraViewer nhé:\n"
		"ID: 123 456 789\n"
		"Pass: ab12cd\n"
		"\n"
		"Em cảm ơn. Nếu cần đổi mật khẩu thế nào thì anh hướng dẫn em.\n";
	const char *want =
		"Kính gửi Phòng Công nghệ thông tin,\n"
		"\n"
		"Đơn vị em (KBNN 0010) không ký số được trên Dịch vụ công.\n"
		"Mã yêu cầu cũ: SD211208-123456.\n"
		"Tài khoản: ketoan0010\n"
		"Mật khẩu: " M "\n"
		"Mã PIN token: " M "\n"
		"\n"
		"Anh vào máy em giúp qua UltraViewer nhé:\n"
		"ID: " M "\n"
		"Pass: " M "\n"
		"\n"
		"Em cảm ơn. Nếu cần đổi mật khẩu thế nào thì anh hướng dẫn em.\n";
	unsigned found = 0;
	char *r = redact_secrets(in, &found);

	(void)state;
	assert_non_null(r);
	assert_string_equal(r, want);
	assert_int_equal(found, REDACT_PASSWORD | REDACT_PIN |
			 REDACT_REMOTE_ACCESS);
	free(r);

	/* After a blank line the remote-access context is over. */
	r = redact_secrets("Cài UltraViewer rồi ạ.\n\nmk: 4fk9x2", &found);
	assert_string_equal(r, "Cài UltraViewer rồi ạ.\n\nmk: " M);
	assert_int_equal(found, REDACT_PASSWORD);
	free(r);
}

static void errors_and_odd_input(void **state)
{
	unsigned found = 77;
	char *r;

	(void)state;
	errno = 0;
	assert_null(redact_secrets(NULL, &found));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(found, 77);            /* untouched on failure */

	r = redact_secrets("mk: Abc@123", NULL);   /* ret_found optional */
	assert_string_equal(r, "mk: " M);
	free(r);

	/* Invalid UTF-8 is copied through; labels around it still work. */
	r = redact_secrets("\xff\xfe mk: Abc@123 \xc3", &found);
	assert_string_equal(r, "\xff\xfe mk: " M " \xc3");
	assert_int_equal(found, REDACT_PASSWORD);
	free(r);

	/* A label at the very end, a value cut by the end. */
	r = redact_secrets("mật khẩu", &found);
	assert_string_equal(r, "mật khẩu");
	assert_int_equal(found, 0);
	free(r);
	r = redact_secrets("pin:", &found);
	assert_string_equal(r, "pin:");
	free(r);
}

static void linear_time(void **state)
{
	static const char *const unit[] = {
		"mật khẩu ", "mk:", "pin ", "UltraViewer ID ", "1 ", "\"",
		"mật khẩu là \"",
	};
	size_t n = 1 << 20;
	char *s = malloc(n + 1);
	clock_t t0 = clock();

	(void)state;
	assert_non_null(s);
	for (size_t u = 0; u < sizeof(unit) / sizeof(unit[0]); u++) {
		size_t k = strlen(unit[u]), len = 0;
		char *r;

		while (len + k <= n) {
			memcpy(s + len, unit[u], k);
			len += k;
		}
		s[len] = '\0';
		r = redact_secrets(s, NULL);
		assert_non_null(r);
		free(r);
	}
	free(s);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 30.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(passwords),
		cmocka_unit_test(pins),
		cmocka_unit_test(remote_access),
		cmocka_unit_test(no_false_positives),
		cmocka_unit_test(realistic_message),
		cmocka_unit_test(errors_and_odd_input),
		cmocka_unit_test(linear_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
