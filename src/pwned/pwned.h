/*
 * pwned.h — the breached-password index: a binary, memory-mapped,
 * read-only copy of Have I Been Pwned's "Pwned Passwords" corpus (SHA-1 or
 * NTLM hashes with the number of times each was seen), built once from the
 * sorted text download and then queried in place.
 *
 * The file (all integers little-endian):
 *
 *   header    4096 bytes: magic "UNGCPWND", format version, hash kind,
 *             density, counts, build time, section offsets and sizes, an
 *             XXH3-128 checksum of the tables and one of the data, and an
 *             XXH3-64 checksum of the header itself
 *   tables    first_record[2^20 + 1] (u64): the records of 5-hex prefix P
 *             are [first_record[P], first_record[P + 1]); full density adds
 *             first_overflow[2^20 + 1] (u64) for the overflow entries
 *   data      one block per prefix, in prefix order:
 *             full:    records of hash_size - 2 bytes (the hash after its
 *                      first 16 bits; the high nibble of the first byte,
 *                      which repeats the prefix, holds the count when it is
 *                      1..15, or 0 when the count is in an overflow entry),
 *                      then the block's overflow entries {u32 rank in the
 *                      block, u32 count}, by rank
 *             compact: fingerprints of fp_bits / 8 bytes (the fp_bits bits
 *                      after the prefix, big-endian), strictly increasing
 *
 * Full density answers range queries exactly (18 + ~0.2 bytes per SHA-1
 * hash); compact density answers membership only, with a false-positive
 * rate of records / 2^(20 + fp_bits) per lookup of a hash that is not in
 * it (32 bits: 4 bytes per hash, 4.4e-7 for 2 billion hashes).
 *
 * pwned_open() checks the header, the file size and the tables (a few
 * milliseconds); pwned_verify() reads everything and checks the data
 * checksum and the order of every record.  Lookups never read outside the
 * mapping, whatever the file holds.
 *
 * An open index is reference-counted and immutable, so any number of
 * threads may query it; pwned_set.h swaps indexes under running readers.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pwned_kind { PWNED_SHA1 = 1, PWNED_NTLM = 2 };
enum pwned_density { PWNED_FULL = 1, PWNED_COMPACT = 2 };

#define PWNED_SHA1_SIZE 20
#define PWNED_NTLM_SIZE 16
#define PWNED_HASH_MAX 20
#define PWNED_PREFIX_BITS 20
#define PWNED_PREFIXES (1u << PWNED_PREFIX_BITS)
#define PWNED_FP_BITS_DEFAULT 32 /* compact: 8, 16, ... 56 */
#define PWNED_VERSION_SIZE 17    /* 16 hex digits naming one build, and a NUL */

/* Padding of range responses (api.pwnedpasswords.com's Add-Padding). */
#define PWNED_PAD_MIN 800
#define PWNED_PAD_MAX 1000

struct pwned;

struct pwned_info {
	enum pwned_kind kind;
	enum pwned_density density;
	unsigned fp_bits;               /* compact only */
	uint64_t hashes;                /* hashes given to the builder */
	uint64_t records;               /* records stored (compact merges equal fingerprints) */
	uint64_t overflow;              /* full: counts over 15, stored apart */
	uint64_t build_time;            /* Unix seconds */
	uint64_t file_size;             /* bytes */
	char version[PWNED_VERSION_SIZE]; /* from the data checksum: changes with the content */
};

/* Bytes of a hash of this kind (20 or 16), 0 for an unknown kind. */
size_t pwned_hash_size(enum pwned_kind kind);
/* "sha1", "ntlm"; "full", "compact". */
const char *pwned_kind_name(enum pwned_kind kind);
const char *pwned_density_name(enum pwned_density density);

/*
 * A message for the negative errno values of this module: besides the
 * system's own (-ENOENT, -EACCES...), -EMEDIUMTYPE "not a breached-password
 * index", -EPROTONOSUPPORT "unsupported index format version", -ENODATA
 * "truncated", -EBADMSG "checksum mismatch", -EUCLEAN "inconsistent".
 * Static string.
 */
const char *pwned_strerror(int rc);

/* ------------------------------------------------------------------------ */
/* Hashing                                                                  */
/* ------------------------------------------------------------------------ */

/*
 * Hash a password as HIBP does: SHA-1 of its UTF-8 bytes, or NTLM (MD4 of
 * its UTF-16LE form; -EILSEQ when it is not valid UTF-8).  Writes
 * pwned_hash_size(kind) bytes.  -EOPNOTSUPP when OpenSSL offers no MD4.
 */
int pwned_hash_password(enum pwned_kind kind, const char *pw, size_t len,
			unsigned char *ret_hash);

/* ------------------------------------------------------------------------ */
/* Opening and queries                                                      */
/* ------------------------------------------------------------------------ */

/*
 * Map the index at path read-only and check it (not the data checksum: see
 * pwned_verify).  On success *ret holds one reference; drop it with
 * pwned_close().
 */
int pwned_open(const char *path, struct pwned **ret);

/* Take one more reference (for another thread); returns p. */
struct pwned *pwned_ref(struct pwned *p);

/* Drop one reference; the last one unmaps.  NULL is fine. */
void pwned_close(struct pwned *p);

void pwned_get_info(const struct pwned *p, struct pwned_info *ret);

/*
 * Fault every page of the index into this process now (reading it from the
 * disk if it is not cached): the price of a cold index paid once, rather
 * than a page fault in the first lookups that touch each page.  0 or -errno.
 */
int pwned_populate(const struct pwned *p);

/*
 * Look a hash up.  0 when present, with its count in *ret_count (NULL is
 * fine); a compact index stores no counts and sets 0.  -ENOENT when absent,
 * -EINVAL when len is not the index's hash size, -EBADMSG when the file is
 * corrupt where it was read.
 */
int pwned_lookup(const struct pwned *p, const unsigned char *hash, size_t len,
		 uint32_t *ret_count);

/* The same for a SHA-1 index (-EINVAL for another kind). */
int pwned_lookup_sha1(const struct pwned *p, const unsigned char sha1[PWNED_SHA1_SIZE],
		      uint32_t *ret_count);

/*
 * Hash the password with the index's kind and look it up: what a password
 * policy calls.  Same results as pwned_lookup(), plus -EILSEQ and
 * -EOPNOTSUPP from pwned_hash_password().  The hash is wiped after use.
 */
int pwned_check_password(const struct pwned *p, const char *pw, size_t len,
			 uint32_t *ret_count);

/*
 * Call fn for every hash of a 5-hex prefix (0 .. 2^20 - 1), in order, with
 * the whole hash (pwned_hash_size() bytes, borrowed for the call) and its
 * count.  A non-zero return from fn stops and is returned.  -EOPNOTSUPP on
 * a compact index, -EINVAL for a prefix out of range.
 */
typedef int (*pwned_range_fn)(const unsigned char *hash, uint32_t count, void *ctx);
int pwned_range(const struct pwned *p, uint32_t prefix, pwned_range_fn fn, void *ctx);

/* Number of records under a prefix (hashes, or fingerprints when compact). */
uint64_t pwned_range_size(const struct pwned *p, uint32_t prefix);

/*
 * The body of GET /range/{prefix} as api.pwnedpasswords.com sends it: lines
 * "SUFFIX:COUNT" (the hash after its prefix, uppercase hex), separated by
 * CRLF, none after the last.  With pad, lines of random suffixes that are
 * not in the range, with count 0, are merged in (in order) up to a random
 * PWNED_PAD_MIN..PWNED_PAD_MAX lines; a range already that long gets 10 to
 * 200 of them (as api.pwnedpasswords.com does for every range).
 * *ret_text is NUL-terminated, caller frees it with free().
 */
int pwned_range_text(const struct pwned *p, uint32_t prefix, bool pad, char **ret_text,
		     size_t *ret_len);

/*
 * Read the whole index: data checksum, strictly increasing records in every
 * block, overflow entries matching the records that need them.  0, or
 * -EBADMSG / -EUCLEAN.  fn (may be NULL) is called now and then with the
 * bytes checked so far and the total.
 */
typedef void (*pwned_progress_fn)(uint64_t done, uint64_t total, void *ctx);
int pwned_verify(const struct pwned *p, pwned_progress_fn fn, void *ctx);

/* ------------------------------------------------------------------------ */
/* Writing                                                                  */
/* ------------------------------------------------------------------------ */

struct pwned_build_options {
	enum pwned_kind kind;       /* 0: from the first hash added */
	enum pwned_density density; /* 0: full */
	unsigned fp_bits;           /* compact; 0: PWNED_FP_BITS_DEFAULT */
	uint64_t build_time;        /* Unix seconds; 0: now */
};

struct pwned_builder;

/*
 * Start writing an index that will replace path atomically: the records go
 * to a temporary file beside it, renamed over path by
 * pwned_builder_commit().  -EINVAL for bad options.
 */
int pwned_builder_new(const char *path, const struct pwned_build_options *o,
		      struct pwned_builder **ret);

/*
 * Add one hash (len: the kind's size) with its count; hashes must come in
 * strictly increasing order (-EDOM otherwise, -EINVAL for a wrong length).
 */
int pwned_builder_add(struct pwned_builder *b, const unsigned char *hash, size_t len,
		      uint32_t count);

/* Hashes added so far. */
uint64_t pwned_builder_count(const struct pwned_builder *b);

/*
 * Write the tables and header, sync, optionally verify the finished file
 * (open it as pwned_open() does, read the data back from the disk and
 * compare its checksum; fn reports that reading), rename it over the
 * destination and sync the directory.  Frees b in every case; on failure
 * the destination is untouched.  The order of the records needs no second
 * look: pwned_builder_add() refused anything else.
 */
int pwned_builder_commit(struct pwned_builder *b, bool verify, pwned_progress_fn fn,
			 void *ctx);

/* Abandon: remove the temporary file and free.  NULL is fine. */
void pwned_builder_free(struct pwned_builder *b);
