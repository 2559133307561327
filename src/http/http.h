/*
 * http.h — what a request handler sees and what it gives back.
 *
 * The server layer (server.c) reads the request, authenticates the bearer
 * token, and calls the handler the router chose; the handler fills a
 * struct http_resp and returns; the server writes it.  Handlers never touch
 * the socket or libmicrohttpd.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "auth/rbac.h"
#include "store/store.h"

#define HTTP_MAX_PARAMS 4

struct http_req {
	const char *method;
	const char *path;
	const char *params[HTTP_MAX_PARAMS]; /* {name} segments of the route, in order */
	char pbuf[256];                      /* storage for params */
	const char *body;                    /* NUL-terminated; "" when none */
	size_t body_len;
	/* Query string argument, or NULL; borrowed for the request's life. */
	const char *(*query)(const struct http_req *r, const char *name);
	void *conn;                          /* for query() */
	const struct principal *who;         /* NULL when not authenticated */
	struct store *store;
};

struct http_resp {
	int status;
	json_t *json;          /* owned: sent as application/json */
	char *text;            /* owned: sent as-is when json is NULL */
	const char *ctype;     /* for text */
	const char *allow;     /* Allow header for 405 */
};

/* Set an error response {"error":{"code","message","field"}}; field may be NULL. */
void http_error(struct http_resp *resp, int status, const char *code, const char *field,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Set a JSON response; takes ownership of body. */
void http_json(struct http_resp *resp, int status, json_t *body);

/*
 * Map a store error to a response: -ENOENT 404, -EINVAL 400, -EEXIST 409,
 * -EPERM 409, -ERANGE 503, storage failures 503, anything else 500.
 */
void http_store_error(struct http_resp *resp, int rc, const struct store_err *err);

typedef void (*http_handler)(const struct http_req *req, struct http_resp *resp);

enum { ROUTE_PUBLIC = 1 }; /* no bearer token needed */

struct http_route {
	const char *method;
	const char *pattern; /* "/api/v1/requests/{code}" */
	http_handler fn;
	unsigned flags;
};

/* The routes of the API (api.c). */
extern const struct http_route api_routes[];
extern const size_t api_routes_count;

/*
 * Find the route for method + path.  Fills req->params.  Returns the route,
 * or NULL with *ret_path_known set when the path exists for other methods
 * (then ret_allow lists them, comma-separated, in a buffer of allow_size).
 */
const struct http_route *http_route_match(const struct http_route *routes, size_t n,
					  const char *method, const char *path,
					  struct http_req *req, bool *ret_path_known,
					  char *ret_allow, size_t allow_size);
