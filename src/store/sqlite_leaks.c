/*
 * sqlite_leaks.c — leaked-credential monitoring in the SQLite backend: the
 * accounts and watch list the scanner matches against, and recording what
 * it found (see store.h).
 *
 * Recording is one write job: the findings that are new (a finding is
 * known by its keyed hash, so the same dump scanned twice adds nothing),
 * one leak request per affected unit with the notice as its first public
 * message, that notice queued in the outbox for the unit's focal contacts,
 * must-change and session revocation for the accounts whose leaked
 * password is or was theirs, and the audit entries — all committed
 * together or not at all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timefmt.h"
#include "store/sqlite_int.h"

#define GROUPS_MAX 4096

/* ------------------------------------------------------------------------ */
/* Accounts and password hashes                                             */
/* ------------------------------------------------------------------------ */

struct accounts_q {
	int (*cb)(void *arg, const struct leak_account *a);
	void *arg;
};

static int accounts_fn(struct sq_conn *c, void *arg)
{
	struct accounts_q *q = arg;
	sqlite3_stmt *s = sq_stmt(c,
		"SELECT u.id, u.username, u.email, n.code FROM users u "
		"LEFT JOIN units n ON n.id = u.unit_id WHERE u.status = 'active' ORDER BY u.id");
	int rc;

	if (!s)
		return -EIO;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct leak_account a = { sqlite3_column_int64(s, 0), sq_col_text(s, 1),
					  sq_col_text(s, 2), sq_col_text(s, 3) };
		if (q->cb(q->arg, &a) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
}

int sq_leak_accounts(struct store *st, int (*cb)(void *arg, const struct leak_account *a),
		     void *arg)
{
	struct accounts_q q = { cb, arg };
	return sq_read(st, accounts_fn, &q);
}

struct history_q {
	int64_t id;
	json_t *out;
};

static int history_fn(struct sq_conn *c, void *arg)
{
	struct history_q *q = arg;
	sqlite3_stmt *s = sq_stmt(c, "SELECT username, password_hash FROM users WHERE id = ?1");
	json_t *old;
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, q->id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		q->out = json_pack("{so so}", "username", sq_col_json(s, 0), "current", sq_col_json(s, 1));
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? -ENOENT : sq_map_rc(rc);
	if (!(s = sq_stmt(c, "SELECT hash FROM password_history WHERE user_id = ?1 ORDER BY id DESC")))
		return -EIO;
	sqlite3_bind_int64(s, 1, q->id);
	old = json_array();
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		json_array_append_new(old, sq_col_json(s, 0));
	sqlite3_reset(s);
	json_object_set_new(q->out, "old", old);
	if (rc != SQLITE_DONE) {
		json_decref(q->out);
		return sq_map_rc(rc);
	}
	return 0;
}

int sq_leak_history(struct store *st, int64_t user_id, json_t **ret)
{
	struct history_q q = { user_id, NULL };
	int rc = sq_read(st, history_fn, &q);

	if (rc == 0)
		*ret = q.out;
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Watch list                                                               */
/* ------------------------------------------------------------------------ */

static json_t *watch_row(struct sq_conn *c, sqlite3_stmt *s)
{
	return json_pack("{so so so}", "kind", sq_col_json(s, 0), "value", sq_col_json(s, 1),
			 "system", sq_col_json(s, 2));
}

int sq_leak_watch_list(struct store *st, json_t **ret)
{
	return sq_read_rows((struct sq_store *)st,
			    "SELECT kind, value, system FROM leak_watch ORDER BY kind, value", NULL,
			    watch_row, ret);
}

struct watch_job {
	const char *kind, *value, *system, *actor;
	bool add;
	struct store_err *err;
};

static int watch_fn(struct sq_conn *c, void *arg)
{
	struct watch_job *j = arg;
	char at[TIMEFMT_SIZE];
	sqlite3_stmt *s;
	int rc;

	timefmt_now(at, NULL);
	if (j->add)
		s = sq_stmt(c, "INSERT INTO leak_watch(kind, value, system, created_at) VALUES (?1, ?2, ?3, ?4) "
			       "ON CONFLICT(kind, value) DO UPDATE SET system = excluded.system");
	else
		s = sq_stmt(c, "DELETE FROM leak_watch WHERE kind = ?1 AND value = ?2");
	if (!s)
		return -EIO;
	sq_bind_text(s, 1, j->kind);
	sq_bind_text(s, 2, j->value);
	if (j->add) {
		sq_bind_text(s, 3, j->system);
		sq_bind_text(s, 4, at);
	}
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	if (!j->add && sqlite3_changes(c->db) == 0)
		return -ENOENT;
	return sq_audit(c, at, j->actor, j->add ? "leak.watch.add" : "leak.watch.remove", j->value,
			json_pack("{ss s:s?}", "kind", j->kind, "system", j->system));
}

int sq_leak_watch_add(struct store *st, const char *kind, const char *value, const char *system,
		      const char *actor, struct store_err *err)
{
	struct watch_job j = { kind, value, system, actor, true, err };

	if (strcmp(kind, "domain") && strcmp(kind, "host")) {
		sq_set_err(err, "kind", "unknown watch kind '%s'", kind);
		return -EINVAL;
	}
	return sq_write((struct sq_store *)st, watch_fn, &j);
}

int sq_leak_watch_remove(struct store *st, const char *kind, const char *value, const char *actor)
{
	struct watch_job j = { kind, value, NULL, actor, false, NULL };
	return sq_write((struct sq_store *)st, watch_fn, &j);
}

/* ------------------------------------------------------------------------ */
/* Findings                                                                 */
/* ------------------------------------------------------------------------ */

struct known_q {
	const unsigned char (*dedupe)[32];
	size_t n;
	bool *out;
};

static int known_fn(struct sq_conn *c, void *arg)
{
	struct known_q *q = arg;

	for (size_t i = 0; i < q->n; i++) {
		sqlite3_stmt *s = sq_stmt(c, "SELECT 1 FROM leak_findings WHERE dedupe = ?1");
		int rc;
		if (!s)
			return -EIO;
		sqlite3_bind_blob(s, 1, q->dedupe[i], 32, SQLITE_STATIC);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return sq_map_rc(rc);
		q->out[i] = rc == SQLITE_ROW;
	}
	return 0;
}

int sq_leak_known(struct store *st, const unsigned char (*dedupe)[32], size_t n, bool *ret_known)
{
	struct known_q q = { dedupe, n, ret_known };
	return sq_read(st, known_fn, &q);
}

/* The findings of one unit (unit_id 0: the triage queue) in one scan. */
struct group {
	int64_t unit_id;
	char unit[33];
	char unit_name[512];
	json_t *items;      /* for compose() */
	int64_t *fids;
	size_t nf;
	int worst;          /* enum req_priority */
	char code[16];
	int64_t request_id;
};

struct record_job {
	const struct leak_record_in *in;
	const char *actor;
	struct leak_outcome *out;
	struct store_err *err;
	struct group *groups;
	size_t ngroups;
	int *gidx;          /* group of each finding, -1 when known before */
};

static int priority_of(const char *verdict)
{
	if (!strcmp(verdict, "valid_now"))
		return PRIO_URGENT;
	if (!strcmp(verdict, "old_password"))
		return PRIO_HIGH;
	return PRIO_NORMAL;
}

/* The unit of an account, or for an unknown mailbox the unit most of
 * whose accounts and contacts use the same mail domain; 0 when none. */
static int64_t unit_of(struct sq_conn *c, const struct leak_finding_in *f)
{
	sqlite3_stmt *s;
	const char *at;
	int64_t id = 0;

	if (f->user_id) {
		if (!(s = sq_stmt(c, "SELECT unit_id FROM users WHERE id = ?1")))
			return -EIO;
		sqlite3_bind_int64(s, 1, f->user_id);
	} else {
		if (!(at = strrchr(f->account, '@')))
			return 0;
		if (!(s = sq_stmt(c, "SELECT unit_id FROM (SELECT unit_id FROM users WHERE unit_id IS NOT NULL "
				     "AND lower(substr(email, instr(email, '@') + 1)) = ?1 UNION ALL "
				     "SELECT unit_id FROM unit_contacts WHERE lower(substr(email, instr(email, '@') "
				     "+ 1)) = ?1) GROUP BY unit_id ORDER BY count(*) DESC, unit_id LIMIT 1")))
			return -EIO;
		sq_bind_text(s, 1, at + 1);
	}
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return id;
}

static struct group *group_for(struct record_job *j, struct sq_conn *c, int64_t unit_id)
{
	struct group *g;
	sqlite3_stmt *s;

	for (size_t i = 0; i < j->ngroups; i++)
		if (j->groups[i].unit_id == unit_id)
			return &j->groups[i];
	if (j->ngroups == GROUPS_MAX)
		return NULL;
	g = &j->groups[j->ngroups++];
	memset(g, 0, sizeof(*g));
	g->unit_id = unit_id;
	g->items = json_array();
	g->worst = PRIO_LOW;
	if (unit_id && (s = sq_stmt(c, "SELECT code, name FROM units WHERE id = ?1"))) {
		sqlite3_bind_int64(s, 1, unit_id);
		if (sqlite3_step(s) == SQLITE_ROW) {
			snprintf(g->unit, sizeof(g->unit), "%s", sq_col_text(s, 0));
			snprintf(g->unit_name, sizeof(g->unit_name), "%s", sq_col_text(s, 1));
		}
		sqlite3_reset(s);
	}
	return g;
}

static int group_add(struct group *g, int64_t fid, const struct leak_finding_in *f)
{
	int64_t *p = realloc(g->fids, (g->nf + 1) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	g->fids = p;
	g->fids[g->nf++] = fid;
	if (priority_of(f->verdict) > g->worst)
		g->worst = priority_of(f->verdict);
	return json_array_append_new(g->items, json_pack("{ss ss ss s:s?}", "account", f->account,
							 "verdict", f->verdict, "hint", f->hint,
							 "system", f->system)) ? -ENOMEM : 0;
}

/* Queue the notice for the unit's focal contacts, else its unit accounts. */
static int notify_unit(struct sq_conn *c, struct group *g, const char *at, size_t *ret_mails)
{
	static const char *const sql[] = {
		"SELECT DISTINCT lower(email) FROM unit_contacts WHERE unit_id = ?1 AND email LIKE '%_@_%'",
		"SELECT DISTINCT lower(email) FROM users WHERE unit_id = ?1 AND role = 'unit' "
		"AND status = 'active' AND email LIKE '%_@_%'",
	};
	sqlite3_stmt *s;
	int64_t eid = 0;
	size_t sent = 0;
	int rc;

	if (!(s = sq_stmt(c, "SELECT max(id) FROM events WHERE request_id = ?1 AND type = 'message'")))
		return -EIO;
	sqlite3_bind_int64(s, 1, g->request_id);
	if (sqlite3_step(s) == SQLITE_ROW)
		eid = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	for (int k = 0; k < 2 && !sent; k++) {
		char (*to)[256] = NULL;
		size_t n = 0;

		if (!(s = sq_stmt(c, sql[k])))
			return -EIO;
		sqlite3_bind_int64(s, 1, g->unit_id);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW && n < 64) {
			void *p = realloc(to, (n + 1) * sizeof(*to));
			if (!p) {
				rc = SQLITE_NOMEM;
				break;
			}
			to = p;
			snprintf(to[n++], sizeof(*to), "%s", sq_col_text(s, 0));
		}
		sqlite3_reset(s);
		if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
			free(to);
			return sq_map_rc(rc);
		}
		for (size_t i = 0; i < n; i++) {
			if ((rc = sq_outbox_add(c, g->request_id, eid, "reply", to[i], at)) < 0) {
				free(to);
				return rc;
			}
			sent++;
		}
		free(to);
	}
	*ret_mails += sent;
	return 0;
}

/* Force a password change and end the sessions of one account. */
static int force_change(struct sq_conn *c, int64_t user_id, const char *verdict, const char *code,
			const char *actor, const char *at)
{
	char username[65] = "";
	sqlite3_stmt *s;
	int rc, revoked;

	if (!(s = sq_stmt(c, "UPDATE users SET must_change = 1 WHERE id = ?1 RETURNING username")))
		return -EIO;
	sqlite3_bind_int64(s, 1, user_id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		snprintf(username, sizeof(username), "%s", sq_col_text(s, 0));
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
	if (!(s = sq_stmt(c, "UPDATE sessions SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL")))
		return -EIO;
	sqlite3_bind_int64(s, 1, user_id);
	sq_bind_text(s, 2, at);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	revoked = sqlite3_changes(c->db);
	return sq_audit(c, at, actor, "user.force_change", username,
			json_pack("{ss ss s:s? si}", "reason", "leak", "verdict", verdict, "request", code,
				  "sessions_revoked", revoked));
}

static int record_fn(struct sq_conn *c, void *arg)
{
	struct record_job *j = arg;
	const struct leak_record_in *in = j->in;
	struct leak_outcome *out = j->out;
	char at[TIMEFMT_SIZE];
	int64_t *forced = NULL;
	size_t nforced = 0;
	sqlite3_stmt *s;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	j->ngroups = 0;
	timefmt_now(at, NULL);
	for (size_t i = 0; i < in->n; i++) {
		const struct leak_finding_in *f = &in->findings[i];
		int64_t unit_id = unit_of(c, f), fid;
		struct group *g;

		if (unit_id < 0)
			return (int)unit_id;
		if (!(s = sq_stmt(c, "INSERT OR IGNORE INTO leak_findings(dedupe, user_id, unit_id, account, "
				     "verdict, hint, source, system, found_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
				     "?7, ?8, ?9)")))
			return -EIO;
		sqlite3_bind_blob(s, 1, f->dedupe, 32, SQLITE_STATIC);
		sq_bind_id(s, 2, f->user_id);
		sq_bind_id(s, 3, unit_id);
		sq_bind_text(s, 4, f->account);
		sq_bind_text(s, 5, f->verdict);
		sq_bind_text(s, 6, f->hint);
		sq_bind_text(s, 7, f->source ? f->source : in->source);
		sq_bind_text(s, 8, f->system);
		sq_bind_text(s, 9, at);
		if ((rc = sq_step_done(s)) < 0)
			return rc;
		j->gidx[i] = -1;
		if (sqlite3_changes(c->db) == 0) {
			out->known++;
			continue;
		}
		fid = sqlite3_last_insert_rowid(c->db);
		out->added++;
		if (!(g = group_for(j, c, unit_id))) {
			sq_set_err(j->err, NULL, "findings in more than %d units", GROUPS_MAX);
			return -EINVAL;
		}
		if ((rc = group_add(g, fid, f)) < 0)
			return rc;
		j->gidx[i] = (int)(g - j->groups);
	}
	for (size_t k = 0; k < j->ngroups; k++) {
		struct group *g = &j->groups[k];
		struct request_in r = { .kind = KIND_LEAK, .unit = g->unit[0] ? g->unit : NULL,
					.requester_name = "Giám sát lộ lọt tài khoản", .channel = CHAN_API,
					.priority = (enum req_priority)g->worst };
		char *subject = NULL, *description = NULL, *notice = NULL;
		struct request_change chg = { .no_mail = true, .status = -1, .priority = -1 };

		if ((rc = in->compose(in->arg, r.unit, g->unit_name[0] ? g->unit_name : NULL, in->source,
				      g->items, &subject, &description, &notice)) < 0)
			goto fail;
		r.subject = subject;
		r.description = description;
		chg.message = notice;
		rc = sq_request_insert(c, &r, j->actor, g->code, &g->request_id, j->err);
		if (rc == 0)
			rc = sq_request_apply(c, g->code, NULL, &chg, j->actor, j->err);
		free(subject);
		free(description);
		free(notice);
		if (rc < 0)
			goto fail;
		for (size_t i = 0; i < g->nf; i++) {
			if (!(s = sq_stmt(c, "UPDATE leak_findings SET request_id = ?2 WHERE id = ?1"))) {
				rc = -EIO;
				goto fail;
			}
			sqlite3_bind_int64(s, 1, g->fids[i]);
			sqlite3_bind_int64(s, 2, g->request_id);
			if ((rc = sq_step_done(s)) < 0)
				goto fail;
		}
		if (g->unit_id && (rc = notify_unit(c, g, at, &out->mails)) < 0)
			goto fail;
		if (out->requests < sizeof(out->codes) / sizeof(out->codes[0]))
			memcpy(out->codes[out->requests], g->code, sizeof(g->code));
		out->requests++;
		if ((rc = sq_audit(c, at, j->actor, "leak.notify", g->code,
				   json_pack("{ss s:s? sI ss}", "source", in->source, "unit",
					     r.unit, "findings", (json_int_t)g->nf, "priority",
					     priority_name(r.priority)))) < 0)
			goto fail;
	}
	/* accounts whose leaked password is or was theirs: change it at next login */
	for (size_t i = 0; i < in->n; i++) {
		const struct leak_finding_in *f = &in->findings[i];
		bool seen = false;
		int64_t *p;

		if (j->gidx[i] < 0 || !f->user_id ||
		    (strcmp(f->verdict, "valid_now") && strcmp(f->verdict, "old_password")))
			continue;
		for (size_t k = 0; k < nforced && !seen; k++)
			seen = forced[k] == f->user_id;
		if (seen)
			continue;
		if (!(p = realloc(forced, (nforced + 1) * sizeof(*p)))) {
			rc = -ENOMEM;
			goto fail;
		}
		forced = p;
		forced[nforced++] = f->user_id;
		if ((rc = force_change(c, f->user_id, f->verdict, j->groups[j->gidx[i]].code, j->actor,
				       at)) < 0)
			goto fail;
		out->must_change++;
	}
	rc = sq_audit(c, at, j->actor, "leak.scan", in->source,
		      json_pack("{sO* sI sI sI}", "scan", in->scan, "added", (json_int_t)out->added,
				"known", (json_int_t)out->known, "requests", (json_int_t)out->requests));
fail:
	free(forced);
	return rc;
}

int sq_leak_record(struct store *st, const struct leak_record_in *in, const char *actor,
		   struct leak_outcome *ret, struct store_err *err)
{
	struct leak_outcome out;
	struct record_job j = { in, actor, &out, err, NULL, 0, NULL };
	int rc;

	j.groups = calloc(GROUPS_MAX, sizeof(*j.groups));
	j.gidx = calloc(in->n ? in->n : 1, sizeof(int));
	if (!j.groups || !j.gidx) {
		free(j.groups);
		free(j.gidx);
		return -ENOMEM;
	}
	rc = sq_write((struct sq_store *)st, record_fn, &j);
	for (size_t k = 0; k < j.ngroups; k++) {
		json_decref(j.groups[k].items);
		free(j.groups[k].fids);
	}
	free(j.groups);
	free(j.gidx);
	if (rc == 0)
		*ret = out;
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Listing                                                                  */
/* ------------------------------------------------------------------------ */

struct list_q {
	const struct leak_filter *f;
	json_t *items;
	int64_t next;
};

static int list_fn(struct sq_conn *c, void *arg)
{
	struct list_q *q = arg;
	const struct leak_filter *f = q->f;
	sqlite3_stmt *s = sq_stmt(c,
		"SELECT f.id, u.code, f.account, f.verdict, f.hint, f.source, f.system, r.code, f.found_at "
		"FROM leak_findings f LEFT JOIN units u ON u.id = f.unit_id "
		"LEFT JOIN requests r ON r.id = f.request_id "
		"WHERE " IN_SCOPE("?1") " AND (?2 IS NULL OR u.code = ?2) AND (?3 IS NULL OR f.verdict = ?3) "
		"AND (?4 IS NULL OR f.source = ?4) AND (?5 IS NULL OR r.code = ?5) "
		"AND (?6 = 0 OR f.id < ?6) ORDER BY f.id DESC LIMIT ?7");
	int64_t last = 0;
	int rc, n = 0;

	if (!s)
		return -EIO;
	sq_bind_text(s, 1, f->scope);
	sq_bind_text(s, 2, f->unit);
	sq_bind_text(s, 3, f->verdict);
	sq_bind_text(s, 4, f->source);
	sq_bind_text(s, 5, f->request);
	sqlite3_bind_int64(s, 6, f->before);
	sqlite3_bind_int(s, 7, f->limit + 1);
	q->items = json_array();
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n++ == f->limit) {
			q->next = last;
			break;
		}
		last = sqlite3_column_int64(s, 0);
		json_array_append_new(q->items,
			json_pack("{sI so so so so so so so so}", "id", (json_int_t)last, "unit",
				  sq_col_json(s, 1), "account", sq_col_json(s, 2), "verdict",
				  sq_col_json(s, 3), "hint", sq_col_json(s, 4), "source",
				  sq_col_json(s, 5), "system", sq_col_json(s, 6), "request",
				  sq_col_json(s, 7), "found_at", sq_col_json(s, 8)));
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		json_decref(q->items);
		return sq_map_rc(rc);
	}
	return 0;
}

int sq_leak_list(struct store *st, const struct leak_filter *f, json_t **ret_items,
		 int64_t *ret_next)
{
	struct list_q q = { f, NULL, 0 };
	int rc = sq_read(st, list_fn, &q);

	if (rc == 0) {
		*ret_items = q.items;
		*ret_next = q.next;
	}
	return rc;
}
