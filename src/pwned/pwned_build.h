/*
 * pwned_build.h — build a breached-password index from HIBP downloads:
 * each input is read through instream (plain, gzip, zstd), parsed by
 * hibp_input (either layout, order checked across all inputs), and
 * streamed into a pwned_builder, which replaces the output atomically.
 *
 * Inputs, in the order given:
 *   FILE    one file: lines HASH:COUNT, or SUFFIX:COUNT when its name starts
 *           with its 5-hex prefix ("ABCDE.txt", "ABCDE.txt.zst")
 *   DIR     the downloader's directory of per-prefix files, read in prefix
 *           order; any other file in it is an error (hidden files aside)
 *   -       standard input, lines HASH:COUNT
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pwned/pwned.h"

struct pwned_build_progress {
	const char *file;      /* the input being read (borrowed) */
	uint64_t text_bytes;   /* decompressed bytes parsed so far */
	uint64_t file_bytes;   /* bytes read from the inputs (compressed) */
	uint64_t file_total;   /* sum of the input sizes, 0 when unknown (stdin) */
	uint64_t hashes;       /* hashes added */
	bool verifying;        /* the output is being verified: */
	uint64_t verify_done, verify_total;
};

typedef void (*pwned_build_progress_fn)(const struct pwned_build_progress *pr, void *ctx);

struct pwned_build_stats {
	uint64_t files;        /* input files read */
	uint64_t text_bytes;   /* decompressed bytes parsed */
	uint64_t file_bytes;   /* bytes read from the inputs */
	uint64_t hashes;       /* hashes indexed */
	uint64_t skipped;      /* lines with count 0 (padding) */
	struct pwned_info info; /* of the index written */
};

struct pwned_build_err {
	char message[512];     /* "FILE:LINE: reason", "FILE: reason" */
};

/*
 * Build `out` from the inputs.  fn (may be NULL) is called after every
 * chunk read and during verification; it should throttle itself.  On
 * failure returns a negative errno (-EINVAL for bad input) with a message
 * in err (may be NULL), and `out` is untouched.
 */
int pwned_build(const char *const *inputs, size_t n, const char *out,
		const struct pwned_build_options *o, bool verify, pwned_build_progress_fn fn,
		void *ctx, struct pwned_build_stats *ret_stats, struct pwned_build_err *err);
