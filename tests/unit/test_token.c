/*
 * test_token.c — bearer tokens: shape, randomness, hashing, refusal of
 * strings that are not tokens.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "auth/token.h"

static void shape_and_uniqueness(void **state)
{
	char a[TOKEN_SIZE], b[TOKEN_SIZE];
	unsigned char ha[TOKEN_HASH_SIZE], hb[TOKEN_HASH_SIZE];

	(void)state;
	token_generate(a);
	token_generate(b);
	assert_int_equal(strlen(a), TOKEN_SIZE - 1);
	assert_memory_equal(a, "ugc_", 4);
	assert_string_not_equal(a, b);
	assert_int_equal(token_hash(a, strlen(a), ha), 0);
	assert_int_equal(token_hash(b, strlen(b), hb), 0);
	assert_memory_not_equal(ha, hb, sizeof(ha));
	/* hashing is stable */
	assert_int_equal(token_hash(a, strlen(a), hb), 0);
	assert_memory_equal(ha, hb, sizeof(ha));
}

static void refusals(void **state)
{
	char t[TOKEN_SIZE], bad[TOKEN_SIZE];
	unsigned char h[TOKEN_HASH_SIZE], before[TOKEN_HASH_SIZE];

	(void)state;
	memset(h, 0xaa, sizeof(h));
	memcpy(before, h, sizeof(h));
	token_generate(t);
	assert_int_equal(token_hash(t, strlen(t) - 1, h), -EINVAL);
	assert_int_equal(token_hash("", 0, h), -EINVAL);
	memcpy(bad, t, sizeof(bad));
	bad[0] = 'x';
	assert_int_equal(token_hash(bad, strlen(bad), h), -EINVAL);
	memcpy(bad, t, sizeof(bad));
	bad[10] = '+';
	assert_int_equal(token_hash(bad, strlen(bad), h), -EINVAL);
	bad[10] = '\0';
	assert_int_equal(token_hash(bad, TOKEN_SIZE - 1, h), -EINVAL);
	assert_memory_equal(h, before, sizeof(h)); /* untouched on failure */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shape_and_uniqueness),
		cmocka_unit_test(refusals),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
