/*
 * server.c — libmicrohttpd glue: body collection with a size limit, bearer
 * authentication, routing, response writing, metrics (see server.h).
 *
 * Threading: an epoll thread pool.  Handlers run on the pool's threads and
 * may block while the store commits a write (group commit batches the
 * writes of all blocked threads into one sync), so the pool is sized for
 * concurrency, not for cores.
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/token.h"
#include <sodium.h>
#include "http/http.h"
#include "http/metrics.h"
#include "http/static.h"
#include "http/respcache.h"
#include "pwned/pwned_set.h"

struct http_server {
	struct MHD_Daemon *d;
	struct store *store;
	struct http_options o;
	struct http_ctx ctx;
	unsigned port;
	char public_url[512];
	uint64_t serial;  /* unique in the process: names the server in thread caches */
};

#define SESSION_COOKIE "ungcuu_session"

struct conn_ctx {
	struct timespec start;
	size_t limit; /* of the body: max_body, or max_upload on ROUTE_UPLOAD routes */
	bool upload;  /* a ROUTE_UPLOAD route (known once the body passes max_body) */
	bool routed;  /* `upload` was looked up */
	char *body;
	size_t len;
	bool too_large;
	int status; /* of the response queued, for metrics */
};

static const char *query_fn(const struct http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

static const char *header_fn(const struct http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

static double elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static enum MHD_Result send_resp(struct http_server *srv, struct MHD_Connection *conn,
				 struct conn_ctx *ctx, const char *method, const char *url,
				 const struct principal *who, struct http_resp *resp)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	const char *ctype = "application/json; charset=utf-8";
	char *buf;
	size_t len;

	if (resp->json) {
		buf = json_dumps(resp->json, JSON_COMPACT);
		json_decref(resp->json);
		resp->json = NULL;
		if (!buf)
			return MHD_NO;
		len = strlen(buf);
	} else {
		buf = resp->text ? resp->text : strdup("");
		len = resp->text && resp->text_len ? resp->text_len : buf ? strlen(buf) : 0;
		resp->text = NULL;
		if (!buf)
			return MHD_NO;
		if (resp->ctype)
			ctype = resp->ctype;
	}
	r = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(buf);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	if (resp->disposition) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, resp->disposition);
		free(resp->disposition);
		resp->disposition = NULL;
	}
	{
		bool cached = false;
		for (int i = 0; i < HTTP_MAX_HEADERS && resp->headers[i].name; i++) {
			MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
			cached |= !strcasecmp(resp->headers[i].name, MHD_HTTP_HEADER_CACHE_CONTROL);
		}
		if (!cached)
			MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	}
	/* security headers on every response */
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Content-Security-Policy",
				resp->csp ? resp->csp : "default-src 'none'; frame-ancestors 'none'");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	if (srv->o.auth.secure)
		MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
	if (resp->set_cookie) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, resp->set_cookie);
		free(resp->set_cookie);
		resp->set_cookie = NULL;
	}
	if (resp->status == 429 && resp->retry_after) {
		char ra[16];
		snprintf(ra, sizeof(ra), "%u", resp->retry_after);
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	if (resp->status == 401)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"ungcuu\"");
	if (resp->allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, resp->allow);
	ctx->status = resp->status;
	ret = MHD_queue_response(conn, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	if (srv->o.access_log)
		fprintf(stderr, "http %s %s %d %.1fms %s\n", method, url, resp->status,
			elapsed(&ctx->start) * 1e3, who ? who->username : "-");
	return ret;
}

static bool totp_enabled(struct http_server *srv, const struct principal *p)
{
	struct user_auth u;

	return store_user_auth(srv->store, p->username, &u) == 0 && u.totp_enabled;
}

static void client_ip(struct MHD_Connection *conn, char *buf, size_t size)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(buf, size, "-");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)size);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
			  (socklen_t)size);
}

/*
 * Bearer tokens seen lately, a few per thread.  An API client sends the
 * same token with every call, and its lookup was a read transaction of its
 * own (an eighth of a GET in the profile of bench/api).  A slot answers
 * only at the store generation it was read at: any commit since, by any
 * process (a revocation, a deactivation, a role change), and the token is
 * read again.  The generation costs one read transaction too, but the
 * cache of rendered answers (api.c) needs it anyway.
 */
#define TOKEN_SLOTS 4

static __thread struct token_slot {
	uint64_t server, gen;
	unsigned char hash[TOKEN_HASH_SIZE];
	struct principal p;
} tl_tokens[TOKEN_SLOTS];
static __thread unsigned tl_tokens_next;
static _Atomic uint64_t server_serials;

static int token_lookup_cached(struct http_server *srv, struct http_req *req,
			       const unsigned char hash[TOKEN_HASH_SIZE], struct principal *p)
{
	struct token_slot *slot;
	int rc;

	req->have_gen = store_generation(srv->store, &req->gen) == 0;
	for (int i = 0; req->have_gen && i < TOKEN_SLOTS; i++) {
		slot = &tl_tokens[i];
		if (slot->server == srv->serial && slot->gen == req->gen &&
		    sodium_memcmp(slot->hash, hash, TOKEN_HASH_SIZE) == 0) {
			if (slot->p.expires_ts && slot->p.expires_ts <= (int64_t)time(NULL))
				return -ENOENT;
			*p = slot->p;
			return 0;
		}
	}
	rc = store_token_lookup(srv->store, hash, p);
	if (rc == 0 && req->have_gen) {
		slot = &tl_tokens[tl_tokens_next++ % TOKEN_SLOTS];
		slot->server = srv->serial;
		slot->gen = req->gen;
		memcpy(slot->hash, hash, TOKEN_HASH_SIZE);
		slot->p = *p;
	}
	return rc;
}

/*
 * Behind our reverse proxy, the client is the last address of
 * X-Forwarded-For (the one the proxy appended; earlier ones are the
 * client's own claims).  Kept as is when the header is missing or that
 * address does not parse.
 */
static void forwarded_ip(struct MHD_Connection *conn, char *buf, size_t size)
{
	const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For");
	const char *last = h ? strrchr(h, ',') : NULL;
	unsigned char addr[sizeof(struct in6_addr)];
	char ip[64];
	size_t n;

	if (!h)
		return;
	last = last ? last + 1 : h;
	while (*last == ' ' || *last == '\t')
		last++;
	n = strcspn(last, " \t");
	if (n == 0 || n >= sizeof(ip))
		return;
	memcpy(ip, last, n);
	ip[n] = '\0';
	if (inet_pton(AF_INET, ip, addr) == 1 || inet_pton(AF_INET6, ip, addr) == 1)
		snprintf(buf, size, "%s", ip);
}

/*
 * Who is calling: a bearer token (machine clients), else the session
 * cookie (browsers).  Cookie-authenticated state changes must carry the
 * session's CSRF token in X-CSRF-Token.  Fills *p, or the response.
 */
static int authenticate(struct http_server *srv, struct MHD_Connection *conn,
			const char *method, struct http_req *req, struct principal *p,
			struct http_resp *resp)
{
	const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_AUTHORIZATION);
	const char *cookie = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, SESSION_COOKIE);
	unsigned char hash[TOKEN_HASH_SIZE];
	bool session = false;
	int rc;

	if (h && strncasecmp(h, "Bearer ", 7) == 0) {
		h += 7;
		while (*h == ' ')
			h++;
	} else if (cookie) {
		h = cookie;
		session = true;
	} else {
		http_error(resp, 401, "unauthorized", NULL, "a bearer token or a session is required");
		return -EACCES;
	}
	if (token_hash(h, strlen(h), hash) < 0) {
		http_error(resp, 401, "unauthorized", NULL, "invalid or expired credentials");
		return -EACCES;
	}
	if (session)
		rc = store_session_lookup(srv->store, hash, (int64_t)time(NULL),
					  srv->o.auth.session_idle, srv->o.auth.session_max, p);
	else
		rc = token_lookup_cached(srv, req, hash, p);
	if (rc == -ENOENT) {
		http_error(resp, 401, "unauthorized", NULL, "invalid or expired credentials");
		return -EACCES;
	}
	if (rc < 0) {
		http_store_error(resp, rc, NULL);
		return rc;
	}
	if (session) {
		const char *csrf = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-CSRF-Token");
		char want[48];

		req->session_token = cookie;
		if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
			http_csrf_token(cookie, want);
			if (!csrf || strlen(csrf) != strlen(want) ||
			    sodium_memcmp(csrf, want, strlen(want)) != 0) {
				http_error(resp, 403, "csrf", NULL,
					   "missing or wrong X-CSRF-Token for a session request");
				return -EACCES;
			}
		}
		p->totp_missing = srv->o.auth.require_totp && p->role != ROLE_UNIT &&
				  !totp_enabled(srv, p);
	}
	return 0;
}

/*
 * A body past max_body: an upload route (a screenshot) may take up to
 * max_upload.  Looked up only then, so other requests match routes once.
 */
static void upload_limit(struct http_server *srv, struct conn_ctx *ctx, const char *method,
			 const char *url)
{
	struct http_req tmp = { 0 };
	const struct http_route *route;
	char allow[64];
	bool known;

	if (ctx->routed)
		return;
	ctx->routed = true;
	route = http_route_match(api_routes, api_routes_count, method, url, &tmp, &known, allow,
				 sizeof(allow));
	ctx->upload = route && (route->flags & ROUTE_UPLOAD);
	if (ctx->upload)
		ctx->limit = srv->o.max_upload;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct conn_ctx *ctx = *con_cls;
	struct http_resp resp = { .status = 500 };
	struct http_req req = { 0 };
	struct principal who;
	const struct http_route *route;
	char allow[64];
	bool known;

	(void)version;
	if (!ctx) {
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (!(ctx = calloc(1, sizeof(*ctx))))
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &ctx->start);
		*con_cls = ctx;
		ctx->limit = srv->o.max_body;
		/* Refuse an announced oversized body before reading it. */
		if (cl && strtoull(cl, NULL, 10) > ctx->limit)
			upload_limit(srv, ctx, method, url);
		if (cl && strtoull(cl, NULL, 10) > ctx->limit) {
			http_error(&resp, 413, "payload_too_large", ctx->upload ? "screenshot" : NULL,
				   "request body over %zu bytes", ctx->limit);
			return send_resp(srv, conn, ctx, method, url, NULL, &resp);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		if (ctx->too_large)
			return MHD_YES;
		if (ctx->len + n > ctx->limit)
			upload_limit(srv, ctx, method, url);
		if (ctx->len + n > ctx->limit) {
			/* Chunked upload past the limit: stop keeping it. */
			ctx->too_large = true;
			free(ctx->body);
			ctx->body = NULL;
			return MHD_YES;
		}
		char *nb = realloc(ctx->body, ctx->len + n + 1);
		if (!nb)
			return MHD_NO;
		memcpy(nb + ctx->len, upload_data, n);
		ctx->body = nb;
		ctx->len += n;
		ctx->body[ctx->len] = '\0';
		return MHD_YES;
	}
	if (ctx->too_large) {
		http_error(&resp, 413, "payload_too_large", ctx->upload ? "screenshot" : NULL,
			   "request body over %zu bytes", ctx->limit);
		return send_resp(srv, conn, ctx, method, url, NULL, &resp);
	}

	if (static_owns(url)) {
		struct static_cond cond = {
			MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH),
			MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_IF_MODIFIED_SINCE),
		};
		static_serve(srv->o.web_dir, method, url, &cond, &resp);
		return send_resp(srv, conn, ctx, method, url, NULL, &resp);
	}
	route = http_route_match(api_routes, api_routes_count, method, url, &req, &known, allow,
				 sizeof(allow));
	if (!route) {
		if (known) {
			resp.allow = allow;
			http_error(&resp, 405, "method_not_allowed", NULL,
				   "method %s is not allowed here", method);
		} else {
			http_error(&resp, 404, "not_found", NULL, "no such resource");
		}
		return send_resp(srv, conn, ctx, method, url, NULL, &resp);
	}
	req.method = method;
	req.path = url;
	req.body = ctx->body ? ctx->body : "";
	req.body_len = ctx->len;
	req.query = query_fn;
	req.header = header_fn;
	req.conn = conn;
	req.store = srv->store;
	req.ctx = &srv->ctx;
	req.user_agent = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_USER_AGENT);
	client_ip(conn, req.ip, sizeof(req.ip));
	if (srv->o.trusted_proxy && !strcmp(req.ip, srv->o.trusted_proxy))
		forwarded_ip(conn, req.ip, sizeof(req.ip));
	if (!(route->flags & ROUTE_PUBLIC)) {
		if (authenticate(srv, conn, method, &req, &who, &resp) < 0)
			return send_resp(srv, conn, ctx, method, url, NULL, &resp);
		req.who = &who;
		/* first-login password change and TOTP enrolment come first */
		if (!(route->flags & ROUTE_PENDING_OK) && (who.must_change || who.totp_missing)) {
			if (who.must_change)
				http_error(&resp, 403, "password_change_required", NULL,
					   "change your password first");
			else
				http_error(&resp, 403, "totp_enrollment_required", NULL,
					   "set up two-step verification first");
			return send_resp(srv, conn, ctx, method, url, &who, &resp);
		}
	} else if ((route->flags & ROUTE_AUTH_OPTIONAL) && !strcmp(method, "GET") &&
		   (MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION) ||
		    MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, SESSION_COOKIE))) {
		/* a public read that shows more to a signed-in caller: bad
		 * credentials only mean "anonymous" */
		if (authenticate(srv, conn, method, &req, &who, &resp) == 0 && !who.must_change &&
		    !who.totp_missing)
			req.who = &who;
		json_decref(resp.json);
		resp.json = NULL;
		req.session_token = NULL;
	}
	route->fn(&req, &resp);
	if (resp.status == 403 && req.who)
		/* permission denials are audited (best effort: the answer stands) */
		store_audit_event(srv->store, req.who->username, "access.denied", url,
				  json_pack("{ss}", "method", method));
	if (!resp.json && !resp.text)
		http_error(&resp, 500, "internal", NULL, "internal error");
	return send_resp(srv, conn, ctx, method, url, req.who, &resp);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct conn_ctx *ctx = *con_cls;

	(void)cls, (void)conn, (void)toe;
	if (!ctx)
		return;
	if (ctx->status)
		metrics_observe(ctx->status, elapsed(&ctx->start));
	free(ctx->body);
	free(ctx);
	*con_cls = NULL;
}

/* Parse "host:port" or "[v6]:port" into a socket address. */
static int parse_listen(const char *s, struct sockaddr_storage *ret, char *errbuf, size_t errlen)
{
	char host[128];
	const char *colon = strrchr(s, ':'), *h = s;
	size_t hn;
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
				  .ai_socktype = SOCK_STREAM }, *ai;
	char *end;
	long port;

	if (!colon)
		goto bad;
	hn = (size_t)(colon - s);
	if (hn >= 2 && s[0] == '[' && s[hn - 1] == ']')
		h = s + 1, hn -= 2;
	if (hn == 0 || hn >= sizeof(host))
		goto bad;
	memcpy(host, h, hn);
	host[hn] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || port < 0 || port > 65535)
		goto bad;
	if (getaddrinfo(host, colon + 1, &hints, &ai) != 0)
		goto bad;
	memcpy(ret, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	return 0;
bad:
	snprintf(errbuf, errlen, "invalid listen address '%s' (expected HOST:PORT)", s);
	return -EINVAL;
}

static void throttles_free(struct http_server *srv)
{
	throttle_free(srv->ctx.throttle_ip);
	throttle_free(srv->ctx.throttle_user);
	ratelimit_free(srv->ctx.verify_ip);
	ratelimit_free(srv->ctx.verify_code);
	ratelimit_free(srv->ctx.submit_ip);
}

int http_server_start(struct store *st, const struct http_options *o, struct http_server **ret,
		      char *errbuf, size_t errlen)
{
	struct http_server *srv;
	struct sockaddr_storage sa;
	const union MHD_DaemonInfo *info;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
	int rc;

	if ((rc = parse_listen(o->listen, &sa, errbuf, errlen)) < 0)
		return rc;
	if (!(srv = calloc(1, sizeof(*srv))))
		return -ENOMEM;
	srv->store = st;
	srv->serial = atomic_fetch_add(&server_serials, 1) + 1;
	srv->o = *o;
	srv->ctx.store = st;
	srv->ctx.auth = &srv->o.auth;
	srv->ctx.blob_dir = o->blob_dir;
	if (!srv->o.max_upload)
		srv->o.max_upload = 8u << 20;
	srv->ctx.ack_per_hour = o->ack_per_hour ? o->ack_per_hour : 5;
	/* answers live at most 30 s: what they derive from the clock (SLA
	 * state) is that fresh; changes to the data invalidate at once */
	srv->ctx.cache = respcache_new(o->cache_bytes, 30 * 1000);
	if (o->pwned) {
		srv->ctx.pwned = o->pwned;
		srv->ctx.breached = pwned_set_breached;
	}
	{
		/* per address: 20 free failures; per account: 5; then locks that
		 * double from 30 s up to an hour */
		struct throttle_rules ip = { 20, 30, 3600, 3600 }, user = { 5, 30, 3600, 3600 };
		char junk[32];
		srv->ctx.throttle_ip = throttle_new(65536, &ip);
		srv->ctx.throttle_user = throttle_new(65536, &user);
		/* public checks and submissions: fixed windows */
		srv->ctx.verify_ip = ratelimit_new(16384, o->verify_ip_limit ? o->verify_ip_limit : 30, 600);
		srv->ctx.verify_code = ratelimit_new(16384, o->verify_code_limit ? o->verify_code_limit : 10,
						     3600);
		srv->ctx.submit_ip = ratelimit_new(16384, o->submit_ip_limit ? o->submit_ip_limit : 10, 3600);
		randombytes_buf(junk, sizeof(junk) - 1);
		junk[sizeof(junk) - 1] = '\0';
		for (size_t i = 0; i < sizeof(junk) - 1; i++)
			junk[i] = (char)('a' + (unsigned char)junk[i] % 26);
		if (!srv->ctx.throttle_ip || !srv->ctx.throttle_user || !srv->ctx.verify_ip ||
		    !srv->ctx.verify_code || !srv->ctx.submit_ip ||
		    password_hash(&o->auth.pwhash, junk, srv->ctx.dummy_hash) < 0) {
			throttles_free(srv);
			respcache_free(srv->ctx.cache);
			free(srv);
			snprintf(errbuf, errlen, "out of memory");
			return -ENOMEM;
		}
	}
	if (sa.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	srv->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
				  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				  MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads ? o->threads : 1),
				  MHD_OPTION_CONNECTION_LIMIT, o->max_conns,
				  MHD_OPTION_CONNECTION_TIMEOUT, o->timeout,
				  MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
				  MHD_OPTION_END);
	if (!srv->d) {
		snprintf(errbuf, errlen, "cannot listen on '%s': %s", o->listen,
			 errno ? strerror(errno) : "libmicrohttpd refused the options");
		throttles_free(srv);
		respcache_free(srv->ctx.cache);
		free(srv);
		return -EADDRINUSE;
	}
	info = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : 0;
	if (o->public_url && *o->public_url) {
		snprintf(srv->public_url, sizeof(srv->public_url), "%s", o->public_url);
	} else {
		const char *colon = strrchr(o->listen, ':');
		snprintf(srv->public_url, sizeof(srv->public_url), "http://%.*s:%u",
			 (int)(colon - o->listen), o->listen, srv->port);
	}
	for (size_t n = strlen(srv->public_url); n > 0 && srv->public_url[n - 1] == '/'; n--)
		srv->public_url[n - 1] = '\0';
	srv->ctx.public_url = srv->public_url;
	*ret = srv;
	return 0;
}

unsigned http_server_port(const struct http_server *srv)
{
	return srv->port;
}

const char *http_server_public_url(const struct http_server *srv)
{
	return srv->public_url;
}

void http_server_stop(struct http_server *srv)
{
	if (!srv)
		return;
	MHD_stop_daemon(srv->d);
	throttles_free(srv);
	respcache_free(srv->ctx.cache);
	free(srv);
}
