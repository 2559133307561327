/*
 * observables.h — find the technical indicators in free text.
 *
 * Incident reports name what was seen: addresses (IPv4, IPv6), domains,
 * URLs, email addresses, file hashes (MD5, SHA-1, SHA-256), CVE ids,
 * Vietnamese phone numbers, Zalo accounts (zalo.me links and quoted names
 * after the word "Zalo", as impersonation reports give them).  Analysts
 * write them defanged (`hxxp://`, `1.2.3[.]4`, `example[.]com`, `[@]`,
 * `(dot)`); those forms are read as the real value.
 *
 * Extraction avoids the usual false positives: version numbers (7.0.12) are
 * not addresses, file names (report.pdf) are not domains (the last label
 * must be a known top-level domain), words glued to Vietnamese letters are
 * not domains (Q.Ba Đình), numbers that are not phone numbers (tax codes,
 * dates, amounts) are left alone.
 *
 * Values are normalised so that equal things compare equal: lower case for
 * domains, emails, hashes and URL scheme and host; upper case CVE ids;
 * canonical IP text; phone numbers in national form 0xxxxxxxxx.
 *
 * Pure and bounded: no I/O, no globals; at most OBS_TEXT_MAX bytes are read
 * and at most OBS_MAX values returned.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define OBS_TEXT_MAX (256 * 1024) /* bytes of text examined */
#define OBS_MAX 200               /* values returned per text */
#define OBS_VALUE_MAX 2048        /* bytes of one value (URLs are the longest) */

enum obs_type {
	OBS_IPV4,
	OBS_IPV6,
	OBS_DOMAIN,
	OBS_URL,
	OBS_EMAIL,
	OBS_MD5,
	OBS_SHA1,
	OBS_SHA256,
	OBS_CVE,
	OBS_PHONE,
	OBS_ZALO,
	OBS__COUNT
};

struct obs {
	enum obs_type type;
	char *value; /* owned by the list */
};

struct obs_list {
	struct obs *items;
	size_t n, cap;
};

/* "ipv4", "domain", ...; NULL for an invalid type.  Static strings. */
const char *obs_type_name(enum obs_type t);
/* The type named s, or -1. */
int obs_type_parse(const char *s);

/*
 * Append the observables of text[0..len) (UTF-8; need not be
 * NUL-terminated; invalid bytes are separators) to ret, each (type, value)
 * once, in order of appearance.  Returns 0, or -ENOMEM (ret then holds what
 * was found before).
 */
int obs_extract(const char *text, size_t len, struct obs_list *ret);

/* Free the values and the array; the list is empty and reusable after. */
void obs_list_clear(struct obs_list *l);

/*
 * Check and normalise one value given by hand (refanging it first).
 * Writes the normal form to out (size bytes, NUL-terminated).  Returns NULL,
 * or the reason it is refused ("is not a valid IPv4 address").
 */
const char *obs_normalize(enum obs_type t, const char *value, char *out, size_t size);

/*
 * Whether a normalised value names the same thing wherever it is seen:
 * false for private, loopback, link-local, shared (CGNAT) and unspecified
 * addresses (10.0.0.5 in one unit is not 10.0.0.5 in another), true for
 * everything else.  Requests are not linked on such values.
 */
bool obs_is_global(enum obs_type t, const char *value);

/*
 * Copy text with defanged forms read back ([.] (.) (dot) [dot] {.} → ".",
 * [@] (at) [at] → "@", [:] → ":", [/] → "/", hxxp → http, fxp → ftp).
 * Returns a NUL-terminated string the caller frees, or NULL when out of
 * memory.
 */
char *obs_refang(const char *text, size_t len);
