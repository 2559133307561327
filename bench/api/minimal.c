/*
 * minimal.c — the peer of the API benchmark: a libmicrohttpd server that
 * answers every request with the same small JSON body.
 *
 * It starts the daemon exactly as src/http/server.c does (epoll thread
 * pool of the same size, same connection limit and timeout) and sends the
 * first three of its response headers (Content-Type, Cache-Control,
 * X-Content-Type-Options; ungcuu adds three more security headers), so its
 * throughput is the ceiling the HTTP layer puts on `ungcuu serve`: what
 * remains between the two is routing, authentication, the store, the
 * response body and those headers.
 *
 * usage: bench_minimal PORT [THREADS [BODY_BYTES]]
 *   Listens on 127.0.0.1 only.  PORT 0 picks a free port; the URL is
 *   printed on stdout.
 *   BODY_BYTES: answer a text/plain body of that size instead, made of
 *   HIBP-like "SUFFIX:COUNT" lines (the peer of bench/pwned's /range).
 *   Runs until SIGINT or SIGTERM.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char BODY[] = "{\"status\":\"ok\"}";
static const char *body = BODY, *ctype = "application/json; charset=utf-8";
static size_t body_len = sizeof(BODY) - 1;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	static int marker;
	struct MHD_Response *r;
	enum MHD_Result ret;

	(void)cls, (void)url, (void)method, (void)version, (void)upload_data;
	/* The first call sees only the headers, as in server.c: answer on
	 * the second, after any body has been read (and dropped). */
	if (!*con_cls) {
		*con_cls = &marker;
		return MHD_YES;
	}
	if (*upload_data_size) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	r = MHD_create_response_from_buffer(body_len, (void *)body, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static int parse_num(const char *s, unsigned long max, unsigned long *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s == '-' || *end || end == s || errno || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long port, threads = 16, size;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *d;
	sigset_t sigs;
	int sig;

	if (argc < 2 || argc > 4 || parse_num(argv[1], 65535, &port) < 0 ||
	    (argc >= 3 && (parse_num(argv[2], 256, &threads) < 0 || threads == 0)) ||
	    (argc == 4 && (parse_num(argv[3], 16ul << 20, &size) < 0 || size == 0))) {
		fprintf(stderr, "usage: bench_minimal PORT [THREADS [BODY_BYTES]]\n");
		return 64;
	}
	if (argc == 4) {
		static const char line[] = "0123456789ABCDEF0123456789ABCDEF012:1\r\n";
		char *b = malloc(size);
		if (!b)
			return 69;
		for (size_t i = 0; i < size; i++)
			b[i] = line[i % (sizeof(line) - 1)];
		body = b, body_len = size, ctype = "text/plain; charset=utf-8";
	}
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL,
			     on_request, NULL,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
			     MHD_OPTION_CONNECTION_LIMIT, 1024u,
			     MHD_OPTION_CONNECTION_TIMEOUT, 30u,
			     MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "bench_minimal: cannot listen on port %lu\n", port);
		return 69;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	printf("bench_minimal: listening on http://127.0.0.1:%u\n", info ? info->port : 0);
	fflush(stdout);
	sigwait(&sigs, &sig);
	MHD_stop_daemon(d);
	return 0;
}
