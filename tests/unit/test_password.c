/*
 * test_password.c — Argon2id hashing and verification, rehash detection,
 * generated passwords; TOTP against the RFC 6238 test vectors, replay
 * refusal, URIs and recovery codes; throttling windows on a moved clock.
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

#include "auth/password.h"
#include "auth/policy.h"
#include "auth/throttle.h"
#include "auth/totp.h"

/* cheap parameters keep the test fast; the defaults are used in production */
static const struct pwhash_params fast = { 1, 8u << 20 };

static void argon2id(void **state)
{
	char h[PASSWORD_HASH_SIZE], h2[PASSWORD_HASH_SIZE];
	const struct pwhash_params strong = PWHASH_DEFAULTS;

	(void)state;
	assert_int_equal(password_hash(&fast, "AaBc146#@", h), 0);
	assert_memory_equal(h, "$argon2id$", 10);
	assert_int_equal(password_verify(h, "AaBc146#@"), 0);
	assert_int_equal(password_verify(h, "AaBc146#!"), -EACCES);
	assert_int_equal(password_verify(h, ""), -EACCES);
	assert_int_equal(password_verify("", "AaBc146#@"), -EACCES);
	assert_int_equal(password_verify("$argon2id$garbage", "x"), -EACCES);
	/* salted: same password, different hash */
	assert_int_equal(password_hash(&fast, "AaBc146#@", h2), 0);
	assert_string_not_equal(h, h2);
	/* weaker than the configured parameters: rehash on login */
	assert_true(password_needs_rehash(&strong, h));
	assert_false(password_needs_rehash(&fast, h));
	assert_true(strong.memlimit >= 19u << 20 && strong.opslimit >= 2); /* OWASP minimum */
}

static void generated_passwords(void **state)
{
	const struct policy p = POLICY_DEFAULTS;
	char a[17], b[17];

	(void)state;
	for (int i = 0; i < 50; i++) {
		struct policy_result r;
		password_generate(a, 16);
		assert_int_equal(strlen(a), 16);
		assert_null(strpbrk(a, "0O1lI"));
		policy_check(&p, a, NULL, NULL, &r);
		assert_int_equal(r.failed, 0);
	}
	password_generate(b, 16);
	assert_string_not_equal(a, b);
}

static void totp_rfc6238_vectors(void **state)
{
	/* RFC 6238 appendix B, SHA-1, 8 digits, secret "12345678901234567890" */
	static const struct { time_t t; const char *code; } v[] = {
		{ 59, "94287082" }, { 1111111109, "07081804" }, { 1111111111, "14050471" },
		{ 1234567890, "89005924" }, { 2000000000, "69279037" }, { 20000000000, "65353130" },
	};
	const unsigned char *secret = (const unsigned char *)"12345678901234567890";
	char out[10];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(totp_generate(secret, 20, v[i].t, 8, out), 0);
		assert_string_equal(out, v[i].code);
	}
}

static void totp_verify_and_replay(void **state)
{
	unsigned char secret[TOTP_SECRET_SIZE];
	char code[8], b32[TOTP_B32_SIZE], *uri;
	int64_t last = 0;
	time_t now = 1795230000;

	(void)state;
	totp_secret_new(secret);
	assert_int_equal(totp_generate(secret, sizeof(secret), now, 6, code), 0);
	assert_int_equal(totp_verify(secret, sizeof(secret), code, now, 1, &last), 0);
	assert_int_equal(last, now / 30);
	/* the same code again is a replay */
	assert_int_equal(totp_verify(secret, sizeof(secret), code, now, 1, &last), -EACCES);
	/* the previous step's code within the window, but older than the last used: refused */
	assert_int_equal(totp_generate(secret, sizeof(secret), now - 30, 6, code), 0);
	assert_int_equal(totp_verify(secret, sizeof(secret), code, now, 1, &last), -EACCES);
	/* the next step's code (clock drift) is accepted once */
	assert_int_equal(totp_generate(secret, sizeof(secret), now + 30, 6, code), 0);
	assert_int_equal(totp_verify(secret, sizeof(secret), code, now, 1, &last), 0);
	/* outside the window */
	last = 0;
	assert_int_equal(totp_generate(secret, sizeof(secret), now + 300, 6, code), 0);
	assert_int_equal(totp_verify(secret, sizeof(secret), code, now, 1, &last), -EACCES);
	assert_int_equal(totp_verify(secret, sizeof(secret), "12345", now, 1, &last), -EACCES);
	assert_int_equal(totp_verify(secret, sizeof(secret), "12a456", now, 1, &last), -EACCES);
	assert_int_equal(totp_secret_b32(secret, b32), 0);
	assert_int_equal(strlen(b32), 32);
	uri = totp_uri("Sở TT&TT", "binh.tt", b32);
	assert_non_null(uri);
	assert_non_null(strstr(uri, "otpauth://totp/S%E1%BB%9F%20TT%26TT:binh.tt?secret="));
	assert_non_null(strstr(uri, "&digits=6&period=30"));
	free(uri);
}

static void recovery_codes(void **state)
{
	char a[RECOVERY_CODE_SIZE], n[RECOVERY_CODE_SIZE];

	(void)state;
	recovery_code_new(a);
	assert_int_equal(strlen(a), 14);
	assert_true(a[4] == '-' && a[9] == '-');
	assert_int_equal(recovery_code_normalise(a, n), 0);
	assert_string_equal(a, n);
	assert_int_equal(recovery_code_normalise("ABCD EFGH JKMN", n), 0);
	assert_string_equal(n, "abcd-efgh-jkmn");
	assert_int_equal(recovery_code_normalise("abcd-efgh-jkm", n), -EINVAL);
	assert_int_equal(recovery_code_normalise("abcd-efgh-jkm0", n), -EINVAL); /* 0 not used */
}

static void throttling(void **state)
{
	struct throttle_rules r = { 3, 30, 600, 900 };
	struct throttle *t = throttle_new(64, &r);
	int64_t now = 1000;

	(void)state;
	assert_non_null(t);
	/* free failures */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(throttle_wait(t, "user:binh", now), 0);
		assert_int_equal(throttle_fail(t, "user:binh", now), 0);
	}
	/* then locks that double */
	assert_int_equal(throttle_fail(t, "user:binh", now), 30);
	assert_int_equal(throttle_wait(t, "user:binh", now + 10), 20);
	assert_int_equal(throttle_fail(t, "user:binh", now + 30), 60);
	assert_int_equal(throttle_fail(t, "user:binh", now + 90), 120);
	for (int i = 0; i < 10; i++)
		throttle_fail(t, "user:binh", now + 300);
	assert_int_equal(throttle_wait(t, "user:binh", now + 300), 600); /* capped */
	/* other keys are not affected */
	assert_int_equal(throttle_wait(t, "user:an", now + 300), 0);
	/* after the lock and the quiet period, it starts over */
	assert_int_equal(throttle_wait(t, "user:binh", now + 300 + 600 + 900 + 1), 0);
	assert_int_equal(throttle_fail(t, "user:binh", now + 300 + 600 + 900 + 1), 0);
	/* success clears */
	throttle_fail(t, "ip:10.0.0.1", now);
	throttle_fail(t, "ip:10.0.0.1", now);
	throttle_fail(t, "ip:10.0.0.1", now);
	throttle_success(t, "ip:10.0.0.1");
	assert_int_equal(throttle_fail(t, "ip:10.0.0.1", now), 0);
	/* bounded memory: many keys do not break it, and a recent lock survives */
	throttle_free(t);
	t = throttle_new(16, &r);
	for (int i = 0; i < 5; i++)
		throttle_fail(t, "user:target", now + 100);
	for (int i = 0; i < 2000; i++) {
		char key[32];
		snprintf(key, sizeof(key), "ip:%d", i);
		throttle_fail(t, key, now + i % 50);
	}
	throttle_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(argon2id),
		cmocka_unit_test(generated_passwords),
		cmocka_unit_test(totp_rfc6238_vectors),
		cmocka_unit_test(totp_verify_and_replay),
		cmocka_unit_test(recovery_codes),
		cmocka_unit_test(throttling),
	};
	if (sodium_init() < 0 || totp_global_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
