/*
 * store_fixture.h — what the store tests share: a fresh migrated database
 * in a temporary folder, removed again by fx_teardown(), and raw SQL on
 * the database file beside the store.
 */
#ifndef UNGCUU_TESTS_STORE_FIXTURE_H
#define UNGCUU_TESTS_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>

#include "store/store.h"

struct fx {
	char dir[64];
	char path[96];
	struct store *st;
};

/* Creates the folder from tmpl ("/tmp/...-XXXXXX"), opens t.db in it with
 * flags and migrates it; the versions migrated from and to come back. */
static inline void fx_open(struct fx *fx, const char *tmpl, int flags, int *ret_from, int *ret_to)
{
	struct store_err err = { 0 };

	snprintf(fx->dir, sizeof(fx->dir), "%s", tmpl);
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/t.db", fx->dir);
	assert_int_equal(store_open(fx->path, flags, &fx->st, &err), 0);
	assert_int_equal(store_migrate(fx->st, ret_from, ret_to), 0);
}

static inline int fx_teardown(void **state)
{
	struct fx *fx = *state;
	char cmd[128];

	store_close(fx->st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		return -1;
	free(fx);
	return 0;
}

static inline void sql(const char *path, const char *q)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static inline long long sql_int(const char *path, const char *q)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

#endif
