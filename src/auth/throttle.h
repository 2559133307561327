/*
 * throttle.h — brute-force throttling of logins, per key (an account name,
 * a client address), with exponential backoff and temporary locks.
 *
 * A key may fail `free_failures` times; each failure after that locks it
 * for base_lock << (extra failures - 1) seconds, at most max_lock.  A key
 * that has not failed for `forget_after` seconds starts over; a success
 * clears it.  The clock is the caller's (`now` in seconds), so tests can
 * move time.  Memory is bounded: a fixed table; when it is full the entry
 * that failed longest ago is replaced.  Keys are hashed with a random-keyed
 * SipHash (libsodium crypto_shorthash), so a stranger cannot aim many keys
 * at one slot.  Thread-safe.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct throttle_rules {
	unsigned free_failures;
	unsigned base_lock;    /* seconds */
	unsigned max_lock;     /* seconds */
	unsigned forget_after; /* seconds */
};

struct throttle;

/* slots: how many keys to remember (rounded up to a power of two). */
struct throttle *throttle_new(size_t slots, const struct throttle_rules *rules);
void throttle_free(struct throttle *t);

/* Seconds the key must still wait (0: it may try now). */
unsigned throttle_wait(struct throttle *t, const char *key, int64_t now);

/* Record a failure; returns the seconds the key is now locked for (0 if none). */
unsigned throttle_fail(struct throttle *t, const char *key, int64_t now);

/* Record a success: the key starts over. */
void throttle_success(struct throttle *t, const char *key);
