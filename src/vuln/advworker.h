/*
 * advworker.h — the advisory campaign's background work in `serve`: the
 * nightly match of every asset against every advisory, and the reminders
 * and escalations checked every few minutes.  Both are store writes (one
 * transaction each, audited); running them again changes nothing, so a
 * restart or a second instance is harmless.
 */
#pragma once

#include <stdint.h>

#include "store/store.h"

struct advworker_config {
	int nightly;        /* minute of the day (Asia/Ho_Chi_Minh) of the full match; -1: never */
	unsigned period;    /* seconds between reminder checks; 0: no reminders */
	const char *actor;  /* audited as this, e.g. "system" */
};

#define ADVWORKER_DEFAULTS { 60, 900, "system" }

struct advworker;

/* Start the thread; st is borrowed and must outlive it.  0 or -errno. */
int advworker_start(struct store *st, const struct advworker_config *cfg, struct advworker **ret);

/* Stop and join the thread; NULL is fine. */
void advworker_stop(struct advworker *w);

/*
 * The Unix time of the next nightly run after `now` for minute-of-day
 * `nightly` in Asia/Ho_Chi_Minh (pure; exposed for tests).
 */
int64_t advworker_next(int64_t now, int nightly);
