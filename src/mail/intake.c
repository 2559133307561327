/*
 * intake.c — decisions for one inbound message (see intake.h).
 */
#include "mail/intake.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/tag.h"
#include "mail/redact.h"
#include "store/blob.h"

/* Whether `addr` is one of the comma-separated `list` (case-insensitive). */
static bool in_list(const char *list, const char *addr)
{
	size_t n = strlen(addr);

	if (!list || !n)
		return false;
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		while (len && *p == ' ')
			p++, len--;
		if (len == n && strncasecmp(p, addr, n) == 0)
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

static int temp_failure(int rc, char *reply, size_t size, const char *what)
{
	if (rc == -ENOSPC) {
		snprintf(reply, size, "452 4.3.1 %s: disk full, try again later", what);
		return 452;
	}
	snprintf(reply, size, "451 4.3.0 %s: storage unavailable, try again later", what);
	return 451;
}

int intake_deliver(struct store *st, const struct intake_config *cfg, const char *raw, size_t len,
		   struct mail_result *ret, char *reply, size_t size)
{
	struct inbound_msg *msg = NULL;
	struct mail_attachment *att = NULL;
	struct mail_result res;
	struct mail_in in = { 0 };
	struct store_err err = { 0 };
	struct tag_subject tag;
	struct tag_code tc;
	char errbuf[256], raw_id[BLOB_ID_SIZE], synth[128], code[TAG_CODE_SIZE];
	const char **refs = NULL;
	char *body = NULL;
	int rc, result;

	rc = mime_parse(raw, len, &cfg->lim, &msg, errbuf, sizeof(errbuf));
	if (rc == -EMSGSIZE) {
		snprintf(reply, size, "552 5.3.4 %s", errbuf);
		return 552;
	}
	if (rc == -EBADMSG) {
		snprintf(reply, size, "554 5.6.0 not an email message: %s", errbuf);
		return 554;
	}
	if (rc < 0) {
		snprintf(reply, size, "451 4.3.0 cannot parse now, try again later");
		return 451;
	}
	/* the raw bytes first: the row that names them is committed after */
	/* the raw bytes go with the row (raw_messages); attachments become
	 * blobs, written unsynced: the store syncs their file system once for
	 * the whole group commit that records this message (in.sync_dir) */
	memcpy(raw_id, msg->raw_sha256, sizeof(raw_id));
	if (msg->n_attachments && !(att = calloc(msg->n_attachments, sizeof(*att)))) {
		result = temp_failure(-ENOMEM, reply, size, "attachments");
		goto out;
	}
	for (size_t i = 0; i < msg->n_attachments; i++) {
		const struct mime_attachment *a = &msg->attachments[i];
		char id[BLOB_ID_SIZE];
		att[in.natt].filename = a->filename;
		att[in.natt].content_type = a->content_type;
		att[in.natt].size = a->size;
		att[in.natt].dangerous = a->dangerous;
		if (!a->data && a->size) {
			continue; /* over the attachment budget: listed in the raw message only */
		}
		if ((rc = blob_put(cfg->blob_dir, a->data ? (const void *)a->data : "", a->size,
				   BLOB_NOSYNC, id)) < 0) {
			result = temp_failure(rc, reply, size, "attachment");
			goto out;
		}
		att[in.natt].blob = strdup(id);
		if (!att[in.natt].blob) {
			result = temp_failure(-ENOMEM, reply, size, "attachment");
			goto out;
		}
		in.natt++;
	}
	in.att = att;
	/* without a Message-ID the bytes identify the message: a retry of the
	 * same bytes is still recognised */
	if (msg->message_id && *msg->message_id) {
		in.message_id = msg->message_id;
	} else {
		snprintf(synth, sizeof(synth), "sha256.%s@ungcuu.invalid", raw_id);
		in.message_id = synth;
	}
	in.raw_blob = raw_id;
	in.raw = raw;
	in.raw_len = len;
	in.sync_dir = in.natt ? cfg->blob_dir : NULL;
	in.from_addr = msg->from_addr && *msg->from_addr ? msg->from_addr : NULL;
	in.from_name = msg->from_name && *msg->from_name ? msg->from_name : NULL;
	in.subject = msg->subject;
	body = redact_secrets(msg->body_text, &in.secrets);
	if (!body) {
		result = temp_failure(-ENOMEM, reply, size, "body");
		goto out;
	}
	in.body = body;
	if (tag_code_find(msg->subject, strlen(msg->subject), &tc, NULL) == 0 &&
	    tag_code_format(&tc, code) == 0)
		in.code = code;
	if (tag_subject_find(msg->subject, strlen(msg->subject), &tag) == 0) {
		in.unit = tag.unit;
		in.service = tag.service;
	}
	/* references, newest first: In-Reply-To, then References from the end */
	if (!(refs = calloc(msg->n_references + 1, sizeof(*refs)))) {
		result = temp_failure(-ENOMEM, reply, size, "references");
		goto out;
	}
	if (msg->in_reply_to)
		refs[in.nrefs++] = msg->in_reply_to;
	for (size_t i = msg->n_references; i > 0; i--)
		refs[in.nrefs++] = msg->references[i - 1];
	in.refs = refs;
	/* no acknowledgement to robots, bounces, ourselves, or our own loop */
	in.ack = in.from_addr && !msg->is_auto_reply && !msg->is_bounce &&
		 !in_list(cfg->own_addrs, in.from_addr) &&
		 !(msg->x_loop && cfg->loop_id && strcasecmp(msg->x_loop, cfg->loop_id) == 0);
	in.ack_per_hour = cfg->ack_per_hour;

	rc = store_mail_intake(st, &in, &res, &err);
	if (rc < 0) {
		result = temp_failure(rc, reply, size, "message");
		goto out;
	}
	if (ret)
		*ret = res;
	snprintf(reply, size, "250 2.0.0 %s %s", res.code,
		 res.duplicate ? "stored before" : res.created ? "new request" : "added to the request");
	result = 250;
out:
	for (size_t i = 0; att && i < in.natt; i++)
		free((char *)att[i].blob);
	free(att);
	free(refs);
	free(body);
	mime_free(msg);
	return result;
}
