/*
 * throttle.c — failure counting with backoff (see throttle.h).
 */
#include "auth/throttle.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define PROBE 8 /* slots looked at for one key */

struct slot {
	uint64_t hash;      /* 0: empty */
	unsigned failures;
	int64_t last_fail;
	int64_t locked_until;
};

struct throttle {
	pthread_mutex_t lock;
	struct throttle_rules r;
	unsigned char key[crypto_shorthash_KEYBYTES];
	size_t mask;
	struct slot *slots;
};

struct throttle *throttle_new(size_t n, const struct throttle_rules *rules)
{
	struct throttle *t = calloc(1, sizeof(*t));
	size_t size = 16;

	if (!t)
		return NULL;
	while (size < n)
		size <<= 1;
	if (!(t->slots = calloc(size, sizeof(*t->slots)))) {
		free(t);
		return NULL;
	}
	t->mask = size - 1;
	t->r = *rules;
	crypto_shorthash_keygen(t->key);
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

void throttle_free(struct throttle *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t->slots);
	free(t);
}

static uint64_t hash_key(const struct throttle *t, const char *key)
{
	uint64_t h;

	crypto_shorthash((unsigned char *)&h, (const unsigned char *)key, strlen(key), t->key);
	return h ? h : 1;
}

/* The key's slot; with `create`, claim one (replacing the stalest). */
static struct slot *find(struct throttle *t, uint64_t h, int64_t now, int create)
{
	struct slot *victim = NULL;

	for (size_t i = 0; i < PROBE; i++) {
		struct slot *s = &t->slots[(h + i) & t->mask];
		if (s->hash == h) {
			if (now - s->last_fail > (int64_t)t->r.forget_after && now >= s->locked_until) {
				s->failures = 0; /* forgotten */
				s->locked_until = 0;
			}
			return s;
		}
		/* prefer an empty slot, else the one that failed longest ago */
		if (s->hash == 0) {
			if (!victim || victim->hash != 0)
				victim = s;
		} else if (!victim || (victim->hash != 0 && s->last_fail < victim->last_fail)) {
			victim = s;
		}
	}
	if (!create)
		return NULL;
	memset(victim, 0, sizeof(*victim));
	victim->hash = h;
	return victim;
}

unsigned throttle_wait(struct throttle *t, const char *key, int64_t now)
{
	uint64_t h = hash_key(t, key);
	unsigned wait = 0;
	struct slot *s;

	pthread_mutex_lock(&t->lock);
	s = find(t, h, now, 0);
	if (s && s->locked_until > now)
		wait = (unsigned)(s->locked_until - now);
	pthread_mutex_unlock(&t->lock);
	return wait;
}

unsigned throttle_fail(struct throttle *t, const char *key, int64_t now)
{
	uint64_t h = hash_key(t, key);
	unsigned lock = 0;
	struct slot *s;

	pthread_mutex_lock(&t->lock);
	s = find(t, h, now, 1);
	s->failures++;
	s->last_fail = now;
	if (s->failures > t->r.free_failures) {
		unsigned extra = s->failures - t->r.free_failures - 1;
		uint64_t l = extra >= 31 ? t->r.max_lock : (uint64_t)t->r.base_lock << extra;
		lock = l > t->r.max_lock ? t->r.max_lock : (unsigned)l;
		s->locked_until = now + lock;
	}
	pthread_mutex_unlock(&t->lock);
	return lock;
}

void throttle_success(struct throttle *t, const char *key)
{
	uint64_t h = hash_key(t, key);
	struct slot *s;

	pthread_mutex_lock(&t->lock);
	s = find(t, h, 0, 0);
	if (s)
		memset(s, 0, sizeof(*s));
	pthread_mutex_unlock(&t->lock);
}
