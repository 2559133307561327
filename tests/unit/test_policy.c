/*
 * test_policy.c — every rule of the password policy, the messages in both
 * languages, the hooks, and the zxcvbn score mapping.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "auth/policy.h"

static const struct policy P = POLICY_DEFAULTS;
static const struct policy_subject binh = { "binh.tt", "binh.tt@hanoi.example.gov.vn",
					    "Trần Thị Bình", "Kho bạc Nhà nước Hà Nội" };

static unsigned check(const char *pw)
{
	struct policy_result r;
	policy_check(&P, pw, &binh, NULL, &r);
	return r.failed;
}

#define HAS(f, rule) (((f) >> (rule)) & 1u)

static void seed_example_passes(void **state)
{
	(void)state;
	/* the seed's example (R16) has the right shape, but it is published in
	 * a government notice: the first thing an attacker tries, so refused */
	assert_int_equal(check("AaBc146#@"), (1u << PR_DEFAULT) | (1u << PR_BREACHED));
	assert_int_equal(check("XaBc157#@"), 0);
	assert_int_equal(check("Sông Hồng 2026 chảy mãi!"), 0); /* Vietnamese letters count */
	assert_int_equal(check("kh0ngD0an#duoc-Q9"), 0);
}

static void length_and_classes(void **state)
{
	unsigned f;
	char longpw[200];

	(void)state;
	f = check("Ab1#xyz");
	assert_true(HAS(f, PR_TOO_SHORT));
	f = check("ab1#xyzqwe");
	assert_true(HAS(f, PR_NO_UPPER));
	assert_false(HAS(f, PR_NO_LOWER));
	f = check("AB1#XYZQWE");
	assert_true(HAS(f, PR_NO_LOWER));
	f = check("Abc#xyzqwe");
	assert_true(HAS(f, PR_NO_DIGIT));
	f = check("Abc1xyzqwe");
	assert_true(HAS(f, PR_NO_SPECIAL));
	/* length counts characters, not bytes: 8 Vietnamese letters are enough */
	f = check("Đường1#ả");
	assert_false(HAS(f, PR_TOO_SHORT));
	/* no truncation: a long password is judged whole, and too long is said */
	memset(longpw, 'x', sizeof(longpw) - 1);
	longpw[sizeof(longpw) - 1] = '\0';
	memcpy(longpw, "Aa1#", 4);
	f = check(longpw);
	assert_true(HAS(f, PR_TOO_LONG));
	/* all reasons at once */
	f = check("abc");
	assert_true(HAS(f, PR_TOO_SHORT) && HAS(f, PR_NO_UPPER) && HAS(f, PR_NO_DIGIT) &&
		    HAS(f, PR_NO_SPECIAL) && HAS(f, PR_WEAK));
}

static void classes_switchable(void **state)
{
	struct policy nist = P;
	struct policy_result r;

	(void)state;
	nist.require_classes = false;
	policy_check(&nist, "correct horse battery staple", &binh, NULL, &r);
	assert_int_equal(r.failed, 0);
	policy_check(&P, "correct horse battery staple", &binh, NULL, &r);
	assert_true(HAS(r.failed, PR_NO_UPPER));
}

static void personal(void **state)
{
	(void)state;
	assert_true(HAS(check("Binh.tt#2026x"), PR_PERSONAL));   /* username */
	assert_true(HAS(check("xTRANTHIBINH9#"), PR_PERSONAL));  /* name, folded */
	assert_true(HAS(check("Trần Thị Bình#9"), PR_PERSONAL)); /* name with marks */
	assert_true(HAS(check("9#KhoBacNhaNuocHaNoi"), PR_PERSONAL)); /* unit name */
	assert_false(HAS(check("XaBc157#@"), PR_PERSONAL));
}

static void defaults_and_breached(void **state)
{
	struct policy_result r;

	(void)state;
	assert_true(HAS(check("P@ssw0rd"), PR_DEFAULT));
	assert_true(HAS(check("Matkhau@123"), PR_DEFAULT));
	assert_true(HAS(check("Admin@123"), PR_BREACHED));
	policy_check(&P, "XaBc157#@", &binh, NULL, &r);
	assert_int_equal(r.breach_count, 0);
}

static int fake_breached(void *ctx, const char *pw, uint32_t *count)
{
	(void)ctx;
	if (!strcmp(pw, "Xq7#mPl2vR9w")) {
		*count = 4242;
		return 0;
	}
	if (!strcmp(pw, "Error#Case77z"))
		return -EIO;
	return -ENOENT;
}

static int fake_reused(void *ctx, const char *pw, int history)
{
	(void)ctx;
	assert_int_equal(history, 5);
	return !strcmp(pw, "Old#Password99z");
}

static void hooks(void **state)
{
	struct policy_hooks h = { fake_breached, NULL, fake_reused, NULL };
	struct policy_result r;

	(void)state;
	policy_check(&P, "Xq7#mPl2vR9w", &binh, &h, &r);
	assert_true(HAS(r.failed, PR_BREACHED));
	assert_int_equal(r.breach_count, 4242);
	/* an index that cannot answer fails closed */
	policy_check(&P, "Error#Case77z", &binh, &h, &r);
	assert_true(HAS(r.failed, PR_BREACHED));
	policy_check(&P, "Old#Password99z", &binh, &h, &r);
	assert_true(HAS(r.failed, PR_REUSED));
	policy_check(&P, "New#Passphrase42q", &binh, &h, &r);
	assert_int_equal(r.failed, 0);
}

static void strength(void **state)
{
	(void)state;
	assert_int_equal(policy_score(0), 0);
	assert_int_equal(policy_score(9.9), 0);   /* < 10^3 guesses */
	assert_int_equal(policy_score(10.0), 1);
	assert_int_equal(policy_score(26.0), 2);
	assert_int_equal(policy_score(27.0), 3);  /* >= 10^8 */
	assert_int_equal(policy_score(34.0), 4);  /* >= 10^10 */
	/* composition is not strength: this passes the seed's classes, not zxcvbn */
	assert_true(HAS(check("Password1!"), PR_WEAK));
	/* the user's own words make it weaker */
	assert_true(HAS(check("Hanoi@2024"), PR_WEAK));
}

static void messages(void **state)
{
	char buf[200];

	(void)state;
	for (int i = 0; i < PR__MAX; i++) {
		assert_true(strlen(policy_rule_code(i)) > 0);
		assert_true(strlen(policy_rule_message(&P, i, "vi", buf, sizeof(buf))) > 10);
		assert_true(strlen(policy_rule_message(&P, i, "en", buf, sizeof(buf))) > 10);
	}
	assert_string_equal(policy_rule_message(&P, PR_TOO_SHORT, "vi", buf, sizeof(buf)),
			    "Mật khẩu phải có ít nhất 8 ký tự");
	assert_string_equal(policy_rule_message(&P, PR_TOO_SHORT, "en", buf, sizeof(buf)),
			    "must be at least 8 characters long");
	assert_string_equal(policy_rule_code(PR_BREACHED), "breached");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed_example_passes),
		cmocka_unit_test(length_and_classes),
		cmocka_unit_test(classes_switchable),
		cmocka_unit_test(personal),
		cmocka_unit_test(defaults_and_breached),
		cmocka_unit_test(hooks),
		cmocka_unit_test(strength),
		cmocka_unit_test(messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
