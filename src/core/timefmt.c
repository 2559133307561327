/*
 * timefmt.c — ISO 8601 UTC timestamps (see timefmt.h).
 */
#include "core/timefmt.h"

#include <stdio.h>

void timefmt_iso(time_t sec, long msec, char buf[TIMEFMT_SIZE])
{
	struct tm tm;

	gmtime_r(&sec, &tm);
	/* fields are in range after gmtime_r; the casts tell the compiler so */
	snprintf(buf, TIMEFMT_SIZE, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ",
		 (unsigned)(tm.tm_year + 1900) % 10000u, (unsigned)(tm.tm_mon + 1) % 100u,
		 (unsigned)tm.tm_mday % 100u, (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u,
		 (unsigned)tm.tm_sec % 100u, (unsigned)msec % 1000u);
}

void timefmt_now(char buf[TIMEFMT_SIZE], time_t *ret_sec)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	timefmt_iso(ts.tv_sec, ts.tv_nsec / 1000000, buf);
	if (ret_sec)
		*ret_sec = ts.tv_sec;
}
