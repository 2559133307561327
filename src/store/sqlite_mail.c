/*
 * sqlite_mail.c — the email channel in the SQLite backend: storing inbound
 * messages exactly once, and the transactional outbox (see store.h).
 *
 * One inbound message is one write job: the Message-ID check, the routing
 * (code, references, tag, sender), the request or the appended message,
 * the attachments, and the acknowledgement in the outbox all commit
 * together or not at all.  The LMTP answer (250) and mailgate's exit 0
 * come after that commit, so an MTA that retries after a lost answer finds
 * the Message-ID and nothing is stored twice.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/incident.h"
#include "core/timefmt.h"
#include "store/sqlite_int.h"

#define ACK_HOURS 3600

int sq_outbox_add(struct sq_conn *c, int64_t request_id, int64_t event_id, const char *kind,
		  const char *to, const char *at)
{
	unsigned char rnd[16];
	char token[64], hex[33];
	sqlite3_stmt *s = sq_stmt(c,
		"INSERT INTO outbox(request_id, event_id, kind, to_addr, message_id, next_ts, created_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)");

	if (!s)
		return -EIO;
	/* the local part of the Message-ID the mail will carry; the domain
	 * comes from the sender's configuration when it is sent */
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	snprintf(token, sizeof(token), "ungcuu.%s", hex);
	sqlite3_bind_int64(s, 1, request_id);
	sq_bind_id(s, 2, event_id);
	sq_bind_text(s, 3, kind);
	sq_bind_text(s, 4, to);
	sq_bind_text(s, 5, token);
	sq_bind_text(s, 6, at);
	return sq_step_done(s);
}

/* ------------------------------------------------------------------------ */
/* Intake                                                                   */
/* ------------------------------------------------------------------------ */

struct intake_job {
	const struct mail_in *in;
	struct mail_result *out;
	struct store_err *err;
};

/* The request code of a known message among the references, or "". */
static int find_by_refs(struct sq_conn *c, const struct mail_in *in, char code[16])
{
	sqlite3_stmt *s;

	code[0] = '\0';
	for (size_t i = 0; i < in->nrefs && !code[0]; i++) {
		if (!(s = sq_stmt(c, "SELECT r.code FROM messages m JOIN requests r ON r.id = m.request_id "
				     "WHERE m.message_id = ?1")))
			return -EIO;
		sq_bind_text(s, 1, in->refs[i]);
		if (sqlite3_step(s) == SQLITE_ROW)
			snprintf(code, 16, "%s", sq_col_text(s, 0));
		sqlite3_reset(s);
	}
	return 0;
}

/* The unit of a sender we know: an account's email, else a focal-point contact's. */
static int sender_unit(struct sq_conn *c, const char *addr, char unit[33])
{
	sqlite3_stmt *s = sq_stmt(c,
		"SELECT n.code FROM users u JOIN units n ON n.id = u.unit_id WHERE lower(u.email) = lower(?1) "
		"UNION ALL SELECT n.code FROM unit_contacts k JOIN units n ON n.id = k.unit_id "
		"WHERE lower(k.email) = lower(?1) LIMIT 1");

	unit[0] = '\0';
	if (!s)
		return -EIO;
	sq_bind_text(s, 1, addr);
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(unit, 33, "%s", sq_col_text(s, 0));
	sqlite3_reset(s);
	return 0;
}

/* Whether the code exists; fills its row id and status. */
static int request_of(struct sq_conn *c, const char *code, int64_t *ret_id, char *status)
{
	sqlite3_stmt *s = sq_stmt(c, "SELECT id, status FROM requests WHERE code = ?1");
	int found = 0;

	if (!s)
		return -EIO;
	sq_bind_text(s, 1, code);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*ret_id = sqlite3_column_int64(s, 0);
		snprintf(status, 16, "%s", sq_col_text(s, 1));
		found = 1;
	}
	sqlite3_reset(s);
	return found;
}

/* One more acknowledgement for `addr` this hour, unless over `limit`. */
int sq_ack_allowed(struct sq_conn *c, const char *addr, int64_t now, int limit)
{
	sqlite3_stmt *s = sq_stmt(c,
		"INSERT INTO ack_rate(addr, hour, count) VALUES (lower(?1), ?2, 1) "
		"ON CONFLICT(addr, hour) DO UPDATE SET count = count + 1 RETURNING count");
	int64_t n = 0;
	int rc;

	if (!s)
		return -EIO;
	sq_bind_text(s, 1, addr);
	sqlite3_bind_int64(s, 2, now / ACK_HOURS);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return sq_map_rc(rc);
	return n <= limit;
}

static int intake_fn(struct sq_conn *c, void *arg)
{
	struct intake_job *j = arg;
	const struct mail_in *in = j->in;
	struct mail_result *out = j->out;
	char code[16] = "", status[16] = "", unit[33] = "", actor[300], at[TIMEFMT_SIZE];
	int64_t rid = 0, mid, now = in->now ? (int64_t)in->now : (int64_t)time(NULL);
	sqlite3_stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	if (in->sync_dir)
		c->syncfs_dir = in->sync_dir; /* the writer syncs it before COMMIT */
	timefmt_iso((time_t)now, 0, at);
	snprintf(actor, sizeof(actor), "email:%s", in->from_addr ? in->from_addr : "unknown");

	/* the same Message-ID again (an MTA retry after a lost answer): done */
	if (!(s = sq_stmt(c, "SELECT r.code FROM messages m JOIN requests r ON r.id = m.request_id "
			     "WHERE m.message_id = ?1")))
		return -EIO;
	sq_bind_text(s, 1, in->message_id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(out->code, sizeof(out->code), "%s", sq_col_text(s, 0));
		out->duplicate = true;
	}
	sqlite3_reset(s);
	if (out->duplicate)
		return 0;

	/* a reply: the code in the subject, else a reference we know */
	if (in->code && (rc = request_of(c, in->code, &rid, status)) != 0) {
		if (rc < 0)
			return rc;
		snprintf(code, sizeof(code), "%s", in->code);
	}
	if (!code[0]) {
		if ((rc = find_by_refs(c, in, code)) < 0)
			return rc;
		if (code[0] && (rc = request_of(c, code, &rid, status)) < 0)
			return rc;
	}
	if (code[0]) {
		struct request_change chg = { .message = in->body && *in->body ? in->body : "(không có nội dung)",
					      .from_requester = true, .status = -1, .priority = -1,
					      .now = (time_t)now };
		out->reopened = !strcmp(status, "resolved") || !strcmp(status, "closed") ||
				!strcmp(status, "pending");
		if ((rc = sq_request_apply(c, code, NULL, &chg, actor, j->err)) < 0)
			return rc;
	} else {
		struct request_in r = {
			/* "[TBSC]" (incident notice) subjects open incidents */
			.kind = inc_subject_is_report(in->subject) ? KIND_INCIDENT : KIND_SUPPORT,
			.subject = in->subject && *in->subject ? in->subject
										 : "(không có tiêu đề)",
			.description = in->body && *in->body ? in->body : "(không có nội dung)",
			.requester_name = in->from_name, .requester_email = in->from_addr,
			.channel = CHAN_EMAIL, .priority = PRIO_NORMAL, .now = (time_t)now,
		};
		/* the tag's unit if we know it, else the sender's, else triage */
		if (in->unit && sq_lookup_id(c, "SELECT id FROM units WHERE code = ?1", in->unit) > 0)
			r.unit = in->unit;
		else if ((rc = sender_unit(c, in->from_addr, unit)) < 0)
			return rc;
		else if (unit[0])
			r.unit = unit;
		if (in->service &&
		    sq_lookup_id(c, "SELECT id FROM services WHERE code = ?1", in->service) > 0)
			r.service = in->service;
		if ((rc = sq_request_insert(c, &r, actor, code, &rid, j->err)) < 0)
			return rc;
		out->created = true;
		out->triage = !r.unit;
		if (in->ack && in->from_addr) {
			int allowed = sq_ack_allowed(c, in->from_addr, now, in->ack_per_hour);
			if (allowed < 0)
				return allowed;
			if (allowed) {
				if ((rc = sq_outbox_add(c, rid, 0, "ack", in->from_addr, at)) < 0)
					return rc;
				out->acked = true;
			}
		}
	}
	if (in->raw && in->raw_blob) {
		if (!(s = sq_stmt(c, "INSERT OR IGNORE INTO raw_messages(sha256, data) VALUES (?1, ?2)")))
			return -EIO;
		sq_bind_text(s, 1, in->raw_blob);
		sqlite3_bind_blob64(s, 2, in->raw, in->raw_len, SQLITE_STATIC);
		if ((rc = sq_step_done(s)) < 0)
			return rc;
	}
	if (!(s = sq_stmt(c, "INSERT INTO messages(message_id, request_id, direction, from_addr, "
			     "subject, raw_blob, secrets, received_at) VALUES (?1, ?2, 'in', ?3, ?4, ?5, ?6, ?7)")))
		return -EIO;
	sq_bind_text(s, 1, in->message_id);
	sqlite3_bind_int64(s, 2, rid);
	sq_bind_text(s, 3, in->from_addr);
	sq_bind_text(s, 4, in->subject);
	sq_bind_text(s, 5, in->raw_blob);
	sqlite3_bind_int(s, 6, (int)in->secrets);
	sq_bind_text(s, 7, at);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	mid = sqlite3_last_insert_rowid(c->db);
	for (size_t i = 0; i < in->natt; i++) {
		const struct mail_attachment *a = &in->att[i];
		if (!(s = sq_stmt(c, "INSERT INTO attachments(message_id, request_id, filename, "
				     "content_type, size, blob, dangerous) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")))
			return -EIO;
		sqlite3_bind_int64(s, 1, mid);
		sqlite3_bind_int64(s, 2, rid);
		sq_bind_text(s, 3, a->filename);
		sq_bind_text(s, 4, a->content_type);
		sqlite3_bind_int64(s, 5, (sqlite3_int64)a->size);
		sq_bind_text(s, 6, a->blob);
		sqlite3_bind_int(s, 7, a->dangerous);
		if ((rc = sq_step_done(s)) < 0)
			return rc;
	}
	snprintf(out->code, sizeof(out->code), "%s", code);
	return sq_audit(c, at, actor, "mail.receive", code,
			json_pack("{ss sb sb si si}", "message_id", in->message_id, "created",
				  out->created, "acked", out->acked, "attachments", (int)in->natt,
				  "secrets", (int)in->secrets));
}

int sq_mail_intake(struct store *st, const struct mail_in *in, struct mail_result *ret,
		   struct store_err *err)
{
	struct mail_result r;
	struct intake_job j = { in, &r, err };
	int rc = sq_write((struct sq_store *)st, intake_fn, &j);

	if (rc == 0)
		*ret = r;
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Outbox                                                                   */
/* ------------------------------------------------------------------------ */

struct outbox_q {
	int64_t now;
	int limit;
	const char *status;
	json_t *out;
};

static json_t *outbox_row(sqlite3_stmt *s)
{
	return json_pack("{sI so so so sI so so so so so so so so so so}", "id",
			 (json_int_t)sqlite3_column_int64(s, 0), "kind", sq_col_json(s, 1), "to",
			 sq_col_json(s, 2), "message_id", sq_col_json(s, 3), "attempts",
			 (json_int_t)sqlite3_column_int64(s, 4), "code", sq_col_json(s, 5), "subject",
			 sq_col_json(s, 6), "request_status", sq_col_json(s, 7), "body",
			 sq_col_json(s, 8), "actor", sq_col_json(s, 9), "in_reply_to",
			 sq_col_json(s, 10), "status", sq_col_json(s, 11), "last_error",
			 sq_col_json(s, 12), "created_at", sq_col_json(s, 13), "sent_at",
			 sq_col_json(s, 14));
}

static int outbox_rows(struct sq_conn *c, void *arg, const char *sql, bool due)
{
	struct outbox_q *q = arg;
	sqlite3_stmt *s = sq_stmt(c, sql);
	int rc;

	if (!s)
		return -EIO;
	if (due)
		sqlite3_bind_int64(s, 1, q->now);
	else
		sq_bind_text(s, 1, q->status);
	sqlite3_bind_int(s, 2, q->limit);
	q->out = json_array();
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		json_array_append_new(q->out, outbox_row(s));
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
}

#define OUTBOX_SELECT                                                                            \
	"SELECT o.id, o.kind, o.to_addr, o.message_id, o.attempts, r.code, r.subject, r.status, "  \
	"e.body, e.actor, (SELECT m.message_id FROM messages m WHERE m.request_id = r.id AND "    \
	"m.direction = 'in' ORDER BY m.id DESC LIMIT 1), o.status, o.last_error, o.created_at, "  \
	"o.sent_at FROM outbox o JOIN requests r ON r.id = o.request_id "                          \
	"LEFT JOIN events e ON e.id = o.event_id "

static const char SQL_OUTBOX_DUE[] =
	OUTBOX_SELECT "WHERE o.status = 'pending' AND o.next_ts <= ?1 ORDER BY o.id LIMIT ?2";
static const char SQL_OUTBOX_LIST[] =
	OUTBOX_SELECT "WHERE (?1 IS NULL OR o.status = ?1) ORDER BY o.id DESC LIMIT ?2";

static int due_fn(struct sq_conn *c, void *arg)
{
	return outbox_rows(c, arg, SQL_OUTBOX_DUE, true);
}

static int list_fn(struct sq_conn *c, void *arg)
{
	return outbox_rows(c, arg, SQL_OUTBOX_LIST, false);
}

static int outbox_read(struct store *base, int (*fn)(struct sq_conn *, void *), struct outbox_q *q,
		       json_t **ret)
{
	struct sq_store *st = (struct sq_store *)base;
	struct sq_conn *c;
	int rc = 0;

	if (!(c = sq_reader_get(st, &rc)))
		return rc;
	rc = fn(c, q);
	sq_reader_put(st, c);
	if (rc < 0) {
		json_decref(q->out);
		return rc;
	}
	*ret = q->out;
	return 0;
}

int sq_outbox_due(struct store *st, int64_t now, int limit, json_t **ret)
{
	struct outbox_q q = { .now = now, .limit = limit };
	return outbox_read(st, due_fn, &q, ret);
}

int sq_outbox_list(struct store *st, const char *status, int limit, json_t **ret)
{
	struct outbox_q q = { .status = status, .limit = limit };
	return outbox_read(st, list_fn, &q, ret);
}

struct done_job {
	int64_t id, next_ts;
	bool sent;
	const char *message_id, *error;
};

static int done_fn(struct sq_conn *c, void *arg)
{
	struct done_job *j = arg;
	char at[TIMEFMT_SIZE];
	sqlite3_stmt *s;
	int rc;

	timefmt_now(at, NULL);
	if (j->sent) {
		s = sq_stmt(c, "UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?2, "
			       "last_error = NULL WHERE id = ?1 AND status = 'pending'");
	} else {
		s = sq_stmt(c, "UPDATE outbox SET status = CASE WHEN ?3 = 0 THEN 'failed' ELSE status END, "
			       "attempts = attempts + 1, next_ts = ?3, last_error = ?4 WHERE id = ?1 "
			       "AND status = 'pending'");
	}
	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, j->id);
	if (j->sent) {
		sq_bind_text(s, 2, at);
	} else {
		sqlite3_bind_int64(s, 3, j->next_ts);
		sq_bind_text(s, 4, j->error);
	}
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	if (sqlite3_changes(c->db) == 0)
		return -ENOENT;
	if (j->sent) {
		/* remember the sent Message-ID: replies to it thread back (not
		 * for escalations: staff answering one is not the requester) */
		s = sq_stmt(c, "INSERT OR IGNORE INTO messages(message_id, request_id, direction, from_addr, "
			       "subject, received_at) SELECT ?2, request_id, 'out', NULL, NULL, ?3 FROM outbox "
			       "WHERE id = ?1 AND kind <> 'escalation'");
		if (!s)
			return -EIO;
		sqlite3_bind_int64(s, 1, j->id);
		sq_bind_text(s, 2, j->message_id);
		sq_bind_text(s, 3, at);
		if ((rc = sq_step_done(s)) < 0)
			return rc;
	}
	return sq_audit(c, at, "system", j->sent ? "mail.sent" : "mail.failed", j->message_id,
			json_pack("{sI s:s?}", "outbox_id", (json_int_t)j->id, "error", j->error));
}

int sq_outbox_done(struct store *st, int64_t id, bool sent, const char *message_id,
		   const char *error, int64_t next_ts)
{
	struct done_job j = { id, next_ts, sent, message_id, error };
	return sq_write((struct sq_store *)st, done_fn, &j);
}

/* ------------------------------------------------------------------------ */
/* Attachments                                                              */
/* ------------------------------------------------------------------------ */

json_t *sq_attachments_of(struct sq_conn *c, int64_t request_id)
{
	sqlite3_stmt *s = sq_stmt(c, "SELECT id, filename, content_type, size, dangerous FROM "
				     "attachments WHERE request_id = ?1 ORDER BY id");
	json_t *arr = json_array();

	if (!s)
		return arr;
	sqlite3_bind_int64(s, 1, request_id);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{sI so so sI sb}", "id",
						      (json_int_t)sqlite3_column_int64(s, 0), "filename",
						      sq_col_json(s, 1), "content_type", sq_col_json(s, 2),
						      "size", (json_int_t)sqlite3_column_int64(s, 3),
						      "dangerous", sqlite3_column_int(s, 4)));
	sqlite3_reset(s);
	return arr;
}

struct attachment_q {
	const char *code, *scope;
	int64_t id;
	json_t *out;
};

static int attachment_fn(struct sq_conn *c, void *arg)
{
	struct attachment_q *q = arg;
	sqlite3_stmt *s = sq_stmt(c,
		"SELECT a.filename, a.content_type, a.size, a.blob, a.dangerous FROM attachments a "
		"JOIN requests r ON r.id = a.request_id LEFT JOIN units u ON u.id = r.unit_id "
		"WHERE a.id = ?1 AND r.code = ?2 AND " IN_SCOPE("?3"));
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, q->id);
	sq_bind_text(s, 2, q->code);
	sq_bind_text(s, 3, q->scope);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		q->out = json_pack("{so so sI so sb}", "filename", sq_col_json(s, 0), "content_type",
				   sq_col_json(s, 1), "size", (json_int_t)sqlite3_column_int64(s, 2),
				   "blob", sq_col_json(s, 3), "dangerous", sqlite3_column_int(s, 4));
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return q->out ? 0 : -ENOMEM;
	return rc == SQLITE_DONE ? -ENOENT : sq_map_rc(rc);
}

int sq_attachment_get(struct store *base, const char *code, const char *scope, int64_t id,
		      json_t **ret)
{
	struct sq_store *st = (struct sq_store *)base;
	struct attachment_q q = { code, scope, id, NULL };
	struct sq_conn *c;
	int rc = 0;

	if (!(c = sq_reader_get(st, &rc)))
		return rc;
	rc = attachment_fn(c, &q);
	sq_reader_put(st, c);
	if (rc == 0)
		*ret = q.out;
	return rc;
}
