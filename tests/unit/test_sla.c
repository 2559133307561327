/*
 * test_sla.c — business-calendar and SLA arithmetic: working hours with the
 * lunch break, weekends, fixed holidays and their compensation, Tết entered
 * per year, make-up working days, pauses while waiting for the requester,
 * time-zone edges (UTC midnight against Hà Nội midnight, the year
 * boundary), states, and B(t) against a naive minute-by-minute walk.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/sla.h"

#define H 3600
#define M 60

/* Local (UTC+7) time from text; fails the test when it does not parse. */
static int64_t T(const char *s)
{
	int64_t t = 0;

	assert_int_equal(sla_time_parse(s, &t), 0);
	return t;
}

static int32_t D(const char *s)
{
	int32_t d = 0;

	assert_int_equal(sla_day_parse(s, &d), 0);
	return d;
}

static void assert_time(int64_t t, const char *want)
{
	char buf[SLA_ISO_SIZE];

	sla_time_format(t, buf);
	assert_string_equal(buf, want);
}

static struct sla_calendar *cal_default(void)
{
	struct sla_calendar_in in;
	struct sla_calendar *cal = NULL;
	const char *why;

	sla_calendar_in_default(&in);
	assert_int_equal(sla_calendar_new(&in, &cal, &why), 0);
	return cal;
}

/* The default hours, fixed holidays, Tết 2026 (16-20/2) and a make-up Saturday. */
static struct sla_calendar *cal_vn(void)
{
	static int32_t hol[5], work[1];
	struct sla_calendar_in in;
	struct sla_calendar *cal = NULL;
	const char *why;

	sla_calendar_in_default(&in);
	for (int i = 0; i < 5; i++)
		hol[i] = D("2026-02-16") + i;
	work[0] = D("2025-02-15");
	in.holidays = hol, in.nholidays = 5;
	in.workdays = work, in.nworkdays = 1;
	assert_int_equal(sla_calendar_new(&in, &cal, &why), 0);
	return cal;
}

static void test_parse_format(void **state)
{
	int64_t t;
	int32_t d;
	char buf[11];

	(void)state;
	/* local by default, explicit offsets honoured */
	assert_int_equal(T("2026-11-21T10:00"), T("2026-11-21T03:00:00Z"));
	assert_int_equal(T("2026-11-21T10:00:00+07:00"), T("2026-11-21T03:00:00.123Z"));
	assert_int_equal(T("2026-11-21"), T("2026-11-20T17:00:00Z"));
	assert_int_equal(T("2026-11-21T03:00:00Z"), 1795230000);
	assert_time(1795230000, "2026-11-21T10:00:00+07:00");
	assert_int_equal(sla_time_parse("2026-02-30", &t), -EINVAL);
	assert_int_equal(sla_time_parse("2026-11-21T24:00", &t), -EINVAL);
	assert_int_equal(sla_time_parse("2026-11-21T10:00+7", &t), -EINVAL);
	assert_int_equal(sla_time_parse("2026-11-21x", &t), -EINVAL);
	assert_int_equal(sla_time_parse("", &t), -EINVAL);
	assert_int_equal(sla_time_parse(NULL, &t), -EINVAL);
	assert_int_equal(sla_day_parse("2024-02-29", &d), 0);
	sla_day_format(d, buf);
	assert_string_equal(buf, "2024-02-29");
	assert_int_equal(sla_day_parse("2025-02-29", &d), -EINVAL);
	assert_int_equal(sla_day_parse("1969-12-31", &d), -EINVAL);
	assert_int_equal(sla_day_parse("2026-1-01", &d), -EINVAL);
	assert_int_equal(sla_weekday(D("2026-11-23")), 0); /* Monday */
	assert_int_equal(sla_weekday(D("2026-11-22")), 6); /* Sunday */
}

static void test_hours_text(void **state)
{
	struct sla_calendar_in in, def;
	char buf[200];

	(void)state;
	memset(&in, 0, sizeof(in));
	sla_calendar_in_default(&def);
	assert_null(sla_hours_parse("mon-fri 07:30-11:30,13:00-17:00", &in));
	assert_memory_equal(in.hours, def.hours, sizeof(in.hours));
	assert_memory_equal(in.nhours, def.nhours, sizeof(in.nhours));
	sla_hours_format(&in, buf, sizeof(buf));
	assert_string_equal(buf, "mon-fri 07:30-11:30,13:00-17:00");
	assert_null(sla_hours_parse("mon-fri 08:00-17:00; sat 08:00-12:00", &in));
	sla_hours_format(&in, buf, sizeof(buf));
	assert_string_equal(buf, "mon-fri 08:00-17:00; sat 08:00-12:00");
	assert_null(sla_hours_parse("mon-sun 00:00-24:00", &in));
	assert_int_equal(in.hours[6][0].end, 86400);
	assert_non_null(sla_hours_parse("fri-mon 08:00-17:00", &in));
	assert_non_null(sla_hours_parse("mon 13:00-17:00,07:30-11:30", &in));
	assert_non_null(sla_hours_parse("mon 08:00-08:00", &in));
	assert_non_null(sla_hours_parse("mon 08:00-17:00; mon 18:00-19:00", &in));
	assert_non_null(sla_hours_parse("xyz 08:00-17:00", &in));
	assert_non_null(sla_hours_parse("mon 8:00-17:00", &in));
	assert_non_null(sla_hours_parse("mon-fri 0", &in)); /* found by fuzz_sla: read past the end */
	assert_non_null(sla_hours_parse("mon 07:30-1", &in));
	assert_non_null(sla_hours_parse("mon 08:00-17:00 x", &in));
	assert_non_null(sla_hours_parse("mon 01:00-02:00,03:00-04:00,05:00-06:00,07:00-08:00,09:00-10:00", &in));
}

static void test_durations(void **state)
{
	int64_t v = 0;

	(void)state;
	assert_int_equal(sla_duration_parse("90", &v), 0);
	assert_int_equal(v, 90);
	assert_int_equal(sla_duration_parse("15m", &v), 0);
	assert_int_equal(v, 900);
	assert_int_equal(sla_duration_parse("1h30m", &v), 0);
	assert_int_equal(v, 5400);
	assert_int_equal(sla_duration_parse("16h", &v), 0);
	assert_int_equal(v, 57600);
	assert_int_equal(sla_duration_parse("0", &v), -EINVAL);
	assert_int_equal(sla_duration_parse("2d", &v), -EINVAL); /* a day of what: 8 or 24 hours? */
	assert_int_equal(sla_duration_parse("h", &v), -EINVAL);
	assert_int_equal(sla_duration_parse("-5m", &v), -EINVAL);
	assert_int_equal(sla_duration_parse("99999999999h", &v), -EINVAL);
	assert_int_equal(sla_duration_parse("", &v), -EINVAL);
}

static void test_invalid_calendar(void **state)
{
	struct sla_calendar_in in;
	struct sla_calendar *cal = NULL;
	const char *why = NULL;

	(void)state;
	memset(&in, 0, sizeof(in));
	assert_int_equal(sla_calendar_new(&in, &cal, &why), -EINVAL); /* no hours at all */
	assert_non_null(why);
	sla_calendar_in_default(&in);
	in.hours[0][1].start = 10 * H; /* overlaps the morning */
	assert_int_equal(sla_calendar_new(&in, &cal, &why), -EINVAL);
	assert_null(cal);
}

static void test_working_day(void **state)
{
	struct sla_calendar *cal = cal_default();

	(void)state;
	/* inside the morning, across the lunch break, to the end of the day */
	assert_time(sla_add(cal, T("2026-11-23T08:00"), 2 * H), "2026-11-23T10:00:00+07:00");
	assert_time(sla_add(cal, T("2026-11-23T11:00"), 1 * H), "2026-11-23T13:30:00+07:00");
	assert_time(sla_add(cal, T("2026-11-23T16:00"), 1 * H), "2026-11-23T17:00:00+07:00");
	assert_time(sla_add(cal, T("2026-11-23T16:00"), 1 * H + 1), "2026-11-24T07:30:01+07:00");
	/* starting outside the hours: the clock starts at the next period */
	assert_time(sla_add(cal, T("2026-11-23T05:00"), 30 * M), "2026-11-23T08:00:00+07:00");
	assert_time(sla_add(cal, T("2026-11-23T12:00"), 30 * M), "2026-11-23T13:30:00+07:00");
	assert_time(sla_add(cal, T("2026-11-23T20:00"), 30 * M), "2026-11-24T08:00:00+07:00");
	/* one working day is 8 hours */
	assert_int_equal(sla_elapsed(cal, T("2026-11-23"), T("2026-11-24")), 8 * H);
	assert_int_equal(sla_elapsed(cal, T("2026-11-23T11:00"), T("2026-11-23T13:30")), 60 * M);
	assert_int_equal(sla_elapsed(cal, T("2026-11-24"), T("2026-11-23")), 0);
	assert_int_equal(sla_add(cal, T("2026-11-23T09:00"), 0), T("2026-11-23T09:00"));
	sla_calendar_free(cal);
}

static void test_weekend(void **state)
{
	struct sla_calendar *cal = cal_default();

	(void)state;
	/* Friday 16:00 + 2 h: one hour on Friday, one on Monday */
	assert_time(sla_add(cal, T("2026-11-20T16:00"), 2 * H), "2026-11-23T08:30:00+07:00");
	/* the weekend counts nothing */
	assert_int_equal(sla_elapsed(cal, T("2026-11-21T00:00"), T("2026-11-23T00:00")), 0);
	assert_int_equal(sla_elapsed(cal, T("2026-11-20T17:00"), T("2026-11-23T07:30")), 0);
	/* a working week is 40 hours */
	assert_int_equal(sla_elapsed(cal, T("2026-11-23"), T("2026-11-30")), 40 * H);
	sla_calendar_free(cal);
}

static void test_fixed_holidays(void **state)
{
	struct sla_calendar *cal = cal_default();

	(void)state;
	/* 2/9/2026 is a Wednesday: 2/9 and 3/9 are off */
	assert_true(sla_is_holiday(cal, D("2026-09-02")));
	assert_true(sla_is_holiday(cal, D("2026-09-03")));
	assert_false(sla_is_holiday(cal, D("2026-09-01")));
	assert_time(sla_add(cal, T("2026-09-01T16:00"), 2 * H), "2026-09-04T08:30:00+07:00");
	/* 2/9/2025 is a Tuesday: 1/9 joins the weekend */
	assert_true(sla_is_holiday(cal, D("2025-09-01")));
	assert_true(sla_is_holiday(cal, D("2025-09-02")));
	assert_false(sla_is_holiday(cal, D("2025-09-03")));
	/* 30/4 and 1/5/2026: Thursday and Friday */
	assert_time(sla_add(cal, T("2026-04-29T16:00"), 2 * H), "2026-05-04T08:30:00+07:00");
	/* 1/5/2027 is a Saturday: compensated on Monday 3/5 (30/4 is the Friday) */
	assert_true(sla_is_holiday(cal, D("2027-05-03")));
	assert_time(sla_add(cal, T("2027-04-29T16:00"), 2 * H), "2027-05-04T08:30:00+07:00");
	/* without the fixed holidays, 30/4/2026 is a Thursday like another */
	{
		struct sla_calendar_in in;
		struct sla_calendar *plain;
		const char *why;
		sla_calendar_in_default(&in);
		in.fixed_holidays = false;
		assert_int_equal(sla_calendar_new(&in, &plain, &why), 0);
		assert_false(sla_is_holiday(plain, D("2026-04-30")));
		assert_int_equal(sla_day_seconds(plain, D("2026-04-30")), 8 * H);
		sla_calendar_free(plain);
	}
	sla_calendar_free(cal);
}

static void test_year_boundary(void **state)
{
	struct sla_calendar *cal = cal_default();

	(void)state;
	/* Wednesday 31/12/2025 16:00 + 2 h: 1/1/2026 is off, so Friday 2/1 */
	assert_time(sla_add(cal, T("2025-12-31T16:00"), 2 * H), "2026-01-02T08:30:00+07:00");
	/* 1/1/2028 is a Saturday: Monday 3/1 is the compensation day */
	assert_true(sla_is_holiday(cal, D("2028-01-03")));
	assert_time(sla_add(cal, T("2027-12-31T16:00"), 2 * H), "2028-01-04T08:30:00+07:00");
	/* the new year starts at Hà Nội midnight, 17:00 UTC the day before */
	assert_int_equal(sla_local_day(T("2025-12-31T17:00:00Z")), D("2026-01-01"));
	assert_int_equal(sla_local_day(T("2025-12-31T16:59:59Z")), D("2025-12-31"));
	sla_calendar_free(cal);
}

static void test_timezone_edges(void **state)
{
	struct sla_calendar *cal = cal_default();

	(void)state;
	/* 00:30 UTC on Monday is 07:30 in Hà Nội: work starts */
	assert_int_equal(sla_elapsed(cal, T("2026-11-23T00:30:00Z"), T("2026-11-23T01:30:00Z")), H);
	/* Sunday 23:00 UTC is Monday 06:00 local: before work, nothing counts */
	assert_int_equal(sla_elapsed(cal, T("2026-11-22T23:00:00Z"), T("2026-11-23T00:30:00Z")), 0);
	/* Sunday 17:00 UTC is Monday local midnight */
	assert_int_equal(sla_local_day(T("2026-11-22T17:00:00Z")), D("2026-11-23"));
	assert_int_equal(sla_local_day(T("2026-11-22T16:59:59Z")), D("2026-11-22"));
	/* a request filed Friday 23:30 UTC (Saturday 06:30 local) waits for Monday */
	assert_time(sla_add(cal, T("2026-11-20T23:30:00Z"), H), "2026-11-23T08:30:00+07:00");
	/* 10:00 UTC (17:00 local) Friday: the day is over */
	assert_time(sla_add(cal, T("2026-11-20T10:00:00Z"), 1), "2026-11-23T07:30:01+07:00");
	sla_calendar_free(cal);
}

static void test_tet_and_makeup(void **state)
{
	struct sla_calendar *cal = cal_vn();

	(void)state;
	/* Tết 2026 entered as 16-20/2: Friday 13/2 16:00 + 2 h lands on 23/2 */
	assert_time(sla_add(cal, T("2026-02-13T16:00"), 2 * H), "2026-02-23T08:30:00+07:00");
	assert_int_equal(sla_elapsed(cal, T("2026-02-14"), T("2026-02-23")), 0);
	/* a Saturday worked (15/2/2025) counts with Monday's hours */
	assert_time(sla_add(cal, T("2025-02-14T16:00"), 2 * H), "2025-02-15T08:30:00+07:00");
	assert_int_equal(sla_day_seconds(cal, D("2025-02-15")), 8 * H);
	sla_calendar_free(cal);
}

static void test_far_future(void **state)
{
	struct sla_calendar *cal = cal_default();
	int64_t t = T("2199-12-31T16:00"), u;

	(void)state;
	/* past the table, weeks follow the weekly hours */
	u = sla_add(cal, t, 40 * H * 10 + H);
	assert_int_equal(sla_elapsed(cal, t, u), 40 * H * 10 + H);
	assert_int_equal(sla_bclock(cal, sla_binv(cal, sla_bclock(cal, u))), sla_bclock(cal, u));
	sla_calendar_free(cal);
}

/* B(t) by walking minute by minute over the default hours and one holiday list. */
static int64_t naive_elapsed(const struct sla_calendar *cal, int64_t from, int64_t to)
{
	int64_t sum = 0;

	for (int64_t t = from; t < to; t += 60) {
		int64_t local = t + SLA_TZ_OFFSET;
		int32_t day = sla_local_day(t);
		int64_t sod = local - (int64_t)day * 86400;
		int w = sla_weekday(day);
		if (w < 5 && !sla_is_holiday(cal, day) &&
		    ((sod >= 7 * H + 30 * M && sod < 11 * H + 30 * M) || (sod >= 13 * H && sod < 17 * H)))
			sum += 60;
	}
	return sum;
}

static void test_against_naive(void **state)
{
	struct sla_calendar *cal = cal_default();
	uint64_t x = 88172645463325252ull;
	int64_t base = T("2025-12-20");

	(void)state;
	for (int i = 0; i < 300; i++) {
		int64_t from, to, secs, due;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		from = base + (int64_t)(x % (40 * 86400)) / 60 * 60;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		to = from + (int64_t)(x % (12 * 86400)) / 60 * 60;
		assert_int_equal(sla_elapsed(cal, from, to), naive_elapsed(cal, from, to));
		secs = (int64_t)(x % (3 * 8 * H)) + 1;
		due = sla_add(cal, from, secs);
		/* exactly secs by due, and due is the first such instant */
		assert_int_equal(sla_elapsed(cal, from, due), secs);
		assert_true(sla_elapsed(cal, from, due - 1) < secs);
	}
	sla_calendar_free(cal);
}

static const struct sla_policy POL = { 4 * H, 8 * H, 16 * H, true, 20 };

static void test_pause(void **state)
{
	struct sla_calendar *cal = cal_default();
	struct sla_clock k = { .open = true };
	struct sla_eval e;

	(void)state;
	/* created Monday 08:00; pending at 09:00 (1 h ran) */
	sla_clock_advance(cal, &POL, &k, T("2026-11-23T08:00"), false, SLA_RUNNING);
	sla_clock_advance(cal, &POL, &k, T("2026-11-23T09:00"), false, SLA_WAITING);
	assert_int_equal(k.elapsed, H);
	sla_evaluate(cal, &POL, &k, T("2026-11-24T10:00"), &e);
	assert_int_equal(e.state, SLA_PAUSED);
	/* the requester answers on Wednesday 10:00: the clock resumes */
	sla_clock_advance(cal, &POL, &k, T("2026-11-25T10:00"), false, SLA_RUNNING);
	assert_int_equal(k.elapsed, H); /* nothing ran while waiting */
	sla_evaluate(cal, &POL, &k, T("2026-11-25T11:00"), &e);
	assert_int_equal(e.state, SLA_OK);
	assert_int_equal(e.target, SLA_FIRST_RESPONSE);
	/* 3 h of the 4 left at 10:00: 10:00-11:30, then 13:00-14:30 */
	assert_time(e.due[SLA_FIRST_RESPONSE], "2026-11-25T14:30:00+07:00");
	assert_int_equal(e.due[SLA_NEXT_UPDATE], 0);
	/* resolution: 15 h left: rest of Wednesday (5.5 h), Thursday (8 h), 1.5 h Friday */
	assert_time(e.due[SLA_RESOLUTION], "2026-11-27T09:00:00+07:00");
	assert_int_equal(e.left, 2 * H);
	sla_calendar_free(cal);
}

static void test_states(void **state)
{
	struct sla_calendar *cal = cal_default();
	struct sla_clock k = { .open = true };
	struct sla_eval e;
	int64_t t0 = T("2026-11-23T08:00");

	(void)state;
	sla_clock_advance(cal, &POL, &k, t0, false, SLA_RUNNING);
	sla_evaluate(cal, &POL, &k, T("2026-11-23T10:00"), &e);
	assert_int_equal(e.state, SLA_OK);
	/* 20 % of 4 h = 48 min: due soon from 11:12 (the due is 13:30) */
	sla_evaluate(cal, &POL, &k, T("2026-11-23T11:12"), &e);
	assert_int_equal(e.state, SLA_DUE_SOON);
	assert_int_equal(e.target, SLA_FIRST_RESPONSE);
	assert_time(e.due[SLA_FIRST_RESPONSE], "2026-11-23T13:30:00+07:00");
	sla_evaluate(cal, &POL, &k, T("2026-11-23T11:11"), &e);
	assert_int_equal(e.state, SLA_OK);
	/* the lunch break does not bring the due closer */
	sla_evaluate(cal, &POL, &k, T("2026-11-23T12:59"), &e);
	assert_int_equal(e.left, 30 * M);
	sla_evaluate(cal, &POL, &k, T("2026-11-23T13:30"), &e);
	assert_int_equal(e.state, SLA_BREACHED);
	assert_int_equal(e.left, 0);
	/* answered late at 14:00: the next update runs; the miss is remembered */
	sla_clock_advance(cal, &POL, &k, T("2026-11-23T14:00"), true, SLA_RUNNING);
	assert_true(k.late);
	sla_evaluate(cal, &POL, &k, T("2026-11-23T14:00"), &e);
	assert_int_equal(e.state, SLA_OK);
	assert_int_equal(e.due[SLA_FIRST_RESPONSE], 0);
	assert_time(e.due[SLA_NEXT_UPDATE], "2026-11-24T14:00:00+07:00");
	/* resolved: breached because of the late first response */
	sla_clock_advance(cal, &POL, &k, T("2026-11-23T15:00"), true, SLA_DONE);
	sla_evaluate(cal, &POL, &k, T("2026-11-30"), &e);
	assert_int_equal(e.state, SLA_BREACHED);
	assert_false(k.open);
	/* reopened by the requester: the clock continues from what had run */
	sla_clock_advance(cal, &POL, &k, T("2026-11-24T08:00"), false, SLA_RUNNING);
	assert_true(k.open);
	assert_int_equal(k.elapsed, 5 * H + 30 * M);
	sla_calendar_free(cal);
}

static void test_met_and_247(void **state)
{
	struct sla_calendar *cal = cal_default();
	struct sla_policy p247 = { 15 * M, 0, 4 * H, false, 25 };
	struct sla_clock k = { .open = true };
	struct sla_eval e;
	int64_t t0 = T("2026-11-21T23:00"); /* Saturday night */

	(void)state;
	sla_clock_advance(cal, &p247, &k, t0, false, SLA_RUNNING);
	sla_evaluate(cal, &p247, &k, t0 + 5 * M, &e);
	assert_int_equal(e.state, SLA_OK);
	assert_int_equal(e.due[SLA_FIRST_RESPONSE], t0 + 15 * M);
	assert_int_equal(e.due[SLA_RESOLUTION], t0 + 4 * H);
	sla_evaluate(cal, &p247, &k, t0 + 12 * M, &e);
	assert_int_equal(e.state, SLA_DUE_SOON);
	sla_clock_advance(cal, &p247, &k, t0 + 10 * M, true, SLA_RUNNING);
	/* no next-update target in this policy */
	sla_evaluate(cal, &p247, &k, t0 + 11 * M, &e);
	assert_int_equal(e.due[SLA_NEXT_UPDATE], 0);
	assert_int_equal(e.target, SLA_RESOLUTION);
	sla_clock_advance(cal, &p247, &k, t0 + 3 * H, false, SLA_DONE);
	assert_false(k.late);
	sla_evaluate(cal, &p247, &k, t0 + 30 * H, &e);
	assert_int_equal(e.state, SLA_MET);
	/* resolving without a reply counts as the first response, late here */
	memset(&k, 0, sizeof(k));
	k.open = true;
	sla_clock_advance(cal, &p247, &k, t0, false, SLA_RUNNING);
	sla_clock_advance(cal, &p247, &k, t0 + 20 * M, false, SLA_DONE);
	assert_true(k.late);
	sla_calendar_free(cal);
}

/* The fast evaluation of lists agrees with the full one on random clocks. */
static void test_evaluate_at(void **state)
{
	struct sla_calendar *cal = cal_default();
	uint64_t x = 1234567;
	int64_t now = T("2026-11-23T10:00");
	struct sla_now n;

	(void)state;
	sla_now_init(cal, now, &n);
	for (int i = 0; i < 2000; i++) {
		struct sla_policy p = POL;
		struct sla_clock k = { .open = true };
		struct sla_eval a, b;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		p.business = x & 1;
		k.responded = (x >> 1) & 1;
		k.paused = ((x >> 2) & 7) == 0;
		k.running_since = k.paused ? 0 : now - (int64_t)((x >> 8) % (20 * 86400));
		k.elapsed = (int64_t)((x >> 20) % (10 * H));
		k.since_update = (int64_t)((x >> 30) % (6 * H));
		sla_evaluate(cal, &p, &k, now, &a);
		sla_evaluate_at(cal, &p, &k, &n, false, &b);
		assert_int_equal(a.state, b.state);
		assert_int_equal(a.target, b.target);
		assert_int_equal(a.left, b.left);
		assert_int_equal(a.due[a.target], b.due[b.target]);
	}
	sla_calendar_free(cal);
}

static void test_percentile(void **state)
{
	int64_t v[] = { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 };

	(void)state;
	assert_int_equal(sla_percentile(v, 10, 50), 50);
	assert_int_equal(sla_percentile(v, 10, 90), 90);
	assert_int_equal(sla_percentile(v, 10, 100), 100);
	assert_int_equal(sla_percentile(v, 1, 90), 10);
	assert_int_equal(sla_percentile(v, 3, 50), 20);
	assert_int_equal(sla_percentile(NULL, 0, 50), 0);
	assert_string_equal(sla_state_name(SLA_DUE_SOON), "due_soon");
	assert_int_equal(sla_state_parse("breached"), SLA_BREACHED);
	assert_int_equal(sla_state_parse("late"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_format),
		cmocka_unit_test(test_hours_text),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_invalid_calendar),
		cmocka_unit_test(test_working_day),
		cmocka_unit_test(test_weekend),
		cmocka_unit_test(test_fixed_holidays),
		cmocka_unit_test(test_year_boundary),
		cmocka_unit_test(test_timezone_edges),
		cmocka_unit_test(test_tet_and_makeup),
		cmocka_unit_test(test_far_future),
		cmocka_unit_test(test_against_naive),
		cmocka_unit_test(test_pause),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_met_and_247),
		cmocka_unit_test(test_evaluate_at),
		cmocka_unit_test(test_percentile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
