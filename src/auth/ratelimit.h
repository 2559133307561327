/*
 * ratelimit.h — fixed-window rate limits per key (a client address, a
 * request code): at most `limit` uses per `window` seconds.
 *
 * Unlike throttle.h (failures with growing locks), a key that uses its
 * allowance steadily is never locked for longer than the rest of its
 * window, so an office behind one address can keep checking a few codes an
 * hour.  The clock is the caller's (`now` in seconds).  Memory is bounded:
 * a fixed table; when the probed slots are full the one whose window began
 * longest ago is reused.  Keys are hashed with a random-keyed SipHash
 * (libsodium crypto_shorthash).  Thread-safe.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct ratelimit;

/* slots: how many keys to remember (rounded up to a power of two). NULL on ENOMEM. */
struct ratelimit *ratelimit_new(size_t slots, unsigned limit, unsigned window);
void ratelimit_free(struct ratelimit *r);

/* Seconds until `key` may be used again (0: now); counts nothing. */
unsigned ratelimit_wait(struct ratelimit *r, const char *key, int64_t now);

/* Count one use of `key`: 0 when within the limit, else the seconds to wait
 * (the use is then not counted). */
unsigned ratelimit_hit(struct ratelimit *r, const char *key, int64_t now);
