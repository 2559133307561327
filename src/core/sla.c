/*
 * sla.c — business calendars and SLA arithmetic (see sla.h).
 *
 * The calendar keeps, for every local day from 1970-01-01 to 2199-12-31,
 * what kind of day it is and the working seconds of all days before it
 * (prefix sums).  B(t) is then one array read plus the periods of one day;
 * its inverse a binary search over the prefix sums.  Days after the range
 * follow the weekly hours (whole weeks at a time), so no time is out of
 * reach; times before 1970 count as 1970-01-01.
 */
#include "core/sla.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400
#define FIRST_YEAR 1970
#define LAST_YEAR 2199

enum day_kind { DK_WEEKLY, DK_HOLIDAY, DK_WORKDAY };

struct sla_calendar {
	struct sla_period hours[7][SLA_PERIODS_MAX];
	int nhours[7];
	int32_t week_secs[7];  /* working seconds of each weekday */
	int64_t week_total;
	int32_t ndays;         /* days in the table: 1970-01-01 .. 2199-12-31 */
	uint8_t *kind;         /* enum day_kind per day */
	int64_t *cum;          /* ndays + 1 prefix sums: working seconds before day i */
};

/* ------------------------------------------------------------------------ */
/* Civil dates                                                              */
/* ------------------------------------------------------------------------ */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int32_t days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

static void civil_from_days(int32_t z, int *y, int *m, int *d)
{
	int era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int32_t sla_local_day(int64_t t)
{
	return (int32_t)floor_div(t + SLA_TZ_OFFSET, DAY);
}

int sla_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0) */
	int w = (int)((day + 3) % 7);
	return w < 0 ? w + 7 : w;
}

static bool valid_date(int y, int m, int d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < FIRST_YEAR || y > LAST_YEAR || m < 1 || m > 12 || d < 1)
		return false;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

/* Exactly `n` digits at s; -1 when not. */
static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int sla_day_parse(const char *s, int32_t *ret)
{
	int y, m, d;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -EINVAL;
	y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	if (y < 0 || m < 0 || d < 0 || !valid_date(y, m, d))
		return -EINVAL;
	*ret = days_from_civil(y, m, d);
	return 0;
}

void sla_day_format(int32_t day, char buf[11])
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
		 (unsigned)d % 100u);
}

int sla_time_parse(const char *s, int64_t *ret)
{
	int32_t day;
	char date[11];
	int h = 0, mi = 0, sec = 0, off = SLA_TZ_OFFSET;
	size_t n;
	const char *p;

	if (!s || (n = strlen(s)) < 10 || n > 40)
		return -EINVAL;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (sla_day_parse(date, &day) < 0)
		return -EINVAL;
	p = s + 10;
	if (*p == 'T' || *p == ' ') {
		if ((h = digits(p + 1, 2)) < 0 || p[3] != ':' || (mi = digits(p + 4, 2)) < 0)
			return -EINVAL;
		p += 6;
		if (*p == ':') {
			if ((sec = digits(p + 1, 2)) < 0)
				return -EINVAL;
			p += 3;
			if (*p == '.') /* fractions are dropped */
				for (p++; *p >= '0' && *p <= '9'; p++)
					;
		}
		if (h > 23 || mi > 59 || sec > 59)
			return -EINVAL;
	}
	if (*p == 'Z') {
		off = 0;
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh = digits(p + 1, 2), om = oh >= 0 && p[3] == ':' ? digits(p + 4, 2) : -1;
		if (oh < 0 || om < 0 || oh > 14 || om > 59)
			return -EINVAL;
		off = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
		p += 6;
	}
	if (*p)
		return -EINVAL;
	*ret = (int64_t)day * DAY + h * 3600 + mi * 60 + sec - off;
	return 0;
}

void sla_time_format(int64_t t, char buf[SLA_ISO_SIZE])
{
	int64_t local = t + SLA_TZ_OFFSET, sod;
	int32_t day = (int32_t)floor_div(local, DAY);
	int y, m, d;

	sod = local - (int64_t)day * DAY;
	civil_from_days(day, &y, &m, &d);
	snprintf(buf, SLA_ISO_SIZE, "%04u-%02u-%02uT%02u:%02u:%02u+07:00", (unsigned)y % 10000u,
		 (unsigned)m % 100u, (unsigned)d % 100u, (unsigned)(sod / 3600) % 100u,
		 (unsigned)(sod / 60 % 60) % 100u, (unsigned)(sod % 60) % 100u);
}

int sla_duration_parse(const char *s, int64_t *ret)
{
	int64_t total = 0;
	int parts = 0;

	if (!s || !*s || strlen(s) > 32)
		return -EINVAL;
	while (*s) {
		int64_t v = 0, unit = 1;
		int n = 0;
		for (; *s >= '0' && *s <= '9' && n < 12; s++, n++)
			v = v * 10 + (*s - '0');
		if (n == 0 || n == 12)
			return -EINVAL;
		if (*s == 'h')
			unit = 3600, s++;
		else if (*s == 'm')
			unit = 60, s++;
		else if (*s == 's')
			s++;
		else if (*s)
			return -EINVAL;
		total += v * unit;
		parts++;
		if (total > 10LL * 366 * 86400)
			return -EINVAL;
	}
	if (parts == 0 || total <= 0)
		return -EINVAL;
	*ret = total;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Working hours as text                                                    */
/* ------------------------------------------------------------------------ */

static const char *const wd_names[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

static int wd_parse(const char *s)
{
	for (int i = 0; i < 7; i++)
		if (strncmp(s, wd_names[i], 3) == 0)
			return i;
	return -1;
}

/* "HH:MM" at s (24:00 allowed) to seconds, -1 when not. */
static int hhmm(const char *s)
{
	int h = digits(s, 2), m = h >= 0 && s[2] == ':' ? digits(s + 3, 2) : -1;

	if (h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m))
		return -1;
	return h * 3600 + m * 60;
}

const char *sla_hours_parse(const char *spec, struct sla_calendar_in *ret)
{
	struct sla_period hours[7][SLA_PERIODS_MAX];
	int nhours[7] = { 0 };
	const char *p = spec;
	bool seen[7] = { false };

	if (!spec || strlen(spec) > 1000)
		return "is too long";
	while (*p) {
		int from, to, n = 0;
		struct sla_period per[SLA_PERIODS_MAX];

		while (*p == ' ' || *p == ';')
			p++;
		if (!*p)
			break;
		if ((from = wd_parse(p)) < 0)
			return "needs a day name (mon..sun) before the hours";
		p += 3;
		to = from;
		if (*p == '-') {
			if ((to = wd_parse(p + 1)) < 0 || to < from)
				return "has a bad day range (use mon-fri)";
			p += 4;
		}
		if (*p != ' ')
			return "needs a space between the days and the hours";
		while (*p == ' ')
			p++;
		for (;;) {
			int a = hhmm(p), b;
			if (a < 0 || p[5] != '-' || (b = hhmm(p + 6)) < 0)
				return "has a bad period (use HH:MM-HH:MM)";
			if (b <= a)
				return "has a period that ends before it starts";
			if (n && a < per[n - 1].end)
				return "has periods out of order or overlapping";
			if (n == SLA_PERIODS_MAX)
				return "has more than 4 periods in a day";
			per[n].start = a, per[n].end = b, n++;
			p += 11;
			if (*p != ',')
				break;
			p++;
		}
		if (*p && *p != ';')
			return "has unexpected text after the hours";
		for (int d = from; d <= to; d++) {
			if (seen[d])
				return "names a day twice";
			seen[d] = true;
			memcpy(hours[d], per, sizeof(per));
			nhours[d] = n;
		}
	}
	for (int d = 0; d < 7; d++) {
		memcpy(ret->hours[d], hours[d], sizeof(hours[d]));
		ret->nhours[d] = nhours[d];
	}
	return NULL;
}

void sla_hours_format(const struct sla_calendar_in *in, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int d = 0; d < 7;) {
		int e = d;
		if (!in->nhours[d]) {
			d++;
			continue;
		}
		/* extend the run of days with the same periods */
		while (e + 1 < 7 && in->nhours[e + 1] == in->nhours[d] &&
		       !memcmp(in->hours[e + 1], in->hours[d], sizeof(struct sla_period) * (size_t)in->nhours[d]))
			e++;
		len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%s%s%s ",
					len ? "; " : "", wd_names[d], e > d ? "-" : "", e > d ? wd_names[e] : "");
		for (int i = 0; i < in->nhours[d]; i++) {
			const struct sla_period *pr = &in->hours[d][i];
			len += (size_t)snprintf(buf + len, len < size ? size - len : 0,
						"%s%02u:%02u-%02u:%02u", i ? "," : "",
						(unsigned)(pr->start / 3600) % 100u, (unsigned)(pr->start / 60 % 60) % 100u,
						(unsigned)(pr->end / 3600) % 100u, (unsigned)(pr->end / 60 % 60) % 100u);
		}
		d = e + 1;
	}
}

/* ------------------------------------------------------------------------ */
/* Building a calendar                                                      */
/* ------------------------------------------------------------------------ */

void sla_calendar_in_default(struct sla_calendar_in *ret)
{
	memset(ret, 0, sizeof(*ret));
	for (int d = 0; d < 5; d++) {
		ret->hours[d][0] = (struct sla_period){ 7 * 3600 + 30 * 60, 11 * 3600 + 30 * 60 };
		ret->hours[d][1] = (struct sla_period){ 13 * 3600, 17 * 3600 };
		ret->nhours[d] = 2;
	}
	ret->fixed_holidays = true;
}

static bool day_in(const struct sla_calendar *cal, int32_t day)
{
	return day >= 0 && day < cal->ndays;
}

/* The periods that day `day` works (none for a holiday). */
static const struct sla_period *day_periods(const struct sla_calendar *cal, int32_t day, int *ret_n)
{
	enum day_kind k = day_in(cal, day) ? (enum day_kind)cal->kind[day] : DK_WEEKLY;
	int w = k == DK_WORKDAY ? 0 : sla_weekday(day);

	*ret_n = k == DK_HOLIDAY ? 0 : cal->nhours[w];
	return cal->hours[w];
}

int32_t sla_day_seconds(const struct sla_calendar *cal, int32_t day)
{
	enum day_kind k = day_in(cal, day) ? (enum day_kind)cal->kind[day] : DK_WEEKLY;

	if (k == DK_HOLIDAY)
		return 0;
	return cal->week_secs[k == DK_WORKDAY ? 0 : sla_weekday(day)];
}

bool sla_is_holiday(const struct sla_calendar *cal, int32_t day)
{
	return day_in(cal, day) && cal->kind[day] == DK_HOLIDAY;
}

/* Mark day a holiday; a fixed one on a day off moves to the next working day. */
static void fixed_holiday(struct sla_calendar *cal, int y, int m, int d)
{
	int32_t day = days_from_civil(y, m, d);

	if (!day_in(cal, day))
		return;
	if (cal->kind[day] == DK_WEEKLY && cal->week_secs[sla_weekday(day)] > 0) {
		cal->kind[day] = DK_HOLIDAY;
		return;
	}
	if (cal->kind[day] == DK_HOLIDAY && cal->week_secs[sla_weekday(day)] == 0)
		return; /* already a holiday on a day off (compensated before) */
	cal->kind[day] = DK_HOLIDAY;
	/* compensation: the next day that works by the weekly hours and is free */
	for (int32_t n = day + 1; day_in(cal, n) && n < day + 14; n++)
		if (cal->kind[n] == DK_WEEKLY && cal->week_secs[sla_weekday(n)] > 0) {
			cal->kind[n] = DK_HOLIDAY;
			break;
		}
}

static void fixed_year(struct sla_calendar *cal, int y)
{
	int w2 = sla_weekday(days_from_civil(y, 9, 2));

	fixed_holiday(cal, y, 1, 1);   /* Tết Dương lịch */
	fixed_holiday(cal, y, 4, 30);  /* Ngày Chiến thắng */
	fixed_holiday(cal, y, 5, 1);   /* Quốc tế Lao động */
	fixed_holiday(cal, y, 9, 2);   /* Quốc khánh */
	/* and the day before or after 2/9, the one that joins a weekend
	 * (1/9 when 2/9 is a Tuesday, Friday or Saturday; 3/9 otherwise), as
	 * the yearly announcements have done */
	if (w2 == 1 || w2 == 4 || w2 == 5)
		fixed_holiday(cal, y, 9, 1);
	else
		fixed_holiday(cal, y, 9, 3);
}

int sla_calendar_new(const struct sla_calendar_in *in, struct sla_calendar **ret,
		     const char **ret_why)
{
	struct sla_calendar *cal;

	*ret_why = NULL;
	if (in->nholidays + in->nworkdays > SLA_EXCEPTIONS_MAX) {
		*ret_why = "has too many holidays and working days";
		return -EINVAL;
	}
	if (!(cal = calloc(1, sizeof(*cal))))
		return -ENOMEM;
	memcpy(cal->hours, in->hours, sizeof(cal->hours));
	memcpy(cal->nhours, in->nhours, sizeof(cal->nhours));
	for (int d = 0; d < 7; d++) {
		int32_t prev = 0;
		if (in->nhours[d] < 0 || in->nhours[d] > SLA_PERIODS_MAX) {
			*ret_why = "has a bad number of periods";
			goto invalid;
		}
		for (int i = 0; i < in->nhours[d]; i++) {
			const struct sla_period *p = &in->hours[d][i];
			if (p->start < prev || p->end <= p->start || p->end > DAY) {
				*ret_why = "has periods out of order, overlapping or outside the day";
				goto invalid;
			}
			prev = p->end;
			cal->week_secs[d] += p->end - p->start;
		}
		cal->week_total += cal->week_secs[d];
	}
	if (cal->week_total == 0) {
		*ret_why = "has no working time in the week";
		goto invalid;
	}
	cal->ndays = days_from_civil(LAST_YEAR + 1, 1, 1);
	cal->kind = calloc((size_t)cal->ndays, 1);
	cal->cum = malloc(((size_t)cal->ndays + 1) * sizeof(*cal->cum));
	if (!cal->kind || !cal->cum) {
		sla_calendar_free(cal);
		return -ENOMEM;
	}
	if (in->fixed_holidays)
		for (int y = FIRST_YEAR; y <= LAST_YEAR; y++)
			fixed_year(cal, y);
	for (size_t i = 0; i < in->nholidays; i++)
		if (day_in(cal, in->holidays[i]))
			cal->kind[in->holidays[i]] = DK_HOLIDAY;
	for (size_t i = 0; i < in->nworkdays; i++)
		if (day_in(cal, in->workdays[i]))
			cal->kind[in->workdays[i]] = DK_WORKDAY;
	cal->cum[0] = 0;
	for (int32_t d = 0; d < cal->ndays; d++)
		cal->cum[d + 1] = cal->cum[d] + sla_day_seconds(cal, d);
	*ret = cal;
	return 0;
invalid:
	free(cal);
	return -EINVAL;
}

void sla_calendar_free(struct sla_calendar *cal)
{
	if (!cal)
		return;
	free(cal->kind);
	free(cal->cum);
	free(cal);
}

/* ------------------------------------------------------------------------ */
/* Business time                                                            */
/* ------------------------------------------------------------------------ */

/* Working seconds of all days before `day`. */
static int64_t cum_before(const struct sla_calendar *cal, int32_t day)
{
	int64_t extra, weeks, sum;
	int32_t d;

	if (day <= 0)
		return 0;
	if (day <= cal->ndays)
		return cal->cum[day];
	extra = day - cal->ndays;
	weeks = extra / 7;
	sum = cal->cum[cal->ndays] + weeks * cal->week_total;
	for (d = cal->ndays + (int32_t)(weeks * 7); d < day; d++)
		sum += cal->week_secs[sla_weekday(d)];
	return sum;
}

/* Working seconds of day `day` before second-of-day `sod`. */
static int64_t day_upto(const struct sla_calendar *cal, int32_t day, int64_t sod)
{
	int n;
	const struct sla_period *p = day_periods(cal, day, &n);
	int64_t sum = 0;

	for (int i = 0; i < n && p[i].start < sod; i++)
		sum += (sod < p[i].end ? sod : p[i].end) - p[i].start;
	return sum;
}

int64_t sla_bclock(const struct sla_calendar *cal, int64_t t)
{
	int64_t local;
	int32_t day;

	if (!cal)
		return t;
	if (t < -SLA_TZ_OFFSET)
		t = -SLA_TZ_OFFSET;
	local = t + SLA_TZ_OFFSET;
	day = (int32_t)(local / DAY);
	return cum_before(cal, day) + day_upto(cal, day, local - (int64_t)day * DAY);
}

int64_t sla_elapsed(const struct sla_calendar *cal, int64_t from, int64_t to)
{
	return to <= from ? 0 : sla_bclock(cal, to) - sla_bclock(cal, from);
}

/* The time inside day `day` at which r (0 < r <= its working seconds) working seconds have run. */
static int64_t day_at(const struct sla_calendar *cal, int32_t day, int64_t r)
{
	int n;
	const struct sla_period *p = day_periods(cal, day, &n);
	int64_t base = (int64_t)day * DAY - SLA_TZ_OFFSET;

	for (int i = 0; i < n; i++) {
		int64_t len = p[i].end - p[i].start;
		if (r <= len)
			return base + p[i].start + r;
		r -= len;
	}
	return base + DAY; /* not reached for r in range */
}

int64_t sla_binv(const struct sla_calendar *cal, int64_t b)
{
	int32_t lo, hi, d;

	if (!cal)
		return b;
	if (b <= 0)
		return -SLA_TZ_OFFSET;
	if (b <= cal->cum[cal->ndays]) {
		/* the last day d with cum[d] < b: b falls inside day d */
		lo = 0, hi = cal->ndays - 1;
		while (lo < hi) {
			int32_t mid = lo + (hi - lo + 1) / 2;
			if (cal->cum[mid] < b)
				lo = mid;
			else
				hi = mid - 1;
		}
		return day_at(cal, lo, b - cal->cum[lo]);
	}
	/* past the table: whole weeks, then the days of the last one */
	b -= cal->cum[cal->ndays];
	d = cal->ndays + (int32_t)((b - 1) / cal->week_total) * 7;
	b -= ((b - 1) / cal->week_total) * cal->week_total;
	for (;; d++) {
		int32_t s = cal->week_secs[sla_weekday(d)];
		if (b <= s)
			return day_at(cal, d, b);
		b -= s;
	}
}

int64_t sla_add(const struct sla_calendar *cal, int64_t start, int64_t secs)
{
	int64_t t;

	if (secs <= 0)
		return start;
	t = sla_binv(cal, sla_bclock(cal, start) + secs);
	return t < start ? start : t;
}

/* ------------------------------------------------------------------------ */
/* SLA state                                                                */
/* ------------------------------------------------------------------------ */

static const char *const state_names[SLA__MAX] = { "ok", "due_soon", "breached", "paused", "met" };
static const char *const target_names[SLA_TARGET__MAX] = { "first_response", "next_update",
							   "resolution" };

const char *sla_state_name(enum sla_state s)
{
	return (unsigned)s < SLA__MAX ? state_names[s] : NULL;
}

const char *sla_target_name(enum sla_target t)
{
	return (unsigned)t < SLA_TARGET__MAX ? target_names[t] : NULL;
}

int sla_state_parse(const char *s)
{
	for (int i = 0; s && i < SLA__MAX; i++)
		if (!strcmp(s, state_names[i]))
			return i;
	return -1;
}

void sla_clock_advance(const struct sla_calendar *cal, const struct sla_policy *p,
		       struct sla_clock *k, int64_t now, bool response, enum sla_run run)
{
	const struct sla_calendar *c = p->business ? cal : NULL;

	if (k->running_since) {
		int64_t d = sla_elapsed(c, k->running_since, now);
		k->elapsed += d;
		k->since_update += d;
		k->running_since = now;
	}
	if (response) {
		if (!k->responded) {
			k->responded = true;
			if (k->elapsed > p->first_response)
				k->late = true;
		} else if (p->next_update && k->since_update > p->next_update) {
			k->late = true;
		}
		k->since_update = 0;
	}
	switch (run) {
	case SLA_DONE:
		if (k->open) {
			if (!k->responded) {
				k->responded = true;
				if (k->elapsed > p->first_response)
					k->late = true;
			}
			if (k->elapsed > p->resolution ||
			    (p->next_update && k->since_update > p->next_update))
				k->late = true;
		}
		k->open = false;
		k->paused = false;
		k->running_since = 0;
		break;
	case SLA_WAITING:
		k->open = true;
		k->paused = true;
		k->running_since = 0;
		break;
	case SLA_RUNNING:
		k->open = true;
		k->paused = false;
		if (!k->running_since)
			k->running_since = now;
		break;
	}
}

void sla_now_init(const struct sla_calendar *cal, int64_t now, struct sla_now *ret)
{
	ret->now = now;
	ret->bnow = sla_bclock(cal, now);
}

void sla_evaluate_at(const struct sla_calendar *cal, const struct sla_policy *p,
		     const struct sla_clock *k, const struct sla_now *n, bool all_dues,
		     struct sla_eval *ret)
{
	const struct sla_calendar *c = p->business ? cal : NULL;
	int64_t base, b0, bnow, len[SLA_TARGET__MAX], left[SLA_TARGET__MAX], due_b[SLA_TARGET__MAX];
	bool run[SLA_TARGET__MAX];
	int worst = -1;

	memset(ret, 0, sizeof(*ret));
	ret->target = SLA_RESOLUTION;
	if (!k->open) {
		ret->state = k->late ? SLA_BREACHED : SLA_MET;
		return;
	}
	bnow = c && cal ? n->bnow : n->now;
	if (k->paused || !k->running_since) {
		base = n->now;
		b0 = bnow;
	} else {
		base = k->running_since;
		b0 = sla_bclock(c, base);
	}
	(void)base;
	len[SLA_FIRST_RESPONSE] = p->first_response;
	len[SLA_NEXT_UPDATE] = p->next_update;
	len[SLA_RESOLUTION] = p->resolution;
	run[SLA_FIRST_RESPONSE] = !k->responded;
	run[SLA_NEXT_UPDATE] = k->responded && p->next_update > 0;
	run[SLA_RESOLUTION] = true;
	for (int t = 0; t < SLA_TARGET__MAX; t++) {
		if (!run[t])
			continue;
		due_b[t] = b0 + len[t] - (t == SLA_NEXT_UPDATE ? k->since_update : k->elapsed);
		if (all_dues)
			ret->due[t] = sla_binv(c, due_b[t]);
		/* while paused, the due is as if resuming now: left is from b0 */
		left[t] = due_b[t] - (k->paused ? b0 : bnow);
		if (worst < 0 || left[t] < left[worst])
			worst = t;
	}
	ret->target = (enum sla_target)worst;
	ret->left = left[worst];
	if (k->paused) {
		ret->state = SLA_PAUSED;
	} else {
		ret->state = SLA_OK;
		for (int t = 0; t < SLA_TARGET__MAX; t++) {
			enum sla_state s;
			if (!run[t])
				continue;
			s = left[t] <= 0 ? SLA_BREACHED
					 : left[t] * 100 <= len[t] * p->warn_pct ? SLA_DUE_SOON : SLA_OK;
			/* the worse state wins; between equals, the sooner due */
			if (s > ret->state || (s == ret->state && s != SLA_OK && left[t] < ret->left)) {
				ret->state = s;
				ret->target = (enum sla_target)t;
				ret->left = left[t];
			}
		}
	}
	if (!all_dues)
		ret->due[ret->target] = sla_binv(c, due_b[ret->target]);
}

void sla_evaluate(const struct sla_calendar *cal, const struct sla_policy *p,
		  const struct sla_clock *k, int64_t now, struct sla_eval *ret)
{
	struct sla_now n;

	sla_now_init(cal, now, &n);
	sla_evaluate_at(cal, p, k, &n, true, ret);
}

int64_t sla_percentile(const int64_t *sorted, size_t n, int pct)
{
	size_t rank;

	if (n == 0)
		return 0;
	if (pct < 1)
		pct = 1;
	if (pct > 100)
		pct = 100;
	rank = ((size_t)pct * n + 99) / 100; /* ceil(pct/100 * n), 1-based */
	return sorted[rank ? rank - 1 : 0];
}
