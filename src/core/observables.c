/*
 * observables.c — find the technical indicators in free text (see
 * observables.h for what is found and how values are normalised).
 *
 * The text is first refanged into a copy; then one pass looks, at each
 * boundary, for a URL (it consumes its whole extent, so its host and path
 * are not found again), else takes the maximal run of "token" characters
 * (letters, digits and . _ % + - @ :) and classifies it: email, CVE id,
 * hash, IPv4, IPv6, domain; runs with colons that are not IPv6 are split at
 * the colons (mailto:a@b.vn, 1.2.3.4:8080).  Phone numbers and Zalo names
 * have their own scanners, since they contain spaces.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unictype.h>
#include <unistr.h>

#include "core/observables.h"

static const char *const type_names[OBS__COUNT] = {
	"ipv4", "ipv6", "domain", "url", "email", "md5", "sha1", "sha256", "cve", "phone", "zalo",
};

const char *obs_type_name(enum obs_type t)
{
	return (unsigned)t < OBS__COUNT ? type_names[t] : NULL;
}

int obs_type_parse(const char *s)
{
	for (int i = 0; s && i < OBS__COUNT; i++)
		if (strcmp(s, type_names[i]) == 0)
			return i;
	return -1;
}

/* ------------------------------------------------------------------------ */
/* Character classes                                                        */
/* ------------------------------------------------------------------------ */

static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static bool is_alnum(unsigned char c) { return is_digit(c) || is_alpha(c); }
static bool is_hex(unsigned char c) { return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }
static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c; }
static bool is_run(unsigned char c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '@' ||
	       c == ':';
}

/*
 * Whether the UTF-8 sequence starting at s[i] (i < n), or ending just before
 * s[i] when `before`, is a letter of a Latin script or a combining mark: a
 * token glued to one is part of a Vietnamese word, not an indicator.
 */
static bool latin_letter_at(const char *s, size_t n, size_t i, bool before)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;

	if (before) {
		size_t k = i, steps = 0;
		if (k == 0 || u[k - 1] < 0x80)
			return false;
		do {
			k--;
			steps++;
		} while (k > 0 && (u[k] & 0xC0) == 0x80 && steps < 4);
		i = k;
	}
	if (i >= n || u[i] < 0xC0)
		return false;
	if ((u[i] & 0xE0) == 0xC0 && i + 1 < n)
		cp = ((uint32_t)(u[i] & 0x1F) << 6) | (u[i + 1] & 0x3F);
	else if ((u[i] & 0xF0) == 0xE0 && i + 2 < n)
		cp = ((uint32_t)(u[i] & 0x0F) << 12) | ((uint32_t)(u[i + 1] & 0x3F) << 6) |
		     (u[i + 2] & 0x3F);
	else
		return false;
	return (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
	       (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1E00 && cp <= 0x1EFF);
}

/* ------------------------------------------------------------------------ */
/* Top-level domains                                                        */
/* ------------------------------------------------------------------------ */

/* Generic TLDs seen in reports (the common and the abused), and every
 * country code.  A name whose last label is not here is not a domain. */
static const char TLDS[] =
	"|com|net|org|edu|gov|mil|int|info|biz|name|pro|xyz|top|online|site|shop|club|app|dev"
	"|store|tech|live|link|click|icu|vip|asia|mobi|tel|travel|cloud|space|website|fun|buzz"
	"|work|today|life|world|email|news|media|global|group|solutions|services|support|zone"
	"|page|win|bid|loan|download|review|trade|party|date|racing|cam|quest|rest|monster|cyou"
	"|sbs|cfd|bond|lol|help|digital|network|systems|center|company|agency|blog|host|press"
	"|one|best|art|bar|fit|ink|kim|lat|men|mom|pub|run|sex|ski|uno|wang|wiki|xin|codes"
	"|finance|bank|money|pay|capital|exchange|trading|market|live|game|games|casino|bet"
	"|poker|porn|adult|dating|cc|ws|pw|tk|ml|ga|cf|gq|su|eu|uk|ac|arpa|onion|local"
	"|ad|ae|af|ag|ai|al|am|ao|aq|ar|as|at|au|aw|ax|az|ba|bb|bd|be|bf|bg|bh|bi|bj|bm|bn|bo"
	"|br|bs|bt|bw|by|bz|ca|cd|cg|ch|ci|ck|cl|cm|cn|co|cr|cu|cv|cw|cx|cy|cz|de|dj|dk|dm"
	"|do|dz|ec|ee|eg|er|es|et|fi|fj|fk|fm|fo|fr|gb|gd|ge|gf|gg|gh|gi|gl|gm|gn|gp|gr|gs|gt"
	"|gu|gw|gy|hk|hm|hn|hr|ht|hu|id|ie|il|im|in|io|iq|ir|is|it|je|jm|jo|jp|ke|kg|kh|ki"
	"|km|kn|kp|kr|kw|ky|kz|la|lb|lc|li|lk|lr|ls|lt|lu|lv|ly|ma|mc|md|me|mg|mh|mk|mm|mn|mo"
	"|mp|mq|mr|ms|mt|mu|mv|mw|mx|my|mz|na|nc|ne|nf|ng|ni|nl|no|np|nr|nu|nz|om|pa|pe|pf|pg"
	"|ph|pk|pl|pm|pn|pr|ps|pt|pw|py|qa|re|ro|rs|ru|rw|sa|sb|sc|sd|se|sg|sh|si|sk|sl|sm|sn"
	"|so|sr|ss|st|sv|sx|sy|sz|tc|td|tf|tg|th|tj|tl|tm|tn|to|tr|tt|tv|tw|tz|ua|ug|us|uy|uz"
	"|va|vc|ve|vg|vi|vn|vu|wf|ye|yt|za|zm|zw|";

/* TLDs that are also file extensions: "report.zip", "main.py", "run.sh"
 * are file names when the name has only two labels. */
static const char FILE_TLDS[] = "|zip|mov|py|sh|pl|md|rs|ps|ai|cc|so|am|cs|ml|gz|bz|im|ms|";

static bool in_list(const char *list, const char *s, size_t n)
{
	char key[16];

	if (n == 0 || n > sizeof(key) - 3)
		return false;
	key[0] = '|';
	for (size_t i = 0; i < n; i++)
		key[i + 1] = lower(s[i]);
	key[n + 1] = '|';
	key[n + 2] = '\0';
	return strstr(list, key) != NULL;
}

/* ------------------------------------------------------------------------ */
/* Refanging                                                                */
/* ------------------------------------------------------------------------ */

static const struct {
	const char *from, *to;
} fangs[] = {
	/* longest first; with spaces around before without */
	{ " [dot] ", "." }, { " (dot) ", "." }, { " {dot} ", "." },
	{ " [at] ", "@" },  { " (at) ", "@" },  { " [@] ", "@" },
	{ "[dot]", "." },   { "(dot)", "." },   { "{dot}", "." },
	{ "[://]", "://" }, { "[at]", "@" },    { "(at)", "@" },
	{ "[.]", "." },     { "(.)", "." },     { "{.}", "." },
	{ "[@]", "@" },     { "(@)", "@" },     { "[:]", ":" },
	{ "[/]", "/" },     { "hxxps", "https" }, { "hxxp", "http" },
	{ "fxp://", "ftp://" },
};

char *obs_refang(const char *text, size_t len)
{
	/* no replacement is longer than what it replaces */
	char *out = malloc(len + 1);
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		bool hit = false;
		/* every pattern starts with one of these pairs: a cheap filter */
		if (i + 1 < len &&
		    ((text[i] == ' ' && strchr("[({", text[i + 1])) || text[i] == '[' ||
		     text[i] == '(' || text[i] == '{' ||
		     (((text[i] | 0x20) == 'h' || (text[i] | 0x20) == 'f') && (text[i + 1] | 0x20) == 'x'))) {
			for (size_t k = 0; k < sizeof(fangs) / sizeof(fangs[0]); k++) {
				size_t fl = strlen(fangs[k].from);
				if (lower(text[i + 1]) != fangs[k].from[1])
					continue;
				if (fl <= len - i && strncasecmp(text + i, fangs[k].from, fl) == 0) {
					size_t tl = strlen(fangs[k].to);
					memcpy(out + o, fangs[k].to, tl);
					o += tl;
					i += fl;
					hit = true;
					break;
				}
			}
		}
		if (!hit) {
			out[o++] = text[i] ? text[i] : ' '; /* a NUL would end the string */
			i++;
		}
	}
	out[o] = '\0';
	return out;
}

/* ------------------------------------------------------------------------ */
/* Validators and normalisers: each takes s[0..n) and writes its normal form */
/* to out (OBS_VALUE_MAX + 1 bytes) on success                               */
/* ------------------------------------------------------------------------ */

static bool norm_ipv4(const char *s, size_t n, char *out)
{
	unsigned v[4];
	int parts = 0;
	size_t i = 0;

	while (parts < 4) {
		size_t d = 0;
		unsigned x = 0;
		while (i < n && is_digit((unsigned char)s[i]) && d < 4) {
			x = x * 10 + (unsigned)(s[i] - '0');
			i++;
			d++;
		}
		if (d == 0 || d > 3 || x > 255 || (d > 1 && s[i - d] == '0'))
			return false; /* leading zeros: 1.000.000.000 is an amount */
		v[parts++] = x;
		if (parts < 4) {
			if (i >= n || s[i] != '.')
				return false;
			i++;
		}
	}
	if (i != n)
		return false;
	snprintf(out, OBS_VALUE_MAX + 1, "%u.%u.%u.%u", v[0], v[1], v[2], v[3]);
	return true;
}

static bool norm_ipv6(const char *s, size_t n, char *out)
{
	char buf[64];
	unsigned char addr[16];
	int colons = 0, hex = 0;

	if (n < 3 || n >= sizeof(buf))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ':')
			colons++;
		else if (is_hex((unsigned char)s[i]))
			hex++;
		else if (s[i] != '.')
			return false;
	}
	if (colons < 2 || hex < 1)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, addr) != 1 || !inet_ntop(AF_INET6, addr, out, OBS_VALUE_MAX + 1))
		return false;
	return strcmp(out, "::") != 0; /* the unspecified address ("0::0") is no indicator */
}

/* A host name: labels of letters, digits and hyphens (not at either end),
 * at least two, the last a known TLD; `file_check` refuses two-label names
 * ending in a file extension. */
static bool norm_domain(const char *s, size_t n, bool file_check, char *out)
{
	size_t labels = 0, start = 0, last = 0;

	if (n < 4 || n > 253)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			size_t l = i - start;
			if (l == 0 || l > 63 || s[start] == '-' || s[i - 1] == '-')
				return false;
			last = start;
			labels++;
			start = i + 1;
		} else if (!is_alnum((unsigned char)s[i]) && s[i] != '-') {
			return false;
		}
	}
	if (labels < 2 || !in_list(TLDS, s + last, n - last))
		return false;
	/* "Q.Ba Đình", "P.Ba" (district, ward): a capitalised last label
	 * ("Ba", not "ba" or "BA") is a word */
	if (file_check && s[last] >= 'A' && s[last] <= 'Z' && s[n - 1] >= 'a' && s[n - 1] <= 'z')
		return false;
	/* "ASP.NET", "VB.NET": two words in capitals are a product name */
	if (file_check && labels == 2)
		for (size_t i = last; i < n; i++)
			if (s[i] >= 'A' && s[i] <= 'Z')
				return false;
	if (file_check && labels == 2 && in_list(FILE_TLDS, s + last, n - last))
		return false;
	for (size_t i = 0; i < n; i++)
		out[i] = lower(s[i]);
	out[n] = '\0';
	return true;
}

static bool norm_email(const char *s, size_t n, char *out)
{
	const char *at = memchr(s, '@', n);
	size_t l;

	if (!at || n > 254)
		return false;
	l = (size_t)(at - s);
	if (l == 0 || l > 64 || s[0] == '.' || s[l - 1] == '.' || memchr(at + 1, '@', n - l - 1))
		return false;
	for (size_t i = 0; i < l; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!is_alnum(c) && !strchr("._%+-", c))
			return false;
	}
	if (!norm_domain(at + 1, n - l - 1, false, out + l + 1))
		return false;
	for (size_t i = 0; i < l; i++)
		out[i] = lower(s[i]);
	out[l] = '@';
	return true;
}

static bool norm_cve(const char *s, size_t n, char *out)
{
	size_t d = 0;

	if (n < 13 || n > 17 || strncasecmp(s, "cve-", 4) != 0)
		return false;
	for (size_t i = 4; i < 8; i++)
		if (!is_digit((unsigned char)s[i]))
			return false;
	if (s[8] != '-')
		return false;
	for (size_t i = 9; i < n; i++, d++)
		if (!is_digit((unsigned char)s[i]))
			return false;
	if (d < 4 || d > 7)
		return false;
	memcpy(out, "CVE", 3);
	memcpy(out + 3, s + 3, n - 3);
	out[n] = '\0';
	return true;
}

/* A hash of the type its length says; mixed digits and letters, so that a
 * long number or a word is not one. */
static int norm_hash(const char *s, size_t n, char *out)
{
	bool digit = false, letter = false;
	int t = n == 32 ? OBS_MD5 : n == 40 ? OBS_SHA1 : n == 64 ? OBS_SHA256 : -1;

	if (t < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!is_hex(c))
			return -1;
		if (is_digit(c))
			digit = true;
		else
			letter = true;
	}
	if (!digit || !letter)
		return -1;
	for (size_t i = 0; i < n; i++)
		out[i] = lower(s[i]);
	out[n] = '\0';
	return t;
}

/* Vietnamese numbers from their digits: mobile 0[35789]xxxxxxxx, landline
 * 02xxxxxxxxx, 1800/1900 lines; +84 / 84 read as 0. */
static bool norm_phone_digits(const char *d, size_t n, bool plus, char *out)
{
	char buf[16];

	if (n >= sizeof(buf))
		return false;
	if ((plus || n == 11 || n == 12) && n >= 11 && d[0] == '8' && d[1] == '4' && d[2] != '0') {
		buf[0] = '0';
		memcpy(buf + 1, d + 2, n - 2);
		n -= 1;
	} else if (plus) {
		return false;
	} else {
		memcpy(buf, d, n);
	}
	buf[n] = '\0';
	if ((n == 10 && buf[0] == '0' && strchr("35789", buf[1])) ||
	    (n == 11 && buf[0] == '0' && buf[1] == '2') ||
	    ((n == 8 || n == 10) && buf[0] == '1' && (buf[1] == '8' || buf[1] == '9') &&
	     buf[2] == '0' && buf[3] == '0')) {
		memcpy(out, buf, n + 1);
		return true;
	}
	return false;
}

/* Zalo pages: zalo.me, chat.zalo.me, zalo.vn and their subdomains. */
static bool zalo_host(const char *h, size_t n)
{
	static const char *const hosts[] = { "zalo.me", "zalo.vn" };

	for (size_t i = 0; i < 2; i++) {
		size_t l = strlen(hosts[i]);
		if (n == l && strncmp(h, hosts[i], l) == 0)
			return true;
		if (n > l && h[n - l - 1] == '.' && strncmp(h + n - l, hosts[i], l) == 0)
			return true;
	}
	return false;
}

static bool url_char(unsigned char c)
{
	return c > 0x20 && c < 0x7F && !strchr("<>\"{}|\\^`", c);
}

/* A URL at s[0..n): scheme, host (name, IPv4 or [IPv6]), optional port and
 * the rest.  Returns its type (OBS_URL or OBS_ZALO) or -1; *ret_len is the
 * length used, after trailing punctuation is dropped. */
static int norm_url(const char *s, size_t n, char *out, size_t *ret_len)
{
	static const char *const schemes[] = { "https://", "http://", "ftp://" };
	size_t sl = 0, i, hs, he, end;
	char host[OBS_VALUE_MAX + 1];

	for (size_t k = 0; k < 3 && !sl; k++)
		if (n >= strlen(schemes[k]) && strncasecmp(s, schemes[k], strlen(schemes[k])) == 0)
			sl = strlen(schemes[k]);
	if (!sl)
		return -1;
	end = sl;
	while (end < n && url_char((unsigned char)s[end]) && end < OBS_VALUE_MAX)
		end++;
	/* trailing punctuation belongs to the sentence; a ')' only when
	 * unbalanced (Wikipedia-style URLs keep theirs) */
	for (;;) {
		size_t open = 0, close = 0;
		while (end > sl && strchr(".,;:!?'*", s[end - 1]))
			end--;
		for (i = sl; i < end; i++) {
			open += s[i] == '(';
			close += s[i] == ')';
		}
		if (end > sl && s[end - 1] == ')' && close > open)
			end--;
		else
			break;
	}
	/* user info is not kept in the host */
	hs = sl;
	for (i = sl; i < end && !strchr("/?#", s[i]); i++)
		if (s[i] == '@')
			hs = i + 1;
	he = hs;
	if (he < end && s[he] == '[') {
		while (he < end && s[he] != ']')
			he++;
		if (he >= end || !norm_ipv6(s + hs + 1, he - hs - 1, host))
			return -1;
		he++;
	} else {
		while (he < end && !strchr(":/?#", s[he]))
			he++;
		if (!norm_ipv4(s + hs, he - hs, host) && !norm_domain(s + hs, he - hs, false, host))
			return -1;
	}
	if (he < end && s[he] == ':') {
		size_t p = he + 1;
		while (p < end && is_digit((unsigned char)s[p]))
			p++;
		if (p == he + 1 || p - he - 1 > 5 || (p < end && !strchr("/?#", s[p])))
			return -1;
	} else if (he < end && !strchr("/?#", s[he])) {
		return -1;
	}
	for (i = 0; i < sl; i++)
		out[i] = lower(s[i]);
	/* the scheme and host lower case, the rest as written */
	for (; i < he; i++)
		out[i] = i >= hs ? lower(s[i]) : s[i];
	memcpy(out + he, s + he, end - he);
	out[end] = '\0';
	*ret_len = end;
	{
		size_t hl = strlen(host);
		return s[hs] != '[' && zalo_host(host, hl) ? OBS_ZALO : OBS_URL;
	}
}

/* ------------------------------------------------------------------------ */
/* Extraction                                                               */
/* ------------------------------------------------------------------------ */

static int add(struct obs_list *l, enum obs_type t, const char *v)
{
	char *copy;

	if (l->n >= OBS_MAX)
		return 0;
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].type == t && strcmp(l->items[i].value, v) == 0)
			return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct obs *p = realloc(l->items, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		l->items = p;
		l->cap = cap;
	}
	if (!(copy = strdup(v)))
		return -ENOMEM;
	l->items[l->n].type = t;
	l->items[l->n].value = copy;
	l->n++;
	return 0;
}

/* Classify one piece of a run (no colon unless IPv6). */
static int classify(const char *s, size_t n, bool glued, bool version, struct obs_list *l,
		    char *buf)
{
	int t;

	if (n == 0)
		return 0;
	if (memchr(s, '@', n))
		return !glued && norm_email(s, n, buf) ? add(l, OBS_EMAIL, buf) : 0;
	if (norm_cve(s, n, buf))
		return add(l, OBS_CVE, buf);
	if ((t = norm_hash(s, n, buf)) >= 0)
		return add(l, (enum obs_type)t, buf);
	if (!version && norm_ipv4(s, n, buf))
		return add(l, OBS_IPV4, buf);
	if (!glued && norm_domain(s, n, true, buf))
		return add(l, OBS_DOMAIN, buf);
	return 0;
}

static int scan_run(const char *s, size_t n, bool glued, bool version, struct obs_list *l,
		    char *buf)
{
	size_t i = 0;
	int rc;

	/* punctuation at either end belongs to the sentence */
	while (n && strchr(".-:@+%_", s[n - 1]))
		n--;
	while (i < n && strchr(".-:@+%_", s[i]))
		i++;
	s += i;
	n -= i;
	if (n == 0)
		return 0;
	if (memchr(s, ':', n)) {
		if (norm_ipv6(s, n, buf))
			return add(l, OBS_IPV6, buf);
		for (size_t a = 0; a < n;) {
			size_t b = a;
			while (b < n && s[b] != ':')
				b++;
			if ((rc = scan_run(s + a, b - a, glued, version, l, buf)) < 0)
				return rc;
			a = b + 1;
		}
		return 0;
	}
	return classify(s, n, glued, version, l, buf);
}

/*
 * A phone number starting at s[i]: '+'? then digit groups separated by one
 * space, dot or hyphen, or parentheses around the first group.  The longest
 * run of groups that makes a valid number is taken; a number glued to a
 * letter, or continued by ".digit" or "-digit", is something else.  Returns
 * the bytes consumed when a number was found, else 0.
 */
static size_t scan_phone(const char *s, size_t n, size_t i, struct obs_list *l, int *ret_rc)
{
	char digits[16], val[16], best_val[16];
	size_t nd = 0, p = i, best_end = 0, groups = 0;
	bool plus = false;

	if (s[p] == '+') {
		plus = true;
		p++;
	}
	if (p < n && s[p] == '(')
		p++;
	while (p < n && groups < 6) {
		size_t g = p;
		while (p < n && is_digit((unsigned char)s[p]) && nd < sizeof(digits) - 1)
			digits[nd++] = s[p++];
		if (p == g || (p < n && is_digit((unsigned char)s[p])))
			break;
		groups++;
		if (p < n && (is_alpha((unsigned char)s[p]) || s[p] == '@' || s[p] == '_'))
			break; /* glued to a word: not a number */
		if (norm_phone_digits(digits, nd, plus, val)) {
			best_end = p;
			memcpy(best_val, val, sizeof(val));
		}
		if (p < n && s[p] == ')')
			p++;
		if (p + 1 < n && strchr(" .-", s[p]) && is_digit((unsigned char)s[p + 1]))
			p++;
		else if (p + 2 < n && s[p] == ' ' && s[p + 1] == '(' && is_digit((unsigned char)s[p + 2]))
			p += 2;
		else
			break;
	}
	if (!best_end)
		return 0;
	if (best_end < n && (is_alnum((unsigned char)s[best_end]) || s[best_end] == '_' ||
			     s[best_end] == '@' ||
			     ((s[best_end] == '.' || s[best_end] == '-') && best_end + 1 < n &&
			      is_digit((unsigned char)s[best_end + 1]))))
		return 0;
	*ret_rc = add(l, OBS_PHONE, best_val);
	return best_end - i;
}

static bool word_at(const char *s, size_t n, size_t i, const char *w)
{
	size_t wl = strlen(w);

	return wl <= n - i && strncasecmp(s + i, w, wl) == 0 &&
	       (i + wl == n || !is_alnum((unsigned char)s[i + wl]));
}

/* Collapse white space runs into single spaces, trim, and keep at most
 * 200 bytes (cut on a character boundary).  Returns the length, 0 when the
 * text is not valid UTF-8. */
static size_t tidy_name(const char *s, size_t n, char *out)
{
	size_t o = 0;
	bool space = false;

	if (u8_check((const uint8_t *)s, n))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = o > 0;
			continue;
		}
		if (c < 0x20 || c == 0x7F)
			continue;
		if (o + 2 > 200) {
			/* cut: drop the last character if it is incomplete */
			size_t k = o, need;
			unsigned char lead;
			while (k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0x80)
				k--;
			if (k > 0) {
				lead = (unsigned char)out[k - 1];
				need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
				if (k - 1 + need > o)
					o = k - 1;
			}
			break;
		}
		if (space)
			out[o++] = ' ';
		space = false;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return o;
}

/* Whether the name starts with an upper-case letter (a name, not a
 * sentence: "Zalo: họ gửi link" is not an account). */
static bool starts_upper(const char *s)
{
	ucs4_t cp;

	if (u8_mbtouc(&cp, (const uint8_t *)s, strlen(s)) <= 0)
		return false;
	return uc_is_upper(cp) || (cp >= '0' && cp <= '9');
}

/* The length of the UTF-8 opening quote at s[i], 0 if none; its closing
 * counterpart in *ret_close. */
static size_t open_quote(const char *s, size_t n, size_t i, const char **ret_close)
{
	static const struct {
		const char *open, *close;
	} q[] = { { "\"", "\"" }, { "\xE2\x80\x9C", "\xE2\x80\x9D" }, { "\xC2\xAB", "\xC2\xBB" },
		  { "'", "'" }, { "\xE2\x80\x98", "\xE2\x80\x99" } };

	for (size_t k = 0; k < sizeof(q) / sizeof(q[0]); k++) {
		size_t l = strlen(q[k].open);
		if (l <= n - i && memcmp(s + i, q[k].open, l) == 0) {
			*ret_close = q[k].close;
			return l;
		}
	}
	return 0;
}

/*
 * A Zalo account name after the word "Zalo" at s[i]: `Zalo "Name"`,
 * `Zalo tên “Name”`, `tài khoản Zalo: Name` (to the end of the line or a
 * bracket).  Returns the bytes consumed.
 */
static size_t scan_zalo(const char *s, size_t n, size_t i, struct obs_list *l, char *buf,
			int *ret_rc)
{
	static const char *const fillers[] = { "t\xC3\xAAn", "c\xC3\xB3", "name", "nick", "nickname",
					       "l\xC3\xA0", "mang", "\xC4\x91\xE1\xBA\xB7t", "account" };
	size_t p = i + 4, limit;
	bool colon = false;
	const char *close;
	size_t ql, e, len;

	limit = p + 40 < n ? p + 40 : n;
	for (;;) {
		while (p < limit && (s[p] == ' ' || s[p] == '\t'))
			p++;
		if (p < limit && s[p] == ':') {
			colon = true;
			p++;
			continue;
		}
		bool filler = false;
		for (size_t k = 0; k < sizeof(fillers) / sizeof(fillers[0]) && !filler; k++) {
			size_t fl = strlen(fillers[k]);
			if (fl <= limit - p && strncasecmp(s + p, fillers[k], fl) == 0 &&
			    (p + fl == n || s[p + fl] == ' ' || s[p + fl] == ':')) {
				p += fl;
				filler = true;
			}
		}
		if (!filler)
			break;
	}
	if (p >= n)
		return p - i;
	if ((ql = open_quote(s, n, p, &close))) {
		size_t cl = strlen(close);
		e = p + ql;
		while (e < n && e < p + ql + 300 && s[e] != '\n' &&
		       !(cl <= n - e && memcmp(s + e, close, cl) == 0))
			e++;
		if (e >= n || s[e] == '\n' || e >= p + ql + 300)
			return p - i;
		len = tidy_name(s + p + ql, e - p - ql, buf);
		if (len > 0)
			*ret_rc = add(l, OBS_ZALO, buf);
		return e + cl - i;
	}
	if (!colon)
		return p - i;
	/* colon form: to the end of the line or an opening bracket / comma */
	e = p;
	while (e < n && e < p + 120 && !strchr("\r\n([,;", s[e]))
		e++;
	if (e >= p + 120 || e == p)
		return p - i;
	/* a number, an address or a link is found by the other scanners */
	if (is_digit((unsigned char)s[p]) || s[p] == '+' || memchr(s + p, '@', e - p) ||
	    memchr(s + p, '/', e - p))
		return p - i;
	len = tidy_name(s + p, e - p, buf);
	while (len > 0 && strchr(".!?", buf[len - 1]))
		buf[--len] = '\0';
	if (len > 0 && len <= 80 && starts_upper(buf))
		*ret_rc = add(l, OBS_ZALO, buf);
	return e - i;
}

/* Whether the word before s[i] says a version follows ("phiên bản
 * 10.0.0.1", "version 1.2.3.4", "build 2.0.0.1"): then four dotted numbers
 * are a version, not an address. */
static bool after_version_word(const char *s, size_t i)
{
	static const char *const words[] = { "version", "ver", "v", "b\xE1\xBA\xA3n", "build",
					     "release", "firmware", "patch", "update", "kb" };
	size_t e = i;

	while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == ':' || s[e - 1] == '\t'))
		e--;
	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
		size_t wl = strlen(words[k]);
		if (e >= wl && strncasecmp(s + e - wl, words[k], wl) == 0 &&
		    (e == wl || !is_alnum((unsigned char)s[e - wl - 1])))
			return true;
	}
	return false;
}

/* A Zalo link whose path is a phone number (zalo.me/0912345678) also
 * gives the number. */
static int zalo_phone(const char *url, struct obs_list *l)
{
	const char *p = strstr(url, "://");
	char d[16], val[16];
	size_t nd = 0;

	if (!p || !(p = strchr(p + 3, '/')))
		return 0;
	p++;
	if (*p == '+')
		p++;
	while (is_digit((unsigned char)*p) && nd < sizeof(d) - 1)
		d[nd++] = *p++;
	if (*p && !strchr("/?#", *p))
		return 0;
	return norm_phone_digits(d, nd, false, val) ? add(l, OBS_PHONE, val) : 0;
}

/* A URL at s[0..n), or a Zalo link written without its scheme
 * ("zalo.me/0912345678"); adds it and returns the bytes used, or 0. */
static size_t scan_url(const char *s, size_t n, struct obs_list *l, char *buf, int *ret_rc)
{
	size_t used = 0;
	int t = norm_url(s, n, buf, &used);

	if (t < 0) {
		/* a Zalo host followed by a path, without scheme */
		static const char *const bare[] = { "zalo.me/", "chat.zalo.me/", "zalo.vn/", "id.zalo.me/" };
		char *tmp;
		size_t k, m;
		for (k = 0; k < 4; k++)
			if (n >= strlen(bare[k]) && strncasecmp(s, bare[k], strlen(bare[k])) == 0)
				break;
		if (k == 4)
			return 0;
		m = n < OBS_VALUE_MAX - 8 ? n : OBS_VALUE_MAX - 8;
		if (!(tmp = malloc(m + 9))) {
			*ret_rc = -ENOMEM;
			return 0;
		}
		memcpy(tmp, "https://", 8);
		memcpy(tmp + 8, s, m);
		tmp[m + 8] = '\0';
		t = norm_url(tmp, m + 8, buf, &used);
		free(tmp);
		if (t != OBS_ZALO || used <= 8 + strlen(bare[k]))
			return 0;
		used -= 8;
	}
	if ((*ret_rc = add(l, (enum obs_type)t, buf)) == 0 && t == OBS_ZALO)
		*ret_rc = zalo_phone(buf, l);
	return used;
}

int obs_extract(const char *text, size_t len, struct obs_list *ret)
{
	char *s, *buf;
	size_t n, i = 0;
	int rc = 0;

	if (len > OBS_TEXT_MAX)
		len = OBS_TEXT_MAX;
	if (!(s = obs_refang(text ? text : "", text ? len : 0)))
		return -ENOMEM;
	if (!(buf = malloc(OBS_VALUE_MAX + 1))) {
		free(s);
		return -ENOMEM;
	}
	n = strlen(s); /* NULs were turned into spaces */
	while (i < n && rc == 0) {
		unsigned char c = (unsigned char)s[i];
		size_t used, e;
		bool glued;

		if ((i > 0 && is_alnum((unsigned char)s[i - 1])) || !(is_run(c) || c == '(')) {
			i++;
			continue;
		}
		/* a scheme ("ftp://" to "https://"), or a Zalo host ("zalo.me/",
		 * "chat.zalo.me/", "id.zalo.me/"), before trying a URL */
		if (((c | 0x20) == 'h' || (c | 0x20) == 'f') ? i + 8 <= n && memmem(s + i + 3, 5, "://", 3)
		    : ((c | 0x20) == 'z' || (c | 0x20) == 'c' || (c | 0x20) == 'i') &&
		      i + 10 <= n && memmem(s + i, 10, "alo.", 4)) {
			if ((used = scan_url(s + i, n - i, ret, buf, &rc)) > 0 || rc < 0) {
				i += used ? used : 1;
				continue;
			}
		}
		if ((c | 0x20) == 'z' && word_at(s, n, i, "zalo") && !latin_letter_at(s, n, i, true) &&
		    !(i + 5 < n && s[i + 4] == '.' && is_alpha((unsigned char)s[i + 5]))) {
			i += scan_zalo(s, n, i, ret, buf, &rc);
			continue;
		}
		if ((is_digit(c) || c == '+' || c == '(') && (i == 0 || !strchr(".-_@%:+", s[i - 1]))) {
			if ((used = scan_phone(s, n, i, ret, &rc)) > 0) {
				i += used;
				continue;
			}
		}
		if (c == '(') {
			i++;
			continue;
		}
		e = i;
		while (e < n && is_run((unsigned char)s[e]))
			e++;
		glued = latin_letter_at(s, n, i, true) || latin_letter_at(s, n, e, false);
		/* only four dotted numbers can be read as a version */
		rc = scan_run(s + i, e - i, glued, is_digit(c) && after_version_word(s, i), ret, buf);
		i = e;
	}
	free(buf);
	free(s);
	return rc;
}

bool obs_is_global(enum obs_type t, const char *value)
{
	unsigned char a[16];

	if (t == OBS_IPV4 && inet_pton(AF_INET, value, a) == 1)
		return !(a[0] == 10 || a[0] == 127 || a[0] == 0 ||
			 (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168) ||
			 (a[0] == 169 && a[1] == 254) || (a[0] == 100 && (a[1] & 0xc0) == 64));
	if (t == OBS_IPV6 && inet_pton(AF_INET6, value, a) == 1) {
		static const unsigned char loopback[16] = { [15] = 1 };
		if (!memcmp(a, loopback, 16))
			return false;
		if ((a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80))
			return false; /* unique local fc00::/7, link-local fe80::/10 */
		/* IPv4-mapped: as the IPv4 address */
		static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };
		if (!memcmp(a, mapped, 12)) {
			char v4[16];
			snprintf(v4, sizeof(v4), "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
			return obs_is_global(OBS_IPV4, v4);
		}
	}
	return true;
}

void obs_list_clear(struct obs_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i].value);
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}

/* ------------------------------------------------------------------------ */
/* Values given by hand                                                     */
/* ------------------------------------------------------------------------ */

const char *obs_normalize(enum obs_type t, const char *value, char *out, size_t size)
{
	char *s, *buf;
	const char *why = NULL;
	size_t n, a = 0;
	bool ok = false;

	if (!value)
		return "is required";
	if (strlen(value) > OBS_VALUE_MAX)
		return "is too long";
	if (!(s = obs_refang(value, strlen(value))))
		return "cannot be stored now";
	if (!(buf = malloc(OBS_VALUE_MAX + 1))) {
		free(s);
		return "cannot be stored now";
	}
	n = strlen(s);
	while (a < n && (s[a] == ' ' || s[a] == '\t'))
		a++;
	while (n > a && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	switch (t) {
	case OBS_IPV4:
		ok = norm_ipv4(s + a, n - a, buf);
		why = "is not a valid IPv4 address";
		break;
	case OBS_IPV6:
		ok = norm_ipv6(s + a, n - a, buf);
		why = "is not a valid IPv6 address";
		break;
	case OBS_DOMAIN:
		ok = norm_domain(s + a, n - a, false, buf);
		why = "is not a domain name with a known top-level domain";
		break;
	case OBS_URL: {
		size_t used;
		ok = norm_url(s + a, n - a, buf, &used) >= 0 && used == n - a;
		why = "is not an http, https or ftp URL";
		break;
	}
	case OBS_EMAIL:
		ok = norm_email(s + a, n - a, buf);
		why = "is not a valid email address";
		break;
	case OBS_MD5:
	case OBS_SHA1:
	case OBS_SHA256: {
		size_t want = t == OBS_MD5 ? 32 : t == OBS_SHA1 ? 40 : 64;
		ok = n - a == want;
		for (size_t i = a; ok && i < n; i++)
			ok = is_hex((unsigned char)s[i]);
		for (size_t i = a; ok && i < n; i++)
			buf[i - a] = lower(s[i]);
		if (ok)
			buf[n - a] = '\0';
		why = "is not a hexadecimal hash of the right length";
		break;
	}
	case OBS_CVE:
		ok = norm_cve(s + a, n - a, buf);
		why = "is not a CVE id (CVE-YYYY-NNNN)";
		break;
	case OBS_PHONE: {
		char d[16];
		size_t nd = 0;
		bool plus = a < n && s[a] == '+';
		ok = true;
		for (size_t i = a + plus; i < n && ok; i++) {
			if (is_digit((unsigned char)s[i]) && nd < sizeof(d) - 1)
				d[nd++] = s[i];
			else if (!strchr(" .-()", s[i]))
				ok = false;
		}
		ok = ok && norm_phone_digits(d, nd, plus, buf);
		why = "is not a Vietnamese phone number";
		break;
	}
	case OBS_ZALO: {
		size_t used;
		if (norm_url(s + a, n - a, buf, &used) == OBS_ZALO && used == n - a) {
			ok = true;
		} else {
			ok = tidy_name(s + a, n - a, buf) > 0;
		}
		why = "is empty";
		break;
	}
	default:
		why = "has an unknown type";
		break;
	}
	if (ok && strlen(buf) < size) {
		memcpy(out, buf, strlen(buf) + 1);
		why = NULL;
	} else if (ok) {
		why = "is too long";
	}
	free(buf);
	free(s);
	return why;
}
