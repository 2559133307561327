/*
 * mime.c - parse one raw message into a struct inbound_msg with GMime 3.
 *
 * The work happens in four steps, all on memory:
 *
 *   1. guard: a linear pre-scan of the raw bytes that GMime never sees past.
 *      It rejects input that is not a message, rewrites the top-level header
 *      (fields capped in length and number, stray lines dropped, a missing
 *      blank line before the body restored) and cuts the input where its MIME
 *      structure would cost more than the limits allow (see mime.h). GMime has
 *      no such caps of its own: 300,000 empty parts or 3 million one-line
 *      header fields each cost it over half a gigabyte.
 *   2. GMime parses the guarded copy into a tree of objects.
 *   3. the top-level header is decoded with a fallback-charset list that puts
 *      the charset of the first text part before windows-1258, because a raw
 *      8-bit header is almost always in the same charset as the body.
 *   4. a bounded walk of the tree collects the body text (text/plain
 *      preferred, HTML converted when it is the only body), the attachments
 *      with their SHA-256 and danger flag, and forwarded messages.
 *
 * Charset conversion and HTML-to-text are our own (iconv from libc, NFC from
 * libunistring): GMime converts only from the declared charset, while mail
 * here needs a fallback chain, and GMime has no HTML-to-text converter at all
 * (its HTML filter goes the other way, text to HTML).
 */
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>
#include <sodium.h>
#include <uninorm.h>
#include <unistr.h>

#include "mime.h"

/* ---------------------------------------------------------------------------
 * Process-wide initialisation (the one global of this module, written once)
 * ------------------------------------------------------------------------- */

static struct {
	pthread_once_t once;
	int err;
} mime_init_state = { PTHREAD_ONCE_INIT, 0 };

static void mime_init_once(void)
{
	g_mime_init();
	if (sodium_init() < 0)
		mime_init_state.err = -EIO;
}

int mime_global_init(void)
{
	pthread_once(&mime_init_state.once, mime_init_once);
	return mime_init_state.err;
}

/* ---------------------------------------------------------------------------
 * Small helpers: ASCII classes, a growable buffer
 * ------------------------------------------------------------------------- */

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int is_wsp(int c)
{
	return c == ' ' || c == '\t';
}

/* Case-insensitive ASCII compare of n bytes. */
static int ascii_ncaseeq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

/* Does s[0..n) contain the lower-case ASCII word w, in any case? */
static int ascii_casecontains(const char *s, size_t n, const char *w)
{
	size_t wl = strlen(w);

	for (size_t i = 0; i + wl <= n; i++)
		if (lower((unsigned char)s[i]) == w[0] &&
		    ascii_ncaseeq(s + i, w, wl))
			return 1;
	return 0;
}

struct buf {
	char *p;
	size_t len, cap;
	int oom;
};

static int buf_reserve(struct buf *b, size_t more)
{
	size_t need, cap;
	char *p;

	if (b->oom)
		return -1;
	if (more > SIZE_MAX / 2 - b->len - 1)
		goto fail;
	need = b->len + more + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		goto fail;
	b->p = p;
	b->cap = cap;
	b->p[b->len] = '\0';
	return 0;
fail:
	b->oom = 1;
	return -1;
}

static void buf_add(struct buf *b, const void *s, size_t n)
{
	if (n == 0 || buf_reserve(b, n) < 0)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

static void buf_clear(struct buf *b)
{
	free(b->p);
	*b = (struct buf){ 0 };
}

/* The buffer's string (NUL-terminated, "" when empty), or NULL after OOM. */
static char *buf_steal(struct buf *b)
{
	char *s;

	if (b->oom) {
		buf_clear(b);
		return NULL;
	}
	if (!b->p) {
		s = strdup("");
	} else {
		s = b->p;
		b->p = NULL;
	}
	*b = (struct buf){ 0 };
	return s;
}

static void hex_sha256(char out[MIME_SHA256_HEX], const void *data, size_t n)
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, data, n);
	sodium_bin2hex(out, MIME_SHA256_HEX, h, sizeof(h));
}

/* ---------------------------------------------------------------------------
 * Text clean-up: valid UTF-8, no control characters, NFC
 * ------------------------------------------------------------------------- */

enum clean_mode {
	CLEAN_BODY,     /* keep '\n' and '\t'; CRLF and CR become '\n' */
	CLEAN_LINE,     /* one line: white space collapsed, trimmed */
};

/* Bidirectional embeddings, overrides and isolates: display spoofing. */
static int is_bidi_control(ucs4_t uc)
{
	return (uc >= 0x202A && uc <= 0x202E) || (uc >= 0x2066 && uc <= 0x2069);
}

static void put_uc(struct buf *b, ucs4_t uc)
{
	uint8_t tmp[6];
	int n = u8_uctomb(tmp, uc, (int)sizeof(tmp));

	if (n > 0)
		buf_add(b, tmp, (size_t)n);
}

/*
 * Copy s[0..n) replacing invalid UTF-8 with U+FFFD, dropping controls and
 * bidi overrides, normalising line ends (or, in line mode, collapsing all
 * white space), then put the result in NFC. Returns a malloc'd string, or
 * NULL when out of memory.
 */
static char *clean_text(const char *s, size_t n, enum clean_mode mode)
{
	struct buf b = { 0 };
	const uint8_t *u = (const uint8_t *)s;
	size_t i = 0;
	int space = 0;
	uint8_t *nfc;
	size_t nfclen = 0;
	char *out;

	if (buf_reserve(&b, n) < 0)
		return NULL;
	while (i < n) {
		ucs4_t uc;
		int len = u8_mbtoucr(&uc, u + i, n - i);

		if (len < 0) {
			uc = 0xFFFD;
			len = 1;
		}
		i += (size_t)len;
		if (uc == '\r') {
			if (i < n && u[i] == '\n')
				continue;       /* the '\n' comes next */
			uc = '\n';
		}
		if (mode == CLEAN_LINE) {
			if (uc == '\n' || uc == '\t' || uc == ' ' ||
			    uc == 0xA0) {
				space = b.len > 0;
				continue;
			}
		}
		if ((uc < 0x20 && uc != '\n' && uc != '\t') ||
		    (uc >= 0x7F && uc < 0xA0) || is_bidi_control(uc) ||
		    uc == 0xFEFF)
			continue;
		if (space) {
			buf_addc(&b, ' ');
			space = 0;
		}
		put_uc(&b, uc);
	}
	if (b.oom) {
		buf_clear(&b);
		return NULL;
	}
	if (b.len == 0)
		return buf_steal(&b);
	{
		/* ASCII is its own NFC: skip the normaliser (most of the cost
		 * of a plain-text body) */
		size_t k = 0;
		while (k < b.len && !((unsigned char)b.p[k] & 0x80))
			k++;
		if (k == b.len)
			return buf_steal(&b);
	}
	nfc = u8_normalize(UNINORM_NFC, (const uint8_t *)b.p, b.len, NULL,
			   &nfclen);
	buf_clear(&b);
	if (!nfc)
		return NULL;
	out = realloc(nfc, nfclen + 1);
	if (!out) {
		free(nfc);
		return NULL;
	}
	out[nfclen] = '\0';
	return out;
}

static char *clean_line(const char *s)
{
	return clean_text(s ? s : "", s ? strlen(s) : 0, CLEAN_LINE);
}

/*
 * Header text GMime decoded: RFC 2047 words that declare ISO-8859-1 but
 * carry UTF-8 bytes are common ("KhÃ´ng" for "Không"). When every code
 * point is at most U+00FF and, taken as bytes, they form valid UTF-8 with
 * at least one multi-byte sequence, those bytes are what was meant: real
 * Latin-1 text ("Réunion") is never valid UTF-8 that way. Then clean up
 * as one line. Returns a malloc'd string or NULL when out of memory.
 */
static char *clean_decoded(const char *s)
{
	const uint8_t *u = (const uint8_t *)(s ? s : "");
	size_t n = strlen((const char *)u), i = 0, o = 0, multi = 0;
	int high = 0;
	uint8_t *bytes;
	char *r;

	while (i < n) {
		ucs4_t uc;
		int len = u8_mbtoucr(&uc, u + i, n - i);

		if (len < 0 || uc > 0xFF)
			return clean_line((const char *)u);
		high |= uc >= 0x80;
		i += (size_t)len;
	}
	if (!high)
		return clean_line((const char *)u);
	bytes = malloc(n + 1);
	if (!bytes)
		return NULL;
	for (i = 0; i < n;) {
		ucs4_t uc;

		i += (size_t)u8_mbtoucr(&uc, u + i, n - i);
		bytes[o++] = (uint8_t)uc;
	}
	bytes[o] = '\0';
	for (i = 0; i < o;) {
		ucs4_t uc;
		int len = u8_mbtoucr(&uc, bytes + i, o - i);

		if (len < 0) {
			free(bytes);
			return clean_line((const char *)u);
		}
		multi += len > 1;
		i += (size_t)len;
	}
	r = clean_line(multi ? (const char *)bytes : (const char *)u);
	free(bytes);
	return r;
}

/* Cut s (a NUL-terminated UTF-8 string) to at most max bytes. */
static int utf8_truncate(char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return 0;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	s[max] = '\0';
	return 1;
}

/* ---------------------------------------------------------------------------
 * Charset conversion with a fallback chain
 * ------------------------------------------------------------------------- */

/*
 * Convert s[0..n) from the iconv charset cs to UTF-8, appending to out.
 * Strict: any invalid or incomplete input fails the conversion.
 * Returns 0, -ENOENT (charset unknown to iconv), -EILSEQ or -ENOMEM.
 */
static int iconv_strict(const char *cs, const char *s, size_t n,
			struct buf *out)
{
	iconv_t cd = iconv_open("UTF-8", cs);
	char *in = (char *)s;
	size_t inleft = n;
	int r = 0;

	if (cd == (iconv_t)-1)
		return -ENOENT;
	for (int flush = 0;;) {
		char *op;
		size_t room, before, rc;

		/* Always room for progress: at least 64 bytes more each round. */
		if (buf_reserve(out, inleft * 2 + 64) < 0) {
			r = -ENOMEM;
			break;
		}
		op = out->p + out->len;
		room = out->cap - out->len - 1;
		before = room;
		errno = 0;
		if (flush)     /* emit what a stateful decoder (CP1258) holds */
			rc = iconv(cd, NULL, NULL, &op, &room);
		else
			rc = iconv(cd, &in, &inleft, &op, &room);
		out->len += before - room;
		out->p[out->len] = '\0';
		if (rc != (size_t)-1) {
			if (flush)
				break;
			flush = 1;
		} else if (errno != E2BIG) {
			r = -EILSEQ;   /* EILSEQ, or EINVAL: cut short at the end */
			break;
		}
	}
	iconv_close(cd);
	return r;
}

/* Count valid multi-byte UTF-8 sequences and invalid bytes in s[0..n). */
static void utf8_stats(const char *s, size_t n, size_t *ret_multi,
		       size_t *ret_bad, int *ret_ascii)
{
	const uint8_t *u = (const uint8_t *)s;
	size_t i = 0, multi = 0, bad = 0;
	int ascii = 1;

	while (i < n) {
		ucs4_t uc;
		int len;

		if (u[i] < 0x80) {
			i++;
			continue;
		}
		ascii = 0;
		len = u8_mbtoucr(&uc, u + i, n - i);
		if (len < 0) {
			bad++;
			i++;
		} else {
			multi++;
			i += (size_t)len;
		}
	}
	*ret_multi = multi;
	*ret_bad = bad;
	*ret_ascii = ascii;
}

/*
 * Map a MIME charset name to an iconv name in buf. Sets *ret_single for
 * single-byte charsets (the ones valid UTF-8 may hide behind) and
 * *ret_utf8 for UTF-8 itself. Returns NULL for an empty or absurd name.
 */
static const char *charset_name(const char *cs, char *buf, size_t size,
				int *ret_single, int *ret_utf8)
{
	static const char *const single[] = {
		"iso-8859", "iso8859", "iso_8859", "windows-125", "cp125",
		"cp874", "cp437", "cp850", "cp852", "cp866", "ibm", "koi8",
		"viscii", "tcvn", "us-ascii", "ascii", "ansi_x3.4", "latin",
		"macintosh", "tis-620", "l1", "l2",
	};
	static const struct { const char *mime, *iconv; } alias[] = {
		{ "windows-1258", "CP1258" }, { "x-cp1258", "CP1258" },
		{ "cp-1258", "CP1258" }, { "win-1258", "CP1258" },
		{ "x-viscii", "VISCII" }, { "csviscii", "VISCII" },
		{ "viscii1.1-1", "VISCII" }, { "tcvn", "TCVN5712-1" },
		{ "tcvn3", "TCVN5712-1" }, { "tcvn-5712", "TCVN5712-1" },
		{ "x-viet-tcvn5712", "TCVN5712-1" }, { "utf8", "UTF-8" },
		{ "unicode-1-1-utf-8", "UTF-8" }, { "latin1", "ISO-8859-1" },
	};
	const char *mapped;
	size_t n = 0;

	*ret_single = 0;
	*ret_utf8 = 0;
	while (*cs == ' ' || *cs == '\t' || *cs == '"' || *cs == '\'')
		cs++;
	for (; cs[n] && cs[n] != '"' && cs[n] != '\'' && cs[n] != ' ' &&
	       cs[n] != ';'; n++)
		if (n + 1 >= size)
			return NULL;
	if (n == 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)cs[i];

		if (c < 0x21 || c > 0x7E)
			return NULL;
		buf[i] = (char)lower(c);
	}
	buf[n] = '\0';
	mapped = NULL;
	for (size_t i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (strcmp(buf, alias[i].mime) == 0)
			mapped = alias[i].iconv;
	if (!mapped)
		mapped = g_mime_charset_iconv_name(buf);
	if (mapped && strlen(mapped) < size && mapped != buf)
		memmove(buf, mapped, strlen(mapped) + 1);
	for (size_t i = 0; buf[i]; i++)
		buf[i] = (char)lower((unsigned char)buf[i]);
	if (strcmp(buf, "utf-8") == 0 || strcmp(buf, "utf8") == 0)
		*ret_utf8 = 1;
	for (size_t i = 0; i < sizeof(single) / sizeof(single[0]); i++)
		if (strncmp(buf, single[i], strlen(single[i])) == 0)
			*ret_single = 1;
	return buf;
}

static void latin1_to_utf8(const char *s, size_t n, struct buf *out)
{
	if (buf_reserve(out, n * 2) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		put_uc(out, (unsigned char)s[i]);
}

char *mime_text_to_utf8(const char *s, size_t n, const char *charset)
{
	struct buf out = { 0 };
	char csbuf[64];
	const char *cs = NULL;
	int single = 0, utf8 = 0, ascii;
	size_t multi, bad;
	char *r;

	if (!s)
		n = 0;
	if (charset)
		cs = charset_name(charset, csbuf, sizeof(csbuf), &single, &utf8);
	if (utf8)
		cs = NULL;
	utf8_stats(s, n, &multi, &bad, &ascii);

	if (ascii) {
		/* Identity in most charsets; decodes UTF-7 or ISO-2022-JP. */
		if (cs && iconv_strict(cs, s, n, &out) == 0)
			goto done;
		buf_clear(&out);
		return clean_text(s, n, CLEAN_BODY);
	}
	if (cs && !single) {
		if (iconv_strict(cs, s, n, &out) == 0)
			goto done;
		buf_clear(&out);
	}
	/*
	 * Valid UTF-8, or UTF-8 with a few stray bytes (they become U+FFFD):
	 * text in a single-byte charset almost never holds even one valid
	 * multi-byte sequence, so twice as many of them as bad bytes is proof.
	 */
	if (bad == 0 || (multi > 0 && bad * 2 <= multi))
		return clean_text(s, n, CLEAN_BODY);
	if (cs && single) {
		if (iconv_strict(cs, s, n, &out) == 0)
			goto done;
		buf_clear(&out);
	}
	if (iconv_strict("CP1258", s, n, &out) == 0)
		goto done;
	buf_clear(&out);
	latin1_to_utf8(s, n, &out);
done:
	if (out.oom) {
		buf_clear(&out);
		return NULL;
	}
	r = clean_text(out.p ? out.p : "", out.len, CLEAN_BODY);
	buf_clear(&out);
	return r;
}

/* ---------------------------------------------------------------------------
 * HTML to text
 *
 * A single forward pass with no tree and no recursion, so its cost is linear
 * in the input whatever the markup: every search that fails (no '>' after a
 * '<', no end of a comment or script) is remembered, so it never repeats.
 * ------------------------------------------------------------------------- */

struct html_out {
	struct buf b;
	int space;      /* white space seen since the last character */
	int newlines;   /* line breaks at the end of the output */
};

static void html_text(struct html_out *o, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (o->space && o->newlines == 0 && o->b.len > 0)
		buf_addc(&o->b, ' ');
	o->space = 0;
	buf_add(&o->b, s, n);
	o->newlines = 0;
}

static void html_break(struct html_out *o, int max)
{
	o->space = 0;
	if (o->b.len == 0)
		return;
	while (o->newlines < max) {
		buf_addc(&o->b, '\n');
		o->newlines++;
	}
}

static const struct {
	const char *name;
	uint16_t cp;
} html_entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "nbsp", ' ' }, { "copy", 0xA9 }, { "reg", 0xAE },
	{ "deg", 0xB0 }, { "middot", 0xB7 }, { "laquo", 0xAB },
	{ "raquo", 0xBB }, { "times", 0xD7 }, { "divide", 0xF7 },
	{ "ndash", 0x2013 }, { "mdash", 0x2014 }, { "lsquo", 0x2018 },
	{ "rsquo", 0x2019 }, { "ldquo", 0x201C }, { "rdquo", 0x201D },
	{ "bull", 0x2022 }, { "hellip", 0x2026 }, { "euro", 0x20AC },
	{ "trade", 0x2122 }, { "larr", 0x2190 }, { "rarr", 0x2192 },
	{ "shy", 0xAD }, { "zwnj", 0x200C }, { "zwj", 0x200D },
	/* The Latin-1 letters of Vietnamese (the rest are not in HTML 4). */
	{ "Agrave", 0xC0 }, { "Aacute", 0xC1 }, { "Acirc", 0xC2 },
	{ "Atilde", 0xC3 }, { "Egrave", 0xC8 }, { "Eacute", 0xC9 },
	{ "Ecirc", 0xCA }, { "Igrave", 0xCC }, { "Iacute", 0xCD },
	{ "Ograve", 0xD2 }, { "Oacute", 0xD3 }, { "Ocirc", 0xD4 },
	{ "Otilde", 0xD5 }, { "Ugrave", 0xD9 }, { "Uacute", 0xDA },
	{ "Yacute", 0xDD }, { "agrave", 0xE0 }, { "aacute", 0xE1 },
	{ "acirc", 0xE2 }, { "atilde", 0xE3 }, { "egrave", 0xE8 },
	{ "eacute", 0xE9 }, { "ecirc", 0xEA }, { "igrave", 0xEC },
	{ "iacute", 0xED }, { "ograve", 0xF2 }, { "oacute", 0xF3 },
	{ "ocirc", 0xF4 }, { "otilde", 0xF5 }, { "ugrave", 0xF9 },
	{ "uacute", 0xFA }, { "yacute", 0xFD }, { "ccedil", 0xE7 },
	{ "auml", 0xE4 }, { "ouml", 0xF6 }, { "uuml", 0xFC },
	{ "szlig", 0xDF },
};

/* HTML5 reads &#128;..&#159; as windows-1252, as browsers do. */
static const uint16_t html_c1[32] = {
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

/*
 * Decode the entity at s[0..n) (s[0] is '&'). Returns the bytes consumed
 * and sets *ret_cp, or 0 when this is not an entity (a literal '&').
 */
static size_t html_entity(const char *s, size_t n, ucs4_t *ret_cp)
{
	size_t i = 1;

	if (i < n && s[i] == '#') {
		int hex = 0, digits = 0;
		uint32_t v = 0;

		i++;
		if (i < n && (s[i] == 'x' || s[i] == 'X')) {
			hex = 1;
			i++;
		}
		for (; i < n; i++, digits++) {
			int c = lower((unsigned char)s[i]), d;

			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (hex && c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else
				break;
			if (v < 0x110000)
				v = v * (hex ? 16 : 10) + (uint32_t)d;
		}
		if (digits == 0)
			return 0;
		if (i < n && s[i] == ';')
			i++;
		if (v >= 0x80 && v < 0xA0)
			v = html_c1[v - 0x80];
		if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
			v = 0xFFFD;
		*ret_cp = v;
		return i;
	}
	for (; i < n && i <= 8; i++) {
		int c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9')))
			break;
	}
	if (i == 1)
		return 0;
	for (size_t k = 0; k < sizeof(html_entities) / sizeof(html_entities[0]);
	     k++) {
		const char *name = html_entities[k].name;

		if (strlen(name) == i - 1 && memcmp(name, s + 1, i - 1) == 0) {
			*ret_cp = html_entities[k].cp;
			return i < n && s[i] == ';' ? i + 1 : i;
		}
	}
	return 0;
}

/* Tags after which text continues on a new line (or after a blank line). */
static int html_block(const char *t, int *ret_blank)
{
	static const char *const blank[] = {
		"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
		"blockquote", "pre", "hr", "dl",
	};
	static const char *const line[] = {
		"br", "div", "li", "tr", "dt", "dd", "section", "article",
		"header", "footer", "address", "center", "form", "fieldset",
		"nav", "main", "aside", "figure", "figcaption", "caption",
		"tbody", "thead", "tfoot", "body", "html",
	};

	*ret_blank = 0;
	for (size_t i = 0; i < sizeof(blank) / sizeof(blank[0]); i++)
		if (strcmp(t, blank[i]) == 0) {
			*ret_blank = 1;
			return 1;
		}
	for (size_t i = 0; i < sizeof(line) / sizeof(line[0]); i++)
		if (strcmp(t, line[i]) == 0)
			return 1;
	return 0;
}

/* Elements whose content is not text for a reader. */
static int html_hidden(const char *t)
{
	return strcmp(t, "script") == 0 || strcmp(t, "style") == 0 ||
	       strcmp(t, "head") == 0 || strcmp(t, "title") == 0 ||
	       strcmp(t, "template") == 0 || strcmp(t, "noscript") == 0 ||
	       strcmp(t, "xml") == 0 || strcmp(t, "svg") == 0;
}

/* Find "</name" (any case) in s[from..n); returns its offset or n. */
static size_t html_find_end(const char *s, size_t from, size_t n,
			    const char *name)
{
	size_t nl = strlen(name);

	for (size_t i = from; i + 2 + nl <= n; i++)
		if (s[i] == '<' && s[i + 1] == '/' &&
		    ascii_ncaseeq(s + i + 2, name, nl))
			return i;
	return n;
}

char *mime_html_to_text(const char *s, size_t n)
{
	struct html_out o = { 0 };
	size_t i = 0, run = 0;
	int pre = 0, no_gt = 0;
	char *r;

	if (!s)
		n = 0;
	if (buf_reserve(&o.b, n) < 0)
		return NULL;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c == '<' && !no_gt && i + 1 < n &&
		    (((s[i + 1] | 0x20) >= 'a' && (s[i + 1] | 0x20) <= 'z') ||
		     s[i + 1] == '/' || s[i + 1] == '!' || s[i + 1] == '?')) {
			const char *gt;
			char tag[16];
			size_t t = i + 1, tl = 0;
			int closing = 0, blank;

			html_text(&o, s + run, i - run);
			if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
				const char *e = memmem(s + i + 4, n - i - 4,
						       "-->", 3);

				i = e ? (size_t)(e - s) + 3 : n;
				run = i;
				continue;
			}
			gt = memchr(s + i, '>', n - i);
			if (!gt) {
				no_gt = 1;      /* the rest is text */
				run = i;
				continue;
			}
			if (s[t] == '/') {
				closing = 1;
				t++;
			}
			while (t < (size_t)(gt - s) && tl + 1 < sizeof(tag) &&
			       (((s[t] | 0x20) >= 'a' && (s[t] | 0x20) <= 'z') ||
				(s[t] >= '0' && s[t] <= '9')))
				tag[tl++] = (char)lower((unsigned char)s[t++]);
			tag[tl] = '\0';
			i = (size_t)(gt - s) + 1;
			run = i;
			if (!closing && html_hidden(tag) && gt[-1] != '/') {
				size_t e = html_find_end(s, i, n, tag);
				const char *g2 = e < n ?
					memchr(s + e, '>', n - e) : NULL;

				i = g2 ? (size_t)(g2 - s) + 1 : n;
				run = i;
				continue;
			}
			if (strcmp(tag, "pre") == 0)
				pre = !closing;
			if (html_block(tag, &blank)) {
				html_break(&o, blank ? 2 : 1);
				if (!closing && strcmp(tag, "li") == 0) {
					buf_adds(&o.b, "- ");
					o.newlines = 0;
				}
			} else if (strcmp(tag, "td") == 0 ||
				   strcmp(tag, "th") == 0) {
				o.space = 1;
			}
			continue;
		}
		if (c == '&') {
			ucs4_t cp;
			size_t used = html_entity(s + i, n - i, &cp);

			if (used > 0) {
				uint8_t u[6];
				int k;

				html_text(&o, s + run, i - run);
				i += used;
				run = i;
				if (cp == ' ' || cp == 0xA0) {
					o.space = 1;
					continue;
				}
				k = u8_uctomb(u, cp, (int)sizeof(u));
				if (k > 0)
					html_text(&o, (const char *)u,
						  (size_t)k);
				continue;
			}
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '\f') {
			html_text(&o, s + run, i - run);
			if (pre) {
				if (c == '\n') {
					buf_addc(&o.b, '\n');
					o.newlines++;
					o.space = 0;
				} else if (c != '\r') {
					buf_addc(&o.b, (char)c);
				}
			} else {
				o.space = 1;
			}
			i++;
			run = i;
			continue;
		}
		i++;
	}
	html_text(&o, s + run, i - run);
	while (o.b.len > 0 && (o.b.p[o.b.len - 1] == '\n' ||
			       o.b.p[o.b.len - 1] == ' '))
		o.b.p[--o.b.len] = '\0';
	if (o.b.oom) {
		buf_clear(&o.b);
		return NULL;
	}
	r = clean_text(o.b.p ? o.b.p : "", o.b.len, CLEAN_BODY);
	buf_clear(&o.b);
	return r;
}

/* ---------------------------------------------------------------------------
 * Dangerous attachments
 * ------------------------------------------------------------------------- */

static const char *const danger_exec_ext[] = {
	"exe", "scr", "bat", "cmd", "com", "pif", "js", "jse", "vbs", "vbe",
	"ps1", "psm1", "msi", "msp", "mst", "jar", "hta", "cpl", "reg", "wsf",
	"wsh", "wsc", "vb", "sct", "scf", "msc", "chm", "inf", "gadget",
	"application", "appref-ms", "url", "xll",
};
static const char *const danger_image_ext[] = {
	"lnk", "iso", "img", "vhd", "vhdx",
};
static const char *const danger_macro_ext[] = {
	"docm", "xlsm", "pptm", "dotm", "xlam", "xltm", "potm", "ppsm",
	"ppam", "sldm",
};
/* Extensions people trust; one in front of a dangerous one is a decoy. */
static const char *const decoy_ext[] = {
	"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "rtf",
	"jpg", "jpeg", "png", "gif", "bmp", "zip", "rar", "mp3", "mp4", "avi",
	"htm", "html", "csv", "odt", "ods", "xml",
};
static const char *const danger_types[] = {
	"application/x-msdownload", "application/x-msdos-program",
	"application/x-dosexec", "application/x-executable",
	"application/x-ms-installer", "application/x-msi",
	"application/x-ms-shortcut", "application/java-archive",
	"application/x-java-archive", "application/x-sh",
	"application/x-shellscript", "application/javascript",
	"application/x-javascript", "text/javascript", "application/hta",
	"text/vbscript", "application/x-vbscript", "application/x-bat",
	"application/x-iso9660-image", "application/x-ms-dos-executable",
	"application/vnd.microsoft.portable-executable", "application/x-msdos-windows",
	"application/x-powershell",
};

static int ext_in(const char *e, size_t n, const char *const *list, size_t k)
{
	for (size_t i = 0; i < k; i++)
		if (strlen(list[i]) == n && ascii_ncaseeq(e, list[i], n))
			return 1;
	return 0;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *danger_name(const char *name)
{
	size_t n = strlen(name), dot, prev;
	const char *e;
	size_t el;

	for (size_t i = 0; i < n; i++) {
		ucs4_t uc;
		int len = u8_mbtoucr(&uc, (const uint8_t *)name + i, n - i);

		if (len > 0 && is_bidi_control(uc))
			return "bidirectional override in the file name";
		if (len > 1)
			i += (size_t)len - 1;
	}
	/* Windows drops trailing dots and spaces: "x.exe. " runs x.exe. */
	while (n > 0 && (name[n - 1] == '.' || name[n - 1] == ' ' ||
			 name[n - 1] == '\t'))
		n--;
	dot = n;
	while (dot > 0 && name[dot - 1] != '.')
		dot--;
	if (dot == 0)
		return NULL;
	e = name + dot;
	el = n - dot;
	prev = dot - 1;
	if (ext_in(e, el, danger_exec_ext, N(danger_exec_ext)) ||
	    ext_in(e, el, danger_image_ext, N(danger_image_ext))) {
		size_t end = prev, start;

		while (end > 0 && (name[end - 1] == ' ' || name[end - 1] == '_'))
			end--;
		start = end;
		while (start > 0 && name[start - 1] != '.')
			start--;
		if (start > 0 && ext_in(name + start, end - start, decoy_ext,
					N(decoy_ext)))
			return "double extension hiding an executable";
		if (ext_in(e, el, danger_image_ext, N(danger_image_ext)))
			return "shortcut or disk image";
		return "executable or script";
	}
	if (ext_in(e, el, danger_macro_ext, N(danger_macro_ext)))
		return "macro-enabled document";
	return NULL;
}

const char *mime_danger(const char *filename, const char *content_type,
			const unsigned char *data, size_t size)
{
	const char *why;

	if (filename && (why = danger_name(filename)))
		return why;
	if (content_type) {
		size_t n = strlen(content_type);

		for (size_t i = 0; i < N(danger_types); i++)
			if (strlen(danger_types[i]) == n &&
			    ascii_ncaseeq(content_type, danger_types[i], n))
				return "executable content type";
		if (ascii_casecontains(content_type, n, "macroenabled"))
			return "macro-enabled document";
	}
	if (data && size >= 64 && data[0] == 'M' && data[1] == 'Z') {
		uint32_t pe = (uint32_t)data[60] | (uint32_t)data[61] << 8 |
			      (uint32_t)data[62] << 16 |
			      (uint32_t)data[63] << 24;

		if (pe <= size - 4 && memcmp(data + pe, "PE\0\0", 4) == 0)
			return "windows executable content";
	}
	if (data && size >= 4 && memcmp(data, "\x7f" "ELF", 4) == 0)
		return "executable content";
	if (data && size >= 20 &&
	    memcmp(data, "\x4c\0\0\0\x01\x14\x02\0", 8) == 0)
		return "shortcut or disk image";
	return NULL;
}

/* ---------------------------------------------------------------------------
 * Guard: the pre-scan of the raw bytes
 * ------------------------------------------------------------------------- */

struct line {
	const char *p;          /* first byte */
	size_t len;             /* without the line end */
	const char *next;       /* first byte of the next line */
};

static struct line line_at(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	struct line l;

	l.p = p;
	l.next = nl ? nl + 1 : end;
	l.len = (size_t)((nl ? nl : end) - p);
	if (l.len > 0 && p[l.len - 1] == '\r')
		l.len--;
	return l;
}

/* "name:" with an RFC 5322 field name (GMime wants no space inside it). */
static int is_field_line(const struct line *l, size_t *ret_namelen)
{
	size_t i = 0;

	while (i < l->len) {
		unsigned char c = (unsigned char)l->p[i];

		if (c < 0x21 || c > 0x7E || c == ':')
			break;
		i++;
	}
	if (i == 0)
		return 0;
	if (ret_namelen)
		*ret_namelen = i;
	while (i < l->len && is_wsp((unsigned char)l->p[i]))
		i++;
	return i < l->len && l->p[i] == ':';
}

static int is_blank_line(const struct line *l)
{
	return l->len == 0;
}

static void errf(char *errbuf, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void errf(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!errbuf || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

/* Append one header line to out, NULs turned into spaces. */
static void guard_put(GByteArray *out, const char *p, size_t n)
{
	size_t start = out->len;

	g_byte_array_append(out, (const guint8 *)p, (guint)n);
	for (size_t i = start; i < out->len; i++)
		if (out->data[i] == '\0')
			out->data[i] = ' ';
	g_byte_array_append(out, (const guint8 *)"\n", 1);
}

/*
 * Build the copy GMime parses. Returns 0 with *ret (a GByteArray the caller
 * hands to GMime) or -EBADMSG with a reason in errbuf.
 */
static int guard(const char *raw, size_t len, const struct mime_limits *lim,
		 GByteArray **ret, unsigned *cut, char *errbuf, size_t errlen)
{
	const char *p = raw, *end = raw + len, *body;
	GByteArray *out;
	struct line l;
	unsigned fields = 0;
	size_t field_bytes = 0;
	int keep = 0;   /* the current field is being copied */
	size_t dashes = 0, likely = 0, containers = 0;
	size_t max_dashes = (size_t)lim->max_parts * 16;
	size_t max_likely = (size_t)lim->max_headers * 50;
	int in_ct = 0;

	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	/* Blank lines in front (some gateways add them) and an mbox line. */
	for (;;) {
		size_t i = 0;

		if (p >= end)
			break;
		l = line_at(p, end);
		while (i < l.len && is_wsp((unsigned char)l.p[i]))
			i++;
		if (i == l.len && l.next > p) {
			p = l.next;
			continue;
		}
		if (l.len >= 5 && memcmp(l.p, "From ", 5) == 0) {
			p = l.next;
			continue;
		}
		break;
	}
	if (p >= end) {
		errf(errbuf, errlen, "empty message");
		return -EBADMSG;
	}
	l = line_at(p, end);
	if (!is_field_line(&l, NULL)) {
		errf(errbuf, errlen,
		     "not an rfc 5322 message: no header field at the start");
		return -EBADMSG;
	}

	out = g_byte_array_sized_new((guint)(len < 65536 ? len + 2 : 65536));
	/* The top-level header, rewritten. */
	while (p < end) {
		l = line_at(p, end);
		if (is_blank_line(&l)) {
			p = l.next;
			break;
		}
		if (is_wsp((unsigned char)l.p[0])) {
			/* continuation of the current field */
		} else if (is_field_line(&l, NULL)) {
			if (++fields > lim->max_headers) {
				*cut |= MIME_CUT_HEADERS;
				keep = 0;
			} else {
				keep = 1;
				field_bytes = 0;
			}
		} else {
			/*
			 * Not a field: stray garbage if more fields follow
			 * before the blank line (GMime would skip it), else the
			 * start of a body whose blank line was lost.
			 */
			const char *q = l.next;
			int more = 0;

			while (q < end) {
				struct line m = line_at(q, end);

				if (is_blank_line(&m))
					break;
				if (!is_wsp((unsigned char)m.p[0]) &&
				    is_field_line(&m, NULL)) {
					more = 1;
					break;
				}
				q = m.next;
			}
			if (!more)
				break;          /* p stays: the body starts here */
			keep = 0;
			p = q;
			continue;
		}
		if (keep) {
			size_t room = lim->max_header_line - field_bytes;

			if (l.len > room) {
				guard_put(out, l.p, room);
				*cut |= MIME_CUT_HEADER_LINE;
				keep = 0;
			} else {
				guard_put(out, l.p, l.len);
				field_bytes += l.len;
			}
		}
		p = l.next;
	}
	g_byte_array_append(out, (const guint8 *)"\n", 1);

	/*
	 * The body: count what makes GMime build objects, and cut before the
	 * line that goes over a cap.
	 */
	body = p;
	while (p < end) {
		size_t namelen;

		l = line_at(p, end);
		if (l.len >= 2 && l.p[0] == '-' && l.p[1] == '-' &&
		    ++dashes > max_dashes)
			break;
		if (l.len > 0 && is_wsp((unsigned char)l.p[0])) {
			if (in_ct && (ascii_casecontains(l.p, l.len, "multipart") ||
				      ascii_casecontains(l.p, l.len, "message"))) {
				in_ct = 0;
				if (++containers > lim->max_parts)
					break;
			}
		} else if (is_field_line(&l, &namelen)) {
			in_ct = 0;
			if (++likely > max_likely)
				break;
			if (namelen == 12 && ascii_ncaseeq(l.p, "content-type", 12)) {
				if (ascii_casecontains(l.p + 12, l.len - 12,
						       "multipart") ||
				    ascii_casecontains(l.p + 12, l.len - 12,
						       "message")) {
					if (++containers > lim->max_parts)
						break;
				} else {
					in_ct = 1;
				}
			}
		} else {
			in_ct = 0;
		}
		p = l.next;
	}
	if (p < end)
		*cut |= MIME_CUT_STRUCTURE;
	g_byte_array_append(out, (const guint8 *)body, (guint)(p - body));
	*ret = out;
	return 0;
}

/* ---------------------------------------------------------------------------
 * Header fields
 * ------------------------------------------------------------------------- */

static const char *raw_header(GMimeObject *obj, const char *name)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	GMimeHeader *h = hl ? g_mime_header_list_get_header(hl, name) : NULL;

	return h ? g_mime_header_get_raw_value(h) : NULL;
}

/* Unstructured header text: RFC 2047 and raw 8-bit decoded, one line. */
static char *header_text(GMimeObject *obj, GMimeParserOptions *opts,
			 const char *name)
{
	const char *raw = raw_header(obj, name);
	char *dec, *r;

	if (!raw)
		return NULL;
	dec = g_mime_utils_header_decode_text(opts, raw);
	r = clean_decoded(dec);
	g_free(dec);
	return r;
}

/* The first token of a header (up to ';' or white space), lower-case ASCII. */
static char *header_token(GMimeObject *obj, const char *name)
{
	const char *raw = raw_header(obj, name);
	size_t i = 0, n = 0;
	char *r;

	if (!raw)
		return NULL;
	while (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\r' ||
	       raw[i] == '\n')
		i++;
	while (raw[i + n] > 0x20 && raw[i + n] < 0x7F && raw[i + n] != ';' &&
	       n < 64)
		n++;
	r = malloc(n + 1);
	if (!r)
		return NULL;
	for (size_t k = 0; k < n; k++)
		r[k] = (char)lower((unsigned char)raw[i + k]);
	r[n] = '\0';
	return r;
}

/* An address cleaned up: no controls or spaces, domain in lower case. */
static char *clean_addr(const char *a)
{
	char *s = clean_line(a ? a : ""), *at;
	size_t o = 0;

	if (!s)
		return NULL;
	for (size_t i = 0; s[i]; i++)
		if (s[i] != ' ' && s[i] != '<' && s[i] != '>')
			s[o++] = s[i];
	s[o] = '\0';
	utf8_truncate(s, 320);
	at = strrchr(s, '@');
	if (at)
		for (char *c = at; *c; c++)
			*c = (char)lower((unsigned char)*c);
	return s;
}

/* Call fn for each mailbox of an address header, groups flattened. */
static void each_mailbox(InternetAddressList *list,
			 int (*fn)(InternetAddressMailbox *, void *), void *arg)
{
	int n = list ? internet_address_list_length(list) : 0;

	for (int i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			if (fn(INTERNET_ADDRESS_MAILBOX(ia), arg))
				return;
		} else if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			InternetAddressList *m = internet_address_group_get_members(
				INTERNET_ADDRESS_GROUP(ia));
			int k = m ? internet_address_list_length(m) : 0;

			for (int j = 0; j < k; j++) {
				InternetAddress *x =
					internet_address_list_get_address(m, j);

				if (INTERNET_ADDRESS_IS_MAILBOX(x) &&
				    fn(INTERNET_ADDRESS_MAILBOX(x), arg))
					return;
			}
		}
	}
}

struct addr_collect {
	struct mime_addr *v;
	size_t n, max;
	int cut, oom;
};

static int collect_one(InternetAddressMailbox *mb, void *arg)
{
	struct addr_collect *c = arg;
	const char *name = internet_address_get_name(INTERNET_ADDRESS(mb));
	struct mime_addr a;

	if (c->n >= c->max) {
		c->cut = 1;
		return 1;
	}
	a.name = clean_decoded(name);
	a.addr = clean_addr(internet_address_mailbox_get_addr(mb));
	if (!a.name || !a.addr) {
		free(a.name);
		free(a.addr);
		c->oom = 1;
		return 1;
	}
	c->v[c->n++] = a;
	return 0;
}

static int count_one(InternetAddressMailbox *mb, void *arg)
{
	(void)mb;
	(*(size_t *)arg)++;
	return 0;
}

static InternetAddressList *header_addrs(GMimeObject *obj,
					 GMimeParserOptions *opts,
					 const char *name)
{
	const char *raw = raw_header(obj, name);

	return raw ? internet_address_list_parse(opts, raw) : NULL;
}

/* Parse an address header into at most max entries. */
static int addr_list(GMimeObject *obj, GMimeParserOptions *opts,
		     const char *name, size_t max, struct mime_addr **ret_v,
		     size_t *ret_n, unsigned *cut)
{
	InternetAddressList *list = header_addrs(obj, opts, name);
	struct addr_collect c = { 0 };

	if (!list)
		return 0;
	each_mailbox(list, count_one, &c.max);
	if (c.max > max)
		c.max = max;
	if (c.max == 0) {
		g_object_unref(list);
		return 0;
	}
	c.v = calloc(c.max, sizeof(*c.v));
	if (!c.v) {
		g_object_unref(list);
		return -ENOMEM;
	}
	each_mailbox(list, collect_one, &c);
	g_object_unref(list);
	if (c.oom) {
		for (size_t i = 0; i < c.n; i++) {
			free(c.v[i].name);
			free(c.v[i].addr);
		}
		free(c.v);
		return -ENOMEM;
	}
	if (c.cut)
		*cut |= MIME_CUT_RECIPIENTS;
	*ret_v = c.v;
	*ret_n = c.n;
	return 0;
}

struct first_box {
	char *name, *addr;
	int found, oom;
};

static int first_one(InternetAddressMailbox *mb, void *arg)
{
	struct first_box *f = arg;

	f->found = 1;
	f->name = clean_decoded(internet_address_get_name(INTERNET_ADDRESS(mb)));
	f->addr = clean_addr(internet_address_mailbox_get_addr(mb));
	if (!f->name || !f->addr)
		f->oom = 1;
	return 1;
}

/* A message id cleaned up: printable ASCII only, at most 998 bytes. */
static char *clean_msgid(const char *id)
{
	size_t n = 0;
	char *r;

	if (!id)
		return NULL;
	r = malloc(strlen(id) + 1);
	if (!r)
		return NULL;
	for (size_t i = 0; id[i] && n < 998; i++)
		if (id[i] > 0x20 && id[i] < 0x7F && id[i] != '<' && id[i] != '>')
			r[n++] = id[i];
	r[n] = '\0';
	return r;
}

static int is_mailer_daemon(const char *addr)
{
	const char *at = addr ? strchr(addr, '@') : NULL;
	size_t n = at ? (size_t)(at - addr) : (addr ? strlen(addr) : 0);

	return n == 13 && ascii_ncaseeq(addr, "mailer-daemon", 13);
}

/*
 * Fill the header fields of m from message. Returns 0 or -ENOMEM (fields
 * filled so far stay in m for mime_free()).
 */
static int read_headers(GMimeMessage *message, GMimeParserOptions *opts,
			const struct mime_limits *lim, struct inbound_msg *m)
{
	GMimeObject *obj = GMIME_OBJECT(message);
	InternetAddressList *list;
	struct first_box fb = { 0 };
	const char *raw;
	GDateTime *dt;
	GMimeReferences *refs;
	int r;

	raw = g_mime_message_get_message_id(message);
	if (raw && !(m->message_id = clean_msgid(raw)))
		return -ENOMEM;
	if (m->message_id && !*m->message_id) {
		free(m->message_id);
		m->message_id = NULL;
	}

	if ((raw = raw_header(obj, "In-Reply-To")) &&
	    (refs = g_mime_references_parse(opts, raw))) {
		int n = g_mime_references_length(refs);

		if (n > 0)
			m->in_reply_to = clean_msgid(
				g_mime_references_get_message_id(refs, 0));
		g_mime_references_free(refs);
		if (n > 0 && !m->in_reply_to)
			return -ENOMEM;
		if (m->in_reply_to && !*m->in_reply_to) {
			free(m->in_reply_to);
			m->in_reply_to = NULL;
		}
	}
	if ((raw = raw_header(obj, "References")) &&
	    (refs = g_mime_references_parse(opts, raw))) {
		size_t n = (size_t)g_mime_references_length(refs), keep = n;
		size_t max = lim->max_references;

		if (keep > max) {
			keep = max;
			m->truncated |= MIME_CUT_REFERENCES;
		}
		m->references = calloc(keep > 0 ? keep : 1, sizeof(char *));
		if (!m->references) {
			g_mime_references_free(refs);
			return -ENOMEM;
		}
		/* Over the cap, keep the thread root and the newest ones. */
		for (size_t i = 0; i < keep; i++) {
			size_t src = (keep < n && i > 0) ? n - keep + i : i;
			char *id = clean_msgid(
				g_mime_references_get_message_id(refs, (int)src));

			if (!id) {
				g_mime_references_free(refs);
				return -ENOMEM;
			}
			if (*id)
				m->references[m->n_references++] = id;
			else
				free(id);
		}
		g_mime_references_free(refs);
	}

	list = header_addrs(obj, opts, "From");
	each_mailbox(list, first_one, &fb);
	if (list)
		g_object_unref(list);
	if (fb.oom) {
		free(fb.name);
		free(fb.addr);
		return -ENOMEM;
	}
	if (fb.found) {
		m->from_name = fb.name;
		m->from_addr = fb.addr;
	} else {
		char *t = header_text(obj, opts, "From");

		m->from_name = t ? t : strdup("");
		m->from_addr = strdup("");
	}
	if (!m->from_name || !m->from_addr)
		return -ENOMEM;

	list = header_addrs(obj, opts, "Reply-To");
	memset(&fb, 0, sizeof(fb));
	each_mailbox(list, first_one, &fb);
	if (list)
		g_object_unref(list);
	free(fb.name);
	if (fb.oom) {
		free(fb.addr);
		return -ENOMEM;
	}
	m->reply_to = fb.addr;

	if ((raw = raw_header(obj, "Return-Path"))) {
		m->return_path = clean_addr(raw);
		if (!m->return_path)
			return -ENOMEM;
	}

	r = addr_list(obj, opts, "To", lim->max_recipients, &m->to, &m->n_to,
		      &m->truncated);
	if (r == 0)
		r = addr_list(obj, opts, "Cc", lim->max_recipients, &m->cc,
			      &m->n_cc, &m->truncated);
	if (r < 0)
		return r;

	m->subject = header_text(obj, opts, "Subject");
	if (!m->subject && (raw_header(obj, "Subject") ||
			    !(m->subject = strdup(""))))
		return -ENOMEM;

	if ((raw = raw_header(obj, "Date")) &&
	    (dt = g_mime_utils_header_decode_date(raw))) {
		gint64 t = g_date_time_to_unix(dt);

		m->date = t > 0 ? (time_t)t : 0;
		g_date_time_unref(dt);
	}

	/* These return NULL for a missing header, so NULL with one is OOM. */
	m->auto_submitted = header_token(obj, "Auto-Submitted");
	m->precedence = header_token(obj, "Precedence");
	m->x_loop = header_text(obj, opts, "X-Loop");
	m->list_id = header_text(obj, opts, "List-Id");
	if ((!m->auto_submitted && raw_header(obj, "Auto-Submitted")) ||
	    (!m->precedence && raw_header(obj, "Precedence")) ||
	    (!m->x_loop && raw_header(obj, "X-Loop")) ||
	    (!m->list_id && raw_header(obj, "List-Id")))
		return -ENOMEM;

	if (m->auto_submitted && strcmp(m->auto_submitted, "no") != 0)
		m->is_auto_reply = true;
	if (m->precedence && (strcmp(m->precedence, "bulk") == 0 ||
			      strcmp(m->precedence, "junk") == 0 ||
			      strcmp(m->precedence, "list") == 0 ||
			      strcmp(m->precedence, "auto_reply") == 0))
		m->is_auto_reply = true;
	if (raw_header(obj, "X-Autoreply") || raw_header(obj, "X-Autorespond") ||
	    raw_header(obj, "X-Autogenerated"))
		m->is_auto_reply = true;
	if ((m->return_path && (!*m->return_path ||
				is_mailer_daemon(m->return_path))) ||
	    is_mailer_daemon(m->from_addr))
		m->is_bounce = true;
	return 0;
}

/* ---------------------------------------------------------------------------
 * The walk over the MIME tree
 * ------------------------------------------------------------------------- */

struct walk {
	const struct mime_limits *lim;
	GMimeParserOptions *opts;
	struct inbound_msg *msg;
	size_t parts;
	size_t att_cap;
	size_t att_bytes;
	unsigned recoveries;
	int err;
};

/* Text found under one message: its text/plain and its converted HTML. */
struct text_acc {
	struct buf plain;
	struct buf html;
	struct buf fwd;         /* forwarded messages, formatted */
};

static void walk(struct walk *w, GMimeObject *obj, unsigned depth,
		 int text_ok, int forwarded, struct text_acc *acc);
static void msg_clear(struct inbound_msg *m);

static int ct_is(GMimeContentType *ct, const char *type, const char *sub)
{
	return ct && g_mime_content_type_is_type(ct, type, sub);
}

/* The decoded content of a leaf part; the caller unrefs the stream. */
static GMimeStream *part_content(GMimePart *part)
{
	GMimeDataWrapper *dw = g_mime_part_get_content(part);
	GMimeStream *ms = g_mime_stream_mem_new();

	if (dw)
		g_mime_data_wrapper_write_to_stream(dw, ms);
	return ms;
}

static GByteArray *stream_bytes(GMimeStream *ms)
{
	return g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));
}

/* Decoded file name of a part (raw, before clean-up), or NULL. */
static char *part_filename(GMimeObject *obj, GMimeParserOptions *opts)
{
	const char *raw;
	char *name = NULL;

	if ((raw = raw_header(obj, "Content-Disposition"))) {
		GMimeContentDisposition *d =
			g_mime_content_disposition_parse(opts, raw);
		const char *f = d ? g_mime_content_disposition_get_parameter(
			d, "filename") : NULL;

		if (f && *f)
			name = g_strdup(f);
		if (d)
			g_object_unref(d);
	}
	if (!name && (raw = raw_header(obj, "Content-Type"))) {
		GMimeContentType *t = g_mime_content_type_parse(opts, raw);
		const char *f = t ? g_mime_content_type_get_parameter(t, "name")
				  : NULL;

		if (f && *f)
			name = g_strdup(f);
		if (t)
			g_object_unref(t);
	}
	return name;
}

static int is_attachment_disp(GMimeObject *obj)
{
	GMimeContentDisposition *d = g_mime_object_get_content_disposition(obj);

	return d && g_mime_content_disposition_is_attachment(d);
}

static const char *ext_for_type(const char *ct)
{
	static const struct { const char *type, *ext; } map[] = {
		{ "image/png", ".png" }, { "image/jpeg", ".jpg" },
		{ "image/gif", ".gif" }, { "image/bmp", ".bmp" },
		{ "image/webp", ".webp" }, { "application/pdf", ".pdf" },
		{ "message/rfc822", ".eml" }, { "text/plain", ".txt" },
		{ "text/html", ".html" }, { "text/calendar", ".ics" },
		{ "application/zip", ".zip" },
		{ "message/delivery-status", ".txt" },
	};

	for (size_t i = 0; i < N(map); i++)
		if (strcmp(ct, map[i].type) == 0)
			return map[i].ext;
	if (strncmp(ct, "text/", 5) == 0)
		return ".txt";
	return ".bin";
}

/*
 * A file name fit to show and store: directory parts and characters that
 * are special in file systems removed, at most 255 bytes with the
 * extension kept. Returns a malloc'd string or NULL when out of memory.
 */
static char *clean_filename(const char *raw, const char *fallback_base,
			    const char *ct)
{
	char *s, *slash, *dot;
	size_t n, o = 0, el;

	s = clean_decoded(raw);
	if (!s)
		return NULL;
	slash = strrchr(s, '/');
	if (slash)
		memmove(s, slash + 1, strlen(slash + 1) + 1);
	slash = strrchr(s, '\\');
	if (slash)
		memmove(s, slash + 1, strlen(slash + 1) + 1);
	for (size_t i = 0; s[i]; i++)
		if (!strchr(":*?\"<>|", s[i]))
			s[o++] = s[i];
	s[o] = '\0';
	while (s[0] == '.' || s[0] == ' ')
		memmove(s, s + 1, strlen(s));
	if (!*s) {
		size_t need = strlen(fallback_base) + 8;

		free(s);
		s = malloc(need);
		if (!s)
			return NULL;
		snprintf(s, need, "%s%s", fallback_base, ext_for_type(ct));
		return s;
	}
	n = strlen(s);
	if (n <= 255)
		return s;
	dot = strrchr(s, '.');
	el = dot ? strlen(dot) : 0;
	if (el > 32)
		el = 0;
	if (el) {
		char ext[33];

		memcpy(ext, dot, el + 1);
		utf8_truncate(s, 255 - el);
		strcat(s, ext);
	} else {
		utf8_truncate(s, 255);
	}
	return s;
}

/*
 * Add one attachment. data/size are the decoded bytes (copied when kept).
 * name_raw is the decoded file name or NULL.
 */
static void add_attachment(struct walk *w, GMimeObject *obj, const char *ct,
			   const char *name_raw, const char *fallback,
			   const unsigned char *data, size_t size,
			   int forwarded)
{
	struct inbound_msg *m = w->msg;
	struct mime_attachment *a;
	const char *cid;

	if (w->err)
		return;
	if (m->n_attachments >= w->lim->max_attachments) {
		m->truncated |= MIME_CUT_ATTACHMENTS;
		return;
	}
	if (m->n_attachments == w->att_cap) {
		size_t cap = w->att_cap ? w->att_cap * 2 : 4;
		struct mime_attachment *v;

		if (cap > w->lim->max_attachments)
			cap = w->lim->max_attachments;
		v = realloc(m->attachments, cap * sizeof(*v));
		if (!v) {
			w->err = -ENOMEM;
			return;
		}
		m->attachments = v;
		w->att_cap = cap;
	}
	a = &m->attachments[m->n_attachments];
	memset(a, 0, sizeof(*a));
	a->content_type = strdup(ct);
	a->filename = clean_filename(name_raw, fallback, ct);
	cid = g_mime_object_get_content_id(obj);
	if (cid && *cid)
		a->content_id = clean_msgid(cid);
	m->n_attachments++;     /* from here on mime_free() owns it */
	if (!a->content_type || !a->filename || (cid && *cid && !a->content_id)) {
		w->err = -ENOMEM;
		return;
	}
	a->is_inline = !is_attachment_disp(obj);
	a->forwarded = forwarded;
	a->size = size;
	a->danger = mime_danger(name_raw, ct, data, size);
	a->dangerous = a->danger != NULL;
	if (size == 0)
		return;
	if (size > w->lim->max_attachment_bytes - w->att_bytes) {
		m->truncated |= MIME_CUT_ATTACHMENT_BYTES;
		return;
	}
	a->data = malloc(size);
	if (!a->data) {
		w->err = -ENOMEM;
		return;
	}
	memcpy(a->data, data, size);
	w->att_bytes += size;
	hex_sha256(a->sha256, data, size);
}

/* Append converted text to acc, up to the body cap. */
static void text_append(struct walk *w, struct buf *b, const char *text)
{
	size_t n = strlen(text), room;

	if (n == 0)
		return;
	if (b->len >= w->lim->max_text) {
		w->msg->truncated |= MIME_CUT_TEXT;
		return;
	}
	if (b->len > 0)
		buf_addc(b, '\n');
	room = w->lim->max_text - b->len;
	if (n > room) {
		while (room > 0 && ((unsigned char)text[room] & 0xC0) == 0x80)
			room--;
		n = room;
		w->msg->truncated |= MIME_CUT_TEXT;
	}
	buf_add(b, text, n);
	if (b->oom)
		w->err = -ENOMEM;
}

static void leaf_text(struct walk *w, GMimeObject *obj, GMimeContentType *ct,
		      struct text_acc *acc)
{
	GMimeStream *ms = part_content(GMIME_PART(obj));
	GByteArray *a = stream_bytes(ms);
	const char *cs = g_mime_content_type_get_parameter(ct, "charset");
	char *t = mime_text_to_utf8((const char *)a->data, a->len, cs);

	if (t && ct_is(ct, "text", "html")) {
		char *h = mime_html_to_text(t, strlen(t));

		free(t);
		t = h;
		if (t)
			text_append(w, &acc->html, t);
	} else if (t) {
		text_append(w, &acc->plain, t);
	}
	if (!t)
		w->err = -ENOMEM;
	free(t);
	g_object_unref(ms);
}

/*
 * "type/subtype" of a part in lower case, limited to RFC 2045 token
 * characters (GMime passes through whatever bytes the header held).
 */
static char *mime_type_of(GMimeContentType *ct)
{
	static const char tspecial[] = "()<>@,;:\\\"/[]?=";
	char *t = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
	size_t o = 0, slash = 0;

	if (t) {
		for (size_t i = 0; t[i] && o < 127; i++) {
			unsigned char c = (unsigned char)t[i];

			if (c == '/' && !slash && o > 0)
				slash = o + 1;
			else if (c <= 0x20 || c >= 0x7F || strchr(tspecial, c))
				continue;
			t[o++] = (char)lower(c);
		}
		t[o] = '\0';
	}
	if (!t || !slash || slash >= o) {
		g_free(t);
		t = g_strdup("application/octet-stream");
	}
	return t;
}

static void leaf(struct walk *w, GMimeObject *obj, int text_ok,
		 int forwarded, struct text_acc *acc)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	char *type = mime_type_of(ct);
	char *name = part_filename(obj, w->opts);
	int textual = ct_is(ct, "text", "plain") || ct_is(ct, "text", "html");
	if (textual && !name && !is_attachment_disp(obj)) {
		/* A body part: text if this branch is read, else nothing. */
		if (text_ok)
			leaf_text(w, obj, ct, acc);
	} else {
		GMimeStream *ms = part_content(GMIME_PART(obj));
		GByteArray *a = stream_bytes(ms);

		if (a->len > 0 || name)
			add_attachment(w, obj, type, name, "attachment",
				       a->data, a->len, forwarded);
		g_object_unref(ms);
	}
	g_free(name);
	g_free(type);
}

/* Does obj hold a text/plain body part (not an attachment)? */
static int has_plain(GMimeObject *obj, unsigned depth)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);

	if (depth > 8)
		return 0;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);

		for (int i = 0; i < n && i < 16; i++)
			if (has_plain(g_mime_multipart_get_part(mp, i), depth + 1))
				return 1;
		return 0;
	}
	return GMIME_IS_PART(obj) && ct_is(ct, "text", "plain") &&
	       !is_attachment_disp(obj) && !g_mime_part_get_filename(
		       GMIME_PART(obj));
}

/*
 * A multipart that lost its boundary parameter gets everything as its
 * prologue. When the prologue starts its parts with "--X" lines followed by
 * header fields, X is the boundary: parse again with it. Returns a new
 * object or NULL.
 */
static GMimeObject *recover_boundary(struct walk *w, GMimeMultipart *mp,
				     const char *subtype)
{
	const char *pro = g_mime_multipart_get_prologue(mp);
	const char *p, *end;
	GMimeObject *obj = NULL;

	if (!pro || w->recoveries >= 4)
		return NULL;
	w->recoveries++;
	end = pro + strlen(pro);
	for (p = pro; p < end;) {
		struct line l = line_at(p, end), h;
		size_t bl;

		p = l.next;
		if (l.len < 3 || l.p[0] != '-' || l.p[1] != '-' || l.len > 72)
			continue;
		bl = l.len - 2;
		while (bl > 0 && is_wsp((unsigned char)l.p[2 + bl - 1]))
			bl--;
		if (bl == 0 || p >= end)
			continue;
		h = line_at(p, end);
		if (!is_field_line(&h, NULL))
			continue;
		for (size_t i = 0; i < bl; i++)
			if (l.p[2 + i] == '"' || l.p[2 + i] == '\\' ||
			    (unsigned char)l.p[2 + i] < 0x20)
				goto next;
		{
			GString *s = g_string_new(NULL);
			GMimeStream *st;
			GMimeParser *parser;

			g_string_append_printf(s,
				"Content-Type: multipart/%s; boundary=\"%.*s\"\n\n",
				subtype, (int)bl, l.p + 2);
			g_string_append_len(s, pro, end - pro);
			st = g_mime_stream_mem_new_with_buffer(s->str, s->len);
			g_string_free(s, TRUE);
			parser = g_mime_parser_new_with_stream(st);
			obj = g_mime_parser_construct_part(parser, w->opts);
			g_object_unref(parser);
			g_object_unref(st);
			if (obj && (!GMIME_IS_MULTIPART(obj) ||
				    g_mime_multipart_get_count(
					    GMIME_MULTIPART(obj)) == 0)) {
				g_object_unref(obj);
				obj = NULL;
			}
			return obj;
		}
next:
		;
	}
	return NULL;
}

static void multipart(struct walk *w, GMimeObject *obj, unsigned depth,
		      int text_ok, int forwarded, struct text_acc *acc)
{
	GMimeMultipart *mp = GMIME_MULTIPART(obj);
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *sub = ct ? g_mime_content_type_get_media_subtype(ct) : NULL;
	int n = g_mime_multipart_get_count(mp), chosen = -1;

	if (ct_is(ct, "multipart", "report") && !forwarded) {
		const char *rt = g_mime_content_type_get_parameter(ct,
								   "report-type");

		if (rt && g_ascii_strcasecmp(rt, "delivery-status") == 0)
			w->msg->is_bounce = true;
	}
	if (n == 0) {
		GMimeObject *again = recover_boundary(w, mp, sub ? sub : "mixed");
		const char *pro;

		if (again) {
			/* Stands in for obj: same depth, not counted twice. */
			w->parts--;
			walk(w, again, depth, text_ok, forwarded, acc);
			g_object_unref(again);
			return;
		}
		pro = g_mime_multipart_get_prologue(mp);
		if (text_ok && pro && *pro) {
			char *t = mime_text_to_utf8(pro, strlen(pro), NULL);

			if (!t)
				w->err = -ENOMEM;
			else
				text_append(w, &acc->plain, t);
			free(t);
		}
		return;
	}
	if (sub && g_ascii_strcasecmp(sub, "alternative") == 0 && text_ok) {
		/* Read one branch: the first with text/plain, else the last. */
		for (int i = 0; i < n && chosen < 0; i++)
			if (has_plain(g_mime_multipart_get_part(mp, i), depth))
				chosen = i;
		if (chosen < 0)
			chosen = n - 1;
	}
	for (int i = 0; i < n && !w->err; i++)
		walk(w, g_mime_multipart_get_part(mp, i), depth + 1,
		     text_ok && (chosen < 0 || chosen == i), forwarded, acc);
}

/* Format a forwarded message's header and text into acc->fwd. */
static void forward_text(struct walk *w, GMimeMessage *em,
			 struct text_acc *inner, struct text_acc *acc)
{
	struct inbound_msg h = { 0 };
	struct buf *b = &acc->fwd;
	const char *date = raw_header(GMIME_OBJECT(em), "Date");
	char *d = date ? clean_line(date) : NULL;
	struct buf *text = inner->plain.len > 0 ? &inner->plain : &inner->html;

	if (read_headers(em, w->opts, w->lim, &h) < 0)
		w->err = -ENOMEM;
	if (b->len < w->lim->max_text) {
		buf_adds(b, "\n\n---------- Forwarded message ----------\n");
		buf_adds(b, "From: ");
		if (h.from_name && *h.from_name) {
			buf_adds(b, h.from_name);
			buf_adds(b, " <");
			buf_adds(b, h.from_addr ? h.from_addr : "");
			buf_adds(b, ">");
		} else {
			buf_adds(b, h.from_addr ? h.from_addr : "");
		}
		if (d && *d) {
			buf_adds(b, "\nDate: ");
			buf_adds(b, d);
		}
		buf_adds(b, "\nSubject: ");
		buf_adds(b, h.subject ? h.subject : "");
		buf_adds(b, "\n\n");
		if (text->len > 0)
			buf_add(b, text->p, text->len);
		if (inner->fwd.len > 0)
			buf_add(b, inner->fwd.p, inner->fwd.len);
	} else {
		w->msg->truncated |= MIME_CUT_TEXT;
	}
	if (b->oom)
		w->err = -ENOMEM;
	free(d);
	msg_clear(&h);
}

static void message_part(struct walk *w, GMimeObject *obj, unsigned depth,
			 int text_ok, int forwarded, struct text_acc *acc)
{
	GMimeMessage *em = g_mime_message_part_get_message(
		GMIME_MESSAGE_PART(obj));
	GMimeStream *ms;
	GByteArray *a;
	char *name, *subj = NULL;
	struct text_acc inner = { 0 };
	GMimeObject *body;

	if (!em)
		return;
	/* The attached message itself, as an .eml file. */
	ms = g_mime_stream_mem_new();
	g_mime_object_write_to_stream(GMIME_OBJECT(em), NULL, ms);
	a = stream_bytes(ms);
	name = part_filename(obj, w->opts);
	if (!name) {
		const char *s = g_mime_message_get_subject(em);

		if (s && *s) {
			subj = g_strdup_printf("%.200s.eml", s);
			for (char *c = subj; *c; c++)
				if (*c == '/' || *c == '\\')
					*c = '_';
		}
	}
	add_attachment(w, obj, "message/rfc822", name ? name : subj,
		       "forwarded", a->data, a->len, forwarded);
	g_object_unref(ms);
	g_free(name);
	g_free(subj);

	/* Its text goes after ours; its attachments are listed with ours. */
	body = g_mime_message_get_mime_part(em);
	if (body && !w->err)
		walk(w, body, depth + 1, 1, 1, &inner);
	if (!w->err && text_ok)
		forward_text(w, em, &inner, acc);
	buf_clear(&inner.plain);
	buf_clear(&inner.html);
	buf_clear(&inner.fwd);
}

static void walk(struct walk *w, GMimeObject *obj, unsigned depth,
		 int text_ok, int forwarded, struct text_acc *acc)
{
	if (w->err || !obj)
		return;
	if (depth > w->lim->max_depth) {
		w->msg->truncated |= MIME_CUT_DEPTH;
		return;
	}
	if (++w->parts > w->lim->max_parts) {
		w->msg->truncated |= MIME_CUT_PARTS;
		return;
	}
	if (GMIME_IS_MULTIPART(obj))
		multipart(w, obj, depth, text_ok, forwarded, acc);
	else if (GMIME_IS_MESSAGE_PART(obj))
		message_part(w, obj, depth, text_ok, forwarded, acc);
	else if (GMIME_IS_PART(obj))
		leaf(w, obj, text_ok, forwarded, acc);
}

/* The charset of the first text part, for decoding raw 8-bit headers. */
static const char *first_charset(GMimeObject *obj, unsigned depth)
{
	if (!obj || depth > 8)
		return NULL;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);

		for (int i = 0; i < n && i < 16; i++) {
			const char *cs = first_charset(
				g_mime_multipart_get_part(mp, i), depth + 1);

			if (cs)
				return cs;
		}
		return NULL;
	}
	if (GMIME_IS_PART(obj)) {
		GMimeContentType *ct = g_mime_object_get_content_type(obj);

		if (ct && g_mime_content_type_is_type(ct, "text", "*"))
			return g_mime_content_type_get_parameter(ct, "charset");
	}
	return NULL;
}

/* ---------------------------------------------------------------------------
 * mime_parse / mime_free
 * ------------------------------------------------------------------------- */

static void limits_fill(struct mime_limits *l, const struct mime_limits *in)
{
	static const struct mime_limits def = MIME_LIMITS_DEFAULT;

	*l = in ? *in : def;
#define DEF(f) do { if (!l->f) l->f = def.f; } while (0)
	DEF(max_size);
	DEF(max_header_line);
	DEF(max_headers);
	DEF(max_depth);
	DEF(max_parts);
	DEF(max_attachments);
	DEF(max_attachment_bytes);
	DEF(max_text);
	DEF(max_recipients);
	DEF(max_references);
#undef DEF
	/* Lengths GMime and GByteArray take as guint. */
	if (l->max_size > (1u << 30))
		l->max_size = 1u << 30;
}

/* Parser options for header decoding: UTF-8, the body charset, then ours. */
static GMimeParserOptions *make_options(const char *body_charset)
{
	GMimeParserOptions *o = g_mime_parser_options_new();
	const char *fb[5];
	char csbuf[64];
	int single, utf8, k = 0;
	const char *cs = body_charset ?
		charset_name(body_charset, csbuf, sizeof(csbuf), &single, &utf8)
		: NULL;

	fb[k++] = "UTF-8";
	if (cs && !utf8 && !strstr(cs, "ascii") && !strstr(cs, "ansi_x3.4"))
		fb[k++] = cs;
	fb[k++] = "CP1258";
	fb[k++] = "ISO-8859-1";
	fb[k] = NULL;
	g_mime_parser_options_set_fallback_charsets(o, fb);
	g_mime_parser_options_set_address_compliance_mode(o,
		GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(o,
		GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_rfc2047_compliance_mode(o,
		GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_allow_addresses_without_domain(o, TRUE);
	return o;
}

/* Join the collected text into m->body_text. */
static int finish_body(struct walk *w, struct text_acc *acc)
{
	struct inbound_msg *m = w->msg;
	struct buf *src = &acc->plain;
	struct buf out = { 0 };
	size_t s = 0, e;
	int blank = 1;

	for (size_t i = 0; i < acc->plain.len && blank; i++)
		if (!strchr(" \t\n", acc->plain.p[i]))
			blank = 0;
	if (blank && acc->html.len > 0) {
		src = &acc->html;
		m->body_from_html = true;
	}
	/* Drop leading blank lines and trailing white space. */
	e = src->len;
	while (s < e) {
		size_t k = s;

		while (k < e && (src->p[k] == ' ' || src->p[k] == '\t'))
			k++;
		if (k == e || src->p[k] != '\n')
			break;
		s = k + 1;
	}
	while (e > s && strchr(" \t\n", src->p[e - 1]))
		e--;
	if (e > s)
		buf_add(&out, src->p + s, e - s);
	if (acc->fwd.len > 0) {
		size_t fs = 0, fe = acc->fwd.len;

		if (out.len == 0)
			while (fs < fe && acc->fwd.p[fs] == '\n')
				fs++;
		while (fe > fs && strchr(" \t\n", acc->fwd.p[fe - 1]))
			fe--;
		buf_add(&out, acc->fwd.p + fs, fe - fs);
	}
	if (out.len > w->lim->max_text) {
		size_t k = w->lim->max_text;

		while (k > 0 && ((unsigned char)out.p[k] & 0xC0) == 0x80)
			k--;
		out.len = k;
		out.p[k] = '\0';
		m->truncated |= MIME_CUT_TEXT;
	}
	m->body_text = buf_steal(&out);
	return m->body_text ? 0 : -ENOMEM;
}

int mime_parse(const char *raw, size_t len, const struct mime_limits *lim,
	       struct inbound_msg **ret, char *errbuf, size_t errlen)
{
	struct mime_limits l;
	struct inbound_msg *m = NULL;
	GByteArray *copy = NULL;
	GMimeStream *stream = NULL;
	GMimeParser *parser = NULL;
	GMimeParserOptions *opts0 = NULL, *opts = NULL;
	GMimeMessage *message = NULL;
	struct text_acc acc = { 0 };
	struct walk w = { 0 };
	unsigned cut = 0;
	int r;

	if ((!raw && len > 0) || !ret) {
		errf(errbuf, errlen, "invalid arguments");
		return -EINVAL;
	}
	if ((r = mime_global_init()) < 0) {
		errf(errbuf, errlen, "cannot initialise the mime library");
		return r;
	}
	limits_fill(&l, lim);
	if (len > l.max_size) {
		errf(errbuf, errlen, "message of %zu bytes is over the limit of %zu",
		     len, l.max_size);
		return -EMSGSIZE;
	}
	if (len == 0) {
		errf(errbuf, errlen, "empty message");
		return -EBADMSG;
	}
	r = guard(raw, len, &l, &copy, &cut, errbuf, errlen);
	if (r < 0)
		return r;

	stream = g_mime_stream_mem_new_with_byte_array(copy);  /* owns copy */
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	opts0 = make_options(NULL);
	message = g_mime_parser_construct_message(parser, opts0);
	if (!message) {
		errf(errbuf, errlen,
		     "not an rfc 5322 message: the header cannot be parsed");
		r = -EBADMSG;
		goto out;
	}

	m = calloc(1, sizeof(*m));
	if (!m) {
		r = -ENOMEM;
		goto out;
	}
	m->truncated = cut;
	hex_sha256(m->raw_sha256, raw, len);
	opts = make_options(first_charset(g_mime_message_get_mime_part(message),
					  0));
	r = read_headers(message, opts, &l, m);
	if (r < 0)
		goto out;

	w.lim = &l;
	w.opts = opts;
	w.msg = m;
	walk(&w, g_mime_message_get_mime_part(message), 0, 1, 0, &acc);
	if (w.err < 0) {
		r = w.err;
		goto out;
	}
	if (acc.plain.oom || acc.html.oom || acc.fwd.oom) {
		r = -ENOMEM;
		goto out;
	}
	r = finish_body(&w, &acc);
out:
	buf_clear(&acc.plain);
	buf_clear(&acc.html);
	buf_clear(&acc.fwd);
	if (message)
		g_object_unref(message);
	if (parser)
		g_object_unref(parser);
	if (stream)
		g_object_unref(stream);
	if (opts0)
		g_mime_parser_options_free(opts0);
	if (opts)
		g_mime_parser_options_free(opts);
	if (r < 0) {
		if (r == -ENOMEM)
			errf(errbuf, errlen, "out of memory");
		mime_free(m);
		return r;
	}
	*ret = m;
	return 0;
}

/* Free everything m owns, not m itself. */
static void msg_clear(struct inbound_msg *m)
{
	free(m->message_id);
	free(m->in_reply_to);
	for (size_t i = 0; i < m->n_references; i++)
		free(m->references[i]);
	free(m->references);
	free(m->from_name);
	free(m->from_addr);
	free(m->reply_to);
	free(m->return_path);
	for (size_t i = 0; i < m->n_to; i++) {
		free(m->to[i].name);
		free(m->to[i].addr);
	}
	free(m->to);
	for (size_t i = 0; i < m->n_cc; i++) {
		free(m->cc[i].name);
		free(m->cc[i].addr);
	}
	free(m->cc);
	free(m->subject);
	free(m->body_text);
	for (size_t i = 0; i < m->n_attachments; i++) {
		struct mime_attachment *a = &m->attachments[i];

		free(a->filename);
		free(a->content_type);
		free(a->content_id);
		free(a->data);
	}
	free(m->attachments);
	free(m->auto_submitted);
	free(m->precedence);
	free(m->x_loop);
	free(m->list_id);
}

void mime_free(struct inbound_msg *m)
{
	if (!m)
		return;
	msg_clear(m);
	free(m);
}
