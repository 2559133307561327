/*
 * hibp_input.c — the Pwned Passwords text parser (see hibp_input.h).
 *
 * Fast path: whole lines are parsed where they lie in the caller's buffer;
 * only a line cut by the end of a buffer is copied, into a small carry
 * buffer of HIBP_INPUT_LINE_MAX bytes.  Building an index from a 40 GB
 * download is bound by this loop, so it avoids per-byte calls: hex digits
 * are decoded two at a time through a 64K-entry table (128 KiB, built once
 * per parser), and a well-formed line far enough from the end of the buffer
 * is parsed without looking for its newline first (fast_line); anything
 * else goes the general way (parse_line), which alone reports errors.
 */
#include "pwned/hibp_input.h"

#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct hibp_input {
	size_t hash_len;
	long prefix;
	char prefix_hex[5];
	uint64_t line;
	char carry[HIBP_INPUT_LINE_MAX];
	size_t carry_len;
	unsigned char last[20];
	bool have_last;
	int failed;
	const char *err;
	uint64_t records, skipped;
	uint16_t *pairs; /* two hex digits (first << 8 | second) -> byte, or 0x100 */
};

/* Hex digit value + 1; 0 for anything else. */
static const unsigned char HEXVAL[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

int hibp_input_new(size_t hash_len, struct hibp_input **ret)
{
	struct hibp_input *p;

	if (hash_len != 0 && hash_len != 20 && hash_len != 16)
		return -EINVAL;
	if (!(p = calloc(1, sizeof(*p))))
		return -ENOMEM;
	if (!(p->pairs = malloc(65536 * sizeof(*p->pairs)))) {
		free(p);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < 65536; i++) {
		unsigned hi = HEXVAL[i >> 8], lo = HEXVAL[i & 0xff];
		p->pairs[i] = hi && lo ? (uint16_t)((hi - 1) << 4 | (lo - 1)) : 0x100;
	}
	p->hash_len = hash_len;
	p->prefix = HIBP_INPUT_NO_PREFIX;
	p->line = 1;
	p->err = "";
	*ret = p;
	return 0;
}

void hibp_input_free(struct hibp_input *p)
{
	if (!p)
		return;
	free(p->pairs);
	free(p);
}

void hibp_input_begin(struct hibp_input *p, long prefix)
{
	static const char hex[] = "0123456789ABCDEF";

	p->prefix = prefix >= 0 && prefix <= 0xfffff ? prefix : HIBP_INPUT_NO_PREFIX;
	for (int i = 0; i < 5; i++)
		p->prefix_hex[i] = hex[(p->prefix >> (16 - 4 * i)) & 0xf];
	p->line = 1;
	p->carry_len = 0;
}

static int fail(struct hibp_input *p, const char *why)
{
	p->err = why;
	p->failed = -EINVAL;
	return -EINVAL;
}

/* memcmp() for 16- or 20-byte hashes, without the call. */
static inline int hash_cmp(const unsigned char *a, const unsigned char *b, size_t len)
{
	uint64_t x, y;

	for (size_t i = 0; i < len; i += 8) {
		size_t n = len - i < 8 ? len - i : 8;
		x = y = 0;
		memcpy(&x, a + i, n);
		memcpy(&y, b + i, n);
		if (x != y)
			return be64toh(x) < be64toh(y) ? -1 : 1;
	}
	return 0;
}

/* Decode n bytes from 2n hex digits; false on a non-hex byte. */
static bool unhex(const uint16_t *pairs, const char *s, size_t n, unsigned char *out)
{
	unsigned bad = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned v = pairs[(unsigned)(unsigned char)s[2 * i] << 8 |
				   (unsigned char)s[2 * i + 1]];
		bad |= v;
		out[i] = (unsigned char)v;
	}
	return !(bad & 0x100);
}

static int parse_line(struct hibp_input *p, const char *s, size_t n, hibp_input_fn fn,
		      void *ctx)
{
	unsigned char h[20];
	const char *colon;
	size_t hexlen, hl = p->hash_len;
	bool suffix;
	uint64_t count = 0;
	int rc;

	if (n && s[n - 1] == '\r')
		n--;
	if (p->line == 1 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3, n -= 3;
	if (n == 0)
		return 0;
	/* where the known length puts it (a colon earlier is then a bad hex
	 * digit), else the first one */
	if (hl && n > 2 * hl && s[2 * hl] == ':')
		colon = s + 2 * hl;
	else if (hl && n > 2 * hl - 5 && s[2 * hl - 5] == ':')
		colon = s + 2 * hl - 5;
	else if (!(colon = memchr(s, ':', n)))
		return fail(p, "expected HASH:COUNT");
	hexlen = (size_t)(colon - s);
	if (!hl) {
		if (hexlen == 40 || hexlen == 35)
			hl = 20;
		else if (hexlen == 32 || hexlen == 27)
			hl = 16;
		else
			return fail(p, "expected a hash of 40 (SHA-1) or 32 (NTLM) hex digits, or "
				       "its suffix of 35 or 27");
	}
	if (hexlen == 2 * hl)
		suffix = false;
	else if (hexlen == 2 * hl - 5)
		suffix = true;
	else
		return fail(p, hl == 20 ? "expected a SHA-1 hash of 40 hex digits (or a suffix "
					  "of 35) as on the first line"
					: "expected an NTLM hash of 32 hex digits (or a suffix of "
					  "27) as on the first line");
	if (suffix) {
		char full[40];
		if (p->prefix == HIBP_INPUT_NO_PREFIX)
			return fail(p, "a hash suffix needs a file named after its 5-hex prefix");
		memcpy(full, p->prefix_hex, 5);
		memcpy(full + 5, s, hexlen);
		if (!unhex(p->pairs, full, hl, h))
			return fail(p, "invalid hexadecimal digit in the hash");
	} else if (!unhex(p->pairs, s, hl, h)) {
		return fail(p, "invalid hexadecimal digit in the hash");
	}
	s = colon + 1;
	n -= hexlen + 1;
	if (n == 0 || n > 10)
		return fail(p, "expected a count of 1 to 10 decimal digits after ':'");
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return fail(p, "expected a count of 1 to 10 decimal digits after ':'");
		count = count * 10 + (uint64_t)(s[i] - '0');
	}
	if (count > UINT32_MAX)
		return fail(p, "count over 4294967295");
	p->hash_len = hl;
	if (count == 0) {
		p->skipped++;
		return 0;
	}
	if (p->have_last) {
		int c = hash_cmp(h, p->last, hl);
		if (c == 0)
			return fail(p, "duplicate hash (the same as the line before)");
		if (c < 0)
			return fail(p, "not sorted: this hash is lower than the one before");
	}
	memcpy(p->last, h, hl);
	p->have_last = true;
	p->records++;
	if ((rc = fn(h, hl, (uint32_t)count, ctx)) < 0) {
		p->failed = rc;
		return rc;
	}
	return 0;
}

/*
 * The common case: a valid line of the known kind, in order, with at least
 * HIBP_INPUT_LINE_MAX + 2 bytes of buffer after s (so no bound checks).
 * Returns the bytes used with the record given to fn (*rc its result), or 0
 * having changed nothing, for parse_line() to deal with the line.
 */
static size_t fast_line(struct hibp_input *p, const char *s, hibp_input_fn fn, void *ctx,
			int *rc)
{
	size_t hl = p->hash_len, hx;
	unsigned char h[20];
	const char *q;
	uint64_t count = 0;

	if (p->prefix == HIBP_INPUT_NO_PREFIX) {
		hx = 2 * hl;
		if (s[hx] != ':' || !unhex(p->pairs, s, hl, h))
			return 0;
	} else {
		char full[40];
		hx = 2 * hl - 5;
		if (s[hx] != ':')
			return 0;
		memcpy(full, p->prefix_hex, 5);
		memcpy(full + 5, s, hx);
		if (!unhex(p->pairs, full, hl, h))
			return 0;
	}
	q = s + hx + 1;
	if (*q < '1' || *q > '9')
		return 0;
	for (int nd = 0; nd < 10 && *q >= '0' && *q <= '9'; nd++, q++)
		count = count * 10 + (uint64_t)(*q - '0');
	if (count > UINT32_MAX)
		return 0;
	if (*q == '\r')
		q++;
	if (*q != '\n')
		return 0;
	if (p->have_last && hash_cmp(h, p->last, hl) <= 0)
		return 0;
	memcpy(p->last, h, 20);
	p->have_last = true;
	p->records++;
	*rc = fn(h, hl, (uint32_t)count, ctx);
	return (size_t)(q + 1 - s);
}

int hibp_input_feed(struct hibp_input *p, const char *buf, size_t len, hibp_input_fn fn,
		    void *ctx)
{
	const char *s = buf, *end = buf + len, *nl;
	int rc;

	if (p->failed)
		return p->failed;
	if (p->carry_len && len) {
		size_t take;
		nl = memchr(s, '\n', len);
		take = nl ? (size_t)(nl - s) : len;
		if (p->carry_len + take > sizeof(p->carry))
			return fail(p, "line too long");
		memcpy(p->carry + p->carry_len, s, take);
		p->carry_len += take;
		if (!nl)
			return 0;
		rc = parse_line(p, p->carry, p->carry_len, fn, ctx);
		p->carry_len = 0;
		if (rc < 0)
			return rc;
		p->line++;
		s = nl + 1;
	}
	while (s < end) {
		size_t rest = (size_t)(end - s), used;
		if (p->hash_len && rest >= sizeof(p->carry) + 2 &&
		    (used = fast_line(p, s, fn, ctx, &rc)) > 0) {
			if (rc < 0) {
				p->failed = rc;
				return rc;
			}
			p->line++;
			s += used;
			continue;
		}
		if (!(nl = memchr(s, '\n', rest))) {
			if (rest > sizeof(p->carry))
				return fail(p, "line too long");
			memcpy(p->carry, s, rest);
			p->carry_len = rest;
			break;
		}
		if ((size_t)(nl - s) > sizeof(p->carry))
			return fail(p, "line too long");
		if ((rc = parse_line(p, s, (size_t)(nl - s), fn, ctx)) < 0)
			return rc;
		p->line++;
		s = nl + 1;
	}
	return 0;
}

int hibp_input_end(struct hibp_input *p, hibp_input_fn fn, void *ctx)
{
	int rc;

	if (p->failed)
		return p->failed;
	if (!p->carry_len)
		return 0;
	rc = parse_line(p, p->carry, p->carry_len, fn, ctx);
	p->carry_len = 0;
	return rc;
}

uint64_t hibp_input_line(const struct hibp_input *p)
{
	return p->line;
}

const char *hibp_input_error(const struct hibp_input *p)
{
	return p->err;
}

size_t hibp_input_hash_len(const struct hibp_input *p)
{
	return p->hash_len;
}

uint64_t hibp_input_records(const struct hibp_input *p)
{
	return p->records;
}

uint64_t hibp_input_skipped(const struct hibp_input *p)
{
	return p->skipped;
}

long hibp_input_name_prefix(const char *name)
{
	long v = 0;

	for (int i = 0; i < 5; i++) {
		unsigned d = HEXVAL[(unsigned char)name[i]];
		if (!d)
			return HIBP_INPUT_NO_PREFIX;
		v = v << 4 | (long)(d - 1);
	}
	return name[5] == '\0' || name[5] == '.' ? v : HIBP_INPUT_NO_PREFIX;
}
