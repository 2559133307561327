/*
 * test_blob.c — the content-addressed blob store: content in, the same
 * content back under its SHA-256, and the same content stored by many
 * threads at once (the same screenshot sent by several people, the same
 * attachment in several mails) all succeeding.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "store/blob.h"

#define THREADS 8
#define SIZE (256 * 1024)

struct worker {
	pthread_barrier_t *go;
	const char *dir;
	const unsigned char *data;
	int rc;
	char id[BLOB_ID_SIZE];
};

static void *put(void *arg)
{
	struct worker *w = arg;

	pthread_barrier_wait(w->go);
	w->rc = blob_put(w->dir, w->data, SIZE, BLOB_NOSYNC, w->id);
	return NULL;
}

static void same_content_at_once(void **state)
{
	unsigned char *data = malloc(SIZE);
	char tmpl[] = "/tmp/ungcuu-blob-XXXXXX", dir[64], path[256], *back;
	const char *root = mkdtemp(tmpl);
	FILE *f;

	(void)state;
	assert_non_null(data);
	assert_non_null(root);
	randombytes_buf(data, SIZE);
	for (int round = 0; round < 20; round++) {
		pthread_barrier_t go;
		pthread_t t[THREADS];
		struct worker w[THREADS];

		snprintf(dir, sizeof(dir), "%s/r%d", root, round);
		data[0] = (unsigned char)round; /* new content each round */
		pthread_barrier_init(&go, NULL, THREADS);
		for (int i = 0; i < THREADS; i++) {
			w[i] = (struct worker){ &go, dir, data, -1, "" };
			assert_int_equal(pthread_create(&t[i], NULL, put, &w[i]), 0);
		}
		for (int i = 0; i < THREADS; i++)
			pthread_join(t[i], NULL);
		pthread_barrier_destroy(&go);
		for (int i = 0; i < THREADS; i++) {
			assert_int_equal(w[i].rc, 0);
			assert_string_equal(w[i].id, w[0].id);
		}
		/* the bytes are there, whole */
		assert_int_equal(blob_path(dir, w[0].id, path, sizeof(path)), 0);
		assert_non_null(f = fopen(path, "rb"));
		back = malloc(SIZE + 1);
		assert_int_equal(fread(back, 1, SIZE + 1, f), SIZE);
		fclose(f);
		assert_memory_equal(back, data, SIZE);
		free(back);
	}
	free(data);
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		assert_int_equal(system(cmd), 0);
	}
}

static void bad_ids(void **state)
{
	char buf[256];

	(void)state;
	assert_int_equal(blob_path("/x", "abc", buf, sizeof(buf)), -22);
	assert_int_equal(blob_path("/x", "../../../../../../../../../../../../../../../../../../../../etc/passwd",
				   buf, sizeof(buf)), -22);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_content_at_once),
		cmocka_unit_test(bad_ids),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
