/*
 * sqlite_incident.c — incident handling in the SQLite backend: the incident
 * record of a request, its observables (found in its text by
 * core/observables, or added by hand), links between requests (shared
 * observables, duplicates, parent campaigns), and tasks (see store.h).
 *
 * Observables are searched in the text of incident requests only: on
 * creation (subject and description), on every public message (API or
 * mail), and once over the whole timeline when a request becomes an
 * incident.  The requester's own address and number are not observables.
 * A new observable links its request to the earlier requests holding it,
 * unless more than LINK_SHARED_MAX hold it (a value that common — a
 * popular remote-access site — says nothing about a campaign) or it is
 * one of our official contacts (shown with "official": true) or a private
 * address (10.0.0.5 in one unit is another machine in the next).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/incident.h"
#include "core/model.h"
#include "core/observables.h"
#include "core/timefmt.h"
#include "store/sqlite_int.h"

#define LINK_SHARED_MAX 50
#define REPORT_JSON_MAX 65536

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

static const char SQL_REQ_IN_SCOPE[] =
	"SELECT r.id, r.kind, r.status, r.requester_email, r.requester_phone FROM requests r "
	"LEFT JOIN units u ON u.id = r.unit_id WHERE r.code = ?1 AND " IN_SCOPE("?2");

struct req_ref {
	int64_t id;
	char kind[16], status[16];
	char email[256], phone[32];
};

/* The request `code` within `scope`: -ENOENT when none. */
static int req_find(struct sq_conn *c, const char *code, const char *scope, struct req_ref *ret)
{
	sqlite3_stmt *s = sq_stmt(c, SQL_REQ_IN_SCOPE);
	int step;

	if (!s)
		return -EIO;
	sq_bind_text(s, 1, code);
	sq_bind_text(s, 2, scope);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		memset(ret, 0, sizeof(*ret));
		ret->id = sqlite3_column_int64(s, 0);
		snprintf(ret->kind, sizeof(ret->kind), "%s", sq_col_text(s, 1));
		snprintf(ret->status, sizeof(ret->status), "%s", sq_col_text(s, 2));
		if (sq_col_text(s, 3))
			snprintf(ret->email, sizeof(ret->email), "%s", sq_col_text(s, 3));
		if (sq_col_text(s, 4))
			snprintf(ret->phone, sizeof(ret->phone), "%s", sq_col_text(s, 4));
	}
	sqlite3_reset(s);
	if (step == SQLITE_ROW)
		return 0;
	return step == SQLITE_DONE ? -ENOENT : sq_map_rc(step);
}

static void bind_text_or_null(sqlite3_stmt *s, int i, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static const char SQL_EVENT_NOTE[] =
	"INSERT INTO events(request_id, type, actor, at, internal, body) VALUES (?1, 'note', ?2, ?3, 1, ?4)";

static int note_add(struct sq_conn *c, int64_t rid, const char *actor, const char *at,
		    const char *body)
{
	sqlite3_stmt *s = sq_stmt(c, SQL_EVENT_NOTE);

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, rid);
	sq_bind_text(s, 2, actor);
	sq_bind_text(s, 3, at);
	sq_bind_text(s, 4, body);
	return sq_step_done(s);
}

/* ------------------------------------------------------------------------ */
/* Observables and shared-observable links                                  */
/* ------------------------------------------------------------------------ */

static const char SQL_OBS_INSERT[] =
	"INSERT OR IGNORE INTO observables(request_id, type, value, source, created_at) "
	"SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS (SELECT 1 FROM observables_ignored "
	"WHERE request_id = ?1 AND type = ?2 AND value = ?3)";
static const char SQL_OBS_HOLDERS[] =
	"SELECT request_id FROM observables WHERE type = ?1 AND value = ?2 AND request_id <> ?3 "
	"ORDER BY request_id DESC LIMIT " "51";
static const char SQL_LINK_INSERT[] =
	"INSERT OR IGNORE INTO request_links(src_id, dst_id, relation, created_at) VALUES (?1, ?2, ?3, ?4)";
static const char SQL_CODE_OF[] = "SELECT code FROM requests WHERE id = ?1";
/* an official contact (the verification registry): the support mailbox,
 * the switchboard.  Reports quote them (signatures, spoofed caller ids);
 * such a value is kept but links nothing. */
#define OFFICIAL_SQL(t, v)                                                                \
	"EXISTS (SELECT 1 FROM official_contacts WHERE active = 1 AND ((" t " = 'email' AND " \
	"email = " v ") OR (" t " = 'phone' AND phone = " v ")))"
static const char SQL_OFFICIAL[] = "SELECT " OFFICIAL_SQL("?1", "?2");

static int link_add(struct sq_conn *c, int64_t src, int64_t dst, const char *relation, const char *at)
{
	sqlite3_stmt *s = sq_stmt(c, SQL_LINK_INSERT);

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, src);
	sqlite3_bind_int64(s, 2, dst);
	sq_bind_text(s, 3, relation);
	sq_bind_text(s, 4, at);
	return sq_step_done(s);
}

/* Link rid to the other holders of (type, value); append their codes to
 * `linked` (a JSON array, may be NULL). */
static int link_shared(struct sq_conn *c, int64_t rid, const char *type, const char *value,
		       const char *at, json_t *linked)
{
	sqlite3_stmt *s = sq_stmt(c, SQL_OBS_HOLDERS);
	int64_t others[LINK_SHARED_MAX + 1];
	int n = 0, rc = 0;

	if (!s)
		return -EIO;
	{
		int t = obs_type_parse(type);
		if (t >= 0 && !obs_is_global((enum obs_type)t, value))
			return 0; /* a private address is not the same machine elsewhere */
	}
	if (!strcmp(type, "email") || !strcmp(type, "phone")) {
		sqlite3_stmt *o = sq_stmt(c, SQL_OFFICIAL);
		bool official;
		if (!o)
			return -EIO;
		sq_bind_text(o, 1, type);
		sq_bind_text(o, 2, value);
		official = sqlite3_step(o) == SQLITE_ROW && sqlite3_column_int(o, 0);
		sqlite3_reset(o);
		if (official)
			return 0;
		if (!(s = sq_stmt(c, SQL_OBS_HOLDERS)))
			return -EIO;
	}
	sq_bind_text(s, 1, type);
	sq_bind_text(s, 2, value);
	sqlite3_bind_int64(s, 3, rid);
	while (n <= LINK_SHARED_MAX && sqlite3_step(s) == SQLITE_ROW)
		others[n++] = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (n > LINK_SHARED_MAX)
		return 0;
	for (int i = 0; i < n && rc == 0; i++) {
		/* one row per pair: the later request points at the earlier */
		int64_t src = rid > others[i] ? rid : others[i], dst = rid > others[i] ? others[i] : rid;
		if ((rc = link_add(c, src, dst, "shares_observable", at)) < 0)
			break;
		if (linked && sqlite3_changes(c->db) > 0 && (s = sq_stmt(c, SQL_CODE_OF))) {
			sqlite3_bind_int64(s, 1, others[i]);
			if (sqlite3_step(s) == SQLITE_ROW)
				json_array_append_new(linked, json_string(sq_col_text(s, 0)));
			sqlite3_reset(s);
		}
	}
	return rc;
}

/* The requester's phone in the normal form of phone observables, or "". */
static void requester_phone(const char *phone, char out[OBS_VALUE_MAX + 1])
{
	if (!phone || !*phone || obs_normalize(OBS_PHONE, phone, out, OBS_VALUE_MAX + 1))
		out[0] = '\0';
}

/*
 * Find the observables of `text`, store the new ones (source "auto") and
 * link.  `added` and `linked` (JSON arrays, may be NULL) collect what
 * changed, for the audit.
 */
static int observe(struct sq_conn *c, int64_t rid, const char *text, const char *req_email,
		   const char *req_phone, const char *at, json_t *added, json_t *linked)
{
	struct obs_list l = { 0 };
	char phone[OBS_VALUE_MAX + 1], email[OBS_VALUE_MAX + 1];
	int rc;

	if (!text || !*text)
		return 0;
	if ((rc = obs_extract(text, strlen(text), &l)) < 0) {
		obs_list_clear(&l);
		return rc;
	}
	requester_phone(req_phone, phone);
	if (!req_email || obs_normalize(OBS_EMAIL, req_email, email, sizeof(email)))
		email[0] = '\0';
	for (size_t i = 0; i < l.n && rc == 0; i++) {
		const char *type = obs_type_name(l.items[i].type), *v = l.items[i].value;
		sqlite3_stmt *s;
		if ((l.items[i].type == OBS_PHONE && strcmp(v, phone) == 0) ||
		    (l.items[i].type == OBS_EMAIL && strcmp(v, email) == 0))
			continue;
		if (!(s = sq_stmt(c, SQL_OBS_INSERT))) {
			rc = -EIO;
			break;
		}
		sqlite3_bind_int64(s, 1, rid);
		sq_bind_text(s, 2, type);
		sq_bind_text(s, 3, v);
		sq_bind_text(s, 4, "auto");
		sq_bind_text(s, 5, at);
		if ((rc = sq_step_done(s)) < 0)
			break;
		if (sqlite3_changes(c->db) == 0)
			continue;
		if (added)
			json_array_append_new(added, json_pack("{ssss}", "type", type, "value", v));
		rc = link_shared(c, rid, type, v, at, linked);
	}
	obs_list_clear(&l);
	return rc;
}

static int audit_observed(struct sq_conn *c, const char *at, const char *actor, const char *code,
			  json_t *added, json_t *linked)
{
	if (json_array_size(added) == 0) {
		json_decref(added);
		json_decref(linked);
		return 0;
	}
	return sq_audit(c, at, actor, "observable.extract", code,
			json_pack("{soso}", "added", added, "linked", linked));
}

/* ------------------------------------------------------------------------ */
/* Hooks inside the request writes of sqlite.c and sqlite_mail.c            */
/* ------------------------------------------------------------------------ */

static const char SQL_INCIDENT_INSERT[] =
	"INSERT INTO incidents(request_id, category, severity, detected_at, affected_systems, "
	"affected_units, impact, measures, cause, created_at, updated_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)";

static int incident_insert(struct sq_conn *c, int64_t rid, const struct incident_in *in,
			   const char *text, int64_t now, const char *at)
{
	sqlite3_stmt *s = sq_stmt(c, SQL_INCIDENT_INSERT);
	int cat = in && in->category >= 0 ? in->category
					  : (int)inc_category_guess(text, text ? strlen(text) : 0);

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, rid);
	sq_bind_text(s, 2, inc_category_name((enum inc_category)cat));
	sq_bind_text(s, 3, in && in->severity >= 0 ? inc_severity_name((enum inc_severity)in->severity)
						   : NULL);
	sqlite3_bind_int64(s, 4, in && in->detected_at > 0 ? in->detected_at : now);
	bind_text_or_null(s, 5, in ? in->affected_systems : NULL);
	bind_text_or_null(s, 6, in ? in->affected_units : NULL);
	bind_text_or_null(s, 7, in ? in->impact : NULL);
	bind_text_or_null(s, 8, in ? in->measures : NULL);
	bind_text_or_null(s, 9, in ? in->cause : NULL);
	sq_bind_text(s, 10, at);
	return sq_step_done(s);
}

int sq_incident_created(struct sq_conn *c, int64_t rid, const char *code,
			const struct request_in *in, int64_t now, const char *at, const char *actor)
{
	json_t *added, *linked;
	char *text;
	size_t ls, ld;
	int rc;

	if (in->kind != KIND_INCIDENT)
		return 0;
	ls = strlen(in->subject ? in->subject : "");
	ld = strlen(in->description ? in->description : "");
	if (!(text = malloc(ls + ld + 2)))
		return -ENOMEM;
	memcpy(text, in->subject ? in->subject : "", ls);
	text[ls] = '\n';
	memcpy(text + ls + 1, in->description ? in->description : "", ld + 1);
	if ((rc = incident_insert(c, rid, in->incident, text, now, at)) < 0) {
		free(text);
		return rc;
	}
	added = json_array();
	linked = json_array();
	rc = observe(c, rid, text, in->requester_email, in->requester_phone, at, added, linked);
	free(text);
	if (rc < 0) {
		json_decref(added);
		json_decref(linked);
		return rc;
	}
	return audit_observed(c, at, actor, code, added, linked);
}

static const char SQL_INCIDENT_OF[] =
	"SELECT r.requester_email, r.requester_phone FROM incidents i JOIN requests r "
	"ON r.id = i.request_id WHERE i.request_id = ?1";

int sq_incident_message(struct sq_conn *c, int64_t rid, const char *code, const char *text,
			const char *at, const char *actor)
{
	sqlite3_stmt *s = sq_stmt(c, SQL_INCIDENT_OF);
	char email[256] = "", phone[32] = "";
	json_t *added, *linked;
	int step, rc;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, rid);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		if (sq_col_text(s, 0))
			snprintf(email, sizeof(email), "%s", sq_col_text(s, 0));
		if (sq_col_text(s, 1))
			snprintf(phone, sizeof(phone), "%s", sq_col_text(s, 1));
	}
	sqlite3_reset(s);
	if (step != SQLITE_ROW)
		return step == SQLITE_DONE ? 0 : sq_map_rc(step);
	added = json_array();
	linked = json_array();
	if ((rc = observe(c, rid, text, email, phone, at, added, linked)) < 0) {
		json_decref(added);
		json_decref(linked);
		return rc;
	}
	return audit_observed(c, at, actor, code, added, linked);
}

/* ------------------------------------------------------------------------ */
/* Reading an incident                                                      */
/* ------------------------------------------------------------------------ */

static const char SQL_INCIDENT_GET[] =
	"SELECT r.id, i.category, i.severity, i.detected_at, i.affected_systems, i.affected_units, "
	"i.impact, i.measures, i.cause, i.resolved_at, i.initial_reported_at, i.final_reported_at, "
	"i.report, r.status, (SELECT e.at FROM events e WHERE e.request_id = r.id AND "
	"e.type = 'status' AND e.new_value IN ('resolved', 'closed') ORDER BY e.id DESC LIMIT 1) "
	"FROM requests r JOIN incidents i ON i.request_id = r.id LEFT JOIN units u ON u.id = r.unit_id "
	"WHERE r.code = ?1 AND " IN_SCOPE("?2");
static const char SQL_OBS_OF[] =
	"SELECT id, type, value, source, created_at, " OFFICIAL_SQL("type", "value")
	" FROM observables WHERE request_id = ?1 ORDER BY id";
static const char SQL_TASKS_OF[] =
	"SELECT t.id, t.title, a.username, t.due, t.done, t.created_at, t.updated_at FROM "
	"incident_tasks t LEFT JOIN users a ON a.id = t.assignee_id WHERE t.request_id = ?1 ORDER BY t.id";
static const char SQL_LINKS_OF[] =
	"SELECT r.code, l.relation, 0, r.subject, r.status FROM request_links l JOIN requests r "
	"ON r.id = l.dst_id LEFT JOIN units u ON u.id = r.unit_id WHERE l.src_id = ?1 AND "
	IN_SCOPE("?2") " UNION ALL "
	"SELECT r.code, l.relation, 1, r.subject, r.status FROM request_links l JOIN requests r "
	"ON r.id = l.src_id LEFT JOIN units u ON u.id = r.unit_id WHERE l.dst_id = ?1 AND "
	IN_SCOPE("?2") " ORDER BY 1";

static json_t *time_json(int64_t t)
{
	char buf[INC_TIME_SIZE];

	if (t <= 0)
		return json_null();
	inc_time_iso(t, buf);
	return json_string(buf);
}

static int64_t col_time(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(s, i);
}

static json_t *deadline_json(int64_t due, int64_t done, int64_t now)
{
	enum inc_deadline_state st = inc_deadline_state(due, done, now);
	json_t *o = json_pack("{so so}", "due", time_json(due), "reported_at", time_json(done));

	json_object_set_new(o, "state", inc_deadline_name(st) ? json_string(inc_deadline_name(st))
							      : json_null());
	json_object_set_new(o, "state_label", json_string(inc_deadline_label(st, NULL)));
	if (due && !done)
		json_object_set_new(o, "remaining_s", json_integer((json_int_t)(due - now)));
	return o;
}

/* Split a comma-separated list into a JSON array of trimmed items. */
static json_t *list_json(const char *s)
{
	json_t *a = json_array();

	while (s && *s) {
		size_t n = strcspn(s, ","), b = 0, e = n;
		while (b < e && s[b] == ' ')
			b++;
		while (e > b && s[e - 1] == ' ')
			e--;
		if (e > b)
			json_array_append_new(a, json_stringn(s + b, e - b));
		s += n;
		if (*s == ',')
			s++;
	}
	return a;
}

static json_t *incident_row(struct sq_conn *c, sqlite3_stmt *s, const char *scope, bool internal,
			    int64_t now)
{
	int64_t rid = sqlite3_column_int64(s, 0), detected = col_time(s, 3);
	int64_t resolved = col_time(s, 9), initial = col_time(s, 10), final = col_time(s, 11);
	int cat = inc_category_parse(sq_col_text(s, 1));
	int sev = inc_severity_parse(sq_col_text(s, 2));
	const char *status = sq_col_text(s, 13);
	json_t *o, *arr, *report = NULL;
	sqlite3_stmt *q;

	/* the response ended when the request was resolved, unless said */
	if (!resolved && status && (!strcmp(status, "resolved") || !strcmp(status, "closed")) &&
	    sq_col_text(s, 14)) {
		int64_t t;
		if (inc_time_parse(sq_col_text(s, 14), &t) == 0)
			resolved = t;
	}
	if (sq_col_text(s, 12))
		report = json_loads(sq_col_text(s, 12), 0, NULL);
	o = json_pack("{s:s? s:s? s:s? s:s? so so so so so so so so so so}",
		      "category", inc_category_name((enum inc_category)cat),
		      "category_label", inc_category_label((enum inc_category)cat, NULL),
		      "severity", sev >= 0 ? inc_severity_name((enum inc_severity)sev) : NULL,
		      "severity_label", sev >= 0 ? inc_severity_label((enum inc_severity)sev, NULL) : NULL,
		      "detected_at", time_json(detected),
		      "affected_systems", sq_col_json(s, 4),
		      "affected_units", list_json(sq_col_text(s, 5)),
		      "impact", sq_col_json(s, 6),
		      "measures", sq_col_json(s, 7),
		      "cause", sq_col_json(s, 8),
		      "resolved_at", time_json(resolved),
		      "report_deadline", time_json(detected ? detected + INC_INITIAL_REPORT_S : 0),
		      "deadlines", json_pack("{soso}", "initial",
					     deadline_json(detected ? detected + INC_INITIAL_REPORT_S : 0,
							   initial, now),
					     "final",
					     deadline_json(resolved ? resolved + INC_FINAL_REPORT_S : 0,
							   final, now)),
		      "report", report ? report : json_object());
	if (!o)
		return NULL;

	arr = json_array();
	if ((q = sq_stmt(c, SQL_OBS_OF))) {
		sqlite3_bind_int64(q, 1, rid);
		while (sqlite3_step(q) == SQLITE_ROW)
			json_array_append_new(arr, json_pack("{sI so so so so sb}", "id",
				(json_int_t)sqlite3_column_int64(q, 0), "type", sq_col_json(q, 1),
				"value", sq_col_json(q, 2), "source", sq_col_json(q, 3),
				"created_at", sq_col_json(q, 4), "official",
				sqlite3_column_int(q, 5)));
		sqlite3_reset(q);
	}
	json_object_set_new(o, "observables", arr);

	arr = json_array();
	if (internal && (q = sq_stmt(c, SQL_TASKS_OF))) {
		sqlite3_bind_int64(q, 1, rid);
		while (sqlite3_step(q) == SQLITE_ROW)
			json_array_append_new(arr, json_pack("{sI so so so sb so so}", "id",
				(json_int_t)sqlite3_column_int64(q, 0), "title", sq_col_json(q, 1),
				"assignee", sq_col_json(q, 2), "due", sq_col_json(q, 3), "done",
				sqlite3_column_int(q, 4), "created_at", sq_col_json(q, 5),
				"updated_at", sq_col_json(q, 6)));
		sqlite3_reset(q);
	}
	json_object_set_new(o, "tasks", arr);

	arr = json_array();
	if ((q = sq_stmt(c, SQL_LINKS_OF))) {
		sqlite3_bind_int64(q, 1, rid);
		sq_bind_text(q, 2, scope);
		while (sqlite3_step(q) == SQLITE_ROW) {
			const char *rel = sq_col_text(q, 1);
			bool incoming = sqlite3_column_int(q, 2);
			const char *shown = rel, *dir = NULL;
			if (!strcmp(rel, "parent")) {
				shown = incoming ? "child" : "parent";
			} else if (!strcmp(rel, "duplicate")) {
				/* this request was merged into the other, or the other into it */
				dir = incoming ? "merged_from" : "merged_into";
			}
			json_t *l = json_pack("{so ss so so}", "code", sq_col_json(q, 0), "relation", shown,
					      "subject", sq_col_json(q, 3), "status", sq_col_json(q, 4));
			if (dir)
				json_object_set_new(l, "direction", json_string(dir));
			json_array_append_new(arr, l);
		}
		sqlite3_reset(q);
	}
	json_object_set_new(o, "links", arr);
	return o;
}

int sq_incident_get(struct store *base, const char *code, const char *scope, bool internal,
			   int64_t now, json_t **ret)
{
	struct sq_store *st = (struct sq_store *)base;
	struct sq_conn *c;
	sqlite3_stmt *s;
	json_t *o = NULL;
	int rc = 0, step;

	if (!(c = sq_reader_get(st, &rc)))
		return rc;
	if (!(s = sq_stmt(c, SQL_INCIDENT_GET))) {
		sq_reader_put(st, c);
		return -EIO;
	}
	sq_bind_text(s, 1, code);
	sq_bind_text(s, 2, scope);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		rc = (o = incident_row(c, s, scope, internal, now)) ? 0 : -ENOMEM;
	else
		rc = step == SQLITE_DONE ? -ENOENT : sq_map_rc(step);
	sqlite3_reset(s);
	sq_reader_put(st, c);
	if (rc == 0)
		*ret = o;
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Changing an incident                                                     */
/* ------------------------------------------------------------------------ */

struct update_job {
	const char *code, *scope;
	const struct incident_in *in;
	const char *actor;
	struct store_err *err;
};

static const char SQL_KIND_SET[] = "UPDATE requests SET kind = 'incident', updated_at = ?2 WHERE id = ?1";
static const char SQL_HAS_INCIDENT[] = "SELECT 1 FROM incidents WHERE request_id = ?1";
static const char SQL_TEXTS_OF[] =
	"SELECT subject || char(10) || description FROM requests WHERE id = ?1 UNION ALL "
	"SELECT body FROM events WHERE request_id = ?1 AND type = 'message' AND body IS NOT NULL";
static const char SQL_INCIDENT_SET[] =
	"UPDATE incidents SET category = coalesce(?2, category), "
	"severity = CASE WHEN ?3 = '' THEN NULL ELSE coalesce(?3, severity) END, "
	"detected_at = CASE WHEN ?4 = -2 THEN NULL WHEN ?4 = -1 THEN detected_at ELSE ?4 END, "
	"resolved_at = CASE WHEN ?5 = -2 THEN NULL WHEN ?5 = -1 THEN resolved_at ELSE ?5 END, "
	"initial_reported_at = CASE WHEN ?6 = -2 THEN NULL WHEN ?6 = -1 THEN initial_reported_at ELSE ?6 END, "
	"final_reported_at = CASE WHEN ?7 = -2 THEN NULL WHEN ?7 = -1 THEN final_reported_at ELSE ?7 END, "
	"affected_systems = CASE WHEN ?8 = '' THEN NULL ELSE coalesce(?8, affected_systems) END, "
	"affected_units = CASE WHEN ?9 = '' THEN NULL ELSE coalesce(?9, affected_units) END, "
	"impact = CASE WHEN ?10 = '' THEN NULL ELSE coalesce(?10, impact) END, "
	"measures = CASE WHEN ?11 = '' THEN NULL ELSE coalesce(?11, measures) END, "
	"cause = CASE WHEN ?12 = '' THEN NULL ELSE coalesce(?12, cause) END, "
	"report = coalesce(?13, report), updated_at = ?14 WHERE request_id = ?1";

static int has_incident(struct sq_conn *c, int64_t rid)
{
	sqlite3_stmt *s = sq_stmt(c, SQL_HAS_INCIDENT);
	int step;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, rid);
	step = sqlite3_step(s);
	sqlite3_reset(s);
	if (step == SQLITE_ROW)
		return 1;
	return step == SQLITE_DONE ? 0 : sq_map_rc(step);
}

/* The request `code` within scope, which must be an incident: -EPERM
 * (err says so) when it is only a support request. */
static int incident_find(struct sq_conn *c, const char *code, const char *scope,
			 struct store_err *err, struct req_ref *r)
{
	int rc, has;

	if ((rc = req_find(c, code, scope, r)) < 0)
		return rc;
	if ((has = has_incident(c, r->id)) <= 0) {
		if (has == 0)
			sq_set_err(err, NULL, "request '%s' is not an incident", code);
		return has < 0 ? has : -EPERM;
	}
	return 0;
}

/* A request becomes an incident: its row, and observables over its whole
 * timeline. */
static int become_incident(struct sq_conn *c, const struct req_ref *r, const struct incident_in *in,
			   const char *at, json_t *added, json_t *linked)
{
	sqlite3_stmt *s;
	json_t *texts = json_array();
	size_t i;
	json_t *v;
	int rc;

	if (!(s = sq_stmt(c, SQL_KIND_SET)))
		return -EIO;
	sqlite3_bind_int64(s, 1, r->id);
	sq_bind_text(s, 2, at);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	/* the SLA clock follows the incident policy from now on */
	if ((rc = sq_sla_changed(c, r->id, false, (int64_t)time(NULL))) < 0)
		return rc;
	if (!(s = sq_stmt(c, SQL_TEXTS_OF)))
		return -EIO;
	sqlite3_bind_int64(s, 1, r->id);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(texts, json_string(sq_col_text(s, 0) ? sq_col_text(s, 0) : ""));
	sqlite3_reset(s);
	{
		const char *first = json_string_value(json_array_get(texts, 0));
		if ((rc = incident_insert(c, r->id, in, first, time(NULL), at)) < 0)
			goto out;
	}
	json_array_foreach(texts, i, v) {
		if ((rc = observe(c, r->id, json_string_value(v), r->email, r->phone, at, added,
				  linked)) < 0)
			break;
	}
out:
	json_decref(texts);
	return rc;
}

static int update_fn(struct sq_conn *c, void *arg)
{
	struct update_job *j = arg;
	const struct incident_in *in = j->in;
	struct req_ref r;
	char at[TIMEFMT_SIZE], *report = NULL;
	json_t *detail, *added = json_array(), *linked = json_array();
	sqlite3_stmt *s;
	int rc, has;

	timefmt_now(at, NULL);
	if ((rc = req_find(c, j->code, j->scope, &r)) < 0)
		goto fail;
	if ((has = has_incident(c, r.id)) < 0) {
		rc = has;
		goto fail;
	}
	if (!has && (rc = become_incident(c, &r, in, at, added, linked)) < 0)
		goto fail;
	if (in->report && !(report = json_dumps(in->report, JSON_COMPACT | JSON_SORT_KEYS))) {
		rc = -ENOMEM;
		goto fail;
	}
	if (!(s = sq_stmt(c, SQL_INCIDENT_SET))) {
		rc = -EIO;
		goto fail;
	}
	sqlite3_bind_int64(s, 1, r.id);
	sq_bind_text(s, 2, in->category >= 0 ? inc_category_name((enum inc_category)in->category) : NULL);
	sq_bind_text(s, 3, in->severity == INC_CLEAR ? ""
			   : in->severity >= 0 ? inc_severity_name((enum inc_severity)in->severity) : NULL);
	sqlite3_bind_int64(s, 4, in->detected_at);
	sqlite3_bind_int64(s, 5, in->resolved_at);
	sqlite3_bind_int64(s, 6, in->initial_reported_at);
	sqlite3_bind_int64(s, 7, in->final_reported_at);
	sq_bind_text(s, 8, in->affected_systems);
	sq_bind_text(s, 9, in->affected_units);
	sq_bind_text(s, 10, in->impact);
	sq_bind_text(s, 11, in->measures);
	sq_bind_text(s, 12, in->cause);
	sq_bind_text(s, 13, report);
	sq_bind_text(s, 14, at);
	if ((rc = sq_step_done(s)) < 0)
		goto fail;
	free(report);
	report = NULL;

	detail = json_object();
	if (!has)
		json_object_set_new(detail, "became_incident", json_true());
	if (in->category >= 0)
		json_object_set_new(detail, "category",
				    json_string(inc_category_name((enum inc_category)in->category)));
	if (in->severity >= 0 || in->severity == INC_CLEAR)
		json_object_set_new(detail, "severity", in->severity >= 0
				    ? json_string(inc_severity_name((enum inc_severity)in->severity))
				    : json_null());
	if (in->detected_at != INC_KEEP)
		json_object_set_new(detail, "detected_at", json_integer(in->detected_at));
	if (in->resolved_at != INC_KEEP)
		json_object_set_new(detail, "resolved_at", json_integer(in->resolved_at));
	if (in->initial_reported_at != INC_KEEP)
		json_object_set_new(detail, "initial_reported_at", json_integer(in->initial_reported_at));
	if (in->final_reported_at != INC_KEEP)
		json_object_set_new(detail, "final_reported_at", json_integer(in->final_reported_at));
	{
		static const char *const names[] = { "affected_systems", "affected_units", "impact",
						     "measures", "cause" };
		const char *vals[] = { in->affected_systems, in->affected_units, in->impact,
				       in->measures, in->cause };
		for (size_t i = 0; i < 5; i++)
			if (vals[i])
				json_object_set_new(detail, names[i],
						    json_integer((json_int_t)strlen(vals[i])));
	}
	if (in->report)
		json_object_set_new(detail, "report", json_true());
	if (json_array_size(added)) {
		json_object_set(detail, "observables", added);
		json_object_set(detail, "linked", linked);
	}
	json_decref(added);
	json_decref(linked);
	return sq_audit(c, at, j->actor, "incident.update", j->code, detail);
fail:
	free(report);
	json_decref(added);
	json_decref(linked);
	if (rc == -ENOENT)
		sq_set_err(j->err, NULL, "no request '%s'", j->code);
	return rc;
}

int sq_incident_update(struct store *base, const char *code, const char *scope,
			      const struct incident_in *in, const char *actor, struct store_err *err)
{
	struct update_job j = { code, scope, in, actor, err };

	return sq_write((struct sq_store *)base, update_fn, &j);
}

/* ------------------------------------------------------------------------ */
/* Observables by hand                                                      */
/* ------------------------------------------------------------------------ */

struct obs_job {
	const char *code, *scope, *type, *value;
	int64_t id;
	const char *actor;
	struct store_err *err;
};

static const char SQL_OBS_EXISTS[] =
	"SELECT id FROM observables WHERE request_id = ?1 AND type = ?2 AND value = ?3";
static const char SQL_OBS_ADD[] =
	"INSERT INTO observables(request_id, type, value, source, created_at) VALUES (?1, ?2, ?3, 'manual', ?4)";
static const char SQL_UNIGNORE[] =
	"DELETE FROM observables_ignored WHERE request_id = ?1 AND type = ?2 AND value = ?3";

static int obs_add_fn(struct sq_conn *c, void *arg)
{
	struct obs_job *j = arg;
	struct req_ref r;
	char at[TIMEFMT_SIZE];
	json_t *linked;
	sqlite3_stmt *s;
	int rc;

	timefmt_now(at, NULL);
	if ((rc = incident_find(c, j->code, j->scope, j->err, &r)) < 0)
		return rc;
	if (!(s = sq_stmt(c, SQL_OBS_EXISTS)))
		return -EIO;
	sqlite3_bind_int64(s, 1, r.id);
	sq_bind_text(s, 2, j->type);
	sq_bind_text(s, 3, j->value);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW) {
		sq_set_err(j->err, "value", "the request has this observable already");
		return -EEXIST;
	}
	if (!(s = sq_stmt(c, SQL_OBS_ADD)))
		return -EIO;
	sqlite3_bind_int64(s, 1, r.id);
	sq_bind_text(s, 2, j->type);
	sq_bind_text(s, 3, j->value);
	sq_bind_text(s, 4, at);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	j->id = sqlite3_last_insert_rowid(c->db);
	if (!(s = sq_stmt(c, SQL_UNIGNORE)))
		return -EIO;
	sqlite3_bind_int64(s, 1, r.id);
	sq_bind_text(s, 2, j->type);
	sq_bind_text(s, 3, j->value);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	linked = json_array();
	if ((rc = link_shared(c, r.id, j->type, j->value, at, linked)) < 0) {
		json_decref(linked);
		return rc;
	}
	return sq_audit(c, at, j->actor, "observable.add", j->code,
			json_pack("{sIssssso}", "id", (json_int_t)j->id, "type", j->type, "value",
				  j->value, "linked", linked));
}

int sq_observable_add(struct store *base, const char *code, const char *scope,
			     const char *type, const char *value, const char *actor,
			     int64_t *ret_id, struct store_err *err)
{
	struct obs_job j = { .code = code, .scope = scope, .type = type, .value = value,
			     .actor = actor, .err = err };
	int rc = sq_write((struct sq_store *)base, obs_add_fn, &j);

	if (rc == 0 && ret_id)
		*ret_id = j.id;
	return rc;
}

static const char SQL_OBS_ONE[] =
	"SELECT type, value FROM observables WHERE id = ?1 AND request_id = ?2";
static const char SQL_OBS_DEL[] = "DELETE FROM observables WHERE id = ?1";
static const char SQL_IGNORE[] =
	"INSERT OR IGNORE INTO observables_ignored(request_id, type, value) VALUES (?1, ?2, ?3)";
/* shared-observable links of a request that no longer share anything */
static const char SQL_UNLINK_STALE[] =
	"DELETE FROM request_links WHERE relation = 'shares_observable' AND (src_id = ?1 OR dst_id = ?1) "
	"AND NOT EXISTS (SELECT 1 FROM observables a JOIN observables b ON a.type = b.type AND "
	"a.value = b.value WHERE a.request_id = request_links.src_id AND b.request_id = request_links.dst_id)";

static int obs_del_fn(struct sq_conn *c, void *arg)
{
	struct obs_job *j = arg;
	struct req_ref r;
	char at[TIMEFMT_SIZE], type[16] = "", *value = NULL;
	sqlite3_stmt *s;
	int rc;

	timefmt_now(at, NULL);
	if ((rc = req_find(c, j->code, j->scope, &r)) < 0)
		return rc;
	if (!(s = sq_stmt(c, SQL_OBS_ONE)))
		return -EIO;
	sqlite3_bind_int64(s, 1, j->id);
	sqlite3_bind_int64(s, 2, r.id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(type, sizeof(type), "%s", sq_col_text(s, 0));
		value = strdup(sq_col_text(s, 1));
	}
	sqlite3_reset(s);
	if (!type[0]) {
		sq_set_err(j->err, "id", "no observable %lld on request '%s'", (long long)j->id, j->code);
		return -ENOENT;
	}
	if (!value)
		return -ENOMEM;
	rc = -EIO;
	if (!(s = sq_stmt(c, SQL_OBS_DEL)))
		goto out;
	sqlite3_bind_int64(s, 1, j->id);
	if ((rc = sq_step_done(s)) < 0)
		goto out;
	rc = -EIO;
	if (!(s = sq_stmt(c, SQL_IGNORE)))
		goto out;
	sqlite3_bind_int64(s, 1, r.id);
	sq_bind_text(s, 2, type);
	sq_bind_text(s, 3, value);
	if ((rc = sq_step_done(s)) < 0)
		goto out;
	rc = -EIO;
	if (!(s = sq_stmt(c, SQL_UNLINK_STALE)))
		goto out;
	sqlite3_bind_int64(s, 1, r.id);
	if ((rc = sq_step_done(s)) < 0)
		goto out;
	rc = sq_audit(c, at, j->actor, "observable.delete", j->code,
		      json_pack("{sIssss}", "id", (json_int_t)j->id, "type", type, "value", value));
out:
	free(value);
	return rc;
}

int sq_observable_delete(struct store *base, const char *code, const char *scope, int64_t id,
				const char *actor, struct store_err *err)
{
	struct obs_job j = { .code = code, .scope = scope, .id = id, .actor = actor, .err = err };

	return sq_write((struct sq_store *)base, obs_del_fn, &j);
}

static const char SQL_OBS_SEARCH[] =
	"SELECT r.code, r.kind, r.subject, r.status, u.code, o.type, o.value, o.id FROM observables o "
	"JOIN requests r ON r.id = o.request_id LEFT JOIN units u ON u.id = r.unit_id "
	"WHERE o.value = ?1 AND (?2 IS NULL OR o.type = ?2) AND " IN_SCOPE("?3")
	" ORDER BY r.id DESC LIMIT 100";

int sq_observable_search(struct store *base, const char *type, const char *value,
				const char *scope, json_t **ret_items)
{
	struct sq_store *st = (struct sq_store *)base;
	struct sq_conn *c;
	sqlite3_stmt *s;
	json_t *items;
	int rc = 0, step;

	if (!(c = sq_reader_get(st, &rc)))
		return rc;
	if (!(s = sq_stmt(c, SQL_OBS_SEARCH))) {
		sq_reader_put(st, c);
		return -EIO;
	}
	sq_bind_text(s, 1, value);
	sq_bind_text(s, 2, type);
	sq_bind_text(s, 3, scope);
	items = json_array();
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		json_array_append_new(items, json_pack("{so so so so so so so sI}", "code",
			sq_col_json(s, 0), "kind", sq_col_json(s, 1), "subject", sq_col_json(s, 2),
			"status", sq_col_json(s, 3), "unit", sq_col_json(s, 4), "type",
			sq_col_json(s, 5), "value", sq_col_json(s, 6), "observable",
			(json_int_t)sqlite3_column_int64(s, 7)));
	if (step != SQLITE_DONE)
		rc = sq_map_rc(step);
	sqlite3_reset(s);
	sq_reader_put(st, c);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*ret_items = items;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Tasks                                                                    */
/* ------------------------------------------------------------------------ */

struct task_job {
	const char *code, *scope;
	int64_t id;
	const struct task_in *in;
	const char *actor;
	struct store_err *err;
};

static const char SQL_STAFF[] =
	"SELECT id FROM users WHERE username = ?1 AND role IN ('admin', 'agent') AND status = 'active'";
static const char SQL_TASK_ADD[] =
	"INSERT INTO incident_tasks(request_id, title, assignee_id, due, done, created_at, updated_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)";
static const char SQL_TASK_SET[] =
	"UPDATE incident_tasks SET title = coalesce(?3, title), "
	"assignee_id = CASE WHEN ?4 THEN ?5 ELSE assignee_id END, "
	"due = CASE WHEN ?6 THEN ?7 ELSE due END, "
	"done = CASE WHEN ?8 >= 0 THEN ?8 ELSE done END, updated_at = ?9 "
	"WHERE id = ?1 AND request_id = ?2";

static int task_assignee(struct sq_conn *c, const struct task_in *in, struct store_err *err,
			 int64_t *ret)
{
	int64_t id;

	*ret = 0;
	if (!in->set_assignee || !in->assignee)
		return 0;
	if ((id = sq_lookup_id(c, SQL_STAFF, in->assignee)) < 0)
		return (int)id;
	if (!id) {
		sq_set_err(err, "assignee", "no active agent '%s'", in->assignee);
		return -EINVAL;
	}
	*ret = id;
	return 0;
}

static json_t *task_detail(const struct task_in *in)
{
	json_t *d = json_object();

	if (in->title)
		json_object_set_new(d, "title", json_string(in->title));
	if (in->set_assignee)
		json_object_set_new(d, "assignee", in->assignee ? json_string(in->assignee) : json_null());
	if (in->set_due)
		json_object_set_new(d, "due", in->due ? json_string(in->due) : json_null());
	if (in->done >= 0)
		json_object_set_new(d, "done", json_boolean(in->done));
	return d;
}

static int task_fn(struct sq_conn *c, void *arg)
{
	struct task_job *j = arg;
	struct req_ref r;
	char at[TIMEFMT_SIZE];
	int64_t assignee;
	bool create = j->id == 0;
	sqlite3_stmt *s;
	json_t *detail;
	int rc;

	timefmt_now(at, NULL);
	if ((rc = incident_find(c, j->code, j->scope, j->err, &r)) < 0)
		return rc;
	if ((rc = task_assignee(c, j->in, j->err, &assignee)) < 0)
		return rc;
	if (j->id == 0) {
		if (!(s = sq_stmt(c, SQL_TASK_ADD)))
			return -EIO;
		sqlite3_bind_int64(s, 1, r.id);
		sq_bind_text(s, 2, j->in->title);
		sq_bind_id(s, 3, assignee);
		sq_bind_text(s, 4, j->in->set_due ? j->in->due : NULL);
		sqlite3_bind_int(s, 5, j->in->done > 0);
		sq_bind_text(s, 6, at);
		if ((rc = sq_step_done(s)) < 0)
			return rc;
		j->id = sqlite3_last_insert_rowid(c->db);
	} else {
		if (!(s = sq_stmt(c, SQL_TASK_SET)))
			return -EIO;
		sqlite3_bind_int64(s, 1, j->id);
		sqlite3_bind_int64(s, 2, r.id);
		sq_bind_text(s, 3, j->in->title);
		sqlite3_bind_int(s, 4, j->in->set_assignee);
		sq_bind_id(s, 5, assignee);
		sqlite3_bind_int(s, 6, j->in->set_due);
		sq_bind_text(s, 7, j->in->due);
		sqlite3_bind_int(s, 8, j->in->done);
		sq_bind_text(s, 9, at);
		if ((rc = sq_step_done(s)) < 0)
			return rc;
		if (sqlite3_changes(c->db) == 0) {
			sq_set_err(j->err, "id", "no task %lld on request '%s'", (long long)j->id, j->code);
			return -ENOENT;
		}
	}
	detail = task_detail(j->in);
	json_object_set_new(detail, "id", json_integer((json_int_t)j->id));
	return sq_audit(c, at, j->actor, create ? "task.add" : "task.update", j->code, detail);
}

int sq_task_add(struct store *base, const char *code, const char *scope,
		       const struct task_in *in, const char *actor, int64_t *ret_id,
		       struct store_err *err)
{
	struct task_job j = { code, scope, 0, in, actor, err };
	int rc = sq_write((struct sq_store *)base, task_fn, &j);

	if (rc == 0 && ret_id)
		*ret_id = j.id;
	return rc;
}

int sq_task_update(struct store *base, const char *code, const char *scope, int64_t id,
			  const struct task_in *in, const char *actor, struct store_err *err)
{
	struct task_job j = { code, scope, id, in, actor, err };

	if (id <= 0) {
		sq_set_err(err, "id", "no task %lld on request '%s'", (long long)id, code);
		return -ENOENT;
	}
	return sq_write((struct sq_store *)base, task_fn, &j);
}

/* ------------------------------------------------------------------------ */
/* Merge and links                                                          */
/* ------------------------------------------------------------------------ */

struct link_job {
	const char *code, *other, *relation, *scope;
	const char *actor;
	struct store_err *err;
};

static const char SQL_MERGED_INTO[] =
	"SELECT dst_id FROM request_links WHERE src_id = ?1 AND relation = 'duplicate'";
static const char SQL_CLOSE[] =
	"UPDATE requests SET status = 'closed', updated_at = ?2 WHERE id = ?1";
static const char SQL_STATUS_EVENT[] =
	"INSERT INTO events(request_id, type, actor, at, internal, old_value, new_value) "
	"VALUES (?1, 'status', ?2, ?3, 0, ?4, 'closed')";
static const char SQL_OBS_COPY[] =
	"INSERT OR IGNORE INTO observables(request_id, type, value, source, created_at) "
	"SELECT ?2, type, value, 'auto', ?3 FROM observables WHERE request_id = ?1";

static int64_t merged_into(struct sq_conn *c, int64_t rid)
{
	sqlite3_stmt *s = sq_stmt(c, SQL_MERGED_INTO);
	int64_t id = 0;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, rid);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return id;
}

static int merge_fn(struct sq_conn *c, void *arg)
{
	struct link_job *j = arg;
	struct req_ref dup, into;
	char at[TIMEFMT_SIZE], note[200];
	sqlite3_stmt *s;
	int64_t m;
	int rc, has;

	timefmt_now(at, NULL);
	if ((rc = req_find(c, j->code, j->scope, &dup)) < 0)
		return rc;
	if ((rc = req_find(c, j->other, j->scope, &into)) < 0) {
		if (rc == -ENOENT) {
			sq_set_err(j->err, "into", "no request '%s'", j->other);
			return -EINVAL;
		}
		return rc;
	}
	if (dup.id == into.id) {
		sq_set_err(j->err, "into", "a request cannot be merged into itself");
		return -EINVAL;
	}
	if ((m = merged_into(c, dup.id)) != 0) {
		if (m < 0)
			return (int)m;
		sq_set_err(j->err, NULL, "request '%s' was merged already", j->code);
		return -EPERM;
	}
	if ((m = merged_into(c, into.id)) != 0) {
		if (m < 0)
			return (int)m;
		sq_set_err(j->err, "into", "request '%s' was itself merged into another", j->other);
		return -EPERM;
	}
	if ((rc = link_add(c, dup.id, into.id, "duplicate", at)) < 0)
		return rc;
	if (strcmp(dup.status, "closed") != 0) {
		if (!(s = sq_stmt(c, SQL_STATUS_EVENT)))
			return -EIO;
		sqlite3_bind_int64(s, 1, dup.id);
		sq_bind_text(s, 2, j->actor);
		sq_bind_text(s, 3, at);
		sq_bind_text(s, 4, dup.status);
		if ((rc = sq_step_done(s)) < 0)
			return rc;
		if (!(s = sq_stmt(c, SQL_CLOSE)))
			return -EIO;
		sqlite3_bind_int64(s, 1, dup.id);
		sq_bind_text(s, 2, at);
		if ((rc = sq_step_done(s)) < 0)
			return rc;
		/* a closed duplicate's SLA clock stops like any closed request's */
		if ((rc = sq_sla_changed(c, dup.id, false, (int64_t)time(NULL))) < 0)
			return rc;
	}
	snprintf(note, sizeof(note), "Đã gộp vào yêu cầu %s (trùng lặp).", j->other);
	if ((rc = note_add(c, dup.id, j->actor, at, note)) < 0)
		return rc;
	snprintf(note, sizeof(note), "Đã gộp yêu cầu trùng lặp %s vào yêu cầu này.", j->code);
	if ((rc = note_add(c, into.id, j->actor, at, note)) < 0)
		return rc;
	/* the indicators of the duplicate belong to the case it joins */
	if ((has = has_incident(c, into.id)) < 0)
		return has;
	if (has) {
		if (!(s = sq_stmt(c, SQL_OBS_COPY)))
			return -EIO;
		sqlite3_bind_int64(s, 1, dup.id);
		sqlite3_bind_int64(s, 2, into.id);
		sq_bind_text(s, 3, at);
		if ((rc = sq_step_done(s)) < 0)
			return rc;
	}
	return sq_audit(c, at, j->actor, "request.merge", j->code,
			json_pack("{ssss}", "into", j->other, "was", dup.status));
}

int sq_request_merge(struct store *base, const char *code, const char *into,
			    const char *scope, const char *actor, struct store_err *err)
{
	struct link_job j = { code, into, "duplicate", scope, actor, err };

	return sq_write((struct sq_store *)base, merge_fn, &j);
}

static const char SQL_PARENT_OF[] =
	"SELECT dst_id FROM request_links WHERE src_id = ?1 AND relation = 'parent'";
/* whether ?2 is ?1 or one of its ancestors */
static const char SQL_IS_ANCESTOR[] =
	"WITH RECURSIVE up(id) AS (SELECT ?1 UNION SELECT l.dst_id FROM request_links l JOIN up "
	"ON l.src_id = up.id WHERE l.relation = 'parent') SELECT 1 FROM up WHERE id = ?2";

static int link_fn(struct sq_conn *c, void *arg)
{
	struct link_job j0 = *(struct link_job *)arg, *j = &j0;
	struct store_err *err = j->err;
	struct req_ref a, b, *child, *parent;
	char at[TIMEFMT_SIZE];
	sqlite3_stmt *s;
	int rc, step;

	timefmt_now(at, NULL);
	if ((rc = req_find(c, j->code, j->scope, &a)) < 0)
		return rc;
	if ((rc = req_find(c, j->other, j->scope, &b)) < 0) {
		if (rc == -ENOENT) {
			sq_set_err(err, "code", "no request '%s'", j->other);
			return -EINVAL;
		}
		return rc;
	}
	if (a.id == b.id) {
		sq_set_err(err, "code", "a request cannot be linked to itself");
		return -EINVAL;
	}
	/* relation names what `other` is to `code` */
	child = !strcmp(j->relation, "parent") ? &a : &b;
	parent = child == &a ? &b : &a;
	if (!(s = sq_stmt(c, SQL_PARENT_OF)))
		return -EIO;
	sqlite3_bind_int64(s, 1, child->id);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW && sqlite3_column_int64(s, 0) == parent->id) {
		sqlite3_reset(s);
		return 0; /* already so */
	}
	sqlite3_reset(s);
	if (step == SQLITE_ROW) {
		sq_set_err(err, "code", "request '%s' has a parent already",
			   child == &a ? j->code : j->other);
		return -EEXIST;
	}
	if (!(s = sq_stmt(c, SQL_IS_ANCESTOR)))
		return -EIO;
	sqlite3_bind_int64(s, 1, parent->id);
	sqlite3_bind_int64(s, 2, child->id);
	step = sqlite3_step(s);
	sqlite3_reset(s);
	if (step == SQLITE_ROW) {
		sq_set_err(err, "relation", "the link would make a cycle");
		return -EINVAL;
	}
	if ((rc = link_add(c, child->id, parent->id, "parent", at)) < 0)
		return rc;
	return sq_audit(c, at, j->actor, "request.link", j->code,
			json_pack("{ssss}", "code", j->other, "relation", j->relation));
}

int sq_request_link(struct store *base, const char *code, const char *other,
			   const char *relation, const char *scope, const char *actor,
			   struct store_err *err)
{
	struct link_job j = { code, other, relation, scope, actor, err };

	if (!relation || (strcmp(relation, "parent") && strcmp(relation, "child"))) {
		sq_set_err(err, "relation", "'relation' must be parent or child");
		return -EINVAL;
	}
	return sq_write((struct sq_store *)base, link_fn, &j);
}

