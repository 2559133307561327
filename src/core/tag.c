/*
 * tag.c - request codes ("SDyymmdd-xxxxxx") and subject tags ("[0010#DVC]").
 *
 * Pure byte parsers: they only look at s[0..n), allocate nothing and keep no
 * state. Character classes are spelled out in ASCII rather than taken from
 * <ctype.h> so that the process locale can never change what a code is.
 */
#include <errno.h>
#include <string.h>

#include "tag.h"

/* Asia/Ho_Chi_Minh has been UTC+07:00 with no daylight saving since 1975. */
#define TAG_VN_OFFSET (7 * 3600)

/* Instants [TAG_T_MIN, TAG_T_END) have a Vietnamese date in 2000..2099. */
#define TAG_T_MIN 946659600LL   /* 2000-01-01T00:00:00+07:00 */
#define TAG_T_END 4102419600LL  /* 2100-01-01T00:00:00+07:00 */

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(unsigned char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static char to_upper(unsigned char c)
{
	return (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
}

/* ---------------------------------------------------------------------------
 * Request codes
 * ------------------------------------------------------------------------- */

static int days_in_month(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

static int date_valid(int year, int month, int day)
{
	return year >= 2000 && year <= 2099 && month >= 1 && month <= 12 &&
	       day >= 1 && day <= days_in_month(year, month);
}

static int code_valid(const struct tag_code *c)
{
	return date_valid(c->year, c->month, c->day) &&
	       c->seq >= 1 && c->seq <= TAG_SEQ_MAX;
}

/* Read k ASCII digits; the caller has checked that they are digits. */
static uint32_t digits(const char *s, int k)
{
	uint32_t v = 0;

	while (k-- > 0)
		v = v * 10 + (uint32_t)(*s++ - '0');
	return v;
}

/* Validate everything after the "SD" prefix of a 15-byte candidate. */
static int parse_body(const char *s, struct tag_code *ret)
{
	struct tag_code c;

	for (int i = 2; i < TAG_CODE_LEN; i++)
		if (i == 8 ? s[i] != '-' : !is_digit((unsigned char)s[i]))
			return -EINVAL;

	c.year = 2000 + (int)digits(s + 2, 2);
	c.month = (int)digits(s + 4, 2);
	c.day = (int)digits(s + 6, 2);
	c.seq = digits(s + 9, 6);
	if (!code_valid(&c))
		return -EINVAL;
	if (ret)
		*ret = c;
	return 0;
}

int tag_code_parse(const char *s, size_t n, struct tag_code *ret)
{
	if (n != TAG_CODE_LEN || s[0] != 'S' || s[1] != 'D')
		return -EINVAL;
	return parse_body(s, ret);
}

int tag_code_format(const struct tag_code *c, char buf[static TAG_CODE_SIZE])
{
	char tmp[TAG_DAY_SIZE];

	if (!code_valid(c) || tag_code_dayfmt(c, tmp) < 0)
		return -ERANGE;
	buf[0] = 'S';
	buf[1] = 'D';
	memcpy(buf + 2, tmp, 6);
	buf[8] = '-';
	for (int i = 14, v = (int)c->seq; i >= 9; i--, v /= 10)
		buf[i] = (char)('0' + v % 10);
	buf[TAG_CODE_LEN] = '\0';
	return 0;
}

int tag_code_find(const char *s, size_t n, struct tag_code *ret,
		  size_t *ret_off)
{
	struct tag_code c;

	for (size_t i = 0; i + TAG_CODE_LEN <= n; i++) {
		if (to_upper((unsigned char)s[i]) != 'S' ||
		    to_upper((unsigned char)s[i + 1]) != 'D')
			continue;
		if (i > 0 && is_alnum((unsigned char)s[i - 1]))
			continue;
		if (i + TAG_CODE_LEN < n &&
		    is_alnum((unsigned char)s[i + TAG_CODE_LEN]))
			continue;
		if (parse_body(s + i, &c) < 0)
			continue;
		if (ret)
			*ret = c;
		if (ret_off)
			*ret_off = i;
		return 0;
	}
	return -ENOENT;
}

/*
 * Vietnam has kept UTC+07:00 without DST since 1975, so shifting t by seven
 * hours and reading the UTC calendar gives the local date for every t we
 * accept. This avoids tzdata and the process-global TZ (localtime_r reads
 * both), which keeps the function pure and its result the same on any host.
 */
int tag_code_day(time_t t, struct tag_code *ret)
{
	long long shifted = (long long)t + TAG_VN_OFFSET;
	time_t local = (time_t)shifted;
	struct tm tm;

	if ((long long)t < TAG_T_MIN || (long long)t >= TAG_T_END ||
	    (long long)local != shifted)
		return -ERANGE;
	if (!gmtime_r(&local, &tm))
		return -ERANGE;
	ret->year = tm.tm_year + 1900;
	ret->month = tm.tm_mon + 1;
	ret->day = tm.tm_mday;
	ret->seq = 0;
	return 0;
}

int tag_code_dayfmt(const struct tag_code *c, char buf[static TAG_DAY_SIZE])
{
	int v[3] = {c->year % 100, c->month, c->day};

	if (!date_valid(c->year, c->month, c->day))
		return -ERANGE;
	for (int i = 0; i < 3; i++) {
		buf[2 * i] = (char)('0' + v[i] / 10);
		buf[2 * i + 1] = (char)('0' + v[i] % 10);
	}
	buf[6] = '\0';
	return 0;
}

/* ---------------------------------------------------------------------------
 * Subject tags
 * ------------------------------------------------------------------------- */

/* UTF-8 spellings of the full-width forms users type through an IME. */
static const char FW_LBRACKET[] = "\xEF\xBC\xBB";       /* U+FF3B */
static const char FW_RBRACKET[] = "\xEF\xBC\xBD";       /* U+FF3D */
static const char FW_NUMBER[] = "\xEF\xBC\x83";         /* U+FF03 */

/*
 * If s[*i..n) starts with the ASCII byte ascii or the 3-byte UTF-8 sequence
 * wide, advance *i past it and return 1.
 */
static int eat(const char *s, size_t n, size_t *i, char ascii,
	       const char *wide)
{
	if (*i < n && s[*i] == ascii) {
		*i += 1;
		return 1;
	}
	if (n - *i >= 3 && memcmp(s + *i, wide, 3) == 0) {
		*i += 3;
		return 1;
	}
	return 0;
}

static void eat_blanks(const char *s, size_t n, size_t *i)
{
	while (*i < n && (s[*i] == ' ' || s[*i] == '\t'))
		(*i)++;
}

/*
 * Copy a run of word bytes (ASCII alnum, '_', '-', and '.' when dot is set)
 * into out, uppercased. Fails when the run is empty or longer than max.
 */
static int eat_word(const char *s, size_t n, size_t *i, int dot, char *out,
		    size_t max)
{
	size_t len = 0;

	while (*i < n) {
		unsigned char c = (unsigned char)s[*i];

		if (!is_alnum(c) && c != '_' && c != '-' && !(dot && c == '.'))
			break;
		if (len == max)
			return -1;
		out[len++] = to_upper(c);
		(*i)++;
	}
	out[len] = '\0';
	return len > 0 ? 0 : -1;
}

/* Parse one tag whose opening bracket ends just before s[i]. */
static int parse_group(const char *s, size_t n, size_t i,
		       struct tag_subject *ret)
{
	struct tag_subject t;

	eat_blanks(s, n, &i);
	if (eat_word(s, n, &i, 1, t.unit, TAG_UNIT_MAX) < 0)
		return -1;
	eat_blanks(s, n, &i);
	if (!eat(s, n, &i, '#', FW_NUMBER))
		return -1;
	eat_blanks(s, n, &i);
	if (eat_word(s, n, &i, 0, t.service, TAG_SERVICE_MAX) < 0)
		return -1;
	eat_blanks(s, n, &i);
	if (!eat(s, n, &i, ']', FW_RBRACKET))
		return -1;
	if (ret)
		*ret = t;
	return 0;
}

int tag_subject_find(const char *s, size_t n, struct tag_subject *ret)
{
	for (size_t i = 0; i < n; i++) {
		size_t j = i;

		if (!eat(s, n, &j, '[', FW_LBRACKET))
			continue;
		if (parse_group(s, n, j, ret) == 0)
			return 0;
	}
	return -ENOENT;
}
