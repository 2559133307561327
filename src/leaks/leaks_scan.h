/*
 * leaks_scan.h — read credential dumps and report the credentials that
 * name our accounts or watched mailboxes.
 *
 * Inputs are files or directories (walked recursively, in name order);
 * each file is plain, gzip or zstd (pwned/instream), and is read either as
 * a combo list or, when its first 4 KiB look like one, as a stealer log
 * (see leaks_parse.h).  Nothing is loaded whole: plain files are read with
 * pread() in 1 MiB blocks, in chunks of up to 64 MiB shared among the
 * threads (a line belongs to the chunk it starts in); compressed files and
 * stealer logs are read by one thread each.  Lines that are not UTF-8,
 * binary or longer than LEAKS_LINE_MAX are counted and skipped.
 *
 * Library code: no logging, no exits.  The caller gets each hit through a
 * callback (called under a lock, one at a time) and the totals at the end.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct leaks_match;

/* One credential that names an account, or a mailbox of a watched domain. */
struct leaks_hit {
	const char *key;            /* the normalised name (email or username) */
	size_t key_len;
	const uint32_t *accounts;   /* account numbers given to leaks_match_add_account */
	size_t naccounts;           /* 0: an unknown mailbox of `domain` */
	const char *domain;         /* watched domain, for an unknown mailbox */
	const char *pass;           /* the leaked password: borrowed, for the call only */
	size_t pass_len;
	const char *system;         /* our system (by URL host or --system), or NULL */
	const char *source;         /* the input's label */
	const char *file;           /* the file it came from */
};

struct leaks_stats {
	uint64_t files;
	uint64_t bytes;     /* of the files as stored (compressed size for gz/zst) */
	uint64_t text;      /* of text read */
	uint64_t lines;
	uint64_t skipped;   /* not UTF-8, binary or over-long */
	uint64_t creds;     /* credentials read */
	uint64_t matched;   /* hits */
};

struct leaks_scan_opts {
	unsigned threads;            /* 0: one per online CPU */
	const char *system;          /* the system of `user:password` lines, or NULL */
	const char *source;          /* label of every input, or NULL: each argument's name */
	/* Called for every hit, under a lock; a negative return stops the scan with it. */
	int (*on_hit)(void *arg, const struct leaks_hit *h);
	void *arg;
	/* Called about every `every` seconds from the calling thread. */
	void (*progress)(void *arg, const struct leaks_stats *so_far, uint64_t total_bytes);
	void *progress_arg;
	double every;
};

/*
 * Scan the paths.  Returns 0, or a negative errno with a message in errbuf
 * (a file that cannot be opened, corrupt compressed data, a hit callback's
 * refusal); totals so far are in *ret either way.
 */
int leaks_scan(const struct leaks_match *m, char *const *paths, size_t npaths,
	       const struct leaks_scan_opts *o, struct leaks_stats *ret, char *errbuf,
	       size_t errlen);
