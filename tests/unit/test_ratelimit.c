/*
 * test_ratelimit.c — fixed-window rate limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include <sodium.h>

#include "auth/ratelimit.h"

static void window(void **state)
{
	struct ratelimit *r = ratelimit_new(64, 3, 600);

	(void)state;
	assert_non_null(r);
	assert_int_equal(ratelimit_wait(r, "ip:1", 1000), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(ratelimit_hit(r, "ip:1", 1000 + i), 0);
	/* the fourth use waits for the end of the window that began at 1000 */
	assert_int_equal(ratelimit_hit(r, "ip:1", 1100), 500);
	assert_int_equal(ratelimit_wait(r, "ip:1", 1100), 500);
	/* refused uses are not counted: the wait does not grow */
	assert_int_equal(ratelimit_hit(r, "ip:1", 1200), 400);
	/* other keys are independent */
	assert_int_equal(ratelimit_hit(r, "ip:2", 1200), 0);
	/* a new window */
	assert_int_equal(ratelimit_wait(r, "ip:1", 1600), 0);
	assert_int_equal(ratelimit_hit(r, "ip:1", 1600), 0);
	ratelimit_free(r);
	ratelimit_free(NULL);
}

static void steady_use_never_locks(void **state)
{
	struct ratelimit *r = ratelimit_new(64, 3, 600);

	(void)state;
	/* one use every five minutes, for a day: always within 3 per 10 minutes */
	for (int64_t t = 0; t < 86400; t += 300)
		assert_int_equal(ratelimit_hit(r, "office", t), 0);
	ratelimit_free(r);
}

static void bounded_memory(void **state)
{
	struct ratelimit *r = ratelimit_new(16, 1, 60);
	char key[32];

	(void)state;
	/* many more keys than slots: old windows are reused, nothing breaks */
	for (int i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(ratelimit_hit(r, key, i), 0);
	}
	/* the newest key is still remembered */
	assert_true(ratelimit_hit(r, key, 9999) > 0);
	ratelimit_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(window),
		cmocka_unit_test(steady_use_never_locks),
		cmocka_unit_test(bounded_memory),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
