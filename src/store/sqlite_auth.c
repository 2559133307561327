/*
 * sqlite_auth.c — the identity part of the SQLite backend: accounts and
 * their passwords, sessions, TOTP and recovery codes, API tokens, and
 * reading the audit log (see store.h for the contracts).
 *
 * Secrets never reach this file in clear: passwords arrive as Argon2id
 * strings, session ids, tokens and recovery codes as SHA-256 hashes.
 * Audit entries name tokens and sessions by row id only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/rbac.h"
#include "core/timefmt.h"
#include "store/sqlite_int.h"

static const char SQL_USER_ID[] = "SELECT id FROM users WHERE username = ?1";

static void copy_col(char *dst, size_t size, sqlite3_stmt *s, int i)
{
	const char *v = sq_col_text(s, i);
	snprintf(dst, size, "%s", v ? v : "");
}

/* ------------------------------------------------------------------------ */
/* Accounts                                                                 */
/* ------------------------------------------------------------------------ */

struct user_q {
	const char *username;
	struct user_auth *out;
	json_t *json;
};

static int user_auth_fn(struct sq_conn *c, void *arg)
{
	struct user_q *q = arg;
	struct user_auth *u = q->out;
	sqlite3_stmt *s = sq_stmt(c,
		"SELECT u.id, u.username, u.display_name, u.email, n.code, n.name, u.role, u.status, "
		"u.password_hash, u.must_change, u.totp_enabled, u.totp_secret, u.totp_last_step "
		"FROM users u LEFT JOIN units n ON n.id = u.unit_id WHERE u.username = ?1");
	int rc;

	if (!s)
		return -EIO;
	sq_bind_text(s, 1, q->username);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		memset(u, 0, sizeof(*u));
		u->id = sqlite3_column_int64(s, 0);
		copy_col(u->username, sizeof(u->username), s, 1);
		copy_col(u->display_name, sizeof(u->display_name), s, 2);
		copy_col(u->email, sizeof(u->email), s, 3);
		copy_col(u->unit, sizeof(u->unit), s, 4);
		copy_col(u->unit_name, sizeof(u->unit_name), s, 5);
		u->role = (enum role)role_parse(sq_col_text(s, 6));
		u->active = !strcmp(sq_col_text(s, 7), "active");
		copy_col(u->password_hash, sizeof(u->password_hash), s, 8);
		u->must_change = sqlite3_column_int(s, 9);
		u->totp_enabled = sqlite3_column_int(s, 10);
		if (sqlite3_column_bytes(s, 11) == (int)sizeof(u->totp_secret)) {
			memcpy(u->totp_secret, sqlite3_column_blob(s, 11), sizeof(u->totp_secret));
			u->has_totp_secret = true;
		}
		u->totp_last_step = sqlite3_column_int64(s, 12);
		rc = (int)u->role < 0 ? -EIO : 0;
	} else {
		rc = rc == SQLITE_DONE ? -ENOENT : sq_map_rc(rc);
	}
	sqlite3_reset(s);
	return rc;
}

int sq_user_auth(struct store *st, const char *username, struct user_auth *ret)
{
	struct user_q q = { .username = username, .out = ret };
	return sq_read(st, user_auth_fn, &q);
}

static int user_get_fn(struct sq_conn *c, void *arg)
{
	struct user_q *q = arg;
	sqlite3_stmt *s = sq_stmt(c,
		"SELECT u.username, u.display_name, u.email, u.phone, u.role, n.code, u.status, "
		"u.must_change, u.totp_enabled, u.password_changed_at, u.created_at, u.scope_units "
		"FROM users u LEFT JOIN units n ON n.id = u.unit_id WHERE u.username = ?1");
	int rc;

	if (!s)
		return -EIO;
	sq_bind_text(s, 1, q->username);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		q->json = json_pack("{so so so so so so so sb sb so so}", "username", sq_col_json(s, 0),
				    "display_name", sq_col_json(s, 1), "email", sq_col_json(s, 2),
				    "phone", sq_col_json(s, 3), "role", sq_col_json(s, 4), "unit",
				    sq_col_json(s, 5), "status", sq_col_json(s, 6), "must_change",
				    sqlite3_column_int(s, 7), "totp_enabled", sqlite3_column_int(s, 8),
				    "password_changed_at", sq_col_json(s, 9), "created_at",
				    sq_col_json(s, 10));
		if (q->json && sq_col_text(s, 11))
			json_object_set_new(q->json, "units", sq_col_json(s, 11));
		rc = q->json ? 0 : -ENOMEM;
	} else {
		rc = rc == SQLITE_DONE ? -ENOENT : sq_map_rc(rc);
	}
	sqlite3_reset(s);
	return rc;
}

int sq_user_get(struct store *st, const char *username, json_t **ret)
{
	struct user_q q = { .username = username };
	int rc = sq_read(st, user_get_fn, &q);

	if (rc == 0)
		*ret = q.json;
	return rc;
}

struct patch_job {
	const char *username;
	const struct user_patch *p;
	const char *actor;
	struct store_err *err;
};

static int user_update_fn(struct sq_conn *c, void *arg)
{
	struct patch_job *j = arg;
	const struct user_patch *p = j->p;
	int64_t uid = sq_lookup_id(c, SQL_USER_ID, j->username), unit_id = 0;
	json_t *detail = json_object();
	char at[TIMEFMT_SIZE];
	sqlite3_stmt *s;
	int rc;

	if (uid <= 0) {
		json_decref(detail);
		return uid < 0 ? (int)uid : -ENOENT;
	}
	if (p->set_unit && p->unit) {
		unit_id = sq_lookup_id(c, "SELECT id FROM units WHERE code = ?1", p->unit);
		if (unit_id <= 0) {
			json_decref(detail);
			sq_set_err(j->err, "unit", "unknown unit code '%s'", p->unit);
			return unit_id < 0 ? (int)unit_id : -EINVAL;
		}
	}
	s = sq_stmt(c, "UPDATE users SET display_name = coalesce(?2, display_name), "
		       "email = coalesce(?3, email), phone = coalesce(?4, phone), "
		       "role = coalesce(?5, role), "
		       "unit_id = CASE WHEN ?6 THEN ?7 ELSE unit_id END, "
		       "status = coalesce(?8, status), "
		       "scope_units = CASE WHEN ?9 THEN ?10 ELSE scope_units END WHERE id = ?1");
	if (!s) {
		json_decref(detail);
		return -EIO;
	}
	sqlite3_bind_int64(s, 1, uid);
	sq_bind_text(s, 2, p->display_name);
	sq_bind_text(s, 3, p->email);
	sq_bind_text(s, 4, p->phone);
	sq_bind_text(s, 5, p->role >= 0 ? role_name(p->role) : NULL);
	sqlite3_bind_int(s, 6, p->set_unit);
	sq_bind_id(s, 7, unit_id);
	sq_bind_text(s, 8, p->active < 0 ? NULL : p->active ? "active" : "disabled");
	sqlite3_bind_int(s, 9, p->set_units);
	sq_bind_text(s, 10, p->units && *p->units ? p->units : NULL);
	rc = sq_step_done(s);
	if (rc == -EINVAL)
		sq_set_err(j->err, "unit", "a unit user needs a unit, and only unit users have one");
	if (rc < 0) {
		json_decref(detail);
		return rc;
	}
	if (p->display_name)
		json_object_set_new(detail, "display_name", json_string(p->display_name));
	if (p->email)
		json_object_set_new(detail, "email", json_string(p->email));
	if (p->role >= 0)
		json_object_set_new(detail, "role", json_string(role_name(p->role)));
	if (p->set_unit)
		json_object_set_new(detail, "unit", p->unit ? json_string(p->unit) : json_null());
	if (p->active >= 0)
		json_object_set_new(detail, "status", json_string(p->active ? "active" : "disabled"));
	if (p->set_units)
		json_object_set_new(detail, "units", p->units ? json_string(p->units) : json_null());
	if (p->active == 0) {
		/* a disabled account loses its sessions at once */
		s = sq_stmt(c, "UPDATE sessions SET revoked_at = ?2 WHERE user_id = ?1 "
			       "AND revoked_at IS NULL");
		timefmt_now(at, NULL);
		if (!s) {
			json_decref(detail);
			return -EIO;
		}
		sqlite3_bind_int64(s, 1, uid);
		sq_bind_text(s, 2, at);
		if ((rc = sq_step_done(s)) < 0) {
			json_decref(detail);
			return rc;
		}
	}
	timefmt_now(at, NULL);
	return sq_audit(c, at, j->actor, "user.update", j->username, detail);
}

int sq_user_update(struct store *st, const char *username, const struct user_patch *p,
		   const char *actor, struct store_err *err)
{
	struct patch_job j = { username, p, actor, err };
	return sq_write((struct sq_store *)st, user_update_fn, &j);
}

/* ------------------------------------------------------------------------ */
/* Passwords                                                                */
/* ------------------------------------------------------------------------ */

struct password_job {
	const char *username, *hash, *reason, *actor;
	bool must_change;
	int keep;
	int64_t keep_session;
};

static int password_fn(struct sq_conn *c, void *arg)
{
	struct password_job *j = arg;
	int64_t uid = sq_lookup_id(c, SQL_USER_ID, j->username);
	char at[TIMEFMT_SIZE];
	sqlite3_stmt *s;
	int rc;

	if (uid <= 0)
		return uid < 0 ? (int)uid : -ENOENT;
	timefmt_now(at, NULL);
	/* the outgoing hash joins the history */
	s = sq_stmt(c, "INSERT INTO password_history(user_id, hash, created_at) "
		       "SELECT id, password_hash, ?2 FROM users WHERE id = ?1 AND password_hash IS NOT NULL");
	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, uid);
	sq_bind_text(s, 2, at);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	s = sq_stmt(c, "DELETE FROM password_history WHERE user_id = ?1 AND id NOT IN "
		       "(SELECT id FROM password_history WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2)");
	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, uid);
	sqlite3_bind_int(s, 2, j->keep > 0 ? j->keep : 0);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	s = sq_stmt(c, "UPDATE users SET password_hash = ?2, must_change = ?3, "
		       "password_changed_at = ?4 WHERE id = ?1");
	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, uid);
	sq_bind_text(s, 2, j->hash);
	sqlite3_bind_int(s, 3, j->must_change);
	sq_bind_text(s, 4, at);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	if (strcmp(j->reason, "rehash") != 0 && strcmp(j->reason, "initial") != 0) {
		s = sq_stmt(c, "UPDATE sessions SET revoked_at = ?2 WHERE user_id = ?1 AND id <> ?3 "
			       "AND revoked_at IS NULL");
		if (!s)
			return -EIO;
		sqlite3_bind_int64(s, 1, uid);
		sq_bind_text(s, 2, at);
		sqlite3_bind_int64(s, 3, j->keep_session);
		if ((rc = sq_step_done(s)) < 0)
			return rc;
	}
	return sq_audit(c, at, j->actor, "password.set", j->username,
			json_pack("{ss sb}", "reason", j->reason, "must_change", j->must_change));
}

int sq_password_set(struct store *st, const char *username, const char *hash, bool must_change,
		    int keep, const char *reason, int64_t keep_session, const char *actor)
{
	struct password_job j = { username, hash, reason, actor, must_change, keep, keep_session };
	return sq_write((struct sq_store *)st, password_fn, &j);
}

struct history_q {
	const char *username;
	int n;
	json_t *out;
};

static int history_fn(struct sq_conn *c, void *arg)
{
	struct history_q *q = arg;
	sqlite3_stmt *s = sq_stmt(c,
		"SELECT hash FROM (SELECT u.password_hash AS hash, 1e18 AS k FROM users u "
		"WHERE u.username = ?1 AND u.password_hash IS NOT NULL "
		"UNION ALL SELECT h.hash, h.id FROM password_history h JOIN users u ON u.id = h.user_id "
		"WHERE u.username = ?1) ORDER BY k DESC LIMIT ?2");
	int rc;

	if (!s)
		return -EIO;
	sq_bind_text(s, 1, q->username);
	sqlite3_bind_int(s, 2, q->n);
	q->out = json_array();
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		json_array_append_new(q->out, sq_col_json(s, 0));
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		json_decref(q->out);
		return sq_map_rc(rc);
	}
	return 0;
}

int sq_password_history(struct store *st, const char *username, int n, json_t **ret)
{
	struct history_q q = { username, n > 0 ? n : 1, NULL };
	int rc = sq_read(st, history_fn, &q);

	if (rc == 0)
		*ret = q.out;
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Sessions                                                                 */
/* ------------------------------------------------------------------------ */

struct session_job {
	const struct session_in *in;
	int64_t user_id, session_id, now;
	const char *actor;
	int64_t id;
};

static int session_create_fn(struct sq_conn *c, void *arg)
{
	struct session_job *j = arg;
	char at[TIMEFMT_SIZE];
	sqlite3_stmt *s = sq_stmt(c,
		"INSERT INTO sessions(user_id, hash, created_at, created_ts, seen_ts, ip, user_agent) "
		"VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6)");
	int rc;

	if (!s)
		return -EIO;
	timefmt_iso((time_t)j->in->now, 0, at);
	sqlite3_bind_int64(s, 1, j->in->user_id);
	sqlite3_bind_blob(s, 2, j->in->hash, 32, SQLITE_STATIC);
	sq_bind_text(s, 3, at);
	sqlite3_bind_int64(s, 4, j->in->now);
	sq_bind_text(s, 5, j->in->ip);
	sq_bind_text(s, 6, j->in->user_agent);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	j->id = sqlite3_last_insert_rowid(c->db);
	return sq_audit(c, at, j->actor, "session.create", j->actor,
			json_pack("{sI s:s?}", "session_id", (json_int_t)j->id, "ip", j->in->ip));
}

int sq_session_create(struct store *st, const struct session_in *in, const char *actor,
		      int64_t *ret_id)
{
	struct session_job j = { .in = in, .actor = actor };
	int rc = sq_write((struct sq_store *)st, session_create_fn, &j);

	if (rc == 0)
		*ret_id = j.id;
	return rc;
}

static int session_touch_fn(struct sq_conn *c, void *arg)
{
	struct session_job *j = arg;
	sqlite3_stmt *s = sq_stmt(c, "UPDATE sessions SET seen_ts = ?2 WHERE id = ?1");

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, j->session_id);
	sqlite3_bind_int64(s, 2, j->now);
	return sq_step_done(s);
}

struct lookup_q {
	const unsigned char *hash;
	struct principal *out;
	int64_t created_ts, seen_ts;
};

static int session_lookup_fn(struct sq_conn *c, void *arg)
{
	struct lookup_q *q = arg;
	struct principal *p = q->out;
	sqlite3_stmt *s = sq_stmt(c,
		"SELECT s.id, s.created_ts, s.seen_ts, u.id, u.username, u.role, n.code, u.must_change, "
		"u.scope_units "
		"FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN units n ON n.id = u.unit_id "
		"WHERE s.hash = ?1 AND s.revoked_at IS NULL AND u.status = 'active'");
	int rc, role;

	if (!s)
		return -EIO;
	sqlite3_bind_blob(s, 1, q->hash, 32, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && (role = role_parse(sq_col_text(s, 5))) >= 0) {
		memset(p, 0, sizeof(*p));
		p->session_id = sqlite3_column_int64(s, 0);
		q->created_ts = sqlite3_column_int64(s, 1);
		q->seen_ts = sqlite3_column_int64(s, 2);
		p->user_id = sqlite3_column_int64(s, 3);
		copy_col(p->username, sizeof(p->username), s, 4);
		p->role = (enum role)role;
		copy_col(p->unit, sizeof(p->unit), s, 6);
		p->must_change = sqlite3_column_int(s, 7);
		copy_col(p->units, sizeof(p->units), s, 8);
		rc = 0;
	} else {
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? -ENOENT : sq_map_rc(rc);
	}
	sqlite3_reset(s);
	return rc;
}

/* How stale last-seen may get before a lookup writes it: idle timeouts are
 * minutes long, and a write per request would cost a commit per request. */
#define SEEN_GRANULARITY 60

int sq_session_lookup(struct store *st, const unsigned char hash[32], int64_t now, int64_t idle,
		      int64_t absolute, struct principal *ret)
{
	struct principal p;
	struct lookup_q q = { hash, &p, 0, 0 };
	int rc = sq_read(st, session_lookup_fn, &q);

	if (rc < 0)
		return rc;
	if (now - q.created_ts >= absolute || now - q.seen_ts >= idle)
		return -ENOENT;
	if (now - q.seen_ts >= SEEN_GRANULARITY) {
		struct session_job j = { .session_id = p.session_id, .now = now };
		if ((rc = sq_write((struct sq_store *)st, session_touch_fn, &j)) < 0)
			return rc;
	}
	*ret = p;
	return 0;
}

struct list_q {
	int64_t user_id, now;
	const char *username;
	json_t *out;
};

static int session_list_fn(struct sq_conn *c, void *arg)
{
	struct list_q *q = arg;
	sqlite3_stmt *s = sq_stmt(c, "SELECT id, created_at, seen_ts, ip, user_agent FROM sessions "
				     "WHERE user_id = ?1 AND revoked_at IS NULL ORDER BY id DESC");
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, q->user_id);
	q->out = json_array();
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char seen[TIMEFMT_SIZE];
		timefmt_iso((time_t)sqlite3_column_int64(s, 2), 0, seen);
		json_array_append_new(q->out, json_pack("{sI so ss so so}", "id",
							(json_int_t)sqlite3_column_int64(s, 0),
							"created_at", sq_col_json(s, 1), "last_seen",
							seen, "ip", sq_col_json(s, 3), "user_agent",
							sq_col_json(s, 4)));
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
}

/* Run a list query on a reader; *ret gets the array it built. */
static int list_read(struct store *st, int (*fn)(struct sq_conn *, void *), struct list_q *q,
		     json_t **ret)
{
	int rc = sq_read(st, fn, q);

	if (rc == 0)
		*ret = q->out;
	else
		json_decref(q->out);
	return rc;
}

int sq_session_list(struct store *st, int64_t user_id, int64_t now, json_t **ret)
{
	struct list_q q = { .user_id = user_id, .now = now };
	return list_read(st, session_list_fn, &q, ret);
}

static int session_revoke_fn(struct sq_conn *c, void *arg)
{
	struct session_job *j = arg;
	char at[TIMEFMT_SIZE];
	sqlite3_stmt *s = sq_stmt(c, "UPDATE sessions SET revoked_at = ?3 WHERE id = ?1 AND "
				     "user_id = ?2 AND revoked_at IS NULL");
	int rc;

	if (!s)
		return -EIO;
	timefmt_now(at, NULL);
	sqlite3_bind_int64(s, 1, j->session_id);
	sqlite3_bind_int64(s, 2, j->user_id);
	sq_bind_text(s, 3, at);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	if (sqlite3_changes(c->db) == 0)
		return -ENOENT;
	return sq_audit(c, at, j->actor, "session.revoke", j->actor,
			json_pack("{sI}", "session_id", (json_int_t)j->session_id));
}

int sq_session_revoke(struct store *st, int64_t user_id, int64_t session_id, const char *actor)
{
	struct session_job j = { .user_id = user_id, .session_id = session_id, .actor = actor };
	return sq_write((struct sq_store *)st, session_revoke_fn, &j);
}

/* ------------------------------------------------------------------------ */
/* TOTP and recovery codes                                                  */
/* ------------------------------------------------------------------------ */

struct totp_job {
	const char *username, *actor;
	const unsigned char *secret, *hash;
	bool enabled;
	const unsigned char (*recovery)[32];
	size_t nrecovery;
	int64_t step;
};

static int totp_set_fn(struct sq_conn *c, void *arg)
{
	struct totp_job *j = arg;
	int64_t uid = sq_lookup_id(c, SQL_USER_ID, j->username);
	char at[TIMEFMT_SIZE];
	sqlite3_stmt *s;
	int rc;

	if (uid <= 0)
		return uid < 0 ? (int)uid : -ENOENT;
	s = sq_stmt(c, "UPDATE users SET totp_secret = ?2, totp_enabled = ?3 WHERE id = ?1");
	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, uid);
	if (j->secret)
		sqlite3_bind_blob(s, 2, j->secret, 20, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 2);
	sqlite3_bind_int(s, 3, j->secret && j->enabled);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	if (j->nrecovery || !j->secret) {
		if (!(s = sq_stmt(c, "DELETE FROM recovery_codes WHERE user_id = ?1")))
			return -EIO;
		sqlite3_bind_int64(s, 1, uid);
		if ((rc = sq_step_done(s)) < 0)
			return rc;
	}
	for (size_t i = 0; i < j->nrecovery; i++) {
		if (!(s = sq_stmt(c, "INSERT INTO recovery_codes(user_id, hash) VALUES (?1, ?2)")))
			return -EIO;
		sqlite3_bind_int64(s, 1, uid);
		sqlite3_bind_blob(s, 2, j->recovery[i], 32, SQLITE_STATIC);
		if ((rc = sq_step_done(s)) < 0)
			return rc;
	}
	timefmt_now(at, NULL);
	return sq_audit(c, at, j->actor,
			!j->secret ? "totp.disable" : j->enabled ? "totp.enable" : "totp.enrol",
			j->username, json_pack("{si}", "recovery_codes", (int)j->nrecovery));
}

int sq_totp_set(struct store *st, const char *username, const unsigned char *secret, bool enabled,
		const unsigned char (*recovery)[32], size_t nrecovery, const char *actor)
{
	struct totp_job j = { .username = username, .actor = actor, .secret = secret,
			      .enabled = enabled, .recovery = recovery, .nrecovery = nrecovery };
	return sq_write((struct sq_store *)st, totp_set_fn, &j);
}

static int totp_used_fn(struct sq_conn *c, void *arg)
{
	struct totp_job *j = arg;
	sqlite3_stmt *s = sq_stmt(c, "UPDATE users SET totp_last_step = ?2 WHERE username = ?1 "
				     "AND totp_last_step < ?2");
	int rc;

	if (!s)
		return -EIO;
	sq_bind_text(s, 1, j->username);
	sqlite3_bind_int64(s, 2, j->step);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	return sqlite3_changes(c->db) ? 0 : -EALREADY;
}

int sq_totp_used(struct store *st, const char *username, int64_t step)
{
	struct totp_job j = { .username = username, .step = step };
	return sq_write((struct sq_store *)st, totp_used_fn, &j);
}

static int recovery_use_fn(struct sq_conn *c, void *arg)
{
	struct totp_job *j = arg;
	char at[TIMEFMT_SIZE];
	sqlite3_stmt *s = sq_stmt(c, "UPDATE recovery_codes SET used_at = ?3 WHERE hash = ?2 AND "
				     "used_at IS NULL AND user_id = (SELECT id FROM users WHERE "
				     "username = ?1)");
	int rc;

	if (!s)
		return -EIO;
	timefmt_now(at, NULL);
	sq_bind_text(s, 1, j->username);
	sqlite3_bind_blob(s, 2, j->hash, 32, SQLITE_STATIC);
	sq_bind_text(s, 3, at);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	if (sqlite3_changes(c->db) == 0)
		return -ENOENT;
	return sq_audit(c, at, j->actor, "totp.recovery_used", j->username, NULL);
}

int sq_recovery_use(struct store *st, const char *username, const unsigned char hash[32],
		    const char *actor)
{
	struct totp_job j = { .username = username, .hash = hash, .actor = actor };
	return sq_write((struct sq_store *)st, recovery_use_fn, &j);
}

/* ------------------------------------------------------------------------ */
/* API tokens                                                               */
/* ------------------------------------------------------------------------ */

struct token_job {
	const struct token_in *in;
	const char *username, *actor;
	int64_t id;
	struct store_err *err;
};

static int token_create_fn(struct sq_conn *c, void *arg)
{
	struct token_job *j = arg;
	const struct token_in *in = j->in;
	int64_t uid = sq_lookup_id(c, SQL_USER_ID, in->username);
	char at[TIMEFMT_SIZE];
	sqlite3_stmt *s;
	int rc;

	if (uid < 0)
		return (int)uid;
	if (!uid) {
		sq_set_err(j->err, "username", "unknown user '%s'", in->username);
		return -ENOENT;
	}
	timefmt_now(at, NULL);
	s = sq_stmt(c, "INSERT INTO api_tokens(user_id, hash, created_at, name, role, expires_ts, "
		       "unit) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, uid);
	sqlite3_bind_blob(s, 2, in->hash, 32, SQLITE_STATIC);
	sq_bind_text(s, 3, at);
	sq_bind_text(s, 4, in->name);
	sq_bind_text(s, 5, in->role >= 0 ? role_name(in->role) : NULL);
	sq_bind_id(s, 6, in->expires_ts);
	sq_bind_text(s, 7, in->unit);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	j->id = sqlite3_last_insert_rowid(c->db);
	/* the audit names the token by row id, never by value or hash */
	return sq_audit(c, at, j->actor, "token.create", in->username,
			json_pack("{sI s:s? s:s? s:s? sI}", "token_id", (json_int_t)j->id, "name",
				  in->name, "role", in->role >= 0 ? role_name(in->role) : NULL, "unit",
				  in->unit, "expires_ts", (json_int_t)in->expires_ts));
}

int sq_token_create(struct store *st, const struct token_in *in, const char *actor,
		    int64_t *ret_id, struct store_err *err)
{
	struct token_job j = { .in = in, .actor = actor, .err = err };
	int rc = sq_write((struct sq_store *)st, token_create_fn, &j);

	if (rc == 0 && ret_id)
		*ret_id = j.id;
	return rc;
}

int sq_token_add(struct store *st, const char *username, const unsigned char hash[32],
		 const char *actor, struct store_err *err)
{
	struct token_in in = { .username = username, .hash = hash, .role = -1 };
	return sq_token_create(st, &in, actor, NULL, err);
}

static const char SQL_TOKEN_LOOKUP[] =
	"SELECT t.id, u.id, u.username, coalesce(t.role, u.role), n.code, t.expires_ts, "
	"coalesce(t.unit, u.scope_units), t.unit "
	"FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN units n ON n.id = u.unit_id "
	"WHERE t.hash = ?1 AND t.revoked_at IS NULL AND u.status = 'active'";

static int token_lookup_fn(struct sq_conn *c, void *arg)
{
	struct lookup_q *q = arg;
	struct principal *p = q->out;
	sqlite3_stmt *s = sq_stmt(c, SQL_TOKEN_LOOKUP);
	int rc, role;

	if (!s)
		return -EIO;
	sqlite3_bind_blob(s, 1, q->hash, 32, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && (role = role_parse(sq_col_text(s, 3))) >= 0) {
		memset(p, 0, sizeof(*p));
		p->token_id = sqlite3_column_int64(s, 0);
		p->user_id = sqlite3_column_int64(s, 1);
		copy_col(p->username, sizeof(p->username), s, 2);
		p->role = (enum role)role;
		copy_col(p->unit, sizeof(p->unit), s, 4);
		q->created_ts = sqlite3_column_int64(s, 5); /* expiry, 0 never */
		copy_col(p->units, sizeof(p->units), s, 6);
		/* a unit-confined token of a unit role acts for that unit */
		if (p->role == ROLE_UNIT && sq_col_text(s, 7))
			copy_col(p->unit, sizeof(p->unit), s, 7);
		rc = 0;
	} else {
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? -ENOENT : sq_map_rc(rc);
	}
	sqlite3_reset(s);
	return rc;
}

int sq_token_lookup(struct store *st, const unsigned char hash[32], struct principal *ret)
{
	struct principal p;
	struct lookup_q q = { hash, &p, 0, 0 };
	int rc = sq_read(st, token_lookup_fn, &q);

	if (rc < 0)
		return rc;
	if (q.created_ts && q.created_ts <= (int64_t)time(NULL))
		return -ENOENT; /* expired */
	p.expires_ts = q.created_ts;
	*ret = p;
	return 0;
}

static int token_list_fn(struct sq_conn *c, void *arg)
{
	struct list_q *q = arg;
	sqlite3_stmt *s = sq_stmt(c,
		"SELECT t.id, t.name, coalesce(t.role, u.role), t.created_at, t.expires_ts, t.unit FROM "
		"api_tokens t JOIN users u ON u.id = t.user_id WHERE u.username = ?1 AND "
		"t.revoked_at IS NULL AND (t.expires_ts IS NULL OR t.expires_ts > ?2) ORDER BY t.id");
	int rc;

	if (!s)
		return -EIO;
	sq_bind_text(s, 1, q->username);
	sqlite3_bind_int64(s, 2, q->now);
	q->out = json_array();
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		json_t *t = json_pack("{sI so so so so}", "id", (json_int_t)sqlite3_column_int64(s, 0),
				      "name", sq_col_json(s, 1), "role", sq_col_json(s, 2),
				      "created_at", sq_col_json(s, 3), "unit", sq_col_json(s, 5));
		if (sqlite3_column_type(s, 4) != SQLITE_NULL) {
			char exp[TIMEFMT_SIZE];
			timefmt_iso((time_t)sqlite3_column_int64(s, 4), 0, exp);
			json_object_set_new(t, "expires_at", json_string(exp));
		} else {
			json_object_set_new(t, "expires_at", json_null());
		}
		json_array_append_new(q->out, t);
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
}

int sq_token_list(struct store *st, const char *username, int64_t now, json_t **ret)
{
	struct list_q q = { .username = username, .now = now };
	return list_read(st, token_list_fn, &q, ret);
}

static int token_revoke_fn(struct sq_conn *c, void *arg)
{
	struct token_job *j = arg;
	char at[TIMEFMT_SIZE];
	sqlite3_stmt *s = sq_stmt(c, "UPDATE api_tokens SET revoked_at = ?3 WHERE id = ?2 AND "
				     "revoked_at IS NULL AND user_id = (SELECT id FROM users WHERE "
				     "username = ?1)");
	int rc;

	if (!s)
		return -EIO;
	timefmt_now(at, NULL);
	sq_bind_text(s, 1, j->username);
	sqlite3_bind_int64(s, 2, j->id);
	sq_bind_text(s, 3, at);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	if (sqlite3_changes(c->db) == 0)
		return -ENOENT;
	return sq_audit(c, at, j->actor, "token.revoke", j->username,
			json_pack("{sI}", "token_id", (json_int_t)j->id));
}

int sq_token_revoke(struct store *st, const char *username, int64_t id, const char *actor)
{
	struct token_job j = { .username = username, .id = id, .actor = actor };
	return sq_write((struct sq_store *)st, token_revoke_fn, &j);
}

/* ------------------------------------------------------------------------ */
/* Audit: standalone entries and reading                                    */
/* ------------------------------------------------------------------------ */

struct audit_job {
	const char *actor, *action, *object;
	json_t *detail;
};

static int audit_event_fn(struct sq_conn *c, void *arg)
{
	struct audit_job *j = arg;
	char at[TIMEFMT_SIZE];

	timefmt_now(at, NULL);
	json_incref(j->detail); /* sq_audit consumes a reference; the caller keeps its own */
	return sq_audit(c, at, j->actor, j->action, j->object, j->detail);
}

int sq_audit_event(struct store *st, const char *actor, const char *action, const char *object,
		   json_t *detail)
{
	struct audit_job j = { actor, action, object, detail };
	int rc = sq_write((struct sq_store *)st, audit_event_fn, &j);

	json_decref(detail);
	return rc;
}

struct audit_q {
	const struct audit_filter *f;
	json_t *out;
	int64_t next;
};

static int audit_list_fn(struct sq_conn *c, void *arg)
{
	struct audit_q *q = arg;
	const struct audit_filter *f = q->f;
	int limit = f->limit > 0 && f->limit <= 500 ? f->limit : 50, n = 0, rc;
	int64_t last = 0;
	sqlite3_stmt *s = sq_stmt(c,
		"SELECT id, at, actor, action, object, detail, hash FROM audit WHERE "
		"(?1 IS NULL OR action = ?1) AND (?2 IS NULL OR actor = ?2) AND "
		"(?3 IS NULL OR object = ?3) AND (?4 = 0 OR id < ?4) ORDER BY id DESC LIMIT ?5");

	if (!s)
		return -EIO;
	sq_bind_text(s, 1, f->action);
	sq_bind_text(s, 2, f->actor);
	sq_bind_text(s, 3, f->object);
	sqlite3_bind_int64(s, 4, f->before);
	sqlite3_bind_int(s, 5, limit + 1);
	q->out = json_array();
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		json_t *detail;
		if (n == limit)
			break;
		detail = json_loads(sq_col_text(s, 5), 0, NULL);
		json_array_append_new(q->out,
				      json_pack("{sI so so so so so so}", "id",
						(json_int_t)sqlite3_column_int64(s, 0), "at",
						sq_col_json(s, 1), "actor", sq_col_json(s, 2), "action",
						sq_col_json(s, 3), "object", sq_col_json(s, 4), "detail",
						detail ? detail : json_null(), "hash", sq_col_json(s, 6)));
		last = sqlite3_column_int64(s, 0);
		n++;
	}
	q->next = rc == SQLITE_ROW ? last : 0;
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
}

int sq_audit_list(struct store *st, const struct audit_filter *f, json_t **ret_items,
		  int64_t *ret_next)
{
	struct audit_q q = { f, NULL, 0 };
	int rc = sq_read(st, audit_list_fn, &q);

	if (rc < 0) {
		json_decref(q.out);
		return rc;
	}
	*ret_items = q.out;
	*ret_next = q.next;
	return 0;
}
