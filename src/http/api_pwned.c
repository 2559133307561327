/*
 * api_pwned.c — GET /range/{prefix}, a mirror of api.pwnedpasswords.com's
 * range API over the local breached-password index, so that a client
 * written for HIBP works unchanged once its base URL points here.
 *
 * What is kept byte for byte: text lines "SUFFIX:COUNT" (35 uppercase hex
 * digits for SHA-1, 27 for NTLM) separated by CRLF with none after the
 * last, `?mode=ntlm`, `Add-Padding: true` (count-0 lines), a 400 for a
 * prefix that is not 5 hex digits (either case), CORS for browsers.
 * What differs on purpose: error texts follow our house style; padding
 * lines are merged in order rather than appended; the cache lifetime is a
 * day rather than a month, since a local index is replaced at will (the
 * ETag names the index version, so revalidation is cheap).
 *
 * Errors are text/plain like the answers, not the JSON of /api/v1.
 */
#include "http/api_pwned.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pwned/pwned.h"
#include "pwned/pwned_set.h"

#define RANGE_CTYPE "text/plain; charset=utf-8"
#define RANGE_CACHE "public, max-age=86400"

static void add_header(struct http_resp *resp, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add_header(struct http_resp *resp, const char *name, const char *fmt, ...)
{
	va_list ap;

	for (int i = 0; i < HTTP_MAX_HEADERS; i++)
		if (!resp->headers[i].name) {
			resp->headers[i].name = name;
			va_start(ap, fmt);
			vsnprintf(resp->headers[i].value, sizeof(resp->headers[i].value), fmt, ap);
			va_end(ap);
			return;
		}
}

static void plain(struct http_resp *resp, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void plain(struct http_resp *resp, int status, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	free(resp->text);
	resp->status = status;
	resp->text = text;
	resp->ctype = RANGE_CTYPE;
}

/* The prefix as a number, or -1 when it is not exactly 5 hex digits. */
static long parse_prefix(const char *s)
{
	long v = 0;

	for (int i = 0; i < 5; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else
			return -1;
	}
	return s[5] ? -1 : v;
}

/* Copy at most 16 bytes of s for an error message, printable ASCII only. */
static const char *shown(const char *s, char buf[20])
{
	size_t i;

	for (i = 0; s[i] && i < 16; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\'' ? s[i] : '?';
	if (s[i])
		buf[i++] = '.', buf[i++] = '.';
	buf[i] = '\0';
	return buf;
}

/* If-None-Match (RFC 9110: weak comparison, a list, or "*"). */
static bool etag_matches(const char *inm, const char *etag)
{
	size_t el = strlen(etag);
	const char *p = inm;

	while (*p) {
		const char *end;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return true;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		if (*p == '"') {
			if (!(end = strchr(p + 1, '"')))
				return false;
			end++;
		} else {
			end = p + strcspn(p, ", \t");
		}
		if ((size_t)(end - p) == el && memcmp(p, etag, el) == 0)
			return true;
		p = end;
	}
	return false;
}

void api_pwned_range(const struct http_req *req, struct http_resp *resp)
{
	const char *mode = req->query(req, "mode");
	const char *pad = req->header(req, "Add-Padding");
	const char *inm = req->header(req, "If-None-Match");
	enum pwned_kind kind = PWNED_SHA1;
	struct pwned_info info;
	struct pwned *p;
	char etag[64], buf[20];
	bool padding = pad && strcasecmp(pad, "true") == 0;
	long prefix = parse_prefix(req->params[0]);
	size_t len;
	int rc;

	add_header(resp, "Access-Control-Allow-Origin", "*");
	add_header(resp, "Vary", "Add-Padding");
	if (prefix < 0) {
		plain(resp, 400, "the hash prefix must be 5 hexadecimal digits, not '%s'",
		      shown(req->params[0], buf));
		return;
	}
	if (mode && strcasecmp(mode, "ntlm") == 0)
		kind = PWNED_NTLM;
	else if (mode && strcasecmp(mode, "sha1") != 0) {
		plain(resp, 400, "unknown mode '%s' (sha1 or ntlm)", shown(mode, buf));
		return;
	}
	if (!req->ctx || !req->ctx->pwned ||
	    !(p = pwned_set_get((struct pwned_set *)req->ctx->pwned, kind))) {
		plain(resp, 404, "no %s breached-password index is loaded on this server",
		      kind == PWNED_NTLM ? "NTLM" : "SHA-1");
		return;
	}
	pwned_get_info(p, &info);
	snprintf(etag, sizeof(etag), "\"%s-%s\"", pwned_kind_name(kind), info.version);
	if (!padding && inm && etag_matches(inm, etag)) {
		rc = 304;
	} else {
		rc = pwned_range_text(p, (uint32_t)prefix, padding, &resp->text, &len);
		rc = rc == 0 ? 200 : rc;
	}
	pwned_close(p);
	if (rc == 200 || rc == 304) {
		/* padded answers differ every time: neither cached nor tagged */
		if (!padding) {
			add_header(resp, "ETag", "%s", etag);
			add_header(resp, "Cache-Control", RANGE_CACHE);
			add_header(resp, "Access-Control-Expose-Headers", "ETag");
		}
		if (rc == 304)
			plain(resp, 304, "%s", "");
		resp->status = rc;
		resp->ctype = RANGE_CTYPE;
	} else if (rc == -EOPNOTSUPP) {
		plain(resp, 501, "this index holds membership only (compact): it cannot list ranges");
	} else if (rc == -ENOMEM) {
		plain(resp, 503, "out of memory, try again later");
	} else {
		plain(resp, 500, "the breached-password index is corrupt");
	}
}

void api_pwned_preflight(const struct http_req *req, struct http_resp *resp)
{
	(void)req;
	add_header(resp, "Access-Control-Allow-Origin", "*");
	add_header(resp, "Access-Control-Allow-Methods", "GET");
	add_header(resp, "Access-Control-Allow-Headers", "Add-Padding");
	add_header(resp, "Access-Control-Max-Age", "1728000");
	plain(resp, 204, "%s", "");
}
