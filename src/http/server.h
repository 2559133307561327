/*
 * server.h — the HTTP listener of `ungcuu serve` (libmicrohttpd).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"
#include "store/store.h"

struct pwned_set;

struct http_options {
	const char *listen;    /* "127.0.0.1:8080", "[::1]:8080"; port 0 picks a free one */
	unsigned threads;      /* worker threads (each blocks while its write commits) */
	size_t max_body;       /* bytes; larger request bodies get 413 */
	unsigned max_conns;    /* concurrent connections */
	unsigned timeout;      /* seconds of inactivity before a connection is closed */
	bool access_log;       /* one line per request on stderr (never headers or bodies) */
	struct auth_config auth;
	struct pwned_set *pwned; /* breached-password indexes, or NULL (borrowed) */
	const char *blob_dir;    /* mail attachments (borrowed) */
	/* public side; 0 / NULL take the defaults below */
	const char *public_url;  /* base URL of the public pages; default http://LISTEN */
	size_t max_upload;       /* bytes of a ROUTE_UPLOAD body (8 MiB) */
	unsigned verify_ip_limit;   /* checks per address before backing off (30 / 10 min) */
	unsigned verify_code_limit; /* checks per request code (10 / hour) */
	unsigned submit_ip_limit;   /* public requests per address (10 / hour) */
	int ack_per_hour;           /* acknowledgements per address per hour (5) */
	/* the reverse proxy's address: its requests' client is the last
	 * X-Forwarded-For address (rate limits, audit); NULL: none trusted */
	const char *trusted_proxy;
	const char *web_dir;     /* the built web UI (web/dist), or NULL: none (borrowed) */
	size_t cache_bytes;      /* rendered answers kept (src/http/respcache.h); 0: none */
};

#define HTTP_DEFAULTS                                                                  \
	{ .listen = "127.0.0.1:8080", .threads = 16, .max_body = 1024 * 1024, .max_conns = 1024, \
	  .timeout = 30, .auth = AUTH_DEFAULTS, .cache_bytes = 64u << 20 }

struct http_server;

/*
 * Start listening; handlers use `st` (borrowed: it must outlive the server).
 * On failure returns a negative errno and writes a reason into errbuf.
 */
int http_server_start(struct store *st, const struct http_options *o, struct http_server **ret,
		      char *errbuf, size_t errlen);
/* The port actually bound (useful with port 0). */
unsigned http_server_port(const struct http_server *srv);
/* The base URL of the public pages (the option, else http://HOST:PORT); borrowed. */
const char *http_server_public_url(const struct http_server *srv);
/* Stop accepting, finish running handlers, free. NULL is fine. */
void http_server_stop(struct http_server *srv);
