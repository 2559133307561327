/*
 * sqlite_int.h — internals shared by the files of the SQLite backend
 * (sqlite.c: connections, the group-commit writer, requests, units;
 * sqlite_auth.c: accounts, sessions, tokens, audit reads).  Not part of
 * the store interface: nothing outside src/store includes it.
 */
#pragma once

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct sla_calendar;

#define BATCH_MAX 512
#define BUSY_TIMEOUT_MS 10000

struct sq_conn {
	sqlite3 *db;
	/* prepared statements by the address of their static SQL text; the
	 * code holds a bounded number of such texts, so the cache grows to
	 * hold them all and never evicts (a statement may be in use) */
	int ncache, cap;
	struct stmt_slot {
		const char *sql;
		sqlite3_stmt *stmt;
	} *cache;
	struct sq_conn *next;     /* in the free list of readers */
	struct sq_conn *all_next; /* in the list of every reader, for closing */
	/* writer only: a job of this batch wrote files there without syncing
	 * them; the batch syncs that file system before COMMIT */
	const char *syncfs_dir;
	/* the business calendar built from sla_config version sla_version
	 * (sqlite_sla.c); freed with the connection */
	struct sla_calendar *sla_cal;
	int64_t sla_version;
};

struct sq_job {
	int (*fn)(struct sq_conn *c, void *arg);
	void *arg;
	int rc;
	bool done;
	pthread_cond_t cond;
	struct sq_job *next;
};

struct sq_store {
	struct store base;
	char *path;
	unsigned flags;

	pthread_mutex_t lock;     /* guards everything below */
	pthread_cond_t work;      /* signalled when a job is queued or on stop */
	struct sq_job *head, *tail;
	bool stop;
	pthread_t writer;
	bool writer_started;
	struct sq_conn *wconn;    /* the writer's; used only by the writer thread */

	pthread_mutex_t rlock;    /* guards the two reader lists (not `lock`:
				   * readers must not queue behind the writer) */
	struct sq_conn *readers;  /* free read connections */
	struct sq_conn *all;      /* every read connection, free or not */
	uint64_t serial;          /* unique among the stores of this process */
	/* sq_generation(): the counter shared with the other processes (the
	 * mapped DB-gen file, or NULL), the local part, and the connection that
	 * watches PRAGMA data_version for it (its last value; watch_seen after
	 * the first look; the time of the next look) */
	_Atomic uint64_t *shared_gen;
	_Atomic uint64_t gen;
	_Atomic int64_t watch_next_ms;
	pthread_mutex_t watch_lock;
	struct sq_conn *watch;
	int64_t watch_dv;
	bool watch_seen;
};

/*
 * SQL condition: the unit code u.code is within the caller's scope `p` (a
 * parameter): NULL for every unit, else a comma-separated list of unit
 * codes (codes cannot hold commas).  Requests of the triage queue (no
 * unit) are outside every list.
 */
#define IN_SCOPE(p) "(" p " IS NULL OR instr(',' || " p " || ',', ',' || u.code || ',') > 0)"

/* errno-style code for an SQLite result code */
int sq_map_rc(int rc);
/* fill err (may be NULL) with the field and a formatted message */
void sq_set_err(struct store_err *err, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* cached prepared statement for static SQL text, reset and unbound; NULL on error */
sqlite3_stmt *sq_stmt(struct sq_conn *c, const char *sql);
/* bind a string, or NULL */
void sq_bind_text(sqlite3_stmt *s, int i, const char *v);
/* bind a row id, or NULL for 0 */
void sq_bind_id(sqlite3_stmt *s, int i, int64_t id);
/* step a statement that returns no rows, then reset it */
int sq_step_done(sqlite3_stmt *s);
const char *sq_col_text(sqlite3_stmt *s, int i);
/* a column as a JSON string, or JSON null */
json_t *sq_col_json(sqlite3_stmt *s, int i);
int sq_exec(struct sq_conn *c, const char *sql);
/* borrow a read connection (the calling thread's own when it has one, else
 * a free one, else a new one); give it back */
struct sq_conn *sq_reader_get(struct sq_store *st, int *ret_rc);
void sq_reader_put(struct sq_store *st, struct sq_conn *c);
/* run a read-only fn on a borrowed read connection */
int sq_read(struct store *base, int (*fn)(struct sq_conn *c, void *arg), void *arg);
/* run fn in the writer's transaction (own savepoint); returns once committed */
int sq_write(struct sq_store *st, int (*fn)(struct sq_conn *c, void *arg), void *arg);
/* append to the audit chain, inside a write job; takes ownership of detail */
int sq_audit(struct sq_conn *c, const char *at, const char *actor, const char *action,
	     const char *object, json_t *detail);
/* the id `key` names through `sql` (one parameter), 0 when none, negative on error */
int64_t sq_lookup_id(struct sq_conn *c, const char *sql, const char *key);
/* one object (key given) or all rows as an array, each made by row() */
int sq_read_rows(struct sq_store *st, const char *sql, const char *key,
		 json_t *(*row)(struct sq_conn *, sqlite3_stmt *), json_t **ret);

/* Inside a write job: create a request (code and row id out), or apply a
 * change to one (see store_request_create / store_request_change). */
int sq_request_insert(struct sq_conn *c, const struct request_in *in, const char *actor,
		      char code[16], int64_t *ret_id, struct store_err *err);
int sq_request_apply(struct sq_conn *c, const char *code, const char *scope,
		     const struct request_change *chg, const char *actor, struct store_err *err);

/* Inside a write job: queue a mail (kind "ack" or "reply") in the outbox. */
int sq_outbox_add(struct sq_conn *c, int64_t request_id, int64_t event_id, const char *kind,
		  const char *to, const char *at);
/* Inside a write job: count one acknowledgement to `addr` this hour; 1 when
 * within `limit`, 0 when over, negative on error. */
int sq_ack_allowed(struct sq_conn *c, const char *addr, int64_t now, int limit);

/* The mail operations, in sqlite_mail.c. */
int sq_mail_intake(struct store *st, const struct mail_in *in, struct mail_result *ret,
		   struct store_err *err);
int sq_outbox_due(struct store *st, int64_t now, int limit, json_t **ret);
int sq_outbox_done(struct store *st, int64_t id, bool sent, const char *message_id,
		   const char *error, int64_t next_ts);
int sq_outbox_list(struct store *st, const char *status, int limit, json_t **ret);
int sq_attachment_get(struct store *st, const char *code, const char *scope, int64_t id,
		      json_t **ret);
/* The attachments of a request, for its JSON (metadata only). */
json_t *sq_attachments_of(struct sq_conn *c, int64_t request_id);

/* The identity operations, in sqlite_auth.c (see struct store_ops). */
int sq_token_add(struct store *st, const char *username, const unsigned char hash[32],
		 const char *actor, struct store_err *err);
int sq_token_lookup(struct store *st, const unsigned char hash[32], struct principal *ret);
int sq_user_auth(struct store *st, const char *username, struct user_auth *ret);
int sq_user_get(struct store *st, const char *username, json_t **ret);
int sq_user_update(struct store *st, const char *username, const struct user_patch *p,
		   const char *actor, struct store_err *err);
int sq_password_set(struct store *st, const char *username, const char *hash, bool must_change,
		    int keep, const char *reason, int64_t keep_session, const char *actor);
int sq_password_history(struct store *st, const char *username, int n, json_t **ret);
int sq_session_create(struct store *st, const struct session_in *in, const char *actor,
		      int64_t *ret_id);
int sq_session_lookup(struct store *st, const unsigned char hash[32], int64_t now, int64_t idle,
		      int64_t absolute, struct principal *ret);
int sq_session_list(struct store *st, int64_t user_id, int64_t now, json_t **ret);
int sq_session_revoke(struct store *st, int64_t user_id, int64_t session_id, const char *actor);
int sq_totp_set(struct store *st, const char *username, const unsigned char *secret, bool enabled,
		const unsigned char (*recovery)[32], size_t nrecovery, const char *actor);
int sq_totp_used(struct store *st, const char *username, int64_t step);
int sq_recovery_use(struct store *st, const char *username, const unsigned char hash[32],
		    const char *actor);
int sq_token_create(struct store *st, const struct token_in *in, const char *actor,
		    int64_t *ret_id, struct store_err *err);
int sq_token_list(struct store *st, const char *username, int64_t now, json_t **ret);
int sq_token_revoke(struct store *st, const char *username, int64_t id, const char *actor);
int sq_audit_event(struct store *st, const char *actor, const char *action, const char *object,
		   json_t *detail);
int sq_audit_list(struct store *st, const struct audit_filter *f, json_t **ret_items,
		  int64_t *ret_next);

/* The public side, in sqlite_public.c (see struct store_ops). */
int sq_official_list(struct store *st, bool all, json_t **ret);
int sq_official_get(struct store *st, int64_t id, json_t **ret);
int sq_official_create(struct store *st, const struct official_in *in, const char *actor,
		       int64_t *ret_id, struct store_err *err);
int sq_official_update(struct store *st, int64_t id, const struct official_in *in,
		       const char *actor, struct store_err *err);
int sq_official_delete(struct store *st, int64_t id, const char *actor);
int sq_verify_check(struct store *st, const struct verify_in *in, struct verify_result *ret);
int sq_announcement_list(struct store *st, bool all, json_t **ret);
int sq_announcement_get(struct store *st, int64_t id, json_t **ret);
int sq_announcement_create(struct store *st, const struct announcement_in *in, const char *actor,
			   int64_t *ret_id, struct store_err *err);
int sq_announcement_update(struct store *st, int64_t id, const struct announcement_in *in,
			   const char *actor, struct store_err *err);
int sq_announcement_delete(struct store *st, int64_t id, const char *actor);
int sq_public_request(struct store *st, const struct public_request_in *in, char ret_code[16],
		      struct store_err *err);
/* The leak operations, in sqlite_leaks.c (see struct store_ops). */
int sq_leak_accounts(struct store *st, int (*cb)(void *arg, const struct leak_account *a),
		     void *arg);
int sq_leak_history(struct store *st, int64_t user_id, json_t **ret);
int sq_leak_watch_list(struct store *st, json_t **ret);
int sq_leak_watch_add(struct store *st, const char *kind, const char *value, const char *system,
		      const char *actor, struct store_err *err);
int sq_leak_watch_remove(struct store *st, const char *kind, const char *value, const char *actor);
int sq_leak_known(struct store *st, const unsigned char (*dedupe)[32], size_t n, bool *ret_known);
int sq_leak_record(struct store *st, const struct leak_record_in *in, const char *actor,
		   struct leak_outcome *ret, struct store_err *err);
int sq_leak_list(struct store *st, const struct leak_filter *f, json_t **ret_items,
		 int64_t *ret_next);
/* SLA (sqlite_sla.c).  Inside a write job: start the clock of a new
 * request; advance it after a change (`response`: support sent a public
 * reply).  Times are Unix seconds. */
int sq_sla_created(struct sq_conn *c, int64_t request_id, int64_t now);
int sq_sla_changed(struct sq_conn *c, int64_t request_id, bool response, int64_t now);
/* Register the SQL function sla_json(request_id) on a connection: the
 * request's "sla" object as JSON text, or NULL. */
int sq_sla_register(struct sq_conn *c);
/* The "sla" object of a request at `now`, or JSON null. */
json_t *sq_sla_json(struct sq_conn *c, int64_t request_id, int64_t now);
/* The same, brief, for lists: {"state", "target", "due"}, or JSON null. */
json_t *sq_sla_brief(struct sq_conn *c, int64_t request_id, int64_t now);
/* Free what sqlite_sla.c keeps on a connection. */
void sq_sla_conn_free(struct sq_conn *c);
int sq_sla_list(struct store *st, const struct sla_filter *f, json_t **ret);
int sq_sla_tick(struct store *st, int64_t now, struct sla_tick_result *ret);
int sq_sla_config_get(struct store *st, int year, json_t **ret);
int sq_sla_config_set(struct store *st, const struct sla_config_in *in, const char *actor,
		      struct store_err *err);
int sq_sla_policy_set(struct store *st, const struct sla_policy_in *in, const char *actor,
		      struct store_err *err);
int sq_sla_day_set(struct store *st, const char *day, const char *kind, const char *name,
		   const char *actor, struct store_err *err);
int sq_duty_add(struct store *st, const struct duty_in *in, const char *actor, int64_t *ret_id,
		struct store_err *err);
int sq_duty_delete(struct store *st, int64_t id, const char *actor);
int sq_duty_list(struct store *st, int64_t from, int64_t to, json_t **ret);
int sq_duty_now(struct store *st, int64_t now, json_t **ret);
int sq_stats(struct store *st, int64_t from, int64_t to, const char *scope, int64_t now,
	     json_t **ret);
/* The advisory operations, in sqlite_adv.c (see struct store_ops). */
int sq_advisory_import(struct store *st, const struct advisory_set *set, const char *actor,
		       int64_t now, struct adv_stats *ret, struct store_err *err);
int sq_advisory_match(struct store *st, const char *actor, int64_t now, struct adv_stats *ret);
int sq_advisory_list(struct store *st, const struct advisory_filter *f, json_t **ret_items,
		     int64_t *ret_next);
int sq_advisory_get(struct store *st, int64_t id, const char *scope, json_t **ret);
int sq_asset_import(struct store *st, const struct asset_in *in, size_t n, bool match,
		    const char *actor, int64_t now, size_t *ret_created, size_t *ret_updated,
		    struct adv_stats *ret, struct store_err *err);
int sq_asset_write(struct store *st, int64_t id, const struct asset_in *in, const char *scope,
		   const char *actor, int64_t now, int64_t *ret_id, struct store_err *err);
int sq_asset_delete(struct store *st, int64_t id, const char *scope, const char *actor);
int sq_asset_get(struct store *st, int64_t id, const char *scope, json_t **ret);
int sq_asset_list(struct store *st, const struct asset_filter *f, json_t **ret_items,
		  int64_t *ret_next);
int sq_alias_list(struct store *st, json_t **ret);
int sq_alias_set(struct store *st, const struct alias_in *in, bool remove, const char *actor,
		 int64_t now, struct store_err *err);
int sq_app_list(struct store *st, json_t **ret);
int sq_app_write(struct store *st, int64_t id, const struct app_in *in, const char *actor,
		 int64_t *ret_id, struct store_err *err);
int sq_app_delete(struct store *st, int64_t id, const char *actor);
int sq_remediation_list(struct store *st, const struct remediation_filter *f, json_t **ret_items,
			int64_t *ret_next);
int sq_remediation_answer(struct store *st, int64_t id, const char *scope,
			  const struct remediation_answer *a, const char *actor, int64_t now,
			  struct store_err *err);
int sq_remediation_review(struct store *st, int64_t id, const char *scope, bool accept,
			  const char *text, const char *actor, struct store_err *err);
int sq_advisory_dashboard(struct store *st, const char *scope, int64_t now, json_t **ret);
int sq_advisory_remind(struct store *st, const char *actor, int64_t now, struct remind_stats *ret);
int sq_advisory_config_get(struct store *st, json_t **ret);
int sq_advisory_config_set(struct store *st, const struct adv_setting *set, size_t n,
			   const char *actor, struct store_err *err);
/* The incident operations, in sqlite_incident.c (see struct store_ops). */
int sq_incident_get(struct store *st, const char *code, const char *scope, bool internal,
		    int64_t now, json_t **ret);
int sq_incident_update(struct store *st, const char *code, const char *scope,
		       const struct incident_in *in, const char *actor, struct store_err *err);
int sq_observable_add(struct store *st, const char *code, const char *scope, const char *type,
		      const char *value, const char *actor, int64_t *ret_id, struct store_err *err);
int sq_observable_delete(struct store *st, const char *code, const char *scope, int64_t id,
			 const char *actor, struct store_err *err);
int sq_observable_search(struct store *st, const char *type, const char *value, const char *scope,
			 json_t **ret_items);
int sq_task_add(struct store *st, const char *code, const char *scope, const struct task_in *in,
		const char *actor, int64_t *ret_id, struct store_err *err);
int sq_task_update(struct store *st, const char *code, const char *scope, int64_t id,
		   const struct task_in *in, const char *actor, struct store_err *err);
int sq_request_merge(struct store *st, const char *code, const char *into, const char *scope,
		     const char *actor, struct store_err *err);
int sq_request_link(struct store *st, const char *code, const char *other, const char *relation,
		    const char *scope, const char *actor, struct store_err *err);
/* Inside a write job: a new request of kind incident gets its incident row
 * and the observables of its text (nothing for other kinds); a public
 * message on an incident adds the observables of its text. */
int sq_incident_created(struct sq_conn *c, int64_t rid, const char *code,
			const struct request_in *in, int64_t now, const char *at, const char *actor);
int sq_incident_message(struct sq_conn *c, int64_t rid, const char *code, const char *text,
			const char *at, const char *actor);
