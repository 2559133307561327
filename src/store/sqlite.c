/*
 * sqlite.c — the SQLite backend of the store (see store.h).
 *
 * Concurrency and durability:
 *   - One writer connection, owned by one writer thread.  Every write is a
 *     job handed to that thread; the thread takes all jobs that are waiting,
 *     runs each inside its own SAVEPOINT of one transaction, commits once
 *     (WAL, synchronous=FULL: the commit is synced) and only then wakes the
 *     callers.  This is group commit: under load one fsync covers many
 *     writes, and a failing job rolls back only its own savepoint.
 *   - Reads use a pool of read-only connections, one per concurrent reader;
 *     WAL lets them run beside the writer.
 *   - Statements are prepared once per connection and cached by the address
 *     of their (static) SQL text.
 *
 * Request codes come from the code_seq table inside the creating job, so a
 * failed create rolls the sequence back with it: codes have no gaps and no
 * duplicates.
 */
#include "store/store.h"

#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

#include "auth/rbac.h"
#include "core/audit.h"
#include "core/fold.h"
#include "core/tag.h"
#include "core/timefmt.h"
#include "store/migrate.h"
#include "store/sqlite_int.h"

/* ------------------------------------------------------------------------ */
/* Connections and statements                                               */
/* ------------------------------------------------------------------------ */

int sq_map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return 0;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_CONSTRAINT:
		return rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY ? -EEXIST
											   : -EINVAL;
	default:
		return -EIO;
	}
}

void sq_set_err(struct store_err *err, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

static void conn_free(struct sq_conn *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->ncache; i++)
		sqlite3_finalize(c->cache[i].stmt);
	free(c->cache);
	sq_sla_conn_free(c);
	sqlite3_close_v2(c->db);
	free(c);
}

static int conn_open(struct sq_store *st, bool writer, bool create, struct sq_conn **ret,
		     struct store_err *err)
{
	struct sq_conn *c = calloc(1, sizeof(*c));
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	char pragmas[256];
	int rc;

	if (!c)
		return -ENOMEM;
	rc = sqlite3_open_v2(st->path, &c->db, flags, NULL);
	if (rc != SQLITE_OK) {
		sq_set_err(err, NULL, "cannot open database '%s': %s%s", st->path,
			c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc),
			rc == SQLITE_CANTOPEN && !create ? " (run 'ungcuu init' first)" : "");
		conn_free(c);
		return rc == SQLITE_CANTOPEN ? -ENOENT : sq_map_rc(rc);
	}
	sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(c->db, 1);
	snprintf(pragmas, sizeof(pragmas),
		 "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA foreign_keys=ON; "
		 "PRAGMA mmap_size=268435456;%s",
		 st->flags & STORE_NOSYNC ? "OFF" : "FULL", writer ? "" : " PRAGMA query_only=ON;");
	rc = sqlite3_exec(c->db, pragmas, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sq_sla_register(c);
	if (rc != SQLITE_OK) {
		sq_set_err(err, NULL, "cannot use database '%s': %s", st->path, sqlite3_errmsg(c->db));
		rc = sq_map_rc(rc);
		conn_free(c);
		return rc;
	}
	*ret = c;
	return 0;
}

/*
 * The prepared statement for `sql` on connection c, reset and unbound.
 * `sql` must be a string with static storage: it is the cache key.
 * Returns NULL on a prepare error (a bug in our SQL, or out of memory).
 */
sqlite3_stmt *sq_stmt(struct sq_conn *c, const char *sql)
{
	sqlite3_stmt *s = NULL;

	for (int i = 0; i < c->ncache; i++)
		if (c->cache[i].sql == sql) {
			s = c->cache[i].stmt;
			sqlite3_reset(s);
			sqlite3_clear_bindings(s);
			return s;
		}
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK)
		return NULL;
	if (c->ncache == c->cap) {
		int cap = c->cap ? c->cap * 2 : 32;
		struct stmt_slot *n = realloc(c->cache, (size_t)cap * sizeof(*n));
		if (!n) {
			sqlite3_finalize(s);
			return NULL;
		}
		c->cache = n;
		c->cap = cap;
	}
	c->cache[c->ncache].sql = sql;
	c->cache[c->ncache].stmt = s;
	c->ncache++;
	return s;
}

void sq_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

/* Step a statement expected to finish without rows. */
int sq_step_done(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
}

const char *sq_col_text(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

/* A JSON string, or JSON null for SQL NULL. */
json_t *sq_col_json(sqlite3_stmt *s, int i)
{
	const char *v = sq_col_text(s, i);
	return v ? json_string(v) : json_null();
}

int sq_exec(struct sq_conn *c, const char *sql)
{
	return sq_map_rc(sqlite3_exec(c->db, sql, NULL, NULL, NULL));
}

/*
 * Each thread keeps one idle read connection of its own, so the common
 * path of a read takes no lock at all: with a shared pool, the sixteen
 * HTTP threads queued on its mutex (a profile of the GET benchmark showed
 * futex waits and wake-ups at about a tenth of the server's time).  The
 * slot names its store by serial, never by address, so a connection of a
 * closed store is never picked up; sq_close() frees every connection
 * through st->all, whichever thread's slot it sits in.
 */
static __thread struct {
	uint64_t serial;
	struct sq_conn *c;
} tl_reader;

static _Atomic uint64_t store_serials;

struct sq_conn *sq_reader_get(struct sq_store *st, int *ret_rc)
{
	struct sq_conn *c;

	if (tl_reader.c && tl_reader.serial == st->serial) {
		c = tl_reader.c;
		tl_reader.c = NULL;
		return c;
	}
	pthread_mutex_lock(&st->rlock);
	c = st->readers;
	if (c)
		st->readers = c->next;
	pthread_mutex_unlock(&st->rlock);
	if (c)
		return c;
	*ret_rc = conn_open(st, false, false, &c, NULL);
	if (!c)
		return NULL;
	pthread_mutex_lock(&st->rlock);
	c->all_next = st->all;
	st->all = c;
	pthread_mutex_unlock(&st->rlock);
	return c;
}

void sq_reader_put(struct sq_store *st, struct sq_conn *c)
{
	if (!tl_reader.c) {
		tl_reader.serial = st->serial;
		tl_reader.c = c;
		return;
	}
	pthread_mutex_lock(&st->rlock);
	c->next = st->readers;
	st->readers = c;
	pthread_mutex_unlock(&st->rlock);
}

int sq_read(struct store *base, int (*fn)(struct sq_conn *c, void *arg), void *arg)
{
	struct sq_store *st = (struct sq_store *)base;
	struct sq_conn *c;
	int rc = 0;

	if (!(c = sq_reader_get(st, &rc)))
		return rc;
	rc = fn(c, arg);
	sq_reader_put(st, c);
	return rc;
}

/*
 * The store's generation (store.h), in two parts added together:
 *
 * - A counter shared by every ungcuu process of the database, in the file
 *   DB-gen next to it (mapped; like SQLite's own -shm).  The writer of
 *   each process adds one after every commit, before the committing
 *   callers return.  Reading it costs nothing, which is the point: the
 *   answer cache asks at every request.
 *
 * - For writes by anything else (the sqlite3 shell, a process that died
 *   between COMMIT and adding one), one connection kept for this looks at
 *   PRAGMA data_version, which differs between two looks of a connection
 *   when any other connection committed in between, at most once every
 *   WATCH_MS (and at every call when the shared file could not be set up).
 *   A change moves the local part on.  One connection only, so that each
 *   commit moves it once.
 *
 * So: after the call returns, every commit of an ungcuu process that
 * finished before the call began is reflected in the value; any other
 * commit within WATCH_MS.
 */
#define WATCH_MS 1000

static const char SQL_DATA_VERSION[] = "PRAGMA data_version";

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int watch_look(struct sq_store *st)
{
	sqlite3_stmt *s;
	int rc = 0;

	pthread_mutex_lock(&st->watch_lock);
	if (!st->watch)
		rc = conn_open(st, false, false, &st->watch, NULL);
	if (rc == 0 && !(s = sq_stmt(st->watch, SQL_DATA_VERSION)))
		rc = -EIO;
	if (rc == 0) {
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			int64_t v = sqlite3_column_int64(s, 0);

			if (!st->watch_seen || v != st->watch_dv)
				atomic_fetch_add(&st->gen, 1);
			st->watch_dv = v;
			st->watch_seen = true;
			atomic_store(&st->watch_next_ms, mono_ms() + WATCH_MS);
			rc = 0;
		} else {
			rc = sq_map_rc(rc);
		}
		sqlite3_reset(s);
	}
	pthread_mutex_unlock(&st->watch_lock);
	return rc;
}

static int sq_generation(struct store *base, uint64_t *ret)
{
	struct sq_store *st = (struct sq_store *)base;
	uint64_t shared = st->shared_gen ? atomic_load(st->shared_gen) : 0;
	int rc;

	if ((!st->shared_gen || mono_ms() >= atomic_load(&st->watch_next_ms)) &&
	    (rc = watch_look(st)) < 0)
		return rc;
	*ret = shared + atomic_load(&st->gen);
	return 0;
}

/* Map DB-gen, creating it; on any failure st->shared_gen stays NULL. */
static void shared_gen_open(struct sq_store *st)
{
	char path[4096];
	struct stat sb;
	void *p;
	int fd;

	if (snprintf(path, sizeof(path), "%s-gen", st->path) >= (int)sizeof(path))
		return;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (sb.st_size >= 8 || ftruncate(fd, 8) == 0)) {
		p = mmap(NULL, 8, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p != MAP_FAILED)
			st->shared_gen = p;
	}
	close(fd);
}

/* ------------------------------------------------------------------------ */
/* The writer thread: group commit                                          */
/* ------------------------------------------------------------------------ */

static const char SQL_SAVEPOINT[] = "SAVEPOINT job";
static const char SQL_ROLLBACK_TO[] = "ROLLBACK TO job";
static const char SQL_RELEASE[] = "RELEASE job";

static void run_batch(struct sq_store *st, struct sq_job *batch)
{
	struct sq_conn *c = st->wconn;
	int rc = sq_exec(c, "BEGIN IMMEDIATE");

	for (struct sq_job *j = batch; j; j = j->next) {
		if (rc < 0) {
			j->rc = rc;
			continue;
		}
		if (sq_step_done(sq_stmt(c, SQL_SAVEPOINT)) < 0) {
			j->rc = -EIO;
			continue;
		}
		j->rc = j->fn(c, j->arg);
		if (j->rc < 0)
			sq_step_done(sq_stmt(c, SQL_ROLLBACK_TO));
		sq_step_done(sq_stmt(c, SQL_RELEASE));
	}
	if (rc == 0 && c->syncfs_dir) {
		/* one sync of the blob file system for every blob of the batch,
		 * before the rows that name them can commit */
		int fd = open(c->syncfs_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || syncfs(fd) < 0) {
			rc = -EIO;
			sq_exec(c, "ROLLBACK");
			for (struct sq_job *j = batch; j; j = j->next)
				if (j->rc >= 0)
					j->rc = rc;
		}
		if (fd >= 0)
			close(fd);
	}
	c->syncfs_dir = NULL;
	if (rc == 0) {
		rc = sq_exec(c, "COMMIT");
		if (rc < 0) {
			sq_exec(c, "ROLLBACK");
			for (struct sq_job *j = batch; j; j = j->next)
				if (j->rc >= 0)
					j->rc = rc;
		} else if (st->shared_gen) {
			/* before the callers return: see sq_generation() */
			atomic_fetch_add(st->shared_gen, 1);
		}
	}
}

static void *writer_main(void *arg)
{
	struct sq_store *st = arg;

	pthread_mutex_lock(&st->lock);
	for (;;) {
		struct sq_job *batch, *last;
		int n = 1;

		while (!st->head && !st->stop)
			pthread_cond_wait(&st->work, &st->lock);
		if (!st->head && st->stop)
			break;
		batch = last = st->head;
		while (last->next && n < BATCH_MAX)
			last = last->next, n++;
		st->head = last->next;
		if (!st->head)
			st->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&st->lock);

		run_batch(st, batch);

		pthread_mutex_lock(&st->lock);
		for (struct sq_job *j = batch, *next; j; j = next) {
			next = j->next;
			j->done = true;
			pthread_cond_signal(&j->cond);
		}
	}
	pthread_mutex_unlock(&st->lock);
	return NULL;
}

/* Run fn(conn, arg) in the writer's transaction; returns once committed. */
int sq_write(struct sq_store *st, int (*fn)(struct sq_conn *, void *), void *arg)
{
	struct sq_job j = { .fn = fn, .arg = arg };

	pthread_cond_init(&j.cond, NULL);
	pthread_mutex_lock(&st->lock);
	if (st->tail)
		st->tail->next = &j;
	else
		st->head = &j;
	st->tail = &j;
	pthread_cond_signal(&st->work);
	while (!j.done)
		pthread_cond_wait(&j.cond, &st->lock);
	pthread_mutex_unlock(&st->lock);
	pthread_cond_destroy(&j.cond);
	return j.rc;
}

/* ------------------------------------------------------------------------ */
/* Audit                                                                    */
/* ------------------------------------------------------------------------ */

static const char SQL_AUDIT_LAST[] = "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1";
static const char SQL_AUDIT_INSERT[] =
	"INSERT INTO audit(id, at, actor, action, object, detail, prev_hash, hash) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/* Append one entry to the chain; takes ownership of `detail` (may be NULL). */
int sq_audit(struct sq_conn *c, const char *at, const char *actor, const char *action,
			const char *object, json_t *detail)
{
	sqlite3_stmt *s = sq_stmt(c, SQL_AUDIT_LAST);
	char prev[AUDIT_HEX_SIZE], hash[AUDIT_HEX_SIZE];
	int64_t id = 1;
	char *d;
	int rc;

	if (!s) {
		json_decref(detail);
		return -EIO;
	}
	memcpy(prev, audit_genesis, AUDIT_HEX_SIZE);
	if (sqlite3_step(s) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0) + 1;
		snprintf(prev, sizeof(prev), "%s", sq_col_text(s, 1));
	}
	sqlite3_reset(s);
	if (!detail)
		detail = json_object();
	d = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(detail);
	if (!d)
		return -ENOMEM;
	audit_hash(prev, id, at, actor, action, object, d, hash);
	s = sq_stmt(c, SQL_AUDIT_INSERT);
	if (!s) {
		free(d);
		return -EIO;
	}
	sqlite3_bind_int64(s, 1, id);
	sq_bind_text(s, 2, at);
	sq_bind_text(s, 3, actor);
	sq_bind_text(s, 4, action);
	sq_bind_text(s, 5, object);
	sq_bind_text(s, 6, d);
	sq_bind_text(s, 7, prev);
	sq_bind_text(s, 8, hash);
	rc = sq_step_done(s);
	free(d);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Lookups shared by jobs                                                   */
/* ------------------------------------------------------------------------ */

static const char SQL_UNIT_ID[] = "SELECT id FROM units WHERE code = ?1";
static const char SQL_SERVICE_ID[] = "SELECT id FROM services WHERE code = ?1";
static const char SQL_STAFF_ID[] =
	"SELECT id, role FROM users WHERE username = ?1 AND status = 'active'";

/* Id of the row `key` names through `sql`, 0 when none, negative on error. */
int64_t sq_lookup_id(struct sq_conn *c, const char *sql, const char *key)
{
	sqlite3_stmt *s = sq_stmt(c, sql);
	int64_t id = 0;
	int rc;

	if (!s)
		return -EIO;
	sq_bind_text(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		id = sq_map_rc(rc);
	sqlite3_reset(s);
	return id;
}

/* Id of an active agent or admin, for assignment. */
static int64_t staff_id(struct sq_conn *c, const char *username, struct store_err *err)
{
	sqlite3_stmt *s = sq_stmt(c, SQL_STAFF_ID);
	int64_t id = 0;
	bool staff = false;

	if (!s)
		return -EIO;
	sq_bind_text(s, 1, username);
	if (sqlite3_step(s) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		staff = strcmp(sq_col_text(s, 1), "unit") != 0;
	}
	sqlite3_reset(s);
	if (!id || !staff) {
		sq_set_err(err, "assignee", "'%s' is not an active agent or admin", username);
		return -EINVAL;
	}
	return id;
}

static const char SQL_SEARCH_INSERT[] =
	"INSERT INTO search(text, request_id, internal) VALUES (?1, ?2, ?3)";

static int search_add(struct sq_conn *c, int64_t request_id, bool internal, const char *a,
		      const char *b)
{
	sqlite3_stmt *s = sq_stmt(c, SQL_SEARCH_INSERT);
	char *fa, *fb;
	int rc;

	if (!s)
		return -EIO;
	fa = fold_text(a, strlen(a));
	fb = b ? fold_text(b, strlen(b)) : NULL;
	if (!fa || (b && !fb)) {
		free(fa);
		free(fb);
		return -ENOMEM;
	}
	if (fb) {
		char *both;
		if (asprintf(&both, "%s %s", fa, fb) < 0) {
			free(fa);
			free(fb);
			return -ENOMEM;
		}
		free(fa);
		fa = both;
	}
	sq_bind_text(s, 1, fa);
	sqlite3_bind_int64(s, 2, request_id);
	sqlite3_bind_int(s, 3, internal);
	rc = sq_step_done(s);
	free(fa);
	free(fb);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Schema                                                                   */
/* ------------------------------------------------------------------------ */

static const char SQL_SCHEMA_TABLE[] =
	"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
static const char SQL_SCHEMA_MAX[] = "SELECT coalesce(max(version), 0) FROM schema_migrations";

static int schema_version(struct sq_conn *c, int *ret)
{
	sqlite3_stmt *s = sq_stmt(c, SQL_SCHEMA_TABLE);
	int have = 0, rc;

	if (!s)
		return -EIO;
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return sq_map_rc(rc);
	}
	have = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	if (have) {
		s = sq_stmt(c, SQL_SCHEMA_MAX);
		if (!s)
			return -EIO;
		rc = sqlite3_step(s);
		have = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
		sqlite3_reset(s);
		if (rc != SQLITE_ROW)
			return sq_map_rc(rc);
	}
	*ret = have;
	return 0;
}

static int sq_schema(struct store *base, int *ret_have, int *ret_want)
{
	struct sq_store *st = (struct sq_store *)base;
	struct sq_conn *c;
	int rc = 0, have = 0;

	c = sq_reader_get(st, &rc);
	if (!c)
		return rc;
	rc = schema_version(c, &have);
	sq_reader_put(st, c);
	if (rc == 0) {
		*ret_have = have;
		*ret_want = migrations_count;
	}
	return rc;
}

struct migrate_job {
	int from, to;
};

static int migrate_fn(struct sq_conn *c, void *arg)
{
	struct migrate_job *m = arg;
	char at[TIMEFMT_SIZE];
	int rc;

	rc = sq_exec(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			 "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
	if (rc < 0)
		return rc;
	rc = schema_version(c, &m->from);
	if (rc < 0)
		return rc;
	if (m->from > migrations_count)
		return -EPROTO;
	timefmt_now(at, NULL);
	for (int i = m->from; i < migrations_count; i++) {
		sqlite3_stmt *s;
		rc = sq_exec(c, migrations[i].sql);
		if (rc < 0)
			return rc;
		s = sq_stmt(c, "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?1, ?2, ?3)");
		if (!s)
			return -EIO;
		sqlite3_bind_int(s, 1, migrations[i].version);
		sq_bind_text(s, 2, migrations[i].name);
		sq_bind_text(s, 3, at);
		rc = sq_step_done(s);
		if (rc < 0)
			return rc;
		rc = sq_audit(c, at, "system", "schema.migrate", migrations[i].name,
				  json_pack("{si}", "version", migrations[i].version));
		if (rc < 0)
			return rc;
	}
	m->to = migrations_count;
	return 0;
}

static int sq_migrate(struct store *base, int *ret_from, int *ret_to)
{
	struct migrate_job m = { 0, 0 };
	int rc = sq_write((struct sq_store *)base, migrate_fn, &m);

	if (rc == 0) {
		*ret_from = m.from;
		*ret_to = m.to;
	}
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Units                                                                    */
/* ------------------------------------------------------------------------ */

enum unit_mode { UNIT_CREATE, UNIT_UPDATE, UNIT_UPSERT };

struct unit_job {
	enum unit_mode mode;
	const struct unit_in *in;
	size_t n;
	const char *code; /* UNIT_UPDATE: the unit to change */
	const char *actor;
	struct store_err *err;
	size_t created, updated;
};

static const char SQL_UNIT_INSERT[] =
	"INSERT INTO units(code, name, province, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)";
static const char SQL_UNIT_UPDATE[] =
	"UPDATE units SET name = ?2, province = ?3, updated_at = ?4 WHERE id = ?1";
static const char SQL_UNIT_SET_PARENT[] = "UPDATE units SET parent_id = ?2 WHERE id = ?1";
static const char SQL_UNIT_PARENT_OF[] = "SELECT parent_id FROM units WHERE id = ?1";
static const char SQL_CONTACTS_CLEAR[] = "DELETE FROM unit_contacts WHERE unit_id = ?1";
static const char SQL_CONTACT_INSERT[] =
	"INSERT INTO unit_contacts(unit_id, name, title, email, phone) VALUES (?1, ?2, ?3, ?4, ?5)";

static int contacts_set(struct sq_conn *c, int64_t unit_id, const struct unit_in *u)
{
	sqlite3_stmt *s = sq_stmt(c, SQL_CONTACTS_CLEAR);
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, unit_id);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	for (size_t i = 0; i < u->ncontacts; i++) {
		const struct contact_in *ct = &u->contacts[i];
		if (!(s = sq_stmt(c, SQL_CONTACT_INSERT)))
			return -EIO;
		sqlite3_bind_int64(s, 1, unit_id);
		sq_bind_text(s, 2, ct->name);
		sq_bind_text(s, 3, ct->title);
		sq_bind_text(s, 4, ct->email);
		sq_bind_text(s, 5, ct->phone);
		if ((rc = sq_step_done(s)) < 0)
			return rc;
	}
	return 0;
}

/* Point unit `id` at its parent `parent_code` (NULL: none), refusing cycles. */
static int unit_parent(struct sq_conn *c, int64_t id, const char *code, const char *parent_code,
		       struct store_err *err)
{
	int64_t pid = 0;
	sqlite3_stmt *s;

	if (parent_code) {
		pid = sq_lookup_id(c, SQL_UNIT_ID, parent_code);
		if (pid < 0)
			return (int)pid;
		if (pid == 0) {
			sq_set_err(err, "parent", "unit '%s': unknown parent unit code '%s'", code, parent_code);
			return -EINVAL;
		}
		/* Walk up from the parent; meeting `id` means a cycle.  The
		 * depth bound also stops a cycle already in the data. */
		for (int64_t at = pid, depth = 0; at; depth++) {
			if (at == id || depth > 64) {
				sq_set_err(err, "parent", "unit '%s': parent '%s' would make a cycle", code,
					parent_code);
				return -EINVAL;
			}
			if (!(s = sq_stmt(c, SQL_UNIT_PARENT_OF)))
				return -EIO;
			sqlite3_bind_int64(s, 1, at);
			at = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
			sqlite3_reset(s);
		}
	}
	if (!(s = sq_stmt(c, SQL_UNIT_SET_PARENT)))
		return -EIO;
	sqlite3_bind_int64(s, 1, id);
	if (pid)
		sqlite3_bind_int64(s, 2, pid);
	else
		sqlite3_bind_null(s, 2);
	return sq_step_done(s);
}

static json_t *unit_detail(const struct unit_in *u)
{
	return json_pack("{ss ss s:s? s:s? si}", "code", u->code, "name", u->name, "parent",
			 u->parent, "province", u->province, "contacts", (int)u->ncontacts);
}

/*
 * Insert or update the units of j->in without parents first, then set the
 * parents, so that a file may name a parent before defining it.
 * UNIT_CREATE refuses an existing code, UNIT_UPDATE a missing one.
 */
static int unit_fn(struct sq_conn *c, void *arg)
{
	struct unit_job *j = arg;
	char at[TIMEFMT_SIZE];
	int64_t *ids;
	int rc = 0;

	timefmt_now(at, NULL);
	ids = calloc(j->n ? j->n : 1, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	for (size_t i = 0; i < j->n && rc == 0; i++) {
		const struct unit_in *u = &j->in[i];
		const char *key = j->code ? j->code : u->code;
		int64_t id = sq_lookup_id(c, SQL_UNIT_ID, key);
		sqlite3_stmt *s;
		bool create = id == 0;

		if (id < 0) {
			rc = (int)id;
			break;
		}
		if (j->mode == UNIT_UPDATE && create) {
			rc = -ENOENT;
			break;
		}
		if (j->mode == UNIT_CREATE && !create) {
			sq_set_err(j->err, "code", "unit '%s' exists already", u->code);
			rc = -EEXIST;
			break;
		}
		if (!(s = sq_stmt(c, create ? SQL_UNIT_INSERT : SQL_UNIT_UPDATE))) {
			rc = -EIO;
			break;
		}
		if (create) {
			sq_bind_text(s, 1, u->code);
		} else {
			sqlite3_bind_int64(s, 1, id);
		}
		sq_bind_text(s, 2, u->name);
		sq_bind_text(s, 3, u->province);
		sq_bind_text(s, 4, at);
		if ((rc = sq_step_done(s)) < 0)
			break;
		if (create)
			id = sqlite3_last_insert_rowid(c->db);
		ids[i] = id;
		if (create || u->set_contacts)
			rc = contacts_set(c, id, u);
		if (rc == 0)
			rc = sq_audit(c, at, j->actor, create ? "unit.create" : "unit.update", key,
					  unit_detail(u));
		if (create)
			j->created++;
		else
			j->updated++;
	}
	for (size_t i = 0; i < j->n && rc == 0; i++)
		rc = unit_parent(c, ids[i], j->in[i].code, j->in[i].parent, j->err);
	free(ids);
	return rc;
}

static int sq_unit_create(struct store *base, const struct unit_in *in, const char *actor,
			  struct store_err *err)
{
	struct unit_job j = { .mode = UNIT_CREATE, .in = in, .n = 1, .actor = actor, .err = err };
	return sq_write((struct sq_store *)base, unit_fn, &j);
}

static int sq_unit_update(struct store *base, const char *code, const struct unit_in *in,
			  const char *actor, struct store_err *err)
{
	struct unit_job j = {
		.mode = UNIT_UPDATE, .in = in, .n = 1, .code = code, .actor = actor, .err = err
	};
	return sq_write((struct sq_store *)base, unit_fn, &j);
}

static int sq_unit_import(struct store *base, const struct unit_in *in, size_t n, const char *actor,
			  size_t *ret_created, size_t *ret_updated, struct store_err *err)
{
	struct unit_job j = { .mode = UNIT_UPSERT, .in = in, .n = n, .actor = actor, .err = err };
	int rc = sq_write((struct sq_store *)base, unit_fn, &j);

	if (rc == 0) {
		*ret_created = j.created;
		*ret_updated = j.updated;
	}
	return rc;
}

static const char SQL_UNIT_GET[] =
	"SELECT u.id, u.code, u.name, p.code, u.province, u.created_at, u.updated_at "
	"FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.code = ?1";
static const char SQL_UNIT_ALL[] =
	"SELECT u.id, u.code, u.name, p.code, u.province, u.created_at, u.updated_at "
	"FROM units u LEFT JOIN units p ON p.id = u.parent_id ORDER BY u.code";
static const char SQL_CONTACTS_OF[] =
	"SELECT name, title, email, phone FROM unit_contacts WHERE unit_id = ?1 ORDER BY id";

static json_t *unit_row(struct sq_conn *c, sqlite3_stmt *s)
{
	json_t *contacts = json_array();
	sqlite3_stmt *cs = sq_stmt(c, SQL_CONTACTS_OF);

	if (cs) {
		sqlite3_bind_int64(cs, 1, sqlite3_column_int64(s, 0));
		while (sqlite3_step(cs) == SQLITE_ROW)
			json_array_append_new(contacts,
					      json_pack("{so so so so}", "name", sq_col_json(cs, 0), "title",
							sq_col_json(cs, 1), "email", sq_col_json(cs, 2),
							"phone", sq_col_json(cs, 3)));
		sqlite3_reset(cs);
	}
	return json_pack("{so so so so so so so}", "code", sq_col_json(s, 1), "name", sq_col_json(s, 2),
			 "parent", sq_col_json(s, 3), "province", sq_col_json(s, 4), "contacts", contacts,
			 "created_at", sq_col_json(s, 5), "updated_at", sq_col_json(s, 6));
}

/* Run a read of one object (`key` given) or of all rows into an array. */
int sq_read_rows(struct sq_store *st, const char *sql, const char *key,
		     json_t *(*row)(struct sq_conn *, sqlite3_stmt *), json_t **ret)
{
	struct sq_conn *c;
	sqlite3_stmt *s;
	json_t *out = key ? NULL : json_array();
	int rc = 0, step;

	if (!(c = sq_reader_get(st, &rc))) {
		json_decref(out);
		return rc;
	}
	if (!(s = sq_stmt(c, sql))) {
		sq_reader_put(st, c);
		json_decref(out);
		return -EIO;
	}
	if (key)
		sq_bind_text(s, 1, key);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		json_t *o = row(c, s);
		if (key) {
			out = o;
			break;
		}
		json_array_append_new(out, o);
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = sq_map_rc(step);
	sqlite3_reset(s);
	sq_reader_put(st, c);
	if (rc == 0 && !out)
		rc = -ENOENT;
	if (rc < 0) {
		json_decref(out);
		return rc;
	}
	*ret = out;
	return 0;
}

static int sq_unit_get(struct store *base, const char *code, json_t **ret)
{
	return sq_read_rows((struct sq_store *)base, SQL_UNIT_GET, code, unit_row, ret);
}

static int sq_unit_list(struct store *base, json_t **ret)
{
	return sq_read_rows((struct sq_store *)base, SQL_UNIT_ALL, NULL, unit_row, ret);
}

/* ------------------------------------------------------------------------ */
/* Services                                                                 */
/* ------------------------------------------------------------------------ */

struct service_job {
	const struct service_in *in;
	const char *code; /* update */
	const char *actor;
	struct store_err *err;
};

static int service_fn(struct sq_conn *c, void *arg)
{
	struct service_job *j = arg;
	const char *key = j->code ? j->code : j->in->code;
	int64_t id = sq_lookup_id(c, SQL_SERVICE_ID, key);
	char at[TIMEFMT_SIZE];
	sqlite3_stmt *s;
	int rc;

	if (id < 0)
		return (int)id;
	if (j->code && !id)
		return -ENOENT;
	if (!j->code && id) {
		sq_set_err(j->err, "code", "service '%s' exists already", key);
		return -EEXIST;
	}
	timefmt_now(at, NULL);
	s = sq_stmt(c, id ? "UPDATE services SET name = ?2, updated_at = ?3 WHERE code = ?1"
		       : "INSERT INTO services(code, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)");
	if (!s)
		return -EIO;
	sq_bind_text(s, 1, key);
	sq_bind_text(s, 2, j->in->name);
	sq_bind_text(s, 3, at);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	return sq_audit(c, at, j->actor, id ? "service.update" : "service.create", key,
			    json_pack("{ss}", "name", j->in->name));
}

static int sq_service_create(struct store *base, const struct service_in *in, const char *actor,
			     struct store_err *err)
{
	struct service_job j = { .in = in, .actor = actor, .err = err };
	return sq_write((struct sq_store *)base, service_fn, &j);
}

static int sq_service_update(struct store *base, const char *code, const struct service_in *in,
			     const char *actor, struct store_err *err)
{
	struct service_job j = { .in = in, .code = code, .actor = actor, .err = err };
	return sq_write((struct sq_store *)base, service_fn, &j);
}

static json_t *service_row(struct sq_conn *c, sqlite3_stmt *s)
{
	(void)c;
	return json_pack("{so so so so}", "code", sq_col_json(s, 0), "name", sq_col_json(s, 1),
			 "created_at", sq_col_json(s, 2), "updated_at", sq_col_json(s, 3));
}

static int sq_service_get(struct store *base, const char *code, json_t **ret)
{
	return sq_read_rows((struct sq_store *)base,
			 "SELECT code, name, created_at, updated_at FROM services WHERE code = ?1", code,
			 service_row, ret);
}

static int sq_service_list(struct store *base, json_t **ret)
{
	return sq_read_rows((struct sq_store *)base,
			 "SELECT code, name, created_at, updated_at FROM services ORDER BY code", NULL,
			 service_row, ret);
}

/* ------------------------------------------------------------------------ */
/* Users and tokens                                                         */
/* ------------------------------------------------------------------------ */

struct user_job {
	const struct user_in *in;
	const char *actor;
	struct store_err *err;
};

static int user_fn(struct sq_conn *c, void *arg)
{
	struct user_job *j = arg;
	const struct user_in *u = j->in;
	int64_t unit_id = 0;
	char at[TIMEFMT_SIZE];
	sqlite3_stmt *s;
	int rc;

	if (u->unit) {
		unit_id = sq_lookup_id(c, SQL_UNIT_ID, u->unit);
		if (unit_id < 0)
			return (int)unit_id;
		if (!unit_id) {
			sq_set_err(j->err, "unit", "unknown unit code '%s'", u->unit);
			return -EINVAL;
		}
	} else if (u->role == ROLE_UNIT) {
		sq_set_err(j->err, "unit", "a unit user needs a unit");
		return -EINVAL;
	}
	timefmt_now(at, NULL);
	s = sq_stmt(c, "INSERT INTO users(username, display_name, email, phone, role, unit_id, created_at) "
		    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!s)
		return -EIO;
	sq_bind_text(s, 1, u->username);
	sq_bind_text(s, 2, u->display_name);
	sq_bind_text(s, 3, u->email);
	sq_bind_text(s, 4, u->phone);
	sq_bind_text(s, 5, role_name(u->role));
	if (unit_id)
		sqlite3_bind_int64(s, 6, unit_id);
	else
		sqlite3_bind_null(s, 6);
	sq_bind_text(s, 7, at);
	rc = sq_step_done(s);
	if (rc == -EEXIST)
		sq_set_err(j->err, "username", "user '%s' exists already", u->username);
	if (rc < 0)
		return rc;
	return sq_audit(c, at, j->actor, "user.create", u->username,
			    json_pack("{ss ss s:s?}", "display_name", u->display_name, "role",
				      role_name(u->role), "unit", u->unit));
}

static int sq_user_create(struct store *base, const struct user_in *in, const char *actor,
			  struct store_err *err)
{
	struct user_job j = { .in = in, .actor = actor, .err = err };
	return sq_write((struct sq_store *)base, user_fn, &j);
}

static json_t *user_row(struct sq_conn *c, sqlite3_stmt *s)
{
	(void)c;
	return json_pack("{so so so so so so so so}", "username", sq_col_json(s, 0), "display_name",
			 sq_col_json(s, 1), "email", sq_col_json(s, 2), "phone", sq_col_json(s, 3), "role",
			 sq_col_json(s, 4), "unit", sq_col_json(s, 5), "status", sq_col_json(s, 6),
			 "created_at", sq_col_json(s, 7));
}

static int sq_user_list(struct store *base, json_t **ret)
{
	return sq_read_rows((struct sq_store *)base,
			 "SELECT u.username, u.display_name, u.email, u.phone, u.role, n.code, u.status, "
			 "u.created_at FROM users u LEFT JOIN units n ON n.id = u.unit_id "
			 "ORDER BY u.username",
			 NULL, user_row, ret);
}

/* ------------------------------------------------------------------------ */
/* Requests                                                                 */
/* ------------------------------------------------------------------------ */

struct create_job {
	const struct request_in *in;
	const char *actor;
	struct store_err *err;
	char code[TAG_CODE_SIZE];
};

static const char SQL_SEQ_LAST[] = "SELECT last FROM code_seq WHERE day = ?1";
static const char SQL_SEQ_NEXT[] =
	"INSERT INTO code_seq(day, last) VALUES (?1, 1) "
	"ON CONFLICT(day) DO UPDATE SET last = last + 1 RETURNING last";
static const char SQL_REQUEST_INSERT[] =
	"INSERT INTO requests(code, kind, unit_id, service_id, subject, description, requester_name, "
	"requester_email, requester_phone, channel, priority, status, assignee_id, created_at, "
	"updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'new', ?12, ?13, ?13)";
static const char SQL_EVENT_INSERT[] =
	"INSERT INTO events(request_id, type, actor, at, internal, direction, body, old_value, "
	"new_value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

static int event_add(struct sq_conn *c, int64_t rid, const char *type, const char *actor,
		     const char *at, bool internal, const char *direction, const char *body,
		     const char *old_value, const char *new_value)
{
	sqlite3_stmt *s = sq_stmt(c, SQL_EVENT_INSERT);

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, rid);
	sq_bind_text(s, 2, type);
	sq_bind_text(s, 3, actor);
	sq_bind_text(s, 4, at);
	sqlite3_bind_int(s, 5, internal);
	sq_bind_text(s, 6, direction);
	sq_bind_text(s, 7, body);
	sq_bind_text(s, 8, old_value);
	sq_bind_text(s, 9, new_value);
	return sq_step_done(s);
}

void sq_bind_id(sqlite3_stmt *s, int i, int64_t id)
{
	if (id)
		sqlite3_bind_int64(s, i, id);
	else
		sqlite3_bind_null(s, i);
}

/* Allocate the next code of the day of `now` into ret (TAG_CODE_SIZE). */
static int code_next(struct sq_conn *c, time_t now, char *ret, struct store_err *err)
{
	struct tag_code code;
	char day[7];
	sqlite3_stmt *s;
	int64_t last = 0;
	int rc;

	if (tag_code_day(now, &code) < 0 || tag_code_dayfmt(&code, day) < 0) {
		sq_set_err(err, NULL, "cannot compute the date of the request code");
		return -EINVAL;
	}
	/* Check before incrementing: past 999999 is an explicit error, not a
	 * constraint failure (the CHECK on code_seq.last is the backstop). */
	if (!(s = sq_stmt(c, SQL_SEQ_LAST)))
		return -EIO;
	sq_bind_text(s, 1, day);
	if (sqlite3_step(s) == SQLITE_ROW)
		last = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (last >= 999999) {
		sq_set_err(err, NULL, "all 999999 request codes of day %s are used", day);
		return -ERANGE;
	}
	if (!(s = sq_stmt(c, SQL_SEQ_NEXT)))
		return -EIO;
	sq_bind_text(s, 1, day);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return sq_map_rc(rc);
	}
	code.seq = (uint32_t)sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return tag_code_format(&code, ret) < 0 ? -ERANGE : 0;
}

int sq_request_insert(struct sq_conn *c, const struct request_in *in, const char *actor,
		      char code[16], int64_t *ret_id, struct store_err *err)
{
	struct create_job jj = { .in = in, .actor = actor, .err = err }, *j = &jj;
	int64_t unit_id = 0, service_id = 0, assignee_id = 0, rid;
	char at[TIMEFMT_SIZE];
	time_t now;
	sqlite3_stmt *s;
	int rc;

	if (in->unit) {
		if ((unit_id = sq_lookup_id(c, SQL_UNIT_ID, in->unit)) < 0)
			return (int)unit_id;
		if (!unit_id) {
			sq_set_err(j->err, "unit", "unknown unit code '%s'", in->unit);
			return -EINVAL;
		}
	}
	if (in->service) {
		if ((service_id = sq_lookup_id(c, SQL_SERVICE_ID, in->service)) < 0)
			return (int)service_id;
		if (!service_id) {
			sq_set_err(j->err, "service", "unknown service code '%s'", in->service);
			return -EINVAL;
		}
	}
	if (in->assignee && (assignee_id = staff_id(c, in->assignee, j->err)) < 0)
		return (int)assignee_id;
	if (in->now) {
		now = in->now;
		timefmt_iso(now, 0, at);
	} else {
		timefmt_now(at, &now);
	}
	if ((rc = code_next(c, now, j->code, j->err)) < 0)
		return rc;
	memcpy(code, j->code, TAG_CODE_SIZE);
	if (!(s = sq_stmt(c, SQL_REQUEST_INSERT)))
		return -EIO;
	sq_bind_text(s, 1, j->code);
	sq_bind_text(s, 2, kind_name(in->kind));
	sq_bind_id(s, 3, unit_id);
	sq_bind_id(s, 4, service_id);
	sq_bind_text(s, 5, in->subject);
	sq_bind_text(s, 6, in->description);
	sq_bind_text(s, 7, in->requester_name);
	sq_bind_text(s, 8, in->requester_email);
	sq_bind_text(s, 9, in->requester_phone);
	sq_bind_text(s, 10, channel_name(in->channel));
	sq_bind_text(s, 11, priority_name(in->priority));
	sq_bind_id(s, 12, assignee_id);
	sq_bind_text(s, 13, at);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	rid = sqlite3_last_insert_rowid(c->db);
	if (ret_id)
		*ret_id = rid;
	if ((rc = event_add(c, rid, "created", j->actor, at, false, NULL, NULL, NULL, "new")) < 0)
		return rc;
	if ((rc = sq_sla_created(c, rid, (int64_t)now)) < 0)
		return rc;
	if ((rc = search_add(c, rid, false, in->subject, in->description)) < 0)
		return rc;
	if ((rc = sq_audit(c, at, j->actor, "request.create", j->code,
			   json_pack("{ss s:s? s:s? ss ss ss s:s?}", "kind", kind_name(in->kind), "unit",
				     in->unit, "service", in->service, "channel",
				     channel_name(in->channel), "priority", priority_name(in->priority),
				     "subject", in->subject, "assignee", in->assignee))) < 0)
		return rc;
	return sq_incident_created(c, rid, j->code, in, (int64_t)now, at, j->actor);
}

static int create_fn(struct sq_conn *c, void *arg)
{
	struct create_job *j = arg;

	return sq_request_insert(c, j->in, j->actor, j->code, NULL, j->err);
}

static int sq_request_create(struct store *base, const struct request_in *in, const char *actor,
			     char ret_code[16], struct store_err *err)
{
	struct create_job j = { .in = in, .actor = actor, .err = err };
	int rc = sq_write((struct sq_store *)base, create_fn, &j);

	if (rc == 0)
		memcpy(ret_code, j.code, TAG_CODE_SIZE);
	return rc;
}

struct change_job {
	const char *code, *scope;
	const struct request_change *chg;
	const char *actor;
	struct store_err *err;
};


static const char SQL_REQUEST_STATE[] =
	"SELECT r.id, r.status, r.priority, a.username, r.requester_email FROM requests r "
	"LEFT JOIN units u ON u.id = r.unit_id LEFT JOIN users a ON a.id = r.assignee_id "
	"WHERE r.code = ?1 AND " IN_SCOPE("?2");
static const char SQL_REQUEST_SET[] =
	"UPDATE requests SET status = ?2, priority = ?3, assignee_id = ?4, updated_at = ?5 "
	"WHERE id = ?1";

int sq_request_apply(struct sq_conn *c, const char *code, const char *scope,
		     const struct request_change *chg, const char *actor, struct store_err *err)
{
	struct change_job jj = { code, scope, chg, actor, err }, *j = &jj;
	sqlite3_stmt *s = sq_stmt(c, SQL_REQUEST_STATE);
	int64_t rid, assignee_id = 0;
	int status, prio, rc = 0;
	char cur_assignee[65] = "", requester[256] = "";
	char at[TIMEFMT_SIZE];
	time_t now;
	json_t *detail;
	bool changed = false;

	if (!s)
		return -EIO;
	sq_bind_text(s, 1, j->code);
	sq_bind_text(s, 2, j->scope);
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? -ENOENT : sq_map_rc(rc);
	}
	rid = sqlite3_column_int64(s, 0);
	status = status_parse(sq_col_text(s, 1));
	prio = priority_parse(sq_col_text(s, 2));
	if (sq_col_text(s, 3))
		snprintf(cur_assignee, sizeof(cur_assignee), "%s", sq_col_text(s, 3));
	if (sq_col_text(s, 4))
		snprintf(requester, sizeof(requester), "%s", sq_col_text(s, 4));
	sqlite3_reset(s);
	if (status < 0 || prio < 0)
		return -EIO;
	if (cur_assignee[0] && (assignee_id = sq_lookup_id(c, "SELECT id FROM users WHERE username = ?1",
							  cur_assignee)) < 0)
		return (int)assignee_id;

	if (chg->now) {
		now = chg->now;
		timefmt_iso(now, 0, at);
	} else {
		timefmt_now(at, &now);
	}
	detail = json_object();
	if (chg->message) {
		int next = status_after_message(status, chg->from_requester);
		int64_t eid;
		if ((rc = event_add(c, rid, "message", j->actor, at, false,
				    chg->from_requester ? "in" : "out", chg->message, NULL, NULL)) < 0)
			goto out;
		eid = sqlite3_last_insert_rowid(c->db);
		if ((rc = search_add(c, rid, false, chg->message, NULL)) < 0)
			goto out;
		if ((rc = sq_incident_message(c, rid, j->code, chg->message, at, j->actor)) < 0)
			goto out;
		/* support's reply goes out by email, in this same transaction */
		if (!chg->from_requester && !chg->no_mail && requester[0] &&
		    (rc = sq_outbox_add(c, rid, eid, "reply", requester, at)) < 0)
			goto out;
		if (next != status) {
			if ((rc = event_add(c, rid, "status", j->actor, at, false, NULL, NULL,
					    status_name(status), status_name(next))) < 0)
				goto out;
			json_object_set_new(detail, "status", json_string(status_name(next)));
			status = next;
		}
		json_object_set_new(detail, "message", json_integer((json_int_t)strlen(chg->message)));
		changed = true;
	}
	if (chg->note) {
		if ((rc = event_add(c, rid, "note", j->actor, at, true, NULL, chg->note, NULL, NULL)) < 0 ||
		    (rc = search_add(c, rid, true, chg->note, NULL)) < 0)
			goto out;
		json_object_set_new(detail, "note", json_integer((json_int_t)strlen(chg->note)));
		changed = true;
	}
	if (chg->status >= 0 && chg->status != status) {
		if (!status_transition_ok(status, chg->status)) {
			sq_set_err(j->err, "status", "cannot change status from '%s' to '%s'",
				status_name(status), status_name(chg->status));
			rc = -EPERM;
			goto out;
		}
		if ((rc = event_add(c, rid, "status", j->actor, at, false, NULL, NULL,
				    status_name(status), status_name(chg->status))) < 0)
			goto out;
		status = chg->status;
		json_object_set_new(detail, "status", json_string(status_name(status)));
		changed = true;
	}
	if (chg->priority >= 0 && chg->priority != prio) {
		if ((rc = event_add(c, rid, "priority", j->actor, at, false, NULL, NULL,
				    priority_name(prio), priority_name(chg->priority))) < 0)
			goto out;
		prio = chg->priority;
		json_object_set_new(detail, "priority", json_string(priority_name(prio)));
		changed = true;
	}
	if (chg->set_assignee &&
	    strcmp(cur_assignee, chg->assignee ? chg->assignee : "") != 0) {
		assignee_id = 0;
		if (chg->assignee && (assignee_id = staff_id(c, chg->assignee, j->err)) < 0) {
			rc = (int)assignee_id;
			goto out;
		}
		if ((rc = event_add(c, rid, "assignee", j->actor, at, false, NULL, NULL,
				    cur_assignee[0] ? cur_assignee : NULL, chg->assignee)) < 0)
			goto out;
		json_object_set_new(detail, "assignee",
				    chg->assignee ? json_string(chg->assignee) : json_null());
		changed = true;
	}
	if (!changed)
		goto out;
	if (!(s = sq_stmt(c, SQL_REQUEST_SET))) {
		rc = -EIO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, rid);
	sq_bind_text(s, 2, status_name(status));
	sq_bind_text(s, 3, priority_name(prio));
	sq_bind_id(s, 4, assignee_id);
	sq_bind_text(s, 5, at);
	if ((rc = sq_step_done(s)) < 0)
		goto out;
	/* the SLA clock: pauses, resumes, stops; a public reply is a response */
	if ((rc = sq_sla_changed(c, rid, chg->message && !chg->from_requester, (int64_t)now)) < 0)
		goto out;
	rc = sq_audit(c, at, j->actor, "request.change", j->code, detail);
	detail = NULL;
out:
	json_decref(detail);
	return rc;
}

static int change_fn(struct sq_conn *c, void *arg)
{
	struct change_job *j = arg;

	return sq_request_apply(c, j->code, j->scope, j->chg, j->actor, j->err);
}

static int sq_request_change(struct store *base, const char *code, const char *scope,
			     const struct request_change *chg, const char *actor,
			     struct store_err *err)
{
	struct change_job j = { .code = code, .scope = scope, .chg = chg, .actor = actor, .err = err };
	return sq_write((struct sq_store *)base, change_fn, &j);
}

#define REQUEST_COLS                                                                             \
	"SELECT r.id, r.code, r.kind, u.code, u.name, s.code, r.subject, r.description, "        \
	"r.requester_name, r.requester_email, r.requester_phone, r.channel, r.priority, "        \
	"r.status, a.username, r.created_at, r.updated_at FROM requests r "                       \
	"LEFT JOIN units u ON u.id = r.unit_id LEFT JOIN services s ON s.id = r.service_id "     \
	"LEFT JOIN users a ON a.id = r.assignee_id "

static const char SQL_REQUEST_GET[] = REQUEST_COLS "WHERE r.code = ?1 AND " IN_SCOPE("?2");
static const char SQL_EVENTS_OF[] =
	"SELECT id, type, actor, at, internal, direction, body, old_value, new_value FROM events "
	"WHERE request_id = ?1 AND (?2 OR internal = 0) ORDER BY id";

static json_t *request_row(sqlite3_stmt *s)
{
	return json_pack("{so so so so so so so s{so so so} so so so so so so}", "code",
			 sq_col_json(s, 1), "kind", sq_col_json(s, 2), "unit", sq_col_json(s, 3), "unit_name",
			 sq_col_json(s, 4), "service", sq_col_json(s, 5), "subject", sq_col_json(s, 6),
			 "description", sq_col_json(s, 7), "requester", "name", sq_col_json(s, 8), "email",
			 sq_col_json(s, 9), "phone", sq_col_json(s, 10), "channel", sq_col_json(s, 11),
			 "priority", sq_col_json(s, 12), "status", sq_col_json(s, 13), "assignee",
			 sq_col_json(s, 14), "created_at", sq_col_json(s, 15), "updated_at",
			 sq_col_json(s, 16));
}

static json_t *events_of(struct sq_conn *c, int64_t rid, bool internal)
{
	sqlite3_stmt *s = sq_stmt(c, SQL_EVENTS_OF);
	json_t *arr = json_array();

	if (!s)
		return arr;
	sqlite3_bind_int64(s, 1, rid);
	sqlite3_bind_int(s, 2, internal);
	while (sqlite3_step(s) == SQLITE_ROW) {
		json_t *e = json_pack("{sI so so so sb}", "id", (json_int_t)sqlite3_column_int64(s, 0),
				      "type", sq_col_json(s, 1), "actor", sq_col_json(s, 2), "at",
				      sq_col_json(s, 3), "internal", sqlite3_column_int(s, 4));
		if (sq_col_text(s, 5))
			json_object_set_new(e, "direction", sq_col_json(s, 5));
		if (sq_col_text(s, 6))
			json_object_set_new(e, "body", sq_col_json(s, 6));
		if (sqlite3_column_type(s, 7) != SQLITE_NULL || sqlite3_column_type(s, 8) != SQLITE_NULL) {
			json_object_set_new(e, "from", sq_col_json(s, 7));
			json_object_set_new(e, "to", sq_col_json(s, 8));
		}
		json_array_append_new(arr, e);
	}
	sqlite3_reset(s);
	return arr;
}

/*
 * The same request, rendered to JSON text by SQLite's JSON functions in one
 * statement.  Building a jansson tree and dumping it cost about half of the
 * CPU of a GET (callgrind: json_pack, json_string, json_dumps, json_delete);
 * SQLite writes the text straight from its row.  Keys with no value are
 * null here where the tree leaves them out; the shape is otherwise the one
 * of request_row() + events_of() + sq_attachments_of().
 */
static const char SQL_REQUEST_GET_TEXT[] =
	"SELECT json_object('code', r.code, 'kind', r.kind, 'unit', u.code, 'unit_name', u.name, "
	"'service', s.code, 'subject', r.subject, 'description', r.description, 'requester', "
	"json_object('name', r.requester_name, 'email', r.requester_email, 'phone', "
	"r.requester_phone), 'channel', r.channel, 'priority', r.priority, 'status', r.status, "
	"'assignee', a.username, 'created_at', r.created_at, 'updated_at', r.updated_at, 'events', "
	"(SELECT json_group_array(json_object('id', e.id, 'type', e.type, 'actor', e.actor, 'at', "
	"e.at, 'internal', json(CASE WHEN e.internal THEN 'true' ELSE 'false' END), 'direction', "
	"e.direction, 'body', e.body, 'from', e.old_value, 'to', e.new_value)) FROM (SELECT * FROM "
	"events e WHERE e.request_id = r.id AND (?3 OR e.internal = 0) ORDER BY e.id) e), "
	"'attachments', (SELECT json_group_array(json_object('id', t.id, 'filename', t.filename, "
	"'content_type', t.content_type, 'size', t.size, 'dangerous', json(CASE WHEN t.dangerous "
	"THEN 'true' ELSE 'false' END))) FROM (SELECT * FROM attachments t WHERE t.request_id = r.id "
	"ORDER BY t.id) t), "
	/* leak requests: their findings (sqlite_leaks.c), as GET /api/v1/leaks shows them */
	"'leaks', CASE WHEN r.kind = 'leak' THEN (SELECT json_group_array(json_object('id', f.id, "
	"'unit', u.code, 'account', f.account, 'verdict', f.verdict, 'hint', f.hint, 'source', "
	"f.source, 'system', f.system, 'request', r.code, 'found_at', f.found_at)) FROM (SELECT * "
	"FROM leak_findings f WHERE f.request_id = r.id ORDER BY f.id) f) END, 'sla', json(sla_json(r.id))) "
	"FROM requests r LEFT JOIN units u ON u.id = r.unit_id "
	"LEFT JOIN services s ON s.id = r.service_id LEFT JOIN users a ON a.id = r.assignee_id "
	"WHERE r.code = ?1 AND " IN_SCOPE("?2");

static int sq_request_get_text(struct store *base, const char *code, const char *scope,
			       bool internal, char **ret)
{
	struct sq_store *st = (struct sq_store *)base;
	struct sq_conn *c;
	sqlite3_stmt *s;
	int rc = 0, step;

	if (!(c = sq_reader_get(st, &rc)))
		return rc;
	if (!(s = sq_stmt(c, SQL_REQUEST_GET_TEXT))) {
		sq_reader_put(st, c);
		return -EIO;
	}
	sq_bind_text(s, 1, code);
	sq_bind_text(s, 2, scope);
	sqlite3_bind_int(s, 3, internal);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		*ret = strdup(sq_col_text(s, 0));
		rc = *ret ? 0 : -ENOMEM;
	} else {
		rc = step == SQLITE_DONE ? -ENOENT : sq_map_rc(step);
	}
	sqlite3_reset(s);
	sq_reader_put(st, c);
	return rc;
}

static int sq_request_get(struct store *base, const char *code, const char *scope, bool internal,
			  bool events, json_t **ret)
{
	struct sq_store *st = (struct sq_store *)base;
	struct sq_conn *c;
	sqlite3_stmt *s;
	json_t *o = NULL;
	int rc = 0, step;

	if (!(c = sq_reader_get(st, &rc)))
		return rc;
	if (!(s = sq_stmt(c, SQL_REQUEST_GET))) {
		sq_reader_put(st, c);
		return -EIO;
	}
	sq_bind_text(s, 1, code);
	sq_bind_text(s, 2, scope);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		o = request_row(s);
		if (o)
			json_object_set_new(o, "sla", sq_sla_json(c, sqlite3_column_int64(s, 0), (int64_t)time(NULL)));
		if (events && o) {
			int64_t rid = sqlite3_column_int64(s, 0);
			json_object_set_new(o, "events", events_of(c, rid, internal));
			json_object_set_new(o, "attachments", sq_attachments_of(c, rid));
		}
		rc = o ? 0 : -ENOMEM;
	} else {
		rc = step == SQLITE_DONE ? -ENOENT : sq_map_rc(step);
	}
	sqlite3_reset(s);
	sq_reader_put(st, c);
	if (rc == 0)
		*ret = o;
	return rc;
}

/*
 * One static statement serves every combination of filters: an absent
 * filter is bound as NULL and its condition holds.  The planner walks
 * requests by descending id and stops after `limit` rows.
 */
static const char SQL_REQUEST_LIST[] = REQUEST_COLS
	"WHERE " IN_SCOPE("?1") " AND (?2 IS NULL OR u.code = ?2) "
	"AND (?3 IS NULL OR s.code = ?3) AND (?4 IS NULL OR r.kind = ?4) "
	"AND (?5 IS NULL OR r.status = ?5) AND (?6 IS NULL OR r.priority = ?6) "
	"AND (?7 IS NULL OR (?7 = 'none' AND r.assignee_id IS NULL) OR a.username = ?7) "
	"AND (?8 IS NULL OR r.id IN (SELECT request_id FROM search WHERE search MATCH ?8 "
	"AND (?9 OR internal = 0))) "
	"AND (?10 = 0 OR r.id < ?10) ORDER BY r.id DESC LIMIT ?11";

/* FTS5 query from free text: each folded token as a quoted prefix term. */
static char *fts_query(const char *q)
{
	char *folded = fold_text(q, strlen(q)), *out, *o;
	size_t n;

	if (!folded)
		return NULL;
	n = strlen(folded);
	if (n == 0) {
		free(folded);
		return NULL;
	}
	/* each token grows by at most 3 bytes: two quotes and a star */
	out = o = malloc(n * 4 + 4);
	if (!out) {
		free(folded);
		return NULL;
	}
	for (char *tok = strtok(folded, " "); tok; tok = strtok(NULL, " "))
		o += sprintf(o, "%s\"%s\"*", o == out ? "" : " ", tok);
	*o = '\0';
	free(folded);
	return out;
}

static int sq_request_list(struct store *base, const struct request_filter *f, json_t **ret_items,
			   int64_t *ret_next)
{
	struct sq_store *st = (struct sq_store *)base;
	struct sq_conn *c;
	sqlite3_stmt *s;
	json_t *items;
	char *q = NULL;
	int64_t last = 0;
	int rc = 0, step, n = 0, limit = f->limit > 0 && f->limit <= 100 ? f->limit : 25;

	if (f->q && *f->q && !(q = fts_query(f->q))) {
		/* nothing searchable in the text: nothing matches */
		*ret_items = json_array();
		*ret_next = 0;
		return 0;
	}
	if (!(c = sq_reader_get(st, &rc))) {
		free(q);
		return rc;
	}
	if (!(s = sq_stmt(c, SQL_REQUEST_LIST))) {
		sq_reader_put(st, c);
		free(q);
		return -EIO;
	}
	sq_bind_text(s, 1, f->scope);
	sq_bind_text(s, 2, f->unit);
	sq_bind_text(s, 3, f->service);
	sq_bind_text(s, 4, f->kind);
	sq_bind_text(s, 5, f->status);
	sq_bind_text(s, 6, f->priority);
	sq_bind_text(s, 7, f->assignee);
	sq_bind_text(s, 8, q);
	sqlite3_bind_int(s, 9, f->internal);
	sqlite3_bind_int64(s, 10, f->before);
	sqlite3_bind_int(s, 11, limit + 1);
	items = json_array();
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == limit)
			break; /* one more row exists: there is a next page */
		{
			/* the SLA state for queue markers: state, target, due */
			json_t *row = request_row(s);
			json_object_set_new(row, "sla", sq_sla_brief(c, sqlite3_column_int64(s, 0),
								    (int64_t)time(NULL)));
			json_array_append_new(items, row);
		}
		last = sqlite3_column_int64(s, 0);
		n++;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = sq_map_rc(step);
	*ret_next = step == SQLITE_ROW ? last : 0;
	sqlite3_reset(s);
	sq_reader_put(st, c);
	free(q);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*ret_items = items;
	return 0;
}

static int sq_request_counts(struct store *base, json_t **ret)
{
	struct sq_store *st = (struct sq_store *)base;
	struct sq_conn *c;
	sqlite3_stmt *s;
	json_t *o = json_object();
	int rc = 0;

	for (int i = 0; i < ST__MAX; i++)
		json_object_set_new(o, status_name(i), json_integer(0));
	if (!(c = sq_reader_get(st, &rc))) {
		json_decref(o);
		return rc;
	}
	if ((s = sq_stmt(c, "SELECT status, count(*) FROM requests GROUP BY status"))) {
		while (sqlite3_step(s) == SQLITE_ROW)
			json_object_set_new(o, sq_col_text(s, 0), json_integer(sqlite3_column_int64(s, 1)));
		sqlite3_reset(s);
	} else {
		rc = -EIO;
	}
	sq_reader_put(st, c);
	if (rc < 0) {
		json_decref(o);
		return rc;
	}
	*ret = o;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Audit verification                                                       */
/* ------------------------------------------------------------------------ */

static int sq_audit_verify(struct store *base, int64_t *ret_count, int64_t *ret_bad,
			   char ret_head[65], struct store_err *err)
{
	struct sq_store *st = (struct sq_store *)base;
	struct sq_conn *c;
	sqlite3_stmt *s;
	char prev[AUDIT_HEX_SIZE], hash[AUDIT_HEX_SIZE];
	int64_t count = 0, bad = 0, expect = 1;
	int rc = 0, step;

	if (!(c = sq_reader_get(st, &rc)))
		return rc;
	if (!(s = sq_stmt(c, "SELECT id, at, actor, action, object, detail, prev_hash, hash FROM audit "
			  "ORDER BY id"))) {
		sq_reader_put(st, c);
		return -EIO;
	}
	memcpy(prev, audit_genesis, sizeof(prev));
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		const char *ph = sq_col_text(s, 6), *h = sq_col_text(s, 7);

		count++;
		if (id != expect) {
			sq_set_err(err, NULL, "entry %lld missing (next is %lld)", (long long)expect,
				(long long)id);
			bad = expect;
			break;
		}
		if (!ph || strcmp(ph, prev) != 0) {
			sq_set_err(err, NULL, "entry %lld does not chain to the entry before it",
				(long long)id);
			bad = id;
			break;
		}
		audit_hash(prev, id, sq_col_text(s, 1), sq_col_text(s, 2), sq_col_text(s, 3), sq_col_text(s, 4),
			   sq_col_text(s, 5), hash);
		if (!h || strcmp(h, hash) != 0) {
			sq_set_err(err, NULL, "entry %lld was altered (its hash does not match its content)",
				(long long)id);
			bad = id;
			break;
		}
		memcpy(prev, hash, sizeof(prev));
		expect++;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = sq_map_rc(step);
	sqlite3_reset(s);
	sq_reader_put(st, c);
	if (rc < 0)
		return rc;
	*ret_count = count;
	*ret_bad = bad;
	memcpy(ret_head, prev, AUDIT_HEX_SIZE);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Open and close                                                           */
/* ------------------------------------------------------------------------ */

static void sq_close(struct store *base)
{
	struct sq_store *st = (struct sq_store *)base;

	if (!st)
		return;
	if (st->writer_started) {
		pthread_mutex_lock(&st->lock);
		st->stop = true;
		pthread_cond_signal(&st->work);
		pthread_mutex_unlock(&st->lock);
		pthread_join(st->writer, NULL);
	}
	conn_free(st->wconn);
	while (st->all) {
		struct sq_conn *c = st->all;
		st->all = c->all_next;
		conn_free(c);
	}
	if (tl_reader.serial == st->serial)
		tl_reader.c = NULL;
	conn_free(st->watch);
	if (st->shared_gen)
		munmap((void *)st->shared_gen, 8);
	pthread_mutex_destroy(&st->watch_lock);
	pthread_mutex_destroy(&st->rlock);
	pthread_mutex_destroy(&st->lock);
	pthread_cond_destroy(&st->work);
	free(st->path);
	free(st);
}

/*
 * Process-wide SQLite settings, before the library initialises.  Memory
 * statistics off: with them on, every allocation and free of every
 * connection takes one global mutex (a tenth of a GET's time in the
 * profile, most of it waiting).  We never read those statistics.
 */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

static void sqlite_setup(void)
{
	/* SQLITE_MISUSE when something initialised SQLite before us: harmless */
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int sq_open(const char *location, unsigned flags, struct store **ret, struct store_err *err)
{
	struct sq_store *st = calloc(1, sizeof(*st));
	int rc, have = 0;

	if (!st)
		return -ENOMEM;
	st->base.ops = &store_sqlite_ops;
	st->flags = flags;
	st->serial = atomic_fetch_add(&store_serials, 1) + 1;
	pthread_once(&sqlite_once, sqlite_setup);
	pthread_mutex_init(&st->lock, NULL);
	pthread_mutex_init(&st->rlock, NULL);
	pthread_mutex_init(&st->watch_lock, NULL);
	pthread_cond_init(&st->work, NULL);
	if (!(st->path = strdup(location))) {
		sq_close(&st->base);
		return -ENOMEM;
	}
	rc = conn_open(st, true, flags & STORE_CREATE, &st->wconn, err);
	if (rc == 0 && !(flags & STORE_CREATE)) {
		rc = schema_version(st->wconn, &have);
		if (rc == 0 && have < migrations_count) {
			sq_set_err(err, NULL, "database '%s' has schema version %d, this binary needs %d: "
				"run 'ungcuu init --db %s'", location, have, migrations_count, location);
			rc = -ESTALE;
		} else if (rc == 0 && have > migrations_count) {
			sq_set_err(err, NULL, "database '%s' has schema version %d, newer than this "
				"binary knows (%d): upgrade ungcuu", location, have, migrations_count);
			rc = -EPROTO;
		}
	}
	if (rc == 0) {
		shared_gen_open(st);
		rc = -pthread_create(&st->writer, NULL, writer_main, st);
		st->writer_started = rc == 0;
	}
	if (rc < 0) {
		sq_close(&st->base);
		return rc;
	}
	*ret = &st->base;
	return 0;
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.schema = sq_schema,
	.migrate = sq_migrate,
	.unit_create = sq_unit_create,
	.unit_update = sq_unit_update,
	.unit_import = sq_unit_import,
	.unit_get = sq_unit_get,
	.unit_list = sq_unit_list,
	.service_create = sq_service_create,
	.service_update = sq_service_update,
	.service_get = sq_service_get,
	.service_list = sq_service_list,
	.user_create = sq_user_create,
	.user_list = sq_user_list,
	.token_add = sq_token_add,
	.token_lookup = sq_token_lookup,
	.user_auth = sq_user_auth,
	.user_get = sq_user_get,
	.user_update = sq_user_update,
	.password_set = sq_password_set,
	.password_history = sq_password_history,
	.session_create = sq_session_create,
	.session_lookup = sq_session_lookup,
	.session_list = sq_session_list,
	.session_revoke = sq_session_revoke,
	.totp_set = sq_totp_set,
	.totp_used = sq_totp_used,
	.recovery_use = sq_recovery_use,
	.token_create = sq_token_create,
	.token_list = sq_token_list,
	.token_revoke = sq_token_revoke,
	.audit_event = sq_audit_event,
	.audit_list = sq_audit_list,
	.mail_intake = sq_mail_intake,
	.outbox_due = sq_outbox_due,
	.outbox_done = sq_outbox_done,
	.outbox_list = sq_outbox_list,
	.attachment_get = sq_attachment_get,
	.incident_get = sq_incident_get,
	.incident_update = sq_incident_update,
	.observable_add = sq_observable_add,
	.observable_delete = sq_observable_delete,
	.observable_search = sq_observable_search,
	.task_add = sq_task_add,
	.task_update = sq_task_update,
	.request_merge = sq_request_merge,
	.request_link = sq_request_link,
	.request_create = sq_request_create,
	.request_change = sq_request_change,
	.request_get = sq_request_get,
	.request_get_text = sq_request_get_text,
	.generation = sq_generation,
	.request_list = sq_request_list,
	.request_counts = sq_request_counts,
	.audit_verify = sq_audit_verify,
	/* public side (sqlite_public.c) */
	.official_list = sq_official_list,
	.official_get = sq_official_get,
	.official_create = sq_official_create,
	.official_update = sq_official_update,
	.official_delete = sq_official_delete,
	.verify_check = sq_verify_check,
	.announcement_list = sq_announcement_list,
	.announcement_get = sq_announcement_get,
	.announcement_create = sq_announcement_create,
	.announcement_update = sq_announcement_update,
	.announcement_delete = sq_announcement_delete,
	.public_request = sq_public_request,
	.leak_accounts = sq_leak_accounts,
	.leak_history = sq_leak_history,
	.leak_watch_list = sq_leak_watch_list,
	.leak_watch_add = sq_leak_watch_add,
	.leak_watch_remove = sq_leak_watch_remove,
	.leak_known = sq_leak_known,
	.leak_record = sq_leak_record,
	.leak_list = sq_leak_list,
	.sla_list = sq_sla_list,
	.sla_tick = sq_sla_tick,
	.sla_config_get = sq_sla_config_get,
	.sla_config_set = sq_sla_config_set,
	.sla_policy_set = sq_sla_policy_set,
	.sla_day_set = sq_sla_day_set,
	.duty_add = sq_duty_add,
	.duty_delete = sq_duty_delete,
	.duty_list = sq_duty_list,
	.duty_now = sq_duty_now,
	.stats = sq_stats,
	/* advisories (sqlite_adv.c) */
	.advisory_import = sq_advisory_import,
	.advisory_match = sq_advisory_match,
	.advisory_list = sq_advisory_list,
	.advisory_get = sq_advisory_get,
	.asset_import = sq_asset_import,
	.asset_write = sq_asset_write,
	.asset_delete = sq_asset_delete,
	.asset_get = sq_asset_get,
	.asset_list = sq_asset_list,
	.alias_list = sq_alias_list,
	.alias_set = sq_alias_set,
	.app_list = sq_app_list,
	.app_write = sq_app_write,
	.app_delete = sq_app_delete,
	.remediation_list = sq_remediation_list,
	.remediation_answer = sq_remediation_answer,
	.remediation_review = sq_remediation_review,
	.advisory_dashboard = sq_advisory_dashboard,
	.advisory_remind = sq_advisory_remind,
	.advisory_config_get = sq_advisory_config_get,
	.advisory_config_set = sq_advisory_config_set,
};
