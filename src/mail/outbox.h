/*
 * outbox.h — outbound mail: composing acknowledgements and replies from
 * outbox rows (GMime), and sending them (libcurl SMTP to a relay, or a
 * Maildir for development), with retries and backoff, by a worker thread.
 *
 * The outbox row was written in the transaction of the event that caused
 * it; the worker marks it sent only after the relay accepted it.  A crash
 * between the two sends it again with the same Message-ID, which receivers
 * and our own intake recognise: at least once on the wire, exactly once in
 * every mailbox that honours Message-IDs.
 */
#pragma once

#include <jansson.h>
#include <stddef.h>

#include "store/store.h"

struct outbox_config {
	const char *from_addr;   /* the official mailbox, e.g. hotrocntt@example.gov.vn */
	const char *from_name;   /* "Đầu mối hỗ trợ" */
	const char *domain;      /* for Message-IDs; default: the from address's domain */
	const char *verify_url;  /* the public verification page, linked in acknowledgements */
	const char *loop_id;     /* our X-Loop value */
	const char *smtp_url;    /* "smtp://relay:25", "smtps://…"; or NULL */
	const char *smtp_user, *smtp_pass; /* AUTH, or NULL */
	const char *maildir;     /* deliver into this Maildir instead of SMTP (development) */
	unsigned max_attempts;   /* then the row is marked failed */
};

/*
 * Compose the RFC 5322 message for one outbox row (as returned by
 * store_outbox_due).  Returns a malloc'd string, caller frees; NULL on
 * error.  ret_message_id receives the full Message-ID (without <>).
 */
char *outbox_compose(const struct outbox_config *cfg, const json_t *row, char *ret_message_id,
		     size_t id_size);

/* Send one composed message to `to`. 0, or -errno with a reason in errbuf. */
int outbox_send(const struct outbox_config *cfg, const char *to, const char *msg, char *errbuf,
		size_t errlen);

/* Send everything due now; returns how many were sent. */
int outbox_run_once(struct store *st, const struct outbox_config *cfg);

struct outbox_worker;

/* A thread that runs outbox_run_once every second until stopped. */
int outbox_worker_start(struct store *st, const struct outbox_config *cfg,
			struct outbox_worker **ret);
void outbox_worker_stop(struct outbox_worker *w);
