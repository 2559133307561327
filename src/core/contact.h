/*
 * contact.h — normalising the ways people write phone numbers and email
 * addresses, so that "+84 24 6276 4300 máy lẻ 88617", "024.6276.4300 -
 * 88617" and "(024) 62764300 ext. 88617" compare equal, and the given name
 * of a Vietnamese full name ("Nguyễn Văn An" → "An").
 *
 * The public verification check (is this caller really support?) compares
 * what a user types against the official contacts registry and against a
 * request's requester; both sides go through these functions.
 *
 * Phone numbers:
 *   - separators inside the number: spaces, '.', '-', '/', parentheses, NBSP;
 *   - prefixes: "+84", "0084", "84" (country code, a leading "(0)" trunk
 *     digit dropped) become the national "0..." form; other "+CC" numbers
 *     stay international ("+33...");
 *   - an extension follows a marker ("máy lẻ", "may le", "số máy lẻ",
 *     "nhánh", "ext", "ext.", "extension", "x", "#", ",", ";") or, once the
 *     national number is complete (10 digits, or 11 for 02x landlines),
 *     simply the next group of digits ("02462764300 - 88617");
 *   - a label before the number ("ĐT:", "Tel") and words after it are
 *     ignored; more digits after the extension are refused (ambiguous).
 * The canonical text is "02462764300" or "02462764300;ext=88617" (the
 * RFC 3966 way of writing an extension).
 *
 * Pure functions: no I/O, no global state; inputs are NUL-terminated UTF-8
 * and outputs go to caller buffers, untouched on failure.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define CONTACT_INPUT_MAX 128  /* bytes of input accepted */
#define CONTACT_NUMBER_MAX 16  /* digits, with a leading '+' or '0' */
#define CONTACT_EXT_MAX 8      /* digits of an extension */
#define CONTACT_EMAIL_MAX 254
#define CONTACT_NORM_SIZE 272  /* enough for any canonical form + NUL */

struct contact_phone {
	char number[CONTACT_NUMBER_MAX + 2]; /* "02462764300", "+33123456789", "1900561252" */
	char ext[CONTACT_EXT_MAX + 1];       /* "" when none */
};

/* Parse a phone number; 0, or -EINVAL when it is not one. */
int contact_phone_parse(const char *s, struct contact_phone *ret);

/* The canonical text of a parsed number into buf; 0 or -ENOSPC. */
int contact_phone_format(const struct contact_phone *p, char *buf, size_t size);

/*
 * A normalised number grouped for reading: "024 6276 4300" (02x landlines),
 * "0912 345 678" (10 digits), anything else as it is.  0 or -ENOSPC.
 */
int contact_phone_pretty(const char *number, char *buf, size_t size);

/*
 * Normalise an email address: trim, drop "mailto:" and surrounding <>,
 * lower-case ASCII, then validate.  0, -EINVAL, or -ENOSPC.
 */
int contact_email_norm(const char *s, char *buf, size_t size);

enum contact_kind { CONTACT_NONE, CONTACT_EMAIL, CONTACT_PHONE };

/*
 * Normalise an email address or a phone number, whichever `s` is (an '@'
 * means email): the canonical text into buf (CONTACT_NORM_SIZE is enough).
 * Returns the kind, or CONTACT_NONE when it is neither.
 */
enum contact_kind contact_norm(const char *s, char *buf, size_t size);

/*
 * The given name of a Vietnamese full name — its last word ("Nguyễn Văn
 * An" → "An"; a trailing parenthesised remark is ignored) — into buf.
 * Returns 0, or -EINVAL when there is no word, -ENOSPC when it does not fit.
 */
int contact_given_name(const char *full, char *buf, size_t size);
