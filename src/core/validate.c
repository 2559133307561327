/*
 * validate.c — field validators (see validate.h).
 *
 * UTF-8 is checked here by hand rather than through a library because the
 * check is a dozen lines and also counts code points and spots control
 * characters in the same pass.
 */
#include "core/validate.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

char *upcase_ascii(char *s)
{
	for (char *p = s; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return s;
}

char *downcase_ascii(char *s)
{
	for (char *p = s; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

char *trim_space(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)s[i]))
		i++;
	if (i)
		memmove(s, s + i, n - i + 1);
	return s;
}

static bool all_of(const char *s, const char *extra, bool lower_ok, bool upper_ok)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= '0' && *p <= '9') || (lower_ok && *p >= 'a' && *p <= 'z') ||
		    (upper_ok && *p >= 'A' && *p <= 'Z') || (*p && strchr(extra, *p)))
			continue;
		return false;
	}
	return true;
}

const char *valid_unit_code(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 32 || !all_of(s, "._-", false, true))
		return "must be 1 to 32 upper-case letters, digits, '.', '_' or '-'";
	return NULL;
}

const char *valid_service_code(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 16 || !all_of(s, "_-", false, true))
		return "must be 1 to 16 upper-case letters, digits, '_' or '-'";
	return NULL;
}

const char *valid_username(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 2 || n > 64 || !all_of(s, "._-", true, false))
		return "must be 2 to 64 lower-case letters, digits, '.', '_' or '-'";
	return NULL;
}

/*
 * Walk UTF-8, counting code points; reject malformed or overlong sequences,
 * surrogates, and control characters other than those in `allowed_ctl`.
 */
static bool utf8_scan(const char *s, const char *allowed_ctl, size_t *ret_chars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t chars = 0;

	while (*p) {
		unsigned c = *p, need, cp;
		if (c < 0x80) {
			if ((c < 0x20 || c == 0x7f) && !strchr(allowed_ctl, (int)c))
				return false;
			p++;
			chars++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, cp = c & 0x07;
		else
			return false;
		for (unsigned i = 1; i <= need; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
			return false;
		p += need + 1;
		chars++;
	}
	*ret_chars = chars;
	return true;
}

const char *valid_email(const char *s)
{
	const char *at;
	size_t n = s ? strlen(s) : 0, chars;

	if (n < 3 || n > 254 || !utf8_scan(s, "", &chars))
		return "must be an email address such as name@example.gov.vn";
	at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@') || (size_t)(at - s) > 64 ||
	    !strchr(at + 1, '.') || at[1] == '.' || s[n - 1] == '.' || strpbrk(s, " \t\"(),:;<>[\\]"))
		return "must be an email address such as name@example.gov.vn";
	return NULL;
}

const char *valid_phone(const char *s)
{
	size_t n = s ? strlen(s) : 0, digits = 0, chars;

	if (n < 3 || n > 64 || !utf8_scan(s, "", &chars))
		return "must be a phone number of 3 to 64 characters";
	for (const char *p = s; *p; p++)
		digits += *p >= '0' && *p <= '9';
	if (digits < 3)
		return "must be a phone number of 3 to 64 characters";
	return NULL;
}

const char *valid_line(const char *s, size_t max_chars)
{
	size_t chars;

	if (!s || !utf8_scan(s, "", &chars))
		return "must be one line of UTF-8 text without control characters";
	if (chars == 0)
		return "must not be empty";
	if (chars > max_chars)
		return "is too long";
	return NULL;
}

const char *valid_block(const char *s, size_t max_bytes)
{
	size_t chars;

	if (!s || !utf8_scan(s, "\t\n\r", &chars))
		return "must be UTF-8 text without control characters";
	if (chars == 0)
		return "must not be empty";
	if (strlen(s) > max_bytes)
		return "is too long";
	return NULL;
}
