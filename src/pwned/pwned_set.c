/*
 * pwned_set.c — hot-swappable index slots (see pwned_set.h).
 *
 * Why a mutex and not a bare atomic pointer: a reader must load the pointer
 * and take its reference as one step, or a swap between the two could
 * close the index under it.  The critical section is two loads and an
 * atomic increment, so contention stays negligible next to the HTTP work
 * around each lookup; the lookups themselves run outside it.
 */
#include "pwned/pwned_set.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct pwned_set {
	pthread_mutex_t lock;
	struct pwned *slot[2]; /* SHA-1, NTLM: each holds one reference */
	uint64_t generation;
};

static int slot_of(enum pwned_kind kind)
{
	return kind == PWNED_SHA1 ? 0 : kind == PWNED_NTLM ? 1 : -1;
}

int pwned_set_new(struct pwned_set **ret)
{
	struct pwned_set *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	pthread_mutex_init(&s->lock, NULL);
	*ret = s;
	return 0;
}

void pwned_set_free(struct pwned_set *s)
{
	if (!s)
		return;
	pwned_close(s->slot[0]);
	pwned_close(s->slot[1]);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

struct pwned *pwned_set_get(struct pwned_set *s, enum pwned_kind kind)
{
	int i = slot_of(kind);
	struct pwned *p;

	if (i < 0)
		return NULL;
	pthread_mutex_lock(&s->lock);
	p = s->slot[i] ? pwned_ref(s->slot[i]) : NULL;
	pthread_mutex_unlock(&s->lock);
	return p;
}

void pwned_set_put(struct pwned_set *s, struct pwned *p)
{
	struct pwned_info info;
	struct pwned *old;
	int i;

	pwned_get_info(p, &info);
	i = slot_of(info.kind);
	pthread_mutex_lock(&s->lock);
	old = s->slot[i];
	s->slot[i] = p;
	s->generation++;
	pthread_mutex_unlock(&s->lock);
	/* outside the lock: unmapping a large file takes a while */
	pwned_close(old);
}

uint64_t pwned_set_generation(struct pwned_set *s)
{
	uint64_t g;

	pthread_mutex_lock(&s->lock);
	g = s->generation;
	pthread_mutex_unlock(&s->lock);
	return g;
}

int pwned_set_breached(void *ctx, const char *password, uint32_t *ret_count)
{
	struct pwned_set *s = ctx;
	struct pwned *p = pwned_set_get(s, PWNED_SHA1);
	int rc;

	if (!p)
		p = pwned_set_get(s, PWNED_NTLM);
	if (!p)
		return -ENODEV;
	rc = pwned_check_password(p, password, strlen(password), ret_count);
	pwned_close(p);
	return rc;
}
