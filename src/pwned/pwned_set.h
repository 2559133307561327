/*
 * pwned_set.h — the indexes a running server answers from (one SHA-1, one
 * NTLM), replaceable while requests use them.
 *
 * A reader takes a reference with pwned_set_get() and drops it with
 * pwned_close() when done; pwned_set_put() swaps in a new index at any
 * time.  The old index stays mapped until its last reader drops it, so no
 * request fails or reads unmapped memory during a swap.  The lock guards
 * only the pointer load and the reference increment (a few instructions),
 * never a lookup.
 */
#pragma once

#include <stdint.h>

#include "pwned/pwned.h"

struct pwned_set;

int pwned_set_new(struct pwned_set **ret);

/* Drops the set's references; readers keep theirs.  NULL is fine. */
void pwned_set_free(struct pwned_set *s);

/* A new reference to the index of that kind (drop it with pwned_close()),
 * or NULL when none is loaded. */
struct pwned *pwned_set_get(struct pwned_set *s, enum pwned_kind kind);

/*
 * Install p in the slot of its kind; takes ownership of the caller's
 * reference.  The index it replaces is closed once its readers are done.
 */
void pwned_set_put(struct pwned_set *s, struct pwned *p);

/* How many swaps so far (for tests and logs). */
uint64_t pwned_set_generation(struct pwned_set *s);

/*
 * A password policy hook (the signature of struct policy_hooks' breached):
 * ctx is a struct pwned_set *; looks the password up in the SHA-1 index,
 * else the NTLM one.  0 with the count when breached, -ENOENT when not,
 * -ENODEV when no index is loaded, another negative errno on failure.
 */
int pwned_set_breached(void *ctx, const char *password, uint32_t *ret_count);
