/*
 * leaks_parse.h — the pure part of leaked-credential monitoring: what a line
 * of a credential dump says, and how an account name is normalised.
 *
 * Two layouts are understood:
 *   - combo lists, one credential a line: `email:password`, `email;password`,
 *     `email|password`, `url:user:password` (also with `|`, `;` or a space
 *     after the URL), `host/path:user:password`, and `user:password` (whose
 *     user is matched only when the caller knows the system, --system);
 *   - stealer logs (Passwords.txt and its relatives): blocks of `Key: value`
 *     lines — URL/Host/Url/Site, Username/Login/USER/Email, Password/PASS,
 *     Application/Soft/Browser — ending at a separator line, a blank line,
 *     or the next block's first key, in the spellings of RedLine, Raccoon,
 *     Vidar, Lumma and their copies.
 *
 * Everything here is bytes in, struct out: no allocation, no I/O, fixed
 * bounds.  Results borrow from the line (combo) or from the block parser
 * (stealer), never from the heap.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LEAKS_LINE_MAX 4096   /* longer lines are skipped as over-long */
#define LEAKS_KEY_MAX 256     /* a normalised account name (email or username) */
#define LEAKS_FIELD_MAX 1024  /* a stealer-log value kept by the block parser */
#define LEAKS_HINT_SIZE 48    /* "a••••••z (8)" with UTF-8 characters */

/* One credential found in a line or a block; every pointer is borrowed. */
struct leaks_cred {
	const char *user;     /* as written (not normalised), never NULL */
	size_t user_len;
	const char *pass;     /* never NULL, pass_len > 0 */
	size_t pass_len;
	const char *host;     /* host of the URL, as written, or NULL */
	size_t host_len;
	const char *app;      /* stealer logs: Application/Soft/Browser, or NULL */
	size_t app_len;
};

/*
 * Whether a line may be read: valid UTF-8, no control characters except
 * TAB, no NUL, at most LEAKS_LINE_MAX bytes.  The line comes without its
 * '\n'; a final '\r' and a leading UTF-8 BOM must be stripped first
 * (leaks_line_trim).  0 when fine, -EILSEQ (not UTF-8 or binary), -E2BIG.
 */
int leaks_line_check(const char *s, size_t len);

/* Strip a leading UTF-8 BOM and a final CR: adjusts *s and *len. */
void leaks_line_trim(const char **s, size_t *len);

/*
 * Parse a combo-list line (checked and trimmed).  Fills up to two readings
 * (a line such as `portal.example.vn:binh:pa:ss` is both user
 * `portal.example.vn` with password `binh:pa:ss` and host
 * `portal.example.vn`, user `binh`, password `pa:ss`; exact matching
 * against our accounts decides which one, if any, was meant).  Returns the
 * number of readings, 0 when the line holds no credential.
 */
int leaks_combo_parse(const char *s, size_t len, struct leaks_cred ret[2]);

/* The stealer-log block parser: push lines, get credentials. */
struct leaks_block {
	struct leaks_field {
		char v[LEAKS_FIELD_MAX];
		size_t len;
		bool set;
	} url[2], user[2], pass[2], app[2]; /* [cur] is filling, [!cur] was emitted */
	int cur;
	uint64_t blocks;                     /* credentials emitted */
};

void leaks_block_init(struct leaks_block *b);

/* Whether a line is one of a stealer log's keys ("Password: x"...). */
bool leaks_block_is_key_line(const char *s, size_t len);

/*
 * Feed one checked, trimmed line.  Returns 1 when it completed a
 * credential (then *ret borrows from b until the next call), else 0.
 */
int leaks_block_feed(struct leaks_block *b, const char *s, size_t len, struct leaks_cred *ret);

/* At the end of the file: the last block, if complete (1), else 0. */
int leaks_block_end(struct leaks_block *b, struct leaks_cred *ret);

/*
 * Normalise an account name for exact matching: trimmed of spaces, lower
 * case (ASCII quickly; Unicode, NFC, for internationalised addresses and
 * domains).  Writes at most LEAKS_KEY_MAX bytes with a NUL into out and
 * returns the length, or -EINVAL when empty, too long or not UTF-8.
 */
int leaks_key_norm(const char *s, size_t len, char out[LEAKS_KEY_MAX]);

/* Whether a normalised key is an email address (has one '@' inside). */
const char *leaks_key_domain(const char *key, size_t len);

/*
 * Whether `domain` (normalised) is `watched` or a subdomain of it:
 * "hanoi.gov.vn" is within "gov.vn"; "notgov.vn" is not.
 */
bool leaks_domain_within(const char *domain, size_t len, const char *watched, size_t wlen);

/*
 * The masked hint of a password: its first and last character and its
 * length in characters ("P••••••d (8)"); passwords under 6 characters show
 * only their length ("••• (3)").  Never more of the password.
 */
void leaks_hint(const char *pass, size_t len, char out[LEAKS_HINT_SIZE]);

/* The masked form of an account shown to units: "b•••t@hanoi.gov.vn", "n•••n". */
void leaks_mask_account(const char *key, char *out, size_t size);
