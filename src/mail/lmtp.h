/*
 * lmtp.h — an LMTP server (RFC 2033) for mail handed over by the MTA.
 *
 * The protocol engine (struct lmtp_session) is pure: it takes bytes and
 * writes replies into a buffer, so it is unit-tested and fuzzed without
 * sockets.  The server around it accepts connections, one thread each,
 * bounded in number, with an idle timeout.
 *
 * A message is handed to the deliver callback once, after the final dot;
 * the callback answers with one reply that the session repeats for every
 * accepted recipient (we store one copy, whatever the recipients).  The
 * callback must not answer 250 before the message is committed durably.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct lmtp_limits {
	size_t max_line;      /* command line bytes, CRLF included (RFC 5321: 512 for commands) */
	size_t max_size;      /* message bytes; larger ones get 552 */
	unsigned max_rcpt;    /* recipients per transaction */
};

#define LMTP_LIMITS_DEFAULT { 4096, 25u << 20, 100 }

/*
 * Deliver one message.  Write the reply ("250 2.0.0 ...", "451 4.3.0 ...",
 * "554 5.6.0 ...", without CRLF) into reply; return its code.
 */
typedef int (*lmtp_deliver_fn)(void *ctx, const char *sender, const char *const *rcpts,
			       size_t nrcpt, const char *data, size_t len, char *reply,
			       size_t reply_size);

struct lmtp_session;

/* A session for one connection; hostname is used in the greetings. */
struct lmtp_session *lmtp_session_new(const struct lmtp_limits *lim, const char *hostname,
				      lmtp_deliver_fn deliver, void *ctx);
void lmtp_session_free(struct lmtp_session *s);

/* The greeting to send first ("220 ... LMTP ready\r\n"); borrowed. */
const char *lmtp_session_greeting(struct lmtp_session *s);

/*
 * Feed received bytes.  Replies to send are appended to *out (malloc'd,
 * grown as needed; *out_len bytes; caller frees).  Returns 1 while the
 * connection stays open, 0 after QUIT or a fatal protocol error (send what
 * is in *out, then close), -ENOMEM.
 */
int lmtp_session_feed(struct lmtp_session *s, const char *buf, size_t len, char **out,
		      size_t *out_len);

/* ----------------------------------------------------------------------- */

struct lmtp_options {
	const char *listen;   /* "127.0.0.1:2424" */
	struct lmtp_limits lim;
	unsigned max_conns;
	unsigned timeout;     /* seconds of silence before a connection is dropped */
	const char *hostname;
};

struct lmtp_server;

int lmtp_server_start(const struct lmtp_options *o, lmtp_deliver_fn deliver, void *ctx,
		      struct lmtp_server **ret, char *errbuf, size_t errlen);
unsigned lmtp_server_port(const struct lmtp_server *srv);
/* Stop accepting, let open connections finish (up to their timeout), free. */
void lmtp_server_stop(struct lmtp_server *srv);
