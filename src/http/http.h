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

#include "auth/password.h"
#include "auth/policy.h"
#include "auth/rbac.h"
#include "auth/throttle.h"
#include "auth/ratelimit.h"
#include "store/store.h"

#define HTTP_MAX_PARAMS 4

/* Accounts, sessions and logins: the serve configuration of identity. */
struct auth_config {
	struct pwhash_params pwhash;
	struct policy policy;
	int64_t session_idle;  /* seconds without a request before a session ends */
	int64_t session_max;   /* seconds after login when a session ends regardless */
	bool require_totp;     /* admin and agent accounts must enrol TOTP */
	bool secure;           /* behind TLS: Secure cookies and HSTS */
	const char *issuer;    /* TOTP issuer shown in authenticator apps */
};

#define AUTH_DEFAULTS { PWHASH_DEFAULTS, POLICY_DEFAULTS, 30 * 60, 12 * 3600, false, false, "ungcuu" }

/* What the server shares with every handler; owned by the server. */
struct http_ctx {
	struct store *store;
	const struct auth_config *auth;
	struct throttle *throttle_ip, *throttle_user;
	char dummy_hash[PASSWORD_HASH_SIZE]; /* verified against when a user is unknown */
	void *pwned;                         /* breached-password indexes, when loaded */
	const char *blob_dir;                /* mail attachments */
	struct respcache *cache;             /* rendered answers, or NULL */
	/* the password policy's breached() hook over `pwned`; NULL: built-in list */
	int (*breached)(void *pwned, const char *password, uint32_t *ret_count);
	/* public side (api_public.c, pages.c) */
	struct ratelimit *verify_ip, *verify_code; /* checks per address, per request code */
	struct ratelimit *submit_ip;               /* public requests per address */
	const char *public_url;                   /* base URL of the public pages, no final '/' */
	int ack_per_hour;                         /* acknowledgements per address per hour */
};

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
	struct http_ctx *ctx;
	char ip[64];                         /* client address */
	const char *user_agent;              /* or NULL */
	const char *session_token;           /* the session cookie's value, when one was used */
	/* store_generation() as of the start of this request, when have_gen */
	uint64_t gen;
	bool have_gen;
	/* Request header, or NULL; borrowed for the request's life. */
	const char *(*header)(const struct http_req *r, const char *name);
};

#define HTTP_MAX_HEADERS 6

/*
 * The policy of our HTML pages (the web UI, the server-rendered public
 * pages): scripts, styles, fonts and fetches from this origin only, never
 * inline; pictures also from blob: and data: (previews before upload).
 */
#define HTTP_PAGE_CSP                                                                  \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; " \
	"font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "     \
	"frame-ancestors 'none'"

struct http_resp {
	int status;
	json_t *json;          /* owned: sent as application/json */
	char *text;            /* owned: sent as-is when json is NULL */
	size_t text_len;       /* bytes of text, for binary bodies; 0: strlen(text) */
	char *disposition;     /* owned: a Content-Disposition header value, or NULL */
	const char *ctype;     /* for text */
	const char *allow;     /* Allow header for 405 */
	char *set_cookie;      /* owned: a Set-Cookie header value */
	unsigned retry_after;  /* seconds, for 429 */
	const char *csp;       /* static: a Content-Security-Policy replacing the default */
	/* Extra headers, the first NULL name ends them; a Cache-Control here
	 * replaces the default "no-store". */
	struct {
		const char *name;  /* static */
		char value[80];
	} headers[HTTP_MAX_HEADERS];
};

/* Set an error response {"error":{"code","message","field"}}; field may be NULL. */
void http_error(struct http_resp *resp, int status, const char *code, const char *field,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ?limit=N when given and not empty: 1 to max into *ret, else false after
 * answering 400 naming "limit". */
bool http_query_limit(const struct http_req *req, struct http_resp *resp, long max, int *ret);

/* ?cursor=N when given and not empty: a positive number into *ret, else
 * false after answering 400 naming "cursor". */
bool http_query_cursor(const struct http_req *req, struct http_resp *resp, int64_t *ret);

/* 200 {"items": items, "next_cursor": "N" | null}; takes ownership of items. */
void http_page(struct http_resp *resp, json_t *items, int64_t next);

/* Set a JSON response; takes ownership of body. */
void http_json(struct http_resp *resp, int status, json_t *body);

/*
 * Map a store error to a response: -ENOENT 404, -EINVAL 400, -EEXIST 409,
 * -EPERM 409, -ERANGE 503, storage failures 503, anything else 500.
 */
void http_store_error(struct http_resp *resp, int rc, const struct store_err *err);

typedef void (*http_handler)(const struct http_req *req, struct http_resp *resp);

enum {
	ROUTE_PUBLIC = 1,     /* no credentials needed */
	ROUTE_PENDING_OK = 2, /* allowed before the first password change / TOTP enrolment */
	ROUTE_UPLOAD = 4,     /* a file upload: the body may reach max_upload (field "screenshot") */
	ROUTE_AUTH_OPTIONAL = 8, /* ROUTE_PUBLIC GET: req->who set when valid credentials come */
};

struct http_route {
	const char *method;
	const char *pattern; /* "/api/v1/requests/{code}" */
	http_handler fn;
	unsigned flags;
};

/* The routes of the API (api.c), including those of api_auth.c. */
extern const struct http_route api_routes[];
extern const size_t api_routes_count;

/* Handlers of api_auth.c: sessions, passwords, TOTP, users, tokens, audit. */
void api_session_create(const struct http_req *req, struct http_resp *resp);
void api_session_get(const struct http_req *req, struct http_resp *resp);
void api_session_delete(const struct http_req *req, struct http_resp *resp);
void api_sessions_list(const struct http_req *req, struct http_resp *resp);
void api_sessions_revoke(const struct http_req *req, struct http_resp *resp);
void api_password_change(const struct http_req *req, struct http_resp *resp);
void api_password_check(const struct http_req *req, struct http_resp *resp);
void api_totp_start(const struct http_req *req, struct http_resp *resp);
void api_totp_confirm(const struct http_req *req, struct http_resp *resp);
void api_users_list(const struct http_req *req, struct http_resp *resp);
void api_users_create(const struct http_req *req, struct http_resp *resp);
void api_users_get(const struct http_req *req, struct http_resp *resp);
void api_users_update(const struct http_req *req, struct http_resp *resp);
void api_users_reset(const struct http_req *req, struct http_resp *resp);
void api_tokens_list(const struct http_req *req, struct http_resp *resp);
void api_tokens_create(const struct http_req *req, struct http_resp *resp);
void api_tokens_revoke(const struct http_req *req, struct http_resp *resp);
void api_audit_list(const struct http_req *req, struct http_resp *resp);

/* Handlers of api_mail.c. */
void api_attachment_get(const struct http_req *req, struct http_resp *resp);
void api_outbox_list(const struct http_req *req, struct http_resp *resp);

/* Handlers of api_leaks.c. */
void api_leaks_list(const struct http_req *req, struct http_resp *resp);

/* The CSRF token of a session: derived from its secret, so nothing is stored. */
void http_csrf_token(const char *session_token, char ret[48]);

/* Shared by the handlers (api.c): parse the body as a JSON object whose
 * keys are all in `allowed` (NULL-terminated); NULL with the error set. */
json_t *http_body_object(const struct http_req *req, struct http_resp *resp,
			 const char *const *allowed);
/* A string member (borrowed): false with the error set on a wrong type or
 * when required and missing; *ret NULL when absent. */
bool http_get_str(json_t *o, const char *key, bool required, struct http_resp *resp,
		  const char **ret);
/* 403 "forbidden"; returns false. */
bool http_forbidden(struct http_resp *resp, const char *field);

/*
 * Find the route for method + path.  Fills req->params.  Returns the route,
 * or NULL with *ret_path_known set when the path exists for other methods
 * (then ret_allow lists them, comma-separated, in a buffer of allow_size).
 */
const struct http_route *http_route_match(const struct http_route *routes, size_t n,
					  const char *method, const char *path,
					  struct http_req *req, bool *ret_path_known,
					  char *ret_allow, size_t allow_size);
