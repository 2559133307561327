/*
 * lmtp.c — the LMTP protocol engine and its server (see lmtp.h).
 */
#include "mail/lmtp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* The protocol engine                                                      */
/* ------------------------------------------------------------------------ */

enum state { S_START, S_READY, S_MAIL, S_RCPT, S_DATA };

struct lmtp_session {
	struct lmtp_limits lim;
	char hostname[256];
	char greeting[300];
	lmtp_deliver_fn deliver;
	void *ctx;
	enum state st;
	char *line;           /* partial command line */
	size_t line_len;
	bool line_overflow;   /* discarding a too-long command line */
	char sender[330];
	char **rcpt;
	size_t nrcpt;
	char *data;           /* the message, dot-unstuffed */
	size_t data_len, data_cap;
	bool too_big;
	bool at_line_start;   /* DATA: the next byte starts a line */
	int head_len;         /* DATA: 1 after a line's leading ".", 2 after ".\r" */
	char *out;
	size_t out_len, out_cap;
	bool failed;
};

struct lmtp_session *lmtp_session_new(const struct lmtp_limits *lim, const char *hostname,
				      lmtp_deliver_fn deliver, void *ctx)
{
	struct lmtp_session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->lim = *lim;
	snprintf(s->hostname, sizeof(s->hostname), "%s", hostname ? hostname : "localhost");
	snprintf(s->greeting, sizeof(s->greeting), "220 %s LMTP ungcuu ready\r\n", s->hostname);
	s->deliver = deliver;
	s->ctx = ctx;
	if (!(s->line = malloc(lim->max_line + 1))) {
		free(s);
		return NULL;
	}
	return s;
}

static void reset_txn(struct lmtp_session *s)
{
	for (size_t i = 0; i < s->nrcpt; i++)
		free(s->rcpt[i]);
	free(s->rcpt);
	s->rcpt = NULL;
	s->nrcpt = 0;
	s->sender[0] = '\0';
	free(s->data);
	s->data = NULL;
	s->data_len = s->data_cap = 0;
	s->too_big = false;
}

void lmtp_session_free(struct lmtp_session *s)
{
	if (!s)
		return;
	reset_txn(s);
	free(s->line);
	free(s);
}

const char *lmtp_session_greeting(struct lmtp_session *s)
{
	return s->greeting;
}

static void reply(struct lmtp_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void reply(struct lmtp_session *s, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 3)
		n = (int)sizeof(buf) - 3;
	memcpy(buf + n, "\r\n", 3);
	n += 2;
	if (s->out_len + (size_t)n > s->out_cap) {
		size_t cap = (s->out_cap ? s->out_cap * 2 : 1024) + (size_t)n;
		char *o = realloc(s->out, cap);
		if (!o) {
			s->failed = true;
			return;
		}
		s->out = o;
		s->out_cap = cap;
	}
	memcpy(s->out + s->out_len, buf, (size_t)n);
	s->out_len += (size_t)n;
}

/* The address inside <...> after `prefix` (case-insensitive); NULL if malformed. */
static const char *path_arg(char *args, char *buf, size_t size)
{
	char *lt, *gt;
	size_t n;

	while (*args == ' ')
		args++;
	lt = args;
	if (*lt != '<' || !(gt = strchr(lt, '>')))
		return NULL;
	n = (size_t)(gt - lt - 1);
	if (n >= size)
		return NULL;
	memcpy(buf, lt + 1, n);
	buf[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)buf[i] <= ' ' || buf[i] == 0x7f)
			return NULL;
	return gt + 1;
}

static bool has_prefix(const char *s, const char *p)
{
	return strncasecmp(s, p, strlen(p)) == 0;
}

static void command(struct lmtp_session *s, char *line)
{
	char addr[330];
	const char *rest;

	if (has_prefix(line, "LHLO")) {
		if (line[4] != ' ' || !line[5]) {
			reply(s, "501 5.5.4 LHLO needs a host name");
			return;
		}
		reset_txn(s);
		s->st = S_READY;
		reply(s, "250-%s", s->hostname);
		reply(s, "250-PIPELINING");
		reply(s, "250-ENHANCEDSTATUSCODES");
		reply(s, "250-8BITMIME");
		reply(s, "250 SIZE %zu", s->lim.max_size);
	} else if (has_prefix(line, "HELO") || has_prefix(line, "EHLO")) {
		reply(s, "500 5.5.1 this is LMTP: say LHLO");
	} else if (has_prefix(line, "MAIL FROM:")) {
		const char *size;
		if (s->st != S_READY) {
			reply(s, s->st == S_START ? "503 5.5.1 say LHLO first" : "503 5.5.1 nested MAIL");
			return;
		}
		if (!(rest = path_arg(line + 10, addr, sizeof(addr)))) {
			reply(s, "501 5.1.7 malformed sender address");
			return;
		}
		if ((size = strcasestr(rest, "SIZE=")) && strtoull(size + 5, NULL, 10) > s->lim.max_size) {
			reply(s, "552 5.3.4 message too big: the limit is %zu bytes", s->lim.max_size);
			return;
		}
		snprintf(s->sender, sizeof(s->sender), "%s", addr);
		s->st = S_MAIL;
		reply(s, "250 2.1.0 sender ok");
	} else if (has_prefix(line, "RCPT TO:")) {
		char **r;
		if (s->st != S_MAIL && s->st != S_RCPT) {
			reply(s, "503 5.5.1 say MAIL first");
			return;
		}
		if (!path_arg(line + 8, addr, sizeof(addr)) || !addr[0]) {
			reply(s, "501 5.1.3 malformed recipient address");
			return;
		}
		if (s->nrcpt >= s->lim.max_rcpt) {
			reply(s, "452 4.5.3 too many recipients");
			return;
		}
		if (!(r = realloc(s->rcpt, (s->nrcpt + 1) * sizeof(*r))) || !(r[s->nrcpt] = strdup(addr))) {
			if (r)
				s->rcpt = r;
			reply(s, "451 4.3.0 out of memory");
			return;
		}
		s->rcpt = r;
		s->nrcpt++;
		s->st = S_RCPT;
		reply(s, "250 2.1.5 recipient ok");
	} else if (!strcasecmp(line, "DATA")) {
		if (s->st != S_RCPT) {
			reply(s, s->st == S_MAIL ? "503 5.5.1 no valid recipients" : "503 5.5.1 say MAIL first");
			return;
		}
		s->st = S_DATA;
		s->at_line_start = true;
		s->head_len = 0;
		reply(s, "354 2.0.0 send the message, end with a dot on a line of its own");
	} else if (!strcasecmp(line, "RSET")) {
		reset_txn(s);
		if (s->st != S_START)
			s->st = S_READY;
		reply(s, "250 2.0.0 reset");
	} else if (has_prefix(line, "NOOP")) {
		reply(s, "250 2.0.0 ok");
	} else if (has_prefix(line, "VRFY")) {
		reply(s, "252 2.5.0 cannot verify, but will accept");
	} else if (!strcasecmp(line, "QUIT")) {
		reply(s, "221 2.0.0 %s closing", s->hostname);
		s->failed = true; /* not a failure: the end */
	} else {
		reply(s, "500 5.5.2 unknown command");
	}
}

static bool data_append(struct lmtp_session *s, const char *p, size_t n)
{
	if (s->too_big)
		return true;
	if (s->data_len + n > s->lim.max_size) {
		s->too_big = true;
		free(s->data);
		s->data = NULL;
		s->data_len = s->data_cap = 0;
		return true;
	}
	if (s->data_len + n + 1 > s->data_cap) {
		size_t cap = s->data_cap ? s->data_cap : 65536;
		char *d;
		while (cap < s->data_len + n + 1)
			cap *= 2;
		if (!(d = realloc(s->data, cap)))
			return false;
		s->data = d;
		s->data_cap = cap;
	}
	memcpy(s->data + s->data_len, p, n);
	s->data_len += n;
	s->data[s->data_len] = '\0';
	return true;
}

static void end_of_data(struct lmtp_session *s)
{
	char r[512];
	int code;

	if (s->too_big) {
		snprintf(r, sizeof(r), "552 5.3.4 message too big: the limit is %zu bytes", s->lim.max_size);
	} else {
		code = s->deliver(s->ctx, s->sender, (const char *const *)s->rcpt, s->nrcpt,
				  s->data ? s->data : "", s->data_len, r, sizeof(r));
		if (code < 200 || code > 599)
			snprintf(r, sizeof(r), "451 4.3.0 internal error");
	}
	/* RFC 2033: one reply per accepted recipient */
	for (size_t i = 0; i < s->nrcpt; i++)
		reply(s, "%s", r);
	reset_txn(s);
	s->st = S_READY;
}

/*
 * DATA: copy the bytes into the message, removing the leading dot of every
 * line (RFC 5321 4.5.2: a line "." ends the data, ".." stands for "."),
 * until a line holding only a dot.  Streaming, byte state only at line
 * starts, so lines may be of any length and split anywhere; the size limit
 * bounds the total.  Bare LF line ends are accepted as well as CRLF.
 */
static size_t feed_data(struct lmtp_session *s, const char *buf, size_t len)
{
	size_t i = 0;

	while (i < len) {
		char ch = buf[i];

		if (s->at_line_start) {
			s->at_line_start = false;
			if (ch == '.') {
				s->head_len = 1; /* a dot waits: stuffing or the end */
				i++;
				continue;
			}
		}
		if (s->head_len) {
			if (ch == '\n') {
				s->head_len = 0;
				end_of_data(s);
				return i + 1;
			}
			if (ch == '\r' && s->head_len == 1) {
				s->head_len = 2;
				i++;
				continue;
			}
			if (s->head_len == 2 && !data_append(s, "\r", 1))
				goto oom;
			s->head_len = 0; /* the dot was stuffing: dropped */
		}
		{
			const char *nl = memchr(buf + i, '\n', len - i);
			size_t n = nl ? (size_t)(nl - (buf + i)) + 1 : len - i;
			if (!data_append(s, buf + i, n))
				goto oom;
			i += n;
			s->at_line_start = nl != NULL;
		}
	}
	return i;
oom:
	s->failed = true;
	return len;
}

int lmtp_session_feed(struct lmtp_session *s, const char *buf, size_t len, char **out,
		      size_t *out_len)
{
	size_t i = 0;

	while (i < len && !s->failed) {
		if (s->st == S_DATA) {
			i += feed_data(s, buf + i, len - i);
			continue;
		}
		{
			const char *nl = memchr(buf + i, '\n', len - i);
			size_t n = nl ? (size_t)(nl - (buf + i)) : len - i;
			if (s->line_overflow || s->line_len + n > s->lim.max_line) {
				s->line_overflow = true;
				s->line_len = 0;
			} else {
				memcpy(s->line + s->line_len, buf + i, n);
				s->line_len += n;
			}
			i += n;
			if (!nl)
				break;
			i++; /* the newline */
			if (s->line_overflow) {
				reply(s, "500 5.5.2 line too long");
				s->line_overflow = false;
				continue;
			}
			if (s->line_len && s->line[s->line_len - 1] == '\r')
				s->line_len--;
			s->line[s->line_len] = '\0';
			n = s->line_len;
			s->line_len = 0;
			if (memchr(s->line, '\0', n) || memchr(s->line, '\r', n)) {
				reply(s, "500 5.5.2 invalid characters in command");
				continue;
			}
			command(s, s->line);
		}
	}
	*out = s->out;
	*out_len = s->out_len;
	s->out = NULL;
	s->out_len = s->out_cap = 0;
	return s->failed ? 0 : 1;
}

/* ------------------------------------------------------------------------ */
/* The server                                                               */
/* ------------------------------------------------------------------------ */

struct lmtp_server {
	int fd;
	unsigned port;
	struct lmtp_options o;
	char hostname[256];
	lmtp_deliver_fn deliver;
	void *ctx;
	pthread_t acceptor;
	atomic_bool stop;
	atomic_uint conns;
};

struct conn {
	struct lmtp_server *srv;
	int fd;
};

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void *conn_main(void *arg)
{
	struct conn *c = arg;
	struct lmtp_server *srv = c->srv;
	struct lmtp_session *s = lmtp_session_new(&srv->o.lim, srv->hostname, srv->deliver, srv->ctx);
	char buf[65536];

	if (s && send_all(c->fd, lmtp_session_greeting(s), strlen(lmtp_session_greeting(s))) == 0) {
		for (;;) {
			struct pollfd p = { .fd = c->fd, .events = POLLIN };
			char *out = NULL;
			size_t out_len = 0;
			ssize_t n;
			int more;

			if (poll(&p, 1, (int)srv->o.timeout * 1000) <= 0) {
				send_all(c->fd, "421 4.4.2 idle too long, closing\r\n", 34);
				break;
			}
			n = recv(c->fd, buf, sizeof(buf), 0);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			more = lmtp_session_feed(s, buf, (size_t)n, &out, &out_len);
			if (out_len && send_all(c->fd, out, out_len) < 0)
				more = 0;
			free(out);
			if (more <= 0)
				break;
		}
	}
	lmtp_session_free(s);
	close(c->fd);
	atomic_fetch_sub(&srv->conns, 1);
	free(c);
	return NULL;
}

static void *accept_main(void *arg)
{
	struct lmtp_server *srv = arg;

	while (!atomic_load(&srv->stop)) {
		struct pollfd p = { .fd = srv->fd, .events = POLLIN };
		struct conn *c;
		pthread_t t;
		int fd;

		if (poll(&p, 1, 200) <= 0)
			continue;
		fd = accept4(srv->fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		if (atomic_load(&srv->conns) >= srv->o.max_conns) {
			send_all(fd, "421 4.3.2 too many connections, try later\r\n", 43);
			close(fd);
			continue;
		}
		if (!(c = malloc(sizeof(*c)))) {
			close(fd);
			continue;
		}
		c->srv = srv;
		c->fd = fd;
		atomic_fetch_add(&srv->conns, 1);
		if (pthread_create(&t, NULL, conn_main, c) != 0) {
			atomic_fetch_sub(&srv->conns, 1);
			close(fd);
			free(c);
			continue;
		}
		pthread_detach(t);
	}
	return NULL;
}

int lmtp_server_start(const struct lmtp_options *o, lmtp_deliver_fn deliver, void *ctx,
		      struct lmtp_server **ret, char *errbuf, size_t errlen)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
				  .ai_socktype = SOCK_STREAM }, *ai = NULL;
	struct sockaddr_storage sa;
	socklen_t slen = sizeof(sa);
	struct lmtp_server *srv;
	char host[128];
	const char *colon = strrchr(o->listen, ':'), *h = o->listen;
	size_t hn;
	int one = 1;

	if (!colon || (hn = (size_t)(colon - o->listen)) == 0 || hn >= sizeof(host)) {
		snprintf(errbuf, errlen, "invalid LMTP address '%s' (expected HOST:PORT)", o->listen);
		return -EINVAL;
	}
	if (h[0] == '[' && hn >= 2 && h[hn - 1] == ']')
		h++, hn -= 2;
	memcpy(host, h, hn);
	host[hn] = '\0';
	if (getaddrinfo(host, colon + 1, &hints, &ai) != 0) {
		snprintf(errbuf, errlen, "invalid LMTP address '%s' (expected HOST:PORT)", o->listen);
		return -EINVAL;
	}
	if (!(srv = calloc(1, sizeof(*srv)))) {
		freeaddrinfo(ai);
		return -ENOMEM;
	}
	srv->o = *o;
	snprintf(srv->hostname, sizeof(srv->hostname), "%s", o->hostname ? o->hostname : "localhost");
	srv->deliver = deliver;
	srv->ctx = ctx;
	srv->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv->fd < 0 || setsockopt(srv->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(srv->fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(srv->fd, 128) < 0) {
		snprintf(errbuf, errlen, "cannot listen for LMTP on '%s': %s", o->listen, strerror(errno));
		if (srv->fd >= 0)
			close(srv->fd);
		free(srv);
		freeaddrinfo(ai);
		return -EADDRINUSE;
	}
	freeaddrinfo(ai);
	if (getsockname(srv->fd, (struct sockaddr *)&sa, &slen) == 0)
		srv->port = ntohs(sa.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&sa)->sin6_port
							   : ((struct sockaddr_in *)&sa)->sin_port);
	if (pthread_create(&srv->acceptor, NULL, accept_main, srv) != 0) {
		close(srv->fd);
		free(srv);
		return -EAGAIN;
	}
	*ret = srv;
	return 0;
}

unsigned lmtp_server_port(const struct lmtp_server *srv)
{
	return srv->port;
}

void lmtp_server_stop(struct lmtp_server *srv)
{
	if (!srv)
		return;
	atomic_store(&srv->stop, true);
	pthread_join(srv->acceptor, NULL);
	close(srv->fd);
	/* connections finish their message or time out; the store must outlive them */
	for (unsigned i = 0; atomic_load(&srv->conns) && i < (srv->o.timeout + 5) * 10; i++)
		usleep(100000);
	free(srv);
}
