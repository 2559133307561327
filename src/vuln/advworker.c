/*
 * advworker.c — the nightly match and the reminder checks (see advworker.h).
 */
#include "vuln/advworker.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "store/store_adv.h"

#define VN_OFFSET (7 * 3600)

struct advworker {
	struct store *st;
	struct advworker_config cfg;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
};

int64_t advworker_next(int64_t now, int nightly)
{
	int64_t local = now + VN_OFFSET, day = local - ((local % 86400) + 86400) % 86400;
	int64_t at = day + (int64_t)nightly * 60 - VN_OFFSET;

	return at > now ? at : at + 86400;
}

static void *run(void *arg)
{
	struct advworker *w = arg;
	int64_t now = (int64_t)time(NULL);
	int64_t next_match = w->cfg.nightly >= 0 ? advworker_next(now, w->cfg.nightly) : INT64_MAX;
	int64_t next_remind = w->cfg.period ? now + 60 : INT64_MAX;

	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		int64_t wake = next_match < next_remind ? next_match : next_remind;
		struct timespec ts = { .tv_sec = wake == INT64_MAX ? time(NULL) + 3600 : (time_t)wake };

		pthread_cond_timedwait(&w->cond, &w->lock, &ts);
		if (w->stop)
			break;
		now = (int64_t)time(NULL);
		pthread_mutex_unlock(&w->lock);
		if (now >= next_match) {
			struct adv_stats s = { 0 };
			int rc = store_advisory_match(w->st, w->cfg.actor, now, &s);
			if (rc < 0)
				fprintf(stderr, "ungcuu: nightly advisory match failed: %s\n",
					store_strerror(rc));
			else
				fprintf(stderr, "ungcuu: nightly advisory match: %zu assets, %zu new items, "
					"%zu closed, %zu new requests\n", s.assets, s.items_new,
					s.items_closed, s.requests_new);
			next_match = advworker_next(now, w->cfg.nightly);
		}
		if (now >= next_remind) {
			struct remind_stats r = { 0 };
			int rc = store_advisory_remind(w->st, w->cfg.actor, now, &r);
			if (rc < 0)
				fprintf(stderr, "ungcuu: advisory reminders failed: %s\n", store_strerror(rc));
			else if (r.reminded || r.escalated)
				fprintf(stderr, "ungcuu: advisories: %zu reminders, %zu escalations\n",
					r.reminded, r.escalated);
			next_remind = now + w->cfg.period;
		}
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int advworker_start(struct store *st, const struct advworker_config *cfg, struct advworker **ret)
{
	struct advworker *w = calloc(1, sizeof(*w));
	pthread_condattr_t ca;

	if (!w)
		return -ENOMEM;
	w->st = st;
	w->cfg = *cfg;
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_REALTIME);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&w->thread, NULL, run, w) != 0) {
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return -EAGAIN;
	}
	*ret = w;
	return 0;
}

void advworker_stop(struct advworker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
