/*
 * sqlite_sla.c — service levels in the SQLite backend: the SLA clock of
 * each request (kept by the writer at every change), SLA states and
 * escalations, the business calendar and policies, the duty roster, and
 * statistics (see store.h and src/core/sla.h).
 *
 * The clock of a request is one row of request_sla: when its current
 * segment started and how much business time ran before.  Every write that
 * changes a request advances it in the same transaction, so reading the
 * state of any number of requests is arithmetic on those rows with the
 * calendar each connection keeps built (rebuilt when sla_config.version
 * changes).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/model.h"
#include "core/sla.h"
#include "core/timefmt.h"
#include "store/sqlite_int.h"

#define TICK_MAX 500       /* escalations considered per tick; the rest wait for the next */
#define LIST_MAX 1000

/* ------------------------------------------------------------------------ */
/* The calendar of a connection                                             */
/* ------------------------------------------------------------------------ */

static const char SQL_CONFIG_VERSION[] =
	"SELECT version, hours, fixed_holidays FROM sla_config WHERE id = 1";
static const char SQL_CALENDAR_DAYS[] = "SELECT day, kind FROM sla_calendar";

/* The calendar of connection c, rebuilt when the settings changed; NULL on error. */
static const struct sla_calendar *calendar(struct sq_conn *c)
{
	sqlite3_stmt *s = sq_stmt(c, SQL_CONFIG_VERSION);
	struct sla_calendar_in in;
	struct sla_calendar *cal = NULL;
	int32_t *hol = NULL, *work = NULL;
	size_t nh = 0, nw = 0;
	int64_t version = 0;
	const char *why;

	if (!s)
		return c->sla_cal;
	sla_calendar_in_default(&in);
	if (sqlite3_step(s) == SQLITE_ROW) {
		version = sqlite3_column_int64(s, 0);
		if (c->sla_cal && version == c->sla_version) {
			sqlite3_reset(s);
			return c->sla_cal;
		}
		/* hours were checked when set; the default if they do not parse */
		if (sla_hours_parse(sq_col_text(s, 1), &in) != NULL)
			sla_calendar_in_default(&in);
		in.fixed_holidays = sqlite3_column_int(s, 2) != 0;
	}
	sqlite3_reset(s);
	hol = malloc(SLA_EXCEPTIONS_MAX * sizeof(*hol));
	work = malloc(SLA_EXCEPTIONS_MAX * sizeof(*work));
	if (hol && work && (s = sq_stmt(c, SQL_CALENDAR_DAYS))) {
		while (sqlite3_step(s) == SQLITE_ROW && nh + nw < SLA_EXCEPTIONS_MAX) {
			int32_t day;
			if (sla_day_parse(sq_col_text(s, 0), &day) < 0)
				continue;
			if (!strcmp(sq_col_text(s, 1), "workday"))
				work[nw++] = day;
			else
				hol[nh++] = day;
		}
		sqlite3_reset(s);
		in.holidays = hol, in.nholidays = nh;
		in.workdays = work, in.nworkdays = nw;
		if (sla_calendar_new(&in, &cal, &why) == 0) {
			sla_calendar_free(c->sla_cal);
			c->sla_cal = cal;
			c->sla_version = version;
		}
	}
	free(hol);
	free(work);
	return c->sla_cal;
}

void sq_sla_conn_free(struct sq_conn *c)
{
	sla_calendar_free(c->sla_cal);
	c->sla_cal = NULL;
}

/* ------------------------------------------------------------------------ */
/* The clock of one request                                                 */
/* ------------------------------------------------------------------------ */

struct clock_row {
	int64_t policy_id, started_at, first_response_at, resolved_at;
	int64_t updates, mark;
	struct sla_clock k;
	struct sla_policy p;
	char kind[16], priority[16];
};

static const char SQL_CLOCK[] =
	"SELECT s.policy_id, s.started_at, s.running_since, s.elapsed, s.since_update, s.updates, "
	"s.first_response_at, s.resolved_at, s.open, s.paused, s.late, p.first_response, "
	"p.next_update, p.resolution, p.business, p.warn_pct, p.kind, p.priority, s.esc_mark "
	"FROM request_sla s JOIN sla_policies p ON p.id = s.policy_id WHERE s.request_id = ?1";

static void policy_of(sqlite3_stmt *s, int i, struct sla_policy *ret)
{
	ret->first_response = sqlite3_column_int64(s, i);
	ret->next_update = sqlite3_column_int64(s, i + 1);
	ret->resolution = sqlite3_column_int64(s, i + 2);
	ret->business = sqlite3_column_int(s, i + 3) != 0;
	ret->warn_pct = sqlite3_column_int(s, i + 4);
}

/* 1 and the row, 0 when the request has no clock, negative on error. */
static int clock_load(struct sq_conn *c, int64_t rid, struct clock_row *ret)
{
	sqlite3_stmt *s = sq_stmt(c, SQL_CLOCK);
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, rid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		memset(ret, 0, sizeof(*ret));
		ret->policy_id = sqlite3_column_int64(s, 0);
		ret->started_at = sqlite3_column_int64(s, 1);
		ret->k.running_since = sqlite3_column_int64(s, 2);
		ret->k.elapsed = sqlite3_column_int64(s, 3);
		ret->k.since_update = sqlite3_column_int64(s, 4);
		ret->updates = sqlite3_column_int64(s, 5);
		ret->first_response_at = sqlite3_column_int64(s, 6);
		ret->resolved_at = sqlite3_column_int64(s, 7);
		ret->k.open = sqlite3_column_int(s, 8) != 0;
		ret->k.paused = sqlite3_column_int(s, 9) != 0;
		ret->k.late = sqlite3_column_int(s, 10) != 0;
		ret->k.responded = sqlite3_column_type(s, 6) != SQLITE_NULL;
		policy_of(s, 11, &ret->p);
		snprintf(ret->kind, sizeof(ret->kind), "%s", sq_col_text(s, 16));
		snprintf(ret->priority, sizeof(ret->priority), "%s", sq_col_text(s, 17));
		ret->mark = sqlite3_column_int64(s, 18);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
}

static const char SQL_CLOCK_INSERT[] =
	"INSERT INTO request_sla(request_id, policy_id, started_at, running_since) "
	"SELECT r.id, p.id, ?2, ?2 FROM requests r JOIN sla_policies p ON p.kind = r.kind "
	"AND p.priority = r.priority WHERE r.id = ?1";

int sq_sla_created(struct sq_conn *c, int64_t request_id, int64_t now)
{
	sqlite3_stmt *s = sq_stmt(c, SQL_CLOCK_INSERT);

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, request_id);
	sqlite3_bind_int64(s, 2, now);
	return sq_step_done(s);
}

static const char SQL_REQUEST_RUN[] =
	"SELECT r.status, p.id FROM requests r LEFT JOIN sla_policies p ON p.kind = r.kind "
	"AND p.priority = r.priority WHERE r.id = ?1";
static const char SQL_CLOCK_UPDATE[] =
	"UPDATE request_sla SET policy_id = ?2, running_since = ?3, elapsed = ?4, since_update = ?5, "
	"updates = ?6, first_response_at = ?7, resolved_at = ?8, open = ?9, paused = ?10, late = ?11 "
	"WHERE request_id = ?1";

int sq_sla_changed(struct sq_conn *c, int64_t request_id, bool response, int64_t now)
{
	const struct sla_calendar *cal = calendar(c);
	sqlite3_stmt *s = sq_stmt(c, SQL_REQUEST_RUN);
	struct clock_row r;
	enum sla_run run = SLA_RUNNING;
	int64_t policy_id = 0;
	bool was_open, was_responded;
	int rc;

	if (!s || !cal)
		return -EIO;
	sqlite3_bind_int64(s, 1, request_id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *st = sq_col_text(s, 0);
		run = !strcmp(st, "pending") ? SLA_WAITING
		      : !strcmp(st, "resolved") || !strcmp(st, "closed") ? SLA_DONE : SLA_RUNNING;
		policy_id = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? -ENOENT : sq_map_rc(rc);
	if (!policy_id)
		return 0; /* a kind or priority without a policy has no SLA clock */
	if ((rc = clock_load(c, request_id, &r)) == 0) {
		/* a request from before the clocks: it starts now */
		if ((rc = sq_sla_created(c, request_id, now)) < 0)
			return rc;
		rc = clock_load(c, request_id, &r);
	}
	if (rc <= 0)
		return rc;
	was_open = r.k.open;
	was_responded = r.k.responded;
	sla_clock_advance(cal, &r.p, &r.k, now, response, run);
	if (r.k.responded && !was_responded)
		r.first_response_at = now;
	if (run == SLA_DONE && was_open)
		r.resolved_at = now;
	else if (run != SLA_DONE)
		r.resolved_at = 0;
	if (response)
		r.updates++;
	if (!(s = sq_stmt(c, SQL_CLOCK_UPDATE)))
		return -EIO;
	sqlite3_bind_int64(s, 1, request_id);
	sqlite3_bind_int64(s, 2, policy_id); /* the priority may have changed */
	sq_bind_id(s, 3, r.k.running_since);
	sqlite3_bind_int64(s, 4, r.k.elapsed);
	sqlite3_bind_int64(s, 5, r.k.since_update);
	sqlite3_bind_int64(s, 6, r.updates);
	sq_bind_id(s, 7, r.first_response_at);
	sq_bind_id(s, 8, r.resolved_at);
	sqlite3_bind_int(s, 9, r.k.open);
	sqlite3_bind_int(s, 10, r.k.paused);
	sqlite3_bind_int(s, 11, r.k.late);
	return sq_step_done(s);
}

/* A time as JSON: "2026-11-21T10:00:00+07:00", or null for 0. */
static json_t *time_json(int64_t t)
{
	char buf[SLA_ISO_SIZE];

	if (!t)
		return json_null();
	sla_time_format(t, buf);
	return json_string(buf);
}

json_t *sq_sla_json(struct sq_conn *c, int64_t request_id, int64_t now)
{
	const struct sla_calendar *cal = calendar(c);
	struct clock_row r;
	struct sla_eval e;
	char policy[40];

	if (!cal || clock_load(c, request_id, &r) <= 0)
		return json_null();
	sla_evaluate(cal, &r.p, &r.k, now, &e);
	snprintf(policy, sizeof(policy), "%s/%s", r.kind, r.priority);
	return json_pack("{ss sb ss so sI so so so so sb sb so so}", "policy", policy, "business",
			 r.p.business, "state", sla_state_name(e.state), "target",
			 r.k.open ? json_string(sla_target_name(e.target)) : json_null(), "left_s",
			 (json_int_t)e.left,
			 "first_response_due", time_json(e.due[SLA_FIRST_RESPONSE]), "next_update_due",
			 time_json(e.due[SLA_NEXT_UPDATE]), "resolution_due",
			 time_json(e.due[SLA_RESOLUTION]), "due",
			 r.k.open ? time_json(e.due[e.target]) : json_null(), "paused", r.k.paused,
			 "late", r.k.late, "first_response_at", time_json(r.first_response_at),
			 "resolved_at", time_json(r.resolved_at));
}

json_t *sq_sla_brief(struct sq_conn *c, int64_t request_id, int64_t now)
{
	const struct sla_calendar *cal = calendar(c);
	struct clock_row r;
	struct sla_eval e;

	if (!cal || clock_load(c, request_id, &r) <= 0)
		return json_null();
	sla_evaluate(cal, &r.p, &r.k, now, &e);
	return json_pack("{ss so so}", "state", sla_state_name(e.state), "target",
			 r.k.open ? json_string(sla_target_name(e.target)) : json_null(), "due",
			 r.k.open ? time_json(e.due[e.target]) : json_null());
}

/* A time as JSON text into buf: a quoted ISO 8601 string, or null. */
static const char *time_text(int64_t t, char buf[SLA_ISO_SIZE + 2])
{
	size_t n;

	if (!t)
		return "null";
	buf[0] = '"';
	sla_time_format(t, buf + 1);
	n = strlen(buf);
	buf[n] = '"';
	buf[n + 1] = '\0';
	return buf;
}

/* Whether s is a plain name (the kinds and priorities are), safe in JSON unquoted. */
static bool plain_name(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
			return false;
	return true;
}

/*
 * sla_json(request_id): the "sla" object of sq_sla_json() as JSON text,
 * for SQL-rendered responses.  Written straight into a buffer: building a
 * jansson object to dump it at once cost a sixth of an uncached GET.
 */
static void sla_json_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct sq_conn *c = sqlite3_user_data(ctx);
	const struct sla_calendar *cal = calendar(c);
	char t[6][SLA_ISO_SIZE + 2], target[40], out[1024];
	struct clock_row r;
	struct sla_eval e;
	int n;

	(void)argc;
	if (sqlite3_value_type(argv[0]) != SQLITE_INTEGER || !cal ||
	    clock_load(c, sqlite3_value_int64(argv[0]), &r) <= 0 || !plain_name(r.kind) ||
	    !plain_name(r.priority)) {
		sqlite3_result_null(ctx);
		return;
	}
	sla_evaluate(cal, &r.p, &r.k, (int64_t)time(NULL), &e);
	if (r.k.open)
		snprintf(target, sizeof(target), "\"%s\"", sla_target_name(e.target));
	else
		snprintf(target, sizeof(target), "null");
	n = snprintf(out, sizeof(out),
		     "{\"policy\":\"%s/%s\",\"business\":%s,\"state\":\"%s\",\"target\":%s,"
		     "\"left_s\":%lld,\"first_response_due\":%s,\"next_update_due\":%s,"
		     "\"resolution_due\":%s,\"due\":%s,\"paused\":%s,\"late\":%s,"
		     "\"first_response_at\":%s,\"resolved_at\":%s}",
		     r.kind, r.priority, r.p.business ? "true" : "false", sla_state_name(e.state),
		     target, (long long)e.left, time_text(e.due[SLA_FIRST_RESPONSE], t[0]),
		     time_text(e.due[SLA_NEXT_UPDATE], t[1]), time_text(e.due[SLA_RESOLUTION], t[2]),
		     r.k.open ? time_text(e.due[e.target], t[3]) : "null",
		     r.k.paused ? "true" : "false", r.k.late ? "true" : "false",
		     time_text(r.first_response_at, t[4]), time_text(r.resolved_at, t[5]));
	if (n < 0 || n >= (int)sizeof(out)) {
		sqlite3_result_error(ctx, "sla_json: too long", -1);
		return;
	}
	sqlite3_result_text(ctx, out, n, SQLITE_TRANSIENT);
}

int sq_sla_register(struct sq_conn *c)
{
	return sqlite3_create_function_v2(c->db, "sla_json", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, c,
					  sla_json_fn, NULL, NULL, NULL);
}

/* ------------------------------------------------------------------------ */
/* Evaluating the open requests                                             */
/* ------------------------------------------------------------------------ */

#define POLICIES_MAX 256

struct policies {
	int n;
	int64_t id[POLICIES_MAX];
	struct sla_policy p[POLICIES_MAX];
};

static int policies_load(struct sq_conn *c, struct policies *ret)
{
	sqlite3_stmt *s = sq_stmt(c, "SELECT id, first_response, next_update, resolution, business, "
				     "warn_pct FROM sla_policies ORDER BY id");
	int rc;

	if (!s)
		return -EIO;
	ret->n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && ret->n < POLICIES_MAX) {
		ret->id[ret->n] = sqlite3_column_int64(s, 0);
		policy_of(s, 1, &ret->p[ret->n]);
		ret->n++;
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
}

static const struct sla_policy *policy_find(const struct policies *t, int64_t id)
{
	/* ids are usually 1..n in order */
	if (id >= 1 && id <= t->n && t->id[id - 1] == id)
		return &t->p[id - 1];
	for (int i = 0; i < t->n; i++)
		if (t->id[i] == id)
			return &t->p[i];
	return NULL;
}

struct hit {
	int64_t rid, due, left, cycle, mark;
	int8_t state, target;
};

struct hits {
	struct hit *v;
	size_t n, cap;
	size_t topk;          /* > 0: keep only the topk soonest dues (a heap) */
	int64_t counts[SLA__MAX];
	int64_t checked;
};

static const char SQL_SCAN_ALL[] =
	"SELECT request_id, policy_id, running_since, elapsed, since_update, paused, late, updates, "
	"first_response_at IS NOT NULL, esc_mark FROM request_sla WHERE open = 1";
static const char SQL_SCAN_SCOPE[] =
	"SELECT s.request_id, s.policy_id, s.running_since, s.elapsed, s.since_update, s.paused, "
	"s.late, s.updates, s.first_response_at IS NOT NULL, s.esc_mark FROM request_sla s "
	"JOIN requests r ON r.id = s.request_id LEFT JOIN units u ON u.id = r.unit_id "
	"WHERE s.open = 1 AND " IN_SCOPE("?1") " AND (?2 IS NULL OR u.code = ?2)";

static bool hit_before(const struct hit *x, const struct hit *y)
{
	return x->due != y->due ? x->due < y->due : x->rid < y->rid;
}

/* Keep the topk soonest hits: v is a max-heap on (due, rid) of at most topk. */
static void heap_offer(struct hits *h, const struct hit *x)
{
	size_t i, c;

	if (h->n < h->topk) {
		for (i = h->n++; i > 0 && hit_before(&h->v[(i - 1) / 2], x); i = (i - 1) / 2)
			h->v[i] = h->v[(i - 1) / 2];
		h->v[i] = *x;
		return;
	}
	if (!hit_before(x, &h->v[0]))
		return;
	for (i = 0; (c = 2 * i + 1) < h->n; i = c) {
		if (c + 1 < h->n && hit_before(&h->v[c], &h->v[c + 1]))
			c++;
		if (!hit_before(x, &h->v[c]))
			break;
		h->v[i] = h->v[c];
	}
	h->v[i] = *x;
}

/*
 * Evaluate every open request (in scope) at `now`; keep those whose state
 * `keep` accepts (a bit per enum sla_state): all of them, or the topk
 * soonest when h->topk is set.  The counts cover them all.
 */
static int scan(struct sq_conn *c, const char *scope, const char *unit, int64_t now, unsigned keep,
		struct hits *h)
{
	const struct sla_calendar *cal = calendar(c);
	struct policies *pol = malloc(sizeof(*pol));
	bool filtered = scope || unit;
	struct sla_now at;
	sqlite3_stmt *s;
	int rc;

	if (!pol)
		return -ENOMEM;
	if (h->topk && !(h->v = malloc(h->topk * sizeof(*h->v)))) {
		free(pol);
		return -ENOMEM;
	}
	sla_now_init(cal, now, &at);
	if (!cal || (rc = policies_load(c, pol)) < 0 ||
	    !(s = sq_stmt(c, filtered ? SQL_SCAN_SCOPE : SQL_SCAN_ALL))) {
		free(pol);
		return -EIO;
	}
	if (filtered) {
		sq_bind_text(s, 1, scope);
		sq_bind_text(s, 2, unit);
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const struct sla_policy *p = policy_find(pol, sqlite3_column_int64(s, 1));
		struct sla_clock k = {
			.running_since = sqlite3_column_int64(s, 2),
			.elapsed = sqlite3_column_int64(s, 3),
			.since_update = sqlite3_column_int64(s, 4),
			.paused = sqlite3_column_int(s, 5) != 0,
			.late = sqlite3_column_int(s, 6) != 0,
			.responded = sqlite3_column_int(s, 8) != 0,
			.open = true,
		};
		struct sla_eval e;

		if (!p)
			continue;
		sla_evaluate_at(cal, p, &k, &at, false, &e);
		h->checked++;
		h->counts[e.state]++;
		if (!(keep & (1u << e.state)))
			continue;
		if (h->topk) {
			struct hit x = {
				.rid = sqlite3_column_int64(s, 0), .due = e.due[e.target], .left = e.left,
				.state = (int8_t)e.state, .target = (int8_t)e.target,
			};
			heap_offer(h, &x);
			continue;
		}
		if (h->n == h->cap) {
			size_t cap = h->cap ? h->cap * 2 : 256;
			struct hit *v = realloc(h->v, cap * sizeof(*v));
			if (!v) {
				rc = SQLITE_NOMEM;
				break;
			}
			h->v = v, h->cap = cap;
		}
		h->v[h->n++] = (struct hit){
			.rid = sqlite3_column_int64(s, 0), .due = e.due[e.target], .left = e.left,
			.cycle = e.target == SLA_NEXT_UPDATE ? sqlite3_column_int64(s, 7) : 0,
			.mark = sqlite3_column_int64(s, 9),
			.state = (int8_t)e.state, .target = (int8_t)e.target,
		};
	}
	sqlite3_reset(s);
	free(pol);
	return rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
}

static int hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	return x->rid < y->rid ? -1 : x->rid > y->rid;
}

static const char SQL_LIST_REQUEST[] =
	"SELECT r.code, u.code, r.kind, r.priority, a.username, r.subject, r.status FROM requests r "
	"LEFT JOIN units u ON u.id = r.unit_id LEFT JOIN users a ON a.id = r.assignee_id "
	"WHERE r.id = ?1";

int sq_sla_list(struct store *base, const struct sla_filter *f, json_t **ret)
{
	struct sq_store *st = (struct sq_store *)base;
	unsigned keep = f->state >= 0 ? 1u << f->state : (1u << SLA_DUE_SOON) | (1u << SLA_BREACHED);
	int limit = f->limit > 0 && f->limit <= LIST_MAX ? f->limit : 100;
	/* the page, and a margin for requests a concurrent write just closed */
	struct hits h = { .topk = (size_t)limit + 16 };
	struct sq_conn *c;
	json_t *items, *counts;
	int rc = 0;

	if (!(c = sq_reader_get(st, &rc)))
		return rc;
	rc = scan(c, f->scope, f->unit, f->now, keep, &h);
	if (rc < 0)
		goto out;
	if (h.n)
		qsort(h.v, h.n, sizeof(*h.v), hit_cmp);
	items = json_array();
	for (size_t i = 0; i < h.n && json_array_size(items) < (size_t)limit; i++) {
		sqlite3_stmt *s = sq_stmt(c, SQL_LIST_REQUEST);
		if (!s) {
			rc = -EIO;
			break;
		}
		sqlite3_bind_int64(s, 1, h.v[i].rid);
		if (sqlite3_step(s) == SQLITE_ROW)
			json_array_append_new(items,
				json_pack("{so so so so so so so ss ss so sI}", "code", sq_col_json(s, 0),
					  "unit", sq_col_json(s, 1), "kind", sq_col_json(s, 2), "priority",
					  sq_col_json(s, 3), "assignee", sq_col_json(s, 4), "subject",
					  sq_col_json(s, 5), "status", sq_col_json(s, 6), "target",
					  sla_target_name(h.v[i].target), "state",
					  sla_state_name(h.v[i].state), "due", time_json(h.v[i].due),
					  "left_s", (json_int_t)h.v[i].left));
		sqlite3_reset(s);
	}
	counts = json_object();
	for (int i = 0; i < SLA__MAX; i++)
		if (i != SLA_MET)
			json_object_set_new(counts, sla_state_name(i), json_integer(h.counts[i]));
	if (rc == 0)
		*ret = json_pack("{so so sI}", "items", items, "counts", counts, "checked",
				 (json_int_t)h.checked);
	else {
		json_decref(items);
		json_decref(counts);
	}
out:
	free(h.v);
	sq_reader_put(st, c);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Escalation                                                               */
/* ------------------------------------------------------------------------ */

enum level { LV_ASSIGNEE, LV_LEAD, LV_HEAD };
static const char *const level_names[] = { "assignee", "lead", "head" };
static const char *const level_vi[] = { "người phụ trách", "trưởng ca trực", "lãnh đạo phòng" };
static const char *const target_vi[] = { "phản hồi đầu tiên", "cập nhật tiếp theo", "xử lý xong" };
static const char *const target_en[] = { "first response", "next update", "resolution" };

struct person {
	int64_t id;
	char username[65], display_name[256], email[256];
};

static const char SQL_DUTY_AT[] =
	"SELECT u.id, u.username, u.display_name, u.email, u.phone FROM duty_shifts d "
	"JOIN users u ON u.id = d.user_id WHERE d.role = ?1 AND d.starts <= ?2 AND d.ends > ?2 "
	"AND u.status = 'active' ORDER BY d.starts DESC, d.id DESC LIMIT 1";
static const char SQL_ASSIGNEE_OF[] =
	"SELECT a.id, a.username, a.display_name, a.email FROM requests r "
	"JOIN users a ON a.id = r.assignee_id WHERE r.id = ?1 AND a.status = 'active'";
static const char SQL_HEAD[] =
	"SELECT u.id, u.username, u.display_name, u.email FROM sla_config c "
	"JOIN users u ON u.id = c.head_id WHERE c.id = 1 AND u.status = 'active'";

/* Fill *ret from the first row of s (id, username, display_name, email); 1 found, 0 not. */
static int person_row(sqlite3_stmt *s, struct person *ret)
{
	int rc = sqlite3_step(s);

	memset(ret, 0, sizeof(*ret));
	if (rc == SQLITE_ROW) {
		ret->id = sqlite3_column_int64(s, 0);
		snprintf(ret->username, sizeof(ret->username), "%s", sq_col_text(s, 1));
		snprintf(ret->display_name, sizeof(ret->display_name), "%s",
			 sq_col_text(s, 2) ? sq_col_text(s, 2) : "");
		snprintf(ret->email, sizeof(ret->email), "%s", sq_col_text(s, 3) ? sq_col_text(s, 3) : "");
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
}

static int on_duty(struct sq_conn *c, const char *role, int64_t now, struct person *ret)
{
	sqlite3_stmt *s = sq_stmt(c, SQL_DUTY_AT);

	if (!s)
		return -EIO;
	sq_bind_text(s, 1, role);
	sqlite3_bind_int64(s, 2, now);
	return person_row(s, ret);
}

/* Who a level reaches: the assignee (else the primary on duty), the lead on
 * duty (else the head), the head.  0 when nobody. */
static int recipient(struct sq_conn *c, int64_t rid, enum level lv, int64_t now, struct person *ret)
{
	sqlite3_stmt *s;
	int rc;

	switch (lv) {
	case LV_ASSIGNEE:
		if (!(s = sq_stmt(c, SQL_ASSIGNEE_OF)))
			return -EIO;
		sqlite3_bind_int64(s, 1, rid);
		if ((rc = person_row(s, ret)) != 0)
			return rc;
		return on_duty(c, "primary", now, ret);
	case LV_LEAD:
		if ((rc = on_duty(c, "lead", now, ret)) != 0)
			return rc;
		/* no lead on duty: the head hears of it */
		__attribute__((fallthrough));
	case LV_HEAD:
		if (!(s = sq_stmt(c, SQL_HEAD)))
			return -EIO;
		return person_row(s, ret);
	}
	return 0;
}

static const char SQL_ESC_EXISTS[] =
	"SELECT 1 FROM sla_escalations WHERE request_id = ?1 AND target = ?2 AND level = ?3 "
	"AND cycle = ?4";
static const char SQL_ESC_INSERT[] =
	"INSERT INTO sla_escalations(request_id, target, level, cycle, user_id, to_addr, due, at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char SQL_NOTE_INSERT[] =
	"INSERT INTO events(request_id, type, actor, at, internal, body) "
	"VALUES (?1, 'note', 'system', ?2, 1, ?3)";
static const char SQL_CODE_OF[] = "SELECT code, subject FROM requests WHERE id = ?1";

struct esc {
	int64_t rid, cycle, due, now;
	enum sla_target target;
	enum sla_state state;
	enum level level;
};

/* Record one escalation unless it was recorded before: note, mail, row, audit. */
static int escalate(struct sq_conn *c, const struct esc *x, struct sla_tick_result *res)
{
	sqlite3_stmt *s = sq_stmt(c, SQL_ESC_EXISTS);
	char at[TIMEFMT_SIZE], due[SLA_ISO_SIZE], code[32] = "", subject[400] = "", *body = NULL;
	struct person to;
	int64_t eid;
	int rc, found;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, x->rid);
	sq_bind_text(s, 2, sla_target_name(x->target));
	sq_bind_text(s, 3, level_names[x->level]);
	sqlite3_bind_int64(s, 4, x->cycle);
	found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_reset(s);
	if (found)
		return 0;
	if ((rc = recipient(c, x->rid, x->level, x->now, &to)) < 0)
		return rc;
	if (!(s = sq_stmt(c, SQL_CODE_OF)))
		return -EIO;
	sqlite3_bind_int64(s, 1, x->rid);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(code, sizeof(code), "%s", sq_col_text(s, 0));
		snprintf(subject, sizeof(subject), "%s", sq_col_text(s, 1));
	}
	sqlite3_reset(s);
	timefmt_iso((time_t)x->now, 0, at);
	sla_time_format(x->due, due);
	if (asprintf(&body,
		     "%s: yêu cầu %s \"%s\" %s %s (hạn %s).\n"
		     "Thông báo gửi %s: %s.\n\n"
		     "SLA %s: request %s %s its %s target (due %s); notified: %s.\n",
		     x->state == SLA_BREACHED ? "VI PHẠM SLA" : "CẢNH BÁO SLA", code, subject,
		     x->state == SLA_BREACHED ? "đã quá hạn" : "sắp đến hạn", target_vi[x->target], due,
		     level_vi[x->level], rc ? to.display_name : "(không có người nhận)",
		     x->state == SLA_BREACHED ? "breach" : "warning", code,
		     x->state == SLA_BREACHED ? "missed" : "is close to", target_en[x->target], due,
		     rc ? to.username : "nobody") < 0)
		return -ENOMEM;
	if (!(s = sq_stmt(c, SQL_NOTE_INSERT))) {
		free(body);
		return -EIO;
	}
	sqlite3_bind_int64(s, 1, x->rid);
	sq_bind_text(s, 2, at);
	sq_bind_text(s, 3, body);
	rc = sq_step_done(s);
	free(body);
	if (rc < 0)
		return rc;
	eid = sqlite3_last_insert_rowid(c->db);
	if (to.email[0]) {
		if ((rc = sq_outbox_add(c, x->rid, eid, "escalation", to.email, at)) < 0)
			return rc;
		res->mailed++;
	}
	if (!(s = sq_stmt(c, SQL_ESC_INSERT)))
		return -EIO;
	sqlite3_bind_int64(s, 1, x->rid);
	sq_bind_text(s, 2, sla_target_name(x->target));
	sq_bind_text(s, 3, level_names[x->level]);
	sqlite3_bind_int64(s, 4, x->cycle);
	sq_bind_id(s, 5, to.id);
	sq_bind_text(s, 6, to.email[0] ? to.email : NULL);
	sqlite3_bind_int64(s, 7, x->due);
	sq_bind_text(s, 8, at);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	res->escalations++;
	return sq_audit(c, at, "system", "sla.escalate", code,
			json_pack("{ss ss ss s:s? sb ss}", "target", sla_target_name(x->target),
				  "level", level_names[x->level], "state", sla_state_name(x->state),
				  "to", to.id ? to.username : NULL, "mailed", to.email[0] != 0,
				  "due", due));
}

/* The escalation levels (1 assignee, 2 lead, 4 head) a state calls for. */
static unsigned levels_needed(enum sla_state state, int64_t now, int64_t due, int64_t head_after)
{
	if (state == SLA_DUE_SOON)
		return 1;
	if (state != SLA_BREACHED)
		return 0;
	return now - due >= head_after ? 7 : 3;
}

/* esc_mark's key of a (target, cycle). */
static int64_t mark_key(int target, int64_t cycle)
{
	return cycle * 4 + target + 1;
}

static int64_t head_after_of(struct sq_conn *c)
{
	sqlite3_stmt *s = sq_stmt(c, "SELECT head_after FROM sla_config WHERE id = 1");
	int64_t v = 4 * 3600;

	if (s && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	if (s)
		sqlite3_reset(s);
	return v;
}

/* Keep only the hits that still need an escalation (by their esc_mark), so
 * that a backlog escalated before does not hide new ones past TICK_MAX. */
static void drop_done(struct sq_conn *c, int64_t now, struct hits *h)
{
	int64_t head_after = head_after_of(c);
	size_t kept = 0;

	for (size_t i = 0; i < h->n; i++) {
		const struct hit *x = &h->v[i];
		unsigned need = levels_needed(x->state, now, x->due, head_after);
		bool same = (x->mark >> 3) == mark_key(x->target, x->cycle);
		if (need & ~(same ? (unsigned)(x->mark & 7) : 0u))
			h->v[kept++] = *x;
	}
	h->n = kept;
}

struct tick_job {
	const struct hit *v;
	size_t n;
	int64_t now;
	struct sla_tick_result *res;
};

static const char SQL_MARK_SET[] = "UPDATE request_sla SET esc_mark = ?2 WHERE request_id = ?1";

static int tick_fn(struct sq_conn *c, void *arg)
{
	struct tick_job *j = arg;
	const struct sla_calendar *cal = calendar(c);
	int64_t head_after = head_after_of(c);
	int rc = 0;

	if (!cal)
		return -EIO;
	for (size_t i = 0; i < j->n && rc == 0; i++) {
		struct clock_row r;
		struct sla_eval e;
		struct esc x = { .rid = j->v[i].rid, .now = j->now };
		unsigned need, done;
		int64_t key;
		sqlite3_stmt *s;

		/* the state again, inside the transaction: it may have changed */
		if ((rc = clock_load(c, x.rid, &r)) <= 0)
			continue;
		rc = 0;
		sla_evaluate(cal, &r.p, &r.k, j->now, &e);
		if (e.state != SLA_DUE_SOON && e.state != SLA_BREACHED)
			continue;
		x.target = e.target;
		x.state = e.state;
		x.due = e.due[e.target];
		x.cycle = e.target == SLA_NEXT_UPDATE ? r.updates : 0;
		need = levels_needed(e.state, j->now, x.due, head_after);
		for (int lv = LV_ASSIGNEE; lv <= LV_HEAD && rc == 0; lv++)
			if (need & (1u << lv)) {
				x.level = (enum level)lv;
				rc = escalate(c, &x, j->res);
			}
		if (rc < 0)
			break;
		/* remember what is done for this target and cycle */
		key = mark_key(x.target, x.cycle);
		done = need | ((r.mark >> 3) == key ? (unsigned)(r.mark & 7) : 0u);
		if (!(s = sq_stmt(c, SQL_MARK_SET)))
			return -EIO;
		sqlite3_bind_int64(s, 1, x.rid);
		sqlite3_bind_int64(s, 2, key << 3 | done);
		rc = sq_step_done(s);
	}
	return rc;
}

int sq_sla_tick(struct store *base, int64_t now, struct sla_tick_result *ret)
{
	struct sq_store *st = (struct sq_store *)base;
	struct hits h = { 0 };
	struct sla_tick_result res = { 0 };
	struct tick_job j;
	struct sq_conn *c;
	int rc = 0;

	if (!(c = sq_reader_get(st, &rc)))
		return rc;
	rc = scan(c, NULL, NULL, now, (1u << SLA_DUE_SOON) | (1u << SLA_BREACHED), &h);
	if (rc == 0)
		drop_done(c, now, &h);
	sq_reader_put(st, c);
	if (rc == 0 && h.n) {
		/* the most overdue first; the rest on the next tick */
		qsort(h.v, h.n, sizeof(*h.v), hit_cmp);
		j = (struct tick_job){ h.v, h.n < TICK_MAX ? h.n : TICK_MAX, now, &res };
		rc = sq_write(st, tick_fn, &j);
	}
	res.checked = (int)h.checked;
	free(h.v);
	if (rc == 0)
		*ret = res;
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Settings: hours, holidays, head, policies                                */
/* ------------------------------------------------------------------------ */

static const char SQL_CONFIG_BUMP[] =
	"UPDATE sla_config SET version = version + 1, updated_at = ?1 WHERE id = 1";

static int config_bump(struct sq_conn *c, const char *at)
{
	sqlite3_stmt *s = sq_stmt(c, SQL_CONFIG_BUMP);

	if (!s)
		return -EIO;
	sq_bind_text(s, 1, at);
	return sq_step_done(s);
}

static json_t *policy_row(struct sq_conn *c, sqlite3_stmt *s)
{
	(void)c;
	return json_pack("{so so sI sI sI sb sI so}", "kind", sq_col_json(s, 0), "priority",
			 sq_col_json(s, 1), "first_response", (json_int_t)sqlite3_column_int64(s, 2),
			 "next_update", (json_int_t)sqlite3_column_int64(s, 3), "resolution",
			 (json_int_t)sqlite3_column_int64(s, 4), "business", sqlite3_column_int(s, 5),
			 "warn_pct", (json_int_t)sqlite3_column_int64(s, 6), "updated_at",
			 sq_col_json(s, 7));
}

static json_t *day_row(struct sq_conn *c, sqlite3_stmt *s)
{
	(void)c;
	return json_pack("{so so so}", "day", sq_col_json(s, 0), "kind", sq_col_json(s, 1), "name",
			 sq_col_json(s, 2));
}

int sq_sla_config_get(struct store *base, int year, json_t **ret)
{
	struct sq_store *st = (struct sq_store *)base;
	json_t *policies = NULL, *days = NULL, *o = NULL;
	char yearbuf[8];
	struct sq_conn *c;
	sqlite3_stmt *s;
	int rc;

	snprintf(yearbuf, sizeof(yearbuf), "%04d", year > 0 && year < 10000 ? year : 0);
	if ((rc = sq_read_rows(st, "SELECT kind, priority, first_response, next_update, resolution, "
				   "business, warn_pct, updated_at FROM sla_policies ORDER BY kind, "
				   "CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' "
				   "THEN 2 ELSE 3 END", NULL, policy_row, &policies)) < 0)
		return rc;
	if ((rc = sq_read_rows(st, "SELECT day, kind, name FROM sla_calendar ORDER BY day", NULL,
			       day_row, &days)) < 0)
		goto fail;
	if (year > 0) {
		json_t *all = days, *d;
		size_t i;
		days = json_array();
		json_array_foreach(all, i, d)
			if (!strncmp(json_string_value(json_object_get(d, "day")), yearbuf, 4))
				json_array_append(days, d);
		json_decref(all);
	}
	if (!(c = sq_reader_get(st, &rc)))
		goto fail;
	rc = -EIO;
	if ((s = sq_stmt(c, "SELECT c.hours, c.fixed_holidays, u.username, c.head_after, c.version, "
			    "c.updated_at FROM sla_config c LEFT JOIN users u ON u.id = c.head_id "
			    "WHERE c.id = 1"))) {
		if (sqlite3_step(s) == SQLITE_ROW) {
			o = json_pack("{so sb so sI sI so so so}", "hours", sq_col_json(s, 0),
				      "fixed_holidays", sqlite3_column_int(s, 1), "head", sq_col_json(s, 2),
				      "head_after", (json_int_t)sqlite3_column_int64(s, 3), "version",
				      (json_int_t)sqlite3_column_int64(s, 4), "updated_at",
				      sq_col_json(s, 5), "days", days, "policies", policies);
			days = policies = NULL;
			rc = o ? 0 : -ENOMEM;
		}
		sqlite3_reset(s);
	}
	sq_reader_put(st, c);
	if (rc == 0) {
		*ret = o;
		return 0;
	}
fail:
	json_decref(policies);
	json_decref(days);
	return rc;
}

struct config_job {
	const struct sla_config_in *in;
	const struct sla_policy_in *pol;
	const char *day, *kind, *name;
	const char *actor;
	struct store_err *err;
};

static int config_fn(struct sq_conn *c, void *arg)
{
	struct config_job *j = arg;
	const struct sla_config_in *in = j->in;
	char at[TIMEFMT_SIZE];
	int64_t head_id = 0;
	sqlite3_stmt *s;
	json_t *detail = json_object();
	int rc;

	timefmt_now(at, NULL);
	if (in->hours) {
		struct sla_calendar_in cin;
		const char *why = sla_hours_parse(in->hours, &cin);
		struct sla_calendar *cal;
		if (!why) {
			cin.fixed_holidays = false;
			cin.nholidays = cin.nworkdays = 0;
			if (sla_calendar_new(&cin, &cal, &why) == 0)
				sla_calendar_free(cal);
		}
		if (why) {
			sq_set_err(j->err, "hours", "hours '%s' %s", in->hours, why);
			json_decref(detail);
			return -EINVAL;
		}
		json_object_set_new(detail, "hours", json_string(in->hours));
	}
	if (in->set_head && in->head) {
		if (!(s = sq_stmt(c, "SELECT id FROM users WHERE username = ?1 AND role <> 'unit'"))) {
			json_decref(detail);
			return -EIO;
		}
		sq_bind_text(s, 1, in->head);
		if (sqlite3_step(s) == SQLITE_ROW)
			head_id = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		if (!head_id) {
			sq_set_err(j->err, "head", "'%s' is not an agent or admin", in->head);
			json_decref(detail);
			return -EINVAL;
		}
	}
	if (in->set_head)
		json_object_set_new(detail, "head", in->head ? json_string(in->head) : json_null());
	if (in->fixed_holidays >= 0)
		json_object_set_new(detail, "fixed_holidays", json_boolean(in->fixed_holidays));
	if (in->head_after >= 0)
		json_object_set_new(detail, "head_after", json_integer(in->head_after));
	s = sq_stmt(c, "UPDATE sla_config SET hours = coalesce(?1, hours), fixed_holidays = "
		       "CASE WHEN ?2 < 0 THEN fixed_holidays ELSE ?2 END, head_id = CASE WHEN ?3 THEN ?4 "
		       "ELSE head_id END, head_after = CASE WHEN ?5 < 0 THEN head_after ELSE ?5 END "
		       "WHERE id = 1");
	if (!s) {
		json_decref(detail);
		return -EIO;
	}
	sq_bind_text(s, 1, in->hours);
	sqlite3_bind_int(s, 2, in->fixed_holidays);
	sqlite3_bind_int(s, 3, in->set_head);
	sq_bind_id(s, 4, head_id);
	sqlite3_bind_int64(s, 5, in->head_after);
	if ((rc = sq_step_done(s)) < 0 || (rc = config_bump(c, at)) < 0) {
		json_decref(detail);
		return rc;
	}
	return sq_audit(c, at, j->actor, "sla.config", "sla", detail);
}

int sq_sla_config_set(struct store *st, const struct sla_config_in *in, const char *actor,
		      struct store_err *err)
{
	struct config_job j = { .in = in, .actor = actor, .err = err };
	return sq_write((struct sq_store *)st, config_fn, &j);
}

static int policy_fn(struct sq_conn *c, void *arg)
{
	struct config_job *j = arg;
	const struct sla_policy_in *p = j->pol;
	char at[TIMEFMT_SIZE], object[40];
	sqlite3_stmt *s;
	int rc;

	timefmt_now(at, NULL);
	s = sq_stmt(c, "UPDATE sla_policies SET first_response = CASE WHEN ?3 < 0 THEN first_response "
		       "ELSE ?3 END, next_update = CASE WHEN ?4 < 0 THEN next_update ELSE ?4 END, "
		       "resolution = CASE WHEN ?5 < 0 THEN resolution ELSE ?5 END, business = CASE "
		       "WHEN ?6 < 0 THEN business ELSE ?6 END, warn_pct = CASE WHEN ?7 < 0 THEN "
		       "warn_pct ELSE ?7 END, updated_at = ?8 WHERE kind = ?1 AND priority = ?2");
	if (!s)
		return -EIO;
	sq_bind_text(s, 1, p->kind);
	sq_bind_text(s, 2, p->priority);
	sqlite3_bind_int64(s, 3, p->first_response);
	sqlite3_bind_int64(s, 4, p->next_update);
	sqlite3_bind_int64(s, 5, p->resolution);
	sqlite3_bind_int(s, 6, p->business);
	sqlite3_bind_int(s, 7, p->warn_pct);
	sq_bind_text(s, 8, at);
	if ((rc = sq_step_done(s)) < 0) {
		if (rc == -EINVAL)
			sq_set_err(j->err, NULL, "targets must be positive and warn_pct 0 to 100");
		return rc;
	}
	if (sqlite3_changes(c->db) == 0)
		return -ENOENT;
	if ((rc = config_bump(c, at)) < 0)
		return rc;
	snprintf(object, sizeof(object), "%s/%s", p->kind, p->priority);
	return sq_audit(c, at, j->actor, "sla.policy", object,
			json_pack("{sI sI sI si si}", "first_response", (json_int_t)p->first_response,
				  "next_update", (json_int_t)p->next_update, "resolution",
				  (json_int_t)p->resolution, "business", p->business, "warn_pct",
				  p->warn_pct));
}

int sq_sla_policy_set(struct store *st, const struct sla_policy_in *in, const char *actor,
		      struct store_err *err)
{
	struct config_job j = { .pol = in, .actor = actor, .err = err };
	return sq_write((struct sq_store *)st, policy_fn, &j);
}

static int day_fn(struct sq_conn *c, void *arg)
{
	struct config_job *j = arg;
	char at[TIMEFMT_SIZE];
	sqlite3_stmt *s;
	int rc;

	timefmt_now(at, NULL);
	if (j->kind)
		s = sq_stmt(c, "INSERT INTO sla_calendar(day, kind, name) VALUES (?1, ?2, ?3) "
			       "ON CONFLICT(day) DO UPDATE SET kind = excluded.kind, name = excluded.name");
	else
		s = sq_stmt(c, "DELETE FROM sla_calendar WHERE day = ?1");
	if (!s)
		return -EIO;
	sq_bind_text(s, 1, j->day);
	if (j->kind) {
		sq_bind_text(s, 2, j->kind);
		sq_bind_text(s, 3, j->name ? j->name : "");
	}
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	if (!j->kind && sqlite3_changes(c->db) == 0)
		return -ENOENT;
	if ((rc = config_bump(c, at)) < 0)
		return rc;
	return sq_audit(c, at, j->actor, j->kind ? "sla.day.set" : "sla.day.delete", j->day,
			json_pack("{s:s? s:s?}", "kind", j->kind, "name", j->name));
}

int sq_sla_day_set(struct store *st, const char *day, const char *kind, const char *name,
		   const char *actor, struct store_err *err)
{
	struct config_job j = { .day = day, .kind = kind, .name = name, .actor = actor, .err = err };
	int32_t d;

	if (sla_day_parse(day, &d) < 0) {
		sq_set_err(err, "day", "'%s' is not a date (YYYY-MM-DD)", day ? day : "");
		return -EINVAL;
	}
	if (kind && strcmp(kind, "holiday") && strcmp(kind, "workday")) {
		sq_set_err(err, "kind", "kind must be 'holiday' or 'workday', not '%s'", kind);
		return -EINVAL;
	}
	return sq_write((struct sq_store *)st, day_fn, &j);
}

/* ------------------------------------------------------------------------ */
/* Duty roster                                                              */
/* ------------------------------------------------------------------------ */

struct duty_job {
	const struct duty_in *in;
	int64_t id;
	const char *actor;
	struct store_err *err;
};

static int duty_add_fn(struct sq_conn *c, void *arg)
{
	struct duty_job *j = arg;
	const struct duty_in *in = j->in;
	sqlite3_stmt *s = sq_stmt(c, "SELECT id FROM users WHERE username = ?1 AND role <> 'unit' "
				     "AND status = 'active'");
	char at[TIMEFMT_SIZE], from[SLA_ISO_SIZE], to[SLA_ISO_SIZE];
	int64_t uid = 0;
	int rc;

	if (!s)
		return -EIO;
	sq_bind_text(s, 1, in->username);
	if (sqlite3_step(s) == SQLITE_ROW)
		uid = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (!uid) {
		sq_set_err(j->err, "username", "'%s' is not an active agent or admin", in->username);
		return -EINVAL;
	}
	timefmt_now(at, NULL);
	if (!(s = sq_stmt(c, "INSERT INTO duty_shifts(user_id, role, starts, ends, note, created_at) "
			     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")))
		return -EIO;
	sqlite3_bind_int64(s, 1, uid);
	sq_bind_text(s, 2, in->role);
	sqlite3_bind_int64(s, 3, in->starts);
	sqlite3_bind_int64(s, 4, in->ends);
	sq_bind_text(s, 5, in->note);
	sq_bind_text(s, 6, at);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	j->id = sqlite3_last_insert_rowid(c->db);
	sla_time_format(in->starts, from);
	sla_time_format(in->ends, to);
	return sq_audit(c, at, j->actor, "duty.add", in->username,
			json_pack("{sI ss ss ss}", "id", (json_int_t)j->id, "role", in->role, "starts",
				  from, "ends", to));
}

int sq_duty_add(struct store *st, const struct duty_in *in, const char *actor, int64_t *ret_id,
		struct store_err *err)
{
	struct duty_job j = { .in = in, .actor = actor, .err = err };
	int rc;

	if (!in->role || (strcmp(in->role, "primary") && strcmp(in->role, "backup") &&
			  strcmp(in->role, "lead"))) {
		sq_set_err(err, "role", "role must be primary, backup or lead");
		return -EINVAL;
	}
	if (in->ends <= in->starts) {
		sq_set_err(err, "ends", "a shift must end after it starts");
		return -EINVAL;
	}
	rc = sq_write((struct sq_store *)st, duty_add_fn, &j);
	if (rc == 0 && ret_id)
		*ret_id = j.id;
	return rc;
}

static int duty_delete_fn(struct sq_conn *c, void *arg)
{
	struct duty_job *j = arg;
	sqlite3_stmt *s = sq_stmt(c, "DELETE FROM duty_shifts WHERE id = ?1 RETURNING "
				     "(SELECT username FROM users WHERE id = user_id), role");
	char at[TIMEFMT_SIZE], user[65] = "", role[16] = "";
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, j->id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		snprintf(user, sizeof(user), "%s", sq_col_text(s, 0) ? sq_col_text(s, 0) : "");
		snprintf(role, sizeof(role), "%s", sq_col_text(s, 1));
		rc = sqlite3_step(s);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return sq_map_rc(rc);
	if (!user[0] && !role[0])
		return -ENOENT;
	timefmt_now(at, NULL);
	return sq_audit(c, at, j->actor, "duty.delete", user,
			json_pack("{sI ss}", "id", (json_int_t)j->id, "role", role));
}

int sq_duty_delete(struct store *st, int64_t id, const char *actor)
{
	struct duty_job j = { .id = id, .actor = actor };
	return sq_write((struct sq_store *)st, duty_delete_fn, &j);
}

int sq_duty_list(struct store *base, int64_t from, int64_t to, json_t **ret)
{
	struct sq_store *st = (struct sq_store *)base;
	struct sq_conn *c;
	sqlite3_stmt *s;
	json_t *items;
	int rc = 0, step;

	if (!(c = sq_reader_get(st, &rc)))
		return rc;
	if (!(s = sq_stmt(c, "SELECT d.id, u.username, u.display_name, d.role, d.starts, d.ends, d.note "
			     "FROM duty_shifts d JOIN users u ON u.id = d.user_id WHERE d.ends > ?1 AND "
			     "d.starts < ?2 ORDER BY d.starts, CASE d.role WHEN 'lead' THEN 0 WHEN "
			     "'primary' THEN 1 ELSE 2 END, d.id LIMIT 5000"))) {
		sq_reader_put(st, c);
		return -EIO;
	}
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	items = json_array();
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		json_array_append_new(items,
			json_pack("{sI so so so so so so}", "id", (json_int_t)sqlite3_column_int64(s, 0),
				  "username", sq_col_json(s, 1), "display_name", sq_col_json(s, 2),
				  "role", sq_col_json(s, 3), "starts", time_json(sqlite3_column_int64(s, 4)),
				  "ends", time_json(sqlite3_column_int64(s, 5)), "note", sq_col_json(s, 6)));
	sqlite3_reset(s);
	sq_reader_put(st, c);
	if (step != SQLITE_DONE) {
		json_decref(items);
		return sq_map_rc(step);
	}
	*ret = items;
	return 0;
}

static json_t *person_json(struct sq_conn *c, sqlite3_stmt *s)
{
	json_t *o = NULL;

	(void)c;
	if (sqlite3_step(s) == SQLITE_ROW)
		o = json_pack("{so so so so}", "username", sq_col_json(s, 1), "display_name",
			      sq_col_json(s, 2), "email", sq_col_json(s, 3), "phone", sq_col_json(s, 4));
	sqlite3_reset(s);
	return o ? o : json_null();
}

int sq_duty_now(struct store *base, int64_t now, json_t **ret)
{
	struct sq_store *st = (struct sq_store *)base;
	static const char *const roles[] = { "primary", "backup", "lead" };
	struct sq_conn *c;
	sqlite3_stmt *s;
	json_t *o = json_object();
	int rc = 0;

	if (!(c = sq_reader_get(st, &rc))) {
		json_decref(o);
		return rc;
	}
	for (size_t i = 0; i < 3 && rc == 0; i++) {
		if (!(s = sq_stmt(c, SQL_DUTY_AT))) {
			rc = -EIO;
			break;
		}
		sq_bind_text(s, 1, roles[i]);
		sqlite3_bind_int64(s, 2, now);
		json_object_set_new(o, roles[i], person_json(c, s));
	}
	if (rc == 0 && (s = sq_stmt(c, "SELECT u.id, u.username, u.display_name, u.email, u.phone "
				       "FROM sla_config k JOIN users u ON u.id = k.head_id WHERE k.id = 1")))
		json_object_set_new(o, "head", person_json(c, s));
	else if (rc == 0)
		rc = -EIO;
	sq_reader_put(st, c);
	if (rc < 0) {
		json_decref(o);
		return rc;
	}
	*ret = o;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Statistics                                                               */
/* ------------------------------------------------------------------------ */

#define STATS_WHERE                                                                              \
	"r.created_at >= ?1 AND r.created_at < ?2 AND " IN_SCOPE("?3")

static const char SQL_HAS_INCIDENTS[] =
	"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'incidents'";
static const char SQL_BY_CATEGORY[] =
	"SELECT coalesce(i.category, 'uncategorised'), count(*) FROM requests r "
	"LEFT JOIN incidents i ON i.request_id = r.id LEFT JOIN units u ON u.id = r.unit_id "
	"WHERE (r.kind = 'incident' OR i.request_id IS NOT NULL) AND " STATS_WHERE
	" GROUP BY 1 ORDER BY 2 DESC, 1";
static const char SQL_BY_CATEGORY_NONE[] =
	"SELECT 'uncategorised', count(*) FROM requests r LEFT JOIN units u ON u.id = r.unit_id "
	"WHERE r.kind = 'incident' AND " STATS_WHERE " HAVING count(*) > 0";
static const char SQL_BY_UNIT[] =
	"SELECT u.code, u.name, count(*) FROM requests r LEFT JOIN units u ON u.id = r.unit_id "
	"WHERE " STATS_WHERE " GROUP BY r.unit_id ORDER BY 3 DESC, 1";
static const char SQL_BY_MONTH[] =
	"SELECT strftime('%Y-%m', r.created_at, '+7 hours'), count(*) FROM requests r "
	"LEFT JOIN units u ON u.id = r.unit_id WHERE " STATS_WHERE " GROUP BY 1 ORDER BY 1";
static const char SQL_FIRST_RESPONSE[] =
	"SELECT s.first_response_at - s.started_at FROM request_sla s JOIN requests r ON r.id = "
	"s.request_id LEFT JOIN units u ON u.id = r.unit_id WHERE s.first_response_at IS NOT NULL "
	"AND " STATS_WHERE " ORDER BY 1";
static const char SQL_RESOLUTION[] =
	"SELECT s.resolved_at - s.started_at FROM request_sla s JOIN requests r ON r.id = "
	"s.request_id LEFT JOIN units u ON u.id = r.unit_id WHERE s.resolved_at IS NOT NULL "
	"AND s.open = 0 AND " STATS_WHERE " ORDER BY 1";
static const char SQL_COMPLIANCE[] =
	"SELECT s.policy_id, s.running_since, s.elapsed, s.since_update, s.paused, s.late, "
	"s.first_response_at IS NOT NULL, s.open FROM request_sla s JOIN requests r ON r.id = "
	"s.request_id LEFT JOIN units u ON u.id = r.unit_id WHERE " STATS_WHERE;

struct stats_q {
	const char *from, *to, *scope;
	int64_t now;
};

static sqlite3_stmt *stats_stmt(struct sq_conn *c, const char *sql, const struct stats_q *q)
{
	sqlite3_stmt *s = sq_stmt(c, sql);

	if (s) {
		sq_bind_text(s, 1, q->from);
		sq_bind_text(s, 2, q->to);
		sq_bind_text(s, 3, q->scope);
	}
	return s;
}

/* [{"key", "count"}] from a (key, count) query; with_name: (key, name, count). */
static int counts_of(struct sq_conn *c, const char *sql, const struct stats_q *q, bool with_name,
		     json_t **ret)
{
	sqlite3_stmt *s = stats_stmt(c, sql, q);
	json_t *a = json_array();
	int rc;

	if (!s) {
		json_decref(a);
		return -EIO;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (with_name)
			json_array_append_new(a, json_pack("{so so sI}", "key", sq_col_json(s, 0), "name",
							   sq_col_json(s, 1), "count",
							   (json_int_t)sqlite3_column_int64(s, 2)));
		else
			json_array_append_new(a, json_pack("{so sI}", "key", sq_col_json(s, 0), "count",
							   (json_int_t)sqlite3_column_int64(s, 1)));
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		json_decref(a);
		return sq_map_rc(rc);
	}
	*ret = a;
	return 0;
}

/* {"count", "median_s", "p90_s"} of the sorted durations a query returns. */
static int durations_of(struct sq_conn *c, const char *sql, const struct stats_q *q, json_t **ret)
{
	sqlite3_stmt *s = stats_stmt(c, sql, q);
	int64_t *v = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if (!s)
		return -EIO;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			int64_t *nv = realloc(v, (cap = cap ? cap * 2 : 256) * sizeof(*v));
			if (!nv) {
				rc = SQLITE_NOMEM;
				break;
			}
			v = nv;
		}
		v[n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		free(v);
		return sq_map_rc(rc);
	}
	*ret = n ? json_pack("{sI sI sI}", "count", (json_int_t)n, "median_s",
			     (json_int_t)sla_percentile(v, n, 50), "p90_s",
			     (json_int_t)sla_percentile(v, n, 90))
		 : json_pack("{si sn sn}", "count", 0, "median_s", "p90_s");
	free(v);
	return 0;
}

/* Met: resolved with every target kept; breached: a target missed, or
 * overdue now while still open; open requests on time are in progress. */
static int compliance_of(struct sq_conn *c, const struct stats_q *q, json_t **ret)
{
	const struct sla_calendar *cal = calendar(c);
	struct policies *pol = malloc(sizeof(*pol));
	sqlite3_stmt *s;
	int64_t met = 0, breached = 0, progress = 0;
	int rc;

	if (!pol)
		return -ENOMEM;
	if (!cal || (rc = policies_load(c, pol)) < 0 || !(s = stats_stmt(c, SQL_COMPLIANCE, q))) {
		free(pol);
		return -EIO;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const struct sla_policy *p = policy_find(pol, sqlite3_column_int64(s, 0));
		struct sla_clock k = {
			.running_since = sqlite3_column_int64(s, 1),
			.elapsed = sqlite3_column_int64(s, 2),
			.since_update = sqlite3_column_int64(s, 3),
			.paused = sqlite3_column_int(s, 4) != 0,
			.late = sqlite3_column_int(s, 5) != 0,
			.responded = sqlite3_column_int(s, 6) != 0,
			.open = sqlite3_column_int(s, 7) != 0,
		};
		struct sla_eval e;

		if (!p)
			continue;
		sla_evaluate(cal, p, &k, q->now, &e);
		if (e.state == SLA_MET)
			met++;
		else if (e.state == SLA_BREACHED || k.late)
			breached++;
		else
			progress++;
	}
	sqlite3_reset(s);
	free(pol);
	if (rc != SQLITE_DONE)
		return sq_map_rc(rc);
	*ret = json_pack("{sI sI sI so}", "met", (json_int_t)met, "breached", (json_int_t)breached,
			 "in_progress", (json_int_t)progress, "ratio",
			 met + breached ? json_real((double)met / (double)(met + breached)) : json_null());
	return 0;
}

int sq_stats(struct store *base, int64_t from, int64_t to, const char *scope, int64_t now,
	     json_t **ret)
{
	struct sq_store *st = (struct sq_store *)base;
	char f[TIMEFMT_SIZE], t[TIMEFMT_SIZE], ff[SLA_ISO_SIZE], tt[SLA_ISO_SIZE];
	struct stats_q q = { f, t, scope, now };
	json_t *cat = NULL, *unit = NULL, *month = NULL, *fr = NULL, *res = NULL, *comp = NULL;
	struct sq_conn *c;
	sqlite3_stmt *s;
	int rc = 0, has_incidents = 0;

	timefmt_iso((time_t)from, 0, f);
	timefmt_iso((time_t)to, 0, t);
	if (!(c = sq_reader_get(st, &rc)))
		return rc;
	if ((s = sq_stmt(c, SQL_HAS_INCIDENTS))) {
		if (sqlite3_step(s) == SQLITE_ROW)
			has_incidents = sqlite3_column_int(s, 0);
		sqlite3_reset(s);
	}
	if ((rc = counts_of(c, has_incidents ? SQL_BY_CATEGORY : SQL_BY_CATEGORY_NONE, &q, false,
			    &cat)) < 0 ||
	    (rc = counts_of(c, SQL_BY_UNIT, &q, true, &unit)) < 0 ||
	    (rc = counts_of(c, SQL_BY_MONTH, &q, false, &month)) < 0 ||
	    (rc = durations_of(c, SQL_FIRST_RESPONSE, &q, &fr)) < 0 ||
	    (rc = durations_of(c, SQL_RESOLUTION, &q, &res)) < 0 ||
	    (rc = compliance_of(c, &q, &comp)) < 0) {
		json_decref(cat);
		json_decref(unit);
		json_decref(month);
		json_decref(fr);
		json_decref(res);
		sq_reader_put(st, c);
		return rc;
	}
	sq_reader_put(st, c);
	sla_time_format(from, ff);
	sla_time_format(to, tt);
	*ret = json_pack("{ss ss so so so so so so}", "from", ff, "to", tt, "by_category", cat,
			 "by_unit", unit, "by_month", month, "first_response", fr, "resolution", res,
			 "sla_compliance", comp);
	return *ret ? 0 : -ENOMEM;
}
