/*
 * leaks_match.h — what a dump is matched against: our account names (email
 * addresses and usernames), the hosts of our systems, and the email domains
 * we watch.
 *
 * Account names sit in an open-addressing hash table of 64-bit slots (a
 * 32-bit tag of the name's hash and the entry number), at most half full, so
 * that a miss — nearly every line of a dump — costs one probe of one cache
 * line, which the scanner prefetches for a batch of lines at a time.  A tag
 * hit is confirmed by comparing the name itself: matching is exact.  About
 * 30 bytes per account plus the names: 1,000,000 accounts take ~55 MB.
 *
 * Built once, then read by many threads without locks.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct leaks_match;

/* An empty matcher sized for `expected` names.  Caller frees with leaks_match_free(). */
int leaks_match_new(size_t expected, struct leaks_match **ret);
void leaks_match_free(struct leaks_match *m);

/*
 * Add an account name (normalised here with leaks_key_norm) for account
 * number `account`.  The same name for two accounts (a shared mailbox)
 * names both; given twice for the same account, it names it twice.  0,
 * -EINVAL when the name is empty, too long or not UTF-8, -ENOMEM.  Names
 * are appended only: leaks_match_seal() indexes them.
 */
int leaks_match_add_account(struct leaks_match *m, const char *name, size_t len, uint32_t account);

/*
 * Index the names added so far (one pass, prefetching ahead: 1,000,000
 * names in well under 0.1 s), before any leaks_match_find().  0, -ENOMEM.
 */
int leaks_match_seal(struct leaks_match *m);

/* Watch an email domain (and its subdomains); 0, -EINVAL, -ENOMEM. */
int leaks_match_add_domain(struct leaks_match *m, const char *domain);

/* A host of one of our systems, named `system` (copied); 0, -EINVAL, -ENOMEM. */
int leaks_match_add_host(struct leaks_match *m, const char *host, const char *system);

size_t leaks_match_names(const struct leaks_match *m);
size_t leaks_match_ndomains(const struct leaks_match *m);
size_t leaks_match_nhosts(const struct leaks_match *m);

/*
 * The hash of a normalised name, for leaks_match_prefetch/find: eight bytes
 * at a time (the last word zero-padded), a multiply-xorshift step per word
 * and MurmurHash3's finaliser.  Not XXH3: the scanner computes this same
 * hash while it lower-cases a name eight bytes at a time (leaks_hash_step
 * on each word it writes), so hashing costs no second pass over the name
 * and no call.  Names are ours; a dump cannot add to the table, so a
 * hostile input can at worst probe a little longer.
 */
static inline uint64_t leaks_hash_step(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

static inline uint64_t leaks_hash_end(uint64_t h, size_t len)
{
	h ^= (uint64_t)len;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

static inline uint64_t leaks_match_hash(const char *key, size_t len)
{
	uint64_t h = 0, w;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, key + i, 8);
		h = leaks_hash_step(h, w);
	}
	if (i < len) {
		w = 0;
		memcpy(&w, key + i, len - i);
		h = leaks_hash_step(h, w);
	}
	return leaks_hash_end(h, len);
}

/* Start loading the slot of hash h into the cache. */
void leaks_match_prefetch(const struct leaks_match *m, uint64_t h);

/*
 * A blocked Bloom filter in front of the table: one 64-bit word per name
 * hash, three bits set, about 8 bits per name (1 MiB for 1,000,000 names:
 * it stays in the core's L2 cache).  "No" is certain; "maybe" is wrong for
 * about 4 % of the names that are not ours, which the table then refuses.
 * Inline, so that the scanner's hot loop decides most lines without a call
 * and without touching the table.
 */
struct leaks_filter {
	const uint64_t *words;
	uint64_t mask;  /* words - 1 (a power of two) */
};

/* The filter of a sealed matcher (borrowed). */
const struct leaks_filter *leaks_match_filter(const struct leaks_match *m);

static inline uint64_t leaks_filter_bits(uint64_t h)
{
	return (1ull << (h & 63)) | (1ull << ((h >> 6) & 63)) | (1ull << ((h >> 12) & 63));
}

static inline bool leaks_filter_maybe(const struct leaks_filter *f, uint64_t h)
{
	uint64_t b = leaks_filter_bits(h);

	return (f->words[(h >> 24) & f->mask] & b) == b;
}

/*
 * The accounts a normalised name belongs to: up to `max` account numbers
 * into ret; returns how many there are (0 for none).
 */
size_t leaks_match_find(const struct leaks_match *m, uint64_t h, const char *key, size_t len,
			uint32_t *ret, size_t max);

/* The watched domain a normalised domain lies within, or NULL (borrowed). */
const char *leaks_match_domain(const struct leaks_match *m, const char *domain, size_t len);

/* The system whose host this is (host as written: compared without case), or NULL. */
const char *leaks_match_host(const struct leaks_match *m, const char *host, size_t len);

/* Whether every name added is indexed (leaks_match_seal since the last add). */
bool leaks_match_sealed(const struct leaks_match *m);
