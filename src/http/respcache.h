/*
 * respcache.h — a bounded cache of rendered API answers.
 *
 * An answer is stored under a key (what was asked, and everything about
 * the caller that shapes the answer) together with the store generation
 * it was rendered at (store_generation(): it changes whenever any
 * connection of any process commits).  A lookup hits only with the same
 * key and the same generation, and within the entry's lifetime, so a
 * cached answer is never older than the last commit and never older than
 * `ttl_ms` (for what an answer derives from the clock, such as SLA state).
 *
 * Thread-safe; sharded so that the HTTP threads rarely meet on one lock.
 * The memory bound counts keys and bodies; past it the oldest entries of
 * the shard go first.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct respcache;

/* A cache of at most max_bytes; NULL when max_bytes is 0 (no cache) or on
 * allocation failure. */
struct respcache *respcache_new(size_t max_bytes, int ttl_ms);
void respcache_free(struct respcache *rc);

/* A malloc'd copy of the answer cached under `key` at generation `gen`
 * (NUL-terminated, length in *ret_len), or NULL. */
char *respcache_get(struct respcache *rc, const char *key, uint64_t gen, size_t *ret_len);

/* Cache `text` (len bytes) under `key` as rendered at generation `gen`. */
void respcache_put(struct respcache *rc, const char *key, uint64_t gen, const char *text,
		   size_t len);

struct respcache_stats {
	uint64_t hits, misses, entries, bytes;
};
void respcache_stats(struct respcache *rc, struct respcache_stats *ret);
