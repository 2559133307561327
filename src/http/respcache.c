/*
 * respcache.c — a bounded, sharded cache of rendered API answers
 * (respcache.h).
 *
 * Why a cache at all: a GET of one request is one SQLite statement that
 * walks five indexes and renders JSON, plus the read transaction around it;
 * in the profile of bench/api that is two thirds of the server's time per
 * answer, against a third for libmicrohttpd and the kernel.  Agents reopen
 * the same requests all day (a queue, a reply, the request again), and the
 * answer changes only when something is committed, which the store's
 * generation tells in one cheap read transaction.
 *
 * Each shard is a chained hash table plus a FIFO of its entries; eviction
 * takes the FIFO's head, replacement unlinks from both.
 */
#include "http/respcache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#define SHARDS 16
#define BUCKETS (1u << 13) /* per shard */

struct entry {
	struct entry *hnext;       /* bucket chain */
	struct entry *prev, *next; /* FIFO, oldest first */
	uint64_t hash, gen;
	int64_t until_ms;
	size_t klen, len;
	char data[];               /* key NUL, then text NUL */
};

struct shard {
	pthread_mutex_t lock;
	struct entry *bucket[BUCKETS];
	struct entry *head, *tail;
	size_t bytes, entries;
	uint64_t hits, misses;
};

struct respcache {
	size_t shard_max;
	int ttl_ms;
	struct shard shard[SHARDS];
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t entry_size(const struct entry *e)
{
	return sizeof(*e) + e->klen + e->len + 2;
}

struct respcache *respcache_new(size_t max_bytes, int ttl_ms)
{
	struct respcache *rc;

	if (max_bytes == 0 || !(rc = calloc(1, sizeof(*rc))))
		return NULL;
	rc->shard_max = max_bytes / SHARDS;
	rc->ttl_ms = ttl_ms;
	for (int i = 0; i < SHARDS; i++)
		pthread_mutex_init(&rc->shard[i].lock, NULL);
	return rc;
}

void respcache_free(struct respcache *rc)
{
	if (!rc)
		return;
	for (int i = 0; i < SHARDS; i++) {
		for (struct entry *e = rc->shard[i].head, *next; e; e = next) {
			next = e->next;
			free(e);
		}
		pthread_mutex_destroy(&rc->shard[i].lock);
	}
	free(rc);
}

/* Unlink e from its bucket (whose chain starts at *slot) and the FIFO. */
static void unlink_entry(struct shard *sh, struct entry **slot, struct entry *e)
{
	while (*slot != e)
		slot = &(*slot)->hnext;
	*slot = e->hnext;
	if (e->prev)
		e->prev->next = e->next;
	else
		sh->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		sh->tail = e->prev;
	sh->bytes -= entry_size(e);
	sh->entries--;
}

static struct shard *shard_of(struct respcache *rc, uint64_t h, struct entry ***ret_slot)
{
	struct shard *sh = &rc->shard[h % SHARDS];

	*ret_slot = &sh->bucket[(h / SHARDS) % BUCKETS];
	return sh;
}

static struct entry *find(struct entry *e, uint64_t h, const char *key, size_t klen)
{
	for (; e; e = e->hnext)
		if (e->hash == h && e->klen == klen && memcmp(e->data, key, klen) == 0)
			return e;
	return NULL;
}

char *respcache_get(struct respcache *rc, const char *key, uint64_t gen, size_t *ret_len)
{
	size_t klen = strlen(key);
	uint64_t h = XXH3_64bits(key, klen);
	struct entry **slot, *e;
	struct shard *sh;
	char *out = NULL;

	if (!rc)
		return NULL;
	sh = shard_of(rc, h, &slot);
	pthread_mutex_lock(&sh->lock);
	e = find(*slot, h, key, klen);
	if (e && (e->gen != gen || now_ms() >= e->until_ms)) {
		unlink_entry(sh, slot, e); /* stale: it can never hit again */
		free(e);
		e = NULL;
	}
	if (e && (out = malloc(e->len + 1))) {
		memcpy(out, e->data + klen + 1, e->len + 1);
		*ret_len = e->len;
		sh->hits++;
	} else {
		sh->misses++;
	}
	pthread_mutex_unlock(&sh->lock);
	return out;
}

void respcache_put(struct respcache *rc, const char *key, uint64_t gen, const char *text,
		   size_t len)
{
	size_t klen = strlen(key);
	uint64_t h = XXH3_64bits(key, klen);
	struct entry **slot, *e, *old;
	struct shard *sh;

	if (!rc || sizeof(*e) + klen + len + 2 > rc->shard_max / 8)
		return; /* one answer never takes more than an eighth of a shard */
	if (!(e = malloc(sizeof(*e) + klen + len + 2)))
		return;
	*e = (struct entry){ .hash = h, .gen = gen, .until_ms = now_ms() + rc->ttl_ms,
			     .klen = klen, .len = len };
	memcpy(e->data, key, klen + 1);
	memcpy(e->data + klen + 1, text, len);
	e->data[klen + 1 + len] = '\0';

	sh = shard_of(rc, h, &slot);
	pthread_mutex_lock(&sh->lock);
	if ((old = find(*slot, h, key, klen))) {
		unlink_entry(sh, slot, old);
		free(old);
	}
	e->hnext = *slot;
	*slot = e;
	e->prev = sh->tail;
	if (sh->tail)
		sh->tail->next = e;
	else
		sh->head = e;
	sh->tail = e;
	sh->bytes += entry_size(e);
	sh->entries++;
	while (sh->bytes > rc->shard_max && sh->head != e) {
		struct entry *victim = sh->head, **vslot;

		shard_of(rc, victim->hash, &vslot);
		unlink_entry(sh, vslot, victim);
		free(victim);
	}
	pthread_mutex_unlock(&sh->lock);
}

void respcache_stats(struct respcache *rc, struct respcache_stats *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!rc)
		return;
	for (int i = 0; i < SHARDS; i++) {
		struct shard *sh = &rc->shard[i];

		pthread_mutex_lock(&sh->lock);
		ret->hits += sh->hits;
		ret->misses += sh->misses;
		ret->entries += sh->entries;
		ret->bytes += sh->bytes;
		pthread_mutex_unlock(&sh->lock);
	}
}
