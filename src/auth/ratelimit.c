/*
 * ratelimit.c — fixed-window rate limits (see ratelimit.h).
 */
#include "auth/ratelimit.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define PROBE 8 /* slots looked at for one key */

struct slot {
	uint64_t hash;  /* 0: empty */
	int64_t start;  /* of the current window */
	unsigned count; /* uses in it */
};

struct ratelimit {
	pthread_mutex_t lock;
	unsigned limit, window;
	unsigned char key[crypto_shorthash_KEYBYTES];
	size_t mask;
	struct slot *slots;
};

struct ratelimit *ratelimit_new(size_t n, unsigned limit, unsigned window)
{
	struct ratelimit *r = calloc(1, sizeof(*r));
	size_t size = 16;

	if (!r)
		return NULL;
	while (size < n)
		size <<= 1;
	if (!(r->slots = calloc(size, sizeof(*r->slots)))) {
		free(r);
		return NULL;
	}
	r->mask = size - 1;
	r->limit = limit;
	r->window = window ? window : 1;
	crypto_shorthash_keygen(r->key);
	pthread_mutex_init(&r->lock, NULL);
	return r;
}

void ratelimit_free(struct ratelimit *r)
{
	if (!r)
		return;
	pthread_mutex_destroy(&r->lock);
	free(r->slots);
	free(r);
}

/* The key's slot, its window rolled forward; with `create`, claim one. */
static struct slot *find(struct ratelimit *r, const char *key, int64_t now, int create)
{
	struct slot *victim = NULL;
	uint64_t h;

	crypto_shorthash((unsigned char *)&h, (const unsigned char *)key, strlen(key), r->key);
	h = h ? h : 1;
	for (size_t i = 0; i < PROBE; i++) {
		struct slot *s = &r->slots[(h + i) & r->mask];
		if (s->hash == h) {
			if (now - s->start >= (int64_t)r->window || now < s->start) {
				s->start = now; /* a new window */
				s->count = 0;
			}
			return s;
		}
		/* prefer an empty slot, else the oldest window */
		if (!victim || (victim->hash && (!s->hash || s->start < victim->start)))
			victim = s;
	}
	if (!create)
		return NULL;
	victim->hash = h;
	victim->start = now;
	victim->count = 0;
	return victim;
}

static unsigned left(const struct ratelimit *r, const struct slot *s, int64_t now)
{
	int64_t w = s->start + (int64_t)r->window - now;
	return w > 0 ? (unsigned)w : 1;
}

unsigned ratelimit_wait(struct ratelimit *r, const char *key, int64_t now)
{
	unsigned wait = 0;
	struct slot *s;

	pthread_mutex_lock(&r->lock);
	s = find(r, key, now, 0);
	if (s && s->count >= r->limit)
		wait = left(r, s, now);
	pthread_mutex_unlock(&r->lock);
	return wait;
}

unsigned ratelimit_hit(struct ratelimit *r, const char *key, int64_t now)
{
	unsigned wait = 0;
	struct slot *s;

	pthread_mutex_lock(&r->lock);
	s = find(r, key, now, 1);
	if (s->count >= r->limit)
		wait = left(r, s, now);
	else
		s->count++;
	pthread_mutex_unlock(&r->lock);
	return wait;
}
