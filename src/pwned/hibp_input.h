/*
 * hibp_input.h — a push parser for Have I Been Pwned's Pwned Passwords
 * text: lines "HASH:COUNT" (one big file: 40 hex digits of SHA-1 or 32 of
 * NTLM) or "SUFFIX:COUNT" (the downloader's per-prefix files, named after
 * their 5-hex prefix: 35 or 27 hex digits), LF or CRLF, hex in either case.
 *
 * Pure and bounded: bytes in, records out through a callback, no I/O, a
 * line longer than HIBP_INPUT_LINE_MAX is an error.  The hash kind is
 * fixed by the first line.  Records must come in strictly increasing
 * order, across files too (one parser reads all the files of one build).
 * Empty lines are skipped, and so are lines with count 0: that count is
 * api.pwnedpasswords.com's padding, never a breached password.  A UTF-8 BOM
 * at the start of a file is skipped.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define HIBP_INPUT_LINE_MAX 128
#define HIBP_INPUT_NO_PREFIX (-1)

struct hibp_input;

/*
 * Called for every record: the whole hash (hash_len bytes, borrowed for
 * the call) and its count.  A negative return stops the parser and is
 * returned by hibp_input_feed()/hibp_input_end().
 */
typedef int (*hibp_input_fn)(const unsigned char *hash, size_t hash_len, uint32_t count,
			     void *ctx);

/* hash_len: 20 (SHA-1), 16 (NTLM), or 0 to take it from the first line. */
int hibp_input_new(size_t hash_len, struct hibp_input **ret);
void hibp_input_free(struct hibp_input *p);

/*
 * Start a file: prefix is the 5-hex prefix its name gives (0..0xFFFFF), or
 * HIBP_INPUT_NO_PREFIX.  Suffix lines need a prefix.  The line number
 * starts again at 1; the order check goes on from the previous file.
 */
void hibp_input_begin(struct hibp_input *p, long prefix);

/* Parse len bytes of the current file.  0, -EINVAL (bad input), or fn's error. */
int hibp_input_feed(struct hibp_input *p, const char *buf, size_t len, hibp_input_fn fn,
		    void *ctx);

/* End the current file (its last line may lack a newline). */
int hibp_input_end(struct hibp_input *p, hibp_input_fn fn, void *ctx);

/* The line of the current file where parsing stopped (1-based). */
uint64_t hibp_input_line(const struct hibp_input *p);

/* Why the last -EINVAL: a static string, or "" when none. */
const char *hibp_input_error(const struct hibp_input *p);

/* The hash length found (0 before the first record). */
size_t hibp_input_hash_len(const struct hibp_input *p);

/* Records given to fn so far, and lines skipped (count 0). */
uint64_t hibp_input_records(const struct hibp_input *p);
uint64_t hibp_input_skipped(const struct hibp_input *p);

/* Parse a 5-hex prefix from the start of a file name ("ABCDE", "abcde.txt",
 * "ABCDE.txt.gz"): 0..0xFFFFF, or HIBP_INPUT_NO_PREFIX. */
long hibp_input_name_prefix(const char *name);
