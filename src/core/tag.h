/*
 * tag.h - request codes and subject tags.
 *
 * A request code names one support request: "SDyymmdd-xxxxxx", where yymmdd
 * is the date in Asia/Ho_Chi_Minh when it was opened and xxxxxx a per-day
 * sequence 000001..999999. Codes travel in mail subjects, so besides a strict
 * parser there is a finder for free text ("Re: [SD211208-123456] Lỗi ký số").
 *
 * A subject tag "[SHKB#DVC]" routes a new mail to a unit (a 4-digit
 * provincial treasury code or another unit code) and a service code. Users
 * type it by hand, so the finder accepts spaces, lowercase and the
 * full-width forms an IME produces.
 *
 * Everything here is pure: no allocation, no I/O, no global state (not even
 * TZ). Inputs are (pointer, length) pairs that need not be NUL-terminated and
 * are never read past their length. Output structs are caller-owned and left
 * untouched when a function fails; the ret pointers of the parse and find
 * functions may be NULL when only the verdict matters.
 */
#ifndef TAG_H
#define TAG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TAG_CODE_LEN    15              /* "SDyymmdd-xxxxxx" */
#define TAG_CODE_SIZE   (TAG_CODE_LEN + 1)
#define TAG_DAY_SIZE    7               /* "yymmdd" + NUL */
#define TAG_SEQ_MAX     999999u
#define TAG_UNIT_MAX    32
#define TAG_SERVICE_MAX 16

struct tag_code {
	int year;               /* full year 2000..2099 */
	int month, day;
	uint32_t seq;           /* 1..999999 */
};

struct tag_subject {
	char unit[TAG_UNIT_MAX + 1];            /* uppercased, NUL-terminated */
	char service[TAG_SERVICE_MAX + 1];      /* uppercased, NUL-terminated */
};

/*
 * Parse exactly one request code: n must be 15, "SD" uppercase, a real
 * calendar date and a non-zero sequence. Returns 0 or -EINVAL.
 */
int tag_code_parse(const char *s, size_t n, struct tag_code *ret);

/*
 * Write the code and a NUL into buf. Returns 0, or -ERANGE when the date is
 * not a real day in 2000..2099 or seq is outside 1..999999 (buf untouched).
 */
int tag_code_format(const struct tag_code *c, char buf[static TAG_CODE_SIZE]);

/*
 * Find the first valid request code in free text. "sd" matches in any case;
 * the code must not touch an ASCII letter or digit on either side.
 * Candidates that fail validation are skipped. On success fills *ret and
 * *ret_off (byte offset of the code in s).
 * Returns 0 or -ENOENT.
 */
int tag_code_find(const char *s, size_t n, struct tag_code *ret,
		  size_t *ret_off);

/*
 * Fill year, month and day with the Asia/Ho_Chi_Minh calendar date of t and
 * set seq to 0. Returns 0, or -ERANGE when that date is outside 2000..2099.
 */
int tag_code_day(time_t t, struct tag_code *ret);

/*
 * Write the "yymmdd" part of c and a NUL into buf; seq is ignored.
 * Returns 0, or -ERANGE when the date is invalid (buf untouched).
 */
int tag_code_dayfmt(const struct tag_code *c, char buf[static TAG_DAY_SIZE]);

/*
 * Find the first subject tag "[UNIT#SERVICE]" in a UTF-8 subject. Accepts
 * spaces and tabs around either part, lowercase, the full-width number sign
 * U+FF03 and full-width brackets U+FF3B/U+FF3D. UNIT is [A-Za-z0-9_.-]{1,32},
 * SERVICE [A-Za-z0-9_-]{1,16}; both come back uppercased. A bracket group
 * that does not parse is skipped. The subject may hold NULs or invalid UTF-8.
 * Returns 0 or -ENOENT.
 */
int tag_subject_find(const char *s, size_t n, struct tag_subject *ret);

#endif /* TAG_H */
