/*
 * sla.c — bench/sla: recompute the SLA state of N open requests.
 *
 *   bench_sla gen DB N      a database with N open requests over the last 30
 *                           days, each with its events (created; for some a
 *                           reply from support, a pause while pending) and
 *                           the SLA clock the writer would have kept
 *   bench_sla run DB        time, at one `now`:
 *     ours       store_sla_list over every open request (read the clock rows,
 *                evaluate each with the prefix-summed calendar, sort the due
 *                soon and breached), as GET /api/v1/sla does;
 *     arith      the evaluation alone, over the clocks already in memory;
 *     baseline   the naive way: for each request read its events, replay
 *                them, and count business time by walking the calendar day
 *                by day (holidays looked up per day), then walk forward
 *                again for the due time;
 *   and check that both ways reach the same states.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sla.h"
#include "store/store.h"

#define DAY 86400

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, sqlite3 *db)
{
	fprintf(stderr, "bench_sla: %s: %s\n", what, db ? sqlite3_errmsg(db) : "failed");
	exit(1);
}

/* The moment every figure is taken at: Monday 2026-11-23 10:00, Hà Nội. */
static const int64_t NOW = 1795230000 + 2 * DAY;

struct pol {
	int64_t id;
	char kind[16], prio[16];
	struct sla_policy p;
};

static int load_policies(sqlite3 *db, struct pol *v)
{
	sqlite3_stmt *s;
	int n = 0;

	if (sqlite3_prepare_v2(db, "SELECT id, kind, priority, first_response, next_update, "
			       "resolution, business, warn_pct FROM sla_policies ORDER BY id", -1, &s,
			       NULL) != SQLITE_OK)
		die("policies", db);
	while (sqlite3_step(s) == SQLITE_ROW && n < 64) {
		v[n].id = sqlite3_column_int64(s, 0);
		snprintf(v[n].kind, sizeof(v[n].kind), "%s", sqlite3_column_text(s, 1));
		snprintf(v[n].prio, sizeof(v[n].prio), "%s", sqlite3_column_text(s, 2));
		v[n].p.first_response = sqlite3_column_int64(s, 3);
		v[n].p.next_update = sqlite3_column_int64(s, 4);
		v[n].p.resolution = sqlite3_column_int64(s, 5);
		v[n].p.business = sqlite3_column_int(s, 6);
		v[n].p.warn_pct = sqlite3_column_int(s, 7);
		n++;
	}
	sqlite3_finalize(s);
	return n;
}

/* Holidays and working days of the database, sorted day numbers. */
struct days {
	int32_t hol[20000], work[20000];
	size_t nh, nw;
};

static int cmp32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

static void load_days(sqlite3 *db, struct days *d)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(db, "SELECT day, kind FROM sla_calendar", -1, &s, NULL) != SQLITE_OK)
		die("calendar", db);
	d->nh = d->nw = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		int32_t day;
		if (sla_day_parse((const char *)sqlite3_column_text(s, 0), &day) < 0)
			continue;
		if (!strcmp((const char *)sqlite3_column_text(s, 1), "workday"))
			d->work[d->nw++] = day;
		else
			d->hol[d->nh++] = day;
	}
	sqlite3_finalize(s);
	qsort(d->hol, d->nh, sizeof(int32_t), cmp32);
	qsort(d->work, d->nw, sizeof(int32_t), cmp32);
}

static struct sla_calendar *calendar(const struct days *d)
{
	struct sla_calendar_in in;
	struct sla_calendar *cal;
	const char *why;

	sla_calendar_in_default(&in);
	in.holidays = d->hol, in.nholidays = d->nh;
	in.workdays = d->work, in.nworkdays = d->nw;
	if (sla_calendar_new(&in, &cal, &why) < 0)
		die(why, NULL);
	return cal;
}

/* ------------------------------------------------------------------------ */
/* gen                                                                      */
/* ------------------------------------------------------------------------ */

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return rng;
}

static void iso(int64_t t, char buf[32])
{
	struct tm tm;
	time_t tt = (time_t)t;

	gmtime_r(&tt, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

static int gen(const char *path, long n)
{
	struct store_err err = { 0 };
	struct store *st;
	struct pol pol[64];
	struct days *days = malloc(sizeof(*days));
	struct sla_calendar *cal;
	sqlite3 *db;
	sqlite3_stmt *rq, *ev, *cl;
	int from, to, npol;
	double t0 = now_s();

	if (store_open(path, STORE_CREATE | STORE_NOSYNC, &st, &err) < 0 ||
	    store_migrate(st, &from, &to) < 0)
		die(err.message, NULL);
	store_close(st);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die("open", db);
	sqlite3_exec(db, "PRAGMA synchronous=OFF; PRAGMA journal_mode=WAL; BEGIN", NULL, NULL, NULL);
	npol = load_policies(db, pol);
	load_days(db, days);
	cal = calendar(days);
	if (sqlite3_prepare_v2(db, "INSERT INTO requests(id, code, kind, subject, description, "
			       "requester_email, channel, priority, status, created_at, updated_at) VALUES "
			       "(?1, ?2, ?3, 'Yêu cầu thử', 'Mô tả', 'x@example.gov.vn', 'api', ?4, ?5, ?6, ?7)",
			       -1, &rq, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO events(request_id, type, actor, at, internal, direction, "
			       "body, old_value, new_value) VALUES (?1, ?2, 'bench', ?3, 0, ?4, ?5, ?6, ?7)",
			       -1, &ev, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO request_sla(request_id, policy_id, started_at, "
			       "running_since, elapsed, since_update, updates, first_response_at, open, "
			       "paused, late) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?10)",
			       -1, &cl, NULL) != SQLITE_OK)
		die("prepare", db);
	for (long i = 1; i <= n; i++) {
		const struct pol *p = &pol[rnd() % (uint64_t)npol];
		int64_t created = NOW - 60 - (int64_t)(rnd() % (30 * DAY)), t1 = 0, t2 = 0;
		struct sla_clock k = { .open = true };
		unsigned shape = (unsigned)(rnd() % 10);
		char code[40], a[32], b[32], c[32];
		const char *status = "new";

		/* 0-5: untouched; 6-7: answered; 8-9: answered, then waiting */
		sla_clock_advance(cal, &p->p, &k, created, false, SLA_RUNNING);
		if (shape >= 6) {
			t1 = created + (int64_t)(rnd() % (uint64_t)(NOW - created));
			sla_clock_advance(cal, &p->p, &k, t1, true, SLA_RUNNING);
			status = "open";
		}
		if (shape >= 8) {
			t2 = t1 + (int64_t)(rnd() % (uint64_t)(NOW - t1));
			sla_clock_advance(cal, &p->p, &k, t2, false, SLA_WAITING);
			status = "pending";
		}
		snprintf(code, sizeof(code), "SD261101-%06ld", i % 1000000);
		if (i >= 1000000)
			snprintf(code, sizeof(code), "SD2611%02ld-%06ld", 1 + i / 1000000, i % 1000000);
		iso(created, a);
		sqlite3_bind_int64(rq, 1, i);
		sqlite3_bind_text(rq, 2, code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(rq, 3, p->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(rq, 4, p->prio, -1, SQLITE_STATIC);
		sqlite3_bind_text(rq, 5, status, -1, SQLITE_STATIC);
		sqlite3_bind_text(rq, 6, a, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(rq, 7, a, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(rq) != SQLITE_DONE)
			die("insert request", db);
		sqlite3_reset(rq);
		/* the events a naive reader replays */
		for (int e = 0; e < 1 + (t1 != 0) + 2 * (t2 != 0); e++) {
			const char *type = e == 0 ? "created" : e == 1 ? "message" : "status";
			sqlite3_bind_int64(ev, 1, i);
			sqlite3_bind_text(ev, 2, type, -1, SQLITE_STATIC);
			iso(e == 0 ? created : e == 1 ? t1 : t2, b);
			sqlite3_bind_text(ev, 3, b, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ev, 4, e == 1 ? "out" : NULL, -1, SQLITE_STATIC);
			sqlite3_bind_text(ev, 5, e == 1 ? "Đang xử lý" : NULL, -1, SQLITE_STATIC);
			sqlite3_bind_text(ev, 6, e == 2 ? "new" : e == 3 ? "open" : NULL, -1, SQLITE_STATIC);
			sqlite3_bind_text(ev, 7, e == 0 ? "new" : e == 2 ? "open" : e == 3 ? "pending" : NULL, -1,
					  SQLITE_STATIC);
			if (e == 2) /* the reply opened it: status new -> open at t1 */
				iso(t1, c), sqlite3_bind_text(ev, 3, c, -1, SQLITE_TRANSIENT);
			if (sqlite3_step(ev) != SQLITE_DONE)
				die("insert event", db);
			sqlite3_reset(ev);
		}
		sqlite3_bind_int64(cl, 1, i);
		sqlite3_bind_int64(cl, 2, p->id);
		sqlite3_bind_int64(cl, 3, created);
		if (k.running_since)
			sqlite3_bind_int64(cl, 4, k.running_since);
		else
			sqlite3_bind_null(cl, 4);
		sqlite3_bind_int64(cl, 5, k.elapsed);
		sqlite3_bind_int64(cl, 6, k.since_update);
		sqlite3_bind_int64(cl, 7, t1 ? 1 : 0);
		if (t1)
			sqlite3_bind_int64(cl, 8, t1);
		else
			sqlite3_bind_null(cl, 8);
		sqlite3_bind_int(cl, 9, k.paused);
		sqlite3_bind_int(cl, 10, k.late);
		if (sqlite3_step(cl) != SQLITE_DONE)
			die("insert clock", db);
		sqlite3_reset(cl);
		if (i % 100000 == 0) {
			sqlite3_exec(db, "COMMIT; BEGIN", NULL, NULL, NULL);
			fprintf(stderr, "\r%ld requests", i);
		}
	}
	sqlite3_finalize(rq);
	sqlite3_finalize(ev);
	sqlite3_finalize(cl);
	if (sqlite3_exec(db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE); ANALYZE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		die("commit", db);
	sqlite3_close(db);
	sla_calendar_free(cal);
	free(days);
	fprintf(stderr, "\r%ld requests generated in %.1f s\n", n, now_s() - t0);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* The naive baseline                                                       */
/* ------------------------------------------------------------------------ */

/* Fixed-date holidays and their compensation, as the calendar does, but
 * found by scanning a list for each day. */
static bool naive_holiday(const struct days *d, int32_t day, const struct sla_calendar *ref)
{
	/* the entered dates, by binary search in the list */
	if (bsearch(&day, d->hol, d->nh, sizeof(int32_t), cmp32))
		return true;
	/* the fixed-date rules: the reference calendar answers them (a naive
	 * implementation would test 1/1, 30/4, ... here; the cost is the same
	 * order, one lookup per day) */
	return sla_is_holiday(ref, day);
}

static bool naive_workday(const struct days *d, int32_t day)
{
	return bsearch(&day, d->work, d->nw, sizeof(int32_t), cmp32) != NULL;
}

/* Business seconds in [from, to): day by day, period by period. */
static int64_t naive_elapsed(const struct days *d, const struct sla_calendar *ref, int64_t from,
			     int64_t to)
{
	static const int32_t per[2][2] = { { 27000, 41400 }, { 46800, 61200 } };
	int64_t sum = 0;

	if (to <= from)
		return 0;
	for (int32_t day = sla_local_day(from); day <= sla_local_day(to - 1); day++) {
		int64_t base = (int64_t)day * DAY - SLA_TZ_OFFSET;
		int w = sla_weekday(day);
		if (!naive_workday(d, day) && (w >= 5 || naive_holiday(d, day, ref)))
			continue;
		for (int i = 0; i < 2; i++) {
			int64_t a = base + per[i][0], b = base + per[i][1];
			if (a < from)
				a = from;
			if (b > to)
				b = to;
			if (b > a)
				sum += b - a;
		}
	}
	return sum;
}

/* The time `secs` business seconds after `start`, walking forward. */
static int64_t naive_add(const struct days *d, const struct sla_calendar *ref, int64_t start,
			 int64_t secs)
{
	static const int32_t per[2][2] = { { 27000, 41400 }, { 46800, 61200 } };

	if (secs <= 0)
		return start;
	for (int32_t day = sla_local_day(start);; day++) {
		int64_t base = (int64_t)day * DAY - SLA_TZ_OFFSET;
		int w = sla_weekday(day);
		if (!naive_workday(d, day) && (w >= 5 || naive_holiday(d, day, ref)))
			continue;
		for (int i = 0; i < 2; i++) {
			int64_t a = base + per[i][0], b = base + per[i][1];
			if (a < start)
				a = start;
			if (b <= a)
				continue;
			if (secs <= b - a)
				return a + secs;
			secs -= b - a;
		}
	}
}

static int64_t parse_iso(const char *s)
{
	int64_t t = 0;

	sla_time_parse(s, &t);
	return t;
}

struct counts {
	long v[SLA__MAX];
};

static void baseline(sqlite3 *db, const struct pol *pol, int npol, const struct days *d,
		     const struct sla_calendar *ref, struct counts *out)
{
	sqlite3_stmt *rs, *es;

	if (sqlite3_prepare_v2(db, "SELECT r.id, p.id FROM requests r JOIN sla_policies p ON "
			       "p.kind = r.kind AND p.priority = r.priority WHERE r.status IN ('new', "
			       "'open', 'pending')", -1, &rs, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT type, at, direction, new_value FROM events WHERE "
			       "request_id = ?1 ORDER BY id", -1, &es, NULL) != SQLITE_OK)
		die("prepare baseline", db);
	while (sqlite3_step(rs) == SQLITE_ROW) {
		int64_t rid = sqlite3_column_int64(rs, 0), pid = sqlite3_column_int64(rs, 1);
		const struct sla_policy *p = NULL;
		int64_t run_from = 0, elapsed = 0, since_update = 0, left, due_b, len;
		bool responded = false, paused = false;
		enum sla_state state = SLA_OK;

		for (int i = 0; i < npol; i++)
			if (pol[i].id == pid)
				p = &pol[i].p;
		sqlite3_bind_int64(es, 1, rid);
		while (sqlite3_step(es) == SQLITE_ROW) {
			const char *type = (const char *)sqlite3_column_text(es, 0);
			int64_t at = parse_iso((const char *)sqlite3_column_text(es, 1));
			int64_t seg = run_from ? (p->business ? naive_elapsed(d, ref, run_from, at)
							      : at - run_from) : 0;
			elapsed += seg;
			since_update += seg;
			if (run_from)
				run_from = at;
			if (!strcmp(type, "created")) {
				run_from = at;
			} else if (!strcmp(type, "message") && sqlite3_column_text(es, 2) &&
				   !strcmp((const char *)sqlite3_column_text(es, 2), "out")) {
				responded = true;
				since_update = 0;
			} else if (!strcmp(type, "status")) {
				const char *to = (const char *)sqlite3_column_text(es, 3);
				paused = !strcmp(to, "pending");
				run_from = paused ? 0 : run_from ? run_from : at;
			}
		}
		sqlite3_reset(es);
		if (run_from) {
			int64_t seg = p->business ? naive_elapsed(d, ref, run_from, NOW) : NOW - run_from;
			elapsed += seg;
			since_update += seg;
		}
		/* the nearest target and its due time */
		len = responded && p->next_update ? p->next_update : p->first_response;
		due_b = len - (responded && p->next_update ? since_update : elapsed);
		if (p->resolution - elapsed < due_b)
			due_b = p->resolution - elapsed, len = p->resolution;
		left = due_b;
		if (left > 0) /* the due time, walking forward (what the list shows) */
			(void)(p->business ? naive_add(d, ref, NOW, left) : NOW + left);
		if (paused)
			state = SLA_PAUSED;
		else if (left <= 0)
			state = SLA_BREACHED;
		else if (left * 100 <= len * p->warn_pct)
			state = SLA_DUE_SOON;
		/* a further-away target may be due soon while the nearest is not */
		if (state == SLA_OK && !paused) {
			int64_t l2 = p->resolution - elapsed;
			if (l2 > 0 && l2 * 100 <= p->resolution * p->warn_pct)
				state = SLA_DUE_SOON;
		}
		out->v[state]++;
	}
	sqlite3_finalize(rs);
	sqlite3_finalize(es);
}

/* ------------------------------------------------------------------------ */
/* run                                                                      */
/* ------------------------------------------------------------------------ */

static int run(const char *path)
{
	struct store_err err = { 0 };
	struct sla_filter f = { .state = -1, .limit = 100, .now = NOW };
	struct store *st;
	struct pol pol[64];
	struct days *days = malloc(sizeof(*days));
	struct sla_calendar *cal;
	struct counts base = { { 0 } }, arith = { { 0 } };
	sqlite3 *db;
	json_t *out, *counts;
	double t0, t_ours, t_warm, t_arith, t_base, t_load;
	int npol;
	long n = 0, cap = 1 << 20;
	struct row {
		struct sla_clock k;
		int pol;
	} *rows;

	if (store_open(path, 0, &st, &err) < 0)
		die(err.message, NULL);
	/* ours, cold then warm (the server keeps its connections and calendar) */
	t0 = now_s();
	if (store_sla_list(st, &f, &out) < 0)
		die("sla_list", NULL);
	t_ours = now_s() - t0;
	json_decref(out);
	t0 = now_s();
	if (store_sla_list(st, &f, &out) < 0)
		die("sla_list", NULL);
	t_warm = now_s() - t0;
	counts = json_object_get(out, "counts");

	/* the arithmetic alone, over clocks in memory */
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die("open", db);
	npol = load_policies(db, pol);
	load_days(db, days);
	cal = calendar(days);
	rows = malloc((size_t)cap * sizeof(*rows));
	{
		sqlite3_stmt *s;
		t0 = now_s();
		sqlite3_prepare_v2(db, "SELECT policy_id, running_since, elapsed, since_update, paused, "
				   "late, first_response_at IS NOT NULL FROM request_sla WHERE open = 1",
				   -1, &s, NULL);
		while (sqlite3_step(s) == SQLITE_ROW) {
			if (n == cap)
				rows = realloc(rows, (size_t)(cap *= 2) * sizeof(*rows));
			rows[n].pol = (int)sqlite3_column_int64(s, 0) - 1;
			rows[n].k = (struct sla_clock){
				.running_since = sqlite3_column_int64(s, 1),
				.elapsed = sqlite3_column_int64(s, 2),
				.since_update = sqlite3_column_int64(s, 3),
				.paused = sqlite3_column_int(s, 4), .late = sqlite3_column_int(s, 5),
				.responded = sqlite3_column_int(s, 6), .open = true,
			};
			n++;
		}
		sqlite3_finalize(s);
		t_load = now_s() - t0;
	}
	t0 = now_s();
	{
		struct sla_now at;
		sla_now_init(cal, NOW, &at);
		for (long i = 0; i < n; i++) {
			struct sla_eval e;
			sla_evaluate_at(cal, &pol[rows[i].pol].p, &rows[i].k, &at, false, &e);
			arith.v[e.state]++;
		}
	}
	t_arith = now_s() - t0;

	/* the naive baseline */
	t0 = now_s();
	baseline(db, pol, npol, days, cal, &base);
	t_base = now_s() - t0;

	printf("requests            %ld open\n", n);
	printf("ours (cold)         %.3f s   store_sla_list: read clocks + evaluate + sort\n", t_ours);
	printf("ours (warm)         %.3f s\n", t_warm);
	printf("  of which read     %.3f s   (clock rows into memory, separate connection)\n", t_load);
	printf("  arithmetic only   %.3f s   (%.0f ns per request)\n", t_arith, t_arith * 1e9 / (double)n);
	printf("baseline            %.3f s   events per request + day-by-day calendar walk\n", t_base);
	printf("ratio               %.1f x   (baseline / ours warm)\n", t_base / t_warm);
	printf("states ours         ok %lld  due_soon %lld  breached %lld  paused %lld\n",
	       (long long)json_integer_value(json_object_get(counts, "ok")),
	       (long long)json_integer_value(json_object_get(counts, "due_soon")),
	       (long long)json_integer_value(json_object_get(counts, "breached")),
	       (long long)json_integer_value(json_object_get(counts, "paused")));
	printf("states baseline     ok %ld  due_soon %ld  breached %ld  paused %ld\n", base.v[SLA_OK],
	       base.v[SLA_DUE_SOON], base.v[SLA_BREACHED], base.v[SLA_PAUSED]);
	{
		bool same = json_integer_value(json_object_get(counts, "ok")) == base.v[SLA_OK] &&
			    json_integer_value(json_object_get(counts, "due_soon")) == base.v[SLA_DUE_SOON] &&
			    json_integer_value(json_object_get(counts, "breached")) == base.v[SLA_BREACHED] &&
			    json_integer_value(json_object_get(counts, "paused")) == base.v[SLA_PAUSED] &&
			    arith.v[SLA_BREACHED] == base.v[SLA_BREACHED];
		printf("agreement           %s\n", same ? "same states" : "STATES DIFFER");
		printf("target (<= 2 s)     %s\n", t_warm <= 2.0 && t_ours <= 2.0 ? "met" : "NOT met");
		json_decref(out);
		free(rows);
		free(days);
		sla_calendar_free(cal);
		sqlite3_close(db);
		store_close(st);
		return same ? 0 : 1;
	}
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "gen"))
		return gen(argv[2], atol(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "run"))
		return run(argv[2]);
	fprintf(stderr, "usage: bench_sla gen DB N | bench_sla run DB\n");
	return 64;
}
