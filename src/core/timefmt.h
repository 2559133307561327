/*
 * timefmt.h — timestamps as stored and shown: ISO 8601 UTC with
 * milliseconds, "2026-11-21T06:12:00.123Z".  Such strings sort in time order.
 */
#pragma once

#include <time.h>

#define TIMEFMT_SIZE 32

/* Format `sec` + `msec` (0..999). */
void timefmt_iso(time_t sec, long msec, char buf[TIMEFMT_SIZE]);
/* Format the current time; ret_sec (may be NULL) receives the seconds. */
void timefmt_now(char buf[TIMEFMT_SIZE], time_t *ret_sec);
