/*
 * intake.h — what happens to one inbound message, whichever way it came
 * (LMTP, mailgate): parse it (mime.c), keep the raw bytes and attachments
 * (blob store), decide (code in the subject, references, [SHKB#DVC] tag,
 * loop and auto-reply signals, secret masking) and store it in one
 * transaction (store_mail_intake).
 *
 * The answer is an SMTP-style reply, so that LMTP can send it as it is and
 * mailgate can map it to an exit code: 250 stored (or stored before), 451/
 * 452 temporary (the MTA retries: store unavailable, disk full), 552/554
 * permanent (too big, not a message at all).
 */
#pragma once

#include <stddef.h>

#include "mail/mime.h"
#include "store/store.h"

struct intake_config {
	const char *blob_dir;      /* where raw mail and attachments go */
	const char *own_addrs;     /* our addresses, comma-separated: mail from them is a loop */
	const char *loop_id;       /* our X-Loop value */
	int ack_per_hour;          /* acknowledgements per sender per hour */
	struct mime_limits lim;
};

/*
 * Take one raw message.  Writes the reply line (no CRLF) into reply and
 * returns its code (250, 451, 452, 552, 554).  ret (may be NULL) tells what
 * was done when the code is 250.
 */
int intake_deliver(struct store *st, const struct intake_config *cfg, const char *raw, size_t len,
		   struct mail_result *ret, char *reply, size_t reply_size);
