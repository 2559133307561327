/*
 * sqlite_public.c — the public side in the SQLite backend: the registry of
 * official contacts, the verification check, announcements, and requests
 * filed through the public web form (see store.h).
 *
 * The verification check is one write job whatever the answer: it reads
 * the request by code, compares the requester, looks the contact up and
 * appends its audit entry, so a guessed code and a wrong requester cost the
 * same reads and the same write as a genuine check.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/contact.h"
#include "core/timefmt.h"
#include "store/sqlite_int.h"

/* ------------------------------------------------------------------------ */
/* Reads                                                                    */
/* ------------------------------------------------------------------------ */

/* Rows of `sql` (one integer parameter) into an array, or the first row alone. */
static int read_rows(struct sq_store *st, const char *sql, int64_t param, bool one,
		     json_t *(*row)(sqlite3_stmt *), json_t **ret)
{
	struct sq_conn *c;
	sqlite3_stmt *s;
	json_t *out = one ? NULL : json_array();
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
	sqlite3_bind_int64(s, 1, param);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		json_t *o = row(s);
		if (one) {
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

/* ------------------------------------------------------------------------ */
/* Official contacts                                                        */
/* ------------------------------------------------------------------------ */

#define OFFICIAL_COLS                                                                          \
	"SELECT id, kind, label, email, phone, extension, display_name, active, created_at, "  \
	"updated_at FROM official_contacts "

static const char SQL_OFFICIAL_LIST[] =
	OFFICIAL_COLS "WHERE ?1 OR active ORDER BY CASE kind WHEN 'mailbox' THEN 0 "
		      "WHEN 'phone' THEN 1 ELSE 2 END, id";
static const char SQL_OFFICIAL_GET[] = OFFICIAL_COLS "WHERE id = ?1";

static json_t *official_row(sqlite3_stmt *s)
{
	return json_pack("{sI so so so so so so sb so so}", "id",
			 (json_int_t)sqlite3_column_int64(s, 0), "kind", sq_col_json(s, 1), "label",
			 sq_col_json(s, 2), "email", sq_col_json(s, 3), "phone", sq_col_json(s, 4),
			 "extension", sq_col_json(s, 5), "display_name", sq_col_json(s, 6), "active",
			 sqlite3_column_int(s, 7), "created_at", sq_col_json(s, 8), "updated_at",
			 sq_col_json(s, 9));
}

int sq_official_list(struct store *st, bool all, json_t **ret)
{
	return read_rows((struct sq_store *)st, SQL_OFFICIAL_LIST, all, false, official_row, ret);
}

int sq_official_get(struct store *st, int64_t id, json_t **ret)
{
	return read_rows((struct sq_store *)st, SQL_OFFICIAL_GET, id, true, official_row, ret);
}

struct official_job {
	int64_t id;
	const struct official_in *in;
	const char *actor;
	struct store_err *err;
};

static json_t *official_detail(const char *kind, const char *label, const char *email,
			       const char *phone, const char *ext, const char *name, int active)
{
	return json_pack("{ss ss s:s? s:s? s:s? s:s? sb}", "kind", kind, "label", label, "email",
			 email, "phone", phone, "extension", ext, "display_name", name, "active",
			 active);
}

static int official_refused(struct store_err *err)
{
	sq_set_err(err, "email", "an official contact needs an email address, a phone number or "
		   "an extension");
	return -EINVAL;
}

/*
 * Whether a contact of `kind` has what the kind is about: a phone line its
 * number (an extension alone belongs to a staff member), a mailbox its address.
 */
static int official_kind_refused(const char *kind, const char *email, const char *phone,
				 struct store_err *err)
{
	if (kind && !strcmp(kind, "phone") && !phone) {
		sq_set_err(err, "phone", "a phone contact needs a phone number");
		return -EINVAL;
	}
	if (kind && !strcmp(kind, "mailbox") && !email) {
		sq_set_err(err, "email", "a mailbox contact needs an email address");
		return -EINVAL;
	}
	return 0;
}

static int official_create_fn(struct sq_conn *c, void *arg)
{
	struct official_job *j = arg;
	const struct official_in *in = j->in;
	char at[TIMEFMT_SIZE], obj[32];
	sqlite3_stmt *s;
	int rc;

	if (!in->email && !in->phone && !in->extension)
		return official_refused(j->err);
	if ((rc = official_kind_refused(in->kind, in->email, in->phone, j->err)) < 0)
		return rc;
	timefmt_now(at, NULL);
	if (!(s = sq_stmt(c, "INSERT INTO official_contacts(kind, label, email, phone, extension, "
			     "display_name, active, created_at, updated_at) "
			     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)")))
		return -EIO;
	sq_bind_text(s, 1, in->kind);
	sq_bind_text(s, 2, in->label);
	sq_bind_text(s, 3, in->email);
	sq_bind_text(s, 4, in->phone);
	sq_bind_text(s, 5, in->extension);
	sq_bind_text(s, 6, in->display_name);
	sqlite3_bind_int(s, 7, in->active != 0);
	sq_bind_text(s, 8, at);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	j->id = sqlite3_last_insert_rowid(c->db);
	snprintf(obj, sizeof(obj), "contact:%lld", (long long)j->id);
	return sq_audit(c, at, j->actor, "contact.create", obj,
			official_detail(in->kind, in->label, in->email, in->phone, in->extension,
					in->display_name, in->active != 0));
}

int sq_official_create(struct store *st, const struct official_in *in, const char *actor,
		       int64_t *ret_id, struct store_err *err)
{
	struct official_job j = { 0, in, actor, err };
	int rc = sq_write((struct sq_store *)st, official_create_fn, &j);

	if (rc == 0 && ret_id)
		*ret_id = j.id;
	return rc;
}

static char *dup_col(sqlite3_stmt *s, int i)
{
	const char *v = sq_col_text(s, i);
	return v ? strdup(v) : NULL;
}

static int official_update_fn(struct sq_conn *c, void *arg)
{
	struct official_job *j = arg;
	const struct official_in *in = j->in;
	char at[TIMEFMT_SIZE], obj[32];
	char *cur[6] = { 0 }; /* kind, label, email, phone, extension, display_name */
	const char *v[6];
	int active = 1, rc;
	sqlite3_stmt *s;

	if (!(s = sq_stmt(c, "SELECT kind, label, email, phone, extension, display_name, active "
			     "FROM official_contacts WHERE id = ?1")))
		return -EIO;
	sqlite3_bind_int64(s, 1, j->id);
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? -ENOENT : sq_map_rc(rc);
	}
	for (int i = 0; i < 6; i++)
		cur[i] = dup_col(s, i);
	active = sqlite3_column_int(s, 6);
	sqlite3_reset(s);
	v[0] = in->set & OFFICIAL_SET_KIND ? in->kind : cur[0];
	v[1] = in->set & OFFICIAL_SET_LABEL ? in->label : cur[1];
	v[2] = in->set & OFFICIAL_SET_EMAIL ? in->email : cur[2];
	v[3] = in->set & OFFICIAL_SET_PHONE ? in->phone : cur[3];
	v[4] = in->set & OFFICIAL_SET_EXTENSION ? in->extension : cur[4];
	v[5] = in->set & OFFICIAL_SET_DISPLAY_NAME ? in->display_name : cur[5];
	if (in->active >= 0)
		active = in->active;
	if (!v[2] && !v[3] && !v[4]) {
		rc = official_refused(j->err);
		goto out;
	}
	if ((rc = official_kind_refused(v[0], v[2], v[3], j->err)) < 0)
		goto out;
	timefmt_now(at, NULL);
	if (!(s = sq_stmt(c, "UPDATE official_contacts SET kind = ?2, label = ?3, email = ?4, "
			     "phone = ?5, extension = ?6, display_name = ?7, active = ?8, "
			     "updated_at = ?9 WHERE id = ?1"))) {
		rc = -EIO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, j->id);
	for (int i = 0; i < 6; i++)
		sq_bind_text(s, i + 2, v[i]);
	sqlite3_bind_int(s, 8, active);
	sq_bind_text(s, 9, at);
	if ((rc = sq_step_done(s)) < 0)
		goto out;
	snprintf(obj, sizeof(obj), "contact:%lld", (long long)j->id);
	rc = sq_audit(c, at, j->actor, "contact.update", obj,
		      official_detail(v[0], v[1], v[2], v[3], v[4], v[5], active));
out:
	for (int i = 0; i < 6; i++)
		free(cur[i]);
	return rc;
}

int sq_official_update(struct store *st, int64_t id, const struct official_in *in,
		       const char *actor, struct store_err *err)
{
	struct official_job j = { id, in, actor, err };
	return sq_write((struct sq_store *)st, official_update_fn, &j);
}

/* Delete the row `id` of a table through `sql`, audited as `action` on "<prefix>:<id>". */
struct delete_job {
	int64_t id;
	const char *sql, *action, *prefix, *actor;
};

static int delete_fn(struct sq_conn *c, void *arg)
{
	struct delete_job *j = arg;
	char at[TIMEFMT_SIZE], obj[40];
	sqlite3_stmt *s = sq_stmt(c, j->sql);
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, j->id);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	if (sqlite3_changes(c->db) == 0)
		return -ENOENT;
	timefmt_now(at, NULL);
	snprintf(obj, sizeof(obj), "%s:%lld", j->prefix, (long long)j->id);
	return sq_audit(c, at, j->actor, j->action, obj, NULL);
}

static const char SQL_OFFICIAL_DELETE[] = "DELETE FROM official_contacts WHERE id = ?1";
static const char SQL_ANNOUNCEMENT_DELETE[] = "DELETE FROM announcements WHERE id = ?1";

int sq_official_delete(struct store *st, int64_t id, const char *actor)
{
	struct delete_job j = { id, SQL_OFFICIAL_DELETE, "contact.delete", "contact", actor };
	return sq_write((struct sq_store *)st, delete_fn, &j);
}

/* ------------------------------------------------------------------------ */
/* Verification                                                             */
/* ------------------------------------------------------------------------ */

/*
 * The request behind a code, and whether support is known to have contacted
 * its requester.  A request filed anonymously through the public web form
 * (created by "web:<ip>") names a requester nobody has proved to own: a
 * stranger may file one with a victim's number, so it is not vouched for
 * until staff have sent it a public reply (an outbound "message" event).
 * Requests created by staff, by mail or through the API count as confirmed.
 */
static const char SQL_VERIFY_REQUEST[] =
	"SELECT r.status, r.requester_email, r.requester_phone, a.display_name, "
	"r.channel = 'web' AND EXISTS (SELECT 1 FROM events e WHERE e.request_id = r.id AND "
	"e.type = 'created' AND substr(e.actor, 1, 4) = 'web:') AND NOT EXISTS (SELECT 1 FROM "
	"events e WHERE e.request_id = r.id AND e.type = 'message' AND e.direction = 'out' AND "
	"NOT e.internal) FROM requests r LEFT JOIN users a ON a.id = r.assignee_id "
	"WHERE r.code = ?1";

/*
 * The registry entry a contact matches: an address; a number with the same
 * extension (none for none); or a staff member's extension reached through
 * an official switchboard.  The most specific (staff) first.
 */
static const char SQL_OFFICIAL_EMAIL[] =
	"SELECT label, display_name FROM official_contacts WHERE active AND email = ?1 "
	"ORDER BY kind = 'staff' DESC, id LIMIT 1";
static const char SQL_OFFICIAL_PHONE[] =
	"SELECT label, display_name FROM official_contacts c WHERE c.active AND ("
	"(c.phone = ?1 AND coalesce(c.extension, '') = ?2) OR "
	"(c.phone IS NULL AND ?2 <> '' AND c.extension = ?2 AND EXISTS (SELECT 1 FROM "
	"official_contacts b WHERE b.active AND b.kind = 'phone' AND b.phone = ?1 AND "
	"b.extension IS NULL))) ORDER BY c.kind = 'staff' DESC, c.id LIMIT 1";

/*
 * Whether the stored requester (email, phone) is the one given.  A missing
 * one (`has_email`, `has_phone` false: the caller passes placeholders so the
 * work is the same) never matches, whatever was typed.
 */
static bool requester_matches(const struct verify_in *in, const char *email, bool has_email,
			      const char *phone, bool has_phone)
{
	char norm[CONTACT_NORM_SIZE];
	struct contact_phone p;
	bool same;

	if (in->requester_is_email) {
		same = contact_email_norm(email, norm, sizeof(norm)) == 0 &&
		       strcmp(norm, in->requester) == 0;
		return same && has_email;
	}
	same = contact_phone_parse(phone, &p) == 0 && strcmp(p.number, in->requester) == 0;
	return same && has_phone;
}

struct verify_job {
	const struct verify_in *in;
	struct verify_result *out;
};

static int verify_fn(struct sq_conn *c, void *arg)
{
	struct verify_job *j = arg;
	const struct verify_in *in = j->in;
	struct verify_result *out = j->out;
	char at[TIMEFMT_SIZE], actor[80], email[CONTACT_NORM_SIZE], phone[CONTACT_INPUT_MAX + 1];
	char status[16] = "", agent[256] = "";
	sqlite3_stmt *s;
	bool found, match, has_email, has_phone, unconfirmed = false;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!(s = sq_stmt(c, SQL_VERIFY_REQUEST)))
		return -EIO;
	sq_bind_text(s, 1, in->code);
	rc = sqlite3_step(s);
	found = rc == SQLITE_ROW;
	has_email = found && sq_col_text(s, 1);
	has_phone = found && sq_col_text(s, 2);
	/* an unknown code, or a request without an address or a number, compares
	 * against placeholders: the same work, and a placeholder never matches */
	snprintf(email, sizeof(email), "%s", has_email ? sq_col_text(s, 1)
						       : "nobody@invalid.invalid");
	snprintf(phone, sizeof(phone), "%s", has_phone ? sq_col_text(s, 2) : "0000000000");
	if (found) {
		snprintf(status, sizeof(status), "%s", sq_col_text(s, 0));
		snprintf(agent, sizeof(agent), "%s", sq_col_text(s, 3) ? sq_col_text(s, 3) : "");
		unconfirmed = sqlite3_column_int(s, 4) != 0;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_map_rc(rc);
	match = requester_matches(in, email, has_email, phone, has_phone);
	out->genuine = found && match && !unconfirmed;
	out->unconfirmed = found && match && unconfirmed;
	if (out->genuine) {
		memcpy(out->status, status, sizeof(out->status));
		memcpy(out->agent, agent, sizeof(out->agent));
	}
	if (in->contact_kind != CONTACT_NONE) {
		bool is_email = in->contact_kind == CONTACT_EMAIL;
		if (!(s = sq_stmt(c, is_email ? SQL_OFFICIAL_EMAIL : SQL_OFFICIAL_PHONE)))
			return -EIO;
		sq_bind_text(s, 1, in->contact);
		if (!is_email)
			sq_bind_text(s, 2, in->contact_ext ? in->contact_ext : "");
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			out->official = true;
			snprintf(out->label, sizeof(out->label), "%s", sq_col_text(s, 0));
			snprintf(out->display_name, sizeof(out->display_name), "%s",
				 sq_col_text(s, 1) ? sq_col_text(s, 1) : "");
		}
		sqlite3_reset(s);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return sq_map_rc(rc);
	}
	timefmt_now(at, NULL);
	snprintf(actor, sizeof(actor), "public:%s", in->ip ? in->ip : "-");
	return sq_audit(c, at, actor, "verify.check", in->code,
			json_pack("{ss ss s:s? s:s? sb}", "result",
				  out->genuine ? "genuine" : out->unconfirmed ? "unconfirmed" : "unknown",
				  "requester", in->requester_log ? in->requester_log : "",
				  "contact", in->contact_kind != CONTACT_NONE ? in->contact : NULL,
				  "extension", in->contact_ext && in->contact_ext[0] ? in->contact_ext
										     : NULL,
				  "official", out->official));
}

int sq_verify_check(struct store *st, const struct verify_in *in, struct verify_result *ret)
{
	struct verify_result r;
	struct verify_job j = { in, &r };
	int rc = sq_write((struct sq_store *)st, verify_fn, &j);

	if (rc == 0)
		*ret = r;
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Announcements                                                            */
/* ------------------------------------------------------------------------ */

#define ANNOUNCEMENT_COLS "SELECT id, title, body, published_at, created_at, updated_at FROM announcements "

static const char SQL_ANNOUNCEMENT_LIST[] =
	ANNOUNCEMENT_COLS "WHERE ?1 OR published_at <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
			  "ORDER BY published_at DESC, id DESC LIMIT 100";
static const char SQL_ANNOUNCEMENT_GET[] = ANNOUNCEMENT_COLS "WHERE id = ?1";

static json_t *announcement_row(sqlite3_stmt *s)
{
	return json_pack("{sI so so so so so}", "id", (json_int_t)sqlite3_column_int64(s, 0), "title",
			 sq_col_json(s, 1), "body", sq_col_json(s, 2), "published_at",
			 sq_col_json(s, 3), "created_at", sq_col_json(s, 4), "updated_at",
			 sq_col_json(s, 5));
}

int sq_announcement_list(struct store *st, bool all, json_t **ret)
{
	return read_rows((struct sq_store *)st, SQL_ANNOUNCEMENT_LIST, all, false, announcement_row,
			 ret);
}

int sq_announcement_get(struct store *st, int64_t id, json_t **ret)
{
	return read_rows((struct sq_store *)st, SQL_ANNOUNCEMENT_GET, id, true, announcement_row, ret);
}

struct announcement_job {
	int64_t id;
	const struct announcement_in *in;
	const char *actor;
};

static int announcement_fn(struct sq_conn *c, void *arg)
{
	struct announcement_job *j = arg;
	char at[TIMEFMT_SIZE], obj[40];
	bool create = j->id == 0;
	sqlite3_stmt *s;
	int rc;

	timefmt_now(at, NULL);
	if (!create) {
		s = sq_stmt(c, "UPDATE announcements SET title = coalesce(?2, title), body = "
			       "coalesce(?3, body), published_at = coalesce(?4, published_at), "
			       "updated_at = ?5 WHERE id = ?1");
	} else {
		s = sq_stmt(c, "INSERT INTO announcements(title, body, published_at, created_at, "
			       "updated_at) VALUES (?2, ?3, coalesce(?4, ?5), ?5, ?5)");
	}
	if (!s)
		return -EIO;
	if (!create)
		sqlite3_bind_int64(s, 1, j->id);
	sq_bind_text(s, 2, j->in->title);
	sq_bind_text(s, 3, j->in->body);
	sq_bind_text(s, 4, j->in->published_at);
	sq_bind_text(s, 5, at);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	if (!create && sqlite3_changes(c->db) == 0)
		return -ENOENT;
	if (create)
		j->id = sqlite3_last_insert_rowid(c->db);
	snprintf(obj, sizeof(obj), "announcement:%lld", (long long)j->id);
	return sq_audit(c, at, j->actor, create ? "announcement.create" : "announcement.update", obj,
			json_pack("{s:s? s:s?}", "title", j->in->title, "published_at",
				  j->in->published_at));
}

int sq_announcement_create(struct store *st, const struct announcement_in *in, const char *actor,
			   int64_t *ret_id, struct store_err *err)
{
	struct announcement_job j = { 0, in, actor };
	int rc;

	(void)err;
	rc = sq_write((struct sq_store *)st, announcement_fn, &j);
	if (rc == 0 && ret_id)
		*ret_id = j.id;
	return rc;
}

int sq_announcement_update(struct store *st, int64_t id, const struct announcement_in *in,
			   const char *actor, struct store_err *err)
{
	struct announcement_job j = { id, in, actor };

	(void)err;
	if (id <= 0)
		return -ENOENT;
	return sq_write((struct sq_store *)st, announcement_fn, &j);
}

int sq_announcement_delete(struct store *st, int64_t id, const char *actor)
{
	struct delete_job j = { id, SQL_ANNOUNCEMENT_DELETE, "announcement.delete", "announcement",
				actor };
	return sq_write((struct sq_store *)st, delete_fn, &j);
}

/* ------------------------------------------------------------------------ */
/* Requests from the public web form                                        */
/* ------------------------------------------------------------------------ */

struct public_job {
	const struct public_request_in *in;
	char code[16];
	struct store_err *err;
};

static int public_fn(struct sq_conn *c, void *arg)
{
	struct public_job *j = arg;
	const struct public_request_in *in = j->in;
	const char *email = in->req.requester_email;
	char at[TIMEFMT_SIZE], actor[80], mid[64], hex[33];
	unsigned char rnd[16];
	bool acked = false;
	int64_t rid, now;
	sqlite3_stmt *s;
	int rc;

	timefmt_now(at, NULL);
	now = (int64_t)time(NULL);
	snprintf(actor, sizeof(actor), "web:%s", in->ip ? in->ip : "-");
	if ((rc = sq_request_insert(c, &in->req, actor, j->code, &rid, j->err)) < 0)
		return rc;
	if (in->att_blob) {
		/* the form is the request's first inbound message; the screenshot
		 * hangs off it as a mail attachment would */
		randombytes_buf(rnd, sizeof(rnd));
		sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
		snprintf(mid, sizeof(mid), "web.%s", hex);
		if (!(s = sq_stmt(c, "INSERT INTO messages(message_id, request_id, direction, "
				     "from_addr, subject, received_at) VALUES (?1, ?2, 'in', ?3, ?4, ?5)")))
			return -EIO;
		sq_bind_text(s, 1, mid);
		sqlite3_bind_int64(s, 2, rid);
		sq_bind_text(s, 3, email);
		sq_bind_text(s, 4, in->req.subject);
		sq_bind_text(s, 5, at);
		if ((rc = sq_step_done(s)) < 0)
			return rc;
		if (!(s = sq_stmt(c, "INSERT INTO attachments(message_id, request_id, filename, "
				     "content_type, size, blob, dangerous) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)")))
			return -EIO;
		sqlite3_bind_int64(s, 1, sqlite3_last_insert_rowid(c->db));
		sqlite3_bind_int64(s, 2, rid);
		sq_bind_text(s, 3, in->att_filename);
		sq_bind_text(s, 4, in->att_type);
		sqlite3_bind_int64(s, 5, (sqlite3_int64)in->att_size);
		sq_bind_text(s, 6, in->att_blob);
		if ((rc = sq_step_done(s)) < 0)
			return rc;
	}
	if (email) {
		int allowed = sq_ack_allowed(c, email, now, in->ack_per_hour);
		if (allowed < 0)
			return allowed;
		if (allowed) {
			if ((rc = sq_outbox_add(c, rid, 0, "ack", email, at)) < 0)
				return rc;
			acked = true;
		}
	}
	return sq_audit(c, at, actor, "request.web", j->code,
			json_pack("{sb sb s:s?}", "screenshot", in->att_blob != NULL, "acked", acked,
				  "filename", in->att_filename));
}

int sq_public_request(struct store *st, const struct public_request_in *in, char ret_code[16],
		      struct store_err *err)
{
	struct public_job j = { .in = in, .err = err };
	int rc = sq_write((struct sq_store *)st, public_fn, &j);

	if (rc == 0)
		memcpy(ret_code, j.code, sizeof(j.code));
	return rc;
}
