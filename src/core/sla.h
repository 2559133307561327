/*
 * sla.h — service-level arithmetic: business calendars, business time, due
 * times and SLA states, with the clock always passed in (no call here reads
 * the time of day).
 *
 * All wall times are Unix seconds; the calendar is in Asia/Ho_Chi_Minh
 * (UTC+7, no daylight saving time), so a "day" is a local day and "07:30"
 * is local.  A calendar is the weekly working hours plus exceptions:
 *   - the fixed-date public holidays of the Labour Code (1/1, 30/4, 1/5,
 *     2/9 and the adjacent day), each compensated on the next working day
 *     when it falls on a day off (optional, on by default);
 *   - holidays entered per date (Tết and Giỗ Tổ Hùng Vương follow the lunar
 *     calendar and are entered per year, as the government announces them);
 *   - working days entered per date (a Saturday worked in exchange for a
 *     bridge day), with Monday's hours.
 *
 * Business time is a clock that runs only inside working hours: B(t) counts
 * the working seconds from 1970-01-01 to t.  Once the calendar is built
 * (prefix sums over the days of 1970..2199) B(t) costs O(1) and its inverse
 * O(log days), so computing the state of a million requests is arithmetic
 * on integers.  A NULL calendar means 24/7: B(t) = t.
 *
 * Everything is pure and bounded; nothing logs.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SLA_TZ_OFFSET (7 * 3600)  /* Asia/Ho_Chi_Minh */
#define SLA_PERIODS_MAX 4         /* working periods per day */
#define SLA_EXCEPTIONS_MAX 10000  /* entered holidays + working days */
#define SLA_ISO_SIZE 26           /* "2026-11-21T10:00:00+07:00" */

/* A working period of a day: seconds after local midnight, start < end <= 86400. */
struct sla_period {
	int32_t start, end;
};

/* What a calendar is built from; borrowed by sla_calendar_new(). */
struct sla_calendar_in {
	struct sla_period hours[7][SLA_PERIODS_MAX]; /* [0] = Monday ... [6] = Sunday */
	int nhours[7];
	const int32_t *holidays;  /* local day numbers (see sla_day_parse), any order */
	size_t nholidays;
	const int32_t *workdays;  /* worked with Monday's hours, even on a weekend or holiday */
	size_t nworkdays;
	bool fixed_holidays;      /* add the fixed-date holidays of the Labour Code */
};

struct sla_calendar;

/* The Vietnamese government default: Monday to Friday 07:30-11:30, 13:00-17:00. */
void sla_calendar_in_default(struct sla_calendar_in *ret);

/*
 * Build a calendar.  Returns 0, -EINVAL with *ret_why set (a static string)
 * when the hours are invalid (overlapping, unsorted, out of the day, no
 * working time in the week, too many exceptions), -ENOMEM.  The caller
 * frees *ret with sla_calendar_free().
 */
int sla_calendar_new(const struct sla_calendar_in *in, struct sla_calendar **ret,
		     const char **ret_why);
void sla_calendar_free(struct sla_calendar *cal);

/* Whether local day `day` is a holiday (fixed, compensated or entered). */
bool sla_is_holiday(const struct sla_calendar *cal, int32_t day);
/* Working seconds of local day `day`. */
int32_t sla_day_seconds(const struct sla_calendar *cal, int32_t day);

/* B(t): business seconds from the epoch to t (t itself for a NULL calendar). */
int64_t sla_bclock(const struct sla_calendar *cal, int64_t t);
/* Business seconds between from and to; 0 when to <= from. */
int64_t sla_elapsed(const struct sla_calendar *cal, int64_t from, int64_t to);
/*
 * The inverse of B: the earliest time t with B(t) >= b.  A business instant
 * at the end of a working period maps to that end (17:00), not to the next
 * morning.
 */
int64_t sla_binv(const struct sla_calendar *cal, int64_t b);
/* The earliest time t >= start at which `secs` business seconds have run
 * since start (start itself when secs <= 0). */
int64_t sla_add(const struct sla_calendar *cal, int64_t start, int64_t secs);

/* ------------------------------------------------------------------------ */
/* Days, hours and times as text                                            */
/* ------------------------------------------------------------------------ */

/* The local day of t, as days since 1970-01-01 (local). */
int32_t sla_local_day(int64_t t);
/* 0 = Monday ... 6 = Sunday */
int sla_weekday(int32_t day);
/* "YYYY-MM-DD" (years 1970..2199) to a day number; -EINVAL when not a date. */
int sla_day_parse(const char *s, int32_t *ret);
/* A day number as "YYYY-MM-DD" (11 bytes). */
void sla_day_format(int32_t day, char buf[11]);
/*
 * Local time "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]" (local, UTC+7), or with an
 * explicit "Z" / "+HH:MM" / "-HH:MM" offset, to Unix seconds.  -EINVAL when
 * malformed.
 */
int sla_time_parse(const char *s, int64_t *ret);
/* t as "2026-11-21T10:00:00+07:00". */
void sla_time_format(int64_t t, char buf[SLA_ISO_SIZE]);
/*
 * Working hours as text: one or more "DAYS HH:MM-HH:MM[,HH:MM-HH:MM...]"
 * separated by ';', DAYS being "mon".."sun" or a range "mon-fri".  Days not
 * named have no hours.  Fills ret->hours / ret->nhours; returns NULL, or a
 * static reason.
 */
const char *sla_hours_parse(const char *spec, struct sla_calendar_in *ret);
/* A duration "90", "90s", "15m", "4h" (or "1h30m") to seconds, 1..10 years; -EINVAL. */
int sla_duration_parse(const char *s, int64_t *ret);

/* The hours back as text (the form sla_hours_parse reads); buf of `size`. */
void sla_hours_format(const struct sla_calendar_in *in, char *buf, size_t size);

/* ------------------------------------------------------------------------ */
/* SLA state of one request                                                 */
/* ------------------------------------------------------------------------ */

enum sla_state { SLA_OK, SLA_DUE_SOON, SLA_BREACHED, SLA_PAUSED, SLA_MET, SLA__MAX };
enum sla_target { SLA_FIRST_RESPONSE, SLA_NEXT_UPDATE, SLA_RESOLUTION, SLA_TARGET__MAX };

const char *sla_state_name(enum sla_state s);
const char *sla_target_name(enum sla_target t);
int sla_state_parse(const char *s);

/* A policy's targets, in business (or 24/7) seconds. */
struct sla_policy {
	int64_t first_response, next_update, resolution; /* next_update 0: none */
	bool business;    /* counted on the business calendar, else 24/7 */
	int warn_pct;     /* due soon when at most this % of the target is left */
};

/*
 * The clock of one request, as the writer keeps it: the running segment
 * started at `running_since` (0 while paused or stopped); before it,
 * `elapsed` business seconds ran since creation and `since_update` since
 * the last update to the requester.  Pauses (waiting for the requester)
 * count in neither.
 */
struct sla_clock {
	int64_t running_since;
	int64_t elapsed, since_update;
	bool responded;  /* the first response was given */
	bool open;       /* not resolved or closed */
	bool paused;     /* waiting for the requester */
	bool late;       /* some target was already missed (first response, an update, resolution) */
};

struct sla_eval {
	enum sla_state state;
	enum sla_target target;   /* the target the state is about (the next due) */
	int64_t due[SLA_TARGET__MAX]; /* wall times; 0 when the target is not running */
	int64_t left;             /* business seconds left to the next due (negative: overdue) */
};

/*
 * Evaluate a clock at `now`.  Running targets: first response until it is
 * given; next update once it is given (when the policy has one); resolution
 * while open.  The state is breached when a running target is overdue,
 * due_soon when one has at most warn_pct % of its time left, paused while
 * waiting for the requester, met once resolved in time (breached when a
 * target was missed), ok otherwise.  While paused, the due times are those
 * the clock would reach if it resumed at `now`.
 */
void sla_evaluate(const struct sla_calendar *cal, const struct sla_policy *p,
		  const struct sla_clock *k, int64_t now, struct sla_eval *ret);

/* What a change did to a request, for sla_clock_advance(). */
enum sla_run { SLA_RUNNING, SLA_WAITING, SLA_DONE };

/*
 * Advance the clock to `now` (closing the running segment) and apply a
 * change: `response` when support sent the requester a public reply (the
 * first response, or an update), then the request's new condition:
 * running (new, open), waiting for the requester (pending: the clock
 * pauses) or done (resolved, closed: the clock stops; a later reopen starts
 * it again with what had run).  A target missed at that moment sets `late`.
 * Resolving without any reply counts as the first response.
 */
void sla_clock_advance(const struct sla_calendar *cal, const struct sla_policy *p,
		       struct sla_clock *k, int64_t now, bool response, enum sla_run run);

/* The clock at `now`, computed once for many evaluations. */
struct sla_now {
	int64_t now;
	int64_t bnow;   /* B(now) on the business calendar */
};

void sla_now_init(const struct sla_calendar *cal, int64_t now, struct sla_now *ret);
/*
 * sla_evaluate() for many requests at one time: the same state, target and
 * left; due times for every target when `all_dues`, else only for
 * ret->target (the one a list sorts by), which spares the inverse of B.
 */
void sla_evaluate_at(const struct sla_calendar *cal, const struct sla_policy *p,
		     const struct sla_clock *k, const struct sla_now *n, bool all_dues,
		     struct sla_eval *ret);

/* Nearest-rank percentile (pct 1..100) of `n` sorted values; 0 when n = 0. */
int64_t sla_percentile(const int64_t *sorted, size_t n, int pct);
