/*
 * test_respcache.c — the cache of rendered answers: hits only at the same
 * key and generation, within its lifetime; replacement; the memory bound;
 * answers too large to keep; concurrent use.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "http/respcache.h"

static void hit_same_key_and_generation_only(void **state)
{
	struct respcache *rc = respcache_new(1 << 20, 60000);
	struct respcache_stats st;
	size_t len = 0;
	char *t;

	(void)state;
	assert_non_null(rc);
	assert_null(respcache_get(rc, "SD260101-000001\x1f" "1\x1f*", 7, &len));
	respcache_put(rc, "SD260101-000001\x1f" "1\x1f*", 7, "{\"a\":1}", 7);
	t = respcache_get(rc, "SD260101-000001\x1f" "1\x1f*", 7, &len);
	assert_non_null(t);
	assert_int_equal(len, 7);
	assert_string_equal(t, "{\"a\":1}");
	free(t);
	/* another caller shape, another key: no hit */
	assert_null(respcache_get(rc, "SD260101-000001\x1f" "0\x1f" "0010", 7, &len));
	/* a later generation: the entry is gone for good */
	assert_null(respcache_get(rc, "SD260101-000001\x1f" "1\x1f*", 8, &len));
	assert_null(respcache_get(rc, "SD260101-000001\x1f" "1\x1f*", 7, &len));
	respcache_stats(rc, &st);
	assert_int_equal(st.hits, 1);
	assert_int_equal(st.misses, 4);
	assert_int_equal(st.entries, 0);
	assert_int_equal(st.bytes, 0);
	respcache_free(rc);
}

static void replacement_and_lifetime(void **state)
{
	struct respcache *rc = respcache_new(1 << 20, 60000), *short_lived;
	size_t len;
	char *t;

	(void)state;
	respcache_put(rc, "k", 1, "old", 3);
	respcache_put(rc, "k", 2, "new!", 4);
	assert_null(respcache_get(rc, "k", 1, &len));
	respcache_put(rc, "k", 2, "new!", 4);
	t = respcache_get(rc, "k", 2, &len);
	assert_string_equal(t, "new!");
	free(t);

	/* a lifetime of 0 ms: never served, whatever the generation */
	short_lived = respcache_new(1 << 20, 0);
	respcache_put(short_lived, "k", 1, "x", 1);
	assert_null(respcache_get(short_lived, "k", 1, &len));
	respcache_free(short_lived);
	respcache_free(rc);
}

static void memory_bound_and_large_answers(void **state)
{
	/* 16 shards of 64 KiB; each answer 1000 bytes */
	struct respcache *rc = respcache_new(1 << 20, 60000);
	struct respcache_stats st;
	char body[1000], key[32], *big, *t;
	size_t len;
	int kept = 0;

	(void)state;
	memset(body, 'x', sizeof(body));
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "SD260101-%06d", i + 1);
		respcache_put(rc, key, 1, body, sizeof(body));
	}
	respcache_stats(rc, &st);
	assert_true(st.bytes <= 1 << 20);
	assert_true(st.entries > 500); /* most of the memory is in use */
	assert_true(st.entries < 5000);
	/* the newest survive, the oldest went first */
	assert_null(respcache_get(rc, "SD260101-000001", 1, &len));
	for (int i = 4990; i < 5000; i++) {
		snprintf(key, sizeof(key), "SD260101-%06d", i + 1);
		if ((t = respcache_get(rc, key, 1, &len))) {
			assert_int_equal(len, sizeof(body));
			kept++;
			free(t);
		}
	}
	assert_int_equal(kept, 10);

	/* an answer over an eighth of a shard is not kept */
	big = malloc(16 << 10);
	memset(big, 'y', 16 << 10);
	respcache_put(rc, "big", 1, big, 16 << 10);
	assert_null(respcache_get(rc, "big", 1, &len));
	free(big);
	respcache_free(rc);

	/* no memory, no cache: every call is a harmless miss */
	assert_null(respcache_new(0, 1000));
	respcache_put(NULL, "k", 1, "x", 1);
	assert_null(respcache_get(NULL, "k", 1, &len));
}

struct worker_arg {
	struct respcache *rc;
	int id;
	int bad;
};

static void *worker(void *p)
{
	struct worker_arg *a = p;
	char key[32], want[32];
	size_t len;

	for (int i = 0; i < 20000; i++) {
		int k = (i * 7 + a->id) % 500;
		char *t;

		snprintf(key, sizeof(key), "k%d", k);
		snprintf(want, sizeof(want), "v%d", k);
		if ((t = respcache_get(a->rc, key, 1, &len))) {
			if (strcmp(t, want) != 0 || len != strlen(want))
				a->bad++;
			free(t);
		} else {
			respcache_put(a->rc, key, 1, want, strlen(want));
		}
	}
	return NULL;
}

static void concurrent_use(void **state)
{
	struct respcache *rc = respcache_new(64 << 10, 60000);
	struct worker_arg args[4];
	pthread_t th[4];

	(void)state;
	for (int i = 0; i < 4; i++) {
		args[i] = (struct worker_arg){ rc, i, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, worker, &args[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(args[i].bad, 0);
	}
	respcache_free(rc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hit_same_key_and_generation_only),
		cmocka_unit_test(replacement_and_lifetime),
		cmocka_unit_test(memory_bound_and_large_answers),
		cmocka_unit_test(concurrent_use),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
