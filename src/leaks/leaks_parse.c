/*
 * leaks_parse.c — combo-list lines, stealer-log blocks, account-name
 * normalisation and masking (see leaks_parse.h).
 *
 * The line check runs on every line of a dump, so it looks at eight bytes
 * at a time and only falls back to a byte loop (and libunistring's UTF-8
 * check) for lines that hold a TAB, a control byte or non-ASCII text.
 */
#include "leaks/leaks_parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <uninorm.h>
#include <unistr.h>

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* ------------------------------------------------------------------------ */
/* Lines                                                                    */
/* ------------------------------------------------------------------------ */

/* Whether eight bytes are printable ASCII (no byte < 0x20, 0x7f or >= 0x80). */
static inline bool word_plain(uint64_t w)
{
	uint64_t high = w & HIGHS;
	uint64_t low = (w - 0x20 * ONES) & ~w & HIGHS;  /* some byte < 0x20 */
	uint64_t d = w ^ (0x7f * ONES);
	uint64_t del = (d - ONES) & ~d & HIGHS;         /* some byte == 0x7f */

	return !(high | low | del);
}

static int check_slow(const char *s, size_t len)
{
	bool ascii = true;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return -EILSEQ;
		ascii &= c < 0x80;
	}
	if (!ascii && u8_check((const uint8_t *)s, len))
		return -EILSEQ;
	return 0;
}

int leaks_line_check(const char *s, size_t len)
{
	size_t i = 0;
	uint64_t w;

	if (len > LEAKS_LINE_MAX)
		return -E2BIG;
	if (len < 8)
		return check_slow(s, len);
	for (; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		if (!word_plain(w))
			return check_slow(s, len);
	}
	if (i < len) {
		memcpy(&w, s + len - 8, 8); /* the last eight bytes, overlapping */
		if (!word_plain(w))
			return check_slow(s, len);
	}
	return 0;
}

void leaks_line_trim(const char **s, size_t *len)
{
	if (*len >= 3 && !memcmp(*s, "\xef\xbb\xbf", 3)) {
		*s += 3;
		*len -= 3;
	}
	if (*len && (*s)[*len - 1] == '\r')
		(*len)--;
}

/* ------------------------------------------------------------------------ */
/* Combo lists                                                              */
/* ------------------------------------------------------------------------ */

static inline bool is_sep(unsigned char c)
{
	return c == ':' || c == ';' || c == '|' || c == '\t';
}

static inline bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static void trim(const char **s, size_t *len)
{
	while (*len && is_space((unsigned char)**s))
		(*s)++, (*len)--;
	while (*len && is_space((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

/* The host of a URL (with or without a scheme): after "://" and any
 * user info, up to a port, path, query or fragment. */
static void url_host(const char *u, size_t len, const char **ret, size_t *ret_len)
{
	const char *p = memmem(u, len, "://", 3), *end = u + len, *h;

	p = p ? p + 3 : u;
	h = p;
	for (const char *q = p; q < end && *q != '/' && *q != '?' && *q != '#'; q++)
		if (*q == '@')
			h = q + 1;
	p = h;
	while (p < end && *p != ':' && *p != '/' && *p != '?' && *p != '#')
		p++;
	*ret = h;
	*ret_len = (size_t)(p - h);
}

/* Whether text up to its first '/' reads as a host name: a dot, labels of
 * letters, digits and hyphens, an alphabetic last label of 2+ letters. */
static bool looks_like_host(const char *s, size_t len)
{
	size_t n = 0, last = 0;
	bool dot = false, alpha_last = true;

	while (n < len && s[n] != '/')
		n++;
	if (n < 4 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.') {
			dot = true;
			last = i + 1;
			alpha_last = true;
		} else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
			continue;
		} else if ((c >= '0' && c <= '9') || c == '-') {
			alpha_last = false;
		} else {
			return false;
		}
	}
	return dot && alpha_last && n - last >= 2;
}

/* Split "user<sep>password" at the first `sep`; false when either is empty. */
static bool split_user_pass(const char *s, size_t len, char sep, struct leaks_cred *c)
{
	const char *p = memchr(s, sep, len);

	if (!p)
		return false;
	c->user = s;
	c->user_len = (size_t)(p - s);
	trim(&c->user, &c->user_len);
	c->pass = p + 1;
	c->pass_len = len - (size_t)(p + 1 - s);
	return c->user_len && c->pass_len;
}

/* "scheme://host[:port]/path<sep>user<sep>password"; `i` is the ':' of "://". */
static int url_parse(const char *s, size_t len, size_t i, struct leaks_cred *ret)
{
	size_t p = i + 3;
	struct leaks_cred c = { 0 };

	while (p < len) {
		unsigned char ch = (unsigned char)s[p];
		if (ch == ':') {
			size_t q = p + 1;
			while (q < len && s[q] >= '0' && s[q] <= '9')
				q++;
			if (q > p + 1 && q - p - 1 <= 5 && q < len && s[q] == '/') {
				p = q; /* a port */
				continue;
			}
			break;
		}
		if (ch == '|' || ch == ';' || ch == '\t' || ch == ' ')
			break;
		p++;
	}
	if (p >= len)
		return 0;
	url_host(s, p, &c.host, &c.host_len);
	if (!c.host_len || !split_user_pass(s + p + 1, len - p - 1, s[p], &c))
		return 0;
	ret[0] = c;
	return 1;
}

int leaks_combo_parse(const char *s, size_t len, struct leaks_cred ret[2])
{
	size_t i = 0;
	int n = 0;

	while (len && is_space((unsigned char)*s))
		s++, len--;
	while (i < len && !is_sep((unsigned char)s[i]))
		i++;
	if (i == 0 || i >= len)
		return 0;
	if (s[i] == ':' && i + 2 < len && s[i + 1] == '/' && s[i + 2] == '/') {
		bool scheme = i <= 16 && ((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z');
		for (size_t k = 1; k < i && scheme; k++) {
			unsigned char c = (unsigned char)s[k];
			scheme = ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') ||
				 c == '+' || c == '.' || c == '-';
		}
		if (scheme)
			return url_parse(s, len, i, ret);
	}
	ret[0] = (struct leaks_cred){ .user = s, .user_len = i, .pass = s + i + 1,
				      .pass_len = len - i - 1 };
	trim(&ret[0].user, &ret[0].user_len);
	if (ret[0].user_len && ret[0].pass_len)
		n = 1;
	/* host[/path]<sep>user<sep>password, without a scheme */
	if (!memchr(s, '@', i) && looks_like_host(s, i)) {
		struct leaks_cred c = { 0 };
		url_host(s, i, &c.host, &c.host_len);
		if (split_user_pass(s + i + 1, len - i - 1, s[i], &c))
			ret[n++] = c;
	}
	return n;
}

/* ------------------------------------------------------------------------ */
/* Stealer logs                                                             */
/* ------------------------------------------------------------------------ */

enum bkey { BK_NONE, BK_URL, BK_USER, BK_PASS, BK_APP };

static const struct {
	const char *name;
	enum bkey key;
} block_keys[] = {
	{ "url", BK_URL }, { "host", BK_URL }, { "hostname", BK_URL }, { "site", BK_URL },
	{ "website", BK_URL }, { "link", BK_URL }, { "origin", BK_URL },
	{ "username", BK_USER }, { "user name", BK_USER }, { "user", BK_USER },
	{ "login", BK_USER }, { "email", BK_USER }, { "e-mail", BK_USER }, { "usr", BK_USER },
	{ "password", BK_PASS }, { "pass", BK_PASS }, { "pwd", BK_PASS }, { "psw", BK_PASS },
	{ "application", BK_APP }, { "soft", BK_APP }, { "software", BK_APP },
	{ "browser", BK_APP }, { "app", BK_APP },
};

/* The key of a "Key: value" line and where its value starts. */
static enum bkey key_of(const char *s, size_t len, const char **ret_v, size_t *ret_vlen)
{
	const char *colon;
	size_t klen;

	while (len && is_space((unsigned char)*s))
		s++, len--;
	if (!(colon = memchr(s, ':', len < 16 ? len : 16)))
		return BK_NONE;
	klen = (size_t)(colon - s);
	while (klen && is_space((unsigned char)s[klen - 1]))
		klen--;
	for (size_t i = 0; i < sizeof(block_keys) / sizeof(block_keys[0]); i++) {
		if (strlen(block_keys[i].name) == klen && !strncasecmp(block_keys[i].name, s, klen)) {
			*ret_v = colon + 1;
			*ret_vlen = len - (size_t)(colon + 1 - s);
			trim(ret_v, ret_vlen);
			return block_keys[i].key;
		}
	}
	return BK_NONE;
}

bool leaks_block_is_key_line(const char *s, size_t len)
{
	const char *v;
	size_t vl;

	return key_of(s, len, &v, &vl) != BK_NONE;
}

void leaks_block_init(struct leaks_block *b)
{
	memset(b, 0, sizeof(*b));
}

static void block_clear(struct leaks_block *b, int slot)
{
	b->url[slot].set = b->user[slot].set = b->pass[slot].set = b->app[slot].set = false;
	b->url[slot].len = b->user[slot].len = b->pass[slot].len = b->app[slot].len = 0;
}

static bool block_complete(const struct leaks_block *b, int slot)
{
	return b->user[slot].len && b->pass[slot].len;
}

/* Hand out the filling block as a credential and start an empty one. */
static void block_emit(struct leaks_block *b, struct leaks_cred *ret)
{
	int e = b->cur;

	b->cur = 1 - e;
	block_clear(b, b->cur);
	memset(ret, 0, sizeof(*ret));
	ret->user = b->user[e].v;
	ret->user_len = b->user[e].len;
	ret->pass = b->pass[e].v;
	ret->pass_len = b->pass[e].len;
	if (b->url[e].len) {
		url_host(b->url[e].v, b->url[e].len, &ret->host, &ret->host_len);
		if (!ret->host_len)
			ret->host = NULL;
	}
	if (b->app[e].len) {
		ret->app = b->app[e].v;
		ret->app_len = b->app[e].len;
	}
	b->blocks++;
}

static bool separator_line(const char *s, size_t len)
{
	size_t n = 0;

	trim(&s, &len);
	if (!len)
		return true;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '=' || s[i] == '-' || s[i] == '*' || s[i] == '_')
			n++;
	return n == len && n >= 3;
}

static struct leaks_field *field_of(struct leaks_block *b, enum bkey k)
{
	switch (k) {
	case BK_URL: return &b->url[b->cur];
	case BK_USER: return &b->user[b->cur];
	case BK_PASS: return &b->pass[b->cur];
	default: return &b->app[b->cur];
	}
}

int leaks_block_feed(struct leaks_block *b, const char *s, size_t len, struct leaks_cred *ret)
{
	struct leaks_field *f;
	const char *v;
	size_t vl;
	int emitted = 0;
	enum bkey k = key_of(s, len, &v, &vl);

	if (k == BK_NONE) {
		if (separator_line(s, len)) {
			if (block_complete(b, b->cur)) {
				block_emit(b, ret);
				return 1;
			}
			block_clear(b, b->cur);
		}
		return 0;
	}
	if (field_of(b, k)->set) {
		/* the field again: the next block began without a separator */
		if (block_complete(b, b->cur)) {
			block_emit(b, ret);
			emitted = 1;
		} else {
			block_clear(b, b->cur);
		}
	}
	f = field_of(b, k);
	if (vl >= LEAKS_FIELD_MAX)
		vl = 0; /* a value this long is no credential: keep the field empty */
	memcpy(f->v, v, vl);
	f->v[vl] = '\0';
	f->len = vl;
	f->set = true;
	return emitted;
}

int leaks_block_end(struct leaks_block *b, struct leaks_cred *ret)
{
	if (block_complete(b, b->cur)) {
		block_emit(b, ret);
		return 1;
	}
	block_clear(b, b->cur);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Account names                                                            */
/* ------------------------------------------------------------------------ */

int leaks_key_norm(const char *s, size_t len, char out[LEAKS_KEY_MAX])
{
	bool ascii = true;

	trim(&s, &len);
	if (!len || len >= LEAKS_KEY_MAX)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return -EINVAL;
		ascii &= c < 0x80;
		out[i] = (char)(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
	}
	if (!ascii) {
		uint8_t buf[LEAKS_KEY_MAX];
		size_t n = sizeof(buf) - 1;
		uint8_t *r;

		if (u8_check((const uint8_t *)s, len))
			return -EINVAL;
		r = u8_tolower((const uint8_t *)s, len, NULL, UNINORM_NFC, buf, &n);
		if (!r)
			return -EINVAL;
		if (r != buf || n >= LEAKS_KEY_MAX) {
			if (r != buf)
				free(r);
			return -EINVAL;
		}
		memcpy(out, buf, n);
		len = n;
	}
	out[len] = '\0';
	return (int)len;
}

const char *leaks_key_domain(const char *key, size_t len)
{
	const char *at = memchr(key, '@', len);

	if (!at || at == key || at + 1 == key + len || memchr(at + 1, '@', len - (size_t)(at + 1 - key)))
		return NULL;
	return at + 1;
}

bool leaks_domain_within(const char *domain, size_t len, const char *watched, size_t wlen)
{
	if (!wlen || len < wlen || memcmp(domain + len - wlen, watched, wlen) != 0)
		return false;
	return len == wlen || domain[len - wlen - 1] == '.';
}

/* ------------------------------------------------------------------------ */
/* Masking                                                                  */
/* ------------------------------------------------------------------------ */

/* Length of the UTF-8 character starting at s (1 for a stray byte). */
static size_t char_len(const char *s, size_t left)
{
	int n = u8_mblen((const uint8_t *)s, left);
	return n > 0 ? (size_t)n : 1;
}

/* Bytes of the last character of s[0..len). */
static size_t last_char_len(const char *s, size_t len)
{
	size_t k = 1;

	while (k < len && k < 4 && ((unsigned char)s[len - k] & 0xc0) == 0x80)
		k++;
	return k;
}

static size_t count_chars(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

void leaks_hint(const char *pass, size_t len, char out[LEAKS_HINT_SIZE])
{
	size_t chars = count_chars(pass, len);

	if (chars < 6) {
		snprintf(out, LEAKS_HINT_SIZE, "•••• (%zu)", chars);
		return;
	}
	snprintf(out, LEAKS_HINT_SIZE, "%.*s••••%.*s (%zu)", (int)char_len(pass, len), pass,
		 (int)last_char_len(pass, len), pass + len - last_char_len(pass, len), chars);
}

void leaks_mask_account(const char *key, char *out, size_t size)
{
	size_t len = strlen(key);
	const char *at = memchr(key, '@', len);
	size_t local = at ? (size_t)(at - key) : len;

	if (count_chars(key, local) < 3)
		snprintf(out, size, "•••%s", at ? at : "");
	else
		snprintf(out, size, "%.*s•••%.*s%s", (int)char_len(key, local), key,
			 (int)last_char_len(key, local), key + local - last_char_len(key, local),
			 at ? at : "");
}
