/*
 * router.c — matching method and path against the route table, and the
 * small response helpers every handler uses (see http.h).
 *
 * Patterns are literal segments and {name} segments; a {name} matches one
 * non-empty segment.  Paths are matched as received (no decoding): every
 * identifier in our API is plain ASCII, and a percent sign simply fails the
 * handler's own validation.
 */
#include "http/http.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Match one pattern; on success copy the {name} segments into pbuf/params. */
static bool match(const char *pattern, const char *path, char *pbuf, size_t pbuf_size,
		  const char **params)
{
	const char *p = pattern, *s = path;
	size_t used = 0;
	int np = 0;

	while (*p && *s) {
		if (*p == '{') {
			const char *end = strchr(p, '}');
			size_t n = strcspn(s, "/");
			if (!end || n == 0 || np == HTTP_MAX_PARAMS || used + n + 1 > pbuf_size)
				return false;
			memcpy(pbuf + used, s, n);
			pbuf[used + n] = '\0';
			params[np++] = pbuf + used;
			used += n + 1;
			p = end + 1;
			s += n;
		} else if (*p == *s) {
			p++, s++;
		} else {
			return false;
		}
	}
	return !*p && !*s;
}

const struct http_route *http_route_match(const struct http_route *routes, size_t n,
					  const char *method, const char *path,
					  struct http_req *req, bool *ret_path_known,
					  char *ret_allow, size_t allow_size)
{
	size_t used = 0;

	*ret_path_known = false;
	if (allow_size)
		ret_allow[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (!match(routes[i].pattern, path, req->pbuf, sizeof(req->pbuf), req->params))
			continue;
		if (strcmp(routes[i].method, method) == 0)
			return &routes[i];
		*ret_path_known = true;
		if (used + strlen(routes[i].method) + 3 < allow_size)
			used += (size_t)snprintf(ret_allow + used, allow_size - used, "%s%s",
						 used ? ", " : "", routes[i].method);
	}
	return NULL;
}

void http_json(struct http_resp *resp, int status, json_t *body)
{
	json_decref(resp->json);
	resp->status = status;
	resp->json = body;
}

/*
 * Make `s` valid UTF-8 in place: a message may quote bytes a stranger sent
 * (a parser's error context) or be cut inside a character by the buffer
 * size, and JSON strings must be UTF-8.  Invalid bytes become '?'.
 */
static void utf8_scrub(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (*p) {
		unsigned need = *p < 0x80 ? 0 : *p >= 0xc2 && *p <= 0xdf ? 1 : *p >= 0xe0 && *p <= 0xef ? 2
			      : *p >= 0xf0 && *p <= 0xf4 ? 3 : 4;
		unsigned ok = need < 4;
		for (unsigned i = 1; ok && i <= need; i++)
			ok = (p[i] & 0xc0) == 0x80;
		if (!ok) {
			*p++ = '?';
			continue;
		}
		p += need + 1;
	}
}

void http_error(struct http_resp *resp, int status, const char *code, const char *field,
		const char *fmt, ...)
{
	char msg[512];
	json_t *body;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	utf8_scrub(msg);
	body = json_pack("{s{ss ss s:s?}}", "error", "code", code, "message", msg, "field", field);
	if (!body) /* what the scrub lets through and jansson refuses (overlong forms) */
		body = json_pack("{s{ss ss s:s?}}", "error", "code", code, "message",
				 "invalid input", "field", field);
	http_json(resp, status, body);
}

void http_store_error(struct http_resp *resp, int rc, const struct store_err *err)
{
	const char *field = err && err->field[0] ? err->field : NULL;
	const char *msg = err && err->message[0] ? err->message : store_strerror(rc);

	switch (rc) {
	case -ENOENT:
		http_error(resp, 404, "not_found", field, "%s", msg);
		break;
	case -EINVAL:
		http_error(resp, 400, "invalid_field", field, "%s", msg);
		break;
	case -EEXIST:
		http_error(resp, 409, "conflict", field, "%s", msg);
		break;
	case -EPERM:
		http_error(resp, 409, "invalid_transition", field, "%s", msg);
		break;
	case -ERANGE:
		http_error(resp, 503, "code_space_exhausted", NULL, "%s", msg);
		break;
	case -EBUSY:
	case -EIO:
	case -ENOSPC:
	case -ENOMEM:
		http_error(resp, 503, "unavailable", NULL, "the store is unavailable, try again later");
		break;
	default:
		http_error(resp, 500, "internal", NULL, "internal error");
		break;
	}
}

bool http_query_limit(const struct http_req *req, struct http_resp *resp, long max, int *ret)
{
	const char *v = req->query(req, "limit");
	char *end;
	long n;

	if (!v || !*v)
		return true;
	n = strtol(v, &end, 10);
	if (*end || n < 1 || n > max) {
		http_error(resp, 400, "invalid_field", "limit", "'limit' must be 1 to %ld", max);
		return false;
	}
	*ret = (int)n;
	return true;
}

bool http_query_cursor(const struct http_req *req, struct http_resp *resp, int64_t *ret)
{
	const char *v = req->query(req, "cursor");
	char *end;
	long long n;

	if (!v || !*v)
		return true;
	n = strtoll(v, &end, 10);
	if (*end || n < 1) {
		http_error(resp, 400, "invalid_field", "cursor", "invalid cursor");
		return false;
	}
	*ret = n;
	return true;
}

void http_page(struct http_resp *resp, json_t *items, int64_t next)
{
	if (next) {
		char cur[24];
		snprintf(cur, sizeof(cur), "%lld", (long long)next);
		http_json(resp, 200, json_pack("{so ss}", "items", items, "next_cursor", cur));
	} else {
		http_json(resp, 200, json_pack("{so sn}", "items", items, "next_cursor"));
	}
}
