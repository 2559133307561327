/*
 * contact.c — phone numbers, email addresses and given names (see
 * contact.h).
 *
 * A phone number is read as digit groups and the separators between them.
 * Separators are classified (plain punctuation, an extension marker, other
 * words) with the project's Vietnamese fold, so "máy lẻ", "MAY LE" and
 * "máy lẽ" are the same marker.
 */
#include "core/contact.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fold.h"
#include "core/validate.h"

/* ------------------------------------------------------------------------ */
/* Phone numbers                                                            */
/* ------------------------------------------------------------------------ */

enum sep { SEP_PLAIN, SEP_EXT, SEP_OTHER, SEP_NOMEM };

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Words that announce an extension (folded). */
static bool ext_word(const char *tok, size_t len, bool leading)
{
	static const char *const words[] = { "ext", "extension", "le", "nhanh", "x", "ml", "may",
					     "p", "w", NULL };
	static const char *const lead_words[] = { "ext", "extension", "le", "nhanh", NULL };

	for (const char *const *w = leading ? lead_words : words; *w; w++)
		if (strlen(*w) == len && !memcmp(*w, tok, len))
			return true;
	return false;
}

struct ext_scan {
	bool leading, found;
};

static int ext_token(const char *tok, size_t len, void *arg)
{
	struct ext_scan *x = arg;

	if (ext_word(tok, len, x->leading))
		x->found = true;
	return x->found;
}

/* Classify the non-digit text s[0..n) between (or before) digit groups. */
static enum sep classify(const char *s, size_t n, bool leading)
{
	struct ext_scan x = { leading, false };
	bool plain = true;
	char *f;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!leading && (c == '#' || c == ',' || c == ';'))
			return SEP_EXT;
		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] == 0xa0) {
			i++; /* no-break space */
			continue;
		}
		if (!strchr(" \t.-/()", c) || c == '\0')
			plain = false;
	}
	if (plain)
		return SEP_PLAIN;
	if (!(f = fold_text(s, n)))
		return SEP_NOMEM;
	fold_tokens(f, ext_token, &x);
	free(f);
	return x.found ? SEP_EXT : SEP_OTHER;
}

/*
 * The national (or international) form of the digits d[0..n) read so far,
 * into out: "+84…" and "84…" become "0…" (a trunk 0 after the country code
 * is kept once), other "+CC…" stay "+CC…".  Returns the length.
 */
static size_t national(const char *d, size_t n, bool plus, char *out, size_t size)
{
	size_t len = 0;

	if (!plus && n >= 2 && d[0] == '0' && d[1] == '0') {
		plus = true; /* 00 international prefix */
		d += 2, n -= 2;
	}
	if ((plus || (n >= 2 && d[0] != '0')) && n >= 2 && d[0] == '8' && d[1] == '4') {
		d += 2, n -= 2;
		if (n == 0 || d[0] != '0')
			out[len++] = '0';
	} else if (plus) {
		out[len++] = '+';
	}
	for (size_t i = 0; i < n && len + 1 < size; i++)
		out[len++] = d[i];
	out[len] = '\0';
	return len;
}

/* Whether a national number is complete: 11 digits for 02x landlines, else 10. */
static bool complete(const char *d, size_t n, bool plus)
{
	char nat[48];
	size_t len = national(d, n, plus, nat, sizeof(nat));

	if (nat[0] != '0')
		return false;
	return nat[1] == '2' ? len == 11 : len == 10;
}

int contact_phone_parse(const char *s, struct contact_phone *ret)
{
	enum { MAIN, EXT_WANT, EXT_DONE, TRAIL } state = MAIN;
	char digits[40], ext[CONTACT_EXT_MAX + 1], nat[48];
	size_t nd = 0, ne = 0, n = s ? strlen(s) : 0, len;
	const char *p, *end, *q;
	bool plus = false;
	enum sep cls;

	if (n == 0 || n > CONTACT_INPUT_MAX)
		return -EINVAL;
	p = s, end = s + n;
	/* leading text: a label, "+", "(" */
	for (q = p; q < end && !is_digit(*q); q++)
		;
	if (q == end)
		return -EINVAL;
	if (q > p) {
		const char *t = q;
		if ((cls = classify(p, (size_t)(q - p), true)) == SEP_NOMEM)
			return -ENOMEM;
		if (cls == SEP_EXT)
			return -EINVAL; /* an extension without a number */
		while (t > p && strchr(" \t(", t[-1]))
			t--;
		plus = t > p && t[-1] == '+';
	}
	p = q;
	while (p < end) {
		for (q = p; q < end && is_digit(*q); q++)
			;
		len = (size_t)(q - p);
		switch (state) {
		case MAIN:
			if (nd + len >= sizeof(digits))
				return -EINVAL;
			memcpy(digits + nd, p, len);
			nd += len;
			break;
		case EXT_WANT:
			if (len > CONTACT_EXT_MAX)
				return -EINVAL;
			memcpy(ext, p, len);
			ne = len;
			state = EXT_DONE;
			break;
		default:
			return -EINVAL; /* digits after the extension or after words */
		}
		p = q;
		for (q = p; q < end && !is_digit(*q); q++)
			;
		if (q == p)
			break;
		if ((cls = classify(p, (size_t)(q - p), false)) == SEP_NOMEM)
			return -ENOMEM;
		if (state == MAIN) {
			if (cls == SEP_EXT || (cls == SEP_PLAIN && complete(digits, nd, plus)))
				state = EXT_WANT;
			else if (cls == SEP_OTHER)
				state = TRAIL;
		} else if (state == EXT_DONE) {
			state = TRAIL;
		}
		p = q;
		if (state == TRAIL && p < end)
			return -EINVAL; /* words, then more digits */
	}
	len = national(digits, nd, plus, nat, sizeof(nat));
	/* "00…" is an international prefix, never a national number; no
	 * country code starts with 0 */
	if (len >= 2 && (nat[0] == '0' || nat[0] == '+') && nat[1] == '0')
		return -EINVAL;
	if (nat[0] == '0') {
		/* national: 10 digits, 11 for 02x landlines (9-10 for old ones) */
		if (len < 9 || len > 11)
			return -EINVAL;
	} else if (nat[0] == '+') {
		if (len < 8 || len > CONTACT_NUMBER_MAX)
			return -EINVAL;
	} else if (len < 3 || len > 12) {
		return -EINVAL; /* short numbers: 113, 1900 xxxx */
	}
	memcpy(ret->number, nat, len + 1);
	memcpy(ret->ext, ext, ne);
	ret->ext[ne] = '\0';
	return 0;
}

int contact_phone_format(const struct contact_phone *p, char *buf, size_t size)
{
	int n = p->ext[0] ? snprintf(buf, size, "%s;ext=%s", p->number, p->ext)
			  : snprintf(buf, size, "%s", p->number);

	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}

int contact_phone_pretty(const char *number, char *buf, size_t size)
{
	size_t n = strlen(number);
	int w;

	if (n == 11 && number[0] == '0' && number[1] == '2' && strspn(number, "0123456789") == n)
		w = snprintf(buf, size, "%.3s %.4s %.4s", number, number + 3, number + 7);
	else if (n == 10 && number[0] == '0' && strspn(number, "0123456789") == n)
		w = snprintf(buf, size, "%.4s %.3s %.3s", number, number + 4, number + 7);
	else
		w = snprintf(buf, size, "%s", number);
	return w < 0 || (size_t)w >= size ? -ENOSPC : 0;
}

/* ------------------------------------------------------------------------ */
/* Email addresses                                                          */
/* ------------------------------------------------------------------------ */

int contact_email_norm(const char *s, char *buf, size_t size)
{
	char tmp[CONTACT_INPUT_MAX * 2 + 8], *t;
	size_t n;

	if (!s || strlen(s) >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, s, strlen(s) + 1);
	t = trim_space(tmp);
	if (!strncasecmp(t, "mailto:", 7))
		t += 7;
	n = strlen(t);
	if (n >= 2 && t[0] == '<' && t[n - 1] == '>') {
		t[n - 1] = '\0';
		t++;
	}
	t = downcase_ascii(trim_space(t));
	if (valid_email(t))
		return -EINVAL;
	if (strlen(t) >= size)
		return -ENOSPC;
	memcpy(buf, t, strlen(t) + 1);
	return 0;
}

enum contact_kind contact_norm(const char *s, char *buf, size_t size)
{
	struct contact_phone p;

	if (!s)
		return CONTACT_NONE;
	if (strchr(s, '@'))
		return contact_email_norm(s, buf, size) == 0 ? CONTACT_EMAIL : CONTACT_NONE;
	if (contact_phone_parse(s, &p) < 0 || contact_phone_format(&p, buf, size) < 0)
		return CONTACT_NONE;
	return CONTACT_PHONE;
}

/* ------------------------------------------------------------------------ */
/* Names                                                                    */
/* ------------------------------------------------------------------------ */

int contact_given_name(const char *full, char *buf, size_t size)
{
	const char *b, *e;
	size_t n;

	if (!full)
		return -EINVAL;
	b = full;
	e = full + strlen(full);
	while (b < e && isspace((unsigned char)*b))
		b++;
	while (e > b && isspace((unsigned char)e[-1]))
		e--;
	/* "Nguyễn Văn An (Cục CNTT)": drop the remark */
	if (e > b && e[-1] == ')') {
		const char *o = e - 1;
		while (o > b && *o != '(')
			o--;
		if (*o == '(' && o > b) {
			e = o;
			while (e > b && isspace((unsigned char)e[-1]))
				e--;
		}
	}
	if (e == b)
		return -EINVAL;
	for (const char *p = e; p > b; p--)
		if (isspace((unsigned char)p[-1])) {
			b = p;
			break;
		}
	n = (size_t)(e - b);
	if (n >= size)
		return -ENOSPC;
	memcpy(buf, b, n);
	buf[n] = '\0';
	return 0;
}
